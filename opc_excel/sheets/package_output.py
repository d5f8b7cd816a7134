"""Refresh a workbook file by rewriting only its output sheets' parts.

Loading a whole master in openpyxl and saving it back cost twice the time of the load, a gigabyte
and more on a big programme, changed what openpyxl does not keep (charts, images, pivot tables,
macros, the last digit of some numbers, formulas' cached values) and so forbade ``--in-place``
on many real workbooks. Here:

1. :class:`PackageOutput`, an output backend, collects the sheets a refresh writes
   (:func:`opc_excel.pipeline.write_outputs`), as :class:`~opc_excel.sheets.output.SheetOutput`;
2. :func:`render` writes them with the openpyxl backend into a new, empty workbook — the same code
   as before, so the same cells and formats;
3. :func:`~opc_excel.sheets.package_splice.splice` puts their parts into a copy of the master's
   package, every other part copied byte for byte.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook

from opc_excel.sheets.openpyxl_backend import OpenpyxlOutput
from opc_excel.sheets.output import SheetOutput, find_sheet
from opc_excel.sheets.package_splice import rendered_sheets, sheet_names, splice

__all__ = ["PackageOutput", "refreshed_package", "render", "sheet_names"]


class PackageOutput:
    """An output backend that keeps the sheets written into it, for :func:`refreshed_package`."""

    def __init__(self, sheet_names: Sequence[str]) -> None:
        self._names = list(sheet_names)
        self.sheets: list[SheetOutput] = []

    @property
    def sheet_names(self) -> Sequence[str]:
        return list(self._names)

    def write(self, sheet: SheetOutput) -> SheetOutput:
        if find_sheet(self._names, sheet.name) is None:
            self._names.append(sheet.name)
        self.sheets = [s for s in self.sheets if s.name != sheet.name] + [sheet]
        return sheet


def render(sheets: Sequence[SheetOutput]) -> bytes:
    """Return a package holding only ``sheets``, written by the openpyxl backend."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    backend = OpenpyxlOutput(workbook)
    for sheet in sheets:
        backend.write(sheet)
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def refreshed_package(master: Path, output: PackageOutput, suffix: str) -> bytes:
    """Return the master's package with the output sheets of ``output`` written in, as a ``suffix`` file."""
    sheets, styles = rendered_sheets(render(output.sheets))
    return splice(master, sheets, styles, suffix)
