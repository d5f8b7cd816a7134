"""What changed between two dates de situation: for the monthly point and the committees.

Built from what the workbook keeps: *Historique jalons* (milestone dates at each date de
situation) and the *Alertes* sheet (*Détectée le*, « Résolue le … »).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from opc_excel.model import MilestoneSnapshot
from opc_excel.read.alert_sheet import DETECTED, AlertRow, as_date


@dataclass(frozen=True, slots=True)
class MilestoneChange:
    operation_id: str
    milestone: str
    before: date | None
    after: date | None
    motif: str | None = None

    @property
    def has_motif(self) -> bool:
        return bool(self.motif and self.motif.strip())


@dataclass(frozen=True, slots=True)
class Changes:
    """What happened in (since, until]: alerts that appeared or were resolved, milestones reached or moved."""

    since: date
    until: date
    new_alerts: tuple[AlertRow, ...]
    resolved_alerts: tuple[AlertRow, ...]
    milestones_reached: tuple[MilestoneChange, ...]
    forecasts_moved: tuple[MilestoneChange, ...]


def state_at(snapshots: Iterable[MilestoneSnapshot], day: date) -> dict[tuple[str, str], MilestoneSnapshot]:
    """Return the milestones as recorded at the latest date de situation on or before ``day``."""
    dates = sorted({s.at for s in snapshots if s.at <= day})
    if not dates:
        return {}
    latest = dates[-1]
    return {(s.operation_id, s.milestone): s for s in snapshots if s.at == latest}


def milestone_changes(snapshots: Sequence[MilestoneSnapshot], since: date,
                      until: date) -> tuple[tuple[MilestoneChange, ...], tuple[MilestoneChange, ...]]:
    """Return (milestones reached, forecast dates moved) between the snapshots of ``since`` and ``until``."""
    before, after = state_at(snapshots, since), state_at(snapshots, until)
    reached, moved = [], []
    for key, now in after.items():
        then = before.get(key)
        if now.actual is not None and (then is None or then.actual is None) and now.actual > since:
            reached.append(MilestoneChange(*key, None, now.actual, now.motif))
        if then is not None and then.forecast != now.forecast and now.actual is None:
            moved.append(MilestoneChange(*key, then.forecast, now.forecast, now.motif))
    return tuple(reached), tuple(moved)


def what_changed(snapshots: Sequence[MilestoneSnapshot], alert_rows: Sequence[AlertRow], since: date,
                 until: date) -> Changes:
    """Return everything that changed after ``since`` up to ``until``."""
    new = tuple(r for r in alert_rows if (d := as_date(r.computed.get(DETECTED))) is not None and since < d <= until)
    resolved = tuple(r for r in alert_rows if (d := _resolved_day(r)) is not None and since < d <= until)
    reached, moved = milestone_changes(snapshots, since, until)
    return Changes(since, until, new, resolved, reached, moved)


def _resolved_day(row: AlertRow) -> date | None:
    text = row.resolved_on
    if text is None:
        return None
    day, month, year = (int(part) for part in text.split("/"))
    return date(year, month, day)
