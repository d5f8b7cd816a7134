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
from opc_excel.compute.schedule import delivered, works_started
from opc_excel.fr import fr_date, fr_months, fr_number, fr_percent
from opc_excel.model import Level, ProgrammeKind
from opc_excel.read import contract
from opc_excel.situation.facts import Facts
from opc_excel.situation.formats import hours, maybe_date, pct, plural, signed_months, signed_pct, signed_points
from opc_excel.situation.schedule import live_operations, remaining_households
from opc_excel.situation.selections import (
    RECONSTITUTION,
    recent_housing_target,
    reconstitution_goal,
    reconstitution_target,
)
from opc_excel.text import match_key
from opc_excel.words import programme_word

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

    result.append(_calendar(data, codes))

    result.append(_engagement(data, codes))

    result.append(_reconstitution(data, codes))
    if params.programme is ProgrammeKind.NPNRU:
        result.extend(_npnru(data, codes))

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
        f"{plural(r.new_or_recent, 'ménage')} sur {fr_number(r.known_destination)} relogés ({pct(new_pct)}) ; "
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


def _ids(alerts: list, most: int = 4) -> str:
    ids = [a.operation_id for a in alerts if a.operation_id]
    more = len(ids) - most
    return ", ".join(ids[:most]) + (f" et {plural(more, 'autre')}" if more > 0 else "")


def _calendar(data: Facts, codes: dict[str, list]) -> Commitment:
    """Calendrier: the deliveries still to come counted by CAL-02 itself (one figure, one value with the alerts).

    A slip is counted from the orange threshold reached on its day (``current ≥ baseline + seuil``: a slip of
    exactly 12 months is « d'au moins 12 mois »), delivered operations left out as CAL-02 leaves them out; the
    figure that decides the verdict comes first.
    """
    ind, params = data.indicators, data.params
    cal02, cal03 = codes["CAL-02"], codes["CAL-03"]
    red02 = [a for a in cal02 if a.severity is Level.ROUGE]
    months = {s.operation_id: s.vs_baseline_months for s in ind.slips
              if s.milestone == contract.DELIVERY and s.vs_baseline_months is not None}
    worst = max(cal02, key=lambda a: months.get(a.operation_id or "", 0), default=None)
    slipping = (f"{plural(len(cal02), 'livraison à venir', 'livraisons à venir')} en glissement d'au moins "
                f"{fr_months(params.delay_orange_months)} sur la date contractuelle (avenant, sinon convention), "
                f"dont {fr_number(len(red02))} d'au moins {fr_months(params.delay_red_months)}")
    if worst is not None and worst.operation_id in months:
        slipping += f" ; le plus fort : {signed_months(months[worst.operation_id])} ({worst.operation_id})"
    after = (f"{plural(len(cal03), 'livraison prévue', 'livraisons prévues')} après la fin de la convention le "
             f"{maybe_date(params.end_date)} ({_ids(cal03)})")
    if cal03:
        return Commitment("Calendrier de la convention", ECART, f"{after} ; {slipping}",
                          "Jalons ; alertes CAL-02, CAL-03")
    status = (VIGILANCE if cal02 else NON_MESURE if not ind.slips
              else ATTEINT if all(delivered(op, data.at) for op in live_operations(data)) else CONFORME)
    return Commitment("Calendrier de la convention", status, slipping, "Jalons ; alertes CAL-02, CAL-03")


def _engagement(data: Facts, codes: dict[str, list]) -> Commitment:
    """Engagement: écart on a lapsed subsidy with an advance to repay (FIN-07), vigilance when FIN-09 fires.

    FIN-09 compares the same two figures the evidence shows (engaged and planned at date), so a verdict of
    vigilance always stands beside an engagement behind the calendar, never ahead of it.
    """
    ind = data.indicators
    engaged, planned, gap = ind.anru.engaged_pct, ind.planned_engagement_pct, ind.engagement_gap_points
    fin07, fin09 = codes["FIN-07"], codes["FIN-09"]
    pace = ("en avance sur" if gap is not None and round(gap) > 0 else "en retard sur"
            if gap is not None and round(gap) < 0 else "au niveau de")
    figures = (f"engagé {pct(engaged)} pour {pct(planned)} prévus à date ({signed_points(gap)}, {pace} "
               f"l'engagement prévu)" if gap is not None else f"engagé {pct(engaged)}")
    if fin07:
        evidence = (f"{plural(len(fin07), 'subvention caduque', 'subventions caduques')} avec avance à rembourser "
                    f"({_ids(fin07)}) : à reprogrammer par avenant ; par ailleurs {figures}")
        status = ECART
    else:
        evidence = figures[0].upper() + figures[1:]
        status = (VIGILANCE if fin09 else NON_MESURE if engaged is None
                  else ATTEINT if engaged >= 100 else CONFORME)
    return Commitment("Engagement de la subvention ANRU", status, evidence,
                      "Financements, Jalons ; alertes FIN-07, FIN-09")


def _reconstitution(data: Facts, codes: dict[str, list]) -> Commitment:
    """Reconstitution judged against the contracted target (else 1 pour 1), the share of it programmed shown.

    The ratio beside the verdict is rebuilt ÷ target, the figure the verdict reads: never a 1-for-1 ratio of
    44 % beside a verdict that reads the convention's own, lower target.
    """
    rec = data.indicators.reconstitution
    target = reconstitution_target(data)  # what the convention contracted, else 1 pour 1 (HAB-01)
    share = target / rec.demolished_planned if rec.demolished_planned else 1
    hab01 = codes["HAB-01"]
    status = (NON_MESURE if not rec.demolished_planned else ECART if rec.rebuilt_planned < target
              else VIGILANCE if hab01 or rec.rebuilt_started < rec.demolished_started * min(1, share)
              else ATTEINT if rec.rebuilt_delivered >= target else CONFORME)
    of_target = f" ({pct(100 * rec.rebuilt_planned / target)} de l'objectif)" if target else ""
    missing = (f", il manque {plural(target - rec.rebuilt_planned, 'logement')}"
               if rec.rebuilt_planned < target else "")
    evidence = (f"{plural(rec.rebuilt_planned, 'logement reconstitué', 'logements reconstitués')} programmés pour "
                f"{fr_number(target)} contractés{of_target}{missing} — {reconstitution_goal(data)}, "
                f"{fr_number(rec.demolished_planned)} démolis ; démarrés : {fr_number(rec.rebuilt_started)} "
                f"pour {fr_number(rec.demolished_started)} démolis démarrés"
                + (" ; rythme en retard sur les démolitions (HAB-01)" if any(
                    a.milestone == "Démarrages" for a in hab01) else ""))
    return Commitment(RECONSTITUTION, status, evidence, "Opérations, Jalons, Paramètres ; alerte HAB-01")


def _npnru(data: Facts, codes: dict[str, list]) -> list[Commitment]:
    """NPNRU only: the PLAI share of the reconstitution and its site outside the QPV, as HAB-02 judges them.

    - *Part de PLAI*: écart when HAB-02 fires on the share (below the minimum: the programming or a
      derogation, by avenant); else atteint once every reconstitution is delivered, conforme before; the
      share is HAB-02's (operations with a derogation or an unknown figure left out).
    - *Reconstitution hors QPV*: écart when an operation is rebuilt in the district without derogation and
      its works have started or it is delivered (the site can no longer change); vigilance when HAB-02 fires
      on one not yet started (a site to find before the marchés); else atteint / conforme as above.
    """
    params, at = data.params, data.at
    hab02 = codes["HAB-02"]
    ops = [op for op in live_operations(data)
           if op.famille and match_key(op.famille) == match_key(contract.RECONSTITUTION)]
    undelivered = [op for op in ops if not delivered(op, at)]
    kept = [op for op in ops if op.anru_derogation is not True]
    counted = [op for op in kept if op.plai_units is not None and op.quantity_convention is not None]
    total = sum(op.quantity_convention for op in counted)
    plai = sum(op.plai_units for op in counted)
    low = [a for a in hab02 if a.milestone == "PLAI"]
    share_status = (NON_MESURE if not total else ECART if low else CONFORME if undelivered else ATTEINT)
    share = Commitment(
        "Part de PLAI dans la reconstitution", share_status,
        (f"{pct(100 * plai / total)} de PLAI ({plural(plai, 'logement')} sur {fr_number(total)}) pour un minimum "
         f"de {fr_percent(params.plai_share_min_pct)}" if total else "Logements PLAI non renseignés (Opérations)")
        + (" : revoir la programmation ou solliciter une dérogation de l'ANRU" if low else ""),
        "Opérations ; alerte HAB-02")
    outside = programme_word(params.programme, "hors quartier")
    known = [op for op in kept if op.outside_qpv is not None]
    inside = [op for op in known if op.outside_qpv is False]
    fixed = [op for op in inside if delivered(op, at) or works_started(op, at)]
    site_status = (NON_MESURE if not known else ECART if fixed else VIGILANCE if inside
                   else CONFORME if undelivered else ATTEINT)
    names = ", ".join(op.id for op in inside[:4]) + (f" et {plural(len(inside) - 4, 'autre')}"
                                                      if len(inside) > 4 else "")
    site = Commitment(
        f"Reconstitution {outside}", site_status,
        (f"{plural(len(known) - len(inside), 'opération')} sur {fr_number(len(known))} renseignées {outside}"
         + (f" ; dans le quartier sans dérogation : {names}"
            + (f" (dont {fr_number(len(fixed))} démarrée{'s' if len(fixed) > 1 else ''} ou livrée"
               f"{'s' if len(fixed) > 1 else ''})" if fixed else "") if inside else "")
         if known else f"Colonne {outside.capitalize()} non renseignée (Opérations)"),
        "Opérations ; alerte HAB-02")
    return [share, site]
