"""Alert rule CAL-04 of the theme calendrier: does each operation keep its place in the sequencing (*Dépendances*)?

The shared choices of :mod:`opc_excel.compute.alerts.calendrier` apply.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date

from opc_excel.compute.alerts.registry import rule
from opc_excel.compute.schedule import add_months, delivered, is_abandoned, works_started
from opc_excel.fr import fr_date, fr_months
from opc_excel.model import Alert, Dependency, Level, Operation, Params, Programme, Theme
from opc_excel.read import contract


def _label(op: Operation) -> str:
    return f"{op.id} ({op.label})" if op.label else op.id


# ---------------------------------------------------------------- CAL-04

def _earliest_start(dependency: Dependency, predecessor_delivery: date) -> date:
    return add_months(predecessor_delivery, dependency.lag_months or 0)


def _sequencing_clause(dependency: Dependency, predecessor: Operation, delivery: date, at: date) -> str:
    done = delivered(predecessor, at)
    clause = f"livraison de {_label(predecessor)} {'intervenue' if done else 'prévue'} le {fr_date(delivery)}"
    if dependency.lag_months:
        earliest = _earliest_start(dependency, delivery)
        clause += f" + {fr_months(dependency.lag_months)} de décalage, soit le {fr_date(earliest)}"
    return clause


@rule("CAL-04", Theme.CALENDRIER)
def sequencing_broken(p: Programme, at: date, params: Params) -> Iterator[Alert]:
    """Yield a red alert on each successor whose works start comes before a predecessor's delivery + lag.

    Dates compared: the successor's works start (actual, else forecast, else baseline) and the
    predecessor's delivery (same order), plus the *Décalage (mois)* of the *Dépendances* row.
    Choices: an abandoned predecessor no longer constrains anything; a successor that has
    actually started is history once its predecessor is delivered, but an actual start while the
    predecessor is still not delivered is a real overlap of two sites and is flagged. Several
    broken dependencies of one successor make one alert (its key is per operation and milestone)
    whose finding names every predecessor.
    """
    broken: dict[str, list[str]] = defaultdict(list)
    starts: dict[str, date] = {}
    for dependency in p.dependencies:
        predecessor, successor = p.operation(dependency.predecessor), p.operation(dependency.successor)
        if predecessor is None or successor is None or predecessor is successor:
            continue
        if is_abandoned(predecessor) or is_abandoned(successor) or delivered(successor, at):
            continue
        start_milestone = successor.milestone(contract.WORKS_START)
        delivery_milestone = predecessor.milestone(contract.DELIVERY)
        start = start_milestone.expected if start_milestone is not None else None
        delivery = delivery_milestone.expected if delivery_milestone is not None else None
        if start is None or delivery is None:
            continue
        if works_started(successor, at) and delivered(predecessor, at):
            continue
        if start < _earliest_start(dependency, delivery):
            broken[successor.id].append(_sequencing_clause(dependency, predecessor, delivery, at))
            starts[successor.id] = start
    for successor_id, clauses in broken.items():
        successor = p.operation(successor_id)
        assert successor is not None
        started = works_started(successor, at)
        dates = "les dates permises" if len(clauses) > 1 else "la date permise"
        yield Alert.for_operation(
            successor, severity=Level.ROUGE, milestone=contract.WORKS_START,
            finding=f"Démarrage {'intervenu' if started else 'prévu'} le {fr_date(starts[successor_id])}, avant "
                    f"{dates} par l'enchaînement : {' ; '.join(clauses)}",
            measure="Vérifier sur site la coactivité des chantiers et arrêter avec les maîtres d'ouvrage le phasage "
                    "et les mesures de sécurité" if started else
                    "Recaler le démarrage après la livraison de l'opération amont, ou revoir l'enchaînement avec "
                    "les maîtres d'ouvrage concernés")
