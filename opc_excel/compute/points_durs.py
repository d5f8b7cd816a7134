"""Points durs: the alerts consolidated by operation and ranked by what is at stake (domain.md).

The *Alertes* sheet stays exhaustive; a meeting is shown one line per operation (its alerts merged
into one finding), one line per programme-level alert (and per action of the relevé de décisions
linked to no operation), ranked by stake, each with the reason of its rank in words
(« 3,1 M€ de subvention ANRU en jeu (caducité dans 2 mois) », « 12 ménages à reloger avant la
démolition »).

**The order is lexicographic by kind of stake, then by its size**, not a score:

1. ANRU subsidy at risk, in euros: caducité (FIN-05, FIN-07), engagement horizon (FIN-11), envelope
   (FIN-13). A lapsed or unengaged subsidy is lost for good: the gravest risk of the programme;
2. households waiting, in households: CAL-05, HAB-03, HAB-06 — people, and a demolition that
   cannot start before them;
3. months of slip against the latest baseline (avenant, else convention): CAL-02, CAL-01 — a slip
   costs, but an avenant can re-contract it;
4. decisions overdue (GOV-03), by how long the oldest waits — the means to settle the others;
5. every other alert, with no figure to rank on.

Why not a score: it would need a rate of exchange between euros, households and months that no OPC,
no direction de projet and no ANRU delegate would sign; a kind of stake before the next is the order
in which the room settles them (what can be lost for good first). A line holding several kinds
ranks by its first; its other stakes are kept and said after the reason.

Ties, in turn: the larger stake of the same kind; a red line before an orange one; more alerts
before fewer; then the order of the alerts given (the *Alertes* sheet's, by theme and code).
Ranks are 1, 2, 3… with no ex aequo: a meeting takes them one by one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import IntEnum

from opc_excel.compute.alerts.financier.common import is_anru
from opc_excel.compute.alerts.words import code_words
from opc_excel.compute.indicators.financier import anru_subsidy_lines
from opc_excel.compute.schedule import add_months, whole_months, works_started
from opc_excel.fr import fr_amount, fr_date, fr_meur, fr_months, fr_number
from opc_excel.model import Alert, Level, Operation, Programme
from opc_excel.read import contract


class Stake(IntEnum):
    """The kinds of stake, in the order points durs are ranked."""

    SUBSIDY = 1  # euros of ANRU subsidy at risk
    HOUSEHOLDS = 2  # households waiting to be rehoused
    SLIP = 3  # months of slip against the latest baseline
    DECISIONS = 4  # decisions overdue
    NONE = 5  # no figure to rank on


STAKE_CODES = {
    Stake.SUBSIDY: ("FIN-07", "FIN-05", "FIN-11", "FIN-13"),  # the most urgent first: it names the cause
    Stake.HOUSEHOLDS: ("CAL-05", "HAB-03", "HAB-06"),
    Stake.SLIP: ("CAL-02", "CAL-01"),
    Stake.DECISIONS: ("GOV-03",),
}
WAITING = ("À reloger", "Relogement temporaire")  # a temporary rehousing still owes a final one


@dataclass(frozen=True, slots=True)
class PointDur:
    """One point dur: an operation (None for a programme-level line), its alerts, what is at stake, its rank.

    ``subsidy`` (€), ``households``, ``slip_months`` and ``overdue_days`` are set for each stake the
    alerts show (None otherwise); ``kind`` is the first of them, the one the line ranks by; ``reason``
    says it in words, ``others`` the other stakes.
    """

    rank: int
    operation_id: str | None
    label: str
    owner: str
    alerts: tuple[Alert, ...]
    severity: Level
    kind: Stake
    reason: str
    others: tuple[str, ...] = ()
    subsidy: float | None = None
    households: int | None = None
    slip_months: int | None = None
    overdue_days: int | None = None

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(a.code for a in self.alerts))

    @property
    def finding(self) -> str:
        """Return the alerts' findings merged into one: « CAL-02 : … ; FIN-05 : … »."""
        return " ; ".join(f"{a.code} : {a.finding}" for a in self.alerts)

    @property
    def stake(self) -> float:
        """Return the size of the stake the line ranks by (€, households, months or days; 0 when none)."""
        sizes = {Stake.SUBSIDY: self.subsidy, Stake.HOUSEHOLDS: self.households, Stake.SLIP: self.slip_months,
                 Stake.DECISIONS: self.overdue_days}
        return sizes.get(self.kind) or 0


def _euros(amount: float) -> str:
    """Return ``3,1 M€`` from a million up, ``850 000 €`` below."""
    return fr_meur(amount) if abs(amount) >= 1_000_000 else fr_amount(round(amount))


def _codes_in(alerts: Sequence[Alert], kind: Stake) -> list[str]:
    present = {a.code for a in alerts}
    return [code for code in STAKE_CODES[kind] if code in present]


def _anru_subsidy(p: Programme, op_id: str) -> float:
    return sum(line.amount or 0 for line in p.funding_of(op_id) if is_anru(line))


def _subsidy(p: Programme, op: Operation | None, codes: list[str], at: date) -> tuple[float, str]:
    """Return the ANRU subsidy at stake and the cause in words."""
    params = p.params
    if op is None:  # FIN-13: the programme's subsidies above the envelope
        total = sum(line.amount or 0 for line in anru_subsidy_lines(p))  # as FIN-13: abandoned operations left out
        envelope = params.anru_envelope  # Enveloppe ANRU (€) of the latest avenant
        over = total - envelope if envelope is not None else 0.0
        return max(over, 0.0), f"{_euros(max(over, 0.0))} de subvention ANRU au-delà de l'enveloppe de la convention"
    amount = _anru_subsidy(p, op.id)
    das = op.milestone(contract.DAS)
    cause = "subvention menacée"
    if codes[0] in ("FIN-07", "FIN-05") and das is not None and das.actual is not None:
        lapse = add_months(das.actual, params.lapse_months)
        if at >= lapse:
            cause = f"caduque depuis le {fr_date(lapse)}" + (", avance à rembourser" if codes[0] == "FIN-07" else "")
        else:
            left = whole_months(at, lapse)
            cause = f"caducité dans {fr_months(left)}" if left else "caducité dans moins d'un mois"
    elif codes[0] == "FIN-11" and das is not None and (expected := das.forecast or das.baseline) is not None:
        cause = f"DAS prévue le {fr_date(expected)}, après la date limite d'engagement"
    if amount <= 0:  # a DAS with no ANRU line in Financements: the euros are unknown, not zero
        return 0.0, f"subvention ANRU en jeu, montant absent de la feuille Financements ({cause})"
    return amount, f"{_euros(amount)} de subvention ANRU en jeu ({cause})"


def _households(p: Programme, op: Operation, at: date) -> tuple[int, str]:
    waiting = sum(1 for h in p.households_of(op.id) if h.status in WAITING)
    noun = "ménage" if waiting < 2 else "ménages"
    when = " avant la démolition" if op.famille == contract.DEMOLITION and not works_started(op, at) else ""
    return waiting, f"{fr_number(waiting)} {noun} à reloger{when}"


def _slip(op: Operation, at: date) -> tuple[int, str]:
    """Return the largest slip against the latest baseline of the works start and the delivery, in months."""
    found = (0, "")
    for name, words in ((contract.DELIVERY, "de la livraison"), (contract.WORKS_START, "du démarrage")):
        m = op.milestone(name)
        if m is None or m.baseline is None:
            continue
        current = m.actual or m.forecast or m.baseline
        if name == contract.WORKS_START and m.actual is None:
            current = max(current, at)  # not started: late at least until today
        months = whole_months(m.baseline, current)
        if months > found[0]:
            source = "l'avenant" if m.avenant is not None else "la convention"
            found = (months, f"{fr_months(months)} de glissement {words} sur {source}")
    return found


def _overdue(p: Programme, alerts: Sequence[Alert], at: date) -> tuple[int, str]:
    ids = {a.action_id for a in alerts if a.code == "GOV-03"}
    dues = [action.due for action in p.actions if action.id in ids and action.due is not None]
    oldest = min(dues, default=at)
    days = (at - oldest).days
    months = whole_months(oldest, at)
    since = fr_months(months) if months >= 1 else f"{days} jour{'s' if days > 1 else ''}"
    if len(ids) < 2:
        return days, f"décision attendue depuis le {fr_date(oldest)} ({since} de retard)"
    return days, f"{len(ids)} décisions en retard, la plus ancienne de {since}"


def _stakes(p: Programme, op: Operation | None, alerts: Sequence[Alert], at: date) -> dict[Stake, tuple[float, str]]:
    stakes: dict[Stake, tuple[float, str]] = {}
    if codes := _codes_in(alerts, Stake.SUBSIDY):
        stakes[Stake.SUBSIDY] = _subsidy(p, op, codes, at)
    if op is not None and _codes_in(alerts, Stake.HOUSEHOLDS):
        stakes[Stake.HOUSEHOLDS] = _households(p, op, at)
    if op is not None and _codes_in(alerts, Stake.SLIP) and (slip := _slip(op, at))[0] > 0:
        stakes[Stake.SLIP] = slip
    if _codes_in(alerts, Stake.DECISIONS):
        stakes[Stake.DECISIONS] = _overdue(p, alerts, at)
    return stakes


def _no_stake(alerts: Sequence[Alert]) -> str:
    codes = ", ".join(dict.fromkeys(a.code for a in alerts))
    count = f"{len(alerts)} alerte{'s' if len(alerts) > 1 else ''}"
    return f"pas d'enjeu chiffré : {count} ({codes})"


def _groups(alerts: Iterable[Alert]) -> list[list[Alert]]:
    """Return the alerts grouped: by operation, and each alert naming no operation on its own."""
    groups: dict[object, list[Alert]] = {}
    for index, alert in enumerate(alerts):
        groups.setdefault(alert.operation_id or index, []).append(alert)
    return list(groups.values())


def _label(alerts: Sequence[Alert]) -> str:
    first = alerts[0]
    if first.operation_id:
        return first.operation_label or first.operation_id
    return f"Action {first.action_id}" if first.action_id else f"Programme : {code_words(first.code)}"


def points_durs(p: Programme, alerts: Sequence[Alert], at: date | None = None) -> list[PointDur]:
    """Return the alerts consolidated into points durs, ranked by stake (see the module docstring)."""
    at = at or p.at
    order = {id(a): i for i, a in enumerate(alerts)}
    unranked = []
    for group in _groups(alerts):
        op = p.operation(group[0].operation_id) if group[0].operation_id else None
        stakes = _stakes(p, op, group, at)
        kind = min(stakes, default=Stake.NONE)
        size, reason = stakes.get(kind, (0.0, _no_stake(group)))
        severity = Level.ROUGE if any(a.severity is Level.ROUGE for a in group) else Level.ORANGE
        sort_key = (kind, -size, severity is not Level.ROUGE, -len(group), min(order[id(a)] for a in group))
        point = PointDur(
            rank=0, operation_id=group[0].operation_id, label=_label(group), owner=group[0].owner,
            alerts=tuple(group), severity=severity, kind=kind, reason=reason,
            others=tuple(words for k, (_, words) in sorted(stakes.items()) if k is not kind),
            subsidy=stakes[Stake.SUBSIDY][0] if Stake.SUBSIDY in stakes else None,
            households=int(stakes[Stake.HOUSEHOLDS][0]) if Stake.HOUSEHOLDS in stakes else None,
            slip_months=int(stakes[Stake.SLIP][0]) if Stake.SLIP in stakes else None,
            overdue_days=int(stakes[Stake.DECISIONS][0]) if Stake.DECISIONS in stakes else None)
        unranked.append((sort_key, point))
    unranked.sort(key=lambda pair: pair[0])
    return [replace(point, rank=rank) for rank, (_, point) in enumerate(unranked, start=1)]


def ranks_by_key(points: Iterable[PointDur]) -> dict[str, int]:
    """Return the rank of each alert's point dur, by the alert's *Clé* (the *Rang* column of *Alertes*)."""
    return {alert.key: point.rank for point in points for alert in point.alerts}
