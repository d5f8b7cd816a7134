"""Specifications of the financial alerts FIN-01 … FIN-11, on small programmes built in code.

Date de situation 30/09/2011 unless told; default thresholds of *Paramètres* unless told.
Each table row: a programme, the expected gravity (None: quiet), and figures the finding must show.
"""

from __future__ import annotations

import inspect
from datetime import date
from typing import Any

import pytest

from opc_excel.compute.alerts import RULES, evaluate
from opc_excel.compute.alerts.financier import financement, subvention
from opc_excel.model import Alert, Level, Operation, Programme, ProgrammeKind, Theme
from tests.programmes import AT, funding, operation, programme

ROUGE, ORANGE = Level.ROUGE, Level.ORANGE
NNBSP, NBSP = "\u202f", "\u00a0"
FIN_CODES = [f"FIN-{n:02d}" for n in range(1, 12)]


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
        assert inspect.getmodule(registered.check) in (financement, subvention)

    def it_runs_FIN_11_on_NPNRU_programmes_only(self):
        assert RULES["FIN-11"].programmes == {ProgrammeKind.NPNRU}
        assert all(RULES[code].programmes == set(ProgrammeKind) for code in FIN_CODES[:-1])

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


def delivered_on(day: date, lines: tuple[Any, ...] = (), **kwargs: Any) -> Programme:
    kwargs.setdefault("status", "Livrée")
    return one(operation(works_start=dict(actual=date(2009, 1, 5)), delivery=dict(actual=day), **kwargs),
               lines or (anru(), ville()))


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
        monkeypatch.setattr(subvention, "planned_engagement_percent", lambda p, at: planned)
        monkeypatch.setattr(subvention, "engagement_percent", lambda p: engaged)
        p = one()
        assert_alert("FIN-09", p, level, figures)
        assert all(a.operation_id is None and a.key == "FIN-09" for a in alerts_of("FIN-09", p))

    def it_reads_its_thresholds_from_the_parametres(self, monkeypatch):
        monkeypatch.setattr(subvention, "planned_engagement_percent", lambda p, at: 60)
        monkeypatch.setattr(subvention, "engagement_percent", lambda p: 50)
        assert_alert("FIN-09", one(params=dict(engagement_gap_orange_points=5, engagement_gap_red_points=10)), ROUGE,
                     ["10 points"])

    def it_uses_the_indicators_of_the_programme(self):
        # works planned and finished long before the date de situation, nothing engaged: far behind
        behind = one(operation(works_start=dict(convention=date(2008, 6, 1)),
                               delivery=dict(convention=date(2009, 6, 30))),
                     (anru(status="Prévu"), ville()))
        assert [a.severity for a in alerts_of("FIN-09", behind)] == [ROUGE]
        # the same, fully engaged: on plan
        on_plan = one(operation(works_start=dict(convention=date(2008, 6, 1)),
                                delivery=dict(convention=date(2009, 6, 30))),
                      (anru(status="Notifié", engaged=500_000), ville()))
        assert alerts_of("FIN-09", on_plan) == []
        # an abandoned operation far behind weighs nothing
        abandoned = operation("OP-2", status="Abandonnée", works_start=dict(convention=date(2008, 6, 1)),
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
                 **kwargs: Any) -> Programme:
    kwargs.setdefault("status", "En études")
    return one(operation(das=das, **kwargs), (anru(), ville()), at=NPNRU_AT, kind=kind,
               params=dict(engagement_deadline=deadline))


class DescribeDasBeyondNpnruTolerance:
    @pytest.mark.parametrize(("p", "level", "figures"), [
        # forecast a day short of 18 months after the convention date
        (das_expected(dict(convention=date(2024, 6, 30), forecast=date(2025, 12, 29))), None, []),
        # forecast 18 months after (30/06/2024 + 18 months = 30/12/2025): tolerance reached
        (das_expected(dict(convention=date(2024, 6, 30), forecast=date(2025, 12, 30))), ROUGE,
         ["30/12/2025", "18 mois après", "30/06/2024"]),
        # forecast 30 months after
        (das_expected(dict(convention=date(2024, 6, 30), forecast=date(2026, 12, 31))), ROUGE, ["30 mois"]),
        # no forecast: the avenant date is what is expected
        (das_expected(dict(convention=date(2023, 6, 30), avenant=date(2025, 1, 31))), ROUGE, ["31/01/2025", "19 mois"]),
        # a longer tolerance typed in Paramètres
        (one(operation(das=dict(convention=date(2024, 6, 30), forecast=date(2025, 12, 31))), at=NPNRU_AT,
             kind=ProgrammeKind.NPNRU, params=dict(npnru_tolerance_months=24)), None, []),
        # on the date limite d'engagement: still in time
        (das_expected(dict(convention=date(2025, 6, 30), forecast=date(2026, 6, 30)), date(2026, 6, 30)), None, []),
        # a day after it
        (das_expected(dict(convention=date(2025, 6, 30), forecast=date(2026, 7, 1)), date(2026, 6, 30)), ROUGE,
         ["01/07/2026", "date limite d'engagement du 30/06/2026"]),
        # both reasons at once
        (das_expected(dict(convention=date(2024, 6, 30), forecast=date(2026, 7, 1)), date(2026, 6, 30)), ROUGE,
         ["24 mois", "30/06/2026"]),
        # DAS signed: engaged, whatever its date
        (das_expected(dict(convention=date(2023, 6, 30), forecast=date(2025, 9, 1), actual=date(2025, 9, 1))),
         None, []),
        # PNRU programme: the rule does not apply
        (das_expected(dict(convention=date(2024, 6, 30), forecast=date(2026, 12, 31)), kind=ProgrammeKind.PNRU),
         None, []),
        # no DAS date at all
        (das_expected(dict()), None, []),
        # soldée
        (das_expected(dict(convention=date(2024, 6, 30), forecast=date(2026, 12, 31)), status="Soldée"), None, []),
        # abandoned
        (das_expected(dict(convention=date(2024, 6, 30), forecast=date(2026, 12, 31)), status="Abandonnée"),
         None, []),
    ])
    def it_fires_red_when_the_das_is_expected_too_late(self, p, level, figures):
        assert_alert("FIN-11", p, level, figures)
