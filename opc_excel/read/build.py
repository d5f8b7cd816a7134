"""Turn checked tables into the immutable programme model."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import fields
from datetime import date
from types import MappingProxyType
from typing import Any

import pandas as pd

from opc_excel.model import (
    Action,
    Amendment,
    Dependency,
    FundingLine,
    Household,
    InsertionLine,
    Milestone,
    Operation,
    Participant,
    Programme,
)
from opc_excel.read import contract
from opc_excel.read.reader import ReadResult, collector_paused

_MODELS = {
    contract.FINANCEMENTS: FundingLine,
    contract.DEPENDANCES: Dependency,
    contract.RELOGEMENT: Household,
    contract.INSERTION: InsertionLine,
    contract.AVENANTS: Amendment,
    contract.ACTIONS: Action,
    contract.PARTICIPANTS: Participant,
}


_PLAIN_TYPES = frozenset({str, int, bool, tuple, date})


def _plain(value: Any) -> Any:
    """Return a pandas cell as a plain Python value (NaN and NA become None)."""
    if type(value) in _PLAIN_TYPES:
        return value
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item") and not isinstance(value, tuple | str):
        return value.item()
    return value


def _records(result: ReadResult, sheet: str, model: type) -> list[dict[str, Any]]:
    """Return the usable rows of a sheet as keyword arguments for ``model``."""
    table = result.tables.get(sheet)
    if table is None:
        return []
    frame = table.usable()
    identity = next(c.attr for c in table.spec.columns if c.required)
    wanted = {f.name: f for f in fields(model)}
    names = [name for name in frame.columns if name in wanted]
    columns = [frame[name].tolist() for name in names]  # plain Python values, column by column: fast
    records = []
    for row, values in zip(frame.index.tolist(), zip(*columns, strict=True), strict=True):
        record = {name: _plain(value) for name, value in zip(names, values, strict=True)}
        if record.get(identity) is None:
            continue  # no usable identity: reported, left out
        for name, value in record.items():
            if value is None and wanted[name].default == "":
                record[name] = ""  # optional free text left empty
            if value is None and wanted[name].default == ():
                record[name] = ()
        record["row"] = int(row)
        records.append(record)
    return records


def build_programme(result: ReadResult) -> Programme:
    """Return the programme the checked tables describe, bad values left out, never guessed."""
    with collector_paused():  # an object or more per cell, all kept: see collector_paused
        return _build_programme(result)


def _build_programme(result: ReadResult) -> Programme:
    by_operation: dict[str, dict[str, Milestone]] = defaultdict(dict)
    for record in _records(result, contract.JALONS_SHEET, Milestone):
        if record.get("name") is not None:
            by_operation[record["operation_id"]][record["name"]] = Milestone(**record)
    operations = tuple(
        Operation(**record, milestones=MappingProxyType(by_operation.get(record["id"], {})))
        for record in _records(result, contract.OPERATIONS, Operation)
    )
    others: dict[str, tuple] = {}
    for sheet, model in _MODELS.items():
        records = _records(result, sheet, model)
        if model is Dependency:
            records = [r | {"lag_months": r.get("lag_months") or 0} for r in records
                       if r.get("successor") is not None]
        others[sheet] = tuple(model(**r) for r in records)
    return Programme(
        params=result.params,
        lists=MappingProxyType(dict(result.lists)),
        operations=operations,
        funding=others[contract.FINANCEMENTS],
        dependencies=others[contract.DEPENDANCES],
        households=others[contract.RELOGEMENT],
        insertion=others[contract.INSERTION],
        amendments=others[contract.AVENANTS],
        actions=others[contract.ACTIONS],
        participants=others[contract.PARTICIPANTS],
    )
