"""Read one raw cell value as a typed value, never guessing silently: what every cell reader shares.

Raw values come from openpyxl (datetime, date, time, int, float, bool, str, None) or from the
xlwings Office.js payload (numbers, strings, ``""`` for empty cells, dates as ISO strings).
Every reader returns a :class:`Reading`: the value (``None`` for an empty cell), a French
*note* when text had to be interpreted (a DQ-TEXTDATE or DQ-TEXTNUM warning), or a French *error* saying
what to type instead (a DQ-TYPE blocking problem). The readers themselves are by kind:
:mod:`~opc_excel.read.dates`, :mod:`~opc_excel.read.amounts` (amounts, numbers, percentages) and
:mod:`~opc_excel.read.texts` (text, ids, Oui/Non).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import date, datetime, time
from decimal import Decimal
from functools import wraps
from typing import Any, Concatenate, Generic, NamedTuple, ParamSpec, TypeVar

from opc_excel.fr import fr_date

T = TypeVar("T")
P = ParamSpec("P")

EXCEL_ERRORS = frozenset({
    "#N/A", "#REF!", "#DIV/0!", "#VALUE!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!",
    "#GETTING_DATA", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!", "#PYTHON!",
})


class Reading(NamedTuple, Generic[T]):
    """What one cell holds: a value, nothing (an empty cell), or an error saying what to type.

    A named tuple, immutable as a frozen dataclass and made twice as fast: one per cell read.
    """

    value: T | None = None  # None when the cell is empty or unreadable
    note: str = ""  # how a text was interpreted (DQ-TEXTDATE or DQ-TEXTNUM warning)
    error: str = ""  # why it can't be read and what to type instead (DQ-TYPE problem)
    # The note only says the value was typed as text, which reads one way (15/03/2019, 1 234 €):
    # such cells are warned about once per column. A reading that may be wrong (S2 2011 as a day,
    # a serial number as a date, 0,45 as 45 %) stays a warning of its own.
    plain: bool = False

    @property
    def empty(self) -> bool:
        """Return True when the cell is empty: no value and no error."""
        return self.value is None and not self.error


def plain_reading(value: T) -> Reading[T]:
    """Return ``Reading(value)`` (no note, no error) three times faster: what most cells read as."""
    return _new_tuple(Reading, (value, "", "", False))


_new_tuple = tuple.__new__


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


class Unreadable(Exception):
    """Why a value can't be read; the reader puts the value, in « », in front."""


def is_blank(raw: object) -> bool:
    """Return True for None, "" or a text of spaces only (no-break spaces included)."""
    return raw is None or (isinstance(raw, str) and not raw.strip())


def safe_reader(read: Callable[Concatenate[Any, P], Reading[T]]) -> Callable[Concatenate[Any, P], Reading[T]]:
    """Return `read` made safe: blanks and Excel errors handled first, text trimmed, Unreadable caught."""

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
        except Unreadable as why:
            return Reading(error=f"« {as_shown(raw)} » {why}")

    return guarded


# ---------------------------------------------------------------- formatting


def as_text(raw: object) -> str:
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


def as_shown(raw: object) -> str:
    """Return the raw value as the cell shows it, for messages: ``12,5``, ``31/12/2011``, ``1,7E+308``."""
    number = isinstance(raw, int | float) and not isinstance(raw, bool)
    return as_text(raw).replace(".", ",") if number else as_text(raw)
