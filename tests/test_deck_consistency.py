"""One figure, one value (issue #13): the seven decks of one session never show a figure two ways.

The seven decks (point mensuel, comité de suivi, COPIL, revue de projet, the three réunions
restreintes) are built from one :class:`Situation`, as ``opc-excel demo`` builds them, on three
programmes: the shipped master, a messy NPNRU programme (:mod:`tests.messy`) and the master ×10.
Every labelled figure read back from the slides — text, table cells, chart points — has one value
up to the rounding it is shown with (:mod:`tests.consistency`), and every *Total* row adds up.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.util import Inches

from bench.generate import scaled_demo
from opc_excel.cli.commands import DEMO_DECKS
from opc_excel.compute.alerts import evaluate
from opc_excel.compute.indicators.calendrier import slips
from opc_excel.compute.indicators.habitat import rehousing
from opc_excel.demo.generate import build_master_inputs
from opc_excel.fr import NBSP
from opc_excel.model import Level
from opc_excel.pipeline import check_file
from opc_excel.render.decks import build_deck
from opc_excel.report import CheckReport
from opc_excel.situation import Situation
from tests import consistency
from tests.consistency import Figure, Status, Table
from tests.figure_patterns import ANRU, PROGRAMME
from tests.messy import write_messy
from tests.programmes import operation, programme
from tests.test_alerts_habitat_social_gouvernance import day, rehousing_case, to_rehouse

TODAY = date(2026, 1, 1)
MASTER = Path(__file__).resolve().parents[1] / "workbooks" / "perseigne_master.xlsx"
PROGRAMMES = ("master", "messy", "x10")


@dataclass
class Session:
    """The decks of one session and what they show."""

    report: CheckReport
    decks: dict[str, bytes]
    figures: list[Figure]
    tables: list[Table]
    statuses: list[Status]


def deck_name(kind: str, theme: str | None) -> str:
    return f"{kind} {theme}" if theme else kind


def session_of(report: CheckReport) -> Session:
    situation = Situation.of(report)  # once for every deck, as the pipeline does
    decks = {deck_name(kind, theme): build_deck(report, kind, theme=theme, situation=situation)
             for kind, theme in DEMO_DECKS}
    ids = {op.id for op in report.programme.operations}
    readings = [consistency.read_deck(name, data, report.at, ids) for name, data in decks.items()]
    return Session(report, decks, [f for r in readings for f in r.figures], [t for r in readings for t in r.tables],
                   [s for r in readings for s in r.statuses])


class _Sessions(dict):
    """The session of each programme, built the first time a test asks for it (once per test run)."""

    def __init__(self, files: dict[str, Path]) -> None:
        super().__init__()
        self.files = files

    def __missing__(self, programme: str) -> Session:
        self[programme] = session_of(check_file(self.files[programme], at=None, today=TODAY))
        return self[programme]


@pytest.fixture(scope="session")
def programme_files(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("consistency")
    messy, x10 = folder / "npnru_messy.xlsx", folder / "programme_x10.xlsx"
    write_messy(messy)
    build_master_inputs(scaled_demo(10)).save(x10)
    return {"master": MASTER, "messy": messy, "x10": x10}


@pytest.fixture(scope="session")
def sessions(programme_files) -> _Sessions:
    return _Sessions(programme_files)


def test_the_messy_programme_is_npnru_with_problems_reported_and_decks_built(sessions):
    report = sessions["messy"].report
    codes = {problem.code for problem in report.problems}
    assert report.programme.params.programme == "NPNRU" and report.at == date(2022, 3, 31)
    assert {"DQ-DUP", "DQ-TYPE", "DQ-DATE", "DQ-FUTURE", "DQ-TEXTDATE", "DQ-TEXTNUM"} <= codes
    assert len(sessions["messy"].decks) == 7


OPERATIONS_LEFT = (PROGRAMME, "opérations avec des ménages à reloger", "n")



class DescribeOneFigureOneValue:
    @pytest.mark.parametrize("programme", PROGRAMMES)
    def it_reads_the_headline_figures_in_several_decks(self, sessions, programme):
        """The labels below are each read in at least two decks: the comparison compares something."""
        decks_of: dict[tuple, set[str]] = {}
        for figure in sessions[programme].figures:
            decks_of.setdefault(figure.label, set()).add(figure.where.split(",")[0])
        for label in [(ANRU, "% engagé", "%"), (ANRU, "montant", "€"), (PROGRAMME, "ménages relogés", "n"),
                      (PROGRAMME, "ménages", "n"), (PROGRAMME, "points durs", "n")]:
            assert len(decks_of.get(label, ())) >= 2, f"{consistency.describe(label)} : {decks_of.get(label)}"

    @pytest.mark.parametrize("programme", PROGRAMMES)
    def it_shows_every_figure_with_one_value_across_the_seven_decks(self, sessions, programme):
        """Every figure but the slips of stale forecasts (the known defect below, tested on its own)."""
        figures = [f for f in sessions[programme].figures if not _stale(f)]
        assert consistency.conflicts(figures) == []

    @pytest.mark.parametrize("programme", PROGRAMMES)
    def it_counts_the_operations_with_households_left_one_way(self, sessions, programme):
        """The review's sociale said « 4 opérations avec des ménages à reloger » where the revue said 2 (fixed in
        acfb256): both slides must keep reading the same count."""
        figures = [f for f in sessions[programme].figures if f.label == OPERATIONS_LEFT]
        assert len({f.where.split(",")[0] for f in figures}) >= 2
        assert consistency.conflicts(figures) == []

    @pytest.mark.parametrize("programme", PROGRAMMES)
    def it_measures_a_stale_forecast_slip_one_way(self, sessions, programme):
        """The messy programme's PER-AME-03 (delivery due 31/07/2021, forecast 15/01/2022 passed, t = 31/03/2022) read
        « +5 mois, prévision échue » in the Gantt and « +8 mois » in the revue: a delivery still to come is late at
        least until t, everywhere."""
        slips = {f.label for f in sessions[programme].figures if _stale(f)}
        assert consistency.conflicts([f for f in sessions[programme].figures if f.label in slips]) == []

    @pytest.mark.parametrize("programme", PROGRAMMES)
    def it_shows_every_slip_in_one_colour_across_the_seven_decks(self, sessions, programme):
        """The review saw a 12-month slip red in the alerts and orange elsewhere: the réunion technique coloured
        from « more than » 12 months (fixed in reunion_restreinte.slip_status). One colour per slip, and per number
        of months whatever the operation."""
        statuses = sessions[programme].statuses
        assert any(_at_red_threshold(s) for s in statuses) or programme == "x10"
        assert consistency.status_conflicts(statuses) == []

    @pytest.mark.parametrize("programme", PROGRAMMES)
    def it_adds_up_every_total_row(self, sessions, programme):
        errors = [error for table in sessions[programme].tables for error in consistency.total_errors(table)]
        assert errors == []


def _stale(figure: Figure) -> bool:
    return "prévision échue" in figure.where


def _at_red_threshold(status: Status) -> bool:
    """A slip of exactly 12 months (*Seuil retard rouge* of the three programmes)."""
    return status.label[1].endswith(" 12 mois") or status.where.endswith("+12 mois »")


class DescribeTheStaleDeliveryAlert:
    def it_measures_a_passed_delivery_date_to_the_date_de_situation_as_the_slips_do(self):
        """CAL-02 graded a delivery forecast passed with nothing delivered by its stale forecast (4 months, quiet)
        while the revue's slips, measured to t, said 12: the revue showed « +12 mois » uncoloured."""
        op = operation(delivery=dict(convention=date(2010, 9, 30), forecast=date(2011, 1, 31)))
        p = programme([op], at=date(2011, 9, 30))
        (alert,) = [a for a in evaluate(p) if a.code == "CAL-02"]
        (slip,) = [s for s in slips(p) if s.milestone == "Livraison"]
        assert alert.severity is Level.ROUGE and slip.vs_baseline_months == 12
        assert alert.finding == ("Réception prévue le 31/01/2011, date passée sans date réelle, au lieu du "
                                 "30/09/2010 : 12 mois de glissement au 30/09/2011 (motif non renseigné)")


class DescribeTheHab03Finding:
    def it_counts_as_rehoused_the_households_the_tables_count(self):
        """The review saw « 9 ménages relogés sur 35 (26 %) » in HAB-03 beside 8 relogés (23 %) in the tables:
        the alert counted a household gone without rehousing as rehoused."""
        case = rehousing_case(day(78), to_rehouse(done=4, left=1))
        (alert,) = [a for a in evaluate(case) if a.code == "HAB-03"]
        assert rehousing(case, "DEM-1").rehoused == 4
        assert alert.finding.startswith(
            f"4 ménages relogés et 1 parti sans relogement, soit 5 sur 10 (50{NBSP}%) pour 60{NBSP}% attendus")
        table = small_deck([], [["Opération", "Ménages", "Relogés", "Partis"], ["DEM-1 — Démolition", "10", "4", "1"]])
        row = small_deck([f"Orange | DEM-1 | {alert.finding}"])
        figures = (consistency.read_deck("a", table, case.at, {"DEM-1"}).figures
                   + consistency.read_deck("b", row, case.at, {"DEM-1"}).figures)
        assert len({f.where.split(",")[0] for f in figures if f.label[1] == "ménages relogés"}) == 2
        assert consistency.conflicts(figures) == []


# ---------------------------------------------------------------------------------------------- the reader
def small_deck(texts: list[str], rows: list[list[str]] | None = None) -> bytes:
    """Return a one-slide deck with ``texts`` in text boxes and ``rows`` in a table (header first)."""
    presentation = Presentation()
    slide = presentation.slides.add_slide(presentation.slide_layouts[5])
    slide.shapes.title.text = "Relogement"
    for text in texts:
        slide.shapes.add_textbox(Inches(1), Inches(1), Inches(4), Inches(1)).text_frame.text = text
    if rows:
        table = slide.shapes.add_table(len(rows), len(rows[0]), Inches(1), Inches(3), Inches(8), Inches(3)).table
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                table.cell(r, c).text = text
    buffer = io.BytesIO()
    presentation.save(buffer)
    return buffer.getvalue()


class DescribeTheReader:
    def it_finds_the_household_count_the_review_saw_two_ways(self):
        table = small_deck([], [["Opération", "Ménages", "Relogés", "% relogés"],
                                ["COU-DEM-03 — Démolition des Fileuses", "35", "8", "23 %"]])
        alert = small_deck(["Orange | COU-DEM-03 — Démolition des Fileuses | 9 ménages relogés sur 35 (26 %) "
                            "pour 100 % attendus"])
        figures = (consistency.read_deck("sociale", table, date(2011, 9, 30)).figures
                   + consistency.read_deck("comité", alert, date(2011, 9, 30)).figures)
        found = consistency.conflicts(figures)
        assert len(found) == 2  # the count and the share
        assert "ménages relogés [opération COU-DEM-03] : 8" in found[0] and "mais 9" in found[0]

    def it_accepts_a_rounded_amount_beside_the_exact_one_and_french_spaces(self):
        tile = small_deck(["76 %\nSubvention ANRU engagée (20,5\u202fM€ sur 26,9\u202fM€)"])
        table = small_deck([], [["Famille", "Subvention ANRU", "Engagé", "% engagé"],
                                ["Total", "26\u202f886\u202f997 €", "20\u00a0509\u00a0064 €", "76 %"]])
        figures = (consistency.read_deck("a", tile, date(2011, 9, 30)).figures
                   + consistency.read_deck("b", table, date(2011, 9, 30)).figures)
        assert {f.label for f in figures} == {(ANRU, "% engagé", "%"), (ANRU, "engagé", "€"), (ANRU, "montant", "€")}
        assert consistency.conflicts(figures) == []
        wrong = small_deck(["77 %\nSubvention ANRU engagée (20,5 M€ sur 26,9 M€)"])
        assert consistency.conflicts(figures + consistency.read_deck("c", wrong, date(2011, 9, 30)).figures)

    def it_finds_a_total_that_is_not_the_sum_of_its_rows(self):
        deck = small_deck([], [["Opération", "Heures travaillées"], ["PER-DEM-05", "5 212 h"],
                               ["PER-DEM-07", "1 718 h"], ["Total", "104 522 h"]])
        (table,) = consistency.read_deck("sociale", deck, date(2011, 9, 30)).tables
        assert consistency.total_errors(table) == [
            "sociale, diapositive 1 « Relogement » : « Total » 104 522 h dans la colonne « Heures travaillées » "
            "alors que ses 2 lignes font 6 930"]

    def it_does_not_add_up_rows_an_elision_left_out(self):
        deck = small_deck([], [["Opération", "Ménages"], ["PER-DEM-06", "45"], ["… et 6 autres", ""],
                               ["Total", "403"]])
        (table,) = consistency.read_deck("sociale", deck, date(2011, 9, 30)).tables
        assert consistency.total_errors(table) == []
