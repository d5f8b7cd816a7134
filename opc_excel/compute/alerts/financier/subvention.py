"""Financial alerts on the ANRU subsidy's life cycle: DAS, caducité, payments, balance.

FIN-04 (works without DAS), FIN-05 and FIN-07 (caducité), FIN-06 (balance request), FIN-08 (payments against
progress), FIN-12 (payments against their ceilings before the solde). The choices they share are in
:mod:`opc_excel.compute.alerts.financier.common`."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from opc_excel.compute.alerts.financier.common import (
    EURO_ROUNDING,
    above,
    actual_date,
    funding_by_operation,
    is_anru,
    not_started,
    open_operations,
    reached,
    recorded,
    total_if_known,
)
from opc_excel.compute.alerts.registry import rule
from opc_excel.compute.schedule import add_months, delivered, progress, whole_months, works_started
from opc_excel.fr import fr_amount, fr_date, fr_months, fr_number, fr_percent
from opc_excel.model import Alert, Level, Operation, Params, Programme, ProgrammeKind, Theme
from opc_excel.read import contract

BALANCE_REQUEST = "Demande de solde"
RECEPTION = "Réception"  # décompte général, after the delivery


def _lapse_date(das: date, params: Params) -> date:
    return add_months(das, params.lapse_months)


@rule("FIN-04", theme=Theme.FINANCIER)
def works_started_without_das(p: Programme, at: date, params: Params) -> Iterator[Alert]:
    """Yield a red alert for each operation with an ANRU subsidy whose works started with no DAS recorded.

    A DAS is recorded when the *DAS* milestone has an actual date or an ANRU line has an
    engaged amount. Only ANRU lines of a positive amount count as a subsidy. Delivered
    operations still alert (the subsidy cannot be paid without its DAS); *soldées* ones do not.
    """
    funding = funding_by_operation(p)
    for op in open_operations(p, at):
        started = actual_date(op, contract.WORKS_START, at)
        if started is None or actual_date(op, contract.DAS, at) is not None:
            continue
        anru = [line for line in funding.get(op.id, []) if is_anru(line)]
        subsidy = sum(line.amount for line in anru if line.amount is not None and line.amount > 0)
        if not subsidy or recorded(line.engaged for line in anru) > 0:
            continue
        yield Alert.for_operation(
            op, severity=Level.ROUGE,
            finding=f"Travaux démarrés le {fr_date(started)} sans DAS enregistrée pour une subvention ANRU "
                    f"de {fr_amount(subsidy)}",
            measure="Vérifier auprès de l'ANRU la DAS ou l'autorisation de démarrage anticipé et la saisir ; "
                    "à défaut, sécuriser la subvention avant tout paiement")


@rule("FIN-05", theme=Theme.FINANCIER)
def subsidy_lapse_near(p: Programme, at: date, params: Params) -> Iterator[Alert]:
    """Yield an alert for each operation whose ANRU subsidy lapses soon, or has lapsed, before works start.

    The *caducité* date is the DAS actual date + *Délai de caducité après DAS (mois)*. Orange
    from *Caducité : préavis orange (mois)* before it, red from *Caducité : préavis rouge
    (mois)* before it (a notice is reached on its first day, like every threshold), red once
    the date has passed ("subvention caduque"). Quiet once works have started.
    """
    for op in not_started(p, at):
        das = actual_date(op, contract.DAS, at)
        if das is None:
            continue
        lapse = _lapse_date(das, params)
        if at >= lapse:
            yield Alert.for_operation(
                op, severity=Level.ROUGE,
                finding=f"DAS du {fr_date(das)} : subvention caduque depuis le {fr_date(lapse)}, "
                        "travaux non démarrés",
                measure="Saisir l'ANRU sans délai pour une prorogation ou une nouvelle DAS, et recaler le "
                        "démarrage des travaux")
            continue
        if at >= add_months(lapse, -params.lapse_notice_red_months):
            severity = Level.ROUGE
        elif at >= add_months(lapse, -params.lapse_notice_orange_months):
            severity = Level.ORANGE
        else:
            continue
        left = whole_months(at, lapse)
        within = f"dans {fr_months(left)}" if left else "dans moins d'un mois"
        yield Alert.for_operation(
            op, severity=severity,
            finding=f"DAS du {fr_date(das)} : caducité le {fr_date(lapse)} ({within}), travaux non démarrés",
            measure="Faire lancer les travaux (ordre de service) avant la caducité ou demander à l'ANRU une "
                    "prorogation du délai")


def _balance_due(op: Operation, at: date, params: Params) -> tuple[date, str] | None:
    """Return when the balance request is due and what that date stems from, None when nothing is due yet."""
    request = op.milestone(BALANCE_REQUEST)
    if params.programme is ProgrammeKind.NPNRU and request is not None and request.baseline is not None:
        which = "à l'avenant" if request.avenant is not None else "à la convention"
        return (add_months(request.baseline, params.npnru_tolerance_months),
                f"Demande de solde prévue {which} le {fr_date(request.baseline)}, non faite : tolérance de "
                f"{fr_months(params.npnru_tolerance_months)} dépassée")
    reception = actual_date(op, RECEPTION, at)
    if reception is not None:
        return (add_months(reception, params.balance_request_months),
                f"Réception (décompte général) le {fr_date(reception)}, demande de solde non faite après "
                f"{fr_months(whole_months(reception, at))}")
    delivery = actual_date(op, contract.DELIVERY, at)
    if delivery is not None:
        return (add_months(delivery, params.balance_request_months),
                f"Livrée le {fr_date(delivery)}, demande de solde non faite après "
                f"{fr_months(whole_months(delivery, at))}")
    return None


@rule("FIN-06", theme=Theme.FINANCIER)
def balance_not_requested(p: Programme, at: date, params: Params) -> Iterator[Alert]:
    """Yield an orange alert for each finished operation whose balance has not been requested in time.

    Fires when the *Demande de solde* milestone has no actual date on or after the due date:
    - NPNRU, when the *Demande de solde* has a baseline date (avenant, else convention): that
      date + *Tolérance NPNRU (mois)* (ANRU, "Des solutions pour faire avancer les projets");
    - otherwise (PNRU, or no solde date in the convention) *Délai de demande de solde après
      livraison (mois)* after the actual *Réception* (décompte général) when recorded, else after
      the actual delivery. The [12] months are local practice: the ANRU *règlement comptable et
      financier* sets the delay, not verified here.
    Only operations with an ANRU subsidy: a balance lost is an ANRU balance. An operation with no
    actual delivery nor *Réception* (and no NPNRU solde date) is left out.
    """
    funding = funding_by_operation(p)
    for op in open_operations(p, at):
        if actual_date(op, BALANCE_REQUEST, at) is not None:
            continue
        due = _balance_due(op, at, params)
        if due is None or at < due[0]:
            continue
        if not any(is_anru(line) and line.amount for line in funding.get(op.id, [])):
            continue
        yield Alert.for_operation(
            op, severity=Level.ORANGE, finding=due[1],
            measure="Relancer le maître d'ouvrage pour constituer et déposer la demande de solde "
                    "(décompte général, bilan financier) avant la perte du solde")


@rule("FIN-07", theme=Theme.FINANCIER)
def advance_to_repay(p: Programme, at: date, params: Params) -> Iterator[Alert]:
    """Yield a red alert for each operation whose ANRU advance must be repaid: caducité reached, works not started.

    The advance is the sum of *Avance versée* on the operation's ANRU lines; the *caducité*
    date is the DAS actual date + *Délai de caducité après DAS (mois)*, reached on that day.
    """
    funding = funding_by_operation(p)
    for op in not_started(p, at):
        das = actual_date(op, contract.DAS, at)
        if das is None or at < _lapse_date(das, params):
            continue
        advance = recorded(line.advance for line in funding.get(op.id, []) if is_anru(line))
        if advance <= 0:
            continue
        yield Alert.for_operation(
            op, severity=Level.ROUGE,
            finding=f"Caducité atteinte le {fr_date(_lapse_date(das, params))} sans démarrage des travaux : "
                    f"avance ANRU de {fr_amount(advance)} à rembourser",
            measure="Préparer avec le maître d'ouvrage le reversement de l'avance, ou obtenir de l'ANRU une "
                    "prorogation avant l'ordre de reversement")


_PAYMENT_GAP_MEASURES = {
    True: "Faire déposer par le maître d'ouvrage les demandes d'acompte en retard",
    False: "Vérifier l'avancement réel et les justificatifs des acomptes versés",
}


@rule("FIN-08", theme=Theme.FINANCIER)
def payments_out_of_step(p: Programme, at: date, params: Params) -> Iterator[Alert]:
    """Yield an orange alert for each operation whose ANRU payments and progress pᵢ(t) differ too much.

    % paid = Σ ANRU paid ÷ Σ ANRU amount; it is compared with the progress pᵢ(t) (the stage scale
    from actual dates) capped at *Plafond avance + acomptes avant solde (%)*, since no more can be
    paid before the solde (décret 2007-559). Fires from *Écart paiement / avancement (points)* in
    either direction (late payment requests, or payments ahead of the works). Only operations with
    a known, positive ANRU subsidy whose works have started or which have received a payment;
    quiet once delivered, where the balance is FIN-06's business. Local practice of the OPC.
    """
    funding = funding_by_operation(p)
    ceiling = params.payments_before_balance_ceiling_pct
    for op in open_operations(p, at):
        if delivered(op, at):
            continue
        anru = [line for line in funding.get(op.id, []) if is_anru(line)]
        subsidy = total_if_known(line.amount for line in anru)
        if not subsidy or subsidy < 0:
            continue
        paid = recorded(line.paid for line in anru)
        if paid <= 0 and not works_started(op, at):
            continue
        paid_pct, progress_pct = paid / subsidy * 100, progress(op, at)
        expected_pct = min(progress_pct, ceiling)
        gap = abs(paid_pct - expected_pct)
        if not reached(gap, params.payment_progress_gap_points):
            continue
        capped = f" ({fr_percent(ceiling)} au plus avant le solde)" if expected_pct < progress_pct else ""
        yield Alert.for_operation(
            op, severity=Level.ORANGE,
            finding=f"Subvention ANRU versée à {fr_percent(paid_pct)} ({fr_amount(paid)} sur {fr_amount(subsidy)}) "
                    f"pour un avancement de {fr_percent(progress_pct)}{capped} : écart de {fr_number(gap)} points",
            measure=_PAYMENT_GAP_MEASURES[paid_pct < expected_pct])


@rule("FIN-12", theme=Theme.FINANCIER)
def payments_above_ceiling(p: Programme, at: date, params: Params) -> Iterator[Alert]:
    """Yield a red alert for each operation paid more of its ANRU subsidy than allowed before the solde.

    Décret n° 2007-559 du 16/04/2007 (art. 4-1 of décret 2004-1005): an advance of at most
    *Plafond de l'avance (%)* [15] of the subsidy, and advance + acomptes at most *Plafond
    avance + acomptes avant solde (%)* [70] before the solde; ceilings are met at their value,
    and by half a euro more (an advance of 15 % rounded to the euro is not above 15 %).
    The workbook records cumulative amounts per ANRU line: *Avance versée* and *Montant versé*
    (every payment, the advance included; a *Montant versé* below the advance is read as the
    advance alone). "Before the solde" is what the data can tell: the *Solde versé* milestone has
    no actual date and the operation is not *Soldée* (the accounts still open): a balance paid
    but not recorded alerts, and the measure says to record it. The décret covers the housing
    subsidies; the OPC applies the same ceilings to every ANRU subsidy (local practice, the
    *règlement comptable et financier* sets the others', not verified here).
    """
    funding = funding_by_operation(p)
    for op in open_operations(p, at):
        anru = [line for line in funding.get(op.id, []) if is_anru(line)]
        subsidy = total_if_known(line.amount for line in anru)
        if not subsidy or subsidy <= 0:
            continue
        advance = recorded(line.advance for line in anru)
        paid = max(recorded(line.paid for line in anru), advance)
        reasons = []
        if above(advance, subsidy * params.advance_ceiling_pct / 100 + EURO_ROUNDING):
            reasons.append(f"avance de {fr_amount(advance)}, soit {fr_percent(advance / subsidy * 100, 1)}, "
                           f"au-delà du plafond de {fr_percent(params.advance_ceiling_pct)}")
        if above(paid, subsidy * params.payments_before_balance_ceiling_pct / 100 + EURO_ROUNDING):
            reasons.append(f"avance et acomptes de {fr_amount(paid)} versés avant le solde, soit "
                           f"{fr_percent(paid / subsidy * 100, 1)}, au-delà du plafond de "
                           f"{fr_percent(params.payments_before_balance_ceiling_pct)}")
        if not reasons:
            continue
        yield Alert.for_operation(
            op, severity=Level.ROUGE,
            finding=f"Subvention ANRU de {fr_amount(subsidy)} : " + " ; ".join(reasons),
            measure="Vérifier les versements avec le maître d'ouvrage et l'ANRU : suspendre les acomptes jusqu'à la "
                    "demande de solde ; si le solde a été versé, saisir la date réelle du jalon Solde versé")
