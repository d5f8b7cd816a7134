"""The five decks, generated from one checked workbook at a date de situation.

``build_deck(report, kind)`` returns the .pptx bytes; KINDS maps the command-line names to the
deck modules. Decks lay out the :class:`opc_excel.situation.Situation` of the report, never their own figures.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from opc_excel.errors import UsageError
from opc_excel.fr import fr_date
from opc_excel.render.decks import comite_suivi, copil, point_mensuel, reunion_restreinte, revue_projet
from opc_excel.render.decks.builder import DeckBuilder
from opc_excel.render.decks.common import THEMES_BY_MEETING, DeckInput
from opc_excel.render.decks.template import house_template
from opc_excel.report import CheckReport
from opc_excel.situation import Situation


@dataclass(frozen=True)
class DeckKind:
    name: str  # on the command line
    label: str  # in the footer
    build: Callable[[DeckInput, DeckBuilder], None]
    needs_theme: bool = False


KINDS: dict[str, DeckKind] = {
    "point-mensuel": DeckKind("point-mensuel", point_mensuel.KIND, point_mensuel.build),
    "comite-suivi": DeckKind("comite-suivi", comite_suivi.KIND, comite_suivi.build),
    "copil": DeckKind("copil", copil.KIND, copil.build),
    "revue-projet": DeckKind("revue-projet", revue_projet.KIND, revue_projet.build),
    "reunion-restreinte": DeckKind("reunion-restreinte", reunion_restreinte.KIND, reunion_restreinte.build,
                                   needs_theme=True),
}
THEMES = tuple(THEMES_BY_MEETING)


def build_deck(report: CheckReport, kind: str, theme: str | None = None, template: str | Path | None = None,
               since: date | None = None, situation: Situation | None = None, seance: date | None = None) -> bytes:
    """Return the deck ``kind`` for the checked workbook, as .pptx bytes.

    ``situation``: the session's :class:`Situation` of ``report``, to build it once for several decks.
    ``seance``: the date of the meeting (default: its *Prochain …* parameter when not before t, else t).
    """
    deck = KINDS.get(kind)
    if deck is None:
        raise UsageError(f"Diaporama « {kind} » inconnu : choisissez parmi {', '.join(KINDS)}.")
    if deck.needs_theme and theme not in THEMES:
        raise UsageError(f"La réunion restreinte demande un thème : --theme {' | '.join(THEMES)}.")
    if not deck.needs_theme and theme is not None:
        raise UsageError(f"Le thème ne s'applique qu'à la réunion restreinte, pas au diaporama « {kind} ».")
    label = deck.label if theme is None else f"{deck.label} {theme_label(theme)}"
    builder = DeckBuilder(report.programme.params.project or "Projet", label, fr_date(report.at),
                          template=Path(template) if template else house_template())
    deck.build(DeckInput(report, since=since, theme=theme, situation=situation, kind=kind, seance=seance), builder)
    return builder.save()


def theme_label(theme: str) -> str:
    return {"technique": "technique", "financiere": "financière", "sociale": "sociale"}[theme]
