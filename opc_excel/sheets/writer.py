"""The output sheets the software owns (rebuilt at each refresh): *Contrôles*, *Alertes*, *Historique jalons*.

Each sheet is described once (``*_sheet`` functions return a :class:`SheetOutput`) and written by
a backend: an openpyxl workbook on the command line, the open Excel workbook through xlwings.
The ``write_*`` functions take either. Input sheets are never touched here: only sheets named
in ``contract.OUTPUT_SHEETS`` are replaced.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date

from openpyxl.utils import get_column_letter

from opc_excel.fr import fr_date
from opc_excel.model import MilestoneSnapshot, Problem, Severity
from opc_excel.read import contract
from opc_excel.read.alert_sheet import (
    ALERTES,
    FOLLOW_UP,
    FOLLOW_UP_CHOICES,
    KEY,
    AlertRow,
    place_notes_above,
    sheet_summary,
    sheet_title,
)
from opc_excel.read.alert_sheet import COMPUTED_HEADERS as COMPUTED_ALERT_HEADERS
from opc_excel.read.alert_sheet import HEADERS as ALERT_HEADERS
from opc_excel.read.history import HISTORIQUE_JALONS, MILESTONE_HEADERS, snapshot_row
from opc_excel.sheets.output import (
    Align,
    Font,
    ListValidation,
    PageLayout,
    SheetOutput,
    as_backend,
    replace_output_sheet,
    set_text,
)
from opc_excel.text import NAME_CAP, TEXT_CAP, shorten, shorten_quotes

__all__ = ["replace_output_sheet", "set_text"]  # kept here for the modules that import them from the writer

HEADER_FILL = "1F3864"
HEADER_FONT = Font(bold=True, color="FFFFFF")
TITLE_FONT = Font(bold=True, size=14, color="1F3864")
LINK_FONT = Font(color="0563C1", underline=True)
SEVERITY_FILLS = {
    Severity.BLOQUANT: "F8CBAD",  # rouge clair
    Severity.AVERTISSEMENT: "FFE699",  # orange clair
}
CONTROLES_WIDTHS = (14, 16, 9, 24, 20, 72, 12)
LINE_HEIGHT = 15  # points per line of 11-pt text
MAX_ROW_HEIGHT = 409  # Excel's tallest row, in points
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
    ws.heights[2] = LINE_HEIGHT * _lines(summary, sum(CONTROLES_WIDTHS))
    for col, header in enumerate(contract.CONTROLES_HEADERS, start=1):
        ws.put(CONTROLES_HEADER_ROW, col, header, fill=HEADER_FILL, font=HEADER_FONT,
               align=Align(vertical="center", wrap=True))
    for row, problem in enumerate(problems, start=CONTROLES_HEADER_ROW + 1):
        actual_sheet = sheet_names.get(problem.sheet, problem.sheet)
        values = (problem.severity.value, actual_sheet, problem.cell, problem.column, _capped(problem.value),
                  _capped(problem.message, TEXT_CAP), problem.code)
        for col, value in enumerate(values, start=1):
            ws.put(row, col, value, align=Align(vertical="top", wrap=col in (4, 5, 6)))
        ws.cell(row, 1).fill = SEVERITY_FILLS[problem.severity]
        # Neither openpyxl nor every spreadsheet sizes wrapped rows: give each row the lines it needs.
        ws.heights[row] = _height(max(_lines(str(values[i - 1]), CONTROLES_WIDTHS[i - 1]) for i in (4, 5, 6)))
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


def _capped(value: object, limit: int = NAME_CAP) -> object:
    """Return a text of ours cut to ``limit`` characters, a user's value quoted in it to ``QUOTE_CAP``; else ``value``.

    A message quotes what was typed (« … » ne figure pas dans la liste…): the value is cut, not the advice after it.
    """
    return shorten(shorten_quotes(value), limit) if isinstance(value, str) else value


def _height(lines: int) -> float:
    """Return the height in points of a row of ``lines`` lines of text, no taller than Excel allows."""
    return min(LINE_HEIGHT * lines, MAX_ROW_HEIGHT)


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

ALERT_FILLS = {"Rouge": "F4B6B6", "Orange": "FFD699"}
USER_HEADER_FILL = "375623"
RESOLVED_FONT = Font(color="7F7F7F", italic=True)
ALERT_WIDTHS = {"Clé": 26, "Code": 9, "Gravité": 9, "Thème": 14, "ID opération": 13, "Opération": 28,
                "Maître d'ouvrage": 16, "Constat": 55, "Mesure proposée": 45, "Détectée le": 12, "Résolue le": 12,
                "Mesure retenue": 35, "Responsable": 16, "Échéance": 12, "Suivi": 21, "Commentaire": 35}
ALERT_WRAPPED = ("Opération", "Constat", "Mesure proposée", "Mesure retenue", "Commentaire")
# The computed columns that show a sentence of ours (which may quote what was typed); the other computed
# columns show a name (libellé, maître d'ouvrage…) or a code. The Clé is never cut: notes follow it.
ALERT_SENTENCES = ("Constat", "Mesure proposée")
DATE_FORMAT = "DD/MM/YYYY"
FOLLOW_UP_ROWS = 500  # the drop-down list goes this far below the last row, for rows users add


def alertes_sheet(rows: Sequence[AlertRow], extra_headers: Sequence[str], at: date,
                  notes_above: Sequence[Sequence[object]] = ()) -> SheetOutput:
    """Return *Alertes*: what users typed above the header, then firing alerts, resolved ones, user columns as typed."""
    ws = SheetOutput(ALERTES, tab_color="C55A11")
    headers = list(ALERT_HEADERS) + [h for h in extra_headers if h not in ALERT_HEADERS]
    firing = [r for r in rows if r.firing]
    red = sum(r.computed.get("Gravité") == "Rouge" for r in firing)
    notes, header_row = place_notes_above(notes_above)
    ws.put(1, 1, sheet_title(at), font=TITLE_FONT)
    ws.put(2, 1, sheet_summary(len(firing), red, len(rows) - len(firing)))
    for (row_number, col), value in notes.items():
        ws.put(row_number, col, value, number_format=DATE_FORMAT if isinstance(value, date) else None)
    for col, header in enumerate(headers, start=1):
        ws.put(header_row, col, header,
               fill=HEADER_FILL if header in COMPUTED_ALERT_HEADERS else USER_HEADER_FILL, font=HEADER_FONT,
               align=Align(vertical="center", wrap=True))
        ws.widths[col] = ALERT_WIDTHS.get(header, 20)
    for row_number, row in enumerate(rows, start=header_row + 1):
        computed = {header: value if header == KEY or not row.key  # a row without a key was typed by a user
                    else _capped(value, TEXT_CAP if header in ALERT_SENTENCES else NAME_CAP)
                    for header, value in row.computed.items()}
        values = {**computed, **row.user}  # the user's columns as typed, however long
        for col, header in enumerate(headers, start=1):
            value = values.get(header)
            cell = ws.put(row_number, col, value, align=Align(vertical="top", wrap=header in ALERT_WRAPPED))
            if isinstance(value, date):
                cell.number_format = DATE_FORMAT
            if not row.firing:
                cell.font = RESOLVED_FONT
        fill = ALERT_FILLS.get(str(row.computed.get("Gravité")))
        if fill is not None and row.firing:
            ws.cell(row_number, headers.index("Gravité") + 1).fill = fill
        ws.heights[row_number] = _height(max(
            _lines(str(values.get(h) or ""), ALERT_WIDTHS.get(h, 20)) for h in ALERT_WRAPPED))
    last_row = header_row + max(len(rows), 1)
    ws.auto_filter = f"A{header_row}:{get_column_letter(len(headers))}{last_row}"
    ws.freeze = f"C{header_row + 1}"
    follow_up_col = get_column_letter(headers.index(FOLLOW_UP) + 1)
    ws.validations.append(ListValidation(
        f"{follow_up_col}{header_row + 1}:{follow_up_col}{max(last_row, FOLLOW_UP_ROWS) + FOLLOW_UP_ROWS}",
        FOLLOW_UP_CHOICES, error_title="Suivi", error="Choisissez Nouvelle, En cours, Traitée ou Risque accepté."))
    due_col = headers.index("Échéance") + 1
    for row_number in range(header_row + 1, last_row + 1):
        ws.cell(row_number, due_col).number_format = DATE_FORMAT
    ws.page = PageLayout(paper_a4=True, title_row=header_row)
    return ws


def write_alertes(workbook, rows: Sequence[AlertRow], extra_headers: Sequence[str], at: date,
                  notes_above: Sequence[Sequence[object]] = ()):
    """Write *Alertes* into ``workbook`` (openpyxl workbook or output backend); return the sheet written."""
    return as_backend(workbook).write(alertes_sheet(rows, extra_headers, at, notes_above))


# ---------------------------------------------------------------- Historique jalons

MILESTONE_WIDTHS = (14, 14, 24, 14, 14, 16, 14, 24)


def milestone_history_sheet(snapshots: Sequence[MilestoneSnapshot]) -> SheetOutput:
    """Return the hidden *Historique jalons*: one row per milestone and date de situation."""
    ws = SheetOutput(HISTORIQUE_JALONS, hidden=True)
    ws.append(MILESTONE_HEADERS)
    for col in range(1, len(MILESTONE_HEADERS) + 1):
        ws.put(1, col, ws.cell(1, col).value, fill=HEADER_FILL, font=HEADER_FONT)
    for snapshot in snapshots:
        row = ws.append(snapshot_row(snapshot))
        for col in range(1, len(MILESTONE_HEADERS) + 1):
            if isinstance(ws.cell(row, col).value, date):
                ws.cell(row, col).number_format = DATE_FORMAT
    for col, width in enumerate(MILESTONE_WIDTHS, start=1):
        ws.widths[col] = width
    ws.freeze = "A2"
    return ws


def write_milestone_history(workbook, snapshots: Sequence[MilestoneSnapshot]):
    """Write *Historique jalons* into ``workbook`` (openpyxl workbook or output backend); return the sheet."""
    return as_backend(workbook).write(milestone_history_sheet(snapshots))
