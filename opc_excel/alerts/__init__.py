"""The alert catalogue (domain.md): one rule per code, one module per theme.

A rule is a function ``(programme, at, params) -> Iterable[Alert]`` registered with
:func:`rule`; adding a rule is one function and one test table. The registry stamps each
alert with its rule's code and theme, and :func:`evaluate` runs the rules that apply to the
programme (PNRU or NPNRU).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date
from functools import wraps

from opc_excel.model import Alert, Level, Params, Programme, ProgrammeKind, Theme

RuleFunction = Callable[[Programme, date, Params], Iterable[Alert]]
BOTH = frozenset(ProgrammeKind)


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    theme: Theme
    check: RuleFunction
    programmes: frozenset[ProgrammeKind] = BOTH

    @property
    def description(self) -> str:
        return (self.check.__doc__ or "").strip()


RULES: dict[str, Rule] = {}
# code -> {fired?: an example finding}: what each rule has been seen to do in this process. The
# catalogue's self-check (tests/test_catalogue.py) reads it after the rule tests have run.
OBSERVED: defaultdict[str, dict[bool, str]] = defaultdict(dict)


def rule(code: str, theme: Theme, *, programmes: Iterable[ProgrammeKind] = BOTH) -> Callable[[RuleFunction],
                                                                                            RuleFunction]:
    """Register the decorated function as the rule of ``code``."""
    def register(check: RuleFunction) -> RuleFunction:
        if code in RULES:
            raise ValueError(f"alert code {code} registered twice")

        @wraps(check)
        def run(p: Programme, at: date, params: Params) -> list[Alert]:
            alerts = list(check(p, at, params))
            OBSERVED[code].setdefault(bool(alerts), alerts[0].finding if alerts else "")
            return alerts

        RULES[code] = Rule(code, theme, run, frozenset(programmes))
        return run
    return register


_THEME_ORDER = {theme: i for i, theme in enumerate(Theme)}
_LEVEL_ORDER = {Level.ROUGE: 0, Level.ORANGE: 1}


def evaluate(programme: Programme, rules: Iterable[Rule] | None = None) -> list[Alert]:
    """Return every alert of the programme at its date de situation: red first, then by theme and code."""
    _load_catalogue()
    alerts = []
    for registered in rules if rules is not None else RULES.values():
        if programme.params.programme not in registered.programmes:
            continue
        for alert in registered.check(programme, programme.at, programme.params):
            alerts.append(replace(alert, code=registered.code, theme=registered.theme))
    return sorted(alerts, key=lambda a: (_LEVEL_ORDER[a.severity], _THEME_ORDER[a.theme], a.code,
                                         a.operation_id or a.action_id or "", a.milestone or ""))


def _load_catalogue() -> None:
    """Import the theme modules, whose decorators fill :data:`RULES`."""
    from opc_excel.alerts import calendrier, financier, gouvernance, habitat, social  # noqa: F401
