"""The three réunions restreintes (technique, financière, sociale): what the room reads on them.

The shipped master and a programme ten times larger give the decks' shape (synthesis first, points durs and
decisions instead of alert dumps, 5–9 slides, at most 1.5× on ×10); small programmes built in code pin down the
defects of issue #13: the funders' total, the forecast passed with nothing real, the agreements.
"""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import pytest
from pptx import Presentation

from bench.generate import write_programme
from opc_excel.compute.alerts import evaluate
from opc_excel.compute.indicators import compute_indicators
from opc_excel.model import Level
from opc_excel.pipeline import check_file
from opc_excel.read import contract
from opc_excel.render.decks import build_deck
from opc_excel.render.decks.look import STATUS_LIGHT
from opc_excel.render.decks.restreinte_slides import planned
from opc_excel.report import CheckReport
from opc_excel.text import plain
from tests.programmes import action, funding, household, operation, programme

TODAY = date(2026, 1, 1)
MASTER = Path(__file__).resolve().parents[1] / "workbooks" / "perseigne_master.xlsx"
THEMES = ("technique", "financiere", "sociale")
AT = date(2011, 9, 30)


@pytest.fixture(scope="module")
def decks(tmp_path_factory) -> dict:
    reports = {"master": check_file(MASTER, at=None, today=TODAY),
               "x10": check_file(write_programme(10, tmp_path_factory.mktemp("x10")), at=None, today=TODAY)}
    return {(name, theme): Presentation(io.BytesIO(build_deck(report, "reunion-restreinte", theme=theme)))
            for name, report in reports.items() for theme in THEMES}


def report_for(p) -> CheckReport:
    return CheckReport(p, (), {}, indicators=compute_indicators(p), alerts=tuple(evaluate(p)))


def deck_of(p, theme: str, seance: date | None = None):
    return Presentation(io.BytesIO(build_deck(report_for(p), "reunion-restreinte", theme=theme, seance=seance)))


def said(text: str) -> str:
    """Return the text as read: French typography undone, non-breaking spaces as spaces."""
    return plain(text).replace("\xa0", " ").replace("\u202f", " ")


def titles(deck) -> list[str]:
    return [said(s.shapes.title.text_frame.text) for s in deck.slides]


def slide_titled(deck, pattern: str):
    (slide,) = [s for s in deck.slides if re.search(pattern, said(s.shapes.title.text_frame.text))]
    return slide


def rows(slide) -> list[list[str]]:
    table = next(s for s in slide.shapes if s.has_table).table
    return [[said(cell.text) for cell in row.cells] for row in list(table.rows)[1:]]


def notes(slide) -> str:
    return said(slide.notes_slide.notes_text_frame.text)


def all_text(deck) -> str:
    found = []
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                found.append(shape.text_frame.text)
            if shape.has_table:
                found.extend(cell.text for row in shape.table.rows for cell in row.cells)
    return said("\n".join(found))


# ---------------------------------------------------------------- shape of the decks


class DescribeTheDecks:
    @pytest.mark.parametrize("theme", THEMES)
    def it_holds_in_five_to_nine_slides_and_half_as_many_more_at_ten_times_the_programme(self, decks, theme):
        master, x10 = len(decks[("master", theme)].slides), len(decks[("x10", theme)].slides)
        assert 5 <= master <= 9
        assert x10 <= 1.5 * master

    @pytest.mark.parametrize("theme", THEMES)
    def it_opens_on_the_synthesis_and_ends_on_points_durs_decisions_and_actions(self, decks, theme):
        found = titles(decks[("master", theme)])
        assert found[1].startswith("Synthèse")
        assert re.search(r"points? durs?", found[-3])
        assert re.search(r"décisions? demandées? en séance|Aucune décision", found[-2])
        assert re.search(r"actions? ouvertes? de la réunion", found[-1])
        assert not any(t.startswith("Points d'alerte") for t in found)  # no alert dump any more

    @pytest.mark.parametrize("theme", THEMES)
    def it_titles_every_slide_with_a_finding_not_a_topic(self, decks, theme):
        topics = {"Glissements par famille", "Livraisons en glissement", "Enchaînements à tenir",
                  "Plans de financement par financeur", "Courbe en S ANRU", "Subvention ANRU par famille",
                  "Échéances financières à six mois", "Relogement des ménages", "Relogements en cours",
                  "Insertion et GUP", "Insertion des chantiers en cours"}
        for title in titles(decks[("master", theme)])[2:]:
            assert title not in topics
            assert not re.search(r"\b(0|1) \w+s\b(?! mois)", title.replace("1 enchaînement", ""))

    @pytest.mark.parametrize("theme", THEMES)
    def it_keeps_every_table_on_its_slide_at_ten_times_the_programme(self, decks, theme):
        assert not any(t.endswith("(suite)") for t in titles(decks[("x10", theme)])
                       if "prévues après la date contractuelle" not in t)  # the Gantt is the Gantt helper's


# ---------------------------------------------------------------- financière: the funders' table


def funded() -> object:
    ops = [operation("OP-1", owner="Orne Habitat"), operation("OP-2", owner="Ville d'Alençon")]
    return programme(ops, funding=[
        funding("OP-1", "ANRU", 400_000, engaged=200_000, paid=100_000),
        funding("OP-2", "Conseil régional", 100_000, engaged=100_000),
        funding("OP-1", "Prêts CDC", 1_000_000),  # a loan: no funder engages it
        funding("OP-1", "Orne Habitat", 500_000)])  # the owner's own funds


class DescribeTheFundersTable:
    def it_rates_the_subsidies_on_the_subsidies_only(self):
        deck = deck_of(funded(), "financiere")
        slide = slide_titled(deck, r"^Subventions engagées")
        table = {row[0]: row for row in rows(slide)}
        # 300 000 engaged of 500 000 of subsidies: 60 %, not 300 000 of 2 000 000 (15 %)
        assert table["Total des subventions"][1:5] == ["0,5 M€", "0,0 M€", "0,3 M€", "60 %"]
        assert "60 %" in said(slide.shapes.title.text_frame.text)
        assert "1,5 M€ de fonds propres et prêts" in said(slide.shapes.title.text_frame.text)

    def it_shows_own_funds_and_loans_as_not_followed_and_no_rate_on_the_plans_total(self):
        table = {row[0]: row for row in rows(slide_titled(deck_of(funded(), "financiere"), r"^Subventions engagées"))}
        assert table["Prêts CDC"][3:] == ["non suivi"] * 5
        assert table["Orne Habitat"][3:] == ["non suivi"] * 5
        assert table["Total fonds propres et prêts"][1] == "1,5 M€"
        assert table["Total des plans de financement"][1] == "2,0 M€"
        assert not any("%" in cell for cell in table["Total des plans de financement"])


# ---------------------------------------------------------------- technique: a forecast passed with nothing real


def stale() -> object:
    """A demolition whose works start was forecast (and contracted) for 30/06/2011: not started at 30/09/2011."""
    demolition = operation("OP-D", famille=contract.DEMOLITION, status="Études", label="Démolition tour A",
                           works_start=dict(convention=date(2011, 6, 30), forecast=date(2011, 6, 30)),
                           delivery=dict(convention=date(2012, 6, 30), forecast=date(2012, 6, 30)))
    return programme([demolition], households=[household(f"M-{i}", "OP-D") for i in range(10)])


class DescribeAForecastPassedWithNothingReal:
    def it_counts_the_slip_until_the_date_de_situation_by_famille(self):
        deck = deck_of(stale(), "technique")
        slide = slide_titled(deck, r"prévisions? échues? sans date réelle")
        (row,) = [r for r in rows(slide) if r[0] == contract.DEMOLITION]
        assert row[1] == "+3 mois"  # 30/06 → 30/09/2011: late until t, not « 0 mois »
        assert row[-1] == "1"  # one forecast passed with nothing real

    def it_lists_the_start_as_late_and_says_the_forecast_passed(self):
        slide = slide_titled(deck_of(stale(), "technique"), r"en retard sur la date contractuelle")
        (row,) = [r for r in rows(slide) if r[1] == "Démarrage des travaux"]
        assert row[3] == "30/06/2011 : échue" and row[4] == "+3 mois"
        assert "Démarrage des travaux prévu le 30/06/2011, non intervenu" in notes(slide)


class DescribeTheSlipColours:
    def it_paints_a_twelve_month_slip_red_as_cal_02_does(self):
        late = operation("OP-L", delivery=dict(convention=date(2011, 6, 30), forecast=date(2012, 6, 30)))
        p = programme([late])
        assert [a.severity for a in evaluate(p) if a.code == "CAL-02"] == [Level.ROUGE]
        slide = slide_titled(deck_of(p, "technique"), r"en retard sur la date contractuelle")
        assert "dont 1 de 12 mois ou plus" in said(slide.shapes.title.text_frame.text)
        table = next(s for s in slide.shapes if s.has_table).table
        cell = table.rows[1].cells[4]
        assert said(cell.text) == "+12 mois" and cell.fill.fore_color.rgb == STATUS_LIGHT["rouge"]


# ---------------------------------------------------------------- agreements


class DescribeAgreements:
    @pytest.mark.parametrize(("name", "said"), [
        ("Démarrage des travaux", "Démarrage des travaux prévu"), ("Livraison", "Livraison prévue"),
        ("Dépôt PC", "Dépôt PC prévu"), ("DAS", "DAS prévue"), ("Fin de démolition", "Fin de démolition prévue")])
    def it_agrees_prevu_with_the_milestone(self, name, said):
        assert planned(name) == said

    def it_counts_only_the_operations_with_households_left_as_the_total_does(self):
        ops = [operation("OP-A"), operation("OP-B")]
        households = [household("M-1", "OP-A"), household("M-2", "OP-B", status="Relogement temporaire")]
        slide = slide_titled(deck_of(programme(ops, households=households), "sociale"), r"ménages à reloger :")
        assert said(slide.shapes.title.text_frame.text) == (
            "1 opération avec des ménages à reloger : 1 ménage restant, 1 en relogement temporaire")

    def it_says_one_operation_in_the_singular(self):
        deck = deck_of(stale(), "sociale")
        text = all_text(deck)
        assert "1 opération avec des ménages à reloger" in text
        assert not re.search(r"\b1 (opérations|ménages|actions|autres)\b", text)


# ---------------------------------------------------------------- actions relative to the séance


class DescribeOpenActions:
    def it_flags_as_late_what_falls_due_before_the_seance(self):
        p = programme([operation("OP-1")], actions=[
            action("A-1", instance="Réunion technique", subject="Planning", due=date(2011, 10, 10), status="En cours"),
            action("A-2", instance="Réunion technique", subject="Phasage", due=date(2011, 11, 30), status="En cours"),
            action("A-3", instance="Réunion sociale", subject="Relogement", due=date(2011, 9, 1), status="En cours")])
        deck = deck_of(p, "technique", seance=date(2011, 10, 20))
        slide = slide_titled(deck, r"actions? ouvertes? de la réunion technique")
        assert said(slide.shapes.title.text_frame.text) == (
            "2 actions ouvertes de la réunion technique, dont 1 en retard à la séance du 20/10/2011")
        assert [(r[0], r[4]) for r in rows(slide)] == [("A-1", "10/10/2011 (en retard)"), ("A-2", "30/11/2011")]


# ---------------------------------------------------------------- one figure, one value: rows add up to the total


def number(text: str) -> int:
    return int(re.sub(r"[^\d]", "", text) or 0)


class DescribeTheSocialTables:
    @pytest.mark.parametrize("name", ["master", "x10"])
    @pytest.mark.parametrize(("pattern", "column"), [(r"avec des ménages à reloger", 1),
                                                     (r"en chantier avec des marchés d'insertion", 2)])
    def it_shows_rows_that_add_up_to_the_total_below_them(self, decks, name, pattern, column):
        *body, total = rows(slide_titled(decks[(name, "sociale")], pattern))
        assert total[0].startswith("Total")
        assert sum(number(row[column]) for row in body) == pytest.approx(number(total[column]), abs=len(body))
