"""What a package must be, the limits it must keep to, and the French sentences that refuse one (DQ-FILE).

A package is a workbook (``.xlsx``, ``.xlsm``) or, for the house template, a PowerPoint
presentation: :class:`PackageKind` says which, and how to name it to the user. Every refusal names
the file by its basename and says what to do.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from opc_excel.errors import UnreadableWorkbookError

MAX_UNCOMPRESSED_BYTES = 512 * 1024 * 1024  # total of all parts
MAX_PART_BYTES = 256 * 1024 * 1024  # one part
MAX_RATIO = 200  # uncompressed/compressed, for any part > 1 MiB
MAX_MEMBERS = 10_000
MAX_CENTRAL_DIRECTORY_BYTES = 16 * 1024 * 1024  # ZipFile parses it whole: bound the time it takes
MAX_MISSING_VALUES_PER_SHEET = 1000

MIB = 1024 * 1024
HEAD_BYTES = 4096
MAX_PROLOG_BYTES = MIB  # a real prolog is a few hundred bytes; longer is an evasion attempt
FULL_CRC_CHECK_BYTES = 32 * MIB  # below this, decompress every part once to catch CRC errors
CHUNK = MIB
OVERLAP = 1024  # a tag cut by a chunk boundary is still seen whole in the next window

TOO_MANY_MEMBERS = f"plus de {MAX_MEMBERS:_} éléments".replace("_", " ")
SAVE_AS_XLSX = "ouvrez-le dans Excel et enregistrez-le au format « Classeur Excel (*.xlsx) »"
# Excel holds at most 32 767 characters in a cell (≈ 160 KB of XML when every one is escaped):
# a longer run of text, or a longer tag, is no real workbook's and costs the XML parser dearly.
MAX_XML_TOKEN_BYTES = 1024 * 1024
TOKEN_BLOCK = 64 * 1024
# Cells stored with a format and no value (a range formatted far below the data): openpyxl makes an
# object of each (≈ 450 bytes) when it loads a workbook to write it back.
MAX_EMPTY_CELLS_PER_SHEET = 1_000_000
# python-calamine holds a sheet's whole area, from A1 to its last row and column, ≈ 32 bytes a cell: a
# sheet wider or longer than this (a stray value in row 1 048 576) is read by openpyxl, which streams it.
MAX_DENSE_CELLS = 4_000_000


@dataclass(frozen=True)
class PackageKind:
    """What a package must be, and how to name it in French: a workbook or a PowerPoint template."""

    noun: str  # "un classeur Excel"
    application: str  # what opens and repairs it
    save_as: str  # what to do to get a clean file
    folder: str  # the part folder of the main document
    suffix: str


WORKBOOK = PackageKind("un classeur Excel", "Excel", SAVE_AS_XLSX, "xl/", ".xlsx")
PRESENTATION = PackageKind("une présentation PowerPoint", "PowerPoint",
                           "ouvrez-le dans PowerPoint et enregistrez-le au format « Présentation PowerPoint "
                           "(*.pptx) »", "ppt/", ".pptx")


def unreadable(path: Path, reason: str) -> UnreadableWorkbookError:
    """Return the DQ-FILE error for *path*, naming the file by its basename only."""
    return UnreadableWorkbookError(f"Le fichier « {path.name} » {reason}.")


def corrupt(path: Path, kind: PackageKind = WORKBOOK) -> UnreadableWorkbookError:
    return unreadable(path, "est endommagé ou incomplet (téléchargement ou copie interrompus ?) : "
                             f"reprenez-en une copie intacte, ou ouvrez-le dans {kind.application}, qui proposera "
                             "de le réparer, puis enregistrez-le")


def unsafe(path: Path, part: str, what: str, kind: PackageKind = WORKBOOK) -> UnreadableWorkbookError:
    return unreadable(path, f"contient du XML non sûr ({what} dans « {part} ») et n'a pas été lu par "
                             f"précaution : vérifiez sa provenance, puis {kind.save_as}")


def suspicious_size(path: Path, what: str, kind: PackageKind = WORKBOOK) -> UnreadableWorkbookError:
    return unreadable(path, f"a une structure anormale ({what}) et n'a pas été ouvert par précaution : "
                             f"vérifiez sa provenance, puis {kind.save_as} à nouveau")
