"""The output sheets described once, for any backend to write into a workbook.

A builder (:mod:`~opc_excel.sheets.controles`, :mod:`~opc_excel.sheets.alertes`,
:mod:`~opc_excel.sheets.dashboard`, :mod:`~opc_excel.sheets.history`) returns a
:class:`SheetOutput`: values, number formats, fonts, fills, borders, alignment, merges, column
widths, row heights, links to cells, a drop-down list, frozen panes, the filter, the print
layout, the tab colour and whether the sheet is hidden. A backend writes it:

- :class:`~opc_excel.sheets.openpyxl_backend.OpenpyxlOutput` into an openpyxl workbook (command
  line, batch runs, tests);
- :class:`~opc_excel.sheets.xlwings_backend.XlwingsOutput` into an xlwings ``Book``: the open
  workbook in Excel, through xlwings Server (Office.js) or desktop Excel (``xw.Book.caller()``).

Both keep text as text: a value that begins with ``=``, ``+``, ``-`` or ``@`` is never written as
a formula. Neither backend imports xlwings: the xlwings one only calls the book it is given, so
the command line never loads it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from opc_excel.text import match_key

DEFAULT_COLUMN_WIDTH = 8.43  # Excel's, in characters


@dataclass(frozen=True)
class Font:
    """A cell's font; ``None`` leaves an attribute as Excel's default."""

    bold: bool | None = None
    italic: bool | None = None
    size: float | None = None
    color: str | None = None  # RRGGBB
    underline: bool | None = None


@dataclass(frozen=True)
class Align:
    horizontal: str | None = None  # "center"
    vertical: str | None = None  # "top", "center"
    wrap: bool | None = None


@dataclass(slots=True)
class Cell:
    """One cell of an output sheet: its value and how it looks."""

    value: object = None
    font: Font | None = None
    fill: str | None = None  # RRGGBB of a solid fill
    border: str | None = None  # RRGGBB of a thin box around the cell
    align: Align | None = None
    number_format: str | None = None
    link: str | None = None  # a cell of the workbook, "'Opérations'!G5"
    tooltip: str | None = None


@dataclass(frozen=True)
class ListValidation:
    """A drop-down list on a range; other values get a warning (the user may keep them)."""

    ref: str  # "N4:N1000"
    choices: tuple[str, ...]
    error_title: str
    error: str


A4_LANDSCAPE_WIDTH = 841.89  # points
MIN_PRINT_SCALE = 0.65  # a sheet never prints smaller: 11 pt text stays above 7 pt on paper
POINTS_PER_CHARACTER = 5.8  # a column width unit (Calibri 11) in points, rounded up: Excel 5.25, LibreOffice 5.7
DEFAULT_MARGINS = (0.75, 0.75, 0.75, 0.75)  # left, right, top, bottom, in inches: room for the footer
PAGE_FOOTER = "&A — page &P sur &N"  # the sheet's name, the page and the number of pages


@dataclass(frozen=True)
class PageLayout:
    """How a sheet prints: A4 landscape, header row and title columns on every page, page numbers in the footer.

    A sheet prints as wide as ``fit_width`` pages and ``fit_height`` pages tall (0: as many as
    needed). ``fit_width`` None: the fewest pages wide at which the scale stays at least
    ``MIN_PRINT_SCALE`` (:func:`pages_wide`), so that a wide sheet goes on over two or three pages
    instead of shrinking to an unreadable 35 %; its first ``title_columns`` columns (the ones
    frozen on screen) are then repeated on each page. A sheet fitted to one page
    (``fit_height=1``, the dashboard) keeps ``fit_width`` 1.
    """

    fit_height: int = 0
    paper_a4: bool = True
    title_row: int | None = None  # the header row repeated on every printed page
    center_horizontally: bool = False
    margins: tuple[float, float, float, float] | None = None  # left, right, top, bottom, in inches
    fit_width: int | None = None
    title_columns: int = 0  # the first columns repeated on every printed page
    footer: str = PAGE_FOOTER


def pages_wide(widths: Sequence[float], title_columns: int = 0,
               margins: tuple[float, float, float, float] | None = None) -> int:
    """Return how many A4 landscape pages wide columns of ``widths`` (characters) print at ``MIN_PRINT_SCALE``.

    Pages break between columns; the first ``title_columns`` columns are repeated on each page.
    Fitted to that many pages wide, the sheet prints at ``MIN_PRINT_SCALE`` or larger.
    """
    left, right, _, _ = margins or DEFAULT_MARGINS
    room = (A4_LANDSCAPE_WIDTH - 72 * (left + right)) / MIN_PRINT_SCALE / POINTS_PER_CHARACTER
    titles = sum(widths[:title_columns])
    pages, used = 1, 0.0
    for index, width in enumerate(widths):
        if used and used + width > room and index >= title_columns:
            pages, used = pages + 1, titles
        used += width
    return pages


@dataclass
class SheetOutput:
    """Everything a refresh writes into one output sheet, for any backend."""

    name: str
    tab_color: str | None = None
    hidden: bool = False
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # first row, col, last row, col
    widths: dict[int, float] = field(default_factory=dict)  # column -> width in characters
    heights: dict[int, float] = field(default_factory=dict)  # row -> height in points
    freeze: str | None = None  # the top-left cell that scrolls, "A5"
    auto_filter: str | None = None
    validations: list[ListValidation] = field(default_factory=list)
    page: PageLayout | None = None
    _max_row: int = field(default=0, init=False, repr=False)
    _max_col: int = field(default=0, init=False, repr=False)

    def cell(self, row: int, col: int) -> Cell:
        """Return the cell at (row, col), 1-based, created empty when new."""
        cell = self.cells.get((row, col))
        if cell is None:
            cell = self.cells[(row, col)] = Cell()
            self._max_row, self._max_col = max(self._max_row, row), max(self._max_col, col)
        return cell

    def put(self, row: int, col: int, value: object, **style: Any) -> Cell:
        """Set a cell's value, and any style attribute given; return the cell."""
        cell = self.cell(row, col)
        cell.value = value
        for name, setting in style.items():
            setattr(cell, name, setting)
        return cell

    def append(self, values: Iterable[object]) -> int:
        """Write a row of values under the last row; return its number."""
        row = self.max_row + 1
        for col, value in enumerate(values, start=1):
            self.put(row, col, value)
        return row

    def merge(self, first_row: int, first_col: int, last_row: int, last_col: int) -> None:
        self.merges.append((first_row, first_col, last_row, last_col))

    def column_widths(self) -> list[float]:
        """Return the width of every column up to the last one written, Excel's default where none is set."""
        last = max([self.max_col, *self.widths])
        return [self.widths.get(col, DEFAULT_COLUMN_WIDTH) for col in range(1, last + 1)]

    def printed_pages_wide(self) -> int:
        """Return how many pages wide the sheet prints (``page.fit_width``, or computed from the widths)."""
        if self.page is None or self.page.fit_height == 1:
            return 1
        if self.page.fit_width is not None:
            return self.page.fit_width
        return pages_wide(self.column_widths(), self.page.title_columns, self.page.margins)

    @property
    def max_row(self) -> int:
        return self._max_row

    @property
    def max_col(self) -> int:
        return self._max_col


class OutputBackend(Protocol):
    """Where output sheets are written: a workbook file or an open Excel workbook."""

    @property
    def sheet_names(self) -> Sequence[str]: ...

    def write(self, sheet: SheetOutput) -> object:
        """Replace (or create) the sheet and write it; return the backend's sheet object."""
        ...


def find_sheet(names: Iterable[str], name: str) -> str | None:
    """Return the sheet of ``names`` that is ``name`` up to case, accents and spaces."""
    return next((n for n in names if match_key(n) == match_key(name)), None)

