"""The speed objectives of issue #16, checked against one run of ``bench.run``: each with its measure and a verdict.

- ``check`` ≤ 0.5 × the openpyxl read-only floor at ×10 and ×100, and ≤ 5 × the python-calamine floor;
- ``refresh`` ≤ 0.5 × the openpyxl load + save floor at ×10;
- the peak memory of ``refresh`` at ×100 under 500 MB (the whole process, imports included);
- ×10 → ×100 still about 10 times the cost;
- the whole ``opc-excel check`` process on the shipped master under 1 s, ``opc-excel --help`` under 0.3 s
  (wall time of a new Python process, the best of five: what a user waits for).
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MASTER = ROOT / "workbooks" / "perseigne_master.xlsx"
PROCESSES = {  # label -> command line, objective in seconds
    "opc-excel --help": (["--help"], 0.3),
    "opc-excel check (classeur livré)": (["check", str(MASTER)], 1.0),
}


def process_times(repeat: int = 5) -> dict[str, float]:
    """Return the best wall time of each whole command (a new Python process each time)."""
    times = {}
    for label, (argv, _goal) in PROCESSES.items():
        best = float("inf")
        for _ in range(repeat):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "opc_excel.cli", *argv], capture_output=True, cwd=ROOT, check=False)
            best = min(best, time.perf_counter() - start)
        times[label] = best
    return times


def _verdict(held: bool) -> str:
    return "tenu" if held else "**non tenu**"


def objectives_table(results: dict[int, dict], processes: dict[str, float]) -> str:
    """Return the objectives as a Markdown table: objective, measure, verdict (rows whose measures ran)."""
    rows = []

    def cpu(scale: int, name: str) -> float | None:
        measure = results.get(scale, {}).get("measures", {}).get(name)
        return measure["cpu"] if measure else None

    for scale in (10, 100):
        check, floor, calamine = cpu(scale, "check"), cpu(scale, "openpyxl_read_only"), cpu(scale, "calamine")
        if check and floor:
            ratio = check / floor
            rows.append((f"check ×{scale} ≤ 0,5 × openpyxl lecture seule", f"{ratio:.2f} ×", ratio <= 0.5))
        if check and calamine:
            ratio = check / calamine
            rows.append((f"check ×{scale} ≤ 5 × python-calamine", f"{ratio:.1f} ×", ratio <= 5))
    for name, label in (("refresh", "1re actualisation"), ("refresh_again", "classeur déjà actualisé")):
        refresh, floor = cpu(10, name), cpu(10, "openpyxl_load_save")
        if refresh and floor:
            ratio = refresh / floor
            rows.append((f"refresh ×10 ({label}) ≤ 0,5 × openpyxl charger + enregistrer", f"{ratio:.2f} ×",
                         ratio <= 0.5))
    for name, label in (("refresh", "1re actualisation"), ("refresh_again", "classeur déjà actualisé")):
        measure = results.get(100, {}).get("measures", {}).get(name)
        if measure:
            rows.append((f"mémoire de refresh ×100 ({label}) < 500 Mo", f"{measure['peak_mb']:.0f} Mo",
                         measure["peak_mb"] < 500))
    for name in ("check", "refresh", "refresh_again"):
        ten, hundred = cpu(10, name), cpu(100, name)
        if ten and hundred:
            growth = hundred / ten
            rows.append((f"{name} ×10 → ×100 : environ 10 fois", f"{growth:.1f} ×", growth <= 13))
    for label, seconds in processes.items():
        goal = PROCESSES[label][1]
        rows.append((f"{label} < {goal:g} s (processus entier)", f"{seconds:.2f} s", seconds < goal))
    lines = ["| objectif (issue #16) | mesuré | verdict |", "|---|---:|---|"]
    lines += [f"| {objective} | {measured} | {_verdict(held)} |" for objective, measured, held in rows]
    return "\n".join(lines)
