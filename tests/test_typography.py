"""French typography for slides (issue #13): one function, :func:`opc_excel.text.french`, and the text measurement
that knows the characters it writes (the narrow no-break space U+202F and the non-breaking hyphen U+2011)."""

from __future__ import annotations

import pytest

from opc_excel.render.decks.look import text_lines, text_width
from opc_excel.text import french

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
