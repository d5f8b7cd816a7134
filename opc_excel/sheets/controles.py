"""The *Contrôles* sheet: a summary, then one row per problem, linked to its cell."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date

from openpyxl.utils import get_column_letter

from opc_excel.fr import fr_date
from opc_excel.model import Problem, Severity
from opc_excel.read import contract
from opc_excel.sheets.openpyxl_backend import as_backend
from opc_excel.sheets.output import Align, Font, PageLayout, SheetOutput
from opc_excel.sheets.style import HEADER_FILL, HEADER_FONT, LINE_HEIGHT, TITLE_FONT, capped, row_height, wrapped_lines
from opc_excel.text import TEXT_CAP

LINK_FONT = Font(color="0563C1", underline=True)
SEVERITY_FILLS = {
    Severity.BLOQUANT: "F8CBAD",  # rouge clair
    Severity.AVERTISSEMENT: "FFE699",  # orange clair
}
CONTROLES_WIDTHS = (14, 16, 9, 24, 20, 72, 12)
CONTROLES_HEADER_ROW = 4


def controles_sheet(problems: Sequence[Problem], at: date, sheet_names: dict[str, str],
                    existing: Collection[str]) -> SheetOutput:
    """Return *Contrôles*: a summary, then one row per problem, linked to its cell when the sheet exists."""
    ws = SheetOutput(contract.CONTROLES, tab_color="C00000")
    blocking = sum(p.severity is Severity.BLOQUANT for p in problems)
    warnings = len(problems) - blocking
    ws.put(1, 1, f"Contrôles du classeur — situation au {fr_date(at)}", font=TITLE_FONT)
    summary = _summary(blocking, warnings)
    ws.put(2, 1, summary, font=Font(bold=blocking > 0, color="C00000" if blocking else "375623"),
           align=Align(vertical="top", wrap=True))
    ws.merge(2, 1, 2, len(CONTROLES_WIDTHS))
    ws.heights[2] = LINE_HEIGHT * wrapped_lines(summary, sum(CONTROLES_WIDTHS))
    for col, header in enumerate(contract.CONTROLES_HEADERS, start=1):
        ws.put(CONTROLES_HEADER_ROW, col, header, fill=HEADER_FILL, font=HEADER_FONT,
               align=Align(vertical="center", wrap=True))
    for row, problem in enumerate(problems, start=CONTROLES_HEADER_ROW + 1):
        actual_sheet = sheet_names.get(problem.sheet, problem.sheet)
        values = (problem.severity.value, actual_sheet, problem.cell, problem.column, capped(problem.value),
                  capped(problem.message, TEXT_CAP), problem.code)
        for col, value in enumerate(values, start=1):
            ws.put(row, col, value, align=Align(vertical="top", wrap=col in (4, 5, 6)))
        ws.cell(row, 1).fill = SEVERITY_FILLS[problem.severity]
        # Neither openpyxl nor every spreadsheet sizes wrapped rows: give each row the lines it needs.
        ws.heights[row] = row_height(max(wrapped_lines(str(values[i - 1]), CONTROLES_WIDTHS[i - 1]) for i in (4, 5, 6)))
        if problem.cell and actual_sheet in existing:
            link = ws.cell(row, 3)
            link.link, link.tooltip, link.font = f"'{actual_sheet}'!{problem.cell}", "Aller à la cellule", LINK_FONT
    for col, width in enumerate(CONTROLES_WIDTHS, start=1):
        ws.widths[col] = width
    last_row = CONTROLES_HEADER_ROW + max(len(problems), 1)
    ws.auto_filter = f"A{CONTROLES_HEADER_ROW}:{get_column_letter(len(CONTROLES_WIDTHS))}{last_row}"
    ws.freeze = f"A{CONTROLES_HEADER_ROW + 1}"
    ws.page = PageLayout(title_row=CONTROLES_HEADER_ROW)
    return ws


def write_controles(workbook, problems: Sequence[Problem], at: date, sheet_names: dict[str, str]):
    """Write *Contrôles* into ``workbook`` (openpyxl workbook or output backend); return the sheet written."""
    backend = as_backend(workbook)
    existing = set(backend.sheet_names) | {contract.CONTROLES}
    return backend.write(controles_sheet(problems, at, sheet_names, existing))


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

