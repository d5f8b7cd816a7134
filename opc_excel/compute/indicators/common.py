"""What every indicator shares: the operations and funding lines it counts, dates reached, percentages.

The choices they apply are the package's (:mod:`opc_excel.compute.indicators`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from functools import lru_cache

from opc_excel.compute.schedule import is_abandoned
from opc_excel.model import FundingLine, Operation, Programme
from opc_excel.read import contract
from opc_excel.text import match_key


@lru_cache(maxsize=4096)
def list_key(value: str) -> str:
    """Return the key a value is matched by (case, accents and spaces ignored), cached: lists repeat."""
    return match_key(value)


_ANRU = list_key(contract.ANRU_FUNDER)
_ENGAGED = frozenset(list_key(s) for s in contract.ENGAGED_FUNDING_STATUSES)
_DELIVERED_STATUSES = ("Livrée", "Soldée")


def percent(numerator: float, denominator: float) -> float | None:
    """Return numerator ÷ denominator × 100, None when the denominator is 0."""
    return numerator / denominator * 100 if denominator else None


def is_anru(line: FundingLine) -> bool:
    return line.funder is not None and list_key(line.funder) == _ANRU


_OWN_FUNDS_OR_LOAN = ("fondspropres", "autofinancement", "pret", "emprunt")


def is_own_funds_or_loan(line: FundingLine, owner: str | None) -> bool:
    """Return True for a maître d'ouvrage's own funds or a loan: no funder's decision engages it.

    The funder is the operation's owner itself (the demo's « Orne Habitat » on its own operation), or its name
    says fonds propres, autofinancement, prêt or emprunt (« Fonds propres bailleur », « Prêts CDC »), ignoring
    case and accents. A *Caisse des Dépôts* line without « prêt » is read as a subsidy.
    """
    if line.funder is None:
        return False
    key = list_key(line.funder)
    squeezed = key.replace(" ", "")
    return (owner is not None and key == list_key(owner)) or any(word in squeezed for word in _OWN_FUNDS_OR_LOAN)


def is_engaged(line: FundingLine) -> bool:
    return line.status is not None and list_key(line.status) in _ENGAGED


def usable(line: FundingLine) -> bool:
    """Return True when the line has what S, E and P need: an amount and a status."""
    return line.amount is not None and line.status is not None


def live_operations(p: Programme) -> dict[str, Operation]:
    """Return the non-abandoned operations by id."""
    return {op.id: op for op in p.operations if not is_abandoned(op)}


def actual_on_or_before(op: Operation, name: str, at: date) -> bool:
    milestone = op.milestone(name)
    return milestone is not None and milestone.actual is not None and milestone.actual <= at


def delivered_by(op: Operation, at: date, situation: date) -> bool:
    """Return True when delivered by ``at``: an actual delivery date, or a *Livrée*/*Soldée* status.

    The status says how things stand at the date de situation, so it counts only for dates on or after it.
    """
    return actual_on_or_before(op, contract.DELIVERY, at) or (
        at >= situation and op.status in _DELIVERED_STATUSES)


def started_by(op: Operation, at: date, situation: date) -> bool:
    """Return True when the works have started by ``at`` (a delivered operation has started)."""
    return actual_on_or_before(op, contract.WORKS_START, at) or delivered_by(op, at, situation)


def planned_date(op: Operation, name: str) -> date | None:
    """Return the planned date of a milestone: its forecast, else its baseline (avenant, else convention)."""
    milestone = op.milestone(name)
    return None if milestone is None else milestone.forecast or milestone.baseline


def ordered(keys: Iterable[str], reference: Iterable[str] = ()) -> list[str]:
    """Return the keys in the order of the *Listes* list, then the others alphabetically."""
    keys = set(keys)
    listed = [k for k in reference if k in keys]
    return listed + sorted(keys - set(listed), key=list_key)


def ratio(actual: float | None, planned: float | None) -> float | None:
    """Return actual ÷ planned; None when either is unknown or planned is 0."""
    return actual / planned if actual is not None and planned else None
