"""The xlwings backend: output sheets written into an xlwings ``Book`` (the Excel add-in, desktop Excel).

It only calls the book it is given and never imports xlwings, so the command line never loads it.
Values go through :func:`excel_value` so that Excel keeps them as the command line writes them.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import asdict
from datetime import date
from typing import Any

from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

from opc_excel.sheets.output import DEFAULT_MARGINS, Cell, SheetOutput, find_sheet

log = logging.getLogger(__name__)

FINISHING_CALLBACK = "opcFinitions"  # the add-in's JavaScript function for what xlwings can't write
DEFAULT_ROW_HEIGHT = 15.0
DEFAULT_COLUMN_WIDTH = 8.43
RESET_ROWS = 1000  # rows whose height is reset on a cleared sheet whose extent wasn't sent
RESET_COLUMNS = 40
EXCEL_ROWS = 1_048_576
_MONTH = (r"(janv?|f[ée]vr?|mars?|avr|mai|juin|juil|ao[uû]t?|sept?|oct|nov|d[ée]c|jan|feb|mar|apr|may|jun|jul"
          r"|aug|sep|dec)[a-zéû]*\.?")
_MONTH_DATE = re.compile(rf"(\d{{1,2}}[\s./-]*)?{_MONTH}([\s./-]*\d{{2,4}})?", re.IGNORECASE)
_SCIENTIFIC = re.compile(r"[\d\s.,]+e[+-]?\d+", re.IGNORECASE)
_BOOLEANS = {"true", "false", "vrai", "faux"}


def needs_text_prefix(text: str) -> bool:
    """Return True when Excel would not keep ``text`` as typed: a formula, a number, a date, a boolean.

    Excel reads a value set through its API as if it were typed: ``=A1`` becomes a formula,
    ``12`` a number, ``30/09/2011`` or ``mars 2012`` a date. A leading apostrophe keeps it text.
    """
    if not text:
        return False
    stripped = text.strip()
    return (text[0] in "=+-@'#" or not any(ch.isalpha() for ch in text) or stripped.casefold() in _BOOLEANS
            or bool(_SCIENTIFIC.fullmatch(stripped)) or bool(_MONTH_DATE.fullmatch(stripped)))


def excel_value(value: object) -> object:
    """Return a value as it must be sent to Excel so that Excel keeps it as the command line writes it."""
    if isinstance(value, str):
        return "'" + value if needs_text_prefix(value) else value
    if value is None or isinstance(value, bool | int | float | date):
        return value
    return str(value)


def width_in_points(characters: float) -> float:
    """Return a column width in points (Office.js) for a width in characters of Calibri 11 (openpyxl, COM)."""
    return int(7 * characters + 0.5) * 0.75


def freeze_range(top_left: str) -> str:
    """Return the range Excel's ``freezeAt`` takes for openpyxl's top-left scrolling cell: "C4" → "A1:B3"."""
    letters, row = coordinate_from_string(top_left)
    rows, cols = row - 1, column_index_from_string(letters) - 1
    if rows and cols:
        return f"A1:{get_column_letter(cols)}{rows}"
    if rows:
        return f"1:{rows}"
    return f"A:{get_column_letter(cols)}"


def rectangles(cells: dict[tuple[int, int], Hashable]) -> list[tuple[Hashable, int, int, int, int]]:
    """Return (value, first row, first col, last row, last col) rectangles covering cells of equal value.

    Runs of a row are joined, then runs spanning the same columns on consecutive rows, so that a
    regular table takes a handful of ranges, not one action per cell.
    """
    by_value: dict[Hashable, dict[int, list[int]]] = {}
    for (row, col), value in cells.items():
        by_value.setdefault(value, {}).setdefault(row, []).append(col)
    result = []
    for value, rows in by_value.items():
        open_runs: dict[tuple[int, int], list[int]] = {}  # (first col, last col) -> [first row, last row]
        for row in sorted(rows):
            for first, last in _runs(sorted(rows[row])):
                run = open_runs.get((first, last))
                if run is not None and run[1] == row - 1:
                    run[1] = row
                else:
                    if run is not None:
                        result.append((value, run[0], first, run[1], last))
                    open_runs[(first, last)] = [row, row]
        result.extend((value, r[0], first, r[1], last) for (first, last), r in open_runs.items())
    return sorted(result, key=lambda rect: (rect[1], rect[2], rect[3], rect[4]))


def _runs(cols: list[int]) -> Iterable[tuple[int, int]]:
    start = prev = cols[0]
    for col in cols[1:]:
        if col != prev + 1:
            yield start, prev
            start = col
        prev = col
    yield start, prev


class XlwingsOutput:
    """Writes output sheets into an xlwings ``Book``: an existing sheet is cleared, a new one added last.

    Through xlwings Server (Office.js) every write becomes an action the add-in applies to the open
    workbook; what xlwings has no action for (tab colour, links to cells, underline, filter, the
    warning of the drop-down list, print layout) goes to the add-in's ``opcFinitions`` function.
    In desktop Excel those go through the COM object model (Windows only).
    """

    def __init__(self, book: Any) -> None:
        self.book = book
        self.remote = book.app.engine.name == "remote"
        # Desktop Excel freezes panes through the window: the user's sheet is activated again after.
        self._active = None if self.remote else book.sheets.active

    @property
    def sheet_names(self) -> Sequence[str]:
        return [sheet.name for sheet in self.book.sheets]

    def write(self, out: SheetOutput) -> Any:
        """Return the xlwings sheet, rewritten."""
        sheet = self._cleared_sheet(out)
        rows, cols = out.max_row, out.max_col
        if rows and cols:
            matrix = [[None] * cols for _ in range(rows)]
            for (row, col), cell in out.cells.items():
                matrix[row - 1][col - 1] = excel_value(cell.value)
            sheet.range((1, 1)).value = matrix
        self._formats(sheet, out)
        for first_row, first_col, last_row, last_col in out.merges:
            sheet.range((first_row, first_col), (last_row, last_col)).merge()
        for first, last, width in _spans(out.widths):
            sheet.range((1, first), (1, last)).column_width = self._width(width)
        for first, last, height in _spans(out.heights):
            sheet.range((first, 1), (last, 1)).row_height = height
        if out.freeze and self.remote:
            sheet.freeze_panes.freeze_at(freeze_range(out.freeze))
        for validation in out.validations:
            sheet.range(validation.ref).data_validation.set_list(list(validation.choices), in_cell_dropdown=True)
        extras = _extras(out)
        if self.remote:
            # on the book, not book.app: xlwings Server has one App per process, shared by concurrent requests
            self.book.impl.append_json_action(func="runMacro", args=[FINISHING_CALLBACK, sheet.name,
                                                                     json.dumps(extras, ensure_ascii=False)])
        else:
            _desktop_finishing(sheet, extras, out.freeze)
            self._active.activate()
        sheet.visible = not out.hidden  # last: a hidden sheet is shown while it is rewritten
        return sheet

    def _width(self, characters: float) -> float:
        return width_in_points(characters) if self.remote else characters

    def _cleared_sheet(self, out: SheetOutput) -> Any:
        existing = find_sheet(self.sheet_names, out.name)
        if existing is None:
            return self.book.sheets.add(name=out.name, after=self.book.sheets[len(self.book.sheets) - 1])
        sheet = self.book.sheets[existing]
        old_rows, old_cols = self._old_extent(sheet)
        sheet.visible = True
        sheet.clear()
        if existing != out.name:
            sheet.name = out.name
        rows = max(out.max_row, old_rows) + 100
        cols = max(out.max_col, old_cols, RESET_COLUMNS)
        # Whole columns: the drop-down list of a previous refresh goes far below its last row, and a
        # list can't be set on a range where part of it already has one.
        whole = sheet.range((1, 1), (EXCEL_ROWS, cols))
        whole.unmerge()
        whole.data_validation.delete()
        sheet.range((1, 1), (rows, 1)).row_height = DEFAULT_ROW_HEIGHT
        sheet.range((1, 1), (1, cols)).column_width = self._width(DEFAULT_COLUMN_WIDTH)
        if self.remote:
            sheet.freeze_panes.unfreeze()
        return sheet

    def _old_extent(self, sheet: Any) -> tuple[int, int]:
        """Return how far the sheet went before: from the add-in's payload, else Excel's used range."""
        if self.remote:
            address = sheet.api.get("used_range_address")
            if not address:
                return RESET_ROWS, RESET_COLUMNS
            _, _, last_col, last_row = range_boundaries(address.split(":")[-1])
            return last_row, last_col
        last = sheet.used_range.last_cell
        return last.row, last.column

    def _formats(self, sheet: Any, out: SheetOutput) -> None:
        def ranges(key: Callable[[Cell], Hashable]) -> Iterable[tuple[Hashable, Any]]:
            keyed = {pos: key(cell) for pos, cell in out.cells.items() if key(cell) is not None}
            for value, first_row, first_col, last_row, last_col in rectangles(keyed):
                yield value, sheet.range((first_row, first_col), (last_row, last_col))

        for number_format, first_row, first_col, last_row, last_col in number_format_ranges(out):
            sheet.range((first_row, first_col), (last_row, last_col)).number_format = number_format
        for fill, rng in ranges(lambda c: c.fill):
            rng.color = "#" + fill
        for attribute in ("bold", "italic", "size", "color"):
            for value, rng in ranges(lambda c, a=attribute: getattr(c.font, a) if c.font else None):
                if attribute in ("bold", "italic") and not value:
                    continue  # the cleared sheet's default
                setattr(rng.font, attribute, "#" + value if attribute == "color" else value)
        for vertical, rng in ranges(lambda c: c.align.vertical if c.align else None):
            rng.vertical_alignment = vertical
        for horizontal, rng in ranges(lambda c: c.align.horizontal if c.align else None):
            rng.horizontal_alignment = horizontal
        for _, rng in ranges(lambda c: True if c.align and c.align.wrap else None):
            rng.wrap_text = True
        # A merged range shows its first cell's borders all round (openpyxl copies them to its edges).
        borders = {pos: cell.border for pos, cell in out.cells.items() if cell.border}
        for first_row, first_col, last_row, last_col in out.merges:
            colour = borders.get((first_row, first_col))
            if colour:
                borders.update({(r, c): colour for r in range(first_row, last_row + 1)
                                for c in range(first_col, last_col + 1)})
        for colour, first_row, first_col, last_row, last_col in rectangles(borders):
            rng = sheet.range((first_row, first_col), (last_row, last_col))
            rows, cols = rng.shape
            sides = ["edge_top", "edge_bottom", "edge_left", "edge_right"]
            sides += ["inside_vertical"] if cols > 1 else []
            sides += ["inside_horizontal"] if rows > 1 else []
            rng.borders.set(sides, line_style="continuous", weight="thin", color="#" + colour)


def number_format_ranges(out: SheetOutput) -> list[tuple[str, int, int, int, int]]:
    """Return (format, first row, first col, last row, last col) ranges that give each cell its number format.

    Runs go down each column; an empty cell without a format of its own may take one (it shows
    nothing), so a column of dates with gaps is one range. Equal runs of neighbouring columns join.
    """
    runs: dict[tuple[str, int, int], list[int]] = {}  # (format, first row, last row) -> columns
    for col in range(1, out.max_col + 1):
        current: list | None = None  # [format, first row, last row]
        for row in range(1, out.max_row + 1):
            cell = out.cells.get((row, col))
            number_format = cell.number_format if cell is not None else None
            if number_format is not None:
                if current is not None and current[0] == number_format:
                    current[2] = row
                    continue
                if current is not None:
                    runs.setdefault(tuple(current), []).append(col)
                current = [number_format, row, row]
            elif cell is not None and cell.value not in (None, ""):
                if current is not None:
                    runs.setdefault(tuple(current), []).append(col)
                current = None
        if current is not None:
            runs.setdefault(tuple(current), []).append(col)
    ranges = []
    for (number_format, first_row, last_row), cols in runs.items():
        for first_col, last_col in _runs(sorted(cols)):
            ranges.append((number_format, first_row, first_col, last_row, last_col))
    return sorted(ranges, key=lambda r: (r[1], r[2]))


def _spans(sizes: dict[int, float]) -> list[tuple[int, int, float]]:
    """Return (first, last, size) runs of consecutive rows or columns of the same size."""
    return [(first, last, size)
            for size, first, _, last, _ in rectangles({(index, 1): size for index, size in sizes.items()})]


def _extras(out: SheetOutput) -> dict[str, Any]:
    """Return what the add-in's ``opcFinitions`` function applies to the sheet."""
    links = [[row, col, cell.link, cell.tooltip or "", "" if cell.value is None else str(cell.value)]
             for (row, col), cell in sorted(out.cells.items()) if cell.link]
    underlined = {pos: True for pos, cell in out.cells.items() if cell.font and cell.font.underline}
    page = None
    if out.page is not None:
        page = {**asdict(out.page), "title_rows": f"${out.page.title_row}:${out.page.title_row}"
                if out.page.title_row else None, "fit_width": out.printed_pages_wide(),
                "title_columns": f"$A:${get_column_letter(out.page.title_columns)}"
                if out.page.title_columns else None, "margins": out.page.margins or DEFAULT_MARGINS}
        page.pop("title_row")
    return {
        "tab_color": "#" + out.tab_color if out.tab_color else None,
        "links": links,
        "underline": [list(rect[1:]) for rect in rectangles(underlined)],
        "auto_filter": out.auto_filter,
        "validations": [{"ref": v.ref, "title": v.error_title, "message": v.error} for v in out.validations],
        "page": page,
    }


# Excel's COM constants
_XL_UNDERLINE_SINGLE, _XL_VALID_ALERT_WARNING, _XL_LANDSCAPE, _XL_PAPER_A4, _XL_OVER_THEN_DOWN = 2, 2, 2, 9, 2


def _desktop_finishing(sheet: Any, extras: dict[str, Any], freeze: str | None) -> None:
    """Apply the extras and the frozen panes through Excel's COM object model (desktop Excel for Windows only)."""
    if sys.platform != "win32":
        log.info("Mise en forme complémentaire ignorée hors de Windows (feuille %s)", sheet.name)
        return
    try:
        ws = sheet.api
        sheet.activate()
        window = ws.Application.ActiveWindow
        window.FreezePanes = False
        if freeze:
            letters, row = coordinate_from_string(freeze)
            window.SplitColumn, window.SplitRow = column_index_from_string(letters) - 1, row - 1
            window.FreezePanes = True
        if extras["tab_color"]:
            red, green, blue = (int(extras["tab_color"][i:i + 2], 16) for i in (1, 3, 5))
            ws.Tab.Color = red + green * 256 + blue * 65536
        for row, col, location, tooltip, text in extras["links"]:
            ws.Hyperlinks.Add(Anchor=ws.Cells(row, col), Address="", SubAddress=location, ScreenTip=tooltip,
                              TextToDisplay=text)
        for first_row, first_col, last_row, last_col in extras["underline"]:
            ws.Range(ws.Cells(first_row, first_col), ws.Cells(last_row, last_col)).Font.Underline = \
                _XL_UNDERLINE_SINGLE
        if ws.AutoFilterMode:
            ws.AutoFilterMode = False
        if extras["auto_filter"]:
            ws.Range(extras["auto_filter"]).AutoFilter()
        for validation in extras["validations"]:
            rule = ws.Range(validation["ref"]).Validation
            rule.AlertStyle, rule.ErrorTitle, rule.ErrorMessage = (_XL_VALID_ALERT_WARNING, validation["title"],
                                                                   validation["message"])
        page = extras["page"]
        if page:
            setup = ws.PageSetup
            setup.Orientation, setup.Zoom, setup.FitToPagesWide = _XL_LANDSCAPE, False, page["fit_width"]
            setup.FitToPagesTall = page["fit_height"] or False
            setup.Order, setup.CenterFooter = _XL_OVER_THEN_DOWN, page["footer"]
            if page["paper_a4"]:
                setup.PaperSize = _XL_PAPER_A4
            if page["title_rows"]:
                setup.PrintTitleRows = page["title_rows"]
            if page["title_columns"]:
                setup.PrintTitleColumns = page["title_columns"]
            setup.CenterHorizontally = page["center_horizontally"]
            if page["margins"]:
                left, right, top, bottom = (margin * 72 for margin in page["margins"])
                setup.LeftMargin, setup.RightMargin, setup.TopMargin, setup.BottomMargin = left, right, top, bottom
    except Exception:  # formatting only: the values are written, say so in the log and go on
        log.warning("Mise en forme complémentaire incomplète pour la feuille %s", sheet.name, exc_info=True)

