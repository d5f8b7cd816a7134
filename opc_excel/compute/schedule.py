"""Calendar arithmetic and the progress scale of an operation, shared by indicators and alerts.

Progress scale pᵢ(t) (domain.md): 0 not started, 10 studies, 20 contracts / DAS, 25 → 90
linearly between works start and delivery, 100 delivered. The same scale on the baseline dates
gives the planned progress.
"""

from __future__ import annotations

import calendar
from datetime import date

from opc_excel.model import Milestone, Operation
from opc_excel.read import contract

STUDY_MILESTONES = ("Désignation MOE", "Dépôt PC", "Obtention PC", "FAT validée")
CONTRACT_MILESTONES = ("Attribution des marchés", contract.DAS)
CLOSED_STATUSES = frozenset({"Livrée", "Soldée", "Abandonnée"})
ABANDONED = "Abandonnée"
# What a user reads for a milestone of an operation of these familles (domain.md, "Words a French
# professional expects"); the stored value stays the *Jalons* list's.
MILESTONE_LABELS: dict[str, dict[str, str]] = {
    contract.DELIVERY: {
        contract.DEMOLITION: "Fin de démolition",
        "Aménagement": "Réception",
        "Ingénierie et conduite de projet": "Fin de mission",
    },
}


def add_months(day: date, months: float) -> date:
    """Return the same day ``months`` calendar months later (clamped to the month's end; fractions as days)."""
    whole = int(months // 1)
    month_index = day.year * 12 + day.month - 1 + whole
    year, month = divmod(month_index, 12)
    result = date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))
    fraction = months - whole
    if fraction:
        result = date.fromordinal(result.toordinal() + round(fraction * 30.4375))
    return result


def whole_months(start: date, end: date) -> int:
    """Return the number of whole calendar months from ``start`` to ``end`` (negative when end is earlier)."""
    if end < start:
        return -whole_months(end, start)
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - 1 if add_months(start, months) > end else months


def months_between(start: date, end: date) -> float:
    """Return the months from ``start`` to ``end`` as a decimal (30.4375 days a month), for ratios."""
    return (end - start).days / 30.4375


def milestone_label(operation: Operation, name: str) -> str:
    """Return the milestone's name as a user reads it for this operation: « Livraison » by famille, else ``name``."""
    return MILESTONE_LABELS.get(name, {}).get(operation.famille or "", name)


def is_abandoned(operation: Operation) -> bool:
    return operation.status == ABANDONED


def _reached(milestone: Milestone | None, at: date) -> bool:
    return milestone is not None and milestone.actual is not None and milestone.actual <= at


def passed_unreached(milestone: Milestone | None, day: date) -> date | None:
    """Return the planned date (forecast, else baseline) of a milestone with no actual date when it is before ``day``.

    Such a forecast is stale: the milestone is late at least until ``day`` (the slips, CAL-02, GOV-04, the Gantt and
    the revue all read it so). None when the milestone is reached, undated or still to come.
    """
    if milestone is None or milestone.actual is not None:
        return None
    planned = milestone.forecast or milestone.baseline
    return planned if planned is not None and planned < day else None


def works_started(operation: Operation, at: date) -> bool:
    """Return True when the works start has an actual date on or before ``at``."""
    return _reached(operation.milestone(contract.WORKS_START), at)


def delivered(operation: Operation, at: date) -> bool:
    """Return True when delivery has an actual date on or before ``at`` (or the status says so)."""
    return _reached(operation.milestone(contract.DELIVERY), at) or operation.status in ("Livrée", "Soldée")


def _linear(start: date, end: date | None, at: date) -> float:
    """Return 25 → 90 along [start, end]; 25 when the end is unknown."""
    if end is None or end <= start:
        return 25.0
    share = min(max((at - start).days / (end - start).days, 0.0), 1.0)
    return 25.0 + 65.0 * share


def progress(operation: Operation, at: date) -> float:
    """Return pᵢ(t), the operation's progress on the stage scale, from its actual dates."""
    if delivered(operation, at):
        return 100.0
    start = operation.milestone(contract.WORKS_START)
    if _reached(start, at):
        delivery = operation.milestone(contract.DELIVERY)
        end = delivery.forecast or delivery.baseline if delivery else None
        return min(_linear(start.actual, end, at), 90.0)
    if any(_reached(operation.milestone(name), at) for name in CONTRACT_MILESTONES):
        return 20.0
    if operation.status == "En études" or any(_reached(operation.milestone(n), at) for n in STUDY_MILESTONES):
        return 10.0
    return 0.0


def planned_progress(operation: Operation, at: date) -> float:
    """Return the progress the baseline dates (avenant, else convention) planned for ``at``."""
    def due(name: str) -> bool:
        milestone = operation.milestone(name)
        return milestone is not None and milestone.baseline is not None and milestone.baseline <= at

    delivery = operation.milestone(contract.DELIVERY)
    if due(contract.DELIVERY):
        return 100.0
    start = operation.milestone(contract.WORKS_START)
    if due(contract.WORKS_START):
        return _linear(start.baseline, delivery.baseline if delivery else None, at)
    if any(due(name) for name in CONTRACT_MILESTONES):
        return 20.0
    if any(due(name) for name in STUDY_MILESTONES):
        return 10.0
    return 0.0
