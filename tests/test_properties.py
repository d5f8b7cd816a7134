"""Random garbage in any input cell: the pipeline never crashes, never changes an input sheet, and every
problem it reports points at a real cell of a real sheet."""

from __future__ import annotations

import copy
import functools
import gc
import json
import os
import tempfile
from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

from opc_excel.cli import DEMO_DECKS, report_as_json
from opc_excel.decks import build_deck
from opc_excel.errors import OutputSheetError
from opc_excel.model import Problem
from opc_excel.pipeline import CheckReport, check_file, check_source, refresh_file, write_outputs
from opc_excel.text import match_key
from opc_excel.workbook.alert_sheet import COMPUTED_HEADERS, FOLLOW_UP, _payload_date, merge
from opc_excel.workbook.source import GridSource
from opc_excel.workbook.values import EXCEL_ERRORS, is_blank
from tests.factory import Rows, clean_sheets, write_workbook
from tests.test_bad_workbooks import input_snapshot

TODAY = date(2026, 1, 1)
# OPC_EXAMPLES_FACTOR=40 turns these tests into a fuzzing session (≈ 15 min here): see the README, Tests.
FACTOR = max(int(os.environ.get("OPC_EXAMPLES_FACTOR", "1") or 1), 1)
Sheets = dict[str, Rows]
Edit = tuple[str, int, int, object]  # (sheet, row index from 0 = first row, column index, value)

# Values a user (or another program) really leaves in a cell, near misses included.
NEAR_MISSES = st.sampled_from([
    "", " ", "\u00a0", "\t\n", "NC", "?", "-", "0", "1,2 M€", "350 k€", "1 234 567,89 €", "1.234.567,89", "12,5 %",
    "S2 2011", "2e semestre 2011", "T5 2011", "déc. 2011", "31/02/2011", "2011-12-31", "29/02/2012", "11", "2011",
    "Oui", "non", "VRAI", "ID opération", "Coût convention (€ HT)", "Jalon", "Livraison", "DAS", "PER-DEM-01",
    "PER-DEM-01; NOPE", ";;", "=1+1", "'0012", "Démolition de logements sociaux", "Perseigne", "Soldée",
])
TEXT = st.text(max_size=30)
GARBAGE = st.one_of(
    st.none(), TEXT, NEAR_MISSES, st.sampled_from(sorted(EXCEL_ERRORS)), st.booleans(),
    st.integers(min_value=-(10**400), max_value=10**400), st.integers(min_value=-100_000, max_value=100_000),
    st.floats(allow_nan=True, allow_infinity=True), st.floats(min_value=-1e16, max_value=1e16),
    st.dates(), st.datetimes(), st.times(), st.timedeltas(),
)
# What openpyxl can write into a file (no control characters, Excel's own number and date range).
WRITABLE_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=30)
WRITABLE = st.one_of(
    st.none(), WRITABLE_TEXT, NEAR_MISSES, st.sampled_from(sorted(EXCEL_ERRORS)), st.booleans(),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(min_value=-1e300, max_value=1e300),  # openpyxl writes 16 digits: 1.8e308 would come back infinite
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(9999, 12, 31)),
    st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=1000)),
)


@st.composite
def edits(draw: st.DrawFn, values: st.SearchStrategy[object], sheets: Sheets) -> list[Edit]:
    """Return 1 to 6 cells to overwrite: any sheet, any row (the header too), any column or one past the last."""
    chosen = []
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        sheet = draw(st.sampled_from(sorted(sheets)))
        row = draw(st.integers(min_value=0, max_value=len(sheets[sheet]) - 1))
        col = draw(st.integers(min_value=0, max_value=len(sheets[sheet][0])))
        chosen.append((sheet, row, col, draw(values)))
    return chosen


def spoiled(changes: list[Edit]) -> Sheets:
    sheets = clean_sheets()
    for sheet, row, col, value in changes:
        cells = sheets[sheet][row]
        cells.extend([None] * (col + 1 - len(cells)))
        cells[col] = value
    return sheets


def assert_points_at_real_cells(problems: Sequence[Problem], sheets: dict[str, tuple[int, int]]) -> None:
    """Assert each problem with a cell names a sheet of the workbook and a cell of its used range.

    A missing column is reported where it should be added: one column past the last is allowed then.
    """
    for problem in problems:
        assert problem.message and problem.sheet, problem
        if not problem.cell:
            continue
        assert problem.sheet in sheets, problem
        letters, row = coordinate_from_string(problem.cell)
        last_row, last_col = sheets[problem.sheet]
        assert 1 <= row <= last_row, problem
        assert 1 <= column_index_from_string(letters) <= last_col + (problem.code == "DQ-COL"), problem


def assert_reports_in_strict_json(report: CheckReport) -> None:
    """Assert ``check --json`` gives JSON any program reads: no NaN, no Infinity."""
    json.dumps(report_as_json(report), ensure_ascii=False, allow_nan=False)


def grid_extent(sheets: Sheets) -> dict[str, tuple[int, int]]:
    return {name: (len(rows), max(len(r) for r in rows)) for name, rows in sheets.items()}


SHEETS = clean_sheets()


class DescribeGarbageInAnyCell:
    @settings(max_examples=60 * FACTOR, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(edits(GARBAGE, SHEETS))
    def it_never_crashes_never_changes_the_grid_and_points_at_real_cells(self, changes: list[Edit]) -> None:
        sheets = spoiled(changes)
        before = copy.deepcopy(sheets)
        report = check_source(GridSource(sheets), at=None, today=TODAY)
        assert sheets == before  # the pipeline reads, it never writes into what it was given
        assert gc.isenabled()  # paused while reading (speed), and back on
        assert_points_at_real_cells(report.problems, grid_extent(sheets))
        assert_reports_in_strict_json(report)

    @settings(max_examples=8 * FACTOR, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(edits(WRITABLE, SHEETS))
    def it_holds_through_real_files_and_a_refresh(self, changes: list[Edit]) -> None:
        with tempfile.TemporaryDirectory() as folder:
            path = write_workbook(Path(folder) / "classeur.xlsx", spoiled(changes))
            report = check_file(path, at=None, today=TODAY)
            workbook = openpyxl.load_workbook(path, read_only=True)
            extent = {ws.title: (ws.max_row, ws.max_column) for ws in workbook.worksheets}
            workbook.close()
            assert_points_at_real_cells(report.problems, extent)
            copy_path = Path(folder) / "copie.xlsx"
            refresh_file(path, at=None, today=TODAY, out=copy_path)
            assert input_snapshot(copy_path) == input_snapshot(path)


class DescribeDecksOfGarbage:
    @settings(max_examples=10 * FACTOR, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(edits(GARBAGE, SHEETS))
    def it_builds_every_deck_whatever_the_cells_hold(self, changes: list[Edit]) -> None:
        report = check_source(GridSource(spoiled(changes)), at=None, today=TODAY)
        for kind, theme in DEMO_DECKS:
            assert build_deck(report, kind, theme=theme)[:2] == b"PK"


# ---------------------------------------------------------------- what users type in Alertes

TYPED = st.one_of(
    st.none(), WRITABLE_TEXT, NEAR_MISSES, st.integers(min_value=-10**6, max_value=10**6), st.booleans(),
    st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1)),
    st.sampled_from(["Clé", "clé ", "Commentaire", "Suivi", "Mesure retenue", "Échéance", "Constat", "Note",
                     "Résolue le 01/01/2011", "En cours", "2011-10-01T00:00:00", "2011-13-45T00:00:00",
                     "CAL-04 · PER-AME-01 · Démarrage des travaux"]),
)


@functools.cache
def alertes_grid() -> tuple[tuple[object, ...], ...]:
    """Return the values of the Alertes sheet a first refresh of the clean workbook writes."""
    with tempfile.TemporaryDirectory() as folder:
        path = write_workbook(Path(folder) / "classeur.xlsx", clean_sheets())
        copy_path = Path(folder) / "copie.xlsx"
        refresh_file(path, at=None, today=TODAY, out=copy_path)
        workbook = openpyxl.load_workbook(copy_path)
        return tuple(tuple(c.value for c in row) for row in workbook["Alertes"].iter_rows())


@st.composite
def typed_in_alertes(draw: st.DrawFn) -> list[tuple[int, int, object]]:
    """Return 1 to 8 cells of the Alertes sheet to overwrite: titles, header, rows, one column past the last."""
    grid = alertes_grid()
    width = max(len(row) for row in grid)
    return [(draw(st.integers(min_value=0, max_value=len(grid) + 1)), draw(st.integers(min_value=0, max_value=width)),
             draw(TYPED)) for _ in range(draw(st.integers(min_value=1, max_value=8)))]


def users_text(grid: list[list[object]]) -> Counter:
    """Return what users typed under the header: every value outside the software's own columns and *Suivi*."""
    keys = [i for i, row in enumerate(grid)
            if any(isinstance(v, str) and match_key(v) == match_key("Clé") for v in row)]
    header = grid[keys[0]]
    software = {match_key(h) for h in (*COMPUTED_HEADERS, FOLLOW_UP)}
    typed = Counter()
    for row in grid[keys[0] + 1:]:
        for col, value in enumerate(row):
            title = header[col] if col < len(header) else None
            if not is_blank(value) and not (isinstance(title, str) and match_key(title) in software):
                typed[_payload_date(value)] += 1
    return typed


class DescribeWhatUsersTypeInAlertes:
    @settings(max_examples=150 * FACTOR, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(typed_in_alertes())
    def it_keeps_every_note_through_a_refresh_or_refuses_to_rewrite_the_sheet(self, cells) -> None:
        grid = [list(row) for row in alertes_grid()]
        for row, col, value in cells:
            while len(grid) <= row:
                grid.append([])
            grid[row].extend([None] * (col + 1 - len(grid[row])))
            grid[row][col] = value
        report = check_source(GridSource({**clean_sheets(), "Alertes": grid}), at=None, today=TODAY)
        if report.previous_alerts.headerless:  # no « Clé » left anywhere: the refresh must stop, not erase
            assert not any(isinstance(v, str) and match_key(v) == match_key("Clé") for row in grid for v in row)
            with pytest.raises(OutputSheetError):
                write_outputs(openpyxl.Workbook(), report)
            return
        kept = Counter(value for row in merge(report.previous_alerts, report.alerts, report.at)
                       for header, value in row.user.items() if header != FOLLOW_UP and not is_blank(value))
        assert users_text(grid) <= kept
