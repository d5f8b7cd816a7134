"""The comité de pilotage's semester report, read as the room reads it (issue #13).

Titles state findings; the synthesis first; an item never both a success and a risk; funders split between
subsidies and own funds or loans; one figure for the avenant (slips, avenants, decision); stale forecasts late;
perspectives from the séance on one slide; the same length on a programme ten times larger. On the shipped
master, on a programme ten times larger and on small programmes built in code (at 30/09/2011).
"""

from __future__ import annotations

import io
import re
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from pptx import Presentation

from bench.generate import write_programme
from opc_excel.compute.alerts import evaluate
from opc_excel.compute.indicators import compute_indicators
from opc_excel.compute.schedule import add_months
from opc_excel.fr import fr_date
from opc_excel.model import Amendment, ProgrammeKind
from opc_excel.pipeline import check_file
from opc_excel.read import contract
from opc_excel.render.decks import build_deck
from opc_excel.render.decks.common import DeckInput
from opc_excel.render.decks.look import STATUS_LIGHT
from opc_excel.report import CheckReport
from opc_excel.situation.formats import euros, meur, pct, plural
from opc_excel.text import plain
from tests.programmes import funding, household, operation, programme

TODAY = date(2026, 1, 1)
MASTER = Path(__file__).resolve().parents[1] / "workbooks" / "perseigne_master.xlsx"
CODE = re.compile(r"\b(?:CAL|FIN|HAB|SOC|GOV)-\d\d\b")
FILL = {str(rgb): name for name, rgb in STATUS_LIGHT.items()}
TOPICS = {"Synthèse du semestre", "Respect des engagements de la convention", "Financements par financeur",
          "Courbe en S ANRU", "Les 10 plus forts glissements", "Motifs de décalage", "Avenants en préparation",
          "Perspectives du semestre"}


def norm(text: str) -> str:
    """Return ``text`` with its non-breaking and thin spaces read as spaces (the figures compared, not the glyphs)."""
    return re.sub("[\u00a0\u202f\u2009]", " ", plain(text))


def report_for(p) -> CheckReport:
    return CheckReport(p, (), {}, indicators=compute_indicators(p), alerts=tuple(evaluate(p)))


def deck_of(report, **kwargs) -> list:
    return list(Presentation(io.BytesIO(build_deck(report, "copil", **kwargs))).slides)


def title(slide) -> str:
    return norm(slide.shapes.title.text_frame.text) if slide.shapes.title else ""


def starting(deck, start: str):
    return next(s for s in deck if title(s).startswith(start))


def rows_of(slide) -> list[list[str]]:
    table = next(s for s in slide.shapes if s.has_table).table
    return [[norm(c.text) for c in row.cells] for row in list(table.rows)[1:]]


def colours_of(slide) -> list[list[str | None]]:
    table = next(s for s in slide.shapes if s.has_table).table
    found = []
    for row in list(table.rows)[1:]:
        line = []
        for cell in row.cells:
            try:
                line.append(FILL.get(str(cell.fill.fore_color.rgb)))
            except (AttributeError, TypeError):
                line.append(None)
        found.append(line)
    return found


def text_of(slide) -> str:
    return norm("\n".join(s.text_frame.text for s in slide.shapes if s.has_text_frame))


@pytest.fixture(scope="module")
def master():
    return check_file(MASTER, at=None, today=TODAY)


@pytest.fixture(scope="module")
def data(master):
    return DeckInput(master, kind="copil")


@pytest.fixture(scope="module")
def deck(master):
    return deck_of(master)


class DescribeTheDeck:
    def it_opens_on_the_synthesis_and_states_findings_in_its_titles(self, deck):
        titles = [title(s) for s in deck]
        assert 10 <= len(deck) <= 15
        assert titles[1].startswith("Synthèse : ")
        assert not TOPICS & set(titles)  # a topic never stands as a title
        assert titles[-2:] == ["Annexe", "Tableau financier par famille"]

    def it_keeps_its_length_on_a_programme_ten_times_larger(self, deck, tmp_path_factory):
        x10 = check_file(write_programme(10, tmp_path_factory.mktemp("x10")), at=None, today=TODAY)
        assert len(deck_of(x10)) <= 1.5 * len(deck)

    def it_asks_the_decisions_of_the_copil_and_counts_them_in_the_synthesis(self, deck):
        asked = starting(deck, "Synthèse : ")
        decided = next(s for s in deck if "décisions demandées en séance" in title(s) and s is not asked)
        count = int(title(decided).split(" ")[0])
        assert len(rows_of(decided)) == count and f"{count} décisions demandées en séance" in title(asked)


class DescribeTheSemester:
    def it_names_the_first_achievement_and_the_first_risk(self, deck, data):
        slide = deck[2]
        assert title(slide) == ("Semestre : 4 livraisons et 7 démarrages ; premier risque : 745 570 € de subvention "
                                "ANRU en jeu (PER-EQP-01)")
        text = text_of(slide)
        assert all(norm(line) in text for line in data.situation.risks)

    def it_says_no_alert_code_alone(self, deck):
        for slide in deck[2:4]:
            assert not CODE.search(text_of(slide)), title(slide)

    def it_never_lists_the_relogement_as_a_success_beside_a_relogement_risk_on_the_master(self, data):
        # PER-DEM-06's 12 households to rehouse are among the three risks; relogement is red on the convention
        assert any("ménages à reloger" in r for r in data.situation.risks)
        assert not any("relog" in a.lower() for a in data.situation.achievements)

    def it_never_lists_an_npnru_programmes_relogement_both_as_a_success_and_a_risk(self):
        demolition = operation("DEM-1", famille=contract.DEMOLITION, status="Études",
                               works_start=dict(convention=date(2011, 11, 1), forecast=date(2011, 11, 1)),
                               delivery=dict(convention=date(2012, 6, 30)),
                               rehousing_start=dict(convention=date(2010, 1, 1), actual=date(2010, 1, 1)))
        households = ([household(f"M-{n:03}", "DEM-1", "Relogé") for n in range(30)]
                      + [household(f"N-{n:03}", "DEM-1") for n in range(8)])
        data = DeckInput(report_for(programme([demolition], kind=ProgrammeKind.NPNRU, households=households,
                                              params=dict(gup_end=date(2013, 12, 31)))))
        assert data.situation.risks[0].startswith("DEM-1 — Opération DEM-1 : 8 ménages à reloger avant la démolition")
        assert data.situation.achievements  # the GUP still is a success
        assert not any("relog" in a.lower() for a in data.situation.achievements)  # « 30 ménages relogés » was one


class DescribeTheConvention:
    def it_says_which_commitments_are_red(self, deck):
        slide = starting(deck, "Convention : ")
        assert title(slide) == "Convention : 2 engagements sur 5 au rouge (calendrier, relogement), 2 à l'orange"
        statuses = {r[0]: r[3] for r in rows_of(slide)}
        assert statuses["Calendrier de la convention"] == statuses["Relogement des ménages"] == "Rouge"
        assert all(not CODE.search(r[2]) for r in rows_of(slide))  # the alerts said in words


class DescribeTheFunders:
    def it_separates_subsidies_from_own_funds_and_loans_with_totals(self, deck, data):
        slide = starting(deck, "Subventions engagées à ")
        rows = rows_of(slide)
        names = [r[0] for r in rows]
        anru = data.indicators.anru
        assert rows[0] == [norm(t) for t in ("ANRU", meur(anru.amount), meur(anru.engaged), pct(anru.engaged_pct),
                                             meur(anru.paid), pct(anru.paid_of_amount_pct), meur(anru.to_engage),
                                             meur(anru.to_pay))]
        subsidies, own = names.index("Total des subventions"), names.index("Total fonds propres et prêts")
        assert names.index("Sous-total autres subventions") < subsidies < names.index("Prêts CDC") < own
        assert names.index("Conseil général de l'Orne") < subsidies
        for row in rows[subsidies + 1:own + 1]:  # own funds and loans: never 0 % engaged
            assert row[2:] == ["non suivi"] * 6
        amounts = {r[0]: float(r[1].replace(" M€", "").replace(",", ".")) for r in rows}
        assert amounts["Total du plan de financement"] == pytest.approx(
            amounts["Total des subventions"] + amounts["Total fonds propres et prêts"], abs=0.11)
        share = f"Subventions engagées à {rows[subsidies][3]} (ANRU {pct(anru.engaged_pct)}"
        assert title(slide).startswith(norm(share))


class DescribeTheSCurve:
    def it_titles_the_values_plotted_at_t(self, deck, data):
        now = next(p for p in data.situation.s_curve if p.day == data.at)
        slide = starting(deck, "Subvention ANRU engagée à ")
        assert title(slide) == norm(
            f"Subvention ANRU engagée à {pct(now.engaged_pct)} pour {pct(now.planned_pct)} prévus, versée à "
            f"{pct(now.paid_pct)} pour {pct(now.planned_paid_pct)} prévus")
        assert norm(f"Prévu à date : {pct(now.planned_pct)}") in text_of(slide)


class DescribeTheAvenant:
    """One figure, one value: the slips to carry by avenant are GOV-04's, on every slide that counts them."""

    def it_counts_the_same_slips_on_the_slips_and_avenants_slides_and_in_the_decision(self, deck, data):
        gov04 = data.situation.avenant_candidates
        slipping = [a for a in gov04 if "de glissement" in a.finding]
        slips = starting(deck, f"{plural(len(slips_of(data)), 'opération')} en glissement")
        assert f"dont {len(slipping)} à porter par avenant" in title(slips)
        carried = [r[0].split(" — ")[0] for r in rows_of(slips) if r[6] == "à porter par avenant"]
        assert set(carried) <= {a.operation_id for a in slipping}
        avenants = starting(deck, f"{plural(len(gov04), 'changement')} à porter par avenant")
        assert f"dont {plural(len(slipping), 'glissement')}" in title(avenants)
        decided = next(s for s in deck if title(s).endswith(" décisions demandées en séance, la première pour le "
                                                            "21/12/2011"))
        assert rows_of(decided)[0][0].startswith(f"Engager la préparation d'un avenant pour "
                                                 f"{plural(len(gov04), 'changement')}")

    def it_paints_a_twelve_month_slip_red_as_the_alerts_do(self, deck, data):
        slide = starting(deck, f"{len(slips_of(data))} opérations en glissement")
        for row, colours in zip(rows_of(slide), colours_of(slide), strict=True):
            months = int(row[4].strip("+ mois"))
            assert colours[4] == ("rouge" if months >= 12 else "orange" if months >= 6 else None), row

    def it_counts_the_motifs_of_the_same_slips(self, deck, data):
        counts = Counter(s.motif or "Non renseigné" for s in slips_of(data))
        first, n = counts.most_common(1)[0]
        assert title(starting(deck, "Premier motif de décalage")) == (
            f"Premier motif de décalage : {first.lower()} ({n} des {len(slips_of(data))} opérations en glissement)")


def slips_of(data):
    from opc_excel.render.decks.copil_calendar import operation_slips
    return operation_slips(data)


class DescribeStaleForecasts:
    """A forecast in the past with nothing real is late, never on time."""

    @pytest.fixture(scope="class")
    @classmethod
    def stale(cls):
        op = operation("OP-1", famille=contract.DEMOLITION, status="Études",
                       works_start=dict(convention=date(2011, 3, 1), forecast=date(2011, 3, 1)),
                       delivery=dict(convention=date(2012, 3, 1), forecast=date(2012, 3, 1)))
        return deck_of(report_for(programme([op], funding=[funding("OP-1")])))

    def it_shows_the_slip_running_to_the_date_de_situation(self, stale):
        slide = starting(stale, "1 opération en glissement")
        [row] = rows_of(slide)
        assert row[3] == "01/03/2011 dépassée" and row[4] == "+6 mois"
        assert colours_of(slide)[0][3] == "rouge"

    def it_shows_it_late_in_the_perspectives(self, stale):
        slide = starting(stale, "D'ici le ")
        assert title(slide).endswith("; 1 jalon en retard à la séance")
        late = [r for r in rows_of(slide) if r[1] == "Lancement"]
        assert late[0][0] == "01/03/2011 dépassée" and colours_of(slide)[0][0] == "rouge"


class DescribeThePerspectives:
    def it_starts_at_the_seance_and_flags_what_falls_before_it(self):
        ops = [operation(f"OP-{n}", status="Études", works_start=dict(convention=day, forecast=day))
               for n, day in ((1, date(2011, 10, 15)), (2, date(2011, 11, 15)), (3, date(2012, 5, 1)),
                              (4, date(2012, 6, 1)))]
        deck = deck_of(report_for(programme(ops)), seance=date(2011, 11, 1))
        slide = starting(deck, "D'ici le 01/05/2012 : ")  # six months after the séance, not after t
        assert title(slide) == "D'ici le 01/05/2012 : 2 lancements ; 1 jalon en retard à la séance"
        rows = rows_of(slide)
        assert [r[2].split(" — ")[0] for r in rows] == ["OP-1", "OP-2", "OP-3"]  # OP-4 after the horizon
        assert rows[0][0] == "15/10/2011, avant la séance" and colours_of(slide)[0][0] == "orange"

    def it_counts_by_famille_on_one_slide_when_the_list_is_long(self, deck, data):
        seance = data.meeting.day
        slides = [s for s in deck if title(s).startswith("D'ici le ")]
        assert len(slides) == 1 and title(slides[0]).startswith(f"D'ici le {fr_date(add_months(seance, 6))} : ")
        rows = rows_of(slides[0])
        assert rows[0][0] != "Total" and rows[-1][0] == "Total"


class DescribeTheRules:
    """The summary's rules on programmes built in code (30/09/2011, convention signed 28/01/2008)."""

    def it_calls_engagement_ahead_of_the_curve_an_achievement(self):
        on_time = operation("OP-1", works_start=dict(convention=date(2011, 1, 1), actual=date(2011, 1, 1)),
                            delivery=dict(convention=date(2012, 12, 31)),
                            das=dict(convention=date(2010, 6, 1), actual=date(2010, 6, 1)))
        early = operation("OP-2", works_start=dict(convention=date(2012, 9, 1)),
                          delivery=dict(convention=date(2013, 12, 31)),
                          das=dict(convention=date(2012, 6, 1), actual=date(2011, 3, 1)))  # engaged a year early
        lines = [funding(op_id, amount=1_000_000, engaged=1_000_000) for op_id in ("OP-1", "OP-2")]
        data = DeckInput(report_for(programme([on_time, early], funding=lines)))
        planned = data.indicators.planned_engagement_pct
        assert planned == 50  # the step of OP-1 only: OP-2's DAS is due in 2012
        assert data.situation.achievements[0] == (f"Subvention ANRU engagée à {pct(100)} ({meur(2_000_000)}), "
                                                  f"au-dessus des {pct(planned)} prévus")

    def it_carries_by_avenant_a_slip_beyond_the_red_threshold_of_the_latest_baseline(self):
        late = operation("OP-1", delivery=dict(convention=date(2011, 1, 1), avenant=date(2012, 1, 1),
                                               forecast=date(2013, 3, 1), motif="Foncier"))
        ratified = operation("OP-2", delivery=dict(convention=date(2010, 1, 1), avenant=date(2013, 1, 1),
                                                   forecast=date(2013, 6, 1)))
        report = report_for(programme([late, ratified]))
        assert [a.operation_id for a in DeckInput(report).situation.avenant_candidates] == ["OP-1"]  # 14 months
        deck = deck_of(report)
        slips = starting(deck, "2 opérations en glissement, dont 1 à porter par avenant")
        assert [(r[0].split(" — ")[0], r[4], r[6]) for r in rows_of(slips)] == [
            ("OP-1", "+14 mois", "à porter par avenant"), ("OP-2", "+5 mois", "planning de rattrapage")]
        assert title(starting(deck, "1 changement à porter par avenant")) == (
            "1 changement à porter par avenant, dont 1 glissement ; aucun avenant en préparation")

    def it_lists_an_avenant_in_preparation_first(self):
        p = programme([operation("OP-1")], amendments=[Amendment("3", date(2012, 2, 1), "National", "Recalage",
                                                                 ("OP-1",))])
        slide = starting(deck_of(report_for(p)), "Aucun changement à porter par avenant")
        assert title(slide) == "Aucun changement à porter par avenant ; 1 avenant en préparation"
        assert rows_of(slide)[0] == ["Avenant n°3 (national)", "OP-1", "Recalage", "prévu le 01/02/2012"]

    def it_names_the_points_durs_at_most_stake_first_among_the_risks_in_words(self):
        late = operation("OP-1", delivery=dict(convention=date(2011, 1, 1), forecast=date(2012, 3, 1)))  # 14 months
        lapsing = operation("OP-2", das=dict(convention=date(2012, 6, 1), forecast=date(2014, 6, 1)))  # past 2013
        p = programme([late, lapsing], funding=[funding("OP-2", amount=900_000, status="Sollicité")])
        [first, second] = DeckInput(report_for(p)).situation.risks
        assert norm(first).startswith(norm(f"OP-2 — Opération OP-2 : {euros(900_000)} de subvention ANRU en jeu"))
        assert "après la date limite d'engagement" in first  # a subsidy lost for good outranks a slip
        assert second.startswith("OP-1 — Opération OP-1 : 14 mois de glissement")
        assert not CODE.search(first + second)

    def it_has_nothing_to_say_on_an_empty_programme(self):
        data = DeckInput(report_for(programme([])))
        assert data.situation.achievements == [] and data.situation.risks == []
        assert {status for _, status, _, _ in data.situation.compliance} == {"gris"}  # nothing measured
