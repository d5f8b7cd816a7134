"""Deck timings for ``bench.run``: each kind, and the réunion restreinte in each theme, from a checked report.

Each deck is measured in a fresh process (``python -m bench.run --child deck-… CLASSEUR``): the
imports and the check of the workbook are not timed (the deck starts from a report, as in
``opc-excel demo`` or the server's deck route), then the deck is built N times in a row and the
fastest in CPU time is kept, with the first build's time (a process's first deck also loads what
python-pptx reads lazily). Peak memory is that of the builds alone: the process's high-water mark
(VmHWM) is reset once the report is ready, and ``base_mb`` is the memory then, report included.
"""

from __future__ import annotations

import cProfile
import gc
import io
import pstats
import re
import sys
import time
import zipfile
from datetime import date
from pathlib import Path

from opc_excel.cli.commands import DEMO_DECKS

DECK_GOAL_SECONDS = 2.0  # issue 6: deck generation under 2 s for the ×10 programme


def _name(kind: str, theme: str | None) -> str:
    return f"deck-{kind}" + (f"-{theme}" if theme else "")


def _label(kind: str, theme: str | None) -> str:
    return f"diaporama {kind}" + (f" ({theme})" if theme else "")


DECK_MEASURES: dict[str, tuple[str, str, str | None]] = {
    _name(kind, theme): (_label(kind, theme), kind, theme) for kind, theme in DEMO_DECKS}
"""Measure name -> (label, kind, theme): the four kinds, then the réunion restreinte in its three themes."""


def slide_count(pptx: bytes) -> int:
    """Return the number of slides in a .pptx."""
    names = zipfile.ZipFile(io.BytesIO(pptx)).namelist()
    return sum(1 for name in names if re.fullmatch(r"ppt/slides/slide\d+\.xml", name))


def status_mb(key: str) -> float:
    try:
        status = Path("/proc/self/status").read_text()
        return int(next(line.split()[1] for line in status.splitlines() if line.startswith(key + ":"))) / 1024
    except (OSError, StopIteration):
        return float("nan")


def reset_peak() -> bool:
    """Reset this process's high-water mark to its current resident memory (Linux); False when it can't."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def deck_child(name: str, path: Path, repeat: int, today: date) -> dict[str, float]:
    """Return the best of *repeat* builds of one deck from the checked workbook at *path* (run in a fresh process)."""
    _, kind, theme = DECK_MEASURES[name]
    sys.modules["hypothesis"] = None  # type: ignore[assignment] - absent on users' machines, see bench.run
    import openpyxl  # noqa: F401 - imports are not what is measured
    import pandas  # noqa: F401
    import pptx  # noqa: F401

    from opc_excel.pipeline import check_file
    from opc_excel.render.decks import build_deck

    report = check_file(path, at=None, today=today)  # not timed: the deck starts from a checked report
    gc.collect()
    reset = reset_peak()
    base = status_mb("VmRSS")
    runs, slides, size = [], 0, 0
    for _ in range(max(repeat, 1)):
        wall, cpu = time.perf_counter(), time.process_time()
        content = build_deck(report, kind, theme=theme)
        runs.append((time.process_time() - cpu, time.perf_counter() - wall))
        slides, size = slide_count(content), len(content)
        del content
    cpu, wall = min(runs)
    return {"wall": wall, "cpu": cpu, "first_cpu": runs[0][0], "runs": len(runs), "slides": slides,
            "pptx_kb": size / 1000, "peak_mb": status_mb("VmHWM") if reset else float("nan"), "base_mb": base}


def deck_table(results: dict[int, dict]) -> str:
    """Return the deck timings as a Markdown table: per deck, CPU seconds and slides at each size, and growth."""
    scales = [s for s, r in results.items() if r.get("decks")]
    if not scales:
        return ""
    head = "| diaporama | " + " | ".join(f"×{s} CPU (s) | ×{s} temps (s) | ×{s} diapos" for s in scales)
    growth = [f"×{b} ÷ ×{a} (CPU)" for a, b in zip(scales, scales[1:], strict=False)]
    lines = [head + "".join(f" | {g}" for g in growth) + f" | mémoire des générations ×{scales[-1]} (Mo) |",
             "|---|" + "---:|---:|---:|" * len(scales) + "---:|" * len(growth) + "---:|"]
    names = [n for n in DECK_MEASURES if any(n in results[s]["decks"] for s in scales)]
    for name in names:
        cells = []
        for s in scales:
            d = results[s]["decks"].get(name)
            over = s == 10 and d is not None and d["cpu"] > DECK_GOAL_SECONDS
            cells += [f"**{d['cpu']:.2f}**" if over else f"{d['cpu']:.2f}", f"{d['wall']:.2f}", str(d["slides"])] \
                if d else ["", "", ""]
        for a, b in zip(scales, scales[1:], strict=False):
            da, db = results[a]["decks"].get(name), results[b]["decks"].get(name)
            cells.append(f"{db['cpu'] / da['cpu']:.1f}" if da and db else "")
        last = results[scales[-1]]["decks"].get(name)
        memory = f"{last['peak_mb'] - last['base_mb']:+.0f} (sur {last['base_mb']:.0f})" if last else ""
        lines.append(f"| {DECK_MEASURES[name][0]} | " + " | ".join(cells) + f" | {memory} |")
    return "\n".join(lines)


def profile_deck(name: str, path: Path, today: date, top: int = 35) -> str:
    """Return cProfile's view of one build of a deck from the checked workbook at *path*: cumulative, then own time."""
    from opc_excel.pipeline import check_file
    from opc_excel.render.decks import build_deck

    _, kind, theme = DECK_MEASURES[name]
    report = check_file(path, at=None, today=today)
    build_deck(report, kind, theme=theme)  # warm: lazy loads out of the picture
    profiler = cProfile.Profile()
    profiler.runcall(build_deck, report, kind, theme=theme)
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    return out.getvalue()


# ---------------------------------------------------------------- one very long libellé (issue 10)

LONG_TEXT_LENGTHS = (0, 3_000, 30_000)
MASTER = Path(__file__).resolve().parents[1] / "workbooks" / "perseigne_master.xlsx"


def long_label_workbook(source: Path | None, folder: Path, length: int) -> Path:
    """Return a workbook whose first operation's *Libellé* is ``length`` characters long (0: unchanged).

    ``source`` is copied (the master: its Gantt is drawn by famille); without it, the small programme
    of the tests (three operations, a 13 kB file: its Gantt is drawn by operation, label included).
    """
    import openpyxl

    from tests.factory import clean_sheets, set_value, write_workbook

    target = folder / f"libelle_{length}.xlsx"
    if source is None:
        sheets = clean_sheets()
        if length:
            set_value(sheets, "Opérations", 1, "Libellé", ("Démolition de l'immeuble Ronsard " * length)[:length])
        return write_workbook(target, sheets)
    workbook = openpyxl.load_workbook(source)
    if length:
        ws = workbook["Opérations"]
        header = next(cell for row in ws.iter_rows(max_row=10) for cell in row if cell.value == "Libellé")
        label = ws.cell(header.row + 1, header.column)
        label.value = ((str(label.value) + " ") * (length // max(len(str(label.value)), 1) + 1))[:length]
    workbook.save(target)
    return target


def long_label_times(source: Path | None, lengths: tuple[int, ...] = LONG_TEXT_LENGTHS, names: tuple[str, ...] = (),
                     today: date = date(2026, 1, 1)) -> dict[tuple[str, int], float]:
    """Return the CPU seconds of one build of each deck, by (measure name, libellé length), in this process."""
    import tempfile

    from opc_excel.pipeline import check_file
    from opc_excel.render.decks import build_deck

    times = {}
    with tempfile.TemporaryDirectory() as folder:
        for length in lengths:
            report = check_file(long_label_workbook(source, Path(folder), length), at=None, today=today)
            for name in names or tuple(DECK_MEASURES):
                _, kind, theme = DECK_MEASURES[name]
                if length == lengths[0]:
                    build_deck(report, kind, theme=theme)  # lazy loads out of the picture
                cpu = time.process_time()
                build_deck(report, kind, theme=theme)
                times[(name, length)] = time.process_time() - cpu
    return times


def long_label_table(times: dict[tuple[str, int], float]) -> str:
    """Return the long-libellé timings as a Markdown table: one row per deck, one column per length."""
    lengths = sorted({length for _, length in times})
    names = list(dict.fromkeys(name for name, _ in times))
    lines = ["| diaporama | " + " | ".join(f"libellé de {length} car. (CPU s)" if length
                                          else "libellé d'origine (CPU s)" for length in lengths) + " |",
             "|---|" + "---:|" * len(lengths)]
    for name in names:
        lines.append(f"| {DECK_MEASURES[name][0]} | "
                     + " | ".join(f"{times[(name, length)]:.2f}" for length in lengths) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """``python -m bench.decks``: time each deck with one libellé 3 000 and 30 000 characters long."""
    import argparse

    parser = argparse.ArgumentParser(description="Diaporamas avec un libellé très long (un passage chacun).")
    parser.add_argument("--maitre", action="store_true",
                        help="le classeur maître (Gantt par famille) au lieu du petit programme des tests")
    parser.add_argument("--longueurs", type=int, nargs="+", default=list(LONG_TEXT_LENGTHS))
    parser.add_argument("--diaporamas", nargs="+", choices=list(DECK_MEASURES), default=())
    args = parser.parse_args(argv)
    sys.modules["hypothesis"] = None  # type: ignore[assignment] - absent on users' machines, see bench.run
    times = long_label_times(MASTER if args.maitre else None, tuple(args.longueurs), tuple(args.diaporamas))
    print(long_label_table(times))
    return 0


if __name__ == "__main__":
    sys.exit(main())
