"""Read a text cell: plain text, ids (and what makes two ids look alike on screen), Oui/Non answers."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, time
from typing import Any

from opc_excel.read.values import Reading, Unreadable, as_text, safe_reader
from opc_excel.text import match_key


@safe_reader
def read_text(raw: Any) -> Reading[str]:
    """Return the trimmed text; numbers as typed (``12``, not ``12.0``)."""
    return Reading(as_text(raw))


def _id(raw: Any) -> str:
    if isinstance(raw, date | time):
        # Excel turns an id typed as 1-2 into a date: say so rather than keep "01/02/2024".
        raise Unreadable("est une date, pas un identifiant : mettez la cellule au format Texte "
                          "puis retapez l'identifiant.")
    if isinstance(raw, bool):
        raise Unreadable("n'est pas un identifiant : tapez un code, par exemple OP-01.")
    return as_text(raw)


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


@safe_reader
def read_id(raw: Any) -> Reading[str]:
    """Return the id as trimmed text: ``12.0`` gives ``"12"``, ``1.5`` stays ``"1.5"``."""
    return Reading(_id(raw))


@safe_reader
def read_ids(raw: Any) -> Reading[tuple[str, ...]]:
    """Return the ids of a cell, separated by ``;`` or by line breaks; a comma is not a separator."""
    if not isinstance(raw, str):
        return Reading((_id(raw),))
    ids = tuple(part.strip() for part in re.split(r"[;\n\r]", raw) if part.strip())
    return Reading(ids) if ids else Reading()


_YES_NO = {"oui": True, "o": True, "non": False, "n": False}


@safe_reader
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
    raise Unreadable("n'est ni Oui ni Non : tapez Oui ou Non.")
