"""The *note de préparation* of the point mensuel: one page for the project director (documents.md, "Before").

What the director must have in mind walking into the point mensuel, from the same situation as its deck: the
three messages of the synthesis, the six key figures and their trend, the first points durs (:data:`POINTS`),
the decisions the point mensuel can take (:data:`DECISIONS`), the operations to launch that something still
blocks, and the actions overdue at the séance. Each list is capped to hold on one page and says how many more.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from opc_excel.fr import fr_date
from opc_excel.render.documents.builder import DocumentBuilder
from opc_excel.render.documents.kit import action_text, kit_meeting
from opc_excel.render.documents.template import house_template
from opc_excel.report import CheckReport
from opc_excel.situation import Situation
from opc_excel.situation.decisions import decisions
from opc_excel.situation.formats import maybe_date, plural
from opc_excel.situation.schedule import CLOSED, launch_blockers, launches_within
from opc_excel.situation.synthesis import key_figures, messages
from opc_excel.text import NAME_CAP, shorten

KIND = "point-mensuel"
NOTE = "Note de préparation"
SECTIONS = ("L'essentiel", "Chiffres clés", "Points durs à traiter", "Décisions à prendre", "Lancements bloqués",
            "Actions en retard")
POINTS, DECISIONS, LAUNCHES, OVERDUE = 4, 3, 3, 3


def note_file_name(day: date) -> str:
    """Return ``note-preparation_point-mensuel_<AAAA-MM-JJ>.docx``."""
    return f"note-preparation_{KIND}_{day.isoformat()}.docx"


def _more(shown: int, total: int, what: str, what_plural: str | None = None) -> list[str]:
    return [f"… et {plural(total - shown, what, what_plural)} de plus (voir le diaporama)."] if total > shown else []


def build_note(report: CheckReport, *, seance: date | None = None, situation: Situation | None = None,
               template: str | Path | None = None) -> bytes:
    """Return the one-page note de préparation of the point mensuel on ``seance``, as .docx bytes."""
    s = situation if situation is not None else Situation.of(report)
    meeting = kit_meeting(s, KIND, seance)
    project = s.params.project or "Projet"
    b = DocumentBuilder(Path(template) if template else house_template(),
                        f"{project} · {NOTE} · point mensuel du {fr_date(meeting.day)}")
    b.heading(f"{NOTE} — point mensuel du {fr_date(meeting.day)}")
    b.paragraph(f"{project} · pour le directeur de projet · situation au {fr_date(s.at)}"
                + (f" · {plural(len(report.blocking), 'problème bloquant', 'problèmes bloquants')} dans le "
                   f"classeur (feuille Contrôles)" if report.blocking else ""), style="Caption")
    b.heading(SECTIONS[0], 3)
    b.bullets([m.text for m in messages(s)])
    b.heading(SECTIONS[1], 3)
    figures = key_figures(s)
    b.table(["Indicateur", "Valeur", "Évolution"], [[f.label, f.value, f.trend] for f in figures], (6.5, 3.0, 7.5),
            status={i: f.status for i, f in enumerate(figures) if f.status}, right=(1,))
    b.heading(SECTIONS[2], 3)
    points = s.points_durs[:POINTS]
    b.bullets([f"{p.rank}. {p.operation_id + ' — ' if p.operation_id else ''}{shorten(p.label, NAME_CAP // 3)} : "
               f"{p.reason} ({p.owner or 'responsable à désigner'})" for p in points]
              + _more(len(points), len(s.points_durs), "point dur", "points durs"),
              empty="Aucun point dur : aucune alerte ouverte.")
    b.heading(SECTIONS[3], 3)
    asked = decisions(s, meeting)  # the deck's decisions, in its order
    b.bullets([f"{d.question} Échéance : {maybe_date(d.due, 'à fixer')}." for d in asked[:DECISIONS]]
              + _more(DECISIONS, len(asked), "décision"),
              empty="Aucune décision n'est à prendre au point mensuel.")
    b.heading(SECTIONS[4], 3)
    launches = launches_within(s, s.params.launch_horizon_months)
    blocked = [(t, blockers) for t in launches if (blockers := launch_blockers(s, t))]
    b.bullets([f"{t.operation_id} (démarrage prévu le {fr_date(t.planned_start)}) : {blockers.text}"
               for t, blockers in blocked[:LAUNCHES]] + _more(LAUNCHES, len(blocked), "opération"),
              empty=f"Rien ne bloque les {plural(len(launches), 'opération')} à lancer.")
    b.heading(SECTIONS[5], 3)
    overdue = [a for a in s.programme.actions if a.status != CLOSED and a.closed_on is None
               and a.due is not None and a.due < meeting.day]
    overdue.sort(key=lambda a: (a.due, a.id))
    b.bullets([f"{a.id} — {shorten(action_text(a), NAME_CAP)} ({a.owner or 'responsable ?'}, échéance du "
               f"{fr_date(a.due)})" for a in overdue[:OVERDUE]] + _more(OVERDUE, len(overdue), "action"),
              empty="Aucune action en retard à la date de la séance.")
    return b.save()
