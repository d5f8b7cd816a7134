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
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from opc_excel.fr import fr_date
from opc_excel.model import MilestoneSnapshot, Problem, Severity
from opc_excel.text import match_key
from opc_excel.workbook import contract
from opc_excel.workbook.alert_sheet import ALERTES, FOLLOW_UP, FOLLOW_UP_CHOICES, AlertRow
from opc_excel.workbook.alert_sheet import COMPUTED_HEADERS as COMPUTED_ALERT_HEADERS
from opc_excel.workbook.alert_sheet import HEADERS as ALERT_HEADERS
from opc_excel.workbook.history import HISTORIQUE_JALONS, MILESTONE_HEADERS, snapshot_row

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


# ---------------------------------------------------------------- Alertes

ALERT_FILLS = {"Rouge": PatternFill("solid", fgColor="F4B6B6"), "Orange": PatternFill("solid", fgColor="FFD699")}
USER_HEADER_FILL = PatternFill("solid", fgColor="375623")
RESOLVED_FONT = Font(color="7F7F7F", italic=True)
ALERT_WIDTHS = {"Clé": 26, "Code": 9, "Gravité": 9, "Thème": 14, "ID opération": 13, "Opération": 28,
                "Maître d'ouvrage": 16, "Constat": 55, "Mesure proposée": 45, "Détectée le": 12,
                "Mesure retenue": 35, "Responsable": 16, "Échéance": 12, "Suivi": 16, "Commentaire": 35}
ALERT_WRAPPED = ("Opération", "Constat", "Mesure proposée", "Mesure retenue", "Commentaire")
ALERTES_HEADER_ROW = 3
DATE_FORMAT = "DD/MM/YYYY"


def write_alertes(workbook: Workbook, rows: Sequence[AlertRow], extra_headers: Sequence[str], at: date) -> Worksheet:
    """Return the rebuilt *Alertes* sheet: firing alerts, then resolved ones, user columns as typed."""
    ws = replace_output_sheet(workbook, ALERTES)
    ws.sheet_properties.tabColor = "C55A11"
    headers = list(ALERT_HEADERS) + [h for h in extra_headers if h not in ALERT_HEADERS]
    firing = [r for r in rows if r.firing]
    red = sum(r.computed.get("Gravité") == "Rouge" for r in firing)
    set_text(ws.cell(1, 1), f"Points d'alerte — situation au {fr_date(at)}")
    ws.cell(1, 1).font = TITLE_FONT
    set_text(ws.cell(2, 1), f"{len(firing)} alerte(s) en cours dont {red} rouge(s) ; "
                            f"{len(rows) - len(firing)} ligne(s) résolue(s) ou saisie(s) à la main conservée(s). "
                            "Les colonnes vertes sont les vôtres : elles sont conservées à chaque actualisation.")
    for col, header in enumerate(headers, start=1):
        cell = ws.cell(ALERTES_HEADER_ROW, col)
        set_text(cell, header)
        cell.fill = HEADER_FILL if header in COMPUTED_ALERT_HEADERS else USER_HEADER_FILL
        cell.font = HEADER_FONT
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(col)].width = ALERT_WIDTHS.get(header, 20)
    for row_number, row in enumerate(rows, start=ALERTES_HEADER_ROW + 1):
        values = {**row.computed, **row.user}
        for col, header in enumerate(headers, start=1):
            cell = ws.cell(row_number, col)
            set_text(cell, values.get(header))
            cell.alignment = Alignment(vertical="top", wrap_text=header in ALERT_WRAPPED)
            if isinstance(cell.value, date):
                cell.number_format = DATE_FORMAT
            if not row.firing:
                cell.font = RESOLVED_FONT
        fill = ALERT_FILLS.get(str(row.computed.get("Gravité")))
        if fill is not None and row.firing:
            ws.cell(row_number, headers.index("Gravité") + 1).fill = fill
        ws.row_dimensions[row_number].height = LINE_HEIGHT * max(
            _lines(str(values.get(h) or ""), ALERT_WIDTHS.get(h, 20)) for h in ALERT_WRAPPED)
    last_row = ALERTES_HEADER_ROW + max(len(rows), 1)
    last_col = get_column_letter(len(headers))
    ws.auto_filter.ref = f"A{ALERTES_HEADER_ROW}:{last_col}{last_row}"
    ws.freeze_panes = f"C{ALERTES_HEADER_ROW + 1}"
    follow_up_col = get_column_letter(headers.index(FOLLOW_UP) + 1)
    choices = DataValidation(type="list", formula1='"' + ",".join(FOLLOW_UP_CHOICES) + '"', allow_blank=True,
                             errorStyle="warning", showErrorMessage=True, errorTitle="Suivi",
                             error="Choisissez Nouvelle, En cours, Traitée ou Risque accepté.")
    choices.add(f"{follow_up_col}{ALERTES_HEADER_ROW + 1}:{follow_up_col}{max(last_row, 500) + 500}")
    ws.add_data_validation(choices)
    due_col = get_column_letter(headers.index("Échéance") + 1)
    for row_number in range(ALERTES_HEADER_ROW + 1, last_row + 1):
        ws[f"{due_col}{row_number}"].number_format = DATE_FORMAT
    _landscape(ws, ALERTES_HEADER_ROW)
    return ws


def _landscape(ws: Worksheet, header_row: int) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{header_row}:{header_row}"


# ---------------------------------------------------------------- Historique jalons


def write_milestone_history(workbook: Workbook, snapshots: Sequence[MilestoneSnapshot]) -> Worksheet:
    """Return the rebuilt, hidden *Historique jalons* sheet: one row per milestone and date de situation."""
    ws = replace_output_sheet(workbook, HISTORIQUE_JALONS)
    ws.sheet_state = "hidden"
    ws.append(list(MILESTONE_HEADERS))
    for cell in ws[1]:
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
    for snapshot in snapshots:
        ws.append(snapshot_row(snapshot))
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, date):
                cell.number_format = DATE_FORMAT
            elif isinstance(cell.value, str):
                cell.data_type = "s"
    for col, width in enumerate((14, 14, 24, 14, 14, 16, 14, 24), start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = "A2"
    return ws
