"""The COPIL's calendar slides: the largest slips, their motifs, the avenants, the semester's perspectives.

**Slips** are read on the milestones the convention dates and an avenant re-contracts (DAS, works start,
delivery) and not reached yet: the current date is the *Date prévisionnelle*, else the baseline — and a date
already past with nothing real is *dépassée*: the milestone is late at least to the date de situation, never
on time. Each operation shows its largest slip on its latest baseline (*Date avenant*, else *Date
convention*). An operation « à porter par avenant » is one GOV-04 names for a slip (a forecast at least
*Seuil retard rouge* after the baseline): the slips slide, the avenants slide and the decision asked of the
COPIL count the same operations (one figure, one value).

**Perspectives** start at the séance, not at the date de situation: launches and deliveries from the séance to
six months after it; those due before the séance with nothing real are said late (before the date de
situation: *dépassées*; between it and the séance: to confirm in séance). One slide: the list when it holds,
else counted by famille.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from opc_excel.compute.alerts.gouvernance import IN_PREPARATION, amended_operations
from opc_excel.compute.indicators.calendrier import ToLaunch, open_prerequisites
from opc_excel.compute.schedule import (
    CLOSED_STATUSES,
    add_months,
    delivered,
    milestone_label,
    whole_months,
    works_started,
)
from opc_excel.fr import fr_date, fr_months, fr_number
from opc_excel.model import Operation
from opc_excel.read import contract
from opc_excel.render.decks.builder import Cell, Column, DeckBuilder
from opc_excel.render.decks.common import DeckInput
from opc_excel.render.decks.findings import fit_one_slide
from opc_excel.situation.formats import plural
from opc_excel.situation.schedule import launch_blockers, live_operations
from opc_excel.situation.selections import slip_status
from opc_excel.text import NAME_CAP, shorten

LARGEST_SLIPS = 10
OUTLOOK_MONTHS = 6
MAX_OUTLOOK_ROWS = 30  # beyond, or when the list does not hold on one slide, counted by famille
DATED = (contract.DELIVERY, contract.WORKS_START, contract.DAS)  # a tie goes to the first


@dataclass(frozen=True, slots=True)
class OpSlip:
    """The largest slip of one operation on a milestone not reached: ``stale`` when its date is past."""

    operation: Operation
    milestone: str
    baseline: date
    from_avenant: bool
    expected: date  # the forecast, else the baseline
    months: int  # whole months from the baseline to the expected date (to t when it is past)
    stale: bool
    motif: str | None


def operation_slips(data: DeckInput) -> list[OpSlip]:
    """Return each live, undelivered operation's largest slip (see the module docstring), largest first."""
    at, found = data.at, []
    for op in live_operations(data.situation):
        if delivered(op, at):
            continue
        best: OpSlip | None = None
        for name in DATED:
            m = op.milestone(name)
            if m is None or m.baseline is None or (m.actual is not None and m.actual <= at):
                continue
            expected = m.forecast or m.baseline
            stale = expected < at
            months = whole_months(m.baseline, max(expected, at))
            if months > 0 and (best is None or months > best.months):
                best = OpSlip(op, milestone_label(op, name), m.baseline, m.avenant is not None
                              and m.avenant != m.convention, expected, months, stale, m.motif)
        if best is not None:
            found.append(best)
    return sorted(found, key=lambda s: (-s.months, s.operation.id))


def avenant_slips(data: DeckInput) -> set[str]:
    """Return the operations GOV-04 names for a slip: a forecast (late at least until t once passed) ≥ baseline +
    *Seuil retard rouge*, not reached — GOV-04's own rule (compute/alerts/gouvernance.py ``_largest_slip``)."""
    candidates = {a.operation_id for a in data.situation.avenant_candidates}
    found = set()
    for op in data.programme.operations:
        if op.id not in candidates:
            continue
        for name in DATED:
            m = op.milestone(name)
            if m is not None and m.actual is None and m.forecast and m.baseline \
                    and max(m.forecast, data.at) >= add_months(m.baseline, data.params.delay_red_months):
                found.add(op.id)
    return found


def slips_slide(data: DeckInput, builder: DeckBuilder) -> None:
    slips = operation_slips(data)
    carried, preparing = avenant_slips(data), amended_operations(data.programme)[0]
    top = slips[:LARGEST_SLIPS]
    rows = []
    for s in top:
        op = s.operation
        if op.id in preparing:
            what = Cell(f"avenant n°{preparing[op.id]} en préparation")
        elif op.id in carried:
            what = Cell("à porter par avenant", "orange")
        elif s.stale:
            what = Cell("date prévisionnelle à recaler", "orange")
        else:
            what = Cell("planning de rattrapage")
        rows.append([f"{op.id} — {shorten(op.label or '', NAME_CAP)}", s.milestone,
                     fr_date(s.baseline) + (" (av.)" if s.from_avenant else ""),
                     Cell(f"{fr_date(s.expected)} dépassée" if s.stale else fr_date(s.expected),
                          "rouge" if s.stale else None),
                     Cell(f"+{s.months} mois", slip_status(s.months, data.params)),
                     shorten(s.motif or "non renseigné", NAME_CAP), what])
    columns = [Column("Opération", 3.6), Column("Jalon", 1.5), Column("Référence", 1.1), Column("Prévu", 1.2),
               Column("Glissement", 1.0, "right"), Column("Motif", 1.4), Column("Suite", 1.6)]
    rows = fit_one_slide(columns, rows, lambda n: ["…", f"{n} autres opérations", "", "", "", "", ""])
    count = len({s.operation.id for s in slips} & carried)
    stale = sum(s.stale for s in slips)
    title = (f"{plural(len(slips), 'opération')} en glissement, dont "
             f"{fr_number(count) if count else 'aucune'} à porter par avenant"
             + (f" : les {fr_number(len(top))} plus forts glissements" if len(slips) > len(top) else ""))
    builder.table(
        title if slips else "Aucune opération en glissement sur sa date de référence", columns, rows,
        notes=f"Glissement de chaque opération = son jalon le plus en retard parmi la DAS, le démarrage des travaux "
              f"et la livraison non atteints (Jalons), sur la date de référence (date avenant « av. », sinon "
              f"convention), en mois entiers. Une date prévisionnelle passée sans date réelle est « dépassée » : "
              f"le glissement court jusqu'au {fr_date(data.at)} ({plural(stale, 'opération')} dans ce cas). Couleur "
              f"à partir de {fr_months(data.params.delay_orange_months)} et de "
              f"{fr_months(data.params.delay_red_months)} (Paramètres). « À porter par avenant » : les "
              f"{fr_number(count)} opérations de l'alerte GOV-04 pour un glissement, comptées aussi dans les "
              f"avenants et la décision demandée.",
        empty="Aucune opération en glissement sur sa date contractuelle (avenant, sinon convention).")


def motifs_slide(data: DeckInput, builder: DeckBuilder) -> None:
    slips = operation_slips(data)
    counts = Counter(s.motif or "Non renseigné" for s in slips)
    listed = [m for m in data.programme.lists.get(contract.MOTIFS, ()) if m in counts]
    motifs = sorted(counts, key=lambda m: (-counts[m], listed.index(m) if m in listed else len(listed), m))
    if not motifs:
        builder.bullets("Aucun motif de décalage à compter", [],
                        notes="Aucun jalon en retard sur sa date de référence (Jalons).",
                        empty="Aucune opération en glissement : pas de motif à compter.")
        return
    first = motifs[0]
    builder.chart(
        f"Premier motif de décalage : {first.lower()} ({fr_number(counts[first])} des "
        f"{plural(len(slips), 'opération')} en glissement)" if len(slips) > 1 else
        f"Motif de décalage : {first.lower()}", "bar", motifs, {"Opérations": [counts[m] for m in motifs]},
        notes=f"Motif de décalage du jalon le plus en retard de chacune des opérations en glissement "
              f"({len(slips)}) sur leur date de référence (Jalons, colonne Motif de décalage). "
              + " ; ".join(f"{m} : {counts[m]}" for m in motifs) + ".",
        comment=f"{plural(len(slips), 'opération')} en glissement.\n"
                f"Premier motif : {first.lower()} ({plural(counts[first], 'opération')}).",
        number_format="0")


def avenants_slide(data: DeckInput, builder: DeckBuilder) -> None:
    """The avenants in preparation (status, else dated after t), then the GOV-04 candidates, on one slide."""
    planned = sorted((a for a in data.programme.amendments
                      if a.status == IN_PREPARATION or (a.date and a.date > data.at)),
                     key=lambda a: (a.date or date.max, a.number))
    rows: list[list[Cell | str]] = [
        [Cell(f"Avenant n°{a.number}" + (f" ({a.kind.lower()})" if a.kind else ""), "orange", bold=True),
         ", ".join(a.operation_ids) or "—", a.subject or "—",
         f"prévu le {fr_date(a.date)}" if a.date else "date à fixer"] for a in planned]
    candidates = data.situation.avenant_candidates
    for alert in candidates:
        op = data.programme.operation(alert.operation_id) if alert.operation_id else None
        name = f"{op.id} — {shorten(op.label or '', NAME_CAP)}" if op else alert.operation_id or "Programme"
        change = alert.finding.split(" : ", 1)[-1]
        rows.append([Cell("À porter par avenant", "orange"), name,
                     f"{change[:1].upper()}{change[1:]} ; {(op.owner if op else None) or 'maître d’ouvrage ?'}",
                     "à inscrire"])
    columns = [Column("Nature", 1.6), Column("Opérations", 3.0), Column("Changement ou objet", 4.7),
               Column("Échéance", 1.1)]
    rows = fit_one_slide(columns, rows, lambda n: [Cell("…", "gris"), f"… et {plural(n, 'autre', 'autres')}",
                                                   "feuille Alertes, changements à porter par avenant", ""])
    slips = len(avenant_slips(data))
    state = (f"{plural(len(planned), 'avenant')} en préparation" if planned
             else "aucun avenant en préparation")
    title = (f"{plural(len(candidates), 'changement')} à porter par avenant, dont "
             f"{plural(slips, 'glissement')} ; {state}" if candidates else
             f"Aucun changement à porter par avenant ; {state}")
    builder.table(
        title, columns, rows,
        notes=f"Avenants au statut « En préparation » ou datés après le {fr_date(data.at)} (feuille Avenants), "
              f"puis les changements qu'aucun avenant en préparation ne porte (alertes GOV-04), les plus en jeu "
              f"d'abord : glissement d'au moins {fr_months(data.params.delay_red_months)} sur la date de "
              f"référence, coût ou subvention ANRU modifiés d'au moins {fr_number(data.params.amendment_change_pct)} "
              f"%, quantité modifiée, opération abandonnée. Avenant en vigueur : "
              f"{data.params.amendment_in_force or 'non renseigné'}.",
        empty="Aucun avenant en préparation ni changement à porter par avenant.")


# ---------------------------------------------------------------- perspectives


@dataclass(frozen=True, slots=True)
class Event:
    day: date
    launch: bool
    operation: Operation
    blockers: object | None  # LaunchBlockers for a launch


def events(data: DeckInput, end: date) -> list[Event]:
    """Return the launches and deliveries not reached whose date (forecast, else baseline) falls before ``end``."""
    at, found = data.at, []
    for op in live_operations(data.situation):
        if op.status in CLOSED_STATUSES or delivered(op, at):
            continue
        start, delivery = op.milestone(contract.WORKS_START), op.milestone(contract.DELIVERY)
        if start is not None and not works_started(op, at) and (day := start.forecast or start.baseline) \
                and day <= end:
            launch = ToLaunch(op.id, op.label or "", op.famille or "", op.owner or "", day,
                              open_prerequisites(op, data.programme.funding_of(op.id), at))
            found.append(Event(day, True, op, launch_blockers(data.situation, launch)))
        if delivery is not None and (day := delivery.forecast or delivery.baseline) and day <= end:
            found.append(Event(day, False, op, None))
    return sorted(found, key=lambda e: (e.day, not e.launch, e.operation.id))


def _when(data: DeckInput, day: date) -> Cell:
    seance = data.meeting.day
    if day < data.at:
        return Cell(f"{fr_date(day)} dépassée", "rouge")
    if day < seance:
        return Cell(f"{fr_date(day)}, avant la séance", "orange")
    return Cell(fr_date(day))


def outlook_slide(data: DeckInput, builder: DeckBuilder) -> None:
    """Launches and deliveries from the séance to six months after it, the late ones first, on one slide."""
    seance = data.meeting.day
    end = add_months(seance, OUTLOOK_MONTHS)
    found = events(data, end)
    late = [e for e in found if e.day < seance]
    ahead = [e for e in found if e.day >= seance]
    launches = [e for e in ahead if e.launch]
    blocked = sum(bool(e.blockers) for e in launches)
    deliveries = len(ahead) - len(launches)
    parts = [plural(len(launches), "lancement") + (f" dont {fr_number(blocked)} bloqué{'s' if blocked > 1 else ''}"
                                                    if blocked else "")] if launches else []
    parts += [plural(deliveries, "livraison")] if deliveries else []
    title = (f"D'ici le {fr_date(end)} : {', '.join(parts)}" if parts
             else f"Aucun lancement ni livraison d'ici le {fr_date(end)}")
    if late:
        title += f" ; {plural(len(late), 'jalon')} en retard à la séance"
    notes = (f"Perspectives à partir de la séance du {fr_date(seance)} jusqu'au {fr_date(end)} (Jalons : démarrage "
             f"des travaux et livraison non atteints, date prévisionnelle, sinon de référence). En retard à la "
             f"séance : {plural(len(late), 'jalon')} sans date réelle dont la date tombe avant la séance — rouge si "
             f"elle est passée au {fr_date(data.at)} (prévision dépassée), orange si elle tombe entre la situation et "
             f"la séance (à confirmer en séance). Bloqué : DAS caduque, ménages à reloger, enchaînement, "
             f"prérequis ou financements non acquis.")
    columns = [Column("Date", 1.6), Column("Événement", 1.0), Column("Opération", 4.0),
               Column("Maître d'ouvrage", 1.4), Column("Ce qui bloque", 2.4)]
    rows = [[_when(data, e.day), Cell("Lancement" if e.launch else "Livraison", bold=e.launch),
             f"{e.operation.id} — {shorten(e.operation.label or '', NAME_CAP)}", e.operation.owner or "—",
             Cell(e.blockers.text, e.blockers.colour) if e.launch else Cell("")] for e in late + ahead]
    holds = len(rows) <= MAX_OUTLOOK_ROWS and len(fit_one_slide(columns, rows, lambda n: [""] * 5)) == len(rows)
    if not rows or holds:
        builder.table(title, columns, rows, notes=notes, empty=f"Aucun lancement ni livraison d'ici le "
                                                                f"{fr_date(end)}.")
        return
    by_famille(data, builder, title, late, launches, ahead, notes)


def by_famille(data: DeckInput, builder: DeckBuilder, title: str, late: list[Event], launches: list[Event],
               ahead: list[Event], notes: str) -> None:
    """Count the perspectives by famille: late launches and deliveries, launches (blocked), deliveries."""
    counts: dict[str, list[int]] = {}

    def row(event: Event) -> list[int]:
        return counts.setdefault(event.operation.famille or "Famille non renseignée", [0, 0, 0, 0, 0])

    for e in late:
        row(e)[0 if e.launch else 3] += 1
    for e in ahead:
        r = row(e)
        if e.launch:
            r[1] += 1
            r[2] += bool(e.blockers)
        else:
            r[4] += 1
    listed = list(data.programme.lists.get(contract.FAMILLES, ()))
    order = sorted(counts, key=lambda f: (listed.index(f) if f in listed else len(listed), f))
    colours = ("rouge", None, "orange", "rouge", None)

    def cells(label: str, values: list[int], bold: bool = False) -> list[Cell]:
        return [Cell(label, bold=bold)] + [Cell(fr_number(v), colours[i] if v else None, bold=bold)
                                           for i, v in enumerate(values)]

    rows = [cells(f, counts[f]) for f in order]
    rows.append(cells("Total", [sum(counts[f][i] for f in order) for i in range(5)], bold=True))
    end = fr_date(add_months(data.meeting.day, OUTLOOK_MONTHS))
    builder.table(
        title, [Column("Famille", 3.4), Column("Lancements en retard à la séance", 1.5, "right"),
                Column(f"Lancements d'ici le {end}", 1.4, "right"), Column("dont bloqués", 1.1, "right"),
                Column("Livraisons en retard à la séance", 1.5, "right"),
                Column(f"Livraisons d'ici le {end}", 1.4, "right")], rows,
        notes=notes + " Trop d'événements pour une diapositive : comptés par famille ; la liste détaillée est au "
                      "comité de suivi et dans la feuille Jalons.", empty="")
