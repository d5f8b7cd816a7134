"""Specifications of the alert rules HAB-01…07, SOC-01…02 and GOV-01…03, on small built programmes."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest

from opc_excel.compute.alerts import RULES, evaluate, gouvernance, habitat, relogement, social  # noqa: F401
from opc_excel.fr import NBSP
from opc_excel.model import Alert, Amendment, Level, Milestone, Operation, Programme, ProgrammeKind, Theme
from opc_excel.pipeline import check_file
from opc_excel.read import contract
from tests.factory import clean_sheets, column_of, make_workbook, set_value
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


def demolished_on(start: date, qty: float = 50, op_id: str = "DEM-1", **kwargs: Any) -> Operation:
    """Return a demolition of ``qty`` dwellings whose works started on ``start`` (planned on ``start`` when later
    than the date de situation)."""
    works = kwargs.pop("works_start", dict(convention=start, actual=start if start <= AT else None))
    return operation(op_id, famille=contract.DEMOLITION, quantity_convention=qty, unit="logements",
                     works_start=works, status=kwargs.pop("status", "En travaux"), **kwargs)


def with_target(operations: list[Operation], target: float | None) -> Programme:
    return programme(operations, params=dict(reconstitution_target=target))


# At 30/09/2011 with the default lag of 12 months, the demolitions due are those started before 30/09/2010.
DUE, AT_LIMIT, JUST_DUE = date(2010, 3, 1), date(2010, 9, 30), date(2010, 9, 29)


class DescribeHab01ReconstitutionBehind:
    @pytest.mark.parametrize(("operations", "target", "expected"), [
        # 1 pour 1 (no target typed): 50 planned for 50 demolished, quiet
        ([demolition(qty=50), rebuilding(qty=50)], None, []),
        # 49 planned for 50 demolished and no target: rouge
        ([demolition(qty=50, started=False), rebuilding(qty=49)], None, [R]),
        # the convention contracted 40 (derogation on the PLH): 40 planned is quiet, 39 is rouge
        ([demolition(qty=50, started=False), rebuilding(qty=40)], 40, []),
        ([demolition(qty=50, started=False), rebuilding(qty=39)], 40, [R]),
        # more than the target: quiet
        ([demolition(qty=50, started=False), rebuilding(qty=45)], 40, []),
        # a demolition started 7 months ago with nothing rebuilt started: within the lag, quiet
        ([demolition(qty=50), rebuilding(qty=50, started=False)], None, []),
        # started on 01/03/2010, 19 months ago, nothing rebuilt started: orange
        ([demolished_on(DUE), rebuilding(qty=50, started=False)], None, [O]),
        # exactly 12 months ago: not yet due; a day more: due
        ([demolished_on(AT_LIMIT), rebuilding(qty=50, started=False)], None, []),
        ([demolished_on(JUST_DUE), rebuilding(qty=50, started=False)], None, [O]),
        # 50 due, 49 rebuilt started: orange; 50: quiet
        ([demolished_on(DUE), rebuilding(qty=49), rebuilding("REC-2", 1, started=False)], None, [O]),
        ([demolished_on(DUE), rebuilding(qty=50)], None, []),
        # a target of 40 for 50 demolished: 40 rebuilt started are owed to the 50 demolished, 39 lag
        ([demolished_on(DUE), rebuilding(qty=40)], 40, []),
        ([demolished_on(DUE), rebuilding(qty=39), rebuilding("REC-2", 1, started=False)], 40, [O]),
        # 392 contracted for 504 demolished, 336 due: 261,3 owed, rounded to 261 dwellings
        ([demolished_on(DUE, 336), demolished_on(date(2012, 1, 1), 168, "DEM-2"), rebuilding(qty=261),
          rebuilding("REC-2", 131, started=False)], 392, []),
        ([demolished_on(DUE, 336), demolished_on(date(2012, 1, 1), 168, "DEM-2"), rebuilding(qty=260),
          rebuilding("REC-2", 132, started=False)], 392, [O]),
        # both: 20 started of 50 due, and only 49 planned
        ([demolished_on(DUE), rebuilding(qty=20), rebuilding("REC-2", 29, started=False)], None, [R, O]),
        # a demolition planned long ago but not started counts from its forecast, not its baseline
        ([demolished_on(DUE, works_start=dict(convention=DUE, forecast=date(2011, 12, 1))),
          rebuilding(qty=50, started=False)], None, []),
        # abandoned operations count neither way
        ([demolition(qty=50, started=False), rebuilding(qty=50, started=False),
          rebuilding("REC-2", 10, started=False, status="Abandonnée")], None, []),
        ([demolition(qty=50, started=False), rebuilding(qty=40, started=False),
          rebuilding("REC-2", 10, started=False, status="Abandonnée")], None, [R]),
        ([demolished_on(DUE, status="Abandonnée"), rebuilding(qty=0, started=False)], None, []),
        # no demolition and no target: nothing owed, quiet
        ([rebuilding(qty=0, started=False)], None, []),
    ])
    def it_checks_the_contracted_target_and_the_pace(self, operations: list[Operation], target: float | None,
                                                    expected: list[Level]) -> None:
        assert levels(with_target(operations, target), "HAB-01") == expected

    def it_follows_the_lag_parameter(self) -> None:
        ops = [demolished_on(DUE), rebuilding(qty=50, started=False)]
        assert levels(programme(ops, params=dict(reconstitution_lag_months=19)), "HAB-01") == []
        assert levels(programme(ops, params=dict(reconstitution_lag_months=18)), "HAB-01") == [O]

    def it_gives_the_counts_owed_to_the_sequence(self) -> None:
        p = programme([demolished_on(DUE), rebuilding(qty=40), rebuilding("REC-2", 10, started=False)])
        (alert,) = alerts(p, "HAB-01")
        assert alert.operation_id is None and alert.key == "HAB-01 · Démarrages"
        assert alert.finding.startswith("Reconstitution en retard de plus de 12 mois sur les démolitions au 30/09/2011")
        assert "40 logements reconstruits démarrés pour 50 logements attendus" in alert.finding
        assert "avant le 30/09/2010" in alert.finding and "écart de 10 logements" in alert.finding

    def it_says_the_contracted_target_when_one_is_typed(self) -> None:
        (alert,) = alerts(with_target([demolition(qty=100, started=False), rebuilding(qty=30)], 40), "HAB-01")
        assert alert.key == "HAB-01 · Fin de programme"
        assert "30 logements pour un objectif contracté de 40 logements" in alert.finding
        assert "il manque 10 logements" in alert.finding

    def it_says_1_pour_1_when_no_target_is_typed(self) -> None:
        (alert,) = alerts(programme([demolition(qty=100, started=False), rebuilding(qty=90)]), "HAB-01")
        assert "90 logements pour 100 logements démolis (1 pour 1" in alert.finding
        assert "il manque 10 logements" in alert.finding

    def it_gives_the_two_alerts_distinct_keys(self) -> None:
        p = programme([demolished_on(DUE), rebuilding(qty=20)])
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
        # an operation with the ANRU's derogation is left out of the share: 40 of 50 is 80 %, quiet
        ([rebuilding(qty=50, plai_units=40), rebuilding("REC-2", 50, plai_units=0, anru_derogation=True)], []),
        ([rebuilding(qty=50, plai_units=40), rebuilding("REC-2", 50, plai_units=0, anru_derogation=False)], [R]),
        # no reconstitution: quiet
        ([demolition(qty=50)], []),
        # rebuilt inside the district (Hors QPV : Non): rouge on the operation
        ([rebuilding(qty=100, plai_units=60, outside_qpv=False)], [R]),
        # ... unless the ANRU granted the derogation
        ([rebuilding(qty=100, plai_units=60, outside_qpv=False, anru_derogation=True)], []),
        ([rebuilding(qty=100, plai_units=60, outside_qpv=False, anru_derogation=None)], [R]),
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

# The relogement starts on 01/01/2011 (*Début du relogement*); the works on 11/11/2011, so everybody is expected
# rehoused 6 months before, on 11/05/2011: 130 days from the start, 100/130 of a point a day.
BEGAN = date(2011, 1, 1)
PLANNED_START = date(2011, 11, 11)
PLAN_END = date(2011, 5, 11)


def to_rehouse(done: int = 5, temporary: int = 0, left: int = 0, total: int = 10, op_id: str = "DEM-1",
               gone: str = "Parti sans relogement", rehoused_as: str = "Relogé") -> list:
    """Return ``total`` households of ``op_id``: ``done`` rehoused, ``left`` gone, ``temporary`` temporary, the rest
    À reloger."""
    statuses = ([rehoused_as] * done + [gone] * left + ["Relogement temporaire"] * temporary)
    statuses += ["À reloger"] * (total - len(statuses))
    return [household(f"{op_id}-M{i:02d}", op_id, status) for i, status in enumerate(statuses)]


def rehousing_case(at: date, households: list | None = None, **op: Any) -> Programme:
    op.setdefault("works_start", dict(convention=PLANNED_START))
    op.setdefault("rehousing_start", dict(convention=BEGAN))
    op.setdefault("status", "Engagée")
    began = op.pop("rehousing_start")
    dem = operation("DEM-1", famille=contract.DEMOLITION, quantity_convention=10, **op)
    if began is not None:
        milestones = dict(dem.milestones) | {contract.REHOUSING_START: Milestone("DEM-1", contract.REHOUSING_START,
                                                                                   **began)}
        dem = replace(dem, milestones=MappingProxyType(milestones))
    return programme([dem], at=at, households=to_rehouse() if households is None else households)


def day(n: int) -> date:
    """Return the n-th day of the plan (day 0 = the relogement's start)."""
    return BEGAN + timedelta(days=n)


class DescribeHab03RehousingBehindPlan:
    @pytest.mark.parametrize(("case", "expected"), [
        # day 78: 60 % expected, 50 % done: 10 points behind, at the threshold
        (rehousing_case(day(78)), [O]),
        # day 79: 60,8 %, past it; day 77: 59,2 %, just before
        (rehousing_case(day(79)), [O]),
        (rehousing_case(day(77)), []),
        # before the relogement's start: no alert, whatever is done
        (rehousing_case(day(-1), to_rehouse(done=0)), []),
        (rehousing_case(day(0), to_rehouse(done=0)), []),
        (rehousing_case(day(13), to_rehouse(done=0)), [O]),
        # no *Début du relogement*: quiet (CAL-05 watches the deadline)
        (rehousing_case(date(2011, 9, 1), to_rehouse(done=0), rehousing_start=None), []),
        # the start's forecast wins over its baseline: begun on 01/03/2011 in fact
        (rehousing_case(day(78), rehousing_start=dict(convention=BEGAN, forecast=date(2011, 3, 1))), []),
        # six months before the works start: 100 % expected
        (rehousing_case(PLAN_END, to_rehouse(done=9)), [O]),
        (rehousing_case(PLAN_END, to_rehouse(done=10)), []),
        # gone without rehousing, dead or evicted counts as done: 3 + 2 = 5 of 10
        (rehousing_case(day(77), to_rehouse(done=3, left=2)), []),
        (rehousing_case(day(77), to_rehouse(done=3, left=2, gone="Décès")), []),
        (rehousing_case(day(77), to_rehouse(done=3, left=2, gone="Expulsion")), []),
        # rehoused in the private stock counts as rehoused
        (rehousing_case(day(77), to_rehouse(done=5, rehoused_as="Relogé dans le parc privé")), []),
        # a temporary rehousing is not done yet: 3 of 10 done
        (rehousing_case(day(77), to_rehouse(done=3, temporary=2)), [O]),
        # the works start's forecast wins over the convention: planned 11/05/2012, all expected on 11/11/2011
        (rehousing_case(day(78), works_start=dict(convention=PLANNED_START, forecast=date(2012, 5, 11))), []),
        # the works have started with households left: still behind
        (rehousing_case(date(2011, 9, 1), works_start=dict(convention=date(2011, 8, 1), actual=date(2011, 8, 1)),
                        status="En travaux"), [O]),
        # delivered, or status Livrée: quiet
        (rehousing_case(date(2011, 9, 1), works_start=dict(convention=date(2011, 6, 1), actual=date(2011, 6, 1)),
                        delivery=dict(convention=date(2011, 8, 31), actual=date(2011, 8, 31))), []),
        (rehousing_case(date(2011, 9, 1), status="Livrée"), []),
        # abandoned: quiet
        (rehousing_case(date(2011, 9, 1), status="Abandonnée"), []),
        # no household for the operation: quiet
        (rehousing_case(date(2011, 9, 1), to_rehouse(op_id="DEM-2")), []),
        # no works start: quiet (the missing date is a Contrôles matter)
        (rehousing_case(date(2011, 9, 1), works_start=dict()), []),
    ])
    def it_fires_when_rehousing_lags_its_plan(self, case: Programme, expected: list[Level]) -> None:
        assert levels(case, "HAB-03") == expected

    def it_follows_the_threshold_parameters(self) -> None:
        p = rehousing_case(day(78))
        assert alerts(replace(p, params=replace(p.params, rehousing_lag_pct=11)), "HAB-03") == []
        # the plan ends 3 months before the works instead of 6: on day 78, 35 % expected
        assert alerts(replace(p, params=replace(p.params, demolition_rehousing_window_months=3)), "HAB-03") == []

    def it_gives_the_shares_and_the_plan(self) -> None:
        (alert,) = alerts(rehousing_case(day(78)), "HAB-03")
        assert alert.key == "HAB-03 · DEM-1"
        assert "5 ménages relogés sur 10" in alert.finding
        assert f"50{NBSP}%" in alert.finding and f"60{NBSP}%" in alert.finding
        assert "commencé le 01/01/2011" in alert.finding and "attendus le 11/05/2011" in alert.finding
        assert "11/11/2011" in alert.finding and "10 points de retard" in alert.finding

    @pytest.mark.parametrize(("at", "expected"), [
        (date(2010, 12, 1), 0.0),  # before the start
        (BEGAN, 0.0),  # at the start
        (day(65), 50.0),  # half way
        (PLAN_END, 100.0),  # the plan's end
        (date(2011, 7, 1), 100.0),  # after it
    ])
    def it_plans_a_linear_rehousing(self, at: date, expected: float) -> None:
        assert relogement.expected_rehoused_pct(BEGAN, PLAN_END, at) == pytest.approx(expected)

    def it_expects_everybody_from_the_start_when_the_plan_has_no_length(self) -> None:
        assert relogement.expected_rehoused_pct(BEGAN, BEGAN, BEGAN) == 100.0


# ---------------------------------------------------------------- HAB-04


def rehoused(hh_id: str, destination: str | None = "Parc existant", before: float | None = None,
             after: float | None = None, status: str = "Relogé") -> Any:
    return household(hh_id, "DEM-1", status, destination=destination, rest_to_pay_before=before,
                     rest_to_pay_after=after)


NEW, OLD_NEW = "Neuf ou conventionné depuis moins de 5 ans", "Neuf ou moins de 5 ans"


def quality(households: list, **params: Any) -> Programme:
    params.setdefault("rehousing_recent_target_pct", 25)
    return programme([demolition()], households=households, params=params)


def five(new: int, *, destination: str = NEW, **kwargs: Any) -> list:
    """Return five rehoused households, ``new`` of them in ``destination``."""
    return [rehoused(f"M{i}", destination if i < new else "Parc existant", **kwargs) for i in range(5)]


class DescribeHab04RehousingQuality:
    @pytest.mark.parametrize(("households", "params", "expected_keys"), [
        # 1 of 5 rehoused in new housing: 20 % < 25 %
        (five(1), {}, ["HAB-04 · Neuf ou récent"]),
        # the old value is read as the new one
        (five(1, destination=OLD_NEW), {}, ["HAB-04 · Neuf ou récent"]),
        # 1 of 4: at the 25 % target, quiet
        (five(1)[:4], {}, []),
        # no target typed: that part is off
        (five(0), dict(rehousing_recent_target_pct=None), []),
        # households still to rehouse don't count in the share: 1 of 4 rehoused
        (five(1)[:4] + [rehoused("M9", status="À reloger")], {}, []),
        # the share is over the households whose destination is known: 1 of 4
        (five(1)[:4] + [rehoused("M9", destination=None)], {}, []),
        # 1 of 5 with a reste à charge up 10 %: 20 % of the households, at both thresholds
        ([rehoused("M0", NEW, 100, 110)] + [rehoused(f"M{i}", NEW, 100, 100) for i in range(1, 5)], {},
         ["HAB-04 · Reste à charge"]),
        # up 9 %: just before the change threshold
        ([rehoused("M0", NEW, 100, 109)] + [rehoused(f"M{i}", NEW, 100, 100) for i in range(1, 5)], {}, []),
        # 1 of 6 up 50 %: 16,7 % of the households, just before the share threshold
        ([rehoused("M0", NEW, 100, 150)] + [rehoused(f"M{i}", NEW, 100, 100) for i in range(1, 6)], {}, []),
        # 2 of 6: 33 %, past it
        ([rehoused(f"M{i}", NEW, 100, 150) for i in range(2)] + [rehoused(f"M{i}", NEW, 100, 90)
                                                                  for i in range(2, 6)], {},
         ["HAB-04 · Reste à charge"]),
        # down: quiet
        ([rehoused("M1", NEW, 100, 80)], {}, []),
        # both at once, two keys
        ([rehoused("M1", before=100, after=130)], {}, ["HAB-04 · Neuf ou récent", "HAB-04 · Reste à charge"]),
        # nobody rehoused yet: quiet
        ([rehoused("M1", status="À reloger"), rehoused("M2", status="Relogement temporaire")], {}, []),
        # no household at all
        ([], {}, []),
    ])
    def it_fires_on_new_housing_share_and_rest_to_pay(self, households: list, params: dict,
                                                      expected_keys: list[str]) -> None:
        found = alerts(quality(households, **params), "HAB-04")
        assert sorted(a.key for a in found) == expected_keys
        assert all(a.severity is O and a.operation_id is None for a in found)

    def it_follows_the_share_parameter(self) -> None:
        households = [rehoused("M0", NEW, 100, 150)] + [rehoused(f"M{i}", NEW, 100, 100) for i in range(1, 6)]
        assert alerts(quality(households, rest_to_pay_households_pct=16), "HAB-04") != []

    def it_gives_the_share_and_the_target(self) -> None:
        (alert,) = alerts(quality(five(1)), "HAB-04")
        assert f"20{NBSP}%" in alert.finding and "1 sur 5" in alert.finding and f"25{NBSP}%" in alert.finding
        assert "conventionné depuis moins de 5 ans" in alert.finding

    def it_gives_the_households_with_a_rest_to_pay_up(self) -> None:
        households = [rehoused("M0", NEW, 100, 115)] + [rehoused(f"M{i}", NEW, 100, 100) for i in range(1, 4)]
        (alert,) = alerts(quality(households), "HAB-04")
        assert alert.finding.startswith(f"1 ménage relogé sur 4 (25{NBSP}%) a un reste à charge")
        assert f"hausse de 10{NBSP}% ou plus" in alert.finding and f"20{NBSP}% des ménages" in alert.finding


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


# ---------------------------------------------------------------- HAB-06


def offers_case(households: list, start: date | None = date(2012, 6, 30), **op: Any) -> Programme:
    """Return a demolition DEM-1 whose works start is planned on ``start``, at 30/09/2011, with ``households``."""
    op.setdefault("status", "Engagée")
    works = dict(convention=start) if start is not None else None
    if works is not None:
        op.setdefault("works_start", works)
    dem = operation("DEM-1", famille=contract.DEMOLITION, quantity_convention=10, **op)
    return programme([dem], households=households)


def waiting(hh_id: str = "M-01", offers: float | None = 0, refused: float | None = None,
            status: str = "À reloger", op_id: str = "DEM-1") -> Any:
    return household(hh_id, op_id, status, offers=offers, refused_offers=refused)


class DescribeHab06RehousingOffers:
    @pytest.mark.parametrize(("case", "expected_keys"), [
        # works planned on 30/06/2012, 9 months after the date de situation: at the threshold
        (offers_case([waiting()]), ["HAB-06 · DEM-1 · Sans proposition"]),
        # a day later: beyond the window, quiet; a day earlier: within it
        (offers_case([waiting()], start=date(2012, 7, 1)), []),
        (offers_case([waiting()], start=date(2012, 6, 29)), ["HAB-06 · DEM-1 · Sans proposition"]),
        # a planned start passed without the works starting: still to be said
        (offers_case([waiting()], start=date(2011, 6, 1)), ["HAB-06 · DEM-1 · Sans proposition"]),
        # the forecast wins over the convention
        (offers_case([waiting()], works_start=dict(convention=date(2012, 3, 1), forecast=date(2013, 3, 1))), []),
        # one offer made, or the number unknown: quiet
        (offers_case([waiting(offers=1)]), []),
        (offers_case([waiting(offers=None)]), []),
        # rehoused or temporary households are not waiting for an offer
        (offers_case([waiting(status="Relogé"), waiting("M-02", status="Relogement temporaire")]), []),
        # works started (CAL-05 then speaks), delivered, abandoned, or no works start: quiet
        (offers_case([waiting()], works_start=dict(convention=date(2011, 6, 1), actual=date(2011, 6, 1)),
                     status="En travaux"), []),
        (offers_case([waiting()], status="Livrée"), []),
        (offers_case([waiting()], status="Abandonnée"), []),
        (offers_case([waiting()], start=None), []),
        # three offers refused: the L.442-6 procedure, whatever the works' date
        (offers_case([waiting(offers=3, refused=3)], start=date(2014, 1, 1)), ["HAB-06 · DEM-1 · Refus"]),
        (offers_case([waiting(offers=4, refused=4)], start=date(2014, 1, 1)), ["HAB-06 · DEM-1 · Refus"]),
        # two refused: just before; offers made but no refusal typed: quiet (an offer may be under consideration)
        (offers_case([waiting(offers=3, refused=2)], start=date(2014, 1, 1)), []),
        (offers_case([waiting(offers=3)], start=date(2014, 1, 1)), []),
        # a household rehoused after refusals is done
        (offers_case([waiting(offers=4, refused=3, status="Relogé")]), []),
        # both at once, on the same demolition
        (offers_case([waiting(), waiting("M-02", offers=3, refused=3)]),
         ["HAB-06 · DEM-1 · Refus", "HAB-06 · DEM-1 · Sans proposition"]),
        # no household
        (offers_case([]), []),
    ])
    def it_fires_on_households_without_offer_and_on_refusals(self, case: Programme,
                                                             expected_keys: list[str]) -> None:
        found = alerts(case, "HAB-06")
        assert sorted(a.key for a in found) == expected_keys
        assert all(a.severity is O for a in found)

    def it_follows_the_threshold_parameters(self) -> None:
        p = offers_case([waiting(), waiting("M-02", offers=3, refused=2)])
        tighter = replace(p, params=replace(p.params, no_offer_window_months=8, refused_offers_max=2))
        assert [a.key for a in alerts(tighter, "HAB-06")] == ["HAB-06 · DEM-1 · Refus"]

    def it_names_the_households_and_the_works_date(self) -> None:
        households = [waiting(f"M-{i:02d}") for i in range(1, 8)]
        (alert,) = alerts(offers_case(households), "HAB-06")
        assert alert.finding.startswith("7 ménages à reloger sans aucune proposition (M-01, M-02, M-03, M-04, M-05 "
                                        "et 2 autres)")
        assert "30/06/2012" in alert.finding and "moins de 9 mois" in alert.finding

    def it_cites_the_procedure(self) -> None:
        (alert,) = alerts(offers_case([waiting(offers=3, refused=3)]), "HAB-06")
        assert alert.finding.startswith("1 ménage à reloger ayant refusé 3 propositions ou plus (M-01)")
        assert "L.442-6" in alert.finding and "6 mois" in alert.finding


# ---------------------------------------------------------------- HAB-07


def temporary(hh_id: str, since: date | None, status: str = "Relogement temporaire") -> Any:
    return household(hh_id, "DEM-1", status, temporary_since=since)


def temporary_case(households: list, **op: Any) -> Programme:
    op.setdefault("status", "En travaux")
    return programme([operation("DEM-1", famille=contract.DEMOLITION, **op)], households=households)


class DescribeHab07TemporaryRehousing:
    @pytest.mark.parametrize(("households", "op", "expected"), [
        # in temporary rehousing since 30/09/2010: 12 months at 30/09/2011, at the threshold
        ([temporary("M-01", date(2010, 9, 30))], {}, [O]),
        # since 01/10/2010: 11 whole months, just before; since 29/09/2010: past it
        ([temporary("M-01", date(2010, 10, 1))], {}, []),
        ([temporary("M-01", date(2010, 9, 29))], {}, [O]),
        # no date of entry: unknown, quiet
        ([temporary("M-01", None)], {}, []),
        # rehoused since: quiet
        ([temporary("M-01", date(2009, 1, 1), status="Relogé")], {}, []),
        # two households of the same demolition: one alert
        ([temporary("M-01", date(2010, 1, 1)), temporary("M-02", date(2009, 1, 1))], {}, [O]),
        # the demolition done: still said (the stay lasts until a definitive rehousing); abandoned: quiet
        ([temporary("M-01", date(2010, 1, 1))], dict(status="Livrée"), [O]),
        ([temporary("M-01", date(2010, 1, 1))], dict(status="Abandonnée"), []),
        ([], {}, []),
    ])
    def it_fires_on_a_long_temporary_rehousing(self, households: list, op: dict, expected: list[Level]) -> None:
        assert levels(temporary_case(households, **op), "HAB-07") == expected

    def it_follows_the_threshold_parameter(self) -> None:
        p = temporary_case([temporary("M-01", date(2010, 10, 1))])
        assert levels(replace(p, params=replace(p.params, temporary_rehousing_months=11)), "HAB-07") == [O]

    def it_gives_the_households_and_the_longest_stay(self) -> None:
        households = [temporary("M-01", date(2010, 1, 1)), temporary("M-02", date(2009, 1, 1)),
                      temporary("M-03", date(2011, 1, 1))]
        (alert,) = alerts(temporary_case(households), "HAB-07")
        assert alert.key == "HAB-07 · DEM-1"
        assert alert.finding == ("2 ménages en relogement temporaire depuis 12 mois ou plus (M-02, M-01), le plus "
                                 "ancien depuis le 01/01/2009 (32 mois)")


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

    def it_measures_a_forecast_already_passed_to_the_date_de_situation_as_cal_02_does(self) -> None:
        op = changed(works_start=dict(convention=date(2010, 1, 31), forecast=date(2010, 12, 31)))  # 11 months, past
        (alert,) = alerts(programme([op]), "GOV-04")  # at 30/09/2011 the start is 20 months late, not 11
        assert ("démarrage des travaux prévu le 31/12/2010, date passée sans date réelle, au lieu du 31/01/2010 "
                "(convention) : 20 mois de glissement au 30/09/2011") in alert.finding

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
         "HAB-06": Theme.HABITAT, "HAB-07": Theme.HABITAT,
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


# ---------------------------------------------------------------- what the habitat rules read


def _drop_column(sheets: dict, sheet: str, header: str) -> None:
    col = column_of(sheets, sheet, header)
    for row in sheets[sheet]:
        if col < len(row):
            del row[col]


def _padded(sheets: dict) -> dict:
    """Return the sheets with every row as long as its header (the factory leaves trailing cells out)."""
    for rows in sheets.values():
        for row in rows[1:]:
            row.extend([None] * (len(rows[0]) - len(row)))
    return sheets


class DescribeWhatTheHabitatRulesRead:
    def it_reads_a_workbook_of_the_first_contract_as_before(self, tmp_path: Path) -> None:
        sheets = clean_sheets()
        for sheet, header in ((contract.OPERATIONS, "Dérogation ANRU"), (contract.RELOGEMENT, "Propositions refusées"),
                              (contract.RELOGEMENT, "Date d'entrée en relogement temporaire")):
            _drop_column(sheets, sheet, header)
        sheets[contract.OPERATIONS][0][column_of(sheets, contract.OPERATIONS, "Hors QPV")] = "Hors ZUS"
        set_value(sheets, contract.OPERATIONS, 1, "Hors ZUS", "Non")
        report = check_file(make_workbook(tmp_path, sheets), at=None, today=AT)
        assert report.problems == ()
        assert report.programme.operations[0].outside_qpv is False  # « Hors ZUS » read as « Hors QPV »
        assert report.programme.households[0].destination == NEW  # the old « Neuf ou moins de 5 ans »

    def it_reads_the_new_columns_and_values(self, tmp_path: Path) -> None:
        sheets = _padded(clean_sheets())
        set_value(sheets, contract.OPERATIONS, 1, "Dérogation ANRU", "Oui")
        for header, value in (("Statut", "Relogement temporaire"), ("Propositions refusées", 3),
                              ("Date d'entrée en relogement temporaire", datetime(2010, 6, 1))):
            set_value(sheets, contract.RELOGEMENT, 2, header, value)
        set_value(sheets, contract.RELOGEMENT, 1, "Statut", "Relogé dans le parc privé")
        set_value(sheets, contract.RELOGEMENT, 1, "Destination", NEW)
        jalons = sheets[contract.JALONS_SHEET]
        jalons.append(["PER-DEM-01", "Début du relogement", datetime(2010, 9, 1)] + [None] * (len(jalons[0]) - 3))
        report = check_file(make_workbook(tmp_path, sheets), at=None, today=AT)
        assert report.problems == ()
        p = report.programme
        assert p.operations[0].anru_derogation is True
        assert p.operation("PER-DEM-01").milestone(contract.REHOUSING_START).convention == date(2010, 9, 1)
        first, second = p.households
        assert (first.status, first.destination) == ("Relogé dans le parc privé", NEW)
        assert (second.refused_offers, second.temporary_since) == (3, date(2010, 6, 1))
