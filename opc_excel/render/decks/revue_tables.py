"""The revue de projet's tables that grow with the programme, each kept to one slide by aggregating.

- :func:`next_date_cell`: an instance's next date seen from the séance (the revue never lists itself).
- :func:`operations_slide`: the operations by famille — delivered, in works, to launch, abandoned — with the
  deliveries slipping as CAL-02 counts them (from *Seuil retard orange*, red from *Seuil retard rouge*, each
  reached on its day: a slip of exactly 12 months is red, as in the alerts) and the forecasts already past at
  the séance with nothing real (late, never shown as on time). The full list stays in the workbook.
- :func:`late_deliveries_slide`: those late deliveries one by one, the red and the largest first.
- :func:`rehousing_slide` and :func:`insertion_slide`: by demolition and by marché, the ones with most left to
  do first; the rows cut from the slide are summed on one line, so that the rows always add up to the total.

Only :mod:`opc_excel.render.decks.revue_projet` uses this module.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from opc_excel.compute.indicators.financier import FinanceRow
from opc_excel.compute.indicators.habitat import rehousing
from opc_excel.compute.schedule import delivered, is_abandoned, passed_unreached, works_started
from opc_excel.fr import fr_date, fr_months, fr_number
from opc_excel.model import Level, Operation
from opc_excel.read import contract
from opc_excel.render.decks.builder import Cell, Column, DeckBuilder
from opc_excel.render.decks.common import LEVEL_STATUS, DeckInput
from opc_excel.render.decks.findings import fit_one_slide
from opc_excel.render.decks.slides import ANRU_GROUPS, finance_columns, finance_row_cells
from opc_excel.situation.formats import euros, hours, maybe_date, pct, plural, signed_months, signed_pct
from opc_excel.situation.meeting import planned_meetings
from opc_excel.situation.schedule import live_operations, remaining_households
from opc_excel.text import NAME_CAP, shorten


def fit_with_total(columns: Sequence[Column], rows: list[list[Cell | str]],
                   more: Callable[[int], list[Cell | str]], total: list[Cell | str]) -> list[list[Cell | str]]:
    """Return ``rows`` cut to one slide at 10 pt with ``total`` last: the rows cut become ``more(n)`` (their sums)."""
    fitted = fit_one_slide(columns, [*rows, total], lambda n: total)
    if len(fitted) == len(rows) + 1:
        return [*rows, total]
    keep = max(len(fitted) - 2, 0)
    return [*rows[:keep], more(len(rows) - keep), total]


class Retitled:
    """A builder whose next slides take ``title``: a shared slide keeps its figures, the revue states its finding."""

    def __init__(self, builder: DeckBuilder, title: str) -> None:
        self.builder, self.title = builder, title

    def kpis(self, title: str, *args, **kwargs):
        return self.builder.kpis(self.title, *args, **kwargs)

    def table(self, title: str, *args, **kwargs):
        return self.builder.table(self.title, *args, **kwargs)

    def __getattr__(self, name: str):
        return getattr(self.builder, name)


# ---------------------------------------------------------------- ANRU


def _sum_rows(key: str, rows: Sequence[FinanceRow]) -> FinanceRow:
    amount, engaged, paid = (sum(getattr(r, f) for r in rows) for f in ("amount", "engaged", "paid"))
    followed = [r for r in rows if r.followed]
    base = sum(r.amount for r in followed)
    return FinanceRow(key, amount, engaged, paid, 100 * engaged / base if base else None,
                      100 * paid / base if base else None, 100 * paid / engaged if engaged else None,
                      sum(r.to_engage for r in rows), sum(r.to_pay for r in rows), bool(followed))


def anru_slide(data: DeckInput, builder: DeckBuilder, group: str) -> None:
    """The ANRU subsidy by famille or owner, one slide (groups cut summed on one line), the title the least engaged."""
    ind = data.indicators
    words, header = ANRU_GROUPS[group]
    table = list({"famille": ind.anru_by_famille, "owner": ind.anru_by_owner}[group])
    a = ind.anru
    total = FinanceRow("Total ANRU", a.amount, a.engaged, a.paid, a.engaged_pct, a.paid_of_amount_pct,
                       a.paid_of_engaged_pct, a.to_engage, a.to_pay)
    ordered = sorted(table, key=lambda r: -r.amount)
    rows = [finance_row_cells(r) for r in ordered]
    rows = fit_with_total(finance_columns(header), rows,
                          lambda n: finance_row_cells(_sum_rows(f"… {plural(n, 'autre')}", ordered[-n:])),
                          finance_row_cells(total, bold=True))
    measured = [r for r in table if r.amount > 0 and r.engaged_pct is not None]
    least = min(measured, key=lambda r: r.engaged_pct, default=None)
    title = f"Subvention ANRU {words} : {pct(a.engaged_pct)} engagée, {pct(a.paid_of_amount_pct)} versée"
    if least is not None and len(measured) > 1:
        title += f" ; la moins engagée : {shorten(least.key, NAME_CAP)} ({pct(least.engaged_pct)})"
    builder.table(
        title, finance_columns(header), rows,
        notes=f"Lignes ANRU de la feuille Financements (montant actualisé, sinon convention), {words}, les plus gros "
              f"montants d'abord : subvention {euros(a.amount)}, engagé {euros(a.engaged)} ({pct(a.engaged_pct)}), "
              f"versé {euros(a.paid)} ({pct(a.paid_of_amount_pct)} de la subvention). Engagé et versé ne comptent "
              f"que les lignes Acquis ou Notifié ; % versé : versé ÷ subvention.",
        empty="Aucune ligne ANRU dans la feuille Financements.")


# ---------------------------------------------------------------- governance

def next_meetings(data: DeckInput) -> dict[str, object]:
    """Return the next date of each instance that *Paramètres* plans (None when not planned)."""
    return planned_meetings(data.params)


def next_date_cell(data: DeckInput, instance: str, planned) -> Cell:
    """Return an instance's next date as seen from the séance: after it, « cette séance », before it, or passed.

    The revue never lists itself: its own row reads « cette séance ». A date between the date de situation and
    the séance is held before it (« avant la séance »); a date before the date de situation was not replaced
    in *Paramètres* (« à replanifier », orange).
    """
    seance = data.meeting.day
    if instance == data.meeting.label:
        return Cell(f"cette séance ({fr_date(seance)})", bold=True)
    if planned is None:
        return Cell("non planifiée")
    if planned > seance:
        return Cell(fr_date(planned))
    if planned >= data.at:
        return Cell(f"{fr_date(planned)} (avant la séance)")
    return Cell(f"{fr_date(planned)} : à replanifier", "orange")



# ---------------------------------------------------------------- operations


def stale(op: Operation, seance: date, at: date) -> date | None:
    """Return the delivery date already past at the séance with nothing real (forecast, else baseline), else None."""
    if delivered(op, at) or is_abandoned(op):
        return None
    return passed_unreached(op.milestone(contract.DELIVERY), seance)


def slip_phrase(data: DeckInput) -> tuple[str, int, int]:
    """Return (« N livraisons à venir en glissement d'au moins 6 mois, dont K d'au moins 12 mois », N, K): CAL-02's."""
    cal02 = [a for a in data.alerts if a.code == "CAL-02"]
    red = sum(a.severity is Level.ROUGE for a in cal02)
    params = data.params
    return (f"{plural(len(cal02), 'livraison à venir', 'livraisons à venir')} en glissement d'au moins "
            f"{fr_months(params.delay_orange_months)}, dont {fr_number(red)} d'au moins "
            f"{fr_months(params.delay_red_months)}", len(cal02), red)


def _count(n: int, status: str | None = None) -> Cell:
    return Cell(fr_number(n), status if n else None)


def operations_slide(data: DeckInput, builder: DeckBuilder) -> None:
    """The operations by famille and state, with the deliveries slipping (CAL-02) and the forecasts past."""
    seance, at = data.meeting.day, data.at
    cal02 = {a.operation_id: a.severity for a in data.alerts if a.code == "CAL-02"}
    order = list(data.programme.lists.get(contract.FAMILLES, ()) or contract.DEFAULT_LISTS[contract.FAMILLES])
    groups: dict[str, list[Operation]] = {}
    for op in data.programme.operations:
        groups.setdefault(op.famille or "Famille non renseignée", []).append(op)
    names = sorted(groups, key=lambda f: (order.index(f) if f in order else len(order), f))

    def counts(ops: Sequence[Operation]) -> list[int]:
        live = [op for op in ops if not is_abandoned(op)]
        done = sum(delivered(op, at) for op in live)
        works = sum(works_started(op, at) and not delivered(op, at) for op in live)
        return [len(live), done, works, len(live) - done - works, len(ops) - len(live),
                sum(op.id in cal02 for op in live), sum(cal02.get(op.id) is Level.ROUGE for op in live),
                sum(stale(op, seance, at) is not None for op in live)]

    def cells(name: str, values: list[int], bold: bool = False) -> list[Cell]:
        row = [Cell(name, bold=bold), *(_count(v) for v in values[:5]), _count(values[5], "orange"),
               _count(values[6], "rouge"), _count(values[7], "orange")]
        for cell in row:
            cell.bold = bold
        return row

    rows = [cells(name, counts(groups[name])) for name in names]
    rows.append(cells("Total", counts(data.programme.operations), bold=True))
    phrase, slipping, red = slip_phrase(data)
    past = sum(stale(op, seance, at) is not None for op in data.programme.operations)
    params = data.params
    builder.table(
        phrase[0].upper() + phrase[1:] + (f" ; {fr_number(past)} dépassée{'s' if past > 1 else ''} à la séance"
                                          if past else ""),
        [Column("Famille", 3.2), Column("Opérations", 1.0, "right"), Column("Livrées", 0.9, "right"),
         Column("En travaux", 0.9, "right"), Column("À lancer", 0.9, "right"), Column("Abandonnées", 1.0, "right"),
         Column(f"Glissement ≥ {fr_months(params.delay_orange_months)}", 1.1, "right"),
         Column(f"dont ≥ {fr_months(params.delay_red_months)}", 1.0, "right"),
         Column("Livraison prévue dépassée", 1.2, "right")], rows,
        notes=f"Opérations de la feuille Opérations par famille ({len(data.programme.operations)} dont les "
              f"abandonnées) : livrées (date réelle de livraison ou statut Livrée / Soldée), en travaux (démarrage "
              f"réel), à lancer (les autres). Glissement : livraisons à venir dont la date prévue dépasse la date "
              f"contractuelle (avenant, sinon convention) d'au moins {fr_months(params.delay_orange_months)}, dont "
              f"d'au moins {fr_months(params.delay_red_months)} : les alertes CAL-02 ({slipping}, dont {red} "
              f"rouges). Livraison prévue dépassée : date prévue (sinon contractuelle) antérieure à la séance du "
              f"{fr_date(seance)} sans livraison réelle ({past}). La liste complète est dans la feuille Opérations.")


def late_deliveries_slide(data: DeckInput, builder: DeckBuilder) -> None:
    """The deliveries slipping (CAL-02) or past at the séance, red and largest first, on one slide."""
    seance, at = data.meeting.day, data.at
    cal02 = {a.operation_id: a for a in data.alerts if a.code == "CAL-02"}
    months = {s.operation_id: s.vs_baseline_months for s in data.indicators.slips if s.milestone == contract.DELIVERY}
    late = [op for op in live_operations(data.situation) if op.id in cal02 or stale(op, seance, at)]
    late.sort(key=lambda op: (op.id not in cal02 or cal02[op.id].severity is not Level.ROUGE,
                              -(months.get(op.id) or 0), op.id))
    rows: list[list[Cell | str]] = []
    for op in late:
        delivery = op.milestone(contract.DELIVERY)
        alert = cal02.get(op.id)
        past = stale(op, seance, at)
        expected = delivery.forecast or delivery.baseline if delivery else None
        rows.append([
            f"{op.id} — {shorten(op.label or '', NAME_CAP)}", op.owner or "—",
            maybe_date(delivery.baseline if delivery else None, "—"),
            Cell(maybe_date(expected, "—") + (" (dépassée)" if past else ""), "orange" if past else None),
            Cell(signed_months(months.get(op.id)), LEVEL_STATUS.get(alert.severity) if alert else None),
            shorten(delivery.motif, NAME_CAP) if delivery and delivery.motif else "non renseigné"])
    columns = [Column("Opération", 3.6), Column("Maître d'ouvrage", 1.6), Column("Livraison contractuelle", 1.2),
               Column("Livraison prévue", 1.3), Column("Glissement", 0.9, "right"), Column("Motif", 2.4)]
    rows = fit_one_slide(columns, rows, lambda n: [f"… {plural(n, 'autre livraison', 'autres livraisons')} en retard",
                                                   "", "", "", "", "feuille Alertes (CAL-02)"])
    shown = len(rows) if len(rows) == len(late) else len(rows) - 1
    title = (f"{plural(len(late), 'livraison', 'livraisons')} en glissement de "
             f"{fr_months(data.params.delay_orange_months)} ou plus ou dépassée{'s' if len(late) > 1 else ''}"
             + (f" : les {fr_number(shown)} plus fortes d'abord" if 1 < shown < len(late)
                else " : la plus forte d'abord" if shown == 1 < len(late) else ", les plus fortes d'abord"))
    builder.table(
        title if late else "Aucune livraison en retard", columns, rows,
        notes=f"Livraisons en glissement sur la date contractuelle (alertes CAL-02, couleur de l'alerte) et "
              f"livraisons dont la date prévue tombe avant la séance du {fr_date(seance)} sans date réelle "
              f"(« dépassée ») ; rouges puis plus forts glissements d'abord. Glissement : date prévue − date "
              f"contractuelle (avenant, sinon convention), en mois entiers. Toutes les alertes : feuille Alertes.",
        empty="Aucune livraison en retard.")


# ---------------------------------------------------------------- relogement

REHOUSING_COLUMNS = [Column("Opération", 4.4), Column("Ménages", 0.9, "right"), Column("Relogés", 0.9, "right"),
                     Column("% relogés", 0.9, "right"), Column("Temporaires", 1.1, "right"),
                     Column("Partis", 0.8, "right"), Column("Restant", 0.9, "right"),
                     Column("Neuf ou récent", 1.0, "right"), Column("Reste à charge", 1.1, "right")]


def _rehousing_cells(name: str, to_rehouse: int, rehoused: int, temporary: int, left: int, new: float | None,
                     rest: float | None, bold: bool = False) -> list[Cell]:
    remaining = to_rehouse - rehoused - temporary - left
    cells = [Cell(name), Cell(fr_number(to_rehouse)), Cell(fr_number(rehoused)),
             Cell(pct(100 * rehoused / to_rehouse if to_rehouse else None)), Cell(fr_number(temporary)),
             Cell(fr_number(left)), Cell(fr_number(remaining), "orange" if remaining else None), Cell(pct(new)),
             Cell(signed_pct(rest))]
    for cell in cells:
        cell.bold = bold
    return cells


def rehousing_slide(data: DeckInput, builder: DeckBuilder) -> None:
    """Households by demolition, most left to rehouse first; the rows cut are summed on one line, then the total."""
    found = []
    for op_id in dict.fromkeys(hh.operation_id for hh in data.programme.households):
        op = data.programme.operation(op_id)
        if op is not None and is_abandoned(op):
            continue
        r = rehousing(data.programme, op_id)
        if r.to_rehouse:
            name = (f"{op_id} — {shorten(op.label, NAME_CAP)}" if op and op.label
                    else op_id or "Opération non renseignée")
            found.append((name, r))
    found.sort(key=lambda item: -(item[1].to_rehouse - item[1].rehoused - item[1].temporary - item[1].left_without))
    rows = [_rehousing_cells(name, r.to_rehouse, r.rehoused, r.temporary, r.left_without, r.new_or_recent_percent,
                             r.median_rest_to_pay_change_pct) for name, r in found]

    def rest(n: int) -> list[Cell]:
        cut = [r for _, r in found[-n:]]
        return _rehousing_cells(f"… {plural(n, 'autre opération', 'autres opérations')}",
                                sum(r.to_rehouse for r in cut), sum(r.rehoused for r in cut),
                                sum(r.temporary for r in cut), sum(r.left_without for r in cut), None, None)

    total = data.indicators.rehousing
    rows = fit_with_total(REHOUSING_COLUMNS, rows, rest, _rehousing_cells(
        "Total", total.to_rehouse, total.rehoused, total.temporary, total.left_without, total.new_or_recent_percent,
        total.median_rest_to_pay_change_pct, bold=True))
    remaining = remaining_households(data.situation)
    waiting = sum(r.to_rehouse - r.rehoused - r.temporary - r.left_without > 0 for _, r in found)
    title = (f"{plural(remaining, 'ménage')} restant à reloger dans {plural(waiting, 'opération')} sur "
             f"{fr_number(len(found))}")
    builder.table(
        title if total.to_rehouse else "Aucun ménage à reloger", REHOUSING_COLUMNS, rows,
        notes="Feuille Relogement, par opération : ménages de toutes situations, relogés définitivement, en relogement "
              "temporaire, partis sans relogement et restant à reloger (ni relogés, ni en temporaire, ni partis) ; "
              "les opérations qui ont le plus de ménages restant à reloger d'abord, celles qui ne tiennent pas sur "
              "la diapositive additionnées sur une ligne. « Neuf ou récent » en % des relogés dont la destination "
              "est connue ; reste à charge : évolution médiane (après − avant) ÷ avant.",
        empty="Aucun ménage dans la feuille Relogement.")


# ---------------------------------------------------------------- insertion

INSERTION_COLUMNS = [Column("Opération", 1.3), Column("Marché", 2.8), Column("Entreprise", 1.9),
                     Column("Heures travaillées", 1.2, "right"), Column("Insertion prévue", 1.1, "right"),
                     Column("Insertion réalisée", 1.1, "right"), Column("Réalisé ÷ prévu", 1.0, "right"),
                     Column("Situation au", 1.0)]


def _ratio(done: float | None, planned: float | None) -> float | None:
    return done / planned * 100 if done is not None and planned else None


def insertion_slide(data: DeckInput, builder: DeckBuilder) -> None:
    """Insertion hours by marché, the least done ÷ planned first; the rows cut summed on one line, then the total."""
    live = {op.id for op in live_operations(data.situation)}
    lines = [line for line in data.programme.insertion if line.operation_id in live]
    lines.sort(key=lambda line: (_ratio(line.insertion_done, line.insertion_planned) is None,
                                 _ratio(line.insertion_done, line.insertion_planned) or 0))
    rows: list[list[Cell | str]] = [
        [line.operation_id, line.contract, line.company or "—", hours(line.hours_worked),
         hours(line.insertion_planned), hours(line.insertion_done),
         pct(_ratio(line.insertion_done, line.insertion_planned)), maybe_date(line.as_of, "—")] for line in lines]

    def rest(n: int) -> list[Cell | str]:
        cut = lines[-n:]
        both = [g for g in cut if g.insertion_done is not None and g.insertion_planned is not None]
        return ["…", plural(n, "autre marché", "autres marchés"), "",
                hours(sum(float(g.hours_worked or 0) for g in cut)),
                hours(sum(float(g.insertion_planned or 0) for g in cut)),
                hours(sum(float(g.insertion_done or 0) for g in cut)),
                pct(_ratio(sum(float(g.insertion_done) for g in both), sum(float(g.insertion_planned) for g in both))),
                ""]

    ins = data.indicators.insertion
    rows = fit_with_total(INSERTION_COLUMNS, rows, rest, [
        Cell(c, bold=True) for c in ("Total", "", "", hours(ins.hours_worked), hours(ins.insertion_planned),
                                     hours(ins.insertion_done), pct(ins.done_of_planned_pct), "")])
    behind = sum((r := _ratio(g.insertion_done, g.insertion_planned)) is not None and r < 100 for g in lines)
    builder.table(
        f"{plural(behind, 'marché', 'marchés')} sur {fr_number(len(lines))} sous leurs heures d'insertion prévues ; "
        f"{pct(ins.done_of_planned_pct)} réalisées au total" if lines else "Aucun marché d'insertion",
        INSERTION_COLUMNS, rows,
        notes=f"Feuille Insertion : {plural(len(lines), 'marché')} d'opérations non abandonnées, les moins avancés "
              f"(réalisé ÷ prévu) d'abord ; ceux qui ne tiennent pas sur la diapositive sont additionnés sur une "
              f"ligne. Total : "
              f"{fr_number(ins.hours_worked)} h travaillées, {fr_number(ins.insertion_planned)} h d'insertion "
              f"prévues, {fr_number(ins.insertion_done)} h réalisées ; réalisé ÷ prévu sur les marchés qui donnent "
              f"les deux chiffres ({pct(ins.done_of_planned_pct)}).",
        empty="Aucun marché dans la feuille Insertion.")
