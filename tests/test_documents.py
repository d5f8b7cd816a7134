"""The rapport semestriel (documents.md): opened with python-docx, and rendered with LibreOffice."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from docx.table import Table

from opc_excel.cli import main
from opc_excel.model import Level
from opc_excel.pipeline import check_file
from opc_excel.render.decks import build_deck
from opc_excel.render.documents import pdf as pdf_module
from opc_excel.render.documents.rapport import SECTIONS, build_report
from opc_excel.render.documents.template import HOUSE_TEMPLATE, STYLES, build_house_template
from opc_excel.situation import Situation
from opc_excel.situation.formats import pct
from opc_excel.text import plain
from tests.factory import make_workbook

TODAY = date(2026, 1, 1)
MASTER = Path(__file__).resolve().parents[1] / "workbooks" / "perseigne_master.xlsx"
HEADINGS = {"Heading 1": 1, "Heading 2": 2, "Heading 3": 3}


@pytest.fixture(scope="module")
def master_report():
    return check_file(MASTER, at=None, today=TODAY)


@pytest.fixture(scope="module")
def rapport(master_report) -> bytes:
    return build_report(master_report)


def blocks(data: bytes) -> list[tuple[str, str, object]]:
    """Return the body in order: (« heading N » / « text » / « table », text read as a reader reads it, the block)."""
    document = Document(io.BytesIO(data))
    found = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            cells = [plain(cell.text) for row in block.rows for cell in row.cells]
            found.append(("table", " | ".join(cells), block))
        else:
            level = HEADINGS.get(block.style.name)
            found.append((f"heading {level}" if level else "text", plain(block.text), block))
    return found


def section(data: bytes, title: str) -> list[tuple[str, str, object]]:
    """Return the blocks of the section ``title``, up to the next section."""
    body = blocks(data)
    start = next(i for i, (kind, text, _) in enumerate(body) if kind == "heading 1" and text == title)
    end = next((i for i in range(start + 1, len(body)) if body[i][0] == "heading 1"), len(body))
    return body[start + 1:end]


def text_of(data: bytes) -> str:
    return "\n".join(text for _, text, _ in blocks(data))


class DescribeTheRapportSemestriel:
    def it_has_every_section_of_the_design_in_order(self, rapport):
        titles = [text for kind, text, _ in blocks(rapport) if kind == "heading 1" and text != "Sommaire"]
        assert titles == list(SECTIONS)
        assert SECTIONS[0] == "Synthèse" and SECTIONS[-1] == "Annexes"

    def it_writes_headings_in_the_template_styles_by_name(self, rapport):
        document = Document(io.BytesIO(rapport))
        used = {p.style.name for p in document.paragraphs if p.text.strip()}
        assert {"Title", "Heading 1", "Heading 2", "Heading 3", "List Bullet"} <= used
        assert used <= set(STYLES) | {"Table Text"}

    def it_says_something_in_every_section(self, rapport):
        for title in SECTIONS:
            said = [text for kind, text, _ in section(rapport, title) if kind != "heading 1" and text.strip()]
            assert said, f"section « {title} » is empty"

    def it_gives_the_indicators_figures_in_the_synthesis(self, rapport, master_report):
        situation = Situation.of(master_report)
        ind = situation.indicators
        table = next(block for kind, _, block in section(rapport, "Synthèse") if kind == "table")
        rows = {plain(row.cells[0].text): plain(row.cells[1].text) for row in table.rows[1:]}
        assert rows["Subvention ANRU engagée"] == plain(pct(ind.anru.engaged_pct)) == "76\u00a0%"
        assert rows["Subvention ANRU versée"] == plain(pct(ind.anru.paid_of_amount_pct))
        assert rows["Avancement pondéré"] == plain(pct(ind.progress_pct))
        assert rows["Alertes rouges"] == str(master_report.count(Level.ROUGE)) == "21"

    def it_lists_every_point_dur_in_rank_order_with_owner_and_date(self, rapport, master_report):
        points = Situation.of(master_report).points_durs
        blocks_ = section(rapport, "Points durs et mesures correctives")
        assert blocks_[0][1].startswith(f"{len(points)} points durs dont "
                                        f"{sum(p.severity is Level.ROUGE for p in points)} rouges")
        table = next(block for kind, _, block in blocks_ if kind == "table")
        rows = table.rows[1:]
        assert [plain(row.cells[0].text) for row in rows] == [str(p.rank) for p in points]
        assert [plain(row.cells[4].text) for row in rows] == [p.owner or "—" for p in points]
        assert all(plain(row.cells[5].text) for row in rows)
        assert plain(rows[0].cells[5].text) != "à fixer en séance"  # PER-EQP-01: the COPIL's deadline

    def it_says_the_same_as_the_copil_deck(self, rapport, master_report):
        from pptx import Presentation

        deck = Presentation(io.BytesIO(build_deck(master_report, "copil")))
        titles = [plain(s.shapes.title.text) for s in deck.slides if s.shapes.title is not None]
        s_curve = next(t for t in titles if t.startswith("Subvention ANRU engagée à "))
        engaged = s_curve.removeprefix("Subvention ANRU engagée à ").split(" pour ")[0]
        text = text_of(rapport)
        assert f"engagé {engaged} " in text and engaged == "76\u00a0%"

    def it_shows_the_s_curve_as_a_picture_and_the_contents_and_page_number_fields(self, rapport):
        document = Document(io.BytesIO(rapport))
        assert len(document.inline_shapes) == 1
        with zipfile.ZipFile(io.BytesIO(rapport)) as zf:
            body = zf.read("word/document.xml").decode()
            footers = "".join(zf.read(n).decode() for n in zf.namelist() if n.startswith("word/footer"))
        assert 'TOC \\o "1-2"' in body
        assert " PAGE " in footers and " NUMPAGES " in footers

    def it_sets_french_typography(self, rapport):
        raw = "\n".join(p.text for p in Document(io.BytesIO(rapport)).paragraphs)
        assert "Projet\u202f:" in raw and "PER\u2011EQP\u201101" in raw

    def it_is_reproducible(self, rapport, master_report):
        assert text_of(build_report(master_report)) == text_of(rapport)

    @pytest.mark.parametrize("workbook", ["small", "blank"])
    def it_says_so_when_a_section_or_subsection_has_nothing_to_say(self, tmp_path, rapport, workbook):
        path = make_workbook(tmp_path) if workbook == "small" else MASTER.with_name("modele_vierge.xlsx")
        data = build_report(check_file(path, at=None, today=TODAY))
        for document in (data, rapport):
            body = blocks(document)
            for i, (kind, title, _) in enumerate(body):
                if not kind.startswith("heading"):
                    continue
                level = int(kind[-1])
                said = []
                for other_kind, text, _ in body[i + 1:]:
                    if other_kind.startswith("heading") and int(other_kind[-1]) <= level:
                        break
                    said += [text] if not other_kind.startswith("heading") and text.strip() else []
                assert said, f"« {title} » says nothing ({workbook})"
        assert "Aucun avenant n'est en préparation" in text_of(data)


class DescribeTheCommand:
    def it_writes_the_report_next_to_the_workbook_under_its_default_name(self, tmp_path):
        workbook = tmp_path / "maître.xlsx"
        shutil.copy(MASTER, workbook)
        out = io.StringIO()
        status = main(["rapport", str(workbook)], today=TODAY, stdout=out, stderr=io.StringIO())
        written = tmp_path / "rapport-semestriel_2011-09-30.docx"
        assert status == 0 and written.is_file() and f"Rapport semestriel écrit : {written}" in out.getvalue()
        Document(str(written))

    @pytest.mark.parametrize("name", ["rapport.xlsx", "rapport.pdf"])
    def it_refuses_an_out_that_is_not_a_word_document(self, tmp_path, name):
        target = tmp_path / name
        target.write_bytes(b"a keep")
        err = io.StringIO()
        status = main(["rapport", str(MASTER), "--out", str(target)], today=TODAY, stdout=io.StringIO(), stderr=err)
        assert status == 2 and ".docx" in err.getvalue() and target.read_bytes() == b"a keep"

    def it_refuses_to_replace_a_docx_that_is_not_a_word_document(self, tmp_path):
        target = tmp_path / "rapport.docx"
        target.write_bytes(b"not a zip")
        err = io.StringIO()
        status = main(["rapport", str(MASTER), "--out", str(target)], today=TODAY, stdout=io.StringIO(), stderr=err)
        assert status == 2 and "n'est pas un document Word" in err.getvalue() and target.read_bytes() == b"not a zip"

    def it_says_in_french_when_libreoffice_is_missing_for_the_pdf(self, tmp_path, monkeypatch):
        monkeypatch.setattr(pdf_module.shutil, "which", lambda name: None)
        out, err = io.StringIO(), io.StringIO()
        target = tmp_path / "r.docx"
        status = main(["rapport", str(MASTER), "--out", str(target), "--pdf"], today=TODAY, stdout=out, stderr=err)
        assert status == 2 and target.is_file() and not target.with_suffix(".pdf").exists()
        assert "LibreOffice n'est pas installé" in err.getvalue() and "Traceback" not in err.getvalue()


    def it_says_in_french_when_libreoffice_has_no_writer(self, tmp_path, monkeypatch):
        monkeypatch.setattr(pdf_module, "soffice", lambda: "/opt/libreoffice/program/soffice")
        monkeypatch.setattr(pdf_module, "has_writer", lambda command: False)
        err = io.StringIO()
        target = tmp_path / "r.docx"
        status = main(["rapport", str(MASTER), "--out", str(target), "--pdf"], today=TODAY, stdout=io.StringIO(),
                      stderr=err)
        assert status == 2 and target.is_file() and "sans son traitement de texte (Writer)" in err.getvalue()


class DescribeTheWordTemplate:
    def it_ships_a_house_template_equal_to_what_the_code_builds(self, tmp_path):
        rebuilt = Document(str(build_house_template(tmp_path / "maison.docx")))
        shipped = Document(str(HOUSE_TEMPLATE))
        assert sorted(s.name for s in rebuilt.styles) == sorted(s.name for s in shipped.styles)
        assert round(shipped.sections[0].page_width.cm, 1) == 21.0  # A4

    def it_uses_a_city_template_whose_styles_carry_their_french_names(self, tmp_path, master_report):
        document = Document(str(HOUSE_TEMPLATE))
        document.styles["Heading 1"].name = "Titre 1"  # a style the city named itself
        city = tmp_path / "ville.docx"
        document.save(str(city))
        report = Document(io.BytesIO(build_report(master_report, template=city)))
        sections = [plain(p.text) for p in report.paragraphs if p.style.name == "Titre 1"]
        assert sections[1:] == list(SECTIONS)  # after « Sommaire »

    def it_lists_the_styles_a_city_template_lacks(self, tmp_path):
        document = Document(str(HOUSE_TEMPLATE))
        caption = document.styles["Caption"].element
        caption.getparent().remove(caption)
        foreign = tmp_path / "ville.docx"
        document.save(str(foreign))
        out = io.StringIO()
        status = main(["template-check", str(foreign)], today=TODAY, stdout=out, stderr=io.StringIO())
        assert status == 1 and "Style « Légende » (Caption) absent" in out.getvalue()


@pytest.mark.render
class DescribeTheRenderedReport:
    def it_renders_20_to_40_pages_with_libreoffice(self, rapport, tmp_path):
        command = pdf_module.soffice()
        if command is None or not pdf_module.has_writer(command):
            pytest.skip("LibreOffice Writer n'est pas installé : apt-get install libreoffice-writer")
        pdfinfo = shutil.which("pdfinfo")
        if pdfinfo is None:
            pytest.skip("pdfinfo (poppler-utils) n'est pas installé : apt-get install poppler-utils")
        target = tmp_path / "rapport.pdf"
        target.write_bytes(pdf_module.to_pdf(rapport, "rapport.docx"))
        info = subprocess.run([pdfinfo, str(target)], check=True, capture_output=True, text=True)
        pages = int(next(line.split()[-1] for line in info.stdout.splitlines() if line.startswith("Pages:")))
        assert 20 <= pages <= 40
