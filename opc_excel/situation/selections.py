"""The colours and targets a meeting is shown: a KPI against its plan, a slip, a commitment from its alerts.

The ranked points durs are ``Facts.points_durs`` (:mod:`opc_excel.compute.points_durs`), computed once per session.
"""

from __future__ import annotations

from collections.abc import Iterable

from opc_excel.fr import fr_number, fr_percent
from opc_excel.model import Alert, Level, Params
from opc_excel.situation.facts import Facts


def kpi_status(actual: float | None, planned: float | None, orange: float, red: float) -> str | None:
    """Return rouge/orange/vert from how far ``actual`` is behind ``planned`` (in points)."""
    if actual is None or planned is None:
        return None
    gap = planned - actual
    return "rouge" if gap >= red else "orange" if gap >= orange else "vert"


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
