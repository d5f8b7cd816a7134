"""What every deck shares: the deck's inputs, the title slide, the slide of data left out, capped lists.

Decks read the model, the indicators and the alerts of one :class:`CheckReport`; they never
recompute a figure of their own, so a figure on a slide is the figure of the workbook.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from datetime import date

from opc_excel.fr import fr_date
from opc_excel.model import Level, Programme, Theme
from opc_excel.render.decks.builder import Column, DeckBuilder
from opc_excel.report import CheckReport
from opc_excel.situation import Situation
from opc_excel.situation.meeting import Meeting, meeting_of
from opc_excel.text import shorten_quotes

LEVEL_STATUS = {Level.ROUGE: "rouge", Level.ORANGE: "orange"}
THEMES_BY_MEETING = {  # réunion restreinte: the alert themes and the instance of its actions
    "technique": ((Theme.CALENDRIER,), "Réunion technique"),
    "financiere": ((Theme.FINANCIER,), "Réunion financière"),
    "sociale": ((Theme.HABITAT, Theme.SOCIAL), "Réunion sociale"),
}


@dataclass
class DeckInput:
    """What a deck is given: the situation of the session, computed once, and a réunion restreinte's theme.

    Pass ``situation`` to share one across the decks of a session; else it is built from ``report`` and ``since``.
    """

    report: CheckReport
    since: date | None = None  # the previous meeting's date de situation
    theme: str | None = None
    situation: Situation = None  # type: ignore[assignment]  # set in __post_init__
    kind: str = "point-mensuel"  # the deck kind, as on the command line
    seance: date | None = None  # the date of the meeting (--seance); None: its *Prochain …* parameter, else t

    def __post_init__(self) -> None:
        if self.situation is None:
            self.situation = Situation.of(self.report, self.since)
        self.since = self.situation.since

    @property
    def meeting(self) -> Meeting:
        """Return the meeting the deck is for: its date (the séance), the instance that decides in it."""
        return meeting_of(self.kind, self.params, self.at, self.seance, self.theme)

    def __getattr__(self, name: str):
        """Return what the situation knows: ``programme``, ``params``, ``indicators``, ``alerts``, ``at``…"""
        return getattr(self.situation, name)


def fingerprint(programme: Programme) -> str:
    """Return a short fingerprint of the workbook's input values, so two decks can be told apart.

    Hashed row by row: the repr of a whole ×100 programme was 61 million characters (+240 MB at once).
    A row's repr escapes line breaks, so the newline between rows cannot be forged by a value.
    """
    digest = hashlib.sha256()
    for part in fields(programme):
        if part.name == "history":  # earlier dates de situation are not input values of this one
            continue
        value = getattr(programme, part.name)
        digest.update(f"{part.name}\n".encode())
        for row in value if isinstance(value, tuple) else (value,):
            digest.update(repr(row).encode("utf-8"))
            digest.update(b"\n")
    return digest.hexdigest()[:10]


def start_deck(data: DeckInput, kind_label: str, builder: DeckBuilder, title: str | None = None,
               extra_lines: Sequence[str] = (), meeting: date | None = None) -> None:
    """Add the title slide and, when the workbook had blocking problems, the slide of what was left out.

    ``meeting`` is the date of the session the deck is for (default: ``data.meeting``): named when after t. The
    workbook's fingerprint goes in the notes, where it tells two decks apart without cluttering the slide.
    """
    params = data.params
    lines = [line for line in (params.project, params.collectivite) if line]
    if params.project_sponsor:
        lines.append(f"Porteur de projet : {params.project_sponsor}")
    meeting = data.meeting.day if meeting is None else meeting
    if meeting > data.at:
        lines.append(f"Séance du {fr_date(meeting)} · situation au {fr_date(data.at)}")
    else:
        lines.append(f"Situation au {fr_date(data.at)}")
    lines.extend(extra_lines)
    lines.append(f"Avenant en vigueur : {params.amendment_in_force or 'aucun renseigné'}")
    builder.title_slide(title or kind_label, lines,
                        notes=f"{kind_label} généré depuis le classeur maître, situation au {fr_date(data.at)}. "
                              f"Empreinte du classeur : {fingerprint(data.programme)} — elle identifie les valeurs "
                              f"saisies : deux diaporamas de même empreinte reposent sur les mêmes données.")
    blocking = data.report.blocking
    if blocking:
        builder.table(
            "Données écartées : à corriger dans le classeur",
            [Column("Feuille", 1.2), Column("Cellule", 0.7), Column("Problème", 5.0), Column("Code", 0.9)],
            [[p.sheet, p.cell, shorten_quotes(p.message), p.code] for p in blocking],
            notes=f"{len(blocking)} problème(s) bloquant(s) dans le classeur (feuille Contrôles) : les valeurs "
                  f"concernées sont exclues des chiffres de ce diaporama, le reste est calculé.")


def capped(rows: list, limit: int, more: Callable[[int], list]) -> list:
    """Return at most ``limit`` rows, the last replaced by ``more(n)`` (a row saying n more) when cut."""
    if len(rows) <= limit:
        return rows
    return rows[:limit - 1] + [more(len(rows) - limit + 1)]
