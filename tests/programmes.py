"""Small programmes built directly as model objects, for indicator and alert tests.

``operation("OP-1", works_start=dict(convention=date(2011, 3, 1)), ...)`` builds an operation
whose milestones are given as keyword dicts of their dates; ``programme(ops, ...)`` wraps them
with parameters at a date de situation (30/09/2011 unless told).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from types import MappingProxyType
from typing import Any

from opc_excel.model import (
    Action,
    FundingLine,
    Household,
    InsertionLine,
    Milestone,
    Operation,
    Params,
    Programme,
    ProgrammeKind,
)
from opc_excel.read import contract

AT = date(2011, 9, 30)

# keyword -> milestone name, for the milestones tests use most
MILESTONE_KEYWORDS = {
    "moe": "Désignation MOE",
    "pc_filed": "Dépôt PC",
    "pc": "Obtention PC",
    "contracts": "Attribution des marchés",
    "fat": "FAT validée",
    "das": "DAS",
    "works_start": "Démarrage des travaux",
    "delivery": "Livraison",
    "balance_request": "Demande de solde",
    "balance_paid": "Solde versé",
    "rehousing_start": "Début du relogement",
}


def operation(op_id: str = "OP-1", *, famille: str = "Aménagement", status: str = "En travaux",
              cost: float = 1_000_000, owner: str = "Ville d'Alençon", district: str = "Perseigne",
              **kwargs: Any) -> Operation:
    """Return an operation; milestone keywords (``works_start=dict(convention=…, forecast=…)``) add milestones."""
    milestones = {}
    fields: dict[str, Any] = {}
    for key, value in kwargs.items():
        if key in MILESTONE_KEYWORDS:
            name = MILESTONE_KEYWORDS[key]
            milestones[name] = Milestone(op_id, name, **value)
        else:
            fields[key] = value
    return Operation(id=op_id, label=fields.pop("label", f"Opération {op_id}"), district=district,
                     famille=famille, owner=owner, status=status, cost_convention=fields.pop("cost_convention", cost),
                     milestones=MappingProxyType(milestones), **fields)


def funding(op_id: str = "OP-1", funder: str = "ANRU", amount: float = 500_000, status: str = "Notifié",
            **kwargs: Any) -> FundingLine:
    return FundingLine(operation_id=op_id, funder=funder, amount_convention=amount, status=status, **kwargs)


def household(hh_id: str = "M-001", op_id: str = "OP-1", status: str = "À reloger", **kwargs: Any) -> Household:
    return Household(id=hh_id, operation_id=op_id, status=status, **kwargs)


def insertion(op_id: str = "OP-1", contract_name: str = "Lot 1", **kwargs: Any) -> InsertionLine:
    return InsertionLine(operation_id=op_id, contract=contract_name, **kwargs)


def action(action_id: str = "A-1", **kwargs: Any) -> Action:
    kwargs.setdefault("date", date(2011, 6, 1))
    return Action(id=action_id, **kwargs)


def programme(operations: tuple[Operation, ...] | list[Operation] = (), *, at: date = AT,
              kind: ProgrammeKind = ProgrammeKind.PNRU, **kwargs: Any) -> Programme:
    """Return a programme at ``at``; ``params=dict(...)`` overrides parameters, other keywords are tables."""
    params = replace(Params(project="PRU test", signature_date=date(2008, 1, 28), end_date=date(2013, 12, 31),
                            at=at, programme=kind), **kwargs.pop("params", {}))
    tables = {k: tuple(v) for k, v in kwargs.items()}
    return Programme(params=params, lists=MappingProxyType(dict(contract.DEFAULT_LISTS)),
                     operations=tuple(operations), **tables)
