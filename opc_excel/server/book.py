"""The pipeline over an open workbook: an xlwings ``Book`` in, output sheets and a summary out.

Used by the add-in's scripts (a book built by xlwings Server from the Office.js payload) and by
the desktop fallback (``xw.Book.caller()``). Reading goes through xlwings' own conversion
(values from A1, dates as datetimes, empty cells as ``None``) into a
:class:`~opc_excel.read.source.GridSource`, so the reader sees what it sees in a file;
writing goes through :class:`~opc_excel.sheets.xlwings_backend.XlwingsOutput`.
Nothing here imports xlwings Server or needs a licence key.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from opc_excel.errors import OpcError
from opc_excel.fr import fr_date, fr_number
from opc_excel.model import Level
from opc_excel.pipeline import (
    REFRESHED_SHEETS,
    UNREADABLE_SITUATION,
    check_source,
    refreshed_sheets,
    write_outputs,
)
from opc_excel.read import contract
from opc_excel.read.alert_sheet import ALERTES
from opc_excel.read.history import HISTORIQUE, HISTORIQUE_JALONS
from opc_excel.read.source import GridSource
from opc_excel.report import CheckReport
from opc_excel.sheets.controles import write_controles
from opc_excel.sheets.xlwings_backend import XlwingsOutput
from opc_excel.situation.formats import plural
from opc_excel.text import match_key

CONTROLER, ACTUALISER, DIAPORAMA = "controler", "actualiser", "diaporama"
KEPT_SHEETS = (ALERTES, HISTORIQUE, HISTORIQUE_JALONS)  # read back so that a refresh keeps them
SHEETS_SENT: dict[str, tuple[str, ...]] = {  # Contrôler reads the history too: one alert count everywhere
    CONTROLER: contract.INPUT_SHEETS + KEPT_SHEETS,
    ACTUALISER: contract.INPUT_SHEETS + KEPT_SHEETS,
    DIAPORAMA: contract.INPUT_SHEETS + KEPT_SHEETS,
}
"""The sheets each call reads, and so the only ones the add-in sends (``ribbon.js`` has the same table)."""
SHEETS_WRITTEN: dict[str, tuple[str, ...]] = {
    CONTROLER: (contract.CONTROLES,),
    ACTUALISER: REFRESHED_SHEETS,
}


class SheetNotSentError(OpcError):
    """A sheet the script reads was left out of the request (an out-of-date add-in)."""


def book_source(book: Any, needed: Sequence[str]) -> GridSource:
    """Return the values of the book's sheets named in ``needed`` (up to case and accents), from A1.

    Raise :class:`SheetNotSentError` when such a sheet is in the book but its values were not sent:
    computing without it would, for *Alertes*, drop what users typed.
    """
    wanted = {match_key(name) for name in needed}
    remote = book.app.engine.name == "remote"
    sheets: dict[str, list[list[object]]] = {}
    for sheet in book.sheets:
        if match_key(sheet.name) not in wanted:
            continue
        if remote:
            raw = sheet.api.get("values") or [[]]
            if raw == [[]]:
                raise SheetNotSentError(
                    f"La feuille « {sheet.name} » n'a pas été transmise au serveur : rien n'a été modifié. "
                    "Fermez puis rouvrez le volet OPC urbain pour recharger le complément, puis recommencez.")
            rows, cols = len(raw), max(len(row) for row in raw)
        else:
            last = sheet.used_range.last_cell
            rows, cols = last.row, last.column
        values = sheet.range((1, 1), (rows, cols)).options(ndim=2, err_to_str=True).value
        sheets[sheet.name] = values
    return GridSource(sheets)


def check_book(book: Any, call: str, today: date) -> CheckReport:
    """Return the check of the open workbook, read as ``call`` needs it."""
    return check_source(book_source(book, SHEETS_SENT[call]), at=None, today=today)


def run_controler(book: Any, today: date) -> dict[str, object]:
    """Check the workbook, rewrite *Contrôles*; return the summary shown in the task pane."""
    report = check_book(book, CONTROLER, today)
    write_controles(XlwingsOutput(book), report.problems, report.at, report.sheet_names)
    return run_summary(report, CONTROLER, book.name)


def run_actualiser(book: Any, today: date) -> dict[str, object]:
    """Check, compute and rewrite every output sheet, as ``opc-excel refresh`` does; return the summary."""
    report = check_book(book, ACTUALISER, today)
    write_outputs(XlwingsOutput(book), report)
    return run_summary(report, ACTUALISER, book.name)


def run_summary(report: CheckReport, call: str, book_name: str) -> dict[str, object]:
    """Return what the task pane shows of a run: date de situation, problems, alerts by severity."""
    blocking, warnings = len(report.blocking), len(report.warnings)
    red, orange = report.count(Level.ROUGE), report.count(Level.ORANGE)
    if blocking:
        problems = (f"{plural(blocking, 'problème bloquant', 'problèmes bloquants')} : les valeurs concernées sont "
                    "écartées des calculs ; "
                    "corrigez-les en suivant les liens de la feuille Contrôles.")
    elif warnings:
        problems = (f"Aucun problème bloquant ; {plural(warnings, 'avertissement')} à vérifier dans la feuille "
                    "Contrôles.")
    else:
        problems = "Aucun problème détecté dans les données."
    unreadable = refreshed_sheets(report) != REFRESHED_SHEETS
    if call == CONTROLER or unreadable:
        written, done = (contract.CONTROLES,), "Feuille Contrôles réécrite."
    else:
        written, done = REFRESHED_SHEETS, ("Feuilles Contrôles, Alertes, Tableau de bord et Historique réécrites ; "
                                           "vos colonnes de suivi de la feuille Alertes sont conservées.")
    situation = UNREADABLE_SITUATION if unreadable else f"Situation au {fr_date(report.at)}. {done}"
    return {
        "script": call,
        "classeur": book_name,
        "date_de_situation": "illisible" if unreadable else fr_date(report.at),
        "bloquants": blocking,
        "avertissements": warnings,
        "alertes": {Level.ROUGE.value: red, Level.ORANGE.value: orange},
        "feuilles": list(written),
        "message": f"{situation} {problems} {plural(len(report.alerts), 'alerte')} : {plural(red, 'rouge')}, "
                   f"{fr_number(orange)} orange.",
    }
