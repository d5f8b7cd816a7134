"""Specifications of the financial alerts FIN-01 … FIN-13, on small programmes built in code.

Date de situation 30/09/2011 unless told; default thresholds of *Paramètres* unless told.
Each table row: a programme, the expected gravity (None: quiet), and figures the finding must show.
"""

from __future__ import annotations

import inspect
from dataclasses import replace
from datetime import date
from types import MappingProxyType
from typing import Any

import pytest

from opc_excel.compute.alerts import RULES, evaluate
from opc_excel.compute.alerts.financier import engagement, financement, subvention
from opc_excel.model import Alert, Level, Milestone, Operation, Programme, ProgrammeKind, Theme
from tests.programmes import AT, funding, operation, programme

ROUGE, ORANGE = Level.ROUGE, Level.ORANGE
NNBSP, NBSP = "\u202f", "\u00a0"
FIN_CODES = [f"FIN-{n:02d}" for n in range(1, 14)]


def eur(digits: str) -> str:
    """Return ``"1 000 000"`` as fr_amount writes it: narrow no-break spaces, then `` €``."""
    return digits.replace(" ", NNBSP) + NBSP + "€"


def pct(digits: str) -> str:
    return digits + NBSP + "%"


def alerts_of(code: str, p: Programme) -> list[Alert]:
    return evaluate(p, rules=[RULES[code]])


def assert_alert(code: str, p: Programme, level: Level | None, figures: list[str]) -> None:
    found = alerts_of(code, p)
    if level is None:
        assert found == []
        return
    assert [(a.severity, a.code, a.theme) for a in found] == [(level, code, Theme.FINANCIER)]
    alert = found[0]
    for figure in figures:
        assert figure in alert.finding
    assert alert.measure and alert.finding[0].isupper()


def one(op: Operation | None = None, lines: tuple[Any, ...] = (), **kwargs: Any) -> Programme:
    """Return a programme of one operation (OP-1 by default) with its funding lines."""
    return programme([op or operation()], funding=list(lines), **kwargs)


def anru(amount: float = 500_000, **kwargs: Any) -> Any:
    return funding(funder="ANRU", amount=amount, **kwargs)


def ville(amount: float = 500_000, **kwargs: Any) -> Any:
    return funding(funder="Ville", amount=amount, **kwargs)


# ---------------------------------------------------------------- the catalogue


class DescribeTheFinancialCatalogue:
    @pytest.mark.parametrize("code", FIN_CODES)
    def it_registers_each_code_in_the_financial_theme_with_a_docstring(self, code):
        registered = RULES[code]
        assert registered.theme is Theme.FINANCIER
        assert registered.description.startswith("Yield")
        assert inspect.getmodule(registered.check) in (financement, subvention, engagement)

    def it_runs_every_financial_rule_in_both_programmes(self):
        assert all(RULES[code].programmes == set(ProgrammeKind) for code in FIN_CODES)

    def it_stays_quiet_on_a_sound_programme(self):
        p = one(operation(das=dict(actual=date(2010, 6, 1)), works_start=dict(actual=date(2011, 9, 1)),
                          delivery=dict(convention=date(2013, 6, 30))),
                (anru(engaged=500_000, advance=75_000, paid=75_000), ville(status="Acquis")))
        assert evaluate(p, rules=[RULES[code] for code in FIN_CODES]) == []


# ---------------------------------------------------------------- FIN-01


class DescribeFundingPlanOffBalance:
    @pytest.mark.parametrize(("p", "level", "figures"), [
        # lines add up to the cost
        (one(lines=(anru(), ville())), None, []),
        # 4 999 € short of 1 000 000 €: just under the 0,5 % tolerance
        (one(lines=(anru(), ville(495_001))), None, []),
        # 5 000 € short: at the tolerance
        (one(lines=(anru(), ville(495_000))), ROUGE,
         [eur("995 000"), eur("1 000 000"), eur("5 000") + " non financés", pct("0,5")]),
        # 5 001 € short: past it
        (one(lines=(anru(), ville(494_999))), ROUGE, [eur("5 001"), pct("0,5")]),
        # 100 000 € financed beyond the cost
        (one(lines=(anru(), ville(600_000))), ROUGE, [eur("100 000") + " financés au-delà du coût", pct("10,0")]),
        # the current amount of a line replaces its convention amount
        (one(lines=(anru(), ville(amount_current=450_000))), ROUGE, [eur("50 000"), pct("5,0")]),
        # the current cost replaces the convention cost
        (one(operation(cost_current=1_100_000), (anru(), ville())), ROUGE, [eur("1 100 000"), eur("100 000")]),
        # a larger tolerance typed in Paramètres
        (one(lines=(anru(), ville(490_000)), params=dict(funding_tolerance_pct=2)), None, []),
        # no funding line at all
        (one(), ROUGE, ["Aucun plan de financement", eur("1 000 000")]),
        # lines of another operation do not finance this one
        (one(lines=(anru(op_id="OP-2"), ville(op_id="OP-2"))), ROUGE, ["Aucun plan de financement"]),
        # nothing to finance: zero cost, no line
        (one(operation(cost=0)), None, []),
        # an unknown line amount: left out, not summed as zero
        (one(lines=(anru(), ville(None))), None, []),
        # an unknown cost: left out
        (one(operation(cost=None), (anru(),)), None, []),
        # delivered: the balance is computed on the plan, it still alerts
        (one(operation(status="Livrée"), (anru(),)), ROUGE, [eur("500 000")]),
        # soldée: accounts closed
        (one(operation(status="Soldée"), (anru(),)), None, []),
        # abandoned
        (one(operation(status="Abandonnée"), (anru(),)), None, []),
    ])
    def it_fires_red_from_the_tolerance(self, p, level, figures):
        assert_alert("FIN-01", p, level, figures)


# ---------------------------------------------------------------- FIN-02


def capped(**kwargs: Any) -> Operation:
    return operation(anru_ceiling_pct=50, **kwargs)


class DescribeAnruRateAboveCeiling:
    @pytest.mark.parametrize(("p", "level", "figures"), [
        # at the ceiling
        (one(capped(), (anru(500_000), ville())), None, []),
        # 50,05 %: within the rounding tolerance
        (one(capped(), (anru(500_500), ville(499_500))), None, []),
        # 50,06 %: above
        (one(capped(), (anru(500_600), ville(499_400))), ROUGE, [pct("50,1"), pct("50,0")]),
        # 60 %
        (one(capped(), (anru(600_000), ville(400_000))), ROUGE, [eur("600 000"), eur("1 000 000"), pct("60,0")]),
        # two ANRU lines, one typed the lazy way: summed
        (one(capped(), (anru(300_000), funding(funder=" anru ", amount=300_000))), ROUGE, [eur("600 000")]),
        # the current cost is the base: 600 000 € of 1 200 000 €
        (one(capped(cost_current=1_200_000), (anru(600_000),)), None, []),
        # other funders do not count
        (one(capped(), (anru(100_000), ville(900_000))), None, []),
        # no ceiling typed
        (one(operation(), (anru(900_000),)), None, []),
        # an unknown ANRU amount
        (one(capped(), (anru(None), anru(600_000))), None, []),
        # soldée
        (one(capped(status="Soldée"), (anru(600_000),)), None, []),
        # abandoned
        (one(capped(status="Abandonnée"), (anru(600_000),)), None, []),
        # the base subventionnable replaces the cost: 500 000 € of 800 000 € is 62,5 %
        (one(capped(subsidy_base=800_000), (anru(500_000), ville())), ROUGE,
         ["base subventionnable de " + eur("800 000"), pct("62,5"), pct("50,0")]),
        # a base above the cost (assiette up to 130 %): 600 000 € of 1 200 000 € is at the ceiling
        (one(capped(subsidy_base=1_200_000), (anru(600_000), ville(400_000))), None, []),
        # a base of zero: nothing to compare with
        (one(capped(subsidy_base=0), (anru(600_000), ville(400_000))), None, []),
    ])
    def it_fires_red_strictly_above_the_ceiling(self, p, level, figures):
        assert_alert("FIN-02", p, level, figures)


# ---------------------------------------------------------------- FIN-03


def costing(current: float | None, **kwargs: Any) -> Programme:
    return one(operation(cost=1_000_000, cost_current=current, **kwargs), (anru(), ville()))


class DescribeCostDrift:
    @pytest.mark.parametrize(("p", "level", "figures"), [
        # no current cost typed
        (costing(None), None, []),
        # +9,99 %: just under orange
        (costing(1_099_900), None, []),
        # +10 %: orange at the threshold
        (costing(1_100_000), ORANGE, [eur("1 100 000"), eur("1 000 000"), "+" + pct("10,0"), "+" + eur("100 000")]),
        # +15 %
        (costing(1_150_000), ORANGE, ["+" + pct("15,0")]),
        # +19,99 %: still orange
        (costing(1_199_900), ORANGE, []),
        # +20 %: red at the threshold
        (costing(1_200_000), ROUGE, ["+" + pct("20,0"), "+" + eur("200 000")]),
        # +35 %
        (costing(1_350_000), ROUGE, ["+" + pct("35,0")]),
        # a saving is no risk
        (costing(700_000), None, []),
        # thresholds typed in Paramètres
        (one(operation(cost_current=1_060_000), params=dict(cost_drift_orange_pct=5, cost_drift_red_pct=8)), ORANGE,
         []),
        # unknown convention cost
        (one(operation(cost=None, cost_current=1_500_000)), None, []),
        # soldée
        (costing(1_500_000, status="Soldée"), None, []),
        # abandoned
        (costing(1_500_000, status="Abandonnée"), None, []),
    ])
    def it_fires_orange_then_red_as_the_cost_drifts_up(self, p, level, figures):
        assert_alert("FIN-03", p, level, figures)


# ---------------------------------------------------------------- FIN-04


STARTED = dict(actual=date(2011, 3, 1))


class DescribeWorksStartedWithoutDas:
    @pytest.mark.parametrize(("p", "level", "figures"), [
        # started, ANRU subsidy, no DAS at all
        (one(operation(works_start=STARTED), (anru(), ville())), ROUGE, ["01/03/2011", eur("500 000")]),
        # a DAS only forecast is no DAS
        (one(operation(works_start=STARTED, das=dict(forecast=date(2011, 1, 1))), (anru(),)), ROUGE, []),
        # DAS milestone with an actual date
        (one(operation(works_start=STARTED, das=dict(actual=date(2011, 1, 1))), (anru(),)), None, []),
        # engagement recorded on the ANRU line
        (one(operation(works_start=STARTED), (anru(engaged=500_000),)), None, []),
        # works not started yet
        (one(operation(works_start=dict(forecast=date(2011, 12, 1))), (anru(),)), None, []),
        # no ANRU subsidy: nothing to engage
        (one(operation(works_start=STARTED), (ville(1_000_000),)), None, []),
        # an ANRU line of zero
        (one(operation(works_start=STARTED), (anru(0), ville(1_000_000))), None, []),
        # delivered: the subsidy still cannot be paid without its DAS
        (one(operation(status="Livrée", works_start=STARTED, delivery=dict(actual=date(2011, 9, 1))), (anru(),)),
         ROUGE, []),
        # soldée
        (one(operation(status="Soldée", works_start=STARTED), (anru(),)), None, []),
        # abandoned
        (one(operation(status="Abandonnée", works_start=STARTED), (anru(),)), None, []),
    ])
    def it_fires_red_when_works_start_before_the_das(self, p, level, figures):
        assert_alert("FIN-04", p, level, figures)


# ---------------------------------------------------------------- FIN-05


def das_on(day: date, **kwargs: Any) -> Programme:
    """Return an operation whose DAS was signed on ``day`` (caducité 24 months later), works not started."""
    params = kwargs.pop("params", {})
    kwargs.setdefault("works_start", dict(convention=date(2011, 6, 1)))
    kwargs.setdefault("status", "Engagée")
    return one(operation(das=dict(actual=day), **kwargs), (anru(), ville()), params=params)


class DescribeSubsidyLapseNear:
    @pytest.mark.parametrize(("p", "level", "figures"), [
        # caducité 01/04/2012: a day more than 6 months ahead
        (das_on(date(2010, 4, 1)), None, []),
        # caducité 31/03/2012: orange notice reached on 30/09/2011
        (das_on(date(2010, 3, 31)), ORANGE, ["31/03/2010", "31/03/2012", "dans 6 mois"]),
        # caducité 01/01/2012: a day before the red notice
        (das_on(date(2010, 1, 1)), ORANGE, ["01/01/2012", "dans 3 mois"]),
        # caducité 30/12/2011: red notice reached, 3 months left to the day
        (das_on(date(2009, 12, 30)), ROUGE, ["30/12/2011", "dans 3 mois"]),
        # caducité 15/10/2011: red, less than a month left
        (das_on(date(2009, 10, 15)), ROUGE, ["15/10/2011", "dans moins d'un mois"]),
        # caducité on the date de situation: lapsed
        (das_on(date(2009, 9, 30)), ROUGE, ["subvention caduque depuis le 30/09/2011"]),
        # lapsed long ago
        (das_on(date(2008, 6, 1)), ROUGE, ["caduque depuis le 01/06/2010"]),
        # notices typed in Paramètres
        (das_on(date(2010, 6, 30), params=dict(lapse_notice_orange_months=9, lapse_notice_red_months=8)), ORANGE,
         ["30/06/2012"]),
        # a longer caducité delay in Paramètres
        (das_on(date(2009, 9, 30), params=dict(lapse_months=36)), None, []),
        # works started: the subsidy is safe
        (das_on(date(2009, 12, 30), works_start=STARTED), None, []),
        # no DAS signed yet
        (one(operation(das=dict(forecast=date(2009, 12, 30))), (anru(),)), None, []),
        # delivered
        (das_on(date(2009, 12, 30), status="Livrée"), None, []),
        # abandoned
        (das_on(date(2009, 12, 30), status="Abandonnée"), None, []),
    ])
    def it_warns_before_the_caducite_and_fires_red_once_lapsed(self, p, level, figures):
        assert_alert("FIN-05", p, level, figures)


# ---------------------------------------------------------------- FIN-06


def delivered_on(day: date, lines: tuple[Any, ...] = (), kind: ProgrammeKind = ProgrammeKind.PNRU,
                 reception: dict[str, date] | None = None, **kwargs: Any) -> Programme:
    kwargs.setdefault("status", "Livrée")
    op = operation(works_start=dict(actual=date(2009, 1, 5)), delivery=dict(actual=day), **kwargs)
    if reception is not None:
        op = replace(op, milestones=MappingProxyType(
            {**op.milestones, "Réception": Milestone(op.id, "Réception", **reception)}))
    return one(op, lines or (anru(), ville()), kind=kind)


class DescribeBalanceNotRequested:
    @pytest.mark.parametrize(("p", "level", "figures"), [
        # delivered 01/10/2010: a day short of 12 months
        (delivered_on(date(2010, 10, 1)), None, []),
        # delivered 30/09/2010: 12 months reached
        (delivered_on(date(2010, 9, 30)), ORANGE, ["30/09/2010", "12 mois"]),
        # delivered 30/06/2010: 15 months
        (delivered_on(date(2010, 6, 30)), ORANGE, ["15 mois"]),
        # a shorter delay typed in Paramètres
        (one(operation(delivery=dict(actual=date(2011, 3, 31))), (anru(),), params=dict(balance_request_months=6)),
         ORANGE, ["6 mois"]),
        # balance requested
        (delivered_on(date(2010, 6, 30), balance_request=dict(actual=date(2011, 5, 1))), None, []),
        # balance paid, status soldée
        (delivered_on(date(2010, 6, 30), status="Soldée"), None, []),
        # balance paid, status not updated
        (delivered_on(date(2010, 6, 30), balance_paid=dict(actual=date(2011, 8, 1))), None, []),
        # no ANRU subsidy: no ANRU balance to lose
        (delivered_on(date(2010, 6, 30), (ville(1_000_000),)), None, []),
        # status Livrée but no actual delivery date: left out
        (one(operation(status="Livrée", delivery=dict(convention=date(2010, 6, 30))), (anru(),)), None, []),
        # not delivered yet
        (one(operation(delivery=dict(forecast=date(2010, 6, 30))), (anru(),)), None, []),
        # abandoned
        (delivered_on(date(2010, 6, 30), status="Abandonnée"), None, []),
        # PNRU, Réception (décompte général) recorded: the delay runs from it, a day short of 12 months
        (delivered_on(date(2010, 6, 30), reception=dict(actual=date(2010, 10, 1))), None, []),
        # 12 months after the Réception
        (delivered_on(date(2010, 6, 30), reception=dict(actual=date(2010, 9, 30))), ORANGE,
         ["Réception (décompte général) le 30/09/2010", "12 mois"]),
        # a Réception only forecast: the delivery counts
        (delivered_on(date(2010, 6, 30), reception=dict(forecast=date(2011, 6, 30))), ORANGE, ["Livrée le 30/06/2010"]),
        # NPNRU: solde date of the convention 30/06/2010 + 18 months = 30/12/2011, not reached
        (delivered_on(date(2009, 6, 30), kind=ProgrammeKind.NPNRU,
                      balance_request=dict(convention=date(2010, 6, 30))), None, []),
        # NPNRU: solde date 30/03/2010 + 18 months = 30/09/2011, reached
        (delivered_on(date(2009, 6, 30), kind=ProgrammeKind.NPNRU,
                      balance_request=dict(convention=date(2010, 3, 30))), ORANGE,
         ["Demande de solde prévue à la convention le 30/03/2010", "18 mois"]),
        # NPNRU: the avenant's solde date is the baseline
        (delivered_on(date(2009, 6, 30), kind=ProgrammeKind.NPNRU,
                      balance_request=dict(convention=date(2010, 3, 30), avenant=date(2011, 3, 31))), None, []),
        # NPNRU without a solde date: the delay after the delivery, as in PNRU
        (delivered_on(date(2010, 9, 30), kind=ProgrammeKind.NPNRU), ORANGE, ["Livrée le 30/09/2010"]),
    ])
    def it_fires_orange_when_the_balance_is_not_requested_in_time(self, p, level, figures):
        assert_alert("FIN-06", p, level, figures)


# ---------------------------------------------------------------- FIN-07


def advance_paid(das: date, advance: float | None = 75_000, **kwargs: Any) -> Programme:
    kwargs.setdefault("works_start", dict(convention=date(2010, 6, 1)))
    kwargs.setdefault("status", "Engagée")
    return one(operation(das=dict(actual=das), **kwargs),
               (anru(engaged=500_000, advance=advance), ville()))


class DescribeAdvanceToRepay:
    @pytest.mark.parametrize(("p", "level", "figures"), [
        # caducité 01/10/2011: tomorrow
        (advance_paid(date(2009, 10, 1)), None, []),
        # caducité 30/09/2011: reached today
        (advance_paid(date(2009, 9, 30)), ROUGE, [eur("75 000"), "30/09/2011", "à rembourser"]),
        # caducité passed long ago
        (advance_paid(date(2008, 6, 1)), ROUGE, ["01/06/2010"]),
        # no advance paid
        (advance_paid(date(2008, 6, 1), advance=0), None, []),
        # advance column left empty
        (advance_paid(date(2008, 6, 1), advance=None), None, []),
        # an advance from another funder is not ANRU's to claim back
        (one(operation(das=dict(actual=date(2008, 6, 1))), (anru(), ville(advance=50_000))), None, []),
        # works started in time
        (advance_paid(date(2008, 6, 1), works_start=dict(actual=date(2010, 1, 4))), None, []),
        # delivered
        (advance_paid(date(2008, 6, 1), status="Livrée"), None, []),
        # abandoned
        (advance_paid(date(2008, 6, 1), status="Abandonnée"), None, []),
    ])
    def it_fires_red_when_the_caducite_is_reached_with_an_advance_paid(self, p, level, figures):
        assert_alert("FIN-07", p, level, figures)


# ---------------------------------------------------------------- FIN-08


def paid(amount: float | None, subsidy: float | None = 500_000, **kwargs: Any) -> Programme:
    """Return an operation whose works started on the date de situation (progress 25) with ANRU paid ``amount``."""
    params = kwargs.pop("params", {})
    kwargs.setdefault("works_start", dict(actual=AT))
    kwargs.setdefault("delivery", dict(convention=date(2013, 6, 30)))
    return one(operation(**kwargs), (anru(subsidy, engaged=subsidy, paid=amount), ville()), params=params)


class DescribePaymentsOutOfStep:
    @pytest.mark.parametrize(("p", "level", "figures"), [
        # 5,2 % paid at 25 % progress: 19,8 points
        (paid(26_000), None, []),
        # 5 % paid: 20 points, at the threshold
        (paid(25_000), ORANGE, ["à " + pct("5"), eur("25 000"), eur("500 000"), pct("25"), "20 points"]),
        # nothing paid though works started: 25 points
        (paid(None), ORANGE, [pct("0"), "25 points"]),
        # 44,8 % paid: 19,8 points ahead
        (paid(224_000), None, []),
        # 45 % paid: 20 points ahead of the works
        (paid(225_000), ORANGE, [pct("45"), "20 points"]),
        # a wider gap typed in Paramètres
        (paid(25_000, params=dict(payment_progress_gap_points=30)), None, []),
        # not started, DAS signed (progress 20), 40 % paid as advance
        (paid(200_000, works_start=dict(convention=date(2012, 1, 1)), das=dict(actual=date(2011, 6, 1))), ORANGE,
         [pct("40"), pct("20")]),
        # not started and nothing paid: nothing to compare
        (paid(None, works_start=dict(convention=date(2012, 1, 1))), None, []),
        # an unknown ANRU amount
        (paid(25_000, subsidy=None), None, []),
        # no ANRU subsidy
        (paid(0, subsidy=0), None, []),
        # delivered: the balance is FIN-06's business
        (paid(350_000, status="Livrée", works_start=dict(actual=date(2010, 1, 4)),
              delivery=dict(actual=date(2011, 6, 30))), None, []),
        # abandoned
        (paid(25_000, status="Abandonnée"), None, []),
        # progress 90 % a day before delivery, 70 % paid: on the ceiling before the solde, no gap
        (paid(350_000, works_start=dict(actual=date(2009, 9, 30)), delivery=dict(forecast=date(2011, 10, 1))),
         None, []),
        # progress 90 %, 50,2 % paid: 19,8 points short of the 70 % ceiling
        (paid(251_000, works_start=dict(actual=date(2009, 9, 30)), delivery=dict(forecast=date(2011, 10, 1))),
         None, []),
        # progress 90 %, 50 % paid: 20 points short of the ceiling
        (paid(250_000, works_start=dict(actual=date(2009, 9, 30)), delivery=dict(forecast=date(2011, 10, 1))),
         ORANGE, [pct("50"), pct("90"), pct("70") + " au plus avant le solde", "20 points"]),
        # a lower ceiling typed in Paramètres
        (paid(350_000, works_start=dict(actual=date(2009, 9, 30)), delivery=dict(forecast=date(2011, 10, 1)),
              params=dict(payments_before_balance_ceiling_pct=50)), ORANGE, [pct("50") + " au plus"]),
    ])
    def it_fires_orange_when_payments_and_progress_part(self, p, level, figures):
        assert_alert("FIN-08", p, level, figures)

    @pytest.mark.parametrize(("p", "measure"), [
        # payments behind the works: payment requests to file
        (paid(0), "demandes d'acompte"),
        # payments ahead of the works: to check
        (paid(300_000), "Vérifier l'avancement réel"),
    ])
    def it_proposes_a_measure_that_depends_on_which_side_lags(self, p, measure):
        assert measure in alerts_of("FIN-08", p)[0].measure


# ---------------------------------------------------------------- FIN-09


class DescribeEngagementBehindPlan:
    @pytest.mark.parametrize(("planned", "engaged", "level", "figures"), [
        # 14,99 points behind
        (60, 45.01, None, []),
        # 15 points: orange at the threshold
        (60, 45, ORANGE, [pct("45"), pct("60"), "15 points", "30/09/2011"]),
        # 24,99 points: still orange
        (60, 35.01, ORANGE, []),
        # 25 points: red at the threshold
        (60, 35, ROUGE, [pct("35"), "25 points"]),
        # 50 points
        (80, 30, ROUGE, ["50 points"]),
        # ahead of plan
        (40, 60, None, []),
        # no planned curve
        (None, 50, None, []),
        # no ANRU subsidy to engage
        (60, None, None, []),
    ])
    def it_compares_engagement_with_the_planned_s_curve(self, monkeypatch, planned, engaged, level, figures):
        monkeypatch.setattr(engagement, "planned_engagement_percent", lambda p, at: planned)
        monkeypatch.setattr(engagement, "engagement_percent", lambda p: engaged)
        p = one()
        assert_alert("FIN-09", p, level, figures)
        assert all(a.operation_id is None and a.key == "FIN-09" for a in alerts_of("FIN-09", p))

    def it_reads_its_thresholds_from_the_parametres(self, monkeypatch):
        monkeypatch.setattr(engagement, "planned_engagement_percent", lambda p, at: 60)
        monkeypatch.setattr(engagement, "engagement_percent", lambda p: 50)
        assert_alert("FIN-09", one(params=dict(engagement_gap_orange_points=5, engagement_gap_red_points=10)), ROUGE,
                     ["10 points"])

    def it_uses_the_indicators_of_the_programme(self):
        # works planned and finished long before the date de situation, nothing engaged: far behind
        behind = one(operation(das=dict(convention=date(2008, 3, 1)), works_start=dict(convention=date(2008, 6, 1)),
                               delivery=dict(convention=date(2009, 6, 30))),
                     (anru(status="Prévu"), ville()))
        assert [a.severity for a in alerts_of("FIN-09", behind)] == [ROUGE]
        # the same, fully engaged: on plan
        on_plan = one(operation(das=dict(convention=date(2008, 3, 1)), works_start=dict(convention=date(2008, 6, 1)),
                                delivery=dict(convention=date(2009, 6, 30))),
                      (anru(status="Notifié", engaged=500_000), ville()))
        assert alerts_of("FIN-09", on_plan) == []
        # an abandoned operation far behind weighs nothing
        abandoned = operation("OP-2", status="Abandonnée", das=dict(convention=date(2008, 3, 1)),
                              works_start=dict(convention=date(2008, 6, 1)),
                              delivery=dict(convention=date(2009, 6, 30)))
        assert alerts_of("FIN-09", programme([*on_plan.operations, abandoned],
                                             funding=[*on_plan.funding, anru(op_id="OP-2", status="Prévu")])) == []


# ---------------------------------------------------------------- FIN-10


def starting(works_start: dict[str, date], lines: tuple[Any, ...] | None = None, **kwargs: Any) -> Programme:
    params = kwargs.pop("params", {})
    kwargs.setdefault("status", "Engagée")
    if lines is None:
        lines = (anru(300_000), funding(funder="Région", amount=200_000, status="Sollicité"),
                 funding(funder="Département", amount=100_000, status="Prévu"), ville(400_000, status="Acquis"))
    return one(operation(works_start=works_start, **kwargs), lines, params=params)


class DescribeFundingUnsecuredBeforeStart:
    @pytest.mark.parametrize(("p", "level", "figures"), [
        # planned start 31/03/2012: a day past the 6-month window (30/09/2011 + 6 months = 30/03/2012)
        (starting(dict(convention=date(2012, 3, 31))), None, []),
        # planned start 30/03/2012: at the window's edge
        (starting(dict(convention=date(2012, 3, 30))), ORANGE,
         ["30/03/2012", "Région " + eur("200 000") + " (sollicité)", "Département " + eur("100 000") + " (prévu)"]),
        # the forecast replaces the convention date: now out of the window
        (starting(dict(convention=date(2011, 12, 1), forecast=date(2012, 6, 1))), None, []),
        # the avenant replaces the convention date: now in the window
        (starting(dict(convention=date(2012, 9, 1), avenant=date(2012, 1, 2))), ORANGE, ["02/01/2012"]),
        # planned start already passed, still not started
        (starting(dict(convention=date(2011, 6, 1))), ORANGE, ["01/06/2011"]),
        # a wider window typed in Paramètres
        (starting(dict(convention=date(2012, 6, 1)), params=dict(unsecured_funding_window_months=9)), ORANGE, []),
        # every line acquired or notified
        (starting(dict(convention=date(2012, 1, 1)), (anru(), ville(status="Acquis"))), None, []),
        # an unsecured line typed without its accent
        (starting(dict(convention=date(2012, 1, 1)), (anru(), ville(status="sollicite"))), ORANGE, [eur("500 000")]),
        # an unsecured line of unknown amount: left out
        (starting(dict(convention=date(2012, 1, 1)), (anru(), ville(None, status="Prévu"))), None, []),
        # works started
        (starting(dict(convention=date(2011, 10, 1), actual=date(2011, 9, 1))), None, []),
        # no planned works start
        (starting(dict()), None, []),
        # abandoned
        (starting(dict(convention=date(2012, 1, 1)), status="Abandonnée"), None, []),
    ])
    def it_fires_orange_when_works_near_with_funding_not_secured(self, p, level, figures):
        assert_alert("FIN-10", p, level, figures)


# ---------------------------------------------------------------- FIN-11


NPNRU_AT = date(2025, 9, 30)


def das_expected(das: dict[str, date], deadline: date | None = None, kind: ProgrammeKind = ProgrammeKind.NPNRU,
                 lines: tuple[Any, ...] | None = None, **kwargs: Any) -> Programme:
    params = kwargs.pop("params", {})
    kwargs.setdefault("status", "En études")
    return one(operation(das=das, **kwargs), (anru(), ville()) if lines is None else lines,
               at=NPNRU_AT if kind is ProgrammeKind.NPNRU else AT, kind=kind,
               params=dict(engagement_deadline=deadline, **params))


PNRU = ProgrammeKind.PNRU


class DescribeDasAfterEngagementDeadline:
    @pytest.mark.parametrize(("p", "level", "figures"), [
        # PNRU, date limite left empty (31/12/2013): forecast on it, still in time
        (das_expected(dict(convention=date(2011, 6, 30), forecast=date(2013, 12, 31)), kind=PNRU), None, []),
        # PNRU: a day after it: the subsidy at stake
        (das_expected(dict(convention=date(2011, 6, 30), forecast=date(2014, 1, 1)), kind=PNRU), ROUGE,
         ["DAS prévue le 01/01/2014", "date limite d'engagement du 31/12/2013", eur("500 000") + " en jeu"]),
        # PNRU: no forecast, the convention date itself is after it
        (das_expected(dict(convention=date(2014, 6, 30)), kind=PNRU), ROUGE, ["30/06/2014"]),
        # PNRU: the loi du 21/02/2014 horizon typed in Paramètres
        (das_expected(dict(convention=date(2011, 6, 30), forecast=date(2014, 1, 1)), date(2015, 12, 31), kind=PNRU),
         None, []),
        # PNRU: a slip of years against the convention, before the horizon: no NPNRU tolerance in PNRU
        (das_expected(dict(convention=date(2009, 6, 30), forecast=date(2012, 6, 30)), kind=PNRU), None, []),
        # PNRU: a DAS recorded after the date limite (situation in 2014): to confirm with the ANRU
        (one(operation(das=dict(actual=date(2014, 3, 1))), (anru(), ville()), at=date(2014, 6, 30)), ROUGE,
         ["DAS signée le 01/03/2014"]),
        # PNRU: no ANRU subsidy, nothing lost
        (das_expected(dict(forecast=date(2014, 1, 1)), kind=PNRU, lines=(ville(1_000_000),)), None, []),
        # NPNRU, date limite left empty (30/06/2026): on it
        (das_expected(dict(convention=date(2025, 6, 30), forecast=date(2026, 6, 30))), None, []),
        # NPNRU: a day after it
        (das_expected(dict(convention=date(2025, 6, 30), forecast=date(2026, 7, 1))), ROUGE,
         ["01/07/2026", "date limite d'engagement du 30/06/2026"]),
        # NPNRU: forecast a day short of 18 months after the convention date
        (das_expected(dict(convention=date(2024, 6, 30), forecast=date(2025, 12, 29))), None, []),
        # NPNRU: 18 months after (30/06/2024 + 18 months = 30/12/2025): tolerance reached
        (das_expected(dict(convention=date(2024, 6, 30), forecast=date(2025, 12, 30))), ROUGE,
         ["30/12/2025", "18 mois après la date de la convention (30/06/2024)", eur("500 000")]),
        # NPNRU: the avenant is the baseline: a slip it ratified is no breach
        (das_expected(dict(convention=date(2023, 6, 30), avenant=date(2025, 1, 31))), None, []),
        # NPNRU: 19 months after the avenant date
        (das_expected(dict(convention=date(2023, 6, 30), avenant=date(2024, 5, 31), forecast=date(2025, 12, 31))),
         ROUGE, ["19 mois après la date de l'avenant (31/05/2024)"]),
        # NPNRU: a longer tolerance typed in Paramètres
        (das_expected(dict(convention=date(2024, 6, 30), forecast=date(2025, 12, 31)),
                      params=dict(npnru_tolerance_months=24)), None, []),
        # NPNRU: both reasons at once
        (das_expected(dict(convention=date(2024, 6, 30), forecast=date(2026, 7, 1)), date(2026, 6, 30)), ROUGE,
         ["24 mois", "30/06/2026"]),
        # NPNRU: DAS signed late but before the date limite: engaged
        (das_expected(dict(convention=date(2023, 6, 30), forecast=date(2025, 9, 1), actual=date(2025, 9, 1))),
         None, []),
        # no DAS date at all
        (das_expected(dict()), None, []),
        # soldée
        (das_expected(dict(convention=date(2024, 6, 30), forecast=date(2026, 12, 31)), status="Soldée"), None, []),
        # abandoned
        (das_expected(dict(convention=date(2024, 6, 30), forecast=date(2026, 12, 31)), status="Abandonnée"),
         None, []),
    ])
    def it_fires_red_when_the_das_comes_too_late_to_engage(self, p, level, figures):
        assert_alert("FIN-11", p, level, figures)


# ---------------------------------------------------------------- FIN-12


def payments(advance: float | None, paid_total: float | None, subsidy: float | None = 500_000,
             **kwargs: Any) -> Programme:
    """Return an operation whose ANRU line of ``subsidy`` has ``advance`` and ``paid_total`` (advance included)."""
    params = kwargs.pop("params", {})
    kwargs.setdefault("works_start", dict(actual=date(2010, 9, 1)))
    return one(operation(**kwargs), (anru(subsidy, engaged=subsidy, advance=advance, paid=paid_total), ville()),
               params=params)


class DescribePaymentsAboveCeiling:
    @pytest.mark.parametrize(("p", "level", "figures"), [
        # advance 15 % and 70 % paid: both on their ceilings
        (payments(75_000, 350_000), None, []),
        # 69,99 % paid
        (payments(75_000, 349_950), None, []),
        # 70 % + 1 €
        (payments(75_000, 350_001), ROUGE,
         [eur("500 000"), "avance et acomptes de " + eur("350 001"), pct("70,0"), "plafond de " + pct("70")]),
        # 80 % paid before the solde
        (payments(75_000, 400_000), ROUGE, [pct("80,0")]),
        # the advance 1 € above 15 %
        (payments(75_001, 200_000), ROUGE, ["avance de " + eur("75 001"), "plafond de " + pct("15")]),
        # an advance of 15 % rounded up to the euro (10 041 € of 66 939 €): not above
        (payments(10_041, 10_041, subsidy=66_939), None, []),
        # an advance of 20 %, its payment not carried into Montant versé: read as paid too
        (payments(100_000, None), ROUGE, [pct("20,0")]),
        # both ceilings passed
        (payments(100_000, 400_000), ROUGE, ["avance de " + eur("100 000"), "acomptes de " + eur("400 000")]),
        # ceilings typed in Paramètres
        (payments(75_000, 350_000, params=dict(advance_ceiling_pct=10, payments_before_balance_ceiling_pct=60)),
         ROUGE, ["plafond de " + pct("10"), "plafond de " + pct("60")]),
        # delivered, balance requested, not paid: still before the solde
        (payments(75_000, 450_000, status="Livrée", delivery=dict(actual=date(2011, 3, 1)),
                  balance_request=dict(actual=date(2011, 6, 1))), ROUGE, [pct("90,0")]),
        # balance paid: 100 % is due
        (payments(75_000, 500_000, status="Livrée", delivery=dict(actual=date(2011, 3, 1)),
                  balance_paid=dict(actual=date(2011, 9, 1))), None, []),
        # soldée
        (payments(75_000, 500_000, status="Soldée"), None, []),
        # nothing paid
        (payments(None, None), None, []),
        # an unknown ANRU amount
        (payments(75_000, 400_000, subsidy=None), None, []),
        # abandoned
        (payments(75_000, 400_000, status="Abandonnée"), None, []),
    ])
    def it_fires_red_above_the_decret_ceilings_before_the_solde(self, p, level, figures):
        assert_alert("FIN-12", p, level, figures)

    def it_counts_only_the_anru_lines(self):
        p = one(operation(), (anru(engaged=500_000, advance=75_000, paid=100_000),
                              ville(advance=400_000, paid=500_000)))
        assert alerts_of("FIN-12", p) == []


# ---------------------------------------------------------------- FIN-13


def envelope(amount: float | None, *lines: Any, **params: Any) -> Programme:
    ops = [operation("OP-1", label="Centre social"), operation("OP-2", label="Voirie"),
           operation("OP-3", label="Gymnase", status="Abandonnée")]
    return programme(ops, funding=list(lines), params=dict(anru_envelope=amount, **params))


GROWN = (anru(600_000, op_id="OP-1", amount_current=700_000), anru(400_000, op_id="OP-2"))


class DescribeAnruEnvelopeExceeded:
    @pytest.mark.parametrize(("p", "level", "figures"), [
        # 1 100 000 € for an envelope of 1 100 000 €: within it
        (envelope(1_100_000, *GROWN), None, []),
        # 1 € over
        (envelope(1_099_999, *GROWN), ROUGE,
         [eur("1 100 000"), "enveloppe ANRU de " + eur("1 099 999"), "dépassement de " + eur("1"),
          "OP-1 Centre social (+" + eur("100 000") + ")"]),
        # 100 000 € over; the avenant in force named; OP-2 did not grow
        (envelope(1_000_000, *GROWN, amendment_in_force="Avenant n°2"), ROUGE,
         ["(Avenant n°2)", eur("100 000")]),
        # the largest rise first
        (envelope(1_000_000, anru(600_000, op_id="OP-1", amount_current=650_000),
                  anru(300_000, op_id="OP-2", amount_current=450_000)), ROUGE,
         ["OP-2 Voirie (+" + eur("150 000") + "), OP-1 Centre social (+" + eur("50 000") + ")"]),
        # over the envelope with no rise: the convention itself exceeded it
        (envelope(900_000, anru(600_000, op_id="OP-1"), anru(400_000, op_id="OP-2")), ROUGE,
         ["aucune subvention d'opération en hausse"]),
        # an abandoned operation's subsidy is freed
        (envelope(1_100_000, *GROWN, anru(500_000, op_id="OP-3")), None, []),
        # other funders do not count
        (envelope(1_100_000, *GROWN, ville(500_000, op_id="OP-2")), None, []),
        # no envelope typed: the rule is off
        (envelope(None, *GROWN), None, []),
    ])
    def it_fires_red_when_the_subsidies_exceed_the_envelope(self, p, level, figures):
        assert_alert("FIN-13", p, level, figures)
        assert all(a.operation_id is None for a in alerts_of("FIN-13", p))

    def it_names_five_operations_and_counts_the_others(self):
        ops = [operation(f"OP-{n}") for n in range(1, 8)]
        lines = [anru(100_000, op_id=f"OP-{n}", amount_current=100_000 + n * 1_000) for n in range(1, 8)]
        finding = alerts_of("FIN-13", programme(ops, funding=lines, params=dict(anru_envelope=700_000)))[0].finding
        assert "OP-7" in finding and "OP-3" in finding and "OP-2" not in finding and "et 2 autre(s)" in finding
