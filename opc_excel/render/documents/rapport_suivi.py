"""The rapport semestriel's follow-up sections: finances, commitments, points durs, decisions, outlook, avenants.

Each writes its heading (the titles of :data:`opc_excel.render.documents.rapport.SECTIONS`) and lays out the
situation: figures through :mod:`opc_excel.situation.formats`, lists as the situation ranks them.
"""

from __future__ import annotations

from datetime import date

from opc_excel.compute.points_durs import STAKE_CODES, PointDur
from opc_excel.fr import fr_date, fr_number
from opc_excel.model import Level
from opc_excel.render.documents.builder import DocumentBuilder
from opc_excel.render.documents.charts import s_curve_png
from opc_excel.situation import Situation
from opc_excel.situation.decisions import count_for, decisions
from opc_excel.situation.formats import euros, maybe_date, meur, pct, plural, signed_pct, signed_points
from opc_excel.situation.meeting import Meeting, meeting_of
from opc_excel.situation.schedule import deadlines, deliveries_expected, launch_blockers, launches_within
from opc_excel.text import NAME_CAP, match_key, shorten

FINANCES, ENGAGEMENTS, POINTS_DURS, DECISIONS, PERSPECTIVES, AVENANTS = (
    "Situation financière", "Respect des engagements de la convention", "Points durs et mesures correctives",
    "Décisions attendues du comité de pilotage", "Perspectives du semestre", "Avenants en préparation")
SEMESTER_MONTHS = 6
SEMESTER_DAYS = 183
STATUS_WORDS = {"rouge": "Rouge", "orange": "Orange", "vert": "Vert", "gris": "Non mesuré"}
IN_PREPARATION = "En préparation"
NOT_FOLLOWED = "non suivi"


def finances(s: Situation, b: DocumentBuilder) -> None:
    """The ANRU subsidy and every co-funder (engagé, versé, restes), the S-curves and their échéancier, cost drift."""
    ind = s.indicators
    anru = ind.anru
    b.heading(FINANCES, new_page=True)
    b.heading("Subvention ANRU", 2)
    b.paragraph(f"Subvention ANRU de {euros(anru.amount)} : engagée à {pct(anru.engaged_pct)} "
                f"({euros(anru.engaged)}) pour {pct(ind.planned_engagement_pct)} prévus à date "
                f"({signed_points(ind.engagement_gap_points)}) ; versée à {pct(anru.paid_of_amount_pct)} "
                f"({euros(anru.paid)}). Reste à engager : {euros(anru.to_engage)} ; reste à payer : "
                f"{euros(anru.to_pay)}.")
    b.heading("Par financeur", 2)
    b.table(["Financeur", "Montant", "Engagé", "Part engagée", "Versé", "Part versée",
             "Reste à engager", "Reste à payer"],
            [_funder_row(row) for row in ind.by_funder], (3.5, 1.9, 1.9, 1.9, 1.9, 1.9, 2.0, 2.0),
            right=(1, 2, 3, 4, 5, 6, 7), empty="Aucune ligne de financement n'est saisie (feuille Financements).")
    b.paragraph("Engagé et versé comptés sur les lignes acquises ou notifiées. « non suivi » : fonds propres et "
                "prêts sans montant engagé ni versé saisi, laissés hors des taux.", style="Caption")
    b.heading("Subvention ANRU par maître d'ouvrage", 3)
    b.table(["Maître d'ouvrage", "Subvention", "Engagée", "Part engagée", "Versée", "Part versée"],
            [[r.key, meur(r.amount), meur(r.engaged), pct(r.engaged_pct), meur(r.paid), pct(r.paid_of_amount_pct)]
             for r in ind.anru_by_owner], (5.5, 2.3, 2.3, 2.2, 2.3, 2.4), right=(1, 2, 3, 4, 5),
            empty="Aucune subvention ANRU n'est saisie (feuille Financements).")
    b.heading("Courbes en S", 2)
    points = s.s_curve
    now = next((p for p in points if p.day == s.at), None)
    if now is None:
        b.paragraph("Pas de courbe en S : renseignez la date de signature de la convention (Paramètres) ou les "
                    "dates de référence des DAS et des démarrages (Jalons).")
    else:
        b.picture(s_curve_png(points), 16.5,
                  f"Courbes en S de la subvention ANRU. Au {fr_date(s.at)} : engagé {pct(now.engaged_pct)} "
                  f"({meur(anru.engaged)}) pour {pct(now.planned_pct)} prévus à date ; versé {pct(now.paid_pct)} "
                  f"({meur(anru.paid)}) pour {pct(now.planned_paid_pct)} de versements prévus à date ; subvention "
                  f"ANRU {meur(anru.amount)}.")
        b.heading("Échéancier", 3)
        b.table(["Semestre ou date de situation", "Engagement prévu", "Engagé", "Versements prévus", "Versé"],
                [[p.label, pct(p.planned_pct), pct(p.engaged_pct), pct(p.planned_paid_pct), pct(p.paid_pct)]
                 for p in points], (5, 3, 3, 3, 3), right=(1, 2, 3, 4))
        b.paragraph("Engagement prévu : chaque subvention comptée en entier à sa date de DAS de référence. "
                    "Versements prévus : de la date de démarrage à celle du solde. Engagé et versé : aux dates de "
                    "situation de la feuille Historique et à celle de ce rapport.", style="Caption")
    drift = ind.cost_drift
    b.heading("Coûts", 2)
    b.paragraph(f"Coût actualisé des opérations : {euros(drift.current)} pour {euros(drift.convention)} à la "
                f"convention, soit une dérive de {signed_pct(drift.drift_pct)}.")


def _funder_row(row) -> list[str]:
    if not row.followed:
        return [row.key, meur(row.amount), NOT_FOLLOWED, "—", NOT_FOLLOWED, "—", "—", "—"]
    return [row.key, meur(row.amount), meur(row.engaged), pct(row.engaged_pct), meur(row.paid),
            pct(row.paid_of_amount_pct), meur(row.to_engage), meur(row.to_pay)]


def engagements(s: Situation, b: DocumentBuilder) -> None:
    """Each commitment of the convention (calendrier, reconstitution, relogement, insertion, GUP) and its status."""
    b.heading(ENGAGEMENTS, new_page=True)
    rated = s.compliance
    red = sum(status == "rouge" for _, status, _, _ in rated)
    b.paragraph(f"{plural(len(rated), 'engagement suivi', 'engagements suivis')}, dont {fr_number(red)} au rouge. "
                f"Le statut est celui de la plus grave des alertes de l'engagement ; vert quand le classeur le "
                f"mesure sans alerte, « non mesuré » quand il ne le mesure pas.")
    b.table(["Engagement", "Statut", "Constat", "Alertes"],
            [[c.name, STATUS_WORDS.get(status, status), evidence, _alert_words(found)]
             for c, status, evidence, found in rated], (4, 1.8, 8.2, 3),
            status={i: status for i, (_, status, _, _) in enumerate(rated)})


def _alert_words(alerts) -> str:
    if not alerts:
        return "aucune"
    codes = ", ".join(dict.fromkeys(a.code for a in alerts))
    return f"{plural(len(alerts), 'alerte')} ({codes})"


def points_durs(s: Situation, meeting: Meeting, b: DocumentBuilder) -> None:
    """Every point dur in rank order: the stake, the corrective measure, who acts and by when."""
    b.heading(POINTS_DURS, new_page=True)
    points = s.points_durs
    if not points:
        b.paragraph("Aucun point dur : aucune alerte n'est en cours à la date de situation.")
        return
    red = sum(p.severity is Level.ROUGE for p in points)
    b.paragraph(f"{plural(len(points), 'point dur', 'points durs')} dont {fr_number(red)} "
                f"rouge{'s' if red > 1 else ''}, classés par enjeu : subvention ANRU en jeu, ménages à reloger, "
                f"mois de glissement, décisions en retard (colonne Rang de la feuille Alertes). L'échéance est "
                f"celle de la décision demandée au comité de pilotage ou au comité de suivi.")
    dues = _dues(s, meeting)
    b.table(["Rang", "Opération", "Enjeu", "Mesure corrective", "Responsable", "Échéance"],
            [[str(p.rank), _where(p), "\n".join((p.reason, *p.others)), _measure(p), p.owner or "—",
              maybe_date(dues.get(p.rank), "à fixer en séance")] for p in points],
            (1.3, 2.9, 4.3, 4.1, 2.3, 2.1),
            status={i: "rouge" if p.severity is Level.ROUGE else "orange" for i, p in enumerate(points)})


def _where(point: PointDur) -> str:
    label = shorten(point.label, NAME_CAP // 2)
    return f"{point.operation_id}\n{label}" if point.operation_id else label


def _measure(point: PointDur) -> str:
    """Return the measure of the alert that names the point's stake (its first code), else of its first alert."""
    return next((a.measure for code in STAKE_CODES.get(point.kind, ()) for a in point.alerts if a.code == code),
                point.alerts[0].measure)


def _dues(s: Situation, meeting: Meeting) -> dict[int, date]:
    """Return the due date of the decision each point dur asks, by rank: the COPIL's, else the comité de suivi's."""
    dues: dict[int, date] = {}
    follow_up = meeting_of("comite-suivi", s.params, s.at)
    for asked in (meeting, follow_up):
        for d in decisions(s, asked, limit=len(s.points_durs) + 1):
            if d.rank and d.due is not None:
                dues.setdefault(d.rank, d.due)
    return dues


def decisions_attendues(s: Situation, meeting: Meeting, b: DocumentBuilder) -> None:
    """The decisions asked of this COPIL: question, recommendation, who acts, by when, what is at stake."""
    b.heading(DECISIONS, new_page=True)
    asked = decisions(s, meeting)
    if not asked:
        b.paragraph("Aucune décision n'est demandée au comité de pilotage : aucun point dur ne relève de lui "
                    "(avenant, subvention ANRU en jeu, décision bloquée).")
        return
    b.paragraph(f"Comité de pilotage du {fr_date(meeting.day)} : "
                f"{plural(len(asked), 'décision demandée', 'décisions demandées')}, l'avenant d'abord, puis dans "
                f"l'ordre des points durs.")
    for number, d in enumerate(asked, start=1):
        b.heading(f"Décision {number}", 3)
        b.paragraph(d.question, bold=True)
        b.labelled("Recommandation", d.recommendation)
        b.labelled("Enjeu", d.stake)
        b.labelled("Décide", d.decides)
        b.labelled("Met en œuvre", d.acts)
        b.labelled("Échéance", maybe_date(d.due, "à fixer en séance"))
    more = count_for(s, meeting) - len(asked)
    if more > 0:
        b.paragraph(f"{plural(more, 'autre décision relève', 'autres décisions relèvent')} aussi du comité : voir "
                    f"la partie « {POINTS_DURS} ».")


def perspectives(s: Situation, meeting: Meeting, b: DocumentBuilder) -> None:
    """The semester ahead: operations to launch and what blocks them, deliveries expected, deadlines."""
    b.heading(PERSPECTIVES, new_page=True)
    launches = launches_within(s, SEMESTER_MONTHS)
    b.heading("Opérations à lancer dans les six mois", 2)
    blockers = [launch_blockers(s, t) for t in launches]
    b.table(["Opération", "Maître d'ouvrage", "Démarrage prévu", "Ce qui bloque le démarrage"],
            [[f"{t.operation_id} — {shorten(t.label, NAME_CAP // 2)}", t.owner or "—", fr_date(t.planned_start),
              x.text] for t, x in zip(launches, blockers, strict=True)], (6, 3, 2.4, 5.6),
            status={i: x.colour for i, x in enumerate(blockers)},
            empty="Aucune opération ne doit démarrer ses travaux dans les six mois.")
    b.heading("Livraisons attendues dans les six mois", 2)
    b.table(["Date prévue", "Opération", "Maître d'ouvrage", "Référence"],
            [[fr_date(day), name, owner, detail] for day, name, owner, detail, _ in
             deliveries_expected(s, SEMESTER_MONTHS)], (2.4, 8, 3, 3.6),
            empty="Aucune livraison n'est attendue dans les six mois.")
    b.heading("Échéances du semestre", 2)
    b.table(["Date", "Échéance", "Objet", "Détail"],
            [[fr_date(day), what, where, detail] for day, what, where, detail in
             deadlines(s, days=SEMESTER_DAYS, seance=meeting.day)], (2.2, 3.8, 5.5, 5.5),
            empty="Aucune échéance (DAS, caducité, demande de solde, action, réunion) dans les six mois.")


def avenants(s: Situation, b: DocumentBuilder) -> None:
    """The avenants in preparation, and the changes an avenant must carry that none carries yet (GOV-04)."""
    b.heading(AVENANTS, new_page=True)
    preparing = [a for a in s.programme.amendments if match_key(a.status or "") == match_key(IN_PREPARATION)]
    if preparing:
        b.table(["N°", "Date", "Objet", "Opérations"],
                [[a.number, maybe_date(a.date, "—"), a.subject or "—", ", ".join(a.operation_ids) or "—"]
                 for a in preparing], (1.5, 2.2, 8.8, 4.5))
    else:
        b.paragraph("Aucun avenant n'est en préparation (feuille Avenants, statut « En préparation »).")
    candidates = s.avenant_candidates
    if not candidates:
        b.paragraph("Aucun changement ne doit être porté par un avenant : aucun glissement, écart de coût, de "
                    "subvention ou de quantité ne dépasse les seuils de la convention (alerte GOV-04).")
        return
    b.paragraph(f"{plural(len(candidates), 'changement')} au-delà des seuils de la convention "
                f"{'doivent' if len(candidates) > 1 else 'doit'} être porté{'s' if len(candidates) > 1 else ''} "
                f"par un avenant (alerte GOV-04), dans l'ordre des points durs :")
    b.table(["Opération", "Changement", "Mesure"],
            [[a.operation_id or "Programme", a.finding, a.measure] for a in candidates], (2.6, 8, 6.4),
            status={i: "orange" if a.severity is Level.ORANGE else "rouge" for i, a in enumerate(candidates)})
