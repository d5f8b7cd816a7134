"""Réunion restreinte on one theme (``data.theme``): 7 slides, more when a table continues (7 for each theme
on the shipped master).

The slides of the other decks that concern the theme only, then its alerts and the open actions of its
meeting (*Actions* whose *Instance* is the theme's, ``common.THEMES_BY_MEETING``):

- *technique*: title · glissements par famille · livraisons en glissement (the ``MAX_SLIPS`` largest slips of
  the operations not delivered, with their motif) · Gantt (by famille when the operations don't fit one
  slide) · enchaînements à tenir (*Dépendances*, broken ones flagged by CAL-04 first, then by margin) · CAL
  alerts · open actions of the *Réunion technique*.
- *financiere*: title · plans de financement par financeur (with the amounts not yet secured) · courbe en S
  ANRU (the comité de suivi's slide) · subvention ANRU par famille (the revue de projet's) · échéances
  financières of the next six months (DAS, caducité, demande de solde) · FIN alerts · open actions.
- *sociale*: title · relogement (key figures, then the demolitions whose rehousing goes on) · insertion and GUP
  (key figures) · insertion des chantiers en cours · HAB and SOC alerts · open actions.

The alerts slide lists every red alert of the theme (grouped by code beyond ``MAX_RED_DETAILED``), then one
line per orange code (count, operations, an example), so that it holds on one or two slides.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from opc_excel.compute.alerts.enchainement import LINKED_MILESTONES, happened, link_of
from opc_excel.compute.indicators.financier import FinanceRow, followed_lines
from opc_excel.compute.schedule import add_months, delivered, is_abandoned, whole_months
from opc_excel.fr import fr_date, fr_months
from opc_excel.model import Level, Milestone
from opc_excel.read import contract
from opc_excel.render.decks.builder import Cell, Column, DeckBuilder
from opc_excel.render.decks.common import THEMES_BY_MEETING, DeckInput, alert_columns, alert_rows, start_deck
from opc_excel.render.decks.gantt import draw_gantt
from opc_excel.render.decks.slides import (
    anru_slide,
    followed_text,
    grouped_alert_rows,
    s_curve_slide,
    slip_status,
    table_font,
)
from opc_excel.render.decks.social import (
    insertion_kpis_slide,
    insertion_table_slide,
    rehousing_kpis_slide,
    rehousing_table_slide,
)
from opc_excel.situation.formats import euros, maybe_date, meur, pct, signed_median_months, signed_months
from opc_excel.situation.schedule import deadlines
from opc_excel.text import NAME_CAP, match_key, shorten

KIND = "Réunion restreinte"
THEME_LABELS = {"technique": "technique", "financiere": "financière", "sociale": "sociale"}
THEME_CONTENTS = {"technique": "Calendrier, enchaînements des opérations et alertes de calendrier",
                  "financiere": "Plans de financement, engagements, paiements et alertes financières",
                  "sociale": "Relogement, insertion, gestion urbaine de proximité et alertes"}
MAX_SLIPS = 15
MAX_RED_DETAILED = 12  # beyond, the red alerts are grouped by code like the orange ones
MAX_SEQUENCING = 14
FINANCIAL_DEADLINES = ("DAS attendue", "Caducité de la subvention", "Demande de solde à déposer")
FINANCIAL_HORIZON_DAYS = 182
UNSECURED = frozenset(match_key(s) for s in ("Prévu", "Sollicité"))


def build(data: DeckInput, builder: DeckBuilder) -> None:
    theme = data.theme or "technique"
    label = THEME_LABELS[theme]
    instance = THEMES_BY_MEETING[theme][1]
    start_deck(data, KIND, builder, title=f"Réunion restreinte {label}", extra_lines=[THEME_CONTENTS[theme]])
    SLIDES[theme](data, builder)
    theme_alerts_slide(data, builder, theme)
    open_actions_slide(data, builder, instance)


# ---------------------------------------------------------------- technique


def technical_slides(data: DeckInput, builder: DeckBuilder) -> None:
    slips_by_famille_slide(data, builder)
    slips_slide(data, builder)
    gantt_slide(data, builder)
    sequencing_slide(data, builder)


def slips_by_famille_slide(data: DeckInput, builder: DeckBuilder) -> None:
    rows = []
    for f in data.indicators.slips_by_famille:
        rows.append([f.famille, signed_months(f.works_start_max_months),
                     signed_median_months(f.works_start_median_months),
                     Cell(signed_months(f.delivery_max_months),
                          slip_status(f.delivery_max_months, data)),
                     signed_median_months(f.delivery_median_months)])
    builder.table(
        "Glissements par famille",
        [Column("Famille", 4.0), Column("Démarrage : max", 1.4, "right"), Column("Démarrage : médiane", 1.5, "right"),
         Column("Livraison : max", 1.4, "right"), Column("Livraison : médiane", 1.5, "right")], rows,
        notes="Glissement de chaque jalon = date réelle, sinon prévisionnelle − date contractuelle (date avenant, "
              "sinon date convention), en mois entiers (feuille Jalons) ; maximum et médiane par famille des "
              "démarrages de travaux et des livraisons. "
              f"Orange au-delà de {fr_months(data.params.delay_orange_months)}, rouge au-delà de "
              f"{fr_months(data.params.delay_red_months)} (Paramètres).",
        empty="Aucun glissement connu : pas de date réelle ni prévisionnelle saisie.")


def slips_slide(data: DeckInput, builder: DeckBuilder) -> None:
    """The largest delivery slips of the operations not yet delivered, with their motif."""
    labels = {op.id: shorten(op.label or "", NAME_CAP) for op in data.programme.operations}
    pending = [s for s in data.indicators.slips
               if s.milestone == contract.DELIVERY and not s.done and (s.vs_baseline_months or 0) > 0]
    pending.sort(key=lambda s: (-(s.vs_baseline_months or 0), s.operation_id))
    rows = [[f"{s.operation_id} — {labels.get(s.operation_id, '')}", maybe_date(s.convention, "—"),
             maybe_date(s.avenant, "—"),
             fr_date(s.current), Cell(signed_months(s.vs_baseline_months),
                                      slip_status(s.vs_baseline_months, data)),
             signed_months(s.vs_convention_months), Cell(shorten(s.motif or "non renseigné", NAME_CAP),
                                                                  None if s.motif else "orange")]
            for s in pending[:MAX_SLIPS]]
    more = len(pending) - MAX_SLIPS
    if more > 0:
        rows.append([Cell(f"… et {more} autre{'s' if more > 1 else ''} livraison{'s' if more > 1 else ''} en "
                          f"glissement moindre (feuille Jalons)"), "", "", "", "", "", ""])
    builder.table(
        "Livraisons en glissement",
        [Column("Opération", 4.0), Column("Convention", 1.1), Column("Avenant", 1.1), Column("Prévue", 1.1),
         Column("Glissement", 1.1, "right"), Column("depuis la convention", 1.0, "right"), Column("Motif", 1.9)],
        rows,
        notes=f"{len(pending)} opération(s) non livrée(s) dont la livraison prévisionnelle (Jalons) est postérieure à "
              f"la date contractuelle (date avenant, sinon date convention) ; glissement mesuré sur cette date, "
              f"celui depuis la convention à côté pour mémoire ; les {min(len(pending), MAX_SLIPS)} plus forts "
              f"glissements sont présentés"
              + (f", {more} autre(s) dans la feuille Jalons" if more > 0 else "")
              + ". Motif : colonne Motif de décalage (Jalons).",
        empty="Aucune livraison en glissement par rapport à la date contractuelle (avenant, sinon convention).",
        font_pt=9)


def gantt_slide(data: DeckInput, builder: DeckBuilder) -> None:
    """The Gantt (gantt.py): one row per operation, the late ones first when they don't fit three slides."""
    draw_gantt(builder, data.programme, data.at)


def sequencing_rows(data: DeckInput) -> list[list[Cell | str]]:
    """Return the *Dépendances* still to honour, broken ones (CAL-04, red) first, then by margin.

    Still to honour: successor not delivered, and its linked milestone not already past the predecessor's.
    The dates are those CAL-04 compares by *Type de lien* (Fin → Début: the predecessor's delivery and the
    successor's works start; Début → Début; Fin → Fin; Continuité as Fin → Début), actual, else forecast,
    else baseline, the earliest allowed being the predecessor's + *Délai minimal (mois)*.
    """
    programme = data.programme
    broken = {(a.operation_id, a.milestone) for a in data.alerts if a.code == "CAL-04"}
    rows: list[list[Cell | str]] = []
    for dependency in programme.dependencies:
        predecessor, successor = programme.operation(dependency.predecessor), programme.operation(dependency.successor)
        if predecessor is None or successor is None or is_abandoned(predecessor) or is_abandoned(successor):
            continue
        link = link_of(dependency)
        before, after = LINKED_MILESTONES[link]
        if delivered(successor, data.at) or (happened(successor, after, data.at)
                                             and happened(predecessor, before, data.at)):
            continue
        delivery, start = predecessor.milestone(before), successor.milestone(after)
        end, begin = _expected(delivery), _expected(start)
        earliest = add_months(end, dependency.lag_months or 0) if end else None
        margin = whole_months(earliest, begin) if earliest and begin else None
        is_broken = (successor.id, after) in broken and margin is not None and begin < earliest
        status = Cell("Rompu (CAL-04)", "rouge") if is_broken else Cell("Respecté", "vert") if margin is not None \
            else Cell("Dates manquantes", "gris")
        rows.append(([f"{predecessor.id} — {shorten(predecessor.label or '', NAME_CAP)}", _dated(delivery),
                      f"{link}, {fr_months(dependency.lag_months or 0)}",
                      f"{successor.id} — {shorten(successor.label or '', NAME_CAP)}",
                      _dated(start), signed_months(margin), status],
                     (not is_broken, margin is None, margin or 0)))
    return [row for row, _ in sorted(rows, key=lambda item: item[1])]


def sequencing_slide(data: DeckInput, builder: DeckBuilder) -> None:
    rows = sequencing_rows(data)
    broken = sum(1 for row in rows if isinstance(row[-1], Cell) and row[-1].status == "rouge")
    more = len(rows) - max(MAX_SEQUENCING, broken)
    if more > 0:
        total = len(rows)
        rows = rows[:max(MAX_SEQUENCING, broken)]
        rows.append([Cell(f"… et {more} autre{'s' if more > 1 else ''} enchaînement{'s' if more > 1 else ''} "
                          f"non rompu{'s' if more > 1 else ''}, avec plus de marge (feuille Dépendances)"),
                     "", "", "", "", "", ""])
    else:
        total = len(rows)
    builder.table(
        "Enchaînements à tenir",
        [Column("Prédécesseur", 2.9), Column("Jalon amont", 1.3), Column("Lien, délai minimal", 1.5),
         Column("Successeur", 2.9), Column("Jalon aval", 1.3), Column("Marge", 0.9, "right"),
         Column("État", 1.4)], rows,
        notes=f"Feuille Dépendances : {len(data.programme.dependencies)} enchaînements, dont {total} encore à "
              f"tenir (successeur non livré, et son jalon pas déjà passé après celui du prédécesseur). Jalons "
              f"comparés selon le type de lien : Fin → Début, livraison du prédécesseur puis démarrage du "
              f"successeur ; Début → Début, les deux démarrages ; Fin → Fin, les deux livraisons ; Continuité, "
              f"livraison du nouvel équipement puis démolition de l'ancien. Dates réelles (« réel ») sinon "
              f"prévisionnelles sinon de référence (Jalons) ; marge = jalon aval − (jalon amont + délai minimal), "
              f"en mois entiers. {broken} rompu(s) : alerte CAL-04.",
        empty="Aucun enchaînement à tenir dans la feuille Dépendances.", font_pt=9)


def _expected(milestone: Milestone | None):
    return milestone.expected if milestone is not None else None


def _dated(milestone: Milestone | None) -> str:
    if milestone is None or milestone.expected is None:
        return "—"
    return f"{fr_date(milestone.actual)} (réel)" if milestone.actual else fr_date(milestone.expected)


# ---------------------------------------------------------------- financière


def financial_slides(data: DeckInput, builder: DeckBuilder) -> None:
    funders_slide(data, builder)
    s_curve_slide(data, builder)
    anru_slide(data, builder, "famille")
    financial_deadlines_slide(data, builder)


def funders_slide(data: DeckInput, builder: DeckBuilder) -> None:
    """Financing plans by funder: amount, not yet secured, engaged, paid (indicators.by_funder)."""
    live = {op.id for op in data.programme.operations if not is_abandoned(op)}
    lines = [line for line in data.programme.funding if line.operation_id in live and line.funder is not None]
    unsecured: dict[str, float] = {}
    for line in lines:
        if line.amount is not None and line.status is not None and match_key(line.status) in UNSECURED:
            unsecured[line.funder] = unsecured.get(line.funder, 0.0) + line.amount
    rows = []
    for row in data.indicators.by_funder:
        rows.append(_funder_cells(row, unsecured.get(row.key, 0.0)))
    total = FinanceRow.of("Total", lines, followed_lines(data.programme))
    rows.append([Cell(c.text, c.status, True) for c in _funder_cells(total, sum(unsecured.values()))])
    builder.table(
        "Plans de financement par financeur",
        [Column("Financeur", 2.6), Column("Montant", 1.1, "right"), Column("dont non acquis", 1.3, "right"),
         Column("Engagé", 1.1, "right"), Column("% engagé", 0.9, "right"), Column("Versé", 1.1, "right"),
         Column("% versé", 0.9, "right"), Column("Reste à payer", 1.2, "right")], rows,
        notes=f"Feuille Financements, lignes des opérations non abandonnées : montant actualisé sinon convention "
              f"({euros(total.amount)} au total) ; « non acquis » : lignes Prévu ou Sollicité "
              f"({euros(sum(unsecured.values()))}) ; engagé et versé sur les lignes Acquis ou Notifié ; % versé : "
              f"versé ÷ montant ; fonds propres et prêts sans montant engagé ni versé : non suivi (hors taux).",
        font_pt=9 if len(rows) > 14 else 10)


def _funder_cells(row: FinanceRow, unsecured: float) -> list[Cell]:
    return [Cell(row.key), Cell(meur(row.amount)), Cell(meur(unsecured), "orange" if unsecured else None),
            *(Cell(followed_text(row, t)) for t in (meur(row.engaged), pct(row.engaged_pct), meur(row.paid),
                                                      pct(row.paid_of_amount_pct), meur(row.to_pay)))]


def financial_deadlines_slide(data: DeckInput, builder: DeckBuilder) -> None:
    end = data.at + timedelta(days=FINANCIAL_HORIZON_DAYS)
    items = [d for d in deadlines(data.situation, FINANCIAL_HORIZON_DAYS) if d[1] in FINANCIAL_DEADLINES]
    rows = [[fr_date(day), what, who, detail] for day, what, who, detail in items]
    builder.table(
        "Échéances financières à six mois",
        [Column("Date", 1.0), Column("Échéance", 2.0), Column("Opération", 3.6), Column("Détail", 3.4)], rows,
        notes=f"Du {fr_date(data.at)} au {fr_date(end)} : DAS attendues (Jalons), caducité des subventions (DAS + "
              f"{fr_months(data.params.lapse_months)}, travaux non démarrés), demandes de solde (livraison + "
              f"{fr_months(data.params.balance_request_months)}), délais de la feuille Paramètres.",
        empty="Aucune échéance financière dans les six prochains mois.", font_pt=table_font(rows))


# ---------------------------------------------------------------- sociale


def social_slides(data: DeckInput, builder: DeckBuilder) -> None:
    rehousing_kpis_slide(data, builder)
    rehousing_table_slide(data, builder, open_only=True)
    insertion_kpis_slide(data, builder, gup=True, title="Insertion et GUP")
    insertion_table_slide(data, builder, open_only=True)


SLIDES: dict[str, Callable[[DeckInput, DeckBuilder], None]] = {
    "technique": technical_slides, "financiere": financial_slides, "sociale": social_slides}


# ---------------------------------------------------------------- alerts and actions of the theme


def theme_alert_rows(data: DeckInput, theme: str) -> list[list[Cell]]:
    """Return the theme's red alerts one by one (grouped by code, as the orange ones, when there are more
    than ``MAX_RED_DETAILED``), then one row per orange code; a code with a single alert keeps its own row."""
    themes = THEMES_BY_MEETING[theme][0]
    alerts = [a for a in data.alerts if a.theme in themes]
    red = [a for a in alerts if a.severity is Level.ROUGE]
    orange = [a for a in alerts if a.severity is Level.ORANGE]
    if len(red) <= MAX_RED_DETAILED:
        return alert_rows(red) + grouped_alert_rows(orange)
    return grouped_alert_rows(red) + grouped_alert_rows(orange)


def theme_alerts_slide(data: DeckInput, builder: DeckBuilder, theme: str) -> None:
    themes = THEMES_BY_MEETING[theme][0]
    alerts = [a for a in data.alerts if a.theme in themes]
    red = sum(a.severity is Level.ROUGE for a in alerts)
    codes = sorted({a.code.split("-")[0] for a in alerts}) or [t.value for t in themes]
    builder.table(
        f"Points d'alerte {' et '.join(codes)}", alert_columns(), theme_alert_rows(data, theme),
        notes=f"Feuille Alertes, thème {', '.join(t.value for t in themes)} : {red} alerte(s) rouge(s) "
              f"{'détaillée(s)' if red <= MAX_RED_DETAILED else 'regroupées par code'}, {len(alerts) - red} orange "
              f"regroupées par code (la liste complète, avec les mesures, est dans la feuille Alertes).",
        empty="Aucune alerte sur ce thème.", font_pt=9)


def open_actions_slide(data: DeckInput, builder: DeckBuilder, instance: str) -> None:
    """Every action of the meeting not yet closed, by due date (late ones orange, red after postponements)."""
    actions = [a for a in data.programme.actions
               if a.instance == instance and a.status != "Soldée" and a.closed_on is None]
    actions.sort(key=lambda a: (a.due is None, a.due, a.id))
    rows = []
    for action in actions:
        late = action.due is not None and action.due < data.at
        postponed = int(action.postponements or 0)
        status = "rouge" if late and postponed >= data.params.postponements_red else "orange" if late else None
        rows.append([action.id, action.subject or "—", action.decision or "—", action.owner or "—",
                     Cell(maybe_date(action.due, "—"), status), action.status or "—", str(postponed)])
    builder.table(
        f"Actions ouvertes : {instance.lower()}",
        [Column("Action", 0.9), Column("Sujet", 1.8), Column("Décision / action", 3.6), Column("Responsable", 1.7),
         Column("Échéance", 1.1), Column("Statut", 1.0), Column("Reports", 0.8, "right")], rows,
        notes=f"Relevé de décisions (feuille Actions), instance « {instance} » : {len(rows)} action(s) non soldée(s). "
              f"Orange : échéance passée au {fr_date(data.at)} ; rouge : échue après au moins "
              f"{int(data.params.postponements_red)} reports (GOV-03).",
        empty=f"Aucune action ouverte de la {instance.lower()}.", font_pt=table_font(rows))
