"""Revue de projet, for the préfet's delegate: 16 slides, 22 on the shipped master where tables continue.

1. Title. 2. Le projet en bref. 3. Avenants à la convention. 4. Gouvernance : instances et prochaines dates.
5. Tableau financier par famille: convention / après avenants / actualisé. 6. Statut et dates des opérations,
every one, abandoned included (5 slides on the master). 7–8. Subvention ANRU : engagements et paiements par
famille, par maître d'ouvrage. 9. Bilan de la reconstitution de l'offre (native chart). 10–11. Relogement: key
figures, then by demolition. 12–13. Heures d'insertion: key figures, then by marché (by operation beyond
``MAX_INSERTION_LINES`` marchés) with the totals. 14. Engagements de la convention (checklist). 15. Difficultés:
the red alerts with their measures (grouped by code beyond ``MAX_RED_DETAILED``). 16. Ajustements demandés.

**The avenant level of the tableau financier.** The workbook keeps two cost levels per operation, *Coût
convention* and *Coût actualisé*, and the *Avenants* sheet lists the operations each avenant touched; the cost
an avenant validated is not typed anywhere. So: *après avenants* = the *Coût actualisé* of the operations
named in *Avenants* (*Opérations concernées*; the avenant is where their new cost was validated) and the
*Coût convention* of the others; *à valider par avenant* = actualisé − après avenants, the drift of operations
no avenant has touched yet. Convention and actualisé are the indicators' ``cost_drift_by_famille``.

**The commitments checklist** (:func:`commitments`). Each commitment is *Atteint* (met, nothing left to do),
*Conforme* (on track, not finished), *Vigilance* (behind, can still be caught up before the end of the
convention) or *Écart à traiter (avenant)* (a gap only an avenant can settle) — never "non tenu", which reads
as a breach — with the figure that decides it; *Non mesuré* when the workbook holds nothing to measure it by
(no milestone date, no ANRU line, no demolition, no household, no insertion hours, no GUP end date):

- *Calendrier de la convention*: écart when an operation's forecast end comes after the convention's end
  (CAL-03); vigilance when deliveries slip beyond the orange threshold (CAL-02); else atteint when every
  operation is delivered, conforme before.
- *Engagement de la subvention ANRU*: écart when a subsidy lapsed with an advance to repay (FIN-07);
  vigilance when the engagement is behind the planned S-curve by the orange threshold or more (the FIN-09 gap,
  ``indicators.engagement_gap_points``); else atteint at 100 % engaged, conforme before.
- *Reconstitution de l'offre*: écart when the programme plans fewer rebuilt dwellings than the convention
  contracted (*Objectif de reconstitution*, else 1 pour 1, as HAB-01); vigilance when HAB-01 fires or fewer
  rebuilt dwellings are started than the contracted share of the demolitions started; else atteint once the
  rebuilt dwellings delivered reach the target, conforme before.
- *Relogement de tous les ménages*: écart when a delivered demolition still has households *À reloger*;
  vigilance on HAB-03 or CAL-05 (rehousing behind, demolition close with households left); else conforme while
  households remain to rehouse, atteint once none remain.
- *Relogement dans le neuf ou récent* and *Reste à charge des ménages* (median change within the tolerated
  increase): within the target, conforme while households remain to rehouse, atteint once none remain;
  off it, vigilance while households remain (they can bring it back), écart once none remain.
- *Insertion (objectif d'heures)*: the hours done against the target share of the hours worked; within it,
  conforme while the works with insertion clauses go on, atteint once they are all delivered; short of it,
  vigilance while they go on, écart once they are delivered.
- *Gestion urbaine de proximité*: vigilance when SOC-02 fires (no GUP convention while works are active: a
  convention to sign, not an avenant); else conforme when *Fin de la convention GUP* is typed (a commitment
  that runs as long as the works).

Every figure comes from the indicators, the alerts or the model of the report; the notes name the sheet.
"""

from __future__ import annotations

from collections.abc import Sequence

from pptx.util import Pt

from opc_excel.compute.schedule import is_abandoned
from opc_excel.fr import fr_date, fr_months, fr_number
from opc_excel.model import Level, Milestone
from opc_excel.read import contract
from opc_excel.render.decks.builder import Cell, Column, DeckBuilder
from opc_excel.render.decks.common import DeckInput, alert_columns, start_deck
from opc_excel.render.decks.slides import (
    anru_slide,
    decisions_slide,
    grouped_alert_rows,
    red_alerts_slide,
    slip_status,
    table_font,
)
from opc_excel.render.decks.social import (
    insertion_kpis_slide,
    insertion_table_slide,
    rehousing_kpis_slide,
    rehousing_table_slide,
)
from opc_excel.situation.formats import (
    euros,
    maybe_date,
    meur,
    pct,
    ratio_pct,
    signed_months,
    signed_pct,
)
from opc_excel.situation.schedule import live_operations
from opc_excel.situation.selections import alerts_of, reconstitution_goal, reconstitution_target
from opc_excel.situation.verdicts import ATTEINT, CONFORME, ECART, NON_MESURE, VIGILANCE, amended_ids
from opc_excel.text import NAME_CAP, shorten

KIND = "Revue de projet"
COMMITMENT_STATUS = {ATTEINT: "vert", CONFORME: "vert", VIGILANCE: "orange", ECART: "rouge", NON_MESURE: "gris"}
RHYTHMS = {"Point mensuel": "mensuel", "Comité de suivi": "tous les 1 à 3 mois", "Comité de pilotage": "semestriel",
           "Revue de projet": "annuelle", "Point d'étape": "à 2 et 4 ans",
           "Réunion technique": "selon les besoins", "Réunion financière": "selon les besoins",
           "Réunion sociale": "selon les besoins"}
MILESTONE_REVIEW = "Point d'étape"
MAX_RED_DETAILED = 30  # beyond, the difficulties slide groups the red alerts by code
MAX_AMENDMENT_OPERATIONS = 8  # operations named in the avenants table; the notes list them all

def build(data: DeckInput, builder: DeckBuilder) -> None:
    signature = data.params.signature_date
    start_deck(data, KIND, builder, title="Revue de projet",
               extra_lines=[f"Convention signée le {fr_date(signature)}"] if signature else ())
    project_slide(data, builder)
    amendments_slide(data, builder)
    governance_slide(data, builder)
    finance_table_slide(data, builder)
    operations_slide(data, builder)
    anru_slide(data, builder, "famille")
    anru_slide(data, builder, "owner")
    reconstitution_slide(data, builder)
    rehousing_kpis_slide(data, builder)
    rehousing_table_slide(data, builder)
    insertion_kpis_slide(data, builder)
    insertion_table_slide(data, builder)
    commitments_slide(data, builder)
    difficulties_slide(data, builder)
    decisions_slide(data, builder, title="Ajustements demandés")


# ---------------------------------------------------------------- formats


# ---------------------------------------------------------------- project and governance


def project_slide(data: DeckInput, builder: DeckBuilder) -> None:
    """Le projet en bref: convention, operations, costs, subsidy, progress, avenants, alerts."""
    params, ind = data.params, data.indicators
    operations = data.programme.operations
    abandoned = sum(is_abandoned(op) for op in operations)
    districts = sorted({op.district for op in live_operations(data.situation) if op.district})
    drift = ind.cost_drift
    anru = ind.anru
    red = sum(a.severity is Level.ROUGE for a in data.alerts)
    amendments = data.programme.amendments
    items: list[str | tuple[int, str]] = [
        f"Programme {ind.programme} : convention signée le {maybe_date(params.signature_date)}, "
        f"échéance au {maybe_date(params.end_date)}",
        f"{ind.operations} opérations en cours ou réalisées"
        + (f" ({abandoned} abandonnée{'s' if abandoned > 1 else ''})" if abandoned else "")
        + (f", quartiers : {', '.join(districts)}" if districts else ""),
        f"Coût : {meur(drift.convention)} à la convention, {meur(drift.current)} actualisé "
        f"({signed_pct(drift.drift_pct)})",
        f"Subvention ANRU : {meur(anru.amount)}, engagée à {pct(anru.engaged_pct)}, versée à "
        f"{pct(anru.paid_of_amount_pct)}",
        f"Opérations lancées : {ind.operations_launched} sur {ind.operations} ({pct(ind.launched_pct)}) ; "
        f"avancement pondéré {pct(ind.progress_pct)} pour {pct(ind.planned_progress_pct)} prévus",
        f"Avenant en vigueur : {params.amendment_in_force or 'aucun renseigné'} ; "
        f"{len(amendments)} avenant{'s' if len(amendments) > 1 else ''} à la convention",
        f"Points d'alerte : {red} rouge{'s' if red > 1 else ''}, {len(data.alerts) - red} orange",
    ]
    builder.bullets(
        "Le projet en bref", items,
        notes=f"Paramètres (convention, avenant en vigueur) ; Opérations ({len(operations)} lignes) ; coûts : "
              f"{euros(drift.convention)} convention, {euros(drift.current)} actualisé (dérive "
              f"{pct(drift.drift_pct)}) ; subvention ANRU (Financements) : {euros(anru.amount)}, engagé "
              f"{euros(anru.engaged)}, versé {euros(anru.paid)} ; avancement A(t) {pct(ind.progress_pct)}, "
              f"prévu {pct(ind.planned_progress_pct)} ; alertes : feuille Alertes.")


def amendments_slide(data: DeckInput, builder: DeckBuilder) -> None:
    """The avenants: number, date, type, subject and the operations they touched (the first ones; all in notes)."""
    amendments = sorted(data.programme.amendments, key=lambda a: (a.date is None, a.date, a.number))
    rows = [[f"n°{a.number}", maybe_date(a.date), a.kind or "—", a.subject or "—", _operations_touched(a.operation_ids)]
            for a in amendments]
    builder.table("Avenants à la convention",
                  [Column("Avenant", 0.8), Column("Date", 1.0), Column("Type", 1.0), Column("Objet", 4.0),
                   Column("Opérations concernées", 4.0)], rows,
                  notes=f"{len(amendments)} avenant(s) dans la feuille Avenants ; avenant en vigueur selon "
                        f"Paramètres : {data.params.amendment_in_force or 'non renseigné'}. Opérations concernées : "
                        + " ; ".join(f"n°{a.number} : {', '.join(a.operation_ids) or 'aucune'}" for a in amendments)
                        + ".",
                  empty="Aucun avenant saisi dans la feuille Avenants.", font_pt=table_font(rows))


def _operations_touched(ids: Sequence[str]) -> str:
    if not ids:
        return "—"
    shown = ", ".join(ids[:MAX_AMENDMENT_OPERATIONS])
    more = len(ids) - MAX_AMENDMENT_OPERATIONS
    return f"{len(ids)} : {shown}" + (f" et {more} autre{'s' if more > 1 else ''}" if more > 0 else "")


def next_meetings(data: DeckInput) -> dict[str, object]:
    """Return the next date of each instance that *Paramètres* plans (None when not planned)."""
    params = data.params
    return {"Point mensuel": params.next_monthly_point, "Comité de suivi": params.next_follow_up_committee,
            "Comité de pilotage": params.next_steering_committee, "Revue de projet": params.next_project_review,
            MILESTONE_REVIEW: params.next_milestone_review}


def governance_slide(data: DeckInput, builder: DeckBuilder) -> None:
    """Each instance: rhythm, last meeting in the relevé de décisions, next date, open and late actions."""
    nexts = next_meetings(data)
    instances = list(data.programme.lists.get(contract.INSTANCES, ()) or contract.DEFAULT_LISTS[contract.INSTANCES])
    instances += [i for i in nexts if i not in instances]
    rows = []
    for instance in instances:
        actions = [a for a in data.programme.actions if a.instance == instance]
        held = [a.date for a in actions if a.date and a.date <= data.at]
        open_ = [a for a in actions if a.status != "Soldée" and a.closed_on is None]
        late = [a for a in open_ if a.due and a.due < data.at]
        next_date = nexts.get(instance)
        rows.append([instance, RHYTHMS.get(instance, ""), fr_date(max(held)) if held else "—",
                     fr_date(next_date) if next_date else "non planifiée", str(len(open_)),
                     Cell(str(len(late)), "orange" if late else None)])
    builder.table("Gouvernance : instances et prochaines dates",
                  [Column("Instance", 2.0), Column("Rythme", 1.8), Column("Dernière séance", 1.3),
                   Column("Prochaine date", 1.3), Column("Actions ouvertes", 1.2, "right"),
                   Column("dont échues", 1.0, "right")], rows,
                  notes="Prochaines dates : feuille Paramètres (Prochain point mensuel, comité de suivi, comité de "
                        "pilotage, revue de projet, point d'étape). Dernière séance : date la plus récente du relevé "
                        "de décisions (feuille Actions) pour l'instance ; actions ouvertes : non soldées ; échues : "
                        f"échéance avant le {fr_date(data.at)}.", font_pt=table_font(rows))


# ---------------------------------------------------------------- finances


def finance_table_slide(data: DeckInput, builder: DeckBuilder) -> None:
    levels = data.situation.finance_levels
    anru = {row.key: row.amount for row in data.indicators.anru_by_famille}
    total = data.indicators.cost_drift

    def status(drift: float | None) -> str | None:
        if drift is None:
            return None
        params = data.params
        return "rouge" if drift > params.cost_drift_red_pct else "orange" if drift > params.cost_drift_orange_pct \
            else None

    rows: list[list[Cell | str]] = [
        [level.famille, meur(level.convention), meur(level.amended), meur(level.current),
         Cell(signed_pct(level.drift_pct), status(level.drift_pct)), euros(level.to_validate),
         meur(anru.get(level.famille))] for level in levels]
    amended_total = sum(level.amended for level in levels)
    rows.append([Cell(text, bold=True) for text in (
        "Total", meur(total.convention), meur(amended_total), meur(total.current), signed_pct(total.drift_pct),
        euros(total.current - amended_total), meur(data.indicators.anru.amount))])
    rows[-1][4].status = status(total.drift_pct)
    touched = amended_ids(data.situation)
    builder.table(
        "Tableau financier par famille",
        [Column("Famille", 3.2), Column("Convention", 1.2, "right"), Column("Après avenants", 1.2, "right"),
         Column("Actualisé", 1.2, "right"), Column("Dérive", 1.0, "right"),
         Column("À valider par avenant", 1.5, "right"), Column("Subvention ANRU", 1.3, "right")], rows,
        notes=f"Coûts HT des opérations non abandonnées (feuille Opérations) : convention {euros(total.convention)}, "
              f"actualisé {euros(total.current)}, dérive {pct(total.drift_pct)}. « Après avenants » : le classeur ne "
              f"garde pas le coût validé par chaque avenant ; les {len(touched)} opérations citées dans la feuille "
              f"Avenants (Opérations concernées) y sont prises à leur coût actualisé, les autres à leur coût "
              f"convention. « À valider par avenant » = actualisé − après avenants : dérive d'opérations qu'aucun "
              f"avenant n'a encore reprises ({euros(total.current - amended_total)}). Subvention ANRU : feuille "
              f"Financements, montant actualisé sinon convention ({euros(data.indicators.anru.amount)}).")


def _milestone_cells(milestone: Milestone | None) -> tuple[str, str]:
    """Return (latest baseline date, forecast or actual date) of a milestone as table cells; « (av.) »: avenant's."""
    if milestone is None:
        return "—", "—"
    rebased = milestone.avenant is not None and milestone.avenant != milestone.convention
    convention = maybe_date(milestone.baseline, "—") + (" (av.)" if rebased else "")
    if milestone.actual:
        return convention, f"{fr_date(milestone.actual)} (réel)"
    current = milestone.forecast or milestone.avenant
    return convention, fr_date(current) if current else "—"


def operations_slide(data: DeckInput, builder: DeckBuilder) -> None:
    """Status and dates of every operation, abandoned ones included; slip = delivery vs its latest baseline."""
    slips = {(s.operation_id, s.milestone): s for s in data.indicators.slips}
    rows = []
    for op in data.programme.operations:
        start_conv, start_now = _milestone_cells(op.milestone(contract.WORKS_START))
        end_conv, end_now = _milestone_cells(op.milestone(contract.DELIVERY))
        slip = slips.get((op.id, contract.DELIVERY))
        months = slip.vs_baseline_months if slip else None
        rows.append([op.id, shorten(op.label or "", NAME_CAP), op.status or "—", start_conv, start_now, end_conv,
                     end_now, Cell(signed_months(months), slip_status(months, data))])
    params = data.params
    builder.table(
        "Statut et dates des opérations",
        [Column("ID", 1.05), Column("Libellé", 3.4), Column("Statut", 0.95), Column("Démarrage contractuel", 1.05),
         Column("Démarrage prévu / réel", 1.35), Column("Livraison contractuelle", 1.05),
         Column("Livraison prévue / réelle", 1.35), Column("Glissement livraison", 0.95, "right")], rows,
        notes=f"{len(rows)} opérations (feuille Opérations, statut saisi) ; dates de la feuille Jalons : date "
              f"contractuelle (date avenant « av. », sinon date convention), puis date réelle (« réel ») sinon "
              f"prévisionnelle sinon avenant. Glissement : "
              f"livraison réelle ou prévisionnelle − livraison de l'avenant, sinon de la convention, en mois entiers "
              f"(indicateur glissement) ; "
              f"orange au-delà de {fr_months(params.delay_orange_months)}, rouge au-delà de "
              f"{fr_months(params.delay_red_months)}.",
        font_pt=9)


# ---------------------------------------------------------------- habitat


def reconstitution_slide(data: DeckInput, builder: DeckBuilder) -> None:
    rec = data.indicators.reconstitution
    builder.chart(
        "Bilan de la reconstitution de l'offre", "column",
        ["Programmés", "Travaux démarrés", "Livrés"],
        {"Logements démolis": [rec.demolished_planned, rec.demolished_started, rec.demolished_delivered],
         "Logements reconstitués": [rec.rebuilt_planned, rec.rebuilt_started, rec.rebuilt_delivered]},
        notes=f"Opérations des familles « {contract.DEMOLITION} » et « {contract.RECONSTITUTION} » (feuille "
              f"Opérations, quantité convention en logements) ; démarré = date réelle de démarrage des travaux "
              f"(Jalons), livré = date réelle de livraison ou statut Livrée / Soldée. Démolis : "
              f"{fr_number(rec.demolished_planned)} programmés, {fr_number(rec.demolished_started)} démarrés, "
              f"{fr_number(rec.demolished_delivered)} livrés ; reconstitués : {fr_number(rec.rebuilt_planned)}, "
              f"{fr_number(rec.rebuilt_started)}, {fr_number(rec.rebuilt_delivered)}.",
        comment=reconstitution_comment(data), number_format="0")
    _label_last_chart(builder, "0")


def reconstitution_comment(data: DeckInput) -> str:
    """Return the reconstitution's comment: the convention's target, the ratios, and HAB-01's verdict on the pace."""
    rec = data.indicators.reconstitution
    goal = reconstitution_goal(data.situation)
    target = fr_number(reconstitution_target(data.situation))
    pace = [a.finding for a in alerts_of(data.situation, ("HAB-01",)) if a.severity is Level.ORANGE]
    return "\n".join([
        f"{goal[0].upper()}{goal[1:]}.",
        f"Programmé : {fr_number(rec.rebuilt_planned)} logements pour {target} contractés "
        f"({fr_number(rec.demolished_planned)} démolis, {ratio_pct(rec.ratio_planned)}).",
        f"Au démarrage : {ratio_pct(rec.ratio_started)}.",
        f"À la livraison : {ratio_pct(rec.ratio_delivered)}.",
        f"Rythme (HAB-01) : {pace[0]}." if pace else "Rythme : la reconstitution suit les démolitions (HAB-01).",
    ])


def _label_last_chart(builder: DeckBuilder, number_format: str) -> None:
    """Show the values on the bars of the chart just added (readable without the axis)."""
    slide = builder.presentation.slides[-1]
    chart = next(shape.chart for shape in slide.shapes if shape.has_chart)
    plot = chart.plots[0]
    plot.has_data_labels = True
    plot.data_labels.number_format = number_format
    plot.data_labels.number_format_is_linked = False
    plot.data_labels.font.size = Pt(10)


# ---------------------------------------------------------------- insertion


# ---------------------------------------------------------------- commitments


def difficulties_slide(data: DeckInput, builder: DeckBuilder) -> None:
    """The red alerts with their measure: one by one (point mensuel's slide), by code when there are many."""
    red = [a for a in data.alerts if a.severity is Level.ROUGE]
    title = "Difficultés : points d'alerte rouges"
    if len(red) <= MAX_RED_DETAILED:
        red_alerts_slide(data, builder, title=title)
        return
    builder.table(title, alert_columns(), grouped_alert_rows(red),
                  notes=f"{len(red)} alertes rouges sur {len(data.alerts)} (feuille Alertes, situation au "
                        f"{fr_date(data.at)}), regroupées par code : la feuille Alertes les détaille une à une.",
                  font_pt=9)


def commitments_slide(data: DeckInput, builder: DeckBuilder) -> None:
    items = data.situation.commitments
    rows = [[Cell(c.name, bold=True), Cell(c.status, COMMITMENT_STATUS[c.status]), c.evidence, c.source]
            for c in items]
    counts = {s: sum(c.status == s for c in items) for s in COMMITMENT_STATUS}
    builder.table(
        "Engagements de la convention", [Column("Engagement", 2.2), Column("Statut", 1.5), Column("Constat", 5.1),
                                         Column("Source", 1.9)], rows,
        notes=f"{counts[ATTEINT]} atteint(s), {counts[CONFORME]} conforme(s), {counts[VIGILANCE]} en vigilance, "
              f"{counts[ECART]} écart(s) à traiter par avenant, {counts[NON_MESURE]} non mesuré(s) faute de "
              "données. Règles : atteint = engagement rempli ; conforme = en bonne voie, pas encore achevé ; "
              "vigilance = en retard mais rattrapable avant la fin de la convention ; écart à traiter (avenant) = "
              "l'écart ne se résorbera plus dans la convention signée, un avenant doit le régler ; le détail de "
              "chaque règle est dans la documentation du diaporama (revue_projet.py). Chiffres : indicateurs et "
              "feuille Alertes.",
        font_pt=table_font(rows))
