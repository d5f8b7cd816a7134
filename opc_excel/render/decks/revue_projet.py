"""Revue de projet, for the ANRU's delegate: 20 slides, on the master as on a programme ten times larger.

1. Title. 2. Synthèse. 3. Le projet en bref. 4. Avenants (the latest first, one slide). 5. Gouvernance: each
instance's last séance, its next date after this séance (the revue never lists itself), its actions open and
late at the séance. 6. Tableau financier par famille: convention / après avenants / actualisé. 7. Operations by
famille and state, with the deliveries slipping (CAL-02) and the forecasts past at the séance. 8. Those late
deliveries, the red and largest first. 9–10. Subvention ANRU par famille, par maître d'ouvrage.
11. Reconstitution (native chart). 12–13. Relogement: key figures, then by demolition. 14–15. Insertion: key
figures, then by marché. 16. Engagements de la convention (checklist). 17. Points durs, ranked by stake.
18. Ajustements demandés: the decisions the ANRU's delegate can take. 19. Annex: the other alerts by theme.
Every list holds on one slide (:mod:`.revue_tables`): the workbook keeps them all. Titles state the finding.

**The avenant level of the tableau financier.** The workbook keeps two cost levels per operation, *Coût
convention* and *Coût actualisé*, and the *Avenants* sheet lists the operations each avenant touched; the cost
an avenant validated is not typed anywhere. So: *après avenants* = the *Coût actualisé* of the operations
named in *Avenants* (*Opérations concernées*; the avenant is where their new cost was validated) and the
*Coût convention* of the others; *à valider par avenant* = actualisé − après avenants, the drift of operations
no avenant has touched yet. Convention and actualisé are the indicators' ``cost_drift_by_famille``.

**The commitments checklist** (:func:`opc_excel.situation.verdicts.commitments`). Each commitment is *Atteint*
(met, nothing left to do), *Conforme* (on track, not finished), *Vigilance* (behind, can still be caught up
before the end of the convention) or *Écart à traiter (avenant)* (a gap only an avenant can settle) — never
"non tenu", which reads as a breach — with the figure that decides it first; *Non mesuré* when the workbook
holds nothing to measure it by. The verdict agrees with the alert that measures the same figure:

- *Calendrier de la convention*: écart when an operation's forecast end comes after the convention's end
  (CAL-03); vigilance when deliveries still to come slip from the orange threshold (CAL-02: the count shown is
  CAL-02's, a threshold reached on its day); else atteint when every operation is delivered, conforme before.
- *Engagement de la subvention ANRU*: écart when a subsidy lapsed with an advance to repay (FIN-07, said
  first); vigilance when FIN-09 fires (engaged behind the planned engagement at date by the orange threshold);
  else atteint at 100 % engaged, conforme before — ahead of the plan is never a vigilance.
- *Reconstitution de l'offre*: écart when the programme plans fewer rebuilt dwellings than the convention
  contracted (*Objectif de reconstitution*, else 1 pour 1, as HAB-01), the share of the target shown beside it;
  vigilance when HAB-01 fires or fewer rebuilt dwellings are started than the contracted share of the
  demolitions started; else atteint once the rebuilt dwellings delivered reach the target, conforme before.
- NPNRU only, as HAB-02: *Part de PLAI dans la reconstitution* (écart below the minimum) and *Reconstitution
  hors QPV* (écart for an operation in the district without derogation once started or delivered, vigilance
  before).
- *Relogement de tous les ménages*: écart when a delivered demolition still has households *À reloger*;
  vigilance on HAB-03 or CAL-05; else conforme while households remain to rehouse, atteint once none remain.
- *Relogement dans le neuf ou récent* and *Reste à charge des ménages* (median change within the tolerated
  increase): within the target, conforme while households remain to rehouse, atteint once none remain;
  off it, vigilance while households remain (they can bring it back), écart once none remain.
- *Insertion (objectif d'heures)*: the hours done against the target share of the hours worked; within it,
  conforme while the works with insertion clauses go on, atteint once they are all delivered; short of it,
  vigilance while they go on, écart once they are delivered.
- *Gestion urbaine de proximité*: vigilance when SOC-02 fires; else conforme when *Fin de la convention GUP*
  is typed.

Every figure comes from the indicators, the alerts or the model of the report; the notes name the sheet.
"""

from __future__ import annotations

from collections.abc import Sequence

from pptx.util import Pt

from opc_excel.compute.schedule import is_abandoned
from opc_excel.fr import fr_date, fr_number
from opc_excel.model import Level
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
from opc_excel.render.decks.revue_tables import (
    Retitled,
    anru_slide,
    insertion_slide,
    late_deliveries_slide,
    next_date_cell,
    next_meetings,
    operations_slide,
    rehousing_slide,
)
from opc_excel.render.decks.slides import table_font
from opc_excel.render.decks.social import insertion_kpis_slide, rehousing_kpis_slide
from opc_excel.situation.formats import euros, hours, maybe_date, meur, pct, plural, ratio_pct, signed_pct
from opc_excel.situation.schedule import live_operations
from opc_excel.situation.selections import (
    RECONSTITUTION,
    alerts_of,
    reconstitution_goal,
    reconstitution_target,
)
from opc_excel.situation.verdicts import ATTEINT, CONFORME, ECART, NON_MESURE, VIGILANCE, amended_ids
from opc_excel.text import shorten

KIND = "Revue de projet"
COMMITMENT_STATUS = {ATTEINT: "vert", CONFORME: "vert", VIGILANCE: "orange", ECART: "rouge", NON_MESURE: "gris"}
RHYTHMS = {"Point mensuel": "mensuel", "Comité de suivi": "tous les 1 à 3 mois", "Comité de pilotage": "semestriel",
           "Revue de projet": "annuelle", "Point d'étape": "à 2 et 4 ans",
           "Réunion technique": "selon les besoins", "Réunion financière": "selon les besoins",
           "Réunion sociale": "selon les besoins"}
MAX_AMENDMENT_OPERATIONS = 8  # operations named in the avenants table; the notes list them all
SUBJECT_CAP = 160


def build(data: DeckInput, builder: DeckBuilder) -> None:
    meeting = data.meeting
    signature = data.params.signature_date
    start_deck(data, KIND, builder, title="Revue de projet",
               extra_lines=[f"Convention signée le {fr_date(signature)}"] if signature else ())
    synthesis_slide(data, builder, meeting)
    project_slide(data, builder)
    amendments_slide(data, builder)
    governance_slide(data, builder)
    finance_table_slide(data, builder)
    operations_slide(data, builder)
    late_deliveries_slide(data, builder)
    anru_slide(data, builder, "famille")
    anru_slide(data, builder, "owner")
    reconstitution_slide(data, builder)
    r = data.indicators.rehousing
    rehoused = plural(r.rehoused, "ménage relogé", "ménages relogés")
    rehousing_kpis_slide(data, Retitled(builder, f"Relogement : {rehoused} sur {fr_number(r.to_rehouse)} "
                                                 f"({pct(r.rehoused_percent)}), {pct(r.new_or_recent_percent)} dans "
                                                 "le neuf ou récent"))
    rehousing_slide(data, builder)
    ins = data.indicators.insertion
    insertion_kpis_slide(data, builder, title=f"Insertion : {hours(ins.insertion_done)} réalisées, "
                                              f"{pct(ins.done_of_target_pct)} de l'objectif d'heures")
    insertion_slide(data, builder)
    commitments_slide(data, builder)
    shown = points_durs_slide(data, builder, meeting)
    decisions_slide(data, builder, meeting)
    points_durs_annex_slide(data, builder, meeting, shown)


# ---------------------------------------------------------------- project and governance


def project_slide(data: DeckInput, builder: DeckBuilder) -> None:
    """Le projet en bref: convention, operations, costs, subsidy, progress, avenants, alerts; the title the progress."""
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
        f"{plural(ind.operations, 'opération')} en cours ou réalisée{'s' if ind.operations > 1 else ''}"
        + (f" ({plural(abandoned, 'abandonnée', 'abandonnées')})" if abandoned else "")
        + (f", quartiers : {', '.join(districts)}" if districts else ""),
        f"Coût : {meur(drift.convention)} à la convention, {meur(drift.current)} actualisé "
        f"({signed_pct(drift.drift_pct)})",
        f"Subvention ANRU : {meur(anru.amount)}, engagée à {pct(anru.engaged_pct)}, versée à "
        f"{pct(anru.paid_of_amount_pct)}",
        f"Opérations lancées : {fr_number(ind.operations_launched)} sur {fr_number(ind.operations)} "
        f"({pct(ind.launched_pct)}) ; avancement pondéré {pct(ind.progress_pct)} pour "
        f"{pct(ind.planned_progress_pct)} prévus",
        f"Avenant en vigueur : {params.amendment_in_force or 'aucun renseigné'} ; "
        f"{plural(len(amendments), 'avenant')} à la convention",
        f"Points d'alerte : {plural(red, 'rouge')}, {fr_number(len(data.alerts) - red)} orange",
    ]
    builder.bullets(
        f"Le projet en bref : avancement {pct(ind.progress_pct)} pour {pct(ind.planned_progress_pct)} prévus, "
        f"subvention ANRU engagée à {pct(anru.engaged_pct)}", items,
        notes=f"Paramètres (convention, avenant en vigueur) ; Opérations ({len(operations)} lignes) ; coûts : "
              f"{euros(drift.convention)} convention, {euros(drift.current)} actualisé (dérive "
              f"{pct(drift.drift_pct)}) ; subvention ANRU (Financements) : {euros(anru.amount)}, engagé "
              f"{euros(anru.engaged)}, versé {euros(anru.paid)} ; avancement A(t) {pct(ind.progress_pct)}, "
              f"prévu {pct(ind.planned_progress_pct)} ; alertes : feuille Alertes.")


def amendments_slide(data: DeckInput, builder: DeckBuilder) -> None:
    """The avenants, the latest first, on one slide (the others counted): number, date, type, subject, operations."""
    amendments = sorted(data.programme.amendments, key=lambda a: (a.date is not None, a.date, a.number),
                        reverse=True)
    columns = [Column("Avenant", 0.8), Column("Date", 1.0), Column("Type", 1.0), Column("Objet", 4.0),
               Column("Opérations concernées", 4.0)]
    rows = [[f"n°{a.number}", maybe_date(a.date), a.kind or "—", shorten(a.subject or "—", SUBJECT_CAP),
             _operations_touched(a.operation_ids)] for a in amendments]
    older = "avenants plus anciens"
    rows = fit_one_slide(columns, rows, lambda n: ["…", "", "", f"{plural(n, 'avenant plus ancien', older)} : "
                                                                "feuille Avenants", ""])
    touched = amended_ids(data.situation)
    dated = [a.date for a in amendments if a.date]
    concerned = plural(len(touched), "opération concernée", "opérations concernées")
    title = (f"{plural(len(amendments), 'avenant')} à la convention, {concerned}"
             + (f" ; le dernier du {fr_date(max(dated))}" if dated else ""))
    builder.table(title if amendments else "Aucun avenant à la convention", columns, rows,
                  notes=f"{plural(len(amendments), 'avenant')} dans la feuille Avenants, le plus récent d'abord ; "
                        f"avenant en vigueur selon Paramètres : {data.params.amendment_in_force or 'non renseigné'}. "
                        "Opérations concernées : "
                        + " ; ".join(f"n°{a.number} : {', '.join(a.operation_ids) or 'aucune'}" for a in amendments)
                        + ".",
                  empty="Aucun avenant saisi dans la feuille Avenants.", font_pt=table_font(rows))


def _operations_touched(ids: Sequence[str]) -> str:
    if not ids:
        return "—"
    shown = ", ".join(ids[:MAX_AMENDMENT_OPERATIONS])
    more = len(ids) - MAX_AMENDMENT_OPERATIONS
    return f"{fr_number(len(ids))} : {shown}" + (f" et {plural(more, 'autre')}" if more > 0 else "")


def governance_slide(data: DeckInput, builder: DeckBuilder) -> None:
    """Each instance: rhythm, last séance, next date after this séance, actions open and late at the séance."""
    nexts = next_meetings(data)
    seance = data.meeting.day
    instances = list(data.programme.lists.get(contract.INSTANCES, ()) or contract.DEFAULT_LISTS[contract.INSTANCES])
    instances += [i for i in nexts if i not in instances]
    rows = []
    total_open = total_late = 0
    for instance in instances:
        actions = [a for a in data.programme.actions if a.instance == instance]
        held = [a.date for a in actions if a.date and a.date <= data.at]
        open_ = [a for a in actions if a.status != "Soldée" and a.closed_on is None]
        late = [a for a in open_ if a.due and a.due < seance]
        total_open, total_late = total_open + len(open_), total_late + len(late)
        rows.append([instance, RHYTHMS.get(instance, ""), fr_date(max(held)) if held else "—",
                     next_date_cell(data, instance, nexts.get(instance)), fr_number(len(open_)),
                     Cell(fr_number(len(late)), "orange" if late else None)])
    upcoming = sorted((d, i) for i, d in nexts.items() if d and d > seance and i != data.meeting.label)
    title = (f"Gouvernance : {plural(total_open, 'action ouverte', 'actions ouvertes')}, dont "
             f"{fr_number(total_late)} échue{'s' if total_late > 1 else ''} à la séance"
             + (f" ; prochaine instance : {upcoming[0][1].lower()} le {fr_date(upcoming[0][0])}" if upcoming else ""))
    builder.table(title,
                  [Column("Instance", 2.0), Column("Rythme", 1.6), Column("Dernière séance", 1.3),
                   Column("Prochaine date", 2.1), Column("Actions ouvertes", 1.1, "right"),
                   Column("dont échues", 1.0, "right")], rows,
                  notes=f"Séance du {fr_date(seance)}, situation au {fr_date(data.at)}. Prochaines dates : feuille "
                        "Paramètres (Prochain point mensuel, comité de suivi, comité de pilotage, revue de projet, "
                        "point d'étape), vues depuis la séance : après elle, avant elle (tenue d'ici là), ou déjà "
                        "passée à la date de situation (à replanifier). Dernière séance : date la plus récente du "
                        "relevé de décisions (feuille Actions) pour l'instance ; actions ouvertes : non soldées ; "
                        f"échues : échéance avant la séance du {fr_date(seance)}.", font_pt=table_font(rows))


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
    to_validate = total.current - amended_total
    builder.table(
        f"Coût actualisé {meur(total.current)} : {signed_pct(total.drift_pct)} sur la convention, "
        f"{euros(to_validate)} à valider par avenant",
        [Column("Famille", 3.2), Column("Convention", 1.2, "right"), Column("Après avenants", 1.2, "right"),
         Column("Actualisé", 1.2, "right"), Column("Dérive", 1.0, "right"),
         Column("À valider par avenant", 1.5, "right"), Column("Subvention ANRU", 1.3, "right")], rows,
        notes=f"Coûts HT des opérations non abandonnées (feuille Opérations) : convention {euros(total.convention)}, "
              f"actualisé {euros(total.current)}, dérive {pct(total.drift_pct)}. « Après avenants » : le classeur ne "
              f"garde pas le coût validé par chaque avenant ; les {plural(len(touched), 'opération')} citées dans "
              f"la feuille Avenants (Opérations concernées) y sont prises à leur coût actualisé, les autres à leur "
              f"coût convention. « À valider par avenant » = actualisé − après avenants : dérive d'opérations qu'aucun "
              f"avenant n'a encore reprises ({euros(total.current - amended_total)}). Subvention ANRU : feuille "
              f"Financements, montant actualisé sinon convention ({euros(data.indicators.anru.amount)}).")


# ---------------------------------------------------------------- habitat


def _reconstitution_commitment(data: DeckInput):
    return next(c for c in data.situation.commitments if c.name == RECONSTITUTION)


def reconstitution_slide(data: DeckInput, builder: DeckBuilder) -> None:
    """The reconstitution's chart, the title its verdict in the checklist against the contracted target."""
    rec = data.indicators.reconstitution
    target = reconstitution_target(data.situation)
    verdict = _reconstitution_commitment(data).status
    builder.chart(
        f"Reconstitution de l'offre : {verdict[0].lower()}{verdict[1:]} — "
        f"{plural(rec.rebuilt_planned, 'logement programmé', 'logements programmés')} pour {fr_number(target)} "
        f"contracté{'s' if target > 1 else ''}", "column",
        ["Programmés", "Travaux démarrés", "Livrés"],
        {"Logements démolis": [rec.demolished_planned, rec.demolished_started, rec.demolished_delivered],
         "Logements reconstitués": [rec.rebuilt_planned, rec.rebuilt_started, rec.rebuilt_delivered]},
        notes=f"Opérations des familles « {contract.DEMOLITION} » et « {contract.RECONSTITUTION} » (feuille "
              f"Opérations, quantité convention en logements) ; démarré = date réelle de démarrage des travaux "
              f"(Jalons), livré = date réelle de livraison ou statut Livrée / Soldée. Démolis : "
              f"{fr_number(rec.demolished_planned)} programmés, {fr_number(rec.demolished_started)} démarrés, "
              f"{fr_number(rec.demolished_delivered)} livrés ; reconstitués : {fr_number(rec.rebuilt_planned)}, "
              f"{fr_number(rec.rebuilt_started)}, {fr_number(rec.rebuilt_delivered)}. Verdict : celui de la liste "
              f"des engagements, contre l'objectif contracté ({fr_number(target)} logements).",
        comment=reconstitution_comment(data), number_format="0")
    _label_last_chart(builder, "0")


def reconstitution_comment(data: DeckInput) -> str:
    """Return the reconstitution's comment: the target, the share of it programmed, the pace, the verdict.

    Every ratio is read against what the convention contracted (its share of the demolitions when an
    *Objectif de reconstitution* is typed, else 1 pour 1): a 1-for-1 ratio never stands alone beside a verdict
    that reads another target.
    """
    rec = data.indicators.reconstitution
    goal = reconstitution_goal(data.situation)
    target = reconstitution_target(data.situation)
    share = target / rec.demolished_planned if rec.demolished_planned else None
    pace = [a.finding for a in alerts_of(data.situation, ("HAB-01",)) if a.severity is Level.ORANGE]
    missing = target - rec.rebuilt_planned
    contracted = f", pour {ratio_pct(share)} contractés" if share is not None else ""
    return "\n".join([
        f"{goal[0].upper()}{goal[1:]}.",
        f"Programmé : {plural(rec.rebuilt_planned, 'logement')}, "
        f"{pct(100 * rec.rebuilt_planned / target) if target else '—'} de l'objectif"
        + (f" : il manque {plural(missing, 'logement')}." if missing > 0 else "."),
        f"Démarrés : {fr_number(rec.rebuilt_started)} pour {fr_number(rec.demolished_started)} démolis démarrés "
        f"({ratio_pct(rec.ratio_started)}{contracted}).",
        f"Livrés : {fr_number(rec.rebuilt_delivered)} pour {fr_number(rec.demolished_delivered)} démolis livrés.",
        f"Rythme (HAB-01) : {pace[0]}." if pace else "Rythme : la reconstitution suit les démolitions (HAB-01).",
        f"Engagement : {_reconstitution_commitment(data).status}.",
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


# ---------------------------------------------------------------- commitments


def commitments_slide(data: DeckInput, builder: DeckBuilder) -> None:
    """The checklist, the title counting the verdicts that ask something of the room."""
    items = data.situation.commitments
    rows = [[Cell(c.name, bold=True), Cell(c.status, COMMITMENT_STATUS[c.status]), c.evidence, c.source]
            for c in items]
    counts = {s: sum(c.status == s for c in items) for s in COMMITMENT_STATUS}
    on_track = counts[ATTEINT] + counts[CONFORME]
    title = (f"Engagements de la convention : {plural(counts[ECART], 'écart', 'écarts')} à traiter par avenant, "
             f"{fr_number(counts[VIGILANCE])} en vigilance, {fr_number(on_track)} "
             f"{'atteints ou conformes' if on_track > 1 else 'atteint ou conforme'} sur {fr_number(len(items))}")
    builder.table(
        title, [Column("Engagement", 2.2), Column("Statut", 1.5), Column("Constat", 5.1), Column("Source", 1.9)],
        rows,
        notes=f"{plural(counts[ATTEINT], 'atteint')}, {plural(counts[CONFORME], 'conforme')}, "
              f"{fr_number(counts[VIGILANCE])} en vigilance, {plural(counts[ECART], 'écart')} à traiter par avenant, "
              f"{plural(counts[NON_MESURE], 'non mesuré', 'non mesurés')} faute de données. Règles : atteint = "
              "engagement rempli ; conforme = en bonne voie, pas encore achevé ; vigilance = en retard mais "
              "rattrapable avant la fin de la convention ; écart à traiter (avenant) = l'écart ne se résorbera plus "
              "dans la convention signée, un avenant doit le régler ; chaque statut s'accorde avec l'alerte qui "
              "mesure le même chiffre (le détail est dans la documentation du diaporama, revue_projet.py). "
              "Chiffres : indicateurs et feuille Alertes.",
        font_pt=table_font(rows))
