"""Text normalisation shared by header matching and list matching."""

from __future__ import annotations

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
