"""Financial alerts on engaging the ANRU subsidy in time and within the envelope: FIN-09, FIN-11, FIN-13.

FIN-09 compares the programme's engagement with the planned engagement curve, FIN-11 names the operations whose
DAS comes after the engagement horizon (or, in NPNRU, beyond the tolerance), FIN-13 the overrun of the ANRU
envelope of the latest avenant. The choices they share are in :mod:`opc_excel.compute.alerts.financier.common`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date

from opc_excel.compute.alerts.financier.common import (
    EURO_ROUNDING,
    above,
    actual_date,
    anru_subsidy,
    funding_by_operation,
    open_operations,
    severity_for,
)
from opc_excel.compute.alerts.registry import rule
from opc_excel.compute.indicators.financier import (
    anru_subsidy_lines,
    engagement_percent,
    planned_engagement_percent,
)
from opc_excel.compute.schedule import add_months, whole_months
from opc_excel.fr import fr_amount, fr_date, fr_months, fr_number, fr_percent
from opc_excel.model import Alert, Level, Milestone, Params, Programme, ProgrammeKind, Theme
from opc_excel.read import contract

# *Date limite d'engagement* left empty: PNRU's horizon as of 2011 (loi 2014-173 later moved it to 31/12/2015),
# NPNRU's as announced by the ANRU ("Des solutions pour faire avancer les projets").
DEFAULT_ENGAGEMENT_DEADLINES = {ProgrammeKind.PNRU: date(2013, 12, 31), ProgrammeKind.NPNRU: date(2026, 6, 30)}
GROWN_SHOWN = 5  # operations named in FIN-13's finding; the others are counted


def engagement_deadline(params: Params) -> date:
    """Return the *Date limite d'engagement*: the parameter, else the programme's default horizon."""
    return params.engagement_deadline or DEFAULT_ENGAGEMENT_DEADLINES[params.programme]


@rule("FIN-09", theme=Theme.FINANCIER)
def engagement_behind_plan(p: Programme, at: date, params: Params) -> Iterator[Alert]:
    """Yield one programme-level alert when ANRU engagement is behind the planned engagement curve.

    Gap = planned engagement at ``at`` − actual engagement (taux d'engagement), in points:
    orange from *Retard d'engagement orange (points)*, red from *Retard d'engagement rouge
    (points)*. The planned figure is the indicator's (:func:`planned_engagement_percent`, the
    *courbe en S* of planned engagement read at ``at`` itself, domain.md "Indicators"), so the
    alert and the decks' curve never disagree. Engagement ahead of plan does not alert. Quiet
    when either figure is unknown (no ANRU subsidy, nothing planned). Source: local practice of
    the OPC (the ANRU follows engagement against the convention's calendar at each revue de projet).
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
                f"prévus à la courbe d'engagement : retard de {fr_number(gap)} points",
                "Identifier avec les maîtres d'ouvrage les DAS à solliciter en priorité et recaler la "
                "programmation des engagements avec l'ANRU")


def _beyond_tolerance(das: Milestone, expected: date, params: Params) -> str | None:
    """Return why a DAS not yet signed is beyond the NPNRU tolerance on its baseline date, None when it is not."""
    baseline = das.baseline
    if baseline is None or expected < add_months(baseline, params.npnru_tolerance_months):
        return None
    which = "de l'avenant" if das.avenant is not None else "de la convention"
    return (f"{fr_months(whole_months(baseline, expected))} après la date {which} ({fr_date(baseline)}) pour une "
            f"tolérance de {fr_months(params.npnru_tolerance_months)}")


@rule("FIN-11", theme=Theme.FINANCIER)
def das_after_engagement_deadline(p: Programme, at: date, params: Params) -> Iterator[Alert]:
    """Yield a red alert for each operation whose DAS comes too late to engage its ANRU subsidy.

    Too late, in both programmes: the DAS (its actual date, else forecast, else avenant, else
    convention date) comes after the *Date limite d'engagement* — engaging on that day is still
    in time. Left empty, the date is 31/12/2013 in PNRU (the horizon as of 2011; loi n° 2014-173
    du 21/02/2014 moved it to 31/12/2015: type that date in *Paramètres* for a later situation)
    and 30/06/2026 in NPNRU (ANRU, "Des solutions pour faire avancer les projets"). A DAS
    recorded after it alerts too: the engagement is to be confirmed with the ANRU.
    NPNRU also: a DAS not yet signed expected *Tolérance NPNRU (mois)* or more after its baseline
    date (avenant, else convention: a slip an avenant ratified is no breach), same source.
    Only operations with a known, positive ANRU subsidy: the finding names the subsidy at stake.
    """
    deadline = engagement_deadline(params)
    funding = funding_by_operation(p)
    for op in open_operations(p, at):
        das = op.milestone(contract.DAS)
        if das is None:
            continue
        signed = actual_date(op, contract.DAS, at)
        expected = signed or das.forecast or das.baseline
        if expected is None:
            continue
        reasons = []
        if params.programme is ProgrammeKind.NPNRU and signed is None:
            reasons.append(_beyond_tolerance(das, expected, params) or "")
        if expected > deadline:
            reasons.append(f"après la date limite d'engagement du {fr_date(deadline)}")
        reasons = [r for r in reasons if r]
        subsidy = anru_subsidy(funding.get(op.id, []))
        if not reasons or not subsidy or subsidy <= 0:
            continue
        when = "signée" if signed else "prévue"
        yield Alert.for_operation(
            op, severity=Level.ROUGE,
            finding=f"DAS {when} le {fr_date(expected)}, " + " et ".join(reasons)
                    + f" : subvention ANRU de {fr_amount(subsidy)} en jeu",
            measure="Accélérer le dossier d'engagement avec le maître d'ouvrage pour obtenir la DAS avant le "
                    f"{fr_date(deadline)}, ou faire acter le report par l'ANRU (avenant) ; à défaut, la subvention "
                    "est perdue")


def _growth_by_operation(p: Programme) -> dict[str, float]:
    """Return, per operation, how much its current ANRU subsidy exceeds the convention's (rises only)."""
    current: defaultdict[str, float] = defaultdict(float)
    convention: defaultdict[str, float] = defaultdict(float)
    for line in anru_subsidy_lines(p):
        if line.amount is not None:
            current[line.operation_id] += line.amount
        if line.amount_convention is not None:
            convention[line.operation_id] += line.amount_convention
    return {op_id: current[op_id] - convention[op_id] for op_id in current
            if current[op_id] - convention[op_id] >= EURO_ROUNDING}


@rule("FIN-13", theme=Theme.FINANCIER)
def anru_envelope_exceeded(p: Programme, at: date, params: Params) -> Iterator[Alert]:
    """Yield one programme-level red alert when the current ANRU subsidies exceed the envelope of the latest avenant.

    Σ of the ANRU lines' current amounts (else convention amounts) over the operations not
    abandoned (an abandoned operation frees its subsidy), *soldées* included (their subsidy is
    consumed), compared with *Enveloppe ANRU (€)*: red strictly above it (by half a euro, so
    rounding alone does not alert). Off when the parameter is empty. A line of unknown amount
    counts as nothing (*Contrôles* reports it). The finding names the operations whose ANRU
    subsidy grew against the convention figure (*Montant actualisé* > *Montant convention*),
    the largest rise first: the *fongibilité* to find is among them. Source: the convention
    (and its avenants) caps the ANRU subsidy of the whole programme; local practice of the OPC.
    """
    envelope = params.anru_envelope
    if envelope is None:
        return
    total = sum(line.amount for line in anru_subsidy_lines(p) if line.amount is not None)
    if not above(total, envelope + EURO_ROUNDING):
        return
    labels = {op.id: op.label for op in p.operations}
    grown = sorted(_growth_by_operation(p).items(), key=lambda item: (-item[1], item[0]))
    named = ", ".join(f"{op_id}{' ' + labels[op_id] if labels.get(op_id) else ''} (+{fr_amount(rise)})"
                      for op_id, rise in grown[:GROWN_SHOWN])
    if len(grown) > GROWN_SHOWN:
        named += f" et {len(grown) - GROWN_SHOWN} autre(s)"
    whose = f" ({params.amendment_in_force})" if params.amendment_in_force else ""
    rises = (f" ; subventions en hausse par rapport à la convention : {named}" if grown
             else " ; aucune subvention d'opération en hausse par rapport à la convention")
    yield Alert(Level.ROUGE,
                f"Subventions ANRU actualisées de {fr_amount(total)} pour une enveloppe ANRU de {fr_amount(envelope)}"
                f"{whose} : dépassement de {fr_amount(total - envelope)}{rises}",
                "Trouver la fongibilité : redéployer la subvention ANRU entre opérations (économies, opérations "
                "abandonnées ou réduites) ou ramener les hausses, et le faire acter par avenant")
