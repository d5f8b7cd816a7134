"""Random garbage in any input cell: the pipeline never crashes, never changes an input sheet, and every
problem it reports points at a real cell of a real sheet."""

from __future__ import annotations

import copy
import functools
import gc
import json
import os
import re
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

from opc_excel.cli.commands import DEMO_DECKS
from opc_excel.cli.summary import report_as_json
from opc_excel.errors import OutputSheetError
from opc_excel.model import Problem
from opc_excel.pipeline import CheckReport, check_file, check_source, refresh_file, write_outputs
from opc_excel.read.alert_sheet import COMPUTED_HEADERS, FOLLOW_UP, HEADERS, _payload_date, read_previous
from opc_excel.read.source import GridSource
from opc_excel.read.values import EXCEL_ERRORS, is_blank
from opc_excel.render.decks import build_deck
from opc_excel.text import match_key
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
    @example([("Jalons", 2, 2, None)])  # a works start with no convention date, its delivery late: the Gantt's row
    def it_builds_every_deck_whatever_the_cells_hold(self, changes: list[Edit]) -> None:
        report = check_source(GridSource(spoiled(changes)), at=None, today=TODAY)
        for kind, theme in DEMO_DECKS:
            assert build_deck(report, kind, theme=theme)[:2] == b"PK"


# ---------------------------------------------------------------- what users type in Alertes

TYPED = st.one_of(
    st.none(), WRITABLE_TEXT, NEAR_MISSES, st.integers(min_value=-10**6, max_value=10**6), st.booleans(),
    st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1)),
    st.sampled_from(["Clé", "clé ", "Commentaire", "Suivi", "Mesure retenue", "Échéance", "Constat", "Note",
                     "Résolue le 01/01/2011", "Résolue le 31/02/2011", "Résolue le", "En cours", "Traitée",
                     "Nouvelle", "2011-10-01T00:00:00", "2011-13-45T00:00:00",
                     "CAL-04 · PER-AME-01 · Démarrage des travaux", "FIN-08 · PER-ZZZ-01", "SOC-02",
                     "Points d'alerte — situation au 30/09/2011",
                     "Réunion de chantier : " + "lot 3 à relancer, " * 30]),  # longer than any cap of ours
)
JUNE = datetime(2011, 6, 30)
ALERT_KEY = re.compile(r"[A-Z]{2,5}-\d{2}( · .+)?")  # what a row sorted above the header is known by
SOFTWARE_FOLLOW_UP = re.compile(r"\s*(nouvelle|r[ée]solue le \d{2}/\d{2}/\d{4})\s*", re.IGNORECASE)


@functools.cache
def clean_report() -> CheckReport:
    return check_source(GridSource(clean_sheets()), at=None, today=TODAY)


def refreshed_alertes(grid: Sequence[Sequence[object]]) -> list[list[object]]:
    """Return the values of the Alertes sheet a refresh of the clean workbook writes over ``grid``."""
    report = replace(clean_report(), previous_alerts=read_previous(GridSource({"Alertes": [list(r) for r in grid]})))
    workbook = openpyxl.Workbook()
    write_outputs(workbook, report)
    return [[c.value for c in row] for row in workbook["Alertes"].iter_rows()]


@functools.cache
def alertes_grid() -> tuple[tuple[object, ...], ...]:
    """Return an Alertes sheet as users have it after a few refreshes: firing, resolved and re-firing rows.

    Its first rows are what a first refresh of the clean workbook writes; one of them was resolved
    on 30/06 and fires again; below, an alert resolved on 30/06 and one that stops firing now.
    """
    grid = refreshed_alertes([])
    header = grid[2]
    suivi, resolved = header.index(FOLLOW_UP), header.index("Résolue le")
    grid[3][suivi], grid[3][resolved] = "Résolue le 30/06/2011", JUNE
    for key, follow_up, when in (("FIN-08 · PER-ZZZ-01", "Résolue le 30/06/2011", JUNE),
                                 ("FIN-08 · PER-ZZZ-02", "En cours", None)):
        row = list(grid[4])
        row[0], row[suivi], row[resolved] = key, follow_up, when
        grid.append(row)
    return tuple(tuple(row) for row in grid)


@st.composite
def typed_in_alertes(draw: st.DrawFn) -> list[tuple[int, int, object]]:
    """Return 1 to 8 cells of the Alertes sheet to overwrite: titles, header, rows, one column past the last."""
    grid = alertes_grid()
    width = max(len(row) for row in grid)
    return [(draw(st.integers(min_value=0, max_value=len(grid) + 1)), draw(st.integers(min_value=0, max_value=width)),
             draw(TYPED)) for _ in range(draw(st.integers(min_value=1, max_value=8)))]


def is_key_header(value: object) -> bool:
    return isinstance(value, str) and match_key(value) == match_key("Clé")


def is_header_row(row: Sequence[object]) -> bool:
    """Return True for a header row: « Clé » and another of the sheet's headers (« Clé » alone may be a note)."""
    names = {match_key(v) for v in row if isinstance(v, str)}
    return match_key("Clé") in names and len(names & {match_key(h) for h in HEADERS}) > 1


def text(value: object) -> str:
    return str(value).strip()


def as_the_software_wrote_it(row: int, col: int, value: object) -> bool:
    """Return True when the cell still holds what the software wrote there: a title, a header, its columns."""
    base = alertes_grid()
    written = base[row][col] if row < len(base) and col < len(base[row]) else None
    if type(written) is not type(value) or written != value:
        return False
    title = base[2][col] if col < len(base[2]) else None
    return row <= 2 or title in COMPUTED_HEADERS or (title == FOLLOW_UP and isinstance(value, str)
                                                     and bool(SOFTWARE_FOLLOW_UP.fullmatch(value)))


def users_text(grid: list[list[object]]) -> tuple[dict[str, Counter], Counter]:
    """Return what users typed: by *Clé* (alert rows, wherever they are), and elsewhere (the header, text above it).

    In an alert row, the software's own columns are not the user's, nor « Nouvelle » and « Résolue
    le … » in *Suivi*; nor is what the software wrote and nobody changed, wherever the header now is.
    """
    start = next(i for i, row in enumerate(grid) if is_header_row(row))
    header = grid[start]
    key_col = next(col for col, v in enumerate(header) if is_key_header(v))
    software = {match_key(h) for h in COMPUTED_HEADERS}
    headers = {match_key(h) for h in HEADERS}
    by_key: dict[str, Counter] = {}
    elsewhere = Counter()
    for i, row in enumerate(grid):
        key = row[key_col] if key_col < len(row) else None
        alert_row = (i > start and not is_blank(key)) or (i < start and isinstance(key, str)
                                                          and ALERT_KEY.fullmatch(key.strip()))
        for col, value in enumerate(row):
            title = header[col] if col < len(header) else None
            if is_blank(value) or as_the_software_wrote_it(i, col, value):
                continue
            if i == start:  # a header: the user's own, or one the software writes
                if not (isinstance(value, str) and match_key(value) in headers):
                    elsewhere[text(value)] += 1
                continue
            if alert_row:
                title_key = match_key(title) if isinstance(title, str) else None
                if title_key in software or (title_key == match_key(FOLLOW_UP) and isinstance(value, str)
                                             and SOFTWARE_FOLLOW_UP.fullmatch(value)):
                    continue
                by_key.setdefault(text(key), Counter())[_payload_date(value)] += 1
            elif i > start and isinstance(title, str) and match_key(title) in software:
                elsewhere[value] += 1  # a row without a key is the user's, its software columns too
            else:
                elsewhere[_payload_date(value)] += 1
    return by_key, elsewhere


def sheet_text(grid: list[list[object]]) -> tuple[dict[str, Counter], Counter]:
    """Return what a refreshed sheet shows: the users' columns of each *Clé*, and every value of the sheet."""
    start = next(i for i, row in enumerate(grid) if row and row[0] == "Clé")
    header = grid[start]
    by_key: dict[str, Counter] = {}
    for row in grid[start + 1:]:
        if is_blank(row[0]):
            continue
        for title, value in zip(header, row, strict=False):
            if not is_blank(value) and title not in COMPUTED_HEADERS:
                by_key.setdefault(text(row[0]), Counter())[value] += 1
    shown = Counter(v for row in grid for v in row if not is_blank(v))
    # A header typed twice is shown as « Commentaire (2) » the second time: its text is there.
    shown.update(re.sub(r" \(\d+\)$", "", v) for v in header if isinstance(v, str) and re.search(r" \(\d+\)$", v))
    return by_key, shown


class DescribeWhatUsersTypeInAlertes:
    @settings(max_examples=150 * FACTOR, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(typed_in_alertes())
    def it_keeps_every_note_through_two_refreshes_or_refuses_to_rewrite_the_sheet(self, cells) -> None:
        grid = [list(row) for row in alertes_grid()]
        for row, col, value in cells:
            while len(grid) <= row:
                grid.append([])
            grid[row].extend([None] * (col + 1 - len(grid[row])))
            grid[row][col] = value
        previous = read_previous(GridSource({"Alertes": grid}))
        if previous.headerless:  # no header row left: the refresh must stop, not erase
            assert not any(is_header_row(row) for row in grid)
            with pytest.raises(OutputSheetError):
                write_outputs(openpyxl.Workbook(), replace(clean_report(), previous_alerts=previous))
            return
        typed_by_key, typed_elsewhere = users_text(grid)
        once = refreshed_alertes(grid)
        for refreshed in (once, refreshed_alertes(once)):  # and the next refresh keeps them too
            shown_by_key, shown = sheet_text(refreshed)
            for key, typed in typed_by_key.items():
                assert typed <= shown_by_key.get(key, Counter()), key
            assert typed_elsewhere <= shown
