"""The Perseigne–Courteille demo as it stood at an earlier date de situation.

:func:`replay` rewinds the current demo (:func:`~opc_excel.demo.data.build_demo`, dated
30/09/2011) to an earlier date: what happened after it is undone, forecasts are put back as they
were, nothing typed later is left. The generator refreshes the master at each of
``demo_data.REPLAY_DATES`` in turn, then at the current date, so that the shipped workbook has a
history to show. The rules are simple and draw nothing at random: one function per sheet.
"""

from __future__ import annotations

import calendar
import re
from collections import defaultdict
from datetime import date, timedelta

from opc_excel.demo.data import (
    ANRU,
    ANRU_CEILING,
    ANRU_OVER_CEILING,
    AT,
    BEFORE_BALANCE,
    SIGNATURE,
    UNEXPLAINED_MOVES,
    Demo,
    status_of,
)
from opc_excel.read import contract as c

Row = dict[str, object]
Actuals = dict[str, dict[str, date | None]]  # operation id -> milestone -> actual date (current data)

BALANCE_PAID = "Solde versé"
NEXT_MEETINGS = ("next_monthly_point", "next_follow_up_committee", "next_steering_committee",
                 "next_project_review", "next_milestone_review")
UPDATE_GAP_DAYS = 30  # at most this long between two updates of an operation row
_FR_DATE = re.compile(r"\b(\d{2})/(\d{2})/(\d{4})\b")


def replay(demo: Demo, at: date) -> Demo:
    """Return the demo as it stood on ``at``, an earlier date de situation than the current one."""
    tables = demo.tables
    actuals: Actuals = defaultdict(dict)
    for m in tables[c.JALONS_SHEET]:
        actuals[m["operation_id"]][m["name"]] = m["actual"]
    milestones = _milestones(tables[c.JALONS_SHEET], at)
    then = Demo(params=_parameters(demo.params, at), lists=dict(demo.lists))
    then.tables = {
        c.OPERATIONS: _operations(tables[c.OPERATIONS], milestones, at),
        c.JALONS_SHEET: milestones,
        c.DEPENDANCES: [dict(row) for row in tables[c.DEPENDANCES]],
        c.FINANCEMENTS: _funding(tables[c.FINANCEMENTS], actuals, at),
        c.RELOGEMENT: _households(tables[c.RELOGEMENT], at),
        c.INSERTION: _insertion(tables[c.INSERTION], actuals, at),
        c.AVENANTS: [dict(row) for row in tables[c.AVENANTS] if row["date"] <= at],
        c.ACTIONS: _actions(tables[c.ACTIONS], at),
    }
    return then


# ---------------------------------------------------------------- one function per sheet


def _parameters(params: dict[str, object], at: date) -> dict[str, object]:
    """Return the parameters on ``at``: that date de situation, the next meetings as far ahead as today's."""
    then = {**params, "at": at}
    for name in NEXT_MEETINGS:
        if isinstance(params.get(name), date):
            then[name] = at + (params[name] - AT)
    return then


def _operations(rows: list[Row], milestones: list[Row], at: date) -> list[Row]:
    """Return the operations on ``at``: status from the milestones reached, no later update or quantity."""
    reached: Actuals = defaultdict(dict)
    for m in milestones:
        reached[m["operation_id"]][m["name"]] = m["actual"]
    then = []
    for row in rows:
        op_id = row["id"]
        status = row["status"] if row["status"] == "Abandonnée" else status_of(op_id, reached[op_id])
        then.append({
            **row, "status": status,
            "quantity_done": row["quantity_done"] if status in ("Livrée", "Soldée") else None,
            "updated_on": _updated_on(row["updated_on"], at),
            "comment": _known_on(row["comment"], at)})
    return then


def _milestones(rows: list[Row], at: date) -> list[Row]:
    """Return the milestones on ``at``: later actual dates removed, forecasts as they stood then."""
    then = []
    by_operation: dict[str, dict[str, Row]] = defaultdict(dict)
    for row in rows:
        forecast = _forecast_on(row, at)
        slipped = forecast is not None and (forecast.year, forecast.month) != (
            row["convention"].year, row["convention"].month)
        milestone = {**row, "forecast": forecast, "actual": _done_by(row["actual"], at),
                     "motif": row["motif"] if slipped else "", "comment": _known_on(row["comment"], at)}
        then.append(milestone)
        by_operation[row["operation_id"]][row["name"]] = milestone
    for milestones in by_operation.values():  # slips rounded apart must not swap two milestones
        for earlier, later in c.ORDERED_MILESTONES:
            first, second = milestones.get(earlier), milestones.get(later)
            if first and second and first["forecast"] and second["forecast"] and second["forecast"] < first["forecast"]:
                second["forecast"] = first["forecast"]
    return then


def _funding(rows: list[Row], actuals: Actuals, at: date) -> list[Row]:
    """Return the financing plan on ``at``: lines engaged only after their DAS (or works start), less paid."""
    then = []
    for row in rows:
        done = actuals[row["operation_id"]]
        engaged_on = done.get(c.DAS) if row["funder"] == "ANRU" else _earliest(done.get(c.DAS),
                                                                                 done.get(c.WORKS_START))
        line = {**row, "reference": _known_on(row["reference"], at)}
        if row["engaged"] is not None and (engaged_on is None or engaged_on > at):
            line.update(engaged=None, advance=None, paid=None,
                        status="Acquis" if row["status"] == "Notifié" else row["status"],
                        reference="" if row["funder"] == "ANRU" else line["reference"])
        elif row["paid"] is not None:
            line["paid"] = _paid_on(row, done, at)
        then.append(line)
    return then


def _households(rows: list[Row], at: date) -> list[Row]:
    """Return the households on ``at``: those rehoused later still to rehouse, one offer fewer."""
    then = []
    for row in rows:
        moved = row.get("rehoused_on")
        if moved is not None and moved > at:
            then.append({**row, "status": "À reloger", "rehoused_on": None, "destination": None, "location": None,
                         "outside_qpv": None, "rest_to_pay_after": None, "offers": max(0, (row["offers"] or 1) - 1)})
        else:
            then.append(dict(row))
    return then


def _insertion(rows: list[Row], actuals: Actuals, at: date) -> list[Row]:
    """Return the insertion hours on ``at``: counted then, in proportion to the works done by then."""
    then = []
    for row in rows:
        if row["as_of"] <= at:
            then.append(dict(row))
            continue
        share = _works_share(actuals[row["operation_id"]], at)
        then.append({**row, "as_of": at, "hours_worked": round(row["hours_worked"] * share),
                     "insertion_done": round(row["insertion_done"] * share)})
    return then


def _actions(rows: list[Row], at: date) -> list[Row]:
    """Return the relevé de décisions on ``at``: actions decided later absent, those closed later open."""
    then = []
    for row in rows:
        if row["date"] > at:
            continue
        closed_later = row["closed_on"] is not None and row["closed_on"] > at
        then.append({**row, "closed_on": None, "status": "En cours"} if closed_later else dict(row))
    return then


# ---------------------------------------------------------------- rules


def slip_share(at: date) -> float:
    """Return the share of today's slips already there on ``at``: slips grow from the signature on."""
    return (at - SIGNATURE).days / (AT - SIGNATURE).days


def _forecast_on(row: Row, at: date) -> date | None:
    """Return a milestone's forecast as it stood on ``at``.

    A milestone reached by then keeps its dates. A forecast later than its baseline (avenant, else
    convention) with a motif had a slip smaller in proportion to :func:`slip_share`, in whole
    months, never before the baseline; a milestone reached soon after ``at`` was expected on its
    actual date. A forecast on time, or moved without a motif, stood as it is, but for the
    ``UNEXPLAINED_MOVES`` of the demo.
    """
    forecast, actual = row["forecast"], row["actual"]
    if actual is not None and actual <= at:
        return forecast
    moved = UNEXPLAINED_MOVES.get((row["operation_id"], row["name"]))
    if moved is not None:
        return moved
    baseline = row["avenant"] or row["convention"]
    if forecast is None or not row["motif"] or forecast <= baseline:
        return forecast
    slip = (forecast.year - baseline.year) * 12 + forecast.month - baseline.month
    earlier = max(baseline, _shift_months(forecast, int(slip * slip_share(at) + 0.5) - slip))
    return actual if actual is not None and earlier <= at else earlier


def _done_by(day: date | None, at: date) -> date | None:
    return day if day is not None and day <= at else None


def _updated_on(day: date | None, at: date) -> date | None:
    """Return the last update known on ``at``: a later one replaced by one at most a month before ``at``."""
    if day is None or day <= at:
        return day
    return at - timedelta(days=min((AT - day).days, UPDATE_GAP_DAYS))


def _known_on(text: object, at: date) -> object:
    """Return a comment or reference, or nothing when it mentions a date after ``at`` (not written yet)."""
    if isinstance(text, str) and any(date(int(y), int(m), int(d)) > at for d, m, y in _FR_DATE.findall(text)):
        return ""
    return text


def _paid_on(row: Row, done: dict[str, date | None], at: date) -> int:
    """Return what a funder had paid on ``at``: today's acomptes in proportion to the works done then."""
    balance = done.get(BALANCE_PAID)
    if balance is not None and balance <= at:
        return row["paid"]
    advance = row["advance"] or 0
    anru_capped = row["funder"] == ANRU and row["operation_id"] not in ANRU_OVER_CEILING
    before_balance = min(row["paid"], int(row["engaged"] * (ANRU_CEILING if anru_capped else BEFORE_BALANCE)))
    return max(advance, min(before_balance, int(round(before_balance * _works_share(done, at), -2))))


def _works_share(done: dict[str, date | None], at: date) -> float:
    """Return the share of the works done on ``at`` of those done today (elapsed time, 1 once delivered)."""
    start = done.get(c.WORKS_START)
    if start is None or start > at:
        return 0.0
    end = done.get(c.DELIVERY) or AT
    return min(1.0, (at - start).days / max(1, (end - start).days))


def _earliest(*days: date | None) -> date | None:
    known = [d for d in days if d is not None]
    return min(known) if known else None


def _shift_months(day: date, months: int) -> date:
    """Return the same day ``months`` months later; a month's last day stays its month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    is_last = day.day == calendar.monthrange(day.year, day.month)[1]
    return date(year, month + 1, last if is_last else min(day.day, last))
