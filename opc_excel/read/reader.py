"""Read a workbook that follows the contract into typed tables, noting every problem met.

Reading finds sheets and headers, and turns each cell into a value of its column's kind.
It reports what reading alone can see (missing sheets and columns, unreadable values, text
dates, parameters, personal data); :mod:`opc_excel.checks.tables` then checks the tables as a whole.
"""

from __future__ import annotations

import gc
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import islice
from xml.etree.ElementTree import ParseError

import pandas as pd
from defusedxml import DefusedXmlException
from openpyxl.utils import get_column_letter

from opc_excel.errors import UnreadableWorkbookError
from opc_excel.model import Params, Problem, ProgrammeKind, Severity
from opc_excel.read import contract
from opc_excel.read.contract import Column, Kind, Role, SheetSpec
from opc_excel.read.source import WorkbookSource
from opc_excel.read.values import (
    AMOUNT_RANGE,
    MAX_YEAR,
    MIN_YEAR,
    NUMBER_RANGE,
    Reading,
    fr_date,
    is_blank,
    read_amount,
    read_date,
    read_id,
    read_ids,
    read_number,
    read_percent,
    read_text,
    read_yes_no,
    xml_illegal,
    xml_safe,
)
from opc_excel.text import match_key

HEADER_SEARCH_ROWS = 10
# Numbers of months or days feed calendar arithmetic: beyond a century they are typing errors.
_DURATION_LIMITS = {"(mois)": (1200, "mois"), "(jours)": (36_500, "jours")}
# What openpyxl raises when a sheet holds a value the format does not allow (``<v>NaN</v>``, a
# shared string that does not exist…): it parses read-only sheets lazily, while we iterate.
_SHEET_PARSE_ERRORS = (ValueError, ArithmeticError, LookupError, TypeError, EOFError, zlib.error,
                       zipfile.BadZipFile, ParseError, DefusedXmlException)


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


@dataclass
class ReadResult:
    params: Params
    lists: dict[str, tuple[str, ...]]
    tables: dict[str, Table]
    log: ProblemLog
    sheet_names: dict[str, str]  # contract sheet name -> name in the workbook


# ---------------------------------------------------------------- sheets and headers


def _sheet_index(source: WorkbookSource) -> dict[str, str]:
    """Return contract sheet names found in the workbook, mapped to their actual names."""
    wanted = {match_key(name): name for name in contract.INPUT_SHEETS}
    found: dict[str, str] = {}
    for actual in source.sheet_names:
        name = wanted.get(match_key(actual))
        if name is not None and name not in found:
            found[name] = actual
    return found


def _find_header(rows: Sequence[Sequence[object]], keys: set[str]) -> int | None:
    """Return the 0-based index of the first row holding one of ``keys`` (match keys)."""
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if any(isinstance(v, str) and match_key(v) in keys for v in row):
            return index
    return None


def _header_positions(header: Sequence[object]) -> dict[str, int]:
    """Return match key -> first column index for each header cell (the first of duplicates wins)."""
    positions: dict[str, int] = {}
    for col, value in enumerate(header):
        if not is_blank(value):
            positions.setdefault(match_key(value), col)
    return positions


def _take(rows: Iterator[Sequence[object]], count: int) -> list[Sequence[object]]:
    return list(islice(rows, count))


def _rows(source: WorkbookSource, sheet: str) -> Iterator[Sequence[object]]:
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


# ---------------------------------------------------------------- lists


def _read_lists(source: WorkbookSource, sheet: str | None, log: ProblemLog) -> dict[str, tuple[str, ...]]:
    """Return every list of the contract: from *Listes*, else the default list (with a warning)."""
    lists: dict[str, tuple[str, ...]] = {}
    if sheet is None:
        log.add("DQ-SHEET", contract.LISTES, "", "", "",
                "La feuille « Listes » est introuvable : les listes par défaut sont utilisées. "
                "Ajoutez la feuille Listes du modèle vierge pour choisir vos propres valeurs.",
                Severity.AVERTISSEMENT)
        return dict(contract.DEFAULT_LISTS)
    rows = list(_rows(source, sheet))
    keys = {match_key(name): name for name in contract.DEFAULT_LISTS}
    header_index = _find_header(rows, set(keys))
    positions = _header_positions(rows[header_index]) if header_index is not None else {}
    for key, name in keys.items():
        col = positions.get(key)
        if col is None:
            default = contract.DEFAULT_LISTS[name]
            then = ("la liste par défaut est utilisée" if default
                    else "toute valeur est acceptée dans les colonnes qui l'utilisent")
            log.add("DQ-COL", sheet, "A1", name, "",
                    f"La colonne « {name} » est introuvable dans la feuille Listes : {then}. "
                    f"Ajoutez une colonne « {name} » avec ses valeurs, une par ligne.",
                    Severity.AVERTISSEMENT)
            lists[name] = default
            continue
        values = []
        for number, row in enumerate(rows[header_index + 1:], start=header_index + 2):
            if col < len(row) and not is_blank(row[col]):
                reading = read_text(row[col])
                if reading.error:  # a text no .xlsx can hold, as the add-in may send it
                    log.add("DQ-TYPE", sheet, cell_address(number, col), name, row[col], reading.error)
                elif reading.value not in values:
                    values.append(reading.value)
        lists[name] = tuple(values)
    return lists


# ---------------------------------------------------------------- parameters


def _read_params(source: WorkbookSource, sheet: str | None, at: date | None, today: date,
                 log: ProblemLog) -> Params:
    """Return the parameters, defaults applied; a missing or unreadable one is reported."""
    defaults = Params()
    values: dict[str, object] = {}
    found: dict[str, tuple[int, object]] = {}  # attr -> (row number, raw value)
    value_col = 1
    if sheet is not None:
        rows = list(_rows(source, sheet))
        header_index = _find_header(rows, {match_key(contract.PARAM_KEY_HEADER)})
        start = 0
        key_col = 0
        if header_index is not None:
            positions = _header_positions(rows[header_index])
            key_col = positions[match_key(contract.PARAM_KEY_HEADER)]
            value_col = positions.get(match_key(contract.PARAM_VALUE_HEADER), key_col + 1)
            start = header_index + 1
        labels = {match_key(p.label): p for p in contract.PARAMETERS}
        for offset, row in enumerate(rows[start:], start=start + 1):
            if key_col < len(row) and isinstance(row[key_col], str):
                param = labels.get(match_key(row[key_col]))
                if param is not None and param.attr not in found:
                    found[param.attr] = (offset, row[value_col] if value_col < len(row) else None)
    sheet_name = sheet or contract.PARAMETRES
    for param in contract.PARAMETERS:
        default = getattr(defaults, param.attr)
        row, raw = found.get(param.attr, (None, None))
        where = cell_address(row, value_col) if row else ""
        if param.attr == "at" and at is not None:
            values["at"] = at
            continue
        if is_blank(raw):
            if param.required:
                log.add("DQ-REQ", sheet_name, where, param.label, raw,
                        f"Le paramètre « {param.label} » est obligatoire : tapez la date "
                        f"(JJ/MM/AAAA) dans la colonne Valeur de la feuille Paramètres.")
            elif param.attr == "at":
                values["at"] = today
                log.add("DQ-PARAM", sheet_name, where, param.label, raw,
                        f"La date de situation n'est pas renseignée : la date du jour ({fr_date(today)}) "
                        f"est utilisée. Tapez la date de situation voulue dans la feuille Paramètres.",
                        Severity.AVERTISSEMENT)
            elif default not in (None, ""):
                log.add("DQ-PARAM", sheet_name, where, param.label, raw,
                        f"Le paramètre « {param.label} » n'est pas renseigné : la valeur par défaut "
                        f"{shown(default)} est utilisée. Tapez une valeur pour ne plus voir ce message.",
                        Severity.AVERTISSEMENT)
            continue
        reading = _read_param_value(param, raw)
        if reading.error and param.attr == "at":
            values["at"] = today  # the check goes on; pipeline.write_outputs writes nothing dated
            log.add("DQ-TYPE", sheet_name, where, param.label, raw,
                    f"Paramètre « {param.label} » illisible : {reading.error} Tant qu'elle n'est pas corrigée, "
                    f"les contrôles sont faits au {fr_date(today)} et l'actualisation ne réécrit que la feuille "
                    "Contrôles (ni Alertes, ni Tableau de bord, ni Historique).")
            continue
        if reading.error:
            if param.required:
                log.add("DQ-TYPE", sheet_name, where, param.label, raw,
                        f"Paramètre « {param.label} » illisible : {reading.error}")
            else:
                fallback_text = f"la valeur par défaut {shown(default)} est utilisée" if default not in (
                    None, "") else "le paramètre est ignoré"
                log.add("DQ-PARAM", sheet_name, where, param.label, raw,
                        f"Paramètre « {param.label} » illisible ({reading.error}) : {fallback_text}.",
                        Severity.AVERTISSEMENT)
            continue
        if reading.note:
            log.add("DQ-TEXTDATE", sheet_name, where, param.label, raw,
                    f"{reading.note[0].upper()}{reading.note[1:]}. Si ce n'est pas ce que vous vouliez dire, "
                    f"tapez la valeur exacte.", Severity.AVERTISSEMENT)
        values[param.attr] = reading.value
    return Params(**values)


def _read_param_value(param: contract.Parameter, raw: object) -> Reading:
    if param.kind is Kind.DATE:
        return read_date(raw, param.role)
    if param.kind is Kind.NUMBER:
        return _within_duration_limit(_duration_unit(param.label), raw, read_number(raw))
    if param.kind is Kind.LIST:  # Programme
        text = read_text(raw)
        choices = {match_key(k): k for k in contract.PROGRAMME_KINDS}
        if text.value is not None and match_key(text.value) in choices:
            return Reading(ProgrammeKind(choices[match_key(text.value)]))
        return Reading(error=f"« {shown(raw)} » n'est pas un programme connu : tapez PNRU ou NPNRU")
    return read_text(raw)


# ---------------------------------------------------------------- tables

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


def _read_table(source: WorkbookSource, spec: SheetSpec, sheet: str, lists: dict[str, tuple[str, ...]],
                log: ProblemLog) -> Table | None:
    """Return the sheet read as a :class:`Table`, or None when its header row can't be found."""
    rows = _rows(source, sheet)
    head = _take(rows, HEADER_SEARCH_ROWS)
    header_index = _find_header(head, {match_key(spec.key_header)})
    if header_index is None:
        log.add("DQ-COL", sheet, "A1", spec.key_header, "",
                f"La colonne « {spec.key_header} » est introuvable dans les {HEADER_SEARCH_ROWS} "
                f"premières lignes de la feuille « {sheet} » : la ligne d'en-tête doit contenir cet "
                f"intitulé. Ajoutez-le ou corrigez-le ; la feuille n'est pas lue.")
        return None
    header_row = header_index + 1
    positions = _header_positions(head[header_index])
    columns: dict[str, int] = {}
    for column in spec.columns:
        col = positions.get(match_key(column.header))
        if col is not None:
            columns[column.attr] = col
        elif column.required:
            log.add("DQ-COL", sheet, cell_address(header_row, max(positions.values(), default=-1) + 1),
                    column.header, "",
                    f"La colonne obligatoire « {column.header} » est introuvable dans la ligne d'en-tête "
                    f"(ligne {header_row}) : ajoutez-la, ou corrigez l'intitulé de la colonne qui la contient.")
    _warn_duplicate_headers(spec, head[header_index], header_row, sheet, log)
    if spec.name == contract.RELOGEMENT:
        _refuse_personal_data(head[header_index], header_row, sheet, log)
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
            else:
                log.add("DQ-TEXTDATE", sheet, address, column.header, raw,
                        f"{reading.note[0].upper()}{reading.note[1:]}. Si ce n'est pas ce que vous vouliez "
                        f"dire, tapez la valeur exacte.", Severity.AVERTISSEMENT)
        records.append(record)
        index.append(row_number)
    table.frame = pd.DataFrame.from_records(
        records, index=pd.Index(index, dtype="int64"), columns=[c.attr for c in spec.columns])
    return table


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
    cell (an Excel date, a number, a plain text) takes a shortcut to the reading values.py gives it.
    """
    if column.kind in (Kind.DATE, Kind.MILESTONE_DATE):
        milestone = column.kind is Kind.MILESTONE_DATE

        def read_when(raw: object, record: dict) -> Reading:
            if type(raw) is datetime and MIN_YEAR <= raw.year <= MAX_YEAR:
                return Reading(raw.date())
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
        unit = _duration_unit(column.header)
        if unit is not None:
            return lambda raw, record: _within_duration_limit(unit, raw, read(raw))
    if column.kind is not Kind.LIST:
        return lambda raw, record: read(raw)
    choices = (list_keys.get(column.choices, {}) if isinstance(column.choices, str)
               else {match_key(v): v for v in column.choices or ()})
    keys = _MatchKeys()

    def read_listed(raw: object, record: dict) -> Reading:
        reading = read(raw)
        canonical = choices.get(keys[reading.value]) if reading.value is not None else None
        return reading if canonical is None else Reading(canonical)
    return read_listed


def _number_shortcut(read: Callable[[object], Reading], bounds: tuple[float, float]) -> Callable[[object], Reading]:
    low, high = bounds

    def read_number_fast(raw: object) -> Reading:
        # a plain number within the plausible range (not NaN, nor bool) is read as itself; the rest, in full
        if (type(raw) is float or type(raw) is int) and (raw == 0 or low <= abs(raw) <= high):
            return Reading(float(raw))
        return read(raw)
    return read_number_fast


def _text_shortcut(read: Callable[[object], Reading]) -> Callable[[object], Reading]:
    def read_text_fast(raw: object) -> Reading:
        if type(raw) is str:
            text = raw.strip()
            # "#N/A" and other Excel errors, and what an .xlsx can't hold: the full reader says what to do
            if text and text[0] != "#" and not xml_illegal(text):
                return Reading(text)
        return read(raw)
    return read_text_fast


def _duration_unit(label: str) -> tuple[int, str] | None:
    """Return (limit, unit word) for a number of months or days, said by its label; None otherwise."""
    return next((unit for suffix, unit in _DURATION_LIMITS.items() if label.endswith(suffix)), None)


def _within_duration_limit(unit: tuple[int, str] | None, raw: object, reading: Reading) -> Reading:
    """Return the reading, or an error when a number of months or days is beyond a century."""
    if unit is None or reading.value is None or abs(reading.value) <= unit[0]:
        return reading
    limit, word = unit
    return Reading(error=f"« {shown(raw)} » est hors de la plage admise (de -{limit} à {limit} {word}) : "
                         f"tapez un nombre de {word}, par exemple 6.")


def _warn_duplicate_headers(spec: SheetSpec, header: Sequence[object], header_row: int, sheet: str,
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


def _refuse_personal_data(header: Sequence[object], header_row: int, sheet: str, log: ProblemLog) -> None:
    personal = {match_key(h) for h in contract.PERSONAL_DATA_HEADERS}
    for col, value in enumerate(header):
        if isinstance(value, str) and (match_key(value) in personal
                                       or match_key(value).split(" ")[0] in {"nom", "prenom", "telephone"}):
            log.add("DQ-PRIV", sheet, cell_address(header_row, col), value, value,
                    f"La colonne « {value.strip()} » semble contenir des données personnelles : supprimez-la "
                    f"(le classeur circule par courriel). Les ménages s'identifient par leur seul N° ménage.")


# ---------------------------------------------------------------- the whole workbook


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
    sheets = _sheet_index(source)
    for name in contract.REQUIRED_SHEETS:
        if name not in sheets:
            log.add("DQ-SHEET", name, "", "", "",
                    f"La feuille « {name} » est introuvable : ajoutez-la (copiez-la depuis le modèle vierge "
                    f"workbooks/modele_vierge.xlsx) ou corrigez le nom de l'onglet.")
    lists = _read_lists(source, sheets.get(contract.LISTES), log)
    params = _read_params(source, sheets.get(contract.PARAMETRES), at, today, log)
    tables: dict[str, Table] = {}
    for spec in contract.TABLE_SPECS:
        sheet = sheets.get(spec.name)
        if sheet is None:
            continue
        table = _read_table(source, spec, sheet, lists, log)
        if table is not None:
            tables[spec.name] = table
    return ReadResult(params, lists, tables, log, sheets)
