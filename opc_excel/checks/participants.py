"""*Participants*: each instance a line names must be one of the *Instances* list (DQ-LIST).

An invitee whose *Instances* cell says « Comité de suivis » would silently miss every convocation: the unknown
names are reported at their cell, with the list's values, and left out (the others on the line are kept).
"""

from __future__ import annotations

from opc_excel.read import contract
from opc_excel.read.problems import ProblemLog
from opc_excel.read.tables import Table
from opc_excel.text import match_key


def check_participant_instances(table: Table, lists: dict[str, tuple[str, ...]], log: ProblemLog) -> None:
    """Report each *Instances* value of *Participants* that is not in the *Instances* list; keep the others."""
    if "instances" not in table.columns:
        return
    known = {match_key(v): v for v in lists.get(contract.INSTANCES) or contract.DEFAULT_LISTS[contract.INSTANCES]}
    for row, names in table.frame["instances"].items():
        if not isinstance(names, tuple) or int(row) in table.dropped:
            continue
        unknown = [n for n in names if match_key(n) not in known]
        if not unknown:
            continue
        log.add("DQ-LIST", table.sheet, table.cell(int(row), "instances"), table.header("instances"), "; ".join(names),
                f"Instance(s) inconnue(s) : {', '.join(f'« {n} »' for n in unknown)}. Tapez des instances de la "
                f"liste « {contract.INSTANCES} » de la feuille Listes ({', '.join(known.values())}), séparées par "
                f"des points-virgules, ou ajoutez-les à cette liste.")
        table.frame.at[row, "instances"] = tuple(known[match_key(n)] for n in names if match_key(n) in known)
