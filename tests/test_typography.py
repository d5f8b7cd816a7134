"""French typography for slides (issue #13): one function, :func:`opc_excel.text.french`, and the text measurement
that knows the characters it writes (the narrow no-break space U+202F and the non-breaking hyphen U+2011)."""

from __future__ import annotations

import io
from datetime import date

import pytest
from pptx import Presentation

from opc_excel.compute.alerts import evaluate
from opc_excel.compute.indicators import compute_indicators
from opc_excel.render.decks import build_deck
from opc_excel.render.decks.builder import DeckBuilder
from opc_excel.render.decks.look import Column, text_lines, text_width
from opc_excel.report import CheckReport
from opc_excel.text import french, plain
from tests.programmes import funding, operation, programme

NNBSP, NBH = "\u202f", "\u2011"

CASES = [  # (what a deck module writes, what the slide shows)
    ("Motif: retard", f"Motif{NNBSP}: retard"),
    ("Motif : retard", f"Motif{NNBSP}: retard"),
    ("Motif\u00a0: retard", f"Motif{NNBSP}: retard"),
    (f"Motif{NNBSP}: retard", f"Motif{NNBSP}: retard"),  # already set: not twice
    ("a ; b", f"a{NNBSP}; b"),
    ("Pourquoi ?", f"Pourquoi{NNBSP}?"),
    ("Attention!", f"Attention{NNBSP}!"),
    ("Vraiment ?!", f"Vraiment{NNBSP}?!"),  # one space before the pair, none inside it
    ("Rendez-vous à 10:30 en mairie", "Rendez-vous à 10:30 en mairie"),  # a time
    ("Échelle 1:2", "Échelle 1:2"),  # a ratio
    ("Voir https://www.anru.fr/a?b=1 pour le détail", "Voir https://www.anru.fr/a?b=1 pour le détail"),
    ("PER-EQP-01", f"PER{NBH}EQP{NBH}01"),
    ("ACT-007 et CAL-02.", f"ACT{NBH}007 et CAL{NBH}02."),
    ("(CAL-01 : PER-REH-09)", f"(CAL{NBH}01{NNBSP}: PER{NBH}REH{NBH}09)"),
    ("Jean-Pierre, Saint-Denis, Orne-Habitat", "Jean-Pierre, Saint-Denis, Orne-Habitat"),  # words keep their hyphen
    ("«Tilleuls»", f"«{NNBSP}Tilleuls{NNBSP}»"),
    ("« Tilleuls »", f"«{NNBSP}Tilleuls{NNBSP}»"),
    ("«\u00a0Tilleuls\u00a0»", f"«{NNBSP}Tilleuls{NNBSP}»"),
    ("Jalon « DAS » : le 15/12/2011", f"Jalon «{NNBSP}DAS{NNBSP}»{NNBSP}: le 15/12/2011"),
    ("", ""),
]


class DescribeFrench:
    @pytest.mark.parametrize(("written", "shown"), CASES)
    def it_sets_the_text_in_french_typography(self, written, shown):
        assert french(written) == shown

    @pytest.mark.parametrize(("written", "shown"), CASES)
    def it_changes_nothing_the_second_time(self, written, shown):
        assert french(shown) == shown


class DescribeTheMeasurement:
    def it_measures_the_narrow_no_break_space_as_a_thin_space(self):
        assert text_width(NNBSP, 10) == pytest.approx(text_width(" ", 10) * 200 / 278)

    def it_measures_the_non_breaking_hyphen_as_a_hyphen(self):
        assert text_width(f"PER{NBH}EQP{NBH}01", 10) == text_width("PER-EQP-01", 10)

    def it_keeps_an_id_and_its_colon_on_one_line(self):
        text = french("Constat (PER-EQP-02) : démarrage en retard")
        one_word = text_width(french("(PER-EQP-02) :"), 10)
        # a box just wide enough for « (PER‑EQP‑02) : »: the id and its colon are one word, never split
        assert text_lines(text, int(one_word) + 1, 10) == 4
        assert text_lines(french("(PER-EQP-02) :"), int(one_word) + 1, 10) == 1


class DescribeTheSlides:
    def it_sets_every_text_the_builder_writes_in_french_typography(self):
        builder = DeckBuilder("PRU : essai", "Essai", "30/09/2011")
        builder.bullets("Décisions : à prendre", ["Préparer un avenant (CAL-01 : PER-REH-09)"], notes="Voir ACT-007 !")
        builder.table("Actions", [Column("Action"), Column("Décision", 4)], [["ACT-013", "Régulariser : « cession »"]],
                      notes="n")
        builder.kpis("Chiffres", [("Opérations lancées : ratio", "62", None)], notes="n")
        builder.panels("Synthèse", [("Risques", ["PER-EQP-02 : retard"], "rouge")], notes="n")
        builder.chart("Courbe", "bar", ["PER-EQP-01"], {"Engagé": [1.0]}, notes="n", comment="Au 30/09/2011 : 76 %")
        deck = Presentation(io.BytesIO(builder.save()))
        bullets, table, kpis, panels, chart = deck.slides
        texts = "\n".join(shape.text_frame.text for slide in deck.slides for shape in slide.shapes
                          if shape.has_text_frame)
        assert f"Décisions{NNBSP}: à prendre" in texts
        assert f"(CAL{NBH}01{NNBSP}: PER{NBH}REH{NBH}09)" in texts
        assert f"PRU{NNBSP}: essai" in texts  # the footer
        assert bullets.notes_slide.notes_text_frame.text == f"Voir ACT{NBH}007{NNBSP}!"
        cells = [cell.text for row in next(s for s in table.shapes if s.has_table).table.rows for cell in row.cells]
        assert cells == ["Action", "Décision", f"ACT{NBH}013", f"Régulariser{NNBSP}: «{NNBSP}cession{NNBSP}»"]
        assert f"Opérations lancées{NNBSP}: ratio" in texts
        assert f"PER{NBH}EQP{NBH}02{NNBSP}: retard" in texts
        assert f"Au 30/09/2011{NNBSP}: 76 %" in texts
        categories = list(next(s for s in chart.shapes if s.has_chart).chart.plots[0].categories)
        assert categories == [f"PER{NBH}EQP{NBH}01"]

    @pytest.mark.parametrize("text", ["PER-EQP-01 : retard « DAS »", "Motif : 10:30"])
    def it_reads_as_typed_once_made_plain(self, text):
        assert plain(french(text)) == text


class DescribeAgreement:
    def it_agrees_number_and_noun_when_one_operation_slips(self):
        late = operation("OP-1", works_start=dict(convention=date(2010, 1, 1), forecast=date(2011, 6, 1)),
                         delivery=dict(convention=date(2012, 12, 31), forecast=date(2013, 6, 30)))
        p = programme([late], funding=[funding("OP-1")])
        report = CheckReport(p, (), {}, indicators=compute_indicators(p), alerts=tuple(evaluate(p)))
        deck = Presentation(io.BytesIO(build_deck(report, "copil")))
        titles = [plain(s.shapes.title.text_frame.text) for s in deck.slides if s.shapes.title is not None]
        assert "1 opération en glissement, dont 1 à porter par avenant" in titles
        assert not any(t.startswith("Les 1 ") or "1 opérations" in t for t in titles)
        motifs = next(s for s in deck.slides if s.shapes.title is not None
                      and plain(s.shapes.title.text_frame.text).startswith("Motif de décalage : "))
        text = plain("\n".join(s.text_frame.text for s in motifs.shapes if s.has_text_frame))
        assert "1 opération en glissement." in text and "1 opérations" not in text
