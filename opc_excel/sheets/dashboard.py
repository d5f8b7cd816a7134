"""The *Tableau de bord* sheet, and the headline figures *Historique* keeps: the indicators as an officer reads them.

Percentages are written as Excel percentages (0.45 shown ``45,0 %``), amounts with ``# ##0 €``,
so the figures stay numbers users can reuse. The dashboard prints on one A4 landscape page.
The sheet is described once (:class:`SheetOutput`) and written by any backend (see output.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from opc_excel.compute.indicators import Indicators
from opc_excel.compute.indicators.financier import FinanceRow
from opc_excel.fr import fr_date
from opc_excel.model import Alert, Level, Problem, Programme, Severity
from opc_excel.sheets.openpyxl_backend import as_backend
from opc_excel.sheets.output import Align, Font, PageLayout, SheetOutput
from opc_excel.sheets.style import HEADER_FILL, HEADER_FONT, TITLE_FONT
from opc_excel.text import NAME_CAP, shorten
from opc_excel.words import PROGRESS_INDEX

TABLEAU_DE_BORD = "Tableau de bord"
AMOUNT = '#,##0 "€"'
PERCENT = "0.0%"
NUMBER = "#,##0"
RATIO = "0.00"
SECTION_FONT = Font(bold=True, size=12, color="1F3864")
LABEL_FILL = "D9E1F2"
BOX = "BFBFBF"  # a thin grey box around each figure


def _share(value: float | None) -> float | None:
    """Return a 0–100 percentage as an Excel fraction."""
    return None if value is None else value / 100


# (label, how to get it, number format) — the headline figures, on the dashboard and in *Historique*
HEADLINES: tuple[tuple[str, Callable[[Indicators], float | None], str], ...] = (
    ("Subvention ANRU (€)", lambda i: i.anru.amount, AMOUNT),
    ("Taux d'engagement ANRU", lambda i: _share(i.anru.engaged_pct), PERCENT),
    ("Engagement prévu (courbe en S)", lambda i: _share(i.planned_engagement_pct), PERCENT),
    ("Taux de paiement ANRU", lambda i: _share(i.anru.paid_of_amount_pct), PERCENT),
    ("Reste à engager (€)", lambda i: i.anru.to_engage, AMOUNT),
    ("Reste à payer (€)", lambda i: i.anru.to_pay, AMOUNT),
    ("Avancement global pondéré", lambda i: _share(i.progress_pct), PERCENT),
    ("Avancement prévu", lambda i: _share(i.planned_progress_pct), PERCENT),
    (PROGRESS_INDEX, lambda i: i.spi, RATIO),
    ("Opérations lancées", lambda i: _share(i.launched_pct), PERCENT),
    ("Reconstitution : reconstruits / démolis", lambda i: i.reconstitution.ratio_started, PERCENT),
    ("Ménages relogés", lambda i: _share(i.rehousing.rehoused_percent), PERCENT),
    ("Heures d'insertion réalisées / prévues", lambda i: _share(i.insertion.done_of_planned_pct), PERCENT),
    ("Dérive de coût", lambda i: _share(i.cost_drift.drift_pct), PERCENT),
)
COUNTS = ("Alertes rouges", "Alertes orange", "Problèmes bloquants")
# headlines renamed since earlier refreshes wrote *Historique*: old label -> current label (its column is kept)
FORMER_LABELS = {"Indice de respect du planning (SPI)": PROGRESS_INDEX}


def summary_values(indicators: Indicators, alerts: Sequence[Alert], problems: Sequence[Problem]) -> dict[str, object]:
    """Return the headline figures and counts of one date de situation (a row of *Historique*)."""
    values: dict[str, object] = {label: get(indicators) for label, get, _ in HEADLINES}
    values["Alertes rouges"] = sum(a.severity is Level.ROUGE for a in alerts)
    values["Alertes orange"] = sum(a.severity is Level.ORANGE for a in alerts)
    values["Problèmes bloquants"] = sum(p.severity is Severity.BLOQUANT for p in problems)
    return values


def header_row(ws: SheetOutput, row: int, col: int, headers: Sequence[str]) -> None:
    """Write ``headers`` rightwards from (row, col): the boxed header of a table (here and in *Historique*)."""
    for offset, header in enumerate(headers):
        ws.put(row, col + offset, header, fill=HEADER_FILL, font=HEADER_FONT, border=BOX,
               align=Align(horizontal="center", vertical="center", wrap=True))


def boxed_value(ws: SheetOutput, row: int, col: int, value: object, number_format: str | None = None) -> None:
    """Write a value in a thin grey box, with ``number_format`` when it is a number."""
    cell = ws.put(row, col, value, border=BOX)
    if number_format and isinstance(value, int | float):
        cell.number_format = number_format


def _section(ws: SheetOutput, row: int, col: int, title: str) -> None:
    ws.put(row, col, title, font=SECTION_FONT)


FINANCE_HEADERS = ("Subvention ANRU", "Engagé", "Payé", "Taux d'engagement", "Taux de paiement")


NOT_FOLLOWED = "non suivi"  # own funds and loans the workbook gives no engaged or paid figure for


def _finance_cells(ws: SheetOutput, row: int, col: int, finance: FinanceRow) -> None:
    boxed_value(ws, row, col, finance.amount, AMOUNT)
    if not finance.followed:
        for offset in range(1, 5):
            boxed_value(ws, row, col + offset, NOT_FOLLOWED)
        return
    boxed_value(ws, row, col + 1, finance.engaged, AMOUNT)
    boxed_value(ws, row, col + 2, finance.paid, AMOUNT)
    boxed_value(ws, row, col + 3, _share(finance.engaged_pct), PERCENT)
    boxed_value(ws, row, col + 4, _share(finance.paid_of_amount_pct), PERCENT)


def _finance_table(ws: SheetOutput, row: int, col: int, title: str, first: str, rows: Sequence[FinanceRow],
                   amount_header: str = "Subvention ANRU") -> int:
    """Write a table of financial rows; return the next free row."""
    _section(ws, row, col, title)
    header_row(ws, row + 1, col, (first, amount_header) + FINANCE_HEADERS[1:])
    ws.heights[row + 1] = 32
    for offset, finance in enumerate(rows, start=row + 2):
        boxed_value(ws, offset, col, shorten(finance.key, NAME_CAP))
        ws.cell(offset, col).fill = LABEL_FILL
        _finance_cells(ws, offset, col + 1, finance)
    return row + 2 + len(rows) + 1


def dashboard_sheet(programme: Programme, indicators: Indicators, alerts: Sequence[Alert],
                    problems: Sequence[Problem]) -> SheetOutput:
    """Return the *Tableau de bord*: headline figures, then the tables by famille, district, owner, funder."""
    ws = SheetOutput(TABLEAU_DE_BORD, tab_color="2F5597")
    params = programme.params
    ws.put(1, 1, f"Tableau de bord — {shorten(params.project or 'Projet', NAME_CAP)} — situation au "
                 f"{fr_date(programme.at)}",
           font=TITLE_FONT)
    subtitle = f"Programme {params.programme.value}"
    if params.amendment_in_force:
        subtitle += f" · {shorten(params.amendment_in_force, NAME_CAP)}"
    blocking = sum(p.severity is Severity.BLOQUANT for p in problems)
    if blocking:
        subtitle += (f" · {blocking} problème(s) bloquant(s) : les valeurs concernées sont exclues des calculs "
                     "(voir la feuille Contrôles)")
    ws.put(2, 1, subtitle, font=Font(italic=True, color="C00000" if blocking else "595959"))

    _section(ws, 4, 1, "Chiffres clés")
    summary = summary_values(indicators, alerts, problems)
    half = (len(HEADLINES) + 1) // 2
    for index, (label, _, number_format) in enumerate(HEADLINES):
        row, col, span = (5 + index, 1, 2) if index < half else (5 + index - half, 5, 3)
        boxed_value(ws, row, col, label)
        ws.cell(row, col).fill = LABEL_FILL
        ws.merge(row, col, row, col + span - 1)
        boxed_value(ws, row, col + span, summary[label], number_format)
    row = _counts(ws, 5 + half, summary)

    row += 1
    _section(ws, row, 1, "Par famille d'opérations")
    headers = ("Famille", "Opérations") + FINANCE_HEADERS + ("Avancement", "Avancement prévu",
                                                             "Glissement max. livraison (mois)",
                                                             "Glissement médian livraison (mois)", "Dérive de coût")
    header_row(ws, row + 1, 1, headers)
    ws.heights[row + 1] = 45
    finance = {r.key: r for r in indicators.anru_by_famille}
    progress = {r.famille: r for r in indicators.progress_by_famille}
    slips = {r.famille: r for r in indicators.slips_by_famille}
    drift = {r.key: r for r in indicators.cost_drift_by_famille}
    counts: dict[str, int] = {}
    for op in programme.operations:
        if op.famille and op.status != "Abandonnée":
            counts[op.famille] = counts.get(op.famille, 0) + 1
    familles = [f for f in programme.lists.get("Familles", ()) if f in counts] + sorted(
        f for f in counts if f not in programme.lists.get("Familles", ()))
    for offset, famille in enumerate(familles, start=row + 2):
        boxed_value(ws, offset, 1, shorten(famille, NAME_CAP))
        ws.cell(offset, 1).fill = LABEL_FILL
        boxed_value(ws, offset, 2, counts[famille], NUMBER)
        if famille in finance:
            _finance_cells(ws, offset, 3, finance[famille])
        else:
            for col in range(3, 8):
                boxed_value(ws, offset, col, None)
        fp, fs, fd = progress.get(famille), slips.get(famille), drift.get(famille)
        boxed_value(ws, offset, 8, _share(fp.progress_pct) if fp else None, PERCENT)
        boxed_value(ws, offset, 9, _share(fp.planned_progress_pct) if fp else None, PERCENT)
        boxed_value(ws, offset, 10, fs.delivery_max_months if fs else None, NUMBER)
        boxed_value(ws, offset, 11, fs.delivery_median_months if fs else None, "0.0")
        boxed_value(ws, offset, 12, _share(fd.drift_pct) if fd else None, PERCENT)
    row += 2 + len(familles) + 1

    next_left = _finance_table(ws, row, 1, "Par quartier", "Quartier", indicators.anru_by_district)
    next_right = _finance_table(ws, row, 8, "Par maître d'ouvrage", "Maître d'ouvrage", indicators.anru_by_owner)
    row = max(next_left, next_right)
    _finance_table(ws, row, 1, "Par financeur (engagement sur les lignes acquises ou notifiées ; fonds propres et "
                               "prêts sans montant engagé ni versé : non suivi)", "Financeur",
                   indicators.by_funder, amount_header="Montant")

    widths = (34, 11, 15, 15, 15, 13, 13, 17, 15, 15, 15, 13, 13)
    for col, width in enumerate(widths, start=1):
        ws.widths[col] = width
    ws.page = PageLayout(fit_height=1, center_horizontally=True, margins=(0.4, 0.4, 0.5, 0.5))
    return ws


def write_dashboard(workbook, programme: Programme, indicators: Indicators, alerts: Sequence[Alert],
                    problems: Sequence[Problem]):
    """Write the *Tableau de bord* into ``workbook`` (openpyxl workbook or output backend); return the sheet."""
    return as_backend(workbook).write(dashboard_sheet(programme, indicators, alerts, problems))


def _counts(ws: SheetOutput, row: int, summary: dict[str, object]) -> int:
    """Write the alert and problem counts on one row; return the next row."""
    for label, col, span in zip(COUNTS, (1, 5, 10), (2, 3, 2), strict=True):
        boxed_value(ws, row, col, label)
        ws.cell(row, col).fill = LABEL_FILL
        ws.merge(row, col, row, col + span - 1)
        boxed_value(ws, row, col + span, summary[label], NUMBER)
        if label == "Alertes rouges" and summary[label]:
            ws.cell(row, col + 2).font = Font(bold=True, color="C00000")
    return row + 1
