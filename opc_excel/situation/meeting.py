"""The meeting a deck is for: its kind, its date (the *séance*), the instance that decides in it.

Dates on a slide are relative to the séance, not to the date de situation: a comité held on 20/10/2011
on a situation at 30/09/2011 lists what falls after the 20/10, says what fell due in between as late,
and never lists itself among the next dates (decks.md, "Dates relative to the meeting").

The séance is, in this order: the date given when generating (``--seance``); the *Prochain …* parameter of
that meeting when it is on or after the date de situation; else the date de situation itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from opc_excel.model import Params, Theme

# deck kind -> (label, the Paramètres field of its next date, the instance that decides in it)
MEETINGS: dict[str, tuple[str, str | None, str]] = {
    "point-mensuel": ("Point mensuel", "next_monthly_point", "Direction de projet"),
    "comite-suivi": ("Comité de suivi", "next_follow_up_committee", "Comité de suivi"),
    "copil": ("Comité de pilotage", "next_steering_committee", "Comité de pilotage"),
    "revue-projet": ("Revue de projet", "next_project_review", "Revue de projet (délégué territorial de l'ANRU)"),
    "reunion-restreinte": ("Réunion restreinte", None, "Réunion restreinte"),
}
THEME_INSTANCES = {"technique": "Réunion technique", "financiere": "Réunion financière", "sociale": "Réunion sociale"}
THEMES: dict[str, tuple[Theme, ...]] = {
    "technique": (Theme.CALENDRIER,),
    "financiere": (Theme.FINANCIER,),
    "sociale": (Theme.HABITAT, Theme.SOCIAL),
}


@dataclass(frozen=True, slots=True)
class Meeting:
    """One séance: the deck kind (command-line name), its date, and for a réunion restreinte its theme."""

    kind: str
    day: date
    theme: str | None = None

    @property
    def label(self) -> str:
        return THEME_INSTANCES[self.theme] if self.theme else MEETINGS[self.kind][0]

    @property
    def decider(self) -> str:
        """Return the instance that takes this meeting's decisions (« Comité de pilotage »…)."""
        return THEME_INSTANCES[self.theme] if self.theme else MEETINGS[self.kind][2]

    @property
    def themes(self) -> tuple[Theme, ...] | None:
        """Return the alert themes of a réunion restreinte, None for a deck about everything."""
        return THEMES[self.theme] if self.theme else None


MILESTONE_REVIEW = "Point d'étape"


def planned_meetings(params: Params) -> dict[str, date | None]:
    """Return the next date of each instance *Paramètres* plans, by its name (None when not planned)."""
    return {"Point mensuel": params.next_monthly_point, "Comité de suivi": params.next_follow_up_committee,
            "Comité de pilotage": params.next_steering_committee, "Revue de projet": params.next_project_review,
            MILESTONE_REVIEW: params.next_milestone_review}


def planned_date(params: Params, kind: str) -> date | None:
    """Return the *Prochain …* parameter of the meeting ``kind`` (None when it has none or it is empty)."""
    field = MEETINGS.get(kind, ("", None, ""))[1]
    return getattr(params, field) if field else None


def meeting_of(kind: str, params: Params, at: date, seance: date | None = None, theme: str | None = None) -> Meeting:
    """Return the meeting ``kind`` on ``seance``, else its *Prochain …* date when not before ``at``, else ``at``."""
    if seance is None:
        planned = planned_date(params, kind)
        seance = planned if planned is not None and planned >= at else at
    return Meeting(kind, seance, theme)
