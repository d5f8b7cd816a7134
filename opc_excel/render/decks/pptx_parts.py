"""What python-pptx needs help with: part names counted once, and chart data with no embedded workbook
formulas (text only), so that a large deck stays fast and opens everywhere."""

from __future__ import annotations

from contextlib import contextmanager

from pptx.chart.data import CategoryChartData
from pptx.chart.xlsx import CategoryWorkbookWriter
from pptx.opc.packuri import PackURI
from pptx.oxml.ns import qn
from xlsxwriter import Workbook as XlsxWorkbook


def count_partnames(package) -> None:
    """Give ``package`` a ``next_partname`` that scans its parts once per kind of part, not once per part.

    python-pptx (``OpcPackage.next_partname``) walks every part of the package for each notes slide,
    chart and chart workbook it adds: quadratic in the number of slides, 9 s of the 663 slides of a
    ×100 revue de projet under the profiler. Here parts of those kinds are only ever added through
    this method, so once the existing names are known, counting on gives the names python-pptx
    would give (the next number after the last; the template's own slides were dropped before).
    """
    taken: dict[str, set[str]] = {}

    def next_partname(template: str) -> PackURI:
        names = taken.get(template)
        if names is None:
            prefix = template[:(template % 42).find("42")]
            names = taken[template] = {str(p.partname) for p in package.iter_parts() if p.partname.startswith(prefix)}
        number = len(names) + 1
        while template % number in names:  # a gap left by the template: python-pptx counts down to it
            number -= 1
        names.add(template % number)
        return PackURI(template % number)

    package.next_partname = next_partname


# What XlsxWriter's ``write()`` would turn into something else: ``=…`` a formula, ``http://…`` a link,
# ``123`` a number. The names behind a chart are the user's (familles, motifs…): they stay text.
TEXT_ONLY = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}


class _TextOnlyWorkbookWriter(CategoryWorkbookWriter):
    """python-pptx's writer of the workbook embedded behind a chart, with every name written as text.

    python-pptx opens its XlsxWriter workbook with XlsxWriter's defaults and writes categories and
    series names with ``worksheet.write()``: a famille typed ``=HYPERLINK(…)`` or ``=cmd|…`` would
    be a live formula in the workbook PowerPoint opens with *Modifier les données*. Only the opening
    changes here (the options above); the layout of the sheet is python-pptx's.
    """

    @contextmanager
    def _open_worksheet(self, xlsx_file):
        workbook = XlsxWorkbook(xlsx_file, TEXT_ONLY)
        worksheet = workbook.add_worksheet()
        yield workbook, worksheet
        workbook.close()


class TextOnlyChartData(CategoryChartData):
    """Category chart data whose embedded workbook keeps every name as text (see ``_TextOnlyWorkbookWriter``)."""

    @property
    def _workbook_writer(self):
        return _TextOnlyWorkbookWriter(self)


def semester_ticks(chart) -> None:
    """Label a time axis every six months (python-pptx writes a day-by-day date axis, unreadable over years)."""
    axis = chart.category_axis._element  # noqa: SLF001 - python-pptx has no API for a date axis's units
    for tag in ("baseTimeUnit", "majorUnit", "majorTimeUnit"):
        for old in axis.findall(qn(f"c:{tag}")):
            axis.remove(old)
    units = [("baseTimeUnit", "months"), ("majorUnit", "6"), ("majorTimeUnit", "months")]
    anchor = axis.find(qn("c:lblOffset"))
    for tag, value in reversed(units):
        element = axis.makeelement(qn(f"c:{tag}"), {"val": value})
        if anchor is not None:
            anchor.addnext(element)
        else:
            axis.append(element)
