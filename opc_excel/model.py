"""The programme as typed, immutable data, independent of where it was read from.

A value the workbook did not give, or gave in a form that could not be read, is ``None``:
the matching *Contrôles* problem says why, and computations that need it leave it out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import cached_property
from types import MappingProxyType


class Severity(StrEnum):
    """*Gravité* of a data problem."""

    BLOQUANT = "Bloquant"
    AVERTISSEMENT = "Avertissement"


class ProgrammeKind(StrEnum):
    PNRU = "PNRU"
    NPNRU = "NPNRU"


class Level(StrEnum):
    """*Gravité* of an alert."""

    ROUGE = "Rouge"
    ORANGE = "Orange"


class Theme(StrEnum):
    """*Thème* of an alert; the order here is the order of the *Alertes* sheet."""

    CALENDRIER = "Calendrier"
    FINANCIER = "Financier"
    HABITAT = "Habitat et relogement"
    SOCIAL = "Insertion et GUP"
    GOUVERNANCE = "Gouvernance"


@dataclass(frozen=True, slots=True)
class Problem:
    """One row of the *Contrôles* sheet: what is wrong, where, and what to type instead."""

    code: str
    severity: Severity
    sheet: str
    cell: str
    column: str
    value: str
    message: str

    @property
    def blocking(self) -> bool:
        return self.severity is Severity.BLOQUANT


@dataclass(frozen=True, slots=True)
class Params:
    """The *Paramètres* sheet, defaults applied. Field names are mapped to labels in the contract."""

    project: str = ""
    collectivite: str = ""
    project_sponsor: str = ""  # *Porteur de projet*
    programme: ProgrammeKind = ProgrammeKind.PNRU
    signature_date: date | None = None
    end_date: date | None = None
    at: date | None = None
    amendment_in_force: str = ""
    next_monthly_point: date | None = None
    next_follow_up_committee: date | None = None
    next_steering_committee: date | None = None
    next_project_review: date | None = None
    next_milestone_review: date | None = None
    delay_orange_months: float = 6
    delay_red_months: float = 12
    amendment_change_pct: float = 10  # GOV-04: cost or ANRU subsidy changed by this much
    start_delay_red_months: float = 6
    gup_end: date | None = None
    npnru_tolerance_months: float = 18
    engagement_deadline: date | None = None
    lapse_months: float = 24
    balance_request_months: float = 12
    funding_tolerance_pct: float = 0.5
    cost_drift_orange_pct: float = 10
    cost_drift_red_pct: float = 20
    launch_horizon_months: float = 6
    insertion_target_pct: float = 5
    freshness_days: float = 60
    demolition_rehousing_window_months: float = 6
    prerequisite_window_months: float = 3
    lapse_notice_orange_months: float = 6
    lapse_notice_red_months: float = 3
    payment_progress_gap_points: float = 20
    engagement_gap_orange_points: float = 15
    engagement_gap_red_points: float = 25
    unsecured_funding_window_months: float = 6
    rehousing_lag_pct: float = 10
    rest_to_pay_increase_pct: float = 10
    insertion_gap_points: float = 20
    project_review_notice_months: float = 2
    milestone_review_notice_months: float = 3
    postponements_red: float = 2
    plai_share_min_pct: float = 60
    reconstitution_target: float | None = None  # None: as many as demolished (1 pour 1)
    reconstitution_lag_months: float = 12
    rest_to_pay_households_pct: float = 20
    no_offer_window_months: float = 9
    refused_offers_max: float = 3
    temporary_rehousing_months: float = 12
    rehousing_recent_target_pct: float | None = None  # the convention's target; None: not checked
    anru_envelope: float | None = None
    payments_before_balance_ceiling_pct: float = 70
    advance_ceiling_pct: float = 15


@dataclass(frozen=True, slots=True)
class Milestone:
    """A *jalon* of an operation with its four dates."""

    operation_id: str
    name: str
    convention: date | None = None
    avenant: date | None = None
    forecast: date | None = None
    actual: date | None = None
    motif: str | None = None
    comment: str = ""
    row: int = 0

    @property
    def baseline(self) -> date | None:
        """Return the date of the latest baseline: the avenant's, else the convention's."""
        return self.avenant or self.convention

    @property
    def expected(self) -> date | None:
        """Return the best known date: actual, else forecast, else baseline."""
        return self.actual or self.forecast or self.baseline


@dataclass(frozen=True, slots=True)
class Operation:
    """A line of the *tableau financier*: one operation of the convention."""

    id: str
    label: str | None
    district: str | None
    famille: str | None
    owner: str | None
    status: str | None
    cost_convention: float | None
    cost_current: float | None = None
    anru_ceiling_pct: float | None = None
    subsidy_base: float | None = None
    quantity_convention: float | None = None
    quantity_done: float | None = None
    unit: str = ""
    plai_units: float | None = None
    outside_qpv: bool | None = None
    anru_derogation: bool | None = None
    updated_on: date | None = None
    follow_up_by: str = ""
    comment: str = ""
    row: int = 0
    milestones: Mapping[str, Milestone] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def cost(self) -> float | None:
        """Return the current cost, the convention cost when no update was typed."""
        return self.cost_current if self.cost_current is not None else self.cost_convention

    def milestone(self, name: str) -> Milestone | None:
        return self.milestones.get(name)


@dataclass(frozen=True, slots=True)
class FundingLine:
    operation_id: str
    funder: str | None
    amount_convention: float | None
    status: str | None
    amount_current: float | None = None
    engaged: float | None = None
    advance: float | None = None
    paid: float | None = None
    reference: str = ""
    row: int = 0

    @property
    def amount(self) -> float | None:
        return self.amount_current if self.amount_current is not None else self.amount_convention


@dataclass(frozen=True, slots=True)
class Dependency:
    predecessor: str
    successor: str
    lag_months: float = 0  # *Délai minimal (mois)*
    row: int = 0
    link_type: str | None = None  # *Type de lien*; None: *Fin → Début*


@dataclass(frozen=True, slots=True)
class Household:
    """An anonymous household to rehouse (*Relogement* sheet)."""

    id: str
    operation_id: str | None  # None when the Opération cell is empty (DQ-REQ)
    status: str | None
    rehoused_on: date | None = None
    offers: float | None = None
    destination: str | None = None
    location: str | None = None
    outside_qpv: bool | None = None
    rest_to_pay_before: float | None = None
    rest_to_pay_after: float | None = None
    refused_offers: float | None = None
    temporary_since: date | None = None
    row: int = 0


@dataclass(frozen=True, slots=True)
class InsertionLine:
    """Insertion hours of one works contract (*marché*)."""

    operation_id: str
    contract: str
    company: str = ""
    hours_worked: float | None = None
    insertion_planned: float | None = None
    insertion_done: float | None = None
    as_of: date | None = None
    kind: str | None = None  # *Type*: Travaux, Ingénierie or GUP (second objective); no rule uses it yet
    row: int = 0


@dataclass(frozen=True, slots=True)
class Amendment:
    number: str
    date: date | None
    kind: str | None = None
    subject: str = ""
    operation_ids: tuple[str, ...] = ()
    status: str | None = None  # Signé / En préparation; None (no column, empty cell): signed
    row: int = 0


@dataclass(frozen=True, slots=True)
class Action:
    """A line of the *relevé de décisions*."""

    id: str
    date: date | None
    instance: str | None = None
    subject: str = ""
    decision: str = ""
    owner: str = ""
    due: date | None = None
    status: str | None = None
    postponements: float | None = None
    operation_ids: tuple[str, ...] = ()
    closed_on: date | None = None
    row: int = 0


@dataclass(frozen=True, slots=True)
class Participant:
    """A line of *Participants*: who is invited to which instances, by organisation and function only."""

    organisation: str
    function: str = ""
    instances: tuple[str, ...] = ()  # empty: every instance
    contact: str = ""  # a professional contact (a service's e-mail address), never a person's
    row: int = 0


@dataclass(frozen=True, slots=True)
class MilestoneSnapshot:
    """A milestone's dates as they stood at an earlier date de situation (*Historique jalons*)."""

    at: date
    operation_id: str
    milestone: str
    convention: date | None = None
    avenant: date | None = None
    forecast: date | None = None
    actual: date | None = None
    motif: str | None = None


@dataclass(frozen=True, slots=True)
class Alert:
    """A *point d'alerte*: what the rule found, on what, and the corrective measure it proposes.

    ``code`` and ``theme`` are stamped by the rule registry; rules leave them empty.
    """

    severity: Level
    finding: str
    measure: str
    operation_id: str | None = None
    operation_label: str = ""
    owner: str = ""
    milestone: str | None = None
    action_id: str | None = None
    code: str = ""
    theme: Theme | None = None

    @classmethod
    def for_operation(cls, operation: Operation, *, severity: Level, finding: str, measure: str,
                      milestone: str | None = None) -> Alert:
        return cls(severity, finding, measure, operation.id, operation.label or "", operation.owner or "",
                   milestone)

    @property
    def key(self) -> str:
        """Return the stable key that ties the alert to the user's notes across refreshes."""
        parts = [self.code, self.action_id or self.operation_id or "", self.milestone or ""]
        return " · ".join(p for p in parts if p)


@dataclass(frozen=True)  # no slots: the indexes below are cached on the instance
class Programme:
    """Everything the workbook says, at one date de situation."""

    params: Params
    lists: Mapping[str, tuple[str, ...]]
    operations: tuple[Operation, ...] = ()
    funding: tuple[FundingLine, ...] = ()
    dependencies: tuple[Dependency, ...] = ()
    households: tuple[Household, ...] = ()
    insertion: tuple[InsertionLine, ...] = ()
    amendments: tuple[Amendment, ...] = ()
    actions: tuple[Action, ...] = ()
    history: tuple[MilestoneSnapshot, ...] = ()  # earlier dates de situation, read from *Historique jalons*
    participants: tuple[Participant, ...] = ()  # *Participants*, optional: the meeting kit's invitees

    @property
    def at(self) -> date:
        """Return the date de situation (always set once the workbook has been read)."""
        assert self.params.at is not None
        return self.params.at

    def operation(self, operation_id: str) -> Operation | None:
        """Return the operation with this id, or None."""
        return self._operations_by_id.get(operation_id)

    def funding_of(self, operation_id: str) -> tuple[FundingLine, ...]:
        """Return the funding lines of one operation, in sheet order."""
        return self._funding_by_operation.get(operation_id, ())

    def households_of(self, operation_id: str) -> tuple[Household, ...]:
        """Return the households of one demolition, in sheet order."""
        return self._households_by_operation.get(operation_id, ())

    # Indexes built once per programme: rules and indicators look operations up by id in loops.
    @cached_property
    def _operations_by_id(self) -> dict[str, Operation]:
        index: dict[str, Operation] = {}
        for op in self.operations:
            index.setdefault(op.id, op)
        return index

    @cached_property
    def _funding_by_operation(self) -> dict[str, tuple[FundingLine, ...]]:
        return _group(self.funding)

    @cached_property
    def _households_by_operation(self) -> dict[str, tuple[Household, ...]]:
        return _group(self.households)


def _group(rows: tuple) -> dict[str, tuple]:
    """Return rows grouped by their ``operation_id``, order kept."""
    groups: dict[str, list] = {}
    for row in rows:
        groups.setdefault(row.operation_id, []).append(row)
    return {key: tuple(value) for key, value in groups.items()}
