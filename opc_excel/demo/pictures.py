"""The README's pictures of the decks, rendered from the shipped master: ``python -m opc_excel.demo.pictures``.

Builds the comité de suivi of ``workbooks/perseigne_master.xlsx`` at its date de situation, renders it with
LibreOffice (``soffice``) and poppler (``pdftoppm``), and writes three slides to ``docs/``: the synthesis, the
ranked points durs and the Gantt. Run it after changing a slide, then look at the pictures.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

from pptx import Presentation

from opc_excel.pipeline import check_file
from opc_excel.render.decks import build_deck

ROOT = Path(__file__).resolve().parents[2]
MASTER = ROOT / "workbooks" / "perseigne_master.xlsx"
DOCS = ROOT / "docs"
RESOLUTION = 80  # dots per inch: a 13.33-inch slide is about 1 070 pixels wide


def _pages(deck: bytes) -> dict[str, int]:
    """Return the page (1 first) of each pictured slide, found by what it holds, not by its title."""
    slides = list(Presentation(io.BytesIO(deck)).slides)
    found = {"synthese": 2}
    for number, slide in enumerate(slides, start=1):
        title = slide.shapes.title.text if slide.shapes.title is not None else ""
        if re.match(r"\d+ points? durs?", title) and "points_durs" not in found:
            found["points_durs"] = number
        if any(shape.name.startswith("Gantt") for shape in slide.shapes) and "gantt" not in found:
            found["gantt"] = number
    return found


def main() -> int:
    if shutil.which("soffice") is None or shutil.which("pdftoppm") is None:
        print("Il faut LibreOffice (soffice) et poppler (pdftoppm) : apt-get install libreoffice-impress "
              "poppler-utils", file=sys.stderr)
        return 2
    report = check_file(MASTER, at=None, today=date.today())
    deck = build_deck(report, "comite-suivi")
    DOCS.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        pptx = Path(folder) / "comite-suivi.pptx"
        pptx.write_bytes(deck)
        subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", folder, str(pptx)],
                       check=True, capture_output=True)
        for name, page in _pages(deck).items():
            target = DOCS / f"deck_{name}"
            subprocess.run(["pdftoppm", "-png", "-r", str(RESOLUTION), "-f", str(page), "-l", str(page),
                            "-singlefile", str(pptx.with_suffix(".pdf")), str(target)], check=True)
            print(f"{target}.png (diapositive {page})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
