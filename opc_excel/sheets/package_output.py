"""Refresh a workbook file by rewriting only its output sheets' parts.

Loading a whole master in openpyxl and saving it back cost twice the time of the load, a gigabyte
and more on a big programme, changed what openpyxl does not keep (charts, images, pivot tables,
macros, the last digit of some numbers, formulas' cached values) and so forbade ``--in-place``
on many real workbooks. Here:

1. :class:`PackageOutput`, an output backend, collects the sheets a refresh writes
   (:func:`opc_excel.pipeline.write_outputs`), as :class:`~opc_excel.sheets.output.SheetOutput`;
2. :mod:`~opc_excel.sheets.package_sheet` writes each one's part, which reads back as the openpyxl
   backend's, its formats found in or added to the master's styles (:mod:`~opc_excel.sheets.package_styles`);
3. :class:`~opc_excel.sheets.package_splice.SplicedPackage` puts those parts into a copy of the
   master's package, every other part copied byte for byte (:mod:`~opc_excel.sheets.package_zip`).

Each sheet is written and compressed as soon as it comes, so that only one sheet's description is
in memory at a time (the milestone history of a big programme holds a million cells).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

from opc_excel.sheets.output import SheetOutput
from opc_excel.sheets.package_splice import SplicedPackage


class PackageOutput:
    """An output backend that writes each sheet into a copy of the master's package as it comes.

    Use it as a context manager (it holds the master open); :meth:`save` writes the copy (to a
    temporary file: :func:`opc_excel.files.atomic_save`).
    """

    def __init__(self, master: Path, suffix: str) -> None:
        self._package = SplicedPackage(master, suffix)

    def __enter__(self) -> PackageOutput:
        return self

    def __exit__(self, *exc: object) -> None:
        self._package.close()

    @property
    def sheet_names(self) -> Sequence[str]:
        return self._package.sheet_names

    def write(self, sheet: SheetOutput) -> SheetOutput:
        self._package.add(sheet)
        return sheet

    @property
    def dropped(self) -> tuple[str, ...]:
        """What users had put on the output sheets replaced (notes, charts, tables), in French."""
        return tuple(self._package.dropped)

    def save(self, stream: BinaryIO) -> None:
        self._package.save(stream)
