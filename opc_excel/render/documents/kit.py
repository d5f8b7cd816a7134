"""The meeting kit's *convocation* and *ordre du jour* (documents.md, "Meeting kit"), and what the kit shares.

One kit per instance: the point mensuel, the comité de suivi, the comité de pilotage, the revue de projet
(:data:`KIT_KINDS`, the decks' names). Everything the kit says comes from the :class:`Situation`:

- the invitees: the *Participants* lines whose *Instances* name this instance (an empty *Instances*: every
  instance), by organisation and function;
- the agenda (:func:`agenda`), the same in the convocation and in the compte rendu: the previous séance's
  decisions followed, the points durs (the decks' ranked list, the first :data:`AGENDA_POINTS`), the operations
  to launch within *Horizon des lancements* with what blocks them, the decisions the instance can take
  (:func:`opc_excel.situation.decisions.decisions`), the deadlines of the 90 days after the séance, then
  « Questions diverses »;
- the previous decisions (:func:`previous_decisions`): the *Actions* lines of this instance dated before the
  séance, still open, or closed since the last séance of that instance.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from opc_excel.fr import fr_date, fr_months
from opc_excel.model import Action, Participant
from opc_excel.render.documents.builder import DocumentBuilder
from opc_excel.render.documents.template import house_template
from opc_excel.report import CheckReport
from opc_excel.situation import Situation
from opc_excel.situation.decisions import decisions
from opc_excel.situation.formats import maybe_date, plural
from opc_excel.situation.meeting import Meeting, meeting_of
from opc_excel.situation.schedule import CLOSED, LaunchBlockers, deadlines, launch_blockers, launches_within
from opc_excel.text import NAME_CAP, match_key, shorten

KIT_KINDS = ("point-mensuel", "comite-suivi", "copil", "revue-projet")
AGENDA_POINTS = 10  # as many points durs as the decks' slide shows
DEADLINE_DAYS = 90
CONVOCATION, ORDRE_DU_JOUR = "Convocation", "Ordre du jour"
PREVIOUS, POINTS_DURS, LAUNCHES, DECISIONS, DEADLINES, OTHER = (
    "Suivi des décisions de la séance précédente", "Points durs", "Opérations à lancer", "Décisions à prendre",
    "Échéances", "Questions diverses")


@dataclass(frozen=True, slots=True)
class AgendaItem:
    """One point of the ordre du jour: its title, then one line per thing it covers (empty: says so)."""

    title: str
    lines: tuple[str, ...]
    empty: str = ""


def kit_meeting(situation: Situation, kind: str, seance: date | None) -> Meeting:
    """Return the séance of ``kind``: ``seance``, else its *Prochain …* parameter when not before t, else t."""
    return meeting_of(kind, situation.params, situation.at, seance)


def attendees(situation: Situation, meeting: Meeting) -> list[Participant]:
    """Return the *Participants* invited to ``meeting``: its label among their *Instances*, or none given."""
    label = match_key(meeting.label)
    return [p for p in situation.programme.participants
            if not p.instances or any(match_key(i) == label for i in p.instances)]


def _of_instance(action: Action, meeting: Meeting) -> bool:
    return bool(action.instance) and match_key(action.instance) == match_key(meeting.label)


def previous_decisions(situation: Situation, meeting: Meeting) -> tuple[date | None, list[Action]]:
    """Return (the last séance of this instance before ``meeting``, the decisions to follow up in it).

    The *Actions* lines of this instance dated before the séance that are still open (not *Soldée*, no *Date de
    clôture*), or that were taken at that last séance, or closed since it; by date, then id.
    """
    ours = [a for a in situation.programme.actions
            if _of_instance(a, meeting) and (a.date is None or a.date < meeting.day)]
    last = max((a.date for a in ours if a.date), default=None)
    kept = [a for a in ours
            if (last is not None and a.date == last)
            or (a.status != CLOSED and a.closed_on is None)
            or (last is not None and a.closed_on is not None and a.closed_on >= last)]
    return last, sorted(kept, key=lambda a: (a.date or date.min, a.id))


def action_text(action: Action) -> str:
    """« Sujet : décision », shortened: how a line of *Actions* reads in a table."""
    subject = shorten(action.subject, NAME_CAP) if action.subject else ""
    return f"{subject} : {action.decision}" if subject and action.decision else subject or action.decision or "—"


def action_status(action: Action, meeting: Meeting) -> str:
    """The status typed in *Actions*, « en retard » when still open after its due date at the séance."""
    status = action.status or "non renseigné"
    closed = action.status == CLOSED or action.closed_on is not None
    if action.closed_on is not None:
        status += f" le {fr_date(action.closed_on)}"
    if not closed and action.due is not None and action.due < meeting.day:
        status += f", en retard (échéance du {fr_date(action.due)})"
    return status


def agenda(situation: Situation, meeting: Meeting) -> list[AgendaItem]:
    """Return the ordre du jour of ``meeting`` (see the module docstring), every line from the situation."""
    s = situation
    last, followed = previous_decisions(s, meeting)
    since = f" du {fr_date(last)}" if last else ""
    previous = AgendaItem(f"{PREVIOUS}{since}",
                          tuple(f"{a.id} — {action_text(a)} ({a.owner or 'responsable à désigner'}) : "
                                f"{action_status(a, meeting)}" for a in followed),
                          f"Aucune décision du {meeting.label.lower()} n'est en suivi (feuille Actions).")
    points = s.points_durs[:AGENDA_POINTS]
    more = len(s.points_durs) - len(points)
    hard = AgendaItem(
        f"{POINTS_DURS} ({plural(len(s.points_durs), 'point dur', 'points durs')}"
        f"{f', les {len(points)} premiers' if more > 0 else ''})",
        tuple(f"{p.rank}. {_where(p.operation_id, p.label)} : {'; '.join((p.reason, *p.others))} "
              f"(responsable : {p.owner or 'à désigner'})" for p in points),
        "Aucun point dur : aucune alerte ouverte.")
    horizon = s.params.launch_horizon_months
    launches = launches_within(s, horizon)
    launch = AgendaItem(
        f"{LAUNCHES} d'ici {fr_months(horizon)} ({plural(len(launches), 'opération')})",
        tuple(f"{_where(t.operation_id, t.label)} ({t.owner or 'maître d’ouvrage ?'}), démarrage prévu le "
              f"{fr_date(t.planned_start)} : {_blocked(launch_blockers(s, t))}" for t in launches),
        f"Aucune opération à lancer d'ici {fr_months(horizon)}.")
    asked = decisions(s, meeting)
    decide = AgendaItem(
        f"{DECISIONS} ({plural(len(asked), 'décision')})",
        tuple(f"{d.question} Recommandation : {d.recommendation}. Met en œuvre : {d.acts} ; échéance : "
              f"{maybe_date(d.due, 'à fixer en séance')}." for d in asked),
        f"Aucune décision n'est demandée au {meeting.label.lower()} : aucun point dur ne relève de lui.")
    items = deadlines(s, DEADLINE_DAYS, seance=meeting.day)
    dues = AgendaItem(
        f"{DEADLINES} d'ici le {fr_date(date.fromordinal(meeting.day.toordinal() + DEADLINE_DAYS))} "
        f"({plural(len(items), 'échéance')})",
        tuple(f"{fr_date(day)}{' (avant la séance)' if day < meeting.day else ''} : {what}, {who} ({detail})"
              for day, what, who, detail in items),
        "Aucune échéance dans les 90 jours qui suivent la séance.")
    return [previous, hard, launch, decide, dues, AgendaItem(OTHER, (), "Points ajoutés en séance.")]


def _blocked(blockers: LaunchBlockers) -> str:
    return f"bloqué par : {blockers.text}" if blockers else "rien ne bloque le démarrage"


def _where(operation_id: str | None, label: str) -> str:
    return f"{operation_id} — {shorten(label, NAME_CAP)}" if operation_id else label


def title_lines(situation: Situation, meeting: Meeting, what: str) -> tuple[str, list[str]]:
    """Return the title page's title and lines: project, « what », the séance, the date de situation."""
    params = situation.params
    return (params.project or "Projet",
            [f"{what} — {meeting.label} du {fr_date(meeting.day)}", f"Situation au {fr_date(situation.at)}",
             " · ".join(x for x in (params.collectivite, params.project_sponsor) if x)])


def invitees_table(b: DocumentBuilder, people: list[Participant], meeting: Meeting, *, presence: bool) -> None:
    """The invitees by organisation and function (a blank *Présent / excusé* column in the compte rendu)."""
    headers = ["Organisation", "Fonction", "Contact professionnel"] + (["Présent / excusé"] if presence else [])
    widths = (5.5, 6.0, 5.5) if not presence else (4.8, 5.2, 4.2, 2.8)
    b.table(headers, [[p.organisation, p.function or "—", p.contact or "—"] + ([""] if presence else [])
                      for p in people], widths,
            empty=f"Aucun participant n'est inscrit au {meeting.label.lower()} : ajoutez-les dans la feuille "
                  f"Participants (Organisation, Fonction, Instances « {meeting.label} »), puis régénérez.")


def write_agenda(b: DocumentBuilder, items: list[AgendaItem], *, level: int = 2) -> None:
    """Each point of the ordre du jour, numbered, with its lines as bullets (or the sentence when none)."""
    for number, item in enumerate(items, start=1):
        b.heading(f"{number}. {item.title}", level)
        b.bullets(list(item.lines), empty=item.empty)


def kit_file_name(what: str, kind: str, day: date) -> str:
    """Return ``<what>_<kind>_<AAAA-MM-JJ>.docx``: ``convocation_comite-suivi_2011-10-20.docx``."""
    return f"{what}_{kind}_{day.isoformat()}.docx"


def build_convocation(report: CheckReport, kind: str, *, seance: date | None = None,
                      situation: Situation | None = None, template: str | Path | None = None) -> bytes:
    """Return the convocation and the ordre du jour of the instance ``kind`` (one of :data:`KIT_KINDS`), .docx."""
    s = situation if situation is not None else Situation.of(report)
    meeting = kit_meeting(s, kind, seance)
    title, lines = title_lines(s, meeting, CONVOCATION)
    b = DocumentBuilder(Path(template) if template else house_template(),
                        f"{title} · {meeting.label} du {fr_date(meeting.day)}")
    b.title(title, lines)
    b.heading(CONVOCATION)
    b.paragraph(f"Vous êtes invités au {meeting.label.lower()} du projet {title}, le {fr_date(meeting.day)}. "
                f"L'ordre du jour suit ; les chiffres sont ceux de la situation au {fr_date(s.at)}, les mêmes que "
                f"ceux du diaporama présenté en séance.")
    b.labelled("Date", fr_date(meeting.day))
    b.labelled("Heure et lieu", "à préciser par le secrétariat du projet")
    b.labelled("Instance qui décide", meeting.decider)
    b.heading("Destinataires", 2)
    invitees_table(b, attendees(s, meeting), meeting, presence=False)
    if report.blocking:
        count = plural(len(report.blocking), "problème bloquant", "problèmes bloquants")
        b.paragraph(f"Attention : le classeur comporte {count} (feuille Contrôles) ; les données concernées sont "
                    f"écartées.", bold=True)
    b.heading(ORDRE_DU_JOUR, new_page=True)
    write_agenda(b, agenda(s, meeting))
    return b.save()
