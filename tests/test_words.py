"""The words a French professional expects (domain.md): the programme's own words, the indice d'avancement.

The same deck and the same sheets, on a PNRU and on an NPNRU programme, print the right words; nothing a user
reads says "SPI".
"""

from __future__ import annotations

import io
from datetime import date

import pytest
from pptx import Presentation

from opc_excel.compute.alerts import evaluate
from opc_excel.compute.indicators import compute_indicators
from opc_excel.model import ProgrammeKind
from opc_excel.render.decks import build_deck
from opc_excel.report import CheckReport
from opc_excel.sheets.dashboard import HEADLINES, dashboard_sheet
from opc_excel.sheets.history import summary_history_sheet
from opc_excel.words import PROGRESS_INDEX, programme_word
from tests.programmes import household, operation, programme

PNRU, NPNRU = ProgrammeKind.PNRU, ProgrammeKind.NPNRU


def report_for(p) -> CheckReport:
    """Return the report of a programme built in code (no workbook, no history)."""
    return CheckReport(p, (), {}, indicators=compute_indicators(p), alerts=tuple(evaluate(p)))


class DescribeProgrammeWords:
    @pytest.mark.parametrize(("kind", "expected"), [
        (PNRU, ("rénovation urbaine", "PRU", "ZUS", "hors ZUS")),
        (NPNRU, ("renouvellement urbain", "NPRU", "QPV", "hors QPV")),
        (None, ("rénovation urbaine", "PRU", "ZUS", "hors ZUS")),  # unread Programme: its default, the PNRU
    ])
    def it_gives_each_term_in_the_programmes_words(self, kind, expected):
        terms = ("renouvellement", "projet", "quartier", "hors quartier")
        assert tuple(programme_word(kind, t) for t in terms) == expected


def _deck_text(kind: ProgrammeKind, deck: str) -> str:
    ops = [operation("DEM-1", famille="Démolition", quantity_convention=10,
                     works_start=dict(convention=date(2010, 1, 1), actual=date(2010, 3, 1)),
                     delivery=dict(convention=date(2012, 12, 31)))]
    hh = [household("M-1", "DEM-1", "Relogé", destination="Parc existant", outside_qpv=True)]
    p = programme(ops, households=hh, params=dict(programme=kind))
    pres = Presentation(io.BytesIO(build_deck(report_for(p), deck)))
    texts = []
    for slide in pres.slides:
        texts.append(slide.notes_slide.notes_text_frame.text)
        for shape in slide.shapes:
            if shape.has_text_frame:
                texts.append(shape.text_frame.text)
            if shape.has_table:
                texts.extend(c.text for row in shape.table.rows for c in row.cells)
    return "\n".join(texts)


class DescribeTheDecksWords:
    @pytest.mark.parametrize(("kind", "said", "not_said"), [
        (PNRU, ("rénovation urbaine", "hors ZUS"), ("renouvellement urbain", "QPV")),
        (NPNRU, ("renouvellement urbain", "hors QPV"), ("rénovation urbaine", "ZUS")),
    ])
    def it_prints_the_programmes_words_in_the_comite_de_suivi(self, kind, said, not_said):
        text = _deck_text(kind, "comite-suivi")
        assert all(word in text for word in said)
        assert not any(word in text for word in not_said)

    @pytest.mark.parametrize("deck", ["comite-suivi", "copil", "point-mensuel", "revue-projet"])
    def it_never_says_spi(self, deck):
        text = _deck_text(NPNRU, deck)
        assert "SPI" not in text


class DescribeTheSheetsWords:
    def it_heads_the_progress_ratio_indice_d_avancement(self):
        labels = [label for label, _, _ in HEADLINES]
        assert PROGRESS_INDEX == "Indice d'avancement" and PROGRESS_INDEX in labels
        assert not any("SPI" in label for label in labels)
        p = programme([operation("OP-1")])
        report = report_for(p)
        sheet = dashboard_sheet(p, report.indicators, report.alerts, report.problems)
        values = [c.value for c in sheet.cells.values()]
        assert PROGRESS_INDEX in values
        assert not any(isinstance(v, str) and "SPI" in v for v in values)

    def it_keeps_the_history_written_under_the_former_label(self):
        old = {"Date de situation": date(2011, 6, 30), "Indice de respect du planning (SPI)": 0.9}
        sheet = summary_history_sheet([old])
        header = [sheet.cell(1, c).value for c in range(1, 40) if sheet.cell(1, c).value]
        assert "Indice de respect du planning (SPI)" not in header
        col = header.index(PROGRESS_INDEX) + 1
        assert sheet.cell(2, col).value == 0.9
