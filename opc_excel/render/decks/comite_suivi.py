"""Comité de suivi with the partners (14–16 slides, on the shipped master as on a programme ten times larger).

Title, synthesis (it says what an agenda would), follow-up of the comité's decisions, key figures, S-curve, Gantt,
progress by famille and by district, delivered or started since the previous situation, to launch within 3 and 6
months of the séance, points durs, relogement and insertion, decisions, next dates, annex. Titles state findings.

- Dates are the séance's (``data.meeting.day``): an action or a deadline due before it is late, the launches
  run to 3 and 6 months after it, the next dates list the meetings after it (the comité never lists itself).
- Every list holds on one slide (:func:`findings.fit_one_slide`): what is left out is counted on the last row
  by kind — the launches by what blocks them, the actions by state, the deadlines by nature — after the rows
  that matter most (blocked launches, late actions; the meetings always show among the next dates).
- A tile is coloured only by a rule with a threshold on its figure: engagement by FIN-09, the cost drift by
  FIN-03, new or recent housing and the reste à charge by HAB-04, the insertion gap by SOC-01's threshold. The
  share rehoused has no programme-wide threshold: neutral (late demolitions are points durs), as the others.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date, timedelta

from opc_excel.compute.indicators.calendrier import planned_portfolio_progress, portfolio_progress, spi
from opc_excel.compute.schedule import add_months, is_abandoned, whole_months
from opc_excel.fr import fr_date, fr_months, fr_number, fr_percent
from opc_excel.read import contract
from opc_excel.render.decks.builder import Cell, Column, DeckBuilder
from opc_excel.render.decks.common import DeckInput, start_deck
from opc_excel.render.decks.findings import (
    decisions_slide,
    fit_one_slide,
    points_durs_annex_slide,
    points_durs_slide,
    synthesis_slide,
)
from opc_excel.render.decks.gantt import draw_gantt
from opc_excel.render.decks.slides import s_curve_slide
from opc_excel.situation.formats import euros, meur, pct, plural, ratio, signed_percent, signed_points
from opc_excel.situation.schedule import CLOSED, INSTANCE, LaunchBlockers, deadlines, launch_blockers, launches_within
from opc_excel.situation.selections import alerts_of, recent_housing_status, recent_housing_target
from opc_excel.situation.synthesis import FIGURES, key_figures
from opc_excel.text import NAME_CAP, shorten
from opc_excel.words import PROGRESS_INDEX, programme_word

KIND = "Comité de suivi"
NEAR_MONTHS, FAR_MONTHS = 3, 6
NEXT_DATES_DAYS = 90
TABLE_PT = 10.0
COLOUR_ORDER = {"rouge": 0, "orange": 1}


def build(data: DeckInput, builder: DeckBuilder) -> None:
    meeting = data.meeting
    start_deck(data, KIND, builder,
               title=f"Comité de suivi du projet de {programme_word(data.params.programme, 'renouvellement')}")
    synthesis_slide(data, builder, meeting)
    actions_follow_up_slide(data, builder)
    key_figures_slide(data, builder)
    s_curve_slide(data, builder, title=s_curve_title(data))
    gantt_slide(data, builder)
    progress_by_famille_slide(data, builder)
    district_slide(data, builder)
    since_last_slide(data, builder)
    launches_3_6_slide(data, builder)
    shown = points_durs_slide(data, builder, meeting)
    rehousing_insertion_slide(data, builder)
    decisions_slide(data, builder, meeting)
    next_dates_slide(data, builder)
    points_durs_annex_slide(data, builder, meeting, shown)


def _counted(counts: Counter) -> str:
    return ", ".join(f"{what} × {fr_number(n)}" for what, n in counts.most_common())


def _fits(columns: Sequence[Column], rows: list[list[Cell | str]]) -> bool:
    return len(fit_one_slide(columns, rows, lambda n: [""] * len(columns))) == len(rows)


def actions_follow_up_slide(data: DeckInput, builder: DeckBuilder) -> None:
    """The comité's actions followed (situation.schedule.followed_actions): late at the séance first, then open,
    then closed; late = not closed and due before the séance, red after *Reports rouge* postponements."""
    seance, red_after = data.meeting.day, data.params.postponements_red
    last, actions = data.situation.followed_actions

    def state(action) -> tuple[int, str, str | None]:
        if action.status == CLOSED or action.closed_on is not None:
            return 2, f"Soldée le {fr_date(action.closed_on)}" if action.closed_on else "Soldée", "vert"
        if action.due is not None and action.due < seance:
            late = "En retard" if action.due < data.at else "Échue avant la séance"
            return 0, f"{late} ({action.status or 'ouverte'})", \
                "rouge" if int(action.postponements or 0) >= red_after else "orange"
        return 1, action.status or "Ouverte", None

    ranked = sorted(actions, key=lambda a: (state(a)[0], a.due or date.max, a.id))
    rows = [[a.id, fr_date(a.date) if a.date else "—", a.decision or a.subject, a.owner or "—",
             fr_date(a.due) if a.due else "—", Cell(state(a)[1], state(a)[2]), str(int(a.postponements or 0))]
            for a in ranked]
    columns = [Column("Action", 0.9), Column("Décidée le", 1.0), Column("Décision", 4.2), Column("Responsable", 1.7),
               Column("Échéance", 1.0), Column("État", 1.6), Column("Reports", 0.8, "right")]
    words = {0: "en retard", 1: "ouverte", 2: "soldée"}
    rows = fit_one_slide(columns, rows, lambda n: [
        "…", "", f"… et {plural(n, 'autre action', 'autres actions')} : feuille Actions", "", "",
        _counted(Counter(words[state(a)[0]] for a in ranked[-n:])), ""])
    late, closed = (sum(state(a)[0] == k for a in actions) for k in (0, 2))
    head = f"Suite du comité du {fr_date(last)}" if last else "Suite des décisions du comité"
    builder.table(
        f"{head} : {plural(late, 'action en retard', 'actions en retard')} sur {fr_number(len(actions))}, "
        + (plural(closed, 'soldée') if closed else "aucune soldée") if actions else head, columns, rows,
        notes=f"Relevé de décisions (feuille Actions, instance « {INSTANCE} ») : les {len(actions)} actions décidées "
              f"au dernier comité{f' ({fr_date(last)})' if last else ''}, celles des comités précédents encore "
              f"ouvertes et celles soldées depuis ; en retard d'abord. En retard : non soldée et échue avant la "
              f"séance du {fr_date(seance)} ; en rouge après au moins {int(red_after)} reports.",
        empty="Aucune action du comité de suivi dans la feuille Actions.", font_pt=TABLE_PT)


def key_figures_slide(data: DeckInput, builder: DeckBuilder) -> None:
    ind, params = data.indicators, data.params
    anru, drift = ind.anru, ind.cost_drift.drift_pct
    drift_status = (None if drift is None else "rouge" if drift > params.cost_drift_red_pct
                    else "orange" if drift > params.cost_drift_orange_pct else "vert")
    tiles = [
        (f"Subvention ANRU engagée ({meur(anru.engaged)} sur {meur(anru.amount)})", pct(anru.engaged_pct),
         next(t.status for t in key_figures(data.situation) if t.label == FIGURES[0][0])),  # the synthesis's
        (f"Subvention ANRU versée ({meur(anru.paid)})", pct(anru.paid_of_amount_pct), None),
        (f"Avancement pondéré (prévu : {pct(ind.planned_progress_pct)})", pct(ind.progress_pct), None),
        (f"Opérations lancées ({fr_number(ind.operations_launched)} sur {fr_number(ind.operations)})",
         pct(ind.launched_pct), None),
        ("Reste à engager (ANRU)", meur(anru.to_engage), None),
        ("Reste à payer (ANRU)", meur(anru.to_pay), None),
        (f"Dérive de coût ({meur(ind.cost_drift.current)} pour {meur(ind.cost_drift.convention)})",
         signed_percent(drift), drift_status),
        (f"{PROGRESS_INDEX} (réel ÷ prévu)", ratio(ind.spi), None),
    ]
    title = (f"{plural(ind.operations_launched, 'opération lancée', 'opérations lancées')} sur "
             f"{fr_number(ind.operations)}, {meur(anru.to_engage)} de subvention ANRU à engager, coût "
             f"{signed_percent(drift)} sur la convention")
    builder.kpis(
        title, tiles,
        notes=f"Engagement ANRU : {euros(anru.engaged)} sur {euros(anru.amount)} ({pct(anru.engaged_pct)}), prévu "
              f"{pct(ind.planned_engagement_pct)} par la courbe en S. Versé : {euros(anru.paid)}. Avancement pondéré "
              f"par les coûts {pct(ind.progress_pct)}, prévu {pct(ind.planned_progress_pct)}, indice d'avancement "
              f"{ratio(ind.spi)} (Opérations, Jalons). Opérations lancées : démarrage réel au plus tard le "
              f"{fr_date(data.at)}. Dérive de coût : coût actualisé ÷ coût convention (Opérations). Couleurs, "
              f"seulement là où une règle fixe un seuil : engagement, FIN-09 (orange à "
              f"{fr_number(params.engagement_gap_orange_points)} points de retard sur la courbe, rouge à "
              f"{fr_number(params.engagement_gap_red_points)}, vert sans retard) ; dérive de coût, FIN-03 (orange à "
              f"{fr_percent(params.cost_drift_orange_pct)}, rouge à {fr_percent(params.cost_drift_red_pct)}). Les "
              f"autres chiffres n'ont pas de seuil : neutres.",
        comment=f"Engagement {signed_points(ind.engagement_gap_points)} par rapport à la courbe prévue ; "
                f"indice d'avancement {ratio(ind.spi)} (avancement réel ÷ prévu).")


def s_curve_title(data: DeckInput) -> str:
    """Return the S-curve's title: engaged and paid at t against the planned values plotted at t."""
    now = next((p for p in data.situation.s_curve if p.day == data.at), None)
    if now is None or now.engaged_pct is None:
        return "Courbe en S ANRU"
    return (f"Subvention ANRU : {pct(now.engaged_pct)} engagés pour {pct(now.planned_pct)} prévus, "
            f"{pct(now.paid_pct)} versés pour {pct(now.planned_paid_pct)} prévus")


def gantt_slide(data: DeckInput, builder: DeckBuilder) -> None:
    """The Gantt (gantt.py): one row per operation, the late ones first when they don't fit three slides."""
    draw_gantt(builder, data.programme, data.at)


def progress_by_famille_slide(data: DeckInput, builder: DeckBuilder) -> None:
    """Progress and planned progress by famille; the title names the famille furthest behind (lowest index)."""
    ind = data.indicators
    rows = [f for f in ind.progress_by_famille if f.progress_pct is not None]
    behind = sorted((f for f in rows if f.spi is not None and f.spi < 1), key=lambda f: (f.spi, f.famille))
    if not rows:
        return builder.bullets("Avancement par famille", [], notes="Aucune famille n'a d'opération avec un coût "
                               "connu (Opérations).", empty="Pas d'avancement à présenter.")
    title = f"Avancement {pct(ind.progress_pct)} pour {pct(ind.planned_progress_pct)} prévu : " + (
        f"{fr_number(len(behind))} familles sur {fr_number(len(rows))} en retard, d'abord {behind[0].famille}"
        if len(behind) > 1 else f"seule {behind[0].famille} en retard" if behind else "aucune famille en retard")
    builder.chart(
        title, "bar", [f.famille for f in rows],
        {"Avancement": [f.progress_pct for f in rows], "Avancement prévu": [f.planned_progress_pct for f in rows]},
        notes="Avancement pondéré par les coûts de chaque famille (Opérations : coût actualisé, sinon convention ; "
              "Jalons : dates réelles) sur l'échelle 0 (non démarré), 10 (études), 20 (marchés / DAS), 25 à 90 "
              "(travaux), 100 (livré) ; prévu : même échelle sur les dates de référence. En retard : indice "
              "d'avancement (réel ÷ prévu) sous 1. "
              + " ; ".join(f"{f.famille} {pct(f.progress_pct)} / {pct(f.planned_progress_pct)}" for f in rows) + ".",
        comment="\n".join([f"Plus en retard ({PROGRESS_INDEX.lower()}) :"]
                          + [f"• {f.famille} : {ratio(f.spi)}" for f in behind[:3]]) if behind else "",
        maximum=100)


def district_slide(data: DeckInput, builder: DeckBuilder) -> None:
    """Progress per district (A(t), A_plan(t), SPI on the district's operations) with its ANRU finance row."""
    p, at = data.programme, data.at
    finance = {row.key: row for row in data.indicators.anru_by_district}
    districts = list(dict.fromkeys([*p.lists.get(contract.QUARTIERS, ()),
                                    *sorted({op.district for op in p.operations if op.district})]))
    rows, indices = [], {}
    for district in districts:
        ops = [op for op in p.operations if op.district == district and not is_abandoned(op)]
        if not ops and district not in finance:
            continue
        row, index = finance.get(district), spi(p, at, ops)
        done, planned = portfolio_progress(p, at, ops), planned_portfolio_progress(p, at, ops)
        indices.update({district: (index, done, planned)} if index is not None else {})
        rows.append([district, str(len(ops)), pct(done), pct(planned), ratio(index), meur(row.amount if row else None),
                     pct(row.engaged_pct if row else None), pct(row.paid_of_amount_pct if row else None)])
    worst = min(indices, key=lambda d: (indices[d][0], d), default=None)
    title = ("Avancement et subvention par quartier" if worst is None
             else f"{worst} le plus en retard : {pct(indices[worst][1])} d'avancement pour "
                  f"{pct(indices[worst][2])} prévu" if indices[worst][0] < 1
             else "Tous les quartiers au niveau de leur calendrier prévu")
    columns = [Column("Quartier", 1.8), Column("Opérations", 1.0, "right"), Column("Avancement", 1.1, "right"),
               Column("Prévu", 1.0, "right"), Column(PROGRESS_INDEX, 1.0, "right"),
               Column("Subvention ANRU", 1.4, "right"), Column("Engagé", 1.0, "right"), Column("Versé", 1.0, "right")]
    builder.table(
        title, columns, fit_one_slide(columns, rows, lambda n: [f"… et {n} autres quartiers", *[""] * 7]),
        notes="Par quartier (Opérations, hors opérations abandonnées) : avancement pondéré par les coûts et "
              "avancement prévu sur les dates de référence (Jalons), indice d'avancement = réel ÷ prévu ; "
              "subvention ANRU, taux d'engagement et de paiement (Financements, lignes acquises ou notifiées). "
              + " ; ".join(f"{r[0]} : {r[2]} pour {r[3]}, {r[5]} engagés à {r[6]}" for r in rows) + ".",
        empty="Aucun quartier renseigné dans les opérations.", font_pt=12)


def since_last_slide(data: DeckInput, builder: DeckBuilder) -> None:
    """Works started and deliveries reached since the previous date de situation (*Historique jalons*)."""
    if data.changes is None:
        builder.bullets("Livré ou démarré depuis le dernier comité", [], notes="Aucune date de situation antérieure "
                        "dans la feuille Historique : les réalisations seront présentées à la prochaine actualisation.",
                        empty="Première actualisation du classeur : pas encore d'historique pour dire ce qui a été "
                              "livré ou démarré depuis le dernier comité.")
        return
    changes = data.changes
    wanted = {contract.DELIVERY: "Livraison", contract.WORKS_START: "Démarrage des travaux"}
    reached = sorted((c for c in changes.milestones_reached if c.milestone in wanted),
                     key=lambda c: (c.milestone != contract.DELIVERY, c.after or date.min, c.operation_id))
    rows: list[list[Cell | str]] = []
    for change in reached:
        op = data.programme.operation(change.operation_id)
        rows.append([Cell(wanted[change.milestone], "vert" if change.milestone == contract.DELIVERY else None),
                     f"{change.operation_id} — {shorten(op.label, NAME_CAP)}" if op and op.label
                     else change.operation_id, (op.famille if op else None) or "—",
                     (op.owner if op else None) or "—", fr_date(change.after)])
    deliveries = sum(c.milestone == contract.DELIVERY for c in reached)
    columns = [Column("Événement", 1.6), Column("Opération", 4.2), Column("Famille", 2.2),
               Column("Maître d'ouvrage", 1.6), Column("Date", 1.0)]
    rows = fit_one_slide(columns, rows, lambda n: [
        Cell("…", "gris"), f"… et {plural(n, 'autre jalon atteint', 'autres jalons atteints')} : "
        + _counted(Counter(wanted[c.milestone].lower() for c in reached[-n:])), "", "", ""])
    title = (f"Depuis le {fr_date(changes.since)} : {plural(deliveries, 'livraison')} et "
             f"{plural(len(reached) - deliveries, 'démarrage')} de travaux")
    builder.table(
        title, columns, rows,
        notes=f"Jalons atteints entre le {fr_date(changes.since)} et le {fr_date(changes.until)} (feuille Historique "
              f"jalons comparée à Jalons) : {plural(deliveries, 'livraison')}, "
              f"{plural(len(reached) - deliveries, 'démarrage')} de travaux ; les livraisons d'abord.",
        empty=f"Aucune livraison ni aucun démarrage de travaux depuis le {fr_date(changes.since)}.",
        font_pt=TABLE_PT)


def blocker_kind(word: str) -> str:
    """Return the kind of a blocker as the counts say it: « DAS caduque », « ménages à reloger »…"""
    return ("DAS caduque" if word.startswith("DAS caduque") else "ménages à reloger" if "ménage" in word
            else "enchaînement non tenu" if " pas " in word else word)


def launches_3_6_slide(data: DeckInput, builder: DeckBuilder) -> None:
    """The operations to launch by 6 months after the séance, blocked ones first (worst colour, then date); a start
    planned before the séance is « dépassé à la séance ». What one slide cannot hold is counted on the last row, the
    blocked ones by what blocks them, so no blocked operation goes uncounted."""
    seance = data.meeting.day
    near, far = add_months(seance, NEAR_MONTHS), add_months(seance, FAR_MONTHS)
    launches = [t for t in launches_within(data.situation, whole_months(data.at, seance) + 1 + FAR_MONTHS)
                if t.planned_start <= far]
    pairs = sorted(((t, launch_blockers(data.situation, t)) for t in launches), key=lambda pair: (
        not pair[1], COLOUR_ORDER.get(pair[1].colour, 2), pair[0].planned_start, pair[0].operation_id))

    def horizon(day: date) -> Cell:
        return (Cell("dépassé à la séance", "orange") if day < seance else Cell(f"d'ici {fr_months(NEAR_MONTHS)}")
                if day <= near else Cell(f"{NEAR_MONTHS} à {fr_months(FAR_MONTHS)}"))

    def left_out(n: int) -> list[Cell | str]:
        blocked: list[LaunchBlockers] = [b for _, b in pairs[-n:] if b]
        kinds = Counter(kind for b in blocked for kind in dict.fromkeys(map(blocker_kind, b.words)))
        return [f"… et {plural(n, 'autre opération', 'autres opérations')} à lancer", "", "", "",
                Cell(f"dont {fr_number(len(blocked))} bloquée{'s' if len(blocked) > 1 else ''}"
                     + (f" : {_counted(kinds)}" if kinds else ""),
                     min((b.colour for b in blocked), key=lambda c: COLOUR_ORDER.get(c, 2), default=None))]

    columns = [Column("Opération", 3.6), Column("Maître d'ouvrage", 1.5), Column("Démarrage prévu", 1.1),
               Column("Horizon", 1.2), Column("Ce qui bloque le démarrage", 3.0)]
    rows = fit_one_slide(columns, [[f"{t.operation_id} — {shorten(t.label, NAME_CAP)}", t.owner or "—",
                                    fr_date(t.planned_start), horizon(t.planned_start), Cell(b.text, b.colour)]
                                   for t, b in pairs], left_out)
    blocked = sum(bool(b) for _, b in pairs)
    soon = sum(bool(b) and t.planned_start <= near for t, b in pairs)
    title = (f"{plural(blocked, 'opération bloquée', 'opérations bloquées')} sur {fr_number(len(launches))} à "
             f"lancer d'ici le {fr_date(far)}, dont {fr_number(soon)} d'ici {fr_months(NEAR_MONTHS)}")
    builder.table(
        title if launches else f"Aucune opération à lancer d'ici le {fr_date(far)}", columns, rows,
        notes=f"Opérations non démarrées dont le démarrage prévu (Jalons : prévisionnelle, sinon de référence) "
              f"tombe d'ici le {fr_date(far)}, {fr_months(FAR_MONTHS)} après la séance du {fr_date(seance)} (d'ici "
              f"{fr_months(NEAR_MONTHS)} : le {fr_date(near)}). Les bloquées d'abord : DAS caduque, ménages à reloger, "
              f"enchaînement non tenu (Dépendances), permis, marchés, DAS (Jalons), financements non acquis, en "
              f"couleur de l'alerte la plus grave de l'opération (feuille Alertes). {title}.",
        empty=f"Aucune opération à lancer d'ici le {fr_date(far)}.", font_pt=TABLE_PT)


def rehousing_insertion_slide(data: DeckInput, builder: DeckBuilder) -> None:
    """Relogement and insertion tiles, coloured only by a rule's threshold (module docstring)."""
    ind, params = data.indicators, data.params
    hh, ins = ind.rehousing, ind.insertion
    rest, gap = hh.median_rest_to_pay_change_pct, ins.gap_points
    rest_rule = [a for a in alerts_of(data.situation, ("HAB-04",)) if a.milestone == "Reste à charge"]
    rest_status = None if rest is None else "orange" if rest_rule else "vert"
    gap_status = (None if gap is None else "orange" if -gap >= params.insertion_gap_points
                  else "vert" if gap >= 0 else None)  # behind within the threshold: neutral
    tiles = [  # the share rehoused: no threshold, no colour (module docstring)
        (f"Ménages relogés ({fr_number(hh.rehoused)} sur {fr_number(hh.to_rehouse)})", pct(hh.rehoused_percent), None),
        (f"En logement neuf ou récent ({recent_housing_target(data.situation)})",
         pct(hh.new_or_recent_percent), recent_housing_status(data.situation)),
        ("Relogés hors site", pct(hh.off_site_percent), None),
        ("Reste à charge médian", signed_percent(rest), rest_status),
        ("Heures d'insertion réalisées ÷ prévues", pct(ins.done_of_planned_pct), None),
        (f"De l'objectif : {fr_percent(params.insertion_target_pct)} des heures travaillées",
         pct(ins.done_of_target_pct), None),
        ("Avancement des travaux concernés", pct(ins.works_progress_pct), None),
        ("Écart insertion − travaux", signed_points(gap), gap_status),
    ]
    title = (f"{pct(hh.rehoused_percent)} des ménages relogés ({fr_number(hh.rehoused)} sur "
             f"{fr_number(hh.to_rehouse)}) ; insertion : {pct(ins.done_of_planned_pct)} des heures prévues")
    builder.kpis(
        title, tiles,
        notes=f"Relogement (feuille Relogement) : {fr_number(hh.rehoused)} ménages relogés sur "
              f"{fr_number(hh.to_rehouse)} ({pct(hh.rehoused_percent)}), {fr_number(hh.temporary)} en relogement "
              f"temporaire, {fr_number(hh.left_without)} partis sans relogement ; neuf ou récent "
              f"{pct(hh.new_or_recent_percent)} des relogés, hors site {pct(hh.off_site_percent)}, "
              f"{programme_word(params.programme, 'hors quartier')} {pct(hh.outside_qpv_percent)} ; évolution "
              f"médiane du reste à charge {signed_percent(rest)}. Insertion (feuille Insertion) : "
              f"{fr_number(ins.insertion_done)} heures réalisées pour {fr_number(ins.insertion_planned)} prévues "
              f"({pct(ins.done_of_planned_pct)}), {fr_number(ins.hours_worked)} heures travaillées, soit "
              f"{pct(ins.done_of_target_pct)} de l'objectif ; avancement des travaux concernés "
              f"{pct(ins.works_progress_pct)}. Couleurs, seulement là où une règle fixe un seuil : neuf ou récent, "
              f"objectif de la convention (HAB-04) ; reste à charge, HAB-04 (orange quand "
              f"{fr_percent(params.rest_to_pay_households_pct)} des ménages relogés ou plus ont un reste à charge en "
              f"hausse de {fr_percent(params.rest_to_pay_increase_pct)} ou plus) ; écart insertion − travaux, seuil de "
              f"SOC-01 (orange à {fr_number(params.insertion_gap_points)} points de retard, vert sans retard). La part "
              f"relogée n'a pas de seuil à l'échelle du programme : neutre ; les démolitions en retard de relogement "
              f"(HAB-03, CAL-05) sont dans les points durs.",
        comment=f"Ménages à reloger : {fr_number(hh.to_rehouse)}, dont {plural(hh.rehoused, 'relogé')}, "
                f"{fr_number(hh.temporary)} en relogement temporaire, {plural(hh.left_without, 'parti')} sans "
                f"relogement. Insertion : {fr_number(ins.insertion_done)} heures réalisées sur "
                f"{fr_number(ins.insertion_planned)} prévues.")


def next_dates_slide(data: DeckInput, builder: DeckBuilder, days: int = NEXT_DATES_DAYS) -> None:
    """Deadlines to ``days`` after the séance, those due before it flagged; the meetings after it always show (the
    comité never lists itself), the other deadlines that one slide cannot hold counted by nature on the last row."""
    seance = data.meeting.day
    end = seance + timedelta(days=days)
    items = deadlines(data.situation, days, seance=seance)
    meetings = [item for item in items if item[2] == "Programme"]
    others = [item for item in items if item[2] != "Programme"]
    columns = [Column("Date", 1.0), Column("Échéance", 1.8), Column("Objet", 4.0), Column("Détail", 3.5)]

    def rows(kept: int) -> list[list[Cell | str]]:
        shown = sorted(meetings + others[:kept], key=lambda item: (item[0], item[1], item[2]))
        table: list[list[Cell | str]] = [
            [Cell(fr_date(day), "orange" if day < seance else None, bold=who == "Programme"),
             Cell(what, None, bold=who == "Programme"), who,
             ("Échue avant la séance : " if day < seance else "") + detail] for day, what, who, detail in shown]
        left = others[kept:]
        if left:
            table.append([Cell("…", "gris"), f"… et {plural(len(left), 'autre échéance', 'autres échéances')}",
                          f"jusqu'au {fr_date(left[-1][0])}", _counted(Counter(what for _, what, _, _ in left))])
        return table

    low, high = 0, len(others) + 1  # the most deadlines one slide holds besides the meetings, by bisection
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if _fits(columns, rows(middle)) else (low, middle)
    late = sum(day < seance for day, *_ in items)
    title = f"{plural(len(items) - late, 'échéance')} après la séance du {fr_date(seance)}, jusqu'au {fr_date(end)}"
    if late:
        title += f", et {fr_number(late)} échue{'s' if late > 1 else ''} avant elle"
    builder.table(
        title, columns, rows(low),
        notes=f"Réunions après la séance du {fr_date(seance)} (feuille Paramètres) et échéances jusqu'au "
              f"{fr_date(end)} ({days} jours après la séance) : DAS attendues (Jalons), caducités (DAS + "
              f"{fr_months(data.params.lapse_months)}), demandes de solde (livraison + "
              f"{fr_months(data.params.balance_request_months)}) et actions à échéance (Actions). En orange : "
              f"échues entre la date de situation ({fr_date(data.at)}) et la séance, à traiter en séance.",
        empty="Aucune réunion ni échéance renseignée.", font_pt=TABLE_PT)
