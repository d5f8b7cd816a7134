"""Réunion restreinte deck (being written)."""

from __future__ import annotations

from opc_excel.decks.builder import DeckBuilder
from opc_excel.decks.common import DeckInput

KIND = "Réunion restreinte"


def build(data: DeckInput, builder: DeckBuilder) -> None:
    raise NotImplementedError("Réunion restreinte : diaporama en cours d'écriture")
