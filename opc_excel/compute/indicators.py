"""The indicators of domain.md at the date de situation t: pure functions of the programme.

For operation i: S = ANRU subsidy (the line's current amount, else its convention amount), C = cost,
E = engaged, P = paid. Choices every indicator shares:

- Abandoned operations (status *Abandonnée*) are left out everywhere: no weight, no subsidy, no household.
- A value the model holds as ``None`` (empty or unreadable cell, already reported in *Contrôles*) leaves
  the line or operation out of the figure that needs it; it is never guessed.
- Engagement counts only the lines *Acquis* or *Notifié* (``contract.ENGAGED_FUNDING_STATUSES``): a line
  still *Prévu* or *Sollicité* has nothing engaged, whatever its *Montant engagé* cell says. Payments follow
  the same rule (nothing is paid on a line that is not engaged), so that the *reste à payer* ΣE − ΣP never
  sets a payment against a commitment the rates leave out (ΣP ≤ ΣE whenever no line has a DQ-NEG).
- A funding line with no readable amount or status is left out of S, E and P alike.
- Percentages are on the 0–100 scale; a ratio whose denominator is 0 is ``None``.

The functions marked (API) are imported by the alert rules: keep their names and signatures.
"""

from __future__ import annotations

import statistics
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, fields
from datetime import date
from functools import lru_cache
from typing import Any

from opc_excel.compute.schedule import (
    CLOSED_STATUSES,
    add_months,
    is_abandoned,
    planned_progress,
    progress,
    whole_months,
)
from opc_excel.model import FundingLine, Household, Operation, Programme
from opc_excel.read import contract
from opc_excel.text import match_key

# ---------------------------------------------------------------- shared helpers


@lru_cache(maxsize=4096)
def _key(value: str) -> str:
    return match_key(value)


_ANRU = _key(contract.ANRU_FUNDER)
_ENGAGED = frozenset(_key(s) for s in contract.ENGAGED_FUNDING_STATUSES)
_UNSECURED = frozenset(_key(s) for s in ("Prévu", "Sollicité"))
_DEMOLITION = _key(contract.DEMOLITION)
_RECONSTITUTION = _key(contract.RECONSTITUTION)
_DELIVERED_STATUSES = ("Livrée", "Soldée")


def _pct(numerator: float, denominator: float) -> float | None:
    """Return numerator ÷ denominator × 100, None when the denominator is 0."""
    return numerator / denominator * 100 if denominator else None


def _is_anru(line: FundingLine) -> bool:
    return line.funder is not None and _key(line.funder) == _ANRU


def _is_engaged(line: FundingLine) -> bool:
    return line.status is not None and _key(line.status) in _ENGAGED


def _usable(line: FundingLine) -> bool:
    """Return True when the line has what S, E and P need: an amount and a status."""
    return line.amount is not None and line.status is not None


def _live_operations(p: Programme) -> dict[str, Operation]:
    """Return the non-abandoned operations by id."""
    return {op.id: op for op in p.operations if not is_abandoned(op)}


def _actual_on_or_before(op: Operation, name: str, at: date) -> bool:
    milestone = op.milestone(name)
    return milestone is not None and milestone.actual is not None and milestone.actual <= at


def _delivered_by(op: Operation, at: date, situation: date) -> bool:
    """Return True when delivered by ``at``: an actual delivery date, or a *Livrée*/*Soldée* status.

    The status says how things stand at the date de situation, so it counts only for dates on or after it.
    """
    return _actual_on_or_before(op, contract.DELIVERY, at) or (
        at >= situation and op.status in _DELIVERED_STATUSES)


def _started_by(op: Operation, at: date, situation: date) -> bool:
    """Return True when the works have started by ``at`` (a delivered operation has started)."""
    return _actual_on_or_before(op, contract.WORKS_START, at) or _delivered_by(op, at, situation)


def _planned(op: Operation, name: str) -> date | None:
    """Return the planned date of a milestone: its forecast, else its baseline (avenant, else convention)."""
    milestone = op.milestone(name)
    return None if milestone is None else milestone.forecast or milestone.baseline


def _ordered(keys: Iterable[str], reference: Iterable[str] = ()) -> list[str]:
    """Return the keys in the order of the *Listes* list, then the others alphabetically."""
    keys = set(keys)
    listed = [k for k in reference if k in keys]
    return listed + sorted(keys - set(listed), key=_key)


# ---------------------------------------------------------------- (API) ANRU subsidy and engagement


def anru_subsidy_lines(p: Programme) -> list[FundingLine]:
    """Return the ANRU funding lines of the non-abandoned operations (API).

    The funder matches ``contract.ANRU_FUNDER`` ignoring case, accents and spaces. A line whose operation
    is not in *Opérations* is left out (its DQ-REF is in *Contrôles*). Lines are returned whatever their
    status or amount: ``line.amount`` may be ``None``.
    """
    live = _live_operations(p)
    return [line for line in p.funding if line.operation_id in live and _is_anru(line)]


def _sums(lines: Iterable[FundingLine]) -> tuple[float, float, float]:
    """Return (ΣS, ΣE, ΣP) of the usable lines, E and P counted on engaged lines only."""
    s = e = paid = 0.0
    for line in lines:
        amount = line.amount
        if amount is None or line.status is None:
            continue
        s += amount
        if _is_engaged(line):
            e += line.engaged or 0
            paid += line.paid or 0
    return s, e, paid


def engagement_percent(p: Programme) -> float | None:
    """Return the *taux d'engagement* ΣE ÷ ΣS × 100 over the ANRU lines (API); None when ΣS = 0.

    E counts only the lines *Acquis*/*Notifié*; lines with no amount or no status are left out of both sums.
    """
    s, e, _ = _sums(anru_subsidy_lines(p))
    return _pct(e, s)


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


def _planned_lines(p: Programme) -> list[tuple[float, int, int]]:
    """Return (S, begin, end) for each usable ANRU line whose operation has a baseline works period."""
    live = _live_operations(p)
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


def _planned_at(planned: list[tuple[float, int, int]], at: date) -> tuple[float, float]:
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
    done, total = _planned_at(_planned_lines(p), at)
    return _pct(done, total)


# ---------------------------------------------------------------- (API) reconstitution


@dataclass(frozen=True, slots=True)
class Reconstitution:
    """Dwellings demolished and rebuilt (*reconstitution de l'offre*, "1 pour 1") at a date."""

    demolished_planned: float
    demolished_started: float
    demolished_delivered: float
    rebuilt_planned: float
    rebuilt_started: float
    rebuilt_delivered: float

    @property
    def ratio_started(self) -> float | None:
        """Return rebuilt ÷ demolished, counted at the works start; None when nothing demolition started."""
        return self.rebuilt_started / self.demolished_started if self.demolished_started else None

    @property
    def ratio_delivered(self) -> float | None:
        """Return rebuilt ÷ demolished, counted at delivery; None when no demolition was delivered."""
        return self.rebuilt_delivered / self.demolished_delivered if self.demolished_delivered else None

    @property
    def ratio_planned(self) -> float | None:
        """Return rebuilt ÷ demolished in the convention; None when no demolition is planned."""
        return self.rebuilt_planned / self.demolished_planned if self.demolished_planned else None

    @property
    def gap_started(self) -> float:
        """Return the running gap: dwellings whose demolition started minus those whose rebuilding started."""
        return self.demolished_started - self.rebuilt_started


def _counts_dwellings(op: Operation) -> bool:
    """Return True when the operation's quantity is in dwellings (*Unité* empty, "logements", "lgts"…)."""
    unit = _key(op.unit or "")
    return not unit or unit.startswith(("log", "lgt"))


def reconstitution(p: Programme, at: date) -> Reconstitution:
    """Return the dwellings demolished and rebuilt at ``at`` (API).

    Operations of famille ``contract.DEMOLITION`` vs ``contract.RECONSTITUTION``; each counts its *Quantité
    convention*: in ``planned`` always, in ``started`` once its works start has an actual date ≤ ``at`` (or it
    is delivered), in ``delivered`` once its delivery has an actual date ≤ ``at`` — or, from the date de
    situation on, when its status is *Livrée*/*Soldée*. Operations with no convention quantity, or whose
    *Unité* is not dwellings (empty, "logements", "lgts" are), are left out.
    """
    sums = dict.fromkeys(("dp", "ds", "dd", "rp", "rs", "rd"), 0.0)
    for op in _live_operations(p).values():
        if op.quantity_convention is None or op.famille is None or not _counts_dwellings(op):
            continue
        famille = _key(op.famille)
        prefix = "d" if famille == _DEMOLITION else "r" if famille == _RECONSTITUTION else None
        if prefix is None:
            continue
        sums[prefix + "p"] += op.quantity_convention
        if _started_by(op, at, p.at):
            sums[prefix + "s"] += op.quantity_convention
        if _delivered_by(op, at, p.at):
            sums[prefix + "d"] += op.quantity_convention
    return Reconstitution(sums["dp"], sums["ds"], sums["dd"], sums["rp"], sums["rs"], sums["rd"])


# ---------------------------------------------------------------- (API) rehousing

REHOUSED, TEMPORARY, LEFT_WITHOUT = "Relogé", "Relogement temporaire", "Parti sans relogement"
NEW_OR_RECENT, OFF_SITE = "Neuf ou moins de 5 ans", "Hors site"


@dataclass(frozen=True, slots=True)
class Rehousing:
    """Where the households of the demolitions stand (*relogement*).

    The shares of rehoused households in new housing, off site or outside the QPV are taken over the
    rehoused households whose *Destination*, *Localisation* or *Hors QPV* is known (``known_*``).
    """

    to_rehouse: int
    rehoused: int
    temporary: int
    left_without: int
    new_or_recent: int
    off_site: int
    outside_qpv: int
    median_rest_to_pay_change_pct: float | None
    known_destination: int
    known_location: int
    known_qpv: int

    @property
    def rehoused_percent(self) -> float | None:
        """Return rehoused ÷ households to rehouse × 100."""
        return _pct(self.rehoused, self.to_rehouse)

    @property
    def new_or_recent_percent(self) -> float | None:
        """Return the % of rehoused households (destination known) in new or recent (< 5 years) housing."""
        return _pct(self.new_or_recent, self.known_destination)

    @property
    def off_site_percent(self) -> float | None:
        """Return the % of rehoused households (location known) rehoused off site."""
        return _pct(self.off_site, self.known_location)

    @property
    def outside_qpv_percent(self) -> float | None:
        """Return the % of rehoused households (QPV known) rehoused outside the district (QPV)."""
        return _pct(self.outside_qpv, self.known_qpv)

    @property
    def left_without_percent(self) -> float | None:
        """Return the % of the households to rehouse who left without being rehoused."""
        return _pct(self.left_without, self.to_rehouse)


def _rehousing(households: Iterable[Household]) -> Rehousing:
    counts: dict[str, int] = defaultdict(int)
    changes = []
    for hh in households:
        if hh.status is None:
            continue
        counts["to_rehouse"] += 1
        status = _key(hh.status)
        if status == _key(TEMPORARY):
            counts["temporary"] += 1
        elif status == _key(LEFT_WITHOUT):
            counts["left_without"] += 1
        elif status == _key(REHOUSED):
            counts["rehoused"] += 1
            if hh.destination is not None:
                counts["known_destination"] += 1
                counts["new_or_recent"] += _key(hh.destination) == _key(NEW_OR_RECENT)
            if hh.location is not None:
                counts["known_location"] += 1
                counts["off_site"] += _key(hh.location) == _key(OFF_SITE)
            if hh.outside_qpv is not None:
                counts["known_qpv"] += 1
                counts["outside_qpv"] += bool(hh.outside_qpv)
            before, after = hh.rest_to_pay_before, hh.rest_to_pay_after
            if before is not None and after is not None and before > 0:
                changes.append((after - before) / before * 100)
    median = statistics.median(changes) if changes else None
    return Rehousing(counts["to_rehouse"], counts["rehoused"], counts["temporary"], counts["left_without"],
                     counts["new_or_recent"], counts["off_site"], counts["outside_qpv"], median,
                     counts["known_destination"], counts["known_location"], counts["known_qpv"])


def rehousing(p: Programme, operation_id: str | None = None) -> Rehousing:
    """Return the rehousing of one demolition's households, or of all households (API).

    to_rehouse = every household of the scope (whatever its status), rehoused = status *Relogé*. Households
    with no readable status are left out, and so are those of abandoned operations. The median change of the
    *reste à charge* is the median of (after − before) ÷ before × 100 over rehoused households with both
    values and a reste à charge before above 0 (a change from 0 has no percentage).
    """
    if operation_id is not None:
        op = p.operation(operation_id)
        return _rehousing(() if op is not None and is_abandoned(op) else p.households_of(operation_id))
    abandoned = {op.id for op in p.operations if is_abandoned(op)}
    return _rehousing(hh for hh in p.households if hh.operation_id not in abandoned)


# ---------------------------------------------------------------- (API) weighted progress


Scale = Callable[[Operation], float]


def _weighted(operations: Iterable[Operation], scale: Scale) -> float | None:
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


def _ratio(actual: float | None, planned: float | None) -> float | None:
    return actual / planned if actual is not None and planned else None


def portfolio_progress(p: Programme, at: date, operations: Iterable[Operation] | None = None) -> float | None:
    """Return A(t) = Σ wᵢ·pᵢ(t), wᵢ = Cᵢ ÷ ΣC, on the 0–100 stage scale (API).

    Over ``operations`` (default: all), abandoned ones and those with no known cost left out; None when ΣC = 0.
    pᵢ is :func:`opc_excel.compute.schedule.progress`, from the actual dates.
    """
    return _weighted(p.operations if operations is None else operations, lambda op: progress(op, at))


def planned_portfolio_progress(p: Programme, at: date,
                               operations: Iterable[Operation] | None = None) -> float | None:
    """Return A_plan(t): :func:`portfolio_progress` on the baseline dates (:func:`schedule.planned_progress`)."""
    return _weighted(p.operations if operations is None else operations, lambda op: planned_progress(op, at))


def spi(p: Programme, at: date, operations: Iterable[Operation] | None = None) -> float | None:
    """Return SPI = A(t) ÷ A_plan(t); None when nothing was planned yet (A_plan = 0 or unknown)."""
    ops = None if operations is None else list(operations)
    return _ratio(portfolio_progress(p, at, ops), planned_portfolio_progress(p, at, ops))


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
        return cls(key, s, e, paid, _pct(e, s), _pct(paid, s), _pct(paid, e), s - e, e - paid)


def _finance_rows(lines: Iterable[FundingLine], group: Callable[[FundingLine], str | None],
                  reference: Iterable[str] = ()) -> tuple[FinanceRow, ...]:
    """Return one row per group (lines whose group is unknown are left out of this table only)."""
    groups: dict[str, list[FundingLine]] = defaultdict(list)
    for line in lines:
        key = group(line)
        if key is not None:
            groups[key].append(line)
    return tuple(FinanceRow.of(k, groups[k]) for k in _ordered(groups, reference))


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
    for op in _live_operations(p).values():
        if op.quantity_convention is None or op.famille is None:
            continue
        row = sums[(op.famille, (op.unit or "").strip())]
        row[0] += op.quantity_convention
        row[1] += op.quantity_done or 0
    order = {f: i for i, f in enumerate(_ordered({f for f, _ in sums}, p.lists.get(contract.FAMILLES, ())))}
    return tuple(PhysicalProgress(f, u, planned, done, _pct(done, planned))
                 for (f, u), (planned, done) in sorted(sums.items(), key=lambda kv: (order[kv[0][0]], kv[0][1])))


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
    return CostDrift(key, convention, current, _pct(current - convention, convention))


def cost_drift(p: Programme) -> CostDrift:
    """Return the programme's cost drift over the operations with a convention cost (key "Programme").

    The current cost is *Coût actualisé*, else the convention cost (no drift).
    """
    return _cost_drift("Programme", _live_operations(p).values())


def cost_drift_by_famille(p: Programme) -> tuple[CostDrift, ...]:
    """Return the cost drift of each famille."""
    groups: dict[str, list[Operation]] = defaultdict(list)
    for op in _live_operations(p).values():
        if op.famille is not None:
            groups[op.famille].append(op)
    return tuple(_cost_drift(f, groups[f]) for f in _ordered(groups, p.lists.get(contract.FAMILLES, ())))


def cost_drift_by_operation(p: Programme) -> tuple[CostDrift, ...]:
    """Return the cost drift of each operation with a convention cost (key = operation id)."""
    return tuple(_cost_drift(op.id, (op,)) for op in _live_operations(p).values()
                 if op.cost_convention is not None)


# ---------------------------------------------------------------- launches


def launched(p: Programme) -> tuple[int, int]:
    """Return (operations launched, operations): launched = actual works start ≤ t (or delivered).

    Over the non-abandoned operations, including those with no works start milestone (never launched). The
    dates decide, not the status: *En travaux* with no actual works start date is not counted as launched.
    """
    ops = _live_operations(p).values()
    return sum(_started_by(op, p.at, p.at) for op in ops), len(ops)


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
             if op.milestone(name) is not None and not _actual_on_or_before(op, name, at)]
    if any(line.status is not None and _key(line.status) in _UNSECURED for line in lines):
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
        if op.status in CLOSED_STATUSES or _started_by(op, at, at):
            continue
        start = _planned(op, contract.WORKS_START)
        if start is None or not at <= start <= horizon:
            continue
        rows.append(ToLaunch(op.id, op.label or "", op.famille or "", op.owner or "", start,
                             open_prerequisites(op, funding.get(op.id, ()), at)))
    return tuple(sorted(rows, key=lambda r: (r.planned_start, r.operation_id)))


# ---------------------------------------------------------------- slips


@dataclass(frozen=True, slots=True)
class Slip:
    """*Glissement* of one milestone: current date (actual, else forecast) vs convention and avenant dates."""

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


def slips(p: Programme) -> tuple[Slip, ...]:
    """Return the slip of every milestone of the non-abandoned operations that has a current date.

    current = *Date réelle*, else *Date prévisionnelle*; a milestone with neither has no slip to show (its
    expected date is its baseline). ``whole_months(reference, current)``, signed; vs avenant only when there
    is an avenant date. In the order of the operations, then of the *Jalons* list.
    """
    order = {name: i for i, name in enumerate(p.lists.get(contract.JALONS, ()) or contract.DEFAULT_LISTS[
        contract.JALONS])}
    rows = []
    for op in _live_operations(p).values():
        for m in sorted(op.milestones.values(), key=lambda m: (order.get(m.name, len(order)), m.name)):
            current = m.actual or m.forecast
            if current is None or (m.convention is None and m.avenant is None):
                continue
            rows.append(Slip(
                op.id, op.famille or "", m.name, m.convention, m.avenant, current, m.actual is not None,
                whole_months(m.convention, current) if m.convention else None,
                whole_months(m.avenant, current) if m.avenant else None, m.motif))
    return tuple(rows)


@dataclass(frozen=True, slots=True)
class FamilySlip:
    """Max and median slip vs the convention of a famille's deliveries and works starts (None: no slip known)."""

    famille: str
    delivery_max_months: int | None
    delivery_median_months: float | None
    works_start_max_months: int | None
    works_start_median_months: float | None


def slips_by_famille(p: Programme, rows: Iterable[Slip] | None = None) -> tuple[FamilySlip, ...]:
    """Return, for each famille, the max and median slip vs convention of deliveries and of works starts."""
    by: dict[str, dict[str, list[int]]] = defaultdict(lambda: {contract.DELIVERY: [], contract.WORKS_START: []})
    for s in slips(p) if rows is None else rows:
        if s.famille and s.milestone in (contract.DELIVERY, contract.WORKS_START) \
                and s.vs_convention_months is not None:
            by[s.famille][s.milestone].append(s.vs_convention_months)

    def stats(values: list[int]) -> tuple[int | None, float | None]:
        return (max(values), float(statistics.median(values))) if values else (None, None)

    return tuple(FamilySlip(f, *stats(by[f][contract.DELIVERY]), *stats(by[f][contract.WORKS_START]))
                 for f in _ordered(by, p.lists.get(contract.FAMILLES, ())))


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
    return _s_curve(p, _planned_lines(p))


def _s_curve(p: Programme, planned: list[tuple[float, int, int]]) -> tuple[SCurvePoint, ...]:
    at = p.at
    live = _live_operations(p)
    lines = [line for line in anru_subsidy_lines(p) if _usable(line)]
    first = p.params.signature_date or min((date.fromordinal(b) for _, b, _ in planned), default=None)
    if first is None:
        return ()
    deliveries = [d for op in live.values() if (d := _planned(op, contract.DELIVERY)) is not None]
    last = max([at, first] + deliveries + ([p.params.end_date] if p.params.end_date else []))
    total = sum(float(line.amount or 0) for line in lines)
    engaged_on: list[tuple[date, float]] = []
    paid = 0.0
    for line in lines:
        if not _is_engaged(line):
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
        planned_sum, planned_total = _planned_at(planned, end)
        engaged = paid_now = None
        if start <= at:
            engaged = cumulative[bisect_right(days, min(end, at))]
        if start <= at <= end:
            paid_now = paid
        points.append(SCurvePoint(label, start, end, planned_sum, _pct(planned_sum, planned_total),
                                  engaged, None if engaged is None else _pct(engaged, total),
                                  paid_now, None if paid_now is None else _pct(paid_now, total)))
    return tuple(points)


# ---------------------------------------------------------------- insertion


@dataclass(frozen=True, slots=True)
class Insertion:
    """Insertion hours done vs planned and vs the target share of hours worked, against works progress."""

    hours_worked: float
    insertion_planned: float
    insertion_done: float
    done_of_planned_pct: float | None  # Σ done ÷ Σ planned
    done_of_target_pct: float | None  # Σ done ÷ (target % × Σ hours worked)
    works_progress_pct: float | None  # A(t) of the operations with insertion lines
    gap_points: float | None  # done_of_planned_pct − works_progress_pct (negative: insertion behind)


def insertion(p: Programme) -> Insertion:
    """Return the insertion indicator at t (see :func:`_insertion`)."""
    return _insertion(p, lambda op: progress(op, p.at))


def _insertion(p: Programme, now: Scale) -> Insertion:
    """Return the insertion indicator at t, ``now`` giving each operation's progress pᵢ(t).

    done ÷ planned is taken over the lines with both figures, done ÷ target over the lines with done hours
    and hours worked (target = *Objectif d'insertion* % of the hours worked); the totals shown are each
    summed over the lines that give them. The works progress to compare with is the cost-weighted A(t) of
    the operations that have insertion lines. Lines of abandoned or unknown operations are left out.
    """
    live = _live_operations(p)
    lines = [line for line in p.insertion if line.operation_id in live]
    done_p = planned_p = done_w = worked_w = 0.0
    for line in lines:
        if line.insertion_done is None:
            continue
        if line.insertion_planned is not None:
            done_p += line.insertion_done
            planned_p += line.insertion_planned
        if line.hours_worked is not None:
            done_w += line.insertion_done
            worked_w += line.hours_worked
    of_planned = _pct(done_p, planned_p)
    of_target = _pct(done_w, worked_w * p.params.insertion_target_pct / 100)
    ops = [live[i] for i in dict.fromkeys(line.operation_id for line in lines)]
    works = _weighted(ops, now)
    return Insertion(
        sum(float(line.hours_worked or 0) for line in lines),
        sum(float(line.insertion_planned or 0) for line in lines),
        sum(float(line.insertion_done or 0) for line in lines), of_planned, of_target, works,
        of_planned - works if of_planned is not None and works is not None else None)


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
    return _progress_by_famille(p, lambda op: progress(op, p.at), lambda op: planned_progress(op, p.at))


def _progress_by_famille(p: Programme, now: Scale, plan: Scale) -> tuple[FamilyProgress, ...]:
    groups: dict[str, list[Operation]] = defaultdict(list)
    for op in _live_operations(p).values():
        if op.famille is not None:
            groups[op.famille].append(op)
    rows = []
    for famille in _ordered(groups, p.lists.get(contract.FAMILLES, ())):
        actual, planned = _weighted(groups[famille], now), _weighted(groups[famille], plan)
        rows.append(FamilyProgress(famille, actual, planned, _ratio(actual, planned)))
    return tuple(rows)


# ---------------------------------------------------------------- everything at once


@dataclass(frozen=True, slots=True)
class Indicators:
    """Every indicator of domain.md at the date de situation: headline figures, then tables."""

    at: date
    programme: str  # PNRU / NPNRU
    operations: int  # non-abandoned
    operations_launched: int
    launched_pct: float | None
    anru: FinanceRow  # the ANRU subsidy: taux d'engagement, de paiement, restes
    planned_engagement_pct: float | None
    engagement_gap_points: float | None  # engaged_pct − planned_engagement_pct (negative: behind)
    progress_pct: float | None  # A(t)
    planned_progress_pct: float | None  # A_plan(t)
    spi: float | None
    cost_drift: CostDrift
    reconstitution: Reconstitution
    rehousing: Rehousing
    insertion: Insertion
    anru_by_famille: tuple[FinanceRow, ...]
    anru_by_district: tuple[FinanceRow, ...]
    anru_by_owner: tuple[FinanceRow, ...]
    by_funder: tuple[FinanceRow, ...]  # every funder's lines
    progress_by_famille: tuple[FamilyProgress, ...]
    physical_progress: tuple[PhysicalProgress, ...]
    cost_drift_by_famille: tuple[CostDrift, ...]
    cost_drift_by_operation: tuple[CostDrift, ...]
    slips: tuple[Slip, ...]
    slips_by_famille: tuple[FamilySlip, ...]
    s_curve: tuple[SCurvePoint, ...]
    to_launch: tuple[ToLaunch, ...]


def compute_indicators(p: Programme) -> Indicators:
    """Return every indicator of the programme at its date de situation ``p.at``."""
    at = p.at
    live = _live_operations(p)
    anru_lines = anru_subsidy_lines(p)
    famille_of = {i: op.famille for i, op in live.items()}
    district_of = {i: op.district for i, op in live.items()}
    owner_of = {i: op.owner for i, op in live.items()}
    anru = FinanceRow.of(contract.ANRU_FUNDER, anru_lines)
    planned_lines = _planned_lines(p)
    planned_pct = _pct(*_planned_at(planned_lines, at))
    progress_of = {i: progress(op, at) for i, op in live.items()}  # pᵢ(t) once: the tables below share it
    planned_of = {i: planned_progress(op, at) for i, op in live.items()}

    def now(op: Operation) -> float:
        return progress_of[op.id]

    def plan(op: Operation) -> float:
        return planned_of[op.id]

    progress_now, progress_plan = _weighted(live.values(), now), _weighted(live.values(), plan)
    started, total = launched(p)
    slip_rows = slips(p)
    lists = p.lists
    return Indicators(
        at=at,
        programme=p.params.programme.value,
        operations=total,
        operations_launched=started,
        launched_pct=_pct(started, total),
        anru=anru,
        planned_engagement_pct=planned_pct,
        engagement_gap_points=(anru.engaged_pct - planned_pct
                               if anru.engaged_pct is not None and planned_pct is not None else None),
        progress_pct=progress_now,
        planned_progress_pct=progress_plan,
        spi=_ratio(progress_now, progress_plan),
        cost_drift=cost_drift(p),
        reconstitution=reconstitution(p, at),
        rehousing=rehousing(p),
        insertion=_insertion(p, now),
        anru_by_famille=_finance_rows(anru_lines, lambda line: famille_of[line.operation_id],
                                      lists.get(contract.FAMILLES, ())),
        anru_by_district=_finance_rows(anru_lines, lambda line: district_of[line.operation_id],
                                       lists.get(contract.QUARTIERS, ())),
        anru_by_owner=_finance_rows(anru_lines, lambda line: owner_of[line.operation_id],
                                    lists.get(contract.MAITRES_OUVRAGE, ())),
        by_funder=_finance_rows((line for line in p.funding if line.operation_id in live),
                                lambda line: line.funder, lists.get(contract.FINANCEURS, ())),
        progress_by_famille=_progress_by_famille(p, now, plan),
        physical_progress=physical_progress(p),
        cost_drift_by_famille=cost_drift_by_famille(p),
        cost_drift_by_operation=cost_drift_by_operation(p),
        slips=slip_rows,
        slips_by_famille=slips_by_famille(p, slip_rows),
        s_curve=_s_curve(p, planned_lines),
        to_launch=to_launch(p),
    )


# ---------------------------------------------------------------- JSON

# Properties worth exporting alongside the fields.
_JSON_PROPERTIES: Mapping[type, tuple[str, ...]] = {
    Reconstitution: ("ratio_started", "ratio_delivered", "ratio_planned", "gap_started"),
    Rehousing: ("rehoused_percent", "new_or_recent_percent", "off_site_percent", "outside_qpv_percent",
                "left_without_percent"),
}
_PERCENT_SUFFIXES = ("_pct", "_percent", "_points")


@lru_cache(maxsize=64)
def _json_names(kind: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(kind)) + _JSON_PROPERTIES.get(kind, ())


def _json_value(name: str, value: Any) -> Any:
    if value is None or isinstance(value, bool | str | int):
        return value
    if isinstance(value, float):
        return round(value, 1 if name.endswith(_PERCENT_SUFFIXES) else 2) + 0.0
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return [_json_value(name, v) for v in value]
    return {n: _json_value(n, getattr(value, n)) for n in _json_names(type(value))}


def indicators_as_json(ind: Indicators) -> dict[str, Any]:
    """Return the indicators as plain JSON data: ISO dates, percentages to 0.1, other numbers to 0.01."""
    return _json_value("", ind)
