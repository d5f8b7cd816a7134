"""Habitat indicators: the *reconstitution de l'offre* (dwellings demolished and rebuilt) and the *relogement*."""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from opc_excel.compute.indicators.common import delivered_by, list_key, live_operations, percent, started_by
from opc_excel.compute.schedule import is_abandoned
from opc_excel.model import Household, Operation, Programme
from opc_excel.read import contract

_DEMOLITION = list_key(contract.DEMOLITION)
_RECONSTITUTION = list_key(contract.RECONSTITUTION)


# ---------------------------------------------------------------- (API) reconstitution


@dataclass(frozen=True, slots=True)
class Reconstitution:
    """Dwellings demolished and rebuilt (*reconstitution de l'offre*, "1 pour 1") at a date."""

    demolished_planned: float
    demolished_started: float
    demolished_delivered: float
    rebuilt_planned: float
    rebuilt_started: float
    rebuilt_delivered: float

    @property
    def ratio_started(self) -> float | None:
        """Return rebuilt ÷ demolished, counted at the works start; None when nothing demolition started."""
        return self.rebuilt_started / self.demolished_started if self.demolished_started else None

    @property
    def ratio_delivered(self) -> float | None:
        """Return rebuilt ÷ demolished, counted at delivery; None when no demolition was delivered."""
        return self.rebuilt_delivered / self.demolished_delivered if self.demolished_delivered else None

    @property
    def ratio_planned(self) -> float | None:
        """Return rebuilt ÷ demolished in the convention; None when no demolition is planned."""
        return self.rebuilt_planned / self.demolished_planned if self.demolished_planned else None

    @property
    def gap_started(self) -> float:
        """Return the running gap: dwellings whose demolition started minus those whose rebuilding started."""
        return self.demolished_started - self.rebuilt_started


def _counts_dwellings(op: Operation) -> bool:
    """Return True when the operation's quantity is in dwellings (*Unité* empty, "logements", "lgts"…)."""
    unit = list_key(op.unit or "")
    return not unit or unit.startswith(("log", "lgt"))


def reconstitution(p: Programme, at: date) -> Reconstitution:
    """Return the dwellings demolished and rebuilt at ``at`` (API).

    Operations of famille ``contract.DEMOLITION`` vs ``contract.RECONSTITUTION``; each counts its *Quantité
    convention*: in ``planned`` always, in ``started`` once its works start has an actual date ≤ ``at`` (or it
    is delivered), in ``delivered`` once its delivery has an actual date ≤ ``at`` — or, from the date de
    situation on, when its status is *Livrée*/*Soldée*. Operations with no convention quantity, or whose
    *Unité* is not dwellings (empty, "logements", "lgts" are), are left out.
    """
    sums = dict.fromkeys(("dp", "ds", "dd", "rp", "rs", "rd"), 0.0)
    for op in live_operations(p).values():
        if op.quantity_convention is None or op.famille is None or not _counts_dwellings(op):
            continue
        famille = list_key(op.famille)
        prefix = "d" if famille == _DEMOLITION else "r" if famille == _RECONSTITUTION else None
        if prefix is None:
            continue
        sums[prefix + "p"] += op.quantity_convention
        if started_by(op, at, p.at):
            sums[prefix + "s"] += op.quantity_convention
        if delivered_by(op, at, p.at):
            sums[prefix + "d"] += op.quantity_convention
    return Reconstitution(sums["dp"], sums["ds"], sums["dd"], sums["rp"], sums["rs"], sums["rd"])


# ---------------------------------------------------------------- (API) rehousing

REHOUSED, TEMPORARY, LEFT_WITHOUT = "Relogé", "Relogement temporaire", "Parti sans relogement"
TO_REHOUSE = "À reloger"
PRIVATE, DEATH, EVICTION = "Relogé dans le parc privé", "Décès", "Expulsion"
NEW_OR_RECENT, OFF_SITE = contract.DESTINATIONS[0], "Hors site"  # "neuf ou conventionné depuis moins de 5 ans"
# Statuses that close a household's file: rehoused (social or private housing), or gone without rehousing.
_REHOUSED = frozenset(map(list_key, (REHOUSED, PRIVATE)))
_GONE = frozenset(map(list_key, (LEFT_WITHOUT, DEATH, EVICTION)))
_NEW_OR_RECENT = frozenset(map(list_key, (NEW_OR_RECENT, *(old for old, new in contract.VALUE_ALIASES.items()
                                                        if new == NEW_OR_RECENT))))


@dataclass(frozen=True, slots=True)
class Rehousing:
    """Where the households of the demolitions stand (*relogement*).

    The shares of rehoused households in new housing, off site or outside the QPV are taken over the
    rehoused households whose *Destination*, *Localisation* or *Hors QPV* is known (``known_*``).
    """

    to_rehouse: int
    rehoused: int
    temporary: int
    left_without: int
    new_or_recent: int
    off_site: int
    outside_qpv: int
    median_rest_to_pay_change_pct: float | None
    known_destination: int
    known_location: int
    known_qpv: int

    @property
    def rehoused_percent(self) -> float | None:
        """Return rehoused ÷ households to rehouse × 100."""
        return percent(self.rehoused, self.to_rehouse)

    @property
    def new_or_recent_percent(self) -> float | None:
        """Return the % of rehoused households (destination known) in new or recent (< 5 years) housing."""
        return percent(self.new_or_recent, self.known_destination)

    @property
    def off_site_percent(self) -> float | None:
        """Return the % of rehoused households (location known) rehoused off site."""
        return percent(self.off_site, self.known_location)

    @property
    def outside_qpv_percent(self) -> float | None:
        """Return the % of rehoused households (QPV known) rehoused outside the district (QPV)."""
        return percent(self.outside_qpv, self.known_qpv)

    @property
    def left_without_percent(self) -> float | None:
        """Return the % of the households to rehouse who left without being rehoused."""
        return percent(self.left_without, self.to_rehouse)


def _rehousing(households: Iterable[Household]) -> Rehousing:
    counts: dict[str, int] = defaultdict(int)
    changes = []
    for hh in households:
        if hh.status is None:
            continue
        counts["to_rehouse"] += 1
        status = list_key(hh.status)
        if status == list_key(TEMPORARY):
            counts["temporary"] += 1
        elif status in _GONE:
            counts["left_without"] += 1
        elif status in _REHOUSED:
            counts["rehoused"] += 1
            if hh.destination is not None:
                counts["known_destination"] += 1
                counts["new_or_recent"] += list_key(hh.destination) in _NEW_OR_RECENT
            if hh.location is not None:
                counts["known_location"] += 1
                counts["off_site"] += list_key(hh.location) == list_key(OFF_SITE)
            if hh.outside_qpv is not None:
                counts["known_qpv"] += 1
                counts["outside_qpv"] += bool(hh.outside_qpv)
            change = _rest_to_pay_change(hh)
            if change is not None:
                changes.append(change)
    median = statistics.median(changes) if changes else None
    return Rehousing(counts["to_rehouse"], counts["rehoused"], counts["temporary"], counts["left_without"],
                     counts["new_or_recent"], counts["off_site"], counts["outside_qpv"], median,
                     counts["known_destination"], counts["known_location"], counts["known_qpv"])


def _rest_to_pay_change(hh: Household) -> float | None:
    before, after = hh.rest_to_pay_before, hh.rest_to_pay_after
    return (after - before) / before * 100 if before is not None and after is not None and before > 0 else None


def _live_households(p: Programme) -> Iterable[Household]:
    abandoned = {op.id for op in p.operations if is_abandoned(op)}
    return (hh for hh in p.households if hh.operation_id not in abandoned)


def rest_to_pay_changes(p: Programme) -> list[float]:
    """Return the change of the *reste à charge* in % of each rehoused household (API), in the order of the sheet.

    Over the households *Relogé* or *Relogé dans le parc privé* of non-abandoned operations with both figures and
    a reste à charge before above 0 (a change from 0 has no percentage).
    """
    changes = (_rest_to_pay_change(hh) for hh in _live_households(p)
               if hh.status is not None and list_key(hh.status) in _REHOUSED)
    return [change for change in changes if change is not None]


def rehousing(p: Programme, operation_id: str | None = None) -> Rehousing:
    """Return the rehousing of one demolition's households, or of all households (API).

    to_rehouse = every household of the scope (whatever its status); rehoused = status *Relogé* or *Relogé dans
    le parc privé* (a private rehousing closes the file, but it is never "neuf ou conventionné"); left_without =
    *Parti sans relogement*, *Décès* or *Expulsion* (the household is gone, nobody is rehoused). Households
    with no readable status are left out, and so are those of abandoned operations. The median change of the
    *reste à charge* is the median of (after − before) ÷ before × 100 over rehoused households with both
    values and a reste à charge before above 0 (a change from 0 has no percentage).
    """
    if operation_id is not None:
        op = p.operation(operation_id)
        return _rehousing(() if op is not None and is_abandoned(op) else p.households_of(operation_id))
    return _rehousing(_live_households(p))
