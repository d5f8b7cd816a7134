"""The calendrier alerts CAL-01 … CAL-08: each fires at its threshold, with its severity, and only there."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from opc_excel.compute.alerts import RULES, evaluate
from opc_excel.compute.alerts import calendrier as cal
from opc_excel.compute.alerts import enchainement as seq
from opc_excel.model import Alert, Amendment, Dependency, Level, MilestoneSnapshot, Programme, Theme
from opc_excel.pipeline import check_file
from tests.factory import clean_sheets, make_workbook
from tests.programmes import funding, household, operation, programme

R, O = Level.ROUGE, Level.ORANGE  # noqa: E741 (the letters users see in the catalogue)


def run(check: Any, p: Programme) -> list[Alert]:
    """Return the alerts of one rule function on the programme at its date de situation."""
    return list(check(p, p.at, p.params))


def levels(check: Any, p: Programme) -> list[tuple[str | None, Level]]:
    return [(a.operation_id, a.severity) for a in run(check, p)]


def only(check: Any, p: Programme) -> Alert:
    alerts = run(check, p)
    assert len(alerts) == 1, alerts
    return alerts[0]


class DescribeTheCatalogue:
    @pytest.mark.parametrize("code", [f"CAL-0{i}" for i in range(1, 9)])
    def it_registers_each_code_under_the_calendrier_theme(self, code):
        assert RULES[code].theme is Theme.CALENDRIER
        assert RULES[code].description

    def it_stamps_code_theme_and_a_key_through_evaluate(self):
        p = programme([operation(status="Programmée", works_start=dict(convention=date(2011, 3, 1)))])
        [alert] = evaluate(p, rules=[RULES["CAL-01"]])
        assert (alert.code, alert.theme, alert.key) == ("CAL-01", Theme.CALENDRIER,
                                                         "CAL-01 · OP-1 · Démarrage des travaux")
        assert alert.owner == "Ville d'Alençon" and alert.operation_label == "Opération OP-1"


# ---------------------------------------------------------------- CAL-01

START = date(2011, 3, 1)  # planned works start; red threshold (6 months) reached on 01/09/2011

CAL01 = [
    (dict(convention=START), date(2011, 3, 1), None),  # on the planned day: not late yet
    (dict(convention=START), date(2011, 3, 2), O),  # the day after: orange
    (dict(convention=START), date(2011, 8, 31), O),  # just before the red threshold
    (dict(convention=START), date(2011, 9, 1), R),  # red threshold reached
    (dict(convention=START), date(2012, 1, 15), R),  # well past it
    (dict(convention=date(2010, 1, 1), forecast=START), date(2011, 8, 31), O),  # the forecast is the plan
    (dict(convention=START, forecast=date(2011, 12, 1)), date(2011, 9, 30), None),  # rescheduled later
    (dict(convention=date(2010, 1, 1), avenant=START), date(2011, 9, 1), R),  # the avenant rebased it
    (dict(convention=START, actual=date(2011, 4, 1)), date(2011, 9, 30), None),  # started
    (dict(), date(2011, 9, 30), None),  # no date at all: left to Contrôles
]


class DescribeCal01WorksStartOverdue:
    @pytest.mark.parametrize(("works_start", "at", "expected"), CAL01)
    def it_grades_the_delay(self, works_start, at, expected):
        p = programme([operation(status="Programmée", works_start=works_start)], at=at)
        assert levels(cal.works_start_overdue, p) == ([("OP-1", expected)] if expected else [])

    @pytest.mark.parametrize("status", [
        "Livrée",  # delivered by status
        "Soldée",  # closed
        "Abandonnée",  # abandoned operations never alert
    ])
    def it_is_quiet_on_closed_operations(self, status):
        p = programme([operation(status=status, works_start=dict(convention=START))])
        assert run(cal.works_start_overdue, p) == []

    def it_reads_the_red_threshold_from_the_parameters(self):
        p = programme([operation(status="Programmée", works_start=dict(convention=START))], at=date(2011, 6, 1),
                      params=dict(start_delay_red_months=3))
        assert levels(cal.works_start_overdue, p) == [("OP-1", R)]

    def it_states_the_planned_date_and_the_delay(self):
        p = programme([operation(status="Programmée", works_start=dict(convention=START))], at=date(2011, 10, 5))
        alert = only(cal.works_start_overdue, p)
        assert alert.finding == "Démarrage prévu le 01/03/2011, non intervenu : 7 mois de retard"
        assert alert.milestone == "Démarrage des travaux" and alert.measure

    def it_counts_days_under_a_month_and_names_the_convention_date(self):
        p = programme([operation(status="Programmée", works_start=dict(convention=date(2010, 9, 1), forecast=START))],
                      at=date(2011, 3, 13))
        assert only(cal.works_start_overdue, p).finding == (
            "Démarrage prévu le 01/03/2011 (convention : 01/09/2010), non intervenu : 12 jours de retard")

    def it_asks_for_the_actual_date_when_the_status_says_works_are_on(self):
        p = programme([operation(status="En travaux", works_start=dict(convention=START))], at=date(2012, 3, 1))
        alert = only(cal.works_start_overdue, p)
        assert alert.severity is O and "date réelle" in alert.finding and "12 mois" in alert.finding


# ---------------------------------------------------------------- CAL-02

CONVENTION_DELIVERY = date(2012, 6, 30)


def _delivery(**dates: Any) -> dict[str, Any]:
    return dict(convention=CONVENTION_DELIVERY, **dates)


CAL02 = [
    (_delivery(), None),  # on time
    (_delivery(forecast=date(2012, 12, 29)), None),  # a day short of 6 months
    (_delivery(forecast=date(2012, 12, 30)), O),  # orange threshold reached (30/06 + 6 months)
    (_delivery(forecast=date(2013, 3, 31)), O),  # between the thresholds
    (_delivery(forecast=date(2013, 6, 29)), O),  # a day short of 12 months
    (_delivery(forecast=date(2013, 6, 30)), R),  # red threshold reached
    (_delivery(forecast=date(2014, 6, 30)), R),  # far past it
    (_delivery(avenant=date(2013, 6, 30)), None),  # a slip the avenant ratified is no breach any more
    (_delivery(avenant=date(2013, 6, 30), forecast=date(2013, 12, 29)), None),  # a day short of avenant + 6
    (_delivery(avenant=date(2013, 6, 30), forecast=date(2013, 12, 30)), O),  # orange reached on the avenant
    (_delivery(avenant=date(2013, 6, 30), forecast=date(2014, 6, 29)), O),  # a day short of avenant + 12
    (_delivery(avenant=date(2013, 6, 30), forecast=date(2014, 6, 30)), R),  # red reached on the avenant
    (_delivery(avenant=date(2013, 6, 30), forecast=date(2012, 7, 31)), None),  # the forecast wins
    (dict(avenant=date(2013, 6, 30), forecast=date(2014, 6, 30)), R),  # no convention date: the avenant's
    (_delivery(forecast=date(2011, 12, 31)), None),  # ahead of the convention
    (dict(forecast=date(2014, 6, 30)), None),  # no baseline date: left to Contrôles
]


class DescribeCal02DeliverySlip:
    @pytest.mark.parametrize(("delivery", "expected"), CAL02)
    def it_grades_the_slip_against_the_latest_baseline(self, delivery, expected):
        p = programme([operation(delivery=delivery)])
        assert levels(cal.delivery_slip, p) == ([("OP-1", expected)] if expected else [])

    @pytest.mark.parametrize("op", [
        operation(status="Livrée", delivery=_delivery(forecast=date(2014, 6, 30))),  # delivered by status
        operation(status="Abandonnée", delivery=_delivery(forecast=date(2014, 6, 30))),  # abandoned
        operation(delivery=_delivery(forecast=date(2014, 6, 30), actual=date(2011, 9, 1))),  # actually delivered
    ])
    def it_is_quiet_on_delivered_and_abandoned_operations(self, op):
        assert run(cal.delivery_slip, programme([op])) == []

    def it_uses_the_thresholds_of_the_parameters(self):
        p = programme([operation(delivery=_delivery(forecast=date(2012, 9, 30)))],
                      params=dict(delay_orange_months=2, delay_red_months=3))
        assert levels(cal.delivery_slip, p) == [("OP-1", R)]

    @pytest.mark.parametrize(("motif", "says"), [
        ("Foncier", "(motif : Foncier)"),  # the motif typed is named
        (None, "(motif non renseigné)"),  # none typed
        ("  ", "(motif non renseigné)"),  # spaces only
    ])
    def it_names_the_dates_the_slip_and_the_motif(self, motif, says):
        p = programme([operation(delivery=_delivery(forecast=date(2013, 12, 31), motif=motif))])
        alert = only(cal.delivery_slip, p)
        assert alert.finding == f"Réception prévue le 31/12/2013 au lieu du 30/06/2012 : 18 mois de glissement {says}"
        assert alert.milestone == "Livraison"

    @pytest.mark.parametrize(("amendments", "named"), [
        ([Amendment("1", date(2010, 5, 1), operation_ids=("OP-1",)),
          Amendment("2", date(2011, 2, 1), operation_ids=("OP-1", "OP-2"))], "avenant n°2"),  # the latest
        ([Amendment("2", date(2011, 2, 1), operation_ids=("OP-2",))], "avenant"),  # none lists the operation
        ([Amendment("3", date(2012, 2, 1), operation_ids=("OP-1",))], "avenant"),  # not signed by the date
    ])
    def it_names_the_avenant_and_the_slip_since_the_convention(self, amendments, named):
        p = programme([operation(famille=DEMOLITION, delivery=_delivery(
            avenant=date(2013, 6, 30), forecast=date(2014, 2, 28), motif="Relogement"))], amendments=amendments)
        alert = only(cal.delivery_slip, p)
        assert (alert.severity, alert.finding) == (O, (
            f"Fin de démolition prévue le 28/02/2014 au lieu du 30/06/2013 ({named}) : 8 mois de glissement "
            f"après l'{named}, 20 mois sur la date de la convention, le 30/06/2012 (motif : Relogement)"))

    def it_says_when_the_forecast_is_ahead_of_the_convention(self):
        p = programme([operation(famille="Réhabilitation", delivery=dict(
            convention=date(2014, 6, 30), avenant=date(2012, 6, 30), forecast=date(2013, 6, 30)))])
        assert only(cal.delivery_slip, p).finding == (
            "Livraison prévue le 30/06/2013 au lieu du 30/06/2012 (avenant) : 12 mois de glissement après "
            "l'avenant, 12 mois d'avance sur la date de la convention, le 30/06/2014 (motif non renseigné)")


# ---------------------------------------------------------------- CAL-03

END = date(2013, 12, 31)  # the builders' Date de fin de la convention

CAL03 = [
    (dict(convention=END), None),  # on the end date: in time
    (dict(convention=date(2013, 6, 30), forecast=date(2014, 1, 1)), R),  # a day after it
    (dict(convention=date(2013, 6, 30), avenant=date(2014, 6, 30)), R),  # the avenant's date is after it
    (dict(convention=date(2014, 6, 30), forecast=date(2013, 10, 31)), None),  # forecast back within it
    (dict(), None),  # no date at all
]


class DescribeCal03DeliveryAfterConventionEnd:
    @pytest.mark.parametrize(("delivery", "expected"), CAL03)
    def it_fires_red_past_the_end_date(self, delivery, expected):
        p = programme([operation(delivery=delivery)])
        assert levels(cal.delivery_after_convention_end, p) == ([("OP-1", expected)] if expected else [])

    def it_raises_one_alert_per_operation(self):
        late = dict(convention=date(2014, 6, 30))
        p = programme([operation("OP-1", delivery=late), operation("OP-2", delivery=late),
                       operation("OP-3", delivery=dict(convention=date(2012, 1, 1)))])
        assert levels(cal.delivery_after_convention_end, p) == [("OP-1", R), ("OP-2", R)]

    @pytest.mark.parametrize("op", [
        operation(status="Soldée", delivery=dict(convention=date(2014, 6, 30))),  # closed
        operation(status="Abandonnée", delivery=dict(convention=date(2014, 6, 30))),  # abandoned
    ])
    def it_is_quiet_on_closed_operations(self, op):
        assert run(cal.delivery_after_convention_end, programme([op])) == []

    def it_is_quiet_without_an_end_date(self):
        p = programme([operation(delivery=dict(convention=date(2014, 6, 30)))], params=dict(end_date=None))
        assert run(cal.delivery_after_convention_end, p) == []

    @pytest.mark.parametrize(("famille", "named"), [
        ("Aménagement", "Réception"),
        ("Démolition de logements sociaux", "Fin de démolition"),
        ("Ingénierie et conduite de projet", "Fin de mission"),
        ("Réhabilitation", "Livraison"),
    ])
    def it_names_both_dates_and_the_overrun(self, famille, named):
        p = programme([operation(famille=famille, delivery=dict(convention=date(2013, 6, 30),
                                                                forecast=date(2014, 9, 30)))])
        alert = only(cal.delivery_after_convention_end, p)
        assert alert.finding == (
            f"{named} prévue le 30/09/2014, après la fin de la convention le 31/12/2013 : 9 mois de dépassement")
        assert alert.milestone == "Livraison"  # the stored value stays


# ---------------------------------------------------------------- CAL-04

def _chain(predecessor_delivery: dict[str, Any], successor_start: dict[str, Any], lag: float = 0, *,
           predecessor_status: str = "En travaux", successor_status: str = "Programmée") -> Programme:
    """Return OP-A (delivery as given) followed by OP-B (works start as given) with ``lag`` months."""
    return programme([operation("OP-A", status=predecessor_status, label="Démolition tour A", famille=DEMOLITION,
                                delivery=predecessor_delivery),
                      operation("OP-B", status=successor_status, works_start=successor_start)],
                     dependencies=[Dependency("OP-A", "OP-B", lag)])


A_DELIVERY = dict(convention=date(2011, 12, 31))

CAL04 = [
    (A_DELIVERY, dict(convention=date(2011, 12, 31)), 0, None),  # starts on the delivery day: allowed
    (A_DELIVERY, dict(convention=date(2011, 12, 30)), 0, R),  # a day before it
    (A_DELIVERY, dict(convention=date(2012, 3, 30)), 3, R),  # a day before delivery + 3 months
    (A_DELIVERY, dict(convention=date(2012, 3, 31)), 3, None),  # on delivery + 3 months
    (A_DELIVERY, dict(convention=date(2012, 6, 1), forecast=date(2012, 1, 15)), 3, R),  # the forecast moved it up
    (dict(convention=date(2011, 6, 30), forecast=date(2012, 6, 30)), dict(convention=date(2012, 1, 1)), 0,
     R),  # the predecessor slipped past the successor's start
    (dict(), dict(convention=date(2011, 12, 1)), 0, None),  # predecessor's delivery unknown
    (A_DELIVERY, dict(), 0, None),  # successor's start unknown
    (A_DELIVERY, dict(convention=date(2011, 6, 1), actual=date(2011, 6, 1)), 0,
     R),  # started while the predecessor is not delivered: a real overlap
    (dict(convention=date(2011, 5, 1), actual=date(2011, 5, 1)), dict(convention=date(2011, 6, 1),
     actual=date(2011, 6, 1)), 3, None),  # both done: the sequencing is history
    (dict(convention=date(2011, 9, 15), actual=date(2011, 9, 15)), dict(convention=date(2011, 10, 15)), 3,
     R),  # predecessor delivered, successor still planned too early
]


# Per Type de lien, with a 3-month delay: OP-A starts 01/01/2012 and is delivered 31/12/2012.
A_DATES = dict(works_start=dict(convention=date(2012, 1, 1)), delivery=dict(convention=date(2012, 12, 31)))
STARTS, ENDS = "Démarrage des travaux", "Livraison"
LINKS = [
    (None, A_DATES, dict(works_start=dict(convention=date(2013, 3, 30))), [("OP-B", STARTS, R)]),  # empty: Fin → Début
    (None, A_DATES, dict(works_start=dict(convention=date(2013, 3, 31))), []),  # on delivery + 3 months
    ("Fin → Début", A_DATES, dict(works_start=dict(convention=date(2013, 3, 30))),
     [("OP-B", STARTS, R)]),  # a day before delivery + 3 months
    ("Fin → Début", A_DATES, dict(works_start=dict(convention=date(2013, 3, 31))), []),  # on the delay
    ("Fin → Début", A_DATES, dict(works_start=dict(convention=date(2013, 6, 1))), []),  # past it
    ("Début → Début", A_DATES, dict(works_start=dict(convention=date(2012, 3, 31))), [("OP-B", STARTS, R)]),
    ("Début → Début", A_DATES, dict(works_start=dict(convention=date(2012, 4, 1))), []),  # on start + 3 months
    ("Début → Début", A_DATES, dict(works_start=dict(convention=date(2012, 6, 1))), []),  # past it
    ("Début → Début", A_DATES, dict(works_start=dict(convention=date(2011, 9, 1), actual=date(2011, 9, 1))),
     [("OP-B", STARTS, R)]),  # started before the predecessor did: a real overlap
    ("Début → Début", dict(works_start=dict(convention=date(2011, 3, 1), actual=date(2011, 3, 1))),
     dict(works_start=dict(convention=date(2011, 4, 1), actual=date(2011, 4, 1))), []),  # both started: history
    ("Fin → Fin", A_DATES, dict(works_start=dict(convention=date(2012, 2, 1)),
                                delivery=dict(convention=date(2013, 3, 30))), [("OP-B", ENDS, R)]),  # a day before
    ("Fin → Fin", A_DATES, dict(works_start=dict(convention=date(2012, 2, 1)),
                                delivery=dict(convention=date(2013, 3, 31))), []),  # on delivery + 3 months
    ("Fin → Fin", A_DATES, dict(delivery=dict(convention=date(2013, 9, 30))), []),  # past it
    ("Continuité", A_DATES, dict(works_start=dict(convention=date(2013, 3, 30))), [("OP-B", STARTS, R)]),
    ("Continuité", A_DATES, dict(works_start=dict(convention=date(2013, 3, 31))), []),  # on delivery + 3 months
    ("Continuité", A_DATES, dict(works_start=dict(convention=date(2013, 4, 30))), []),  # past it
    ("Continuité", dict(delivery=dict(convention=date(2012, 12, 31), actual=date(2011, 9, 1))),
     dict(works_start=dict(convention=date(2011, 9, 15), actual=date(2011, 9, 15))), []),  # both done: history
]


class DescribeCal04SequencingBroken:
    @pytest.mark.parametrize(("delivery", "start", "lag", "expected"), CAL04)
    def it_checks_the_successor_against_the_predecessor(self, delivery, start, lag, expected):
        p = _chain(delivery, start, lag)
        assert levels(seq.sequencing_broken, p) == ([("OP-B", expected)] if expected else [])

    @pytest.mark.parametrize(("predecessor_status", "successor_status"), [
        ("Abandonnée", "Programmée"),  # an abandoned predecessor constrains nothing
        ("En travaux", "Abandonnée"),  # an abandoned successor never alerts
        ("En travaux", "Livrée"),  # a delivered successor is history
    ])
    def it_is_quiet_when_one_side_is_closed(self, predecessor_status, successor_status):
        p = _chain(A_DELIVERY, dict(convention=date(2011, 10, 1)), predecessor_status=predecessor_status,
                   successor_status=successor_status)
        assert run(seq.sequencing_broken, p) == []

    def it_ignores_a_dependency_on_an_unknown_operation(self):
        p = programme([operation("OP-B", works_start=dict(convention=date(2011, 10, 1)))],
                      dependencies=[Dependency("OP-X", "OP-B", 0)])
        assert run(seq.sequencing_broken, p) == []

    def it_names_the_predecessor_and_the_dates(self):
        alert = only(seq.sequencing_broken, _chain(A_DELIVERY, dict(convention=date(2012, 1, 15)), 3))
        assert alert.milestone == "Démarrage des travaux"
        assert alert.finding == (
            "Démarrage prévu le 15/01/2012, avant la date permise par l'enchaînement : fin de démolition de OP-A "
            "(Démolition tour A) prévue le 31/12/2011 + 3 mois de délai minimal, soit le 31/03/2012")

    def it_says_when_the_successor_has_already_started(self):
        p = _chain(A_DELIVERY, dict(convention=date(2011, 6, 1), actual=date(2011, 6, 1)))
        alert = only(seq.sequencing_broken, p)
        assert alert.finding.startswith("Démarrage intervenu le 01/06/2011") and "coactivité" in alert.measure

    @pytest.mark.parametrize(("link", "predecessor", "successor", "expected"), LINKS)
    def it_checks_each_type_of_link(self, link, predecessor, successor, expected):
        p = programme([operation("OP-A", famille="Équipement public de proximité", label="Nouvelle maison de quartier",
                                 **predecessor),
                       operation("OP-B", status="Programmée", label="Ancienne maison de quartier", **successor)],
                      dependencies=[Dependency("OP-A", "OP-B", 3, link_type=link)])
        assert [(a.operation_id, a.milestone, a.severity) for a in run(seq.sequencing_broken, p)] == expected

    @pytest.mark.parametrize(("link", "says", "measure"), [
        ("Début → Début", "démarrage de OP-A (Nouvelle maison de quartier) prévu le 01/01/2012 + 3 mois de délai "
                          "minimal, soit le 01/04/2012 (lien Début → Début)", "Recaler"),
        ("Continuité", "livraison de OP-A (Nouvelle maison de quartier) prévue le 31/12/2012 + 3 mois de délai "
                       "minimal, soit le 31/03/2013 (continuité : l'équipement remplacé doit rester ouvert "
                       "jusque-là)", "continuité du service"),
    ])
    def it_names_the_type_of_link(self, link, says, measure):
        p = programme([operation("OP-A", famille="Équipement public de proximité", label="Nouvelle maison de quartier",
                                 works_start=dict(convention=date(2012, 1, 1)),
                                 delivery=dict(convention=date(2012, 12, 31))),
                       operation("OP-B", status="Programmée", works_start=dict(convention=date(2012, 3, 1)))],
                      dependencies=[Dependency("OP-A", "OP-B", 3, link_type=link)])
        alert = only(seq.sequencing_broken, p)
        assert alert.finding == f"Démarrage prévu le 01/03/2012, avant la date permise par l'enchaînement : {says}"
        assert measure in alert.measure

    def it_names_the_successors_delivery_on_a_finish_to_finish_link(self):
        p = programme([operation("OP-A", delivery=dict(convention=date(2012, 12, 31))),
                       operation("OP-B", famille=DEMOLITION, delivery=dict(convention=date(2013, 3, 1)))],
                      dependencies=[Dependency("OP-A", "OP-B", 3, link_type="Fin → Fin")])
        assert only(seq.sequencing_broken, p).finding == (
            "Fin de démolition prévue le 01/03/2013, avant la date permise par l'enchaînement : réception de OP-A "
            "(Opération OP-A) prévue le 31/12/2012 + 3 mois de délai minimal, soit le 31/03/2013 (lien Fin → Fin)")

    def it_makes_one_alert_per_successor_naming_every_predecessor(self):
        p = programme([operation("OP-A", delivery=A_DELIVERY), operation("OP-C", delivery=dict(
                          convention=date(2012, 2, 29))),
                       operation("OP-B", status="Programmée", works_start=dict(convention=date(2011, 11, 1)))],
                      dependencies=[Dependency("OP-A", "OP-B"), Dependency("OP-C", "OP-B")])
        alert = only(seq.sequencing_broken, p)
        assert "OP-A" in alert.finding and "OP-C" in alert.finding and "les dates permises" in alert.finding


class DescribeTheDependenciesSheet:
    """*Type de lien* and *Délai minimal (mois)* read from a workbook; the first contract's header still reads."""

    @pytest.mark.parametrize(("header", "typed", "read"), [
        ("Délai minimal (mois)", None, None),  # empty: Fin → Début
        ("Délai minimal (mois)", "Continuité", "Continuité"),
        ("Délai minimal (mois)", "fin -> fin", "Fin → Fin"),  # typed without the arrow
        ("Décalage (mois)", "Début → Début", "Début → Début"),  # the first contract's header
    ])
    def it_reads_the_link_and_its_delay(self, tmp_path, header, typed, read):
        sheets = clean_sheets()
        sheets["Dépendances"][0][2] = header
        sheets["Dépendances"][1][3:] = [typed]
        report = check_file(make_workbook(tmp_path, sheets), at=None, today=date(2026, 1, 1))
        assert report.problems == ()
        [dependency] = report.programme.dependencies
        assert (dependency.lag_months, dependency.link_type) == (1, read)

    def it_reports_an_unknown_type_of_link(self, tmp_path):
        sheets = clean_sheets()
        sheets["Dépendances"][1][3:] = ["Avant"]
        report = check_file(make_workbook(tmp_path, sheets), at=None, today=date(2026, 1, 1))
        assert [(p.code, p.cell) for p in report.problems] == [("DQ-LIST", "D2")]


# ---------------------------------------------------------------- CAL-05

DEMOLITION = "Démolition de logements sociaux"
DEMOLITION_START = date(2012, 3, 30)  # add_months(30/09/2011, 6): the window's edge at the builders' date


def _demolition(start: dict[str, Any], *statuses: str, famille: str = DEMOLITION, status: str = "Engagée",
                at: date = date(2011, 9, 30)) -> Programme:
    households = [household(f"M-{i:03d}", "OP-1", s) for i, s in enumerate(statuses, 1)]
    return programme([operation(famille=famille, status=status, works_start=start)], households=households, at=at)


CAL05 = [
    (dict(convention=DEMOLITION_START), date(2011, 9, 29), None),  # a day before the window opens
    (dict(convention=DEMOLITION_START), date(2011, 9, 30), R),  # start exactly 6 months ahead
    (dict(convention=DEMOLITION_START), date(2012, 1, 15), R),  # well within the window
    (dict(convention=DEMOLITION_START), date(2012, 6, 1), R),  # planned start passed, not started
    (dict(convention=date(2011, 12, 1), forecast=date(2012, 9, 1)), date(2011, 9, 30),
     None),  # the forecast moved it out of the window
    (dict(convention=date(2011, 12, 1), actual=date(2011, 9, 1)), date(2011, 9, 30),
     None),  # demolition started: quiet
]


class DescribeCal05DemolitionBeforeRehousing:
    @pytest.mark.parametrize(("start", "at", "expected"), CAL05)
    def it_fires_within_the_window(self, start, at, expected):
        p = _demolition(start, "À reloger", "Relogé", at=at)
        assert levels(cal.demolition_before_rehousing, p) == ([("OP-1", expected)] if expected else [])

    @pytest.mark.parametrize(("statuses", "expected"), [
        (("Relogé", "Parti sans relogement"), None),  # every household is settled
        (("Relogement temporaire",), R),  # temporarily rehoused still waits for a final home
        ((), None),  # no household recorded for the operation
    ])
    def it_counts_only_households_still_waiting(self, statuses, expected):
        p = _demolition(dict(convention=date(2011, 12, 1)), *statuses)
        assert levels(cal.demolition_before_rehousing, p) == ([("OP-1", expected)] if expected else [])

    @pytest.mark.parametrize(("famille", "status"), [
        ("Reconstitution de l'offre", "Engagée"),  # not a demolition
        (DEMOLITION, "Abandonnée"),  # abandoned
        (DEMOLITION, "Livrée"),  # delivered
    ])
    def it_is_quiet_outside_live_demolitions(self, famille, status):
        p = _demolition(dict(convention=date(2011, 12, 1)), "À reloger", famille=famille, status=status)
        assert run(cal.demolition_before_rehousing, p) == []

    def it_ignores_households_of_other_operations(self):
        p = programme([operation(famille=DEMOLITION, works_start=dict(convention=date(2011, 12, 1)))],
                      households=[household("M-001", "OP-9")])
        assert run(cal.demolition_before_rehousing, p) == []

    def it_reads_the_window_from_the_parameters(self):
        p = _demolition(dict(convention=DEMOLITION_START), "À reloger")
        p = programme(p.operations, households=p.households, params=dict(demolition_rehousing_window_months=5))
        assert run(cal.demolition_before_rehousing, p) == []

    def it_states_the_date_and_the_count(self):
        p = _demolition(dict(convention=date(2011, 12, 1)), "À reloger", "À reloger", "Relogement temporaire",
                        "Relogé")
        assert only(cal.demolition_before_rehousing, p).finding == (
            "Démarrage de la démolition prévu le 01/12/2011 (dans 2 mois) alors que 3 ménages restent à reloger "
            "(dont 1 en relogement temporaire)")


# ---------------------------------------------------------------- CAL-06

SOON = date(2011, 12, 30)  # 3 months after the builders' date de situation, 30/09/2011
OPEN, DONE = dict(convention=date(2011, 6, 1)), dict(convention=date(2011, 6, 1), actual=date(2011, 6, 1))


def _ready_to_start(**milestones: Any) -> dict[str, Any]:
    """Return milestones of an operation whose works start is due soon, every prerequisite met unless overridden."""
    return dict(dict(pc=DONE, contracts=DONE, das=DONE, works_start=dict(convention=SOON)), **milestones)


CAL06 = [
    (_ready_to_start(), [], None),  # every prerequisite met
    (_ready_to_start(pc=OPEN), [], O),  # no PC yet
    (_ready_to_start(contracts=OPEN), [], O),  # contracts not awarded
    (_ready_to_start(das=OPEN), [], O),  # no DAS
    (_ready_to_start(), [funding(funder="Région", status="Sollicité")], O),  # funding not secured
    (_ready_to_start(), [funding(status="Acquis"), funding(funder="Ville", status="Notifié")],
     None),  # funding secured
    (dict(works_start=dict(convention=SOON)), [], None),  # no prerequisite milestone at all: none required
    (_ready_to_start(pc=OPEN, works_start=dict(convention=date(2011, 12, 31))), [], None),  # a day past the horizon
    (_ready_to_start(pc=OPEN, works_start=dict(convention=date(2011, 9, 1))), [], O),  # already overdue
    (_ready_to_start(pc=OPEN, works_start=dict(convention=SOON, actual=date(2011, 9, 1))), [], None),  # started
    (_ready_to_start(pc=OPEN, works_start=dict(convention=date(2011, 6, 1), forecast=date(2012, 3, 1))), [],
     None),  # the forecast pushed it beyond the horizon
]


class DescribeCal06PrerequisiteOpen:
    @pytest.mark.parametrize(("milestones", "lines", "expected"), CAL06)
    def it_checks_the_works_start_prerequisites(self, milestones, lines, expected):
        p = programme([operation(status="Engagée", **milestones)], funding=lines)
        assert levels(cal.prerequisite_open, p) == ([("OP-1", expected)] if expected else [])

    @pytest.mark.parametrize(("milestones", "expected"), [
        (dict(fat=OPEN, das=dict(convention=SOON)), ["DAS"]),  # DAS due without FAT validée
        (dict(fat=DONE, das=dict(convention=SOON)), []),  # FAT validée: fine
        (dict(pc=OPEN, contracts=dict(convention=SOON)), ["Attribution des marchés"]),  # contracts without PC
        (dict(works_start=dict(convention=date(2011, 6, 1)), delivery=dict(convention=SOON)),
         ["Livraison"]),  # delivery due while works not started (the overdue start has no prerequisite)
        (dict(fat=OPEN, das=dict(convention=SOON, actual=date(2011, 9, 1))), []),  # DAS already reached
    ])
    def it_checks_each_watched_milestone(self, milestones, expected):
        p = programme([operation(status="Engagée", **milestones)])
        assert [a.milestone for a in run(cal.prerequisite_open, p)] == expected

    @pytest.mark.parametrize("status", ["Livrée", "Abandonnée"])
    def it_is_quiet_on_closed_operations(self, status):
        p = programme([operation(status=status, **_ready_to_start(pc=OPEN))])
        assert run(cal.prerequisite_open, p) == []

    def it_reads_the_horizon_from_the_parameters(self):
        p = programme([operation(**_ready_to_start(pc=OPEN))], params=dict(prerequisite_window_months=2))
        assert run(cal.prerequisite_open, p) == []

    def it_lists_the_open_prerequisites(self):
        milestones = _ready_to_start(pc=OPEN, das=OPEN, works_start=dict(convention=date(2011, 11, 30)))
        p = programme([operation(**milestones)],
                      funding=[funding(funder="Région", status="Sollicité"), funding(funder="FEDER", status="Prévu"),
                               funding(status="Notifié")])
        assert only(cal.prerequisite_open, p).finding == (
            "Jalon « Démarrage des travaux » prévu le 30/11/2011 (dans 2 mois), prérequis non levés : "
            "Obtention PC, DAS, financement non acquis (Région : sollicité, FEDER : prévu)")


    def it_names_the_delivery_by_famille(self):
        p = programme([operation(famille="Ingénierie et conduite de projet", status="Engagée",
                                 works_start=dict(convention=date(2011, 6, 1)), delivery=dict(convention=SOON))])
        alert = only(cal.prerequisite_open, p)
        assert alert.finding.startswith("Jalon « Fin de mission » prévu le") and alert.milestone == "Livraison"


# ---------------------------------------------------------------- CAL-07

CAL07 = [
    ("En travaux", date(2011, 8, 2), None),  # 59 days old: just fresh
    ("En travaux", date(2011, 8, 1), O),  # 60 days: threshold reached
    ("En études", date(2011, 1, 1), O),  # long forgotten
    ("Programmée", date(2011, 1, 1), O),  # stale whatever the stage
    ("En travaux", None, O),  # in works and never updated
    ("Engagée", None, O),  # engaged and never updated
    ("Programmée", None, None),  # nothing started yet: an empty date is tolerated
    ("Livrée", date(2010, 1, 1), None),  # delivered
    ("Soldée", None, None),  # closed
    ("Abandonnée", date(2010, 1, 1), None),  # abandoned
]


class DescribeCal07StaleOperation:
    @pytest.mark.parametrize(("status", "updated_on", "expected"), CAL07)
    def it_fires_past_the_freshness_delay(self, status, updated_on, expected):
        p = programme([operation(status=status, updated_on=updated_on)])
        assert levels(cal.stale_operation, p) == ([("OP-1", expected)] if expected else [])

    def it_reads_the_delay_from_the_parameters(self):
        p = programme([operation(updated_on=date(2011, 9, 1))], params=dict(freshness_days=29))
        assert levels(cal.stale_operation, p) == [("OP-1", O)]

    def it_states_the_date_and_the_age(self):
        p = programme([operation(updated_on=date(2011, 6, 30), follow_up_by="M. Durand (OPC)")])
        alert = only(cal.stale_operation, p)
        assert alert.finding == "Dernière mise à jour le 30/06/2011, il y a 92 jours (seuil : 60 jours)"
        assert "M. Durand (OPC)" in alert.measure and alert.milestone is None

    def it_says_when_the_date_is_missing(self):
        alert = only(cal.stale_operation, programme([operation(status="En travaux")]))
        assert alert.finding == "Opération « En travaux » dont la date de mise à jour n'est pas renseignée"


# ---------------------------------------------------------------- CAL-08

PREVIOUS = date(2011, 8, 31)


def _moved(before: date | None, now: date | None, *, motif: str | None = None, status: str = "En travaux",
           actual: date | None = None, history_at: date = PREVIOUS, milestone: str = "Livraison") -> Programme:
    keyword = {"Livraison": "delivery", "Demande de solde": "balance_request"}[milestone]
    dates = dict(convention=date(2012, 6, 30), forecast=now, actual=actual, motif=motif)
    return programme([operation(status=status, **{keyword: dates})],
                     history=[MilestoneSnapshot(history_at, "OP-1", milestone, forecast=before)])


CAL08 = [
    (_moved(date(2012, 6, 30), date(2012, 12, 31)), O),  # slipped without a motif
    (_moved(date(2012, 6, 30), date(2012, 3, 31)), O),  # advanced without a motif
    (_moved(date(2012, 6, 30), date(2012, 12, 31), motif="Recours"), None),  # the motif explains it
    (_moved(date(2012, 6, 30), date(2012, 12, 31), motif=" "), O),  # a blank motif explains nothing
    (_moved(date(2012, 6, 30), date(2012, 6, 30)), None),  # unchanged
    (_moved(None, date(2012, 12, 31)), None),  # first forecast typed: not a move
    (_moved(date(2012, 6, 30), None), None),  # forecast erased: not a move
    (_moved(date(2012, 6, 30), date(2012, 12, 31), history_at=date(2011, 9, 30)),
     None),  # the only snapshot is of the date de situation itself
    (_moved(date(2012, 6, 30), date(2012, 12, 31), actual=date(2011, 9, 15)), None),  # milestone reached
    (_moved(date(2012, 6, 30), date(2012, 12, 31), status="Livrée"), None),  # delivered operation
    (_moved(date(2013, 6, 30), date(2013, 9, 30), status="Livrée", milestone="Demande de solde"),
     O),  # ... but its balance request is still watched
    (_moved(date(2012, 6, 30), date(2012, 12, 31), status="Soldée"), None),  # closed
    (_moved(date(2012, 6, 30), date(2012, 12, 31), status="Abandonnée"), None),  # abandoned
]


class DescribeCal08ForecastMovedWithoutMotif:
    @pytest.mark.parametrize(("p", "expected"), CAL08)
    def it_compares_with_the_previous_situation(self, p, expected):
        assert levels(cal.forecast_moved_without_motif, p) == ([("OP-1", expected)] if expected else [])

    def it_is_quiet_without_history(self):
        p = programme([operation(delivery=dict(convention=date(2012, 6, 30), forecast=date(2013, 6, 30)))])
        assert run(cal.forecast_moved_without_motif, p) == []

    def it_compares_with_the_latest_earlier_situation_only(self):
        p = _moved(date(2012, 6, 30), date(2012, 12, 31))
        older = MilestoneSnapshot(date(2011, 7, 31), "OP-1", "Livraison", forecast=date(2012, 1, 31))
        latest = MilestoneSnapshot(PREVIOUS, "OP-1", "Livraison", forecast=date(2012, 12, 31))
        p = programme(p.operations, history=[older, latest])
        assert run(cal.forecast_moved_without_motif, p) == []

    def it_ignores_snapshots_of_unknown_operations_and_milestones(self):
        p = _moved(date(2012, 6, 30), date(2012, 12, 31))
        p = programme(p.operations, history=[MilestoneSnapshot(PREVIOUS, "OP-9", "Livraison", date(2012, 1, 1)),
                                             MilestoneSnapshot(PREVIOUS, "OP-1", "DAS", date(2012, 1, 1))])
        assert run(cal.forecast_moved_without_motif, p) == []

    def it_states_both_dates_the_move_and_the_previous_situation(self):
        alert = only(cal.forecast_moved_without_motif, _moved(date(2012, 6, 30), date(2012, 12, 31)))
        assert alert.milestone == "Livraison"
        assert alert.finding == ("Jalon « Réception » : date prévisionnelle repoussée de 6 mois, du 30/06/2012 au "
                                 "31/12/2012 depuis la situation du 31/08/2011, sans motif de décalage")
