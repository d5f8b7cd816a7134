"""Social indicators: insertion hours done against those planned, the target and the works progress."""

from __future__ import annotations

from dataclasses import dataclass

from opc_excel.compute.indicators.calendrier import Scale, cost_weighted
from opc_excel.compute.indicators.common import live_operations, percent
from opc_excel.compute.schedule import progress
from opc_excel.model import Programme

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
    """Return the insertion indicator at t (see :func:`insertion_with`)."""
    return insertion_with(p, lambda op: progress(op, p.at))


def insertion_with(p: Programme, now: Scale) -> Insertion:
    """Return the insertion indicator at t, ``now`` giving each operation's progress pᵢ(t).

    done ÷ planned is taken over the lines with both figures, done ÷ target over the lines with done hours
    and hours worked (target = *Objectif d'insertion* % of the hours worked); the totals shown are each
    summed over the lines that give them. The works progress to compare with is the cost-weighted A(t) of
    the operations that have insertion lines. Lines of abandoned or unknown operations are left out.
    """
    live = live_operations(p)
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
    of_planned = percent(done_p, planned_p)
    of_target = percent(done_w, worked_w * p.params.insertion_target_pct / 100)
    ops = [live[i] for i in dict.fromkeys(line.operation_id for line in lines)]
    works = cost_weighted(ops, now)
    return Insertion(
        sum(float(line.hours_worked or 0) for line in lines),
        sum(float(line.insertion_planned or 0) for line in lines),
        sum(float(line.insertion_done or 0) for line in lines), of_planned, of_target, works,
        of_planned - works if of_planned is not None and works is not None else None)
