"""Point mensuel with the direction de projet (8–9 slides, on any size of programme).

1. Title. 2. Synthesis. 3. What changed since the previous point. 4. The points durs, ranked by stake.
5. Deadlines from the séance to 90 days after it, those falling before the séance flagged. 6. Operations
to launch within the horizon and what blocks them. 7. Actions due or late at the séance. 8. The decisions
the direction de projet can take. 9. Annex: the other alerts by theme. Every list holds on one slide: the
workbook keeps them all, the slide says how many more.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from opc_excel.compute.alerts.words import code_words
from opc_excel.compute.schedule import add_months, whole_months
from opc_excel.fr import fr_date, fr_months, fr_number
from opc_excel.render.decks.builder import Cell, Column, DeckBuilder
from opc_excel.render.decks.common import DeckInput, start_deck
from opc_excel.render.decks.findings import (
    decisions_slide,
    fit_one_slide,
    points_durs_annex_slide,
    points_durs_slide,
    synthesis_slide,
)
from opc_excel.situation.formats import plural
from opc_excel.situation.schedule import deadlines, launch_blockers
from opc_excel.text import NAME_CAP, shorten

KIND = "Point mensuel"
MAX_CHANGE_ROWS = 6
MAX_NEW_RED = 5
MAX_LIST_ROWS = 30


def build(data: DeckInput, builder: DeckBuilder) -> None:
    meeting = data.meeting
    start_deck(data, KIND, builder, title="Point mensuel avec la direction de projet")
    synthesis_slide(data, builder, meeting)
    changes_slide(data, builder)
    shown = points_durs_slide(data, builder, meeting)
    deadlines_slide(data, builder)
    launches_slide(data, builder)
    actions_slide(data, builder)
    decisions_slide(data, builder, meeting)
    points_durs_annex_slide(data, builder, meeting, shown)


def _in_words(codes: Counter) -> str:
    return ", ".join(f"{code_words(code)} ({code}) × {n}" for code, n in sorted(codes.items(), key=lambda i: -i[1]))


def changes_slide(data: DeckInput, builder: DeckBuilder, title_prefix: str = "Ce qui a changé") -> None:
    """What changed since the previous date de situation, on one slide, the title saying how much.

    New red alerts one by one (the first MAX_NEW_RED, the others counted), new orange ones counted by nature;
    resolved alerts counted by nature; milestones reached grouped by milestone; the largest forecast moves (a
    month or more, those without a motif first), the rest counted. The full lists stay in the workbook
    (Alertes, Historique jalons).
    """
    if data.changes is None:
        builder.bullets(f"{title_prefix} depuis le dernier point", [],
                        notes="Aucune date de situation antérieure dans la feuille Historique : les changements "
                              "seront présentés à partir de la prochaine actualisation.",
                        empty="Première actualisation : pas encore d'historique pour comparer.")
        return
    changes = data.changes
    rows: list[list[Cell | str]] = []
    new_red = [r for r in changes.new_alerts if r.computed.get("Gravité") == "Rouge"]
    new_orange = Counter(str(r.computed.get("Code")) for r in changes.new_alerts if r not in new_red)
    for row in new_red[:MAX_NEW_RED]:
        rows.append([Cell("Nouvelle alerte rouge", "rouge"), str(row.computed.get("ID opération") or "Programme"),
                     str(row.computed.get("Constat") or "")])
    if len(new_red) > MAX_NEW_RED:
        more = Counter(str(r.computed.get("Code")) for r in new_red[MAX_NEW_RED:])
        rows.append([Cell("Autres alertes rouges", "rouge"), str(len(new_red) - MAX_NEW_RED), _in_words(more)])
    if new_orange:
        rows.append([Cell("Nouvelles alertes orange", "orange"), str(sum(new_orange.values())),
                     _in_words(new_orange)])
    resolved = list(changes.resolved_alerts)
    if resolved:
        rows.append([Cell("Alertes levées", "vert"), str(len(resolved)),
                     _in_words(Counter(str(r.computed.get("Code")) for r in resolved))])
    reached: dict[str, list[str]] = {}
    for change in changes.milestones_reached:
        reached.setdefault(change.milestone, []).append(change.operation_id)
    for milestone, operations in reached.items():
        shown = ", ".join(operations[:8]) + (f" et {len(operations) - 8} autres" if len(operations) > 8 else "")
        rows.append([Cell("Jalon atteint", "vert"), str(len(operations)), f"{milestone} : {shown}"])
    moves = [c for c in changes.forecasts_moved if c.before and c.after and abs(whole_months(c.before, c.after)) >= 1]
    moves.sort(key=lambda c: (c.has_motif, -abs(whole_months(c.before, c.after))))
    for change in moves[:MAX_CHANGE_ROWS]:
        months = whole_months(change.before, change.after)
        motif = f"motif : {shorten(change.motif or '', NAME_CAP)}" if change.has_motif else "motif non renseigné"
        rows.append([Cell("Date décalée", None if change.has_motif else "orange"), change.operation_id,
                     f"{change.milestone} : {fr_date(change.before)} → {fr_date(change.after)} "
                     f"({'+' if months > 0 else ''}{months} mois, {motif})"])
    others = len(changes.forecasts_moved) - min(len(moves), MAX_CHANGE_ROWS)
    if others > 0:
        rows.append([Cell("Autres décalages"), str(others), "de moins d'un mois ou plus petits : feuille "
                                                            "Historique jalons"])
    columns = [Column("Quoi", 1.8), Column("Opération / nombre", 1.4), Column("Détail", 6.0)]
    rows = fit_one_slide(columns, rows, lambda n: [Cell("Autres changements"), str(n),
                                                  "feuilles Alertes et Historique jalons"])
    builder.table(
        f"Depuis le {fr_date(changes.since)} : "
        f"{plural(len(new_red), 'nouvelle alerte rouge', 'nouvelles alertes rouges')}, "
        f"{plural(len(resolved), 'alerte levée', 'alertes levées')}, "
        f"{plural(len(changes.milestones_reached), 'jalon atteint', 'jalons atteints')}",
        columns, rows,
        notes=f"Comparaison des situations au {fr_date(changes.since)} et au {fr_date(changes.until)} "
              f"(feuilles Historique jalons et Alertes) : {len(changes.new_alerts)} nouvelle(s) alerte(s) "
              f"dont {len(new_red)} rouge(s), {len(resolved)} levée(s), {len(changes.milestones_reached)} jalon(s) "
              f"atteint(s), {len(changes.forecasts_moved)} date(s) prévisionnelle(s) décalée(s) dont {len(moves)} "
              f"d'un mois ou plus.",
        empty="Aucun changement depuis le dernier point.")


def deadlines_slide(data: DeckInput, builder: DeckBuilder, days: int = 90) -> None:
    """Deadlines from t to ``days`` after the séance; those falling before the séance flagged in orange."""
    seance = data.meeting.day
    end = seance + timedelta(days=days)
    items = deadlines(data.situation, days, seance=seance)
    before = sum(day < seance for day, *_ in items)
    columns = [Column("Date", 1.0), Column("Échéance", 1.8), Column("Opération", 3.0), Column("Détail", 3.5)]
    rows = [[Cell(fr_date(day), "orange" if day < seance else None), what, who,
             ("Avant la séance : " if day < seance else "") + detail] for day, what, who, detail in items]
    rows = fit_one_slide(columns, rows, lambda n: ["…", f"{n} autres échéances", "",
                                                   "feuilles Jalons et Actions"])
    title = f"{plural(len(items), 'échéance', 'échéances')} d'ici le {fr_date(end)}"
    if before:
        title += f", dont {fr_number(before)} avant la séance du {fr_date(seance)}"
    builder.table(title if items else f"Aucune échéance d'ici le {fr_date(end)}", columns, rows,
                  notes=f"Échéances entre le {fr_date(data.at)} (date de situation) et le {fr_date(end)} ({days} jours "
                        f"après la séance du {fr_date(seance)}) : DAS attendues (Jalons), caducité (DAS + "
                        f"{fr_months(data.params.lapse_months)}), demandes de solde (livraison + "
                        f"{fr_months(data.params.balance_request_months)}), réunions après la séance (Paramètres) et "
                        f"actions (Actions). En orange : échues avant la séance.",
                  empty=f"Aucune échéance d'ici le {fr_date(end)}.")


def launches_slide(data: DeckInput, builder: DeckBuilder, horizon: float | None = None,
                   title: str | None = None) -> None:
    """The operations to launch within the horizon, the blocked ones first, each with what blocks it."""
    horizon = data.params.launch_horizon_months if horizon is None else horizon
    end = add_months(data.at, horizon)
    seance = data.meeting.day
    launches = [t for t in data.indicators.to_launch if t.planned_start <= end]
    pairs = [(t, launch_blockers(data.situation, t)) for t in launches]
    pairs.sort(key=lambda pair: (not pair[1], {"rouge": 0, "orange": 1}.get(pair[1].colour, 2), pair[0].planned_start))
    blocked = sum(bool(b) for _, b in pairs)
    columns = [Column("Opération", 3.5), Column("Maître d'ouvrage", 1.6), Column("Démarrage prévu", 1.2),
               Column("Ce qui bloque le démarrage", 3.0)]
    rows = [[f"{t.operation_id} — {shorten(t.label, NAME_CAP)}", t.owner,
             Cell(fr_date(t.planned_start) + (" (dépassé)" if t.planned_start < seance else ""),
                  "orange" if t.planned_start < seance else None),
             Cell(b.text, b.colour)] for t, b in pairs]
    rows = fit_one_slide(columns, rows, lambda n: [f"… et {n} autres opérations à lancer", "", "",
                                                   "Tableau de bord, « À lancer »"])
    found = (f"{plural(blocked, 'opération bloquée', 'opérations bloquées')} sur "
             f"{plural(len(launches), 'opération', 'opérations')} à lancer d'ici {fr_months(horizon)}")
    builder.table(title or (found if launches else f"Aucune opération à lancer d'ici {fr_months(horizon)}"),
                  columns, rows,
                  notes=f"Opérations non démarrées dont le démarrage prévu tombe avant le {fr_date(end)} "
                        f"(Jalons : date prévisionnelle, sinon avenant ou convention), les bloquées d'abord, avec ce "
                        f"qui bloque encore le démarrage : DAS caduque, ménages à reloger, enchaînement non tenu "
                        f"(Dépendances), permis, marchés, DAS, financements non acquis (Financements), en couleur de "
                        f"l'alerte la plus grave. « Dépassé » : démarrage prévu avant la séance du {fr_date(seance)} "
                        f"et non intervenu. {found}.",
                  empty="Aucune opération à lancer sur la période.")


def actions_slide(data: DeckInput, builder: DeckBuilder, instance: str | None = None,
                  title: str | None = None) -> None:
    """Actions not closed, late at the séance or due within 30 days after it (red after too many postponements)."""
    seance = data.meeting.day
    soon = seance + timedelta(days=30)
    actions = [a for a in data.programme.actions
               if a.status != "Soldée" and a.closed_on is None and a.due is not None and a.due <= soon
               and (instance is None or a.instance == instance)]
    actions.sort(key=lambda a: a.due)
    rows = []
    late = 0
    for action in actions:
        is_late = action.due < seance
        late += is_late
        postponed = int(action.postponements or 0)
        status = "rouge" if is_late and postponed >= data.params.postponements_red else "orange" if is_late else None
        rows.append([action.id, action.subject or action.decision, action.owner,
                     Cell(fr_date(action.due) + (" (en retard)" if is_late else ""), status),
                     action.status or "", str(postponed)])
    columns = [Column("Action", 0.9), Column("Sujet", 4.0), Column("Responsable", 1.8), Column("Échéance", 1.3),
               Column("Statut", 1.0), Column("Reports", 0.8, "right")]
    rows = fit_one_slide(columns, rows, lambda n: ["…", f"{n} autres actions : feuille Actions", "", "", "", ""])
    found = (f"{plural(late, 'action en retard', 'actions en retard')} à la séance, "
             f"{plural(len(actions) - late, 'autre', 'autres')} à échéance d'ici le {fr_date(soon)}")
    builder.table(title or (found if actions else f"Aucune action en retard ni à échéance d'ici le {fr_date(soon)}"),
                  columns, rows,
                  notes=f"Relevé de décisions (feuille Actions) : actions non soldées dont l'échéance tombe avant "
                        f"la séance du {fr_date(seance)} (en retard) ou avant le {fr_date(soon)}. En rouge : en retard "
                        f"après au moins {int(data.params.postponements_red)} reports. {found}.",
                  empty=f"Aucune action en retard ni à échéance d'ici le {fr_date(soon)}.")
