"""The openpyxl backend: output sheets written into an openpyxl workbook (command line, batch runs, tests)."""

from __future__ import annotations

from collections.abc import Sequence
from copy import copy

from openpyxl.styles import Alignment, Border, PatternFill, Side
from openpyxl.styles import Font as OpenpyxlFont
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from opc_excel.sheets.output import DEFAULT_MARGINS, Cell, OutputBackend, PageLayout, SheetOutput, find_sheet


def as_backend(target: object) -> OutputBackend:
    """Return the backend for ``target``: itself when it is one, an openpyxl workbook otherwise."""
    if isinstance(target, Workbook):
        return OpenpyxlOutput(target)
    return target  # type: ignore[return-value]


def set_text(cell, value: object) -> None:
    """Write a value as shown; text is always text, never a formula (no =, +, -, @ injection)."""
    cell.value = value
    if isinstance(value, str) and value:
        cell.data_type = "s"


def replace_output_sheet(workbook: Workbook, name: str) -> Worksheet:
    """Return a new, empty sheet ``name``, at the place of the old one or after the input sheets."""
    existing = find_sheet(workbook.sheetnames, name)
    if existing is not None:
        index = workbook.sheetnames.index(existing)
        workbook.remove(workbook[existing])
        return workbook.create_sheet(name, index)
    return workbook.create_sheet(name)


class OpenpyxlOutput:
    """Writes output sheets into an openpyxl workbook (saved afterwards by the caller)."""

    def __init__(self, workbook: Workbook) -> None:
        self.workbook = workbook

    @property
    def sheet_names(self) -> Sequence[str]:
        return list(self.workbook.sheetnames)

    def write(self, sheet: SheetOutput) -> Worksheet:
        """Return the rebuilt openpyxl worksheet."""
        ws = replace_output_sheet(self.workbook, sheet.name)
        if sheet.hidden:
            ws.sheet_state = "hidden"
        if sheet.tab_color:
            ws.sheet_properties.tabColor = sheet.tab_color
        styles: dict[tuple, StyleArray] = {}  # a format met again is set at once, not rebuilt and looked up
        for (row, col), cell in sheet.cells.items():
            target = ws.cell(row, col)
            set_text(target, cell.value)
            key = (cell.font, cell.fill, cell.border, cell.align, cell.number_format)
            if key in styles:
                target._style = copy(styles[key])  # noqa: SLF001 - openpyxl's own way to copy a format
            else:
                _write_style(target, cell)
                styles[key] = copy(target._style)  # noqa: SLF001
            if cell.link is not None:
                target.hyperlink = Hyperlink(ref=target.coordinate, location=cell.link, tooltip=cell.tooltip)
        # Merged after the values: openpyxl gives the merged cells the borders of the first one.
        for first_row, first_col, last_row, last_col in sheet.merges:
            ws.merge_cells(start_row=first_row, start_column=first_col, end_row=last_row, end_column=last_col)
        for row, height in sheet.heights.items():
            ws.row_dimensions[row].height = height
        for col, width in sheet.widths.items():
            ws.column_dimensions[get_column_letter(col)].width = width
        if sheet.auto_filter:
            ws.auto_filter.ref = sheet.auto_filter
        if sheet.freeze:
            ws.freeze_panes = sheet.freeze
        for validation in sheet.validations:
            rule = DataValidation(type="list", formula1='"' + ",".join(validation.choices) + '"', allow_blank=True,
                                  errorStyle="warning", showErrorMessage=True, errorTitle=validation.error_title,
                                  error=validation.error)
            rule.add(validation.ref)
            ws.add_data_validation(rule)
        if sheet.page is not None:
            _page_layout(ws, sheet.page, sheet.printed_pages_wide())
        return ws


def _write_style(target, cell: Cell) -> None:
    if cell.font is not None:
        font = cell.font
        target.font = OpenpyxlFont(bold=font.bold, italic=font.italic, size=font.size, color=font.color,
                                   underline="single" if font.underline else None)
    if cell.fill is not None:
        target.fill = PatternFill("solid", fgColor=cell.fill)
    if cell.border is not None:
        side = Side(style="thin", color=cell.border)
        target.border = Border(left=side, right=side, top=side, bottom=side)
    if cell.align is not None:
        target.alignment = Alignment(horizontal=cell.align.horizontal, vertical=cell.align.vertical,
                                     wrap_text=cell.align.wrap)
    if cell.number_format is not None:
        target.number_format = cell.number_format


def _page_layout(ws: Worksheet, page: PageLayout, pages_wide: int) -> None:
    ws.page_setup.orientation = "landscape"
    if page.paper_a4:
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = pages_wide
    ws.page_setup.fitToHeight = page.fit_height
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.pageOrder = "overThenDown"  # a wide sheet's rows read across their pages first
    if page.title_row is not None:
        ws.print_title_rows = f"{page.title_row}:{page.title_row}"
    if page.title_columns:
        ws.print_title_cols = f"A:{get_column_letter(page.title_columns)}"
    if page.center_horizontally:
        ws.print_options.horizontalCentered = True
    left, right, top, bottom = page.margins or DEFAULT_MARGINS
    ws.page_margins.left, ws.page_margins.right, ws.page_margins.top, ws.page_margins.bottom = left, right, top, bottom
    ws.oddFooter.center.text = page.footer
