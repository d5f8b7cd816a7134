"""The rapport semestriel's annexes: tableau financier by famille, planning directeur, relevé de décisions.

The tableau financier is the indicators' ANRU rows by famille with their cost drift; the planning directeur
gives, for every operation, the four dates of its DAS, works start and delivery as *Jalons* holds them; the
relevé de décisions is the *Actions* sheet, every line.
"""

from __future__ import annotations

from opc_excel.fr import fr_date, fr_number
from opc_excel.model import Milestone
from opc_excel.read import contract
from opc_excel.render.documents.builder import DocumentBuilder
from opc_excel.situation import Situation
from opc_excel.situation.formats import maybe_date, meur, pct, signed_pct
from opc_excel.text import NAME_CAP, shorten

ANNEXES = "Annexes"
PLANNING_MILESTONES = (contract.DAS, contract.WORKS_START, contract.DELIVERY)


def annexes(s: Situation, b: DocumentBuilder) -> None:
    b.heading(ANNEXES, new_page=True)
    tableau_financier(s, b)
    planning_directeur(s, b)
    releve_decisions(s, b)


def tableau_financier(s: Situation, b: DocumentBuilder) -> None:
    """The ANRU subsidy by famille (engaged, paid, restes) and each famille's cost drift."""
    ind = s.indicators
    b.heading("Tableau financier par famille", 2)
    drift = {d.key: d for d in ind.cost_drift_by_famille}
    rows = []
    for r in ind.anru_by_famille:
        d = drift.get(r.key)
        rows.append([r.key, meur(r.amount), meur(r.engaged), pct(r.engaged_pct), meur(r.paid),
                     pct(r.paid_of_amount_pct), meur(r.to_engage), signed_pct(d.drift_pct) if d else "—"])
    anru = ind.anru
    rows.append(["Total", meur(anru.amount), meur(anru.engaged), pct(anru.engaged_pct), meur(anru.paid),
                 pct(anru.paid_of_amount_pct), meur(anru.to_engage), signed_pct(ind.cost_drift.drift_pct)])
    b.table(["Famille", "Subvention", "Engagée", "Part engagée", "Versée", "Part versée",
             "Reste à engager", "Dérive de coût"], rows, (4.1, 2.0, 1.8, 1.9, 1.8, 1.9, 1.8, 1.7),
            right=(1, 2, 3, 4, 5, 6, 7))


def planning_directeur(s: Situation, b: DocumentBuilder) -> None:
    """Every operation with the reference date of its DAS, works start and delivery, and the actual or forecast."""
    b.heading("Planning directeur", 2)
    b.paragraph("Pour chaque jalon : la date de référence (avenant, sinon convention), puis la date réelle (r) "
                "ou prévisionnelle (p) quand elle diffère.")
    rows = []
    for op in s.programme.operations:
        rows.append([op.id, shorten(op.label or "—", NAME_CAP // 2), op.status or "—",
                     *(_dates(op.milestone(name)) for name in PLANNING_MILESTONES)])
    b.table(["Opération", "Libellé", "Statut", "DAS", "Démarrage des travaux", "Livraison"], rows,
            (2.3, 4.4, 1.7, 2.8, 2.8, 2.8), empty="Aucune opération n'est saisie (feuille Opérations).")


def _dates(milestone: Milestone | None) -> str:
    if milestone is None:
        return "—"
    reference = maybe_date(milestone.baseline, "—")
    if milestone.actual:
        current = f"{fr_date(milestone.actual)} (r)"
    elif milestone.forecast:
        current = f"{fr_date(milestone.forecast)} (p)"
    else:
        return reference
    return current if milestone.baseline == (milestone.actual or milestone.forecast) else f"{reference}\n{current}"


def releve_decisions(s: Situation, b: DocumentBuilder) -> None:
    """Every line of the *Actions* sheet: date, instance, decision, owner, due date, status, postponements."""
    b.heading("Relevé de décisions", 2)
    actions = s.programme.actions
    b.table(["N°", "Date", "Instance", "Décision", "Responsable", "Échéance", "Statut", "Reports"],
            [[a.id, maybe_date(a.date, "—"), a.instance or "—", _decision(a), a.owner or "—",
              maybe_date(a.due, "—"), a.status or "—",
              fr_number(a.postponements) if a.postponements is not None else "—"] for a in actions],
            (1.6, 2.1, 2.0, 3.5, 2.4, 2.1, 1.7, 1.6), right=(7,),
            empty="Aucune décision n'est consignée (feuille Actions).")


def _decision(action) -> str:
    subject = shorten(action.subject, NAME_CAP) if action.subject else ""
    return f"{subject} : {action.decision}" if subject and action.decision else subject or action.decision or "—"
