"""The relogement and insertion slides, shown by the revue de projet and the réunion restreinte sociale."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence

from opc_excel.compute.indicators.habitat import rehousing
from opc_excel.compute.schedule import delivered, is_abandoned
from opc_excel.fr import fr_number, fr_percent
from opc_excel.model import InsertionLine
from opc_excel.render.decks.builder import Cell, Column, DeckBuilder
from opc_excel.render.decks.common import DeckInput
from opc_excel.render.decks.findings import fit_one_slide
from opc_excel.situation.formats import hours, maybe_date, pct, plural, signed_pct
from opc_excel.situation.schedule import live_operations, remaining_households
from opc_excel.situation.selections import recent_housing_status, recent_housing_target
from opc_excel.text import NAME_CAP, shorten
from opc_excel.words import programme_word

MAX_INSERTION_LINES = 40  # beyond, the insertion table is by operation rather than by marché


def rehousing_kpis_slide(data: DeckInput, builder: DeckBuilder, title: str = "Relogement des ménages") -> None:
    r, params = data.indicators.rehousing, data.params
    outside = programme_word(params.programme, "hors quartier")
    change = r.median_rest_to_pay_change_pct
    rest_status = None if change is None else "orange" if change > params.rest_to_pay_increase_pct else "vert"
    remaining = remaining_households(data.situation)
    tiles = [
        ("Ménages à reloger (total)", fr_number(r.to_rehouse), None),
        ("Relogés définitivement", f"{fr_number(r.rehoused)} ({pct(r.rehoused_percent)})", None),
        ("Restant à reloger", fr_number(remaining), "orange" if remaining else "vert"),
        ("En relogement temporaire", fr_number(r.temporary), None),
        ("Relogés dans le neuf ou récent", pct(r.new_or_recent_percent), recent_housing_status(data.situation)),
        ("Relogés hors site", pct(r.off_site_percent), None),
        (f"Relogés {outside}", pct(r.outside_qpv_percent), None),
        ("Reste à charge : évolution médiane", signed_pct(change), rest_status),
    ]
    builder.kpis(
        title, tiles,
        notes=f"Feuille Relogement ({r.to_rehouse} ménages, anonymes) : {r.rehoused} relogés, {r.temporary} en "
              f"relogement temporaire, {r.left_without} partis sans relogement, {remaining} restant à reloger. "
              f"Destinations sur les {r.known_destination} relogés renseignés : {r.new_or_recent} dans le neuf ou "
              f"récent ({recent_housing_target(data.situation)}), {r.off_site} hors site, "
              f"{r.outside_qpv} {outside}. Reste à charge : médiane de (après − avant) ÷ avant, hausse tolérée "
              f"{fr_percent(params.rest_to_pay_increase_pct)} (Paramètres).",
        comment=f"{fr_number(r.left_without)} ménage{'s' if r.left_without > 1 else ''} parti"
                f"{'s' if r.left_without > 1 else ''} sans relogement ({pct(r.left_without_percent)}). Neuf ou "
                f"récent : {recent_housing_target(data.situation)} ; hausse du "
                f"reste à charge tolérée : {fr_percent(params.rest_to_pay_increase_pct)}.")


def rehousing_rows(data: DeckInput, open_only: bool = False) -> list[list[Cell | str]]:
    """Return one row per operation with households, then the programme total (indicators.rehousing).

    With ``open_only``, only the operations with households still to rehouse or in temporary housing, those with
    the most households *restant* (neither rehoused, temporary nor gone, as in the total) first, cut to one slide;
    the operations left out and those whose rehousing is over are summed on one line each, so that the rows add
    up to the total.
    """
    ids = list(dict.fromkeys(hh.operation_id for hh in data.programme.households))
    rows: list[tuple[object, list[Cell]]] = []
    done: list[object] = []
    for op_id in ids:
        op = data.programme.operation(op_id)
        if op is not None and is_abandoned(op):
            continue
        r = rehousing(data.programme, op_id)
        if not r.to_rehouse:
            continue
        if open_only and r.to_rehouse - r.rehoused - r.left_without == 0:
            done.append(r)
            continue
        name = f"{op_id} — {shorten(op.label, NAME_CAP)}" if op and op.label else op_id or "Opération non renseignée"
        rows.append((r, _rehousing_cells(name, r)))
    total = "Total, toutes opérations" if open_only else "Total"
    total_row = [Cell(c.text, c.status, True) for c in _rehousing_cells(total, data.indicators.rehousing)]
    if not open_only:
        return [row for _, row in rows] + [total_row]
    rows.sort(key=lambda item: (-_left(item[0]), -item[0].temporary))
    body: list[list[Cell | str]] = [row for _, row in rows]
    if done:
        body.append(_summed(f"… et {plural(len(done), 'opération')} au relogement achevé", done))
    counted = [r for r, _ in rows]

    def more(n: int) -> list[Cell | str]:
        hidden = counted[len(counted) - n:]
        return _summed(f"… et {plural(n, 'autre opération', 'autres opérations')} en cours"
                       + (f", {plural(len(done), 'opération')} au relogement achevé" if done else ""), hidden + done)

    return fit_with_total(REHOUSING_COLUMNS, body, total_row, more, keep_last=1 if done else 0)


def _left(r) -> int:
    return r.to_rehouse - r.rehoused - r.temporary - r.left_without


def _summed(label: str, group: list) -> list[Cell | str]:
    """Return a row summing the households of ``group`` (rates left blank: they don't add up)."""
    to_rehouse, rehoused = sum(r.to_rehouse for r in group), sum(r.rehoused for r in group)
    temporary, left = sum(r.temporary for r in group), sum(r.left_without for r in group)
    remaining = to_rehouse - rehoused - temporary - left
    return [Cell(label), Cell(fr_number(to_rehouse)), Cell(fr_number(rehoused)), Cell(""), Cell(fr_number(temporary)),
            Cell(fr_number(left)), Cell(fr_number(remaining), "orange" if remaining else None), Cell(""), Cell("")]


def fit_with_total(columns: Sequence[Column], body: list[list[Cell | str]], total: list[Cell],
                   more: Callable[[int], list[Cell | str]], keep_last: int = 0) -> list[list[Cell | str]]:
    """Return ``body`` then ``total`` on one slide: when they don't fit, the last body rows are replaced by
    ``more(n)`` (n: the body rows left out, ``keep_last`` trailing rows — a summary line — folded into it)."""
    fitted = fit_one_slide(columns, body + [total], more)
    if len(fitted) == len(body) + 1:
        return body + [total]
    shown = max(len(fitted) - 2, 0)
    detail = body[:len(body) - keep_last]
    shown = min(shown, len(detail))
    return detail[:shown] + [more(len(detail) - shown)] + [total]


def _rehousing_cells(name: str, r) -> list[Cell]:
    remaining = r.to_rehouse - r.rehoused - r.temporary - r.left_without
    return [Cell(name), Cell(fr_number(r.to_rehouse)), Cell(fr_number(r.rehoused)), Cell(pct(r.rehoused_percent)),
            Cell(fr_number(r.temporary)), Cell(fr_number(r.left_without)),
            Cell(fr_number(remaining), "orange" if remaining else None), Cell(pct(r.new_or_recent_percent)),
            Cell(signed_pct(r.median_rest_to_pay_change_pct))]


REHOUSING_COLUMNS = [
    Column("Opération", 5.0), Column("Ménages", 0.8, "right"), Column("Relogés", 0.8, "right"),
    Column("% relogés", 0.8, "right"), Column("Temporaires", 1.0, "right"), Column("Partis", 0.7, "right"),
    Column("Restant", 0.8, "right"), Column("Neuf ou récent", 0.9, "right"), Column("Reste à charge", 1.0, "right")]


def open_rehousing_title(data: DeckInput) -> str:
    """Return « 2 opérations avec des ménages à reloger : 38 ménages restant, 5 en relogement temporaire ».

    An operation counts when it has households *restant* (neither rehoused, in temporary housing nor gone), as
    the total's « restant » and the revue de projet count them; the temporary ones are said beside.
    """
    ops = 0
    for op_id in dict.fromkeys(hh.operation_id for hh in data.programme.households):
        op = data.programme.operation(op_id)
        if (op is None or not is_abandoned(op)) and _left(rehousing(data.programme, op_id)) > 0:
            ops += 1
    temporary = data.indicators.rehousing.temporary
    if not ops:
        return ("Plus aucun ménage à reloger" + (f", {fr_number(temporary)} en relogement temporaire"
                                                  if temporary else ""))
    return (f"{plural(ops, 'opération', 'opérations')} avec des ménages à reloger : "
            f"{plural(remaining_households(data.situation), 'ménage', 'ménages')} restant, "
            f"{fr_number(temporary)} en relogement temporaire")


def rehousing_table_slide(data: DeckInput, builder: DeckBuilder, open_only: bool = False,
                          title: str | None = None) -> None:
    builder.table(
        title or ("Relogements en cours" if open_only else "Relogement par opération de démolition"),
        REHOUSING_COLUMNS, rehousing_rows(data, open_only),
        notes="Feuille Relogement, par opération (colonne Opération) : ménages de toutes situations, relogés "
              "définitivement, en relogement temporaire, partis sans relogement et restant à reloger ; « neuf ou "
              "récent » en % des relogés dont la destination est connue ; reste à charge : évolution médiane "
              "(après − avant) ÷ avant."
              + (" Seules les opérations ayant encore des ménages à reloger ou en relogement temporaire sont "
                 "détaillées, celles qui en ont le plus d'abord ; le total porte sur tous les ménages."
                 if open_only else ""),
        empty="Aucun ménage dans la feuille Relogement.")


def insertion_kpis_slide(data: DeckInput, builder: DeckBuilder, gup: bool = False,
                         title: str = "Heures d'insertion") -> None:
    """Insertion hours against the target and the works progress; with ``gup``, the GUP convention too."""
    ins, params = data.indicators.insertion, data.params
    target_status = None if ins.done_of_target_pct is None else "vert" if ins.done_of_target_pct >= 100 else "orange"
    gap_status = None if ins.gap_points is None else \
        "orange" if ins.gap_points < -params.insertion_gap_points else "vert"
    tiles = [
        ("Heures travaillées", hours(ins.hours_worked), None),
        ("Heures d'insertion prévues", hours(ins.insertion_planned), None),
        ("Heures d'insertion réalisées", hours(ins.insertion_done), None),
        (f"Réalisé ÷ objectif de {fr_percent(params.insertion_target_pct)} des heures", pct(ins.done_of_target_pct),
         target_status),
        ("Réalisé ÷ prévu", pct(ins.done_of_planned_pct), None),
        ("Avancement des travaux concernés", pct(ins.works_progress_pct), None),
        ("Écart insertion − travaux", signed_pct(ins.gap_points, "points"), gap_status),
    ]
    notes = (f"Feuille Insertion ({len(data.programme.insertion)} marchés) : {fr_number(ins.hours_worked)} h "
             f"travaillées, {fr_number(ins.insertion_planned)} h d'insertion prévues, "
             f"{fr_number(ins.insertion_done)} h réalisées ; objectif : {fr_percent(params.insertion_target_pct)} des "
             f"heures travaillées (Paramètres). "
             f"Avancement : A(t) pondéré des opérations ayant des marchés d'insertion ; écart = réalisé ÷ prévu − "
             f"avancement, signalé au-delà de {fr_number(params.insertion_gap_points)} points (SOC-01).")
    if gup:
        soc02 = [a for a in data.alerts if a.code == "SOC-02"]
        tiles.append(("Convention GUP jusqu'au", maybe_date(params.gup_end, "non saisie"),
                      "orange" if soc02 else "vert"))
        notes += (f" GUP : Fin de la convention GUP (Paramètres) {maybe_date(params.gup_end, 'non saisie')}"
                  + (f" ; alerte SOC-02 : {soc02[0].finding}." if soc02 else " ; pas d'alerte SOC-02."))
    builder.kpis(title, tiles, notes=notes)


def insertion_table_slide(data: DeckInput, builder: DeckBuilder, open_only: bool = False,
                          title: str | None = None) -> None:
    """Insertion hours by marché, or by operation when there are more than ``MAX_INSERTION_LINES`` marchés.

    With ``open_only``, the marchés of the operations not yet delivered, by operation, the lowest realised ÷
    planned first, cut to one slide (the others counted); the total stays the programme's.
    """
    live = {op.id for op in live_operations(data.situation) if not (open_only and delivered(op, data.at))}
    lines = [line for line in data.programme.insertion if line.operation_id in live]
    by_operation = open_only or len(lines) > MAX_INSERTION_LINES
    rows: list[list[Cell | str]] = []
    if by_operation:
        groups: dict[str, list[InsertionLine]] = defaultdict(list)
        for line in lines:
            groups[line.operation_id].append(line)
        ranked = []
        for op_id, group in groups.items():
            both = [g for g in group if g.insertion_done is not None and g.insertion_planned is not None]
            planned = sum(float(g.insertion_planned or 0) for g in both)
            ratio = sum(float(g.insertion_done or 0) for g in both) / planned * 100 if planned else None
            ranked.append((ratio, [op_id, str(len(group)), hours(sum(float(g.hours_worked or 0) for g in group)),
                                   hours(sum(float(g.insertion_planned or 0) for g in group)),
                                   hours(sum(float(g.insertion_done or 0) for g in group)), pct(ratio),
                                   maybe_date(max((g.as_of for g in group if g.as_of), default=None), "—")]))
        if open_only:
            ranked.sort(key=lambda item: (item[0] is None, item[0] or 0.0))
        rows = [row for _, row in ranked]
        columns = [Column("Opération", 2.4), Column("Marchés", 1.0, "right")]
    else:
        for line in lines:
            ratio = (line.insertion_done / line.insertion_planned * 100
                     if line.insertion_done is not None and line.insertion_planned else None)
            rows.append([line.operation_id, line.contract, line.company or "—", hours(line.hours_worked),
                         hours(line.insertion_planned), hours(line.insertion_done), pct(ratio),
                         maybe_date(line.as_of, "—")])
        columns = [Column("Opération", 1.2), Column("Marché", 3.0), Column("Entreprise", 2.2)]
    columns += [Column("Heures travaillées", 1.2, "right"), Column("Insertion prévue", 1.1, "right"),
                Column("Insertion réalisée", 1.1, "right"), Column("Réalisé ÷ prévu", 1.0, "right"),
                Column("Situation au", 1.0)]
    ins = data.indicators.insertion
    blanks = ("",) * (len(columns) - 6)
    total = "Total, tous chantiers" if open_only else "Total"
    total_row = [Cell(c, bold=True) for c in (total, *blanks, hours(ins.hours_worked), hours(ins.insertion_planned),
                                              hours(ins.insertion_done), pct(ins.done_of_planned_pct), "")]
    shown = len(rows)
    if open_only and title is None and rows:
        lowest = next((item for item in ranked if item[0] is not None), None)
        title = (f"{plural(len(rows), 'opération en chantier', 'opérations en chantier')} avec des marchés "
                 f"d'insertion" + (f", la plus faible à {pct(lowest[0])} des heures prévues ({lowest[1][0]})"
                                   if lowest is not None else ""))
    if open_only:
        live_lines = [line for line in data.programme.insertion
                      if line.operation_id in {op.id for op in live_operations(data.situation)}]
        finished = [line for line in live_lines if line.operation_id not in live]
        finished_ops = len({line.operation_id for line in finished})
        sums = [_hour_sums(lines_of(groups, ranked, n)) for n in range(len(ranked) + 1)] if ranked else [(0, 0, 0)]

        def more(n: int) -> list[Cell | str]:
            worked, planned, done = (a + b for a, b in zip(sums[n], _hour_sums(finished), strict=True))
            label = f"… et {plural(n, 'autre opération', 'autres opérations')} en chantier, mieux avancées"
            if finished_ops:
                label += f", {plural(finished_ops, 'opération livrée', 'opérations livrées')}"
            return [Cell(label), ""] + [hours(worked), hours(planned), hours(done), "", ""]

        body = list(rows)
        if finished:
            worked, planned, done = _hour_sums(finished)
            body.append([Cell(f"Chantiers livrés : {plural(finished_ops, 'opération', 'opérations')}"),
                         str(len(finished)), hours(worked), hours(planned), hours(done), "", ""])
        rows = fit_with_total(columns, body, total_row, more, keep_last=1 if finished else 0)
        shown = len(rows) - 1
    else:
        rows.append(total_row)
    builder.table(
        title or ("Insertion des chantiers en cours" if open_only else "Heures d'insertion par opération"
                  if by_operation else "Heures d'insertion par marché"),
        columns, rows,
        notes=f"Feuille Insertion : {len(lines)} marchés d'opérations "
              f"{'non livrées (les chantiers livrés sont comptés dans le total)' if open_only else 'non abandonnées'}"
              + (f", regroupés par opération ({shown})" if by_operation else "")
              + (", le plus faible réalisé ÷ prévu d'abord" if open_only else "")
              + f". Total : {fr_number(ins.hours_worked)} h travaillées, {fr_number(ins.insertion_planned)} h "
              f"d'insertion prévues, {fr_number(ins.insertion_done)} h réalisées ; réalisé ÷ prévu sur les marchés "
              f"qui donnent les deux chiffres ({pct(ins.done_of_planned_pct)}).",
        empty="Aucun marché dans la feuille Insertion.", font_pt=10)


def _hour_sums(lines: Sequence[InsertionLine]) -> tuple[float, float, float]:
    """Return (hours worked, insertion planned, insertion done) summed over ``lines`` (a blank counts 0)."""
    return (sum(float(g.hours_worked or 0) for g in lines), sum(float(g.insertion_planned or 0) for g in lines),
            sum(float(g.insertion_done or 0) for g in lines))


def lines_of(groups: dict[str, list[InsertionLine]], ranked: list, n: int) -> list[InsertionLine]:
    """Return the insertion lines of the last ``n`` operations of ``ranked`` (those a cut table leaves out)."""
    return [line for _, row in ranked[len(ranked) - n:] for line in groups[row[0]]]
