"""*Historique* and *Historique jalons*: one snapshot per date de situation, kept across refreshes.

*Historique* holds the headline figures and alert counts of each date de situation; *Historique
jalons* (hidden) the dates of every milestone at that date, so that a later refresh can tell what
changed since any earlier date. A second refresh at the same date replaces that date's rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from opc_excel.model import MilestoneSnapshot, Programme
from opc_excel.read.alert_sheet import as_date
from opc_excel.read.source import WorkbookSource
from opc_excel.read.texts import read_text
from opc_excel.read.values import is_blank
from opc_excel.text import match_key

HISTORIQUE = "Historique"
HISTORIQUE_JALONS = "Historique jalons"
AT_HEADER = "Date de situation"
MILESTONE_HEADERS = (AT_HEADER, "ID opération", "Jalon", "Date convention", "Date avenant", "Date prévisionnelle",
                     "Date réelle", "Motif de décalage")


def _find_sheet(source: WorkbookSource, name: str) -> str | None:
    return next((s for s in source.sheet_names if match_key(s) == match_key(name)), None)


def _is_header(row: Sequence[object]) -> bool:
    """Return True for the header row: the one holding *Date de situation*."""
    return any(isinstance(v, str) and match_key(v) == match_key(AT_HEADER) for v in row)


def _header_index(rows: Sequence[Sequence[object]]) -> int | None:
    """Return the index of the header row, wherever users moved it."""
    return next((i for i, row in enumerate(rows) if _is_header(row)), None)


def headerless_history_sheets(source: WorkbookSource) -> tuple[str, ...]:
    """Return the history sheets that hold values but no header row: rewriting them would lose the history.

    Reads each sheet only up to its header (row 1 as written): the history itself is read once, by
    ``_sheet_rows``.
    """
    found = []
    for name in (HISTORIQUE, HISTORIQUE_JALONS):
        sheet = _find_sheet(source, name)
        if sheet is None:
            continue
        has_values = False
        for row in source.rows(sheet):
            if _is_header(row):
                break
            has_values = has_values or any(not is_blank(v) for v in row)
        else:
            if has_values:
                found.append(name)
    return tuple(found)


def _sheet_rows(source: WorkbookSource, name: str) -> list[dict[str, object]]:
    """Return the rows under the header row (the one holding *Date de situation*) as header -> value."""
    sheet = _find_sheet(source, name)
    if sheet is None:
        return []
    rows = list(source.rows(sheet))
    header_index = _header_index(rows)
    if header_index is None:
        return []
    headers = [None if is_blank(v) else str(v).strip() for v in rows[header_index]]
    result = []
    for row in rows[header_index + 1:]:
        values = {h: row[i] if i < len(row) else None for i, h in enumerate(headers) if h}
        if not all(is_blank(v) for v in values.values()):
            result.append(values)
    return result


def read_summary_history(source: WorkbookSource) -> list[dict[str, object]]:
    """Return the *Historique* rows (header -> value), each with a readable *Date de situation*."""
    rows = []
    for row in _sheet_rows(source, HISTORIQUE):
        at = as_date(row.get(AT_HEADER))
        if at is not None:
            rows.append({**row, AT_HEADER: at})
    return rows


def read_milestone_history(source: WorkbookSource) -> tuple[MilestoneSnapshot, ...]:
    """Return the milestone snapshots of *Historique jalons* (rows that can't be read are skipped)."""
    snapshots = []
    for row in _sheet_rows(source, HISTORIQUE_JALONS):
        at = as_date(row.get(AT_HEADER))
        operation_id = read_text(row.get("ID opération")).value
        milestone = read_text(row.get("Jalon")).value
        if at is None or not operation_id or not milestone:
            continue
        snapshots.append(MilestoneSnapshot(
            at, operation_id, milestone, convention=as_date(row.get("Date convention")),
            avenant=as_date(row.get("Date avenant")), forecast=as_date(row.get("Date prévisionnelle")),
            actual=as_date(row.get("Date réelle")), motif=read_text(row.get("Motif de décalage")).value))
    return tuple(snapshots)


def current_snapshots(programme: Programme) -> tuple[MilestoneSnapshot, ...]:
    """Return the programme's milestones as snapshots at its date de situation."""
    return tuple(MilestoneSnapshot(programme.at, op.id, m.name, m.convention, m.avenant, m.forecast, m.actual,
                                   m.motif) for op in programme.operations for m in op.milestones.values())


def merged_snapshots(previous: Iterable[MilestoneSnapshot], programme: Programme) -> list[MilestoneSnapshot]:
    """Return every snapshot to keep: earlier dates as they were, this date's replaced, sorted by date."""
    kept = sorted((s for s in previous if s.at != programme.at), key=lambda s: s.at)
    return kept + list(current_snapshots(programme))


def snapshot_row(snapshot: MilestoneSnapshot) -> tuple[object, ...]:
    """Return a *Historique jalons* row, in the order of ``MILESTONE_HEADERS``."""
    return (snapshot.at, snapshot.operation_id, snapshot.milestone, snapshot.convention, snapshot.avenant,
            snapshot.forecast, snapshot.actual, snapshot.motif or "")


def merged_summary_rows(previous: Sequence[dict[str, object]], current: dict[str, object],
                        at: date) -> list[dict[str, object]]:
    """Return the *Historique* rows: one per date de situation, this date's row replaced, sorted by date."""
    rows = [row for row in previous if row.get(AT_HEADER) != at]
    rows.append({AT_HEADER: at, **current})
    return sorted(rows, key=lambda r: r[AT_HEADER])

