"""Read a number cell: amounts in euros (``1 234 567,89 €``, ``1,2 M€``, ``350 k€``), numbers, percentages.

A number typed as text is read with a note showing the value read; one outside a plausible range
is refused rather than summed.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from typing import Any

from opc_excel.fr import NBSP as _NBSP
from opc_excel.fr import _french_digits, fr_amount
from opc_excel.read.values import Reading, Unreadable, safe_reader

_NOT_AN_AMOUNT = "n'est pas un montant : tapez un nombre, par exemple 1 234 567 ou 1,2 M€."
_NOT_A_NUMBER = "n'est pas un nombre : tapez un nombre, par exemple 12 ou 12,5."
_IMPLAUSIBLE_AMOUNT = ("n'est pas un montant plausible (moins d'un centime ou plus de 1 000 milliards d'euros) : "
                       "tapez le montant en euros, par exemple 1 234 567 ou 1,2 M€, ou 0.")
_IMPLAUSIBLE_NUMBER = ("n'est pas un nombre plausible (moins d'un millionième ou plus de mille milliards) : "
                       "tapez un nombre, par exemple 12 ou 12,5, ou 0.")
# Beyond these, sums overflow and ratios divide by almost nothing (1E-308 € gave an infinite %).
AMOUNT_RANGE, NUMBER_RANGE = (0.01, 1e12), (1e-6, 1e12)
_NOT_A_PERCENT = "n'est pas un pourcentage : tapez un nombre de 0 à 100, par exemple 45 ou 45 %."


def _fr_number(x: float) -> str:
    """Return the number the French way, up to 10 decimals: ``1 200``, ``12,5``."""
    x = round(x, 10) + 0.0
    return _french_digits(f"{int(x):,}" if x.is_integer() else f"{x:,.10f}".rstrip("0"))


# Number forms, tried in order. One separator alone is always the decimal one (French: 1,234
# is 1.234); the note shows the value read, so the user sees it.
_DECIMAL_FORMS = (
    (re.compile(r"\d+(?:[.,]\d+)?"), ""),  # 1234567.89, 12,5
    (re.compile(r"\d{1,3}(?: \d{3})+(?:[.,]\d+)?"), " "),  # 1 234 567,89 (any kind of space)
    (re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?"), "."),  # 1.234.567,89, 1.234.567
)
_SIGNED = r"(?P<sign>[-−]?) ?"
_DIGITS = r"(?P<number>\d[\d ,.]*?)"
_NUMBER = re.compile(_SIGNED + _DIGITS)
_PERCENT = re.compile(_SIGNED + _DIGITS + r" ?%?")
# M in capitals only: a lowercase m reads as milli, or as milliers to some; refused, not guessed.
_AMOUNT = re.compile(_SIGNED + r"(?:€ ?)?" + _DIGITS + r" ?(?P<scale>[kK]|M)? ?(?:€|(?i:euros?|eur))?")
_SCALES = {None: 1, "k": 1_000, "K": 1_000, "M": 1_000_000}


def _parse(pattern: re.Pattern[str], text: str) -> tuple[Decimal, re.Match[str]] | None:
    """Return the signed number of a text matching `pattern`, and the match; None when unreadable."""
    m = pattern.fullmatch(" ".join(text.split()))  # every kind of space becomes one plain space
    if not m:
        return None
    for form, thousands in _DECIMAL_FORMS:
        if form.fullmatch(m["number"]):
            number = Decimal(m["number"].replace(thousands, "").replace(",", "."))
            return (-number if m["sign"] else number), m
    return None


def _plausible(value: float, bounds: tuple[float, float], why: str) -> float:
    if value != 0 and not bounds[0] <= abs(value) <= bounds[1]:
        raise Unreadable(why)
    return value


def _as_float(raw: Any, why: str) -> float:
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise Unreadable(why)  # True is not an amount, nor is a date
    try:
        value = float(raw)
    except OverflowError:  # an integer of 400 digits, as another program may write one
        raise Unreadable(why) from None
    if not math.isfinite(value):
        raise Unreadable(why)
    return value


@safe_reader
def read_amount(raw: Any) -> Reading[float]:
    """Return the amount in euros; text such as ``1 234,5 €``, ``1,2 M€``, ``350 k€`` with a note."""
    if not isinstance(raw, str):
        return Reading(_plausible(_as_float(raw, _NOT_AN_AMOUNT), AMOUNT_RANGE, _IMPLAUSIBLE_AMOUNT))
    if (parsed := _parse(_AMOUNT, raw)) is None:
        raise Unreadable(_NOT_AN_AMOUNT)
    number, m = parsed
    # Decimal, so 1,15 M€ is exactly 1 150 000; _as_float refuses 400 nines, beyond any float
    value = _plausible(_as_float(float(number * _SCALES[m["scale"]]), _NOT_AN_AMOUNT), AMOUNT_RANGE,
                       _IMPLAUSIBLE_AMOUNT)
    return Reading(value, note=f"texte « {raw} » lu comme {fr_amount(value)}", plain=True)


@safe_reader
def read_number(raw: Any) -> Reading[float]:
    """Return the number; text such as ``12,5`` or ``1 200`` with a note."""
    if not isinstance(raw, str):
        return Reading(_plausible(_as_float(raw, _NOT_A_NUMBER), NUMBER_RANGE, _IMPLAUSIBLE_NUMBER))
    if (parsed := _parse(_NUMBER, raw)) is None:
        raise Unreadable(_NOT_A_NUMBER)
    value = _plausible(_as_float(float(parsed[0]), _NOT_A_NUMBER), NUMBER_RANGE, _IMPLAUSIBLE_NUMBER)
    return Reading(value, note=f"texte « {raw} » lu comme le nombre {_fr_number(value)}", plain=True)


@safe_reader
def read_percent(raw: Any) -> Reading[float]:
    """Return the percentage on a 0-100 scale; Excel's 45 % cell, stored 0.45, gives 45 with a note."""
    if not isinstance(raw, str):
        x = _as_float(raw, _NOT_A_PERCENT)
        if 0 < x < 1:
            value = round(x * 100, 10)  # 0.45 * 100 is 45.00000000000001
            return Reading(value, note=f"nombre {_fr_number(x)} lu comme {_fr_number(value)}{_NBSP}%")
        if x == 1:  # 1 % or a 100 % cell? Keep 1, and say how to get 100.
            return Reading(x, note=f"nombre 1 lu comme 1{_NBSP}% : pour 100{_NBSP}%, tapez 100")
        return Reading(x)
    if (parsed := _parse(_PERCENT, raw)) is None:
        raise Unreadable(_NOT_A_PERCENT)
    value = round(_as_float(float(parsed[0]), _NOT_A_PERCENT), 10)  # read as typed: "0,45" is 0,45 %
    return Reading(value, note=f"texte « {raw} » lu comme {_fr_number(value)}{_NBSP}%",
                   plain="%" in raw)  # 0,45 read as typed, 0,45 %: maybe 45 % was meant
