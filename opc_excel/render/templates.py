"""What the deck and document templates share: the result of checking a city's template, the house template's file.

A city replaces the house template (a .pptx for the decks, a .docx for the documents) with its own; the same check
result says what it lacks, and the same rule finds the house template, shipped or built once.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class TemplateCheck:
    """A template checked: what it lacks, one French sentence each (none: it can be used)."""

    path: Path
    missing: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.missing


def shipped_or_built(shipped: Path, build: Callable[[Path], object]) -> Path:
    """Return the shipped house template, or (installed without the project folder) one ``build`` wrote once."""
    if shipped.is_file():
        return shipped
    built = Path(tempfile.gettempdir()) / "opc_excel" / shipped.name
    if not built.is_file():
        built.parent.mkdir(parents=True, exist_ok=True)
        build(built)
    return built
