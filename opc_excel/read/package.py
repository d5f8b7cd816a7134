"""Look at a file before openpyxl does, and load it safely.

Staff hand the tool anything: a CSV renamed .xlsx, a truncated download, an encrypted or an
old .xls workbook, an .ods, a zip bomb, XML with external entities. :func:`inspect_package`
refuses those with one French sentence (DQ-FILE) using only the zip's central directory and
the first bytes of each part, so it answers fast and never resolves an entity nor touches any
other file. It also reports which formulas have no cached value and which sheets calamine can't
read as openpyxl does. The parts themselves are scanned by :mod:`~opc_excel.read.package_xml` (XML
safety) and :mod:`~opc_excel.read.package_parts` (formulas without a value, sizes).
"""

from __future__ import annotations

import logging
import struct
import warnings
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING
from xml.etree.ElementTree import ParseError

from opc_excel.errors import UnreadableWorkbookError
from opc_excel.read.package_kind import (
    CHUNK,
    FULL_CRC_CHECK_BYTES,
    MAX_CENTRAL_DIRECTORY_BYTES,
    MAX_MEMBERS,
    MAX_PART_BYTES,
    MAX_RATIO,
    MAX_UNCOMPRESSED_BYTES,
    MIB,
    PRESENTATION,
    SAVE_AS_XLSX,
    TOO_MANY_MEMBERS,
    WORKBOOK,
    PackageKind,
    corrupt,
    suspicious_size,
    unreadable,
)
from opc_excel.read.package_parts import find_workbook_part, find_worksheet_parts, scan_sheet
from opc_excel.read.package_xml import check_xml_prolog, read_capped

if TYPE_CHECKING:  # openpyxl is loaded when a workbook is opened with it (refresh, a fallback), not to inspect one
    import openpyxl

log = logging.getLogger(__name__)

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xltx", ".xltm")  # what Excel opens as a workbook (openpyxl too)


@dataclass(frozen=True)
class PackageReport:
    """What :func:`inspect_package` learnt about a readable workbook."""

    path: Path
    macro_enabled: bool  # has xl/vbaProject.bin
    formulas_without_value: Mapping[str, tuple[str, ...]] = field(
        default_factory=lambda: MappingProxyType({}))  # sheet -> addresses, at most 1000 each
    # worksheets python-calamine would not read as openpyxl does (error cells, an area too large to hold)
    openpyxl_sheets: frozenset[str] = frozenset()


# ------------------------------------------------------------------------------ inspection


def inspect_package(path: str | Path, kind: PackageKind = WORKBOOK) -> PackageReport:
    """Return what a readable .xlsx/.xlsm (or, for PRESENTATION, .pptx/.potx) holds; raise
    UnreadableWorkbookError (French, naming the file) otherwise.

    A presentation gets the same checks as a workbook (not a zip, encrypted, zip bomb, DOCTYPE,
    oversized XML tokens); what a re-save would lose is only looked for in workbooks.
    """
    path = Path(path)
    head = _file_head(path, kind)
    if head.startswith(_OLE_MAGIC):
        raise _ole_error(path, kind)
    if not head.startswith(b"PK"):
        raise _not_a_zip_error(path, head, kind)
    try:
        _check_member_count(path, kind)
        with zipfile.ZipFile(path) as zf:
            return _inspect_zip(path, zf, kind)
    except UnreadableWorkbookError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError,
            KeyError, struct.error, ParseError) as exc:
        raise corrupt(path, kind) from exc
    except OSError as exc:
        raise unreadable(path, "n'a pas pu être lu (accès refusé, ou fichier verrouillé par un autre "
                                "programme) : fermez-le ailleurs ou copiez-le puis relancez") from exc


def _file_head(path: Path, kind: PackageKind = WORKBOOK) -> bytes:
    """Return the first 8 bytes of *path* after checking it is a non-empty regular file."""
    try:
        if path.is_dir():
            raise UnreadableWorkbookError(f"« {path.name} » est un dossier, pas un fichier {kind.suffix} : "
                                          f"indiquez le fichier {kind.suffix} lui-même.")
        if not path.exists():
            raise unreadable(path, "est introuvable : vérifiez son nom et le dossier où il se trouve")
        if path.stat().st_size == 0:
            raise unreadable(path, "est vide (0 octet) : il a sans doute été mal copié ou mal "
                                    "téléchargé ; reprenez-en une copie intacte")
        with path.open("rb") as stream:
            return stream.read(8)
    except OSError as exc:
        raise unreadable(path, "n'a pas pu être lu (accès refusé, ou fichier verrouillé par un autre "
                                "programme) : fermez-le ailleurs ou copiez-le puis relancez") from exc


def _ole_error(path: Path, kind: PackageKind = WORKBOOK) -> UnreadableWorkbookError:
    """Return the error for an OLE compound file: an encrypted workbook, an .xls, or else."""
    names = {name: name.encode("utf-16-le") for name in
             ("EncryptionInfo", "EncryptedPackage", "Workbook", "Book", "PowerPoint Document")}
    found: set[str] = set()
    tail = b""
    with path.open("rb") as stream:  # directory entries may sit anywhere: scan it all, in chunks
        while chunk := stream.read(CHUNK):
            window = tail + chunk
            found.update(name for name, raw in names.items() if raw in window)
            tail = window[-64:]
    if found & {"EncryptionInfo", "EncryptedPackage"}:
        where = "le classeur" if kind is WORKBOOK else "la présentation"
        return unreadable(path, f"est protégé par mot de passe : ouvrez-le dans {kind.application}, retirez "
                                 f"le mot de passe (Fichier > Informations > Protéger {where} > Chiffrer "
                                 "avec mot de passe) puis enregistrez-le")
    if kind is WORKBOOK and found & {"Workbook", "Book"}:
        return unreadable(path, f"est au format Excel 97-2003 (.xls) : {SAVE_AS_XLSX}")
    if kind is PRESENTATION and "PowerPoint Document" in found:
        return unreadable(path, f"est au format PowerPoint 97-2003 (.ppt) : {kind.save_as}")
    return unreadable(path, f"est un ancien document Office qui n'est pas {kind.noun} : {_indicate(kind)}")


def _indicate(kind: PackageKind) -> str:
    """Return what to give instead of a file of the wrong kind."""
    return ("indiquez le classeur .xlsx du projet" if kind is WORKBOOK
            else "indiquez un modèle PowerPoint (.pptx ou .potx)")


def _not_a_zip_error(path: Path, head: bytes, kind: PackageKind = WORKBOOK) -> UnreadableWorkbookError:
    if head.startswith(b"%PDF"):
        return unreadable(path, f"est un document PDF, pas {kind.noun} : {_indicate(kind)}")
    return unreadable(path, f"n'est pas {kind.noun} (fichier texte, CSV, page web ou autre "
                             f"document renommé en {kind.suffix} ?) : {kind.save_as}")


def _check_member_count(path: Path, kind: PackageKind = WORKBOOK) -> None:
    """Refuse a zip whose end record announces too many members, before ZipFile parses them."""
    size = path.stat().st_size
    with path.open("rb") as stream:
        stream.seek(max(0, size - 65_557))  # the end record and its comment fit in the last 64 KiB
        tail = stream.read()
        at = tail.rfind(b"PK\x05\x06")
        if at < 0 or len(tail) < at + 22:
            return  # no end record: ZipFile will say the file is not a zip
        count, cd_size = struct.unpack("<HI", tail[at + 10:at + 16])
        if count == 0xFFFF and at >= 20 and tail[at - 20:at - 16] == b"PK\x06\x07":
            stream.seek(struct.unpack("<Q", tail[at - 12:at - 4])[0])
            record = stream.read(56)
            if record[:4] == b"PK\x06\x06":
                count, cd_size = struct.unpack("<QQ", record[32:48])
    if count > MAX_MEMBERS or cd_size > MAX_CENTRAL_DIRECTORY_BYTES:
        raise suspicious_size(path, TOO_MANY_MEMBERS, kind)


def _inspect_zip(path: Path, zf: zipfile.ZipFile, kind: PackageKind = WORKBOOK) -> PackageReport:
    infos = zf.infolist()
    by_name = {info.filename.lower(): info for info in infos}
    _check_kind(path, zf, by_name, kind)
    _check_sizes(path, infos, kind)
    small = sum(info.file_size for info in infos) <= FULL_CRC_CHECK_BYTES
    for info in infos:  # worksheets are read to the end by scan_sheet below, which checks their CRC
        worksheet = (kind is WORKBOOK and info.filename.lower().startswith("xl/worksheets/")
                     and info.filename.lower().endswith(".xml"))
        check_xml_prolog(path, zf, info, verify_crc=small and not worksheet, scan=not worksheet, kind=kind)
    if kind is not WORKBOOK:
        return PackageReport(path=path, macro_enabled=False)
    workbook_part = find_workbook_part(path, zf, by_name)
    sheets = find_worksheet_parts(zf, by_name, workbook_part)
    missing: dict[str, tuple[str, ...]] = {}
    openpyxl_sheets: set[str] = set()
    for sheet_name, info in sheets.items():
        addresses, calamine_exact = scan_sheet(path, zf, info, sheet_name)
        if addresses:
            missing[sheet_name] = addresses
        if not calamine_exact:
            openpyxl_sheets.add(sheet_name)
    return PackageReport(path=path, macro_enabled="xl/vbaproject.bin" in by_name,
                         formulas_without_value=MappingProxyType(missing), openpyxl_sheets=frozenset(openpyxl_sheets))


def _check_kind(path: Path, zf: zipfile.ZipFile, by_name: dict[str, zipfile.ZipInfo],
                kind: PackageKind = WORKBOOK) -> None:
    """Refuse a zip that is an OpenDocument, a Word or PowerPoint file, an .xlsb or any other zip."""
    if kind is PRESENTATION:
        if any(info.flag_bits & 0x1 for info in by_name.values()):
            raise corrupt(path, kind)
        if "ppt/presentation.xml" not in by_name:
            found = ("un classeur Excel" if any(name.startswith("xl/") for name in by_name)
                     else "un document Word" if "word/document.xml" in by_name
                     else "un document OpenDocument" if "mimetype" in by_name else "une archive ZIP")
            raise unreadable(path, f"n'est pas une présentation PowerPoint mais {found} : {_indicate(kind)}")
        return
    if "mimetype" in by_name:
        mimetype = read_capped(zf, by_name["mimetype"], 200)
        if mimetype.startswith(b"application/vnd.oasis.opendocument.spreadsheet"):
            raise unreadable(path, "est un classeur OpenDocument (.ods) : ouvrez-le dans LibreOffice "
                                    "Calc et enregistrez-le au format « Excel 2007-365 (.xlsx) »")
        if mimetype.startswith(b"application/vnd.oasis.opendocument"):
            raise unreadable(path, "est un document OpenDocument, pas un classeur Excel : indiquez le "
                                    "classeur .xlsx du projet")
    if any(info.flag_bits & 0x1 for info in by_name.values()):
        raise corrupt(path)  # zip-level encryption: Excel never writes it
    if "xl/workbook.bin" in by_name:
        raise unreadable(path, f"est un classeur binaire Excel (.xlsb) : {SAVE_AS_XLSX}")
    if not any(name.startswith("xl/") for name in by_name):
        kind = ("un document Word" if "word/document.xml" in by_name
                else "une présentation PowerPoint" if "ppt/presentation.xml" in by_name
                else "une archive ZIP")
        raise unreadable(path, f"n'est pas un classeur Excel mais {kind} : indiquez le classeur .xlsx "
                                "du projet")


def _check_sizes(path: Path, infos: list[zipfile.ZipInfo], kind: PackageKind = WORKBOOK) -> None:
    """Refuse a zip bomb from the central directory's sizes alone, without decompressing."""
    if len(infos) > MAX_MEMBERS:
        raise suspicious_size(path, TOO_MANY_MEMBERS, kind)
    if sum(info.file_size for info in infos) > MAX_UNCOMPRESSED_BYTES:
        raise suspicious_size(path, f"plus de {MAX_UNCOMPRESSED_BYTES // MIB} Mo une fois décompressé", kind)
    for info in infos:
        if info.file_size > MAX_PART_BYTES:
            raise suspicious_size(path, f"un élément de plus de {MAX_PART_BYTES // MIB} Mo", kind)
        if info.file_size > MIB and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise suspicious_size(path, f"un élément compressé plus de {MAX_RATIO} fois", kind)



# ------------------------------------------------------------------------------ loading


def load_workbook_safely(path: str | Path, *, read_only: bool = False, data_only: bool = True,
                         report: PackageReport | None = None) -> openpyxl.Workbook:
    """Return the openpyxl workbook at *path*; raise UnreadableWorkbookError (French) if it can't be read.

    ``report`` is the file's :func:`inspect_package` report when the caller already has it.
    A read-only workbook keeps the file open until its ``close()`` is called.
    """
    import openpyxl
    import openpyxl.xml

    if not (openpyxl.xml.DEFUSEDXML and openpyxl.DEFUSEDXML):
        raise RuntimeError("openpyxl n'utilise pas defusedxml : installez defusedxml et retirez la "
                           "variable d'environnement OPENPYXL_DEFUSEDXML=False.")
    path = Path(path)
    report = report if report is not None else inspect_package(path)
    refuse_other_suffix(path, report)
    # We own the stream: openpyxl leaves its zip open when it fails, which locks the file on Windows.
    stream = path.open("rb")
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            workbook = openpyxl.load_workbook(stream, read_only=read_only, data_only=data_only)
    except MemoryError:
        stream.close()
        raise
    except Exception as exc:  # whatever openpyxl trips on, the user needs the same advice
        stream.close()
        raise unreadable(path, "n'a pas pu être lu : son contenu n'est pas conforme au format .xlsx "
                                f"(il a sans doute été produit par un autre logiciel) ; {SAVE_AS_XLSX}"
                          ) from exc
    for warning in caught:  # openpyxl's English warnings about what it does not read: for --debug only
        log.info("%s : %s", path.name, warning.message)
    if not read_only:
        stream.close()  # everything has been read
        return workbook
    close_archive = workbook.close

    def close() -> None:  # a read-only workbook reads lazily: the stream lives until close()
        close_archive()
        stream.close()

    workbook.close = close
    return workbook


def refuse_other_suffix(path: Path, report: PackageReport) -> None:
    """Raise UnreadableWorkbookError when a workbook's name does not end as a workbook's (Excel would not open it)."""
    if path.suffix.lower() not in WORKBOOK_SUFFIXES:
        suffix = ".xlsm" if report.macro_enabled else ".xlsx"
        raise unreadable(path, f"est un classeur Excel mais son nom se termine par « {path.suffix} » : "
                                f"renommez-le en « {path.stem}{suffix} » puis relancez")
