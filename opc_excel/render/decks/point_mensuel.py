"""Point mensuel with the direction de projet (5–8 slides, more when a table continues).

1. Title. 2. What changed since the previous point. 3. Red alerts, then orange ones by code,
with proposed measures. 4. Deadlines in the next 90 days. 5. Operations to launch within the
horizon and their open prerequisites. 6. Actions due or late. 7. Decisions to take.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from opc_excel.compute.schedule import add_months, whole_months
from opc_excel.fr import fr_date, fr_months
from opc_excel.model import Level
from opc_excel.render.decks.builder import Cell, Column, DeckBuilder
from opc_excel.render.decks.common import DeckInput, capped, start_deck
from opc_excel.render.decks.slides import decisions_slide, red_alerts_slide
from opc_excel.situation.schedule import deadlines, launch_blockers
from opc_excel.text import NAME_CAP, shorten

KIND = "Point mensuel"
MAX_CHANGE_ROWS = 10
MAX_LIST_ROWS = 30


def build(data: DeckInput, builder: DeckBuilder) -> None:
    start_deck(data, KIND, builder, title="Point mensuel avec la direction de projet")
    changes_slide(data, builder)
    red_alerts_slide(data, builder)
    orange_summary_slide(data, builder)
    deadlines_slide(data, builder)
    launches_slide(data, builder)
    actions_slide(data, builder)
    decisions_slide(data, builder)


def changes_slide(data: DeckInput, builder: DeckBuilder, title_prefix: str = "Ce qui a changé") -> None:
    """What changed since the previous date de situation, summarised to what a meeting discusses.

    New red alerts one by one and new orange ones counted by code; resolved alerts; milestones reached
    grouped by milestone; the largest forecast moves (a month or more, those without a motif first),
    the rest counted. The full lists stay in the workbook (Alertes, Historique jalons).
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
    for row in new_red:
        rows.append([Cell("Nouvelle alerte rouge", "rouge"), str(row.computed.get("ID opération") or "Programme"),
                     str(row.computed.get("Constat") or "")])
    if new_orange:
        rows.append([Cell("Nouvelles alertes orange", "orange"), str(sum(new_orange.values())),
                     ", ".join(f"{code} ({n})" for code, n in sorted(new_orange.items()))])
    resolved = list(changes.resolved_alerts)
    for row in resolved[:MAX_CHANGE_ROWS]:
        rows.append([Cell("Alerte levée", "vert"), str(row.computed.get("ID opération") or "Programme"),
                     f"{row.computed.get('Code')} : {row.computed.get('Constat') or ''}"])
    if len(resolved) > MAX_CHANGE_ROWS:
        rows.append([Cell("Alertes levées", "vert"), str(len(resolved) - MAX_CHANGE_ROWS), "autres : voir Alertes"])
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
        rows.append([Cell("Autres décalages"), str(others), "plus petits ou de moindre ampleur : voir la feuille "
                                                            "Historique jalons"])
    builder.table(
        f"{title_prefix} depuis le {fr_date(changes.since)}",
        [Column("Quoi", 1.6), Column("Opération / nombre", 1.4), Column("Détail", 6.0)], rows,
        notes=f"Comparaison des situations au {fr_date(changes.since)} et au {fr_date(changes.until)} "
              f"(feuilles Historique jalons et Alertes) : {len(changes.new_alerts)} nouvelle(s) alerte(s) "
              f"dont {len(new_red)} rouge(s), {len(resolved)} levée(s), {len(changes.milestones_reached)} jalon(s) "
              f"atteint(s), {len(changes.forecasts_moved)} date(s) prévisionnelle(s) décalée(s) dont {len(moves)} "
              f"d'un mois ou plus.",
        empty="Aucun changement depuis le dernier point.", font_pt=9)


def orange_summary_slide(data: DeckInput, builder: DeckBuilder) -> None:
    orange = [a for a in data.alerts if a.severity is Level.ORANGE]
    by_code = Counter(a.code for a in orange)
    rows = []
    for code, count in sorted(by_code.items()):
        examples = [a for a in orange if a.code == code]
        operations = ", ".join(a.operation_id or a.action_id or "programme" for a in examples[:6])
        more = f" et {count - 6} autres" if count > 6 else ""
        rows.append([Cell(code), Cell(str(count)), Cell(examples[0].finding), Cell(operations + more)])
    builder.table("Points d'alerte orange, par code",
                  [Column("Code", 0.8), Column("Nombre", 0.8, "right"), Column("Exemple de constat", 5.0),
                   Column("Opérations concernées", 3.0)], rows,
                  notes=f"{len(orange)} alerte(s) orange regroupées par code ; le détail, avec les mesures "
                        f"proposées, est dans la feuille Alertes.",
                  empty="Aucune alerte orange.", font_pt=9)


def deadlines_slide(data: DeckInput, builder: DeckBuilder, days: int = 90) -> None:
    items = deadlines(data.situation, days)
    rows = capped([[fr_date(day), what, who, detail] for day, what, who, detail in items], MAX_LIST_ROWS,
                  lambda n: ["…", f"{n} autres échéances", "", "voir les feuilles Jalons et Actions"])
    builder.table(f"Échéances des {days} prochains jours",
                  [Column("Date", 1.0), Column("Échéance", 1.8), Column("Opération", 3.0), Column("Détail", 3.5)],
                  rows,
                  notes=f"Échéances entre le {fr_date(data.at)} et le {fr_date(data.at + timedelta(days=days))} : "
                        f"DAS attendues (Jalons), caducité (DAS + {fr_months(data.params.lapse_months)}), "
                        f"demandes de solde (livraison + {fr_months(data.params.balance_request_months)}), "
                        f"réunions (Paramètres) et actions (Actions).",
                  empty=f"Aucune échéance dans les {days} prochains jours.")


def launches_slide(data: DeckInput, builder: DeckBuilder, horizon: float | None = None,
                   title: str | None = None) -> None:
    horizon = data.params.launch_horizon_months if horizon is None else horizon
    end = add_months(data.at, horizon)
    launches = [t for t in data.indicators.to_launch if t.planned_start <= end]
    blockers = [launch_blockers(data.situation, t) for t in launches]
    rows = capped([[f"{t.operation_id} — {shorten(t.label, NAME_CAP)}", t.owner, fr_date(t.planned_start),
                    Cell(b.text, b.colour)]
                   for t, b in zip(launches, blockers, strict=True)], MAX_LIST_ROWS,
                  lambda n: [f"… et {n} autres opérations à lancer", "", "", "voir le Tableau de bord"])
    builder.table(title or f"Opérations à lancer d'ici {fr_months(horizon)}",
                  [Column("Opération", 3.5), Column("Maître d'ouvrage", 1.6), Column("Démarrage prévu", 1.2),
                   Column("Prérequis ouverts", 3.0)], rows,
                  notes=f"Opérations non démarrées dont le démarrage prévu tombe avant le {fr_date(end)} "
                        f"(Jalons : date prévisionnelle, sinon avenant ou convention), avec ce qui bloque encore "
                        f"le démarrage : DAS caduque, ménages à reloger, enchaînement non tenu (Dépendances), permis, "
                        f"marchés, DAS, financements non acquis (Financements), en couleur de l'alerte la plus grave.",
                  empty="Aucune opération à lancer sur la période.")


def actions_slide(data: DeckInput, builder: DeckBuilder, instance: str | None = None,
                  title: str = "Actions échues ou à échéance sous 30 jours") -> None:
    soon = data.at + timedelta(days=30)
    actions = [a for a in data.programme.actions
               if a.status != "Soldée" and a.closed_on is None and a.due is not None and a.due <= soon
               and (instance is None or a.instance == instance)]
    actions.sort(key=lambda a: a.due)
    rows = []
    for action in actions:
        late = action.due < data.at
        postponed = int(action.postponements or 0)
        status = "rouge" if late and postponed >= data.params.postponements_red else "orange" if late else None
        rows.append([action.id, action.subject or action.decision, action.owner, Cell(fr_date(action.due), status),
                     action.status or "", str(postponed)])
    rows = capped(rows, MAX_LIST_ROWS, lambda n: ["…", f"{n} autres actions : voir la feuille Actions", "", "", "",
                                                   ""])
    builder.table(title, [Column("Action", 0.9), Column("Sujet", 4.0), Column("Responsable", 1.8),
                          Column("Échéance", 1.1), Column("Statut", 1.0), Column("Reports", 0.8, "right")], rows,
                  notes=f"Relevé de décisions (feuille Actions) : actions non soldées dont l'échéance est passée "
                        f"ou tombe avant le {fr_date(soon)}. En rouge : en retard après au moins "
                        f"{int(data.params.postponements_red)} reports.",
                  empty="Aucune action échue ni à échéance dans les 30 jours.")
