"""Which alerts a meeting is shown: points durs, risks ranked, one code at a time, colours from alerts.

:func:`hard_points` is the selection the decks show today; the ranked points durs themselves are
``Facts.points_durs`` (:mod:`opc_excel.compute.points_durs`), computed once per session.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from opc_excel.fr import fr_number, fr_percent
from opc_excel.model import Alert, Level, Params
from opc_excel.situation.facts import Facts


def kpi_status(actual: float | None, planned: float | None, orange: float, red: float) -> str | None:
    """Return rouge/orange/vert from how far ``actual`` is behind ``planned`` (in points)."""
    if actual is None or planned is None:
        return None
    gap = planned - actual
    return "rouge" if gap >= red else "orange" if gap >= orange else "vert"


def one_code_at_a_time(alerts: Sequence[Alert], room: int) -> list[Alert]:
    """Return at most ``room`` alerts: the first of each code, then the second of each code…, in their order."""
    if len(alerts) <= room:
        return list(alerts)
    by_code: dict[str, list[Alert]] = {}
    for alert in alerts:
        by_code.setdefault(alert.code, []).append(alert)
    picked: set[int] = set()
    depth = 0
    while len(picked) < room:
        for group in by_code.values():
            if len(group) > depth and len(picked) < room:
                picked.add(id(group[depth]))
        depth += 1
    return [a for a in alerts if id(a) in picked]  # back in the order of the Alertes sheet


def slip_status(months: float | None, params: Params) -> str | None:
    """Return the colour of a slip of ``months``: rouge from *Seuil retard rouge*, orange from *Seuil retard orange*.

    A threshold is reached on its day, as CAL-02 fires: 12 months is red when the red threshold is 12, in the
    alerts and on every slide.
    """
    if months is None:
        return None
    return ("rouge" if months >= params.delay_red_months else
            "orange" if months >= params.delay_orange_months else None)


def severity_status(alerts: Iterable[Alert]) -> str:
    """Return « rouge » when any alert is red, « orange » when any is orange, else « vert »."""
    levels = {a.severity for a in alerts}
    return "rouge" if Level.ROUGE in levels else "orange" if Level.ORANGE in levels else "vert"


def alerts_of(data: Facts, codes: Iterable[str]) -> list[Alert]:
    codes = set(codes)
    return [a for a in data.alerts if a.code in codes]


MAX_HARD_POINTS = 32


HOUSEKEEPING_CODES = frozenset({"CAL-07", "CAL-08", "GOV-01", "GOV-02"})


def hard_points(data: Facts) -> tuple[list[Alert], list[Alert]]:
    """Return (alerts shown, alerts left out) for the points durs: see the module docstring."""
    candidates = [a for a in data.alerts if a.code not in HOUSEKEEPING_CODES]
    chosen: list[Alert] = []
    for level in (Level.ROUGE, Level.ORANGE):
        chosen += one_code_at_a_time([a for a in candidates if a.severity is level], MAX_HARD_POINTS - len(chosen))
    shown = set(map(id, chosen))
    return chosen, [a for a in data.alerts if id(a) not in shown]


def risk_groups(data: Facts) -> list[list[Alert]]:
    """Return the red alerts grouped by code, ranked: programme-level codes first, then by count, then code."""
    groups: dict[str, list[Alert]] = {}
    for alert in data.alerts:
        if alert.severity is Level.ROUGE:
            groups.setdefault(alert.code, []).append(alert)
    order = list(groups)  # the catalogue's order (the alerts come sorted by theme and code)

    def rank(code: str) -> tuple[int, int, int]:
        programme_level = any(a.operation_id is None and a.action_id is None for a in groups[code])
        return (0 if programme_level else 1, -len(groups[code]), order.index(code))

    return [groups[code] for code in sorted(groups, key=rank)]


def recent_housing_status(data: Facts) -> str | None:
    """Return the colour of the share rehoused in new or recently conventioned housing: HAB-04's verdict.

    Green when the share reaches the convention's target, orange below it; no colour when the share is
    unknown or the convention sets no target (*Objectif de relogement dans le neuf ou conventionné*).
    """
    share, target = data.indicators.rehousing.new_or_recent_percent, data.params.rehousing_recent_target_pct
    if share is None or target is None:
        return None
    return "vert" if share >= target else "orange"


def recent_housing_target(data: Facts) -> str:
    """Return the convention's target for new or recent housing as a deck says it: « objectif 25 % »."""
    target = data.params.rehousing_recent_target_pct
    return "pas d'objectif saisi" if target is None else f"objectif {fr_percent(target)}"


RECONSTITUTION = "Reconstitution de l'offre"


def reconstitution_target(data: Facts) -> float:
    """Return the dwellings to rebuild: what the convention (or latest avenant) contracted, else 1 pour 1 (HAB-01)."""
    target = data.params.reconstitution_target
    return data.indicators.reconstitution.demolished_planned if target is None else target


def reconstitution_goal(data: Facts) -> str:
    """Return the reconstitution target as a deck says it: « objectif de la convention : 392 logements »."""
    if data.params.reconstitution_target is None:
        return "objectif 1 pour 1 (aucun objectif de reconstitution saisi)"
    return f"objectif de la convention : {fr_number(data.params.reconstitution_target)} logements"
