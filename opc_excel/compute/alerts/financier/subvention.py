"""Financial alerts on the ANRU subsidy's life cycle: DAS, caducité, engagement, payments, balance.

FIN-04 (works without DAS), FIN-05 and FIN-07 (caducité), FIN-06 (balance request), FIN-08 (payments against
progress), FIN-09 (engagement against the S-curve), FIN-11 (NPNRU engagement deadlines). The choices they
share are in :mod:`opc_excel.compute.alerts.financier.common`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date

from opc_excel.compute.alerts.financier.common import (
    actual_date,
    funding_by_operation,
    is_anru,
    not_started,
    open_operations,
    reached,
    severity_for,
    total_if_known,
)
from opc_excel.compute.alerts.registry import rule
from opc_excel.compute.indicators.financier import engagement_percent, planned_engagement_percent
from opc_excel.compute.schedule import add_months, delivered, progress, whole_months, works_started
from opc_excel.fr import fr_amount, fr_date, fr_months, fr_number, fr_percent
from opc_excel.model import Alert, Level, Params, Programme, ProgrammeKind, Theme
from opc_excel.read import contract

BALANCE_REQUEST = "Demande de solde"


def _recorded(amounts: Iterable[float | None]) -> float:
    """Return the sum of an optional column, an empty cell counting as nothing."""
    return sum(a for a in amounts if a is not None)


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
        if not subsidy or _recorded(line.engaged for line in anru) > 0:
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


@rule("FIN-06", theme=Theme.FINANCIER)
def balance_not_requested(p: Programme, at: date, params: Params) -> Iterator[Alert]:
    """Yield an orange alert for each delivered operation whose balance has not been requested in time.

    Fires from *Délai de demande de solde après livraison (mois)* after the actual delivery
    date when the *Demande de solde* milestone has no actual date. Only operations with an
    ANRU subsidy: the delay is the ANRU *règlement financier*'s, and a balance lost is an
    ANRU balance. A delivery without an actual date is left out.
    """
    funding = funding_by_operation(p)
    for op in open_operations(p, at):
        delivery = actual_date(op, contract.DELIVERY, at)
        if delivery is None or actual_date(op, BALANCE_REQUEST, at) is not None:
            continue
        if at < add_months(delivery, params.balance_request_months):
            continue
        if not any(is_anru(line) and line.amount for line in funding.get(op.id, [])):
            continue
        yield Alert.for_operation(
            op, severity=Level.ORANGE,
            finding=f"Livrée le {fr_date(delivery)}, demande de solde non faite après "
                    f"{fr_months(whole_months(delivery, at))}",
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
        advance = _recorded(line.advance for line in funding.get(op.id, []) if is_anru(line))
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

    % paid = Σ ANRU paid ÷ Σ ANRU amount; progress is the stage scale from actual dates. Fires
    from *Écart paiement / avancement (points)* in either direction (late payment requests,
    or payments ahead of the works). Only operations with a known, positive ANRU subsidy whose
    works have started or which have received a payment; quiet once delivered, where the
    balance is FIN-06's business.
    """
    funding = funding_by_operation(p)
    for op in open_operations(p, at):
        if delivered(op, at):
            continue
        anru = [line for line in funding.get(op.id, []) if is_anru(line)]
        subsidy = total_if_known(line.amount for line in anru)
        if not subsidy or subsidy < 0:
            continue
        paid = _recorded(line.paid for line in anru)
        if paid <= 0 and not works_started(op, at):
            continue
        paid_pct, progress_pct = paid / subsidy * 100, progress(op, at)
        gap = abs(paid_pct - progress_pct)
        if not reached(gap, params.payment_progress_gap_points):
            continue
        yield Alert.for_operation(
            op, severity=Level.ORANGE,
            finding=f"Subvention ANRU versée à {fr_percent(paid_pct)} ({fr_amount(paid)} sur {fr_amount(subsidy)}) "
                    f"pour un avancement de {fr_percent(progress_pct)} : écart de {fr_number(gap)} points",
            measure=_PAYMENT_GAP_MEASURES[paid_pct < progress_pct])


@rule("FIN-09", theme=Theme.FINANCIER)
def engagement_behind_plan(p: Programme, at: date, params: Params) -> Iterator[Alert]:
    """Yield one programme-level alert when ANRU engagement is behind the planned S-curve.

    Gap = planned engagement at ``at`` − actual engagement (taux d'engagement), in points:
    orange from *Retard d'engagement orange (points)*, red from *Retard d'engagement rouge
    (points)*. Engagement ahead of plan does not alert. Quiet when either figure is unknown
    (no ANRU subsidy, no planned works period).
    """
    planned, engaged = planned_engagement_percent(p, at), engagement_percent(p)
    if planned is None or engaged is None:
        return
    gap = planned - engaged
    severity = severity_for(gap, params.engagement_gap_orange_points, params.engagement_gap_red_points)
    if severity is None:
        return
    yield Alert(severity,
                f"Subvention ANRU engagée à {fr_percent(engaged)} au {fr_date(at)} contre {fr_percent(planned)} "
                f"prévus à la courbe en S : retard de {fr_number(gap)} points",
                "Identifier avec les maîtres d'ouvrage les DAS à solliciter en priorité et recaler la "
                "programmation des engagements avec l'ANRU")


@rule("FIN-11", theme=Theme.FINANCIER, programmes=[ProgrammeKind.NPNRU])
def das_beyond_npnru_tolerance(p: Programme, at: date, params: Params) -> Iterator[Alert]:
    """Yield a red alert for each NPNRU operation whose DAS is expected too late to be engaged.

    Too late: the DAS forecast (else its avenant or convention date) comes *Tolérance NPNRU
    (mois)* or more after the convention date, or after *Date limite d'engagement* when set
    (engaging on that day is still in time). Quiet once the DAS has an actual date.
    """
    for op in open_operations(p, at):
        das = op.milestone(contract.DAS)
        if das is None or actual_date(op, contract.DAS, at) is not None:
            continue
        expected = das.forecast or das.baseline
        if expected is None:
            continue
        reasons = []
        if das.convention is not None and expected >= add_months(das.convention, params.npnru_tolerance_months):
            slip, tolerance = whole_months(das.convention, expected), params.npnru_tolerance_months
            reasons.append(f"{fr_months(slip)} après la date de la convention ({fr_date(das.convention)}) "
                           f"pour une tolérance de {fr_months(tolerance)}")
        if params.engagement_deadline is not None and expected > params.engagement_deadline:
            reasons.append(f"après la date limite d'engagement du {fr_date(params.engagement_deadline)}")
        if not reasons:
            continue
        yield Alert.for_operation(
            op, severity=Level.ROUGE,
            finding=f"DAS prévue le {fr_date(expected)}, " + " et ".join(reasons),
            measure="Accélérer le dossier d'engagement avec le maître d'ouvrage, ou faire acter le report par "
                    "l'ANRU (avenant) avant l'échéance")
