"""Read a date cell: an Excel date, a serial number, or a text date (``31/12/2011``, ``S2 2011``, ``déc. 2011``…).

A semester, a quarter or a month stands for its first day or its last, as the column's role says.
"""

from __future__ import annotations

import calendar
import math
import re
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

from opc_excel.fr import fr_date
from opc_excel.read.contract import Role
from opc_excel.read.values import Reading, Unreadable, as_shown, safe_reader
from opc_excel.text import match_key

MIN_YEAR, MAX_YEAR = 1950, 2100

_NOT_A_DATE = ("n'est pas une date : tapez une date (31/12/2011), un semestre (S2 2011), "
               "un trimestre (T3 2011) ou un mois (déc. 2011).")
_TOO_VAGUE = "est trop vague pour une date : tapez une date (31/12/2011) ou un semestre (S2 2011)."

_EXCEL_EPOCH = date(1899, 12, 30)  # right for serials from 61 on, past Excel's fake 29/02/1900
_FIRST_SERIAL = (date(MIN_YEAR, 1, 1) - _EXCEL_EPOCH).days
_LAST_SERIAL = (date(MAX_YEAR, 12, 31) - _EXCEL_EPOCH).days
# The JSON payload of the add-in sends real Excel dates this way: no note for them.
_PAYLOAD_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z?")
_YEAR = r"(\d{4}|\d{2})"  # two digits are matched only to ask for four
_MONTHS = {name: number for number, names in enumerate((
    ("janvier", "janv", "jan"), ("fevrier", "fevr", "fev"), ("mars", "mar"), ("avril", "avr"),
    ("mai",), ("juin",), ("juillet", "juil"), ("aout",), ("septembre", "sept", "sep"),
    ("octobre", "oct"), ("novembre", "nov"), ("decembre", "dec"),
), start=1) for name in names}
_ORDINAL_WORDS = {"premier": 1, "premiere": 1, "second": 2, "seconde": 2, "deuxieme": 2,
                  "troisieme": 3, "quatrieme": 4}


def _year(digits: str) -> int:
    if len(digits) == 2:
        raise Unreadable("a une année à deux chiffres : tapez l'année en entier, par exemple 31/12/2011.")
    return _check_year(int(digits))


def _check_year(year: int) -> int:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise Unreadable(f"est une date hors de la plage {MIN_YEAR}–{MAX_YEAR} : vérifiez l'année, "
                          "puis tapez la date, par exemple 31/12/2011.")
    return year


def _ordinal(word: str, highest: int) -> int:
    """Return n for ``1er``, ``2e``, ``2ème``, ``second``…, up to `highest`."""
    digit = re.fullmatch(r"([1-4])(?:er|ere|re|e|eme|nd|nde|d)?", word)
    n = int(digit[1]) if digit else _ORDINAL_WORDS.get(word)
    if n is None or n > highest:
        raise Unreadable(_NOT_A_DATE)
    return n


def _period(year: str, first_month: int, months: int, role: Role) -> date:
    """Return the first (START) or last (END) day of a period of `months` months."""
    y = _year(year)
    if role is Role.START:
        return date(y, first_month, 1)
    last = first_month + months - 1
    return date(y, last, calendar.monthrange(y, last)[1])


def _too_vague(m: re.Match[str], role: Role) -> tuple[date, str]:
    raise Unreadable(_TOO_VAGUE)


_DateForm = Callable[[re.Match[str], Role], tuple[date, str]]  # -> (date, period name or "")
_TEXT_DATES: tuple[tuple[re.Pattern[str], _DateForm], ...] = tuple((re.compile(p), f) for p, f in (
    # 31/12/2011, 1-3-2011, 31.12.2011: day first, always (French)
    (r"(\d{1,2})[/.-](\d{1,2})[/.-]" + _YEAR, lambda m, r: (date(_year(m[3]), int(m[2]), int(m[1])), "")),
    # 2011-12-31 (ISO)
    (r"(\d{4})-(\d{1,2})-(\d{1,2})", lambda m, r: (date(_year(m[1]), int(m[2]), int(m[3])), "")),
    # S2 2011, S2-2011
    (r"s ?([12]) ?[/-]? ?" + _YEAR, lambda m, r: (_period(m[2], 6 * int(m[1]) - 5, 6, r), "semestre")),
    # 2e semestre 2011, 1er semestre 2011, second semestre 2011
    (r"(\w+) semestre (?:de )?" + _YEAR,
     lambda m, r: (_period(m[2], 6 * _ordinal(m[1], 2) - 5, 6, r), "semestre")),
    # T3 2011, Q3 2011
    (r"[tq] ?([1-4]) ?[/-]? ?" + _YEAR, lambda m, r: (_period(m[2], 3 * int(m[1]) - 2, 3, r), "trimestre")),
    # 3e trimestre 2011, premier trimestre 2011
    (r"(\w+) trimestre (?:de )?" + _YEAR,
     lambda m, r: (_period(m[2], 3 * _ordinal(m[1], 4) - 2, 3, r), "trimestre")),
    # déc. 2011, décembre 2011, dec-2011 (accents and case are gone from the key)
    (rf"({'|'.join(_MONTHS)})\.? ?-? ?" + _YEAR, lambda m, r: (_period(m[2], _MONTHS[m[1]], 1, r), "mois")),
    # 12/2011, 12-2011
    (r"(\d{1,2})[/.-]" + _YEAR, lambda m, r: (_period(m[2], int(m[1]), 1, r), "mois")),
    # 2011: a whole year is too vague to stand for a day
    (r"\d{4}", _too_vague),
))


@safe_reader
def read_date(raw: Any, role: Role) -> Reading[date]:
    """Return the date; a semester, quarter or month gives its first day (START) or last (END).

    Excel dates and the add-in's ISO dates come without a note; serial numbers and text
    dates come with a note saying how they were read.
    """
    if isinstance(raw, datetime):
        raw = raw.date()  # the time of day means nothing in these sheets
    if isinstance(raw, date):
        _check_year(raw.year)
        return Reading(raw)
    if isinstance(raw, bool | time):
        raise Unreadable(_NOT_A_DATE)
    if isinstance(raw, int | float):
        return _serial_date(raw)
    text, key = str(raw), match_key(raw)
    try:
        if payload := _PAYLOAD_DATE.fullmatch(text):
            return Reading(date(_check_year(int(payload[1])), int(payload[2]), int(payload[3])))
        for pattern, resolve in _TEXT_DATES:
            if m := pattern.fullmatch(key):
                d, period = resolve(m, role)
                end = "début" if role is Role.START else "fin"
                how = f" ({end} du {period})" if period else ""
                return Reading(d, note=f"texte « {text} » lu comme le {fr_date(d)}{how}", plain=not period)
    except ValueError:  # 31/02/2011, month 13
        raise Unreadable("n'existe pas dans le calendrier : vérifiez le jour et le mois, "
                          "puis tapez la date, par exemple 31/12/2011.") from None
    raise Unreadable(_NOT_A_DATE)


def _serial_date(serial: float) -> Reading[date]:
    """Return the date of an Excel serial number (1900 system); the fraction, a time, is dropped."""
    if not -1e9 < serial < 1e9:  # NaN, infinities and 400-digit integers alike (math.isfinite overflows)
        raise Unreadable(_NOT_A_DATE)
    if float(serial).is_integer() and MIN_YEAR <= serial <= MAX_YEAR:
        raise Unreadable(_TOO_VAGUE)  # a year typed in a date cell
    day = math.floor(serial)
    if not _FIRST_SERIAL <= day <= _LAST_SERIAL:
        raise Unreadable(_NOT_A_DATE)
    d = _EXCEL_EPOCH + timedelta(days=day)
    return Reading(d, note=f"nombre {as_shown(serial)} lu comme la date Excel {fr_date(d)}")
