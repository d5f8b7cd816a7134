"""The *compte rendu / relevé de décisions* of a séance, prefilled (documents.md, "Meeting kit", After).

Written before the séance, completed in it: the invitees with a blank *Présent / excusé* column, the ordre
du jour (the convocation's, :func:`opc_excel.render.documents.kit.agenda`), the previous decisions with the
status *Actions* gives them and a blank *Suite donnée* column, the decisions asked of the instance (question
and recommendation prefilled, the decision taken blank), then blank rows numbered after the last *ID action*.
Each decision taken is then typed into *Actions* (*Instance* = this instance, *Date* = the séance): the next
kit, the decks and the rapport semestriel read it from there.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from opc_excel.fr import fr_date
from opc_excel.model import Action
from opc_excel.render.documents.builder import DocumentBuilder
from opc_excel.render.documents.kit import (
    action_status,
    action_text,
    agenda,
    attendees,
    invitees_table,
    kit_meeting,
    previous_decisions,
    title_lines,
    write_agenda,
)
from opc_excel.render.documents.template import house_template
from opc_excel.report import CheckReport
from opc_excel.situation import Situation
from opc_excel.situation.decisions import decisions
from opc_excel.situation.formats import maybe_date

COMPTE_RENDU = "Compte rendu"
SECTIONS = ("Participants", "Ordre du jour", "Suivi des décisions précédentes", "Décisions prises en séance",
            "Prochaine séance")
BLANK_ROWS = 5


def next_action_ids(actions: tuple[Action, ...], count: int) -> list[str]:
    """Return the ``count`` *ID action* after the highest one (« ACT-041 » → « ACT-042 »…); blanks when none
    ends with a number."""
    numbered = [(int(m.group(2)), m.group(1), len(m.group(2))) for a in actions
                if (m := re.fullmatch(r"(.*?)(\d+)", a.id))]
    if not numbered:
        return [""] * count
    number, prefix, width = max(numbered)
    return [f"{prefix}{number + i:0{width}d}" for i in range(1, count + 1)]


def build_compte_rendu(report: CheckReport, kind: str, *, seance: date | None = None,
                       situation: Situation | None = None, template: str | Path | None = None) -> bytes:
    """Return the prefilled compte rendu of the séance of ``kind`` (one of the kit's instances), as .docx bytes."""
    s = situation if situation is not None else Situation.of(report)
    meeting = kit_meeting(s, kind, seance)
    title, lines = title_lines(s, meeting, "Compte rendu et relevé de décisions")
    b = DocumentBuilder(Path(template) if template else house_template(),
                        f"{title} · Compte rendu du {meeting.label.lower()} du {fr_date(meeting.day)}")
    b.title(title, lines)
    b.paragraph(f"Document prérempli à partir du classeur (situation au {fr_date(s.at)}) : complétez les présences, "
                f"les échanges et les décisions prises, puis reportez chaque décision dans la feuille Actions "
                f"(Instance « {meeting.label} », Date {fr_date(meeting.day)}) : le prochain compte rendu, les "
                f"diaporamas et le rapport semestriel la reprendront.")
    b.heading(SECTIONS[0])
    invitees_table(b, attendees(s, meeting), meeting, presence=True)
    b.heading(SECTIONS[1])
    write_agenda(b, agenda(s, meeting))
    b.heading(SECTIONS[2], new_page=True)
    last, followed = previous_decisions(s, meeting)
    if last is not None:
        b.paragraph(f"Décisions du {meeting.label.lower()} du {fr_date(last)} et décisions antérieures encore "
                    f"ouvertes, avec leur statut dans la feuille Actions.", keep_with_next=True)
    b.table(["N°", "Date", "Décision", "Responsable", "Échéance", "Statut (Actions)", "Suite donnée"],
            [[a.id, maybe_date(a.date, "—"), action_text(a), a.owner or "—", maybe_date(a.due, "—"),
              action_status(a, meeting), ""] for a in followed], (1.6, 1.9, 4.4, 2.3, 1.9, 2.6, 2.3),
            empty=f"Aucune décision précédente du {meeting.label.lower()} n'est consignée dans la feuille Actions.")
    b.heading(SECTIONS[3])
    asked = decisions(s, meeting)
    ids = next_action_ids(s.programme.actions, len(asked) + BLANK_ROWS)
    rows = [[ids[i], d.question, d.recommendation, "", d.acts, maybe_date(d.due, "")] for i, d in enumerate(asked)]
    rows += [[ids[len(asked) + i], "", "", "", "", ""] for i in range(BLANK_ROWS)]
    b.paragraph("Les questions posées au " + meeting.label.lower() + " sont préremplies avec leur recommandation ; "
                "notez la décision prise, son responsable et son échéance. Les lignes vides servent aux autres "
                "décisions.", keep_with_next=True)
    b.table(["N° (Actions)", "Question", "Recommandation", "Décision prise", "Responsable", "Échéance"], rows,
            (1.8, 3.8, 3.5, 3.6, 2.2, 2.1))
    b.heading(SECTIONS[4])
    b.labelled("Date", "……………………")
    b.labelled("Points à inscrire", "……………………")
    return b.save()
