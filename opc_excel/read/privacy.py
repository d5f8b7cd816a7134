"""The *Participants* sheet holds professional contacts only (DQ-PRIV): the workbook travels by e-mail.

Invitees are named by organisation and function (« Orne Habitat — Directeur du patrimoine »), and at most
by a professional contact the city chooses to keep (a service's address, ``patrimoine@orne-habitat.fr``).
Refused, each with a blocking *Contrôle* naming the cell:

- a column whose header looks personal: a person's name (*Nom*, *Prénom*), a phone number (*Téléphone*,
  *Portable*), an address (*Adresse*, *Domicile*), a birth date (*Date de naissance*, *Né le*, *Âge*), or
  anything said *personnel(le)*;
- a value that looks personal in a read column: a phone number (``06 12 34 56 78``, ``+33 6…``), an e-mail
  of a private mailbox (gmail, orange, free…), a date (a birth date typed in a text column), a street address
  (``12 rue …``). Its row is left out of every document, and the value is not copied into *Contrôles*.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from opc_excel.read.problems import ProblemLog, cell_address
from opc_excel.text import match_key

PERSONAL_HEADERS = frozenset({
    "nom", "prenom", "nom et prenom", "prenom et nom", "nom prenom", "prenom nom", "nom de famille", "telephone",
    "tel", "tel.", "portable", "mobile", "adresse", "adresse postale", "domicile", "date de naissance", "naissance",
    "ne le", "nee le", "ne(e) le", "age", "nir", "numero de securite sociale",
})
PERSONAL_FIRST_WORDS = frozenset({"prenom", "telephone", "tel", "portable", "domicile", "adresse"})
PERSONAL_WORDS = ("naissance", "personnel", "personnelle", "prive", "privee")
# E-mail domains of private mailboxes: a professional contact is an organisation's or a service's address.
PRIVATE_MAIL_DOMAINS = frozenset({
    "gmail.com", "googlemail.com", "yahoo.fr", "yahoo.com", "hotmail.fr", "hotmail.com", "outlook.fr", "outlook.com",
    "live.fr", "live.com", "msn.com", "orange.fr", "wanadoo.fr", "free.fr", "sfr.fr", "neuf.fr", "laposte.net",
    "aol.com", "icloud.com", "me.com", "bbox.fr", "numericable.fr", "proton.me", "protonmail.com", "gmx.fr",
    "gmx.com",
})
MASKED = "(valeur masquée : donnée personnelle)"
_PHONE = re.compile(r"(?<!\d)(?:\+\s?33\s?(?:\(0\))?\s?|0033\s?|0)[1-9](?:[\s.\-]?\d{2}){4}(?!\d)")
_MAIL = re.compile(r"[\w.+\-]+@([\w\-]+(?:\.[\w\-]+)+)")
_DATE = re.compile(r"(?<!\d)\d{1,2}[/.\-]\d{1,2}[/.\-](?:19|20)\d{2}(?!\d)")
_STREET = re.compile(r"(?<!\w)\d{1,4}\s*(?:bis|ter)?,?\s+(?:rue|avenue|av\.|boulevard|bd|allée|allee|impasse|chemin|"
                     r"place|route|square|quai|cours|résidence|residence|lieu-dit)\b", re.IGNORECASE)


def personal_header(text: str) -> bool:
    """Return True when a *Participants* header looks like a person's data (see the module docstring)."""
    key = match_key(text)
    words = key.replace("'", " ").split()
    return key in PERSONAL_HEADERS or (bool(words) and words[0] in PERSONAL_FIRST_WORDS) \
        or any(word in words for word in PERSONAL_WORDS)


def personal_value(text: str) -> str | None:
    """Return what a value looks like when it is personal (« un numéro de téléphone »…), else None."""
    if _PHONE.search(text):
        return "un numéro de téléphone"
    for match in _MAIL.finditer(text):
        if match.group(1).casefold() in PRIVATE_MAIL_DOMAINS:
            return f"une adresse électronique personnelle (@{match.group(1).casefold()})"
    if _DATE.search(text):
        return "une date (de naissance ?)"
    if _STREET.search(text):
        return "une adresse postale"
    return None


def refuse_personal_headers(header: Sequence[object], header_row: int, sheet: str, log: ProblemLog) -> None:
    """Add a blocking DQ-PRIV for each header of *Participants* that looks like a person's data."""
    for col, value in enumerate(header):
        if isinstance(value, str) and value.strip() and personal_header(value):
            log.add("DQ-PRIV", sheet, cell_address(header_row, col), value, value,
                    f"La colonne « {value.strip()} » semble contenir des données personnelles : supprimez-la (le "
                    f"classeur circule par courriel). Les participants se désignent par leur organisation et leur "
                    f"fonction, avec au plus un contact professionnel (colonne « Contact professionnel », "
                    f"l'adresse d'un service).")


def refuse_personal_values(table, log: ProblemLog) -> None:
    """Add a blocking DQ-PRIV for each value of *Participants* that looks personal; leave its row out.

    The value itself is never copied into *Contrôles* (its *Valeur lue* says :data:`MASKED`): the cell is named.

    ``table``: the :class:`opc_excel.read.tables.Table` of the sheet.
    """
    frame = table.frame
    for attr in ("organisation", "function", "contact", "instances"):
        if attr not in table.columns or attr not in frame.columns:
            continue
        for row, value in frame[attr].items():
            text = "; ".join(value) if isinstance(value, tuple) else value
            what = personal_value(text) if isinstance(text, str) else None
            if what is None:
                continue
            table.dropped.add(int(row))
            log.add("DQ-PRIV", table.sheet, table.cell(int(row), attr), table.header(attr), MASKED,
                    f"« {table.header(attr)} » contient {what} : une donnée personnelle n'a pas sa place dans la "
                    f"feuille Participants (le classeur circule par courriel). Effacez-la ; gardez l'organisation, "
                    f"la fonction et au plus l'adresse électronique d'un service (accueil@organisme.fr). La ligne "
                    f"est écartée des convocations et des comptes rendus.")
