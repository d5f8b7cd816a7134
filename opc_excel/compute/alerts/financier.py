"""Alert rules of the theme financier: FIN-01 … FIN-11 (domain.md, the alert catalogue).

Choices shared by every rule here, as the OPC applies them:

- An abandoned operation never alerts. An operation *Soldée* (status, or an actual *Solde versé*)
  has closed accounts: nothing is left to correct, so the financial rules are quiet on it too.
- A rule that needs a value the workbook left empty or unreadable skips the operation (or the
  line) silently: the *Contrôles* sheet already says what is missing. Engaged, advance and paid
  amounts are optional columns: an empty one counts as nothing engaged, advanced or paid.
- A threshold is reached at its value: the alert fires at the threshold and past it.
- Funding lines are indexed by operation once per rule call, so the rules stay linear in the
  size of the programme.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date
from functools import lru_cache

from opc_excel.compute.alerts.registry import rule
from opc_excel.compute.indicators.financier import engagement_percent, planned_engagement_percent
from opc_excel.compute.schedule import add_months, delivered, is_abandoned, progress, whole_months, works_started
from opc_excel.fr import fr_amount, fr_date, fr_months, fr_number, fr_percent
from opc_excel.model import Alert, FundingLine, Level, Operation, Params, Programme, ProgrammeKind, Theme
from opc_excel.read import contract
from opc_excel.text import match_key

BALANCE_REQUEST = "Demande de solde"
BALANCE_PAID = "Solde versé"
SETTLED = "Soldée"
UNSECURED_STATUSES = frozenset(match_key(s) for s in ("Prévu", "Sollicité"))
_EPSILON = 1e-9  # a ratio computed in floating point still reaches a threshold it equals
_CEILING_ROUNDING_POINTS = 0.05  # a rate typed with one decimal is not "above" its ceiling by rounding alone


# ---------------------------------------------------------------- shared helpers


@lru_cache(maxsize=256)
def _is_anru_funder(funder: str) -> bool:
    return match_key(funder) == match_key(contract.ANRU_FUNDER)


def _is_anru(line: FundingLine) -> bool:
    return line.funder is not None and _is_anru_funder(line.funder)


def _funding_by_operation(p: Programme) -> Mapping[str, list[FundingLine]]:
    """Return the funding lines of each operation id, in the order of the *Financements* sheet."""
    lines: defaultdict[str, list[FundingLine]] = defaultdict(list)
    for line in p.funding:
        lines[line.operation_id].append(line)
    return lines


def _reached(value: float, threshold: float) -> bool:
    """Return True when ``value`` is at or past ``threshold``."""
    return value >= threshold - _EPSILON


def _actual(op: Operation, milestone: str, at: date) -> date | None:
    """Return the actual date of the milestone when it is on or before ``at``."""
    found = op.milestone(milestone)
    return found.actual if found is not None and found.actual is not None and found.actual <= at else None


def _settled(op: Operation, at: date) -> bool:
    return op.status == SETTLED or _actual(op, BALANCE_PAID, at) is not None


def _open_operations(p: Programme, at: date) -> Iterator[Operation]:
    """Yield the operations whose accounts are still open: neither abandoned nor *soldées*."""
    for op in p.operations:
        if not is_abandoned(op) and not _settled(op, at):
            yield op


def _not_started(p: Programme, at: date) -> Iterator[Operation]:
    """Yield the open operations whose works have not started (nor been delivered)."""
    for op in _open_operations(p, at):
        if not works_started(op, at) and not delivered(op, at):
            yield op


def _total(amounts: Iterable[float | None]) -> float | None:
    """Return the sum, or None when one amount is unknown (a partial sum would be a false figure)."""
    total = 0.0
    for amount in amounts:
        if amount is None:
            return None
        total += amount
    return total


def _anru_subsidy(lines: Sequence[FundingLine]) -> float | None:
    """Return the ANRU subsidy of an operation (0 without an ANRU line), None when an amount is unknown."""
    return _total(line.amount for line in lines if _is_anru(line))


def _recorded(amounts: Iterable[float | None]) -> float:
    """Return the sum of an optional column, an empty cell counting as nothing."""
    return sum(a for a in amounts if a is not None)


def _level(value: float, orange: float, red: float) -> Level | None:
    if _reached(value, red):
        return Level.ROUGE
    if _reached(value, orange):
        return Level.ORANGE
    return None


def _signed_amount(x: float) -> str:
    return ("+" if x > 0 else "") + fr_amount(x)


def _signed_percent(x: float) -> str:
    return ("+" if x > 0 else "") + fr_percent(x, 1)


def _lapse_date(das: date, params: Params) -> date:
    return add_months(das, params.lapse_months)


# ---------------------------------------------------------------- FIN-01 … FIN-11


@rule("FIN-01", theme=Theme.FINANCIER)
def funding_plan_off_balance(p: Programme, at: date, params: Params) -> Iterator[Alert]:
    """Yield a red alert for each operation whose funding lines do not add up to its cost.

    The gap is measured against the current cost (convention cost when none is typed) and fires
    from *Tolérance plan de financement (%)* of the cost, in excess as well as in shortfall.
    An operation with a cost and no funding line at all is flagged too ("aucun plan de
    financement"); a zero cost with no line has nothing to finance. An operation with an
    unknown cost or an unknown line amount is left out. Delivered operations still alert (the
    balance is computed on the plan); *soldées* ones do not.
    """
    funding = _funding_by_operation(p)
    for op in _open_operations(p, at):
        cost = op.cost
        if cost is None or cost <= 0:
            continue
        lines = funding.get(op.id, [])
        if not lines:
            yield Alert.for_operation(
                op, severity=Level.ROUGE,
                finding=f"Aucun plan de financement saisi pour un coût de {fr_amount(cost)}",
                measure="Établir le plan de financement avec le maître d'ouvrage et le saisir ligne à ligne "
                        "par financeur")
            continue
        total = _total(line.amount for line in lines)
        if total is None:
            continue
        gap = round(total - cost, 2)
        gap_pct = abs(gap) / cost * 100
        if gap == 0 or not _reached(gap_pct, params.funding_tolerance_pct):
            continue
        what = "non financés" if gap < 0 else "financés au-delà du coût"
        yield Alert.for_operation(
            op, severity=Level.ROUGE,
            finding=f"Financements de {fr_amount(total)} pour un coût de {fr_amount(cost)} : "
                    f"{fr_amount(abs(gap))} {what} ({fr_percent(gap_pct, 1)} du coût)",
            measure="Mettre le plan de financement à jour avec le maître d'ouvrage et les financeurs "
                    "pour qu'il couvre exactement le coût actualisé")


@rule("FIN-02", theme=Theme.FINANCIER)
def anru_rate_above_ceiling(p: Programme, at: date, params: Params) -> Iterator[Alert]:
    """Yield a red alert for each operation whose ANRU subsidy exceeds its ceiling rate.

    The rate is Σ ANRU amounts ÷ current cost; it alerts when strictly above *Taux ANRU
    plafond (%)* by more than 0.05 point, so that a rate rounded to one decimal in the
    convention does not alert by rounding alone. Quiet without a ceiling, an ANRU line, a
    known cost or known ANRU amounts.
    """
    funding = _funding_by_operation(p)
    for op in _open_operations(p, at):
        ceiling, cost = op.anru_ceiling_pct, op.cost
        if ceiling is None or cost is None or cost <= 0:
            continue
        subsidy = _anru_subsidy(funding.get(op.id, []))
        if subsidy is None:
            continue
        rate = subsidy / cost * 100
        if rate <= ceiling + _CEILING_ROUNDING_POINTS + _EPSILON:
            continue
        yield Alert.for_operation(
            op, severity=Level.ROUGE,
            finding=f"Subvention ANRU de {fr_amount(subsidy)} pour un coût de {fr_amount(cost)} : taux de "
                    f"{fr_percent(rate, 1)} au-delà du plafond de {fr_percent(ceiling, 1)}",
            measure="Ramener la subvention ANRU au plafond et compléter par d'autres financeurs, ou faire "
                    "valider un taux dérogatoire par avenant")


@rule("FIN-03", theme=Theme.FINANCIER)
def cost_drift(p: Programme, at: date, params: Params) -> Iterator[Alert]:
    """Yield an alert for each operation whose current cost has drifted up from the convention cost.

    Orange from *Dérive de coût orange (%)*, red from *Dérive de coût rouge (%)*. Only a
    rise alerts (a saving is not a risk); only when a *Coût actualisé* is typed and the
    convention cost is positive.
    """
    for op in _open_operations(p, at):
        current, convention = op.cost_current, op.cost_convention
        if current is None or convention is None or convention <= 0:
            continue
        drift = (current - convention) / convention * 100
        severity = _level(drift, params.cost_drift_orange_pct, params.cost_drift_red_pct)
        if severity is None:
            continue
        yield Alert.for_operation(
            op, severity=severity,
            finding=f"Coût actualisé de {fr_amount(current)} contre {fr_amount(convention)} à la convention : "
                    f"{_signed_percent(drift)} ({_signed_amount(current - convention)})",
            measure="Analyser la dérive avec le maître d'ouvrage, rechercher des économies ou compléter le plan "
                    "de financement, préparer un avenant si besoin")


@rule("FIN-04", theme=Theme.FINANCIER)
def works_started_without_das(p: Programme, at: date, params: Params) -> Iterator[Alert]:
    """Yield a red alert for each operation with an ANRU subsidy whose works started with no DAS recorded.

    A DAS is recorded when the *DAS* milestone has an actual date or an ANRU line has an
    engaged amount. Only ANRU lines of a positive amount count as a subsidy. Delivered
    operations still alert (the subsidy cannot be paid without its DAS); *soldées* ones do not.
    """
    funding = _funding_by_operation(p)
    for op in _open_operations(p, at):
        started = _actual(op, contract.WORKS_START, at)
        if started is None or _actual(op, contract.DAS, at) is not None:
            continue
        anru = [line for line in funding.get(op.id, []) if _is_anru(line)]
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
    for op in _not_started(p, at):
        das = _actual(op, contract.DAS, at)
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
    funding = _funding_by_operation(p)
    for op in _open_operations(p, at):
        delivery = _actual(op, contract.DELIVERY, at)
        if delivery is None or _actual(op, BALANCE_REQUEST, at) is not None:
            continue
        if at < add_months(delivery, params.balance_request_months):
            continue
        if not any(_is_anru(line) and line.amount for line in funding.get(op.id, [])):
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
    funding = _funding_by_operation(p)
    for op in _not_started(p, at):
        das = _actual(op, contract.DAS, at)
        if das is None or at < _lapse_date(das, params):
            continue
        advance = _recorded(line.advance for line in funding.get(op.id, []) if _is_anru(line))
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
    funding = _funding_by_operation(p)
    for op in _open_operations(p, at):
        if delivered(op, at):
            continue
        anru = [line for line in funding.get(op.id, []) if _is_anru(line)]
        subsidy = _total(line.amount for line in anru)
        if not subsidy or subsidy < 0:
            continue
        paid = _recorded(line.paid for line in anru)
        if paid <= 0 and not works_started(op, at):
            continue
        paid_pct, progress_pct = paid / subsidy * 100, progress(op, at)
        gap = abs(paid_pct - progress_pct)
        if not _reached(gap, params.payment_progress_gap_points):
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
    severity = _level(gap, params.engagement_gap_orange_points, params.engagement_gap_red_points)
    if severity is None:
        return
    yield Alert(severity,
                f"Subvention ANRU engagée à {fr_percent(engaged)} au {fr_date(at)} contre {fr_percent(planned)} "
                f"prévus à la courbe en S : retard de {fr_number(gap)} points",
                "Identifier avec les maîtres d'ouvrage les DAS à solliciter en priorité et recaler la "
                "programmation des engagements avec l'ANRU")


@rule("FIN-10", theme=Theme.FINANCIER)
def funding_unsecured_before_start(p: Programme, at: date, params: Params) -> Iterator[Alert]:
    """Yield an orange alert for each operation about to start with funding still *prévu* or *sollicité*.

    The planned works start (forecast, else avenant, else convention date) falls within
    *Financement non acquis avant démarrage (mois)* of ``at``, that day included; a planned
    start already passed without starting also alerts, the funding gap being a likely cause
    of the delay. The finding names each unsecured funder and amount; lines with an unknown
    or zero amount are left out.
    """
    funding = _funding_by_operation(p)
    horizon = add_months(at, params.unsecured_funding_window_months)
    for op in _not_started(p, at):
        start = op.milestone(contract.WORKS_START)
        planned = (start.forecast or start.baseline) if start is not None else None
        if planned is None or planned > horizon:
            continue
        unsecured = [line for line in funding.get(op.id, [])
                     if line.status is not None and match_key(line.status) in UNSECURED_STATUSES
                     and line.amount]
        if not unsecured:
            continue
        listed = ", ".join(f"{line.funder or 'financeur non précisé'} {fr_amount(line.amount)} "
                           f"({line.status.lower()})" for line in unsecured)
        yield Alert.for_operation(
            op, severity=Level.ORANGE,
            finding=f"Démarrage prévu le {fr_date(planned)} avec des financements non acquis : {listed}",
            measure="Relancer les financeurs pour obtenir les décisions de financement avant l'ordre de "
                    "service ; à défaut, décaler le démarrage")


@rule("FIN-11", theme=Theme.FINANCIER, programmes=[ProgrammeKind.NPNRU])
def das_beyond_npnru_tolerance(p: Programme, at: date, params: Params) -> Iterator[Alert]:
    """Yield a red alert for each NPNRU operation whose DAS is expected too late to be engaged.

    Too late: the DAS forecast (else its avenant or convention date) comes *Tolérance NPNRU
    (mois)* or more after the convention date, or after *Date limite d'engagement* when set
    (engaging on that day is still in time). Quiet once the DAS has an actual date.
    """
    for op in _open_operations(p, at):
        das = op.milestone(contract.DAS)
        if das is None or _actual(op, contract.DAS, at) is not None:
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
