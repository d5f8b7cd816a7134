"""Check the tables read from the workbook: every problem in one pass, each with its cell.

Column rules (required, list, sign, range, uniqueness, references, actual dates) are pandera
schemas built from the contract; pandera returns all failures as one table, which becomes
*Contrôles* rows. Rules across rows (milestone order) are plain pandas. A cell that fails a
blocking check is blanked in the model and a row without a usable identity is left out, so
nothing downstream computes with a bad value.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

import pandas as pd
import pandera.pandas as pa

from opc_excel.checks.participants import check_participant_instances
from opc_excel.fr import fr_amount, fr_date
from opc_excel.read import contract
from opc_excel.read.contract import Column, Kind
from opc_excel.read.problems import ProblemLog, shown
from opc_excel.read.reader import ReadResult
from opc_excel.read.tables import Table
from opc_excel.read.texts import id_key, odd_characters

# Columns that name an operation of *Opérations* (DQ-REF), by sheet.
OPERATION_REFERENCES: dict[str, tuple[str, ...]] = {
    contract.JALONS_SHEET: ("operation_id",),
    contract.FINANCEMENTS: ("operation_id",),
    contract.RELOGEMENT: ("operation_id",),
    contract.INSERTION: ("operation_id",),
    contract.DEPENDANCES: ("predecessor", "successor"),
}
# Columns holding several operation ids separated by ";".
OPERATION_LISTS: dict[str, str] = {contract.AVENANTS: "operation_ids", contract.ACTIONS: "operation_ids"}
# Dates that record something done: never after the date de situation (DQ-FUTURE).
ACTUAL_DATES: dict[str, tuple[str, ...]] = {
    contract.JALONS_SHEET: ("actual",),
    contract.RELOGEMENT: ("rehoused_on",),
    contract.ACTIONS: ("closed_on",),
    contract.INSERTION: ("as_of",),
}
# Rows whose identity is lost when this cell is blocked: the row is left out entirely.
IDENTITY = {
    contract.OPERATIONS: "id", contract.JALONS_SHEET: "operation_id", contract.FINANCEMENTS: "operation_id",
    contract.RELOGEMENT: "id", contract.INSERTION: "operation_id", contract.AVENANTS: "number",
    contract.ACTIONS: "id", contract.DEPENDANCES: "predecessor",
}
MILESTONE_DATE_KINDS = {"convention": "convention", "avenant": "avenant", "forecast": "prévisionnelle",
                        "actual": "réelle"}


@dataclass(frozen=True, slots=True)
class _Rule:
    """What a pandera check stands for: its problem code and how to word a failure."""

    code: str
    message: Callable[[Table, int, str, object], str]


def check_tables(result: ReadResult) -> None:
    """Add every problem the tables show to ``result.log``; mark bad cells and rows in the tables."""
    at = result.params.at
    operations = result.tables.get(contract.OPERATIONS)
    operation_ids: dict[str, str] | None = None  # id -> its cell, for messages
    if operations is not None:
        _validate(operations, result, at, operation_ids=None)
        _check_look_alike_ids(operations, "id", result.log)
        usable_ids = operations.frame["id"].drop(index=sorted(operations.dropped), errors="ignore")
        operation_ids = {v: operations.cell(int(row), "id") for row, v in usable_ids.items() if isinstance(v, str)}
    for spec in contract.TABLE_SPECS:
        table = result.tables.get(spec.name)
        if table is None or spec.name == contract.OPERATIONS:
            continue
        _validate(table, result, at, operation_ids)
        if spec.unique is not None and spec.unique in table.columns:
            _check_look_alike_ids(table, spec.unique, result.log)
    jalons = result.tables.get(contract.JALONS_SHEET)
    if jalons is not None:
        _check_milestone_order(jalons, result.log)
        _check_duplicate_milestones(jalons, result.log)
    for sheet, attr in OPERATION_LISTS.items():
        table = result.tables.get(sheet)
        if table is not None and operation_ids is not None and attr in table.columns:
            _check_id_lists(table, attr, operation_ids, result.log)
    participants = result.tables.get(contract.PARTICIPANTS)
    if participants is not None:
        check_participant_instances(participants, result.lists, result.log)


# ---------------------------------------------------------------- pandera schemas


def _validate(table: Table, result: ReadResult, at: date | None, operation_ids: Mapping[str, str] | None) -> None:
    schema, rules = _schema(table, result.lists, at, operation_ids)
    frame = table.frame
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        failures = errors.failure_cases
    else:
        return
    seen: set[tuple[int, str, str]] = set()
    for failure in failures.itertuples(index=False):
        row = failure.index
        if row is None or pd.isna(row):
            continue
        row = int(row)
        if failure.schema_context == "Column":
            attr = str(failure.column)
            key = "not_nullable" if failure.check == "not_nullable" else (
                "unique" if failure.check == "field_uniqueness" else int(failure.check_number))
            rule = rules[(attr, key)]
        else:  # a check over the whole row, reported once, on the column it names
            rule = rules[("*", str(failure.check))]
            attr = str(failure.check).split(":", 1)[1]
        if (row, attr, rule.code) in seen or (row, attr) in table.invalid:
            continue  # already reported (unreadable values are DQ-TYPE, not DQ-REQ)
        seen.add((row, attr, rule.code))
        value = table.frame.at[row, attr]
        column = table.spec.column(attr)
        result.log.add(rule.code, table.sheet, table.cell(row, attr), column.header,
                       table.raw.get((row, attr), value), rule.message(table, row, attr, value))
        table.invalid.add((row, attr))
        if IDENTITY.get(table.spec.name) == attr or rule.code in ("DQ-DUP", "DQ-REF"):
            table.dropped.add(row)


def _schema(table: Table, lists: dict[str, tuple[str, ...]], at: date | None,
            operation_ids: Mapping[str, str] | None) -> tuple[pa.DataFrameSchema, dict[tuple[str, object], _Rule]]:
    """Return the pandera schema of a sheet and what each of its checks stands for."""
    spec = table.spec
    rules: dict[tuple[str, object], _Rule] = {}
    columns: dict[str, pa.Column] = {}
    for column in spec.columns:
        if column.attr not in table.columns:
            continue
        pairs: list[tuple[pa.Check, _Rule]] = []
        choices = _choices(column, lists)
        if choices:
            pairs.append((pa.Check.isin(choices), _Rule("DQ-LIST", _list_message(column, choices))))
        if column.min_value is not None:
            pairs.append((pa.Check.ge(column.min_value), _Rule("DQ-NEG", _negative_message)))
        if column.max_value is not None:
            pairs.append((pa.Check.le(column.max_value), _Rule("DQ-TYPE", _range_message(column))))
        if operation_ids is not None and column.attr in OPERATION_REFERENCES.get(spec.name, ()):
            pairs.append((pa.Check.isin(sorted(operation_ids)),
                          _Rule("DQ-REF", _reference_message(_look_alikes(operation_ids)))))
        if at is not None and column.attr in ACTUAL_DATES.get(spec.name, ()):
            pairs.append((pa.Check.le(at), _Rule("DQ-FUTURE", _future_message(at))))
        for number, (_check, rule) in enumerate(pairs):
            rules[(column.attr, number)] = rule  # pandera reports a failed check by its number
        rules[(column.attr, "not_nullable")] = _Rule("DQ-REQ", _required_message)
        rules[(column.attr, "unique")] = _Rule("DQ-DUP", _duplicate_message)
        columns[column.attr] = pa.Column(
            nullable=not column.required, checks=[c for c, _ in pairs], unique=spec.unique == column.attr,
            report_duplicates="exclude_first", required=False)
    wide: list[pa.Check] = []
    if spec.name == contract.FINANCEMENTS and {"paid", "engaged"} <= set(table.columns):
        name = "DQ-NEG:paid"
        wide.append(pa.Check(_paid_within_engaged, name=name))
        rules[("*", name)] = _Rule("DQ-NEG", _paid_message)
    return pa.DataFrameSchema(columns, checks=wide), rules


def _choices(column: Column, lists: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    if column.kind is not Kind.LIST:
        return ()
    if isinstance(column.choices, str):
        return lists.get(column.choices, ())  # an empty list accepts any value (warned when read)
    return column.choices or ()


def _paid_within_engaged(frame: pd.DataFrame) -> pd.Series:
    paid = pd.to_numeric(frame["paid"], errors="coerce")
    engaged = pd.to_numeric(frame["engaged"], errors="coerce")
    return ~((paid > engaged) & engaged.notna())


# ---------------------------------------------------------------- messages (French, say what to type)


def _required_message(table: Table, row: int, attr: str, value: object) -> str:
    header = table.header(attr)
    return (f"Cellule obligatoire vide : saisissez « {header} » pour cette ligne, "
            f"ou supprimez la ligne si elle est en trop.")


def _list_message(column: Column, choices: tuple[str, ...]) -> Callable[[Table, int, str, object], str]:
    examples = ", ".join(choices[:4]) + ("…" if len(choices) > 4 else "")
    if isinstance(column.choices, str):
        where = f"la liste « {column.choices} » de la feuille Listes"
        then = "ou ajoutez cette valeur à la feuille Listes"
    else:
        where = "les valeurs admises"
        then = "ces valeurs sont fixées par la convention ANRU"

    def message(table: Table, row: int, attr: str, value: object) -> str:
        return (f"« {shown(value)} » ne figure pas dans {where} : choisissez une valeur de la liste "
                f"déroulante ({examples}), {then}.")
    return message


def _negative_message(table: Table, row: int, attr: str, value: object) -> str:
    return f"Valeur négative ({shown(value)}) : tapez une valeur positive ou nulle."


def _range_message(column: Column) -> Callable[[Table, int, str, object], str]:
    def message(table: Table, row: int, attr: str, value: object) -> str:
        return (f"Valeur {shown(value)} hors de la plage admise ({column.min_value:g} à {column.max_value:g}) : "
                f"tapez un pourcentage, par exemple 35 pour 35 %.")
    return message


def _duplicate_message(table: Table, row: int, attr: str, value: object) -> str:
    same = table.frame.index[table.frame[attr] == value]
    first = table.cell(int(same[0]), attr) if len(same) else "plus haut"
    return (f"L'identifiant « {shown(value)} » apparaît déjà en {first} : donnez un identifiant unique "
            f"à chaque ligne. Cette ligne est ignorée jusqu'à correction.")


def _look_alikes(operation_ids: Mapping[str, str]) -> dict[str, tuple[str, str]]:
    """Return id_key -> (id, cell) for the operations: what an unknown reference may look like."""
    keys: dict[str, tuple[str, str]] = {}
    for op, cell in operation_ids.items():
        keys.setdefault(id_key(op), (op, cell))
    return keys


def _reference_message(look_alikes: dict[str, tuple[str, str]]) -> Callable[[Table, int, str, object], str]:
    def message(table: Table, row: int, attr: str, value: object) -> str:
        return _unknown_operation(look_alikes, value)
    return message


def _unknown_operation(look_alikes: dict[str, tuple[str, str]], value: object) -> str:
    twin = look_alikes.get(id_key(value)) if isinstance(value, str) else None
    if twin is not None:
        op, cell = twin
        return (f"L'opération « {shown(value)} » ne figure pas telle quelle dans la feuille Opérations : elle ne se "
                f"distingue de « {op} » (Opérations!{cell}) que par {odd_characters(value, op)}, invisible(s) ou "
                f"semblable(s) à l'écran. Retapez l'identifiant au clavier dans les deux cellules. Cette ligne est "
                f"ignorée jusqu'à correction.")
    return (f"L'opération « {shown(value)} » n'existe pas dans la feuille Opérations : corrigez "
            f"l'identifiant, ou ajoutez l'opération. Cette ligne est ignorée jusqu'à correction.")


def _future_message(at: date) -> Callable[[Table, int, str, object], str]:
    def message(table: Table, row: int, attr: str, value: object) -> str:
        return (f"Date réelle {shown(value)} postérieure à la date de situation {fr_date(at)} : une date à "
                f"venir se saisit en date prévisionnelle ; corrigez la date ou la date de situation.")
    return message


def _paid_message(table: Table, row: int, attr: str, value: object) -> str:
    engaged = table.frame.at[row, "engaged"]
    return (f"Le montant versé ({fr_amount(float(value))}) dépasse le montant engagé "
            f"({fr_amount(float(engaged))}) : corrigez l'un des deux.")


# ---------------------------------------------------------------- rules across rows


def _check_milestone_order(jalons: Table, log: ProblemLog) -> None:
    """Report milestones dated before the milestone that must precede them (DQ-DATE), per date kind."""
    frame = jalons.frame.drop(index=sorted(jalons.dropped), errors="ignore")
    for attr, kind_label in MILESTONE_DATE_KINDS.items():
        if attr not in jalons.columns:
            continue
        dated = frame[["operation_id", "name", attr]].dropna()
        dated = dated.loc[[(row, attr) not in jalons.invalid for row in dated.index]]
        by_key = {(op, name): (row, when) for row, op, name, when in  # lists: iterating a str column is slow
                  zip(dated.index.tolist(), dated["operation_id"].tolist(), dated["name"].tolist(),
                      dated[attr].tolist(), strict=True)}
        for (op, name), (row, when) in by_key.items():
            for earlier, later in contract.ORDERED_MILESTONES:
                if name != later or (op, earlier) not in by_key:
                    continue
                earlier_row, earlier_when = by_key[(op, earlier)]
                if when < earlier_when:
                    log.add("DQ-DATE", jalons.sheet, jalons.cell(row, attr), jalons.header(attr), when,
                            f"« {later} » ({kind_label}) au {fr_date(when)} avant « {earlier} » au "
                            f"{fr_date(earlier_when)} (cellule {jalons.cell(earlier_row, attr)}) pour "
                            f"l'opération {op} : corrigez l'une des deux dates.")
                    jalons.invalid.update({(row, attr), (earlier_row, attr)})


def _check_duplicate_milestones(jalons: Table, log: ProblemLog) -> None:
    """Report a milestone given twice for the same operation (DQ-DUP); the second is left out."""
    frame = jalons.frame.drop(index=sorted(jalons.dropped), errors="ignore").dropna(
        subset=["operation_id", "name"])
    first: dict[tuple[str, str], int] = {}
    for row, op, name in zip(frame.index.tolist(), frame["operation_id"].tolist(), frame["name"].tolist(),
                             strict=True):
        if (op, name) in first:
            log.add("DQ-DUP", jalons.sheet, jalons.cell(row, "name"), jalons.header("name"), name,
                    f"Le jalon « {name} » de l'opération {op} est déjà saisi ligne {first[(op, name)]} : "
                    f"gardez une seule ligne par opération et par jalon. Cette ligne est ignorée.")
            jalons.dropped.add(row)
        else:
            first[(op, name)] = row


def _check_id_lists(table: Table, attr: str, operation_ids: Mapping[str, str], log: ProblemLog) -> None:
    """Report ids of a ``;`` list that name no operation (DQ-REF); the unknown ids are left out."""
    look_alikes: dict[str, tuple[str, str]] | None = None
    for row, ids in table.frame[attr].items():
        if not isinstance(ids, tuple):
            continue
        unknown = [i for i in ids if i not in operation_ids]
        if unknown:
            look_alikes = look_alikes if look_alikes is not None else _look_alikes(operation_ids)
            twins = [(i, look_alikes[id_key(i)]) for i in unknown if id_key(i) in look_alikes]
            then = "".join(f" « {i} » ne se distingue de « {op} » (Opérations!{cell}) que par "
                           f"{odd_characters(i, op)} : retapez-le au clavier." for i, (op, cell) in twins)
            log.add("DQ-REF", table.sheet, table.cell(int(row), attr), table.header(attr), "; ".join(ids),
                    f"Opération(s) inconnue(s) : {', '.join(unknown)}. Corrigez les identifiants (séparés par "
                    f"des points-virgules) pour qu'ils figurent dans la feuille Opérations.{then}")
            table.frame.at[row, attr] = tuple(i for i in ids if i in operation_ids)


def _check_look_alike_ids(table: Table, attr: str, log: ProblemLog) -> None:
    """Report an id that differs from an earlier one only by invisible or look-alike characters (DQ-DUP):
    a user sees the same id twice. The later row is left out, as a duplicate is."""
    frame = table.frame.drop(index=sorted(table.dropped), errors="ignore")
    first: dict[str, tuple[int, str]] = {}
    for row, value in zip(frame.index.tolist(), frame[attr].tolist(), strict=True):
        if not isinstance(value, str):
            continue
        key = id_key(value)
        if key not in first:
            first[key] = (row, value)
            continue
        earlier_row, earlier = first[key]
        if earlier == value:
            continue  # a plain duplicate: pandera reported it already
        log.add("DQ-DUP", table.sheet, table.cell(row, attr), table.header(attr), value,
                f"L'identifiant « {shown(value)} » ne se distingue de « {shown(earlier)} » (cellule "
                f"{table.cell(earlier_row, attr)}) que par {odd_characters(value, earlier)}, invisible(s) ou "
                f"semblable(s) à l'écran : c'est le même identifiant pour qui lit le classeur. Retapez-le au clavier, "
                f"ou donnez un identifiant unique à chaque ligne. Cette ligne est ignorée jusqu'à correction.")
        table.invalid.add((row, attr))
        table.dropped.add(row)

