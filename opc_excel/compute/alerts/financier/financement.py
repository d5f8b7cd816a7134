"""Financial alerts on the funding plan against the cost: FIN-01, FIN-02, FIN-03, FIN-10.

The choices they share are in :mod:`opc_excel.compute.alerts.financier.common`.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from opc_excel.compute.alerts.financier.common import (
    EPSILON,
    anru_subsidy,
    funding_by_operation,
    not_started,
    open_operations,
    reached,
    severity_for,
    total_if_known,
)
from opc_excel.compute.alerts.registry import rule
from opc_excel.compute.schedule import add_months
from opc_excel.fr import fr_amount, fr_date, fr_percent
from opc_excel.model import Alert, Level, Params, Programme, Theme
from opc_excel.read import contract
from opc_excel.text import match_key

UNSECURED_STATUSES = frozenset(match_key(s) for s in ("Prévu", "Sollicité"))
_CEILING_ROUNDING_POINTS = 0.05  # a rate typed with one decimal is not "above" its ceiling by rounding alone


def _signed_amount(x: float) -> str:
    return ("+" if x > 0 else "") + fr_amount(x)


def _signed_percent(x: float) -> str:
    return ("+" if x > 0 else "") + fr_percent(x, 1)


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
    funding = funding_by_operation(p)
    for op in open_operations(p, at):
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
        total = total_if_known(line.amount for line in lines)
        if total is None:
            continue
        gap = round(total - cost, 2)
        gap_pct = abs(gap) / cost * 100
        if gap == 0 or not reached(gap_pct, params.funding_tolerance_pct):
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

    The rate is Σ ANRU amounts ÷ *Base subventionnable (€)*, the assiette the ANRU rate applies
    to (décret 2007-559: up to 130 % of the regulatory one); the current cost where no base is
    typed. It alerts when strictly above *Taux ANRU plafond (%)* by more than 0.05 point, so
    that a rate rounded to one decimal in the convention does not alert by rounding alone.
    Quiet without a ceiling, an ANRU line, a known positive base (or cost) or known ANRU amounts.
    """
    funding = funding_by_operation(p)
    for op in open_operations(p, at):
        ceiling = op.anru_ceiling_pct
        base, what = ((op.subsidy_base, "une base subventionnable") if op.subsidy_base is not None
                      else (op.cost, "un coût"))
        if ceiling is None or base is None or base <= 0:
            continue
        subsidy = anru_subsidy(funding.get(op.id, []))
        if subsidy is None:
            continue
        rate = subsidy / base * 100
        if rate <= ceiling + _CEILING_ROUNDING_POINTS + EPSILON:
            continue
        yield Alert.for_operation(
            op, severity=Level.ROUGE,
            finding=f"Subvention ANRU de {fr_amount(subsidy)} pour {what} de {fr_amount(base)} : taux de "
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
    for op in open_operations(p, at):
        current, convention = op.cost_current, op.cost_convention
        if current is None or convention is None or convention <= 0:
            continue
        drift = (current - convention) / convention * 100
        severity = severity_for(drift, params.cost_drift_orange_pct, params.cost_drift_red_pct)
        if severity is None:
            continue
        yield Alert.for_operation(
            op, severity=severity,
            finding=f"Coût actualisé de {fr_amount(current)} contre {fr_amount(convention)} à la convention : "
                    f"{_signed_percent(drift)} ({_signed_amount(current - convention)})",
            measure="Analyser la dérive avec le maître d'ouvrage, rechercher des économies ou compléter le plan "
                    "de financement, préparer un avenant si besoin")


@rule("FIN-10", theme=Theme.FINANCIER)
def funding_unsecured_before_start(p: Programme, at: date, params: Params) -> Iterator[Alert]:
    """Yield an orange alert for each operation about to start with funding still *prévu* or *sollicité*.

    The planned works start (forecast, else avenant, else convention date) falls within
    *Financement non acquis avant démarrage (mois)* of ``at``, that day included; a planned
    start already passed without starting also alerts, the funding gap being a likely cause
    of the delay. The finding names each unsecured funder and amount; lines with an unknown
    or zero amount are left out.
    """
    funding = funding_by_operation(p)
    horizon = add_months(at, params.unsecured_funding_window_months)
    for op in not_started(p, at):
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
