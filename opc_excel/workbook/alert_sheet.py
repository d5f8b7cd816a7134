"""The *Alertes* sheet: computed columns rebuilt at each refresh, the users' columns kept by *Clé*.

Users sort, filter, move rows and type their decisions into *Mesure retenue*, *Responsable*,
*Échéance*, *Suivi* and *Commentaire* (and any column they add). A refresh reads the sheet
back, matches rows by *Clé* and keeps what they typed; *Détectée le* keeps the first date an
alert was seen; an alert that no longer fires stays, marked « Résolue le JJ/MM/AAAA », until the
user deletes the row. Nothing a user typed is ever dropped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from openpyxl.utils import get_column_letter

from opc_excel.fr import fr_date
from opc_excel.model import Alert
from opc_excel.text import match_key
from opc_excel.workbook.contract import Role
from opc_excel.workbook.source import WorkbookSource
from opc_excel.workbook.values import is_blank, read_date

ALERTES = "Alertes"
KEY = "Clé"
COMPUTED_HEADERS = ("Clé", "Code", "Gravité", "Thème", "ID opération", "Opération", "Maître d'ouvrage",
                    "Constat", "Mesure proposée", "Détectée le")
USER_HEADERS = ("Mesure retenue", "Responsable", "Échéance", "Suivi", "Commentaire")
HEADERS = COMPUTED_HEADERS + USER_HEADERS
DETECTED = "Détectée le"
FOLLOW_UP = "Suivi"
FOLLOW_UP_CHOICES = ("Nouvelle", "En cours", "Traitée", "Risque accepté")
NEW = "Nouvelle"
_RESOLVED = re.compile(r"^\s*r[ée]solue le (\d{2}/\d{2}/\d{4})", re.IGNORECASE)


@dataclass
class AlertRow:
    """One row of the sheet: the computed values by header, the user's values by header."""

    key: str
    computed: dict[str, object]
    user: dict[str, object] = field(default_factory=dict)
    firing: bool = True

    @property
    def resolved_on(self) -> str | None:
        follow_up = self.user.get(FOLLOW_UP)
        match = _RESOLVED.match(follow_up) if isinstance(follow_up, str) else None
        return match.group(1) if match else None


@dataclass
class PreviousSheet:
    """What the *Alertes* sheet held before this refresh: rows in their order, and any extra columns."""

    rows: list[AlertRow]
    extra_headers: list[str]
    headerless: bool = False  # the sheet has content but no « Clé » header: it can't be rewritten safely


def read_previous(source: WorkbookSource) -> PreviousSheet:
    """Return the rows of the existing *Alertes* sheet (none when it doesn't exist)."""
    sheet = next((s for s in source.sheet_names if match_key(s) == match_key(ALERTES)), None)
    if sheet is None:
        return PreviousSheet([], [])
    rows = list(source.rows(sheet))
    header_index = next((i for i, row in enumerate(rows)  # title rows inserted above: still found
                         if any(isinstance(v, str) and match_key(v) == match_key(KEY) for v in row)), None)
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
    mapped = {col for col, _ in columns}
    for col in sorted({c for row in rows[header_index + 1:] for c, v in enumerate(row)
                       if c not in mapped and not is_blank(v)}):  # notes typed in a column without a header
        header = _unique(f"Colonne {get_column_letter(col + 1)}", {taken for _, taken in columns})
        columns.append((col, header))
        extra.append(header)
    previous = []
    for row in rows[header_index + 1:]:
        values = {header: row[col] if col < len(row) else None for col, header in columns}
        if all(is_blank(v) for v in values.values()):
            continue
        key = "" if is_blank(values.get(KEY)) else str(values[KEY]).strip()
        computed = {h: values.get(h) for h in COMPUTED_HEADERS}
        user = {h: _payload_date(v) for h, v in values.items() if h not in COMPUTED_HEADERS}
        previous.append(AlertRow(key, computed, user, firing=False))
    return PreviousSheet(previous, extra)


def _unique(header: str, taken: set[str]) -> str:
    """Return ``header``, or « header (2) », « (3) »… when a column of that name came first: its text is kept too."""
    if header not in taken:
        return header
    return next(name for n in range(2, len(taken) + 3)
                if (name := f"{header} ({n})") not in taken and name not in HEADERS)


def computed_values(alert: Alert, detected: object) -> dict[str, object]:
    """Return the software's columns for an alert."""
    return {
        "Clé": alert.key, "Code": alert.code, "Gravité": alert.severity.value,
        "Thème": alert.theme.value if alert.theme else "", "ID opération": alert.operation_id or "",
        "Opération": alert.operation_label, "Maître d'ouvrage": alert.owner, "Constat": alert.finding,
        "Mesure proposée": alert.measure, "Détectée le": detected,
    }


def merge(previous: PreviousSheet, alerts: Sequence[Alert], at: date) -> list[AlertRow]:
    """Return the new rows: firing alerts (in the given order) then every earlier row that no longer fires.

    User columns follow their *Clé*; *Détectée le* is kept from the first time; a row that stops
    firing is marked « Résolue le » (once: the first date stays); a resolved alert that fires again
    becomes « Nouvelle » again; rows without a key (typed by users) are kept at the end.
    """
    first_row: dict[str, AlertRow] = {}
    for row in previous.rows:
        if row.key:
            first_row.setdefault(row.key, row)
    firing = {alert.key for alert in alerts}
    rows: list[AlertRow] = []
    for alert in alerts:
        before = first_row.get(alert.key)
        user = dict(before.user) if before else {}
        if before is None or before.resolved_on or is_blank(user.get(FOLLOW_UP)):
            user[FOLLOW_UP] = NEW
        rows.append(AlertRow(alert.key, computed_values(alert, _first_seen(before, at)), user, firing=True))
    resolved = f"Résolue le {fr_date(at)}"
    for row in previous.rows:
        if row.key in firing and first_row[row.key] is row:
            continue  # merged into its firing row above
        user = row.user
        if row.key and row.key not in firing and not row.resolved_on:
            user = {**user, FOLLOW_UP: resolved}
        rows.append(AlertRow(row.key, row.computed, user, firing=False))
    return rows


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
