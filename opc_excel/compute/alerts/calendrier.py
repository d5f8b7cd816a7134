"""Alert rules of the theme calendrier (CAL-01 … CAL-08 but CAL-04): is each operation keeping its dates?

CAL-04, the sequencing of operations, is in :mod:`opc_excel.compute.alerts.enchainement`.

Shared choices, so that the rules read alike:

- the *planned* date of a milestone is its forecast (*Date prévisionnelle*), else its baseline
  (*Date avenant*, else *Date convention*); a milestone is *reached* when its actual date is on or
  before the date de situation;
- a threshold is reached on its day: "late by 6 months" holds from ``add_months(planned, 6)``;
- an unknown date (``None``) leaves the operation out of the rule: *Contrôles* already says why;
- abandoned operations never raise an alert, and a rule about something not yet done is quiet
  once it is done (works started, operation delivered: actual date or status *Livrée* / *Soldée*).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from opc_excel.compute.alerts.registry import rule
from opc_excel.compute.schedule import (
    add_months,
    delivered,
    is_abandoned,
    milestone_label,
    whole_months,
    works_started,
)
from opc_excel.fr import fr_date, fr_months, fr_number
from opc_excel.model import Alert, Level, Milestone, Operation, Params, Programme, Theme
from opc_excel.read import contract

IN_WORKS = "En travaux"
SOLDEE = "Soldée"
IN_PROGRESS_STATUSES = frozenset({"En études", "Engagée", IN_WORKS})
OBTENTION_PC = "Obtention PC"
CONTRACTS = "Attribution des marchés"
FAT = "FAT validée"
TO_REHOUSE = "À reloger"
TEMPORARY = "Relogement temporaire"
UNSECURED_FUNDING = ("Prévu", "Sollicité")

# CAL-06: milestone -> the milestones that must be reached before it (funding is checked apart).
PREREQUISITES: dict[str, tuple[str, ...]] = {
    contract.DAS: (FAT,),
    CONTRACTS: (OBTENTION_PC,),
    contract.WORKS_START: (OBTENTION_PC, CONTRACTS, contract.DAS),
    contract.DELIVERY: (contract.WORKS_START,),
}
# CAL-08: once an operation is delivered, these milestones are history; the later ones (balance) are not.
_JALONS = contract.DEFAULT_LISTS[contract.JALONS]
UP_TO_DELIVERY = frozenset(_JALONS[: _JALONS.index(contract.DELIVERY) + 1])


# ---------------------------------------------------------------- shared helpers

def _planned(milestone: Milestone | None) -> date | None:
    """Return the planned date: the forecast, else the baseline (avenant, else convention)."""
    if milestone is None:
        return None
    return milestone.forecast or milestone.baseline


def _reached(milestone: Milestone, at: date) -> bool:
    return milestone.actual is not None and milestone.actual <= at


def _live(p: Programme) -> Iterator[Operation]:
    """Yield the operations that may raise alerts: every one but the abandoned."""
    return (op for op in p.operations if not is_abandoned(op))


def _days(n: int) -> str:
    return f"{fr_number(n)} jour{'s' if abs(n) > 1 else ''}"


def _span(start: date, end: date) -> str:
    """Return the time from ``start`` to ``end`` in French: whole months, or days under a month."""
    months = whole_months(start, end)
    return fr_months(months) if months else _days((end - start).days)


def _when(day: date, at: date) -> str:
    """Return where ``day`` stands from the date de situation: ``dans 2 mois``, ``dépassé de 12 jours``."""
    if day > at:
        return f"dans {_span(at, day)}"
    if day == at:
        return "à la date de situation"
    return f"dépassé de {_span(day, at)}"


def _delay_level(planned: date, moved: date, orange_months: float, red_months: float) -> Level | None:
    """Return the level of a delay from ``planned`` to ``moved`` against month thresholds (reached on their day)."""
    if moved >= add_months(planned, red_months):
        return Level.ROUGE
    if moved >= add_months(planned, orange_months):
        return Level.ORANGE
    return None


def _label(op: Operation) -> str:
    return f"{op.id} ({op.label})" if op.label else op.id


# ---------------------------------------------------------------- CAL-01

@rule("CAL-01", Theme.CALENDRIER)
def works_start_overdue(p: Programme, at: date, params: Params) -> Iterator[Alert]:
    """Yield an alert for each operation whose planned works start has passed without an actual start.

    Orange from the day after the planned date (forecast, else baseline), Rouge once late by
    *Retard de démarrage rouge* months. Quiet once works started or the operation is delivered.
    Choice: an operation whose *Statut* already says « En travaux » but has no actual start date
    stays Orange whatever the delay and asks for the date: the status and the indicator
    « opérations lancées » (actual dates only) disagree, and typing the date settles it.
    """
    for op in _live(p):
        if works_started(op, at) or delivered(op, at):
            continue
        start = op.milestone(contract.WORKS_START)
        planned = _planned(start)
        if planned is None or planned >= at:
            continue
        if op.status == IN_WORKS:
            yield Alert.for_operation(
                op, severity=Level.ORANGE, milestone=contract.WORKS_START,
                finding=f"Statut « {IN_WORKS} » mais démarrage prévu le {fr_date(planned)} sans date réelle : "
                        f"{_span(planned, at)} sans démarrage enregistré",
                measure="Saisir la date réelle de démarrage (date de l'OS) dans la feuille Jalons")
            continue
        red = at >= add_months(planned, params.start_delay_red_months)
        baseline = start.convention if start is not None else None
        was = f" (convention : {fr_date(baseline)})" if baseline is not None and baseline != planned else ""
        yield Alert.for_operation(
            op, severity=Level.ROUGE if red else Level.ORANGE, milestone=contract.WORKS_START,
            finding=f"Démarrage prévu le {fr_date(planned)}{was}, non intervenu : {_span(planned, at)} de retard",
            measure="Inscrire l'opération en point dur du comité de suivi, obtenir du maître d'ouvrage une date "
                    "ferme de démarrage et préparer un avenant" if red else
                    "Réunir le maître d'ouvrage, recaler le planning, préparer un avenant si besoin")


# ---------------------------------------------------------------- CAL-02

def _latest_avenant(p: Programme, op: Operation, at: date) -> str:
    """Return « avenant n°N »: the latest avenant dated by ``at`` that lists the operation, else « avenant »."""
    signed = [a for a in p.amendments if op.id in a.operation_ids and a.date is not None and a.date <= at
              and getattr(a, "status", None) != "En préparation"]
    latest = max(signed, key=lambda a: (a.date, a.number), default=None)
    return f"avenant n°{latest.number}" if latest is not None else "avenant"


def _since(convention: date, current: date) -> str:
    if current >= convention:
        return f"{_span(convention, current)} sur la date de la convention, le {fr_date(convention)}"
    return f"{_span(current, convention)} d'avance sur la date de la convention, le {fr_date(convention)}"


@rule("CAL-02", Theme.CALENDRIER)
def delivery_slip(p: Programme, at: date, params: Params) -> Iterator[Alert]:
    """Yield an alert for each operation whose delivery now falls late against its latest baseline.

    Source: domain.md, rules revised on 2026-12-04 (an avenant re-contracts the dates: a slip it
    ratified is no longer a breach). The slip is the current delivery date (forecast, else the
    baseline) minus the latest baseline (*Date avenant*, else *Date convention*): Orange from
    *Seuil retard orange* months, Rouge from *Seuil retard rouge*. The finding also gives the slip
    since the convention, as history. Choices: the avenant named is the latest one dated by the date
    de situation that lists the operation (« l'avenant » when none does); an avenant date equal to
    the convention's re-contracted nothing and reads as the convention; a delivered operation is
    quiet (its slip stays in the glissement indicator, there is no corrective measure left to take).
    A current date already passed with no delivery is late at least until t: the slip is measured to
    the date de situation (« date passée sans date réelle », « … de glissement au 31/03/2022 »), as the
    slips of the decks and the points durs measure it (compute/indicators/calendrier.py ``slips``).
    """
    for op in _live(p):
        delivery = op.milestone(contract.DELIVERY)
        if delivery is None or delivered(op, at) or delivery.baseline is None:
            continue
        baseline, convention = delivery.baseline, delivery.convention
        current = delivery.forecast or baseline
        passed = current < at
        late = at if passed else current
        level = _delay_level(baseline, late, params.delay_orange_months, params.delay_red_months)
        if level is None:
            continue
        motif = f"motif : {delivery.motif}" if delivery.motif and delivery.motif.strip() else "motif non renseigné"
        what = (f"{milestone_label(op, contract.DELIVERY)} prévue le {fr_date(current)}"
                + (", date passée sans date réelle," if passed else "") + f" au lieu du {fr_date(baseline)}")
        until = f" au {fr_date(at)}" if passed else ""
        if delivery.avenant is not None and delivery.avenant != convention:
            avenant = _latest_avenant(p, op, at)
            history = f", {_since(convention, late)}" if convention is not None else ""
            what += f" ({avenant}) : {_span(baseline, late)} de glissement{until} après l'{avenant}{history}"
        else:
            what += f" : {_span(baseline, late)} de glissement{until}"
        yield Alert.for_operation(
            op, severity=level, milestone=contract.DELIVERY, finding=f"{what} ({motif})",
            measure="Porter le glissement au comité de pilotage, arrêter un planning de rattrapage avec le maître "
                    "d'ouvrage et préparer un avenant" if level is Level.ROUGE else
                    "Analyser les causes du glissement avec le maître d'ouvrage et arrêter un planning de rattrapage")


# ---------------------------------------------------------------- CAL-03

@rule("CAL-03", Theme.CALENDRIER)
def delivery_after_convention_end(p: Programme, at: date, params: Params) -> Iterator[Alert]:
    """Yield a red alert for each operation expected to be delivered after the *Date de fin de la convention*.

    The expected date is the delivery's forecast, else its baseline; quiet once delivered, and
    for every operation when the end date is unknown. Delivering on the end date itself is in time.
    """
    if params.end_date is None:
        return
    for op in _live(p):
        expected = _planned(op.milestone(contract.DELIVERY))
        if expected is None or delivered(op, at) or expected <= params.end_date:
            continue
        yield Alert.for_operation(
            op, severity=Level.ROUGE, milestone=contract.DELIVERY,
            finding=f"{milestone_label(op, contract.DELIVERY)} prévue le {fr_date(expected)}, après la fin de la "
                    f"convention le "
                    f"{fr_date(params.end_date)} : {_span(params.end_date, expected)} de dépassement",
            measure="Resserrer le planning avec le maître d'ouvrage ou demander à l'ANRU une prorogation par avenant")


# ---------------------------------------------------------------- CAL-05

@rule("CAL-05", Theme.CALENDRIER)
def demolition_before_rehousing(p: Programme, at: date, params: Params) -> Iterator[Alert]:
    """Yield a red alert for each demolition about to start while households of it remain to be rehoused.

    Fires when the planned works start (forecast, else baseline) is within *Démolition : préavis
    relogement* months of the date de situation, or already passed without a start, and at least
    one household of the operation is « À reloger » or « Relogement temporaire » (a temporary
    rehousing still owes the household a final one). Quiet once the demolition works started:
    the rehousing lag is then followed by the habitat rules.
    """
    for op in _live(p):
        if op.famille != contract.DEMOLITION or works_started(op, at) or delivered(op, at):
            continue
        planned = _planned(op.milestone(contract.WORKS_START))
        if planned is None or planned > add_months(at, params.demolition_rehousing_window_months):
            continue
        statuses = [h.status for h in p.households_of(op.id)]
        waiting, temporary = statuses.count(TO_REHOUSE), statuses.count(TEMPORARY)
        remaining = waiting + temporary
        if not remaining:
            continue
        households = f"{fr_number(remaining)} ménage{'s' if remaining > 1 else ''} " \
                     f"{'restent' if remaining > 1 else 'reste'} à reloger"
        if temporary:
            households += f" (dont {fr_number(temporary)} en relogement temporaire)"
        yield Alert.for_operation(
            op, severity=Level.ROUGE, milestone=contract.WORKS_START,
            finding=f"Démarrage de la démolition prévu le {fr_date(planned)} ({_when(planned, at)}) alors que "
                    f"{households}",
            measure="Accélérer les propositions de relogement avec le bailleur et la commission de relogement, "
                    "décaler l'ordre de service de démolition si besoin")


# ---------------------------------------------------------------- CAL-06

def _open_funding(p: Programme, op: Operation) -> list[str]:
    """Return the funders of the operation whose line is not secured yet, with its status."""
    return [f"{line.funder or 'financeur non précisé'} : {line.status.lower()}"
            for line in p.funding_of(op.id) if line.status in UNSECURED_FUNDING]


@rule("CAL-06", Theme.CALENDRIER)
def prerequisite_open(p: Programme, at: date, params: Params) -> Iterator[Alert]:
    """Yield an alert for each milestone due soon whose prerequisites are not all met.

    Watched milestones and prerequisites: DAS needs « FAT validée »; « Attribution des marchés »
    needs « Obtention PC »; works start needs « Obtention PC », « Attribution des marchés », DAS
    and every funding line *Acquis* or *Notifié*. Choice: delivery needs the works start (a
    delivery due soon on works not started is as open a prerequisite as any). A prerequisite
    milestone is open when the operation has it without an actual date; one the operation does
    not have (no PC for a road) is not required. « Due » means planned (forecast, else baseline)
    within *Horizon des prérequis* months, or already passed without being reached: an overdue
    milestone with open prerequisites is the more urgent. One alert per milestone, Orange.
    """
    horizon = add_months(at, params.prerequisite_window_months)
    for op in _live(p):
        if delivered(op, at):
            continue
        for name, prerequisites in PREREQUISITES.items():
            milestone = op.milestone(name)
            planned = _planned(milestone)
            if milestone is None or planned is None or _reached(milestone, at) or planned > horizon:
                continue
            missing = [req for req in prerequisites
                       if (m := op.milestone(req)) is not None and not _reached(m, at)]
            if name == contract.WORKS_START and (unsecured := _open_funding(p, op)):
                missing.append(f"financement non acquis ({', '.join(unsecured)})")
            if not missing:
                continue
            yield Alert.for_operation(
                op, severity=Level.ORANGE, milestone=name,
                finding=f"Jalon « {milestone_label(op, name)} » prévu le {fr_date(planned)} ({_when(planned, at)}), "
                        f"prérequis non "
                        f"levés : {', '.join(missing)}",
                measure="Lever les prérequis avec le maître d'ouvrage avant l'échéance, ou recaler le jalon")


# ---------------------------------------------------------------- CAL-07

@rule("CAL-07", Theme.CALENDRIER)
def stale_operation(p: Programme, at: date, params: Params) -> Iterator[Alert]:
    """Yield an alert for each operation whose *Date de mise à jour* is *Fraîcheur des données* days old or more.

    Quiet for delivered, soldée and abandoned operations, and for an operation whose status is
    unknown. Choice: an empty *Date de mise à jour* on an operation in progress (« En études »,
    « Engagée », « En travaux ») is stale too, since nobody can say its dates are current; on a
    « Programmée » operation it is quiet, nothing having started to follow.
    """
    for op in _live(p):
        if op.status is None or delivered(op, at):
            continue
        who = op.follow_up_by or (f"le maître d'ouvrage ({op.owner})" if op.owner else "le maître d'ouvrage")
        measure = f"Relancer {who} pour mettre à jour la fiche et les dates prévisionnelles avant le prochain point"
        if op.updated_on is None:
            if op.status in IN_PROGRESS_STATUSES:
                yield Alert.for_operation(
                    op, severity=Level.ORANGE, measure=measure,
                    finding=f"Opération « {op.status} » dont la date de mise à jour n'est pas renseignée")
            continue
        age = (at - op.updated_on).days
        if age >= params.freshness_days:
            yield Alert.for_operation(
                op, severity=Level.ORANGE, measure=measure,
                finding=f"Dernière mise à jour le {fr_date(op.updated_on)}, il y a {_days(age)} "
                        f"(seuil : {_days(round(params.freshness_days))})")


# ---------------------------------------------------------------- CAL-08

def _previous_situation(p: Programme, at: date) -> date | None:
    earlier = [snapshot.at for snapshot in p.history if snapshot.at < at]
    return max(earlier) if earlier else None


@rule("CAL-08", Theme.CALENDRIER)
def forecast_moved_without_motif(p: Programme, at: date, params: Params) -> Iterator[Alert]:
    """Yield an alert for each milestone whose forecast moved since the previous date de situation without a motif.

    The previous situation is the latest date of *Historique jalons* strictly before the date de
    situation; quiet when there is none. A move is a forecast different from the one recorded
    then, earlier or later (an unexplained advance is as suspect as a slip); a forecast typed or
    erased since (one side empty) is not a move. The motif looked at is the milestone's current
    *Motif de décalage*. Quiet on a reached milestone, on a soldée operation, and on the
    milestones up to delivery of a delivered operation (the balance milestones are still watched).
    """
    previous = _previous_situation(p, at)
    if previous is None:
        return
    for snapshot in p.history:
        if snapshot.at != previous:
            continue
        op = p.operation(snapshot.operation_id)
        if op is None or is_abandoned(op) or op.status == SOLDEE:
            continue
        milestone = op.milestone(snapshot.milestone)
        if milestone is None or _reached(milestone, at):
            continue
        if delivered(op, at) and milestone.name in UP_TO_DELIVERY:
            continue
        before, now = snapshot.forecast, milestone.forecast
        if before is None or now is None or before == now or (milestone.motif or "").strip():
            continue
        moved = f"repoussée de {_span(before, now)}" if now > before else f"avancée de {_span(now, before)}"
        yield Alert.for_operation(
            op, severity=Level.ORANGE, milestone=milestone.name,
            finding=f"Jalon « {milestone_label(op, milestone.name)} » : date prévisionnelle {moved}, du "
                    f"{fr_date(before)} au "
                    f"{fr_date(now)} depuis la situation du {fr_date(previous)}, sans motif de décalage",
            measure="Faire préciser le motif du décalage au maître d'ouvrage et le saisir dans la colonne "
                    "« Motif de décalage » de la feuille Jalons")

