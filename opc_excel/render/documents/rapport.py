"""The *rapport semestriel* to the comité de pilotage (documents.md): a Word document of 20 to 40 pages.

Read before the COPIL by élus, the préfet's delegate and the landlords, then archived and quoted. Its
sections, in this order (:data:`SECTIONS`): synthèse (one page, for élus) · rappel du projet, de la convention
et des avenants · avancement physique, par famille et par quartier, opération par opération · situation
financière · respect des engagements · points durs et mesures correctives · décisions attendues du COPIL ·
perspectives du semestre · avenants en préparation · annexes. Each figure is the situation's, written by
:mod:`opc_excel.situation.formats`: the same as the COPIL deck's. A section with nothing to say says so.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from opc_excel.compute.schedule import is_abandoned, progress
from opc_excel.fr import fr_date, fr_number
from opc_excel.read import contract
from opc_excel.render.documents import annexes, rapport_suivi
from opc_excel.render.documents.builder import DocumentBuilder
from opc_excel.render.documents.template import house_template
from opc_excel.report import CheckReport
from opc_excel.situation import Situation
from opc_excel.situation.decisions import decisions
from opc_excel.situation.formats import maybe_date, meur, pct, plural, ratio, signed_median_months, signed_months
from opc_excel.situation.meeting import Meeting, meeting_of
from opc_excel.situation.synthesis import key_figures, messages
from opc_excel.text import NAME_CAP, shorten

KIND = "Rapport semestriel"
SYNTHESE, RAPPEL, AVANCEMENT, FINANCES, ENGAGEMENTS, POINTS_DURS, DECISIONS, PERSPECTIVES, AVENANTS, ANNEXES = (
    "Synthèse", "Rappel du projet, de la convention et des avenants", "Avancement physique",
    "Situation financière", "Respect des engagements de la convention", "Points durs et mesures correctives",
    "Décisions attendues du comité de pilotage", "Perspectives du semestre", "Avenants en préparation", "Annexes")
SECTIONS = (SYNTHESE, RAPPEL, AVANCEMENT, FINANCES, ENGAGEMENTS, POINTS_DURS, DECISIONS, PERSPECTIVES, AVENANTS,
            ANNEXES)
SYNTHESIS_DECISIONS = 3  # the synthèse names the first three; the section lists them all


def report_file_name(at: date) -> str:
    """Return the default file name: ``rapport-semestriel_<AAAA-MM-JJ>.docx``."""
    return f"rapport-semestriel_{at.isoformat()}.docx"


def build_report(report: CheckReport, *, template: str | Path | None = None, situation: Situation | None = None,
                 seance: date | None = None) -> bytes:
    """Return the rapport semestriel of the checked workbook, as .docx bytes.

    ``situation``: the session's :class:`Situation` of ``report`` (built here when not given); ``seance``: the
    COPIL's date (default: *Prochain comité de pilotage* when not before t, else t).
    """
    situation = situation if situation is not None else Situation.of(report)
    params = situation.params
    meeting = meeting_of("copil", params, situation.at, seance)
    project = params.project or "Projet"
    builder = DocumentBuilder(Path(template) if template else house_template(),
                              f"{project} · {KIND} · situation au {fr_date(situation.at)}")
    builder.title(project, [f"{KIND} au comité de pilotage", f"Situation au {fr_date(situation.at)}",
                            f"Comité de pilotage du {fr_date(meeting.day)}",
                            " · ".join(x for x in (params.collectivite, params.project_sponsor) if x)])
    if report.blocking:
        blocking = plural(len(report.blocking), "problème bloquant", "problèmes bloquants")
        builder.paragraph(f"Attention : le classeur comporte {blocking} (feuille Contrôles) ; les données "
                          f"concernées sont écartées des chiffres de ce rapport.", bold=True)
    builder.page_break()
    builder.contents()
    synthese(situation, meeting, builder)
    rappel(situation, builder)
    avancement(situation, builder)
    rapport_suivi.finances(situation, builder)
    rapport_suivi.engagements(situation, builder)
    rapport_suivi.points_durs(situation, meeting, builder)
    rapport_suivi.decisions_attendues(situation, meeting, builder)
    rapport_suivi.perspectives(situation, meeting, builder)
    rapport_suivi.avenants(situation, builder)
    annexes.annexes(situation, builder)
    return builder.save()


def synthese(s: Situation, meeting: Meeting, b: DocumentBuilder) -> None:
    """One page for élus: the deck's three messages, its six key figures, achievements, the decisions asked."""
    b.heading(SYNTHESE, new_page=True)
    b.bullets([m.text for m in messages(s)])
    figures = key_figures(s)
    b.table(["Indicateur", "Valeur", "Détail", "Évolution"],
            [[f.label, f.value, f.detail, f.trend] for f in figures], (5.5, 2, 4, 5.5),
            status={i: f.status for i, f in enumerate(figures) if f.status}, right=(1,))
    b.heading("Réalisations", 3)
    b.bullets(s.achievements, empty="Aucune réalisation à signaler depuis la précédente situation.")
    b.heading("Décisions demandées au comité de pilotage", 3)
    asked = decisions(s, meeting)
    b.bullets([d.question for d in asked[:SYNTHESIS_DECISIONS]],
              empty="Aucune décision n'est demandée au comité de pilotage : aucun point dur ne relève de lui.")
    if len(asked) > SYNTHESIS_DECISIONS:
        b.paragraph(f"Et {plural(len(asked) - SYNTHESIS_DECISIONS, 'autre décision', 'autres décisions')} : "
                    f"voir la partie « {DECISIONS} ».")


def rappel(s: Situation, b: DocumentBuilder) -> None:
    """The project, the convention (dates, subsidy, operations) and every avenant, signed or in preparation."""
    params, ind = s.params, s.indicators
    b.heading(RAPPEL, new_page=True)
    b.heading("Le projet et la convention", 2)
    b.labelled("Projet", params.project or "non renseigné (Paramètres)")
    b.labelled("Collectivité", params.collectivite or "non renseignée (Paramètres)")
    b.labelled("Porteur de projet", params.project_sponsor or "non renseigné (Paramètres)")
    b.labelled("Programme", params.programme.value)
    b.labelled("Convention signée le", maybe_date(params.signature_date))
    b.labelled("Fin de la convention", maybe_date(params.end_date))
    if params.engagement_deadline is not None:
        b.labelled("Date limite d'engagement", fr_date(params.engagement_deadline))
    b.labelled("Avenant en vigueur", params.amendment_in_force or "aucun")
    b.labelled("Opérations", f"{fr_number(ind.operations)} en cours ou à venir (abandonnées exclues), "
                             f"dont {fr_number(ind.operations_launched)} lancées ({pct(ind.launched_pct)})")
    b.labelled("Subvention ANRU", f"{meur(ind.anru.amount)} ; enveloppe "
                                  f"{meur(params.anru_envelope) if params.anru_envelope else 'non renseignée'}")
    b.heading("Les avenants", 2)
    amendments = s.programme.amendments
    b.table(["N°", "Date", "Type", "Statut", "Objet", "Opérations"],
            [[a.number, maybe_date(a.date, "—"), a.kind or "—", a.status or "Signé", a.subject or "—",
              _ids(a.operation_ids)] for a in amendments], (1, 2.1, 2, 2, 5.9, 4),
            empty="Aucun avenant n'est saisi (feuille Avenants) : la convention initiale s'applique.")


def avancement(s: Situation, b: DocumentBuilder) -> None:
    """Progress by famille (weighted and physical), then by quartier, operation by operation."""
    ind = s.indicators
    b.heading(AVANCEMENT, new_page=True)
    b.paragraph(f"Avancement global pondéré par les coûts : {pct(ind.progress_pct)} pour "
                f"{pct(ind.planned_progress_pct)} prévu à date (indice d'avancement {ratio(ind.spi)}) ; "
                f"{plural(ind.operations_launched, 'opération lancée', 'opérations lancées')} sur "
                f"{fr_number(ind.operations)} ({pct(ind.launched_pct)}).")
    b.heading("Par famille", 2)
    slips = {f.famille: f for f in ind.slips_by_famille}
    rows = []
    for f in ind.progress_by_famille:
        slip = slips.get(f.famille)
        rows.append([f.famille, pct(f.progress_pct), pct(f.planned_progress_pct), ratio(f.spi),
                     signed_months(slip.delivery_max_months) if slip else "—",
                     signed_median_months(slip.delivery_median_months) if slip else "—"])
    b.table(["Famille", "Avancement", "Prévu", "Indice", "Glissement max. des livraisons",
             "Glissement médian"], rows, (5.4, 2.2, 1.8, 1.6, 3, 2.9), right=(1, 2, 3, 4, 5),
            empty="Aucune opération n'a de famille renseignée (feuille Opérations).")
    b.paragraph("Glissements mesurés sur la date de référence la plus récente (avenant, sinon convention).",
                style="Caption")
    b.heading("Quantités réalisées", 3)
    b.table(["Famille", "Unité", "Prévu (convention)", "Réalisé", "Part réalisée"],
            [[q.famille, q.unit or "—", fr_number(q.planned), fr_number(q.done), pct(q.done_pct)]
             for q in ind.physical_progress], (6, 3, 2.8, 2.5, 2.7), right=(2, 3, 4),
            empty="Aucune quantité à la convention n'est renseignée (feuille Opérations).")
    b.heading("Par quartier, opération par opération", 2)
    by_district = {row.key: row for row in ind.anru_by_district}
    slip_of = {(x.operation_id, x.milestone): x for x in ind.slips}
    districts = list(dict.fromkeys([*s.programme.lists.get(contract.QUARTIERS, ()),
                                    *(op.district or "Quartier non renseigné" for op in s.programme.operations)]))
    if not s.programme.operations:
        b.paragraph("Aucune opération n'est saisie (feuille Opérations).")
    for district in districts:
        ops = [op for op in s.programme.operations if (op.district or "Quartier non renseigné") == district]
        if not ops:
            continue
        b.heading(district, 3)
        anru = by_district.get(district)
        if anru is not None:
            b.paragraph(f"{plural(len(ops), 'opération')} ; subvention ANRU {meur(anru.amount)}, engagée à "
                        f"{pct(anru.engaged_pct)}, versée à {pct(anru.paid_of_amount_pct)}.", keep_with_next=True)
        b.table(["Opération", "Libellé", "Maître d'ouvrage", "Statut", "Avanc.", "Livraison de référence",
                 "Livraison réelle (r) ou prévue", "Glisse\u00adment"],
                [_operation_row(s, op, slip_of) for op in ops], (2.3, 3.2, 2.1, 1.6, 1.4, 2.1, 2.6, 1.7),
                right=(4, 7))


def _operation_row(s: Situation, op, slip_of: dict) -> list[str]:
    """One operation: its status, its weighted progress (the indicator's pᵢ(t)), its delivery and its slip."""
    delivery = op.milestone(contract.DELIVERY)
    slip = slip_of.get((op.id, contract.DELIVERY))
    current = "—"
    if delivery is not None and (delivery.actual or delivery.forecast):
        current = f"{fr_date(delivery.actual)} (r)" if delivery.actual else fr_date(delivery.forecast)
    return [op.id, shorten(op.label or "—", NAME_CAP // 2), op.owner or "—", op.status or "—",
            "—" if is_abandoned(op) else pct(progress(op, s.at)),
            maybe_date(delivery.baseline if delivery else None, "—"), current,
            signed_months(slip.vs_baseline_months) if slip else "—"]


def _ids(ids: tuple[str, ...], most: int = 6) -> str:
    shown = ", ".join(ids[:most])
    return shown + (f" et {plural(len(ids) - most, 'autre')}" if len(ids) > most else "") if ids else "—"
