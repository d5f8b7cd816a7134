"""Where cell values come from: one small interface, one implementation per front end.

The reader only ever asks for sheet names and rows of values starting at A1, so the same
code reads an openpyxl file (command line, tests) and an xlwings book (Excel add-in).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Protocol

from opc_excel.read.contract import INPUT_SHEETS
from opc_excel.read.values import xml_safe
from opc_excel.text import match_key

if TYPE_CHECKING:  # openpyxl is loaded by whoever opens a workbook with it, not by every reader
    from openpyxl.workbook.workbook import Workbook


class WorkbookSource(Protocol):
    """A workbook seen as values only."""

    @property
    def sheet_names(self) -> Sequence[str]: ...

    def rows(self, sheet: str) -> Iterator[Sequence[object]]:
        """Yield each row from row 1, each a sequence of values from column A (may be short)."""
        ...


class OpenpyxlSource:
    """A :class:`WorkbookSource` over an openpyxl workbook (best opened read-only, data_only)."""

    def __init__(self, workbook: Workbook) -> None:
        self._workbook = workbook

    @property
    def sheet_names(self) -> Sequence[str]:
        return [ws.title for ws in self._workbook.worksheets]  # not chart sheets: they have no cells

    def rows(self, sheet: str) -> Iterator[Sequence[object]]:
        worksheet = self._workbook[sheet]
        if hasattr(worksheet, "reset_dimensions"):
            # The <dimension> tag written by other programs can be wrong: read what is there.
            worksheet.reset_dimensions()
            yield from worksheet.iter_rows(values_only=True)
        else:
            yield from worksheet.iter_rows(min_row=1, min_col=1, values_only=True)


class GridSource:
    """A :class:`WorkbookSource` over plain lists of rows (the xlwings payload, tests).

    Excel's add-in may send text no .xlsx can hold (half an emoji, U+FFFE, control characters).
    In input sheets the reader reports it cell by cell; in the sheets a refresh copies back
    (*Alertes*, *Historique*…) each such character comes back as U+FFFD (�), the rest of the text kept.
    """

    def __init__(self, sheets: dict[str, Sequence[Sequence[object]]]) -> None:
        self._sheets = sheets

    @property
    def sheet_names(self) -> Sequence[str]:
        return list(self._sheets)

    def rows(self, sheet: str) -> Iterator[Sequence[object]]:
        if match_key(sheet) in _INPUT_KEYS:
            yield from self._sheets[sheet]
            return
        for row in self._sheets[sheet]:
            yield [xml_safe(v) if type(v) is str else v for v in row]


_INPUT_KEYS = frozenset(match_key(name) for name in INPUT_SHEETS)
