"""The indicators of domain.md on small built programmes, each expected value computed by hand."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from opc_excel.compute.alerts import evaluate
from opc_excel.compute.indicators import compute_indicators, indicators_as_json
from opc_excel.compute.indicators.calendrier import (
    UNSECURED_FUNDING,
    launched,
    physical_progress,
    planned_portfolio_progress,
    portfolio_progress,
    progress_by_famille,
    slips,
    slips_by_famille,
    spi,
    to_launch,
)
from opc_excel.compute.indicators.financier import (
    anru_subsidy_lines,
    cost_drift,
    cost_drift_by_famille,
    cost_drift_by_operation,
    engagement_percent,
    planned_engagement_percent,
)
from opc_excel.compute.indicators.habitat import Rehousing, reconstitution, rehousing
from opc_excel.compute.indicators.scurve import Actual, s_curve
from opc_excel.compute.indicators.social import insertion
from opc_excel.model import FundingLine, Operation
from opc_excel.read import contract
from opc_excel.read.history import AT_HEADER
from opc_excel.sheets.dashboard import HEADLINES, dashboard_sheet
from opc_excel.situation.curves import HISTORY_LABELS, history_actual, history_actuals
from tests.programmes import AT, funding, household, operation, programme
from tests.programmes import insertion as insertion_line

DEMOLITION, RECONSTITUTION = contract.DEMOLITION, contract.RECONSTITUTION
approx = pytest.approx


def anru(op_id: str = "OP-1", amount: float | None = 500_000, status: str | None = "Notifié",
         **kwargs: Any) -> FundingLine:
    return funding(op_id, "ANRU", amount, status, **kwargs)  # type: ignore[arg-type]


def done(op_id: str, cost: float | None = 1_000_000, **kwargs: Any) -> Operation:
    """Return a delivered operation (pᵢ = 100)."""
    return operation(op_id, status="Livrée", cost=cost, **kwargs)  # type: ignore[arg-type]


def idle(op_id: str, cost: float | None = 1_000_000, **kwargs: Any) -> Operation:
    """Return an operation with nothing done (pᵢ = 0)."""
    return operation(op_id, status="Programmée", cost=cost, **kwargs)  # type: ignore[arg-type]


def abandoned(op_id: str, **kwargs: Any) -> Operation:
    return operation(op_id, status="Abandonnée", **kwargs)


# ---------------------------------------------------------------- ANRU subsidy and engagement


class DescribeAnruSubsidyLines:
    def it_keeps_the_anru_lines_of_live_operations_only(self):
        lines = [anru("OP-1"), funding("OP-1", "anru ", 1), funding("OP-1", "Ville", 2), anru("OP-2"),
                 anru("OP-9")]
        p = programme([operation("OP-1"), abandoned("OP-2")], funding=lines)
        # "anru " matches ANRU (case, spaces); Ville is another funder; OP-2 abandoned; OP-9 unknown (DQ-REF)
        assert anru_subsidy_lines(p) == lines[:2]


class DescribeEngagementPercent:
    @pytest.mark.parametrize("lines, expected", [
        # 200 000 engaged of 500 000 notified
        ([anru(engaged=200_000)], 40.0),
        # Acquis engages as Notifié does: 100 000 / 500 000
        ([anru(status="Acquis", engaged=100_000)], 20.0),
        # a Sollicité line counts in S, not in E, whatever its Montant engagé: 200 000 / (500 000 + 500 000)
        ([anru(engaged=200_000), anru(status="Sollicité", engaged=100_000)], 20.0),
        # Montant engagé empty = nothing engaged: 0 / 500 000
        ([anru(engaged=None)], 0.0),
        # the current amount replaces the convention amount: 200 000 / 400 000
        ([anru(amount_current=400_000, engaged=200_000)], 50.0),
        # other funders don't count: 250 000 / 500 000
        ([anru(engaged=250_000), funding("OP-1", "Ville", 500_000, engaged=500_000)], 50.0),
        # a line with no readable amount is left out of both sums: 250 000 / 500 000
        ([anru(engaged=250_000), anru(amount=None, engaged=100_000)], 50.0),
        # a line with no readable status is left out of both sums: 250 000 / 500 000
        ([anru(engaged=250_000), anru(status=None, engaged=500_000)], 50.0),
        # the line of an abandoned operation is left out: 250 000 / 500 000
        ([anru(engaged=250_000), anru("OP-X", engaged=500_000)], 50.0),
        # no ANRU line: no rate
        ([funding("OP-1", "Ville", 500_000)], None),
        # ΣS = 0: no rate
        ([anru(amount=0)], None),
    ])
    def it_divides_engaged_by_subsidy(self, lines, expected):
        p = programme([operation("OP-1"), abandoned("OP-X")], funding=lines)
        assert engagement_percent(p) == (approx(expected) if expected is not None else None)


def planned_op(op_id: str = "OP-1", start: date = date(2010, 1, 1), delivery: date = date(2011, 1, 1),
               **kwargs: Any) -> Operation:
    """An operation whose baseline works period is [start, delivery] (365 days by default)."""
    return operation(op_id, works_start=dict(convention=start), delivery=dict(convention=delivery), **kwargs)


DAS_DATES = ("avenant", "forecast", "actual")


def das_op(op_id: str = "OP-1", convention: date | None = date(2010, 4, 11), **kwargs: Any) -> Operation:
    """An operation whose DAS milestone has this convention date (avenant, forecast, actual: its other dates)."""
    das = {k: kwargs.pop(k) for k in DAS_DATES if k in kwargs}
    return operation(op_id, das=dict(convention=convention, **das), **kwargs)


class DescribePlannedEngagementPercent:
    @pytest.mark.parametrize("at, expected", [
        (date(2010, 4, 10), 0.0),  # the day before the baseline DAS: nothing planned
        (date(2010, 4, 11), 75.0),  # the step lands on the baseline DAS date: OP-1's 300 000 of 400 000
        (date(2010, 12, 31), 75.0),  # flat until the next DAS
        (date(2011, 1, 1), 100.0),  # OP-2's DAS
        (date(2013, 6, 30), 100.0),  # long after
    ])
    def it_plans_each_subsidy_in_full_at_its_baseline_das(self, at, expected):
        p = programme([das_op("OP-1"), das_op("OP-2", date(2011, 1, 1))],
                      funding=[anru("OP-1", 300_000), anru("OP-2", 100_000)])
        assert planned_engagement_percent(p, at) == approx(expected)

    @pytest.mark.parametrize("at, expected", [(date(2010, 12, 31), 0.0), (date(2011, 1, 1), 100.0)])
    def it_plans_on_the_avenant_date_not_the_convention_nor_the_forecast(self, at, expected):
        p = programme([das_op("OP-1", date(2009, 1, 1), avenant=date(2011, 1, 1), forecast=date(2012, 1, 1))],
                      funding=[anru(amount=365_000)])
        assert planned_engagement_percent(p, at) == approx(expected)

    def it_leaves_out_operations_without_a_baseline_das(self):
        ops = [das_op("OP-1"), das_op("OP-2", None, forecast=date(2010, 1, 1)), planned_op("OP-3"),
               das_op("OP-4", status="Abandonnée")]
        lines = [anru("OP-1", 365_000), anru("OP-2", 1_000_000), anru("OP-3", 1_000_000), anru("OP-4", 1_000_000)]
        # only OP-1 counts (OP-2 has only a forecast, OP-3 only works dates, OP-4 is abandoned)
        assert planned_engagement_percent(programme(ops, funding=lines), date(2010, 4, 11)) == 100.0
        assert planned_engagement_percent(programme([planned_op()], funding=[anru()]), AT) is None

    @pytest.mark.parametrize("ops, lines, gap", [
        # every DAS late: OP-1 planned 30/06/2010, signed 01/09/2011; OP-2 planned 31/03/2011, forecast 2012
        ([das_op("OP-1", date(2010, 6, 30), actual=date(2011, 9, 1)),
          das_op("OP-2", date(2011, 3, 31), forecast=date(2012, 6, 30))],
         [anru("OP-1", 300_000, engaged=300_000), anru("OP-2", 100_000, "Sollicité")], -25.0),  # 75 % for 100 %
        # DAS come early: OP-1 planned 30/06/2012, signed 02/05/2011; OP-2 planned 2013, not yet
        ([das_op("OP-1", date(2012, 6, 30), actual=date(2011, 5, 2)), das_op("OP-2", date(2013, 1, 1))],
         [anru("OP-1", 400_000, engaged=400_000), anru("OP-2", 100_000, "Prévu")], 80.0),  # 80 % for 0 %
    ])
    def it_puts_a_programme_behind_or_ahead_of_the_step_curve(self, ops, lines, gap):
        assert compute_indicators(programme(ops, funding=lines)).engagement_gap_points == approx(gap)

    def it_is_what_fin_09_compares_engagement_with_at_t(self):
        p = programme([das_op("OP-1", date(2010, 6, 30), actual=date(2011, 9, 1)),
                       das_op("OP-2", date(2011, 3, 31), forecast=date(2012, 6, 30))],
                      funding=[anru("OP-1", 300_000, engaged=300_000), anru("OP-2", 100_000, "Sollicité")])
        [alert] = [a for a in evaluate(p) if a.code == "FIN-09"]
        assert (alert.severity.value, alert.finding.endswith("retard de 25 points")) == ("Rouge", True)  # 100 − 75


# ---------------------------------------------------------------- reconstitution


def reconstitution_programme() -> Any:
    at = AT  # 30/09/2011
    ops = [
        operation("D1", famille=DEMOLITION, quantity_convention=100, unit="logements",
                  works_start=dict(convention=date(2010, 5, 1), actual=date(2010, 5, 1)),
                  delivery=dict(convention=date(2011, 2, 1), actual=date(2011, 2, 1))),
        operation("D2", famille=DEMOLITION, quantity_convention=50, works_start=dict(actual=date(2011, 6, 1))),
        operation("D3", famille=DEMOLITION, quantity_convention=30, status="Programmée",
                  works_start=dict(forecast=date(2012, 1, 1))),
        operation("D4", famille=DEMOLITION, quantity_convention=None, works_start=dict(actual=date(2011, 1, 1))),
        abandoned("D5", famille=DEMOLITION, quantity_convention=40),
        operation("D6", famille=DEMOLITION, quantity_convention=20, unit="m²",
                  works_start=dict(actual=date(2011, 1, 1))),
        operation("R1", famille=RECONSTITUTION, quantity_convention=60,
                  works_start=dict(actual=date(2010, 3, 1)), delivery=dict(actual=date(2011, 3, 1))),
        operation("R2", famille=RECONSTITUTION, quantity_convention=40, works_start=dict(actual=at)),
        operation("R3", famille=RECONSTITUTION, quantity_convention=50, status="Programmée"),
        operation("R4", famille=RECONSTITUTION, quantity_convention=25, unit="lgts", status="Livrée"),
        operation("A1", famille="Aménagement", quantity_convention=1000, works_start=dict(actual=date(2010, 1, 1))),
    ]
    return programme(ops, at=at)


class DescribeReconstitution:
    def it_counts_dwellings_planned_started_and_delivered_at_t(self):
        r = reconstitution(reconstitution_programme(), AT)
        # demolished: planned D1 + D2 + D3 = 180, started D1 + D2 = 150, delivered D1 = 100
        # (D4 no quantity, D5 abandoned, D6 in m²)
        assert (r.demolished_planned, r.demolished_started, r.demolished_delivered) == (180, 150, 100)
        # rebuilt: planned R1 + R2 + R3 + R4 = 175, started R1 + R2 (on t) + R4 (Livrée) = 125,
        # delivered R1 + R4 = 85
        assert (r.rebuilt_planned, r.rebuilt_started, r.rebuilt_delivered) == (175, 125, 85)
        assert r.ratio_started == approx(125 / 150)
        assert r.ratio_delivered == approx(85 / 100)
        assert r.ratio_planned == approx(175 / 180)
        assert r.gap_started == 25  # 150 − 125

    def it_counts_at_an_earlier_date_from_the_actual_dates_only(self):
        r = reconstitution(reconstitution_programme(), date(2011, 1, 1))
        # D1 started 01/05/2010, not yet delivered; R1 started 01/03/2010; R4's Livrée status says
        # nothing about 01/01/2011
        assert (r.demolished_started, r.demolished_delivered) == (100, 0)
        assert (r.rebuilt_started, r.rebuilt_delivered) == (60, 0)
        assert r.ratio_delivered is None  # nothing demolished yet

    def it_has_no_ratio_without_demolitions(self):
        r = reconstitution(programme([operation("R1", famille=RECONSTITUTION, quantity_convention=10)]), AT)
        assert (r.ratio_planned, r.ratio_started, r.ratio_delivered, r.gap_started) == (None, None, None, 0)


# ---------------------------------------------------------------- rehousing


def rehousing_programme() -> Any:
    new, old = "Neuf ou moins de 5 ans", "Parc existant"
    households = [
        household("M1", "OP-D", "Relogé", destination=new, location="Hors site", outside_qpv=True,
                  rest_to_pay_before=200, rest_to_pay_after=220),  # +10 %
        household("M2", "OP-D", "Relogé", destination=old, location="Sur site", outside_qpv=False,
                  rest_to_pay_before=100, rest_to_pay_after=95),  # −5 %
        household("M3", "OP-D", "Relogé", rest_to_pay_before=150, rest_to_pay_after=180),  # +20 %, rest unknown
        household("M4", "OP-D", "Relogé", destination=new, location="Sur site", outside_qpv=False,
                  rest_to_pay_before=0, rest_to_pay_after=50),  # from 0: no percentage
        household("M5", "OP-D", "À reloger"),
        household("M6", "OP-D", "Relogement temporaire"),
        household("M7", "OP-D", "Parti sans relogement"),
        household("M8", "OP-D", None),  # type: ignore[arg-type]  # unreadable status: left out
        household("M9", "OP-E", "Relogé", destination=new, location="Hors site", outside_qpv=True),
        household("M10", "OP-X", "Relogé", destination=new),  # abandoned demolition: left out
    ]
    ops = [operation("OP-D", famille=DEMOLITION), operation("OP-E", famille=DEMOLITION),
           abandoned("OP-X", famille=DEMOLITION)]
    return programme(ops, households=households)


class DescribeRehousing:
    def it_counts_every_household_of_the_programme(self):
        r = rehousing(rehousing_programme())
        # M1–M7 and M9 to rehouse; M1–M4 and M9 rehoused; destination known for M1, M2, M4, M9
        assert r == Rehousing(to_rehouse=8, rehoused=5, temporary=1, left_without=1, new_or_recent=3,
                              off_site=2, outside_qpv=2, median_rest_to_pay_change_pct=10.0,
                              known_destination=4, known_location=4, known_qpv=4)
        assert r.rehoused_percent == 62.5  # 5 / 8
        assert r.new_or_recent_percent == 75.0  # M1, M4, M9 of 4 known
        assert r.off_site_percent == 50.0  # M1, M9 of 4 known
        assert r.outside_qpv_percent == 50.0  # M1, M9 of 4 known
        assert r.left_without_percent == 12.5  # 1 / 8

    def it_takes_the_median_change_of_the_rest_to_pay(self):
        # median of +10, −5, +20 (M4 has 0 before, M9 no figures) = +10
        assert rehousing(rehousing_programme()).median_rest_to_pay_change_pct == 10.0

    def it_narrows_to_one_demolition(self):
        r = rehousing(rehousing_programme(), "OP-D")
        assert (r.to_rehouse, r.rehoused, r.known_destination, r.new_or_recent) == (7, 4, 3, 2)
        assert r.new_or_recent_percent == approx(200 / 3)  # M1, M4 of M1, M2, M4

    def it_leaves_out_an_abandoned_demolition(self):
        assert rehousing(rehousing_programme(), "OP-X").to_rehouse == 0

    def it_has_no_percentage_without_households(self):
        r = rehousing(programme([operation("OP-D", famille=DEMOLITION)]))
        assert (r.rehoused_percent, r.new_or_recent_percent, r.off_site_percent, r.outside_qpv_percent,
                r.left_without_percent, r.median_rest_to_pay_change_pct) == (None,) * 6


# ---------------------------------------------------------------- weighted progress

WORKS_2011 = dict(works_start=dict(convention=date(2011, 1, 1), actual=date(2011, 1, 1)),
                  delivery=dict(convention=date(2012, 1, 1)))


class DescribePortfolioProgress:
    @pytest.mark.parametrize("ops, expected", [
        # delivered 1 M€ (100) and not started 3 M€ (0): 100 × 1/4
        ([done("A"), idle("B", 3_000_000)], 25.0),
        # studies (10) and delivered (100), same cost: (10 + 100) / 2
        ([operation("A", status="En études"), done("B")], 55.0),
        # in works since 01/01/2011, delivery 01/01/2012, t = 30/09/2011: 25 + 65 × 272/365
        ([operation("A", **WORKS_2011)], 25 + 65 * 272 / 365),
        # an abandoned operation has no weight
        ([done("A"), abandoned("B", cost=3_000_000)], 100.0),
        # an operation with no known cost has no weight
        ([done("A"), idle("B", cost=None)], 100.0),
        # zero cost: weight 0, and no total → None
        ([done("A", cost=0)], None),
        ([], None),
    ])
    def it_weights_each_progress_by_cost(self, ops, expected):
        result = portfolio_progress(programme(ops), AT)
        assert result == (approx(expected) if expected is not None else None)

    def it_can_be_taken_over_some_operations(self):
        ops = [done("A"), idle("B", 3_000_000), idle("C")]
        p = programme(ops)
        assert portfolio_progress(p, AT, ops[::2]) == 50.0  # (100 + 0) / 2

    def it_compares_with_the_progress_planned_on_the_baseline(self):
        ops = [done("A", delivery=dict(convention=date(2011, 6, 30))),
               idle("B", works_start=dict(convention=date(2011, 1, 1)), delivery=dict(convention=date(2012, 1, 1)))]
        p = programme(ops)
        planned_b = 25 + 65 * 272 / 365  # 272 days of 365 into B's planned works at 30/09/2011
        assert portfolio_progress(p, AT) == 50.0  # (100 + 0) / 2
        assert planned_portfolio_progress(p, AT) == approx((100 + planned_b) / 2)
        assert spi(p, AT) == approx(50 / ((100 + planned_b) / 2))

    def it_has_no_spi_before_anything_was_planned(self):
        p = programme([idle("A", works_start=dict(convention=date(2012, 1, 1)))])
        assert (planned_portfolio_progress(p, AT), spi(p, AT)) == (0.0, None)

    def it_gives_progress_by_famille(self):
        p = programme([done("A", famille=DEMOLITION), idle("B", famille="Aménagement"),
                       done("C", famille="Aménagement", cost=3_000_000)])
        rows = {r.famille: r for r in progress_by_famille(p)}
        assert rows[DEMOLITION].progress_pct == 100.0
        assert rows["Aménagement"].progress_pct == 75.0  # (0 × 1 + 100 × 3) / 4
        assert rows["Aménagement"].spi is None  # no baseline date: nothing planned


# ---------------------------------------------------------------- finance tables


def finance_programme() -> Any:
    ops = [operation("OP-1", famille=DEMOLITION, district="Perseigne", owner="Orne Habitat"),
           operation("OP-2", famille="Aménagement", district="Courteille", owner="Ville d'Alençon"),
           operation("OP-3", famille="Aménagement", district="Perseigne", owner="Ville d'Alençon"),
           abandoned("OP-4", famille="Aménagement")]
    lines = [anru("OP-1", 1_000_000, engaged=800_000, paid=200_000),
             funding("OP-1", "Fonds propres bailleur", 500_000, "Acquis", engaged=500_000, paid=500_000),
             anru("OP-2", 400_000, "Acquis", engaged=400_000, paid=100_000),
             funding("OP-2", "Ville", 600_000, "Prévu"),
             anru("OP-3", 600_000, "Sollicité", engaged=300_000),  # not engaged: its 300 000 don't count
             anru("OP-4", 999, engaged=999, paid=999)]  # abandoned
    return programme(ops, funding=lines)


def row_figures(row: Any) -> tuple:
    return (row.key, row.amount, row.engaged, row.paid, row.engaged_pct, row.paid_of_amount_pct,
            row.paid_of_engaged_pct, row.to_engage, row.to_pay)


class DescribeFinanceTables:
    def it_gives_the_anru_rates_and_what_remains(self):
        ind = compute_indicators(finance_programme())
        # S = 1 000 000 + 400 000 + 600 000; E = 800 000 + 400 000; P = 200 000 + 100 000
        assert row_figures(ind.anru) == ("ANRU", 2_000_000, 1_200_000, 300_000, 60.0, 15.0, 25.0,
                                         800_000, 900_000)

    def it_breaks_the_anru_subsidy_down_by_famille_district_and_owner(self):
        ind = compute_indicators(finance_programme())
        # familles in the order of the Listes: Démolition before Aménagement
        assert [row_figures(r) for r in ind.anru_by_famille] == [
            (DEMOLITION, 1_000_000, 800_000, 200_000, 80.0, 20.0, 25.0, 200_000, 600_000),
            ("Aménagement", 1_000_000, 400_000, 100_000, 40.0, 10.0, 25.0, 600_000, 300_000),
        ]
        # no Quartiers list: alphabetical; Perseigne = OP-1 + OP-3
        assert [(r.key, r.amount, r.engaged, r.engaged_pct) for r in ind.anru_by_district] == [
            ("Courteille", 400_000, 400_000, 100.0), ("Perseigne", 1_600_000, 800_000, 50.0)]
        assert [(r.key, r.amount, r.engaged) for r in ind.anru_by_owner] == [
            ("Orne Habitat", 1_000_000, 800_000), ("Ville d'Alençon", 1_000_000, 400_000)]

    def it_breaks_every_funding_down_by_funder(self):
        ind = compute_indicators(finance_programme())
        # in the order of the Financeurs list; Ville's line is only Prévu: nothing engaged, no paid ÷ engaged
        assert [row_figures(r) for r in ind.by_funder] == [
            ("ANRU", 2_000_000, 1_200_000, 300_000, 60.0, 15.0, 25.0, 800_000, 900_000),
            ("Ville", 600_000, 0, 0, 0.0, 0.0, None, 600_000, 0),
            ("Fonds propres bailleur", 500_000, 500_000, 500_000, 100.0, 100.0, 100.0, 0, 0),
        ]

    def it_shows_own_funds_and_loans_without_figures_as_not_followed(self):
        ops = [operation("OP-1", owner="Orne Habitat"), operation("OP-2", owner="Ville")]
        lines = [anru("OP-1", 1_000_000, engaged=400_000),
                 funding("OP-1", "Fonds propres bailleur", 500_000, "Acquis"),
                 funding("OP-1", "Prêts CDC", 300_000, "Acquis"),
                 funding("OP-1", "Orne Habitat", 100_000, "Acquis"),  # the owner's own money
                 funding("OP-1", "Caisse des Dépôts", 200_000, "Acquis"),  # a subsidy: followed, 0 % engaged
                 funding("OP-1", "Prêts bailleur", 50_000, "Acquis", engaged=50_000),  # a figure given: followed
                 funding("OP-1", "Ville", 200_000, "Notifié", engaged=100_000),  # the Ville's subsidy to OP-1
                 funding("OP-2", "Ville", 800_000, "Acquis")]  # its own funds on its own operation
        rows = {r.key: (r.amount, r.followed, r.engaged_pct, r.not_followed)
                for r in compute_indicators(programme(ops, funding=lines)).by_funder}
        assert rows == {
            "ANRU": (1_000_000, True, 40.0, 0), "Fonds propres bailleur": (500_000, False, None, 500_000),
            "Prêts CDC": (300_000, False, None, 300_000), "Orne Habitat": (100_000, False, None, 100_000),
            "Caisse des Dépôts": (200_000, True, 0.0, 0), "Prêts bailleur": (50_000, True, 100.0, 0),
            "Ville": (1_000_000, True, 50.0, 800_000),  # 100 000 of the followed 200 000; the 800 000 left out
        }

    def it_writes_non_suivi_in_the_dashboards_funder_table(self):
        p = programme([operation("OP-1", owner="Orne Habitat")],
                      funding=[anru("OP-1", 1_000_000, engaged=400_000),
                               funding("OP-1", "Fonds propres bailleur", 500_000, "Acquis")])
        ws = dashboard_sheet(p, compute_indicators(p), (), ())
        [row] = [r for (r, c), cell in ws.cells.items() if c == 1 and cell.value == "Fonds propres bailleur"]
        assert [ws.cell(row, c).value for c in range(2, 7)] == [500_000] + ["non suivi"] * 4

    def it_compares_engagement_with_the_planned_step_curve(self):
        p = programme([das_op()], funding=[anru(amount=365_000, engaged=73_000)])
        ind = compute_indicators(p)
        # engaged 73 000 / 365 000 = 20 %; the baseline DAS of 11/04/2010 is past at 30/09/2011: 100 % planned
        assert (ind.anru.engaged_pct, ind.planned_engagement_pct, ind.engagement_gap_points) == (20.0, 100.0, -80.0)


# ---------------------------------------------------------------- launched, physical progress, cost drift


class DescribeLaunched:
    def it_counts_the_operations_whose_works_started_by_t(self):
        p = programme([
            operation("A", works_start=dict(actual=date(2011, 9, 30))),  # started on t
            operation("B", works_start=dict(actual=date(2011, 10, 1))),  # after t (a DQ-FUTURE): not yet
            done("C"),  # Livrée with no dates: delivered, so launched
            idle("D"),
            abandoned("E", works_start=dict(actual=date(2010, 1, 1))),  # out of both counts
        ])
        assert launched(p) == (2, 4)
        assert compute_indicators(p).launched_pct == 50.0


class DescribePhysicalProgress:
    def it_divides_done_by_convention_quantities_per_famille_and_unit(self):
        p = programme([
            operation("R1", famille="Réhabilitation", unit="logements", quantity_convention=100, quantity_done=40),
            operation("R2", famille="Réhabilitation", unit="logements", quantity_convention=50),  # nothing done yet
            operation("A1", famille="Aménagement", unit="m²", quantity_convention=2000, quantity_done=500),
            operation("A2", famille="Aménagement", unit="m²", quantity_done=100),  # no convention quantity
            abandoned("R3", famille="Réhabilitation", unit="logements", quantity_convention=100, quantity_done=100),
        ])
        rows = [(r.famille, r.unit, r.planned, r.done, r.done_pct) for r in physical_progress(p)]
        # Réhabilitation: 40 / (100 + 50); Aménagement: 500 / 2000
        assert rows == [("Réhabilitation", "logements", 150, 40, approx(40 / 150 * 100)),
                        ("Aménagement", "m²", 2000, 500, 25.0)]


def cost_programme() -> Any:
    return programme([
        operation("OP-1", famille=DEMOLITION, cost=1_000_000, cost_current=1_200_000),  # +20 %
        operation("OP-2", famille="Aménagement", cost=2_000_000),  # no update: no drift
        operation("OP-3", famille="Aménagement", cost=1_000_000, cost_current=900_000),  # −10 %
        operation("OP-4", cost=None, cost_current=500_000),  # no convention cost: left out
        abandoned("OP-5", cost=1_000_000, cost_current=5_000_000),
        operation("OP-6", famille="Réhabilitation", cost=0, cost_current=100_000),  # no percentage from 0
    ])


class DescribeCostDrift:
    def it_compares_current_and_convention_costs_overall(self):
        drift = cost_drift(cost_programme())
        # convention 1 + 2 + 1 + 0 = 4 M€, current 1,2 + 2 + 0,9 + 0,1 = 4,2 M€: +5 %
        assert (drift.convention, drift.current, drift.drift_pct) == (4_000_000, approx(4_200_000), approx(5.0))

    def it_gives_the_drift_by_famille_and_operation(self):
        p = cost_programme()
        # Aménagement: (2 + 0,9 − 3) / 3 = −3,33 %
        assert [(r.key, r.drift_pct) for r in cost_drift_by_famille(p)] == [
            (DEMOLITION, approx(20.0)), ("Réhabilitation", None), ("Aménagement", approx(-100 / 30))]
        assert [(r.key, r.drift_pct) for r in cost_drift_by_operation(p)] == [
            ("OP-1", approx(20.0)), ("OP-2", 0.0), ("OP-3", approx(-10.0)), ("OP-6", None)]


# ---------------------------------------------------------------- slips


def slip_programme() -> Any:
    return programme([
        operation("OP-1", famille=DEMOLITION,
                  works_start=dict(convention=date(2010, 3, 1), actual=date(2010, 6, 15)),
                  delivery=dict(convention=date(2011, 6, 30), avenant=date(2012, 6, 30), forecast=date(2012, 12, 31),
                                motif="Défaillance entreprise"),
                  das=dict(convention=date(2010, 1, 1)),  # due 2010, not obtained by t: late until t
                  pc=dict(forecast=date(2010, 1, 1))),  # no reference date: no slip
        operation("OP-2", famille=DEMOLITION, works_start=dict(convention=date(2011, 1, 1), forecast=date(2011, 2, 1)),
                  delivery=dict(convention=date(2011, 12, 31), forecast=date(2011, 10, 31))),
        operation("OP-3", famille="Aménagement", delivery=dict(convention=date(2011, 1, 31), actual=date(2011, 8, 31))),
        abandoned("OP-4", famille="Aménagement", delivery=dict(convention=date(2008, 1, 1), forecast=date(2015, 1, 1))),
    ])


class DescribeSlips:
    def it_measures_each_milestone_against_convention_and_avenant(self):
        rows = [(s.operation_id, s.milestone, s.vs_baseline_months, s.vs_convention_months, s.vs_avenant_months,
                 s.done, s.motif) for s in slips(slip_programme())]
        assert rows == [
            ("OP-1", "DAS", 20, 20, None, False, None),  # due 01/01/2010, nothing real: late until t (30/09/2011)
            ("OP-1", "Démarrage des travaux", 3, 3, None, True, None),  # 01/03/2010 → 15/06/2010 (actual)
            # vs the avenant 30/06/2012 → 31/12/2012 = 6 months (the headline); since the convention 30/06/2011: 18
            ("OP-1", "Livraison", 6, 18, 6, False, "Défaillance entreprise"),
            ("OP-2", "Démarrage des travaux", 8, 8, None, False, None),  # forecast 01/02/2011 passed: until t
            ("OP-2", "Livraison", -2, -2, None, False, None),  # forecast 2 months ahead of the convention
            ("OP-3", "Livraison", 7, 7, None, True, None),  # 31/01/2011 → 31/08/2011
        ]

    def it_gives_max_and_median_by_famille_against_the_latest_baseline(self):
        rows = [(r.famille, r.delivery_max_months, r.delivery_median_months, r.works_start_max_months,
                 r.works_start_median_months) for r in slips_by_famille(slip_programme())]
        # Démolition: deliveries 6 (vs avenant) and −2 → max 6, median 2; works starts 3 and 8 (forecast passed,
        # not started: late until t) → max 8, median 5.5
        assert rows == [(DEMOLITION, 6, 2.0, 8, 5.5), ("Aménagement", 7, 7.0, None, None)]

    def it_keeps_the_slip_since_the_convention_beside_it(self):
        rows = [(r.famille, r.delivery_max_since_convention_months, r.delivery_median_since_convention_months,
                 r.works_start_max_since_convention_months, r.works_start_median_since_convention_months)
                for r in slips_by_famille(slip_programme())]
        # Démolition: deliveries 18 (since the convention) and −2 → max 18, median 8
        assert rows == [(DEMOLITION, 18, 8.0, 8, 5.5), ("Aménagement", 7, 7.0, None, None)]

    @pytest.mark.parametrize(("delivery", "baseline", "convention"), [
        (dict(convention=date(2011, 6, 30), forecast=date(2012, 6, 30)), 12, 12),  # no avenant: the same figure
        (dict(convention=date(2011, 6, 30), avenant=date(2012, 6, 30), forecast=date(2012, 6, 30)), 0,
         12),  # a slip the avenant ratified is 0 against it
        (dict(avenant=date(2012, 6, 30), forecast=date(2012, 8, 31)), 2, None),  # no convention date
    ])
    def it_measures_the_headline_against_the_avenant_else_the_convention(self, delivery, baseline, convention):
        [slip] = slips(programme([operation("OP-1", delivery=delivery)]))
        assert (slip.vs_baseline_months, slip.vs_convention_months) == (baseline, convention)


# ---------------------------------------------------------------- S-curves


def s_curve_programme(at: date = AT, **kwargs: Any) -> Any:
    ops = [planned_op("OP-A", das=dict(convention=date(2009, 11, 15), actual=date(2009, 11, 15))),  # works 2010
           das_op("OP-B", date(2011, 11, 15)),  # DAS planned between t and the semester's end
           operation("OP-C")]
    lines = [anru("OP-A", 365_000, engaged=300_000, paid=100_000),
             anru("OP-B", 200_000, "Acquis", engaged=200_000),
             anru("OP-C", 100_000, "Prévu")]  # no DAS date: in ΣS, not in the plan
    return programme(ops, funding=lines, at=at, **kwargs)


HISTORY = (Actual(date(2011, 3, 31), 200_000, 30.0, 50_000, 7.5),  # between two semesters' ends
           Actual(date(2011, 6, 30), 250_000, 37.6, 60_000, 9.0))  # on S1 2011's last day: replaces its point


class DescribeSCurve:
    def it_runs_by_semester_from_signature_to_one_semester_after_the_convention_end(self):
        points = s_curve(s_curve_programme())
        semesters = [f"S{h} {y}" for y in range(2008, 2014) for h in (1, 2)] + ["S1 2014"]  # end 31/12/2013
        assert [pt.label for pt in points] == semesters[:7] + ["30/09/2011"] + semesters[7:]
        assert (points[0].day, points[-1].day) == (date(2008, 6, 30), date(2014, 6, 30))

    def it_runs_to_t_when_t_is_later(self):
        labels = [pt.label for pt in s_curve(s_curve_programme(date(2015, 3, 1)))]
        assert labels[-2:] == ["01/03/2015", "S1 2015"]  # up to the semester of t

    @pytest.mark.parametrize("label, planned, planned_paid", [
        ("S1 2009", 0, 0),  # nothing yet
        ("S2 2009", 365_000, 0),  # OP-A's subsidy planned in full at its baseline DAS, 15/11/2009 (a step)
        ("S1 2010", 365_000, 180_000),  # payments: 180 days of the 365 from the works start to the solde
        ("S2 2010", 365_000, 255_500),  # 364 days of 365, capped at 70 % until the solde
        ("S1 2011", 365_000, 365_000),  # the solde (no solde milestone: the delivery, 01/01/2011) pays the rest
        ("30/09/2011", 365_000, 365_000),  # t: OP-B's DAS of 15/11/2011 not yet planned
        ("S2 2011", 565_000, 365_000),  # its end: OP-B's 200 000 planned
    ])
    def it_plans_engagement_as_a_step_at_the_baseline_das_and_payments_from_the_works_to_the_solde(
            self, label, planned, planned_paid):
        point = next(pt for pt in s_curve(s_curve_programme()) if pt.label == label)
        assert (point.planned, point.planned_paid) == (approx(planned), approx(planned_paid))

    @pytest.mark.parametrize("ceiling, expected", [(70, 255_500), (50, 182_500), (100, 364_000)])
    def it_caps_the_payments_before_the_solde_at_the_parameter(self, ceiling, expected):
        p = s_curve_programme(params=dict(payments_before_balance_ceiling_pct=ceiling))
        assert next(pt for pt in s_curve(p) if pt.label == "S2 2010").planned_paid == approx(expected)

    def it_gives_the_actual_figures_at_t_only_without_history(self):
        points = s_curve(s_curve_programme())
        dated = [pt for pt in points if pt.engaged is not None]
        assert [(pt.label, pt.engaged, pt.paid) for pt in dated] == [("30/09/2011", 500_000, 100_000)]
        # engaged and paid % of ΣS = 665 000; planned % of the 565 000 with a baseline DAS
        assert (dated[0].engaged_pct, dated[0].paid_pct) == (approx(500_000 / 665_000 * 100),
                                                              approx(100_000 / 665_000 * 100))
        assert dated[0].planned_pct == approx(365_000 / 565_000 * 100)

    def it_reads_the_prevu_a_date_at_t_not_at_the_semester_end(self):
        p = s_curve_programme()
        at_t = next(pt for pt in s_curve(p) if pt.day == AT)
        semester = next(pt for pt in s_curve(p) if pt.label == "S2 2011")
        assert at_t.planned_pct == compute_indicators(p).planned_engagement_pct == approx(365 / 565 * 100)
        assert semester.planned_pct == 100.0  # what the semester's end would have said

    def it_adds_one_point_per_history_row_before_t(self):
        later = Actual(date(2011, 12, 31), 1, 1.0, 1, 1.0)  # on or after t: today's figures win
        points = s_curve(s_curve_programme(), HISTORY + (later, Actual(AT, 2, 2.0, 2, 2.0)))
        dated = [(pt.label, pt.engaged, pt.engaged_pct, pt.paid, pt.paid_pct) for pt in points
                 if pt.engaged_pct is not None]
        assert dated == [("31/03/2011", 200_000, 30.0, 50_000, 7.5), ("30/06/2011", 250_000, 37.6, 60_000, 9.0),
                         ("30/09/2011", 500_000, approx(500 / 665 * 100), 100_000, approx(100 / 665 * 100))]
        assert "S1 2011" not in [pt.label for pt in points]  # 30/06/2011 took its place

    def it_is_empty_without_a_start(self):
        p = programme([operation("OP-1")], params=dict(signature_date=None))
        assert s_curve(p) == ()


class DescribeHistoryActuals:
    def it_reads_engaged_and_paid_from_a_historique_row(self):
        row = {AT_HEADER: date(2011, 3, 31), "Subvention ANRU (€)": 1_000_000, "Taux d'engagement ANRU": 0.4,
               "Taux de paiement ANRU": 0.1, "Reste à engager (€)": 600_000, "Reste à payer (€)": 300_000}
        assert history_actual(row) == Actual(date(2011, 3, 31), 400_000, 40.0, 100_000, 10.0)

    def it_computes_the_rates_when_the_row_lacks_them_and_skips_rows_without_figures(self):
        row = {AT_HEADER: date(2011, 3, 31), "Subvention ANRU (€)": 1_000_000, "Reste à engager (€)": 750_000,
               "Reste à payer (€)": 200_000}
        empty = {AT_HEADER: date(2010, 9, 30), "Alertes rouges": 3}
        assert history_actuals([row, empty]) == [Actual(date(2011, 3, 31), 250_000, 25.0, 50_000, 5.0)]

    def it_reads_the_labels_the_dashboard_writes(self):
        assert set(HISTORY_LABELS) <= {label for label, _, _ in HEADLINES}


# ---------------------------------------------------------------- à lancer


class DescribeToLaunch:
    @pytest.mark.parametrize("works_start, launches", [
        (dict(forecast=AT), True),  # planned on t
        (dict(forecast=date(2012, 3, 30)), True),  # t + 6 months (horizon) exactly
        (dict(forecast=date(2012, 3, 31)), False),  # a day past the horizon
        (dict(forecast=date(2011, 9, 29)), False),  # already late: a CAL-01 matter, not à lancer
        (dict(convention=date(2011, 12, 1)), True),  # no forecast: the baseline
        (dict(convention=date(2011, 12, 1), avenant=date(2012, 6, 1)), False),  # the avenant replaces it
        (dict(convention=date(2011, 12, 1), forecast=date(2012, 6, 1)), False),  # the forecast wins
        (dict(forecast=date(2011, 12, 1), actual=date(2011, 9, 1)), False),  # already started
        (dict(), False),  # no date at all
    ])
    def it_lists_operations_planned_to_start_within_the_horizon(self, works_start, launches):
        p = programme([idle("OP-1", works_start=works_start)])
        assert [r.operation_id for r in to_launch(p)] == (["OP-1"] if launches else [])

    @pytest.mark.parametrize("status", ["Livrée", "Soldée", "Abandonnée"])
    def it_leaves_out_closed_operations(self, status):
        p = programme([operation("OP-1", status=status, works_start=dict(forecast=date(2011, 12, 1)))])
        assert to_launch(p) == ()

    def it_follows_the_launch_horizon_parameter(self):
        p = programme([idle("OP-1", works_start=dict(forecast=date(2012, 6, 1)))],
                      params=dict(launch_horizon_months=9))
        assert [r.planned_start for r in to_launch(p)] == [date(2012, 6, 1)]

    def it_names_the_open_prerequisites(self):
        op = idle("OP-1", works_start=dict(forecast=date(2011, 12, 1)), pc=dict(convention=date(2011, 6, 1)),
                  contracts=dict(actual=date(2011, 8, 1)), das=dict(forecast=date(2011, 11, 1)))
        other = idle("OP-2", works_start=dict(forecast=date(2011, 11, 1)))  # no PC, contract nor DAS to get
        lines = [anru("OP-1"), funding("OP-1", "Ville", 100_000, "Sollicité"), anru("OP-2", status="Acquis")]
        rows = to_launch(programme([op, other], funding=lines))
        # sorted by planned start; OP-1's contracts are awarded, its PC and DAS not, Ville only sollicité
        assert [(r.operation_id, r.open_prerequisites) for r in rows] == [
            ("OP-2", ()), ("OP-1", ("Obtention PC", "DAS", UNSECURED_FUNDING))]


# ---------------------------------------------------------------- insertion


class DescribeInsertion:
    def it_compares_insertion_hours_with_works_progress(self):
        lines = [insertion_line("OP-1", "Lot 1", hours_worked=10_000, insertion_planned=500, insertion_done=200),
                 insertion_line("OP-1", "Lot 2", insertion_planned=300, insertion_done=100),
                 insertion_line("OP-2", "Lot 1", hours_worked=20_000, insertion_done=600),
                 insertion_line("OP-2", "Lot 2", hours_worked=5_000, insertion_planned=250),
                 insertion_line("OP-3", "Lot 1", hours_worked=9_999, insertion_planned=9, insertion_done=9)]
        p = programme([done("OP-1"), idle("OP-2", 3_000_000), done("OP-4", 10_000_000), abandoned("OP-3")],
                      insertion=lines)
        ins = insertion(p)
        assert (ins.hours_worked, ins.insertion_planned, ins.insertion_done) == (35_000, 1_050, 900)
        assert ins.done_of_planned_pct == 37.5  # (200 + 100) / (500 + 300): lines with both figures
        assert ins.done_of_target_pct == approx(800 / 1_500 * 100)  # (200 + 600) / (5 % × 30 000)
        assert ins.works_progress_pct == 25.0  # OP-1 (100, 1 M€) and OP-2 (0, 3 M€); OP-4 has no insertion
        assert ins.gap_points == 12.5  # 37,5 − 25

    def it_follows_the_insertion_target_parameter(self):
        p = programme([done("OP-1")], params=dict(insertion_target_pct=10),
                      insertion=[insertion_line(hours_worked=10_000, insertion_done=500)])
        assert insertion(p).done_of_target_pct == 50.0  # 500 / (10 % × 10 000)

    def it_has_no_ratio_without_insertion_lines(self):
        ins = insertion(programme([done("OP-1")]))
        assert (ins.done_of_planned_pct, ins.done_of_target_pct, ins.works_progress_pct, ins.gap_points) == (
            None, None, None, None)


# ---------------------------------------------------------------- everything at once


def rich_programme() -> Any:
    ops = [planned_op("OP-1", famille=DEMOLITION, quantity_convention=90, cost=3_000_000, cost_current=3_100_000,
                      das=dict(actual=date(2009, 6, 1)), status="Livrée"),
           idle("OP-2", famille=RECONSTITUTION, quantity_convention=60,
                works_start=dict(convention=date(2011, 12, 1)), delivery=dict(convention=date(2013, 1, 1))),
           abandoned("OP-3")]
    return programme(ops, funding=[anru("OP-1", 3_000, engaged=1_000, paid=1_000 / 3), anru("OP-2", 1_000, "Prévu")],
                     households=[household("M1", "OP-1", "Relogé"), household("M2", "OP-1")],
                     insertion=[insertion_line("OP-1", hours_worked=1000, insertion_done=30, insertion_planned=50)])


class DescribeComputeIndicators:
    def it_gathers_every_indicator_at_the_date_de_situation(self):
        ind = compute_indicators(rich_programme())
        assert (ind.at, ind.programme, ind.operations, ind.operations_launched) == (AT, "PNRU", 2, 1)
        assert ind.anru.engaged_pct == 25.0  # 1 000 / (3 000 + 1 000)
        assert ind.progress_pct == approx(3.1 / 4.1 * 100)  # OP-1 delivered (current cost 3,1 M€), OP-2 0 (1 M€)
        assert ind.reconstitution.ratio_planned == approx(60 / 90)
        assert ind.rehousing.rehoused_percent == 50.0
        assert [r.operation_id for r in ind.to_launch] == ["OP-2"]
        assert ind.cost_drift.drift_pct == approx(2.5)  # (3,1 + 1 − 4) / 4

    def it_serialises_to_plain_json(self):
        data = json.loads(json.dumps(indicators_as_json(compute_indicators(rich_programme()))))
        assert data["at"] == "2011-09-30"
        assert data["anru"]["paid"] == 333.33  # amounts to the cent
        assert data["anru"]["paid_of_engaged_pct"] == 33.3  # percentages to 0,1
        assert data["anru"]["paid_of_amount_pct"] == 8.3  # 333,33 / 4 000
        assert data["rehousing"]["rehoused_percent"] == 50.0  # properties come along
        assert data["rehousing"]["median_rest_to_pay_change_pct"] is None  # None kept
        assert data["reconstitution"]["ratio_planned"] == 0.67
        assert data["to_launch"][0]["planned_start"] == "2011-12-01"
        assert data["s_curve"][0]["label"] == "S1 2008"
        assert set(data) >= {"slips", "slips_by_famille", "by_funder", "physical_progress", "insertion"}

    def it_serialises_an_empty_programme(self):
        data = indicators_as_json(compute_indicators(programme([])))
        assert json.dumps(data) and data["anru"]["engaged_pct"] is None and data["operations"] == 0
