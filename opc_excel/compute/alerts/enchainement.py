"""Alert rule CAL-04 of the theme calendrier: does each operation keep its place in the sequencing (*Dépendances*)?

The shared choices of :mod:`opc_excel.compute.alerts.calendrier` apply.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date

from opc_excel.compute.alerts.registry import rule
from opc_excel.compute.schedule import add_months, delivered, is_abandoned, milestone_label, works_started
from opc_excel.fr import fr_date, fr_months
from opc_excel.model import Alert, Dependency, Level, Operation, Params, Programme, Theme
from opc_excel.read import contract

# Type de lien -> (the predecessor's milestone, the successor's milestone that must not come before it + delay).
LINKED_MILESTONES: dict[str, tuple[str, str]] = {
    contract.LINK_FINISH_START: (contract.DELIVERY, contract.WORKS_START),
    contract.LINK_START_START: (contract.WORKS_START, contract.WORKS_START),
    contract.LINK_FINISH_FINISH: (contract.DELIVERY, contract.DELIVERY),
    contract.LINK_CONTINUITY: (contract.DELIVERY, contract.WORKS_START),
}


def _label(op: Operation) -> str:
    return f"{op.id} ({op.label})" if op.label else op.id


def link_of(dependency: Dependency) -> str:
    """Return the dependency's *Type de lien*, *Fin → Début* when empty."""
    return dependency.link_type if dependency.link_type in LINKED_MILESTONES else contract.LINK_FINISH_START


def happened(op: Operation, milestone: str, at: date) -> bool:
    """Return True when the works start or the delivery of ``op`` has happened by ``at``."""
    return delivered(op, at) if milestone == contract.DELIVERY else works_started(op, at)


def _named(op: Operation, milestone: str, done: bool) -> str:
    """Return « Démarrage prévu », « Fin de démolition intervenue »…: the milestone as read, with its participle."""
    if milestone == contract.WORKS_START:
        return f"Démarrage {'intervenu' if done else 'prévu'}"
    return f"{milestone_label(op, milestone)} {'intervenue' if done else 'prévue'}"


def _clause(dependency: Dependency, predecessor: Operation, milestone: str, day: date, at: date) -> str:
    named = _named(predecessor, milestone, happened(predecessor, milestone, at))
    what, participle = named.rsplit(" ", 1)
    clause = f"{what[0].lower()}{what[1:]} de {_label(predecessor)} {participle} le {fr_date(day)}"
    lag = dependency.lag_months or 0
    if lag:
        clause += f" {'+' if lag > 0 else '−'} {fr_months(abs(lag))} de délai minimal, soit le " \
                  f"{fr_date(add_months(day, lag))}"
    link = link_of(dependency)
    if link == contract.LINK_CONTINUITY:
        clause += " (continuité : l'équipement remplacé doit rester ouvert jusque-là)"
    elif link != contract.LINK_FINISH_START:
        clause += f" (lien {link})"
    return clause


@rule("CAL-04", Theme.CALENDRIER)
def sequencing_broken(p: Programme, at: date, params: Params) -> Iterator[Alert]:
    """Yield a red alert on each successor whose linked milestone comes before its predecessor's + the delay.

    Source: domain.md, rules revised on 2026-12-04. By *Type de lien* of the *Dépendances* row (empty:
    *Fin → Début*), the successor's milestone must not come before the predecessor's + *Délai minimal
    (mois)*: *Fin → Début*, its works start after the predecessor's delivery; *Début → Début*, its works
    start after the predecessor's works start; *Fin → Fin*, its delivery after the predecessor's delivery;
    *Continuité*, the predecessor being the new equipment and the successor the demolition of the one it
    replaces, the demolition works start after the new equipment's delivery (checked as *Fin → Début*,
    with its own finding and measure: the service must not stop). Dates compared: actual, else forecast,
    else baseline. Choices: an abandoned predecessor no longer constrains anything, a delivered successor
    is history; a successor whose milestone actually happened is history once the predecessor's did too,
    but while the predecessor's has not it is a real overlap and is flagged. Several broken dependencies
    of one successor's milestone make one alert (its key is per operation and milestone) naming them all.
    """
    broken: dict[tuple[str, str], list[str]] = defaultdict(list)
    found: dict[tuple[str, str], date] = {}
    continuity: set[tuple[str, str]] = set()
    for dependency in p.dependencies:
        predecessor, successor = p.operation(dependency.predecessor), p.operation(dependency.successor)
        if predecessor is None or successor is None or predecessor is successor:
            continue
        if is_abandoned(predecessor) or is_abandoned(successor) or delivered(successor, at):
            continue
        before, after = LINKED_MILESTONES[link_of(dependency)]
        before_milestone, after_milestone = predecessor.milestone(before), successor.milestone(after)
        day = before_milestone.expected if before_milestone is not None else None
        linked = after_milestone.expected if after_milestone is not None else None
        if day is None or linked is None:
            continue
        if happened(successor, after, at) and happened(predecessor, before, at):
            continue
        if linked < add_months(day, dependency.lag_months or 0):
            broken[(successor.id, after)].append(_clause(dependency, predecessor, before, day, at))
            found[(successor.id, after)] = linked
            if link_of(dependency) == contract.LINK_CONTINUITY:
                continuity.add((successor.id, after))
    for (successor_id, milestone), clauses in broken.items():
        successor = p.operation(successor_id)
        assert successor is not None
        linked, done = found[(successor_id, milestone)], happened(successor, milestone, at)
        dates = "les dates permises" if len(clauses) > 1 else "la date permise"
        if (successor_id, milestone) in continuity and not done:
            measure = ("Garantir la continuité du service : ne démolir l'équipement remplacé qu'après l'ouverture du "
                       "nouveau, ou organiser avec les maîtres d'ouvrage une solution provisoire")
        elif done:
            measure = ("Vérifier sur site la coactivité des chantiers et arrêter avec les maîtres d'ouvrage le phasage "
                       "et les mesures de sécurité")
        else:
            measure = ("Recaler le jalon après celui de l'opération amont, ou revoir l'enchaînement avec les maîtres "
                       "d'ouvrage concernés")
        yield Alert.for_operation(
            successor, severity=Level.ROUGE, milestone=milestone, measure=measure,
            finding=f"{_named(successor, milestone, done)} le {fr_date(linked)}, avant {dates} par "
                    f"l'enchaînement : {' ; '.join(clauses)}")
