"""Alert rules of the theme *Habitat et relogement*: reconstitution de l'offre, relogement, quantities.

HAB-01 and HAB-04 are programme-level; they may yield two alerts at once, told apart in the key
by their ``milestone`` (a label, not a *jalon*). The figures come from :mod:`opc_excel.compute.indicators.habitat`
so that the alerts and the *Tableau de bord* always agree.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import date

from opc_excel.compute.alerts.registry import rule
from opc_excel.compute.indicators.habitat import reconstitution, rehousing
from opc_excel.compute.schedule import add_months, delivered, is_abandoned
from opc_excel.fr import fr_date, fr_number, fr_percent
from opc_excel.model import Alert, Level, Operation, Params, Programme, ProgrammeKind, Theme
from opc_excel.read import contract

# The NPNRU *règlement général* asks for at least 60 % PLAI in the reconstitution de l'offre.
# There is no *Paramètres* row for it yet (model.Params has no field): kept here, named, until one is added.

_EPSILON = 1e-9  # a gap computed in floating point "reaches" a threshold it equals on paper


def _reached(value: float, threshold: float) -> bool:
    return value >= threshold - _EPSILON


def _dwellings(n: float) -> str:
    return f"{_quantity(n)} logement{'s' if abs(n) >= 2 else ''}"


def _quantity(n: float) -> str:
    return fr_number(n, 0 if float(n).is_integer() else 1)


def _percent(x: float) -> str:
    """Return ``15 %``, or ``10,4 %`` when a decimal tells it from a threshold."""
    return fr_percent(x, 0 if round(x, 1).is_integer() else 1)


def _live(p: Programme, famille: str) -> list[Operation]:
    return [op for op in p.operations if op.famille == famille and not is_abandoned(op)]


# ---------------------------------------------------------------- HAB-01


@rule("HAB-01", theme=Theme.HABITAT)
def reconstitution_behind(p: Programme, at: date, params: Params) -> Iterator[Alert]:
    """Yield up to two programme-level alerts on the *1 pour 1* of the reconstitution de l'offre.

    - Orange (key ``HAB-01 · Démarrages``): fewer rebuilt dwellings started than demolished
      dwellings started at ``at``; the finding gives both counts and the gap.
    - Rouge (key ``HAB-01 · Fin de programme``): the programme as planned (every non-abandoned
      operation's convention quantity) rebuilds fewer dwellings than it demolishes.

    Counts are :func:`opc_excel.compute.indicators.habitat.reconstitution`'s: convention quantities in dwellings, an
    operation counting as started from its actual works start (or its delivery).

    Both can fire together: the first is a matter of pace, the second of programming, and they call for
    different measures. The *1 pour 1* is a ratio of 1, not a threshold of the *Paramètres*: an exact
    balance is quiet. No alert when the programme demolishes nothing.
    """
    r = reconstitution(p, at)
    if r.rebuilt_started < r.demolished_started:
        gap = r.gap_started
        yield Alert(
            Level.ORANGE,
            finding=(f"Reconstitution en retard sur les démolitions au {fr_date(at)} : "
                     f"{_dwellings(r.rebuilt_started)} reconstruits démarrés pour "
                     f"{_dwellings(r.demolished_started)} démolis démarrés, soit un écart de {_dwellings(gap)}"),
            measure=("Accélérer avec les bailleurs le lancement des opérations de reconstitution "
                     "(foncier, permis, marchés) et suivre l'écart à chaque comité de suivi"),
            milestone="Démarrages")
    if r.demolished_planned and r.rebuilt_planned < r.demolished_planned:
        missing = r.demolished_planned - r.rebuilt_planned
        yield Alert(
            Level.ROUGE,
            finding=(f"Reconstitution prévue de {_dwellings(r.rebuilt_planned)} pour "
                     f"{_dwellings(r.demolished_planned)} démolis (ratio "
                     f"{fr_number(r.rebuilt_planned / r.demolished_planned, 2)}) : "
                     f"il manque {_dwellings(missing)} pour tenir le 1 pour 1"),
            measure=("Programmer avec les bailleurs les logements manquants (nouveaux sites, acquisitions) "
                     "et les inscrire par avenant à la convention"),
            milestone="Fin de programme")


# ---------------------------------------------------------------- HAB-02


@rule("HAB-02", theme=Theme.HABITAT, programmes=[ProgrammeKind.NPNRU])
def reconstitution_npnru_targets(p: Programme, at: date, params: Params) -> Iterator[Alert]:
    """Yield the NPNRU reconstitution alerts, all red: PLAI share below 60 %, and rebuilding inside the district.

    - PLAI share (key ``HAB-02 · PLAI``, programme level): Σ *Logements PLAI* ÷ Σ *Quantité convention*
      × 100 over the non-abandoned *Reconstitution de l'offre* operations whose two figures are both
      known (an operation with either cell empty is left out of both sums); below
      ``params.plai_share_min_pct`` (60 by default) fires, exactly at it is quiet. Delivered operations count: the share
      is a commitment of the whole programme.
    - One alert per reconstitution operation typed *Hors QPV* = Non (an empty cell is unknown, and
      quiet). Quiet once the operation is delivered: the site can no longer change and the gap belongs
      to the convention's bilan, not to the alerts.
    """
    operations = _live(p, contract.RECONSTITUTION)
    counted = [op for op in operations if op.plai_units is not None and op.quantity_convention is not None]
    total = sum(op.quantity_convention for op in counted)
    if total > 0:
        plai = sum(op.plai_units for op in counted)
        share = 100 * plai / total
        if share < params.plai_share_min_pct:
            yield Alert(
                Level.ROUGE,
                finding=(f"Part de PLAI dans la reconstitution de {fr_percent(share)} "
                         f"({_dwellings(plai)} PLAI sur {_quantity(total)}), "
                         f"sous le minimum de {fr_percent(params.plai_share_min_pct)}"),
                measure=("Revoir avec les bailleurs la programmation des logements reconstitués pour porter "
                         "la part de PLAI au minimum, ou solliciter une dérogation de l'ANRU"),
                milestone="PLAI")
    for op in operations:
        if op.outside_qpv is False and not delivered(op, at):
            what = _dwellings(op.quantity_convention) if op.quantity_convention else "logements"
            yield Alert.for_operation(
                op, severity=Level.ROUGE,
                finding=(f"Reconstitution de {what} prévue dans le quartier (Hors QPV : Non), "
                         "contraire à la règle de reconstitution hors QPV"),
                measure=("Rechercher avec le bailleur un site hors QPV ou solliciter la dérogation de l'ANRU "
                         "avant le lancement des marchés"))


# ---------------------------------------------------------------- HAB-03


def expected_rehoused_pct(signature: date, planned_start: date, at: date) -> float:
    """Return the share of households the rehousing plan expects rehoused at ``at``, from 0 to 100.

    The plan: none at the signature of the convention, all one month before the planned works start,
    linear in between (the month left for the *curage* and the disconnections before the works).
    """
    end = add_months(planned_start, -1)
    if at >= end:
        return 100.0
    if at <= signature:
        return 0.0
    return 100 * (at - signature).days / (end - signature).days


@rule("HAB-03", theme=Theme.HABITAT)
def rehousing_behind_plan(p: Programme, at: date, params: Params) -> Iterator[Alert]:
    """Yield an orange alert for each operation whose rehousing is behind the rehousing plan.

    The plan (:func:`expected_rehoused_pct`): the expected share of the operation's households
    rehoused grows linearly from the signature of the convention (*Date de signature*) to one month
    before the planned works start (forecast, else baseline), then stays at 100 %. The actual share is
    the households *Relogé* or *Parti sans relogement* over all the operation's households; a
    *Relogement temporaire* is not done yet (the charte asks for a definitive rehousing). The alert
    fires when the actual share is behind the expected one by at least ``rehousing_lag_pct`` points.

    Every operation with households on the *Relogement* sheet is checked (in practice the demolitions);
    it stays checked after the works start, since a household left in place is then urgent. Quiet when
    the operation is delivered or abandoned, or when its planned works start or the signature date is
    unknown.
    """
    if params.signature_date is None:
        return
    with_households = {h.operation_id for h in p.households}
    for op in p.operations:
        if op.id not in with_households or is_abandoned(op) or delivered(op, at):
            continue
        start = op.milestone(contract.WORKS_START)
        planned = (start.forecast or start.baseline) if start else None
        if planned is None:
            continue
        h = rehousing(p, op.id)
        if h.rehoused_percent is None or h.left_without_percent is None:
            continue  # no household with a readable status
        done = h.rehoused + h.left_without
        actual = h.rehoused_percent + h.left_without_percent
        expected = expected_rehoused_pct(params.signature_date, planned, at)
        gap = expected - actual
        if _reached(gap, params.rehousing_lag_pct):
            yield Alert.for_operation(
                op, severity=Level.ORANGE,
                finding=(f"{_quantity(done)} ménage{'s' if done >= 2 else ''} relogé{'s' if done >= 2 else ''} "
                         f"sur {_quantity(h.to_rehouse)} ({fr_percent(actual)}) pour {fr_percent(expected)} attendus "
                         f"au {fr_date(at)} avant un démarrage prévu le {fr_date(planned)} : "
                         f"{fr_number(gap)} points de retard sur le plan de relogement"),
                measure=("Réunir la commission de relogement avec les bailleurs, multiplier les propositions "
                         "aux ménages restants et recaler le démarrage des travaux si besoin"))


# ---------------------------------------------------------------- HAB-04


@rule("HAB-04", theme=Theme.HABITAT)
def rehousing_quality(p: Programme, at: date, params: Params) -> Iterator[Alert]:
    """Yield up to two programme-level orange alerts on the quality of the rehousing done.

    - Key ``HAB-04 · Neuf ou récent``: the share of rehoused households rehoused in new or recent
      (< 5 years) housing is below ``rehousing_new_housing_target_pct`` (at the target is quiet).
    - Key ``HAB-04 · Reste à charge``: the median change of the households' *reste à charge* is up by
      ``rest_to_pay_increase_pct`` % or more (the catalogue's "threshold reached" rule).

    Quiet when no household has been rehoused yet, and each alert when its figure is unknown
    (no destination, no household with both *reste à charge* typed).
    """
    h = rehousing(p)
    if not h.rehoused:
        return
    share = h.new_or_recent_percent
    if share is not None and share < params.rehousing_new_housing_target_pct:
        yield Alert(
            Level.ORANGE,
            finding=(f"{fr_percent(share)} des ménages relogés l'ont été dans le neuf ou le récent "
                     f"({_quantity(h.new_or_recent)} sur {_quantity(h.rehoused)}), "
                     f"pour un objectif de {fr_percent(params.rehousing_new_housing_target_pct)}"),
            measure=("Réserver avec les bailleurs des logements neufs ou récents (livraisons de la reconstitution) "
                     "pour les prochains relogements"),
            milestone="Neuf ou récent")
    change = h.median_rest_to_pay_change_pct
    if change is not None and _reached(change, params.rest_to_pay_increase_pct):
        yield Alert(
            Level.ORANGE,
            finding=(f"Reste à charge médian des ménages relogés en hausse de {_percent(change)} "
                     f"(seuil : {fr_percent(params.rest_to_pay_increase_pct)})"),
            measure=("Examiner avec les bailleurs et la CAF la situation des ménages concernés : minoration "
                     "de loyer, ouverture des droits APL, accompagnement social"),
            milestone="Reste à charge")


# ---------------------------------------------------------------- HAB-05


@rule("HAB-05", theme=Theme.HABITAT)
def delivered_quantity_differs(p: Programme, at: date, params: Params) -> Iterator[Alert]:
    """Yield an orange alert for each delivered operation whose delivered quantity differs from the convention's.

    Delivered as :func:`opc_excel.compute.schedule.delivered` says (an actual delivery on or before ``at``, or
    the status *Livrée*). Quiet when either quantity is empty, and once the operation is *Soldée*: the
    ANRU balance is computed on the delivered quantity, so the gap is settled.
    """
    for op in p.operations:
        if is_abandoned(op) or op.status == "Soldée" or not delivered(op, at):
            continue
        planned, done = op.quantity_convention, op.quantity_done
        if planned is None or done is None or math.isclose(planned, done, abs_tol=_EPSILON):
            continue
        unit = f" {op.unit}" if op.unit else ""
        diff = done - planned
        yield Alert.for_operation(
            op, severity=Level.ORANGE,
            finding=(f"Livrée avec {_quantity(done)}{unit} au lieu de {_quantity(planned)}{unit} prévus "
                     f"à la convention ({'+' if diff > 0 else '−'}{_quantity(abs(diff))}{unit})"),
            measure=("Faire justifier l'écart par le maître d'ouvrage, l'intégrer à la demande de solde "
                     "et au prochain avenant"))
