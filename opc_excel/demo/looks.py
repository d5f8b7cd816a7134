"""The look of the shipped workbooks' sheets: Calibri, the dark-blue headers, tab colours, A4 printing."""

from __future__ import annotations

from datetime import date, datetime

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from opc_excel.read import contract as c

DARK_BLUE = "1F3864"


def calibri(size: float = 11, **style: object) -> Font:
    """Return a Calibri font: a font without a name renders differently from one application to another."""
    return Font(name="Calibri", size=size, **style)


HEADER_FONT = calibri(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", start_color=DARK_BLUE)
HEADER_ALIGNMENT = Alignment(horizontal="center", vertical="center", wrap_text=True)
HEADER_HEIGHT = 45
TAB_COLOURS = {c.MODE_EMPLOI: "8EA9DB", c.PARAMETRES: DARK_BLUE, c.LISTES: DARK_BLUE}


def text_height(text: str, width: float) -> float:
    """Return a row height (points) that shows ``text`` wrapped in a column of ``width`` characters."""
    lines = max(1, -(-len(text) // int(width * 1.15)))  # Calibri 11 fits about 1.15 character per unit
    return 15 * lines + 3


def header_cell(cell: Cell) -> None:
    """Give ``cell`` the look of a header: white bold on dark blue, centred, wrapped."""
    cell.font = HEADER_FONT
    cell.fill = HEADER_FILL
    cell.alignment = HEADER_ALIGNMENT


def cell_value(value: object) -> object:
    """Return what to write in a cell: nothing for an empty text, dates as they are."""
    if value == "" or value is None:
        return None
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    return value


def print_layout(ws: Worksheet, print_rows: str | None = None, landscape: bool = True) -> None:
    """Print on A4, as wide as the page, with the header row repeated on every page."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    if print_rows:
        ws.print_title_rows = print_rows

