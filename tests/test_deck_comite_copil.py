"""The comité de suivi and the COPIL semester report: structure, and every figure equal to the indicators.

Decks are opened with python-pptx. The shipped master (with its *Historique*) gives the full decks; small
programmes built in code pin down the rules of the COPIL summary, the points durs and the avenants.
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
from opc_excel.compute.indicators.calendrier import planned_portfolio_progress, portfolio_progress
from opc_excel.fr import fr_date
from opc_excel.pipeline import check_file
from opc_excel.render.decks import build_deck
from opc_excel.render.decks.common import DeckInput
from opc_excel.render.decks.template import LAYOUTS
from opc_excel.report import CheckReport
from opc_excel.situation import schedule
from opc_excel.situation.formats import meur, pct
from opc_excel.text import plain
from tests.factory import make_workbook

TODAY = date(2026, 1, 1)
MASTER = Path(__file__).resolve().parents[1] / "workbooks" / "perseigne_master.xlsx"
FOOTERS = {"comite-suivi": "PRU Perseigne–Courteille · Comité de suivi · situation au 30/09/2011",
           "copil": "PRU Perseigne–Courteille · Comité de pilotage — rapport semestriel · situation au 30/09/2011"}
# Slide counts on the shipped master (documented in the modules: 12–20 and 10–15).
COUNTS = {"comite-suivi": (12, 20), "copil": (10, 15)}
COMITE_TITLES = [  # titles state findings (issue #13): matched as patterns, the Gantt's left to test_deck_gantt
    r"^Comité de suivi du projet de rénovation urbaine$", r"^Synthèse : ",
    r"^Suite du comité du 08/09/2011 : \d+ actions en retard sur 6", r"^\d+ opérations lancées sur 94, ",
    r"^Subvention ANRU : 76 % engagés pour 83 % prévus", r"", r"^Avancement 56 % pour 67 % prévu : ",
    r"^Courteille le plus en retard", r"^Depuis le 30/06/2011 : 4 livraisons et 7 démarrages de travaux$",
    r"^\d+ opérations bloquées sur \d+ à lancer d'ici le 20/04/2012", r"^\d+ points durs dont \d+ rouges",
    r"^87 % des ménages relogés \(352 sur 403\)", r"^\d+ décisions demandées en séance",
    r"^\d+ échéances après la séance du 20/10/2011", r"^Annexe : "]
@pytest.fixture(scope="module")
def report() -> CheckReport:
    return check_file(MASTER, at=None, today=TODAY)


@pytest.fixture(scope="module")
def data(report) -> DeckInput:
    return DeckInput(report)


@pytest.fixture(scope="module")
def decks(report) -> dict:
    return {kind: Presentation(io.BytesIO(build_deck(report, kind))) for kind in ("comite-suivi", "copil")}


@pytest.fixture(scope="module")
def comite(decks):
    return decks["comite-suivi"]


@pytest.fixture(scope="module")
def copil_deck(decks):
    return decks["copil"]


@pytest.fixture(scope="module")
def small_decks(tmp_path_factory) -> dict:
    """The decks of the factory's small workbook: three operations, no history."""
    small = check_file(make_workbook(tmp_path_factory.mktemp("small")), at=None, today=TODAY)
    return {kind: Presentation(io.BytesIO(build_deck(small, kind))) for kind in ("comite-suivi", "copil")}


def title_of(slide) -> str:
    return plain(slide.shapes.title.text_frame.text) if slide.shapes.title is not None else ""


def slides_titled(deck, title: str) -> list:
    """Return the slides of that title, its « (suite) » continuations included."""
    return [s for s in deck.slides if title_of(s) in (title, f"{title} (suite)")]


def slides_matching(deck, pattern: str) -> list:
    """Return the slides whose title matches ``pattern`` (titles that state a finding change with the data)."""
    return [s for s in deck.slides if re.search(pattern, title_of(s).replace("\u00a0", " "))]


def table_rows(slides) -> list[list[str]]:
    """Return the body rows (header left out) of the tables of these slides, in order."""
    rows = []
    for slide in slides:
        for shape in slide.shapes:
            if shape.has_table:
                rows.extend([plain(cell.text) for cell in row.cells] for row in list(shape.table.rows)[1:])
    return rows


def header(slide) -> list[str]:
    table = next(s for s in slide.shapes if s.has_table).table
    return [plain(cell.text) for cell in table.rows[0].cells]


def chart_of(slide):
    return next(s for s in slide.shapes if s.has_chart).chart


def texts(slide) -> str:
    return plain("\n".join(s.text_frame.text for s in slide.shapes if s.has_text_frame))


def report_for(p) -> CheckReport:
    """Return the report of a programme built in code (no workbook, no history)."""
    return CheckReport(p, (), {}, indicators=compute_indicators(p), alerts=tuple(evaluate(p)))


class DescribeBothDecks:
    @pytest.mark.parametrize("kind", ["comite-suivi", "copil"])
    def it_has_the_documented_slide_count_layouts_footer_and_notes(self, decks, kind):
        slides = list(decks[kind].slides)
        low, high = COUNTS[kind]
        assert low <= len(slides) <= high
        for number, slide in enumerate(slides, start=1):
            boxes = {s.name: s.text_frame.text for s in slide.shapes if s.has_text_frame}
            assert boxes["Pied de page"] == FOOTERS[kind]
            assert boxes["Numéro de page"] == f"{number} / {len(slides)}"
            assert slide.slide_layout.name in LAYOUTS
            assert slide.notes_slide.notes_text_frame.text.strip()

    @pytest.mark.parametrize("kind", ["comite-suivi", "copil"])
    def it_builds_on_a_small_workbook_without_history(self, small_decks, kind):
        deck = small_decks[kind]
        assert len(deck.slides) >= 10
        assert all(s.notes_slide.notes_text_frame.text.strip() for s in deck.slides)


class DescribeTheComiteDeSuivi:
    def it_has_its_slides_in_order(self, comite):
        titles = [title_of(s).replace("\u00a0", " ") for s in comite.slides if not title_of(s).endswith("(suite)")]
        assert len(titles) == len(COMITE_TITLES)
        assert all(re.search(pattern, title) for pattern, title in zip(COMITE_TITLES, titles, strict=True))
        assert [s.slide_layout.name for s in comite.slides][:5] == ["Titre", "Tableau", "Tableau", "Tableau",
                                                                     "Graphique"]

    def it_follows_the_actions_of_the_last_comite_and_the_open_earlier_ones(self, comite, data):
        rows = table_rows(slides_matching(comite, r"^Suite du comité du 08/09/2011"))
        assert sorted(r[0] for r in rows) == ["ACT-013", "ACT-016", "ACT-017", "ACT-026", "ACT-027", "ACT-028"]
        assert rows[0][:1] + rows[0][5:6] == ["ACT-013", "En retard (En cours)"]  # due 30/06/2011, not closed
        states = {r[0]: (r[4], r[5]) for r in rows}  # due 07/10/2011, after t but before the séance of the 20/10
        assert states["ACT-028"] == ("07/10/2011", "Échue avant la séance (Ouverte)")

    def it_shows_the_key_figures_of_the_indicators(self, comite, data):
        ind = data.indicators
        text = texts(slides_matching(comite, r"opérations lancées sur")[0])
        for figure in (pct(ind.anru.engaged_pct), pct(ind.anru.paid_of_amount_pct), pct(ind.progress_pct),
                       pct(ind.launched_pct), meur(ind.anru.to_engage), meur(ind.anru.to_pay)):
            assert figure in text
        assert f"prévu : {pct(ind.planned_progress_pct)}" in text

    def it_draws_the_s_curve_of_the_situation(self, comite, data):
        chart = chart_of(slides_matching(comite, r"^Subvention ANRU : ")[0])
        points = data.situation.s_curve  # the planned curves, and the actual ones from Historique plus today
        serials = [(p.day - date(1899, 12, 30)).days for p in points]  # a time axis: Excel serial days
        assert [int(float(c)) for c in chart.plots[0].categories] == serials
        series = {s.name: list(s.values) for s in chart.plots[0].series}
        assert series["Engagement prévu"] == pytest.approx([p.planned_pct for p in points])
        assert series["Versements prévus"] == pytest.approx([p.planned_paid_pct for p in points])
        assert series["Engagé"] == [p.engaged_pct for p in points]
        assert series["Versé"] == [p.paid_pct for p in points]

    def it_draws_progress_by_famille_as_a_bar_chart(self, comite, data):
        chart = chart_of(slides_matching(comite, r"^Avancement .* prévu : ")[0])
        rows = data.indicators.progress_by_famille
        assert list(chart.plots[0].categories) == [f.famille for f in rows]
        series = {s.name: list(s.values) for s in chart.plots[0].series}
        assert series["Avancement"] == pytest.approx([f.progress_pct for f in rows])
        assert series["Avancement prévu"] == pytest.approx([f.planned_progress_pct for f in rows])

    def it_tabulates_progress_and_subsidy_by_district(self, comite, data):
        rows = table_rows(slides_matching(comite, r"le plus en retard : "))
        p, at = data.programme, data.at
        finance = {f.key: f for f in data.indicators.anru_by_district}
        assert [r[0] for r in rows] == ["Perseigne", "Courteille"]
        for row in rows:
            ops = [op for op in p.operations if op.district == row[0] and op.status != "Abandonnée"]
            assert row[1:6] == [str(len(ops)), pct(portfolio_progress(p, at, ops)),
                                pct(planned_portfolio_progress(p, at, ops)), row[4], meur(finance[row[0]].amount)]
            assert row[6] == pct(finance[row[0]].engaged_pct)

    def it_lists_the_works_started_and_delivered_since_the_previous_situation(self, comite, data):
        rows = table_rows(slides_matching(comite, r"^Depuis le 30/06/2011 : "))
        reached = [c for c in data.changes.milestones_reached if c.milestone in ("Livraison", "Démarrage des travaux")]
        assert sorted((r[1].split(" — ")[0], r[4]) for r in rows) == sorted(
            (c.operation_id, fr_date(c.after)) for c in reached)
        assert {r[0] for r in rows} == {"Livraison", "Démarrage des travaux"}

    def it_says_so_when_there_is_no_history(self, small_decks):
        slide = slides_titled(small_decks["comite-suivi"], "Livré ou démarré depuis le dernier comité")[0]
        assert "pas encore d'historique" in texts(slide)

    def it_lists_the_launches_within_3_and_6_months_with_their_prerequisites(self, comite, data):
        rows = table_rows(slides_matching(comite, r"à lancer d'ici le 20/04/2012"))  # séance 20/10/2011 + 6 mois
        expected = [t for t in schedule.launches_within(data.situation, 7) if t.planned_start <= date(2012, 4, 20)]
        assert sorted(r[0] for r in rows) == sorted(f"{t.operation_id} — {t.label}" for t in expected)
        blockers = {f"{t.operation_id} — {t.label}": schedule.launch_blockers(data.situation, t).text for t in expected}
        assert [r[4] for r in rows] == [blockers[r[0]] for r in rows]
        assert [r[4] == "aucun" for r in rows] == sorted(r[4] == "aucun" for r in rows)  # blocked first
        assert {r[3] for r in rows} == {"dépassé à la séance", "d'ici 3 mois", "3 à 6 mois"}

    def it_shows_the_points_durs_ranked_by_stake_one_row_per_operation(self, comite, data):
        rows = table_rows(slides_matching(comite, r"^\d+ points durs dont"))
        shown = [r for r in rows if r[0] != "…"]
        points = data.points_durs[:len(shown)]
        assert [r[0] for r in shown] == [f"{p.rank} · {p.severity.value}" for p in points]
        assert [r[1].split(" — ")[0] for r in shown] == [p.operation_id for p in points]
        assert len({r[1] for r in shown}) == len(shown)

    def it_shows_rehousing_and_insertion_from_the_indicators(self, comite, data):
        hh, ins = data.indicators.rehousing, data.indicators.insertion
        text = texts(slides_matching(comite, r"des ménages relogés")[0])
        assert f"Ménages relogés ({hh.rehoused} sur {hh.to_rehouse})" in text
        for figure in (pct(hh.rehoused_percent), pct(hh.new_or_recent_percent), pct(hh.off_site_percent),
                       pct(ins.done_of_planned_pct), pct(ins.done_of_target_pct), pct(ins.works_progress_pct)):
            assert figure in text

    def it_lists_the_next_meetings_and_deadlines(self, comite, data):
        rows = table_rows(slides_matching(comite, r"échéances après la séance du 20/10/2011"))
        meetings = {r[1]: r[0] for r in rows if r[2] == "Programme"}
        assert "Comité de suivi" not in meetings  # the séance itself (next_follow_up_committee = 20/10/2011)
        assert meetings["Comité de pilotage"] == fr_date(data.params.next_steering_committee)
        days = [date(int(r[0][6:]), int(r[0][3:5]), int(r[0][:2])) for r in rows]
        assert days == sorted(days)


