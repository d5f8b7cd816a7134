"""The *courbes en S* a meeting is shown: the planned curves, and the actual ones from *Historique* plus today.

The *Historique* rows are the headline figures written at each earlier date de situation
(:func:`opc_excel.sheets.dashboard.summary_values`); the labels read here are theirs (a test keeps them equal).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from opc_excel.compute.indicators.common import percent
from opc_excel.compute.indicators.scurve import Actual, SCurvePoint, s_curve
from opc_excel.read.history import AT_HEADER
from opc_excel.report import CheckReport

SUBSIDY = "Subvention ANRU (€)"
ENGAGED_RATE = "Taux d'engagement ANRU"
PAID_RATE = "Taux de paiement ANRU"
TO_ENGAGE = "Reste à engager (€)"
TO_PAY = "Reste à payer (€)"
HISTORY_LABELS = (SUBSIDY, ENGAGED_RATE, PAID_RATE, TO_ENGAGE, TO_PAY)


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _rate(value: object) -> float | None:
    """Return a rate written as an Excel percentage (0.45) on the 0–100 scale."""
    number = _number(value)
    return None if number is None else number * 100


def history_actual(row: Mapping[str, object]) -> Actual:
    """Return what one *Historique* row says of the ANRU subsidy engaged and paid at its date.

    Engaged = subsidy − reste à engager, paid = engaged − reste à payer; the rates are the row's own (those the
    meeting of that date was told), else computed from the amounts. A figure the row lacks is None.
    """
    subsidy, to_engage, to_pay = (_number(row.get(label)) for label in (SUBSIDY, TO_ENGAGE, TO_PAY))
    engaged = subsidy - to_engage if subsidy is not None and to_engage is not None else None
    paid = engaged - to_pay if engaged is not None and to_pay is not None else None
    engaged_pct, paid_pct = _rate(row.get(ENGAGED_RATE)), _rate(row.get(PAID_RATE))
    if engaged_pct is None and engaged is not None and subsidy is not None:
        engaged_pct = percent(engaged, subsidy)
    if paid_pct is None and paid is not None and subsidy is not None:
        paid_pct = percent(paid, subsidy)
    return Actual(row[AT_HEADER], engaged, engaged_pct, paid, paid_pct)  # type: ignore[arg-type]


def history_actuals(rows: Iterable[Mapping[str, object]]) -> list[Actual]:
    """Return the actual figures of every *Historique* row that gives at least one of them."""
    actuals = [history_actual(row) for row in rows]
    return [a for a in actuals if a.engaged_pct is not None or a.paid_pct is not None]


def report_s_curve(report: CheckReport) -> tuple[SCurvePoint, ...]:
    """Return the report's *courbes en S*, the actual curves from its *Historique* rows plus today."""
    return s_curve(report.programme, history_actuals(report.summary_history))

