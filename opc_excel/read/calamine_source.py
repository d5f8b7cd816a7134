"""Read a workbook file's values with python-calamine, exactly as openpyxl read-only gives them.

The checks were written, and tested, against openpyxl's values; calamine (a Rust reader) reads the
same file ten times faster. :class:`CalamineSource` turns what calamine gives into what openpyxl
gives, so that every reader downstream sees the same values, types and cell addresses:

- empty cells come as ``""``: they become ``None`` (so does a cell holding an empty text, which
  openpyxl gives as ``""``: every reader takes both as blank);
- every number comes as a float: a whole one below 10¹⁵ becomes an ``int``, as openpyxl reads the
  ``12`` Excel writes (a whole number written ``12.0`` or ``1.2E1``, which Excel never writes, becomes
  the int 12 where openpyxl gave the float 12.0: every reader takes both alike);
- a date without a time comes as a ``date``: it becomes a ``datetime`` at midnight;
- calamine decodes the ``_x000D_`` escapes Excel writes for control characters, openpyxl does not:
  they are written back as escapes (``_x000D_``, ``_x0001_``…), tab and line feed kept;
- rows start at A1 (``skip_empty_area=False``) and are padded with ``None`` to the sheet's width.

What calamine cannot give is read with openpyxl, sheet by sheet, as before: a sheet holding an error
cell (calamine reads ``#N/A`` as empty and fails on ``#SPILL!``) or larger than
:data:`~opc_excel.read.package_kind.MAX_DENSE_CELLS` cells (calamine holds it whole, openpyxl streams
it), both found by :func:`~opc_excel.read.package.inspect_package`'s scan, which every file goes
through first; a sheet where calamine gives a time of day (a date before 1900 comes as one: a time
typed in a date column, rare, is read by openpyxl too) or a number beyond a float (``1E+400``, 400
digits: calamine gives infinity, openpyxl the digits or refuses ``NaN``). A file calamine can't open
at all is read by openpyxl.
One difference is left, on purpose: a number past 31/12/9999 in a date-formatted cell (Excel shows
``#####``) is read as the number, where openpyxl read the error ``#VALUE!`` the user never typed. In a
date column it is refused at the same cell (« 3000000 » n'est pas une date) ; in an amount column the
amount is read, as Excel holds it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime, time
from pathlib import Path

from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum

from opc_excel.read.package import PackageReport, inspect_package, load_workbook_safely, refuse_other_suffix
from opc_excel.read.source import OpenpyxlSource, WorkbookSource

_CALAMINE_ERRORS = (CalamineError, ValueError, ArithmeticError)
_WHOLE_LIMIT = 1e15  # Excel writes 15 significant digits: whole numbers below this are written as integers
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f]")  # what Excel writes as _xHHHH_ (tab and line feed as they are)


@contextmanager
def workbook_source(path: str | Path, report: PackageReport | None = None) -> Iterator[WorkbookSource]:
    """Yield the values of the workbook file at *path*, read by calamine (openpyxl where it can't), then close it.

    ``report`` is the file's :func:`inspect_package` report when the caller already has it; raise
    UnreadableWorkbookError (French) when the file can't be read.
    """
    path = Path(path)
    report = report if report is not None else inspect_package(path)
    refuse_other_suffix(path, report)
    source = CalamineSource(path, report)
    try:
        yield source
    finally:
        source.close()


class CalamineSource:
    """A :class:`WorkbookSource` over a workbook file read by python-calamine, as openpyxl would read it.

    The file must have passed :func:`inspect_package` (its *report*): calamine is never given a file
    that scan refused (XML entities, zip bombs, oversized tokens).
    """

    def __init__(self, path: Path, report: PackageReport) -> None:
        self._path = path
        self._report = report
        self._openpyxl: OpenpyxlSource | None = None
        self._workbook = None
        self.read_by_openpyxl: list[str] = []  # the sheets read by openpyxl, in the order read (tests, benchmarks)
        try:
            with path.open("rb") as stream:  # calamine reads it whole: the file is not held open (Windows locks)
                self._book: CalamineWorkbook | None = CalamineWorkbook.from_filelike(stream)
        except _CALAMINE_ERRORS:  # a file calamine can't open: openpyxl says what is wrong, as before
            self._book = None

    @property
    def sheet_names(self) -> Sequence[str]:
        if self._book is None:
            return self._fallback().sheet_names
        # worksheets only, hidden ones included: chart sheets have no cells (as OpenpyxlSource)
        return [sheet.name for sheet in self._book.sheets_metadata if sheet.typ == SheetTypeEnum.WorkSheet]

    def rows(self, sheet: str) -> Iterator[Sequence[object]]:
        rows = None
        if self._book is not None and sheet not in self._report.openpyxl_sheets:
            try:
                rows = as_openpyxl(self._book.get_sheet_by_name(sheet).to_python(skip_empty_area=False))
            except _CALAMINE_ERRORS:  # a value calamine can't convert (a duration of 1E+308 days…)
                rows = None
        if rows is None:
            self.read_by_openpyxl.append(sheet)
            yield from self._fallback().rows(sheet)
        else:
            yield from rows

    def close(self) -> None:
        if self._book is not None:
            self._book.close()
            self._book = None
        if self._workbook is not None:
            self._workbook.close()
            self._workbook = None

    def _fallback(self) -> OpenpyxlSource:
        """Return the file opened by openpyxl read-only (once), for what calamine can't read as it does."""
        if self._openpyxl is None:
            self._workbook = load_workbook_safely(self._path, read_only=True, data_only=True, report=self._report)
            self._openpyxl = OpenpyxlSource(self._workbook)
        return self._openpyxl


def as_openpyxl(rows: list[list[object]]) -> list[list[object]] | None:
    """Return calamine's *rows* changed in place into the values openpyxl read-only gives (see the module's
    docstring); None when a number is not finite or a time of day is met (openpyxl must read the sheet)."""
    for row in rows:
        for i, value in enumerate(row):
            kind = type(value)
            if kind is str:
                if not value:
                    row[i] = None
                elif not value.isprintable() and _CONTROL.search(value):
                    row[i] = _CONTROL.sub(_escaped, value)
            elif kind is float:
                if value.is_integer():
                    if -_WHOLE_LIMIT < value < _WHOLE_LIMIT:
                        row[i] = int(value)
                elif not math.isfinite(value):
                    return None
            elif kind is date:
                row[i] = datetime(value.year, value.month, value.day)
            elif kind is time:
                return None  # maybe a date before 1900, which calamine gives as its time of day
    return rows


def _escaped(match: re.Match[str]) -> str:
    return f"_x{ord(match.group()):04X}_"
