"""The facts a situation starts from: the report, the previous meeting's date and what changed since."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property

from opc_excel.compute.changes import Changes, what_changed
from opc_excel.compute.indicators import Indicators
from opc_excel.compute.points_durs import PointDur, points_durs
from opc_excel.model import Alert, Params, Programme
from opc_excel.read.alert_sheet import merge
from opc_excel.read.history import AT_HEADER, merged_snapshots
from opc_excel.report import CheckReport


@dataclass(frozen=True, eq=False)
class Facts:
    """What the workbook says at its date de situation, and what changed since ``since``.

    Build it with :meth:`of`; :class:`opc_excel.situation.Situation` adds what is computed from it.
    """

    report: CheckReport
    since: date | None = None  # the previous meeting's date de situation
    changes: Changes | None = None

    @classmethod
    def of(cls, report: CheckReport, since: date | None = None) -> Facts:
        """Return the situation of ``report``; ``since`` defaults to the latest earlier date of *Historique*."""
        if since is None:
            earlier = [row[AT_HEADER] for row in report.summary_history if row[AT_HEADER] < report.at]
            since = max(earlier) if earlier else None
        changes = None
        if since is not None:
            programme = report.programme
            snapshots = merged_snapshots(programme.history, programme)
            rows = merge(report.previous_alerts, report.alerts, report.at)
            changes = what_changed(snapshots, rows, since, report.at)
        return cls(report, since, changes)

    @cached_property
    def points_durs(self) -> list[PointDur]:
        """Return the alerts consolidated by operation, ranked by stake, each with its reason (1 first).

        Computed once per session: the COPIL's risks, its avenant candidates and the decks read this list.
        """
        return points_durs(self.programme, self.alerts, self.at)

    @property
    def programme(self) -> Programme:
        return self.report.programme

    @property
    def params(self) -> Params:
        return self.report.programme.params

    @property
    def indicators(self) -> Indicators:
        return self.report.indicators

    @property
    def alerts(self) -> tuple[Alert, ...]:
        return self.report.alerts

    @property
    def at(self) -> date:
        return self.report.at
