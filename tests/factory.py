"""A small, valid programme built in code, and helpers to spoil it one cell at a time.

``clean_sheets()`` returns sheet name -> rows (header first) of a programme that checks clean
at 30/09/2011; tests change a cell with ``set_value`` and write it with ``write_workbook``.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import openpyxl

from opc_excel.model import Params
from opc_excel.read import contract

AT = date(2011, 9, 30)
Rows = list[list[object]]


def headers(spec: contract.SheetSpec) -> list[str]:
    return [c.header for c in spec.columns]


def clean_sheets() -> dict[str, Rows]:
    """Return the sheets of a small programme with no problem at all."""
    params: Rows = [["Paramètre", "Valeur"]]
    values = {
        "project": "PRU test", "collectivite": "Ville test", "programme": "PNRU",
        "signature_date": datetime(2008, 1, 28), "end_date": datetime(2013, 12, 31), "at": datetime(2011, 9, 30),
        "amendment_in_force": "Avenant n°1",
    }
    defaults = Params()
    for p in contract.PARAMETERS:
        params.append([p.label, values.get(p.attr, getattr(defaults, p.attr))])
    lists = dict(contract.DEFAULT_LISTS)
    lists[contract.QUARTIERS] = ("Perseigne", "Courteille")
    lists[contract.MAITRES_OUVRAGE] = ("Ville d'Alençon", "Orne Habitat")
    names = list(lists)
    depth = max(len(v) for v in lists.values())
    listes: Rows = [names] + [[lists[n][i] if i < len(lists[n]) else None for n in names] for i in range(depth)]
    operations: Rows = [headers(contract.OPERATIONS_SPEC)] + [
        _operation("PER-DEM-01", "Démolition immeuble Ronsard", "Perseigne", "Démolition de logements sociaux",
                   "Orne Habitat", "En travaux", 2_400_000, quantity=96),
        _operation("PER-AME-01", "Aménagement place de la Paix", "Perseigne", "Aménagement", "Ville d'Alençon",
                   "Programmée", 1_500_000),
        _operation("COU-REH-01", "Réhabilitation rue Mermoz", "Courteille", "Réhabilitation", "Orne Habitat",
                   "Livrée", 3_000_000, quantity=120, done=120),
    ]
    jalons: Rows = [headers(contract.JALONS_SPEC)] + [
        ["PER-DEM-01", "DAS", datetime(2010, 3, 1), None, None, datetime(2010, 4, 1), None, None],
        ["PER-DEM-01", "Démarrage des travaux", datetime(2011, 3, 1), None, datetime(2011, 5, 1),
         datetime(2011, 5, 2), "Relogement", None],
        ["PER-DEM-01", "Livraison", datetime(2011, 12, 31), None, datetime(2012, 3, 31), None, "Relogement", None],
        ["PER-AME-01", "Démarrage des travaux", datetime(2012, 3, 1), None, datetime(2012, 4, 1), None, None, None],
        ["PER-AME-01", "Livraison", datetime(2013, 6, 30), None, datetime(2013, 6, 30), None, None, None],
        ["COU-REH-01", "Démarrage des travaux", datetime(2009, 9, 1), None, None, datetime(2009, 9, 15), None, None],
        ["COU-REH-01", "Livraison", datetime(2010, 12, 31), None, None, datetime(2011, 1, 31), None, None],
    ]
    dependances: Rows = [headers(contract.DEPENDANCES_SPEC), ["PER-DEM-01", "PER-AME-01", 1]]
    financements: Rows = [headers(contract.FINANCEMENTS_SPEC)] + [
        ["PER-DEM-01", "ANRU", 1_200_000, None, "Notifié", 1_200_000, 180_000, 600_000, "DAS n° 2010-01"],
        ["PER-DEM-01", "Ville", 1_200_000, None, "Acquis", None, None, None, None],
        ["PER-AME-01", "ANRU", 500_000, None, "Sollicité", None, None, None, None],
        ["PER-AME-01", "Ville", 1_000_000, None, "Prévu", None, None, None, None],
        ["COU-REH-01", "ANRU", 900_000, None, "Notifié", 900_000, None, 900_000, "DAS n° 2009-07"],
        ["COU-REH-01", "CUA", 2_100_000, None, "Acquis", 2_100_000, None, 2_100_000, None],
    ]
    relogement: Rows = [headers(contract.RELOGEMENT_SPEC)] + [
        ["M-001", "PER-DEM-01", "Relogé", datetime(2011, 2, 1), 2, "Neuf ou moins de 5 ans", "Hors site", "Non",
         250, 270],
        ["M-002", "PER-DEM-01", "À reloger", None, 1, None, None, None, 300, None],
    ]
    insertion: Rows = [headers(contract.INSERTION_SPEC),
                       ["PER-DEM-01", "Lot 01 — Démolition", "SARL Test", 12_000, 600, 450, datetime(2011, 9, 1)]]
    avenants: Rows = [headers(contract.AVENANTS_SPEC),
                      ["1", datetime(2010, 6, 1), "Simplifié", "Recalage calendrier", "PER-DEM-01; PER-AME-01"]]
    actions: Rows = [headers(contract.ACTIONS_SPEC),
                     ["A-001", datetime(2011, 6, 1), "Comité de suivi", "Relogement", "Relancer les propositions",
                      "Orne Habitat", datetime(2011, 10, 31), "Ouverte", 0, "PER-DEM-01", None]]
    return {
        contract.PARAMETRES: params, contract.LISTES: listes, contract.OPERATIONS: operations,
        contract.JALONS_SHEET: jalons, contract.DEPENDANCES: dependances, contract.FINANCEMENTS: financements,
        contract.RELOGEMENT: relogement, contract.INSERTION: insertion, contract.AVENANTS: avenants,
        contract.ACTIONS: actions,
    }


def _operation(op_id: str, label: str, district: str, famille: str, owner: str, status: str, cost: float,
               quantity: float | None = None, done: float | None = None) -> list[object]:
    row: dict[str, object] = {
        "id": op_id, "label": label, "district": district, "famille": famille, "owner": owner,
        "status": status, "cost_convention": cost, "anru_ceiling_pct": 50, "quantity_convention": quantity,
        "quantity_done": done, "unit": "logements" if quantity else None, "updated_on": datetime(2011, 9, 1),
    }
    return [row.get(c.attr) for c in contract.OPERATIONS_SPEC.columns]


def column_of(sheets: dict[str, Rows], sheet: str, header: str) -> int:
    """Return the 0-based column of ``header`` in the header row (row 0) of ``sheet``."""
    return sheets[sheet][0].index(header)


def set_value(sheets: dict[str, Rows], sheet: str, data_row: int, header: str, value: object) -> str:
    """Set a cell of data row ``data_row`` (1 = first under the header); return its A1 address."""
    col = column_of(sheets, sheet, header)
    sheets[sheet][data_row][col] = value
    return f"{openpyxl.utils.get_column_letter(col + 1)}{data_row + 1}"


def write_workbook(path: Path, sheets: dict[str, Rows], *, title_rows: dict[str, int] | None = None) -> Path:
    """Write the sheets as a plain workbook; ``title_rows`` puts N title rows above a sheet's header."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        ws = workbook.create_sheet(name)
        offset = (title_rows or {}).get(name, 0)
        if offset:
            ws.cell(1, 1, f"Titre de la feuille {name}")
        for r, row in enumerate(rows, start=1 + offset):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    ws.cell(r, c, value)
    workbook.save(path)
    return path


def make_workbook(tmp_path: Path, sheets: dict[str, Rows] | None = None, name: str = "classeur.xlsx",
                  **kwargs: object) -> Path:
    return write_workbook(tmp_path / name, sheets if sheets is not None else clean_sheets(), **kwargs)
