"""Revue de projet deck (being written)."""

from __future__ import annotations

from opc_excel.decks.builder import DeckBuilder
from opc_excel.decks.common import DeckInput

KIND = "Revue de projet"


def build(data: DeckInput, builder: DeckBuilder) -> None:
    raise NotImplementedError("Revue de projet : diaporama en cours d'écriture")
