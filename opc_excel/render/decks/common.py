"""What every deck shares: the deck's inputs, the title slide, the slide of data left out, alert tables.

Decks read the model, the indicators and the alerts of one :class:`CheckReport`; they never
recompute a figure of their own, so a figure on a slide is the figure of the workbook.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, timedelta

from opc_excel.compute.changes import Changes, what_changed
from opc_excel.compute.indicators import Indicators
from opc_excel.compute.indicators.calendrier import ToLaunch, to_launch
from opc_excel.compute.schedule import add_months, delivered, is_abandoned
from opc_excel.fr import fr_date
from opc_excel.model import Alert, Level, Operation, Params, Programme, Theme
from opc_excel.read import contract
from opc_excel.read.alert_sheet import merge
from opc_excel.read.history import AT_HEADER, merged_snapshots
from opc_excel.render.decks.builder import Cell, Column, DeckBuilder
from opc_excel.report import CheckReport
from opc_excel.situation.formats import maybe_date
from opc_excel.text import NAME_CAP, shorten, shorten_quotes

LEVEL_STATUS = {Level.ROUGE: "rouge", Level.ORANGE: "orange"}
THEMES_BY_MEETING = {  # réunion restreinte: the alert themes and the instance of its actions
    "technique": ((Theme.CALENDRIER,), "Réunion technique"),
    "financiere": ((Theme.FINANCIER,), "Réunion financière"),
    "sociale": ((Theme.HABITAT, Theme.SOCIAL), "Réunion sociale"),
}


@dataclass
class DeckInput:
    """Everything a deck may show, computed once from the report."""

    report: CheckReport
    since: date | None = None  # the previous meeting's date de situation
    theme: str | None = None
    changes: Changes | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        if self.since is None:
            earlier = [row[AT_HEADER] for row in self.report.summary_history if row[AT_HEADER] < self.at]
            self.since = max(earlier) if earlier else None
        if self.since is not None:
            programme = self.report.programme
            snapshots = merged_snapshots(programme.history, programme)
            rows = merge(self.report.previous_alerts, self.report.alerts, self.at)
            self.changes = what_changed(snapshots, rows, self.since, self.at)

    @property
    def programme(self) -> Programme:
        return self.report.programme

    @property
    def params(self) -> Params:
        return self.report.programme.params

    @property
    def indicators(self) -> Indicators:
        return self.report.indicators

    @property
    def alerts(self) -> tuple[Alert, ...]:
        return self.report.alerts

    @property
    def at(self) -> date:
        return self.report.at


def fingerprint(programme: Programme) -> str:
    """Return a short fingerprint of the workbook's input values, so two decks can be told apart.

    Hashed row by row: the repr of a whole ×100 programme was 61 million characters (+240 MB at once).
    A row's repr escapes line breaks, so the newline between rows cannot be forged by a value.
    """
    digest = hashlib.sha256()
    for part in fields(programme):
        if part.name == "history":  # earlier dates de situation are not input values of this one
            continue
        value = getattr(programme, part.name)
        digest.update(f"{part.name}\n".encode())
        for row in value if isinstance(value, tuple) else (value,):
            digest.update(repr(row).encode("utf-8"))
            digest.update(b"\n")
    return digest.hexdigest()[:10]


def start_deck(data: DeckInput, kind_label: str, builder: DeckBuilder, title: str | None = None,
               extra_lines: Sequence[str] = (), meeting: date | None = None) -> None:
    """Add the title slide and, when the workbook had blocking problems, the slide of what was left out.

    ``meeting`` is the date of the session the deck is for (a *Prochain …* parameter): named when still to come.
    """
    params = data.params
    lines = [line for line in (params.project, params.collectivite) if line]
    lines.append(f"Situation au {fr_date(data.at)}")
    if meeting is not None and meeting >= data.at:
        lines.append(f"Séance du {fr_date(meeting)}")
    lines.extend(extra_lines)
    lines.append(f"Avenant en vigueur : {params.amendment_in_force or 'aucun renseigné'}")
    lines.append(f"Empreinte du classeur : {fingerprint(data.programme)}")
    builder.title_slide(title or kind_label, lines,
                        notes=f"{kind_label} généré depuis le classeur maître, situation au {fr_date(data.at)}. "
                              f"L'empreinte identifie les valeurs saisies : deux diaporamas de même empreinte "
                              f"reposent sur les mêmes données.")
    blocking = data.report.blocking
    if blocking:
        builder.table(
            "Données écartées : à corriger dans le classeur",
            [Column("Feuille", 1.2), Column("Cellule", 0.7), Column("Problème", 5.0), Column("Code", 0.9)],
            [[p.sheet, p.cell, shorten_quotes(p.message), p.code] for p in blocking],
            notes=f"{len(blocking)} problème(s) bloquant(s) dans le classeur (feuille Contrôles) : les valeurs "
                  f"concernées sont exclues des chiffres de ce diaporama, le reste est calculé.")


def alert_columns() -> list[Column]:
    return [Column("Gravité", 0.8), Column("Code", 0.8), Column("Opération", 2.2), Column("Constat", 4.0),
            Column("Mesure proposée", 3.4)]


def alert_rows(alerts: Sequence[Alert]) -> list[list[Cell]]:
    return [[Cell(a.severity.value, LEVEL_STATUS[a.severity]), Cell(a.code),
             Cell(" — ".join(x for x in (a.operation_id or a.action_id, shorten(a.operation_label or "", NAME_CAP))
                             if x) or "Programme"),
             Cell(a.finding), Cell(a.measure)] for a in alerts]


def kpi_status(actual: float | None, planned: float | None, orange: float, red: float) -> str | None:
    """Return rouge/orange/vert from how far ``actual`` is behind ``planned`` (in points)."""
    if actual is None or planned is None:
        return None
    gap = planned - actual
    return "rouge" if gap >= red else "orange" if gap >= orange else "vert"


def deadlines(data: DeckInput, days: int = 90) -> list[tuple[date, str, str, str]]:
    """Return the deadlines in the next ``days`` days: DAS, caducité, demande de solde, meetings, actions.

    Each is (date, what, operation, detail), sorted by date.
    """
    at, params = data.at, data.params
    end = at + timedelta(days=days)
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
    meetings = {"Point mensuel": params.next_monthly_point, "Comité de suivi": params.next_follow_up_committee,
                "Comité de pilotage": params.next_steering_committee, "Revue de projet": params.next_project_review,
                "Point d'étape": params.next_milestone_review}
    for what, when in meetings.items():
        if when and at <= when <= end:
            found.append((when, what, "Programme", "Réunion prévue"))
    for action in data.programme.actions:
        if action.due and at <= action.due <= end and action.status != "Soldée" and action.closed_on is None:
            found.append((action.due, "Action à échéance", action.id, f"{action.subject or action.decision}"
                                                                      f" ({action.owner or 'responsable ?'})"))
    return sorted(found, key=lambda item: (item[0], item[1], item[2]))


def one_code_at_a_time(alerts: Sequence[Alert], room: int) -> list[Alert]:
    """Return at most ``room`` alerts: the first of each code, then the second of each code…, in their order."""
    if len(alerts) <= room:
        return list(alerts)
    by_code: dict[str, list[Alert]] = {}
    for alert in alerts:
        by_code.setdefault(alert.code, []).append(alert)
    picked: set[int] = set()
    depth = 0
    while len(picked) < room:
        for group in by_code.values():
            if len(group) > depth and len(picked) < room:
                picked.add(id(group[depth]))
        depth += 1
    return [a for a in alerts if id(a) in picked]  # back in the order of the Alertes sheet


def capped(rows: list, limit: int, more: Callable[[int], list]) -> list:
    """Return at most ``limit`` rows, the last replaced by ``more(n)`` (a row saying n more) when cut."""
    if len(rows) <= limit:
        return rows
    return rows[:limit - 1] + [more(len(rows) - limit + 1)]


def severity_status(alerts: Iterable[Alert]) -> str:
    """Return « rouge » when any alert is red, « orange » when any is orange, else « vert »."""
    levels = {a.severity for a in alerts}
    return "rouge" if Level.ROUGE in levels else "orange" if Level.ORANGE in levels else "vert"


def alerts_of(data: DeckInput, codes: Iterable[str]) -> list[Alert]:
    codes = set(codes)
    return [a for a in data.alerts if a.code in codes]


def operation_name(data: DeckInput, operation_id: str) -> str:
    op = data.programme.operation(operation_id)
    return f"{operation_id} — {shorten(op.label, NAME_CAP)}" if op is not None and op.label else operation_id


def launches_within(data: DeckInput, months: float) -> list[ToLaunch]:
    """Return the operations to launch within ``months`` (the indicator, with that horizon when it is longer)."""
    rows = (data.indicators.to_launch if months <= data.params.launch_horizon_months
            else to_launch(data.programme, months))
    end = add_months(data.at, months)
    return [t for t in rows if t.planned_start <= end]


def live_operations(data: DeckInput) -> list[Operation]:
    """Return the operations not abandoned, in the order of the workbook."""
    return [op for op in data.programme.operations if not is_abandoned(op)]
