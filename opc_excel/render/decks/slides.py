"""The slides and rows more than one deck shows: the S-curve, the ANRU subsidy by group, the finance rows.

The synthesis, the points durs and the decisions are in :mod:`opc_excel.render.decks.findings`.

A deck module lays out its own slides and takes the shared ones from here, never from a sibling deck.
"""

from __future__ import annotations

from opc_excel.compute.indicators.financier import FinanceRow
from opc_excel.fr import fr_date, fr_number
from opc_excel.render.decks.builder import Cell, Column, DeckBuilder
from opc_excel.render.decks.common import DeckInput
from opc_excel.situation.formats import euros, meur, pct, plural, signed_points

NOT_FOLLOWED = "non suivi"


def followed_text(row: FinanceRow, text: str) -> str:
    """Return ``text``, or « non suivi » for own funds and loans the workbook gives no engaged or paid figure for."""
    return text if row.followed else NOT_FOLLOWED


def finance_row_cells(row: FinanceRow, bold: bool = False) -> list[Cell]:
    return [Cell(row.key, bold=bold), Cell(meur(row.amount), bold=bold), Cell(meur(row.engaged), bold=bold),
            Cell(pct(row.engaged_pct), bold=bold), Cell(meur(row.paid), bold=bold),
            Cell(pct(row.paid_of_amount_pct), bold=bold), Cell(meur(row.to_engage), bold=bold),
            Cell(meur(row.to_pay), bold=bold)]


def finance_columns(first: str) -> list[Column]:
    return [Column(first, 3.2), Column("Subvention", 1.1, "right"), Column("Engagé", 1.1, "right"),
            Column("% engagé", 0.9, "right"), Column("Versé", 1.1, "right"), Column("% versé", 0.9, "right"),
            Column("Reste à engager", 1.2, "right"), Column("Reste à payer", 1.2, "right")]


ANRU_GROUPS = {"famille": ("par famille", "Famille"), "owner": ("par maître d'ouvrage", "Maître d'ouvrage"),
               "district": ("par quartier", "Quartier")}


def anru_slide(data: DeckInput, builder: DeckBuilder, group: str = "famille") -> None:
    """The ANRU subsidy engaged and paid by famille, owner or district, with the programme total."""
    ind = data.indicators
    title, header = ANRU_GROUPS[group]
    table = {"famille": ind.anru_by_famille, "owner": ind.anru_by_owner, "district": ind.anru_by_district}[group]
    rows = [finance_row_cells(row) for row in table]
    total = ind.anru
    rows.append(finance_row_cells(FinanceRow("Total ANRU", total.amount, total.engaged, total.paid,
                                             total.engaged_pct, total.paid_of_amount_pct,
                                             total.paid_of_engaged_pct, total.to_engage, total.to_pay), bold=True))
    builder.table(
        f"Subvention ANRU {title}", finance_columns(header), rows,
        notes=f"Lignes ANRU de la feuille Financements (montant actualisé, sinon convention) : subvention "
              f"{euros(total.amount)}, engagé {euros(total.engaged)} ({pct(total.engaged_pct)}), versé "
              f"{euros(total.paid)} ({pct(total.paid_of_amount_pct)} de la subvention, "
              f"{pct(total.paid_of_engaged_pct)} de l'engagé). Engagé et versé ne comptent que les lignes "
              f"Acquis ou Notifié ; % versé : versé ÷ subvention.",
        empty="Aucune ligne ANRU dans la feuille Financements.", font_pt=table_font(rows))


def table_font(rows: list) -> float:
    """Return the table font: larger for a short table, which would otherwise float in white space."""
    return 12.0 if len(rows) <= 8 else 10.0


def s_curve_slide(data: DeckInput, builder: DeckBuilder, title: str = "Courbe en S ANRU") -> None:
    """Add the S-curves as % of the ANRU subsidy: planned engagement (a step at each baseline DAS) and payments by
    semester up to the convention end + 1 semester, actual engaged and paid at each date de situation of
    *Historique* and today. The caption's *prévu à date* is the planned value plotted at t: one figure, one value.
    """
    points = data.situation.s_curve
    anru = data.indicators.anru
    if not points:
        builder.bullets(title, [], notes="Courbe en S impossible : ni date de signature (Paramètres) ni dates de "
                                         "DAS ou de démarrage de référence (Jalons).",
                        empty="Pas de courbe en S : renseigner la date de signature de la convention.")
        return
    now = next(p for p in points if p.day == data.at)
    gap = None if now.engaged_pct is None or now.planned_pct is None else now.engaged_pct - now.planned_pct
    dated = sum(p.engaged_pct is not None or p.paid_pct is not None for p in points)
    comment = (f"Au {fr_date(data.at)} :\n"
               f"Engagé : {pct(now.engaged_pct)} ({meur(anru.engaged)})\n"
               f"Prévu à date : {pct(now.planned_pct)}\n"
               f"Versé : {pct(now.paid_pct)} ({meur(anru.paid)})\n"
               f"Versements prévus à date : {pct(now.planned_paid_pct)}\n"
               f"Subvention ANRU : {meur(anru.amount)}")
    builder.chart(
        title, "line", [p.day for p in points],
        {"Engagement prévu": [p.planned_pct for p in points], "Engagé": [p.engaged_pct for p in points],
         "Versements prévus": [p.planned_paid_pct for p in points], "Versé": [p.paid_pct for p in points]},
        notes=f"Courbes en S par semestre jusqu'au semestre suivant la fin de la convention (Financements, lignes "
              f"ANRU ; Jalons, dates de référence : avenant, sinon convention). Engagement prévu : chaque subvention "
              f"comptée en entier à sa date de DAS de référence. Versements prévus : de la date de démarrage à celle "
              f"du solde, acomptes plafonnés à {fr_number(data.params.payments_before_balance_ceiling_pct)} % avant "
              f"le solde. Engagé et versé : {plural(dated, 'date de situation', 'dates de situation')} (feuille "
              f"Historique et situation du {fr_date(data.at)}). Au {fr_date(data.at)} : engagé "
              f"{pct(now.engaged_pct)} de {euros(anru.amount)} ({euros(anru.engaged)}), prévu à date "
              f"{pct(now.planned_pct)}, écart {signed_points(gap)}. Versé : {euros(anru.paid)} ({pct(now.paid_pct)}).",
        comment=comment, maximum=100)
    _join_across_gaps(builder)


def _join_across_gaps(builder: DeckBuilder) -> None:
    """Draw the actual curves as lines through their dated points, across the semesters between them."""
    slide = builder.presentation.slides[-1]
    chart = next(shape.chart for shape in slide.shapes if shape.has_chart)
    for blanks in chart._chartSpace.xpath("c:chart/c:dispBlanksAs"):  # noqa: SLF001 - python-pptx has no API
        blanks.set("val", "span")
