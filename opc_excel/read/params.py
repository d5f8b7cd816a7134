"""Read the *Listes* and *Paramètres* sheets: every list and parameter, a default where one is missing."""

from __future__ import annotations

from datetime import date

from opc_excel.fr import fr_date
from opc_excel.model import Params, ProgrammeKind, Severity
from opc_excel.read import contract
from opc_excel.read.amounts import read_amount, read_number
from opc_excel.read.contract import Kind
from opc_excel.read.dates import read_date
from opc_excel.read.headers import find_header, header_positions, sheet_rows
from opc_excel.read.problems import ProblemLog, cell_address, shown
from opc_excel.read.source import WorkbookSource
from opc_excel.read.tables import duration_unit, within_duration_limit
from opc_excel.read.texts import read_text
from opc_excel.read.values import Reading, is_blank
from opc_excel.text import match_key

# ---------------------------------------------------------------- lists


def read_lists(source: WorkbookSource, sheet: str | None, log: ProblemLog) -> dict[str, tuple[str, ...]]:
    """Return every list of the contract: from *Listes*, else the default list (with a warning)."""
    lists: dict[str, tuple[str, ...]] = {}
    if sheet is None:
        log.add("DQ-SHEET", contract.LISTES, "", "", "",
                "La feuille « Listes » est introuvable : les listes par défaut sont utilisées. "
                "Ajoutez la feuille Listes du modèle vierge pour choisir vos propres valeurs.",
                Severity.AVERTISSEMENT)
        return dict(contract.DEFAULT_LISTS)
    rows = list(sheet_rows(source, sheet))
    keys = {match_key(name): name for name in contract.DEFAULT_LISTS}
    header_index = find_header(rows, set(keys))
    positions = header_positions(rows[header_index]) if header_index is not None else {}
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


def read_params(source: WorkbookSource, sheet: str | None, at: date | None, today: date,
                 log: ProblemLog) -> Params:
    """Return the parameters, defaults applied; a missing or unreadable one is reported."""
    defaults = Params()
    values: dict[str, object] = {}
    found: dict[str, tuple[int, object]] = {}  # attr -> (row number, raw value)
    value_col = 1
    if sheet is not None:
        rows = list(sheet_rows(source, sheet))
        header_index = find_header(rows, {match_key(contract.PARAM_KEY_HEADER)})
        start = 0
        key_col = 0
        if header_index is not None:
            positions = header_positions(rows[header_index])
            key_col = positions[match_key(contract.PARAM_KEY_HEADER)]
            value_col = positions.get(match_key(contract.PARAM_VALUE_HEADER), key_col + 1)
            start = header_index + 1
        labels = {match_key(label): p for p in contract.PARAMETERS for label in (p.label, *p.aliases)}
        for offset, row in enumerate(rows[start:], start=start + 1):
            if key_col < len(row) and isinstance(row[key_col], str):
                param = labels.get(match_key(row[key_col]))
                if param is not None and param.attr not in found:
                    found[param.attr] = (offset, row[value_col] if value_col < len(row) else None)
    sheet_name = sheet or contract.PARAMETRES
    defaulted: list[tuple[contract.Parameter, str, object]] = []  # (parameter, cell, default) left empty
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
            elif default not in (None, "") and (row or param.attr not in contract.ADDED_PARAMETERS):
                defaulted.append((param, where, default))  # a parameter the master predates stays silent
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
    if defaulted:
        _warn_defaults(defaulted, sheet_name, log)
    return Params(**values)


def _warn_defaults(defaulted: list[tuple[contract.Parameter, str, object]], sheet: str, log: ProblemLog) -> None:
    """Say once which parameters were left empty and the defaults used for them (workbook.md)."""
    first, where, _ = defaulted[0]
    listed = " ; ".join(f"« {param.label} » : {shown(default)}" for param, _, default in defaulted)
    if len(defaulted) == 1:
        message = (f"Le paramètre « {first.label} » n'est pas renseigné : la valeur par défaut "
                   f"{shown(defaulted[0][2])} est utilisée. Tapez une valeur pour ne plus voir ce message.")
    else:
        message = (f"{len(defaulted)} paramètres ne sont pas renseignés ; les valeurs par défaut sont utilisées : "
                   f"{listed}. Tapez une valeur dans la colonne Valeur pour ne plus voir ce message.")
    log.add("DQ-PARAM", sheet, where, first.label, None, message, Severity.AVERTISSEMENT)


def _read_param_value(param: contract.Parameter, raw: object) -> Reading:
    if param.kind is Kind.DATE:
        return read_date(raw, param.role)
    if param.kind is Kind.NUMBER:
        return within_duration_limit(duration_unit(param.label), raw, read_number(raw))
    if param.kind is Kind.AMOUNT:  # Enveloppe ANRU (€)
        return read_amount(raw)
    if param.kind is Kind.LIST:  # Programme
        text = read_text(raw)
        choices = {match_key(k): k for k in contract.PROGRAMME_KINDS}
        if text.value is not None and match_key(text.value) in choices:
            return Reading(ProgrammeKind(choices[match_key(text.value)]))
        return Reading(error=f"« {shown(raw)} » n'est pas un programme connu : tapez PNRU ou NPNRU")
    return read_text(raw)
