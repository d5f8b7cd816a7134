"""Read a workbook that follows the contract into typed tables, noting every problem met.

Reading finds sheets and headers, and turns each cell into a value of its column's kind.
It reports what reading alone can see (missing sheets and columns, unreadable values, text
dates, parameters, personal data); :mod:`opc_excel.checks.tables` then checks the tables as a whole.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from opc_excel.model import Params, Problem, Severity
from opc_excel.read import contract
from opc_excel.read.headers import sheet_index
from opc_excel.read.params import read_lists, read_params
from opc_excel.read.problems import ProblemLog
from opc_excel.read.source import WorkbookSource
from opc_excel.read.tables import Table, read_table
from opc_excel.text import match_key


@dataclass
class ReadResult:
    params: Params
    lists: dict[str, tuple[str, ...]]
    tables: dict[str, Table]
    log: ProblemLog
    sheet_names: dict[str, str]  # contract sheet name -> name in the workbook


def situation_unreadable(problems: Sequence[Problem]) -> bool:
    """Return True when *problems* say the *Date de situation* could not be read (dates stand for today)."""
    return any(p.code == "DQ-TYPE" and p.column == _AT_LABEL and p.severity is Severity.BLOQUANT
               and match_key(p.sheet) == match_key(contract.PARAMETRES) for p in problems)


_AT_LABEL = next(p.label for p in contract.PARAMETERS if p.attr == "at")


def read_workbook(source: WorkbookSource, *, at: date | None, today: date) -> ReadResult:
    """Return everything the workbook says, as tables, with the problems met while reading.

    ``at`` overrides the *Date de situation* parameter; ``today`` is used only when neither
    gives one (with a warning).
    """
    with collector_paused():
        return _read_workbook(source, at=at, today=today)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector, as it was before on exit.

    Reading keeps a few objects per cell until the end; the collector would scan them over and
    over while they pile up (a tenth of check's time on a big programme, more as it grows).
    Memory is still freed as usual: only reference cycles wait for the collector's next run.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _read_workbook(source: WorkbookSource, *, at: date | None, today: date) -> ReadResult:
    log = ProblemLog()
    sheets = sheet_index(source)
    for name in contract.REQUIRED_SHEETS:
        if name not in sheets:
            log.add("DQ-SHEET", name, "", "", "",
                    f"La feuille « {name} » est introuvable : ajoutez-la (copiez-la depuis le modèle vierge "
                    f"workbooks/modele_vierge.xlsx) ou corrigez le nom de l'onglet.")
    lists = read_lists(source, sheets.get(contract.LISTES), log)
    params = read_params(source, sheets.get(contract.PARAMETRES), at, today, log)
    tables: dict[str, Table] = {}
    for spec in contract.TABLE_SPECS:
        sheet = sheets.get(spec.name)
        if sheet is None:
            continue
        table = read_table(source, spec, sheet, lists, log)
        if table is not None:
            tables[spec.name] = table
    return ReadResult(params, lists, tables, log, sheets)
