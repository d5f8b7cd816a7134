"""The *fiches opération* (documents.md, "Fiche opération"): one page per operation, for the MOA partners.

Each fiche says, from the workbook and the situation: the description (quartier, famille, MOA, statut, costs,
quantities, follow-up), the four dates of each milestone (*Date convention*, *avenant*, *prévisionnelle*,
*réelle*) and the slip reason, the financing plan line by line with what is engaged and paid (the total the sum
of the lines, as *Financements* holds them), the DAS and its caducité (DAS + *Délai de caducité après DAS*,
as FIN-05 and the decks' deadlines compute it), the open alerts with their measure and what the *Alertes* sheet
says of their follow-up, and the decisions of *Actions* that name the operation.

``build_fiches(report, moa=…)``: the operations of one maître d'ouvrage (matched ignoring case and accents), or
all of them; :func:`owners` lists the MOA for one file each.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from docx.oxml.ns import qn

from opc_excel.compute.schedule import add_months, is_abandoned
from opc_excel.errors import UsageError
from opc_excel.fr import fr_date, fr_months, fr_number
from opc_excel.model import Operation
from opc_excel.read import contract
from opc_excel.render.documents.builder import DocumentBuilder
from opc_excel.render.documents.kit import action_text
from opc_excel.render.documents.template import house_template
from opc_excel.report import CheckReport
from opc_excel.situation import Situation
from opc_excel.situation.formats import euros, maybe_date, plural
from opc_excel.text import match_key, shorten

KIND = "Fiches opération"
SECTIONS = ("Description", "Jalons", "Plan de financement", "DAS et caducité", "Alertes et mesures", "Décisions")
NO_OWNER = "Maître d'ouvrage non renseigné"
TEXT_CAP = 180  # an alert's finding or measure on a fiche: the whole text is in the Alertes sheet


def owners(report: CheckReport) -> list[str]:
    """Return the maîtres d'ouvrage of the operations, in the order of the workbook."""
    return list(dict.fromkeys(op.owner or NO_OWNER for op in report.programme.operations))


def operations_of(report: CheckReport, moa: str | None) -> list[Operation]:
    """Return the operations of ``moa`` (every operation when None); raise UsageError (French) for an unknown MOA."""
    ops = list(report.programme.operations)
    if moa is None:
        return ops
    key = match_key(moa)
    chosen = [op for op in ops if match_key(op.owner or NO_OWNER) == key]
    if not chosen:
        raise UsageError(f"Aucune opération n'a pour maître d'ouvrage « {moa} » : choisissez parmi "
                         f"{', '.join(f'« {o} »' for o in owners(report))}, puis relancez.")
    return chosen


def fiches_file_name(at: date, moa: str | None = None) -> str:
    """Return ``fiches-operation_<AAAA-MM-JJ>.docx``, or ``fiches-operation_<moa>_<AAAA-MM-JJ>.docx``."""
    if moa is None:
        return f"fiches-operation_{at.isoformat()}.docx"
    slug = "-".join("".join(c if c.isalnum() else " " for c in match_key(moa)).split())
    return f"fiches-operation_{slug}_{at.isoformat()}.docx"


def build_fiches(report: CheckReport, *, moa: str | None = None, situation: Situation | None = None,
                 template: str | Path | None = None) -> bytes:
    """Return the fiches of the operations of ``moa`` (all when None), one page each, as .docx bytes."""
    s = situation if situation is not None else Situation.of(report)
    ops = operations_of(report, moa)
    project = s.params.project or "Projet"
    b = DocumentBuilder(Path(template) if template else house_template(),
                        f"{project} · {KIND} · situation au {fr_date(s.at)}")
    b.title(project, [KIND + (f" — {ops[0].owner or NO_OWNER}" if moa else ""), f"Situation au {fr_date(s.at)}",
                      plural(len(ops), "opération")])
    follow_up = {row.key: row.user for row in report.previous_alerts.rows if row.key}
    if not ops:
        b.paragraph("Aucune opération n'est saisie (feuille Opérations) : il n'y a pas de fiche à écrire.")
    for op in ops:
        fiche(s, op, b, follow_up)
    return b.save()


def fiche(s: Situation, op: Operation, b: DocumentBuilder, follow_up: dict[str, dict[str, object]]) -> None:
    """One operation on one page: the sections of :data:`SECTIONS`, each saying so when it has nothing."""
    b.heading(f"{op.id} — {op.label or 'libellé non renseigné'}", 2, new_page=True)
    b.heading(SECTIONS[0], 3)
    b.paragraph(f"Quartier : {op.district or '—'} · Famille : {op.famille or '—'} · Maître d'ouvrage : "
                f"{op.owner or '—'} · Statut : {op.status or '—'}")
    quantity = (f" · Réalisé : {fr_number(op.quantity_done or 0)} sur {fr_number(op.quantity_convention)} "
                f"{op.unit or ''}".rstrip() if op.quantity_convention is not None else "")
    b.paragraph(f"Coût convention : {euros(op.cost_convention)} HT · Coût actualisé : {euros(op.cost)} HT"
                f"{quantity}" + (f" · Suivi : {op.follow_up_by}" if op.follow_up_by else ""))
    if op.comment:
        b.paragraph(f"Commentaire : {op.comment}")
    b.heading(SECTIONS[1], 3)
    milestones = [op.milestones[name] for name in s.programme.lists.get(contract.JALONS, ()) if name in op.milestones]
    milestones += [m for name, m in op.milestones.items() if m not in milestones]
    b.table(["Jalon", "Convention", "Avenant", "Prévisionnelle", "Réelle", "Motif de décalage"],
            [[m.name, maybe_date(m.convention, "—"), maybe_date(m.avenant, "—"), maybe_date(m.forecast, "—"),
              maybe_date(m.actual, "—"), m.motif or "—"] for m in milestones], (3.8, 2.2, 2.2, 2.8, 2.2, 3.8),
            empty="Aucun jalon n'est saisi pour cette opération (feuille Jalons).")
    b.heading(SECTIONS[2], 3)
    lines = s.programme.funding_of(op.id)
    rows = [[f.funder or "—", f.status or "—", euros(f.amount_convention), euros(f.amount), euros(f.engaged),
             euros(f.paid), f.reference or "—"] for f in lines]
    if len(lines) > 1:
        rows.append(["Total", "", euros(_sum(f.amount_convention for f in lines)), euros(_sum(f.amount for f in lines)),
                     euros(_sum(f.engaged for f in lines)), euros(_sum(f.paid for f in lines)), ""])
    b.table(["Financeur", "Statut", "Convention", "Actualisé", "Engagé", "Versé", "Référence"], rows,
            (2.6, 1.8, 2.4, 2.4, 2.4, 2.4, 3.0), right=(2, 3, 4, 5),
            empty="Aucun financement n'est saisi pour cette opération (feuille Financements).")
    b.heading(SECTIONS[3], 3)
    b.paragraph(_das(s, op))
    b.heading(SECTIONS[4], 3)
    alerts = [a for a in s.alerts if a.operation_id == op.id]
    b.table(["Alerte", "Constat", "Mesure proposée", "Suivi (feuille Alertes)"],
            [[f"{a.code}\n{a.severity.value}", shorten(a.finding, TEXT_CAP), shorten(a.measure, TEXT_CAP),
              shorten(_follow_up(follow_up.get(a.key, {})), TEXT_CAP)]
             for a in alerts], (1.5, 6.3, 5.5, 3.7), status={i: a.severity.value.lower() for i, a in enumerate(alerts)},
            empty="Aucune alerte ouverte sur cette opération.")
    if any(len(a.finding) > TEXT_CAP or len(a.measure) > TEXT_CAP for a in alerts):
        b.paragraph("Textes complets : feuille Alertes du classeur.", style="Caption")
    b.heading(SECTIONS[5], 3)
    actions = [a for a in s.programme.actions if op.id in a.operation_ids]
    b.table(["N°", "Date", "Instance", "Décision", "Responsable", "Échéance", "Statut"],
            [[a.id, maybe_date(a.date, "—"), a.instance or "—", action_text(a), a.owner or "—",
              maybe_date(a.due, "—"), a.status or "—"] for a in actions], (1.6, 2.0, 2.4, 5.0, 2.4, 2.0, 1.6),
            empty="Aucune décision de la feuille Actions ne porte sur cette opération.")
    _drop_trailing_spacer(b)


def _drop_trailing_spacer(b: DocumentBuilder) -> None:
    """Remove the empty paragraph a table leaves at the end of a fiche: on a full page it would make a blank one
    before the next fiche (which starts on a new page anyway)."""
    body = b.document.element.body
    last = body[-2] if len(body) > 1 and body[-1].tag == qn("w:sectPr") else body[-1]
    if last.tag == qn("w:p") and not "".join(last.itertext()).strip():
        body.remove(last)


def _sum(values) -> float | None:
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def _das(s: Situation, op: Operation) -> str:
    """The DAS and its caducité (DAS + *Délai de caducité après DAS*), or why there is none."""
    if is_abandoned(op):
        return "Opération abandonnée : sans objet."
    das, start = op.milestone(contract.DAS), op.milestone(contract.WORKS_START)
    if das is None or das.actual is None:
        expected = das.expected if das is not None else None
        return (f"DAS attendue le {fr_date(expected)}." if expected else
                "DAS non obtenue et sans date attendue (feuille Jalons).")
    lapse = add_months(das.actual, s.params.lapse_months)
    text = f"DAS obtenue le {fr_date(das.actual)} ; délai de caducité {fr_months(s.params.lapse_months)}"
    if start is not None and start.actual is not None and start.actual <= s.at:
        return f"{text} : travaux démarrés le {fr_date(start.actual)}, la subvention ne peut plus devenir caduque."
    if lapse <= s.at:
        return f"{text} : caduque depuis le {fr_date(lapse)}, travaux non démarrés."
    planned = start.expected if start is not None else None
    after = f" ; démarrage prévu le {fr_date(planned)}" if planned else ""
    late = " — après la caducité" if planned and planned > lapse else ""
    return f"{text} : caduque le {fr_date(lapse)} si les travaux n'ont pas démarré{after}{late}."


def _follow_up(user: dict[str, object]) -> str:
    """What the user typed in *Alertes* for this alert: measure, owner, due date, follow-up; « — » when nothing."""
    parts = []
    for header in ("Mesure retenue", "Responsable", "Échéance", "Suivi"):
        value = user.get(header)
        if isinstance(value, datetime | date):
            value = fr_date(value.date() if isinstance(value, datetime) else value)
        if value not in (None, ""):
            parts.append(f"{header} : {value}")
    return "\n".join(parts) or "—"

