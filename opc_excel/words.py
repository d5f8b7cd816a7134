"""The words a French professional expects, chosen by the *Programme* parameter (domain.md).

The PNRU (2003) speaks of *rénovation urbaine*, of a *PRU* and of *ZUS*; the NPNRU (2014) of
*renouvellement urbain*, of a *NPRU* and of *QPV* (quartiers prioritaires de la politique de la ville).
A deck or a sheet never hard-codes one of them: it asks :func:`programme_word`.
"""

from __future__ import annotations

from typing import Literal

from opc_excel.model import ProgrammeKind

Term = Literal["renouvellement", "projet", "quartier", "hors quartier"]

PROGRAMME_WORDS: dict[ProgrammeKind, dict[str, str]] = {
    ProgrammeKind.PNRU: {"renouvellement": "rénovation urbaine", "projet": "PRU", "quartier": "ZUS",
                         "hors quartier": "hors ZUS"},
    ProgrammeKind.NPNRU: {"renouvellement": "renouvellement urbain", "projet": "NPRU", "quartier": "QPV",
                          "hors quartier": "hors QPV"},
}

PROGRESS_INDEX = "Indice d'avancement"  # A(t) ÷ A_plan(t); never "SPI" in what a user reads


def programme_word(kind: ProgrammeKind | None, term: Term) -> str:
    """Return ``term`` as the programme says it: ``programme_word(PNRU, "hors quartier")`` is ``hors ZUS``.

    ``renouvellement``: the policy (*rénovation urbaine* / *renouvellement urbain*); ``projet``: the project's
    acronym (*PRU* / *NPRU*); ``quartier``: the priority district (*ZUS* / *QPV*); ``hors quartier``: outside
    it. An unread *Programme* falls back on the PNRU, the parameter's default.
    """
    return PROGRAMME_WORDS[kind or ProgrammeKind.PNRU][term]
