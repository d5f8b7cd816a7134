"""The revue de projet and the three réunions restreintes: structure, and every figure equal to the indicators.

Decks are opened with python-pptx. The shipped master gives the full decks; small programmes built in code
pin down the sequencing. The revue de projet's own slides and verdicts are in ``test_deck_revue.py``.
"""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import pytest
from pptx import Presentation

from opc_excel.compute.alerts import evaluate
from opc_excel.compute.indicators import compute_indicators
from opc_excel.fr import fr_number
from opc_excel.model import Dependency
from opc_excel.pipeline import check_file
from opc_excel.read import contract
from opc_excel.render.decks import build_deck, reunion_restreinte
from opc_excel.render.decks.common import THEMES_BY_MEETING, DeckInput
from opc_excel.report import CheckReport
from opc_excel.situation.formats import meur, pct
from opc_excel.text import plain
from tests.factory import make_workbook
from tests.programmes import action, funding, operation, programme

TODAY = date(2026, 1, 1)
MASTER = Path(__file__).resolve().parents[1] / "workbooks" / "perseigne_master.xlsx"
PROJECT = "PRU Perseigne–Courteille"
THEMES = {"technique": "technique", "financiere": "financière", "sociale": "sociale"}
# Slide counts on the shipped master: 19 for the revue (every list on one slide); 9 for each theme.
REVUE_COUNT, THEME_COUNT = (19, 19), (5, 9)
# Each réunion restreinte: title, synthesis, the theme's slides (titles stating a finding), points durs, decisions,
# open actions; a pattern per slide.
THEME_SLIDES = {
    "technique": [r"^Réunion restreinte technique$", r"^Synthèse : ", r"^Livraisons : jusqu'à \d+ mois de glissement",
                  r"démarrages? ou livraisons? en retard sur la date contractuelle, dont \d+ de \d+ mois ou plus",
                  r"après la date contractuelle",
                  r"enchaînements? rompus? sur \d+ enchaînements? à tenir", r"points? durs? \(calendrier\)",
                  r"décisions? demandées? en séance", r"actions? ouvertes? de la réunion technique"],
    "financiere": [r"^Réunion restreinte financière$", r"^Synthèse : ", r"^Subventions engagées à \d+\s%",
                   r"^Subvention ANRU engagée à \d+\s% pour \d+\s% prévus à date", r"la famille la moins engagée",
                   r"échéances? financières? d'ici le", r"points? durs? \(financier\)",
                   r"décisions? demandées? en séance", r"actions? ouvertes? de la réunion financière"],
    "sociale": [r"^Réunion restreinte sociale$", r"^Synthèse : ", r"ménages restent à reloger sur",
                r"opérations? avec des ménages à reloger", r"^Insertion : \d+\s% de l'objectif",
                r"opérations? en chantier avec des marchés d'insertion", r"points? durs? \(habitat",
                r"décisions? demandées? en séance", r"actions? ouvertes? de la réunion sociale"],
}
DEMOLITION, RECONSTITUTION = contract.DEMOLITION, contract.RECONSTITUTION


# ---------------------------------------------------------------- fixtures and readers


@pytest.fixture(scope="module")
def report() -> CheckReport:
    return check_file(MASTER, at=None, today=TODAY)


@pytest.fixture(scope="module")
def data(report) -> DeckInput:
    return DeckInput(report)


@pytest.fixture(scope="module")
def decks(report) -> dict:
    """The four decks of the shipped master, by theme (None for the revue de projet)."""
    built = {None: build_deck(report, "revue-projet")}
    built.update({theme: build_deck(report, "reunion-restreinte", theme=theme) for theme in THEMES})
    return {key: Presentation(io.BytesIO(value)) for key, value in built.items()}


@pytest.fixture(scope="module")
def revue(decks):
    return decks[None]


def report_for(p) -> CheckReport:
    """Return the report of a programme built in code (no workbook, no history)."""
    return CheckReport(p, (), {}, indicators=compute_indicators(p), alerts=tuple(evaluate(p)))


def deck_of(p, kind: str = "revue-projet", theme: str | None = None):
    return Presentation(io.BytesIO(build_deck(report_for(p), kind, theme=theme)))


def title_of(slide) -> str:
    return plain(slide.shapes.title.text_frame.text)


def titles(deck) -> list[str]:
    """Return the slide titles, continuations (« (suite) ») left out."""
    return [title_of(s) for s in deck.slides if not title_of(s).endswith("(suite)")]


def slides_titled(deck, title: str) -> list:
    return [s for s in deck.slides if title_of(s) in (title, f"{title} (suite)")]


def table_rows(slides) -> list[list[str]]:
    """Return the body rows of the tables of these slides, in order; the header is checked to repeat."""
    rows, first_header = [], None
    for slide in slides:
        table = next(s for s in slide.shapes if s.has_table).table
        header = [plain(cell.text) for cell in table.rows[0].cells]
        assert first_header in (None, header)
        first_header = header
        rows.extend([plain(cell.text) for cell in row.cells] for row in list(table.rows)[1:])
    return rows


def rows_of(deck, title: str) -> list[list[str]]:
    return table_rows(slides_titled(deck, title))


def chart_series(slide) -> dict[str, list]:
    chart = next(s for s in slide.shapes if s.has_chart).chart
    return {series.name: list(series.values) for series in chart.plots[0].series}


def box_texts(slide) -> str:
    return plain("\n".join(s.text_frame.text for s in slide.shapes if s.has_text_frame))


def one_slide(deck, title: str):
    (slide,) = slides_titled(deck, title)
    return slide


# ---------------------------------------------------------------- every deck


class DescribeBothDecks:
    @pytest.mark.parametrize("theme", [None, *THEMES])
    def it_has_the_documented_slide_count_layouts_footer_and_notes(self, decks, theme):
        slides = list(decks[theme].slides)
        low, high = REVUE_COUNT if theme is None else THEME_COUNT
        assert low <= len(slides) <= high
        kind = "Revue de projet" if theme is None else f"Réunion restreinte {THEMES[theme]}"
        for number, slide in enumerate(slides, start=1):
            boxes = {s.name: s.text_frame.text for s in slide.shapes if s.has_text_frame}
            assert boxes["Pied de page"] == f"{PROJECT} · {kind} · situation au 30/09/2011"
            assert boxes["Numéro de page"] == f"{number} / {len(slides)}"
            assert slide.notes_slide.notes_text_frame.text.strip()
        assert slides[0].slide_layout.name == "Titre"
        assert {s.slide_layout.name for s in slides[1:]} <= {"Tableau", "Graphique"}

    @pytest.mark.parametrize("theme", [None, *THEMES])
    def it_builds_for_a_programme_with_almost_nothing_in_it(self, theme):
        p = programme([operation("OP-1", works_start=dict(convention=date(2012, 1, 1)),
                                 delivery=dict(convention=date(2012, 12, 31)))])
        deck = deck_of(p, "revue-projet" if theme is None else "reunion-restreinte", theme)
        assert all(s.notes_slide.notes_text_frame.text.strip() for s in deck.slides)

    def it_builds_from_a_small_workbook(self, tmp_path):
        small = check_file(make_workbook(tmp_path), at=None, today=TODAY)
        deck = Presentation(io.BytesIO(build_deck(small, "revue-projet")))
        assert titles(deck)[0] == "Revue de projet" and titles(deck)[1].startswith("Synthèse :")


# ---------------------------------------------------------------- réunion restreinte


def titled(deck, pattern: str) -> list:
    """Return the slides whose title matches ``pattern``, continuations included."""
    return [s for s in deck.slides if re.search(pattern, title_of(s).removesuffix(" (suite)"))]


class DescribeTheReunionRestreinte:
    @pytest.mark.parametrize("theme", THEMES)
    def it_has_its_slides_in_order_and_names_its_theme(self, decks, theme):
        found = titles(decks[theme])
        assert len(found) == len(THEME_SLIDES[theme]), found
        assert all(re.search(p, t) for p, t in zip(THEME_SLIDES[theme], found, strict=True)), found

    @pytest.mark.parametrize("theme", THEMES)
    def it_shows_the_points_durs_of_its_theme_only(self, decks, data, theme):
        themes = THEMES_BY_MEETING[theme][0]
        (slide,) = titled(decks[theme], r"points? durs? \(")
        mine = [p for p in data.points_durs if any(a.theme in themes for a in p.alerts)]
        shown = [row for row in table_rows([slide]) if row[0] != "…"]
        assert shown and len(shown) <= len(mine)
        assert [row[0].split(" ")[0] for row in shown] == [str(p.rank) for p in mine[:len(shown)]]

    @pytest.mark.parametrize("theme", THEMES)
    def it_lists_the_open_actions_of_its_meeting(self, decks, report, theme):
        instance = THEMES_BY_MEETING[theme][1]
        rows = table_rows(titled(decks[theme], f"ouvertes? de la {instance.lower()}"))
        open_ = sorted((a for a in report.programme.actions
                        if a.instance == instance and a.status != "Soldée" and a.closed_on is None),
                       key=lambda a: (a.due is None, a.due, a.id))
        assert [row[0] for row in rows] == [a.id for a in open_]

    def it_shows_the_financing_plans_and_the_s_curve_of_the_indicators(self, decks, report):
        ind = report.indicators
        rows = table_rows(titled(decks["financiere"], r"^Subventions engagées"))
        keys = [row[0] for row in rows]
        assert keys[0] == "ANRU" and keys[-1] == "Total des plans de financement"
        assert keys.index("Total des subventions") < keys.index("Total fonds propres et prêts")
        anru = rows[0]
        assert [anru[1], anru[3], anru[4]] == [meur(ind.anru.amount), meur(ind.anru.engaged), pct(ind.anru.engaged_pct)]
        own = rows[keys.index("Total des subventions") + 1:keys.index("Total fonds propres et prêts")]
        assert own and all(row[3] == "non suivi" for row in own)  # own funds and loans without figures
        series = chart_series(titled(decks["financiere"], r"^Subvention ANRU engagée à")[0])
        points = DeckInput(report).situation.s_curve  # the actual curves from Historique plus today
        assert series["Engagement prévu"] == [p.planned_pct for p in points]
        assert series["Engagé"] == [p.engaged_pct for p in points]

    def it_marks_the_broken_sequences_of_cal_04(self, decks, report):
        rows = table_rows(titled(decks["technique"], r"enchaînements? à tenir"))
        broken = {a.operation_id for a in report.alerts if a.code == "CAL-04"}
        assert broken and all(any(row[3].startswith(op) and row[6] == "Rompu (CAL-04)" for row in rows)
                              for op in broken)
        assert rows[0][6] == "Rompu (CAL-04)"  # the broken ones come first

    def it_flags_a_successor_planned_before_its_predecessor_is_delivered(self):
        ops = [operation("PRE", works_start=dict(convention=date(2011, 1, 1), actual=date(2011, 2, 1)),
                         delivery=dict(convention=date(2012, 6, 30))),
               operation("SUC", status="Programmée", works_start=dict(convention=date(2012, 3, 1)),
                         delivery=dict(convention=date(2013, 3, 31)))]
        p = programme(ops, dependencies=[Dependency("PRE", "SUC", 1)])
        (row,) = reunion_restreinte.sequencing_rows(DeckInput(report_for(p)))
        assert row[6].text == "Rompu (CAL-04)" and row[6].status == "rouge"
        assert row[5] == "−4 mois"  # start 01/03/2012, allowed from 30/07/2012

    def it_compares_the_milestones_of_the_type_of_link(self):
        ops = [operation("PRE", works_start=dict(convention=date(2012, 1, 1)),
                         delivery=dict(convention=date(2013, 6, 30))),
               operation("SUC", status="Programmée", works_start=dict(convention=date(2012, 1, 1)),
                         delivery=dict(convention=date(2013, 3, 31)))]
        p = programme(ops, dependencies=[Dependency("PRE", "SUC", 1, link_type="Début → Début")])
        (row,) = reunion_restreinte.sequencing_rows(DeckInput(report_for(p)))
        assert (row[1], row[2], row[4], row[5]) == ("01/01/2012", "Début → Début, 1 mois", "01/01/2012", "−1 mois")
        assert row[6].text == "Rompu (CAL-04)"  # the two starts, not the predecessor's delivery

    def it_keeps_the_social_tables_to_what_is_still_going_on(self, decks, report):
        rows = table_rows(titled(decks["sociale"], r"avec des ménages à reloger"))
        r = report.indicators.rehousing
        assert rows[-1][:3] == ["Total, toutes opérations", fr_number(r.to_rehouse), fr_number(r.rehoused)]
        assert rows[-2][0].startswith("… et ")  # the demolitions whose rehousing is over, counted on one line
        assert all(row[6] != "0" or row[4] != "0" for row in rows[:-2])  # households left or in temporary housing


class DescribeLargeProgrammes:
    def it_aggregates_the_revue_and_groups_the_theme_alerts(self):
        ops = [operation(f"OP-{i:02d}", label=f"Opération numéro {i} de la liste",
                         works_start=dict(convention=date(2010, 1, 1), forecast=date(2011, 1, 1)),
                         delivery=dict(convention=date(2011, 1, 1), forecast=date(2014, 6, 30)))
               for i in range(45)]
        p = programme(ops, funding=[funding(f"OP-{i:02d}") for i in range(45)],
                      actions=[action("A-1", instance="Réunion technique", subject="Suivi", due=date(2011, 12, 1))])
        revue = deck_of(p)
        assert len(revue.slides) == REVUE_COUNT[0]  # 45 late deliveries: the revue aggregates, never continues
        technique = deck_of(p, "reunion-restreinte", "technique")
        assert THEME_COUNT[0] <= len(technique.slides) <= THEME_COUNT[1]
        assert titled(technique, r"^45 points durs \(calendrier\)")  # one per operation, on one slide
