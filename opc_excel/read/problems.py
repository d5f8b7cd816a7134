"""The problems met while reading, each a future row of *Contrôles*: sheet, cell, column, value read, message."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd
from openpyxl.utils import get_column_letter

from opc_excel.fr import fr_date
from opc_excel.model import Problem, Severity
from opc_excel.read.values import xml_safe


def cell_address(row: int, col: int) -> str:
    """Return the A1 address of a 1-based row and a 0-based column index."""
    return f"{get_column_letter(col + 1)}{row}"


def shown(raw: object) -> str:
    """Return a cell value as the user would recognise it in *Valeur lue*."""
    if raw is None or raw is pd.NA or (isinstance(raw, float) and raw != raw):  # NaN: an empty cell in a frame
        return ""
    if isinstance(raw, date):
        return fr_date(raw)
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return xml_safe(str(raw))  # Contrôles must be writable whatever the add-in sent


@dataclass
class ProblemLog:
    """Problems in the order they were met; each a future row of *Contrôles*."""

    problems: list[Problem] = field(default_factory=list)

    def add(self, code: str, sheet: str, cell: str, column: str, value: object, message: str,
            severity: Severity = Severity.BLOQUANT) -> None:
        self.problems.append(Problem(code, severity, sheet, cell, xml_safe(column), shown(value), xml_safe(message)))
