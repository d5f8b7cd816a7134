"""Decisions asked of a meeting: question, recommendation, who decides, who acts, by when, what is at stake.

Built from the ranked points durs (:mod:`opc_excel.compute.points_durs`), one decision per point dur at most,
plus one decision for all the changes an avenant must carry (GOV-04). Each kind of decision goes to the
meeting that can take it (domain.md, "From alerts to points durs"):

- **avenant** (GOV-04), **subsidy beyond the engagement horizon** (FIN-11) or **beyond the envelope**
  (FIN-13), **a lapsed subsidy** (FIN-07): the comité de pilotage and the revue de projet — they
  commit the porteur de projet before the ANRU;
- **a subsidy about to lapse** (FIN-05): start the works or ask for an extension — the point mensuel,
  the comité de suivi and the financial réunion restreinte, and the COPIL when it lapses before the next one;
- **households to rehouse before a demolition**: the comité de suivi, the point mensuel and the social
  réunion restreinte (the landlord and the MOUS act);
- **a slip not carried by an avenant**: validate a catch-up schedule — point mensuel, comité de suivi,
  technical réunion restreinte;
- **a decision overdue** (GOV-03 red: after the postponements the workbook allows): settle it in the
  meeting that took it, or in the COPIL.

The question states the facts (never « arbitrer l'action » about an action that says « arbitrer »), the
recommendation is the rule's measure, the deadline a date (the lapse date, the engagement horizon, the
demolition start, else the next meeting of that kind or three months after the séance).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from opc_excel.compute.points_durs import PointDur, Stake
from opc_excel.compute.schedule import add_months
from opc_excel.fr import fr_date
from opc_excel.model import Level
from opc_excel.read import contract
from opc_excel.situation.facts import Facts
from opc_excel.situation.formats import plural
from opc_excel.situation.meeting import Meeting, planned_date
from opc_excel.situation.schedule import AVENANT_CODE, avenant_candidates
from opc_excel.text import NAME_CAP, shorten

STRATEGIC = frozenset({"copil", "revue-projet"})
OPERATIONAL = frozenset({"point-mensuel", "comite-suivi"})
MAX_DECISIONS = 6
SPONSOR = "Porteur de projet"


@dataclass(frozen=True, slots=True)
class Decision:
    """One decision asked of a meeting; ``rank`` is the point dur's (0 for the avenant, taken first)."""

    question: str
    recommendation: str
    decides: str
    acts: str
    due: date | None
    stake: str
    rank: int
    severity: Level = Level.ROUGE
    themes: tuple[str, ...] = ()  # the réunions restreintes that may take it: technique, financiere, sociale


def _where(point: PointDur) -> str:
    return f"{point.operation_id} — {shorten(point.label, NAME_CAP)}" if point.operation_id else point.label


def _measure(point: PointDur, codes: tuple[str, ...]) -> str:
    return next((a.measure for code in codes for a in point.alerts if a.code == code), point.alerts[0].measure)


def _next(data: Facts, meeting: Meeting) -> date:
    """Return the next meeting of that kind after the séance, else three months after it."""
    planned = planned_date(data.params, meeting.kind)
    return planned if planned is not None and planned > meeting.day else add_months(meeting.day, 3)


def _lapse(data: Facts, point: PointDur) -> date | None:
    op = data.programme.operation(point.operation_id) if point.operation_id else None
    das = op.milestone(contract.DAS) if op is not None else None
    return add_months(das.actual, data.params.lapse_months) if das is not None and das.actual else None


def _demolition_start(data: Facts, point: PointDur) -> date | None:
    op = data.programme.operation(point.operation_id) if point.operation_id else None
    start = op.milestone(contract.WORKS_START) if op is not None else None
    return (start.forecast or start.baseline) if start is not None and start.actual is None else None


def _stakes_of(point: PointDur) -> list[Stake]:
    """Return the kinds of stake ``point`` shows, the one it ranks by first."""
    present = {Stake.SUBSIDY: point.subsidy, Stake.HOUSEHOLDS: point.households, Stake.SLIP: point.slip_months,
               Stake.DECISIONS: point.overdue_days}
    return [point.kind] + [k for k, v in present.items() if v is not None and k is not point.kind]


def _for_point(data: Facts, point: PointDur, meeting: Meeting) -> Decision | None:
    """Return the decision ``point`` asks of ``meeting``: for the first of its stakes that meeting can settle."""
    for stake in _stakes_of(point):
        decision = _for_stake(data, point, stake, meeting)
        if decision is not None and (meeting.theme is None or meeting.theme in decision.themes):
            return decision
    return None


def _for_stake(data: Facts, point: PointDur, stake_kind: Stake, meeting: Meeting) -> Decision | None:
    """Return the decision the stake ``stake_kind`` of ``point`` asks of ``meeting``, or None when it cannot take it."""
    codes = set(point.codes)
    where, owner, kind = _where(point), point.owner or "Maître d'ouvrage", meeting.kind
    stake = " ; ".join((point.reason, *point.others))
    base = {"decides": meeting.decider, "stake": stake, "rank": point.rank, "severity": point.severity}
    if stake_kind is Stake.SUBSIDY and "FIN-13" in codes:
        if kind not in STRATEGIC:
            return None
        return Decision("Subventions ANRU au-delà de l'enveloppe : quelles opérations réduire ou redéployer ?",
                        _measure(point, ("FIN-13",)), acts=SPONSOR, due=_next(data, meeting),
                        themes=("financiere",), **base)
    if stake_kind is Stake.SUBSIDY and "FIN-11" in codes:
        if kind not in STRATEGIC:
            return None
        deadline = data.params.engagement_deadline
        return Decision(f"{where} : engager avant la date limite ou redéployer la subvention par avenant ?",
                        _measure(point, ("FIN-11",)), acts=f"{owner} ; {SPONSOR} pour l'avenant",
                        due=deadline if deadline and deadline > meeting.day else _next(data, meeting),
                        themes=("financiere",), **base)
    if stake_kind is Stake.SUBSIDY and codes & {"FIN-05", "FIN-07"}:
        lapse = _lapse(data, point)
        lapsed = "FIN-07" in codes or (lapse is not None and lapse <= meeting.day)
        soon = lapse is not None and lapse <= _next(data, meeting)
        if lapsed and kind not in STRATEGIC | OPERATIONAL:
            return None
        if not lapsed and kind in STRATEGIC and not soon:
            return None
        if lapsed:
            return Decision(f"{where} : subvention caduque — demander une nouvelle DAS ou reverser l'avance ?",
                            _measure(point, ("FIN-07", "FIN-05")), acts=f"{owner} ; {SPONSOR} auprès de l'ANRU",
                            due=_next(data, meeting), themes=("financiere",), **base)
        return Decision(f"{where} : démarrer les travaux avant le {fr_date(lapse)} ou demander la prorogation "
                        f"de la DAS ?" if lapse else f"{where} : démarrer les travaux ou demander la prorogation ?",
                        _measure(point, ("FIN-05",)), acts=owner, due=add_months(lapse, -2) if lapse else None,
                        themes=("financiere", "technique"), **base)
    if stake_kind is Stake.HOUSEHOLDS:
        if kind in STRATEGIC:
            return None
        start = _demolition_start(data, point)
        left = plural(point.households or 0, "ménage encore à reloger", "ménages encore à reloger")
        return Decision(f"{where} : {left} — tenir la date de démolition"
                        f"{f' du {fr_date(start)}' if start else ''} ou la reporter ?",
                        _measure(point, ("CAL-05", "HAB-06", "HAB-03")),
                        acts=f"{owner} et la MOUS relogement", due=start, themes=("sociale",), **base)
    if stake_kind is Stake.SLIP and AVENANT_CODE not in codes:
        if kind in STRATEGIC:
            return None
        return Decision(f"{where} : {point.reason} — valider le planning de rattrapage ?",
                        _measure(point, ("CAL-02", "CAL-01")), acts=owner, due=_next(data, meeting),
                        themes=("technique",), **base)
    if stake_kind is Stake.DECISIONS and point.severity is Level.ROUGE:
        ids = [a.action_id for a in point.alerts if a.code == "GOV-03"]
        actions = [a for a in data.programme.actions if a.id in ids]
        if not actions or (kind not in STRATEGIC and not any(_same_instance(a.instance, meeting) for a in actions)):
            return None
        first = actions[0]
        subject = shorten(first.subject or first.decision, NAME_CAP)
        return Decision(f"Action {first.id} « {subject} » : {point.reason} — la maintenir avec une échéance ferme, "
                        f"la confier à un autre responsable ou l'abandonner ?",
                        "Fixer une échéance ferme et un responsable, ou l'abandonner en le consignant au relevé",
                        acts=first.owner or "Responsable de l'action", due=_next(data, meeting),
                        themes=(meeting.theme,) if meeting.theme else (), **base)
    return None


def _same_instance(instance: str | None, meeting: Meeting) -> bool:
    return bool(instance) and instance.casefold().startswith(meeting.label.casefold())


def _avenant(data: Facts, meeting: Meeting) -> Decision | None:
    """Return the one decision for every change an avenant must carry (GOV-04), for the COPIL and the revue."""
    candidates = avenant_candidates(data)
    if not candidates or meeting.kind not in STRATEGIC:
        return None
    ids = [a.operation_id for a in candidates if a.operation_id]
    shown = ", ".join(ids[:4]) + (f" et {plural(len(ids) - 4, 'autre')}" if len(ids) > 4 else "")
    return Decision(
        f"Engager la préparation d'un avenant pour {plural(len(candidates), 'changement')} qu'aucun avenant "
        f"en préparation ne porte ({shown}) ?",
        "Inscrire ces opérations dans un avenant en préparation (feuille Avenants, statut « En préparation ») et "
        "en arrêter le contenu avec l'ANRU",
        decides=meeting.decider, acts=SPONSOR, due=add_months(meeting.day, 3),
        stake=f"{plural(len(candidates), 'changement')} au-delà des seuils de la convention non contractualisé"
              f"{'s' if len(candidates) > 1 else ''}",
        rank=0, severity=Level.ORANGE, themes=("technique", "financiere"))


def decisions(data: Facts, meeting: Meeting, limit: int = MAX_DECISIONS) -> list[Decision]:
    """Return up to ``limit`` decisions ``meeting`` can take, the avenant first, then by the points durs' rank."""
    found = [d for d in (_avenant(data, meeting),) if d is not None]
    for point in data.points_durs:
        if meeting.themes and not any(a.theme in meeting.themes for a in point.alerts):
            continue
        decision = _for_point(data, point, meeting)
        if decision is not None:
            found.append(decision)
    return found[:limit]


def count_for(data: Facts, meeting: Meeting) -> int:
    """Return how many decisions ``meeting`` could take (before the cap of the slide)."""
    return len(decisions(data, meeting, limit=len(data.points_durs) + 1))
