"""What every deck must do (decks.md): opened with python-pptx, and rendered with LibreOffice."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

import pytest
from lxml import etree
from pptx import Presentation
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.util import Emu, Pt

from opc_excel.cli import main
from opc_excel.cli.commands import DEMO_DECKS
from opc_excel.pipeline import check_file, check_source
from opc_excel.read import contract
from opc_excel.read.source import GridSource
from opc_excel.render.decks import build_deck
from opc_excel.render.decks import builder as builder_module
from opc_excel.render.decks.builder import DeckBuilder
from opc_excel.render.decks.common import fingerprint
from opc_excel.render.decks.look import (
    CELL_MARGIN,
    DARK_BLUE,
    FOOTER_TOP,
    STATUS_LIGHT,
    WHITE,
    WIDTH,
    Cell,
    Column,
    write_cell,
)
from opc_excel.render.decks.template import HOUSE_TEMPLATE, LAYOUTS, build_house_template
from opc_excel.text import plain
from tests.factory import clean_sheets, make_workbook, set_value

TODAY = date(2026, 1, 1)
MASTER = Path(__file__).resolve().parents[1] / "workbooks" / "perseigne_master.xlsx"
SLIDE_COUNTS = {"point-mensuel": (6, 9), "comite-suivi": (12, 18), "copil": (10, 15), "revue-projet": (10, 30),
                "reunion-restreinte": (5, 9)}  # issue #13: what the room reads on the master
IDS = [f"{kind}-{theme}" if theme else kind for kind, theme in DEMO_DECKS]


@pytest.fixture(scope="module")
def master_report():
    return check_file(MASTER, at=None, today=TODAY)


class _Decks(dict):
    """The decks of the shipped master, each built the first time a test asks for it."""

    def __init__(self, report) -> None:
        super().__init__()
        self.report = report

    def __missing__(self, key: tuple[str, str | None]) -> bytes:
        self[key] = build_deck(self.report, key[0], theme=key[1])
        return self[key]


@pytest.fixture(scope="module")
def decks(master_report) -> _Decks:
    return _Decks(master_report)


def open_deck(data: bytes):
    return Presentation(io.BytesIO(data))


def slide_texts(slide) -> list[str]:
    """Return every text of a slide as read (:func:`plain`): text frames, table cells and chart values, in order."""
    texts = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            texts.append(plain(shape.text_frame.text))
        if shape.has_table:
            texts.extend(plain(cell.text) for row in shape.table.rows for cell in row.cells)
        if shape.has_chart:
            for series in shape.chart.plots[0].series:
                texts.append(f"{series.name}: {list(series.values)}")
    return texts


class DescribeEveryDeck:
    @pytest.mark.parametrize(("kind", "theme"), DEMO_DECKS, ids=IDS)
    def it_has_a_footer_notes_and_known_layouts_on_every_slide(self, decks, kind, theme):
        presentation = open_deck(decks[(kind, theme)])
        slides = list(presentation.slides)
        low, high = SLIDE_COUNTS[kind]
        assert low <= len(slides) <= high
        for number, slide in enumerate(slides, start=1):
            texts = slide_texts(slide)
            assert any("PRU Perseigne–Courteille · " in t and "situation au 30/09/2011" in t for t in texts)
            assert f"{number} / {len(slides)}" in texts
            assert slide.slide_layout.name in LAYOUTS
            assert slide.has_notes_slide and slide.notes_slide.notes_text_frame.text.strip()

    @pytest.mark.parametrize(("kind", "theme"), DEMO_DECKS, ids=IDS)
    def it_keeps_every_shape_on_the_slide_and_every_table_above_the_footer(self, decks, kind, theme):
        presentation = open_deck(decks[(kind, theme)])
        width, height = presentation.slide_width, presentation.slide_height
        for number, slide in enumerate(presentation.slides, start=1):
            for shape in slide.shapes:
                if shape.width is None:
                    continue
                where = f"slide {number}, {shape.name}"
                assert shape.left >= 0 and shape.top >= 0, where
                assert shape.left + shape.width <= width and shape.top + shape.height <= height, where
                if shape.has_table:
                    table_height = sum(row.height for row in shape.table.rows)
                    assert shape.top + table_height <= FOOTER_TOP, where

    @pytest.mark.parametrize(("kind", "theme"), DEMO_DECKS, ids=IDS)
    def it_is_reproducible(self, master_report, decks, kind, theme):
        again = open_deck(build_deck(master_report, kind, theme=theme))
        first = open_deck(decks[(kind, theme)])
        assert [slide_texts(s) for s in again.slides] == [slide_texts(s) for s in first.slides]

    def it_names_the_avenant_on_the_title_slide_and_the_fingerprint_in_its_notes(self, decks):
        slide = open_deck(decks[("point-mensuel", None)]).slides[0]
        title = "\n".join(slide_texts(slide))
        assert "Avenant en vigueur : Avenant n°2" in title and "Empreinte" not in title
        assert "Empreinte du classeur : " in plain(slide.notes_slide.notes_text_frame.text)

    def it_tells_two_workbooks_apart_by_their_fingerprint(self, tmp_path):
        sheets = clean_sheets()
        first = check_file(make_workbook(tmp_path, sheets, name="a.xlsx"), at=None, today=TODAY)
        set_value(sheets, "Opérations", 1, "Libellé", "Démolition immeuble Ronsard (modifié)")
        second = check_file(make_workbook(tmp_path, sheets, name="b.xlsx"), at=None, today=TODAY)

        def fingerprint(report) -> str:
            slide = open_deck(build_deck(report, "point-mensuel")).slides[0]
            return plain(slide.notes_slide.notes_text_frame.text).split("Empreinte du classeur : ")[1][:10]
        assert fingerprint(first) != fingerprint(second)


    def it_gives_the_same_values_the_same_fingerprint_in_any_file_and_any_process(self, tmp_path, master_report):
        first = check_file(make_workbook(tmp_path, name="a.xlsx"), at=None, today=TODAY)
        second = check_file(make_workbook(tmp_path, name="copie de a.xlsx"), at=None, today=TODAY)
        assert fingerprint(first.programme) == fingerprint(second.programme)
        code = ("from datetime import date; from pathlib import Path; from opc_excel.pipeline import check_file; "
                "from opc_excel.render.decks.common import fingerprint; "
                f"print(fingerprint(check_file(Path({str(MASTER)!r}), at=None, today=date(2026, 1, 1)).programme))")
        seen = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                               env={**os.environ, "PYTHONHASHSEED": seed}).stdout.strip() for seed in ("1", "2")}
        assert seen == {fingerprint(master_report.programme)}


class DescribeWorkbooksWithBlockingProblems:
    def it_still_gets_a_deck_that_first_lists_what_was_left_out(self, tmp_path):
        sheets = clean_sheets()
        set_value(sheets, "Opérations", 2, "Coût convention (€ HT)", "NC")
        report = check_file(make_workbook(tmp_path, sheets), at=None, today=TODAY)
        slides = list(open_deck(build_deck(report, "point-mensuel")).slides)
        assert plain(slides[1].shapes.title.text) == "Données écartées : à corriger dans le classeur"
        assert "Opérations" in slide_texts(slides[1]) and "G3" in slide_texts(slides[1])


def every_deck(report) -> None:
    for kind, theme in DEMO_DECKS:
        assert len(open_deck(build_deck(report, kind, theme=theme)).slides) >= 3, (kind, theme)


class DescribeHalfTypedWorkbooks:
    def it_builds_every_deck_with_every_required_cell_of_a_row_left_empty(self):
        sheets = clean_sheets()
        for spec in contract.TABLE_SPECS:
            if spec.name in sheets and len(sheets[spec.name]) > 1:
                for column in spec.columns:
                    if column.required and column.header in sheets[spec.name][0]:
                        set_value(sheets, spec.name, 1, column.header, None)
        report = check_source(GridSource(sheets), at=None, today=TODAY)
        assert any(p.code == "DQ-REQ" and p.sheet == "Relogement" for p in report.problems)
        every_deck(report)

    def it_gives_households_without_an_operation_a_row_of_their_own(self):
        sheets = clean_sheets()
        set_value(sheets, "Relogement", 1, "Opération", None)
        report = check_source(GridSource(sheets), at=None, today=TODAY)
        assert any(p.code == "DQ-REQ" and p.sheet == "Relogement" for p in report.problems)
        every_deck(report)
        revue = open_deck(build_deck(report, "revue-projet"))
        table = next(s for slide in revue.slides if "restant à reloger dans" in slide.shapes.title.text
                     for s in slide.shapes if s.has_table).table
        assert "Opération non renseignée" in [table.cell(r, 0).text for r in range(len(table.rows))]

    @pytest.mark.parametrize("sheet", ["Opérations", "Jalons", "Financements", "Relogement", "Insertion"])
    def it_builds_every_deck_when_a_required_column_has_no_header(self, sheet):
        sheets = clean_sheets()
        spec = next(s for s in contract.TABLE_SPECS if s.name == sheet)
        for column in spec.columns:
            if column.required and column.header in sheets[sheet][0]:
                sheets[sheet][0][sheets[sheet][0].index(column.header)] = None
        report = check_source(GridSource(sheets), at=None, today=TODAY)
        assert any(p.code == "DQ-COL" and p.sheet == sheet for p in report.problems)
        every_deck(report)


class DescribeTables:
    def it_continues_a_150_row_table_with_the_header_repeated_and_no_row_split(self):
        builder = DeckBuilder("Projet", "Essai", "30/09/2011")
        rows = [[f"OP-{i:03d}", "Texte " * (i % 7 + 1), f"{i}"] for i in range(150)]
        slides_used = builder.table("Tableau long", [Column("ID"), Column("Libellé", 4), Column("N", 1, "right")],
                                    rows, notes="essai")
        presentation = open_deck(builder.save())
        assert len(presentation.slides) == slides_used > 1
        seen = []
        for number, slide in enumerate(presentation.slides):
            assert slide.shapes.title.text == ("Tableau long" if number == 0 else "Tableau long (suite)")
            shape = next(s for s in slide.shapes if s.has_table)
            table = shape.table
            assert [table.cell(0, c).text for c in range(3)] == ["ID", "Libellé", "N"]
            assert shape.top + sum(r.height for r in table.rows) <= FOOTER_TOP
            seen += [[plain(table.cell(r, c).text) for c in range(3)] for r in range(1, len(table.rows))]
        assert seen == [[str(v) for v in row] for row in rows]

    def it_colours_status_cells(self):
        builder = DeckBuilder("Projet", "Essai", "30/09/2011")
        builder.table("Statuts", [Column("A")], [[Cell("Rouge", "rouge")]], notes="essai")
        cell = next(s for s in open_deck(builder.save()).slides[0].shapes if s.has_table).table.cell(1, 0)
        assert cell.fill.fore_color.rgb == STATUS_LIGHT["rouge"]  # the light red every status cell uses


def fill_through_the_api(cell, text, size, *, bold, colour, fill, align):
    """What python-pptx's object API writes for a table cell (what ``write_cell`` must equal)."""
    cell.text = text
    cell.margin_top = cell.margin_bottom = CELL_MARGIN
    cell.fill.solid()
    cell.fill.fore_color.rgb = fill
    cell.vertical_anchor = MSO_ANCHOR.MIDDLE
    for paragraph in cell.text_frame.paragraphs:
        paragraph.alignment = {"right": PP_ALIGN.RIGHT, "center": PP_ALIGN.CENTER}.get(align, PP_ALIGN.LEFT)
        for run in paragraph.runs:
            run.font.size = Pt(size)
            run.font.bold = bold
            run.font.color.rgb = colour


class DescribeTableCells:
    TEXTS = ["", "OP-001", "Démolition 40 logts « Pléiades » — 1 234 567 €", "deux\nparagraphes", "saut\vde ligne",
             "\n", "\v\v", "fin\n", "cloche\x07 et \x1b échap\ttab", "=SOMME(A1)", "a\r\nb"]

    @pytest.mark.parametrize("text", TEXTS)
    @pytest.mark.parametrize(("size", "bold", "align"),
                             [(10, False, "left"), (10.5, True, "right"), (8, False, "center")])
    def it_writes_the_xml_python_pptx_would_write(self, text, size, bold, align):
        presentation = Presentation()
        slide = presentation.slides.add_slide(presentation.slide_layouts[6])
        table = slide.shapes.add_table(1, 2, 0, 0, Emu(1_000_000), Emu(300_000)).table
        fill_through_the_api(table.cell(0, 0), text, size, bold=bold, colour=WHITE, fill=DARK_BLUE, align=align)
        write_cell(table.cell(0, 1)._tc, text, size, bold=bold, colour=WHITE, fill=DARK_BLUE, align=align)
        api, direct = (etree.tostring(table.cell(0, c)._tc) for c in (0, 1))
        assert direct == api
        assert table.cell(0, 1).text == table.cell(0, 0).text

    def it_sizes_the_frame_to_the_columns_and_rows_it_draws(self):
        builder = DeckBuilder("Projet", "Essai", "30/09/2011")
        builder.table("Tableau", [Column("ID"), Column("Libellé", 3), Column("N", 1, "right")],
                      [["OP-1", "Une ligne", "1"], ["OP-2", "Deux\nlignes", "2"]], notes="essai")
        shape = next(s for s in open_deck(builder.save()).slides[0].shapes if s.has_table)
        assert shape.width == sum(c.width for c in shape.table.columns) <= WIDTH
        assert shape.height == sum(r.height for r in shape.table.rows)
        assert [c.width for c in shape.table.columns][1] == 3 * shape.table.columns[0].width
        assert shape.table.cell(2, 1).text == "Deux\nlignes"


class DescribePackageParts:
    def it_names_every_part_as_python_pptx_would(self, monkeypatch):
        def small_deck() -> bytes:
            builder = DeckBuilder("Projet", "Essai", "30/09/2011")
            for number in range(3):
                builder.bullets(f"Points {number}", ["un", "deux"], notes="notes")
                builder.chart(f"Graphique {number}", "bar", ["A", "B"], {"Série": [1.0, 2.0]}, notes="notes")
                builder.table(f"Tableau {number}", [Column("A")], [["x"]] * 3, notes="notes")
            return builder.save()

        ours = zipfile.ZipFile(io.BytesIO(small_deck()))
        monkeypatch.setattr(builder_module, "count_partnames", lambda package: None)  # python-pptx's own naming
        theirs = zipfile.ZipFile(io.BytesIO(small_deck()))
        assert ours.namelist() == theirs.namelist()
        assert sum(name.startswith("ppt/notesSlides/") for name in ours.namelist()) >= 9
        assert sum(name.startswith("ppt/charts/chart") for name in ours.namelist()) == 3
        for name in ours.namelist():
            if not name.startswith("ppt/embeddings/"):  # chart workbooks carry the time they were made
                assert ours.read(name) == theirs.read(name), name


class DescribeTemplates:
    def it_ships_a_house_template_equal_to_what_the_code_builds(self, tmp_path):
        rebuilt = open_deck(build_house_template(tmp_path / "maison.pptx").read_bytes())
        shipped = Presentation(str(HOUSE_TEMPLATE))
        assert [layout.name for layout in rebuilt.slide_layouts] == [layout.name for layout in shipped.slide_layouts]
        assert (shipped.slide_width, shipped.slide_height) == (Emu(12_192_000), Emu(6_858_000))

    def it_lists_what_a_city_template_lacks(self, tmp_path):
        foreign = tmp_path / "ville.pptx"
        Presentation().save(str(foreign))  # python-pptx's default: English layout names, 4:3
        out, err = io.StringIO(), io.StringIO()
        status = main(["template-check", str(foreign)], today=TODAY, stdout=out, stderr=err)
        assert status == 1
        assert "Disposition « Titre » absente" in out.getvalue() and "16:9" in out.getvalue()

    def it_refuses_to_generate_with_a_template_that_lacks_layouts(self, tmp_path, master_report):
        foreign = tmp_path / "ville.pptx"
        Presentation().save(str(foreign))
        out, err = io.StringIO(), io.StringIO()
        status = main(["deck", "point-mensuel", str(MASTER), "--template", str(foreign), "--out",
                       str(tmp_path / "d.pptx")], today=TODAY, stdout=out, stderr=err)
        assert status == 2 and "ne peut pas servir" in err.getvalue() and not (tmp_path / "d.pptx").exists()


class DescribeTheDeckCommand:
    def it_writes_the_deck_next_to_the_workbook_under_its_default_name(self, tmp_path):
        workbook = tmp_path / "maître.xlsx"
        shutil.copy(MASTER, workbook)
        out = io.StringIO()
        status = main(["deck", "point-mensuel", str(workbook)], today=TODAY, stdout=out, stderr=io.StringIO())
        assert status == 0 and (tmp_path / "point-mensuel_2011-09-30.pptx").is_file()

    def it_asks_for_a_theme_for_the_restricted_meeting(self, tmp_path):
        err = io.StringIO()
        status = main(["deck", "reunion-restreinte", str(MASTER), "--out", str(tmp_path / "r.pptx")], today=TODAY,
                      stdout=io.StringIO(), stderr=err)
        assert status == 2 and "--theme" in err.getvalue()


@pytest.mark.render
class DescribeRenderedDecks:
    @pytest.mark.parametrize(("kind", "theme"), DEMO_DECKS, ids=IDS)
    def it_renders_one_page_per_slide_with_libreoffice(self, decks, tmp_path, kind, theme):
        soffice = shutil.which("soffice") or shutil.which("libreoffice")
        if soffice is None:
            pytest.skip("LibreOffice (soffice) n'est pas installé : apt-get install libreoffice-impress")
        source = tmp_path / "deck.pptx"
        source.write_bytes(decks[(kind, theme)])
        subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to",
                        "pdf", "--outdir", str(tmp_path), str(source)], check=True, capture_output=True, timeout=240)
        pdfinfo = shutil.which("pdfinfo")
        if pdfinfo is None:
            pytest.skip("pdfinfo (poppler-utils) n'est pas installé : apt-get install poppler-utils")
        info = subprocess.run([pdfinfo, str(tmp_path / "deck.pdf")], check=True, capture_output=True, text=True)
        pages = int(next(line.split()[-1] for line in info.stdout.splitlines() if line.startswith("Pages:")))
        assert pages == len(open_deck(decks[(kind, theme)]).slides)
