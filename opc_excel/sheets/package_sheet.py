"""Write an output sheet's part (SpreadsheetML) straight from its description, with the master's formats.

The parts read back as the openpyxl backend's (:mod:`~opc_excel.sheets.openpyxl_backend`): the
same values, number formats, fonts, fills, borders, alignment, merges (the edge cells of a merge get
the borders of its first cell, the others nothing), links, widths, heights, frozen panes, filter,
drop-down lists and print layout (tests/test_refresh_package.py compares them cell for cell). Text
is written in the cell (``inlineStr``), never as a formula, so the shared strings of the master's
input sheets are left alone. Without openpyxl's cell objects, a sheet of a million cells costs
its text and little more.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from xml.sax.saxutils import escape, quoteattr

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.utils.datetime import to_excel

from opc_excel.sheets.output import DEFAULT_MARGINS, Cell, SheetOutput
from opc_excel.sheets.package_styles import Format, StyleMerge

MAX_TEXT = 32_767  # Excel's longest cell text, as openpyxl cuts it
_DATE_FORMATS = {datetime: "yyyy-mm-dd h:mm:ss", date: "yyyy-mm-dd", time: "h:mm:ss", timedelta: "[hh]:mm:ss"}
_OPENPYXL_MARGINS = (0.75, 0.75, 1, 1)  # a sheet with no print layout: openpyxl's defaults
_HEAD = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
         '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')


ROWS_PER_CHUNK = 2_000


def sheet_part(sheet: SheetOutput, styles: StyleMerge) -> Iterator[bytes]:
    """Yield the part of ``sheet`` piece by piece, adding its formats to ``styles`` (the master's) as they come."""
    cells = _cells_with_merges(sheet)
    letters = [""] + [get_column_letter(col) for col in range(1, max(sheet.max_col, *sheet.widths, 1) + 1)]
    formats: dict[tuple, int] = {}
    dimension = f'<dimension ref="A1:{letters[max(sheet.max_col, 1)]}{max(sheet.max_row, 1)}"/>'
    parts = [_HEAD, _sheet_properties(sheet), dimension, _views(sheet.freeze),
             '<sheetFormatPr baseColWidth="8" defaultRowHeight="15"/>']
    if sheet.widths:
        parts.append("<cols>" + "".join(f'<col min="{col}" max="{col}" width="{_number(width)}" customWidth="1"/>'
                                        for col, width in sorted(sheet.widths.items())) + "</cols>")
    parts.append("<sheetData>")
    links = []
    for count, (row, row_cells) in enumerate(_rows(cells, sheet.heights), start=1):
        height = sheet.heights.get(row)
        parts.append(f'<row r="{row}"' + (f' ht="{_number(height)}" customHeight="1">' if height else ">"))
        for col, cell in row_cells:
            ref = f"{letters[col]}{row}"
            key = (cell.font, cell.fill, cell.border, cell.align, cell.number_format, type(cell.value),
                   getattr(cell, "sides", None))
            style = formats.get(key)
            if style is None:
                style = formats[key] = styles.cell_format(_format(cell))
            parts.append(_cell(ref, style, cell.value))
            if cell.link is not None:
                links.append((ref, cell.link, cell.tooltip))
        parts.append("</row>")
        if count % ROWS_PER_CHUNK == 0:
            yield "".join(parts).encode("utf-8")
            parts.clear()
    parts.append("</sheetData>")
    parts.append(_tail(sheet, links))
    parts.append("</worksheet>")
    yield "".join(parts).encode("utf-8")


def _format(cell: Cell) -> Format:
    number_format = cell.number_format
    if number_format is None and type(cell.value) in _DATE_FORMATS:  # as openpyxl dates a date left unformatted
        number_format = _DATE_FORMATS[type(cell.value)]
    return Format(cell.font, cell.fill, cell.border, cell.align, number_format, getattr(cell, "sides", None))


class _MergedCell(Cell):
    """A cell inside a merge other than its first: no value; the borders of the first on the merge's edges."""

    def __init__(self, sides: frozenset[str] | None, color: str | None) -> None:
        super().__init__(border=color)
        self.sides = sides


def _cells_with_merges(sheet: SheetOutput) -> dict[tuple[int, int], Cell]:
    if not sheet.merges:
        return sheet.cells
    cells = dict(sheet.cells)
    for first_row, first_col, last_row, last_col in sheet.merges:
        first = sheet.cells.get((first_row, first_col))
        color = first.border if first is not None else None
        for row in range(first_row, last_row + 1):
            for col in range(first_col, last_col + 1):
                if (row, col) == (first_row, first_col):
                    continue
                sides = frozenset(side for side, edge in (("top", row == first_row), ("bottom", row == last_row),
                                                          ("left", col == first_col), ("right", col == last_col))
                                  if edge) if color else None
                cells[(row, col)] = _MergedCell(sides or None, color if sides else None)
    return cells


def _rows(cells: dict[tuple[int, int], Cell], heights: dict[int, float]) -> Iterator[tuple[int, list]]:
    """Yield each row number with its cells in column order, rows in order (a row with only a height too);
    one row at a time, so that a sheet of a million cells is not copied."""
    keys = list(cells)
    if any(later < earlier for earlier, later in zip(keys, keys[1:], strict=False)):  # builders mostly append
        keys.sort()
    lone = sorted(heights)  # rows with a height: written even when they hold no cell
    next_lone = 0
    current, row_cells = None, []
    for key in keys:
        row = key[0]
        if row != current:
            if current is not None:
                yield current, row_cells
            while next_lone < len(lone) and lone[next_lone] <= row:
                if lone[next_lone] < row and lone[next_lone] != current:
                    yield lone[next_lone], []
                next_lone += 1
            current, row_cells = row, []
        row_cells.append((key[1], cells[key]))
    if current is not None:
        yield current, row_cells
    for row in lone[next_lone:]:
        if row != current:
            yield row, []


def _cell(ref: str, style: int, value: object) -> str:
    s = f' s="{style}"' if style else ""
    if value is None or value == "":  # an empty text is no value, as openpyxl writes it
        return f'<c r="{ref}"{s}/>' if style else ""
    kind = type(value)
    if kind is str:
        text = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value[:MAX_TEXT])  # no .xlsx can hold them
        space = ' xml:space="preserve"' if text != text.strip() else ""
        return f'<c r="{ref}"{s} t="inlineStr"><is><t{space}>{escape(text)}</t></is></c>'
    if kind is bool:
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    if kind in (int, float):
        return f'<c r="{ref}"{s}><v>{value!r}</v></c>' if math.isfinite(value) else f'<c r="{ref}"{s}/>'
    if kind in _DATE_FORMATS:
        return f'<c r="{ref}"{s}><v>{to_excel(value)!r}</v></c>'
    return _cell(ref, style, str(value))


def _number(value: float) -> str:
    return f"{value:g}" if float(value).is_integer() else repr(float(value))


def _sheet_properties(sheet: SheetOutput) -> str:
    tab = f'<tabColor rgb="{_argb(sheet.tab_color)}"/>' if sheet.tab_color else ""
    fit = '<pageSetUpPr fitToPage="1"/>' if sheet.page is not None else ""
    return f'<sheetPr>{tab}<outlinePr summaryBelow="1" summaryRight="1"/>{fit}</sheetPr>'


def _argb(color: str) -> str:
    return f"00{color}" if len(color) == 6 else color


def _views(freeze: str | None) -> str:
    """Return the sheet view with its frozen panes, as openpyxl's ``freeze_panes`` writes them."""
    if not freeze or freeze == "A1":
        return ('<sheetViews><sheetView workbookViewId="0"><selection activeCell="A1" sqref="A1"/></sheetView>'
                '</sheetViews>')
    col = sum((ord(c) - 64) * 26 ** i for i, c in enumerate(reversed(freeze.rstrip("0123456789"))))
    row = int(freeze[len(freeze.rstrip("0123456789")):])
    split = (f' xSplit="{col - 1}"' if col > 1 else "") + (f' ySplit="{row - 1}"' if row > 1 else "")
    if col > 1 and row > 1:
        pane, selections = "bottomRight", ('<selection pane="topRight"/><selection pane="bottomLeft"/>'
                                           '<selection pane="bottomRight" activeCell="A1" sqref="A1"/>')
    else:
        pane = "topRight" if col > 1 else "bottomLeft"
        selections = f'<selection pane="{pane}" activeCell="A1" sqref="A1"/>'
    return (f'<sheetViews><sheetView workbookViewId="0"><pane{split} topLeftCell="{freeze}" activePane="{pane}" '
            f'state="frozen"/>{selections}</sheetView></sheetViews>')


def defined_names(sheet: SheetOutput) -> tuple[tuple[str, str, bool], ...]:
    """Return the sheet's filter and print titles names, as openpyxl writes them."""
    quoted = quote_sheetname(sheet.name)
    names = []
    if sheet.auto_filter:
        first, last = sheet.auto_filter.split(":") if ":" in sheet.auto_filter else (sheet.auto_filter,) * 2
        names.append(("_xlnm._FilterDatabase", f"{quoted}!{_absolute(first)}:{_absolute(last)}", True))
    page, titles = sheet.page, []
    if page is not None and page.title_row is not None:
        titles.append(f"{quoted}!${page.title_row}:${page.title_row}")
    if page is not None and page.title_columns:
        titles.append(f"{quoted}!$A:${get_column_letter(page.title_columns)}")
    if titles:
        names.append(("_xlnm.Print_Titles", ",".join(titles), False))
    return tuple(names)


def _tail(sheet: SheetOutput, links: list[tuple[str, str, str | None]]) -> str:
    """Return what follows the cells, in the schema's order."""
    parts = []
    if sheet.auto_filter:
        parts.append(f'<autoFilter ref="{sheet.auto_filter}"/>')
    if sheet.merges:
        parts.append(f'<mergeCells count="{len(sheet.merges)}">' + "".join(
            f'<mergeCell ref="{get_column_letter(c1)}{r1}:{get_column_letter(c2)}{r2}"/>'
            for r1, c1, r2, c2 in sheet.merges) + "</mergeCells>")
    if sheet.validations:
        parts.append(f'<dataValidations count="{len(sheet.validations)}">' + "".join(
            f'<dataValidation type="list" errorStyle="warning" allowBlank="1" showErrorMessage="1" '
            f'errorTitle={quoteattr(v.error_title)} error={quoteattr(v.error)} sqref="{v.ref}">'
            f'<formula1>{escape(chr(34) + ",".join(v.choices) + chr(34))}</formula1></dataValidation>'
            for v in sheet.validations) + "</dataValidations>")
    if links:
        parts.append("<hyperlinks>" + "".join(
            f'<hyperlink ref="{ref}" location={quoteattr(location)}'
            + (f" tooltip={quoteattr(tooltip)}" if tooltip else "") + "/>" for ref, location, tooltip in links)
            + "</hyperlinks>")
    page = sheet.page
    if page is not None and page.center_horizontally:
        parts.append('<printOptions horizontalCentered="1"/>')
    left, right, top, bottom = (page.margins or DEFAULT_MARGINS) if page is not None else _OPENPYXL_MARGINS
    parts.append(f'<pageMargins left="{left}" right="{right}" top="{top}" bottom="{bottom}" header="0.5" '
                 f'footer="0.5"/>')
    if page is not None:
        paper = ' paperSize="9"' if page.paper_a4 else ""
        parts.append(f'<pageSetup orientation="landscape"{paper} fitToHeight="{page.fit_height}" '
                     f'fitToWidth="{sheet.printed_pages_wide()}" pageOrder="overThenDown"/>')
        parts.append(f"<headerFooter><oddFooter>{escape('&C' + page.footer)}</oddFooter></headerFooter>")
    return "".join(parts)


def _absolute(ref: str) -> str:
    letters = ref.rstrip("0123456789")
    return f"${letters}${ref[len(letters):]}"
