"""French formats for everything a user sees: ``1 234 567 €``, ``12,4 M€``, ``45 %``, ``31/12/2011``."""

from __future__ import annotations

from datetime import date

NBSP, NNBSP = "\u00a0", "\u202f"  # before a unit (€, %) / between thousands, as French typography wants

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre")


def fr_date(d: date) -> str:
    """Return the date as French users write it: ``31/12/2011``."""
    return f"{d.day:02d}/{d.month:02d}/{d.year:04d}"


def fr_month(d: date) -> str:
    """Return ``décembre 2011``."""
    return f"{MONTHS[d.month - 1]} {d.year}"


def _french_digits(text: str) -> str:
    """Return ``1,234.5`` (Python's grouping) written the French way, ``1 234,5``."""
    return text.replace(",", NNBSP).replace(".", ",")


def fr_number(x: float, decimals: int = 0) -> str:
    """Return ``1 234`` (or ``1 234,5`` with decimals), thousands separated by a narrow no-break space."""
    value = round(x, decimals) + 0.0  # + 0.0 turns -0.0 into 0.0
    return _french_digits(f"{value:,.{decimals}f}")


def fr_amount(x: float) -> str:
    """Return ``1 234 567 €``: no cents when whole, else 2 decimals."""
    cents = round(x, 2) + 0.0
    digits = f"{int(cents):,}" if cents.is_integer() else f"{cents:,.2f}"
    return f"{_french_digits(digits)}{NBSP}€"


def fr_meur(x: float) -> str:
    """Return an amount in millions of euros, one decimal: ``12,4 M€``."""
    return f"{fr_number(x / 1_000_000, 1)}{NBSP}M€"


def fr_percent(x: float, decimals: int = 0) -> str:
    """Return a percentage given on the 0–100 scale: ``45 %``."""
    return f"{fr_number(x, decimals)}{NBSP}%"


def fr_months(n: float) -> str:
    """Return ``1 mois``, ``7 mois``, ``7,5 mois``."""
    text = fr_number(n, 0 if float(n).is_integer() else 1)
    return f"{text} mois"
