"""The registry of alert rules: :func:`rule` registers a function under its code and theme.

The theme modules decorate their rules with it; :mod:`opc_excel.compute.alerts` runs them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from functools import wraps

from opc_excel.model import Alert, Params, Programme, ProgrammeKind, Theme

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
