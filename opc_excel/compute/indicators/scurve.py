"""The *courbes en S* of the ANRU subsidy: planned engagement and payments, actual engaged and paid.

domain.md, *courbes en S*: by semester, up to the convention end + 1 semester.

- Planned engagement: a step of each operation's ANRU subsidy S at its baseline DAS date (the DAS engages the
  subsidy, before the works): :func:`opc_excel.compute.indicators.financier.planned_engagement_percent`.
- Planned payments: each S spread linearly (by days) from its baseline works start to its baseline solde
  (*Solde versé*, else *Demande de solde*, else *Livraison*), the acomptes capped at *Plafond avance + acomptes
  avant solde (%)* [70] until the solde, all of it from the solde on (décret 2007-559; the advance paid at the
  DAS is not planned: it is deducted from the acomptes and the cap holds either way).
- Actual engaged and paid: the workbook has no payment or engagement history of its own, so they are known at
  the dates de situation only: the *Historique* rows of earlier dates (given by the caller, see
  :class:`Actual`) and today's value. Each is a point of its own, dated, between the semesters.

Every point carries the planned curves read at its own date: the point of the date de situation holds the
*prévu à date* (the planned curve read at t, not at the semester's end).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from opc_excel.compute.indicators.common import live_operations, percent, usable
from opc_excel.compute.indicators.financier import (
    FinanceRow,
    anru_subsidy_lines,
    planned_at,
    planned_lines,
)
from opc_excel.fr import fr_date
from opc_excel.model import Operation, Programme
from opc_excel.read import contract

BALANCE_MILESTONES = ("Solde versé", "Demande de solde", contract.DELIVERY)


@dataclass(frozen=True, slots=True)
class Actual:
    """The ANRU subsidy engaged and paid at one date de situation (today, or a row of *Historique*)."""

    day: date
    engaged: float | None
    engaged_pct: float | None  # the taux d'engagement of that date
    paid: float | None
    paid_pct: float | None  # the taux de paiement (of the subsidy) of that date


@dataclass(frozen=True, slots=True)
class SCurvePoint:
    """One point of the *courbes en S*: a semester's last day, or a date de situation (with the actual figures)."""

    label: str  # "S1 2008", or "30/09/2011" for a date de situation
    day: date
    planned: float  # planned engagement (step curve) at ``day``
    planned_pct: float | None  # of the ΣS that can be planned (lines with a baseline DAS date)
    planned_paid: float  # planned payments at ``day``
    planned_paid_pct: float | None  # of the ΣS whose payments can be planned
    engaged: float | None  # only at a date de situation
    engaged_pct: float | None
    paid: float | None
    paid_pct: float | None


def _semester(day: date) -> tuple[date, date]:
    if day.month <= 6:
        return date(day.year, 1, 1), date(day.year, 6, 30)
    return date(day.year, 7, 1), date(day.year, 12, 31)


def _next_semester(day: date) -> tuple[date, date]:
    end = _semester(day)[1]
    return _semester(date(end.year + 1, 1, 1) if end.month == 12 else date(end.year, 7, 1))


def _semesters(first: date, last: date) -> list[tuple[str, date]]:
    """Return (label, last day) of each semester from the one of ``first`` to the one of ``last``."""
    semesters = []
    start, end = _semester(first)
    while start <= last:
        semesters.append((f"S{1 if start.month == 1 else 2} {start.year}", end))
        start, end = _next_semester(start)
    return semesters


def _balance_date(op: Operation) -> date | None:
    for name in BALANCE_MILESTONES:
        milestone = op.milestone(name)
        if milestone is not None and milestone.baseline is not None:
            return milestone.baseline
    return None


def planned_payment_lines(p: Programme) -> list[tuple[float, int, int]]:
    """Return (S, baseline works start, baseline solde) as ordinals for each ANRU line whose payments can be planned.

    A line is left out when its operation has no baseline works start or solde date, or a solde before the start.
    """
    live = live_operations(p)
    planned = []
    for line in anru_subsidy_lines(p):
        if not usable(line):
            continue
        op = live[line.operation_id]
        start = op.milestone(contract.WORKS_START)
        begin = start.baseline if start is not None else None
        balance = _balance_date(op)
        if begin is not None and balance is not None and balance >= begin:
            planned.append((float(line.amount or 0), begin.toordinal(), balance.toordinal()))
    return planned


def planned_payments_at(planned: list[tuple[float, int, int]], at: date, ceiling_pct: float) -> tuple[float, float]:
    """Return (planned payments at ``at``, ΣS of the lines): linear to the solde, capped at the ceiling before it."""
    day, cap = at.toordinal(), min(max(ceiling_pct, 0.0), 100.0) / 100
    due = 0.0
    for s, begin, balance in planned:
        if day >= balance:
            due += s
        elif day > begin:
            due += s * min(cap, (day - begin) / (balance - begin))
    return due, sum(s for s, _, _ in planned)


def today(p: Programme) -> Actual:
    """Return the ANRU subsidy engaged and paid at the date de situation (the finance row of the ANRU lines)."""
    row = FinanceRow.of(contract.ANRU_FUNDER, anru_subsidy_lines(p))
    return Actual(p.at, row.engaged, row.engaged_pct, row.paid, row.paid_of_amount_pct)


def s_curve(p: Programme, history: Iterable[Actual] = ()) -> tuple[SCurvePoint, ...]:
    """Return the *courbes en S*: one point per semester, and one per date de situation (``history``, then t).

    Semesters run from the one of the convention's signature (else of the earliest baseline DAS or works start)
    to the one after the convention's end (else to the one of the latest baseline solde or DAS), and at least to
    the one of t. ``history`` holds the earlier dates de situation (from *Historique*); any dated on or after t is
    left out (t's point is today's figures). A date de situation on a semester's last day replaces its point.
    """
    return s_curve_with(p, planned_lines(p), history)


def s_curve_with(p: Programme, planned: list[tuple[float, int]],
                 history: Iterable[Actual] = ()) -> tuple[SCurvePoint, ...]:
    at = p.at
    payments = planned_payment_lines(p)
    dated = [date.fromordinal(d) for _, d in planned] + [date.fromordinal(b) for _, b, _ in payments]
    first = p.params.signature_date or min(dated, default=None)
    if first is None:
        return ()
    if p.params.end_date is not None:
        last = _next_semester(p.params.end_date)[1]
    else:
        last = max(dated + [date.fromordinal(z) for _, _, z in payments], default=first)
    last = max(last, at, first)
    actuals = {a.day: a for a in history if a.day < at}
    actuals[at] = today(p)
    labels = {end: label for label, end in _semesters(first, last)}
    labels.update({day: fr_date(day) for day in actuals})
    ceiling = p.params.payments_before_balance_ceiling_pct
    points = []
    for day in sorted(labels):
        done, total = planned_at(planned, day)
        paid_plan, paid_total = planned_payments_at(payments, day, ceiling)
        actual = actuals.get(day)
        points.append(SCurvePoint(
            labels[day], day, done, percent(done, total), paid_plan, percent(paid_plan, paid_total),
            actual.engaged if actual else None, actual.engaged_pct if actual else None,
            actual.paid if actual else None, actual.paid_pct if actual else None))
    return tuple(points)

