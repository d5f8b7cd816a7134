"""Comité de pilotage — rapport semestriel deck (being written)."""

from __future__ import annotations

from opc_excel.decks.builder import DeckBuilder
from opc_excel.decks.common import DeckInput

KIND = "Comité de pilotage — rapport semestriel"


def build(data: DeckInput, builder: DeckBuilder) -> None:
    raise NotImplementedError("Comité de pilotage — rapport semestriel : diaporama en cours d'écriture")
