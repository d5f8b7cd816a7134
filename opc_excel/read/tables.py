"""Read an input sheet into a :class:`Table`: each cell by its column's kind, every problem noted with its cell."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice

import pandas as pd

from opc_excel.model import Severity
from opc_excel.read import contract
from opc_excel.read.amounts import AMOUNT_RANGE, NUMBER_RANGE, read_amount, read_number, read_percent
from opc_excel.read.contract import Column, Kind, Role, SheetSpec
from opc_excel.read.dates import MAX_YEAR, MIN_YEAR, read_date
from opc_excel.read.headers import (
    HEADER_SEARCH_ROWS,
    find_header,
    header_positions,
    refuse_personal_data,
    sheet_rows,
    warn_duplicate_headers,
)
from opc_excel.read.privacy import refuse_personal_headers, refuse_personal_values
from opc_excel.read.problems import ProblemLog, TypedAsText, cell_address, shown
from opc_excel.read.source import WorkbookSource
from opc_excel.read.texts import read_id, read_ids, read_text, read_yes_no
from opc_excel.read.values import Reading, is_blank, plain_reading, xml_illegal
from opc_excel.text import match_key

# Numbers of months or days feed calendar arithmetic: beyond a century they are typing errors.
_DURATION_LIMITS = {"(mois)": (1200, "mois"), "(jours)": (36_500, "jours")}


@dataclass
class Table:
    """One input sheet read into a frame: index = Excel row number, columns = contract attrs.

    ``frame`` holds the values as read (list values in their canonical *Listes* spelling when
    they matched, as typed otherwise). ``invalid`` holds the (row, attr) cells whose value is
    missing because it could not be read or failed a blocking check; ``dropped`` the rows left
    out altogether (no usable id, duplicate, unknown reference).
    """

    spec: SheetSpec
    sheet: str
    header_row: int
    columns: dict[str, int]
    frame: pd.DataFrame
    raw: dict[tuple[int, str], object] = field(default_factory=dict)
    invalid: set[tuple[int, str]] = field(default_factory=set)
    dropped: set[int] = field(default_factory=set)

    def cell(self, row: int, attr: str) -> str:
        col = self.columns.get(attr)
        return cell_address(row, col) if col is not None else cell_address(row, 0)

    def header(self, attr: str) -> str:
        return self.spec.column(attr).header

    def usable(self) -> pd.DataFrame:
        """Return the rows not dropped, with invalid cells blanked (never a guessed value)."""
        frame = self.frame.drop(index=sorted(self.dropped & set(self.frame.index)))
        for row, attr in self.invalid:
            if row in frame.index and attr in frame.columns:
                frame.at[row, attr] = None
        return frame


# Text typed for a value (15/03/2019, 1 234 €): how its column's warning names it, and its code.
_TEXT_KINDS = {Kind.DATE: "date", Kind.MILESTONE_DATE: "date", Kind.AMOUNT: "amount", Kind.NUMBER: "number",
               Kind.PERCENT: "percent"}
_TEXT_CODES = {Kind.AMOUNT: "DQ-TEXTNUM", Kind.NUMBER: "DQ-TEXTNUM", Kind.PERCENT: "DQ-TEXTNUM"}

_READERS: dict[Kind, Callable[[object], Reading]] = {
    Kind.TEXT: read_text,
    Kind.ID: read_id,
    Kind.AMOUNT: read_amount,
    Kind.NUMBER: read_number,
    Kind.PERCENT: read_percent,
    Kind.YESNO: read_yes_no,
    Kind.IDS: read_ids,
    Kind.LIST: read_text,
}


def read_table(source: WorkbookSource, spec: SheetSpec, sheet: str, lists: dict[str, tuple[str, ...]],
                log: ProblemLog) -> Table | None:
    """Return the sheet read as a :class:`Table`, or None when its header row can't be found."""
    rows = sheet_rows(source, sheet)
    head = _take(rows, HEADER_SEARCH_ROWS)
    header_index = find_header(head, {match_key(spec.key_header)})
    if header_index is None:
        log.add("DQ-COL", sheet, "A1", spec.key_header, "",
                f"La colonne « {spec.key_header} » est introuvable dans les {HEADER_SEARCH_ROWS} "
                f"premières lignes de la feuille « {sheet} » : la ligne d'en-tête doit contenir cet "
                f"intitulé. Ajoutez-le ou corrigez-le ; la feuille n'est pas lue.")
        return None
    header_row = header_index + 1
    positions = header_positions(head[header_index])
    columns: dict[str, int] = {}
    for column in spec.columns:
        col = positions.get(match_key(column.header))
        for alias in column.aliases if col is None else ():
            col = positions.get(match_key(alias), col)
        if col is not None:
            columns[column.attr] = col
        elif column.required:
            log.add("DQ-COL", sheet, cell_address(header_row, max(positions.values(), default=-1) + 1),
                    column.header, "",
                    f"La colonne obligatoire « {column.header} » est introuvable dans la ligne d'en-tête "
                    f"(ligne {header_row}) : ajoutez-la, ou corrigez l'intitulé de la colonne qui la contient.")
    warn_duplicate_headers(spec, head[header_index], header_row, sheet, log)
    if spec.name == contract.RELOGEMENT:
        refuse_personal_data(head[header_index], header_row, sheet, log)
    elif spec.name == contract.PARTICIPANTS:
        refuse_personal_headers(head[header_index], header_row, sheet, log)
    key = match_key(spec.key_header)
    key_col = positions[key]

    list_keys = {name: {match_key(v): v for v in values} for name, values in lists.items()}
    # The milestone name decides how its dates' semesters are read: read list values first.
    plan = [(column, columns[column.attr], _cell_reader(column, list_keys))
            for column in sorted(spec.columns, key=lambda c: c.kind is Kind.MILESTONE_DATE)
            if column.attr in columns]
    absent = [column.attr for column in spec.columns if column.attr not in columns]
    records: list[dict[str, object]] = []
    index: list[int] = []
    table = Table(spec, sheet, header_row, columns, pd.DataFrame())
    data_rows = head[header_index + 1:]
    typed_as_text = {column.attr: TypedAsText(_TEXT_KINDS.get(column.kind, "number")) for column, _c, _r in plan}
    for row_number, row in enumerate(_chain(data_rows, rows), start=header_row + 1):
        width = len(row)
        if row.count(None) == width or all(col >= width or is_blank(row[col]) for _c, col, _r in plan):
            continue  # a blank row, maybe formatted, or with values in the user's own columns only
        if key_col < width and _repeats_header(row[key_col], key):
            log.add("DQ-COL", sheet, cell_address(row_number, key_col), spec.key_header, row[key_col],
                    f"La ligne {row_number} répète la ligne d'en-tête (bloc copié-collé ?) : elle est ignorée. "
                    f"Supprimez-la.", Severity.AVERTISSEMENT)
            continue
        record: dict[str, object] = dict.fromkeys(absent)
        for column, col, read in plan:
            raw = row[col] if col < width else None
            if raw is None:  # what every reader returns for an empty cell, the fast way
                record[column.attr] = None
                continue
            reading = read(raw, record)
            record[column.attr] = reading.value
            if not (reading.error or reading.note):
                continue
            table.raw[(row_number, column.attr)] = raw
            address = cell_address(row_number, col)
            if reading.error:
                table.invalid.add((row_number, column.attr))
                log.add("DQ-TYPE", sheet, address, column.header, raw, reading.error)
            elif reading.plain:
                typed_as_text[column.attr].add(address, raw, reading.note)
            else:
                log.add(_TEXT_CODES.get(column.kind, "DQ-TEXTDATE"), sheet, address, column.header, raw,
                        f"{reading.note[0].upper()}{reading.note[1:]}. Si ce n'est pas ce que vous vouliez "
                        f"dire, tapez la valeur exacte.", Severity.AVERTISSEMENT)
        records.append(record)
        index.append(row_number)
    for column, _col, _read in plan:
        typed_as_text[column.attr].report(log, sheet, column.header)
    table.frame = pd.DataFrame.from_records(
        records, index=pd.Index(index, dtype="int64"), columns=[c.attr for c in spec.columns])
    if spec.name == contract.PARTICIPANTS:
        refuse_personal_values(table, log)
    return table



def _take(rows: Iterator[Sequence[object]], count: int) -> list[Sequence[object]]:
    return list(islice(rows, count))


def _chain(first: list[Sequence[object]], rest: Iterator[Sequence[object]]) -> Iterator[Sequence[object]]:
    yield from first
    yield from rest


def _repeats_header(value: object, key: str) -> bool:
    """Return True if *value* is the key header again (a pasted block); cheap for the usual ids."""
    if not isinstance(value, str):
        return False
    first = value.lstrip()[:1].casefold()
    return (first == key[:1] or not first.isascii()) and match_key(value) == key


class _MatchKeys(dict):
    """match_key(text) for each text met, computed once: list values repeat on every row."""

    def __missing__(self, text: str) -> str:
        key = self[text] = match_key(text)
        return key


def _cell_reader(column: Column, list_keys: dict[str, dict[str, str]]) -> Callable[[object, dict], Reading]:
    """Return how to read a cell of *column* (given the row read so far), prepared once per sheet.

    List values come back in their canonical spelling when they match one. The usual well-typed
    cell (an Excel date, a number, a plain text) takes a shortcut to the reading its full reader gives it.
    """
    if column.kind in (Kind.DATE, Kind.MILESTONE_DATE):
        milestone = column.kind is Kind.MILESTONE_DATE

        def read_when(raw: object, record: dict) -> Reading:
            if type(raw) is datetime and MIN_YEAR <= raw.year <= MAX_YEAR:
                return plain_reading(raw.date())
            if milestone:
                return read_date(raw, Role.START if record.get("name") in contract.START_MILESTONES else Role.END)
            return read_date(raw, column.role)
        return read_when
    read = _READERS[column.kind]
    if column.kind in (Kind.AMOUNT, Kind.NUMBER):
        read = _number_shortcut(read, AMOUNT_RANGE if column.kind is Kind.AMOUNT else NUMBER_RANGE)
    elif column.kind in (Kind.TEXT, Kind.ID, Kind.LIST):
        read = _text_shortcut(read)
    if column.kind is Kind.NUMBER:
        unit = duration_unit(column.header)
        if unit is not None:
            return lambda raw, record: within_duration_limit(unit, raw, read(raw))
    if column.kind is not Kind.LIST:
        return lambda raw, record: read(raw)
    choices = (list_keys.get(column.choices, {}) if isinstance(column.choices, str)
               else {match_key(v): v for v in column.choices or ()})
    choices = choices | {match_key(old): new for old, new in contract.VALUE_ALIASES.items() if new in choices.values()}
    keys = _MatchKeys()

    def read_listed(raw: object, record: dict) -> Reading:
        reading = read(raw)
        canonical = choices.get(keys[reading.value]) if reading.value is not None else None
        return reading if canonical is None else plain_reading(canonical)
    return read_listed


def _number_shortcut(read: Callable[[object], Reading], bounds: tuple[float, float]) -> Callable[[object], Reading]:
    low, high = bounds

    def read_number_fast(raw: object) -> Reading:
        # a plain number within the plausible range (not NaN, nor bool) is read as itself; the rest, in full
        if (type(raw) is float or type(raw) is int) and (raw == 0 or low <= abs(raw) <= high):
            return plain_reading(float(raw))
        return read(raw)
    return read_number_fast


def _text_shortcut(read: Callable[[object], Reading]) -> Callable[[object], Reading]:
    def read_text_fast(raw: object) -> Reading:
        if type(raw) is str:
            text = raw.strip()
            # "#N/A" and other Excel errors, and what an .xlsx can't hold: the full reader says what to do
            if text and text[0] != "#" and not xml_illegal(text):
                return plain_reading(text)
        return read(raw)
    return read_text_fast


def duration_unit(label: str) -> tuple[int, str] | None:
    """Return (limit, unit word) for a number of months or days, said by its label; None otherwise."""
    return next((unit for suffix, unit in _DURATION_LIMITS.items() if label.endswith(suffix)), None)


def within_duration_limit(unit: tuple[int, str] | None, raw: object, reading: Reading) -> Reading:
    """Return the reading, or an error when a number of months or days is beyond a century."""
    if unit is None or reading.value is None or abs(reading.value) <= unit[0]:
        return reading
    limit, word = unit
    return Reading(error=f"« {shown(raw)} » est hors de la plage admise (de -{limit} à {limit} {word}) : "
                         f"tapez un nombre de {word}, par exemple 6.")
