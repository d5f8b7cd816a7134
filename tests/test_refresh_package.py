"""A refresh rewrites the output sheets' parts only: every other part of the master is the same, byte for byte.

What a user checks: the charts, images, pivot tables and macros of their master are still there after
``refresh --in-place``, their numbers and formulas' values are as they typed them, the refreshed file
opens in Excel's stand-ins (openpyxl, LibreOffice), and the output sheets look as they always did.
"""

from __future__ import annotations

import io
import posixpath
import shutil
import subprocess
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from lxml import etree
from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment
from openpyxl.drawing.image import Image
from PIL import Image as PILImage

from opc_excel.cli import main
from opc_excel.pipeline import check_file, write_outputs
from opc_excel.read.contract import OUTPUT_SHEETS
from opc_excel.read.package import load_workbook_safely

MASTER = Path(__file__).resolve().parents[1] / "workbooks" / "perseigne_master.xlsx"
TODAY = date(2026, 12, 5)
# what a refresh may write: the workbook's index and its relationships, the content types, the styles
INDEX_PARTS = {"xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml", "xl/styles.xml"}
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XLSM_TYPE = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
VBA_PROJECT = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 8  # an OLE file's start, then bytes


def refresh(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(["refresh", *map(str, argv)], today=TODAY, stdout=out, stderr=err)
    return status, out.getvalue(), err.getvalue()


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def output_parts(path: Path) -> set[str]:
    """Return the parts of the output sheets of ``path`` (found through the workbook's relationships)."""
    with zipfile.ZipFile(path) as zf:
        book = etree.fromstring(zf.read("xl/workbook.xml"))
        rels = {rel.get("Id"): rel.get("Target") for rel in etree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))}
    targets = [rels[sheet.get(f"{{{R}}}id")] for sheet in book.iter("{*}sheet") if sheet.get("name") in OUTPUT_SHEETS]
    return {t.lstrip("/") if t.startswith("/") else posixpath.normpath(f"xl/{t}") for t in targets}


def assert_inputs_kept(before: Path, after: Path) -> None:
    """Every part of ``before`` that is not an output sheet nor the index is in ``after``, byte for byte."""
    old, new = parts(before), parts(after)
    sheets = output_parts(before)
    changing = INDEX_PARTS | sheets | output_parts(after)
    hanging = set()  # what hung on a replaced output sheet (LibreOffice gives each sheet an empty drawing) goes
    for sheet in sheets:
        rels = posixpath.join(posixpath.dirname(sheet), "_rels", posixpath.basename(sheet) + ".rels")
        if rels in old:
            hanging |= {rels} | {posixpath.normpath(posixpath.join(posixpath.dirname(sheet), rel.get("Target")))
                                 for rel in etree.fromstring(old[rels])}
    kept = {name for name in old if name not in changing | hanging}
    assert len(kept) > 10, "nothing to compare"
    assert {name for name in kept if new.get(name) != old[name]} == set()
    assert set(new) - set(old) <= changing


def refreshed_in_place(master: Path) -> dict[str, bytes]:
    """Refresh ``master`` in place and check it kept every part but the output sheets' and said it dropped nothing;
    return its parts."""
    before = master.with_name(f"avant{master.suffix}")
    shutil.copy(master, before)
    status, out, err = refresh(master, "--in-place")
    assert status == 0, err
    assert "ne sont pas repris" not in out
    assert_inputs_kept(before, master)
    return parts(master)


def written_by_openpyxl(master: Path, target: Path) -> None:
    """Refresh ``master`` into ``target`` the way every refresh did before: the whole workbook loaded and saved."""
    report = check_file(master, at=None, today=TODAY)
    workbook = load_workbook_safely(master, read_only=False, data_only=False)
    write_outputs(workbook, report)
    workbook.save(target)


def color(value) -> object:
    return None if value is None else (value.rgb if value.type == "rgb" else (value.type, value.theme, value.indexed))


def cell_look(c) -> tuple:
    """Return a cell's value (floats to 12 digits: openpyxl kept 15) and everything of its format a user sees."""
    font, fill, align = c.font, c.fill, c.alignment
    value = float(f"{c.value:.12g}") if type(c.value) is float else c.value
    return (
        value, c.number_format, font.b, font.i, font.sz, font.u, color(font.color), fill.fill_type,
        color(fill.fgColor) if fill.fill_type else None,
        tuple((side.style, color(side.color)) for side in (c.border.left, c.border.right, c.border.top,
                                                            c.border.bottom)),
        # Excel's defaults written or not (LibreOffice writes them): the same look; unset or false: no wrapping
        None if align.horizontal == "general" else align.horizontal,
        None if align.vertical == "bottom" else align.vertical, bool(align.wrap_text),
        (c.hyperlink.location, c.hyperlink.tooltip) if c.hyperlink else None)


def look(ws) -> dict[str, object]:
    """Return what a user sees of a sheet: every cell's value and format, and the sheet's layout and printing."""
    cells = {c.coordinate: cell_look(c) for row in ws.iter_rows() for c in row}
    blank = cell_look(ws.cell(ws.max_row + 1, ws.max_column + 1))  # a cell nobody wrote: the workbook's default
    cells = {coordinate: shown for coordinate, shown in cells.items() if shown != blank}
    setup = ws.page_setup
    return {
        "cells": cells, "merged": sorted(str(r) for r in ws.merged_cells.ranges),
        "widths": {k: d.width for k, d in ws.column_dimensions.items() if d.customWidth},
        "heights": {k: d.height for k, d in ws.row_dimensions.items() if d.height},
        "freeze": ws.freeze_panes, "filter": ws.auto_filter.ref,
        "validations": [(str(v.sqref), v.type, v.formula1, v.errorStyle, v.errorTitle, v.error)
                        for v in ws.data_validations.dataValidation],
        "page": (setup.orientation, setup.paperSize, setup.fitToWidth, setup.fitToHeight, setup.pageOrder,
                 ws.sheet_properties.pageSetUpPr.fitToPage if ws.sheet_properties.pageSetUpPr else None),
        "titles": (ws.print_title_rows, ws.print_title_cols), "centered": ws.print_options.horizontalCentered,
        "margins": (ws.page_margins.left, ws.page_margins.right, ws.page_margins.top, ws.page_margins.bottom),
        "footer": ws.oddFooter.center.text, "state": ws.sheet_state,
        "tab": color(ws.sheet_properties.tabColor),
    }


def assert_same_outputs(expected: Path, actual: Path) -> None:
    old, new = openpyxl.load_workbook(expected), openpyxl.load_workbook(actual)
    assert new.sheetnames == old.sheetnames
    for name in OUTPUT_SHEETS:
        if name in old.sheetnames:
            assert look(new[name]) == look(old[name]), name


def with_chart_and_image(tmp_path: Path) -> Path:
    """Return the master with a bar chart of the financing lines and a logo, both made with openpyxl."""
    workbook = openpyxl.load_workbook(MASTER)
    ws = workbook["Financements"]
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=3, min_row=1, max_row=20), titles_from_data=True)
    ws.add_chart(chart, "N2")
    logo = tmp_path / "logo.png"
    PILImage.new("RGB", (40, 20), (31, 56, 100)).save(logo)
    workbook["Opérations"].add_image(Image(str(logo)), "Z1")
    path = tmp_path / "graphique.xlsx"
    workbook.save(path)
    return path


def with_pivot_and_macros(tmp_path: Path) -> Path:
    """Return the master as a .xlsm holding a VBA project and a pivot table over the Opérations sheet."""
    path = tmp_path / "macros.xlsm"
    with zipfile.ZipFile(MASTER) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"spreadsheetml.sheet.main+xml", b"XLSM").replace(
                    b"application/vnd.openxmlformats-officedocument.XLSM", XLSM_TYPE.encode()).replace(
                    b"</Types>",
                    b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
                    b'<Override PartName="/xl/pivotCache/pivotCacheDefinition1.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.spreadsheetml.pivotCacheDefinition+xml"/>'
                    b'<Override PartName="/xl/pivotTables/pivotTable1.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.spreadsheetml.pivotTable+xml"/></Types>')
            elif item.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>",
                                    b'<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/office/2006/'
                                    b'relationships/vbaProject" Target="vbaProject.bin"/><Relationship '
                                    b'Id="rIdPivot" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                                    b'relationships/pivotCacheDefinition" Target="pivotCache/'
                                    b'pivotCacheDefinition1.xml"/></Relationships>')
            elif item.filename == "xl/workbook.xml":
                data = data.replace(b"</workbook>", b'<pivotCaches><pivotCache cacheId="1" xmlns:r="http://schemas.'
                                    b'openxmlformats.org/officeDocument/2006/relationships" r:id="rIdPivot"/>'
                                    b'</pivotCaches></workbook>')
            zout.writestr(item, data)
        zout.writestr("xl/vbaProject.bin", VBA_PROJECT)
        zout.writestr("xl/pivotCache/pivotCacheDefinition1.xml",
                      '<pivotCacheDefinition xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                      'refreshOnLoad="1"><cacheSource type="worksheet"><worksheetSource ref="A1:C97" '
                      'sheet="Opérations"/></cacheSource></pivotCacheDefinition>')
        zout.writestr("xl/pivotTables/pivotTable1.xml",
                      '<pivotTableDefinition xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                      'name="TCD1" cacheId="1"><location ref="A3:B10" firstHeaderRow="1" firstDataRow="1" '
                      'firstDataCol="1"/></pivotTableDefinition>')
    return path


def saved_by_libreoffice(tmp_path: Path) -> Path:
    folder = tmp_path / "lo"
    folder.mkdir()
    source = folder / "maitre.ods"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to",
                    "ods", "--outdir", str(folder), str(MASTER)], check=True, capture_output=True, timeout=180)
    (folder / "perseigne_master.ods").rename(source)
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to",
                    "xlsx", "--outdir", str(folder), str(source)], check=True, capture_output=True, timeout=180)
    return folder / "maitre.xlsx"


def opens_in_libreoffice(path: Path, tmp_path: Path) -> bool:
    out = tmp_path / "pdf"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to",
                    "pdf", "--outdir", str(out), str(path)], check=True, capture_output=True, timeout=300)
    return (out / path.with_suffix(".pdf").name).stat().st_size > 10_000


needs_libreoffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is missing")


class DescribeTheMaster:
    def it_copies_every_part_but_the_output_sheets_byte_for_byte(self, tmp_path):
        status, _, err = refresh(MASTER, "--out", tmp_path / "copie.xlsx")
        assert status == 0, err
        assert_inputs_kept(MASTER, tmp_path / "copie.xlsx")

    def it_writes_the_output_sheets_cell_for_cell_and_format_for_format_as_before(self, tmp_path):
        written_by_openpyxl(MASTER, tmp_path / "avant.xlsx")
        refresh(MASTER, "--out", tmp_path / "copie.xlsx")
        assert_same_outputs(tmp_path / "avant.xlsx", tmp_path / "copie.xlsx")

    def it_does_not_grow_the_styles_refresh_after_refresh(self, tmp_path):
        master = tmp_path / "maitre.xlsx"
        shutil.copy(MASTER, master)
        refresh(master, "--in-place")
        first = parts(master)
        refresh(master, "--in-place")
        second = parts(master)
        assert second["xl/styles.xml"] == first["xl/styles.xml"]
        assert second == first  # same date, same content: the same file

    def it_gives_the_hidden_history_sheet_and_the_print_titles_to_the_right_sheets(self, tmp_path):
        refresh(MASTER, "--out", tmp_path / "copie.xlsx")
        workbook = openpyxl.load_workbook(tmp_path / "copie.xlsx")
        assert workbook["Historique jalons"].sheet_state == "hidden"
        assert workbook["Alertes"].print_title_rows == "$3:$3" and workbook["Contrôles"].print_title_rows == "$4:$4"
        selected = [ws.title for ws in workbook.worksheets if ws.views.sheetView[0].tabSelected]
        assert len(selected) <= 1  # two selected tabs would open grouped, and typing would go into both


class DescribeANoteLeftOnAnOutputSheet:
    def it_says_the_rewritten_sheet_drops_it_and_where_it_is_kept(self, tmp_path):
        master = tmp_path / "maitre.xlsx"
        workbook = openpyxl.load_workbook(MASTER)
        workbook["Alertes"]["I5"].comment = Comment("Voir avec la Sagim", "Chef de projet")
        workbook.save(master)
        status, out, _ = refresh(master, "--in-place")
        assert status == 0
        assert "les commentaires de cellule de la feuille Alertes ne sont pas repris" in out
        [backup] = tmp_path.glob("maitre.sauvegarde-*.xlsx")
        assert f"copie de sauvegarde {backup}" in out
        assert openpyxl.load_workbook(backup)["Alertes"]["I5"].comment.text == "Voir avec la Sagim"


class DescribeAMasterWithoutOutputSheets:
    def it_adds_them_after_the_input_sheets_with_their_formats(self, tmp_path):
        bare = tmp_path / "nu.xlsx"
        workbook = openpyxl.load_workbook(MASTER)
        for name in OUTPUT_SHEETS:
            del workbook[name]
        workbook.save(bare)
        written_by_openpyxl(bare, tmp_path / "avant.xlsx")
        status, _, err = refresh(bare, "--out", tmp_path / "copie.xlsx")
        assert status == 0, err
        assert_same_outputs(tmp_path / "avant.xlsx", tmp_path / "copie.xlsx")
        assert_inputs_kept(bare, tmp_path / "copie.xlsx")


class DescribeAMasterWithAChartAndAnImage:
    def it_refreshes_in_place_keeping_both_byte_for_byte(self, tmp_path):
        master = with_chart_and_image(tmp_path)
        names = refreshed_in_place(master)
        assert any(n.startswith("xl/charts/chart") for n in names) and any(n.startswith("xl/media/") for n in names)
        assert openpyxl.load_workbook(master)["Financements"]._charts  # noqa: SLF001 - the chart is read back

    @pytest.mark.render
    @needs_libreoffice
    def it_opens_in_libreoffice(self, tmp_path):
        master = with_chart_and_image(tmp_path)
        refresh(master, "--in-place")
        assert opens_in_libreoffice(master, tmp_path)


class DescribeAMasterWithAPivotTableAndMacros:
    def it_refreshes_in_place_keeping_them_and_stays_macro_enabled(self, tmp_path):
        master = with_pivot_and_macros(tmp_path)
        names = refreshed_in_place(master)
        assert names["xl/vbaProject.bin"] == VBA_PROJECT
        assert b"pivotCache" in names["xl/workbook.xml"] and "xl/pivotTables/pivotTable1.xml" in names
        assert XLSM_TYPE.encode() in names["[Content_Types].xml"]
        assert not list(tmp_path.glob("macros.actualis*"))  # in place: no copy beside it

    def it_writes_an_xlsm_copy_when_asked_for_an_xlsx_one(self, tmp_path):
        master = with_pivot_and_macros(tmp_path)
        status, out, _ = refresh(master, "--out", tmp_path / "copie.xlsx")
        assert status == 0
        copy = tmp_path / "copie.xlsm"
        assert parts(copy)["xl/vbaProject.bin"] == VBA_PROJECT and XLSM_TYPE.encode() in parts(copy)[
            "[Content_Types].xml"]


@pytest.mark.render
@needs_libreoffice
class DescribeAMasterSavedByLibreOffice:
    def it_keeps_its_parts_writes_the_same_output_sheets_and_opens_everywhere(self, tmp_path):
        master = saved_by_libreoffice(tmp_path)
        written_by_openpyxl(master, tmp_path / "avant.xlsx")
        status, out, err = refresh(master, "--out", tmp_path / "copie.xlsx")
        assert status == 0, err
        assert "ne sont pas repris" not in out  # LibreOffice's empty drawings are nothing a user put there
        assert_inputs_kept(master, tmp_path / "copie.xlsx")
        assert_same_outputs(tmp_path / "avant.xlsx", tmp_path / "copie.xlsx")
        check = check_file(tmp_path / "copie.xlsx", at=None, today=TODAY)
        assert [p for p in check.problems if p.code != "DQ-FORMULA"] == []
        assert opens_in_libreoffice(tmp_path / "copie.xlsx", tmp_path)
