"""The problems met while reading, each a future row of *Contrôles*: sheet, cell, column, value read, message."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from opc_excel.fr import fr_date
from opc_excel.model import Problem, Severity
from opc_excel.read.values import xml_safe


def cell_address(row: int, col: int) -> str:
    """Return the A1 address of a 1-based row and a 0-based column index."""
    return f"{column_letter(col + 1)}{row}"


def column_letter(number: int) -> str:
    """Return the letters of a 1-based column number: 1 → A, 27 → AA, 16 384 → XFD."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_position(address: str) -> tuple[int, int]:
    """Return (row, 1-based column) of an A1 address: ``"C12"`` → (12, 3)."""
    digits = len(address.rstrip("0123456789"))
    column = 0
    for letter in address[:digits].upper():
        column = column * 26 + ord(letter) - 64
    return int(address[digits:] or 0), column


def shown(raw: object) -> str:
    """Return a cell value as the user would recognise it in *Valeur lue*."""
    if raw is None or raw is pd.NA or (isinstance(raw, float) and raw != raw):  # NaN: an empty cell in a frame
        return ""
    if isinstance(raw, date):
        return fr_date(raw)
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return xml_safe(str(raw))  # Contrôles must be writable whatever the add-in sent


@dataclass
class ProblemLog:
    """Problems in the order they were met; each a future row of *Contrôles*."""

    problems: list[Problem] = field(default_factory=list)

    def add(self, code: str, sheet: str, cell: str, column: str, value: object, message: str,
            severity: Severity = Severity.BLOQUANT) -> None:
        self.problems.append(Problem(code, severity, sheet, cell, xml_safe(column), shown(value), xml_safe(message)))


# Cells whose text reads one way (15/03/2019, 1 234 €) are warned about once per sheet and column.
_FIRST_CELLS = 5
# kind → code, (noun, plural), feminine, (how to type one, how to type them)
_TYPED_AS_TEXT = {
    "date": ("DQ-TEXTDATE", ("date", "dates"), True,
             ("tapez-la comme une date Excel : cellule au format Date ou Standard, sans apostrophe devant",
              "tapez-les comme des dates Excel : cellules au format Date ou Standard, sans apostrophe devant")),
    "amount": ("DQ-TEXTNUM", ("montant", "montants"), False,
               ("tapez-le comme un nombre (1234567, sans « € » ni « M€ » : le format de la cellule affiche l'euro), "
                "sans apostrophe devant",
                "tapez-les comme des nombres (1234567, sans « € » ni « M€ » : le format des cellules affiche "
                "l'euro), sans apostrophe devant")),
    "number": ("DQ-TEXTNUM", ("nombre", "nombres"), False,
               ("tapez-le comme un nombre : cellule au format Nombre ou Standard, sans apostrophe devant",
                "tapez-les comme des nombres : cellules au format Nombre ou Standard, sans apostrophe devant")),
    "percent": ("DQ-TEXTNUM", ("pourcentage", "pourcentages"), False,
                ("tapez-le comme un nombre (45 pour 45 %), sans apostrophe devant",
                 "tapez-les comme des nombres (45 pour 45 %), sans apostrophe devant")),
}


@dataclass
class TypedAsText:
    """The cells of one column whose value was typed as text but reads one way: one warning for them all."""

    kind: str  # a key of _TYPED_AS_TEXT: "date", "amount", "number", "percent"
    cells: list[tuple[str, object, str]] = field(default_factory=list)  # (address, raw, note)

    def add(self, address: str, raw: object, note: str) -> None:
        self.cells.append((address, raw, note))

    def report(self, log: ProblemLog, sheet: str, column: str) -> None:
        """Add the column's warning to *log*: the count, the first cells, a reading and what to type."""
        if not self.cells:
            return
        code, nouns, feminine, how = _TYPED_AS_TEXT[self.kind]
        count, (address, raw, note) = len(self.cells), self.cells[0]
        many = count > 1
        noun = nouns[many].capitalize()
        typed = ("saisie" if feminine else "saisi") + ("s" if many else "")
        if many:
            cells = ", ".join(cell for cell, _raw, _note in self.cells[:_FIRST_CELLS])
            more = "…" if count > _FIRST_CELLS else ""
            read = (f" : {count} cellules ({cells}{more}), lues comme elles s'écrivent, par exemple en {address} "
                    f"le {note}")
        else:
            read = f" ({address}) : le {note.replace(' lu comme ', ' a été lu comme ', 1)}"
        log.add(code, sheet, address, column, raw,
                f"{noun} {typed} comme du texte dans {sheet}, colonne {column}{read}. "
                f"Pour ne plus voir ce message, {how[many]}.", Severity.AVERTISSEMENT)
