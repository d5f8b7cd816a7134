"""Financial indicators: the ANRU subsidy engaged and paid, its planned S-curve, finance tables, cost drift.

S = ANRU subsidy (the line's current amount, else its convention amount), E = engaged, P = paid; E and P
count only on *Acquis*/*Notifié* lines (see :mod:`opc_excel.compute.indicators`).
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from opc_excel.compute.indicators.common import (
    is_anru,
    is_engaged,
    live_operations,
    ordered,
    percent,
    planned_date,
    usable,
)
from opc_excel.model import FundingLine, Operation, Programme
from opc_excel.read import contract

# ---------------------------------------------------------------- (API) ANRU subsidy and engagement


def anru_subsidy_lines(p: Programme) -> list[FundingLine]:
    """Return the ANRU funding lines of the non-abandoned operations (API).

    The funder matches ``contract.ANRU_FUNDER`` ignoring case, accents and spaces. A line whose operation
    is not in *Opérations* is left out (its DQ-REF is in *Contrôles*). Lines are returned whatever their
    status or amount: ``line.amount`` may be ``None``.
    """
    live = live_operations(p)
    return [line for line in p.funding if line.operation_id in live and is_anru(line)]


def _sums(lines: Iterable[FundingLine]) -> tuple[float, float, float]:
    """Return (ΣS, ΣE, ΣP) of the usable lines, E and P counted on engaged lines only."""
    s = e = paid = 0.0
    for line in lines:
        amount = line.amount
        if amount is None or line.status is None:
            continue
        s += amount
        if is_engaged(line):
            e += line.engaged or 0
            paid += line.paid or 0
    return s, e, paid


def engagement_percent(p: Programme) -> float | None:
    """Return the *taux d'engagement* ΣE ÷ ΣS × 100 over the ANRU lines (API); None when ΣS = 0.

    E counts only the lines *Acquis*/*Notifié*; lines with no amount or no status are left out of both sums.
    """
    s, e, _ = _sums(anru_subsidy_lines(p))
    return percent(e, s)


def _works_period(op: Operation) -> tuple[date, date] | None:
    """Return the baseline works period [works start, delivery], None when a date is missing or out of order."""
    start, delivery = op.milestone(contract.WORKS_START), op.milestone(contract.DELIVERY)
    begin = start.baseline if start else None
    end = delivery.baseline if delivery else None
    if begin is None or end is None or end < begin:
        return None
    return begin, end


def _spread(begin: int, end: int, at: int) -> float:
    """Return the share of a sum spread linearly over [begin, end] (ordinals) that is due at ``at``."""
    if at < begin:
        return 0.0
    if at >= end:
        return 1.0
    return (at - begin) / (end - begin)


def planned_lines(p: Programme) -> list[tuple[float, int, int]]:
    """Return (S, begin, end) for each usable ANRU line whose operation has a baseline works period."""
    live = live_operations(p)
    periods: dict[str, tuple[date, date] | None] = {}
    planned = []
    for line in anru_subsidy_lines(p):
        amount = line.amount
        if amount is None or line.status is None:
            continue
        if line.operation_id not in periods:
            periods[line.operation_id] = _works_period(live[line.operation_id])
        period = periods[line.operation_id]
        if period is not None:
            planned.append((float(amount), period[0].toordinal(), period[1].toordinal()))
    return planned


def planned_at(planned: list[tuple[float, int, int]], at: date) -> tuple[float, float]:
    """Return (planned cumulative S at ``at``, ΣS of the planned lines)."""
    day = at.toordinal()
    return sum(s * _spread(b, e, day) for s, b, e in planned), sum(s for s, _, _ in planned)


def planned_engagement_percent(p: Programme, at: date) -> float | None:
    """Return the planned S-curve at ``at`` as a % of ΣS (API); None when no line can be planned.

    Each operation's ANRU subsidy S is spread linearly (by days) over its baseline works period [works start,
    delivery] (baseline = *Date avenant*, else *Date convention*): 0 before the start, all of it from the
    delivery on. An operation without both baseline dates (or with a delivery before its start, a DQ-DATE)
    is left out of the numerator and the denominator. A period of one day is due in full on that day.
    """
    done, total = planned_at(planned_lines(p), at)
    return percent(done, total)


# ---------------------------------------------------------------- finance tables


@dataclass(frozen=True, slots=True)
class FinanceRow:
    """ΣS, ΣE, ΣP of a group of funding lines and their rates (E and P on *Acquis*/*Notifié* lines only)."""

    key: str
    amount: float  # ΣS: current amount, else convention amount
    engaged: float  # ΣE
    paid: float  # ΣP
    engaged_pct: float | None  # ΣE ÷ ΣS
    paid_of_amount_pct: float | None  # ΣP ÷ ΣS
    paid_of_engaged_pct: float | None  # ΣP ÷ ΣE
    to_engage: float  # reste à engager ΣS − ΣE
    to_pay: float  # reste à payer ΣE − ΣP

    @classmethod
    def of(cls, key: str, lines: Iterable[FundingLine]) -> FinanceRow:
        s, e, paid = _sums(lines)
        return cls(key, s, e, paid, percent(e, s), percent(paid, s), percent(paid, e), s - e, e - paid)


def finance_rows(lines: Iterable[FundingLine], group: Callable[[FundingLine], str | None],
                  reference: Iterable[str] = ()) -> tuple[FinanceRow, ...]:
    """Return one row per group (lines whose group is unknown are left out of this table only)."""
    groups: dict[str, list[FundingLine]] = defaultdict(list)
    for line in lines:
        key = group(line)
        if key is not None:
            groups[key].append(line)
    return tuple(FinanceRow.of(k, groups[k]) for k in ordered(groups, reference))


# ---------------------------------------------------------------- S-curves


@dataclass(frozen=True, slots=True)
class SCurvePoint:
    """One semester of the *courbes en S*: cumulative ANRU subsidy planned, engaged, paid at its end."""

    label: str  # "S1 2008"
    start: date
    end: date
    planned: float  # planned cumulative S at the end of the semester
    planned_pct: float | None  # of the ΣS that can be planned
    engaged: float | None  # None after t
    engaged_pct: float | None  # of ΣS
    paid: float | None  # known only for the semester containing t
    paid_pct: float | None


def _semester(day: date) -> tuple[date, date]:
    if day.month <= 6:
        return date(day.year, 1, 1), date(day.year, 6, 30)
    return date(day.year, 7, 1), date(day.year, 12, 31)


def _semesters(first: date, last: date) -> list[tuple[str, date, date]]:
    semesters = []
    start, end = _semester(first)
    while start <= last:
        semesters.append((f"S{1 if start.month == 1 else 2} {start.year}", start, end))
        start, end = _semester(date(end.year + (end.month == 12), 1 if end.month == 12 else 7, 1))
    return semesters


def s_curve(p: Programme) -> tuple[SCurvePoint, ...]:
    """Return the *courbes en S* of the ANRU subsidy, one point per semester.

    Semesters run from the one of the convention's signature date to the one of the convention's end date or
    of the last planned delivery (forecast, else baseline), whichever is later — and at least to the one of t.
    Without a signature date they start at the earliest baseline works start.

    - planned: Σ S spread over each operation's baseline works period (:func:`planned_engagement_percent`),
      at the end of the semester; its % is of the ΣS that can be planned.
    - engaged: each engaged line's E counted at its operation's *DAS* actual date; a line engaged with no DAS
      date is counted at t (the engagement is known, not when it happened). The point of the semester
      containing t is the engagement at t; semesters after t have none.
    - paid: the workbook has no payment dates, so ΣP is known at t only: the semester containing t carries it
      and the others are None (the *Historique* sheet will fill past points, one per date de situation).
    """
    return s_curve_with(p, planned_lines(p))


def s_curve_with(p: Programme, planned: list[tuple[float, int, int]]) -> tuple[SCurvePoint, ...]:
    at = p.at
    live = live_operations(p)
    lines = [line for line in anru_subsidy_lines(p) if usable(line)]
    first = p.params.signature_date or min((date.fromordinal(b) for _, b, _ in planned), default=None)
    if first is None:
        return ()
    deliveries = [d for op in live.values() if (d := planned_date(op, contract.DELIVERY)) is not None]
    last = max([at, first] + deliveries + ([p.params.end_date] if p.params.end_date else []))
    total = sum(float(line.amount or 0) for line in lines)
    engaged_on: list[tuple[date, float]] = []
    paid = 0.0
    for line in lines:
        if not is_engaged(line):
            continue
        das = live[line.operation_id].milestone(contract.DAS)
        when = das.actual if das is not None and das.actual is not None else at
        if when <= at:  # a DAS dated after t is a DQ-FUTURE: left out
            engaged_on.append((when, line.engaged or 0))
            paid += line.paid or 0
    engaged_on.sort()
    days = [d for d, _ in engaged_on]
    cumulative = [0.0]
    for _, e in engaged_on:
        cumulative.append(cumulative[-1] + e)
    points = []
    for label, start, end in _semesters(first, last):
        planned_sum, planned_total = planned_at(planned, end)
        engaged = paid_now = None
        if start <= at:
            engaged = cumulative[bisect_right(days, min(end, at))]
        if start <= at <= end:
            paid_now = paid
        points.append(SCurvePoint(label, start, end, planned_sum, percent(planned_sum, planned_total),
                                  engaged, None if engaged is None else percent(engaged, total),
                                  paid_now, None if paid_now is None else percent(paid_now, total)))
    return tuple(points)

# ---------------------------------------------------------------- physical progress, cost drift


@dataclass(frozen=True, slots=True)
class CostDrift:
    """*Dérive de coût*: (Σ current cost − Σ convention cost) ÷ Σ convention cost × 100."""

    key: str
    convention: float
    current: float
    drift_pct: float | None


def _cost_drift(key: str, ops: Iterable[Operation]) -> CostDrift:
    convention = current = 0.0
    for op in ops:
        if op.cost_convention is None:
            continue
        convention += op.cost_convention
        current += op.cost_convention if op.cost_current is None else op.cost_current
    return CostDrift(key, convention, current, percent(current - convention, convention))


def cost_drift(p: Programme) -> CostDrift:
    """Return the programme's cost drift over the operations with a convention cost (key "Programme").

    The current cost is *Coût actualisé*, else the convention cost (no drift).
    """
    return _cost_drift("Programme", live_operations(p).values())


def cost_drift_by_famille(p: Programme) -> tuple[CostDrift, ...]:
    """Return the cost drift of each famille."""
    groups: dict[str, list[Operation]] = defaultdict(list)
    for op in live_operations(p).values():
        if op.famille is not None:
            groups[op.famille].append(op)
    return tuple(_cost_drift(f, groups[f]) for f in ordered(groups, p.lists.get(contract.FAMILLES, ())))


def cost_drift_by_operation(p: Programme) -> tuple[CostDrift, ...]:
    """Return the cost drift of each operation with a convention cost (key = operation id)."""
    return tuple(_cost_drift(op.id, (op,)) for op in live_operations(p).values()
                 if op.cost_convention is not None)
