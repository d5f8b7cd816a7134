"""What a meeting is told, computed once from a report: figures, trends, curves, ranked lists, sentences.

:class:`Situation` is built once per session from the :class:`CheckReport` (and the date of the previous
meeting, ``since``); decks and documents only lay it out: one figure, one value. Its modules:

- :mod:`facts`: the report, the previous meeting's date, what changed since;
- :mod:`formats`: how a figure is written, the one way it is written everywhere;
- :mod:`selections`: colours and targets (a KPI against its plan, a slip, a commitment from its alerts);
- :mod:`meeting`, :mod:`decisions`, :mod:`synthesis`: the séance, the decisions it can take, the synthesis;
- :mod:`schedule`: deadlines, launches, deliveries, slips, avenant candidates, actions followed;
- :mod:`summary`: the comité de pilotage's commitments, achievements and risks;
- :mod:`verdicts`: the revue de projet's commitments and cost levels;
- :mod:`curves`: the *courbes en S*, actual points from *Historique* plus today.
"""

from __future__ import annotations

from datetime import date
from functools import cached_property

from opc_excel.compute.indicators.scurve import SCurvePoint
from opc_excel.model import Action
from opc_excel.situation import curves, schedule, summary, verdicts
from opc_excel.situation.facts import Facts


class Situation(Facts):
    """Everything a meeting is told, computed once: build it with ``Situation.of(report, since)``.

    The lists and sentences are computed the first time they are asked for, then kept.
    """


    @cached_property
    def s_curve(self) -> tuple[SCurvePoint, ...]:
        return curves.report_s_curve(self.report)

    @cached_property
    def followed_actions(self) -> tuple[date | None, list[Action]]:
        return schedule.followed_actions(self)

    @cached_property
    def largest_slips(self) -> list:
        return schedule.largest_slips(self)

    @cached_property
    def avenant_candidates(self) -> list:
        return schedule.avenant_candidates(self)

    @cached_property
    def compliance(self) -> list:
        return summary.compliance(self)

    @cached_property
    def achievements(self) -> list[str]:
        return summary.achievements(self)

    @cached_property
    def risks(self) -> list[str]:
        return summary.risks(self)

    @cached_property
    def commitments(self) -> list[verdicts.Commitment]:
        return verdicts.commitments(self)

    @cached_property
    def finance_levels(self) -> list[verdicts.FinanceLevels]:
        return verdicts.finance_levels(self)
