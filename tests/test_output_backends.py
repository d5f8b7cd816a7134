"""The output sheets, described once, written by openpyxl (command line) and through xlwings (Excel add-in).

Without Excel, the add-in's side is shown the way a user would see it: the workbook is sent as the
Office.js client sends it (``office_payload``), and the actions xlwings returns are applied to an
openpyxl copy with Excel's rules (``ExcelActions``): a text typed as ``=x`` would become a formula,
``12`` a number, ``2011-09-30`` a date. The server tests (``test_server*.py``) use the same helpers.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Collection
from copy import copy
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl.styles import PatternFill, Side
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet.cell_range import MultiCellRange
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.hyperlink import Hyperlink

from opc_excel.pipeline import check_file
from opc_excel.read.alert_sheet import merge
from opc_excel.read.history import merged_snapshots, merged_summary_rows
from opc_excel.sheets.alertes import alertes_sheet
from opc_excel.sheets.controles import controles_sheet
from opc_excel.sheets.dashboard import dashboard_sheet
from opc_excel.sheets.history import milestone_history_sheet, summary_history_sheet
from opc_excel.sheets.openpyxl_backend import OpenpyxlOutput
from opc_excel.sheets.output import SheetOutput
from opc_excel.sheets.xlwings_backend import (
    XlwingsOutput,
    excel_value,
    freeze_range,
    needs_text_prefix,
    number_format_ranges,
    rectangles,
    width_in_points,
)
from tests.factory import clean_sheets, make_workbook, set_value

# The xlwings Server engine (xlwings.pro) needs a licence key when xlwings is first imported.
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
TODAY = date(2026, 1, 1)

# ---------------------------------------------------------------- the Office.js client, as tests see it


def _iso(value: datetime | date) -> str:
    """Return a date the way the client sends it (JavaScript's toISOString of the Excel date)."""
    moment = value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def office_payload(path: Path, include: Collection[str] | None = None) -> dict:
    """Return the body the Office.js client posts for the workbook at ``path`` (``getBookData``).

    Sheets in ``include`` (all when None) carry their values from A1 to the end of the values-only
    used range, ``""`` for empty cells and ISO strings for dates; the others ``[[]]``.
    """
    workbook = openpyxl.load_workbook(path, data_only=True)  # what Excel shows: formulas' values
    sheets = []
    for ws in workbook.worksheets:
        sent = include is None or ws.title in include
        filled = [(c.row, c.column) for row in ws.iter_rows() for c in row if c.value not in (None, "")]
        values: list[list[object]] = [[]]
        address, rows, cols = None, 0, 0
        if sent:
            last_row = max((r for r, _ in filled), default=1)
            last_col = max((c for _, c in filled), default=1)
            values = [[_client_value(ws.cell(r, c).value) for c in range(1, last_col + 1)]
                      for r in range(1, last_row + 1)]
            if filled:
                first_row, first_col = min(r for r, _ in filled), min(c for _, c in filled)
                address = (f"{get_column_letter(first_col)}{first_row}:{get_column_letter(last_col)}{last_row}")
                rows, cols = last_row - first_row + 1, last_col - first_col + 1
        sheets.append({
            "name": ws.title,
            "visibility": {"visible": "Visible", "hidden": "Hidden"}.get(ws.sheet_state, "VeryHidden"),
            "show_gridlines": ws.sheet_view.showGridLines is not False, "print_area": None, "notes": [],
            "notes_supported": True, "used_range_address": address, "used_range_row_count": rows,
            "used_range_column_count": cols, "values": values, "pictures": [], "shapes": [], "charts": [],
            "tables": [_table(t) for t in ws.tables.values()] if sent else [], "pivot_tables": []})
    return {"client": "Office.js", "version": "0.37.8",
            "book": {"name": path.name, "active_sheet_index": 0, "selection": "A1", "calculation": "Automatic"},
            "names": [], "sheets": sheets}


def _client_value(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return _iso(value)
    return value


def _table(table) -> dict:
    first_col, first_row, last_col, last_row = range_boundaries(table.ref)
    header = f"{get_column_letter(first_col)}{first_row}:{get_column_letter(last_col)}{first_row}"
    body = f"{get_column_letter(first_col)}{first_row + 1}:{get_column_letter(last_col)}{last_row}"
    return {"name": table.displayName, "range_address": table.ref, "row_count": last_row - first_row + 1,
            "column_count": last_col - first_col + 1, "columns": [c.name for c in table.tableColumns],
            "header_row_range_address": header, "data_body_range_address": body, "total_row_range_address": None,
            "show_headers": True, "show_totals": False, "table_style": "TableStyleMedium2", "show_autofilter": True,
            "show_table_style_first_column": False, "show_table_style_last_column": False,
            "show_table_style_row_stripes": True, "show_table_style_column_stripes": False}


_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2}):(\d{2}))?")


def excel_reads(value: object) -> object:
    """Return what Excel stores when the add-in sets ``value`` (a string is read as if typed)."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        return value
    if value.startswith("'"):
        return value[1:]  # the apostrophe keeps text as text, and is not part of the value
    if value[0] in "=+-@":
        return FormulaTyped(value)
    match = _ISO_DATE.fullmatch(value)
    if match:
        return datetime(*(int(g) for g in match.groups() if g is not None))
    try:
        return float(value.replace(",", ".").replace(" ", ""))
    except ValueError:
        pass
    if value.strip().upper() in ("TRUE", "FALSE", "VRAI", "FAUX"):
        return value.strip().upper() in ("TRUE", "VRAI")
    return value


class FormulaTyped(str):
    """A text Excel would have taken for a formula: never equal to the text the command line writes."""

    def __eq__(self, other: object) -> bool:
        return False

    __hash__ = str.__hash__


_SIDES = {"edge_top": "top", "edge_bottom": "bottom", "edge_left": "left", "edge_right": "right"}
_ALIGN = {"Top": "top", "Center": "center", "Bottom": "bottom", "Left": "left", "Right": "right", "General": None}


class ExcelActions:
    """Applies the actions of an xlwings Server response to an openpyxl workbook, as Excel would.

    Only the actions this add-in uses are known; any other fails the test, as it would fail in
    Excel if ``ribbon.js`` did not register it. ``summaries`` collects what ``opcResume`` received.
    """

    def __init__(self, workbook: openpyxl.Workbook) -> None:
        self.workbook = workbook
        self.summaries: list[dict] = []
        self.touched: set[str] = set()

    def apply(self, response: dict) -> ExcelActions:
        for action in response["actions"]:
            handler = getattr(self, "_" + action["func"], None)
            assert handler is not None, f"action inconnue du complément : {action['func']}"
            position = action["sheet_position"]
            ws = self.workbook.worksheets[position] if position is not None else None
            if ws is not None:
                self.touched.add(ws.title)
            handler(ws, action, *action["args"])
        return self

    @staticmethod
    def _cells(ws, action):
        for row in range(action["start_row"] + 1, action["start_row"] + action["row_count"] + 1):
            for col in range(action["start_column"] + 1, action["start_column"] + action["column_count"] + 1):
                yield ws.cell(row, col)

    @staticmethod
    def _bounds(action) -> tuple[int, int, int, int]:
        first_row, first_col = action["start_row"] + 1, action["start_column"] + 1
        return first_row, first_col, first_row + action["row_count"] - 1, first_col + action["column_count"] - 1

    def _addSheet(self, ws, action, index, name):
        assert name.casefold() not in {n.casefold() for n in self.workbook.sheetnames}, f"Excel : « {name} » existe"
        self.workbook.create_sheet(name, index)
        self.touched.add(name)

    def _setSheetName(self, ws, action, name):
        others = {n.casefold() for n in self.workbook.sheetnames if n != ws.title}
        assert name.casefold() not in others, f"Excel : « {name} » existe"
        ws.title = name

    def _sheetClear(self, ws, action, _=None):
        for merged in list(ws.merged_cells.ranges):
            ws.unmerge_cells(str(merged))
        if ws.max_row:
            ws.delete_rows(1, ws.max_row)

    def _setValues(self, ws, action, _=None):
        for r, row in enumerate(action["values"]):
            for c, value in enumerate(row):
                cell = ws.cell(action["start_row"] + r + 1, action["start_column"] + c + 1)
                cell.value = excel_reads(value)
                if isinstance(cell.value, str) and not isinstance(cell.value, FormulaTyped):
                    cell.data_type = "s"

    def _setNumberFormat(self, ws, action, number_format):
        for cell in self._cells(ws, action):
            cell.number_format = number_format

    def _setRangeColor(self, ws, action, colour):
        for cell in self._cells(ws, action):
            cell.fill = PatternFill("solid", fgColor=colour.lstrip("#").upper()) if colour else PatternFill()

    def _setFontProperty(self, ws, action, attribute, value):
        for cell in self._cells(ws, action):
            font = copy(cell.font)
            if attribute == "color":
                font.color = value.lstrip("#").upper()
            else:
                setattr(font, {"bold": "b", "italic": "i", "size": "sz", "name": "name"}[attribute], value)
            cell.font = font

    def _setWrapText(self, ws, action, wrap):
        for cell in self._cells(ws, action):
            alignment = copy(cell.alignment)
            alignment.wrap_text = wrap
            cell.alignment = alignment

    def _setVerticalAlignment(self, ws, action, value):
        for cell in self._cells(ws, action):
            alignment = copy(cell.alignment)
            alignment.vertical = _ALIGN[value]
            cell.alignment = alignment

    def _setHorizontalAlignment(self, ws, action, value):
        for cell in self._cells(ws, action):
            alignment = copy(cell.alignment)
            alignment.horizontal = _ALIGN[value]
            cell.alignment = alignment

    def _setBorderProperty(self, ws, action, side, attribute, value):
        first_row, first_col, last_row, last_col = self._bounds(action)
        targets = []
        for cell in self._cells(ws, action):
            if side in _SIDES:
                edge = {"top": cell.row == first_row, "bottom": cell.row == last_row,
                        "left": cell.column == first_col, "right": cell.column == last_col}[_SIDES[side]]
                if edge:
                    targets.append((cell, _SIDES[side]))
            elif side == "inside_vertical":
                targets += [(cell, "right")] if cell.column < last_col else []
                targets += [(cell, "left")] if cell.column > first_col else []
            elif side == "inside_horizontal":
                targets += [(cell, "bottom")] if cell.row < last_row else []
                targets += [(cell, "top")] if cell.row > first_row else []
        for cell, name in targets:
            current = getattr(cell.border, name)
            style, colour = current.style, current.color
            if attribute == "color":
                colour = value.lstrip("#").upper()
            elif attribute == "line_style":
                style = "thin" if value == "continuous" else None
            border = copy(cell.border)
            setattr(border, name, Side(style=style, color=colour))
            cell.border = border

    def _setColumnWidth(self, ws, action, points):
        for col in range(action["start_column"] + 1, action["start_column"] + action["column_count"] + 1):
            ws.column_dimensions[get_column_letter(col)].width = round(points / 0.75 / 7, 2)

    def _setRowHeight(self, ws, action, height):
        for row in range(action["start_row"] + 1, action["start_row"] + action["row_count"] + 1):
            ws.row_dimensions[row].height = height

    def _rangeMerge(self, ws, action, across):
        first_row, first_col, last_row, last_col = self._bounds(action)
        ws.merge_cells(start_row=first_row, start_column=first_col, end_row=last_row, end_column=last_col)

    def _rangeUnmerge(self, ws, action, _=None):
        first_row, first_col, last_row, last_col = self._bounds(action)
        for merged in list(ws.merged_cells.ranges):
            if merged.min_row <= last_row and merged.min_col <= last_col and merged.max_row >= first_row \
                    and merged.max_col >= first_col:
                ws.unmerge_cells(str(merged))

    def _freezePaneUnfreeze(self, ws, action, _=None):
        ws.freeze_panes = None

    def _freezePaneAtRange(self, ws, action, frozen):
        if re.fullmatch(r"\d+:\d+", frozen):
            ws.freeze_panes = f"A{int(frozen.split(':')[1]) + 1}"
        elif re.fullmatch(r"[A-Z]+:[A-Z]+", frozen):
            ws.freeze_panes = f"{get_column_letter(openpyxl.utils.column_index_from_string(frozen.split(':')[1]) + 1)}1"
        else:
            _, _, last_col, last_row = range_boundaries(frozen)
            ws.freeze_panes = f"{get_column_letter(last_col + 1)}{last_row + 1}"

    @staticmethod
    def _validated_cells(rule) -> set[tuple[int, int]]:
        return {(row, col) for cell_range in rule.sqref.ranges
                for row in range(cell_range.min_row, cell_range.max_row + 1)
                for col in range(cell_range.min_col, cell_range.max_col + 1)}

    def _setDataValidationList(self, ws, action, source, in_cell_dropdown):
        first_row, first_col, last_row, last_col = self._bounds(action)
        target = {(r, c) for r in range(first_row, last_row + 1) for c in range(first_col, last_col + 1)}
        for rule in ws.data_validations.dataValidation:
            overlap = self._validated_cells(rule) & target
            # Excel refuses a list on a range where only some cells already have a validation
            assert not overlap or overlap == target, "Excel : validation non uniforme sur la plage"
        rule = DataValidation(type="list", formula1='"' + ",".join(source["values"]) + '"')
        rule.add(f"{get_column_letter(first_col)}{first_row}:{get_column_letter(last_col)}{last_row}")
        ws.add_data_validation(rule)

    def _deleteDataValidation(self, ws, action, _=None):
        first_row, first_col, last_row, last_col = self._bounds(action)
        kept = []
        for rule in ws.data_validations.dataValidation:
            left = {(r, c) for r, c in self._validated_cells(rule)
                    if not (first_row <= r <= last_row and first_col <= c <= last_col)}
            if left:
                rule.sqref = MultiCellRange([f"{get_column_letter(c1)}{r1}:{get_column_letter(c2)}{r2}"
                                             for _, r1, c1, r2, c2 in rectangles(dict.fromkeys(left, True))])
                kept.append(rule)
        ws.data_validations.dataValidation = kept

    def _setSheetVisibility(self, ws, action, visibility):
        ws.sheet_state = visibility.lower()

    def _runMacro(self, ws, action, name, *args):
        if name == "opcResume":
            self.summaries.append(json.loads(args[0]))
        elif name == "opcFinitions":
            self._finishing(self.workbook[args[0]], json.loads(args[1]))
        else:
            raise AssertionError(f"fonction du complément inconnue : {name}")

    @staticmethod
    def _finishing(ws, extras: dict) -> None:
        """Do what opc.js's opcFinitions does in Excel."""
        ws.sheet_properties.tabColor = extras["tab_color"].lstrip("#") if extras["tab_color"] else None
        for row, col, location, tooltip, _text in extras["links"]:
            cell = ws.cell(row, col)
            cell.hyperlink = Hyperlink(ref=cell.coordinate, location=location, tooltip=tooltip)
        for first_row, first_col, last_row, last_col in extras["underline"]:
            for row in range(first_row, last_row + 1):
                for col in range(first_col, last_col + 1):
                    font = copy(ws.cell(row, col).font)
                    font.u = "single"
                    ws.cell(row, col).font = font
        ws.auto_filter.ref = extras["auto_filter"]
        for validation in extras["validations"]:
            for rule in ws.data_validations.dataValidation:
                if validation["ref"] in str(rule.sqref):
                    rule.errorStyle, rule.errorTitle, rule.error = "warning", validation["title"], validation["message"]
                    rule.showErrorMessage = rule.allow_blank = True
        page = extras["page"]
        if page:
            ws.page_setup.orientation = "landscape"
            if page["paper_a4"]:
                ws.page_setup.paperSize = ws.PAPERSIZE_A4
            ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = page["fit_width"], page["fit_height"]
            ws.sheet_properties.pageSetUpPr.fitToPage = True
            ws.page_setup.pageOrder = "overThenDown"
            ws.oddFooter.center.text = page["footer"]
            if page["title_rows"]:
                ws.print_title_rows = page["title_rows"].replace("$", "")
            if page["title_columns"]:
                ws.print_title_cols = page["title_columns"].replace("$", "")
            if page["center_horizontally"]:
                ws.print_options.horizontalCentered = True
            if page["margins"]:
                ws.page_margins.left, ws.page_margins.right, ws.page_margins.top, ws.page_margins.bottom = \
                    page["margins"]


# ---------------------------------------------------------------- what a user sees of a sheet


def values_of(ws) -> dict[str, object]:
    """Return every non-empty cell's value, dates as datetimes, numbers to 16 digits, as a user reads the sheet."""
    result = {}
    for row in ws.iter_rows():
        for cell in row:
            value = cell.value
            if value in (None, ""):
                continue
            if isinstance(value, date) and not isinstance(value, datetime):
                value = datetime(value.year, value.month, value.day)
            elif isinstance(value, float):
                value = float(f"{value:.16g}")  # as openpyxl writes numbers into a file
            result[cell.coordinate] = value
    return result


def formats_of(ws) -> dict[str, object]:
    """Return how the sheet looks: per non-empty cell, and the sheet's layout."""
    merged = {c for r in ws.merged_cells.ranges for c in _coordinates(r) if c != r.start_cell.coordinate}
    cells = {}
    for row in ws.iter_rows():
        for cell in row:
            if cell.coordinate in merged:
                continue
            colour = cell.fill.fgColor.rgb if cell.fill.fill_type == "solid" else None
            font = cell.font
            box = tuple((getattr(cell.border, s).style, getattr(cell.border, s).color.rgb[-6:]
                         if getattr(cell.border, s).color is not None else None)
                        for s in ("left", "right", "top", "bottom"))
            looks = (colour and colour[-6:], bool(font.b), bool(font.i), font.sz or 11, font.color.rgb[-6:]
                     if font.color is not None and isinstance(font.color.rgb, str) else None, font.u,
                     cell.alignment.vertical, cell.alignment.horizontal, bool(cell.alignment.wrap_text), box,
                     cell.hyperlink.location if cell.hyperlink else None)
            if cell.value not in (None, ""):
                looks += (cell.number_format,)
            if looks != (None, False, False, 11, None, None, None, None, False, ((None, None),) * 4, None):
                cells[cell.coordinate] = looks
    setup = ws.page_setup
    return {
        "cells": cells, "merged": sorted(str(r) for r in ws.merged_cells.ranges), "freeze": ws.freeze_panes,
        "filter": ws.auto_filter.ref, "hidden": ws.sheet_state, "tab": ws.sheet_properties.tabColor.rgb[-6:]
        if ws.sheet_properties.tabColor is not None else None,
        "widths": {k: round(v.width, 1) for k, v in ws.column_dimensions.items()
                   if v.width and abs(v.width - 8.43) > 0.01},
        "heights": {k: v.height for k, v in ws.row_dimensions.items() if v.height and v.height != 15},
        "validations": sorted((str(v.sqref), v.formula1, v.errorStyle, v.errorTitle, v.error)
                              for v in ws.data_validations.dataValidation),
        "page": (setup.orientation, setup.paperSize, setup.fitToWidth, setup.fitToHeight, ws.print_title_rows,
                 ws.print_title_cols, setup.pageOrder, ws.oddFooter.center.text,
                 bool(ws.print_options.horizontalCentered), ws.page_margins.left, ws.page_margins.right,
                 ws.page_margins.top, ws.page_margins.bottom),
    }


def _coordinates(cell_range) -> list[str]:
    return [f"{get_column_letter(c)}{r}" for r in range(cell_range.min_row, cell_range.max_row + 1)
            for c in range(cell_range.min_col, cell_range.max_col + 1)]


def json_book(path: Path, include: Collection[str] | None = None):
    """Return the xlwings Book xlwings Server builds from the client's payload."""
    import xlwings as xw

    return xw.Book(json=office_payload(path, include))


# ---------------------------------------------------------------- the tests


class DescribeTextThatExcelWouldTakeForSomethingElse:
    @pytest.mark.parametrize(("text", "prefixed"), [
        ("=SOMME(A1:A3)", True),  # a formula
        ("+33 2 33 00 00 00", True),  # a formula to Excel
        ("-moins cher", True),  # a formula to Excel (#NOM?)
        ("@utilisateur", True),  # implicit intersection
        ("'déjà cité", True),  # a leading apostrophe must survive
        ("#N/A", True),  # an error value
        ("12", True), ("1 234,5", True), ("30/09/2011", True), ("45 %", True),  # numbers and dates
        ("mars 2012", True), ("12-déc.-2011", True), ("VRAI", True), ("1E5", True),
        ("Démolition immeuble Ronsard", False),
        ("CAL-04 · PER-AME-01 · Démarrage des travaux", False),
        ("Résolue le 30/09/2011", False),
        ("", False),
    ])
    def it_prefixes_an_apostrophe_only_where_needed(self, text, prefixed):
        assert needs_text_prefix(text) is prefixed
        assert excel_reads(excel_value(text)) == (text or None)

    def it_sends_numbers_dates_and_empty_cells_as_they_are(self):
        assert [excel_value(v) for v in (3, 0.5, True, None, date(2011, 9, 30))] == [3, 0.5, True, None,
                                                                                     date(2011, 9, 30)]


class DescribeLayoutConversions:
    @pytest.mark.parametrize(("top_left", "frozen"), [
        ("A5", "1:4"),  # header rows only
        ("C4", "A1:B3"),  # rows and columns
        ("B2", "A1:A1"),
        ("C1", "A:B"),  # columns only
    ])
    def it_turns_openpyxl_freeze_panes_into_excel_frozen_ranges(self, top_left, frozen):
        assert freeze_range(top_left) == frozen

    @pytest.mark.parametrize(("characters", "points"), [(8.43, 44.25), (14, 73.5), (72, 378.0)])
    def it_converts_column_widths_to_points(self, characters, points):
        assert width_in_points(characters) == points


class DescribeRectangles:
    @given(st.dictionaries(st.tuples(st.integers(1, 12), st.integers(1, 6)), st.sampled_from("ab"), max_size=50))
    def they_cover_each_cell_once_with_its_value(self, cells):
        covered: dict[tuple[int, int], str] = {}
        for value, first_row, first_col, last_row, last_col in rectangles(cells):
            for row in range(first_row, last_row + 1):
                for col in range(first_col, last_col + 1):
                    assert (row, col) not in covered
                    covered[(row, col)] = value
        assert covered == cells

    def they_make_one_range_of_a_regular_table(self):
        table = {(r, c): "F" for r in range(4, 40) for c in range(2, 9)}
        assert rectangles(table) == [("F", 4, 2, 39, 8)]

    def it_gives_number_formats_across_empty_cells_but_never_to_a_filled_cell_without_one(self):
        sheet = SheetOutput("x")
        for row in range(1, 11):
            sheet.put(row, 1, date(2011, 1, row) if row % 3 else None,
                      number_format="DD/MM/YYYY" if row % 3 else None)
            sheet.put(row, 2, f"texte {row}")
        ranges = number_format_ranges(sheet)
        assert ranges == [("DD/MM/YYYY", 1, 1, 10, 1)]
        sheet.put(6, 1, "écrit à la main")
        assert [r[1:] for r in number_format_ranges(sheet)] == [(1, 1, 5, 1), (7, 1, 10, 1)]


def _outputs(path: Path) -> list[SheetOutput]:
    report = check_file(path, at=None, today=TODAY)
    names = openpyxl.load_workbook(path, read_only=True).sheetnames
    programme = report.programme
    return [
        controles_sheet(report.problems, report.at, report.sheet_names, set(names)),
        alertes_sheet(merge(report.previous_alerts, report.alerts, report.at), report.previous_alerts.extra_headers,
                      report.at),
        dashboard_sheet(programme, report.indicators, report.alerts, report.problems),
        summary_history_sheet(merged_summary_rows(report.summary_history, {}, report.at)),
        milestone_history_sheet(merged_snapshots(programme.history, programme)),
    ]


@pytest.fixture(scope="module")
def spoiled(tmp_path_factory) -> Path:
    sheets = clean_sheets()
    set_value(sheets, "Opérations", 2, "Coût convention (€ HT)", "NC")
    set_value(sheets, "Jalons", 1, "Date convention", "S1 2010 ")
    set_value(sheets, "Opérations", 1, "Libellé", "=HYPERLINK(\"http://exemple\")")
    set_value(sheets, "Opérations", 3, "Commentaire", "-20 % sur le lot 2")
    return make_workbook(tmp_path_factory.mktemp("spoiled"), sheets, title_rows={"Opérations": 2})


class DescribeBothBackends:
    def they_write_the_same_sheets(self, spoiled):
        by_file = openpyxl.load_workbook(spoiled)
        book = json_book(spoiled)
        for sheet in _outputs(spoiled):
            OpenpyxlOutput(by_file).write(sheet)
            XlwingsOutput(book).write(sheet)
        in_excel = ExcelActions(openpyxl.load_workbook(spoiled)).apply(book.json()).workbook
        assert in_excel.sheetnames == by_file.sheetnames
        for sheet in _outputs(spoiled):
            assert values_of(in_excel[sheet.name]) == values_of(by_file[sheet.name]), sheet.name
            assert formats_of(in_excel[sheet.name]) == formats_of(by_file[sheet.name]), sheet.name

    def they_write_text_that_looks_like_a_formula_as_text(self, spoiled):
        sheet = SheetOutput("Alertes")
        texts = ["=1+1", "+33 6", "-moi", "@tous", "12", "30/09/2011"]
        for col, text in enumerate(texts, start=1):
            sheet.put(1, col, text)
        by_file = openpyxl.Workbook()
        OpenpyxlOutput(by_file).write(sheet)
        book = json_book(spoiled)
        XlwingsOutput(book).write(sheet)
        in_excel = ExcelActions(openpyxl.load_workbook(spoiled)).apply(book.json()).workbook
        for written in (by_file["Alertes"], in_excel["Alertes"]):
            assert [c.value for c in written[1]] == texts
            assert {c.data_type for c in written[1]} == {"s"}

    def it_clears_an_existing_sheet_in_place_and_gives_it_its_name(self, spoiled, tmp_path):
        workbook = openpyxl.load_workbook(spoiled)
        workbook.create_sheet("CONTROLES")["A1"] = "ancien contenu"
        workbook.save(tmp_path / "avec-controles.xlsx")
        book = json_book(tmp_path / "avec-controles.xlsx")
        XlwingsOutput(book).write(_outputs(spoiled)[0])
        funcs = [a["func"] for a in book.json()["actions"]]
        assert "sheetClear" in funcs and "setSheetName" in funcs
        assert "sheetDelete" not in funcs and "addSheet" not in funcs  # formulas pointing at it keep working
        in_excel = ExcelActions(openpyxl.load_workbook(tmp_path / "avec-controles.xlsx")).apply(book.json()).workbook
        assert in_excel.sheetnames[-1] == "Contrôles" and in_excel["Contrôles"]["A1"].value.startswith("Contrôles")
