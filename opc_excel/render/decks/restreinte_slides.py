"""The slides of the réunions restreintes financière and sociale, and the open actions of every réunion restreinte.

Imported by :mod:`reunion_restreinte` only. Every title states what the slide shows (a figure, a count, the
worst case), every list holds on one slide (``findings.fit_one_slide``): the workbook keeps the full lists.
"""

from __future__ import annotations

from datetime import timedelta

from opc_excel.compute.indicators.common import is_own_funds_or_loan
from opc_excel.compute.indicators.financier import FinanceRow
from opc_excel.compute.schedule import is_abandoned
from opc_excel.fr import fr_date, fr_months, fr_number
from opc_excel.model import FundingLine
from opc_excel.read import contract
from opc_excel.render.decks.builder import Cell, Column, DeckBuilder
from opc_excel.render.decks.common import DeckInput
from opc_excel.render.decks.findings import fit_one_slide
from opc_excel.render.decks.slides import (
    finance_columns,
    finance_row_cells,
    followed_text,
    s_curve_slide,
)
from opc_excel.render.decks.social import (
    insertion_kpis_slide,
    insertion_table_slide,
    open_rehousing_title,
    rehousing_kpis_slide,
    rehousing_table_slide,
)
from opc_excel.situation.formats import euros, maybe_date, meur, pct, plural, signed_months, signed_pct
from opc_excel.situation.schedule import deadlines, remaining_households
from opc_excel.text import NAME_CAP, match_key, shorten

FINANCIAL_DEADLINES = ("DAS attendue", "Caducité de la subvention", "Demande de solde à déposer")
FINANCIAL_HORIZON_DAYS = 182
UNSECURED = frozenset(match_key(s) for s in ("Prévu", "Sollicité"))
MASCULINE_MILESTONES = ("Démarrage", "Dépôt", "Début", "Solde")


def planned(name: str) -> str:
    """Return the milestone's name with « prévu » agreeing with it: « Démarrage des travaux prévu », « Livraison
    prévue » (the first word of a *Jalons* name gives its gender: Démarrage, Dépôt, Début, Solde are masculine)."""
    masculine = name.split(" ", 1)[0] in MASCULINE_MILESTONES
    return f"{name} {'prévu' if masculine else 'prévue'}"


# ---------------------------------------------------------------- financière


def financial_slides(data: DeckInput, builder: DeckBuilder) -> None:
    funders_slide(data, builder)
    anru = data.indicators.anru
    now = next((p for p in data.situation.s_curve if p.day == data.at), None)
    s_curve_slide(data, builder, title=(
        f"Subvention ANRU engagée à {pct(now.engaged_pct)} pour {pct(now.planned_pct)} prévus à date, versée à "
        f"{pct(now.paid_pct)}" if now is not None and now.engaged_pct is not None else "Courbe en S ANRU"))
    anru_by_famille_slide(data, builder, anru)
    financial_deadlines_slide(data, builder)


def _funding_lines(data: DeckInput) -> tuple[list[FundingLine], list[FundingLine]]:
    """Return (subsidy lines, own funds and loan lines) of the non-abandoned operations, with a funder."""
    owner = {op.id: op.owner for op in data.programme.operations if not is_abandoned(op)}
    lines = [line for line in data.programme.funding if line.operation_id in owner and line.funder is not None]
    own = [line for line in lines if is_own_funds_or_loan(line, owner[line.operation_id])]
    return [line for line in lines if not is_own_funds_or_loan(line, owner[line.operation_id])], own


def _unsecured(lines: list[FundingLine]) -> float:
    return sum(line.amount or 0.0 for line in lines
               if line.amount is not None and line.status is not None and match_key(line.status) in UNSECURED)


def _by_funder(lines: list[FundingLine], followed) -> list[tuple[FinanceRow, float]]:
    groups: dict[str, list[FundingLine]] = {}
    for line in lines:
        groups.setdefault(line.funder, []).append(line)
    rows = [(FinanceRow.of(funder, group, followed), _unsecured(group)) for funder, group in groups.items()]
    rows.sort(key=lambda item: (match_key(item[0].key) != "anru", -item[0].amount))
    return rows


def funder_rows(data: DeckInput) -> tuple[list[list[Cell]], FinanceRow, FinanceRow]:
    """Return the funders table: the subsidies (ANRU first, then by amount) and their total, then the own funds
    and loans and their total, then the plan's total amount; and the two totals.

    The subsidies' rates are over the subsidies only: own funds and loans are engaged by no funder's decision, so
    they are *non suivi* unless the workbook gives an engaged or paid figure on the line (``followed_lines``), and
    the plan's total gives the amount and what is not yet secured, not a rate that would mix the two.
    """
    subsidies, own = _funding_lines(data)
    owner = {op.id: op.owner for op in data.programme.operations}

    def followed(line: FundingLine) -> bool:
        return not is_own_funds_or_loan(line, owner.get(line.operation_id)) or line.engaged is not None \
            or line.paid is not None

    rows: list[list[Cell]] = []
    subsidy_total = FinanceRow.of("Total des subventions", subsidies, followed)
    own_total = FinanceRow.of("Total fonds propres et prêts", own, followed)
    rows += [_funder_cells(row, unsecured) for row, unsecured in _by_funder(subsidies, followed)]
    rows.append(_funder_cells(subsidy_total, _unsecured(subsidies), bold=True))
    if own:
        rows += [_funder_cells(row, unsecured) for row, unsecured in _by_funder(own, followed)]
        rows.append(_funder_cells(own_total, _unsecured(own), bold=True))
    everything = subsidies + own
    amount = sum(line.amount or 0.0 for line in everything if line.amount is not None)
    rows.append([Cell("Total des plans de financement", bold=True), Cell(meur(amount), bold=True),
                 Cell(meur(_unsecured(everything)), bold=True)] + [Cell("—", bold=True)] * 5)
    return rows, subsidy_total, own_total


def _funder_cells(row: FinanceRow, unsecured: float, bold: bool = False) -> list[Cell]:
    return [Cell(row.key, bold=bold), Cell(meur(row.amount), bold=bold),
            Cell(meur(unsecured), "orange" if unsecured else None, bold),
            *(Cell(followed_text(row, t), bold=bold) for t in (meur(row.engaged), pct(row.engaged_pct),
                                                                 meur(row.paid), pct(row.paid_of_amount_pct),
                                                                 meur(row.to_pay)))]


def funders_slide(data: DeckInput, builder: DeckBuilder) -> None:
    rows, subsidies, own = funder_rows(data)
    anru = data.indicators.anru
    title = (f"Subventions engagées à {pct(subsidies.engaged_pct)} de {meur(subsidies.amount)} (ANRU : "
             f"{pct(anru.engaged_pct)})")
    if own.amount:
        title += f", hors {meur(own.amount)} de fonds propres et prêts"
    builder.table(
        title,
        [Column("Financeur", 2.6), Column("Montant", 1.1, "right"), Column("dont non acquis", 1.3, "right"),
         Column("Engagé", 1.1, "right"), Column("% engagé", 0.9, "right"), Column("Versé", 1.1, "right"),
         Column("% versé", 0.9, "right"), Column("Reste à payer", 1.2, "right")], rows,
        notes=f"Feuille Financements, lignes des opérations non abandonnées : montant actualisé sinon convention. "
              f"Subventions : {euros(subsidies.amount)}, engagé {euros(subsidies.engaged)} "
              f"({pct(subsidies.engaged_pct)}), versé {euros(subsidies.paid)}. Fonds propres et prêts (financeur = "
              f"maître d'ouvrage de l'opération, ou fonds propres, prêt, emprunt) : {euros(own.amount)}, « non suivi » "
              f"faute de montant engagé ou versé sur la ligne, donc hors des taux. « Non acquis » : lignes Prévu ou "
              f"Sollicité. Engagé et versé sur les lignes Acquis ou Notifié ; % versé : versé ÷ montant.",
        font_pt=10)


def anru_by_famille_slide(data: DeckInput, builder: DeckBuilder, anru) -> None:
    """The ANRU subsidy engaged and paid by famille with its total, the title naming the least engaged famille."""
    families = list(data.indicators.anru_by_famille)
    rated = [r for r in families if r.engaged_pct is not None and r.amount]
    least = min(rated, key=lambda r: r.engaged_pct, default=None)
    title = f"Subvention ANRU de {meur(anru.amount)} engagée à {pct(anru.engaged_pct)}"
    if least is not None and len(rated) > 1:
        title += f", la famille la moins engagée : {least.key} ({pct(least.engaged_pct)})"
    rows = [finance_row_cells(row) for row in families]
    rows.append(finance_row_cells(FinanceRow("Total ANRU", anru.amount, anru.engaged, anru.paid, anru.engaged_pct,
                                             anru.paid_of_amount_pct, anru.paid_of_engaged_pct, anru.to_engage,
                                             anru.to_pay), bold=True))
    builder.table(
        title, finance_columns("Famille"), rows,
        notes=f"Lignes ANRU de la feuille Financements (montant actualisé, sinon convention) : subvention "
              f"{euros(anru.amount)}, engagé {euros(anru.engaged)} ({pct(anru.engaged_pct)}), versé "
              f"{euros(anru.paid)} ({pct(anru.paid_of_amount_pct)} de la subvention, "
              f"{pct(anru.paid_of_engaged_pct)} de l'engagé). Engagé et versé ne comptent que les lignes Acquis ou "
              f"Notifié ; % versé : versé ÷ subvention.",
        empty="Aucune ligne ANRU dans la feuille Financements.", font_pt=10)


def financial_deadlines_slide(data: DeckInput, builder: DeckBuilder) -> None:
    """DAS, caducités and demandes de solde from t to six months after the séance; before the séance: late."""
    seance = data.meeting.day
    end = seance + timedelta(days=FINANCIAL_HORIZON_DAYS)
    items = [d for d in deadlines(data.situation, FINANCIAL_HORIZON_DAYS, seance=seance)
             if d[1] in FINANCIAL_DEADLINES]
    before = sum(day < seance for day, *_ in items)
    overdue = overdue_das(data)
    columns = [Column("Date", 1.1), Column("Échéance", 2.0), Column("Opération", 3.6), Column("Détail", 3.3)]
    rows = [[Cell(fr_date(day), "rouge"), "DAS en retard", who, detail] for day, who, detail in overdue]
    rows += [[Cell(fr_date(day), "orange" if day < seance else None), what, who,
              ("Avant la séance : " if day < seance else "") + detail] for day, what, who, detail in items]
    rows = fit_one_slide(columns, rows, lambda n: ["…", f"{plural(n, 'autre échéance', 'autres échéances')}", "",
                                                   "feuille Jalons"])
    title = f"{plural(len(items), 'échéance financière', 'échéances financières')} d'ici le {fr_date(end)}"
    if before:
        title += f", dont {fr_number(before)} avant la séance du {fr_date(seance)}"
    if overdue:
        title = f"{plural(len(overdue), 'DAS en retard', 'DAS en retard')} ; " + (
            title if items else f"aucune autre échéance d'ici le {fr_date(end)}")
    builder.table(
        title if items or overdue else f"Aucune échéance financière d'ici le {fr_date(end)}", columns, rows,
        notes=f"Du {fr_date(data.at)} (date de situation) au {fr_date(end)} (six mois après la séance du "
              f"{fr_date(seance)}) : DAS attendues (Jalons), caducité des subventions (DAS + "
              f"{fr_months(data.params.lapse_months)}, travaux non démarrés), demandes de solde (livraison + "
              f"{fr_months(data.params.balance_request_months)}), délais de la feuille Paramètres. En orange : "
              f"échues avant la séance. En rouge, d'abord : DAS dont la date prévisionnelle (sinon contractuelle) est "
              f"passée au {fr_date(data.at)} sans date réelle, en retard depuis cette date.",
        empty=f"Aucune échéance financière d'ici le {fr_date(end)}.", font_pt=12 if len(rows) <= 8 else 10)


def overdue_das(data: DeckInput) -> list[tuple]:
    """Return (date due, operation, detail) of each DAS whose forecast, else baseline, passed with no actual date
    (``Slip.overdue``): the subsidy it engages waits, late since that date."""
    names = {op.id: op.label or "" for op in data.programme.operations}
    return [(s.current, f"{s.operation_id} — {shorten(names.get(s.operation_id, ''), NAME_CAP)}",
             f"Prévue le {fr_date(s.current)}, non obtenue : {signed_months(s.vs_baseline_months)} sur la date "
             f"contractuelle")
            for s in sorted(data.indicators.slips, key=lambda s: s.current)
            if s.milestone == contract.DAS and s.overdue]


# ---------------------------------------------------------------- sociale


def social_slides(data: DeckInput, builder: DeckBuilder) -> None:
    r = data.indicators.rehousing
    remaining = remaining_households(data.situation)
    rehousing_kpis_slide(data, builder, title=(
        f"{plural(remaining, 'ménage reste', 'ménages restent')} à reloger sur {fr_number(r.to_rehouse)}, "
        f"{pct(r.rehoused_percent)} relogés définitivement" if r.to_rehouse else "Aucun ménage à reloger"))
    rehousing_table_slide(data, builder, open_only=True, title=open_rehousing_title(data))
    ins = data.indicators.insertion
    gap = "" if ins.gap_points is None else f", {signed_pct(ins.gap_points, 'points')} sur l'avancement des travaux"
    insertion_kpis_slide(data, builder, gup=True, title=(
        f"Insertion : {pct(ins.done_of_target_pct)} de l'objectif d'heures{gap}"))
    insertion_table_slide(data, builder, open_only=True)


# ---------------------------------------------------------------- actions


def open_actions_slide(data: DeckInput, builder: DeckBuilder, instance: str) -> None:
    """Every action of the meeting not yet closed, by due date, on one slide: those due before the séance are
    late (orange, red after *Reports avant rouge* postponements)."""
    seance = data.meeting.day
    actions = [a for a in data.programme.actions
               if a.instance == instance and a.status != "Soldée" and a.closed_on is None]
    actions.sort(key=lambda a: (a.due is None, a.due, a.id))
    rows: list[list[Cell | str]] = []
    late = 0
    for action in actions:
        is_late = action.due is not None and action.due < seance
        late += is_late
        postponed = int(action.postponements or 0)
        status = "rouge" if is_late and postponed >= data.params.postponements_red else "orange" if is_late else None
        rows.append([action.id, action.subject or "—", action.decision or "—", action.owner or "—",
                     Cell(maybe_date(action.due, "à fixer") + (" (en retard)" if is_late else ""), status),
                     action.status or "—", str(postponed)])
    columns = [Column("Action", 0.9), Column("Sujet", 1.8), Column("Décision / action", 3.4),
               Column("Responsable", 1.6), Column("Échéance", 1.4), Column("Statut", 1.0),
               Column("Reports", 0.8, "right")]
    rows = fit_one_slide(columns, rows, lambda n: ["…", f"{plural(n, 'autre action', 'autres actions')}",
                                                   "feuille Actions", "", "", "", ""])
    what = instance.lower()
    lateness = ("en retard" if late and len(actions) == 1 else f"dont {fr_number(late)} en retard" if late
                else "aucune en retard" if len(actions) > 1 else "pas en retard")
    title = (f"{plural(len(actions), 'action ouverte', 'actions ouvertes')} de la {what}, {lateness} à la séance du "
             f"{fr_date(seance)}" if actions else f"Aucune action ouverte de la {what}")
    builder.table(
        title, columns, rows,
        notes=f"Relevé de décisions (feuille Actions), instance « {instance} » : "
              f"{plural(len(actions), 'action non soldée', 'actions non soldées')}, dont {fr_number(late)} à "
              f"échéance avant la séance du {fr_date(seance)} (orange ; rouge "
              f"après au moins {int(data.params.postponements_red)} reports, GOV-03).",
        empty=f"Aucune action ouverte de la {what}.", font_pt=12 if len(rows) <= 8 else 10)
