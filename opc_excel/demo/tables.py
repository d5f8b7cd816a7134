"""The *Listes* sheet and the data sheets: Excel Tables whose formats and drop-downs follow the column kinds."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from opc_excel.demo.looks import HEADER_HEIGHT, TAB_COLOURS, cell_value, header_cell, print_layout
from opc_excel.read import contract as c
from opc_excel.read.contract import Column, Kind, SheetSpec
from opc_excel.text import match_key

# Fixed vocabularies of the contract, given their own *Listes* column for the drop-downs.
EXTRA_LISTS: dict[str, tuple[str, ...]] = {
    "Statuts de financement": c.FUNDING_STATUSES,
    "Statuts de relogement": c.HOUSEHOLD_STATUSES,
    "Destinations": c.DESTINATIONS,
    "Localisations": c.LOCATIONS,
    "Types d'avenant": c.AMENDMENT_KINDS,
    "Types de lien": c.LINK_TYPES,
    "Statuts d'avenant": c.AMENDMENT_STATUSES,
    "Types d'insertion": c.INSERTION_KINDS,
    "Oui / Non": ("Oui", "Non"),
}
# Lists the users fill for their own project: the template leaves room in their drop-downs.
OPEN_LISTS = (c.QUARTIERS, c.MAITRES_OUVRAGE, c.FINANCEURS)
OPEN_LIST_ROOM = 20

# Users' own columns, which the software ignores: one shows that extras are welcome.
EXTRA_COLUMNS: dict[str, tuple[Column, ...]] = {
    c.OPERATIONS: (Column("Observations internes", "internal_notes", Kind.TEXT),),
}
FIXED_LIST_FILL = PatternFill("solid", start_color="8497B0")
FIXED_LIST_NOTE = "Vocabulaire fixe du logiciel : ne pas modifier ces valeurs."
TABLE_STYLE = "TableStyleMedium2"
DATA_TAB_COLOUR = "2F75B5"

NUMBER_FORMATS = {
    Kind.AMOUNT: '#,##0 "€"',
    Kind.DATE: "dd/mm/yyyy",
    Kind.MILESTONE_DATE: "dd/mm/yyyy",
    Kind.NUMBER: "#,##0",
    Kind.PERCENT: "0",
}
WIDTHS = {
    Kind.ID: 14, Kind.TEXT: 30, Kind.DATE: 13, Kind.MILESTONE_DATE: 13, Kind.AMOUNT: 18,
    Kind.NUMBER: 12, Kind.PERCENT: 11, Kind.LIST: 20, Kind.YESNO: 9, Kind.IDS: 30,
}
WIDTHS_BY_HEADER = {
    "Libellé": 62, "Famille": 34, "Commentaire": 46, "Observations internes": 36, "Responsable suivi": 36,
    "Jalon": 23, "Motif de décalage": 25, "Financeur": 22, "Référence": 46, "Marché": 44, "Entreprise": 30,
    "Objet": 90, "Opérations concernées": 70, "Sujet": 30, "Décision / action": 62, "Responsable": 22,
    "Opérations liées": 30, "Statut": 17, "Quartier": 13, "Maître d'ouvrage": 18, "Unité": 14,
    "Destination": 22, "Instance": 19,
}
WRAPPED_HEADERS = {"Commentaire", "Objet", "Opérations concernées", "Décision / action"}
CENTRED_KINDS = {Kind.DATE, Kind.MILESTONE_DATE, Kind.YESNO, Kind.PERCENT}
CENTRED_HEADERS = {"Reports", "Délai minimal (mois)", "Nombre de propositions", "N°"}  # small counts
INDENTED_KINDS = {Kind.ID, Kind.TEXT, Kind.LIST, Kind.IDS}  # text kept off the figures on its left
FROZEN_COLUMNS = {c.OPERATIONS: 1, c.JALONS_SHEET: 2, c.FINANCEMENTS: 2}  # ids stay visible
HEADER_NOTES = {
    (c.RELOGEMENT, "N° ménage"): "Un code anonyme (M-0001…), jamais un nom : le classeur circule par courriel.",
    (c.JALONS_SHEET, "Date réelle"): "Seulement une fois le jalon franchi, jamais après la date de situation.",
    (c.JALONS_SHEET, "Date convention"): "Obligatoire pour le démarrage des travaux et la livraison.",
    (c.FINANCEMENTS, "Montant versé (€)"): "Cumul des versements, avance comprise ; au plus le montant engagé.",
    (c.OPERATIONS, "Taux ANRU plafond (%)"): "Un nombre de 0 à 100 : 35 pour 35 %.",
    (c.INSERTION, "Type"): "Travaux, Ingénierie ou GUP : le second objectif d'insertion. Facultatif ; "
                           "aucune alerte ne l'utilise encore.",
}


@dataclasses.dataclass(frozen=True)
class ListRange:
    name: str  # the workbook-level defined name the drop-downs point at
    ref: str  # Listes!$B$2:$B$13



def write_lists(wb: Workbook, lists: dict[str, Sequence[str]], room: int) -> dict[str, ListRange]:
    """Write *Listes*, one column per list, and return the named range of each list."""
    ws = wb.create_sheet(c.LISTES)
    ws.sheet_properties.tabColor = TAB_COLOURS[c.LISTES]
    ranges: dict[str, ListRange] = {}
    for col, (name, values) in enumerate(lists.items(), start=1):
        letter = get_column_letter(col)
        header_cell(ws.cell(1, col, name))
        if name in EXTRA_LISTS:  # the software's own vocabulary: told apart, with a note
            ws.cell(1, col).fill = FIXED_LIST_FILL
            ws.cell(1, col).comment = Comment(FIXED_LIST_NOTE, "opc_excel", width=240, height=60)
        narrowest = 24 if name in OPEN_LISTS else 14
        ws.column_dimensions[letter].width = max(narrowest, min(40, max(map(len, values), default=0) + 3))
        for row, value in enumerate(values, start=2):
            ws.cell(row, col, value)
        extra = room if name in OPEN_LISTS else 0
        last = 1 + max(1, len(values) + extra)
        ranged = ListRange(
            "Liste_" + re.sub(r"\W+", "_", match_key(name)).strip("_"),
            f"{quote_sheetname(c.LISTES)}!${letter}$2:${letter}${last}")
        wb.defined_names[ranged.name] = DefinedName(ranged.name, attr_text=ranged.ref)
        ranges[name] = ranged
    ws.row_dimensions[1].height = HEADER_HEIGHT
    ws.freeze_panes = "A2"
    print_layout(ws, print_rows="1:1")
    return ranges


def _list_name(column: Column) -> str | None:
    """Return the *Listes* column a list column's drop-down points at."""
    if column.kind is Kind.YESNO:
        return "Oui / Non"
    if column.kind is not Kind.LIST:
        return None
    if isinstance(column.choices, str):
        return column.choices
    return next(name for name, values in EXTRA_LISTS.items() if values == column.choices)


def write_table(ws: Worksheet, spec: SheetSpec, rows: Sequence[dict[str, object]], header_row: int,
                 ranges: dict[str, ListRange], validated_to: int) -> None:
    """Write one data sheet as an Excel Table, with formats and drop-downs driven by the column kinds."""
    ws.sheet_properties.tabColor = DATA_TAB_COLOUR
    columns = spec.columns + EXTRA_COLUMNS.get(spec.name, ())
    first = header_row + 1
    last = header_row + max(1, len(rows))  # an Excel Table needs one data row, even empty
    for col, column in enumerate(columns, start=1):
        letter = get_column_letter(col)
        header_cell(ws.cell(header_row, col, column.header))
        note = HEADER_NOTES.get((spec.name, column.header))
        if note:
            ws.cell(header_row, col).comment = Comment(note, "opc_excel", width=260, height=70)
        ws.column_dimensions[letter].width = WIDTHS_BY_HEADER.get(column.header, WIDTHS[column.kind])
        number_format = NUMBER_FORMATS.get(column.kind)
        alignment = _data_alignment(column)
        for row_index, row in enumerate(rows, start=first):
            cell = ws.cell(row_index, col, cell_value(row.get(column.attr)))
            if number_format:
                cell.number_format = number_format
            if alignment:
                cell.alignment = alignment
        if number_format and not rows:  # the blank template: formats ready for typing
            for row_index in range(first, validated_to + 1):
                ws.cell(row_index, col).number_format = number_format
        list_name = _list_name(column)
        if list_name:
            _add_drop_down(ws, ranges[list_name], f"{letter}{first}:{letter}{validated_to}")
    ws.row_dimensions[header_row].height = HEADER_HEIGHT
    last_col = get_column_letter(len(columns))
    table = Table(displayName="T_" + re.sub(r"\W+", "_", match_key(spec.name)),
                  ref=f"A{header_row}:{last_col}{last}")
    table.tableStyleInfo = TableStyleInfo(name=TABLE_STYLE, showRowStripes=True)
    ws.add_table(table)
    frozen = FROZEN_COLUMNS.get(spec.name, 0)
    ws.freeze_panes = f"{get_column_letter(frozen + 1)}{first}"
    print_layout(ws, print_rows=f"{header_row}:{header_row}", title_columns=frozen)


def _data_alignment(column: Column) -> Alignment | None:
    if column.header in WRAPPED_HEADERS:
        return Alignment(wrap_text=True, vertical="top", indent=1)
    if column.kind in CENTRED_KINDS or column.header in CENTRED_HEADERS:
        return Alignment(horizontal="center")
    if column.kind in INDENTED_KINDS:
        return Alignment(horizontal="left", indent=1)
    return None


def _add_drop_down(ws: Worksheet, list_range: ListRange, cells: str) -> None:
    dv = DataValidation(type="list", formula1=list_range.name, allow_blank=True, showErrorMessage=True,
                        errorTitle="Valeur hors liste",
                        error="Choisissez une valeur de la liste. Pour en ajouter une, complétez d'abord la "
                              "feuille Listes.")
    dv.add(cells)
    ws.add_data_validation(dv)

