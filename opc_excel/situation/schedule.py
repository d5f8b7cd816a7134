"""Dates and lists of the calendar a meeting is told: deadlines, launches, deliveries, slips, actions followed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from opc_excel.compute.alerts.enchainement import LINKED_MILESTONES, link_of
from opc_excel.compute.indicators.calendrier import Slip, ToLaunch, to_launch
from opc_excel.compute.indicators.habitat import TEMPORARY, TO_REHOUSE
from opc_excel.compute.schedule import add_months, delivered, is_abandoned
from opc_excel.fr import fr_date, fr_number
from opc_excel.model import Action, Alert, Level, Operation
from opc_excel.read import contract
from opc_excel.situation.facts import Facts
from opc_excel.situation.formats import maybe_date
from opc_excel.situation.meeting import planned_meetings
from opc_excel.text import NAME_CAP, shorten


def deadlines(data: Facts, days: int = 90, seance: date | None = None) -> list[tuple[date, str, str, str]]:
    """Return the deadlines from t to ``days`` days after the ``seance`` (default t): DAS, caducité, demande
    de solde, meetings after the séance (a meeting never lists itself), actions.

    Each is (date, what, operation, detail), sorted by date; those before ``seance`` fall due before the meeting.
    """
    at, params = data.at, data.params
    seance = at if seance is None or seance < at else seance
    end = seance + timedelta(days=days)
    found: list[tuple[date, str, str, str]] = []
    for op in data.programme.operations:
        if is_abandoned(op):
            continue
        das, start, delivery = (op.milestone(contract.DAS), op.milestone(contract.WORKS_START),
                                op.milestone(contract.DELIVERY))
        name = f"{op.id} — {shorten(op.label or '', NAME_CAP)}"
        if das and das.actual is None and das.expected and at <= das.expected <= end:
            found.append((das.expected, "DAS attendue", name, f"Convention : {maybe_date(das.convention)}"))
        started = start is not None and start.actual is not None and start.actual <= at
        if das and das.actual and not started:
            lapse = add_months(das.actual, params.lapse_months)
            if at <= lapse <= end:
                found.append((lapse, "Caducité de la subvention", name,
                              f"DAS du {fr_date(das.actual)}, travaux non démarrés"))
        request = op.milestone("Demande de solde")
        if delivery and delivery.actual and delivered(op, at) and not (request and request.actual):
            due = add_months(delivery.actual, params.balance_request_months)
            if at <= due <= end:
                found.append((due, "Demande de solde à déposer", name, f"Livraison le {fr_date(delivery.actual)}"))
    for what, when in planned_meetings(params).items():
        if when and seance < when <= end:
            found.append((when, what, "Programme", "Réunion prévue"))
    for action in data.programme.actions:
        if action.due and at <= action.due <= end and action.status != "Soldée" and action.closed_on is None:
            found.append((action.due, "Action à échéance", action.id, f"{action.subject or action.decision}"
                                                                      f" ({action.owner or 'responsable ?'})"))
    return sorted(found, key=lambda item: (item[0], item[1], item[2]))


def operation_name(data: Facts, operation_id: str) -> str:
    op = data.programme.operation(operation_id)
    return f"{operation_id} — {shorten(op.label, NAME_CAP)}" if op is not None and op.label else operation_id


def launches_within(data: Facts, months: float) -> list[ToLaunch]:
    """Return the operations to launch within ``months`` (the indicator, with that horizon when it is longer)."""
    rows = (data.indicators.to_launch if months <= data.params.launch_horizon_months
            else to_launch(data.programme, months))
    end = add_months(data.at, months)
    return [t for t in rows if t.planned_start <= end]


# The rules whose alert on an operation about to launch stands in the way of its works start: caducité of the
# DAS (FIN-05, FIN-07), households to rehouse before a demolition (CAL-05, HAB-03, HAB-06), the sequencing
# (CAL-04), unsecured funding (FIN-10) and prerequisites not met (CAL-06).
BLOCKING_CODES = frozenset({"FIN-05", "FIN-07", "CAL-05", "HAB-03", "HAB-06", "CAL-04", "FIN-10", "CAL-06"})
NOTHING_OPEN = "aucun"


@dataclass(frozen=True, slots=True)
class LaunchBlockers:
    """What stands before the works start of an operation à lancer, in words, and the colour of its worst alert."""

    words: tuple[str, ...]
    colour: str  # "rouge", "orange", or "vert" when nothing is open

    @property
    def text(self) -> str:
        return ", ".join(self.words) or NOTHING_OPEN

    def __bool__(self) -> bool:
        return bool(self.words)


def _lapse_words(data: Facts, op: Operation, start: date) -> list[str]:
    """« DAS caduque depuis le … » once lapsed; « DAS caduque le … » when it lapses before the start or FIN-05 warns."""
    das = op.milestone(contract.DAS)
    if das is None or das.actual is None or das.actual > data.at:
        return []
    lapse = add_months(das.actual, data.params.lapse_months)
    if lapse <= data.at:
        return [f"DAS caduque depuis le {fr_date(lapse)}"]
    if lapse <= start:
        return [f"DAS caduque le {fr_date(lapse)}, avant le démarrage"]
    if any(a.code == "FIN-05" and a.operation_id == op.id for a in data.alerts):
        return [f"DAS caduque le {fr_date(lapse)}"]
    return []


def _households_words(data: Facts, op: Operation) -> list[str]:
    """« 12 ménages à reloger »: the operation's households still *À reloger* or in temporary rehousing."""
    left = sum(h.status in (TO_REHOUSE, TEMPORARY) for h in data.programme.households_of(op.id))
    return [f"{fr_number(left)} ménage{'s' if left > 1 else ''} à reloger"] if left else []


def _sequencing_words(data: Facts, op: Operation, start: date) -> list[str]:
    """« démolition de PER-DEM-05 pas finie avant le 15/01/2012 »: a predecessor that does not allow the start yet.

    As CAL-04 reads *Dépendances* (*Type de lien*, empty *Fin → Début*), for the links that bind the successor's
    works start: the start must not come before the predecessor's milestone (actual, else forecast, else baseline)
    plus *Délai minimal*; the date given is the one the link allows.
    """
    words = []
    for dependency in data.programme.dependencies:
        predecessor = data.programme.operation(dependency.predecessor)
        before, after = LINKED_MILESTONES[link_of(dependency)]
        if dependency.successor != op.id or after != contract.WORKS_START or predecessor is None \
                or predecessor is op or is_abandoned(predecessor):
            continue
        milestone = predecessor.milestone(before)
        if milestone is None or milestone.expected is None:
            continue
        allowed = add_months(milestone.expected, dependency.lag_months or 0)
        if start >= allowed:
            continue
        if before == contract.WORKS_START:
            what = f"travaux de {predecessor.id} pas démarrés"
        elif predecessor.famille == contract.DEMOLITION:
            what = f"démolition de {predecessor.id} pas finie"
        else:
            what = f"{predecessor.id} pas livrée"
        words.append(f"{what} avant le {fr_date(allowed)}")
    return words


def launch_blockers(data: Facts, launch: ToLaunch) -> LaunchBlockers:
    """Return what blocks the works start of ``launch`` at the date de situation, worst first, and its colour.

    In words: the DAS lapsed or lapsing (caducité = DAS + *Délai de caducité*), the households still to rehouse,
    the predecessors that do not allow the start yet (CAL-04's reading of *Dépendances*), then the open
    prerequisites of the indicator (permis, marchés, DAS without an actual date, funding *prévu* or *sollicité*).
    The colour is the worst alert the rules raise on the operation among :data:`BLOCKING_CODES`, so the slide
    and the *Alertes* sheet agree; orange when something is open that no alert carries; « aucun », green, only
    when nothing is open.
    """
    op = data.programme.operation(launch.operation_id)
    if op is None:
        return LaunchBlockers(launch.open_prerequisites, "orange" if launch.open_prerequisites else "vert")
    words = (_lapse_words(data, op, launch.planned_start) + _households_words(data, op)
             + _sequencing_words(data, op, launch.planned_start) + list(launch.open_prerequisites))
    if not words:
        return LaunchBlockers((), "vert")
    levels = {a.severity for a in data.alerts if a.operation_id == op.id and a.code in BLOCKING_CODES}
    return LaunchBlockers(tuple(words), "rouge" if Level.ROUGE in levels else "orange")


def live_operations(data: Facts) -> list[Operation]:
    """Return the operations not abandoned, in the order of the workbook."""
    return [op for op in data.programme.operations if not is_abandoned(op)]


INSTANCE = "Comité de suivi"


CLOSED = "Soldée"


def followed_actions(data: Facts) -> tuple[date | None, list[Action]]:
    """Return (date of the last comité, the actions to follow): see the module docstring."""
    ours = [a for a in data.programme.actions if a.instance == INSTANCE and (a.date is None or a.date <= data.at)]
    last = max((a.date for a in ours if a.date), default=None)
    kept = [a for a in ours
            if (last is not None and a.date == last)
            or (a.status != CLOSED and a.closed_on is None)
            or (last is not None and a.closed_on is not None and a.closed_on >= last)]
    kept.sort(key=lambda a: (a.date or date.min, a.id))
    return last, kept


SLIP_PREFERENCE = (contract.DELIVERY, contract.WORKS_START)
AVENANT_CODE = "GOV-04"  # a change that calls for an avenant


def _preference(slip: Slip) -> int:
    return SLIP_PREFERENCE.index(slip.milestone) if slip.milestone in SLIP_PREFERENCE else len(SLIP_PREFERENCE)


def largest_slips(data: Facts) -> list[Slip]:
    """Return the largest slip of each operation late on its latest baseline, largest first.

    From the indicator's slips (current date vs the latest baseline, *Date avenant* else *Date convention*, in
    whole months; the slip since the convention is kept beside it): for each operation, its milestone with the
    largest positive slip (a delivery, then a works start, wins a tie); sorted by slip, largest first, then by
    operation id.
    """
    best: dict[str, Slip] = {}
    for slip in data.indicators.slips:
        months = slip.vs_baseline_months
        if months is None or months <= 0:
            continue
        current = best.get(slip.operation_id)
        if current is None or (months, -_preference(slip)) > (current.vs_baseline_months, -_preference(current)):
            best[slip.operation_id] = slip
    return sorted(best.values(), key=lambda s: (-(s.vs_baseline_months or 0), s.operation_id))


def avenant_candidates(data: Facts) -> list[Alert]:
    """Return the GOV-04 alerts: the changes an avenant should take up and no avenant in preparation carries.

    GOV-04 decides what calls for an avenant (a slip beyond *Seuil retard rouge* on the latest baseline,
    cost or ANRU subsidy changed beyond its threshold, quantity changed, operation abandoned), so the
    COPIL's candidates and the alert are one list; most at stake first (the points durs' order).
    """
    rank = {p.operation_id: p.rank for p in data.points_durs}
    candidates = [a for a in data.alerts if a.code == AVENANT_CODE]
    return sorted(candidates, key=lambda a: (rank.get(a.operation_id, len(rank) + 1), a.operation_id or ""))


def deliveries_expected(data: Facts, months: float) -> list[tuple[date, str, str, str, str]]:
    """Return (date, operation, owner, detail, famille) of the deliveries expected in ``months``, from Jalons.

    Expected = the delivery's *Date prévisionnelle*, else its baseline, in [t, t + months], for the
    non-abandoned operations not delivered yet.
    """
    end = add_months(data.at, months)
    found = []
    for op in data.programme.operations:
        milestone = op.milestone(contract.DELIVERY)
        if milestone is None or is_abandoned(op) or delivered(op, data.at):
            continue
        day = milestone.forecast or milestone.baseline
        if day is None or not data.at <= day <= end:
            continue
        found.append((day, f"{op.id} — {shorten(op.label or '', NAME_CAP)}", op.owner or "—",
                      f"convention : {fr_date(milestone.convention)}" if milestone.convention else "—",
                      op.famille or "Famille non renseignée"))
    return sorted(found)


def remaining_households(data: Facts) -> int:
    """Return the households still *À reloger*: neither rehoused, nor temporary, nor gone."""
    r = data.indicators.rehousing
    return r.to_rehouse - r.rehoused - r.temporary - r.left_without
