"""The decks of the shipped master say what they said: every text, table cell, chart value and note.

``tests/golden/decks_master.txt`` holds the text of the seven decks of the master. A change that
means to change what a deck says (new rules, new slides) rewrites it on purpose:
``OPC_GOLDEN=write python -m pytest tests/test_deck_text.py``, and the diff shows what changed in
the decks, line by line, for review. A refactoring leaves it unchanged.
"""

from __future__ import annotations

import difflib
import io
import os
from datetime import date
from pathlib import Path

from pptx import Presentation

from opc_excel.cli.commands import DEMO_DECKS
from opc_excel.pipeline import check_file
from opc_excel.render.decks import build_deck

TODAY = date(2026, 1, 1)
MASTER = Path(__file__).resolve().parents[1] / "workbooks" / "perseigne_master.xlsx"
GOLDEN = Path(__file__).resolve().parent / "golden" / "decks_master.txt"


def shape_texts(shape) -> list[str]:
    """Return what a shape says: its text, its table's cells, its chart's categories and values."""
    texts = []
    if shape.shape_type == 6:  # a group (the Gantt's rows): what its members say
        for member in shape.shapes:
            texts.extend(shape_texts(member))
    if shape.has_text_frame and shape.text_frame.text.strip():
        texts.append(shape.text_frame.text)
    if getattr(shape, "has_table", False) and shape.has_table:
        texts.extend(" | ".join(cell.text for cell in row.cells) for row in shape.table.rows)
    if getattr(shape, "has_chart", False) and shape.has_chart:
        plot = shape.chart.plots[0]
        texts.append("catégories : " + " ; ".join(str(c) for c in plot.categories))
        texts.extend(f"série {series.name} : {list(series.values)}" for series in plot.series)
    return texts


def deck_text(data: bytes) -> list[str]:
    """Return the lines of a deck: each slide's layout, texts in shape order, then its notes."""
    lines = []
    for number, slide in enumerate(Presentation(io.BytesIO(data)).slides, start=1):
        lines.append(f"--- diapositive {number} ({slide.slide_layout.name})")
        for shape in slide.shapes:
            lines.extend(text.replace("\n", " ⏎ ").replace("\v", " ⏎ ") for text in shape_texts(shape))
        if slide.has_notes_slide:
            lines.append("notes : " + slide.notes_slide.notes_text_frame.text.replace("\n", " ⏎ "))
    return lines


def master_decks_text() -> str:
    report = check_file(MASTER, at=None, today=TODAY)
    lines = []
    for kind, theme in DEMO_DECKS:
        lines.append(f"=== {kind}{' ' + theme if theme else ''}")
        lines.extend(deck_text(build_deck(report, kind, theme=theme)))
    return "\n".join(lines) + "\n"


class DescribeTheDecksOfTheMaster:
    def they_say_what_the_golden_file_says(self):
        text = master_decks_text()
        if os.environ.get("OPC_GOLDEN") == "write":
            GOLDEN.parent.mkdir(exist_ok=True)
            GOLDEN.write_text(text, encoding="utf-8")
        expected = GOLDEN.read_text(encoding="utf-8")
        diff = list(difflib.unified_diff(expected.splitlines(), text.splitlines(), "attendu", "obtenu", lineterm="",
                                         n=1))
        assert not diff, "\n".join(diff[:80])
