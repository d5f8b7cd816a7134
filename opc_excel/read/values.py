"""Read one raw cell value as a typed value, never guessing silently.

Raw values come from openpyxl (datetime, date, time, int, float, bool, str, None) or from the
xlwings Office.js payload (numbers, strings, ``""`` for empty cells, dates as ISO strings).
Every reader returns a :class:`Reading`: the value (``None`` for an empty cell), a French
*note* when text had to be interpreted (a DQ-TEXTDATE warning), or a French *error* saying
what to type instead (a DQ-TYPE blocking problem).
"""

from __future__ import annotations

import calendar
import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import wraps
from typing import Any, Concatenate, Generic, ParamSpec, TypeVar

from opc_excel.fr import NBSP as _NBSP
from opc_excel.fr import _french_digits, fr_amount, fr_date  # noqa: F401 - fr_amount, fr_date re-exported
from opc_excel.read.contract import Role
from opc_excel.text import match_key

T = TypeVar("T")
P = ParamSpec("P")

MIN_YEAR, MAX_YEAR = 1950, 2100
EXCEL_ERRORS = frozenset({
    "#N/A", "#REF!", "#DIV/0!", "#VALUE!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!",
    "#GETTING_DATA", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!", "#PYTHON!",
})

_NOT_A_DATE = ("n'est pas une date : tapez une date (31/12/2011), un semestre (S2 2011), "
               "un trimestre (T3 2011) ou un mois (déc. 2011).")
_TOO_VAGUE = "est trop vague pour une date : tapez une date (31/12/2011) ou un semestre (S2 2011)."
_NOT_AN_AMOUNT = "n'est pas un montant : tapez un nombre, par exemple 1 234 567 ou 1,2 M€."
_NOT_A_NUMBER = "n'est pas un nombre : tapez un nombre, par exemple 12 ou 12,5."
_IMPLAUSIBLE_AMOUNT = ("n'est pas un montant plausible (moins d'un centime ou plus de 1 000 milliards d'euros) : "
                       "tapez le montant en euros, par exemple 1 234 567 ou 1,2 M€, ou 0.")
_IMPLAUSIBLE_NUMBER = ("n'est pas un nombre plausible (moins d'un millionième ou plus de mille milliards) : "
                       "tapez un nombre, par exemple 12 ou 12,5, ou 0.")
# Beyond these, sums overflow and ratios divide by almost nothing (1E-308 € gave an infinite %).
AMOUNT_RANGE, NUMBER_RANGE = (0.01, 1e12), (1e-6, 1e12)
_NOT_A_PERCENT = "n'est pas un pourcentage : tapez un nombre de 0 à 100, par exemple 45 ou 45 %."


@dataclass(frozen=True, slots=True)
class Reading(Generic[T]):
    """What one cell holds: a value, nothing (an empty cell), or an error saying what to type."""

    value: T | None = None  # None when the cell is empty or unreadable
    note: str = ""  # how a text was interpreted (DQ-TEXTDATE warning)
    error: str = ""  # why it can't be read and what to type instead (DQ-TYPE problem)

    @property
    def empty(self) -> bool:
        """Return True when the cell is empty: no value and no error."""
        return self.value is None and not self.error


# What XML 1.0, and so an .xlsx file, cannot hold: control characters but tab and line breaks, halves
# of a surrogate pair (half an emoji), U+FFFE and U+FFFF. Excel's add-in sends them all the same.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_illegal(text: str) -> str:
    """Return the first character of *text* that an .xlsx file can't hold, or ""."""
    if text.isprintable():  # the usual text, the fast way: every character above is unprintable
        return ""
    found = _XML_ILLEGAL.search(text)
    return found.group() if found else ""


def xml_safe(text: str) -> str:
    """Return *text* with each character an .xlsx file can't hold replaced by U+FFFD (�)."""
    return _XML_ILLEGAL.sub("\ufffd", text) if xml_illegal(text) else text


def _illegal_error(raw: str, char: str) -> str:
    what = "une moitié d'émoji" if "\ud800" <= char <= "\udfff" else f"U+{ord(char):04X}, invisible"
    return (f"« {xml_safe(raw)} » contient un caractère qu'un fichier Excel ne peut pas enregistrer ({what}, "
            "venu sans doute d'un copier-coller) : retapez le contenu de la cellule au clavier.")


class _Unreadable(Exception):
    """Why a value can't be read; the reader puts the value, in « », in front."""


def is_blank(raw: object) -> bool:
    """Return True for None, "" or a text of spaces only (no-break spaces included)."""
    return raw is None or (isinstance(raw, str) and not raw.strip())


def _reader(read: Callable[Concatenate[Any, P], Reading[T]]) -> Callable[Concatenate[Any, P], Reading[T]]:
    """Return `read` made safe: blanks and Excel errors handled first, text trimmed, _Unreadable caught."""

    @wraps(read)
    def guarded(raw: Any, /, *args: P.args, **kwargs: P.kwargs) -> Reading[T]:
        if is_blank(raw):
            return Reading()
        if isinstance(raw, str):
            raw = raw.strip()  # str.strip also drops no-break and thin spaces
            if char := xml_illegal(raw):
                return Reading(error=_illegal_error(raw, char))
            if raw.upper() in EXCEL_ERRORS:
                return Reading(error=f"La cellule contient l'erreur Excel {raw.upper()} : "
                                     "corrigez la formule ou tapez la valeur.")
        try:
            return read(raw, *args, **kwargs)
        except _Unreadable as why:
            return Reading(error=f"« {_show(raw)} » {why}")

    return guarded


# ---------------------------------------------------------------- formatting


def _fr_number(x: float) -> str:
    """Return the number the French way, up to 10 decimals: ``1 200``, ``12,5``."""
    x = round(x, 10) + 0.0
    return _french_digits(f"{int(x):,}" if x.is_integer() else f"{x:,.10f}".rstrip("0"))


def _as_text(raw: object) -> str:
    """Return the raw value as text: whole floats without ".0", dates as JJ/MM/AAAA."""
    if isinstance(raw, bool):
        return "VRAI" if raw else "FAUX"  # what French Excel displays
    if isinstance(raw, int | float) and not isinstance(raw, bool) and _scientific(raw):
        return _scientific_text(raw)  # as Excel shows it: 1.7E+308, not 309 digits
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))  # Excel stores every number as a float: 12 arrives as 12.0
    if isinstance(raw, datetime) and raw.time() != time():
        return raw.strftime("%d/%m/%Y %H:%M")
    if isinstance(raw, date):
        return fr_date(raw)
    return raw.strftime("%H:%M") if isinstance(raw, time) else str(raw)


def _scientific(x: float) -> bool:
    """Return True for a number Excel would show in scientific notation (huge, or tiny but not 0)."""
    if isinstance(x, float) and not math.isfinite(x):
        return False  # inf and nan stay as Python writes them
    return x != 0 and not 1e-9 <= abs(x) < 1e15  # int and float compare exactly, even 400-digit integers


def _scientific_text(x: float) -> str:
    """Return ``x`` in Excel's scientific notation, 15 significant digits at most: ``1.7E+308``."""
    mantissa, exponent = f"{Decimal(x):.14E}".split("E")  # Decimal: exact, even for 400-digit integers
    return f"{mantissa.rstrip('0').rstrip('.')}E{int(exponent):+03d}"


def _show(raw: object) -> str:
    """Return the raw value as the cell shows it, for messages: ``12,5``, ``31/12/2011``, ``1,7E+308``."""
    number = isinstance(raw, int | float) and not isinstance(raw, bool)
    return _as_text(raw).replace(".", ",") if number else _as_text(raw)


# ---------------------------------------------------------------- text and ids


@_reader
def read_text(raw: Any) -> Reading[str]:
    """Return the trimmed text; numbers as typed (``12``, not ``12.0``)."""
    return Reading(_as_text(raw))


def _id(raw: Any) -> str:
    if isinstance(raw, date | time):
        # Excel turns an id typed as 1-2 into a date: say so rather than keep "01/02/2024".
        raise _Unreadable("est une date, pas un identifiant : mettez la cellule au format Texte "
                          "puis retapez l'identifiant.")
    if isinstance(raw, bool):
        raise _Unreadable("n'est pas un identifiant : tapez un code, par exemple OP-01.")
    return _as_text(raw)


# Letters of other alphabets drawn like Latin ones (the Cyrillic and Greek entries of Unicode's
# confusables.txt that look alike in Calibri and Arial), and the dashes drawn like "-". A dozen
# lines kept here rather than a dependency: ids are short codes typed in France.
_LOOK_ALIKES = str.maketrans({
    **dict(zip("АВЕЅІЈКМНОРСТУХҮԁһіјѕаеорсухӏԛԝ", "ABESIJKMHOPCTYXYdhijsaeopcyxlqw", strict=True)),
    **dict(zip("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧικνορ", "ABEZHIKMNOPTYXikvop", strict=True)),
    **dict.fromkeys("‐‑‒–—―−", "-"),
})
_ODD_NAMES = {"\u00a0": "une espace insécable", "\u202f": "une espace fine insécable",
              "\u200b": "une espace sans largeur", "\u200c": "un antiliant sans largeur",
              "\u200d": "un liant sans largeur", "\u2060": "un gluon de mots", "\ufeff": "une espace sans largeur",
              "\u00ad": "un trait d'union conditionnel"}


def id_key(text: str) -> str:
    """Return what an id looks like on screen: two ids with the same key can't be told apart by a user.

    NFKC (fullwidth letters, no-break spaces), invisible characters dropped (zero-width space and
    joiners, soft hyphen: Unicode's Cf), Cyrillic and Greek look-alikes and dashes made Latin, spaces
    collapsed. Case is kept: OP-01 and op-01 are told apart on screen.
    """
    if text.isascii():
        return " ".join(text.split())
    text = unicodedata.normalize("NFKC", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf").translate(_LOOK_ALIKES)
    return " ".join(text.split())


def odd_characters(*texts: str) -> str:
    """Return, in French, the characters of *texts* that make two look-alike ids differ."""
    found: list[str] = []
    for ch in dict.fromkeys("".join(texts)):
        if ch.isascii():
            continue
        if ch in _ODD_NAMES:
            name = _ODD_NAMES[ch]
        elif "CYRILLIC" in unicodedata.name(ch, "") or "GREEK" in unicodedata.name(ch, ""):
            alphabet = "cyrillique" if "CYRILLIC" in unicodedata.name(ch) else "grecque"
            name = f"la lettre {alphabet} « {ch} »"
        elif ch.translate(_LOOK_ALIKES) == "-":
            name = f"le tiret « {ch} »"
        elif unicodedata.normalize("NFKC", ch) != ch:
            name = f"le caractère « {ch} » (pleine chasse ou de compatibilité)"
        elif unicodedata.category(ch) == "Cf" or ch.isspace():
            name = f"le caractère invisible U+{ord(ch):04X}"
        else:
            continue  # an accented letter, typed on purpose
        found.append(name)
    return ", ".join(found) if found else "des espaces"


@_reader
def read_id(raw: Any) -> Reading[str]:
    """Return the id as trimmed text: ``12.0`` gives ``"12"``, ``1.5`` stays ``"1.5"``."""
    return Reading(_id(raw))


@_reader
def read_ids(raw: Any) -> Reading[tuple[str, ...]]:
    """Return the ids of a cell, separated by ``;`` or by line breaks; a comma is not a separator."""
    if not isinstance(raw, str):
        return Reading((_id(raw),))
    ids = tuple(part.strip() for part in re.split(r"[;\n\r]", raw) if part.strip())
    return Reading(ids) if ids else Reading()


# ---------------------------------------------------------------- dates

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
        raise _Unreadable("a une année à deux chiffres : tapez l'année en entier, par exemple 31/12/2011.")
    return _check_year(int(digits))


def _check_year(year: int) -> int:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise _Unreadable(f"est une date hors de la plage {MIN_YEAR}–{MAX_YEAR} : vérifiez l'année, "
                          "puis tapez la date, par exemple 31/12/2011.")
    return year


def _ordinal(word: str, highest: int) -> int:
    """Return n for ``1er``, ``2e``, ``2ème``, ``second``…, up to `highest`."""
    digit = re.fullmatch(r"([1-4])(?:er|ere|re|e|eme|nd|nde|d)?", word)
    n = int(digit[1]) if digit else _ORDINAL_WORDS.get(word)
    if n is None or n > highest:
        raise _Unreadable(_NOT_A_DATE)
    return n


def _period(year: str, first_month: int, months: int, role: Role) -> date:
    """Return the first (START) or last (END) day of a period of `months` months."""
    y = _year(year)
    if role is Role.START:
        return date(y, first_month, 1)
    last = first_month + months - 1
    return date(y, last, calendar.monthrange(y, last)[1])


def _too_vague(m: re.Match[str], role: Role) -> tuple[date, str]:
    raise _Unreadable(_TOO_VAGUE)


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


@_reader
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
        raise _Unreadable(_NOT_A_DATE)
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
                return Reading(d, note=f"texte « {text} » lu comme le {fr_date(d)}{how}")
    except ValueError:  # 31/02/2011, month 13
        raise _Unreadable("n'existe pas dans le calendrier : vérifiez le jour et le mois, "
                          "puis tapez la date, par exemple 31/12/2011.") from None
    raise _Unreadable(_NOT_A_DATE)


def _serial_date(serial: float) -> Reading[date]:
    """Return the date of an Excel serial number (1900 system); the fraction, a time, is dropped."""
    if not -1e9 < serial < 1e9:  # NaN, infinities and 400-digit integers alike (math.isfinite overflows)
        raise _Unreadable(_NOT_A_DATE)
    if float(serial).is_integer() and MIN_YEAR <= serial <= MAX_YEAR:
        raise _Unreadable(_TOO_VAGUE)  # a year typed in a date cell
    day = math.floor(serial)
    if not _FIRST_SERIAL <= day <= _LAST_SERIAL:
        raise _Unreadable(_NOT_A_DATE)
    d = _EXCEL_EPOCH + timedelta(days=day)
    return Reading(d, note=f"nombre {_show(serial)} lu comme la date Excel {fr_date(d)}")


# ---------------------------------------------------------------- numbers

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
        raise _Unreadable(why)
    return value


def _as_float(raw: Any, why: str) -> float:
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise _Unreadable(why)  # True is not an amount, nor is a date
    try:
        value = float(raw)
    except OverflowError:  # an integer of 400 digits, as another program may write one
        raise _Unreadable(why) from None
    if not math.isfinite(value):
        raise _Unreadable(why)
    return value


@_reader
def read_amount(raw: Any) -> Reading[float]:
    """Return the amount in euros; text such as ``1 234,5 €``, ``1,2 M€``, ``350 k€`` with a note."""
    if not isinstance(raw, str):
        return Reading(_plausible(_as_float(raw, _NOT_AN_AMOUNT), AMOUNT_RANGE, _IMPLAUSIBLE_AMOUNT))
    if (parsed := _parse(_AMOUNT, raw)) is None:
        raise _Unreadable(_NOT_AN_AMOUNT)
    number, m = parsed
    # Decimal, so 1,15 M€ is exactly 1 150 000; _as_float refuses 400 nines, beyond any float
    value = _plausible(_as_float(float(number * _SCALES[m["scale"]]), _NOT_AN_AMOUNT), AMOUNT_RANGE,
                       _IMPLAUSIBLE_AMOUNT)
    return Reading(value, note=f"texte « {raw} » lu comme {fr_amount(value)}")


@_reader
def read_number(raw: Any) -> Reading[float]:
    """Return the number; text such as ``12,5`` or ``1 200`` with a note."""
    if not isinstance(raw, str):
        return Reading(_plausible(_as_float(raw, _NOT_A_NUMBER), NUMBER_RANGE, _IMPLAUSIBLE_NUMBER))
    if (parsed := _parse(_NUMBER, raw)) is None:
        raise _Unreadable(_NOT_A_NUMBER)
    value = _plausible(_as_float(float(parsed[0]), _NOT_A_NUMBER), NUMBER_RANGE, _IMPLAUSIBLE_NUMBER)
    return Reading(value, note=f"texte « {raw} » lu comme le nombre {_fr_number(value)}")


@_reader
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
        raise _Unreadable(_NOT_A_PERCENT)
    value = round(_as_float(float(parsed[0]), _NOT_A_PERCENT), 10)  # read as typed: "0,45" is 0,45 %
    return Reading(value, note=f"texte « {raw} » lu comme {_fr_number(value)}{_NBSP}%")


_YES_NO = {"oui": True, "o": True, "non": False, "n": False}


@_reader
def read_yes_no(raw: Any) -> Reading[bool]:
    """Return True for Oui / O / VRAI / 1, False for Non / N / FAUX / 0."""
    if isinstance(raw, bool):
        return Reading(raw)
    if isinstance(raw, int | float) and raw in (0, 1):
        return Reading(raw == 1)
    if isinstance(raw, str):
        answer = _YES_NO.get(raw.casefold())  # raw is trimmed: Oui and Non as typed, the fast way
        answer = answer if answer is not None else _YES_NO.get(match_key(raw))
        if answer is not None:
            return Reading(answer)
    raise _Unreadable("n'est ni Oui ni Non : tapez Oui ou Non.")
