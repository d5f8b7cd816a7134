"""The look of the shipped workbooks' sheets: Calibri, the dark-blue headers, tab colours, A4 landscape printing."""

from __future__ import annotations

from datetime import date, datetime

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from opc_excel.read import contract as c
from opc_excel.sheets.output import DEFAULT_COLUMN_WIDTH, DEFAULT_MARGINS, PAGE_FOOTER, pages_wide

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


def print_layout(ws: Worksheet, print_rows: str | None = None, title_columns: int = 0) -> None:
    """Print on A4 landscape, as the output sheets (:class:`~opc_excel.sheets.output.PageLayout`).

    One page wide when the columns fit at 65 % or more, else as few pages wide as keep that scale,
    the first ``title_columns`` columns repeated; the header rows ``print_rows`` on every page;
    the sheet's name and page numbers in the footer.
    """
    widths = [ws.column_dimensions[get_column_letter(col)].width or DEFAULT_COLUMN_WIDTH
              for col in range(1, ws.max_column + 1)]
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = pages_wide(widths, title_columns)
    ws.page_setup.fitToHeight = 0
    ws.page_setup.pageOrder = "overThenDown"
    ws.page_margins.left, ws.page_margins.right, ws.page_margins.top, ws.page_margins.bottom = DEFAULT_MARGINS
    ws.oddFooter.center.text = PAGE_FOOTER
    if print_rows:
        ws.print_title_rows = print_rows
    if title_columns:
        ws.print_title_cols = f"A:{get_column_letter(title_columns)}"
