"""The report of one session: what checking a workbook found, and what a refresh keeps.

Built by :func:`opc_excel.pipeline.check_source`; read by the output sheets, the decks and the
front ends. Below all of them, so that none needs the pipeline to know the report's shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from opc_excel.compute.indicators import Indicators
from opc_excel.model import Alert, Level, Problem, Programme, Severity
from opc_excel.read.alert_sheet import PreviousSheet, first_seen_by_key


@dataclass(frozen=True)
class CheckReport:
    """What checking a workbook found: the programme as read, every problem, the indicators and alerts.

    ``previous_alerts`` and ``summary_history`` are what the workbook's *Alertes* and *Historique*
    sheets held before, so that a refresh keeps them.
    """

    programme: Programme
    problems: tuple[Problem, ...]
    sheet_names: dict[str, str]
    indicators: Indicators
    alerts: tuple[Alert, ...]
    previous_alerts: PreviousSheet = field(default_factory=lambda: PreviousSheet([], []))
    summary_history: tuple[dict[str, object], ...] = ()
    headerless_history: tuple[str, ...] = ()  # history sheets with values but no header: not to be rewritten

    @property
    def at(self) -> date:
        return self.programme.at

    @property
    def blocking(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity is Severity.BLOQUANT)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity is Severity.AVERTISSEMENT)

    def count(self, level: Level) -> int:
        return sum(a.severity is level for a in self.alerts)

    def first_seen(self) -> dict[str, date]:
        """Return the date each alert was first seen: from the *Alertes* sheet, else today's situation."""
        seen = first_seen_by_key(self.previous_alerts)
        return {a.key: seen.get(a.key, self.at) for a in self.alerts}
