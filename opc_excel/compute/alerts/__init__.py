"""The alert catalogue (domain.md): one rule per code, one module per theme.

A rule is a function ``(programme, at, params) -> Iterable[Alert]`` registered with
:func:`rule`; adding a rule is one function and one test table. The registry stamps each
alert with its rule's code and theme, and :func:`evaluate` runs the rules that apply to the
programme (PNRU or NPNRU).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from opc_excel.compute.alerts import calendrier, enchainement, gouvernance, habitat, relogement, social  # noqa: F401
from opc_excel.compute.alerts.financier import financement, subvention  # noqa: F401 - they register
from opc_excel.compute.alerts.registry import OBSERVED, RULES, Rule, rule
from opc_excel.model import Alert, Level, Programme, Theme

__all__ = ["OBSERVED", "RULES", "Rule", "evaluate", "rule"]

_THEME_ORDER = {theme: i for i, theme in enumerate(Theme)}
_LEVEL_ORDER = {Level.ROUGE: 0, Level.ORANGE: 1}


def evaluate(programme: Programme, rules: Iterable[Rule] | None = None) -> list[Alert]:
    """Return every alert of the programme at its date de situation: red first, then by theme and code."""
    alerts = []
    for registered in rules if rules is not None else RULES.values():
        if programme.params.programme not in registered.programmes:
            continue
        for alert in registered.check(programme, programme.at, programme.params):
            alerts.append(replace(alert, code=registered.code, theme=registered.theme))
    return sorted(alerts, key=lambda a: (_LEVEL_ORDER[a.severity], _THEME_ORDER[a.theme], a.code,
                                         a.operation_id or a.action_id or "", a.milestone or ""))

