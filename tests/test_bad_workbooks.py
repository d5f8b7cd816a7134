"""The corpus of bad workbooks through the command line: no crash, a French message at the right cell,
the exit status of the contract, and input sheets that a refresh leaves exactly as they were."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils.cell import coordinate_from_string

from opc_excel.cli import main
from opc_excel.read.contract import OUTPUT_SHEETS
from tests.badbooks import CASES, UNREADABLE, BadBook

TODAY = date(2026, 1, 1)
UNEXPECTED = ("Traceback", "Erreur inattendue", "Error", "Exception", "  File ")


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(list(argv), today=TODAY, stdout=out, stderr=err)
    return status, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    """Return a function building a case once per module, into its own folder."""
    paths: dict[str, Path] = {}

    def build(book: BadBook) -> Path:
        if book.name not in paths:
            folder = tmp_path_factory.mktemp(book.name)
            paths[book.name] = book.build(folder)
        return paths[book.name]
    return build


def input_snapshot(path: Path) -> dict[str, object]:
    """Return what a user typed: every input sheet's cells (formulas as typed, with their format),
    merges, visibility and order; output sheets left out."""
    workbook = openpyxl.load_workbook(path)
    try:
        return snapshot_of(workbook)
    finally:
        workbook.close()


def snapshot_of(workbook: openpyxl.Workbook) -> dict[str, object]:
    """Return :func:`input_snapshot` of a workbook already loaded."""
    snapshot: dict[str, object] = {
        "sheets": [(ws.title, ws.sheet_state) for ws in workbook.worksheets if ws.title not in OUTPUT_SHEETS],
        "charts": [cs.title for cs in workbook.chartsheets],
    }
    for ws in workbook.worksheets:
        if ws.title in OUTPUT_SHEETS:
            continue
        # _cells holds only the cells the file has: iter_rows would build a million empty ones
        snapshot[ws.title] = {
            (cell.coordinate, cell.value, cell.number_format, cell.data_type)
            for cell in ws._cells.values() if cell.value is not None}  # noqa: SLF001
        snapshot[ws.title, "merged"] = sorted(str(r) for r in ws.merged_cells.ranges)
        snapshot[ws.title, "protected"] = ws.protection.sheet
    return snapshot


def used_range(path: Path) -> dict[str, tuple[int, int]]:
    """Return each worksheet's last row and column, from the cells it really holds."""
    workbook = openpyxl.load_workbook(path)
    ranges = {}
    for ws in workbook.worksheets:
        filled = [key for key, cell in ws._cells.items() if cell.value is not None]  # noqa: SLF001
        ranges[ws.title] = (max((r for r, _ in filled), default=0), max((c for _, c in filled), default=0))
    workbook.close()
    return ranges


def assert_no_crash(status: int, out: str, err: str) -> None:
    assert status in (0, 1, 2)
    for word in UNEXPECTED:
        assert word not in err, err
        assert word not in out, out


@pytest.mark.parametrize("book", CASES, ids=str)
class DescribeEachBadWorkbook:
    def it_checks_with_the_expected_status_and_problems(self, book: BadBook, built) -> None:
        path = built(book)
        status, out, err = run("check", str(path), "--json")
        assert_no_crash(status, out, err)
        assert status == book.status, (out, err)
        payload = json.loads(out)
        if book.status == UNREADABLE:
            named = book.named or path.name
            assert len(err.strip().splitlines()) == 1 and f"« {named} »" in err and book.refused in err
            assert str(path.parent) not in err  # the file is named, its folder is not
            assert [p["code"] for p in payload["problems"]] == ["DQ-FILE"]
            return
        found = sorted((p["code"], p["sheet"], p["cell"]) for p in payload["problems"])
        assert found == sorted(book.problems), payload["problems"]
        ranges = used_range(path)
        for problem in payload["problems"]:
            assert problem["message"] and (problem["message"][0].isupper() or problem["message"][0] == "«")
            if problem["cell"]:  # a real cell of a real sheet (a missing column: just after the last)
                last_row, last_col = ranges[problem["sheet"]]
                letters, row = coordinate_from_string(problem["cell"])
                col = openpyxl.utils.column_index_from_string(letters)
                assert row <= last_row and col <= last_col + (problem["code"] == "DQ-COL"), problem

    def it_refreshes_a_copy_leaving_every_input_cell_as_it_was(self, book: BadBook, built,
                                                                 tmp_path: Path) -> None:
        path = built(book)
        before_bytes = path.read_bytes()
        target = tmp_path / f"copie{path.suffix}"
        status, out, err = run("refresh", str(path), "--out", str(target))
        assert_no_crash(status, out, err)
        assert status == book.refresh_expected, (out, err)
        assert path.read_bytes() == before_bytes  # the master is never touched by --out
        if book.refresh_expected == UNREADABLE:
            assert not target.exists() and list(tmp_path.iterdir()) == []
            assert len(err.strip().splitlines()) == 1 and book.refused in err
            return
        for code, sheet, where in book.problems[:40]:  # the summary names the sheet and the cell
            assert re.search(rf"\[\w+\] {code} {re.escape(sheet)}{'!' + where if where else ''}", out), out
        copy = openpyxl.load_workbook(target)
        assert snapshot_of(copy) == input_snapshot(path)
        if book.only_controles:  # no Alertes, Tableau de bord nor Historique dated at today
            assert set(OUTPUT_SHEETS) & set(copy.sheetnames) == {"Contrôles"}
        else:
            assert set(OUTPUT_SHEETS) <= set(copy.sheetnames)
        assert [(ws.title, cell.coordinate) for ws in copy.worksheets if ws.title in OUTPUT_SHEETS
                for cell in ws._cells.values() if cell.data_type == "f"] == []  # noqa: SLF001 - no formula
        copy.close()
        with zipfile.ZipFile(path) as before, zipfile.ZipFile(target) as after:
            for part in book.keeps_parts:
                assert after.read(part) == before.read(part), part


class DescribeWhatOpenpyxlWouldHaveLost:
    """openpyxl kept the text of a cell but not its formatted runs, and wrote no customXml nor ignoredErrors: a
    refresh that copies the input sheets' parts keeps them, in place as in a copy."""

    @pytest.mark.parametrize("edit", [
        {"B2": '<c r="B2" t="inlineStr"><is><r><rPr><b/></rPr><t>Démolition</t></r><r><t> immeuble Ronsard</t></r>'
               '</is></c>'},
        "ignoredErrors",
        "customXml",
    ], ids=["rich-text", "ignored-errors", "custom-xml"])
    def it_rewrites_the_master_keeping_them_as_they_were(self, tmp_path, edit):
        from tests.badbooks import OPS, factory_book, rezip, sheet_part, xml_book

        if edit == "ignoredErrors":
            master = xml_book("maître.xlsx", OPS, {}, extra=lambda xml: xml.replace(
                "</worksheet>", '<ignoredErrors><ignoredError sqref="G2:G4" numberStoredAsText="1"/>'
                                '</ignoredErrors></worksheet>'))(tmp_path)
        elif edit == "customXml":
            source = factory_book("source.xlsx")(tmp_path)
            master = rezip(source, tmp_path / "maître.xlsx", add={"customXml/item1.xml": b"<p:properties/>"})
        else:
            master = xml_book("maître.xlsx", OPS, edit)(tmp_path)
        part = "customXml/item1.xml" if edit == "customXml" else sheet_part(master, OPS)
        before = zipfile.ZipFile(master).read(part)
        status, out, err = run("refresh", str(master), "--in-place")
        assert status == 0, err
        assert zipfile.ZipFile(master).read(part) == before and "ne sont pas repris" not in out


class DescribeAnUnreadableDateDeSituation:
    def it_writes_no_history_row_nor_alert_dated_today(self, tmp_path):
        from tests.badbooks import factory_book

        master = factory_book("maître.xlsx")(tmp_path)
        assert run("refresh", str(master), "--in-place")[0] == 0  # a first refresh at 30/09/2011
        refreshed = openpyxl.load_workbook(master)
        refreshed["Paramètres"]["B8"] = "fin septembre"
        refreshed.save(master)
        refreshed = openpyxl.load_workbook(master)  # as the user left it
        before = {name: [[c.value for c in row] for row in refreshed[name].iter_rows()]
                  for name in OUTPUT_SHEETS if name != "Contrôles"}
        status, out, err = run("refresh", str(master), "--in-place")
        assert status == 1 and "DQ-TYPE Paramètres!B8" in out
        assert "seule la feuille Contrôles est réécrite" in out  # the summary says what it wrote, and no more
        assert "Tableau de bord et Historique écrites" not in out
        after = openpyxl.load_workbook(master)
        for name, rows in before.items():  # Alertes, Tableau de bord, Historique: as they were
            assert [[c.value for c in row] for row in after[name].iter_rows()] == rows, name
        controles = [[c.value for c in row] for row in after["Contrôles"].iter_rows()]
        [row] = [row for row in controles if "Paramètres" in row and "B8" in row]
        assert "Bloquant" in row and any("ne réécrit que la feuille Contrôles" in str(v) for v in row)
