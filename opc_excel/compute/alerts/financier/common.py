"""What the financial rules share: the operations whose accounts are open, funding lines, thresholds.

Choices shared by every financial rule, as the OPC applies them:

- An abandoned operation never alerts. An operation *Soldée* (status, or an actual *Solde versé*)
  has closed accounts: nothing is left to correct, so the financial rules are quiet on it too.
- A rule that needs a value the workbook left empty or unreadable skips the operation (or the
  line) silently: the *Contrôles* sheet already says what is missing. Engaged, advance and paid
  amounts are optional columns: an empty one counts as nothing engaged, advanced or paid.
- A threshold is reached at its value: the alert fires at the threshold and past it.
- Funding lines are indexed by operation once per rule call, so the rules stay linear in the
  size of the programme.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from functools import lru_cache

from opc_excel.compute.schedule import delivered, is_abandoned, works_started
from opc_excel.model import FundingLine, Level, Operation, Programme
from opc_excel.read import contract
from opc_excel.text import match_key

BALANCE_PAID = "Solde versé"
SETTLED = "Soldée"
EPSILON = 1e-9  # a ratio computed in floating point still reaches a threshold it equals
EURO_ROUNDING = 0.5  # amounts rounded to the euro: half a euro above a ceiling is not above it


@lru_cache(maxsize=256)
def _is_anru_funder(funder: str) -> bool:
    return match_key(funder) == match_key(contract.ANRU_FUNDER)


def is_anru(line: FundingLine) -> bool:
    """Return True when the line's funder is the ANRU (case, accents and spaces ignored)."""
    return line.funder is not None and _is_anru_funder(line.funder)


def funding_by_operation(p: Programme) -> Mapping[str, list[FundingLine]]:
    """Return the funding lines of each operation id, in the order of the *Financements* sheet."""
    lines: defaultdict[str, list[FundingLine]] = defaultdict(list)
    for line in p.funding:
        lines[line.operation_id].append(line)
    return lines


def anru_subsidy(lines: Iterable[FundingLine]) -> float | None:
    """Return the ANRU subsidy among an operation's lines (0 without an ANRU line), None when an amount is unknown."""
    return total_if_known(line.amount for line in lines if is_anru(line))


def recorded(amounts: Iterable[float | None]) -> float:
    """Return the sum of an optional column, an empty cell counting as nothing."""
    return sum(a for a in amounts if a is not None)


def above(value: float, ceiling: float) -> bool:
    """Return True when ``value`` is strictly above ``ceiling`` (a legal ceiling is met at its value)."""
    return value > ceiling + EPSILON


def reached(value: float, threshold: float) -> bool:
    """Return True when ``value`` is at or past ``threshold``."""
    return value >= threshold - EPSILON


def actual_date(op: Operation, milestone: str, at: date) -> date | None:
    """Return the actual date of the milestone when it is on or before ``at``."""
    found = op.milestone(milestone)
    return found.actual if found is not None and found.actual is not None and found.actual <= at else None


def settled(op: Operation, at: date) -> bool:
    """Return True when the operation is *Soldée*: by its status, or an actual *Solde versé* by ``at``."""
    return op.status == SETTLED or actual_date(op, BALANCE_PAID, at) is not None


def open_operations(p: Programme, at: date) -> Iterator[Operation]:
    """Yield the operations whose accounts are still open: neither abandoned nor *soldées*."""
    for op in p.operations:
        if not is_abandoned(op) and not settled(op, at):
            yield op


def not_started(p: Programme, at: date) -> Iterator[Operation]:
    """Yield the open operations whose works have not started (nor been delivered)."""
    for op in open_operations(p, at):
        if not works_started(op, at) and not delivered(op, at):
            yield op


def total_if_known(amounts: Iterable[float | None]) -> float | None:
    """Return the sum, or None when one amount is unknown (a partial sum would be a false figure)."""
    total = 0.0
    for amount in amounts:
        if amount is None:
            return None
        total += amount
    return total


def severity_for(value: float, orange: float, red: float) -> Level | None:
    """Return red from the red threshold, orange from the orange one, None below both."""
    if reached(value, red):
        return Level.ROUGE
    if reached(value, orange):
        return Level.ORANGE
    return None
