"""Comité de suivi with the partners (12–20 slides on the shipped master, more when a table continues).

1. Title. 2. Agenda. 3. Follow-up of the decisions and actions of the comités de suivi.
4. Key figures (KPI tiles) and 5. the S-curve of the ANRU subsidy. 6. Gantt by famille with the
convention baseline and the date de situation. 7. Progress by famille (bar chart) and 8. by district
(table). 9. Delivered or started since the last comité (*Historique jalons*). 10. To launch within
3 and 6 months, with the open prerequisites. 11. *Points durs*: red then orange alerts, one row each
with the measure and the maître d'ouvrage. 12. Relogement and insertion. 13. Decisions requested.
14. Next dates.

Choices:

- Actions followed (slide 3): the *Actions* of instance « Comité de suivi » decided at the last comité
  (the latest *Date* of that instance on or before the date de situation), plus the earlier ones still
  open, plus those closed on or after that last comité.
- Points durs (slide 11): red alerts, then orange ones, at most :data:`MAX_HARD_POINTS` rows, so that the
  slides stay readable for partners. When a severity has more alerts than the room left, they are taken one
  per code in catalogue order, then a second per code, and so on, so that every kind of difficulty shows
  before the tenth of one kind. The alerts of :data:`HOUSEKEEPING_CODES` (workbook upkeep and the OPC's own
  meeting preparation) are left to the monthly point. The last row says how many alerts were left out;
  all are in the *Alertes* sheet.
- Lists (slides 9, 10, 14) show at most :data:`MAX_LIST_ROWS` rows, two slides: on a large programme the
  last row counts what was left out (the first ones kept: deliveries before works starts, then by date;
  launches and deadlines by date).
- Tile colours follow the alert thresholds of *Paramètres* (FIN-09 for engagement, FIN-03 for the
  programme's cost drift, HAB-04 for new housing and the reste à charge) or the alerts on the figure
  (HAB-03 and CAL-05 for rehousing, SOC-01 for insertion); a tile with no such rule stays neutral.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from opc_excel.compute.indicators.calendrier import planned_portfolio_progress, portfolio_progress, spi
from opc_excel.compute.schedule import add_months, is_abandoned
from opc_excel.fr import fr_date, fr_months, fr_number, fr_percent
from opc_excel.model import Level
from opc_excel.read import contract
from opc_excel.render.decks.builder import Cell, Column, DeckBuilder
from opc_excel.render.decks.common import DeckInput, start_deck
from opc_excel.render.decks.gantt import draw_gantt
from opc_excel.render.decks.slides import decisions_slide, s_curve_slide
from opc_excel.situation.formats import euros, meur, pct, plural, ratio, signed_percent, signed_points
from opc_excel.situation.schedule import (
    CLOSED,
    INSTANCE,
    deadlines,
    launch_blockers,
    launches_within,
    operation_name,
)
from opc_excel.situation.selections import (
    HOUSEKEEPING_CODES,
    MAX_HARD_POINTS,
    alerts_of,
    kpi_status,
    recent_housing_status,
    recent_housing_target,
    severity_status,
)
from opc_excel.text import NAME_CAP, shorten
from opc_excel.words import PROGRESS_INDEX, programme_word

KIND = "Comité de suivi"
MAX_LIST_ROWS = 30
NEAR_MONTHS, FAR_MONTHS = 3, 6
NEXT_DATES_DAYS = 90
AGENDA = (
    "Suite des décisions du dernier comité",
    "Chiffres clés et courbe d'engagement",
    "Calendrier et avancement par famille et par quartier",
    "Réalisations depuis le dernier comité",
    "Opérations à lancer dans les 6 prochains mois",
    "Points durs",
    "Relogement et insertion",
    "Décisions demandées au comité",
    "Prochaines dates",
)


def build(data: DeckInput, builder: DeckBuilder) -> None:
    start_deck(data, KIND, builder,
               title=f"Comité de suivi du projet de {programme_word(data.params.programme, 'renouvellement')}",
               meeting=data.params.next_follow_up_committee)
    agenda_slide(data, builder)
    actions_follow_up_slide(data, builder)
    key_figures_slide(data, builder)
    s_curve_slide(data, builder)
    gantt_slide(data, builder)
    progress_by_famille_slide(data, builder)
    district_slide(data, builder)
    since_last_slide(data, builder)
    launches_3_6_slide(data, builder)
    hard_points_slide(data, builder)
    rehousing_insertion_slide(data, builder)
    decisions_slide(data, builder, title="Décisions demandées au comité")
    next_dates_slide(data, builder)


# ---------------------------------------------------------------- slides


def agenda_slide(data: DeckInput, builder: DeckBuilder) -> None:
    builder.bullets("Ordre du jour", list(AGENDA),
                    notes=f"Ordre du jour du comité de suivi, situation au {fr_date(data.at)} (feuille Paramètres). "
                          f"Chaque point reprend les chiffres du classeur maître à cette date.")


def actions_follow_up_slide(data: DeckInput, builder: DeckBuilder) -> None:
    last, actions = data.situation.followed_actions
    rows = []
    for action in actions:
        closed = action.status == CLOSED or action.closed_on is not None
        postponed = int(action.postponements or 0)
        late = not closed and action.due is not None and action.due < data.at
        if closed:
            state = Cell(f"Soldée le {fr_date(action.closed_on)}" if action.closed_on else "Soldée", "vert")
        elif late:
            state = Cell(f"En retard ({action.status or 'ouverte'})",
                         "rouge" if postponed >= data.params.postponements_red else "orange")
        else:
            state = Cell(action.status or "Ouverte")
        rows.append([action.id, fr_date(action.date) if action.date else "—", action.decision or action.subject,
                     action.owner or "—", fr_date(action.due) if action.due else "—", state, str(postponed)])
    title = f"Suite des décisions du comité du {fr_date(last)}" if last else "Suite des décisions du comité"
    builder.table(
        title, [Column("Action", 0.9), Column("Décidée le", 1.0), Column("Décision", 4.2), Column("Responsable", 1.7),
                Column("Échéance", 1.0), Column("État", 1.6), Column("Reports", 0.8, "right")], rows,
        notes=f"Relevé de décisions (feuille Actions, instance « {INSTANCE} ») : les {len(actions)} action(s) décidées "
              f"au dernier comité{f' ({fr_date(last)})' if last else ''}, celles des comités précédents encore "
              f"ouvertes et celles soldées depuis. En retard : échéance passée au {fr_date(data.at)} ; en rouge "
              f"après au moins {int(data.params.postponements_red)} reports.",
        empty="Aucune action du comité de suivi dans la feuille Actions.", font_pt=11)


def key_figures_slide(data: DeckInput, builder: DeckBuilder, title: str = "Chiffres clés") -> None:
    ind, params = data.indicators, data.params
    anru = ind.anru
    drift = ind.cost_drift.drift_pct
    red = sum(a.severity is Level.ROUGE for a in data.alerts)
    orange = len(data.alerts) - red
    drift_status = (None if drift is None else "rouge" if drift > params.cost_drift_red_pct
                    else "orange" if drift > params.cost_drift_orange_pct else "vert")
    tiles = [
        (f"Subvention ANRU engagée ({meur(anru.engaged)} sur {meur(anru.amount)})", pct(anru.engaged_pct),
         kpi_status(anru.engaged_pct, ind.planned_engagement_pct, params.engagement_gap_orange_points,
                    params.engagement_gap_red_points)),
        (f"Subvention ANRU versée ({meur(anru.paid)})", pct(anru.paid_of_amount_pct), None),
        (f"Avancement pondéré (prévu : {pct(ind.planned_progress_pct)})", pct(ind.progress_pct), None),
        (f"Opérations lancées ({fr_number(ind.operations_launched)} sur {fr_number(ind.operations)})",
         pct(ind.launched_pct), None),
        ("Reste à engager (ANRU)", meur(anru.to_engage), None),
        ("Reste à payer (ANRU)", meur(anru.to_pay), None),
        (f"Dérive de coût ({meur(ind.cost_drift.current)} pour {meur(ind.cost_drift.convention)})",
         signed_percent(drift), drift_status),
        ("Alertes rouges / orange", f"{fr_number(red)} / {fr_number(orange)}",
         "rouge" if red else "orange" if orange else "vert"),
    ]
    builder.kpis(
        title, tiles,
        notes=f"Engagement ANRU : {euros(anru.engaged)} sur {euros(anru.amount)} ({pct(anru.engaged_pct)}), prévu "
              f"{pct(ind.planned_engagement_pct)} par la courbe en S (couleur : seuils FIN-09 de Paramètres, "
              f"{fr_number(params.engagement_gap_orange_points)} et {fr_number(params.engagement_gap_red_points)} "
              f"points). Versé : {euros(anru.paid)}. Avancement pondéré par les coûts A(t) "
              f"{pct(ind.progress_pct)}, prévu {pct(ind.planned_progress_pct)}, indice d'avancement {ratio(ind.spi)} "
              f"(Opérations, "
              f"Jalons). Opérations lancées : démarrage réel au plus tard le {fr_date(data.at)}. Dérive de coût : "
              f"coût actualisé ÷ coût convention (Opérations). Alertes : feuille Alertes.",
        comment=f"Engagement {signed_points(ind.engagement_gap_points)} par rapport à la courbe prévue ; "
                f"indice d'avancement {ratio(ind.spi)} (avancement réel ÷ prévu).")


def gantt_slide(data: DeckInput, builder: DeckBuilder) -> None:
    """The Gantt (gantt.py): one row per operation, the late ones first when they don't fit three slides."""
    draw_gantt(builder, data.programme, data.at)


def progress_by_famille_slide(data: DeckInput, builder: DeckBuilder,
                              title: str = "Avancement par famille") -> None:
    rows = [f for f in data.indicators.progress_by_famille if f.progress_pct is not None]
    behind = sorted((f for f in rows if f.spi is not None), key=lambda f: (f.spi, f.famille))[:3]
    comment = "\n".join([f"Avancement global : {pct(data.indicators.progress_pct)} pour "
                         f"{pct(data.indicators.planned_progress_pct)} prévu.",
                         "Plus en retard (indice d'avancement) :"]
                        + [f"• {f.famille} : {ratio(f.spi)}" for f in behind])
    if not rows:
        builder.bullets(title, [], notes="Aucune famille n'a d'opération avec un coût connu (Opérations).",
                        empty="Pas d'avancement à présenter.")
        return
    builder.chart(
        title, "bar", [f.famille for f in rows],
        {"Avancement": [f.progress_pct for f in rows], "Avancement prévu": [f.planned_progress_pct for f in rows]},
        notes="Avancement pondéré par les coûts de chaque famille (Opérations : coût actualisé, sinon convention ; "
              "Jalons : dates réelles) sur l'échelle 0 (non démarré), 10 (études), 20 (marchés / DAS), 25 à 90 "
              "(travaux), 100 (livré) ; prévu : même échelle sur les dates de référence. "
              + " ; ".join(f"{f.famille} {pct(f.progress_pct)} / {pct(f.planned_progress_pct)}" for f in rows) + ".",
        comment=comment, maximum=100)


def district_slide(data: DeckInput, builder: DeckBuilder, title: str = "Avancement et subvention par quartier") -> None:
    """Progress per district (A(t), A_plan(t), SPI on the district's operations) with its ANRU finance row."""
    p, at = data.programme, data.at
    finance = {row.key: row for row in data.indicators.anru_by_district}
    districts = list(dict.fromkeys([*p.lists.get(contract.QUARTIERS, ()),
                                    *sorted({op.district for op in p.operations if op.district})]))
    rows = []
    for district in districts:
        ops = [op for op in p.operations if op.district == district and not is_abandoned(op)]
        if not ops and district not in finance:
            continue
        row = finance.get(district)
        rows.append([district, str(len(ops)), pct(portfolio_progress(p, at, ops)),
                     pct(planned_portfolio_progress(p, at, ops)), ratio(spi(p, at, ops)),
                     meur(row.amount if row else None), pct(row.engaged_pct if row else None),
                     pct(row.paid_of_amount_pct if row else None)])
    builder.table(
        title, [Column("Quartier", 1.8), Column("Opérations", 1.0, "right"), Column("Avancement", 1.1, "right"),
                Column("Prévu", 1.0, "right"), Column(PROGRESS_INDEX, 1.0, "right"),
                Column("Subvention ANRU", 1.4, "right"), Column("Engagé", 1.0, "right"),
                Column("Versé", 1.0, "right")], rows,
        notes="Par quartier (Opérations, hors opérations abandonnées) : avancement pondéré par les coûts et "
              "avancement prévu sur les dates de référence (Jalons), indice d'avancement = réel ÷ prévu ; "
              "subvention ANRU, taux d'engagement et de paiement (Financements, lignes acquises ou notifiées). "
              + " ; ".join(f"{r[0]} : {r[2]} pour {r[3]}, {r[5]} engagés à {r[6]}" for r in rows) + ".",
        empty="Aucun quartier renseigné dans les opérations.", font_pt=12)


def since_last_slide(data: DeckInput, builder: DeckBuilder) -> None:
    """Works started and deliveries reached since the previous date de situation (*Historique jalons*)."""
    if data.changes is None:
        builder.bullets("Livré ou démarré depuis le dernier comité", [],
                        notes="La feuille Historique ne contient aucune date de situation antérieure : les "
                              "réalisations depuis le dernier comité seront présentées à partir de la prochaine "
                              "actualisation du classeur.",
                        empty="Première actualisation du classeur : pas encore d'historique pour dire ce qui a été "
                              "livré ou démarré depuis le dernier comité.")
        return
    changes = data.changes
    wanted = {contract.DELIVERY: "Livraison", contract.WORKS_START: "Démarrage des travaux"}
    reached = sorted((c for c in changes.milestones_reached if c.milestone in wanted),
                     key=lambda c: (c.milestone != contract.DELIVERY, c.after or date.min, c.operation_id))
    rows: list[list[Cell | str]] = []
    for change in reached[:MAX_LIST_ROWS]:
        op = data.programme.operation(change.operation_id)
        rows.append([Cell(wanted[change.milestone], "vert" if change.milestone == contract.DELIVERY else None),
                     operation_name(data.situation, change.operation_id), (op.famille if op else None) or "—",
                     (op.owner if op else None) or "—", fr_date(change.after)])
    deliveries = sum(c.milestone == contract.DELIVERY for c in reached)
    left = reached[MAX_LIST_ROWS:]
    if left:
        left_deliveries = sum(c.milestone == contract.DELIVERY for c in left)
        rows.append([Cell("…", "gris"), f"… et {plural(len(left), 'autre jalon atteint', 'autres jalons atteints')} : "
                     f"{plural(left_deliveries, 'livraison')}, {plural(len(left) - left_deliveries, 'démarrage')}",
                     "", "", ""])
    builder.table(
        f"Livré ou démarré depuis le {fr_date(changes.since)}",
        [Column("Événement", 1.6), Column("Opération", 4.2), Column("Famille", 2.2), Column("Maître d'ouvrage", 1.6),
         Column("Date", 1.0)], rows,
        notes=f"Jalons atteints entre le {fr_date(changes.since)} et le {fr_date(changes.until)} (feuille Historique "
              f"jalons comparée à Jalons) : {plural(deliveries, 'livraison')}, "
              f"{plural(len(reached) - deliveries, 'démarrage')} de travaux.",
        empty=f"Aucune livraison ni aucun démarrage de travaux depuis le {fr_date(changes.since)}.")


def launches_3_6_slide(data: DeckInput, builder: DeckBuilder) -> None:
    near = add_months(data.at, NEAR_MONTHS)
    launches = launches_within(data.situation, FAR_MONTHS)
    blockers = [launch_blockers(data.situation, t) for t in launches]
    rows = [[f"{t.operation_id} — {shorten(t.label, NAME_CAP)}", t.owner or "—", fr_date(t.planned_start),
             f"d'ici {fr_months(NEAR_MONTHS)}" if t.planned_start <= near
             else f"{NEAR_MONTHS} à {fr_months(FAR_MONTHS)}",
             Cell(b.text, b.colour)]
            for t, b in zip(launches[:MAX_LIST_ROWS], blockers, strict=False)]
    left = launches[MAX_LIST_ROWS:]
    if left:
        blocked = sum(bool(b) for b in blockers[MAX_LIST_ROWS:])
        rows.append([f"… et {plural(len(left), 'autre opération', 'autres opérations')} à lancer d'ici le "
                     f"{fr_date(add_months(data.at, FAR_MONTHS))}", "", "", "",
                     Cell(f"dont {fr_number(blocked)} avec des prérequis ouverts", "gris")])
    soon = sum(t.planned_start <= near for t in launches)
    builder.table(
        f"À lancer dans les {fr_months(FAR_MONTHS)}",
        [Column("Opération", 4.6), Column("Maître d'ouvrage", 1.5), Column("Démarrage prévu", 1.1),
         Column("Horizon", 1.0), Column("Prérequis ouverts", 2.3)], rows,
        notes=f"Opérations non démarrées dont le démarrage prévu (Jalons : prévisionnelle, sinon avenant ou "
              f"convention) tombe d'ici le {fr_date(add_months(data.at, FAR_MONTHS))} : {soon} d'ici "
              f"{fr_months(NEAR_MONTHS)}, {len(launches) - soon} ensuite. Prérequis ouverts : DAS caduque "
              f"ou caduque avant le démarrage, ménages à reloger (Ménages), enchaînement non tenu (Dépendances), "
              f"permis, marchés, DAS sans date réelle (Jalons), financements prévus ou sollicités (Financements) ; "
              f"en couleur de l'alerte la plus grave de l'opération (feuille Alertes).",
        empty=f"Aucune opération à lancer dans les {fr_months(FAR_MONTHS)}.", font_pt=9)


def hard_points_slide(data: DeckInput, builder: DeckBuilder, title: str = "Points durs") -> None:
    shown, left = data.situation.hard_points
    rows: list[list[Cell | str]] = [
        [Cell(a.severity.value, "rouge" if a.severity is Level.ROUGE else "orange"),
         f"{a.operation_id} — {shorten(a.operation_label, NAME_CAP)}" if a.operation_id and a.operation_label
         else a.operation_id or a.action_id or "Programme",
         a.finding, a.measure, a.owner or "—"] for a in shown]
    if left:
        counts = Counter(a.code for a in left)
        detail = ", ".join(f"{code} × {n}" for code, n in sorted(counts.items()))
        rows.append([Cell("…", "gris"), "Autres alertes",
                     f"{plural(len(left), 'autre alerte', 'autres alertes')} dans la feuille Alertes : {detail}",
                     "", ""])
    red = sum(a.severity is Level.ROUGE for a in shown)
    builder.table(
        title, [Column("Gravité", 0.75), Column("Opération", 2.2), Column("Constat", 3.7),
                Column("Mesure proposée", 3.5), Column("Maître d'ouvrage", 1.3)], rows,
        notes=f"Alertes de la feuille Alertes au {fr_date(data.at)} : {red} rouge(s) puis {len(shown) - red} orange "
              f"sur {len(data.alerts)} (au plus {MAX_HARD_POINTS} lignes ; au-delà, une alerte par code, puis une "
              f"deuxième par code… ; la tenue du classeur et la préparation des réunions, "
              f"{', '.join(sorted(HOUSEKEEPING_CODES))}, restent au point mensuel). Le maître d'ouvrage est celui "
              f"de l'opération (feuille Opérations).",
        empty="Aucun point dur : pas d'alerte rouge ni orange.", font_pt=9)


def rehousing_insertion_slide(data: DeckInput, builder: DeckBuilder, title: str = "Relogement et insertion") -> None:
    ind, params = data.indicators, data.params
    hh, ins = ind.rehousing, ind.insertion
    rest = hh.median_rest_to_pay_change_pct
    rest_status = None if rest is None else "orange" if rest > params.rest_to_pay_increase_pct else "vert"
    insertion_status = (severity_status(alerts_of(data.situation, ("SOC-01",))) if ins.done_of_planned_pct is not None
                        else None)
    tiles = [
        (f"Ménages relogés ({fr_number(hh.rehoused)} sur {fr_number(hh.to_rehouse)})", pct(hh.rehoused_percent),
         severity_status(alerts_of(data.situation, ("HAB-03", "CAL-05"))) if hh.to_rehouse else None),
        (f"En logement neuf ou récent ({recent_housing_target(data.situation)})",
         pct(hh.new_or_recent_percent), recent_housing_status(data.situation)),
        ("Relogés hors site", pct(hh.off_site_percent), None),
        (f"Reste à charge médian (seuil +{fr_percent(params.rest_to_pay_increase_pct)})", signed_percent(rest),
         rest_status),
        ("Heures d'insertion réalisées ÷ prévues", pct(ins.done_of_planned_pct), insertion_status),
        (f"De l'objectif : {fr_percent(params.insertion_target_pct)} des heures travaillées",
         pct(ins.done_of_target_pct), None),
        ("Avancement des travaux concernés", pct(ins.works_progress_pct), None),
        ("Écart insertion − travaux", signed_points(ins.gap_points), None),
    ]
    builder.kpis(
        title, tiles,
        notes=f"Relogement (feuille Relogement) : {fr_number(hh.rehoused)} ménage(s) relogé(s) sur "
              f"{fr_number(hh.to_rehouse)} ({pct(hh.rehoused_percent)}), {fr_number(hh.temporary)} en relogement "
              f"temporaire, {fr_number(hh.left_without)} parti(s) sans relogement ; neuf ou récent "
              f"{pct(hh.new_or_recent_percent)} des relogés, hors site "
              f"{pct(hh.off_site_percent)}, {programme_word(params.programme, 'hors quartier')} "
              f"{pct(hh.outside_qpv_percent)} ; évolution médiane du reste à "
              f"charge {signed_percent(rest)}. Insertion (feuille Insertion) : {fr_number(ins.insertion_done)} heures "
              f"réalisées pour {fr_number(ins.insertion_planned)} prévues ({pct(ins.done_of_planned_pct)}), "
              f"{fr_number(ins.hours_worked)} heures travaillées, soit {pct(ins.done_of_target_pct)} de l'objectif ; "
              f"avancement des travaux concernés {pct(ins.works_progress_pct)}. Couleurs : alertes HAB-03, CAL-05 et "
              f"SOC-01, seuils de Paramètres.",
        comment=f"Ménages à reloger : {fr_number(hh.to_rehouse)}, dont {plural(hh.rehoused, 'relogé')}, "
                f"{fr_number(hh.temporary)} en relogement temporaire, {plural(hh.left_without, 'parti')} sans "
                f"relogement. Insertion : "
                f"{fr_number(ins.insertion_done)} heures réalisées sur {fr_number(ins.insertion_planned)} prévues.")


def next_dates_slide(data: DeckInput, builder: DeckBuilder, days: int = NEXT_DATES_DAYS) -> None:
    params = data.params
    meetings = {"Point mensuel": params.next_monthly_point, "Comité de suivi": params.next_follow_up_committee,
                "Comité de pilotage": params.next_steering_committee, "Revue de projet": params.next_project_review,
                "Point d'étape": params.next_milestone_review}
    coming = [(when, what, "Programme", "Réunion prévue") for what, when in meetings.items()
              if when and when >= data.at]
    others = [item for item in deadlines(data.situation, days) if item[1] not in meetings]
    room = max(MAX_LIST_ROWS - len(coming), 0)  # the meetings always show; the other deadlines fill the rest
    items = sorted(coming + others[:room], key=lambda item: (item[0], item[1], item[2]))
    rows: list[list[Cell | str]] = [
        [Cell(fr_date(day), None, bold=who == "Programme"), Cell(what, None, bold=who == "Programme"), who, detail]
        for day, what, who, detail in items]
    left = others[room:]
    if left:
        rows.append([Cell("…", "gris"), f"… et {plural(len(left), 'autre échéance', 'autres échéances')}",
                     f"jusqu'au {fr_date(left[-1][0])}", ", ".join(sorted({what for _, what, _, _ in left}))])
    builder.table(
        "Prochaines dates", [Column("Date", 1.0), Column("Échéance", 1.8), Column("Objet", 4.2), Column("Détail", 3.3)],
        rows,
        notes=f"Prochaines réunions (feuille Paramètres) et échéances des {days} jours suivant le {fr_date(data.at)} : "
              f"DAS attendues (Jalons), caducités (DAS + {fr_months(params.lapse_months)}), demandes de solde "
              f"(livraison + {fr_months(params.balance_request_months)}) et actions à échéance (Actions).",
        empty="Aucune réunion ni échéance renseignée.", font_pt=10)
