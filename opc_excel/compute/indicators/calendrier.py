"""Calendar indicators: progress A(t) and SPI, by famille, physical progress, launches, slips.

pᵢ(t) is :func:`opc_excel.compute.schedule.progress` (the stage scale), weighted by the operations' costs.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from opc_excel.compute.indicators.common import (
    actual_on_or_before,
    list_key,
    live_operations,
    ordered,
    percent,
    planned_date,
    ratio,
    started_by,
)
from opc_excel.compute.schedule import (
    CLOSED_STATUSES,
    add_months,
    is_abandoned,
    planned_progress,
    progress,
    whole_months,
)
from opc_excel.model import FundingLine, Operation, Programme
from opc_excel.read import contract

_UNSECURED = frozenset(list_key(s) for s in ("Prévu", "Sollicité"))


# ---------------------------------------------------------------- (API) weighted progress


Scale = Callable[[Operation], float]


def cost_weighted(operations: Iterable[Operation], scale: Scale) -> float | None:
    """Return Σ Cᵢ·scale(i) ÷ ΣC over the non-abandoned operations with a known cost; None when ΣC = 0."""
    total = weighted = 0.0
    for op in operations:
        cost = op.cost
        if cost is None or cost < 0 or is_abandoned(op):
            continue
        total += cost
        if cost:
            weighted += cost * scale(op)
    return weighted / total if total else None


def portfolio_progress(p: Programme, at: date, operations: Iterable[Operation] | None = None) -> float | None:
    """Return A(t) = Σ wᵢ·pᵢ(t), wᵢ = Cᵢ ÷ ΣC, on the 0–100 stage scale (API).

    Over ``operations`` (default: all), abandoned ones and those with no known cost left out; None when ΣC = 0.
    pᵢ is :func:`opc_excel.compute.schedule.progress`, from the actual dates.
    """
    return cost_weighted(p.operations if operations is None else operations, lambda op: progress(op, at))


def planned_portfolio_progress(p: Programme, at: date,
                               operations: Iterable[Operation] | None = None) -> float | None:
    """Return A_plan(t): :func:`portfolio_progress` on the baseline dates (:func:`schedule.planned_progress`)."""
    return cost_weighted(p.operations if operations is None else operations, lambda op: planned_progress(op, at))


def spi(p: Programme, at: date, operations: Iterable[Operation] | None = None) -> float | None:
    """Return SPI = A(t) ÷ A_plan(t); None when nothing was planned yet (A_plan = 0 or unknown)."""
    ops = None if operations is None else list(operations)
    return ratio(portfolio_progress(p, at, ops), planned_portfolio_progress(p, at, ops))


# ---------------------------------------------------------------- progress by famille


@dataclass(frozen=True, slots=True)
class FamilyProgress:
    """Cost-weighted progress A(t), planned A_plan(t) and SPI of a famille's operations."""

    famille: str
    progress_pct: float | None
    planned_progress_pct: float | None
    spi: float | None


def progress_by_famille(p: Programme) -> tuple[FamilyProgress, ...]:
    """Return A(t), A_plan(t) and SPI for each famille."""
    return progress_by_famille_with(p, lambda op: progress(op, p.at), lambda op: planned_progress(op, p.at))


def progress_by_famille_with(p: Programme, now: Scale, plan: Scale) -> tuple[FamilyProgress, ...]:
    groups: dict[str, list[Operation]] = defaultdict(list)
    for op in live_operations(p).values():
        if op.famille is not None:
            groups[op.famille].append(op)
    rows = []
    for famille in ordered(groups, p.lists.get(contract.FAMILLES, ())):
        actual, planned = cost_weighted(groups[famille], now), cost_weighted(groups[famille], plan)
        rows.append(FamilyProgress(famille, actual, planned, ratio(actual, planned)))
    return tuple(rows)


# ---------------------------------------------------------------- physical progress, cost drift


@dataclass(frozen=True, slots=True)
class PhysicalProgress:
    """*Avancement physique* of a famille, in one unit: Σ quantité réalisée ÷ Σ quantité convention."""

    famille: str
    unit: str
    planned: float
    done: float
    done_pct: float | None


def physical_progress(p: Programme) -> tuple[PhysicalProgress, ...]:
    """Return Σ *Quantité réalisée* ÷ Σ *Quantité convention* × 100 by famille and unit.

    Over the operations with a convention quantity. Quantities in different units are not added: a famille
    with operations in m² and in logements gets a row per unit. An empty *Quantité réalisée* counts as 0: the
    column is optional and stays empty until something is delivered (an unreadable cell is a blocking
    *Contrôle* already).
    """
    sums: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0.0])
    for op in live_operations(p).values():
        if op.quantity_convention is None or op.famille is None:
            continue
        row = sums[(op.famille, (op.unit or "").strip())]
        row[0] += op.quantity_convention
        row[1] += op.quantity_done or 0
    order = {f: i for i, f in enumerate(ordered({f for f, _ in sums}, p.lists.get(contract.FAMILLES, ())))}
    return tuple(PhysicalProgress(f, u, planned, done, percent(done, planned))
                 for (f, u), (planned, done) in sorted(sums.items(), key=lambda kv: (order[kv[0][0]], kv[0][1])))


# ---------------------------------------------------------------- launches


def launched(p: Programme) -> tuple[int, int]:
    """Return (operations launched, operations): launched = actual works start ≤ t (or delivered).

    Over the non-abandoned operations, including those with no works start milestone (never launched). The
    dates decide, not the status: *En travaux* with no actual works start date is not counted as launched.
    """
    ops = live_operations(p).values()
    return sum(started_by(op, p.at, p.at) for op in ops), len(ops)


@dataclass(frozen=True, slots=True)
class ToLaunch:
    """An operation *à lancer*: its works should start within the horizon, with what is still open."""

    operation_id: str
    label: str
    famille: str
    owner: str
    planned_start: date
    open_prerequisites: tuple[str, ...]


PREREQUISITE_MILESTONES = ("Obtention PC", "Attribution des marchés", contract.DAS)
UNSECURED_FUNDING = "financement non acquis"


def open_prerequisites(op: Operation, lines: Iterable[FundingLine], at: date) -> tuple[str, ...]:
    """Return what still stands before the works start of ``op``, in the order of the *Jalons* list.

    A prerequisite milestone (*Obtention PC*, *Attribution des marchés*, *DAS*) is open when the operation
    has it in *Jalons* without an actual date ≤ ``at``; a milestone the operation does not have is taken as
    not required for it (no PC for a road). "financement non acquis" when a funding line is *Prévu* or
    *Sollicité*.
    """
    open_ = [name for name in PREREQUISITE_MILESTONES
             if op.milestone(name) is not None and not actual_on_or_before(op, name, at)]
    if any(line.status is not None and list_key(line.status) in _UNSECURED for line in lines):
        open_.append(UNSECURED_FUNDING)
    return tuple(open_)


def _funding_by_operation(p: Programme) -> dict[str, list[FundingLine]]:
    by_op: dict[str, list[FundingLine]] = defaultdict(list)
    for line in p.funding:
        by_op[line.operation_id].append(line)
    return by_op


def to_launch(p: Programme, horizon_months: float | None = None) -> tuple[ToLaunch, ...]:
    """Return the operations *à lancer*, by planned start: not started, planned start in [t, t + horizon].

    Planned start = *Date prévisionnelle* of the works start, else its baseline; horizon = *Horizon des
    lancements* (``params.launch_horizon_months``) unless given. Operations delivered, *Livrée*, *Soldée* or
    abandoned are not à lancer; a planned start already passed belongs to the late starts (CAL-01), not here.
    Started means an actual works start date ≤ t, as for :func:`launched`.
    """
    at = p.at
    horizon = add_months(at, p.params.launch_horizon_months if horizon_months is None else horizon_months)
    funding = _funding_by_operation(p)
    rows = []
    for op in p.operations:
        if op.status in CLOSED_STATUSES or started_by(op, at, at):
            continue
        start = planned_date(op, contract.WORKS_START)
        if start is None or not at <= start <= horizon:
            continue
        rows.append(ToLaunch(op.id, op.label or "", op.famille or "", op.owner or "", start,
                             open_prerequisites(op, funding.get(op.id, ()), at)))
    return tuple(sorted(rows, key=lambda r: (r.planned_start, r.operation_id)))


# ---------------------------------------------------------------- slips


@dataclass(frozen=True, slots=True)
class Slip:
    """*Glissement* of one milestone: current date (actual, else forecast) vs its latest baseline and the convention.

    ``vs_baseline_months`` is the headline (against the avenant's date where there is one, else the
    convention's); ``vs_convention_months`` is the slip since the initial convention, shown beside it as history.
    """

    operation_id: str
    famille: str
    milestone: str
    convention: date | None
    avenant: date | None
    current: date
    done: bool  # the current date is the actual date
    vs_convention_months: int | None  # whole months, positive = later than the convention
    vs_avenant_months: int | None
    motif: str | None
    vs_baseline_months: int | None = None  # vs the avenant's date, else the convention's
    overdue: bool = False  # no actual date and the current (forecast, else baseline) date is before t

    @property
    def baseline(self) -> date | None:
        """Return the latest baseline date: the avenant's, else the convention's."""
        return self.avenant or self.convention


def slips(p: Programme) -> tuple[Slip, ...]:
    """Return the slip of every milestone of the non-abandoned operations that has a current date.

    current = *Date réelle*, else *Date prévisionnelle*; a milestone with neither has no slip to show while its
    baseline is still ahead. A milestone without an actual date whose forecast (else baseline) is before t is
    *overdue*: it is late at least until t, so its slips are measured to t (``current`` keeps the date typed), as
    the points durs measure it (a demolition forecast in June, not started in September, is not on time).
    ``whole_months(reference, max(current, t))``, signed; vs avenant only when there is an avenant date; vs
    baseline against the avenant's date, else the convention's. In the order of the operations, then of the
    *Jalons* list.
    """
    order = {name: i for i, name in enumerate(p.lists.get(contract.JALONS, ()) or contract.DEFAULT_LISTS[
        contract.JALONS])}
    rows = []
    for op in live_operations(p).values():
        for m in sorted(op.milestones.values(), key=lambda m: (order.get(m.name, len(order)), m.name)):
            if m.baseline is None:
                continue
            current = m.actual or m.forecast
            overdue = m.actual is None and (current or m.baseline) < p.at
            if current is None and not overdue:
                continue
            current = current or m.baseline
            late = max(current, p.at) if overdue else current
            rows.append(Slip(
                op.id, op.famille or "", m.name, m.convention, m.avenant, current, m.actual is not None,
                whole_months(m.convention, late) if m.convention else None,
                whole_months(m.avenant, late) if m.avenant else None, m.motif,
                whole_months(m.baseline, late), overdue))
    return tuple(rows)


@dataclass(frozen=True, slots=True)
class FamilySlip:
    """Max and median slip of a famille's deliveries and works starts (None: no slip known).

    The headline figures are against the latest baseline (avenant, else convention); the ``…_since_convention``
    ones are the slips since the initial convention, shown beside them as history.
    """

    famille: str
    delivery_max_months: int | None
    delivery_median_months: float | None
    works_start_max_months: int | None
    works_start_median_months: float | None
    delivery_max_since_convention_months: int | None = None
    delivery_median_since_convention_months: float | None = None
    works_start_max_since_convention_months: int | None = None
    works_start_median_since_convention_months: float | None = None


def slips_by_famille(p: Programme, rows: Iterable[Slip] | None = None) -> tuple[FamilySlip, ...]:
    """Return, for each famille, the max and median slip of deliveries and of works starts.

    Against the latest baseline (avenant, else convention), then since the convention (history).
    """
    milestones = (contract.DELIVERY, contract.WORKS_START)
    latest: dict[str, dict[str, list[int]]] = defaultdict(lambda: {m: [] for m in milestones})
    initial: dict[str, dict[str, list[int]]] = defaultdict(lambda: {m: [] for m in milestones})
    for s in slips(p) if rows is None else rows:
        if not s.famille or s.milestone not in milestones:
            continue
        if s.vs_baseline_months is not None:
            latest[s.famille][s.milestone].append(s.vs_baseline_months)
        if s.vs_convention_months is not None:
            initial[s.famille][s.milestone].append(s.vs_convention_months)

    def stats(values: list[int]) -> tuple[int | None, float | None]:
        return (max(values), float(statistics.median(values))) if values else (None, None)

    return tuple(FamilySlip(f, *stats(latest[f][contract.DELIVERY]), *stats(latest[f][contract.WORKS_START]),
                            *stats(initial[f][contract.DELIVERY]), *stats(initial[f][contract.WORKS_START]))
                 for f in ordered(set(latest) | set(initial), p.lists.get(contract.FAMILLES, ())))
