"""Find the contract's sheets and their header rows, and iterate a sheet's rows; warn about odd headers.

Sheet names and headers are matched ignoring case, accents, spaces and apostrophes; a header row
is looked for within the first HEADER_SEARCH_ROWS rows.
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterator, Sequence
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException

from opc_excel.errors import UnreadableWorkbookError
from opc_excel.model import Severity
from opc_excel.read import contract
from opc_excel.read.contract import SheetSpec
from opc_excel.read.problems import ProblemLog, cell_address
from opc_excel.read.source import WorkbookSource
from opc_excel.read.values import is_blank
from opc_excel.text import match_key

HEADER_SEARCH_ROWS = 10
# What openpyxl raises when a sheet holds a value the format does not allow (``<v>NaN</v>``, a
# shared string that does not exist…): it parses read-only sheets lazily, while we iterate.
_SHEET_PARSE_ERRORS = (ValueError, ArithmeticError, LookupError, TypeError, EOFError, zlib.error,
                       zipfile.BadZipFile, ParseError, DefusedXmlException)


def sheet_index(source: WorkbookSource) -> dict[str, str]:
    """Return contract sheet names found in the workbook, mapped to their actual names."""
    wanted = {match_key(name): name for name in contract.INPUT_SHEETS}
    found: dict[str, str] = {}
    for actual in source.sheet_names:
        name = wanted.get(match_key(actual))
        if name is not None and name not in found:
            found[name] = actual
    return found


def find_header(rows: Sequence[Sequence[object]], keys: set[str]) -> int | None:
    """Return the 0-based index of the first row holding one of ``keys`` (match keys)."""
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if any(isinstance(v, str) and match_key(v) in keys for v in row):
            return index
    return None


def header_positions(header: Sequence[object]) -> dict[str, int]:
    """Return match key -> first column index for each header cell (the first of duplicates wins)."""
    positions: dict[str, int] = {}
    for col, value in enumerate(header):
        if not is_blank(value):
            positions.setdefault(match_key(value), col)
    return positions


def sheet_rows(source: WorkbookSource, sheet: str) -> Iterator[Sequence[object]]:
    """Yield the rows of a sheet; raise UnreadableWorkbookError, naming the sheet and row, if they can't be parsed."""
    number = 0
    try:
        for number, row in enumerate(source.rows(sheet), start=1):  # noqa: B007 - number is used below
            yield row
    except _SHEET_PARSE_ERRORS as exc:
        raise UnreadableWorkbookError(
            f"La feuille « {sheet} » n'a pas pu être lue à partir de sa ligne {number + 1} : elle contient une "
            "valeur que le format .xlsx n'admet pas (le classeur a sans doute été produit par un autre "
            "logiciel) ; ouvrez-le dans Excel et enregistrez-le au format « Classeur Excel (*.xlsx) ».") from exc


def warn_duplicate_headers(spec: SheetSpec, header: Sequence[object], header_row: int, sheet: str,
                            log: ProblemLog) -> None:
    """Warn about a contract header typed twice: the first column is read, the other is not."""
    headers = {match_key(column.header): column.header for column in spec.columns}
    first: dict[str, int] = {}
    for col, value in enumerate(header):
        key = match_key(value) if isinstance(value, str) else None
        if key not in headers:
            continue
        if key in first:
            log.add("DQ-COL", sheet, cell_address(header_row, col), headers[key], value,
                    f"La colonne « {headers[key]} » apparaît deux fois dans la ligne d'en-tête : seule la première "
                    f"({cell_address(header_row, first[key])}) est lue, celle-ci est ignorée. Supprimez ou "
                    f"renommez l'une des deux.", Severity.AVERTISSEMENT)
        else:
            first[key] = col


def refuse_personal_data(header: Sequence[object], header_row: int, sheet: str, log: ProblemLog) -> None:
    personal = {match_key(h) for h in contract.PERSONAL_DATA_HEADERS}
    for col, value in enumerate(header):
        if isinstance(value, str) and (match_key(value) in personal
                                       or match_key(value).split(" ")[0] in {"nom", "prenom", "telephone"}):
            log.add("DQ-PRIV", sheet, cell_address(header_row, col), value, value,
                    f"La colonne « {value.strip()} » semble contenir des données personnelles : supprimez-la "
                    f"(le classeur circule par courriel). Les ménages s'identifient par leur seul N° ménage.")
