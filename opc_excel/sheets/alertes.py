"""The *Alertes* sheet: what users typed above the header, firing alerts, resolved ones, users' columns as typed.

Users' columns are kept by *Clé* (:mod:`opc_excel.read.alert_sheet` reads them back); resolved
alerts stay, dated and greyed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from openpyxl.utils import get_column_letter

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
from opc_excel.sheets.openpyxl_backend import as_backend
from opc_excel.sheets.output import Align, Font, ListValidation, PageLayout, SheetOutput
from opc_excel.sheets.style import (
    DATE_FORMAT,
    HEADER_FILL,
    HEADER_FONT,
    TITLE_FONT,
    capped,
    row_height,
    wrapped_lines,
)
from opc_excel.text import NAME_CAP, TEXT_CAP

ALERT_FILLS = {"Rouge": "F4B6B6", "Orange": "FFD699"}
USER_HEADER_FILL = "375623"
RESOLVED_FONT = Font(color="7F7F7F", italic=True)
# Printed on two A4 pages wide at 65 % or more: the Clé to the Constat, then the Clé again to the Commentaire.
ALERT_WIDTHS = {"Clé": 24, "Code": 9, "Gravité": 9, "Rang": 7, "Thème": 14, "ID opération": 13, "Opération": 28,
                "Maître d'ouvrage": 16, "Constat": 55, "Mesure proposée": 40, "Détectée le": 12, "Résolue le": 12,
                "Mesure retenue": 30, "Responsable": 16, "Échéance": 12, "Suivi": 16, "Commentaire": 30}
# The Clé wraps too: « CAL-06 · PER-DEM-07 · Démarrage des travaux » is never cut, on screen or on paper.
ALERT_WRAPPED = ("Clé", "Opération", "Constat", "Mesure proposée", "Mesure retenue", "Commentaire")
# The computed columns that show a sentence of ours (which may quote what was typed); the other computed
# columns show a name (libellé, maître d'ouvrage…) or a code. The Clé is never cut: notes follow it.
ALERT_SENTENCES = ("Constat", "Mesure proposée")
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
    # a header of two lines (« Détectée le ») shows both
    ws.heights[header_row] = row_height(max(wrapped_lines(h, ALERT_WIDTHS.get(h, 20)) for h in headers))
    for row_number, row in enumerate(rows, start=header_row + 1):
        computed = {header: value if header == KEY or not row.key  # a row without a key was typed by a user
                    else capped(value, TEXT_CAP if header in ALERT_SENTENCES else NAME_CAP)
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
        ws.heights[row_number] = row_height(max(
            wrapped_lines(str(values.get(h) or ""), ALERT_WIDTHS.get(h, 20)) for h in ALERT_WRAPPED))
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
    ws.page = PageLayout(title_row=header_row, title_columns=1)  # the Clé on each page of a row
    return ws


def write_alertes(workbook, rows: Sequence[AlertRow], extra_headers: Sequence[str], at: date,
                  notes_above: Sequence[Sequence[object]] = ()):
    """Write *Alertes* into ``workbook`` (openpyxl workbook or output backend); return the sheet written."""
    return as_backend(workbook).write(alertes_sheet(rows, extra_headers, at, notes_above))
