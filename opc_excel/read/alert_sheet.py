"""The *Alertes* sheet: computed columns rebuilt at each refresh, the users' columns kept by *Clé*.

Users sort, filter, move rows and type their decisions into *Mesure retenue*, *Responsable*,
*Échéance*, *Suivi* and *Commentaire* (and any column they add). A refresh reads the sheet
back, matches rows by *Clé* and keeps what they typed; *Détectée le* keeps the first date an
alert was seen; an alert that no longer fires stays, dated in *Résolue le* and marked « Résolue le
JJ/MM/AAAA » in *Suivi* unless the user typed a *Suivi* of their own (theirs wins), until the
user deletes the row. Rows a sort moved above the header follow their *Clé*; other text typed
above the header stays there, as typed. Nothing a user typed is ever dropped.

*Rang* is the rank of the alert's point dur (:mod:`opc_excel.compute.points_durs`: its operation's
alerts consolidated, ranked by stake), written on firing alerts only; a sheet written before the
column reads as one whose rows have no rank.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from opc_excel.fr import fr_date
from opc_excel.model import Alert
from opc_excel.read.contract import Role
from opc_excel.read.dates import read_date
from opc_excel.read.problems import column_letter
from opc_excel.read.source import WorkbookSource
from opc_excel.read.values import is_blank
from opc_excel.text import match_key

ALERTES = "Alertes"
KEY = "Clé"
COMPUTED_HEADERS = ("Clé", "Code", "Gravité", "Rang", "Thème", "ID opération", "Opération", "Maître d'ouvrage",
                    "Constat", "Mesure proposée", "Détectée le", "Résolue le")
USER_HEADERS = ("Mesure retenue", "Responsable", "Échéance", "Suivi", "Commentaire")
HEADERS = COMPUTED_HEADERS + USER_HEADERS
_HEADER_KEYS = {match_key(h) for h in HEADERS}
DETECTED = "Détectée le"
RANK = "Rang"
RESOLVED = "Résolue le"
FOLLOW_UP = "Suivi"
FOLLOW_UP_CHOICES = ("Nouvelle", "En cours", "Traitée", "Risque accepté")
NEW = "Nouvelle"
_RESOLVED = re.compile(r"\s*r[ée]solue le (\d{2}/\d{2}/\d{4})\s*", re.IGNORECASE)
_ALERT_KEY = re.compile(r"[A-Z]{2,5}-\d{2}( · .+)?")  # « CAL-04 · PER-AME-01 · Démarrage des travaux »
TITLE_ROWS = 2  # the software writes the first cell of rows 1 (title) and 2 (summary), the header below
TITLE = "Points d'alerte — situation au {date}"
SUMMARY = ("{firing} alerte(s) en cours dont {red} rouge(s) ; {kept} ligne(s) résolue(s) ou saisie(s) à la main "
           "conservée(s). Les colonnes vertes sont les vôtres : elles sont conservées à chaque actualisation.")
# Every wording the software ever wrote above the header: text equal to one of them is not a user's note.
# Add the new wording here when the title or the summary changes, keep the old ones.
_SOFTWARE_TEXT = [re.compile(r"[\d/]+".join(re.escape(part) for part in re.split(r"\{\w+\}", text)))
                  for text in (TITLE, SUMMARY)]


def sheet_title(at: date) -> str:
    """Return the title the software writes in A1."""
    return TITLE.format(date=fr_date(at))


def sheet_summary(firing: int, red: int, kept: int) -> str:
    """Return the summary the software writes in A2."""
    return SUMMARY.format(firing=firing, red=red, kept=kept)


def is_software_text(value: object) -> bool:
    """Return True for the title or summary the software wrote above the header (any date, any count)."""
    return isinstance(value, str) and any(p.fullmatch(value.strip()) for p in _SOFTWARE_TEXT)


def is_software_follow_up(value: object) -> bool:
    """Return True when *Suivi* holds nothing of the user's: empty, « Nouvelle » or « Résolue le … »."""
    return is_blank(value) or (isinstance(value, str) and (value.strip() == NEW or bool(_RESOLVED.fullmatch(value))))


@dataclass
class AlertRow:
    """One row of the sheet: the computed values by header, the user's values by header."""

    key: str
    computed: dict[str, object]
    user: dict[str, object] = field(default_factory=dict)
    firing: bool = True

    @property
    def resolved_on(self) -> str | None:
        """Return the date the alert stopped firing, JJ/MM/AAAA: *Résolue le*, else « Résolue le … » in *Suivi*."""
        when = as_date(self.computed.get(RESOLVED))
        if when is not None:
            return fr_date(when)
        follow_up = self.user.get(FOLLOW_UP)  # a sheet written before the *Résolue le* column
        match = _RESOLVED.fullmatch(follow_up) if isinstance(follow_up, str) else None
        return match.group(1) if match and _day(match.group(1)) is not None else None

    @property
    def has_notes(self) -> bool:
        """Return True when the user typed something in this row (a *Suivi* of the software's aside)."""
        return any(not (is_software_follow_up(v) if h == FOLLOW_UP else is_blank(v)) for h, v in self.user.items())


@dataclass
class PreviousSheet:
    """What the *Alertes* sheet held before this refresh: rows in their order, and any extra columns."""

    rows: list[AlertRow]
    extra_headers: list[str]
    headerless: bool = False  # the sheet has content but no « Clé » header: it can't be rewritten safely
    notes_above: list[list[object]] = field(default_factory=list)  # rows of text typed above the header


def read_previous(source: WorkbookSource) -> PreviousSheet:
    """Return the rows of the existing *Alertes* sheet (none when it doesn't exist)."""
    sheet = next((s for s in source.sheet_names if match_key(s) == match_key(ALERTES)), None)
    if sheet is None:
        return PreviousSheet([], [])
    rows = list(source.rows(sheet))
    header_index = next((i for i, row in enumerate(rows) if _is_header(row)), None)  # below inserted rows too
    if header_index is None:
        return PreviousSheet([], [], headerless=any(not is_blank(v) for row in rows for v in row))
    ours = {match_key(h): h for h in HEADERS}
    columns: list[tuple[int, str]] = []  # (column index, canonical header or the user's own header)
    extra: list[str] = []
    for col, value in enumerate(rows[header_index]):
        if is_blank(value):
            continue
        header = ours.get(match_key(value), str(value).strip())
        header = _unique(header, {taken for _, taken in columns})
        columns.append((col, header))
        if header not in HEADERS:
            extra.append(header)
    key_col = next(col for col, header in columns if header == KEY)
    above = rows[:header_index]
    moved = [row for row in above if _is_alert_row(row, key_col)]  # a sort of the whole sheet put them there
    notes = [note for row in above if not _is_alert_row(row, key_col) and (note := _note(row))]
    data = moved + rows[header_index + 1:]
    mapped = {col for col, _ in columns}
    for col in sorted({c for row in data for c, v in enumerate(row)
                       if c not in mapped and not is_blank(v)}):  # notes typed in a column without a header
        header = _unique(f"Colonne {column_letter(col + 1)}", {taken for _, taken in columns})
        columns.append((col, header))
        extra.append(header)
    previous = []
    for row in data:
        values = {header: row[col] if col < len(row) else None for col, header in columns}
        if all(is_blank(v) for v in values.values()):
            continue
        key = "" if is_blank(values.get(KEY)) else str(values[KEY]).strip()
        computed = {h: values.get(h) for h in COMPUTED_HEADERS}
        user = {h: _payload_date(v) for h, v in values.items() if h not in COMPUTED_HEADERS}
        previous.append(AlertRow(key, computed, user, firing=False))
    return PreviousSheet(previous, extra, notes_above=notes)


def _is_header(row: Sequence[object]) -> bool:
    """Return True for the header row: « Clé » and another of the software's headers (not « Clé » typed as a note)."""
    names = {match_key(v) for v in row if isinstance(v, str)}
    return match_key(KEY) in names and len(names & _HEADER_KEYS) > 1


def _is_alert_row(row: Sequence[object], key_col: int) -> bool:
    """Return True for a row above the header that holds an alert (its *Clé* where the header says)."""
    value = row[key_col] if key_col < len(row) else None
    return isinstance(value, str) and bool(_ALERT_KEY.fullmatch(value.strip()))


def _note(row: Sequence[object]) -> list[object]:
    """Return what a user typed in a row above the header, by column (empty when nothing)."""
    note = [None if is_blank(v) or is_software_text(v) else _payload_date(v) for v in row]
    while note and note[-1] is None:
        note.pop()
    return note


def place_notes_above(notes: Sequence[Sequence[object]]) -> tuple[dict[tuple[int, int], object], int]:
    """Return the cells of the notes typed above the header, by (row, column) from 1, and the header's row.

    Each note row keeps its columns and the notes their order. The software writes only the first
    cell of the title rows: a note row with nothing in column A shares a title row, as typed; the
    others go below the title rows.
    """
    cells: dict[tuple[int, int], object] = {}
    row = 1
    for note in notes:
        while row <= TITLE_ROWS and note and not is_blank(note[0]):
            row += 1
        cells.update({(row, col): value for col, value in enumerate(note, start=1) if not is_blank(value)})
        row += 1
    return cells, max(row, TITLE_ROWS + 1)


def _unique(header: str, taken: set[str]) -> str:
    """Return ``header``, or « header (2) », « (3) »… when a column of that name came first: its text is kept too."""
    if header not in taken:
        return header
    return next(name for n in range(2, len(taken) + 3)
                if (name := f"{header} ({n})") not in taken and name not in HEADERS)


def computed_values(alert: Alert, detected: object, rank: int | None = None) -> dict[str, object]:
    """Return the software's columns for a firing alert (``rank``: its point dur's, None when not ranked)."""
    return {
        "Clé": alert.key, "Code": alert.code, "Gravité": alert.severity.value, RANK: rank,
        "Thème": alert.theme.value if alert.theme else "", "ID opération": alert.operation_id or "",
        "Opération": alert.operation_label, "Maître d'ouvrage": alert.owner, "Constat": alert.finding,
        "Mesure proposée": alert.measure, "Détectée le": detected, "Résolue le": None,
    }


def merge(previous: PreviousSheet, alerts: Sequence[Alert], at: date,
          ranks: Mapping[str, int] | None = None) -> list[AlertRow]:
    """Return the new rows: firing alerts (in the given order) then every earlier row that no longer fires.

    ``ranks`` gives the *Rang* of each firing alert by its key (its point dur's rank); a row that no
    longer fires has none.

    User columns follow their *Clé* (when a key is on several rows, the first one with notes); *Détectée
    le* is kept from the first time; a row that stops firing is dated in *Résolue le* (once: the first
    date stays); a resolved alert that fires again is dated anew. The software writes *Suivi* only
    where it holds nothing of the user's: « Nouvelle » on a firing alert, « Résolue le … » on a
    resolved one; a *Suivi* the user typed is kept. Rows without a key (typed by users) are kept at the end.
    """
    first_row: dict[str, AlertRow] = {}
    for row in previous.rows:
        if row.key and (row.key not in first_row or (row.has_notes and not first_row[row.key].has_notes)):
            first_row[row.key] = row
    firing = {alert.key for alert in alerts}
    rows: list[AlertRow] = []
    for alert in alerts:
        before = first_row.get(alert.key)
        user = dict(before.user) if before else {}
        if is_software_follow_up(user.get(FOLLOW_UP)):
            user[FOLLOW_UP] = NEW
        rank = (ranks or {}).get(alert.key)
        rows.append(AlertRow(alert.key, computed_values(alert, _first_seen(before, at), rank), user, firing=True))
    for row in previous.rows:
        if row.key in firing and first_row[row.key] is row:
            continue  # merged into its firing row above
        computed, user = row.computed, row.user
        if row.key and row.key not in firing:
            resolved = _resolution_day(row) or at
            computed = {**computed, RESOLVED: resolved, RANK: None}
            if is_software_follow_up(user.get(FOLLOW_UP)):
                user = {**user, FOLLOW_UP: f"Résolue le {fr_date(resolved)}"}
        rows.append(AlertRow(row.key, computed, user, firing=False))
    return rows


def _resolution_day(row: AlertRow) -> date | None:
    return _day(row.resolved_on) if row.resolved_on else None


def _day(text: str) -> date | None:
    """Return JJ/MM/AAAA as a date, None when there is no such day (« 31/02/2011 » typed by hand)."""
    day, month, year = (int(part) for part in text.split("/"))
    try:
        return date(year, month, day)
    except ValueError:
        return None


def first_seen_by_key(previous: PreviousSheet) -> dict[str, date]:
    """Return the *Détectée le* date of each key of the previous sheet (for ``check --json``)."""
    seen = {}
    for row in previous.rows:
        when = as_date(row.computed.get(DETECTED))
        if row.key and when is not None:
            seen.setdefault(row.key, when)
    return seen


def _first_seen(before: AlertRow | None, at: date) -> object:
    if before is None or before.resolved_on:
        return at
    when = as_date(before.computed.get(DETECTED))
    return when if when is not None else at


_ISO_PAYLOAD = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z?")


def _payload_date(value: object) -> object:
    """Return a date sent by the Excel add-in as an ISO string as a datetime, so it is written back as a date."""
    if isinstance(value, str) and _ISO_PAYLOAD.fullmatch(value):
        try:
            return datetime.fromisoformat(value.replace("Z", ""))
        except ValueError:  # « 2011-13-45T00:00:00 » typed as text: it stays text
            return value
    return value


def as_date(value: object) -> date | None:
    """Return a cell value as a date when it holds one (Excel date, or a date as text or ISO string)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value.strip():
        return read_date(value, Role.END).value
    return None
