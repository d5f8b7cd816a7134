"""Réunion restreinte on one theme (``data.theme``): 9 slides on the shipped master, the Gantt alone growing
with the programme (by operation, the late ones first beyond three slides).

Every deck: title · synthesis (``findings.synthesis_slide``, the decisions filtered to the theme's instance) ·
the theme's slides, each title stating its finding · the points durs touching the theme
(``findings.points_durs_slide``) · the decisions its instance can take (``findings.decisions_slide``) · the
open actions of its meeting (*Actions* whose *Instance* is the theme's), those due before the séance late.

- *technique*: glissements par famille (max and median slip of works starts and deliveries, and the
  forecasts passed with nothing real: late until t) · démarrages et livraisons en retard (the largest slips
  of the milestones not reached, with their motif) · Gantt · enchaînements à tenir (*Dépendances*, broken ones
  first, then by margin).
- *financière*: plans de financement par financeur (subsidies, then own funds and loans, with their totals) ·
  courbe en S ANRU · subvention ANRU par famille · échéances financières to six months after the séance.
- *sociale*: relogement (key figures) · relogements en cours (most households left first) · insertion and
  GUP (key figures) · insertion des chantiers en cours (lowest realised ÷ planned first).

Every list holds on one slide (``findings.fit_one_slide``); the workbook keeps them all.
"""

from __future__ import annotations

from collections.abc import Callable

from opc_excel.compute.alerts.enchainement import LINKED_MILESTONES, happened, link_of
from opc_excel.compute.schedule import add_months, delivered, is_abandoned, milestone_label, whole_months
from opc_excel.fr import fr_date, fr_months, fr_number
from opc_excel.model import Milestone
from opc_excel.read import contract
from opc_excel.render.decks.builder import Cell, Column, DeckBuilder
from opc_excel.render.decks.common import THEMES_BY_MEETING, DeckInput, start_deck
from opc_excel.render.decks.findings import decisions_slide, fit_one_slide, points_durs_slide, synthesis_slide
from opc_excel.render.decks.gantt import draw_gantt
from opc_excel.render.decks.restreinte_slides import financial_slides, open_actions_slide, planned, social_slides
from opc_excel.situation.formats import maybe_date, plural, signed_median_months, signed_months
from opc_excel.situation.selections import slip_status
from opc_excel.text import NAME_CAP, shorten

KIND = "Réunion restreinte"
THEME_LABELS = {"technique": "technique", "financiere": "financière", "sociale": "sociale"}
THEME_CONTENTS = {"technique": "Glissements, calendrier, enchaînements des opérations, points durs et décisions",
                  "financiere": "Plans de financement, engagements, échéances, points durs et décisions",
                  "sociale": "Relogement, insertion, gestion urbaine de proximité, points durs et décisions"}
SLIPPING = (contract.WORKS_START, contract.DELIVERY)


def build(data: DeckInput, builder: DeckBuilder) -> None:
    theme = data.theme or "technique"
    meeting = data.meeting
    start_deck(data, KIND, builder, title=f"Réunion restreinte {THEME_LABELS[theme]}",
               extra_lines=[THEME_CONTENTS[theme]])
    synthesis_slide(data, builder, meeting)
    SLIDES[theme](data, builder)
    points_durs_slide(data, builder, meeting)
    decisions_slide(data, builder, meeting)
    open_actions_slide(data, builder, THEMES_BY_MEETING[theme][1])


# ---------------------------------------------------------------- technique


def technical_slides(data: DeckInput, builder: DeckBuilder) -> None:
    slips_by_famille_slide(data, builder)
    slips_slide(data, builder)
    gantt_slide(data, builder)
    sequencing_slide(data, builder)


def _late_slips(data: DeckInput):
    """Return the works starts and deliveries not reached whose slip on the contractual date is positive, the
    largest first (an overdue forecast counts until t: ``indicators.calendrier.slips``)."""
    late = [s for s in data.indicators.slips
            if s.milestone in SLIPPING and not s.done and (s.vs_baseline_months or 0) > 0]
    return sorted(late, key=lambda s: (-(s.vs_baseline_months or 0), s.operation_id, s.milestone))


def slips_by_famille_slide(data: DeckInput, builder: DeckBuilder) -> None:
    """Max and median slips by famille, and the forecasts passed with nothing real (late until t)."""
    overdue: dict[str, int] = {}
    for s in data.indicators.slips:
        if s.milestone in SLIPPING and s.overdue:
            overdue[s.famille] = overdue.get(s.famille, 0) + 1
    rows = []
    for f in data.indicators.slips_by_famille:
        rows.append([f.famille, Cell(signed_months(f.works_start_max_months),
                                     slip_status(f.works_start_max_months, data.params)),
                     signed_median_months(f.works_start_median_months),
                     Cell(signed_months(f.delivery_max_months), slip_status(f.delivery_max_months, data.params)),
                     signed_median_months(f.delivery_median_months),
                     Cell(fr_number(overdue.get(f.famille, 0)), "orange" if overdue.get(f.famille) else None)])
    worst = max(((f.delivery_max_months, f.famille) for f in data.indicators.slips_by_famille
                 if f.delivery_max_months is not None), default=None)
    stale = sum(overdue.values())
    title = (f"Livraisons : jusqu'à {fr_months(worst[0])} de glissement ({worst[1]})" if worst and worst[0] > 0
             else "Aucune livraison en glissement sur la date contractuelle")
    if stale:
        title += f" ; {plural(stale, 'prévision échue', 'prévisions échues')} sans date réelle"
    builder.table(
        title,
        [Column("Famille", 3.6), Column("Démarrage : max", 1.3, "right"), Column("Démarrage : médiane", 1.4, "right"),
         Column("Livraison : max", 1.3, "right"), Column("Livraison : médiane", 1.4, "right"),
         Column("Prévisions échues", 1.3, "right")], rows,
        notes="Glissement de chaque jalon = date réelle, sinon prévisionnelle − date contractuelle (date avenant, "
              "sinon date convention), en mois entiers (feuille Jalons) ; un jalon sans date réelle dont la date "
              f"prévisionnelle (sinon contractuelle) est passée est en retard au moins jusqu'au {fr_date(data.at)} "
              "(« prévision échue »). Maximum et médiane par famille des démarrages de travaux et des livraisons. "
              f"Orange à partir de {fr_months(data.params.delay_orange_months)}, rouge à partir de "
              f"{fr_months(data.params.delay_red_months)} (Paramètres), comme l'alerte CAL-02.",
        empty="Aucun glissement connu : pas de date réelle ni prévisionnelle saisie.", font_pt=10)


def _named(op, milestone: str) -> str:
    return milestone_label(op, milestone) if op is not None else milestone


def slips_slide(data: DeckInput, builder: DeckBuilder) -> None:
    """The largest slips of the works starts and deliveries not reached, with their motif, on one slide."""
    labels = {op.id: op for op in data.programme.operations}
    late = _late_slips(data)
    stale = [s for s in late if s.overdue]
    red = sum(slip_status(s.vs_baseline_months, data.params) == "rouge" for s in late)
    rows = []
    for s in late:
        op = labels.get(s.operation_id)
        rows.append([f"{s.operation_id} — {shorten(op.label or '', NAME_CAP) if op else ''}", _named(op, s.milestone),
                     maybe_date(s.baseline, "—"),
                     Cell(fr_date(s.current) + (" : échue" if s.overdue else ""), "orange" if s.overdue else None),
                     Cell(signed_months(s.vs_baseline_months), slip_status(s.vs_baseline_months, data.params)),
                     signed_months(s.vs_convention_months),
                     Cell(shorten(s.motif or "non renseigné", NAME_CAP), None if s.motif else "orange")])
    columns = [Column("Opération", 3.4), Column("Jalon", 1.5), Column("Date contractuelle", 1.2),
               Column("Date prévue", 1.2), Column("Glissement", 1.0, "right"),
               Column("depuis la convention", 1.1, "right"), Column("Motif", 1.8)]
    rows = fit_one_slide(columns, rows, lambda n: [
        f"… et {plural(n, 'autre jalon', 'autres jalons')} en glissement moindre", "feuille Jalons",
        "", "", "", "", ""])
    title = (f"{plural(len(late), 'démarrage ou livraison', 'démarrages ou livraisons')} en retard sur la date "
             f"contractuelle, dont {fr_number(red)} de {fr_months(data.params.delay_red_months)} ou plus"
             if late else "Aucun démarrage ni livraison en retard sur la date contractuelle")
    if stale:
        title += f" ; {plural(len(stale), 'prévision échue', 'prévisions échues')}"
    builder.table(
        title, columns, rows,
        notes=f"Démarrages de travaux et livraisons non intervenus dont la date réelle, sinon prévisionnelle, est "
              f"postérieure à la date contractuelle (date avenant, sinon date convention), les plus forts glissements "
              f"d'abord ; celui depuis la convention à côté pour mémoire. « Échue » : date prévue passée sans date "
              f"réelle, le jalon est en retard au moins jusqu'au {fr_date(data.at)} et son glissement est compté "
              f"jusque-là"
              + "".join(f" ; {s.operation_id} : {planned(_named(labels.get(s.operation_id), s.milestone))} le "
                        f"{fr_date(s.current)}, non intervenu" for s in stale[:5])
              + ". Motif : colonne Motif de décalage (Jalons).",
        empty="Aucun démarrage ni livraison en retard sur la date contractuelle (avenant, sinon convention).",
        font_pt=10)


def gantt_slide(data: DeckInput, builder: DeckBuilder) -> None:
    """The Gantt (gantt.py): one row per operation, the late ones first when they don't fit three slides."""
    draw_gantt(builder, data.programme, data.at)


def sequencing_rows(data: DeckInput) -> list[list[Cell | str]]:
    """Return the *Dépendances* still to honour, broken ones (CAL-04, red) first, then by margin.

    Still to honour: successor not delivered, and its linked milestone not already past the predecessor's.
    The dates are those CAL-04 compares by *Type de lien* (Fin → Début: the predecessor's delivery and the
    successor's works start; Début → Début; Fin → Fin; Continuité as Fin → Début), actual, else forecast,
    else baseline, the earliest allowed being the predecessor's + *Délai minimal (mois)*.
    """
    programme = data.programme
    broken = {(a.operation_id, a.milestone) for a in data.alerts if a.code == "CAL-04"}
    rows: list[list[Cell | str]] = []
    for dependency in programme.dependencies:
        predecessor, successor = programme.operation(dependency.predecessor), programme.operation(dependency.successor)
        if predecessor is None or successor is None or is_abandoned(predecessor) or is_abandoned(successor):
            continue
        link = link_of(dependency)
        before, after = LINKED_MILESTONES[link]
        if delivered(successor, data.at) or (happened(successor, after, data.at)
                                             and happened(predecessor, before, data.at)):
            continue
        delivery, start = predecessor.milestone(before), successor.milestone(after)
        end, begin = _expected(delivery), _expected(start)
        earliest = add_months(end, dependency.lag_months or 0) if end else None
        margin = whole_months(earliest, begin) if earliest and begin else None
        is_broken = (successor.id, after) in broken and margin is not None and begin < earliest
        status = Cell("Rompu (CAL-04)", "rouge") if is_broken else Cell("Respecté", "vert") if margin is not None \
            else Cell("Dates manquantes", "gris")
        rows.append(([f"{predecessor.id} — {shorten(predecessor.label or '', NAME_CAP)}", _dated(delivery),
                      f"{link}, {fr_months(dependency.lag_months or 0)}",
                      f"{successor.id} — {shorten(successor.label or '', NAME_CAP)}",
                      _dated(start), signed_months(margin), status],
                     (not is_broken, margin is None, margin or 0)))
    return [row for row, _ in sorted(rows, key=lambda item: item[1])]


def sequencing_slide(data: DeckInput, builder: DeckBuilder) -> None:
    """The *Dépendances* still to honour, broken ones first, then by margin, on one slide."""
    rows = sequencing_rows(data)
    total = len(rows)
    broken = sum(1 for row in rows if isinstance(row[-1], Cell) and row[-1].status == "rouge")
    columns = [Column("Prédécesseur", 2.9), Column("Jalon amont", 1.3), Column("Lien, délai minimal", 1.5),
               Column("Successeur", 2.9), Column("Jalon aval", 1.3), Column("Marge", 0.9, "right"),
               Column("État", 1.4)]
    rows = fit_one_slide(columns, rows, lambda n: [
        Cell(f"… et {plural(n, 'autre enchaînement', 'autres enchaînements')} à tenir, avec plus de marge"),
        "feuille Dépendances", "", "", "", "", ""])
    title = (f"{plural(broken, 'enchaînement rompu', 'enchaînements rompus')} sur "
             f"{plural(total, 'enchaînement', 'enchaînements')} à tenir" if broken
             else f"{plural(total, 'enchaînement', 'enchaînements')} à tenir, aucun rompu" if total
             else "Aucun enchaînement à tenir")
    builder.table(
        title, columns, rows,
        notes=f"Feuille Dépendances : {len(data.programme.dependencies)} enchaînements, dont {total} encore à "
              f"tenir (successeur non livré, et son jalon pas déjà passé après celui du prédécesseur). Jalons "
              f"comparés selon le type de lien : Fin → Début, livraison du prédécesseur puis démarrage du "
              f"successeur ; Début → Début, les deux démarrages ; Fin → Fin, les deux livraisons ; Continuité, "
              f"livraison du nouvel équipement puis démolition de l'ancien. Dates réelles (« réel ») sinon "
              f"prévisionnelles sinon de référence (Jalons) ; marge = jalon aval − (jalon amont + délai minimal), "
              f"en mois entiers. {plural(broken, 'rompu', 'rompus')} : alerte CAL-04.",
        empty="Aucun enchaînement à tenir dans la feuille Dépendances.", font_pt=10)


def _expected(milestone: Milestone | None):
    return milestone.expected if milestone is not None else None


def _dated(milestone: Milestone | None) -> str:
    if milestone is None or milestone.expected is None:
        return "—"
    return f"{fr_date(milestone.actual)} (réel)" if milestone.actual else fr_date(milestone.expected)


SLIDES: dict[str, Callable[[DeckInput, DeckBuilder], None]] = {
    "technique": technical_slides, "financiere": financial_slides, "sociale": social_slides}
