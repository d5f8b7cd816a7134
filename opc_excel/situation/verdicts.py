"""The revue de projet's verdicts and the tableau financier's three cost levels.

Each commitment of the convention is *Atteint* (met, and nothing is left to do at the date de situation),
*Conforme* (on track, not finished), *Vigilance* (behind, still recoverable before the end of the convention),
*Écart à traiter (avenant)* (a gap the convention as signed can no longer absorb: an avenant has to settle it)
or *Non mesuré* (nothing in the workbook to measure it by) — never "non tenu", which reads as a breach
(domain.md). The rule of each commitment is in :mod:`opc_excel.render.decks.revue_projet`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from opc_excel.compute.indicators.habitat import rehousing
from opc_excel.compute.schedule import delivered
from opc_excel.fr import fr_date, fr_months, fr_number, fr_percent
from opc_excel.model import Level
from opc_excel.read import contract
from opc_excel.situation.facts import Facts
from opc_excel.situation.formats import hours, maybe_date, pct, plural, signed_months, signed_pct
from opc_excel.situation.schedule import live_operations, remaining_households
from opc_excel.situation.selections import (
    RECONSTITUTION,
    recent_housing_target,
    reconstitution_goal,
    reconstitution_target,
)
from opc_excel.text import match_key

ATTEINT, CONFORME, VIGILANCE, ECART, NON_MESURE = (
    "Atteint", "Conforme", "Vigilance", "Écart à traiter (avenant)", "Non mesuré")
VERDICTS = (ATTEINT, CONFORME, VIGILANCE, ECART, NON_MESURE)


@dataclass(frozen=True, slots=True)
class FinanceLevels:
    """Costs of a famille at the three levels: convention, après avenants, actualisé (see the module doc)."""

    famille: str
    convention: float
    amended: float
    current: float
    drift_pct: float | None

    @property
    def to_validate(self) -> float:
        """Return the drift no avenant covers yet: actualisé − après avenants."""
        return self.current - self.amended


def amended_ids(data: Facts) -> set[str]:
    """Return the ids of the operations named in an avenant (*Opérations concernées*)."""
    return {i for a in data.programme.amendments for i in a.operation_ids}


def finance_levels(data: Facts) -> list[FinanceLevels]:
    """Return the cost levels of each famille, in the order of the indicators' ``cost_drift_by_famille``.

    Convention and actualisé are the indicators'; après avenants sums the same operations (non-abandoned,
    with a convention cost) taking the actualisé of those named in an avenant, the convention of the others.
    """
    touched = amended_ids(data)
    amended: dict[str, float] = defaultdict(float)
    for op in live_operations(data):
        if op.cost_convention is None or op.famille is None:
            continue
        amended[op.famille] += op.cost if op.id in touched else op.cost_convention
    return [FinanceLevels(d.key, d.convention, amended[d.key], d.current, d.drift_pct)
            for d in data.indicators.cost_drift_by_famille]


@dataclass(frozen=True, slots=True)
class Commitment:
    name: str
    status: str  # one of VERDICTS
    evidence: str
    source: str


def commitments(data: Facts) -> list[Commitment]:
    """Return the convention's commitments with their status, by the rules of the module docstring."""
    ind, params, alerts = data.indicators, data.params, data.alerts
    codes: dict[str, list] = defaultdict(list)
    for alert in alerts:
        codes[alert.code].append(alert)
    result = []

    cal02, cal03 = codes["CAL-02"], codes["CAL-03"]
    red02 = sum(a.severity is Level.ROUGE for a in cal02)
    worst = max((f.delivery_max_months for f in ind.slips_by_famille if f.delivery_max_months is not None),
                default=None)
    result.append(Commitment(
        "Calendrier de la convention",
        ECART if cal03 else VIGILANCE if cal02 else NON_MESURE if not ind.slips
        else ATTEINT if all(delivered(op, data.at) for op in live_operations(data)) else CONFORME,
        f"{plural(len(cal02), 'livraison')} à plus de {fr_months(params.delay_orange_months)} de la date "
        f"contractuelle (avenant, sinon convention) "
        f"(dont {fr_number(red02)} à plus de {fr_months(params.delay_red_months)}) ; glissement maximal "
        f"{signed_months(worst)} ; {plural(len(cal03), 'opération')} finissant après le {maybe_date(params.end_date)}",
        "Jalons ; alertes CAL-02, CAL-03"))

    gap = ind.engagement_gap_points
    behind = gap is not None and -gap >= params.engagement_gap_orange_points
    fin07 = codes["FIN-07"]
    result.append(Commitment(
        "Engagement de la subvention ANRU",
        ECART if fin07 else VIGILANCE if behind else NON_MESURE if ind.anru.engaged_pct is None
        else ATTEINT if ind.anru.engaged_pct >= 100 else CONFORME,
        f"Engagé {pct(ind.anru.engaged_pct)} pour {pct(ind.planned_engagement_pct)} prévus à date "
        f"(écart {signed_pct(gap, 'points')}) ; {plural(len(fin07), 'avance')} à rembourser (caducité)",
        "Financements, Jalons ; alertes FIN-07, FIN-09"))

    rec = ind.reconstitution
    target = reconstitution_target(data)  # what the convention contracted, else 1 pour 1 (HAB-01)
    share = target / rec.demolished_planned if rec.demolished_planned else 1
    result.append(Commitment(
        RECONSTITUTION,
        NON_MESURE if not rec.demolished_planned else ECART if rec.rebuilt_planned < target
        else VIGILANCE if codes["HAB-01"] or rec.rebuilt_started < rec.demolished_started * min(1, share)
        else ATTEINT if rec.rebuilt_delivered >= target else CONFORME,
        f"{fr_number(rec.rebuilt_planned)} logements reconstitués programmés pour {fr_number(rec.demolished_planned)}"
        f" démolis, {reconstitution_goal(data)} ; démarrés : {fr_number(rec.rebuilt_started)} pour "
        f"{fr_number(rec.demolished_started)} démolis démarrés",
        "Opérations, Jalons, Paramètres ; alerte HAB-01"))

    r = ind.rehousing
    remaining = remaining_households(data)
    stranded = [op.id for op in live_operations(data)
                if op.famille and match_key(op.famille) == match_key(contract.DEMOLITION)
                and delivered(op, data.at) and _still_to_rehouse(data, op.id)]
    behind_rehousing = codes["HAB-03"] + codes["CAL-05"]
    result.append(Commitment(
        "Relogement de tous les ménages",
        NON_MESURE if not r.to_rehouse else ECART if stranded else VIGILANCE if behind_rehousing
        else CONFORME if remaining else ATTEINT,
        f"{fr_number(r.rehoused)} relogés sur {fr_number(r.to_rehouse)} ({pct(r.rehoused_percent)}), "
        f"{fr_number(remaining)} restant à reloger, {fr_number(r.temporary)} en temporaire"
        + (f" ; démolition livrée avec des ménages à reloger : {', '.join(stranded)}" if stranded else "")
        + (f" ; {plural(len(behind_rehousing), 'alerte')} HAB-03 ou CAL-05" if behind_rehousing else ""),
        "Relogement ; alertes HAB-03, CAL-05"))

    target = params.rehousing_recent_target_pct
    new_pct = r.new_or_recent_percent
    result.append(Commitment(
        "Relogement dans le neuf ou récent",
        NON_MESURE if new_pct is None or target is None else _reached(new_pct >= target, remaining),
        f"{fr_number(r.new_or_recent)} ménages sur {fr_number(r.known_destination)} relogés ({pct(new_pct)}) ; "
        f"{recent_housing_target(data)}",
        "Relogement ; Paramètres"))

    change = r.median_rest_to_pay_change_pct
    result.append(Commitment(
        "Reste à charge des ménages",
        NON_MESURE if change is None else _reached(change <= params.rest_to_pay_increase_pct, remaining),
        f"Évolution médiane {signed_pct(change)} pour une hausse tolérée de "
        f"{fr_percent(params.rest_to_pay_increase_pct)}",
        "Relogement ; Paramètres"))

    ins = ind.insertion
    short = ins.done_of_target_pct is not None and ins.done_of_target_pct < 100
    works_done = ins.works_progress_pct is not None and ins.works_progress_pct >= 100
    result.append(Commitment(
        "Insertion : heures réservées",
        NON_MESURE if ins.done_of_target_pct is None else _reached(not short, not works_done),
        f"{hours(ins.insertion_done)} réalisées, {pct(ins.done_of_target_pct)} de l'objectif de "
        f"{fr_percent(params.insertion_target_pct)} des {hours(ins.hours_worked)} travaillées ; travaux concernés "
        f"avancés à {pct(ins.works_progress_pct)}",
        "Insertion ; Paramètres ; alerte SOC-01"))

    soc02 = codes["SOC-02"]
    result.append(Commitment(
        "Gestion urbaine de proximité",
        VIGILANCE if soc02 else CONFORME if params.gup_end else NON_MESURE,
        soc02[0].finding if soc02 else f"Convention GUP en vigueur jusqu'au {fr_date(params.gup_end)}"
        if params.gup_end else "Date de fin de la convention GUP non renseignée (Paramètres)",
        "Paramètres ; alerte SOC-02"))
    return result


def _reached(within: bool, still_going: object) -> str:
    """Return the verdict of a target measured on what is done so far (rehousing, rest to pay, insertion).

    Within the target: *Conforme* while the work goes on (households left, works not delivered), *Atteint*
    once it is over. Off the target: *Vigilance* while the work goes on and can still bring it back,
    *Écart à traiter (avenant)* once it is over and nothing can.
    """
    if within:
        return CONFORME if still_going else ATTEINT
    return VIGILANCE if still_going else ECART


def _still_to_rehouse(data: Facts, operation_id: str) -> bool:
    r = rehousing(data.programme, operation_id)
    return r.to_rehouse - r.rehoused - r.temporary - r.left_without > 0
