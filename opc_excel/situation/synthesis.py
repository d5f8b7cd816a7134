"""The synthesis every deck opens on: three messages, the key figures with their trend since the previous situation.

**Messages**, each a finding with its figure, in this order:

1. ANRU engagement against the calendar of the DAS (the planned S-curve): « Engagement ANRU : 6 points
   sous le calendrier des DAS (76 % engagés pour 83 % prévus) »;
2. the points durs: how many, how many red, and the first with the reason of its rank;
3. the launches in the horizon that something blocks, else the changes an avenant must carry (GOV-04),
   else the households still to rehouse.

**Key figures** (six tiles): ANRU engaged and paid, weighted progress, households rehoused, insertion
hours, red alerts — each with its value at the previous date de situation of *Historique* and the
difference (« +4,8 pts depuis le 30/06/2011 »). Values are the indicators', trends read from the
*Historique* row of the previous situation: the same figures as the *Tableau de bord* and every slide.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from opc_excel.compute.indicators import Indicators
from opc_excel.fr import fr_date, fr_number
from opc_excel.model import Level
from opc_excel.read.history import AT_HEADER
from opc_excel.situation.facts import Facts
from opc_excel.situation.formats import meur, pct, plural
from opc_excel.situation.schedule import avenant_candidates, launch_blockers, launches_within, remaining_households
from opc_excel.situation.selections import kpi_status
from opc_excel.text import NAME_CAP, shorten


@dataclass(frozen=True, slots=True)
class Message:
    text: str
    status: str | None  # rouge, orange, vert or None


@dataclass(frozen=True, slots=True)
class KeyFigure:
    """A tile: its label, its value as written, a line under it, the trend in words, its status colour."""

    label: str
    value: str
    detail: str
    trend: str
    status: str | None


def _engagement(data: Facts) -> Message:
    ind, params = data.indicators, data.params
    engaged, planned, gap = ind.anru.engaged_pct, ind.planned_engagement_pct, ind.engagement_gap_points
    if engaged is None:
        return Message("Engagement ANRU non mesuré : aucune ligne ANRU dans la feuille Financements", None)
    if gap is None or planned is None:
        return Message(f"Engagement ANRU : {pct(engaged)} de la subvention engagés", None)
    points = plural(round(abs(gap)), "point")
    if round(gap) < 0:
        head = f"Engagement ANRU : {points} sous le calendrier des DAS"
    elif round(gap) > 0:
        head = f"Engagement ANRU : {points} au-dessus du calendrier des DAS"
    else:
        head = "Engagement ANRU conforme au calendrier des DAS"
    status = kpi_status(engaged, planned, params.engagement_gap_orange_points, params.engagement_gap_red_points)
    behind = round(gap) < 0
    return Message(f"{head} ({pct(engaged)} engagés pour {pct(planned)} prévus)",
                   (None if status == "vert" else status) if behind else "vert")


def _points_durs(data: Facts) -> Message:
    points = data.points_durs
    if not points:
        return Message("Aucun point dur : pas d'alerte en cours", "vert")
    red = sum(p.severity is Level.ROUGE for p in points)
    first = points[0]
    where = f"{first.operation_id} ({shorten(first.label, NAME_CAP)})" if first.operation_id else first.label
    return Message(f"{plural(len(points), 'point dur', 'points durs')} dont {fr_number(red)} "
                   f"rouge{'s' if red > 1 else ''} ; le premier, {where} : {first.reason}",
                   "rouge" if red else "orange")


def _third(data: Facts) -> Message:
    horizon = data.params.launch_horizon_months
    launches = launches_within(data, horizon)
    blocked = [t for t in launches if launch_blockers(data, t)]
    if blocked:
        return Message(f"{plural(len(blocked), 'opération')} à lancer d'ici {fr_number(horizon)} mois sur "
                       f"{fr_number(len(launches))} {'sont bloquées' if len(blocked) > 1 else 'est bloquée'} "
                       f"(DAS, relogement, enchaînement ou financements)", "rouge")
    candidates = avenant_candidates(data)
    if candidates:
        return Message(f"{plural(len(candidates), 'changement')} à porter par un avenant, aucun en préparation",
                       "orange")
    left = remaining_households(data)
    hh = data.indicators.rehousing
    return Message(f"{plural(hh.rehoused, 'ménage relogé', 'ménages relogés')} sur {fr_number(hh.to_rehouse)} ; "
                   f"{plural(left, 'reste', 'restent')} à reloger", "vert" if not left else None)


def messages(data: Facts) -> list[Message]:
    """Return the three messages of the synthesis (see the module docstring)."""
    return [_engagement(data), _points_durs(data), _third(data)]


# label, Historique column, value from the indicators
Getter = Callable[[Indicators], float | None]
FIGURES: tuple[tuple[str, str, Getter], ...] = (
    ("Subvention ANRU engagée", "Taux d'engagement ANRU", lambda i: i.anru.engaged_pct),
    ("Subvention ANRU versée", "Taux de paiement ANRU", lambda i: i.anru.paid_of_amount_pct),
    ("Avancement pondéré", "Avancement global pondéré", lambda i: i.progress_pct),
    ("Ménages relogés", "Ménages relogés", lambda i: i.rehousing.rehoused_percent),
    ("Heures d'insertion réalisées / prévues", "Heures d'insertion réalisées / prévues",
     lambda i: i.insertion.done_of_planned_pct),
)
RED_ALERTS = "Alertes rouges"


def _previous(data: Facts) -> dict[str, object] | None:
    if data.since is None:
        return None
    return next((row for row in data.report.summary_history if row[AT_HEADER] == data.since), None)


def _trend_points(now: float | None, before: object, since: str) -> str:
    if now is None or not isinstance(before, int | float):
        return "pas de valeur précédente"
    diff = round(now - 100 * before, 1)
    if diff == 0:
        return f"stable depuis le {since}"
    sign = "+" if diff > 0 else "−"
    return f"{sign}{fr_number(abs(diff), 1)} pt{'s' if abs(diff) >= 2 else ''} depuis le {since}"


def key_figures(data: Facts) -> list[KeyFigure]:
    """Return the six tiles of the synthesis (see the module docstring)."""
    ind, params = data.indicators, data.params
    previous = _previous(data)
    since = fr_date(data.since) if data.since else ""
    details = {
        "Subvention ANRU engagée": (f"prévu {pct(ind.planned_engagement_pct)}",
                                    kpi_status(ind.anru.engaged_pct, ind.planned_engagement_pct,
                                               params.engagement_gap_orange_points,
                                               params.engagement_gap_red_points)),
        "Subvention ANRU versée": (f"{meur(ind.anru.paid)} sur {meur(ind.anru.amount)}", None),
        "Avancement pondéré": (f"prévu {pct(ind.planned_progress_pct)}", None),
        "Ménages relogés": (f"{fr_number(ind.rehousing.rehoused)} sur {fr_number(ind.rehousing.to_rehouse)}", None),
        "Heures d'insertion réalisées / prévues": (f"{fr_number(ind.insertion.insertion_done)} h réalisées", None),
    }
    engaged = details["Subvention ANRU engagée"]
    if engaged[1] == "vert" and (ind.engagement_gap_points or 0) < -0.5:  # behind, within tolerance: not green
        details["Subvention ANRU engagée"] = (engaged[0], None)
    tiles = []
    for label, column, get in FIGURES:
        value = get(ind)
        detail, status = details[label]
        trend = _trend_points(value, previous.get(column), since) if previous else "pas de situation précédente"
        tiles.append(KeyFigure(label, pct(value), detail, trend, status))
    red = sum(a.severity is Level.ROUGE for a in data.alerts)
    before = previous.get(RED_ALERTS) if previous else None
    if isinstance(before, int | float):
        diff = red - int(before)
        trend = (f"{'+' if diff > 0 else '−'}{fr_number(abs(diff))} depuis le {since}" if diff
                 else f"stable depuis le {since}")
    else:
        trend = "pas de situation précédente"
    orange = sum(a.severity is Level.ORANGE for a in data.alerts)
    tiles.append(KeyFigure(RED_ALERTS, fr_number(red), f"et {fr_number(orange)} orange", trend,
                           "rouge" if red else "vert"))
    return tiles
