"""Programmes of realistic size for the benchmark: the shipped master's content, copied N times.

    python -m bench.generate 10 [--dir DOSSIER]

writes ``programme_x10.xlsx``: the Perseigne–Courteille demo (96 operations, 802 milestones,
430 funding lines, 403 households…) copied ten times, ids suffixed ``-001``, ``-002``… so that
every copy checks clean, laid out by the same code as ``workbooks/perseigne_master.xlsx``
(Excel Tables, formats, drop-downs), input sheets only. ×1 holds the shipped master's data
exactly. From ×10 on, each copy relocates 2.5 times as many households, so that ×100 gives the
issue's ≈ 10 000 operations and 100 000 households.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

from opc_excel.demo.data import Demo, build_demo
from opc_excel.demo.generate import build_master_inputs
from opc_excel.read import contract as c

DEFAULT_DIR = Path(tempfile.gettempdir()) / "opc_excel_bench"
OPERATION_REFS = {  # sheet -> attrs holding one operation id
    c.OPERATIONS: ("id",), c.JALONS_SHEET: ("operation_id",), c.DEPENDANCES: ("predecessor", "successor"),
    c.FINANCEMENTS: ("operation_id",), c.RELOGEMENT: ("operation_id",), c.INSERTION: ("operation_id",),
}
OWN_IDS = {c.RELOGEMENT: "id", c.AVENANTS: "number", c.ACTIONS: "id"}  # unique per sheet
ID_LISTS = {c.AVENANTS: "operation_ids", c.ACTIONS: "operation_ids"}  # "id; id; …"


def households_factor(scale: int) -> float:
    """Return how many times the demo's households each copy holds (2.5 from ×10 on: ×100 ≈ 100 000)."""
    return 1.0 if scale < 10 else 2.5


def scaled_demo(scale: int) -> Demo:
    """Return the demo copied *scale* times; copy 0 keeps the demo's ids, copy k gets ``-k`` (3 digits)."""
    demo = build_demo()
    scaled = Demo(params=dict(demo.params), lists=dict(demo.lists), tables={name: [] for name in demo.tables})
    for k in range(scale):
        suffix = f"-{k:03d}" if k else ""
        for name, rows in demo.tables.items():
            copies = [_copy(name, row, suffix) for row in rows]
            if name == c.RELOGEMENT:
                copies = _more_households(copies, households_factor(scale))
            scaled.tables[name].extend(copies)
    return scaled


def _copy(sheet: str, row: dict[str, object], suffix: str) -> dict[str, object]:
    row = dict(row)
    for attr in OPERATION_REFS.get(sheet, ()):
        if row.get(attr):
            row[attr] = f"{row[attr]}{suffix}"
    if sheet in OWN_IDS and row.get(OWN_IDS[sheet]) is not None:
        row[OWN_IDS[sheet]] = f"{row[OWN_IDS[sheet]]}{suffix}"
    if sheet in ID_LISTS and row.get(ID_LISTS[sheet]):
        row[ID_LISTS[sheet]] = "; ".join(f"{i.strip()}{suffix}" for i in str(row[ID_LISTS[sheet]]).split(";"))
    return row


def _more_households(rows: list[dict[str, object]], factor: float) -> list[dict[str, object]]:
    """Return *rows* and further households like them, up to ``factor`` times as many, with their own ids."""
    wanted = round(len(rows) * factor)
    more = [dict(rows[i % len(rows)], id=f"{rows[i % len(rows)]['id']}-{i // len(rows) + 1}")
            for i in range(len(rows), wanted)]
    return rows + more


def programme_path(scale: int, folder: Path = DEFAULT_DIR) -> Path:
    return folder / f"programme_x{scale}.xlsx"


def write_programme(scale: int, folder: Path = DEFAULT_DIR, *, force: bool = False) -> Path:
    """Return the path of the ×*scale* programme, writing it first unless it is already there."""
    path = programme_path(scale, folder)
    if path.exists() and not force:
        return path
    folder.mkdir(parents=True, exist_ok=True)
    workbook = build_master_inputs(scaled_demo(scale))
    partial = path.with_suffix(".tmp.xlsx")
    workbook.save(partial)
    partial.replace(path)
    return path


def counts(demo: Demo) -> dict[str, int]:
    return {name: len(rows) for name, rows in demo.tables.items()}


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Écrit des programmes de taille réaliste pour le banc d'essai.")
    parser.add_argument("scales", nargs="+", type=int, help="tailles : 1, 10, 100…")
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR, help=f"dossier (par défaut : {DEFAULT_DIR})")
    parser.add_argument("--force", action="store_true", help="réécrire même si le fichier existe")
    args = parser.parse_args(list(argv) if argv is not None else None)
    for scale in args.scales:
        path = write_programme(scale, args.dir, force=args.force)
        print(f"×{scale} : {path} ({path.stat().st_size / 1e6:.1f} Mo)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
