"""Alert rules of the theme *Insertion et GUP*: insertion hours against the works, and the GUP convention."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from opc_excel.compute.alerts.registry import rule
from opc_excel.compute.schedule import delivered, is_abandoned, progress, works_started
from opc_excel.fr import fr_date, fr_number, fr_percent
from opc_excel.model import Alert, InsertionLine, Level, Operation, Params, Programme, Theme

_EPSILON = 1e-9  # a gap computed in floating point "reaches" a threshold it equals on paper


def works_progress(operation: Operation, at: date) -> float:
    """Return how far the works themselves have gone, 0 to 100: the 25 → 90 works stretch of pᵢ(t) rescaled.

    0 before the works start, 100 once delivered, (pᵢ(t) − 25) ÷ 65 × 100 in between: the insertion
    hours are worked on site, so the studies and contracts stages of pᵢ(t) don't count.
    """
    if delivered(operation, at):
        return 100.0
    if not works_started(operation, at):
        return 0.0
    return min(max((progress(operation, at) - 25) / 65 * 100, 0.0), 100.0)


@rule("SOC-01", theme=Theme.SOCIAL)
def insertion_behind_works(p: Programme, at: date, params: Params) -> Iterator[Alert]:
    """Yield an orange alert for each operation whose insertion hours lag its works progress.

    Insertion ratio = Σ *Heures d'insertion réalisées* ÷ Σ *Heures d'insertion prévues* × 100 over the
    operation's *Insertion* lines with both figures typed (a line with either empty is left out).
    Works progress: :func:`works_progress`. Fires when the ratio is ``insertion_gap_points`` points or
    more below the works progress.

    Delivered operations are still checked (works progress 100): the missing hours must be made up or
    justified before the balance is requested. Quiet once the operation is *Soldée* or abandoned, before
    its works start, and when no insertion hours are planned.
    """
    lines: dict[str, list[InsertionLine]] = {}
    for line in p.insertion:
        if line.insertion_planned is not None and line.insertion_done is not None:
            lines.setdefault(line.operation_id, []).append(line)
    for op in p.operations:
        if op.id not in lines or is_abandoned(op) or op.status == "Soldée":
            continue
        planned = sum(line.insertion_planned for line in lines[op.id])
        if planned <= 0:
            continue
        done = sum(line.insertion_done for line in lines[op.id])
        ratio = 100 * done / planned
        works = works_progress(op, at)
        gap = works - ratio
        if gap >= params.insertion_gap_points - _EPSILON:
            yield Alert.for_operation(
                op, severity=Level.ORANGE,
                finding=(f"Insertion : {fr_number(done)} heures réalisées sur {fr_number(planned)} prévues "
                         f"({fr_percent(ratio)}) pour des travaux avancés à {fr_percent(works)}, "
                         f"soit {fr_number(gap)} points d'écart"),
                measure=("Réunir l'entreprise et le facilitateur de la clause d'insertion, programmer les heures "
                         "restantes sur les prochaines phases du chantier"))


@rule("SOC-02", theme=Theme.SOCIAL)
def gup_convention_ended(p: Programme, at: date, params: Params) -> Iterator[Alert]:
    """Yield one programme-level orange alert when works are active and the GUP convention is not in force.

    Not in force: *Fin de la convention GUP* before ``at`` (the end day itself is still covered), or
    not typed at all, as the catalogue says. Active works: a non-abandoned operation whose works have
    started and which is not delivered. The finding gives the number of operations in works.
    """
    if params.gup_end is not None and params.gup_end >= at:
        return
    active = [op for op in p.operations
              if not is_abandoned(op) and works_started(op, at) and not delivered(op, at)]
    if not active:
        return
    plural = len(active) >= 2
    works = f"{len(active)} opération{'s sont' if plural else ' est'} en travaux"
    if params.gup_end is None:
        finding = f"Aucune date de fin de convention GUP saisie alors que {works} au {fr_date(at)}"
    else:
        finding = f"Convention GUP échue le {fr_date(params.gup_end)} alors que {works} au {fr_date(at)}"
    yield Alert(
        Level.ORANGE, finding=finding,
        measure=("Prolonger ou renouveler la convention GUP avec les bailleurs et la Ville pour couvrir la durée "
                 "des chantiers, et saisir sa date de fin dans Paramètres"))
