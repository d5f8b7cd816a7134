"""Timing of the rapport semestriel: ``python -m bench.documents [CLASSEUR …] [--repeat N]``.

For each workbook (default: the shipped master), in a fresh process: the imports and the check of the workbook
are not timed (the report starts from a checked report, as the command does after its check), then the report is
built N times in a row; the first build (which also imports matplotlib's drawing code lazily and reads the
template) and the fastest in CPU time are printed, with the document's size. Issue #14's goal: under 5 s on the
master. No test times it: the machine is shared.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

MASTER = Path(__file__).resolve().parents[1] / "workbooks" / "perseigne_master.xlsx"
REPORT_GOAL_SECONDS = 5.0  # issue 14: the master's report in under 5 s
TODAY = date(2026, 1, 1)


def report_child(path: Path, repeat: int) -> dict[str, float]:
    """Return the first and the best of ``repeat`` builds of the report of ``path`` (run in a fresh process)."""
    sys.modules["hypothesis"] = None  # type: ignore[assignment] - absent on users' machines, see bench.run
    import docx  # noqa: F401 - imports are not what is measured
    import matplotlib  # noqa: F401

    from opc_excel.pipeline import check_file
    from opc_excel.render.documents.rapport import build_report
    from opc_excel.situation import Situation

    report = check_file(path, at=None, today=TODAY)  # not timed: the report starts from a checked report
    runs, size = [], 0
    for _ in range(max(repeat, 1)):
        wall, cpu = time.perf_counter(), time.process_time()
        data = build_report(report, situation=Situation.of(report))  # the situation counted: the command builds it
        runs.append((time.process_time() - cpu, time.perf_counter() - wall))
        size = len(data)
    cpu, wall = min(runs)
    return {"cpu": cpu, "wall": wall, "first_cpu": runs[0][0], "first_wall": runs[0][1], "runs": len(runs),
            "docx_kb": size / 1000}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Temps de génération du rapport semestriel (hors contrôle).")
    parser.add_argument("workbooks", nargs="*", type=Path, default=[MASTER], metavar="CLASSEUR")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is not None:
        print(json.dumps(report_child(args.child, args.repeat)))
        return 0
    print("| classeur | 1re génération CPU (s) | meilleure CPU (s) | temps (s) | docx (ko) |")
    print("|---|---:|---:|---:|---:|")
    for path in args.workbooks:
        done = subprocess.run([sys.executable, "-m", "bench.documents", "--child", str(path), "--repeat",
                               str(args.repeat)], check=True, capture_output=True, text=True,
                              cwd=Path(__file__).resolve().parents[1])
        r = json.loads(done.stdout.strip().splitlines()[-1])
        over = " (> objectif)" if path.resolve() == MASTER and r["first_cpu"] > REPORT_GOAL_SECONDS else ""
        print(f"| {path.name} | {r['first_cpu']:.2f}{over} | {r['cpu']:.2f} | {r['wall']:.2f} | {r['docx_kb']:.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
