"""The real-client test's helpers: a workbook exported for the fake office.js, and reading it back.

``office_fake.js`` (beside this file) replaces only ``office.js`` in the served task pane: the
ribbon's JavaScript and the xlwings client run as in Excel, against an in-memory workbook.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path

import openpyxl
from openpyxl.styles.numbers import is_date_format

FAKE_OFFICE_JS = Path(__file__).resolve().parent / "office_fake.js"
EXCEL_EPOCH = datetime(1899, 12, 30)


def serial(value: datetime | date) -> float:
    """Return Excel's serial number of a date (what a cell holds under its date format)."""
    if not isinstance(value, datetime):
        value = datetime.combine(value, time())
    return (value - EXCEL_EPOCH) / timedelta(days=1)


def from_serial(number: float) -> datetime:
    return EXCEL_EPOCH + timedelta(days=number)


def exported_workbook(path: Path, *, version: str = "1.9", rename: dict[str, str] | None = None,
                      drop: tuple[str, ...] = ()) -> dict:
    """Return the workbook at ``path`` as the fake Excel holds it: values as Excel shows them
    (formulas' cached values), dates as serial numbers under their number format.

    ``rename`` gives some tabs another name (``{"Jalons": "Jalons "}``), ``drop`` leaves sheets out.
    """
    rename = rename or {}
    workbook = openpyxl.load_workbook(path, data_only=True)
    sheets = []
    for ws in workbook.worksheets:
        if ws.title in drop:
            continue
        cells = {}
        for row in ws.iter_rows():
            for cell in row:
                value = cell.value
                if value is None or value == "":
                    continue
                fmt = cell.number_format or "General"
                if isinstance(value, datetime | date):
                    value = serial(value)
                    if not is_date_format(fmt):
                        fmt = "dd/mm/yyyy"
                elif isinstance(value, time):
                    value = value.hour / 24 + value.minute / 1440
                cells[f"{cell.row - 1},{cell.column - 1}"] = [value, fmt]
        sheets.append({
            "name": rename.get(ws.title, ws.title),
            "visibility": {"visible": "Visible", "hidden": "Hidden"}.get(ws.sheet_state, "VeryHidden"),
            "protected": bool(ws.protection.sheet),
            "cells": cells,
            "tables": [{"name": t.displayName, "ref": t.ref, "columns": [c.name for c in t.tableColumns]}
                       for t in ws.tables.values()],
        })
    names = [{"name": name, "formula": "=" + defined.attr_text} for name, defined in workbook.defined_names.items()]
    return {"name": path.name, "version": version, "protected": False, "sheets": sheets, "names": names}


def sheet_values(sheet: dict) -> dict[str, object]:
    """Return a fake Excel sheet's non-empty values by coordinate, dates as datetimes, as ``values_of`` does."""
    from openpyxl.utils import get_column_letter

    result = {}
    for key, (value, fmt) in sheet["cells"].items():
        if value in ("", None):
            continue
        row, col = (int(x) for x in key.split(","))
        if isinstance(value, int | float) and not isinstance(value, bool) and is_date_format(fmt):
            value = from_serial(value).replace(microsecond=0)
        elif isinstance(value, float):
            value = float(f"{value:.16g}")
        result[f"{get_column_letter(col + 1)}{row + 1}"] = value
    return result
