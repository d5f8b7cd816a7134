"""How the workbooks print (issue #15): every sheet on A4 landscape, readable, header rows repeated, page numbers.

Read with openpyxl on the master as generated and refreshed, and on the blank model; then printed
to PDF by LibreOffice, where the paper size and the scale of the text are measured.
"""

from __future__ import annotations

import io
import re
import shutil
import statistics
import subprocess
from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import column_index_from_string

from opc_excel.cli import main
from opc_excel.demo.generate import build_master, build_template
from opc_excel.read import contract as c
from opc_excel.read.alert_sheet import ALERTES
from opc_excel.sheets.output import A4_LANDSCAPE_WIDTH, POINTS_PER_CHARACTER

TODAY = date(2026, 1, 1)
READABLE = 0.60  # below, 11 pt text prints under 6.6 pt
ONE_PAGE = {"Tableau de bord"}  # the dashboard: one page, as it is shown in the room
NO_HEADER_ROW = {c.MODE_EMPLOI, "Tableau de bord"}
A4_LANDSCAPE = (841.89, 595.3)


@pytest.fixture(scope="module")
def refreshed(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("impression")
    build_master().save(folder / "maitre.xlsx")
    status = main(["refresh", str(folder / "maitre.xlsx"), "--out", str(folder / "maitre.actualisé.xlsx")],
                  today=TODAY, stdout=io.StringIO(), stderr=io.StringIO())
    assert status in (0, 1)
    return folder / "maitre.actualisé.xlsx"


@pytest.fixture(scope="module")
def blank(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("vierge") / "modele_vierge.xlsx"
    build_template().save(path)
    return path


@pytest.fixture(scope="module", params=["refreshed", "blank"])
def printed(request):
    """Every sheet that prints (the hidden history does not) of the refreshed master, then of the blank model."""
    wb = load_workbook(request.getfixturevalue(request.param))
    return [ws for ws in wb.worksheets if ws.sheet_state == "visible"]


def widths_of(ws) -> list[float]:
    """Return every column's width in characters, as Excel reads the file (grouped columns expanded)."""
    widths = {}
    for dimension in ws.column_dimensions.values():
        for col in range(dimension.min or 1, (dimension.max or dimension.min or 1) + 1):
            widths[col] = dimension.width or 8.43
    return [widths.get(col, 8.43) for col in range(1, ws.max_column + 1)]


def estimated_scale(ws) -> float:
    """Return the scale Excel can print ``ws`` at: its columns spread over ``fitToWidth`` pages, titles repeated."""
    setup, widths = ws.page_setup, widths_of(ws)
    pages = setup.fitToWidth if ws.sheet_properties.pageSetUpPr.fitToPage else 1
    titles = 0.0
    if ws.print_title_cols:
        last = column_index_from_string(ws.print_title_cols.split(":")[1].strip("$"))
        titles = sum(widths[:last])
    printable = A4_LANDSCAPE_WIDTH - 72 * (ws.page_margins.left + ws.page_margins.right)
    return min(1.0, pages * printable / ((sum(widths) + (pages - 1) * titles) * POINTS_PER_CHARACTER))


class DescribePageSetup:
    def it_prints_every_sheet_on_a4_landscape(self, printed):
        assert [(ws.title, int(ws.page_setup.paperSize or 1), ws.page_setup.orientation) for ws in printed] == [
            (ws.title, int(ws.PAPERSIZE_A4), "landscape") for ws in printed]

    def it_numbers_the_pages_and_names_the_sheet(self, printed):
        for ws in printed:
            footer = ws.oddFooter.center.text or ""
            assert "&A" in footer and "&P" in footer and "&N" in footer, ws.title

    def it_repeats_the_header_row_on_every_page(self, printed):
        for ws in printed:
            if ws.title in NO_HEADER_ROW:
                continue
            assert ws.print_title_rows, ws.title
            header = int(ws.print_title_rows.split(":")[0].strip("$"))
            assert ws.cell(header, 1).value is not None, ws.title  # the row of the headers, not a title

    def it_never_shrinks_a_sheet_below_60_percent(self, printed):
        scales = {ws.title: round(estimated_scale(ws), 2) for ws in printed}
        assert {title: scale for title, scale in scales.items() if scale < READABLE} == {}
        for ws in printed:  # as many pages tall as needed: only the dashboard fits on one page
            assert ws.page_setup.fitToHeight == (1 if ws.title in ONE_PAGE else 0), ws.title

    def it_repeats_the_identifiers_of_a_sheet_wider_than_a_page(self, printed):
        for ws in printed:
            if ws.title in (ALERTES, c.OPERATIONS) and ws.page_setup.fitToWidth > 1:
                assert ws.print_title_cols == "$A:$A", ws.title
            if ws.title == ALERTES:
                assert ws.page_setup.fitToWidth == 2  # the Clé to the Constat, then to the Commentaire

    def it_never_cuts_the_key_of_an_alert(self, refreshed):
        ws = load_workbook(refreshed)[ALERTES]
        header = next(r for r in range(1, 20) if ws.cell(r, 1).value == "Clé")
        width = widths_of(ws)[0]
        for row in range(header + 1, ws.max_row + 1):
            key = ws.cell(row, 1).value
            if key and len(key) > width:
                assert ws.cell(row, 1).alignment.wrap_text, key
                assert (ws.row_dimensions[row].height or 15) >= 30, key  # two lines at least


# ---------------------------------------------------------------- printed by LibreOffice


def _pdf(tmp_path: Path, *sources: Path) -> list[Path]:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) n'est pas installé : apt-get install libreoffice-calc")
    if shutil.which("pdfinfo") is None or shutil.which("pdftotext") is None:
        pytest.skip("pdfinfo et pdftotext (poppler-utils) ne sont pas installés : apt-get install poppler-utils")
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to",
                    "pdf", "--outdir", str(tmp_path), *map(str, sources)], check=True, capture_output=True,
                   timeout=300)
    return [tmp_path / f"{source.stem}.pdf" for source in sources]


def _page_sizes(pdf: Path) -> list[tuple[float, float]]:
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "100000", str(pdf)], check=True, capture_output=True,
                          text=True).stdout
    return [(float(w), float(h)) for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", info)]


def _word_heights(pdf: Path) -> list[list[tuple[str, float]]]:
    """Return each page's words with the height of their box (proportional to the printed font size)."""
    text = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    return [[(word, float(y_max) - float(y_min)) for y_min, y_max, word in
             re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>', page)]
            for page in text.split("<page ")[1:]]


def _calibration(folder: Path) -> Path:
    """Return a workbook of Calibri 11 text printed at 100 %: the height its words measure is the scale 1."""
    wb = Workbook()
    ws = wb.active
    for row in range(1, 30):
        for col in range(1, 6):
            ws.cell(row, col, "Texte témoin").font = Font(name="Calibri", size=11)
    ws.page_setup.paperSize, ws.page_setup.orientation = ws.PAPERSIZE_A4, "landscape"
    wb.save(folder / "etalon.xlsx")
    return folder / "etalon.xlsx"


@pytest.mark.render
class DescribePrintedByLibreOffice:
    def it_prints_every_page_on_a4_landscape_with_its_sheet_and_number(self, refreshed, tmp_path):
        [pdf] = _pdf(tmp_path, refreshed)
        sizes = _page_sizes(pdf)
        assert len(sizes) > 20 and {(round(w), round(h)) for w, h in sizes} == {(842, 595)}
        footers = [" ".join(word for word, _ in page) for page in _word_heights(pdf)]
        assert all(re.search(r"— page \d+ sur \d+", footer) for footer in footers)

    def it_prints_the_text_at_60_percent_or_more(self, refreshed, tmp_path):
        font = subprocess.run(["fc-match", "Calibri"], capture_output=True, text=True).stdout \
            if shutil.which("fc-match") else ""
        if not re.search(r"Carlito|Calibri", font):
            pytest.skip("la police Carlito (métriques de Calibri) manque : sans elle LibreOffice élargit les "
                        "colonnes et l'échelle mesurée n'est pas celle d'Excel ; apt-get install "
                        "fonts-crosextra-carlito")
        etalon, pdf = _pdf(tmp_path, _calibration(tmp_path), refreshed)
        unit = statistics.median(h for _, h in _word_heights(etalon)[0])
        scales: dict[str, list[float]] = defaultdict(list)
        for page in _word_heights(pdf):
            footer = re.search(r"(\S[^—]*?) — page \d+ sur", " ".join(word for word, _ in page))
            assert footer, "une page sans pied de page"
            scales[footer.group(1).split()[-1]].append(statistics.median(h for _, h in page) / unit)
        assert {ALERTES, "Opérations", "Contrôles"} <= set(scales)
        small = {sheet: round(min(found), 2) for sheet, found in scales.items() if min(found) < READABLE}
        assert small == {}


def test_a_row_is_as_tall_as_its_text_wrapped_between_words():
    from opc_excel.sheets.style import wrapped_lines

    # 95 characters in a 40-wide column: three lines as Excel breaks them, not two (the third printed over the next row)
    advice = "Resserrer le planning avec le maître d'ouvrage ou demander à l'ANRU une prorogation par avenant"
    assert wrapped_lines(advice, 40) == 3
