"""Financial indicators: the ANRU subsidy engaged and paid, its planned engagement, finance tables, cost drift.

S = ANRU subsidy (the line's current amount, else its convention amount), E = engaged, P = paid; E and P
count only on *Acquis*/*Notifié* lines (see :mod:`opc_excel.compute.indicators`). The S-curves are in
:mod:`.scurve`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from opc_excel.compute.indicators.common import (
    is_anru,
    is_engaged,
    is_own_funds_or_loan,
    live_operations,
    ordered,
    percent,
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


def baseline_das(op: Operation) -> date | None:
    """Return the operation's baseline DAS date: the *Date avenant* of its DAS milestone, else its *Date convention*."""
    das = op.milestone(contract.DAS)
    return das.baseline if das is not None else None


def planned_lines(p: Programme) -> list[tuple[float, int]]:
    """Return (S, baseline DAS ordinal) for each usable ANRU line whose operation has a baseline DAS date."""
    live = live_operations(p)
    planned = []
    for line in anru_subsidy_lines(p):
        if not usable(line):
            continue
        das = baseline_das(live[line.operation_id])
        if das is not None:
            planned.append((float(line.amount or 0), das.toordinal()))
    return planned


def planned_at(planned: list[tuple[float, int]], at: date) -> tuple[float, float]:
    """Return (planned engagement at ``at``: the S whose baseline DAS is on or before it, ΣS of the planned lines)."""
    day = at.toordinal()
    return sum(s for s, das in planned if das <= day), sum(s for s, _ in planned)


def planned_engagement_percent(p: Programme, at: date) -> float | None:
    """Return the planned engagement at ``at`` as a % of the ΣS that can be planned (API); None when none can.

    domain.md, *courbes en S*: the DAS engages the ANRU subsidy, so the planned engagement is a step: each
    operation's subsidy S counts in full from its baseline DAS date on (*Date avenant*, else *Date convention*,
    of its DAS milestone; the latest avenant is the contractual baseline). An operation with no baseline DAS date
    is left out of the numerator and the denominator. Read at t itself, this is the *prévu à date* FIN-09 and
    the decks compare the taux d'engagement with.
    """
    done, total = planned_at(planned_lines(p), at)
    return percent(done, total)


# ---------------------------------------------------------------- finance tables


def is_followed(line: FundingLine, owner: str | None) -> bool:
    """Return True when the line's engagement and payment are followed: a subsidy, or a line giving a figure.

    domain.md: a maître d'ouvrage's own funds and its loans (Prêts CDC…) are not engaged by a funder's decision;
    they are *non suivi* unless the workbook gives an engaged or paid amount on the line.
    """
    return not is_own_funds_or_loan(line, owner) or line.engaged is not None or line.paid is not None


def followed_lines(p: Programme) -> Callable[[FundingLine], bool]:
    """Return the test :func:`is_followed` with each line's owner (the maître d'ouvrage of its operation)."""
    owner_of = {op.id: op.owner for op in p.operations}
    return lambda line: is_followed(line, owner_of.get(line.operation_id))


@dataclass(frozen=True, slots=True)
class FinanceRow:
    """ΣS, ΣE, ΣP of a group of funding lines and their rates (E and P on *Acquis*/*Notifié* lines only).

    Rates and restes are over the followed lines only (:func:`is_followed`); ``amount`` is every line's ΣS.
    A group with no followed line is *non suivi* (``followed`` False): no rate, never 0 %.
    """

    key: str
    amount: float  # ΣS: current amount, else convention amount
    engaged: float  # ΣE
    paid: float  # ΣP
    engaged_pct: float | None  # ΣE ÷ ΣS
    paid_of_amount_pct: float | None  # ΣP ÷ ΣS
    paid_of_engaged_pct: float | None  # ΣP ÷ ΣE
    to_engage: float  # reste à engager ΣS − ΣE
    to_pay: float  # reste à payer ΣE − ΣP
    followed: bool = True  # False: own funds or loans without any engaged or paid figure (*non suivi*)
    not_followed: float = 0.0  # ΣS of the lines not followed, left out of the rates and restes

    @classmethod
    def of(cls, key: str, lines: Iterable[FundingLine],
           followed: Callable[[FundingLine], bool] | None = None) -> FinanceRow:
        lines = list(lines)
        kept = lines if followed is None else [line for line in lines if followed(line)]
        everything = _sums(lines)[0]
        s, e, paid = _sums(kept)
        return cls(key, everything, e, paid, percent(e, s), percent(paid, s), percent(paid, e), s - e, e - paid,
                   bool(kept) or not lines, everything - s)


def finance_rows(lines: Iterable[FundingLine], group: Callable[[FundingLine], str | None],
                 reference: Iterable[str] = (),
                 followed: Callable[[FundingLine], bool] | None = None) -> tuple[FinanceRow, ...]:
    """Return one row per group (lines whose group is unknown are left out of this table only)."""
    groups: dict[str, list[FundingLine]] = defaultdict(list)
    for line in lines:
        key = group(line)
        if key is not None:
            groups[key].append(line)
    return tuple(FinanceRow.of(k, groups[k], followed) for k in ordered(groups, reference))


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
