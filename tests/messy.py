"""A messy, independent NPNRU programme: the demo's content moved ten years on and typed as users type.

``messy_demo()`` returns the demo with *Programme* = NPNRU, every date ten years later and the date
de situation on 31/03/2022 (six months past the demo's own, so that forecasts fall due without
anything real), then dirtied the ways a workbook arrives: cells left empty, amounts and numbers typed
as text (« 1,96 M€ », « 865 194 € », « 15 074 »), text dates (« S2 2024 », « déc. 2023 »,
« 2023-12-31 »), a household and an action given twice, an impossible date, an actual date after
the date de situation, a delivery before its works start, look-alike apostrophes and stray spaces in
list values. The checks report each of these and the decks still build from what remains.
"""

from __future__ import annotations

import copy
from datetime import date

from opc_excel.demo.data import Demo, build_demo
from opc_excel.demo.generate import build_master_inputs
from opc_excel.read import contract as c

YEARS = 10
AT = date(2022, 3, 31)


def later(value: object) -> object:
    """Return ``value`` ten years later when it is a date (29 February becomes the 28th)."""
    if not isinstance(value, date):
        return value
    try:
        return value.replace(year=value.year + YEARS)
    except ValueError:
        return value.replace(year=value.year + YEARS, day=28)


def messy_demo() -> Demo:
    """Return the NPNRU programme described in the module docstring."""
    demo = build_demo()
    params = {key: later(value) for key, value in demo.params.items()}
    params.update(project="NPNRU Quartier des Tisserands", collectivite="Ville de Saint-Aubin",
                  project_sponsor="Agglomération de Saint-Aubin", programme="NPNRU", at=AT,
                  amendment_in_force="Avenant n°1 du 15/03/2021")
    tables = {name: [{key: later(value) for key, value in row.items()} for row in rows]
              for name, rows in demo.tables.items()}
    messy = Demo(params=params, lists=dict(demo.lists), tables=tables)
    _dirty_operations(messy.tables[c.OPERATIONS])
    _dirty_milestones(messy.tables[c.JALONS_SHEET])
    _dirty_funding(messy.tables[c.FINANCEMENTS])
    _dirty_households(messy.tables[c.RELOGEMENT])
    _dirty_insertion(messy.tables[c.INSERTION])
    _dirty_actions(messy.tables[c.ACTIONS])
    return messy


def _dirty_operations(rows: list[dict[str, object]]) -> None:
    for i, row in enumerate(rows):
        if i % 7 == 0:
            row["cost_convention"] = _euros_as_text(row["cost_convention"], millions=i % 2 == 0)
        if i % 5 == 1:
            row["cost_current"] = None  # left empty: the convention's cost is used
            row["follow_up_by"] = ""
        if i % 9 == 2 and row.get("quantity_done") is not None:
            row["quantity_done"] = str(row["quantity_done"])  # a number typed as text
        if str(row["owner"]).startswith("Ville d'"):
            row["owner"] = str(row["owner"]).replace("'", "’") + " "  # Excel's apostrophe, a trailing space
        if row["famille"] == "Reconstitution de l'offre" and row.get("quantity_convention"):
            row["plai_units"] = round(float(row["quantity_convention"]) * 0.5)  # NPNRU: PLAI share
            row["outside_qpv"] = "Oui" if i % 2 else "Non"


def _dirty_milestones(rows: list[dict[str, object]]) -> None:
    texts = iter(["S2 2024", "déc. 2023", "2023-12-31", "31/12/2024", "T3 2023", "2e semestre 2023"])
    for i, row in enumerate(rows):
        if row.get("actual") is None and row.get("forecast") is not None and i % 11 == 0:
            text = next(texts, None)
            if text is not None:
                row["forecast"] = text  # a text date, read with a warning
        if i % 37 == 5 and row.get("actual") is None:
            row["forecast"] = None  # forecast left empty
    pending = [row for row in rows if row.get("actual") is None and row.get("forecast")]
    pending[3]["forecast"] = "31/02/2023"  # no such date: left out, blocking problem
    done = [row for row in rows if row.get("actual") is not None]
    done[7]["actual"] = date(2022, 6, 30)  # an actual date after the date de situation
    by_operation: dict[str, dict[str, dict[str, object]]] = {}
    for row in rows:
        by_operation.setdefault(str(row["operation_id"]), {})[str(row["name"])] = row
    for milestones in by_operation.values():  # one delivery before its works start
        start, delivery = milestones.get(c.WORKS_START), milestones.get(c.DELIVERY)
        if start and delivery and isinstance(start.get("convention"), date) and start.get("actual") is None:
            delivery["convention"] = date(start["convention"].year - 1, 1, 15)
            break


def _dirty_funding(rows: list[dict[str, object]]) -> None:
    for i, row in enumerate(rows):
        if i % 6 == 0:
            row["amount_convention"] = _euros_as_text(row["amount_convention"], millions=False)
        if i % 13 == 3:
            row["engaged"] = None
        if i % 17 == 4 and isinstance(row.get("paid"), (int, float)):
            row["paid"] = f"{row['paid'] / 1000:.0f} k€".replace(".", ",")


def _dirty_households(rows: list[dict[str, object]]) -> None:
    rows.append(copy.deepcopy(rows[10]) | {"status": "À reloger", "rehoused_on": None})  # the same N° twice
    for i, row in enumerate(rows):
        if i % 10 == 3 and row["status"] == "Relogé":
            row["status"] = " relogé "  # case and spaces
        if i % 23 == 1:
            row["offers"] = None


def _dirty_insertion(rows: list[dict[str, object]]) -> None:
    for i, row in enumerate(rows):
        if i % 4 == 0 and isinstance(row.get("hours_worked"), int):
            row["hours_worked"] = f"{row['hours_worked']:,}".replace(",", " ")  # « 15 074 » typed as text
        if i % 9 == 2:
            row["as_of"] = None


def _dirty_actions(rows: list[dict[str, object]]) -> None:
    rows.append(copy.deepcopy(rows[-1]) | {"subject": "Doublon saisi deux fois"})  # the same ID action twice


def _euros_as_text(value: object, *, millions: bool) -> object:
    if not isinstance(value, (int, float)):
        return value
    if millions:
        return f"{value / 1e6:.2f} M€".replace(".", ",")
    return f"{value:,.0f} €".replace(",", " ")


def write_messy(path) -> None:
    """Write the messy programme's input sheets to ``path`` (.xlsx)."""
    build_master_inputs(messy_demo()).save(path)
