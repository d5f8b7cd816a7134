"""Alert rules of the theme *Habitat et relogement*: reconstitution de l'offre, relogement, quantities.

HAB-01, HAB-02 and HAB-05 here; the relogement rules (HAB-03, 04, 06, 07) in :mod:`.relogement`. HAB-01 is
programme-level; it may yield two alerts at once, told apart in the key by their ``milestone`` (a label, not a
*jalon*). The figures come from :mod:`opc_excel.compute.indicators.habitat` so that the alerts and the *Tableau de
bord* always agree.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import date

from opc_excel.compute.alerts.registry import rule
from opc_excel.compute.indicators.habitat import reconstitution
from opc_excel.compute.schedule import add_months, delivered, is_abandoned
from opc_excel.fr import fr_date, fr_number, fr_percent
from opc_excel.model import Alert, Level, Operation, Params, Programme, ProgrammeKind, Theme
from opc_excel.read import contract

_EPSILON = 1e-9  # a gap computed in floating point "reaches" a threshold it equals on paper


def _dwellings(n: float) -> str:
    return f"{_quantity(n)} logement{'s' if abs(n) >= 2 else ''}"


def _quantity(n: float) -> str:
    return fr_number(n, 0 if float(n).is_integer() else 1)


def _live(p: Programme, famille: str) -> list[Operation]:
    return [op for op in p.operations if op.famille == famille and not is_abandoned(op)]


# ---------------------------------------------------------------- HAB-01


def _demolition_start(op: Operation) -> date | None:
    """Return when a demolition takes its dwellings off the offer: its actual works start, else the planned one."""
    start = op.milestone(contract.WORKS_START)
    return None if start is None else start.expected


def _rebuilding_due(p: Programme, at: date, params: Params, ratio: float) -> tuple[float, date]:
    """Return the dwellings the reconstitution should have started at ``at`` and the date the demolitions count to.

    The demolitions starting (actual, else planned) more than ``reconstitution_lag_months`` before ``at``, times the
    contracted ratio of reconstitution (capped at 1: what the convention rebuilds beyond the demolitions is not
    owed to their sequence), rounded to the nearest whole dwelling.
    """
    limit = add_months(at, -params.reconstitution_lag_months)
    due = 0.0
    for op in _live(p, contract.DEMOLITION):
        start = _demolition_start(op)
        if start is not None and start < limit and op.quantity_convention is not None:
            due += op.quantity_convention
    return math.floor(due * min(ratio, 1.0) + 0.5), limit


@rule("HAB-01", theme=Theme.HABITAT)
def reconstitution_behind(p: Programme, at: date, params: Params) -> Iterator[Alert]:
    """Yield up to two programme-level alerts on the reconstitution de l'offre against the contracted target.

    The target is *Objectif de reconstitution (logements)*: what the convention (or its latest avenant) contracted,
    which may be less than 1 pour 1 where the ANRU granted a derogation on the PLH in a declining housing market
    (règlement général de l'ANRU); left empty, it is 1 pour 1 (as many as demolished). Counts come from
    :func:`opc_excel.compute.indicators.habitat.reconstitution` (convention quantities in dwellings, abandoned
    operations left out).

    - Rouge (key ``HAB-01 · Fin de programme``): the reconstitution programmed (every non-abandoned reconstitution's
      *Quantité convention*) is below the target. Exactly at the target is quiet.
    - Orange (key ``HAB-01 · Démarrages``): the rebuilt dwellings started at ``at`` lag the sequence of demolitions by
      more than ``reconstitution_lag_months`` (12): fewer than the dwellings of the demolitions that started (actual
      date, else planned) more than that many months before ``at``, times the contracted ratio (target ÷
      demolished, capped at 1). A demolition starting exactly that many months before is not yet due (the lag must
      be *more than* the threshold). Local practice: the texts set no pace, the convention's calendar does.

    Both can fire together: one is a matter of programming, the other of pace. Quiet when the programme demolishes
    nothing and no target is typed.
    """
    r = reconstitution(p, at)
    target = params.reconstitution_target if params.reconstitution_target is not None else r.demolished_planned
    if not target:
        return
    contracted = params.reconstitution_target is not None
    if r.rebuilt_planned < target - _EPSILON:
        missing = target - r.rebuilt_planned
        against = (f"pour un objectif contracté de {_dwellings(target)}" if contracted
                   else f"pour {_dwellings(target)} démolis (1 pour 1, aucun objectif de reconstitution saisi)")
        yield Alert(
            Level.ROUGE,
            finding=(f"Reconstitution programmée de {_dwellings(r.rebuilt_planned)} {against} : "
                     f"il manque {_dwellings(missing)}"),
            measure=("Programmer avec les bailleurs les logements manquants (nouveaux sites, acquisitions) et les "
                     "inscrire par avenant, ou faire acter par avenant l'objectif réellement contracté"),
            milestone="Fin de programme")
    if not r.demolished_planned:
        return
    due, limit = _rebuilding_due(p, at, params, target / r.demolished_planned)
    if r.rebuilt_started < due - _EPSILON:
        lag = _quantity(params.reconstitution_lag_months)
        yield Alert(
            Level.ORANGE,
            finding=(f"Reconstitution en retard de plus de {lag} mois sur les démolitions au {fr_date(at)} : "
                     f"{_dwellings(r.rebuilt_started)} reconstruits démarrés pour {_dwellings(due)} attendus "
                     f"(démolitions démarrées avant le {fr_date(limit)}), soit un écart de "
                     f"{_dwellings(due - r.rebuilt_started)}"),
            measure=("Accélérer avec les bailleurs le lancement des opérations de reconstitution "
                     "(foncier, permis, marchés) et suivre l'écart à chaque comité de suivi"),
            milestone="Démarrages")


# ---------------------------------------------------------------- HAB-02


@rule("HAB-02", theme=Theme.HABITAT, programmes=[ProgrammeKind.NPNRU])
def reconstitution_npnru_targets(p: Programme, at: date, params: Params) -> Iterator[Alert]:
    """Yield the NPNRU reconstitution alerts, all red: PLAI share below 60 %, and rebuilding inside the district.

    Source: règlement général de l'ANRU (NPNRU): at least 60 % PLAI across the reconstitution, rebuilt outside the
    QPV, both open to a derogation granted by the ANRU — typed *Dérogation ANRU* = Oui on the operation.

    - PLAI share (key ``HAB-02 · PLAI``, programme level): Σ *Logements PLAI* ÷ Σ *Quantité convention*
      × 100 over the non-abandoned *Reconstitution de l'offre* operations whose two figures are both
      known (an operation with either cell empty is left out of both sums) and that hold no derogation (a
      derogation granted on an operation takes it out of the share: it answers for its own PLAI); below
      ``params.plai_share_min_pct`` (60 by default) fires, exactly at it is quiet. Delivered operations count: the
      share is a commitment of the whole programme.
    - One alert per reconstitution operation typed *Hors QPV* (read from *Hors ZUS* as well) = Non and no
      derogation (an empty cell is unknown, and quiet). Quiet once the operation is delivered: the site can no
      longer change and the gap belongs to the convention's bilan, not to the alerts.
    """
    operations = [op for op in _live(p, contract.RECONSTITUTION) if op.anru_derogation is not True]
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
