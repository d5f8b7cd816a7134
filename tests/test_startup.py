"""The command line answers without loading what it does not use: ``opc-excel --help`` loads none of the heavy
libraries, and a check loads neither the deck nor the document renderers."""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from opc_excel.cli import main, parser
from opc_excel.render.decks import KINDS, THEMES
from opc_excel.render.documents.kit import KIT_KINDS

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("pandas", "pandera", "numpy", "pptx", "docx", "matplotlib", "openpyxl", "lxml", "PIL")
RENDERERS = ("pptx", "docx", "matplotlib")


def loaded_after(*argv: str) -> tuple[int, list[str]]:
    """Return the exit status of ``opc-excel argv`` run in a fresh Python, and the heavy libraries it loaded."""
    code = ("import contextlib, io, json, sys\n"
            "from opc_excel.cli import main\n"
            "try:\n"
            "    with contextlib.redirect_stdout(io.StringIO()):\n"
            f"        status = main({list(argv)!r}, stdout=io.StringIO(), stderr=io.StringIO())\n"
            "except SystemExit as done:  # --help: argparse prints and exits\n"
            "    status = done.code\n"
            f"print(json.dumps([status, [m for m in {HEAVY!r} if m in sys.modules]]))\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          check=True)
    status, loaded = json.loads(done.stdout.strip().splitlines()[-1])
    return status, loaded


def test_help_loads_none_of_the_heavy_libraries():
    status, loaded = loaded_after("--help")
    assert status == 0
    assert loaded == []


def test_a_command_help_loads_none_of_them_either():
    status, loaded = loaded_after("deck", "--help")
    assert status == 0
    assert loaded == []


def test_a_check_loads_no_renderer():
    status, loaded = loaded_after("check", str(ROOT / "workbooks" / "perseigne_master.xlsx"))
    assert status == 0
    assert not set(loaded) & set(RENDERERS), loaded


def test_the_help_names_every_deck_theme_and_instance_the_renderers_know():
    assert parser.KINDS == tuple(KINDS)
    assert parser.THEMES == tuple(THEMES)
    assert parser.KIT_KINDS == tuple(KIT_KINDS)
    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit):
        main(["deck", "--help"], stdout=io.StringIO(), stderr=io.StringIO())
    assert all(kind in out.getvalue() for kind in KINDS) and all(theme in out.getvalue() for theme in THEMES)
