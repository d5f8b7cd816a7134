"""Specifications of the alert rules HAB-01…05, SOC-01…02 and GOV-01…03, on small built programmes."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from opc_excel.compute.alerts import RULES, evaluate, gouvernance, habitat, social  # noqa: F401  (gouvernance registers)
from opc_excel.fr import NBSP
from opc_excel.model import Alert, Amendment, Level, Operation, Programme, ProgrammeKind, Theme
from opc_excel.read import contract
from tests.programmes import action, funding, household, insertion, operation, programme

AT = date(2011, 9, 30)
O, R = Level.ORANGE, Level.ROUGE  # noqa: E741  (the catalogue's own letters)


def alerts(p: Programme, code: str) -> list[Alert]:
    return evaluate(p, rules=[RULES[code]])


def levels(p: Programme, code: str) -> list[Level]:
    return [a.severity for a in alerts(p, code)]


def demolition(op_id: str = "DEM-1", qty: float | None = 50, *, started: bool = True, delivered: bool = False,
               **kwargs: Any) -> Operation:
    """Return a demolition of ``qty`` dwellings, started at 01/03/2011 when told, delivered at 01/09/2011."""
    return _housing(op_id, contract.DEMOLITION, qty, started, delivered, **kwargs)


def rebuilding(op_id: str = "REC-1", qty: float | None = 50, *, started: bool = True, delivered: bool = False,
               **kwargs: Any) -> Operation:
    """Return a reconstitution de l'offre of ``qty`` dwellings, same calendar as :func:`demolition`."""
    return _housing(op_id, contract.RECONSTITUTION, qty, started, delivered, **kwargs)


def _housing(op_id: str, famille: str, qty: float | None, started: bool, delivered: bool, **kwargs: Any) -> Operation:
    kwargs.setdefault("status", "Livrée" if delivered else "En travaux" if started else "Programmée")
    return operation(op_id, famille=famille, quantity_convention=qty, unit="logements",
                     works_start=dict(convention=date(2011, 3, 1), actual=date(2011, 3, 1) if started else None),
                     delivery=dict(convention=date(2012, 6, 30), actual=date(2011, 9, 1) if delivered else None),
                     **kwargs)


# ---------------------------------------------------------------- HAB-01


class DescribeHab01ReconstitutionBehind:
    @pytest.mark.parametrize(("operations", "expected"), [
        # rebuilt started 40 < demolished started 50: orange
        ([demolition(qty=50), rebuilding(qty=40), rebuilding("REC-2", 10, started=False)], [O]),
        # rebuilt started = demolished started: the 1 pour 1 holds, quiet
        ([demolition(qty=50), rebuilding(qty=50)], []),
        # more rebuilt than demolished: quiet
        ([demolition(qty=50), rebuilding(qty=60)], []),
        # the demolition not started yet does not count against the rebuilt started
        ([demolition(qty=50, started=False), rebuilding(qty=10, started=False), rebuilding("REC-2", 40)], []),
        # planned rebuilt 49 for 50 demolished: rouge, the pace being kept (49 started of 50 not started)
        ([demolition(qty=50, started=False), rebuilding(qty=49)], [R]),
        # both: 20 started for 50 demolished, and only 49 planned
        ([demolition(qty=50), rebuilding(qty=20), rebuilding("REC-2", 29, started=False)], [R, O]),
        # an abandoned reconstitution does not count in the planned rebuilt
        ([demolition(qty=50, started=False), rebuilding(qty=50, started=False),
          rebuilding("REC-2", 10, started=False, status="Abandonnée")], []),
        ([demolition(qty=50, started=False), rebuilding(qty=40, started=False),
          rebuilding("REC-2", 10, started=False, status="Abandonnée")], [R]),
        # an abandoned demolition does not count either
        ([demolition(qty=50, status="Abandonnée"), rebuilding(qty=0, started=False)], []),
        # no demolition at all: nothing to rebuild, quiet
        ([rebuilding(qty=0, started=False)], []),
    ])
    def it_fires_when_rebuilding_lags_the_demolitions(self, operations: list[Operation],
                                                      expected: list[Level]) -> None:
        assert levels(programme(operations), "HAB-01") == expected

    def it_gives_both_counts_and_the_gap_when_started_lags(self) -> None:
        p = programme([demolition(qty=50), rebuilding(qty=40), rebuilding("REC-2", 10, started=False)])
        (alert,) = alerts(p, "HAB-01")
        assert alert.operation_id is None and alert.key == "HAB-01 · Démarrages"
        assert "40 logements" in alert.finding and "50 logements" in alert.finding
        assert "écart de 10 logements" in alert.finding

    def it_gives_the_missing_dwellings_at_the_end(self) -> None:
        p = programme([demolition(qty=100, started=False), rebuilding(qty=90, started=False)])
        (alert,) = alerts(p, "HAB-01")
        assert alert.key == "HAB-01 · Fin de programme"
        assert "90 logements" in alert.finding and "100 logements" in alert.finding
        assert "0,90" in alert.finding and "il manque 10 logements" in alert.finding

    def it_gives_the_two_alerts_distinct_keys(self) -> None:
        p = programme([demolition(qty=50), rebuilding(qty=20)])
        assert [a.key for a in alerts(p, "HAB-01")] == ["HAB-01 · Fin de programme", "HAB-01 · Démarrages"]


# ---------------------------------------------------------------- HAB-02


def npnru(operations: list[Operation], **kwargs: Any) -> Programme:
    return programme(operations, kind=ProgrammeKind.NPNRU, **kwargs)


class DescribeHab02NpnruReconstitution:
    @pytest.mark.parametrize(("operations", "expected"), [
        # 59 PLAI of 100: just below 60 %, rouge
        ([rebuilding(qty=100, plai_units=59)], [R]),
        # 60 PLAI of 100: at the minimum, quiet
        ([rebuilding(qty=100, plai_units=60)], []),
        # the share is over the whole programme: 50 of 50 + 10 of 50 = 60 %, quiet
        ([rebuilding(qty=50, plai_units=50), rebuilding("REC-2", 50, plai_units=10)], []),
        # 20 of 50 + 30 of 60: 45 %, rouge; delivered operations count
        ([rebuilding(qty=50, plai_units=20, delivered=True), rebuilding("REC-2", 60, plai_units=30)], [R]),
        # an operation with no PLAI figure is left out of both sums
        ([rebuilding(qty=50, plai_units=40), rebuilding("REC-2", 50, plai_units=None)], []),
        # an abandoned operation is left out
        ([rebuilding(qty=50, plai_units=40), rebuilding("REC-2", 50, plai_units=0, status="Abandonnée")], []),
        # no reconstitution: quiet
        ([demolition(qty=50)], []),
        # rebuilt inside the district (Hors QPV : Non): rouge on the operation
        ([rebuilding(qty=100, plai_units=60, outside_qpv=False)], [R]),
        # outside: quiet; unknown (empty cell): quiet
        ([rebuilding(qty=100, plai_units=60, outside_qpv=True)], []),
        ([rebuilding(qty=100, plai_units=60, outside_qpv=None)], []),
        # inside the district but already delivered, or abandoned: quiet
        ([rebuilding(qty=100, plai_units=60, outside_qpv=False, delivered=True)], []),
        ([rebuilding(qty=100, plai_units=60, outside_qpv=False, status="Abandonnée")], []),
    ])
    def it_fires_red_on_the_plai_share_and_the_site(self, operations: list[Operation],
                                                    expected: list[Level]) -> None:
        assert levels(npnru(operations), "HAB-02") == expected

    def it_is_npnru_only(self) -> None:
        assert alerts(programme([rebuilding(qty=100, plai_units=0, outside_qpv=False)]), "HAB-02") == []

    def it_gives_the_share_and_counts(self) -> None:
        (alert,) = alerts(npnru([rebuilding(qty=100, plai_units=45)]), "HAB-02")
        assert alert.key == "HAB-02 · PLAI" and alert.operation_id is None
        assert f"45{NBSP}%" in alert.finding and "45 logements PLAI sur 100" in alert.finding
        assert f"60{NBSP}%" in alert.finding

    def it_names_the_operation_rebuilt_inside(self) -> None:
        (alert,) = alerts(npnru([rebuilding(qty=30, plai_units=30, outside_qpv=False)]), "HAB-02")
        assert alert.key == "HAB-02 · REC-1" and alert.owner == "Ville d'Alençon"
        assert "30 logements" in alert.finding and "Hors QPV : Non" in alert.finding


# ---------------------------------------------------------------- HAB-03

# The plan runs from the signature (01/01/2011) to a month before the planned start (11/05/2011),
# i.e. 100 days to 11/04/2011: one point of expected share a day.
SIGNED = date(2011, 1, 1)
PLANNED_START = date(2011, 5, 11)


def to_rehouse(done: int = 5, temporary: int = 0, left: int = 0, total: int = 10, op_id: str = "DEM-1") -> list:
    """Return ``total`` households of ``op_id``: ``done`` Relogé, ``left`` gone, ``temporary`` temporary, the rest
    À reloger."""
    statuses = (["Relogé"] * done + ["Parti sans relogement"] * left + ["Relogement temporaire"] * temporary)
    statuses += ["À reloger"] * (total - len(statuses))
    return [household(f"{op_id}-M{i:02d}", op_id, status) for i, status in enumerate(statuses)]


def rehousing_case(at: date, households: list | None = None, **op: Any) -> Programme:
    op.setdefault("works_start", dict(convention=PLANNED_START))
    op.setdefault("status", "Engagée")
    dem = operation("DEM-1", famille=contract.DEMOLITION, quantity_convention=10, **op)
    return programme([dem], at=at, params=dict(signature_date=SIGNED),
                     households=to_rehouse() if households is None else households)


class DescribeHab03RehousingBehindPlan:
    @pytest.mark.parametrize(("case", "expected"), [
        # 60 % expected (60 days of 100), 50 % done: 10 points behind, at the threshold
        (rehousing_case(date(2011, 3, 2)), [O]),
        # 61 % expected: 11 points, past the threshold
        (rehousing_case(date(2011, 3, 3)), [O]),
        # 59 % expected: 9 points, just before
        (rehousing_case(date(2011, 3, 1)), []),
        # a month before the planned start: 100 % expected
        (rehousing_case(date(2011, 4, 11), to_rehouse(done=9)), [O]),
        (rehousing_case(date(2011, 4, 11), to_rehouse(done=10)), []),
        # gone without rehousing counts as done: 3 + 2 = 5 of 10
        (rehousing_case(date(2011, 3, 1), to_rehouse(done=3, left=2)), []),
        # a temporary rehousing is not done yet: 3 of 10 done, 29 points behind
        (rehousing_case(date(2011, 3, 1), to_rehouse(done=3, temporary=2)), [O]),
        # the forecast start wins over the convention: planned 11/08/2011, so 55 % expected on 16/04/2011
        (rehousing_case(date(2011, 4, 16), works_start=dict(convention=PLANNED_START, forecast=date(2011, 8, 11))),
         []),
        (rehousing_case(date(2011, 4, 16)), [O]),
        # the works have started with households left: still behind
        (rehousing_case(date(2011, 6, 1), works_start=dict(convention=PLANNED_START, actual=date(2011, 5, 11)),
                        status="En travaux"), [O]),
        # delivered, or status Livrée: quiet
        (rehousing_case(date(2011, 9, 1), works_start=dict(convention=PLANNED_START, actual=date(2011, 5, 11)),
                        delivery=dict(convention=date(2011, 8, 31), actual=date(2011, 8, 31))), []),
        (rehousing_case(date(2011, 9, 1), status="Livrée"), []),
        # abandoned: quiet
        (rehousing_case(date(2011, 9, 1), status="Abandonnée"), []),
        # no household for the operation: quiet
        (rehousing_case(date(2011, 9, 1), to_rehouse(op_id="DEM-2")), []),
        # no planned works start: quiet (the missing date is a Contrôles matter)
        (rehousing_case(date(2011, 9, 1), works_start=dict()), []),
    ])
    def it_fires_when_rehousing_lags_the_plan(self, case: Programme, expected: list[Level]) -> None:
        assert levels(case, "HAB-03") == expected

    def it_is_quiet_without_a_signature_date(self) -> None:
        p = rehousing_case(date(2011, 9, 1))
        p = programme(p.operations, at=p.at, params=dict(signature_date=None), households=p.households)
        assert alerts(p, "HAB-03") == []

    def it_follows_the_threshold_parameter(self) -> None:
        p = rehousing_case(date(2011, 3, 2))
        p = programme(p.operations, at=p.at, params=dict(signature_date=SIGNED, rehousing_lag_pct=11),
                      households=p.households)
        assert alerts(p, "HAB-03") == []

    def it_gives_the_shares_and_the_planned_start(self) -> None:
        (alert,) = alerts(rehousing_case(date(2011, 3, 2)), "HAB-03")
        assert alert.key == "HAB-03 · DEM-1"
        assert "5 ménages relogés sur 10" in alert.finding
        assert f"50{NBSP}%" in alert.finding and f"60{NBSP}%" in alert.finding
        assert "11/05/2011" in alert.finding and "10 points de retard" in alert.finding

    @pytest.mark.parametrize(("at", "expected"), [
        (date(2010, 12, 1), 0.0),  # before the signature
        (date(2011, 1, 1), 0.0),  # at the signature
        (date(2011, 2, 20), 50.0),  # half way
        (date(2011, 4, 11), 100.0),  # a month before the start
        (date(2011, 7, 1), 100.0),  # after the start
    ])
    def it_plans_a_linear_rehousing(self, at: date, expected: float) -> None:
        assert habitat.expected_rehoused_pct(SIGNED, PLANNED_START, at) == pytest.approx(expected)


# ---------------------------------------------------------------- HAB-04


def rehoused(hh_id: str, destination: str = "Parc existant", before: float | None = None,
             after: float | None = None, status: str = "Relogé") -> Any:
    return household(hh_id, "DEM-1", status, destination=destination, rest_to_pay_before=before,
                     rest_to_pay_after=after)


NEW = "Neuf ou moins de 5 ans"


class DescribeHab04RehousingQuality:
    @pytest.mark.parametrize(("households", "expected_keys"), [
        # 1 of 5 rehoused in new housing: 20 % < 25 %
        ([rehoused("M1", NEW)] + [rehoused(f"M{i}") for i in range(2, 6)], ["HAB-04 · Neuf ou récent"]),
        # 1 of 4: at the 25 % target, quiet
        ([rehoused("M1", NEW)] + [rehoused(f"M{i}") for i in range(2, 5)], []),
        # households still to rehouse don't count in the share: 1 of 4 rehoused
        ([rehoused("M1", NEW)] + [rehoused(f"M{i}") for i in range(2, 5)]
         + [rehoused("M9", status="À reloger")], []),
        # reste à charge +10 %: at the threshold
        ([rehoused("M1", NEW, 100, 110)], ["HAB-04 · Reste à charge"]),
        # +50 %: past it
        ([rehoused("M1", NEW, 100, 150)], ["HAB-04 · Reste à charge"]),
        # +9 %: just before
        ([rehoused("M1", NEW, 100, 109)], []),
        # down: quiet
        ([rehoused("M1", NEW, 100, 80)], []),
        # both at once, two keys
        ([rehoused("M1", before=100, after=130)], ["HAB-04 · Neuf ou récent", "HAB-04 · Reste à charge"]),
        # nobody rehoused yet: quiet
        ([rehoused("M1", status="À reloger"), rehoused("M2", status="Relogement temporaire")], []),
        # no household at all
        ([], []),
    ])
    def it_fires_on_new_housing_share_and_rest_to_pay(self, households: list, expected_keys: list[str]) -> None:
        found = alerts(programme([demolition()], households=households), "HAB-04")
        assert sorted(a.key for a in found) == expected_keys
        assert all(a.severity is O and a.operation_id is None for a in found)

    def it_gives_the_share_and_the_target(self) -> None:
        households = [rehoused("M1", NEW)] + [rehoused(f"M{i}") for i in range(2, 6)]
        (alert,) = alerts(programme([demolition()], households=households), "HAB-04")
        assert f"20{NBSP}%" in alert.finding and "1 sur 5" in alert.finding and f"25{NBSP}%" in alert.finding

    def it_gives_the_rest_to_pay_change(self) -> None:
        (alert,) = alerts(programme([demolition()], households=[rehoused("M1", NEW, 100, 115)]), "HAB-04")
        assert f"hausse de 15{NBSP}%" in alert.finding and f"10{NBSP}%" in alert.finding


# ---------------------------------------------------------------- HAB-05


class DescribeHab05DeliveredQuantity:
    @pytest.mark.parametrize(("op", "expected"), [
        # delivered 38 of 40: orange
        (rebuilding(qty=40, quantity_done=38, delivered=True), [O]),
        # delivered more than planned: orange as well
        (rebuilding(qty=40, quantity_done=42, delivered=True), [O]),
        # delivered as planned: quiet
        (rebuilding(qty=40, quantity_done=40, delivered=True), []),
        # quantity done unknown: quiet
        (rebuilding(qty=40, quantity_done=None, delivered=True), []),
        # convention quantity unknown: quiet
        (rebuilding(qty=None, quantity_done=38, delivered=True), []),
        # not delivered yet: quiet
        (rebuilding(qty=40, quantity_done=20), []),
        # status Livrée without an actual date: delivered
        (rebuilding(qty=40, quantity_done=38, status="Livrée"), [O]),
        # Soldée: the balance settled the gap, quiet
        (rebuilding(qty=40, quantity_done=38, delivered=True, status="Soldée"), []),
        # abandoned: quiet
        (rebuilding(qty=40, quantity_done=38, delivered=True, status="Abandonnée"), []),
    ])
    def it_fires_when_the_delivered_quantity_differs(self, op: Operation, expected: list[Level]) -> None:
        assert levels(programme([op]), "HAB-05") == expected

    def it_gives_both_quantities_and_the_unit(self) -> None:
        (alert,) = alerts(programme([rebuilding(qty=40, quantity_done=38, delivered=True)]), "HAB-05")
        assert alert.key == "HAB-05 · REC-1"
        assert "38 logements" in alert.finding and "40 logements" in alert.finding and "−2 logements" in alert.finding

    def it_writes_decimal_quantities_the_french_way(self) -> None:
        op = operation(status="Livrée", quantity_convention=1200, quantity_done=1150.5, unit="m²")
        (alert,) = alerts(programme([op]), "HAB-05")
        assert "1\u202f150,5 m²" in alert.finding and "1\u202f200 m²" in alert.finding


# ---------------------------------------------------------------- SOC-01

# Works from 01/01/2011 to 11/04/2011 (100 days): on 02/03/2011 they are 60 % through.
WORKS = dict(works_start=dict(convention=date(2011, 1, 1), actual=date(2011, 1, 1)),
             delivery=dict(convention=date(2011, 4, 11)))


def insertion_case(done: float | None, planned: float | None = 1000, at: date = date(2011, 3, 2),
                   **op: Any) -> Programme:
    for key, value in WORKS.items():
        op.setdefault(key, value)
    return programme([operation(**op)], at=at,
                     insertion=[insertion(insertion_planned=planned, insertion_done=done, hours_worked=20_000)])


class DescribeSoc01InsertionBehindWorks:
    @pytest.mark.parametrize(("case", "expected"), [
        # works 60 %, insertion 40 %: 20 points, at the threshold
        (insertion_case(400), [O]),
        # insertion 39 %: past it
        (insertion_case(390), [O]),
        # insertion 41 %: just before
        (insertion_case(410), []),
        # works not started: works progress 0, quiet
        (insertion_case(0, works_start=dict(convention=date(2011, 1, 1)), status="Engagée"), []),
        # delivered: works 100 %, insertion 79 %: 21 points, orange (to settle before the balance)
        (insertion_case(790, delivery=dict(convention=date(2011, 4, 11), actual=date(2011, 2, 1))), [O]),
        (insertion_case(810, delivery=dict(convention=date(2011, 4, 11), actual=date(2011, 2, 1))), []),
        # Soldée or abandoned: quiet
        (insertion_case(0, status="Soldée"), []),
        (insertion_case(0, status="Abandonnée"), []),
        # planned or done hours unknown: the line is left out, nothing to compare
        (insertion_case(None), []),
        (insertion_case(0, planned=None), []),
        # no insertion hours planned: quiet
        (insertion_case(0, planned=0), []),
    ])
    def it_fires_when_insertion_lags_the_works(self, case: Programme, expected: list[Level]) -> None:
        assert levels(case, "SOC-01") == expected

    def it_sums_the_lines_of_the_operation(self) -> None:
        lines = [insertion(insertion_planned=600, insertion_done=300),
                 insertion(contract_name="Lot 2", insertion_planned=400, insertion_done=100),
                 insertion("OP-2", insertion_planned=1000, insertion_done=1000)]
        p = programme([operation(**WORKS)], at=date(2011, 3, 2), insertion=lines)
        (alert,) = alerts(p, "SOC-01")
        assert alert.key == "SOC-01 · OP-1"
        assert "400 heures réalisées sur 1\u202f000" in alert.finding
        assert f"40{NBSP}%" in alert.finding and f"60{NBSP}%" in alert.finding and "20 points" in alert.finding

    @pytest.mark.parametrize(("at", "expected"), [
        (date(2010, 12, 31), 0.0),  # before the start
        (date(2011, 1, 1), 0.0),  # the start day
        (date(2011, 3, 2), 60.0),  # 60 days of 100
        (date(2011, 6, 1), 100.0),  # past the planned delivery, not delivered: capped
    ])
    def it_rescales_the_works_stretch_of_the_progress(self, at: date, expected: float) -> None:
        assert social.works_progress(operation(**WORKS), at) == pytest.approx(expected)


# ---------------------------------------------------------------- SOC-02


IN_WORKS = operation("OP-1", works_start=dict(convention=date(2011, 3, 1), actual=date(2011, 3, 1)))


class DescribeSoc02GupConventionEnded:
    @pytest.mark.parametrize(("gup_end", "operations", "expected"), [
        # ended the day before, works going on: orange
        (date(2011, 9, 29), [IN_WORKS], [O]),
        # ended long ago
        (date(2010, 12, 31), [IN_WORKS], [O]),
        # ends today: still in force, quiet
        (AT, [IN_WORKS], []),
        # no end date typed: orange
        (None, [IN_WORKS], [O]),
        # no operation in works: quiet
        (date(2010, 12, 31), [operation("OP-1", status="Programmée", works_start=dict(convention=date(2012, 1, 1)))],
         []),
        # the only works are delivered or abandoned: quiet
        (None, [operation("OP-1", works_start=dict(actual=date(2011, 3, 1)),
                          delivery=dict(actual=date(2011, 9, 1)))], []),
        (None, [operation("OP-1", status="Abandonnée", works_start=dict(actual=date(2011, 3, 1)))], []),
    ])
    def it_fires_when_works_go_on_without_gup(self, gup_end: date | None, operations: list[Operation],
                                             expected: list[Level]) -> None:
        assert levels(programme(operations, params=dict(gup_end=gup_end)), "SOC-02") == expected

    def it_says_when_it_ended_and_how_many_operations_are_in_works(self) -> None:
        op2 = operation("OP-2", works_start=dict(actual=date(2011, 6, 1)))
        (alert,) = alerts(programme([IN_WORKS, op2], params=dict(gup_end=date(2010, 12, 31))), "SOC-02")
        assert alert.key == "SOC-02" and alert.operation_id is None
        assert "31/12/2010" in alert.finding and "2 opérations sont en travaux" in alert.finding

    def it_says_when_no_end_date_is_typed(self) -> None:
        (alert,) = alerts(programme([IN_WORKS]), "SOC-02")
        assert "Aucune date de fin de convention GUP" in alert.finding and "1 opération est en travaux" in alert.finding


# ---------------------------------------------------------------- GOV-01


def complete(op_id: str = "OP-1", **kwargs: Any) -> Operation:
    """Return an operation with everything a revue de projet needs."""
    return operation(op_id, works_start=dict(convention=date(2011, 3, 1), actual=date(2011, 3, 1)),
                     delivery=dict(convention=date(2012, 6, 30)), **kwargs)


def review_case(review: date | None, operations: list[Operation] | None = None, **tables: Any) -> Programme:
    operations = [complete()] if operations is None else operations
    tables.setdefault("insertion", [insertion(op.id) for op in operations])
    return programme(operations, params=dict(next_project_review=review), **tables)


INCOMPLETE = [complete(cost=None)]


class DescribeGov01ProjectReviewIncomplete:
    @pytest.mark.parametrize(("case", "expected"), [
        # review in exactly 2 months with a cost missing: orange
        (review_case(date(2011, 11, 30), INCOMPLETE), [O]),
        # review today
        (review_case(AT, INCOMPLETE), [O]),
        # review in 2 months and a day: quiet
        (review_case(date(2011, 12, 1), INCOMPLETE), []),
        # review passed: quiet
        (review_case(date(2011, 9, 29), INCOMPLETE), []),
        # no review date typed: quiet
        (review_case(None, INCOMPLETE), []),
        # everything there: quiet
        (review_case(date(2011, 11, 30)), []),
        # an abandoned operation may lack anything
        (review_case(date(2011, 11, 30), [complete(), operation("OP-2", status="Abandonnée", cost=None)]), []),
        # a missing convention date of delivery
        (review_case(date(2011, 11, 30), [operation(works_start=dict(convention=date(2011, 3, 1)))]), [O]),
        # an ANRU line without a status
        (review_case(date(2011, 11, 30), funding=[funding(status=None)]), [O]),
        # works going on without any insertion line
        (review_case(date(2011, 11, 30), insertion=[]), [O]),
        # ... but delivered, or PNRU engineering: no insertion line needed
        (review_case(date(2011, 11, 30), [complete(status="Livrée")], insertion=[]), []),
        (review_case(date(2011, 11, 30), [complete(famille="Ingénierie et conduite de projet")], insertion=[]), []),
        # NPNRU counts the engineering hours too
        (npnru([complete(famille="Ingénierie et conduite de projet")],
               params=dict(next_project_review=date(2011, 11, 30))), [O]),
        # a demolition without households
        (review_case(date(2011, 11, 30), [complete("DEM-1", famille=contract.DEMOLITION, quantity_convention=50),
                                          complete("REC-1", famille=contract.RECONSTITUTION,
                                                   quantity_convention=50)]), [O]),
        # a demolition with its households and its reconstitution: quiet
        (review_case(date(2011, 11, 30), [complete("DEM-1", famille=contract.DEMOLITION, quantity_convention=50),
                                          complete("REC-1", famille=contract.RECONSTITUTION,
                                                   quantity_convention=50)],
                     households=[household("M1", "DEM-1")]), []),
    ])
    def it_fires_when_the_review_is_near_and_data_are_missing(self, case: Programme,
                                                              expected: list[Level]) -> None:
        assert levels(case, "GOV-01") == expected

    def it_lists_what_is_missing_with_counts(self) -> None:
        operations = [complete(cost=None), complete("OP-2", cost=None),
                      operation("OP-3", works_start=dict(actual=date(2011, 3, 1))),
                      complete("DEM-1", famille=contract.DEMOLITION, quantity_convention=None)]
        p = review_case(date(2011, 11, 15), operations, insertion=[insertion("OP-1")])
        (alert,) = alerts(p, "GOV-01")
        assert alert.key == "GOV-01" and alert.operation_id is None
        assert "15/11/2011" in alert.finding
        for phrase in ("2 opérations sans coût", "1 opération sans date convention de démarrage",
                       "1 opération sans date convention de livraison",
                       "1 opération de démolition ou de reconstitution sans quantité convention",
                       "aucune opération de reconstitution de l'offre",
                       "1 démolition sans ménage saisi dans Relogement",
                       "3 opérations en travaux sans ligne d'insertion"):
            assert phrase in alert.finding


# ---------------------------------------------------------------- GOV-02


class DescribeGov02MilestoneReviewNear:
    @pytest.mark.parametrize(("at", "params", "kind", "expected"), [
        # typed point d'étape in exactly 3 months: orange
        (AT, dict(next_milestone_review=date(2011, 12, 30)), ProgrammeKind.PNRU, [O]),
        # typed today
        (AT, dict(next_milestone_review=AT), ProgrammeKind.PNRU, [O]),
        # in 3 months and a day: quiet
        (AT, dict(next_milestone_review=date(2011, 12, 31)), ProgrammeKind.PNRU, []),
        # passed: quiet
        (AT, dict(next_milestone_review=date(2011, 9, 29)), ProgrammeKind.PNRU, []),
        # NPNRU clause de revoyure typed: orange
        (AT, dict(next_milestone_review=date(2011, 12, 1)), ProgrammeKind.NPNRU, [O]),
        # none typed, PNRU signed 28/01/2008: the 2-year point on 28/01/2010 is exactly 3 months away
        (date(2009, 10, 28), {}, ProgrammeKind.PNRU, [O]),
        # a day earlier: quiet
        (date(2009, 10, 27), {}, ProgrammeKind.PNRU, []),
        # the 4-year point on 28/01/2012
        (date(2011, 12, 1), {}, ProgrammeKind.PNRU, [O]),
        # after it: quiet
        (date(2012, 1, 29), {}, ProgrammeKind.PNRU, []),
        # none typed, NPNRU: the clause de revoyure is dated by the convention, nothing computed
        (date(2009, 10, 28), {}, ProgrammeKind.NPNRU, []),
        # a typed date wins over the computed one, even outside the window
        (date(2009, 10, 28), dict(next_milestone_review=date(2010, 6, 1)), ProgrammeKind.PNRU, []),
        # no signature date: nothing to compute from
        (date(2009, 10, 28), dict(signature_date=None), ProgrammeKind.PNRU, []),
    ])
    def it_fires_when_a_point_d_etape_is_near(self, at: date, params: dict, kind: ProgrammeKind,
                                            expected: list[Level]) -> None:
        assert levels(programme(at=at, kind=kind, params=params), "GOV-02") == expected

    def it_gives_the_typed_date(self) -> None:
        (alert,) = alerts(programme(params=dict(next_milestone_review=date(2011, 12, 15))), "GOV-02")
        assert alert.key == "GOV-02" and alert.operation_id is None
        assert alert.finding.startswith("Point d'étape le 15/12/2011")
        assert "dans 2 mois" in alert.finding and "préparer le bilan" in alert.finding

    def it_says_when_the_date_is_computed(self) -> None:
        (alert,) = alerts(programme(at=date(2009, 12, 1)), "GOV-02")
        assert "28/01/2010" in alert.finding and "date calculée" in alert.finding and "2 ans" in alert.finding

    def it_calls_it_clause_de_revoyure_in_npnru(self) -> None:
        p = programme(kind=ProgrammeKind.NPNRU, params=dict(next_milestone_review=date(2011, 10, 10)))
        (alert,) = alerts(p, "GOV-02")
        assert alert.finding.startswith("Clause de revoyure le 10/10/2011") and "dans 10 jours" in alert.finding


# ---------------------------------------------------------------- GOV-03


class DescribeGov03ActionOverdue:
    @pytest.mark.parametrize(("act", "expected"), [
        # due yesterday, never postponed: orange
        (action(due=date(2011, 9, 29), status="Ouverte"), [O]),
        # due today: still on time
        (action(due=AT, status="Ouverte"), []),
        # postponed once: orange
        (action(due=date(2011, 7, 31), status="Reportée", postponements=1), [O]),
        # postponed twice: rouge, at the threshold
        (action(due=date(2011, 7, 31), status="Reportée", postponements=2), [R]),
        # three times: rouge
        (action(due=date(2011, 7, 31), status="En cours", postponements=3), [R]),
        # postponed twice but not yet due: quiet
        (action(due=date(2011, 10, 31), status="Reportée", postponements=2), []),
        # empty Reports cell: no postponement recorded, orange
        (action(due=date(2011, 7, 31), status="En cours", postponements=None), [O]),
        # Soldée, or a closing date: quiet
        (action(due=date(2011, 7, 31), status="Soldée", postponements=3), []),
        (action(due=date(2011, 7, 31), status="En cours", closed_on=date(2011, 8, 15)), []),
        # no due date: quiet
        (action(due=None, status="Ouverte"), []),
        # linked only to an abandoned operation: quiet
        (action(due=date(2011, 7, 31), status="Ouverte", operation_ids=("OP-9",)), []),
    ])
    def it_fires_when_an_action_is_past_due(self, act: Any, expected: list[Level]) -> None:
        p = programme([operation("OP-9", status="Abandonnée")], actions=[act])
        assert levels(p, "GOV-03") == expected

    def it_follows_the_postponements_parameter(self) -> None:
        act = action(due=date(2011, 7, 31), status="Reportée", postponements=2)
        assert levels(programme(actions=[act], params=dict(postponements_red=3)), "GOV-03") == [O]

    def it_names_the_action_and_its_figures(self) -> None:
        act = action("A-12", due=date(2011, 7, 31), status="Reportée", postponements=2, instance="Comité de suivi",
                     subject="Permis de la résidence Kennedy", owner="Orne Habitat")
        (alert,) = alerts(programme(actions=[act]), "GOV-03")
        assert alert.action_id == "A-12" and alert.operation_id is None and alert.key == "GOV-03 · A-12"
        assert "A-12" in alert.finding and "Permis de la résidence Kennedy" in alert.finding
        assert "Comité de suivi du 01/06/2011" in alert.finding and "Orne Habitat" in alert.finding
        assert "31/07/2011" in alert.finding and "2 mois de retard" in alert.finding
        assert "reportée 2 fois" in alert.finding

    def it_counts_days_under_a_month(self) -> None:
        (alert,) = alerts(programme(actions=[action(due=date(2011, 9, 20))]), "GOV-03")
        assert "10 jours de retard" in alert.finding

    def it_names_the_first_linked_operation_and_keeps_keys_distinct(self) -> None:
        ops = [operation("OP-9", status="Abandonnée"), operation("OP-1", owner="Sagim"), operation("OP-2")]
        actions = [action("A-1", due=date(2011, 7, 31), operation_ids=("OP-9", "OP-1", "OP-2")),
                   action("A-2", due=date(2011, 7, 31), operation_ids=("OP-1",))]
        found = alerts(programme(ops, actions=actions), "GOV-03")
        assert [(a.action_id, a.operation_id, a.owner) for a in found] == [("A-1", "OP-1", "Sagim"),
                                                                           ("A-2", "OP-1", "Sagim")]
        assert len({a.key for a in found}) == 2


# ---------------------------------------------------------------- GOV-04


def amendment(number: str, *op_ids: str, status: str | None = "Signé") -> Amendment:
    return Amendment(number, date(2011, 3, 15), "National", operation_ids=op_ids, status=status)


def changed(op_id: str = "OP-1", *, status: str = "En travaux", cost_current: float | None = None,
            delivery: dict | None = None, **kwargs: Any) -> Operation:
    """Return an operation costing 1 000 000 € at the convention, its delivery due 30/06/2012 unless told."""
    return operation(op_id, status=status, cost=1_000_000, cost_current=cost_current,
                     delivery=delivery or dict(convention=date(2012, 6, 30)), **kwargs)


class DescribeGov04ChangeWithoutAvenant:
    @pytest.mark.parametrize(("op", "expected"), [
        # clean: nothing changed
        (changed(), []),
        # delivery slips 12 months against the convention: at Seuil retard rouge, orange
        (changed(delivery=dict(convention=date(2012, 6, 30), forecast=date(2013, 6, 30))), [O]),
        (changed(delivery=dict(convention=date(2012, 6, 30), forecast=date(2013, 6, 29))), []),
        (changed(delivery=dict(convention=date(2012, 6, 30), forecast=date(2014, 6, 30))), [O]),
        # a slip ratified by avenant: measured against the avenant's date, 6 months: quiet
        (changed(delivery=dict(convention=date(2011, 6, 30), avenant=date(2013, 6, 30),
                               forecast=date(2013, 12, 31))), []),
        # the works start and the DAS count too; a milestone reached does not (its slip is history)
        (changed(works_start=dict(convention=date(2011, 3, 1), forecast=date(2012, 3, 1))), [O]),
        (changed(das=dict(convention=date(2011, 1, 31), forecast=date(2012, 2, 28))), [O]),
        (changed(delivery=dict(convention=date(2010, 6, 30), forecast=date(2011, 9, 1),
                               actual=date(2011, 9, 1))), []),
        # cost: 10 % at the threshold, up or down
        (changed(cost_current=1_100_000), [O]),
        (changed(cost_current=1_099_999), []),
        (changed(cost_current=890_000), [O]),
        (changed(cost_current=910_000), []),
        # abandoned, still in the convention
        (changed(status="Abandonnée"), [O]),
        # delivered with another quantity than the convention's
        (changed(status="Livrée", quantity_convention=110, quantity_done=106), [O]),
        (changed(status="Livrée", quantity_convention=110, quantity_done=110), []),
        (changed(status="En travaux", quantity_convention=110, quantity_done=40), []),
        # soldée: accounts closed
        (changed(status="Soldée", cost_current=1_500_000), []),
    ])
    def it_fires_on_a_change_that_calls_for_an_avenant(self, op: Operation, expected: list[Level]) -> None:
        assert levels(programme([op]), "GOV-04") == expected

    @pytest.mark.parametrize(("current", "expected"), [
        (450_000, [O]),  # −10 %: at the threshold
        (455_000, []),
        (560_000, [O]),
        (None, []),  # no Montant actualisé: nothing changed
    ])
    def it_fires_on_the_anru_subsidy_changed(self, current: float | None, expected: list[Level]) -> None:
        p = programme([changed()], funding=[funding("OP-1", amount=500_000, amount_current=current),
                                            funding("OP-1", funder="Ville", amount=500_000, amount_current=100)])
        assert levels(p, "GOV-04") == expected

    def it_follows_the_threshold_parameter(self) -> None:
        op = changed(cost_current=1_100_000)
        assert levels(programme([op], params=dict(amendment_change_pct=15)), "GOV-04") == []
        slip = changed(delivery=dict(convention=date(2012, 6, 30), forecast=date(2013, 1, 31)))
        assert levels(programme([slip], params=dict(delay_red_months=6)), "GOV-04") == [O]

    @pytest.mark.parametrize(("amendments", "expected"), [
        # an avenant in preparation listing the operation silences everything
        ([amendment("3", "OP-1", status="En préparation")], []),
        # one in preparation for another operation does not
        ([amendment("3", "OP-2", status="En préparation")], [O]),
        # a signed avenant listing it ratifies cost and abandonment, not a slip beyond its own dates
        ([amendment("2", "OP-1")], []),
        ([amendment("2", "OP-1", status=None)], []),  # no Statut: signed
    ])
    def it_is_silenced_by_an_avenant(self, amendments: list[Amendment], expected: list[Level]) -> None:
        p = programme([changed(cost_current=1_250_000)], amendments=amendments)
        assert levels(p, "GOV-04") == expected
        abandoned = programme([changed(status="Abandonnée")], amendments=amendments)
        assert levels(abandoned, "GOV-04") == expected

    def it_keeps_a_slip_against_the_baseline_even_when_a_signed_avenant_lists_the_operation(self) -> None:
        op = changed(delivery=dict(convention=date(2011, 6, 30), avenant=date(2012, 6, 30), forecast=date(2013, 9, 30)))
        (alert,) = alerts(programme([op], amendments=[amendment("2", "OP-1")]), "GOV-04")
        assert "livraison prévue le 30/09/2013 au lieu du 30/06/2012 (avenant) : 15 mois de glissement" in alert.finding

    def it_names_every_change_with_its_figures(self) -> None:
        op = changed(cost_current=1_200_000, owner="Sagim",
                     delivery=dict(convention=date(2012, 6, 30), forecast=date(2013, 12, 31)))
        (alert,) = alerts(programme([op]), "GOV-04")
        assert alert.key == "GOV-04 · OP-1" and alert.owner == "Sagim" and alert.theme is Theme.GOUVERNANCE
        assert alert.finding.startswith("Changement à porter par avenant")
        assert "18 mois de glissement" in alert.finding and "(convention)" in alert.finding
        million = f"1\u202f000\u202f000{NBSP}€"
        assert f"1\u202f200\u202f000{NBSP}€ pour {million} à la convention (+20{NBSP}%)" in alert.finding
        assert "avenant" in alert.measure and RULES["GOV-04"].description.startswith("Yield")

    def it_names_a_quantity_and_an_abandonment(self) -> None:
        (qty,) = alerts(programme([changed(status="Livrée", quantity_convention=110, quantity_done=106,
                                           unit="logements")]), "GOV-04")
        assert "quantité livrée de 106 logements pour 110 à la convention" in qty.finding
        (gone,) = alerts(programme([changed(status="Abandonnée")]), "GOV-04")
        assert "opération abandonnée" in gone.finding


# ---------------------------------------------------------------- the catalogue


CODES = {"HAB-01": Theme.HABITAT, "HAB-02": Theme.HABITAT, "HAB-03": Theme.HABITAT, "HAB-04": Theme.HABITAT,
         "HAB-05": Theme.HABITAT, "SOC-01": Theme.SOCIAL, "SOC-02": Theme.SOCIAL, "GOV-01": Theme.GOUVERNANCE,
         "GOV-02": Theme.GOUVERNANCE, "GOV-03": Theme.GOUVERNANCE}


class DescribeTheseRules:
    @pytest.mark.parametrize("code", sorted(CODES))
    def it_registers_each_code_with_its_theme_and_a_docstring(self, code: str) -> None:
        assert RULES[code].theme is CODES[code]
        assert RULES[code].description.startswith("Yield")

    def it_keeps_hab_02_to_npnru(self) -> None:
        assert RULES["HAB-02"].programmes == {ProgrammeKind.NPNRU}
        assert all(ProgrammeKind.PNRU in RULES[code].programmes for code in CODES if code != "HAB-02")
