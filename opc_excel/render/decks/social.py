"""The relogement and insertion slides, shown by the revue de projet and the réunion restreinte sociale."""

from __future__ import annotations

from collections import defaultdict

from opc_excel.compute.indicators.habitat import rehousing
from opc_excel.compute.schedule import delivered, is_abandoned
from opc_excel.fr import fr_number, fr_percent
from opc_excel.model import InsertionLine
from opc_excel.render.decks.builder import Cell, Column, DeckBuilder
from opc_excel.render.decks.common import DeckInput
from opc_excel.situation.formats import hours, maybe_date, pct, signed_pct
from opc_excel.situation.schedule import live_operations, remaining_households
from opc_excel.situation.selections import recent_housing_status, recent_housing_target
from opc_excel.text import NAME_CAP, shorten
from opc_excel.words import programme_word

MAX_INSERTION_LINES = 40  # beyond, the insertion table is by operation rather than by marché


MAX_OPEN_INSERTION_LINES = 22  # the same for the marchés in progress, to keep the réunion sociale's table on a slide


def rehousing_kpis_slide(data: DeckInput, builder: DeckBuilder) -> None:
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
        "Relogement des ménages", tiles,
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

    With ``open_only``, only the operations with households still to rehouse or in temporary housing; one line
    says how many others are done.
    """
    ids = list(dict.fromkeys(hh.operation_id for hh in data.programme.households))
    rows: list[list[Cell | str]] = []
    done = 0
    for op_id in ids:
        op = data.programme.operation(op_id)
        if op is not None and is_abandoned(op):
            continue
        r = rehousing(data.programme, op_id)
        if not r.to_rehouse:
            continue
        if open_only and r.to_rehouse - r.rehoused - r.left_without == 0:
            done += 1
            continue
        name = f"{op_id} — {shorten(op.label, NAME_CAP)}" if op and op.label else op_id or "Opération non renseignée"
        rows.append(_rehousing_cells(name, r))
    if done:
        rows.append([Cell(f"… et {done} opération{'s' if done > 1 else ''} au relogement achevé")]
                    + [Cell("")] * 8)
    total = "Total, toutes opérations" if open_only else "Total"
    rows.append([Cell(c.text, c.status, True) for c in _rehousing_cells(total, data.indicators.rehousing)])
    return rows


def _rehousing_cells(name: str, r) -> list[Cell]:
    remaining = r.to_rehouse - r.rehoused - r.temporary - r.left_without
    return [Cell(name), Cell(fr_number(r.to_rehouse)), Cell(fr_number(r.rehoused)), Cell(pct(r.rehoused_percent)),
            Cell(fr_number(r.temporary)), Cell(fr_number(r.left_without)),
            Cell(fr_number(remaining), "orange" if remaining else None), Cell(pct(r.new_or_recent_percent)),
            Cell(signed_pct(r.median_rest_to_pay_change_pct))]


def rehousing_table_slide(data: DeckInput, builder: DeckBuilder, open_only: bool = False) -> None:
    builder.table(
        "Relogements en cours" if open_only else "Relogement par opération de démolition",
        [Column("Opération", 5.0), Column("Ménages", 0.8, "right"), Column("Relogés", 0.8, "right"),
         Column("% relogés", 0.8, "right"), Column("Temporaires", 1.0, "right"), Column("Partis", 0.7, "right"),
         Column("Restant", 0.8, "right"), Column("Neuf ou récent", 0.9, "right"),
         Column("Reste à charge", 1.0, "right")],
        rehousing_rows(data, open_only),
        notes="Feuille Relogement, par opération (colonne Opération) : ménages de toutes situations, relogés "
              "définitivement, en relogement temporaire, partis sans relogement et restant à reloger ; « neuf ou "
              "récent » en % des relogés dont la destination est connue ; reste à charge : évolution médiane "
              "(après − avant) ÷ avant."
              + (" Seules les opérations ayant encore des ménages à reloger ou en relogement temporaire sont "
                 "détaillées ; le total porte sur tous les ménages." if open_only else ""),
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


def insertion_table_slide(data: DeckInput, builder: DeckBuilder, open_only: bool = False) -> None:
    """Insertion hours by marché, or by operation when there are more than ``MAX_INSERTION_LINES`` marchés
    (``MAX_OPEN_INSERTION_LINES`` with ``open_only``).

    With ``open_only``, only the marchés of operations not yet delivered; the total stays the programme's.
    """
    live = {op.id for op in live_operations(data.situation) if not (open_only and delivered(op, data.at))}
    lines = [line for line in data.programme.insertion if line.operation_id in live]
    by_operation = len(lines) > (MAX_OPEN_INSERTION_LINES if open_only else MAX_INSERTION_LINES)
    rows: list[list[Cell | str]] = []
    if by_operation:
        groups: dict[str, list[InsertionLine]] = defaultdict(list)
        for line in lines:
            groups[line.operation_id].append(line)
        for op_id, group in groups.items():
            both = [g for g in group if g.insertion_done is not None and g.insertion_planned is not None]
            planned = sum(float(g.insertion_planned or 0) for g in both)
            ratio = sum(float(g.insertion_done or 0) for g in both) / planned * 100 if planned else None
            rows.append([op_id, str(len(group)), hours(sum(float(g.hours_worked or 0) for g in group)),
                         hours(sum(float(g.insertion_planned or 0) for g in group)),
                         hours(sum(float(g.insertion_done or 0) for g in group)), pct(ratio),
                         maybe_date(max((g.as_of for g in group if g.as_of), default=None), "—")])
        columns = [Column("Opération", 2.4), Column("Marchés", 1.0, "right")]
    else:
        for line in lines:
            ratio = (line.insertion_done / line.insertion_planned * 100
                     if line.insertion_done is not None and line.insertion_planned else None)
            rows.append([line.operation_id, line.contract, line.company or "—", hours(line.hours_worked),
                         hours(line.insertion_planned), hours(line.insertion_done), pct(ratio),
                         maybe_date(line.as_of, "—")])
        columns = [Column("Opération", 1.2), Column("Marché", 3.0), Column("Entreprise", 2.2)]
    ins = data.indicators.insertion
    blanks = ("",) * (len(columns) - 1)
    total = "Total, tous chantiers" if open_only else "Total"
    rows.append([Cell(c, bold=True) for c in (total, *blanks, hours(ins.hours_worked), hours(ins.insertion_planned),
                                             hours(ins.insertion_done), pct(ins.done_of_planned_pct), "")])
    builder.table(
        ("Insertion des chantiers en cours" if open_only else "Heures d'insertion par opération" if by_operation
         else "Heures d'insertion par marché"),
        columns + [Column("Heures travaillées", 1.2, "right"), Column("Insertion prévue", 1.1, "right"),
                   Column("Insertion réalisée", 1.1, "right"), Column("Réalisé ÷ prévu", 1.0, "right"),
                   Column("Situation au", 1.0)], rows,
        notes=f"Feuille Insertion : {len(lines)} marchés d'opérations "
              f"{'non livrées (les chantiers livrés sont comptés dans le total)' if open_only else 'non abandonnées'}"
              + (f", regroupés par opération ({len(rows) - 1})" if by_operation else "")
              + f". Total : {fr_number(ins.hours_worked)} h travaillées, {fr_number(ins.insertion_planned)} h "
              f"d'insertion prévues, {fr_number(ins.insertion_done)} h réalisées ; réalisé ÷ prévu sur les marchés "
              f"qui donnent les deux chiffres ({pct(ins.done_of_planned_pct)}).",
        empty="Aucun marché dans la feuille Insertion.", font_pt=9)
