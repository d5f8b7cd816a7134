"""Text shared by reading and writing: matching labels (headers, lists), and capping what is written."""

from __future__ import annotations

import re
import unicodedata

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'"})
_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2007": " ", "\t": " ", "\n": " ", "\r": " "})


def match_key(value: object) -> str:
    """Return the key two labels share when they differ only by case, accents, spaces or apostrophes.

    ``match_key("  Maître d’ouvrage ") == match_key("maitre d'ouvrage") == "maitre d'ouvrage"``.
    """
    text = str(value).translate(_APOSTROPHES).translate(_SPACES)
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    bare = bare.replace("œ", "oe").replace("Œ", "oe").replace("æ", "ae").replace("Æ", "ae")
    return " ".join(bare.casefold().split())


ELLIPSIS = "…"

# How many characters of a text the software writes, by use; a longer text is cut and ends with « … ».
# A cell can hold 30 000 characters: unbounded, one libellé fills slides, costs minutes of measuring
# and makes a sheet unreadable. The caps are well above what a real name or sentence takes (the
# master's longest table cell is 230 characters, its longest chart category 37).
NAME_CAP = 100  # a user's name for a thing (libellé, famille, motif, financeur, quartier…) in a table or cell
CATEGORY_CAP = 60  # a chart category or series name, read along an axis or in a legend
TITLE_CAP = 120  # a slide or sheet title, a line of the title slide
QUOTE_CAP = 80  # a user's value quoted « like this » inside one of our sentences
TEXT_CAP = 400  # one of our sentences, which may quote user values: a table cell, a bullet, a finding, a message
NOTES_CAP = 4000  # a slide's speaker notes

_CUT_AFTER = " ,;:—–-"
_QUOTED = re.compile(r"«(\s?)([^«»]*?)(\s?)»")


def shorten(text: str, limit: int) -> str:
    """Return ``text`` when it has at most ``limit`` characters, else its start ending with « … » (``limit`` at most).

    The cut falls after a whole word when one ends in the last third of the room, so that
    ``shorten("Réhabilitation de la résidence des Tilleuls", 30) == "Réhabilitation de la…"``.
    """
    if len(text) <= limit:
        return text
    head = text[:limit - 1]
    space = head.rfind(" ", (limit * 2) // 3)
    if space > 0:
        head = head[:space]
    return head.rstrip(_CUT_AFTER) + ELLIPSIS


def shorten_quotes(text: str, limit: int = QUOTE_CAP) -> str:
    """Return ``text`` with every « quoted » value longer than ``limit`` characters shortened by :func:`shorten`.

    Messages quote what the user typed (« … » ne figure pas dans la liste…): the value is cut, the
    advice after it is kept.
    """
    if len(text) <= limit:
        return text
    return _QUOTED.sub(lambda m: f"«{m[1]}{shorten(m[2], limit)}{m[3]}»", text)


NARROW_NBSP = "\u202f"  # espace fine insécable: before « : ; ! ? », inside « »
NB_HYPHEN = "\u2011"  # trait d'union insécable: inside an id, which never breaks at a line end

# An operation, action or alert id: capitals, then hyphenated parts, the last one numbered (PER-EQP-01, ACT-007).
_ID = re.compile(r"\b[A-Z][A-Z0-9]{1,7}(?:-[A-Z0-9]{1,8})*-[0-9]{1,5}[A-Z]?\b")
# « : ; ! ? » as punctuation: after a word, a closing sign or a space, and followed by a space, the end, or a
# closing sign — never inside 10:30, 1:2, https://… or a?b=1, never doubled, never between « ?! ».
_HIGH_PUNCT = re.compile(r"(?<=[^\s;:!?«])[ \u00a0]?([;:!?])(?=[\s»)\].,;:!?…]|$)")
_OPEN_QUOTE = re.compile(r"«[ \u00a0\u202f]?(?=\S)")
_CLOSE_QUOTE = re.compile(r"(?<=\S)[ \u00a0\u202f]?»")


def french(text: str) -> str:
    """Return ``text`` set in French typography, for a slide: idempotent, ``french(french(t)) == french(t)``.

    A narrow no-break space (U+202F) goes before « : ; ! ? » (replacing a space there) and inside
    « guillemets »; the hyphens of an id (PER-EQP-01, ACT-007, CAL-02) become non-breaking hyphens
    (U+2011), so that neither a colon nor half an id starts a line.
    ``french("Motif: PER-EQP-01") == "Motif\u202f: PER\u2011EQP\u201101"``.
    """
    text = _ID.sub(lambda m: m[0].replace("-", NB_HYPHEN), text)
    text = _HIGH_PUNCT.sub(lambda m: NARROW_NBSP + m[1], text)
    text = _OPEN_QUOTE.sub("«" + NARROW_NBSP, text)
    return _CLOSE_QUOTE.sub(NARROW_NBSP + "»", text)


def plain(text: str) -> str:
    """Return ``text`` with the narrow spaces :func:`french` sets and its non-breaking hyphens as a space and a hyphen.

    What a reader reads, for comparing a slide's text with a sentence: ``plain(french(t)) == t`` for a text
    typed with ordinary spaces before « : ; ! ? » and inside « » (the narrow space between thousands stays).
    """
    return _FRENCH_SPACE.sub(" ", text).replace(NB_HYPHEN, "-")


_FRENCH_SPACE = re.compile(r"\u202f(?=[;:!?»])|(?<=«)\u202f")
