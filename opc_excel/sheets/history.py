"""The history sheets: *Historique* (the headline figures, one row per date de situation) and the hidden
*Historique jalons* (one row per milestone and date de situation).

Both are read back at the next refresh (:mod:`opc_excel.read.history`) and extended.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from opc_excel.model import MilestoneSnapshot
from opc_excel.read.history import AT_HEADER, HISTORIQUE, HISTORIQUE_JALONS, MILESTONE_HEADERS, snapshot_row
from opc_excel.sheets.dashboard import COUNTS, FORMER_LABELS, HEADLINES, NUMBER, boxed_value, header_row
from opc_excel.sheets.openpyxl_backend import as_backend
from opc_excel.sheets.output import PageLayout, SheetOutput
from opc_excel.sheets.style import DATE_FORMAT, HEADER_FILL, HEADER_FONT

HISTORY_HEADERS = (AT_HEADER,) + tuple(label for label, _, _ in HEADLINES) + COUNTS


def summary_history_sheet(rows: Sequence[dict[str, object]]) -> SheetOutput:
    """Return *Historique*: one row per date de situation, oldest first."""
    ws = SheetOutput(HISTORIQUE, tab_color="7F7F7F")
    rows = [{FORMER_LABELS.get(h, h): v for h, v in r.items()} for r in rows]  # a renamed headline keeps its past
    headers = list(HISTORY_HEADERS) + sorted({h for r in rows for h in r if h not in HISTORY_HEADERS})
    header_row(ws, 1, 1, headers)
    ws.heights[1] = 60
    formats = {label: number_format for label, _, number_format in HEADLINES}
    for row_number, row in enumerate(rows, start=2):
        for col, header in enumerate(headers, start=1):
            value = row.get(header)
            boxed_value(ws, row_number, col, value, formats.get(header, NUMBER))
            if isinstance(value, date):
                ws.cell(row_number, col).number_format = DATE_FORMAT
    for col in range(1, len(headers) + 1):
        ws.widths[col] = 16
    ws.freeze = "B2"
    ws.page = PageLayout(title_row=1, title_columns=1)  # the date de situation on each page
    return ws


def write_summary_history(workbook, rows: Sequence[dict[str, object]]):
    """Write *Historique* into ``workbook`` (openpyxl workbook or output backend); return the sheet written."""
    return as_backend(workbook).write(summary_history_sheet(rows))


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
