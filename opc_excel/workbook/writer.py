"""Write the output sheets the software owns (rebuilt at each refresh) into an openpyxl workbook.

Input sheets are never touched here: only sheets named in ``contract.OUTPUT_SHEETS`` are
removed and written again.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from opc_excel.model import Problem, Severity
from opc_excel.text import match_key
from opc_excel.workbook import contract
from opc_excel.workbook.values import fr_date

HEADER_FILL = PatternFill("solid", fgColor="1F3864")
HEADER_FONT = Font(bold=True, color="FFFFFF")
TITLE_FONT = Font(bold=True, size=14, color="1F3864")
SEVERITY_FILLS = {
    Severity.BLOQUANT: PatternFill("solid", fgColor="F8CBAD"),  # rouge clair
    Severity.AVERTISSEMENT: PatternFill("solid", fgColor="FFE699"),  # orange clair
}
CONTROLES_WIDTHS = (14, 16, 9, 24, 20, 72, 12)
LINE_HEIGHT = 15  # points per line of 11-pt text
CONTROLES_HEADER_ROW = 4


def set_text(cell, value: object) -> None:
    """Write a value as shown; text is always text, never a formula (no =, +, -, @ injection)."""
    cell.value = value
    if isinstance(value, str) and value:
        cell.data_type = "s"


def replace_output_sheet(workbook: Workbook, name: str) -> Worksheet:
    """Return a new, empty sheet ``name``, at the place of the old one or after the input sheets."""
    for existing in workbook.sheetnames:
        if match_key(existing) == match_key(name):
            index = workbook.sheetnames.index(existing)
            workbook.remove(workbook[existing])
            return workbook.create_sheet(name, index)
    return workbook.create_sheet(name)


def write_controles(workbook: Workbook, problems: Sequence[Problem], at: date,
                    sheet_names: dict[str, str]) -> Worksheet:
    """Return the rebuilt *Contrôles* sheet: a summary, then one row per problem, linked to its cell."""
    ws = replace_output_sheet(workbook, contract.CONTROLES)
    ws.sheet_properties.tabColor = "C00000"
    blocking = sum(p.severity is Severity.BLOQUANT for p in problems)
    warnings = len(problems) - blocking
    set_text(ws.cell(1, 1), f"Contrôles du classeur — situation au {fr_date(at)}")
    ws.cell(1, 1).font = TITLE_FONT
    summary = _summary(blocking, warnings)
    set_text(ws.cell(2, 1), summary)
    ws.cell(2, 1).font = Font(bold=blocking > 0, color="C00000" if blocking else "375623")
    ws.cell(2, 1).alignment = Alignment(vertical="top", wrap_text=True)
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(CONTROLES_WIDTHS))
    ws.row_dimensions[2].height = LINE_HEIGHT * _lines(summary, sum(CONTROLES_WIDTHS))
    for col, header in enumerate(contract.CONTROLES_HEADERS, start=1):
        cell = ws.cell(CONTROLES_HEADER_ROW, col)
        set_text(cell, header)
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    existing = set(workbook.sheetnames)
    for row, problem in enumerate(problems, start=CONTROLES_HEADER_ROW + 1):
        actual_sheet = sheet_names.get(problem.sheet, problem.sheet)
        values = (problem.severity.value, actual_sheet, problem.cell, problem.column, problem.value,
                  problem.message, problem.code)
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row, col)
            set_text(cell, value)
            cell.alignment = Alignment(vertical="top", wrap_text=col in (4, 5, 6))
        ws.cell(row, 1).fill = SEVERITY_FILLS[problem.severity]
        # Neither openpyxl nor every spreadsheet sizes wrapped rows: give each row the lines it needs.
        ws.row_dimensions[row].height = LINE_HEIGHT * max(
            _lines(str(values[i - 1]), CONTROLES_WIDTHS[i - 1]) for i in (4, 5, 6))
        if problem.cell and actual_sheet in existing:
            link = ws.cell(row, 3)
            link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{actual_sheet}'!{problem.cell}",
                                       tooltip="Aller à la cellule")
            link.font = Font(color="0563C1", underline="single")
    for col, width in enumerate(CONTROLES_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    last_row = CONTROLES_HEADER_ROW + max(len(problems), 1)
    ws.auto_filter.ref = f"A{CONTROLES_HEADER_ROW}:{get_column_letter(len(CONTROLES_WIDTHS))}{last_row}"
    ws.freeze_panes = f"A{CONTROLES_HEADER_ROW + 1}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{CONTROLES_HEADER_ROW}:{CONTROLES_HEADER_ROW}"
    return ws


def _lines(text: str, width: float) -> int:
    """Return about how many lines ``text`` takes in a wrapped column ``width`` characters wide."""
    per_line = max(int(width * 1.25) - 2, 1)
    return sum(max(1, -(-len(part) // per_line)) for part in text.split("\n"))


def _summary(blocking: int, warnings: int) -> str:
    if not blocking and not warnings:
        return "Aucun problème détecté : toutes les données ont été prises en compte."
    parts = []
    if blocking:
        parts.append(f"{blocking} problème{'s' if blocking > 1 else ''} bloquant{'s' if blocking > 1 else ''} : "
                     "les valeurs concernées sont écartées des calculs qui en dépendent, le reste est calculé. "
                     "Corrigez-les en suivant le lien de la colonne Cellule, puis actualisez.")
    if warnings:
        parts.append(f"{warnings} avertissement{'s' if warnings > 1 else ''} : vérifiez que la lecture "
                     "indiquée correspond à ce que vous vouliez saisir.")
    return " ".join(parts)
