"""python-calamine reads every workbook as openpyxl read-only did: the same values of the same types at the same
cells, and so the same problems at the same cells, with the same messages, for every workbook of the corpus."""

from __future__ import annotations

import re
import zipfile
from datetime import date, datetime, time, timedelta
from pathlib import Path

import openpyxl
import pytest

from opc_excel.errors import OpcError
from opc_excel.pipeline import check_source
from opc_excel.read.calamine_source import workbook_source
from opc_excel.read.package import inspect_package, load_workbook_safely
from opc_excel.read.source import OpenpyxlSource
from tests.badbooks import CASES, JAL, OPS, BadBook, factory_book

TODAY = date(2026, 1, 1)
SHIPPED = sorted(Path(__file__).resolve().parent.parent.glob("workbooks/*.xlsx"))


def openpyxl_check(path: Path):
    package = inspect_package(path)
    workbook = load_workbook_safely(path, read_only=True, data_only=True, report=package)
    try:
        return check_source(OpenpyxlSource(workbook), at=None, today=TODAY, package=package)
    finally:
        workbook.close()


def calamine_check(path: Path):
    package = inspect_package(path)
    with workbook_source(path, package) as source:
        return check_source(source, at=None, today=TODAY, package=package)


def outcome(check, path: Path):
    """Return what a user sees of a check: its problems and alerts, or the one sentence refusing the file."""
    try:
        report = check(path)
    except OpcError as error:
        return str(error)
    return report.problems, report.alerts


def trimmed(rows) -> list[list[object]]:
    """Return rows as lists without their trailing blanks ("" and None alike), trailing empty rows dropped."""
    out = [list(row) for row in rows]
    for row in out:
        while row and row[-1] in (None, ""):
            row.pop()
    while out and not out[-1]:
        out.pop()
    return [[None if value == "" else value for value in row] for row in out]


def typed(rows) -> list[list[tuple[str, object]]]:
    return [[(type(value).__name__, value) for value in row] for row in rows]


def openpyxl_rows(path: Path) -> dict[str, list]:
    workbook = load_workbook_safely(path, read_only=True, data_only=True)
    try:
        source = OpenpyxlSource(workbook)
        return {sheet: typed(trimmed(source.rows(sheet))) for sheet in source.sheet_names}
    finally:
        workbook.close()


def calamine_rows(path: Path) -> dict[str, list]:
    with workbook_source(path) as source:
        return {sheet: typed(trimmed(source.rows(sheet))) for sheet in source.sheet_names}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    paths: dict[str, Path] = {}

    def build(book: BadBook) -> Path:
        if book.name not in paths:
            paths[book.name] = book.build(tmp_path_factory.mktemp(book.name))
        return paths[book.name]
    return build


@pytest.mark.parametrize("book", CASES, ids=str)
def test_each_bad_workbook_gets_the_same_problems_at_the_same_cells(book: BadBook, built) -> None:
    path = built(book)
    assert outcome(calamine_check, path) == outcome(openpyxl_check, path)


@pytest.mark.parametrize("book", [case for case in CASES if case.status != 2], ids=str)
def test_each_readable_bad_workbook_reads_the_same_values(book: BadBook, built) -> None:
    path = built(book)
    assert calamine_rows(path) == openpyxl_rows(path)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_the_shipped_workbooks_read_the_same_values_and_problems_by_calamine_alone(path: Path) -> None:
    assert calamine_rows(path) == openpyxl_rows(path)
    assert outcome(calamine_check, path) == outcome(openpyxl_check, path)
    with workbook_source(path) as source:
        for sheet in source.sheet_names:
            list(source.rows(sheet))
        assert source.read_by_openpyxl == []


# ---------------------------------------------------------------- every kind of value, cell by cell

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
DAYS = [1, 1.5, 59, 60, 61, 40238, 40238.5, 40238.999999999, 2957000, 12, 123456.789, -3, -1.5]
HOURS = [-5, -0.5, 0, 0.25, 0.5, 0.1]  # times of day, and dates before 1900 (negative serial numbers)
FORMATS = ["General", "dd/mm/yyyy", "hh:mm", "[h]:mm", "yyyy-mm-dd hh:mm:ss", "0.00 €", "[$-40C]d mmmm yyyy",
           "dd/mm/yyyy;@", "mm:ss", '# ##0 "jours"', "d-mmm", "[Red]dd/mm/yy", "0%", "[h]:mm:ss"]


def numbers_book(path: Path, *, epoch1904: bool) -> Path:
    """Write every number of DAYS (sheet Jours) and HOURS (sheet Heures) in every format of FORMATS, from row 3 and
    column C (blank rows and columns before them); booleans, a duration, a date and a time in a hidden sheet."""
    workbook = openpyxl.Workbook()
    if epoch1904:
        workbook.epoch = openpyxl.utils.datetime.MAC_EPOCH
    days = workbook.active
    days.title = "Jours"
    hours = workbook.create_sheet("Heures")
    for sheet, values in ((days, DAYS), (hours, HOURS)):
        for i, value in enumerate(values):
            for j, number_format in enumerate(FORMATS):
                if value < 0 and sheet is days and number_format not in ("General", "0.00 €", "[h]:mm", "[h]:mm:ss"):
                    continue  # a negative date is a date before 1900: in Heures
                cell = sheet.cell(3 + i, 3 + j, value)
                cell.number_format = number_format
    hidden = workbook.create_sheet("Masquée")
    hidden.sheet_state = "hidden"
    hidden["B2"], hidden["C2"], hidden["D2"] = True, False, timedelta(hours=36)
    hidden["E2"], hidden["F2"] = datetime(2011, 9, 30, 10, 30), time(9, 30)
    workbook.save(path)
    return path


@pytest.mark.parametrize("epoch1904", [False, True], ids=["1900", "1904"])
def test_numbers_read_as_dates_times_durations_and_numbers_by_their_format(tmp_path, epoch1904):
    path = numbers_book(tmp_path / "nombres.xlsx", epoch1904=epoch1904)
    assert calamine_rows(path) == openpyxl_rows(path)
    with workbook_source(path) as source:
        for sheet in source.sheet_names:
            list(source.rows(sheet))
        # calamine gives a date before 1900 as a time of day: a sheet holding a time is read by openpyxl
        assert source.read_by_openpyxl == ["Heures", "Masquée"]


SHARED_STRINGS = (
    f'<sst xmlns="{MAIN}"><si><t>plain</t></si>'
    '<si><r><rPr><b/></rPr><t>bold</t></r><r><t xml:space="preserve"> rest</t></r></si>'
    '<si><t>東京</t><rPh sb="0" eb="2"><t>トウキョウ</t></rPh><phoneticPr fontId="1"/></si>'
    '<si><t>line1_x000D_\nline2 _x0001_ _x005F_x0041_</t></si>'
    '<si><t xml:space="preserve">  spaced  </t></si><si><t></t></si></sst>')
TEXT_CELLS = ('<row r="2"><c r="B2" t="s"><v>0</v></c><c r="C2" t="s"><v>1</v></c><c r="D2" t="s"><v>2</v></c>'
              '<c r="E2" t="s"><v>3</v></c><c r="F2" t="s"><v>4</v></c><c r="G2" t="s"><v>5</v></c></row>'
              '<row r="4"><c r="C4" t="inlineStr"><is><t>inline</t></is></c>'
              '<c r="D4" t="inlineStr"><is><r><t>in</t></r><r><t>rich</t></r></is></c>'
              '<c r="E4" t="b"><v>1</v></c><c r="F4" t="d"><v>2011-09-30T00:00:00</v></c>'
              '<c r="G4" t="str"><f>"x"</f><v>12</v></c><c r="H4"><f>1+1</f><v></v></c>'
              '<c r="I4" t="str"><v>#N/A</v></c><c r="J4" t="inlineStr"><is><t>_x000D_</t></is></c>'
              '<c r="K4"><v>1.5</v></c><c r="L4"><v>12</v></c><c r="M4"><v>0.1</v></c></row>')
ERROR_CELLS = ('<row r="2"><c r="B2" t="e"><v>#N/A</v></c><c r="C2" t="e"><v>#SPILL!</v></c>'
               '<c r="D2" t="e"><f>1/0</f><v>#DIV/0!</v></c><c r="E2" t="e"><v>#GETTING_DATA</v></c>'
               '<c r="F2"><v>42</v></c></row>')


def xml_book(path: Path, sheets: dict[str, str], shared_strings: str = "") -> Path:
    """Write a workbook whose sheets hold the given <row> elements, as another program would write them."""
    workbook = openpyxl.Workbook()
    workbook.active.title = next(iter(sheets))
    for name in list(sheets)[1:]:
        workbook.create_sheet(name)
    workbook.save(path)
    with zipfile.ZipFile(path) as zf:
        parts = {name: zf.read(name) for name in zf.namelist()}
    for number, rows in enumerate(sheets.values(), start=1):
        part = f"xl/worksheets/sheet{number}.xml"
        xml = re.sub(r"<sheetData\s*/>|<sheetData>.*</sheetData>", f"<sheetData>{rows}</sheetData>",
                     parts[part].decode(), flags=re.S)
        parts[part] = xml.encode()
    if shared_strings:
        parts["xl/sharedStrings.xml"] = shared_strings.encode()
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(b"</Types>", (
            b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'))
        parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(b"</Relationships>", (
            b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            b'sharedStrings" Target="sharedStrings.xml"/></Relationships>'))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return path


def test_texts_read_the_same_rich_phonetic_inline_escaped_or_empty(tmp_path):
    path = xml_book(tmp_path / "textes.xlsx", {"Textes": TEXT_CELLS}, SHARED_STRINGS)
    values = calamine_rows(path)
    assert values == openpyxl_rows(path)
    assert values["Textes"][1][4] == ("str", "line1_x000D_\nline2 _x0001_ _x0041_")  # escapes kept, as openpyxl


def test_a_sheet_with_error_cells_is_read_by_openpyxl_and_the_others_by_calamine(tmp_path):
    path = xml_book(tmp_path / "erreurs.xlsx", {"Erreurs": ERROR_CELLS, "Textes": TEXT_CELLS}, SHARED_STRINGS)
    values = calamine_rows(path)
    assert values == openpyxl_rows(path)
    assert values["Erreurs"][1][1:] == [("str", "#N/A"), ("str", "#SPILL!"), ("str", "#DIV/0!"),
                                         ("str", "#GETTING_DATA"), ("int", 42)]
    with workbook_source(path) as source:
        assert [len(list(source.rows(sheet))) for sheet in source.sheet_names] == [2, 4]
        assert source.read_by_openpyxl == ["Erreurs"]


@pytest.mark.parametrize("last_row", ['<row r="1048576">', '<row spans="100:100" r="1048576">'],
                         ids=["as-excel-writes-it", "attributes-in-another-order"])
def test_a_sheet_too_large_to_hold_whole_is_streamed_by_openpyxl(tmp_path, last_row):
    rows = '<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>' \
           f'{last_row}<c r="CV1048576"><v>1</v></c></row>'  # 100 columns × 1 048 576 rows
    path = xml_book(tmp_path / "loin.xlsx", {"Loin": rows, "Près": '<row r="1"><c r="A1"><v>1</v></c></row>'})
    with workbook_source(path) as source:
        assert list(source.rows("Près")) == [[1]]
        assert next(iter(source.rows("Loin")))[0] == "x"
        assert source.read_by_openpyxl == ["Loin"]


def test_a_file_calamine_cannot_open_is_refused_as_openpyxl_refused_it(tmp_path):
    path = xml_book(tmp_path / "casse.xlsx", {"Casse": '<row r="1"><c r="A1" t="s"><v>7</v></c></row>'})
    assert outcome(calamine_check, path) == outcome(openpyxl_check, path)


def test_a_workbook_named_otherwise_than_xlsx_is_refused_with_the_name_to_give(tmp_path):
    path = numbers_book(tmp_path / "classeur.xlsx", epoch1904=False)
    renamed = path.rename(tmp_path / "classeur.txt")
    with pytest.raises(OpcError, match="renommez-le en « classeur.xlsx »"):
        with workbook_source(renamed):
            pass


def test_a_number_past_9999_in_a_date_format_is_read_as_the_number_not_as_an_error_never_typed(tmp_path):
    def far(workbook: openpyxl.Workbook) -> None:
        for sheet, address in ((JAL, "C2"), (OPS, "G2")):  # a date, an amount (3 000 000 €)
            workbook[sheet][address].value = 3_000_000
            workbook[sheet][address].number_format = "dd/mm/yyyy"  # Excel shows #####
    path = factory_book("loin.xlsx", edit=far)(tmp_path)
    with pytest.warns(UserWarning, match="outside the limits for dates"):
        before, _ = outcome(openpyxl_check, path)
    after, _ = outcome(calamine_check, path)
    assert [(p.sheet, p.cell, p.value) for p in before] == [(OPS, "G2", "#VALUE!"), (JAL, "C2", "#VALUE!")]
    assert [(p.code, p.sheet, p.cell, p.message) for p in after] == [
        ("DQ-TYPE", JAL, "C2", "« 3000000 » n'est pas une date : tapez une date (31/12/2011), un semestre (S2 2011), "
                               "un trimestre (T3 2011) ou un mois (déc. 2011).")]
