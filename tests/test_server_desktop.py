"""The desktop fallback (``workbooks/perseigne_master.py``): what *Run main* does to the open workbook.

Desktop Excel can't run here; the open workbook is played by the book xlwings builds from the
Office.js payload, which goes through the same xlwings calls.
"""

from __future__ import annotations

import importlib.util
import io
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from opc_excel.cli import main as cli
from opc_excel.read.contract import OUTPUT_SHEETS
from tests.factory import make_workbook
from tests.test_output_backends import ExcelActions, json_book, values_of
from tests.test_server import sent_sheets

TODAY = date(2026, 1, 1)
FALLBACK = Path(__file__).resolve().parents[1] / "workbooks" / "perseigne_master.py"


@pytest.fixture(scope="module")
def fallback():
    spec = importlib.util.spec_from_file_location("perseigne_master", FALLBACK)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class DescribeRunMain:
    def it_refreshes_the_open_workbook_and_writes_every_deck_beside_it(self, fallback, tmp_path, monkeypatch):
        import opc_excel.render.decks

        monkeypatch.setattr(opc_excel.render.decks, "build_deck",
                            lambda report, kind, theme=None, template=None, situation=None: f"{kind} {theme}".encode())
        master = make_workbook(tmp_path, name="maître.xlsx")
        book = json_book(master, sent_sheets(master, "actualiser"))
        summary, files = fallback.refresh_and_write_decks(book, tmp_path, TODAY)
        assert summary["date_de_situation"] == "30/09/2011"
        decks = [p for p in files if p.suffix == ".pptx"]
        assert sorted(p.name for p in decks) == sorted([
            "comite-suivi_2011-09-30.pptx", "copil_2011-09-30.pptx", "point-mensuel_2011-09-30.pptx",
            "revue-projet_2011-09-30.pptx", "reunion-restreinte-financiere_2011-09-30.pptx",
            "reunion-restreinte-sociale_2011-09-30.pptx", "reunion-restreinte-technique_2011-09-30.pptx"])
        assert (tmp_path / "copil_2011-09-30.pptx").read_bytes() == b"copil None"
        assert not list(tmp_path.glob("*.partiel"))
        documents = {p.name for p in files if p.suffix == ".docx"}
        assert "rapport-semestriel_2011-09-30.docx" in documents and "fiches-operation_2011-09-30.docx" in documents
        assert len([n for n in documents if n.startswith("convocation_")]) == 4
        assert len([n for n in documents if n.startswith("compte-rendu_")]) == 4
        assert all((tmp_path / n).is_file() for n in documents)
        assert fallback.files_written(files, tmp_path) == f"7 diaporamas et 11 documents Word écrits dans {tmp_path}."

        out = tmp_path / "cli.xlsx"
        cli(["refresh", str(master), "--out", str(out)], today=TODAY, stdout=io.StringIO(), stderr=io.StringIO())
        expected = openpyxl.load_workbook(out)
        excel = ExcelActions(openpyxl.load_workbook(master)).apply(book.json())
        for name in OUTPUT_SHEETS:
            assert values_of(excel.workbook[name]) == values_of(expected[name]), name

    def it_writes_the_same_rapport_as_the_command_line(self, fallback, tmp_path, monkeypatch):
        from docx import Document

        import opc_excel.render.decks

        monkeypatch.setattr(opc_excel.render.decks, "build_deck", lambda *args, **kwargs: b"")
        master = make_workbook(tmp_path, name="maître.xlsx")
        book = json_book(master, sent_sheets(master, "actualiser"))
        _, files = fallback.refresh_and_write_decks(book, tmp_path, TODAY)
        rapport = tmp_path / "rapport-semestriel_2011-09-30.docx"
        assert rapport in files
        cli(["rapport", str(master), "--out", str(tmp_path / "cli.docx")], today=TODAY, stdout=io.StringIO(),
            stderr=io.StringIO())

        def text(path):
            return [p.text for p in Document(path).paragraphs]
        assert text(rapport) == text(tmp_path / "cli.docx")

    def it_still_refreshes_and_writes_the_decks_when_a_document_is_open_in_word(self, fallback, tmp_path,
                                                                                monkeypatch):
        import opc_excel.render.decks

        monkeypatch.setattr(opc_excel.render.decks, "build_deck", lambda *args, **kwargs: b"deck")
        master = make_workbook(tmp_path, name="maître.xlsx")
        (tmp_path / "~$rapport-semestriel_2011-09-30.docx").write_bytes(b"\x05Marie" + b" " * 60)
        book = json_book(master, sent_sheets(master, "actualiser"))
        summary, files = fallback.refresh_and_write_decks(book, tmp_path, TODAY)
        assert summary["date_de_situation"] == "30/09/2011" and len(files) == 7
        refused = summary[fallback.DOCUMENTS_REFUSED]
        assert refused.startswith("Documents Word non écrits : « rapport-semestriel_2011-09-30.docx »")
        assert "ouvert dans" in refused and "Marie" in refused and "relancez" in refused
        assert not (tmp_path / "rapport-semestriel_2011-09-30.docx").exists()
