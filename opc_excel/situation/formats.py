"""How a figure is written in a sentence, a tile or a table cell: one way each, « — » when unknown.

Used by the situation's sentences and by the decks, so that a figure reads the same everywhere.
"""

from __future__ import annotations

from datetime import date

from opc_excel.fr import fr_amount, fr_date, fr_meur, fr_months, fr_number, fr_percent


def pct(value: float | None) -> str:
    return "—" if value is None else fr_percent(value)


def meur(value: float | None) -> str:
    return "—" if value is None else fr_meur(value)


def euros(value: float | None) -> str:
    return "—" if value is None else fr_amount(value)


def ratio(value: float | None) -> str:
    return "—" if value is None else fr_number(value, 2)


def ratio_pct(value: float | None) -> str:
    """Return a ratio (1.0 = one for one) as a percentage: ``85 %``; ``—`` when unknown."""
    return "—" if value is None else fr_percent(value * 100)


def plural(count: float, singular: str, plural_form: str | None = None) -> str:
    """Return ``1 opération`` / ``3 opérations`` (``plural_form`` when adding « s » is not the plural)."""
    word = singular if abs(count) < 2 else plural_form or singular + "s"
    return f"{fr_number(count)} {word}"


def signed_percent(value: float | None, decimals: int = 1) -> str:
    """Return ``+2,8 %`` / ``−1,0 %`` / ``—``."""
    if value is None:
        return "—"
    text = fr_percent(abs(value), decimals)
    return ("+" if value >= 0 else "−") + text


def signed_points(value: float | None) -> str:
    """Return ``+3 points`` / ``−12 points`` (whole points) / ``—``."""
    if value is None:
        return "—"
    return ("+" if value >= 0 else "−") + f"{fr_number(abs(value))} points"


def signed_months(months: int | None) -> str:
    """Return ``+14 mois``, ``−3 mois``, ``0 mois``; ``—`` when unknown."""
    if months is None:
        return "—"
    sign = "+" if months > 0 else "−" if months < 0 else ""
    return f"{sign}{fr_months(abs(months))}"


def signed_pct(value: float | None, unit: str = "%") -> str:
    """Return ``+2,8 %`` or ``−8,7 points`` (one decimal); ``—`` when unknown."""
    if value is None:
        return "—"
    sign = "+" if round(value, 1) > 0 else "−" if round(value, 1) < 0 else ""
    return f"{sign}{fr_number(abs(value), 1)}\u00a0{unit}"


def signed_median_months(months: float | None) -> str:
    """Return a median slip: ``+2,5 mois``, ``+3 mois`` (no « ,0 »); ``—`` when unknown."""
    if months is None:
        return "—"
    return signed_pct(months, "mois").replace(",0\u00a0mois", "\u00a0mois")


def hours(value: float | None) -> str:
    return "—" if value is None else f"{fr_number(value)}\u00a0h"


def maybe_date(day: date | None, missing: str = "non renseignée") -> str:
    """Return the date in French, ``missing`` when there is none."""
    return fr_date(day) if day else missing
