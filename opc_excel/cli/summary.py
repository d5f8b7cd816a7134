"""What the commands print: the French summary of a check, and the ``check --json`` object."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TextIO

from opc_excel.compute.indicators import indicators_as_json
from opc_excel.fr import fr_date
from opc_excel.model import Alert, Level, Problem, Severity
from opc_excel.report import CheckReport
from opc_excel.situation.curves import report_s_curve

MAX_LISTED = 40
MAX_RED_LISTED = 10


def problem_as_json(problem: Problem) -> dict[str, str]:
    return {"code": problem.code, "severity": problem.severity.value, "sheet": problem.sheet,
            "cell": problem.cell, "column": problem.column, "value": problem.value, "message": problem.message}


def alert_as_json(alert: Alert, first_seen: date) -> dict[str, object]:
    return {"key": alert.key, "code": alert.code, "severity": alert.severity.value,
            "theme": alert.theme.value if alert.theme else None, "operation_id": alert.operation_id,
            "action_id": alert.action_id, "finding": alert.finding, "measure": alert.measure,
            "first_seen": first_seen.isoformat()}


def report_as_json(report: CheckReport) -> dict[str, object]:
    """Return the ``check --json`` object: problems, alerts and indicators at the date de situation.

    The *courbe en S* is the decks': its actual points at each date de situation of *Historique*, plus today.
    """
    first_seen = report.first_seen()
    return {"date_de_situation": report.at.isoformat(),
            "problems": [problem_as_json(p) for p in report.problems],
            "alerts": [alert_as_json(a, first_seen[a.key]) for a in report.alerts],
            "indicators": indicators_as_json(replace(report.indicators, s_curve=report_s_curve(report)))}


def print_summary(report: CheckReport, path: Path, out: TextIO) -> None:
    programme = report.programme
    out.write(f"Classeur {path.name} — situation au {fr_date(report.at)}\n")
    out.write(f"{programme.params.project or 'Projet sans nom'} ({programme.params.programme.value}) : "
              f"{len(programme.operations)} opérations, {len(programme.funding)} lignes de financement, "
              f"{len(programme.households)} ménages, {len(programme.actions)} actions lues.\n")
    red, orange = report.count(Level.ROUGE), report.count(Level.ORANGE)
    out.write(f"{len(report.alerts)} alerte(s) : {red} rouge(s), {orange} orange.\n")
    for alert in [a for a in report.alerts if a.severity is Level.ROUGE][:MAX_RED_LISTED]:
        out.write(f"  [Rouge] {alert.key} : {alert.finding}\n")
    if red > MAX_RED_LISTED:
        out.write(f"  … et {red - MAX_RED_LISTED} autres alertes rouges : voir la feuille Alertes "
                  f"écrite par « opc-excel refresh ».\n")
    blocking, warnings = len(report.blocking), len(report.warnings)
    if not report.problems:
        out.write("Aucun problème détecté dans les données.\n")
        return
    out.write(f"{blocking} problème(s) bloquant(s), {warnings} avertissement(s).\n")
    for problem in report.problems[:MAX_LISTED]:
        where = f"{problem.sheet}!{problem.cell}" if problem.cell else problem.sheet
        column = f" ({problem.column})" if problem.column else ""
        out.write(f"  [{problem.severity.value}] {problem.code} {where}{column} : {problem.message}\n")
    if len(report.problems) > MAX_LISTED:
        out.write(f"  … et {len(report.problems) - MAX_LISTED} autres : la feuille Contrôles écrite par "
                  f"« opc-excel refresh » les liste tous, avec un lien vers chaque cellule.\n")
    if blocking:
        out.write("Les valeurs bloquantes sont écartées des calculs qui en dépendent ; corrigez-les puis relancez.\n")


def unreadable_json(path: Path | None, message: str) -> dict[str, object]:
    name = path.name if path is not None else ""
    problem = Problem("DQ-FILE", Severity.BLOQUANT, name, "", "", "", message)
    return {"date_de_situation": None, "problems": [problem_as_json(problem)], "alerts": [], "indicators": {}}

