"""Time ``check``, ``refresh`` and each deck on programmes of growing size, against the bare cost of loading the file.

    python -m bench.run                 # ×1 and ×10 (a few minutes)
    python -m bench.run --x100          # and ×100 (≈ 10 000 operations, 100 000 households; long)
    python -m bench.run --profile       # where check spends its time on ×10 (cProfile)
    python -m bench.run --profile-deck deck-revue-projet   # where a deck spends its time on ×10

Every measure runs in a fresh Python process, so that one's memory does not weigh on the next:
the time excludes the imports (and hides the test-only hypothesis package, as on a user's machine:
pandera would import it on its first validation), and the peak memory is the process's high-water
mark (VmHWM), given with the memory the imports alone take. The floors are what merely reading
the same file costs: openpyxl read-only (what ``check`` read with before python-calamine),
openpyxl normal and load + save (what ``refresh`` did before it wrote only the output sheets'
parts) and python-calamine (the reader ``check`` now uses). The objectives of issue #16 are
checked at the end (``bench/objectives.py``), with the whole ``--help`` and ``check`` commands.

Decks (``bench/decks.py``): each kind, and the réunion restreinte in each of its three themes, is
built from a report already checked in its process (the check is not timed), N times in a row;
the best CPU time is kept, with the first build's, the slide count, and the peak memory of the
builds alone (the high-water mark is reset after the check).

The server's ``actualiser`` (``server_actualiser``): the already-refreshed workbook is turned into
the JSON the Office.js client sends (``office_payload`` of the tests, only the sheets ``ribbon.js``
sends) and posted once to warm the server up (lazy imports), all untimed; then posted again, timed,
to the xlwings Server application in the same process through FastAPI's TestClient (no network),
with the size limit lifted so that ×100 is measured too; the request's size is reported against
the default limit. This measure needs the test extra (``pip install -e ".[test,bench]"``).
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import pstats
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path

from bench.decks import (
    DECK_GOAL_SECONDS,
    DECK_MEASURES,
    deck_child,
    deck_table,
    profile_deck,
    reset_peak,
    status_mb,
)
from bench.generate import DEFAULT_DIR, counts, scaled_demo, write_programme
from bench.objectives import objectives_table, process_times

TODAY = date(2026, 1, 1)


# ---------------------------------------------------------------- what is measured (in a child process)


def _openpyxl_read_only(path: Path) -> None:
    import openpyxl

    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    for ws in workbook.worksheets:
        ws.reset_dimensions()  # as check does: the dimension tag may lie
        for _row in ws.iter_rows(values_only=True):
            pass
    workbook.close()


def _openpyxl_normal(path: Path) -> None:
    import openpyxl

    openpyxl.load_workbook(path)


def _openpyxl_load_save(path: Path) -> None:
    import openpyxl

    openpyxl.load_workbook(path).save(io.BytesIO())


def _calamine(path: Path) -> None:
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_path(str(path))
    for name in workbook.sheet_names:
        workbook.get_sheet_by_name(name).to_python()


def _check(path: Path) -> None:
    from opc_excel.pipeline import check_file

    check_file(path, at=None, today=TODAY)


class ServerCall:
    """The add-in's ``actualiser`` request for one workbook, ready to post (building it is not timed)."""

    def __init__(self, path: Path) -> None:
        import os

        os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")  # local default, as for the tests
        from fastapi.testclient import TestClient

        from opc_excel.server.app import create_app
        from tests.test_output_backends import office_payload
        from tests.test_server import sent_sheets

        self.body = json.dumps(office_payload(path, sent_sheets(path, "actualiser"))).encode()
        self.client = TestClient(create_app(local=True, max_bytes=1 << 30), base_url="http://localhost")
        self.client.__enter__()
        self()  # a server answers many calls: the first one's lazy imports are not what is measured

    def __call__(self) -> dict[str, float]:
        response = self.client.post("/xlwings/custom-scripts-call/actualiser", content=self.body,
                                    headers={"Content-Type": "application/json"})
        if response.status_code != 200:
            raise RuntimeError(f"actualiser: {response.status_code} {response.text[:500]}")
        return {"request_mb": len(self.body) / 1e6, "response_mb": len(response.content) / 1e6}


def _refresh(path: Path) -> None:
    from opc_excel.pipeline import refresh_file

    with tempfile.TemporaryDirectory() as folder:
        refresh_file(path, at=None, today=TODAY, out=Path(folder) / path.name)


MEASURES: dict[str, tuple[str, Callable[[Path], None]]] = {
    "openpyxl_read_only": ("openpyxl lecture seule (plancher de check)", _openpyxl_read_only),
    "openpyxl_normal": ("openpyxl complet (chargement de refresh)", _openpyxl_normal),
    "openpyxl_load_save": ("openpyxl charger + enregistrer (plancher de refresh)", _openpyxl_load_save),
    "calamine": ("python-calamine", _calamine),
    "check": ("check", _check),
    "refresh": ("refresh --out (1re actualisation)", _refresh),
    "refresh_again": ("refresh --out d'un classeur déjà actualisé", _refresh),
    "server_actualiser": ("serveur : actualiser d'un classeur déjà actualisé", ServerCall),
}
PREPARED = {"server_actualiser"}  # measures whose callable prepares untimed, then returns what to time
REFRESHED = {"refresh_again", "server_actualiser"}  # measured on a copy already refreshed once
FLOOR = {"check": "openpyxl_read_only", "refresh": "openpyxl_load_save", "refresh_again": "openpyxl_load_save"}


def _peak_mb() -> float:
    """Return this process's peak resident memory in MB (VmHWM: ru_maxrss would carry the parent's over exec)."""
    try:
        status = Path("/proc/self/status").read_text()
        return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:"))) / 1024
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux, bytes on macOS


def child(measure: str, path: Path) -> dict[str, float]:
    """Return the wall and CPU seconds of one measure, and the process's peak memory (run in a fresh process)."""
    run = MEASURES[measure][1]
    if measure in PREPARED:  # first (it imports the test helpers, hypothesis among them), untimed
        run = run(path)
        path = None
    else:
        # A user's install has no hypothesis (a test extra); when present, pandera imports it on its first
        # validation (0.13 s), which would be counted in check. Hide it, as on the users' machines.
        sys.modules["hypothesis"] = None  # type: ignore[assignment]
    import openpyxl  # noqa: F401 - imports are not what is measured
    import pandas  # noqa: F401

    import opc_excel.pipeline  # noqa: F401
    if path is None and reset_peak():  # prepared: the peak of the call alone, above what is in memory
        gc.collect()
        reset_peak()
        base = status_mb("VmRSS")
    else:
        base = _peak_mb()
    wall, cpu = time.perf_counter(), time.process_time()
    facts = run(path) if path is not None else run()
    return {"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu, "peak_mb": _peak_mb(),
            "base_mb": base, **(facts or {})}


# ---------------------------------------------------------------- the parent: sizes, repeats, table


def measure(name: str, path: Path, repeat: int) -> dict[str, float] | None:
    """Return the fastest (in CPU time) of *repeat* runs of a measure, each in its own process; None if it can't run."""
    best = None
    for _ in range(repeat):
        done = subprocess.run([sys.executable, "-m", "bench.run", "--child", name, str(path)],
                              capture_output=True, text=True, cwd=Path(__file__).resolve().parents[1])
        if done.returncode:
            if "No module named 'python_calamine'" in done.stderr or "No module named 'fastapi'" in done.stderr:
                return None  # an optional reader, or the server without the test extra: its row is left out
            raise RuntimeError(f"{name} on {path.name} failed:\n{done.stderr}")
        result = json.loads(done.stdout.strip().splitlines()[-1])
        if best is None or result["cpu"] < best["cpu"]:
            best = result
    return best


def refreshed_copy(path: Path) -> Path:
    """Return a copy of *path* refreshed once (output sheets present), for the second-refresh measure."""
    from opc_excel.pipeline import refresh_file

    target = path.with_name(f"{path.stem}.actualisé.xlsx")
    if not target.exists() or target.stat().st_mtime < path.stat().st_mtime:
        refresh_file(path, at=None, today=TODAY, out=target)
    return target


def measure_deck(name: str, path: Path, repeat: int) -> dict[str, float]:
    """Return the fastest (in CPU time) of *repeat* builds of a deck, in one fresh process after one check."""
    done = subprocess.run([sys.executable, "-m", "bench.run", "--child", name, str(path), "--child-repeat",
                           str(repeat)], capture_output=True, text=True, cwd=Path(__file__).resolve().parents[1])
    if done.returncode:
        raise RuntimeError(f"{name} on {path.name} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_sizes(scales: Iterable[int], folder: Path, repeat: int, only: Iterable[str] = ()) -> dict[int, dict]:
    only = list(only)
    if "decks" in only:
        only = [n for n in only if n != "decks"] + [n for n in DECK_MEASURES if n not in only]
    results: dict[int, dict] = {}
    for scale in scales:
        path = write_programme(scale, folder)
        times = repeat + (scale < 10) if scale < 100 else 1  # ×1 is quick: one more try; ×100 is long: one
        results[scale] = {"counts": counts(scaled_demo(scale)), "size_mb": path.stat().st_size / 1e6, "measures": {},
                          "decks": {}}
        for name in [n for n in only or MEASURES if n in MEASURES]:
            again = refreshed_copy(path) if name in REFRESHED else path
            result = measure(name, again, times)
            if result is not None:
                results[scale]["measures"][name] = result
            shown = f"{result['wall']:.2f} s, CPU {result['cpu']:.2f} s" if result else "—"
            print(f"  ×{scale:<4} {MEASURES[name][0]:<55} {shown}", file=sys.stderr)
        for name in [n for n in only or DECK_MEASURES if n in DECK_MEASURES]:
            result = measure_deck(name, path, max(times, 2) if scale < 100 else 1)
            results[scale]["decks"][name] = result
            over = " > objectif" if scale == 10 and result["cpu"] > DECK_GOAL_SECONDS else ""
            print(f"  ×{scale:<4} {DECK_MEASURES[name][0]:<55} {result['wall']:.2f} s, CPU {result['cpu']:.2f} s, "
                  f"{result['slides']} diapositives{over}", file=sys.stderr)
    return results


def table(results: dict[int, dict]) -> str:
    """Return the results as Markdown tables: times and ratios to the floors, growth with size, then decks."""
    if not any(r["measures"] for r in results.values()):
        return deck_table(results)
    lines = ["| taille | mesure | temps (s) | CPU (s) | ÷ plancher openpyxl (CPU) | ÷ calamine (CPU) "
             "| mémoire max (Mo) |",
             "|---|---|---:|---:|---:|---:|---:|"]
    for scale, result in results.items():
        measures = result["measures"]
        for name, m in measures.items():
            floor = measures.get(FLOOR.get(name, ""))
            calamine = measures.get("calamine")
            ratio = f"{m['cpu'] / floor['cpu']:.2f}" if floor else ""
            to_calamine = f"{m['cpu'] / calamine['cpu']:.1f}" if calamine and name != "calamine" else ""
            lines.append(f"| ×{scale} | {MEASURES[name][0]} | {m['wall']:.2f} | {m['cpu']:.2f} | {ratio} | "
                         f"{to_calamine} | {m['peak_mb']:.0f} ({base_label(name)} : {m['base_mb']:.0f}) |")
    scales = list(results)
    if len(scales) > 1:
        lines += ["", "| mesure | " + " | ".join(f"×{b} ÷ ×{a}" for a, b in zip(scales, scales[1:], strict=False))
                  + " |", "|---|" + "---:|" * (len(scales) - 1)]
        for name in [n for n in MEASURES if any(n in r["measures"] for r in results.values())]:
            cells = []
            for a, b in zip(scales, scales[1:], strict=False):
                ma, mb = results[a]["measures"].get(name), results[b]["measures"].get(name)
                cells.append(f"{mb['cpu'] / ma['cpu']:.1f}" if ma and mb else "")
            lines.append(f"| {MEASURES[name][0]} | " + " | ".join(cells) + " |")
    sizes = ["", "| taille | fichier (Mo) | " + " | ".join(results[scales[0]]["counts"]) + " |",
             "|---|---:|" + "---:|" * len(results[scales[0]]["counts"])]
    for scale, result in results.items():
        sizes.append(f"| ×{scale} | {result['size_mb']:.1f} | " + " | ".join(f"{n:,}".replace(",", " ")
                                                                          for n in result["counts"].values()) + " |")
    decks = ["", deck_table(results)] if any(r.get("decks") for r in results.values()) else []
    return "\n".join(lines + sizes + server_table(results) + decks)


def base_label(name: str) -> str:
    """Return what the memory before the measure holds: the imports, or everything prepared before the call."""
    return "avant l'appel" if name in PREPARED else "imports"


def server_table(results: dict[int, dict]) -> list[str]:
    """Return the server's actualiser by size: request and answer sizes, and its cost against the command line."""
    rows = [(scale, r["measures"]) for scale, r in results.items() if "server_actualiser" in r["measures"]]
    if not rows:
        return []
    from opc_excel.server.app import max_request_bytes

    limit = max_request_bytes() / 1e6
    lines = ["", f"| taille | requête (Mo ; limite par défaut {limit:.0f}) | réponse (Mo) | temps (s) | CPU (s) "
             "| ÷ check (CPU) | ÷ refresh d'un classeur actualisé (CPU) | mémoire max (Mo) |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for scale, measures in rows:
        m = measures["server_actualiser"]
        over = " (refusée)" if m["request_mb"] > limit else ""
        ratios = [f"{m['cpu'] / measures[n]['cpu']:.2f}" if n in measures else "" for n in ("check", "refresh_again")]
        lines.append(f"| ×{scale} | {m['request_mb']:.1f}{over} | {m['response_mb']:.1f} | {m['wall']:.2f} | "
                     f"{m['cpu']:.2f} | {ratios[0]} | {ratios[1]} | "
                     f"{m['peak_mb']:.0f} (avant l'appel : {m['base_mb']:.0f}) |")
    return lines


def profile_check(scale: int, folder: Path, top: int) -> str:
    """Return cProfile's view of one check of the ×*scale* programme: by own time, then cumulative."""
    from opc_excel.pipeline import check_file

    path = write_programme(scale, folder)
    check_file(path, at=None, today=TODAY)  # warm: imports and lazy caches out of the picture
    profiler = cProfile.Profile()
    profiler.runcall(check_file, path, at=None, today=TODAY)
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    return out.getvalue()


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Banc d'essai : check, refresh et diaporamas face au simple "
                                                 "chargement.")
    parser.add_argument("--x100", action="store_true", help="mesurer aussi ×100 (long : génération comprise)")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 10], help="tailles (par défaut : 1 10)")
    parser.add_argument("--repeat", type=int, default=2,
                        help="essais par mesure (un de plus pour ×1, un seul pour ×100), le meilleur est gardé")
    parser.add_argument("--only", nargs="+", choices=[*MEASURES, *DECK_MEASURES, "decks", "process"], default=(),
                        help="ne faire que ces mesures (decks : tous les diaporamas ; process : les commandes "
                             "entières --help et check du classeur livré)")
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR, help=f"dossier des classeurs ({DEFAULT_DIR})")
    parser.add_argument("--json", type=Path, help="écrire aussi les résultats bruts en JSON")
    parser.add_argument("--profile", action="store_true", help="profiler check sur ×10 au lieu de tout mesurer")
    parser.add_argument("--profile-deck", choices=list(DECK_MEASURES), metavar="DIAPORAMA",
                        help=f"profiler un diaporama sur ×10 ({', '.join(DECK_MEASURES)})")
    parser.add_argument("--child", nargs=2, metavar=("MESURE", "CLASSEUR"), help=argparse.SUPPRESS)
    parser.add_argument("--child-repeat", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args(list(argv) if argv is not None else None)
    if args.child:
        name, path = args.child[0], Path(args.child[1])
        result = deck_child(name, path, args.child_repeat, TODAY) if name in DECK_MEASURES else child(name, path)
        print(json.dumps(result))
        return 0
    if args.profile:
        print(profile_check(10, args.dir, top=30))
        return 0
    if args.profile_deck:
        print(profile_deck(args.profile_deck, write_programme(10, args.dir), TODAY, top=35))
        return 0
    scales = sorted(set(args.sizes + ([100] if args.x100 else [])))
    results = run_sizes(scales, args.dir, args.repeat, args.only)
    processes = process_times() if not args.only or "process" in args.only else {}
    if args.json:
        args.json.write_text(json.dumps({"sizes": results, "processes": processes}, indent=2, ensure_ascii=False),
                             encoding="utf-8")
    print(table(results))
    print()
    print(objectives_table(results, processes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
