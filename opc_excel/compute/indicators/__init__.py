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

The indicators by theme, each module saying what it holds:

- :mod:`.financier`: the ANRU subsidy engaged and paid, its planned engagement, finance tables by group, cost drift;
- :mod:`.scurve`: the *courbes en S* (planned engagement and payments, actual engaged and paid);
- :mod:`.calendrier`: progress A(t) and SPI, physical progress, launches, slips;
- :mod:`.habitat`: reconstitution and relogement; :mod:`.social`: insertion;
- :mod:`.common`: what they share (operations and lines counted, dates reached, percentages).

Here: :class:`Indicators`, every indicator at once (:func:`compute_indicators`), and its JSON form.
The functions marked (API) are imported by the alert rules: keep their names and signatures.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date
from functools import lru_cache
from typing import Any

from opc_excel.compute.indicators.calendrier import (
    FamilyProgress,
    FamilySlip,
    PhysicalProgress,
    Slip,
    ToLaunch,
    cost_weighted,
    launched,
    physical_progress,
    progress_by_famille_with,
    slips,
    slips_by_famille,
    to_launch,
)
from opc_excel.compute.indicators.common import live_operations, percent, ratio
from opc_excel.compute.indicators.financier import (
    CostDrift,
    FinanceRow,
    anru_subsidy_lines,
    cost_drift,
    cost_drift_by_famille,
    cost_drift_by_operation,
    finance_rows,
    followed_lines,
    planned_at,
    planned_lines,
)
from opc_excel.compute.indicators.habitat import Reconstitution, Rehousing, reconstitution, rehousing
from opc_excel.compute.indicators.scurve import SCurvePoint, s_curve_with
from opc_excel.compute.indicators.social import Insertion, insertion_with
from opc_excel.compute.schedule import planned_progress, progress
from opc_excel.model import Operation, Programme
from opc_excel.read import contract

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
    by_funder: tuple[FinanceRow, ...]  # every funder's lines; own funds and loans without figures: *non suivi*
    progress_by_famille: tuple[FamilyProgress, ...]
    physical_progress: tuple[PhysicalProgress, ...]
    cost_drift_by_famille: tuple[CostDrift, ...]
    cost_drift_by_operation: tuple[CostDrift, ...]
    slips: tuple[Slip, ...]
    slips_by_famille: tuple[FamilySlip, ...]
    s_curve: tuple[SCurvePoint, ...]  # today's actual point only: the situation adds the *Historique* ones
    to_launch: tuple[ToLaunch, ...]


def compute_indicators(p: Programme) -> Indicators:
    """Return every indicator of the programme at its date de situation ``p.at``."""
    at = p.at
    live = live_operations(p)
    anru_lines = anru_subsidy_lines(p)
    famille_of = {i: op.famille for i, op in live.items()}
    district_of = {i: op.district for i, op in live.items()}
    owner_of = {i: op.owner for i, op in live.items()}
    anru = FinanceRow.of(contract.ANRU_FUNDER, anru_lines)
    planned = planned_lines(p)
    planned_pct = percent(*planned_at(planned, at))
    progress_of = {i: progress(op, at) for i, op in live.items()}  # pᵢ(t) once: the tables below share it
    planned_of = {i: planned_progress(op, at) for i, op in live.items()}

    def now(op: Operation) -> float:
        return progress_of[op.id]

    def plan(op: Operation) -> float:
        return planned_of[op.id]

    progress_now, progress_plan = cost_weighted(live.values(), now), cost_weighted(live.values(), plan)
    started, total = launched(p)
    slip_rows = slips(p)
    lists = p.lists
    return Indicators(
        at=at,
        programme=p.params.programme.value,
        operations=total,
        operations_launched=started,
        launched_pct=percent(started, total),
        anru=anru,
        planned_engagement_pct=planned_pct,
        engagement_gap_points=(anru.engaged_pct - planned_pct
                               if anru.engaged_pct is not None and planned_pct is not None else None),
        progress_pct=progress_now,
        planned_progress_pct=progress_plan,
        spi=ratio(progress_now, progress_plan),
        cost_drift=cost_drift(p),
        reconstitution=reconstitution(p, at),
        rehousing=rehousing(p),
        insertion=insertion_with(p, now),
        anru_by_famille=finance_rows(anru_lines, lambda line: famille_of[line.operation_id],
                                     lists.get(contract.FAMILLES, ())),
        anru_by_district=finance_rows(anru_lines, lambda line: district_of[line.operation_id],
                                      lists.get(contract.QUARTIERS, ())),
        anru_by_owner=finance_rows(anru_lines, lambda line: owner_of[line.operation_id],
                                   lists.get(contract.MAITRES_OUVRAGE, ())),
        by_funder=finance_rows((line for line in p.funding if line.operation_id in live),
                               lambda line: line.funder, lists.get(contract.FINANCEURS, ()), followed_lines(p)),
        progress_by_famille=progress_by_famille_with(p, now, plan),
        physical_progress=physical_progress(p),
        cost_drift_by_famille=cost_drift_by_famille(p),
        cost_drift_by_operation=cost_drift_by_operation(p),
        slips=slip_rows,
        slips_by_famille=slips_by_famille(p, slip_rows),
        s_curve=s_curve_with(p, planned),
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
