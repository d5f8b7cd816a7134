"""Points durs: alerts consolidated by operation, ranked by stake, each with the reason of its rank."""

from __future__ import annotations

from datetime import date

import pytest

from opc_excel.compute.points_durs import PointDur, Stake, points_durs, ranks_by_key
from opc_excel.compute.schedule import add_months
from opc_excel.fr import NBSP, NNBSP
from opc_excel.model import Alert, Level, Programme
from opc_excel.pipeline import check_file
from opc_excel.read import contract
from opc_excel.situation import Situation
from tests.factory import make_workbook
from tests.programmes import action, funding, household, operation, programme

O, R = Level.ORANGE, Level.ROUGE  # noqa: E741  (the catalogue's own letters)


def alert(code: str, op_id: str | None = None, severity: Level = O, **kwargs: object) -> Alert:
    return Alert(severity, f"Constat {code} du 30/09/2011", "Mesure", operation_id=op_id,
                 operation_label=f"Opération {op_id}" if op_id else "", code=code, **kwargs)


def lapsing(op_id: str = "CAD", subsidy: float = 3_100_000, das: date = date(2009, 12, 15)) -> dict:
    """An operation whose DAS of ``das`` lapses 24 months later, with its ANRU line."""
    return dict(op=operation(op_id, status="Engagée", das=dict(convention=das, actual=das),
                             works_start=dict(convention=date(2011, 6, 1))),
                funding=funding(op_id, amount=subsidy))


def case(alerts: list[Alert], *, ops: list | None = None, lines: list | None = None,
         **tables: object) -> list[PointDur]:
    p: Programme = programme(ops or [], funding=lines or [], **tables)
    return points_durs(p, alerts)


def demolition(op_id: str = "DEM", waiting: int = 12) -> tuple:
    op = operation(op_id, famille=contract.DEMOLITION, status="Engagée",
                   works_start=dict(convention=date(2012, 1, 2)))
    households = [household(f"{op_id}-{i}", op_id) for i in range(waiting)]
    households += [household(f"{op_id}-R", op_id, status="Relogé")]
    return op, households


def slipping(op_id: str = "GLI", months: int = 14, avenant: bool = True) -> object:
    baseline = date(2012, 6, 30)
    delivery = dict(convention=date(2011, 6, 30), avenant=baseline) if avenant else dict(convention=baseline)
    return operation(op_id, delivery=delivery | dict(forecast=add_months(baseline, months)))


class DescribeConsolidation:
    def it_merges_the_alerts_of_one_operation_into_one_line(self) -> None:
        found = case([alert("CAL-02", "OP-1"), alert("FIN-03", "OP-1", R), alert("CAL-07", "OP-1")],
                     ops=[operation("OP-1")])
        (point,) = found
        assert point.operation_id == "OP-1" and point.label == "Opération OP-1" and point.rank == 1
        assert point.codes == ("CAL-02", "FIN-03", "CAL-07") and point.severity is R
        assert point.finding == ("CAL-02 : Constat CAL-02 du 30/09/2011 ; FIN-03 : Constat FIN-03 du 30/09/2011 ; "
                                 "CAL-07 : Constat CAL-07 du 30/09/2011")

    def it_keeps_programme_level_alerts_and_unlinked_actions_on_lines_of_their_own(self) -> None:
        found = case([alert("FIN-09"), alert("GOV-02"), alert("GOV-03", action_id="A-1"),
                      alert("GOV-03", action_id="A-2"), alert("CAL-07", "OP-1")], ops=[operation("OP-1")],
                     actions=[action("A-1", due=date(2011, 7, 31)), action("A-2", due=date(2011, 8, 31))])
        assert len(found) == 5
        assert sorted(p.label for p in found) == ["Action A-1", "Action A-2", "Opération OP-1",
                                                  "Programme : engagement sous la courbe prévue",
                                                  "Programme : point d'étape à préparer"]  # each said in words

    def it_gives_every_alert_the_rank_of_its_line(self) -> None:
        alerts = [alert("CAL-07", "OP-1"), alert("CAL-08", "OP-1", milestone="Livraison"), alert("GOV-02")]
        found = case(alerts, ops=[operation("OP-1")])
        ranks = ranks_by_key(found)
        assert ranks["CAL-07 · OP-1"] == ranks["CAL-08 · OP-1 · Livraison"] and set(ranks.values()) == {1, 2}

    def it_returns_nothing_without_alerts(self) -> None:
        assert case([]) == []


class DescribeTheOrder:
    def it_ranks_subsidy_then_households_then_slip_then_decisions_then_the_rest(self) -> None:
        cad = lapsing(subsidy=50_000)  # even a small subsidy at risk comes first: it is lost for good
        dem, households = demolition()
        alerts = [alert("CAL-07", "AUT", R), alert("GOV-03", action_id="A-1", severity=R),
                  alert("CAL-02", "GLI", R), alert("CAL-05", "DEM", R), alert("FIN-05", "CAD")]
        found = case(alerts, ops=[cad["op"], dem, slipping(), operation("AUT")], lines=[cad["funding"]],
                     households=households, actions=[action("A-1", due=date(2011, 7, 31))])
        assert [p.kind for p in found] == [Stake.SUBSIDY, Stake.HOUSEHOLDS, Stake.SLIP, Stake.DECISIONS, Stake.NONE]
        assert [p.rank for p in found] == [1, 2, 3, 4, 5]
        assert [p.operation_id for p in found] == ["CAD", "DEM", "GLI", None, "AUT"]

    def it_ranks_a_larger_stake_of_the_same_kind_first(self) -> None:
        small, large = lapsing("S", 400_000), lapsing("L", 2_000_000)
        found = case([alert("FIN-05", "S", R), alert("FIN-05", "L", O)], ops=[small["op"], large["op"]],
                     lines=[small["funding"], large["funding"]])
        assert [(p.operation_id, p.subsidy) for p in found] == [("L", 2_000_000), ("S", 400_000)]

    def it_ranks_a_line_by_its_first_kind_of_stake_and_says_the_others(self) -> None:
        dem, households = demolition(waiting=3)
        found = case([alert("CAL-01", "DEM", R), alert("CAL-05", "DEM", R), alert("CAL-02", "GLI", R)],
                     ops=[dem, slipping(months=30)], households=households)
        assert [p.operation_id for p in found] == ["DEM", "GLI"]
        assert found[0].kind is Stake.HOUSEHOLDS and found[0].households == 3
        assert found[0].slip_months is None  # its start, due 02/01/2012, is not late yet
        assert found[1].slip_months == 30

    @pytest.mark.parametrize(("alerts", "expected"), [
        # same stake: red before orange, whatever the order given
        ([alert("CAL-02", "A", O), alert("CAL-02", "B", R)], ["B", "A"]),
        # same stake and colour: more alerts first
        ([alert("CAL-02", "A"), alert("CAL-02", "B"), alert("CAL-07", "B")], ["B", "A"]),
        # all equal: the order given (the Alertes sheet's), ranks 1 and 2, no ex aequo
        ([alert("CAL-02", "B"), alert("CAL-02", "A")], ["B", "A"]),
    ])
    def it_breaks_ties_by_colour_then_count_then_order(self, alerts: list[Alert], expected: list[str]) -> None:
        found = case(alerts, ops=[slipping("A"), slipping("B")])
        assert [p.operation_id for p in found] == expected and [p.rank for p in found] == [1, 2]
        assert found[0].slip_months == found[1].slip_months == 14

    def it_ranks_older_overdue_decisions_first(self) -> None:
        found = case([alert("GOV-03", action_id="A-1"), alert("GOV-03", action_id="A-2")],
                     actions=[action("A-1", due=date(2011, 9, 1)), action("A-2", due=date(2011, 5, 31))])
        assert [p.alerts[0].action_id for p in found] == ["A-2", "A-1"]


class DescribeTheReason:
    def it_says_the_subsidy_at_stake_and_when_it_lapses(self) -> None:
        cad = lapsing()
        (point,) = case([alert("FIN-05", "CAD", R)], ops=[cad["op"]], lines=[cad["funding"]])
        assert point.reason == f"3,1{NBSP}M€ de subvention ANRU en jeu (caducité dans 2 mois)"
        assert point.subsidy == 3_100_000 and point.stake == 3_100_000

    def it_never_says_zero_euros_for_a_das_with_no_anru_line(self) -> None:
        cad = lapsing()
        (point,) = case([alert("FIN-05", "CAD", R)], ops=[cad["op"]], lines=[])
        assert point.reason == ("subvention ANRU en jeu, montant absent de la feuille Financements "
                                "(caducité dans 2 mois)")

    def it_says_a_lapsed_subsidy_and_the_advance_to_repay(self) -> None:
        cad = lapsing(subsidy=850_000, das=date(2009, 6, 15))
        (point,) = case([alert("FIN-05", "CAD", R), alert("FIN-07", "CAD", R)], ops=[cad["op"]],
                        lines=[cad["funding"]])
        assert point.reason == (f"850{NNBSP}000{NBSP}€ de subvention ANRU en jeu (caduque depuis le 15/06/2011, "
                                "avance à rembourser)")

    def it_says_the_engagement_horizon(self) -> None:
        op = operation("EQP", das=dict(convention=date(2012, 6, 30), forecast=date(2014, 3, 31)))
        (point,) = case([alert("FIN-11", "EQP", R)], ops=[op], lines=[funding("EQP", amount=1_260_000)])
        assert point.reason == (f"1,3{NBSP}M€ de subvention ANRU en jeu (DAS prévue le 31/03/2014, après la date "
                                "limite d'engagement)")

    def it_says_the_envelope_overrun(self) -> None:
        lines = [funding("A", amount=6_000_000), funding("B", amount=4_500_000)]
        p = programme([operation("A"), operation("B")], funding=lines, params=dict(anru_envelope=10_000_000))
        (point,) = points_durs(p, [alert("FIN-13", severity=R)])
        assert point.operation_id is None and point.subsidy == 500_000
        assert point.reason == f"500{NNBSP}000{NBSP}€ de subvention ANRU au-delà de l'enveloppe de la convention"

    def it_counts_the_envelope_overrun_as_fin_13_does_without_abandoned_operations(self) -> None:
        lines = [funding("A", amount=6_000_000), funding("B", amount=4_500_000), funding("C", amount=2_000_000)]
        ops = [operation("A"), operation("B"), operation("C", status="Abandonnée")]  # its subsidy is freed
        p = programme(ops, funding=lines, params=dict(anru_envelope=10_000_000))
        (point,) = points_durs(p, [alert("FIN-13", severity=R)])
        assert point.subsidy == 500_000  # the overrun FIN-13 states, not 2 500 000

    def it_says_the_households_waiting(self) -> None:
        dem, households = demolition()
        (point,) = case([alert("CAL-05", "DEM", R), alert("HAB-03", "DEM")], ops=[dem], households=households)
        assert point.reason == "12 ménages à reloger avant la démolition" and point.households == 12

    @pytest.mark.parametrize(("avenant", "expected"), [
        (True, "14 mois de glissement de la livraison sur l'avenant"),
        (False, "14 mois de glissement de la livraison sur la convention"),
    ])
    def it_says_the_slip_against_the_latest_baseline(self, avenant: bool, expected: str) -> None:
        (point,) = case([alert("CAL-02", "GLI", R)], ops=[slipping(avenant=avenant)])
        assert point.reason == expected

    def it_says_a_works_start_late_until_today(self) -> None:
        op = operation("LAT", status="Engagée", works_start=dict(convention=date(2011, 2, 1)))
        (point,) = case([alert("CAL-01", "LAT", R)], ops=[op])
        assert point.reason == "7 mois de glissement du démarrage sur la convention"

    def it_says_the_decisions_overdue(self) -> None:
        actions = [action("A-1", due=date(2011, 7, 31), operation_ids=("OP-1",)),
                   action("A-2", due=date(2011, 9, 20), operation_ids=("OP-1",))]
        (one,) = case([alert("GOV-03", action_id="A-1")], actions=actions)
        assert one.reason == "décision attendue depuis le 31/07/2011 (2 mois de retard)"
        (two,) = case([alert("GOV-03", "OP-1", action_id="A-1"), alert("GOV-03", "OP-1", action_id="A-2")],
                      ops=[operation("OP-1")], actions=actions)
        assert two.reason == "2 décisions en retard, la plus ancienne de 2 mois"

    def it_says_when_there_is_no_figure_to_rank_on(self) -> None:
        (point,) = case([alert("CAL-07", "OP-1"), alert("CAL-06", "OP-1")], ops=[operation("OP-1")])
        assert point.kind is Stake.NONE and point.stake == 0
        assert point.reason == "pas d'enjeu chiffré : 2 alertes (CAL-07, CAL-06)"

    def it_keeps_the_other_stakes_after_the_reason(self) -> None:
        cad = lapsing()
        alerts = [alert("FIN-05", "CAD", R), alert("CAL-01", "CAD", R)]
        (point,) = case(alerts, ops=[cad["op"]], lines=[cad["funding"]])
        assert point.kind is Stake.SUBSIDY
        assert point.others == ("3 mois de glissement du démarrage sur la convention",)


class DescribeTheSituation:
    def it_ranks_the_points_durs_of_a_checked_workbook_once(self, tmp_path) -> None:
        report = check_file(make_workbook(tmp_path), at=None, today=date(2026, 1, 1))
        situation = Situation.of(report)
        found = situation.points_durs
        assert found is situation.points_durs  # computed once
        assert [p.rank for p in found] == list(range(1, len(found) + 1))
        assert sorted(a.key for p in found for a in p.alerts) == sorted(a.key for a in report.alerts)
        assert all(p.reason for p in found)
