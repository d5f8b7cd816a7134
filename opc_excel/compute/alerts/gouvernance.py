"""Alert rules of the theme *Gouvernance*: revue de projet, points d'étape, relevé de décisions, avenants."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from opc_excel.compute.alerts.financier.common import is_anru
from opc_excel.compute.alerts.registry import rule
from opc_excel.compute.schedule import add_months, delivered, is_abandoned, whole_months, works_started
from opc_excel.fr import fr_amount, fr_date, fr_months, fr_number, fr_percent
from opc_excel.model import Action, Alert, Level, Operation, Params, Programme, ProgrammeKind, Theme
from opc_excel.read import contract

CLOSED_ACTION = "Soldée"
INGENIERIE = "Ingénierie et conduite de projet"
# PNRU *points d'étape*: 2 and 4 years after the signature of the convention (domain.md).
PNRU_MILESTONE_REVIEW_MONTHS = (24, 48)


def _within(at: date, day: date, months: float) -> bool:
    """Return True when ``day`` falls in [at, at + months]."""
    return at <= day <= add_months(at, months)


def _count(n: int, singular: str, plural: str) -> str:
    return f"{n} {singular if n < 2 else plural}"


def _in(at: date, day: date) -> str:
    """Return ``dans 2 mois``, ``dans 12 jours``, ``aujourd'hui``."""
    months = whole_months(at, day)
    if months >= 1:
        return f"dans {fr_months(months)}"
    days = (day - at).days
    return "aujourd'hui" if days == 0 else f"dans {_count(days, 'jour', 'jours')}"


# ---------------------------------------------------------------- GOV-01


def _insertion_due(op: Operation, p: Programme, at: date) -> bool:
    """Return True when the operation's works contracts are running, so their insertion hours can be reported."""
    if op.famille == INGENIERIE and p.params.programme is ProgrammeKind.PNRU:
        return False  # PNRU counts the hours of the works only; NPNRU adds the engineering
    return works_started(op, at) and not delivered(op, at)


def missing_indicators(p: Programme, at: date) -> list[str]:
    """Return what a revue de projet needs and the workbook lacks, one French phrase with its count each.

    Over the non-abandoned operations: a cost; a *Date convention* of works start and of delivery;
    the ANRU funding lines' status; when the programme demolishes: the convention quantities of the
    demolitions and reconstitutions, at least one reconstitution operation, and households on the
    *Relogement* sheet for each demolition (with a status); an *Insertion* line for each operation in
    works (started, not delivered: its contracts are running and the facilitator can report their hours;
    the hours of delivered operations belong to the facilitator's final report), the *Ingénierie et
    conduite de projet* operations excepted in PNRU, where only the works' hours count.
    """
    live = [op for op in p.operations if not is_abandoned(op)]
    live_ids = {op.id for op in live}
    demolitions = [op for op in live if op.famille == contract.DEMOLITION]
    reconstitutions = [op for op in live if op.famille == contract.RECONSTITUTION]
    with_households = {h.operation_id for h in p.households}
    with_insertion = {line.operation_id for line in p.insertion}
    missing: list[str] = []

    def lacking(n: int, singular: str, plural: str) -> None:
        if n:
            missing.append(_count(n, singular, plural))

    def convention_missing(name: str) -> int:
        return sum(1 for op in live if (m := op.milestone(name)) is None or m.convention is None)

    lacking(sum(1 for op in live if op.cost is None), "opération sans coût", "opérations sans coût")
    lacking(convention_missing(contract.WORKS_START), "opération sans date convention de démarrage",
            "opérations sans date convention de démarrage")
    lacking(convention_missing(contract.DELIVERY), "opération sans date convention de livraison",
            "opérations sans date convention de livraison")
    lacking(sum(1 for line in p.funding
                if line.operation_id in live_ids and line.funder == contract.ANRU_FUNDER and line.status is None),
            "ligne ANRU sans statut", "lignes ANRU sans statut")
    if demolitions:
        lacking(sum(1 for op in demolitions + reconstitutions if op.quantity_convention is None),
                "opération de démolition ou de reconstitution sans quantité convention",
                "opérations de démolition ou de reconstitution sans quantité convention")
        if not reconstitutions:
            missing.append("aucune opération de reconstitution de l'offre")
        lacking(sum(1 for op in demolitions if op.id not in with_households),
                "démolition sans ménage saisi dans Relogement", "démolitions sans ménage saisi dans Relogement")
        lacking(sum(1 for h in p.households if h.operation_id in live_ids and h.status is None),
                "ménage sans statut", "ménages sans statut")
    lacking(sum(1 for op in live if op.id not in with_insertion and _insertion_due(op, p, at)),
            "opération en travaux sans ligne d'insertion", "opérations en travaux sans ligne d'insertion")
    return missing


@rule("GOV-01", theme=Theme.GOUVERNANCE)
def project_review_incomplete(p: Programme, at: date, params: Params) -> Iterator[Alert]:
    """Yield one programme-level orange alert when the revue de projet is near and indicators are missing.

    Near: *Prochaine revue de projet* in [``at``, ``at`` + ``project_review_notice_months``]. Missing:
    :func:`missing_indicators`, listed with their counts in the finding. Quiet when no review date is
    typed: unlike the points d'étape, the review's date is set by the préfet's delegate each year and
    cannot be computed.
    """
    review = params.next_project_review
    if review is None or not _within(at, review, params.project_review_notice_months):
        return
    missing = missing_indicators(p, at)
    if missing:
        yield Alert(
            Level.ORANGE,
            finding=f"Revue de projet le {fr_date(review)} ({_in(at, review)}), indicateurs incomplets : "
                    + " ; ".join(missing),
            measure=("Faire compléter le classeur par les maîtres d'ouvrage et les bailleurs avant la revue de "
                     "projet, puis relancer l'actualisation"))


# ---------------------------------------------------------------- GOV-02


def next_milestone_review(params: Params, at: date) -> tuple[date, bool] | None:
    """Return the point d'étape falling within the notice window and whether it was computed, else None.

    The typed *Prochain point d'étape* wins, even outside the window. Without one, a PNRU programme's
    points d'étape are computed at 2 and 4 years after the signature; an NPNRU *clause de revoyure* is
    dated by each convention, so without a typed date nothing is computed.
    """
    notice = params.milestone_review_notice_months
    if params.next_milestone_review is not None:
        typed = params.next_milestone_review
        return (typed, False) if _within(at, typed, notice) else None
    if params.programme is not ProgrammeKind.PNRU or params.signature_date is None:
        return None
    for months in PNRU_MILESTONE_REVIEW_MONTHS:
        day = add_months(params.signature_date, months)
        if _within(at, day, notice):
            return day, True
    return None


@rule("GOV-02", theme=Theme.GOUVERNANCE)
def milestone_review_near(p: Programme, at: date, params: Params) -> Iterator[Alert]:
    """Yield one programme-level orange alert when a point d'étape (NPNRU: clause de revoyure) is near.

    Near: in [``at``, ``at`` + ``milestone_review_notice_months``], the date being the typed
    *Prochain point d'étape*, or, when none is typed, the one :func:`next_milestone_review` computes
    (PNRU: signature + 2 and + 4 years); the finding says when the date was computed.
    """
    found = next_milestone_review(params, at)
    if found is None:
        return
    day, computed = found
    name = "Clause de revoyure" if params.programme is ProgrammeKind.NPNRU else "Point d'étape"
    origin = ""
    if computed:
        assert params.signature_date is not None
        years = whole_months(params.signature_date, day) // 12
        origin = (f" (date calculée : {years} ans après la signature du {fr_date(params.signature_date)}, "
                  "aucune date saisie)")
    yield Alert(
        Level.ORANGE,
        finding=(f"{name} le {fr_date(day)}{origin}, {_in(at, day)} : préparer le bilan des engagements "
                 "de la convention"),
        measure=("Préparer le bilan d'étape (avancement physique et financier, reconstitution, relogement, "
                 "insertion, points durs) et le faire valider en comité de pilotage"))


# ---------------------------------------------------------------- GOV-03


def _overdue_for(due: date, at: date) -> str:
    months = whole_months(due, at)
    return fr_months(months) if months >= 1 else _count((at - due).days, "jour", "jours")


def _subject(action: Action) -> str:
    text = action.subject or action.decision
    return f"Action {action.id} « {text} »" if text else f"Action {action.id}"


@rule("GOV-03", theme=Theme.GOUVERNANCE)
def action_overdue(p: Programme, at: date, params: Params) -> Iterator[Alert]:
    """Yield an alert for each action of the relevé de décisions past its due date: orange, red once postponed often.

    Past due: *Échéance* before ``at`` (the due day itself is still on time), status not *Soldée* and no
    *Date de clôture*. Rouge when *Reports* ≥ ``postponements_red``; an empty *Reports* cell means no
    postponement recorded, so the action is still flagged, orange. Actions without a due date are quiet.

    Quiet when every operation the action is linked to is abandoned: the action went with them.
    The alert names the action and, when it is linked to operations, the first one not abandoned; its
    key is ``GOV-03 · <action id>`` whatever the operations linked, so the users' notes follow the action.
    """
    for action in p.actions:
        if action.status == CLOSED_ACTION or action.closed_on is not None or action.due is None:
            continue
        if action.due >= at:
            continue
        postponements = action.postponements or 0
        red = postponements >= params.postponements_red
        reports = ""
        if postponements:
            reports = f", reportée {_count(int(postponements), 'fois', 'fois')}"
        instance = f" ({action.instance} du {fr_date(action.date)})" if action.instance and action.date else ""
        owner = f" par {action.owner}" if action.owner else ""
        linked = [op for i in action.operation_ids if (op := p.operation(i)) is not None]
        if linked and all(is_abandoned(op) for op in linked):
            continue
        operation = next((op for op in linked if not is_abandoned(op)), None)
        measure = ("Inscrire l'action à l'ordre du jour du prochain comité de pilotage pour arbitrage : "
                   "lever le blocage ou abandonner l'action" if red else
                   "Relancer le responsable et fixer une nouvelle échéance au prochain point mensuel")
        yield Alert(
            Level.ROUGE if red else Level.ORANGE,
            finding=(f"{_subject(action)}{instance} attendue{owner} pour le {fr_date(action.due)}, non soldée : "
                     f"{_overdue_for(action.due, at)} de retard{reports}"),
            measure=measure,
            operation_id=operation.id if operation else None,
            operation_label=(operation.label or "") if operation else "",
            owner=(operation.owner or "") if operation else "",
            action_id=action.id)


# ---------------------------------------------------------------- GOV-04

SIGNED, IN_PREPARATION = contract.AMENDMENT_STATUSES
SETTLED = "Soldée"
# The dates an avenant re-contracts, as the finding names them.
DATED_MILESTONES = {contract.DAS: "DAS prévue", contract.WORKS_START: "démarrage des travaux prévu",
                    contract.DELIVERY: "livraison prévue"}
_EPSILON = 1e-9  # a ratio computed in floating point still reaches a threshold it equals


def amended_operations(p: Programme) -> tuple[dict[str, str], set[str]]:
    """Return the operations listed in an avenant in preparation (id → its N°), and those in a signed avenant.

    An avenant whose *Statut* is empty, or a sheet without the column (first contract), counts as signed:
    the sheet listed the avenants signed.
    """
    preparing: dict[str, str] = {}
    signed: set[str] = set()
    for amendment in p.amendments:
        if amendment.status == IN_PREPARATION:
            for op_id in amendment.operation_ids:
                preparing.setdefault(op_id, amendment.number)
        else:
            signed.update(amendment.operation_ids)
    return preparing, signed


def _signed_pct(change: float) -> str:
    return ("+" if change > 0 else "−") + fr_percent(abs(change))


def _changed(current: float | None, baseline: float | None, threshold: float) -> float | None:
    """Return the change in % of ``baseline`` when it reaches ``threshold`` either way, else None."""
    if current is None or baseline is None or baseline <= 0:
        return None
    change = (current - baseline) / baseline * 100
    return change if abs(change) >= threshold - _EPSILON else None


def _largest_slip(op: Operation, at: date, params: Params) -> str | None:
    """Return the largest forecast slip against the latest baseline reaching *Seuil retard rouge*, in words.

    A forecast already passed with no actual date is late at least until t, as CAL-02 and the decks' slips
    measure it: one slip, one value.
    """
    found: tuple[int, str] | None = None
    for name, planned in DATED_MILESTONES.items():
        m = op.milestone(name)
        if m is None or m.actual is not None or m.forecast is None or m.baseline is None:
            continue
        passed = m.forecast < at
        late = at if passed else m.forecast
        if late < add_months(m.baseline, params.delay_red_months):
            continue
        months = whole_months(m.baseline, late)
        source = "avenant" if m.avenant is not None else "convention"
        words = (f"{planned} le {fr_date(m.forecast)}" + (", date passée sans date réelle," if passed else "")
                 + f" au lieu du {fr_date(m.baseline)} ({source}) : {fr_months(months)} de glissement"
                 + (f" au {fr_date(at)}" if passed else ""))
        if found is None or months > found[0]:
            found = (months, words)
    return found[1] if found else None


def avenant_changes(op: Operation, p: Programme, at: date, params: Params, signed: bool) -> list[str]:
    """Return the changes of ``op`` that call for an avenant, one French phrase each (see GOV-04)."""
    if is_abandoned(op):
        return [] if signed else ["opération abandonnée, toujours inscrite à la convention"]
    changes: list[str] = []
    slip = _largest_slip(op, at, params)
    if slip:
        changes.append(slip)
    if signed:
        return changes  # amounts and quantities: taken as ratified by the signed avenant that lists the operation
    threshold = params.amendment_change_pct
    cost = _changed(op.cost_current, op.cost_convention, threshold)
    if cost is not None:
        assert op.cost_current is not None and op.cost_convention is not None
        changes.append(f"coût actualisé de {fr_amount(op.cost_current)} pour {fr_amount(op.cost_convention)} "
                       f"à la convention ({_signed_pct(cost)})")
    anru = [line for line in p.funding_of(op.id) if is_anru(line)]
    if any(line.amount_current is not None for line in anru):
        before = sum(line.amount_convention or 0 for line in anru)
        after = sum(line.amount or 0 for line in anru)
        subsidy = _changed(after, before, threshold)
        if subsidy is not None:
            changes.append(f"subvention ANRU actualisée de {fr_amount(after)} pour {fr_amount(before)} "
                           f"à la convention ({_signed_pct(subsidy)})")
    if delivered(op, at) and op.quantity_done is not None and op.quantity_convention is not None \
            and op.quantity_done != op.quantity_convention:
        unit = f" {op.unit}" if op.unit else ""
        changes.append(f"quantité livrée de {fr_number(op.quantity_done)}{unit} pour "
                       f"{fr_number(op.quantity_convention)} à la convention")
    return changes


@rule("GOV-04", theme=Theme.GOUVERNANCE)
def change_without_avenant(p: Programme, at: date, params: Params) -> Iterator[Alert]:
    """Yield an orange alert for each operation whose changes call for an avenant that no avenant in preparation holds.

    Local practice (the avenant re-contracts dates, costs and quantities; préfecture de Seine-et-Marne's guide
    on avenants simplifiés and nationaux). What the workbook can show, and so what counts:

    - a slip: the forecast of the *DAS*, the works start or the delivery (milestones not yet reached) later
      than the latest baseline (*Date avenant*, else *Date convention*) by *Seuil retard rouge (mois)* or
      more: the slip CAL-02 calls red is the one the planning no longer absorbs (no new parameter);
    - the cost (*Coût actualisé* against *Coût convention*) or the ANRU subsidy (*Montant actualisé* of
      the ANRU lines against their *Montant convention*) changed by *Écart de coût ou de subvention
      appelant un avenant (%)* [10] or more, up or down;
    - a delivered quantity other than the convention's (*Quantité réalisée* ≠ *Quantité convention*);
    - an operation *Abandonnée*.

    Not shown by the workbook, so not checked: a change of maître d'ouvrage (only the current one is kept).
    Choices: the *Avenants* sheet names the operations an avenant concerns, not its amounts, so an
    operation listed in a signed avenant has its cost, subsidy, quantity and abandonment taken as ratified
    (its dates are, through *Date avenant*); an operation listed in an avenant *En préparation* is quiet
    whatever changed (the change is being carried). An avenant without *Statut* counts as signed.
    *Soldée* operations are quiet: their accounts are closed.
    """
    preparing, signed = amended_operations(p)
    for op in p.operations:
        if op.id in preparing or op.status == SETTLED:
            continue
        changes = avenant_changes(op, p, at, params, op.id in signed)
        if not changes:
            continue
        yield Alert.for_operation(
            op, severity=Level.ORANGE,
            finding="Changement à porter par avenant, aucun avenant en préparation ne le mentionne : "
                    + " ; ".join(changes),
            measure=("Inscrire l'opération dans l'avenant en préparation (feuille Avenants, statut « En "
                     "préparation ») ou arrêter avec le maître d'ouvrage le retour aux termes de la convention"))
