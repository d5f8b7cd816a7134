"""Comité de suivi deck (being written)."""

from __future__ import annotations

from opc_excel.decks.builder import DeckBuilder
from opc_excel.decks.common import DeckInput

KIND = "Comité de suivi"


def build(data: DeckInput, builder: DeckBuilder) -> None:
    raise NotImplementedError("Comité de suivi : diaporama en cours d'écriture")
