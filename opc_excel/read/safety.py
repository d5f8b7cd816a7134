"""Look at a file before openpyxl does, load it safely, and write it back without losing it.

Staff hand the tool anything: a CSV renamed .xlsx, a truncated download, an encrypted or an
old .xls workbook, an .ods, a zip bomb, XML with external entities. :func:`inspect_package`
refuses those with one French sentence (DQ-FILE) using only the zip's central directory and
the first bytes of each part, so it answers fast and never resolves an entity nor touches any
other file. It also reports what an openpyxl re-save would lose and which formulas have no
cached value.

What openpyxl 3.1.5 keeps on a load/save round trip (checked on workbooks written by
XlsxWriter, openpyxl and by hand): cell values and styles, plain comments, data validation,
conditional formatting, defined names, tables, external links, images (only when Pillow is
installed, and not WMF/EMF/SVG). What it loses: shapes, text boxes, form controls, threaded
comments, slicers, timelines, OLE objects, Power Query connections, the data model, cell
images, every sheet ``extLst`` (sparklines, cross-sheet drop-down lists, data bars), the
customUI ribbon (its relationship is dropped even with ``keep_vba=True``), the VBA project
unless ``keep_vba=True``, and every cached formula value (it writes ``<v></v>``). Charts and
pivot tables are re-written from openpyxl's own model: chart style and tick marks change, and
whether Excel accepts a re-written pivot table was not verified, so both are listed too.
"""

from __future__ import annotations

import errno
import glob
import logging
import math
import os
import posixpath
import re
import secrets
import shutil
import socket
import struct
import time
import uuid
import warnings
import zipfile
import zlib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import MappingProxyType
from typing import IO, Any
from xml.etree.ElementTree import ParseError

import openpyxl
import openpyxl.xml
from defusedxml.ElementTree import fromstring as safe_fromstring
from defusedxml.ElementTree import iterparse as safe_iterparse
from openpyxl.drawing.image import PILImage

from opc_excel.errors import OpcError, UnreadableWorkbookError, WorkbookBusyError

log = logging.getLogger(__name__)

MAX_UNCOMPRESSED_BYTES = 512 * 1024 * 1024  # total of all parts
MAX_PART_BYTES = 256 * 1024 * 1024  # one part
MAX_RATIO = 200  # uncompressed/compressed, for any part > 1 MiB
MAX_MEMBERS = 10_000
MAX_CENTRAL_DIRECTORY_BYTES = 16 * 1024 * 1024  # ZipFile parses it whole: bound the time it takes
MAX_MISSING_VALUES_PER_SHEET = 1000
STALE_LOCK_SECONDS = 3600

_MIB = 1024 * 1024
_HEAD_BYTES = 4096
_MAX_PROLOG_BYTES = _MIB  # a real prolog is a few hundred bytes; longer is an evasion attempt
_FULL_CRC_CHECK_BYTES = 32 * _MIB  # below this, decompress every part once to catch CRC errors
_CHUNK = _MIB
_OVERLAP = 1024  # a tag cut by a chunk boundary is still seen whole in the next window

_TOO_MANY_MEMBERS = f"plus de {MAX_MEMBERS:_} éléments".replace("_", " ")
_SAVE_AS_XLSX = "ouvrez-le dans Excel et enregistrez-le au format « Classeur Excel (*.xlsx) »"
# Excel holds at most 32 767 characters in a cell (≈ 160 KB of XML when every one is escaped):
# a longer run of text, or a longer tag, is no real workbook's and costs the XML parser dearly.
MAX_XML_TOKEN_BYTES = 1024 * 1024
_TOKEN_BLOCK = 64 * 1024
# Cells stored with a format and no value (a range formatted far below the data): openpyxl makes an
# object of each (≈ 450 bytes) when it loads a workbook to write it back.
MAX_EMPTY_CELLS_PER_SHEET = 1_000_000


@dataclass(frozen=True)
class PackageKind:
    """What a package must be, and how to name it in French: a workbook or a PowerPoint template."""

    noun: str  # "un classeur Excel"
    application: str  # what opens and repairs it
    save_as: str  # what to do to get a clean file
    folder: str  # the part folder of the main document
    suffix: str


WORKBOOK = PackageKind("un classeur Excel", "Excel", _SAVE_AS_XLSX, "xl/", ".xlsx")
PRESENTATION = PackageKind("une présentation PowerPoint", "PowerPoint",
                           "ouvrez-le dans PowerPoint et enregistrez-le au format « Présentation PowerPoint "
                           "(*.pptx) »", "ppt/", ".pptx")
_SPREADSHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_STRICT_NS = b"http://purl.oclc.org/ooxml/spreadsheetml/main"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SAFE_ENCODINGS = {"utf-8", "utf8", "utf-16", "utf16", "us-ascii", "ascii", "iso-8859-1", "latin-1",
                   "latin1", "windows-1252", "cp1252"}
_OPENPYXL_SUFFIXES = (".xlsx", ".xlsm", ".xltx", ".xltm")  # openpyxl refuses any other name
_KEPT_IMAGE_SUFFIXES = (".png", ".jpeg", ".jpg", ".gif")

# Parts openpyxl 3.1.5 neither reads nor copies back (prefix of the lower-cased part name).
_DROPPED_PARTS: tuple[tuple[str, str], ...] = (
    ("xl/vbaproject.bin", "des macros VBA"),
    ("customui/", "un ruban personnalisé (customUI)"),
    ("xl/pivottables/", "des tableaux croisés dynamiques"),
    ("xl/pivotcache/", "des tableaux croisés dynamiques"),
    ("xl/slicers/", "des segments (slicers)"),
    ("xl/slicercaches/", "des segments (slicers)"),
    ("xl/timelines/", "des chronologies"),
    ("xl/timelinecaches/", "des chronologies"),
    ("xl/activex/", "des contrôles de formulaire / ActiveX"),
    ("xl/ctrlprops/", "des contrôles de formulaire / ActiveX"),
    ("xl/threadedcomments/", "des commentaires en fil de discussion"),
    ("xl/embeddings/", "des objets incorporés (OLE)"),
    ("xl/model/", "un modèle de données Power Pivot"),
    ("xl/connections.xml", "des connexions de données (Power Query)"),
    ("xl/querytables/", "des connexions de données (Power Query)"),
    ("xl/richdata/", "des images dans les cellules"),
    ("xl/webextensions/", "des compléments Office attachés au classeur"),
    ("customxml/", "des données XML personnalisées (customXml, propriétés SharePoint)"),
)
# Sheet <extLst> entries: openpyxl warns "... extension is not supported and will be removed".
_SHEET_EXTENSIONS = {
    "{78C0D931-6437-407D-A8EE-F0AAD7539E65}":
        "des mises en forme conditionnelles avancées (barres de données, jeux d'icônes)",
    "{CCE6A557-97BC-4B89-ADB6-D9C93CAAB3DF}": "des listes déroulantes qui renvoient à une autre feuille",
    "{05C60535-1F16-4FD2-B633-F4F36F0B64E0}": "des graphiques sparkline",
    "{A8765BA9-456A-4DAB-B4F3-ACF838C121DE}": "des segments (slicers)",
    "{3A4CF648-6AED-40F4-86FF-DC5316D8AED3}": "des segments (slicers)",
    "{7E03D99C-DC04-49D9-9315-930204A7B6E9}": "des chronologies",
    "{FC87AEE6-9EDD-4A0A-B7FB-166176984837}": "des plages protégées",
}
_DYNAMIC_ARRAYS = "des formules matricielles dynamiques (FILTRE, UNIQUE, TRIER…)"
_SHAPES = "des formes ou zones de texte"
_CONTROLS = "des contrôles de formulaire / ActiveX"
_IMAGES = "des images"
_RICH_TEXT = "du texte mis en forme à l'intérieur d'une cellule (une partie en gras ou en couleur)"
_IGNORED_ERRORS = "des indicateurs d'erreur masqués (« Ignorer l'erreur » sur les triangles verts)"
_RICH_RUN = b"<r>"  # a formatted run of a shared or inline string (<rPr>, <rPh> are other tags)

_PROLOG_ITEM = re.compile(rb"\s+|<\?.*?\?>|<!--.*?-->", re.S)
_XML_ENCODING = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)""")
# Literal tokens, not a regex starting with "<": bytes.find is ten times faster on big sheets.
_FORMULA_TOKENS = (b"<f>", b"<f ", b"<f/", b":f>", b":f ", b":f/")
_DYNAMIC_ARRAY_CELL = re.compile(rb"<(?:\w+:)?c\s[^>]*?\bcm=\"")  # cell metadata: a spilled formula
_EXTENSION = re.compile(rb"<(?:\w+:)?ext\s[^>]*?\buri=\"(\{[0-9A-Fa-f-]+\})\"")
_ROOT_TAG = re.compile(rb"<(\w+:)?worksheet[\s>]")
_CACHED_VALUE = re.compile(rb"<v(?:\s[^>]*)?(?:/>|>(.*?)</v>)", re.S)
_CELL_REF = re.compile(rb"""\sr=["']([A-Z]{1,3}[0-9]+)["']""")
_DRAWING_SHAPE = re.compile(
    rb"<(?:\w+:)?(?:sp|grpSp|cxnSp|contentPart)[\s>/]"
    rb"|graphicData\s+uri=\"(?!http://schemas\.openxmlformats\.org/drawingml/2006/chart\")"
)
_ALTERNATE = re.compile(rb"<(?:\w+:)?AlternateContent\b.*?</(?:\w+:)?AlternateContent>", re.S)
_VML_CONTROL = re.compile(rb"ObjectType=\"(?!Note\")")
_VML_IMAGE = re.compile(rb"<(?:\w+:)?imagedata\b")
_CHART_PART = re.compile(r"xl/charts/chart\d+\.xml")


@dataclass(frozen=True)
class PackageReport:
    """What :func:`inspect_package` learnt about a readable workbook."""

    path: Path
    macro_enabled: bool  # has xl/vbaProject.bin
    droppable: tuple[str, ...]  # French descriptions of what an openpyxl re-save would lose
    formulas_without_value: Mapping[str, tuple[str, ...]] = field(
        default_factory=lambda: MappingProxyType({}))  # sheet -> addresses, at most 1000 each


# ------------------------------------------------------------------------------ messages


def _unreadable(path: Path, reason: str) -> UnreadableWorkbookError:
    """Return the DQ-FILE error for *path*, naming the file by its basename only."""
    return UnreadableWorkbookError(f"Le fichier « {path.name} » {reason}.")


def _corrupt(path: Path, kind: PackageKind = WORKBOOK) -> UnreadableWorkbookError:
    return _unreadable(path, "est endommagé ou incomplet (téléchargement ou copie interrompus ?) : "
                             f"reprenez-en une copie intacte, ou ouvrez-le dans {kind.application}, qui proposera "
                             "de le réparer, puis enregistrez-le")


def _unsafe(path: Path, part: str, what: str, kind: PackageKind = WORKBOOK) -> UnreadableWorkbookError:
    return _unreadable(path, f"contient du XML non sûr ({what} dans « {part} ») et n'a pas été lu par "
                             f"précaution : vérifiez sa provenance, puis {kind.save_as}")


def _suspicious_size(path: Path, what: str, kind: PackageKind = WORKBOOK) -> UnreadableWorkbookError:
    return _unreadable(path, f"a une structure anormale ({what}) et n'a pas été ouvert par précaution : "
                             f"vérifiez sa provenance, puis {kind.save_as} à nouveau")


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
        raise _corrupt(path, kind) from exc
    except OSError as exc:
        raise _unreadable(path, "n'a pas pu être lu (accès refusé, ou fichier verrouillé par un autre "
                                "programme) : fermez-le ailleurs ou copiez-le puis relancez") from exc


def _file_head(path: Path, kind: PackageKind = WORKBOOK) -> bytes:
    """Return the first 8 bytes of *path* after checking it is a non-empty regular file."""
    try:
        if path.is_dir():
            raise UnreadableWorkbookError(f"« {path.name} » est un dossier, pas un fichier {kind.suffix} : "
                                          f"indiquez le fichier {kind.suffix} lui-même.")
        if not path.exists():
            raise _unreadable(path, "est introuvable : vérifiez son nom et le dossier où il se trouve")
        if path.stat().st_size == 0:
            raise _unreadable(path, "est vide (0 octet) : il a sans doute été mal copié ou mal "
                                    "téléchargé ; reprenez-en une copie intacte")
        with path.open("rb") as stream:
            return stream.read(8)
    except OSError as exc:
        raise _unreadable(path, "n'a pas pu être lu (accès refusé, ou fichier verrouillé par un autre "
                                "programme) : fermez-le ailleurs ou copiez-le puis relancez") from exc


def _ole_error(path: Path, kind: PackageKind = WORKBOOK) -> UnreadableWorkbookError:
    """Return the error for an OLE compound file: an encrypted workbook, an .xls, or else."""
    names = {name: name.encode("utf-16-le") for name in
             ("EncryptionInfo", "EncryptedPackage", "Workbook", "Book", "PowerPoint Document")}
    found: set[str] = set()
    tail = b""
    with path.open("rb") as stream:  # directory entries may sit anywhere: scan it all, in chunks
        while chunk := stream.read(_CHUNK):
            window = tail + chunk
            found.update(name for name, raw in names.items() if raw in window)
            tail = window[-64:]
    if found & {"EncryptionInfo", "EncryptedPackage"}:
        where = "le classeur" if kind is WORKBOOK else "la présentation"
        return _unreadable(path, f"est protégé par mot de passe : ouvrez-le dans {kind.application}, retirez "
                                 f"le mot de passe (Fichier > Informations > Protéger {where} > Chiffrer "
                                 "avec mot de passe) puis enregistrez-le")
    if kind is WORKBOOK and found & {"Workbook", "Book"}:
        return _unreadable(path, f"est au format Excel 97-2003 (.xls) : {_SAVE_AS_XLSX}")
    if kind is PRESENTATION and "PowerPoint Document" in found:
        return _unreadable(path, f"est au format PowerPoint 97-2003 (.ppt) : {kind.save_as}")
    return _unreadable(path, f"est un ancien document Office qui n'est pas {kind.noun} : {_indicate(kind)}")


def _indicate(kind: PackageKind) -> str:
    """Return what to give instead of a file of the wrong kind."""
    return ("indiquez le classeur .xlsx du projet" if kind is WORKBOOK
            else "indiquez un modèle PowerPoint (.pptx ou .potx)")


def _not_a_zip_error(path: Path, head: bytes, kind: PackageKind = WORKBOOK) -> UnreadableWorkbookError:
    if head.startswith(b"%PDF"):
        return _unreadable(path, f"est un document PDF, pas {kind.noun} : {_indicate(kind)}")
    return _unreadable(path, f"n'est pas {kind.noun} (fichier texte, CSV, page web ou autre "
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
        raise _suspicious_size(path, _TOO_MANY_MEMBERS, kind)


def _inspect_zip(path: Path, zf: zipfile.ZipFile, kind: PackageKind = WORKBOOK) -> PackageReport:
    infos = zf.infolist()
    by_name = {info.filename.lower(): info for info in infos}
    _check_kind(path, zf, by_name, kind)
    _check_sizes(path, infos, kind)
    small = sum(info.file_size for info in infos) <= _FULL_CRC_CHECK_BYTES
    for info in infos:  # worksheets are read to the end by _scan_sheet below, which checks their CRC
        worksheet = (kind is WORKBOOK and info.filename.lower().startswith("xl/worksheets/")
                     and info.filename.lower().endswith(".xml"))
        _check_xml_prolog(path, zf, info, verify_crc=small and not worksheet, scan=not worksheet, kind=kind)
    if kind is not WORKBOOK:
        return PackageReport(path=path, macro_enabled=False, droppable=())
    workbook_part = _workbook_part(path, zf, by_name)
    sheets = _worksheet_parts(zf, by_name, workbook_part)
    droppable: list[str] = []
    missing: dict[str, tuple[str, ...]] = {}
    for sheet_name, info in sheets.items():
        addresses, losses = _scan_sheet(path, zf, info, sheet_name)
        droppable += losses
        if addresses:
            missing[sheet_name] = addresses
    droppable += _dropped_by_parts(zf, by_name)
    return PackageReport(path=path, macro_enabled="xl/vbaproject.bin" in by_name,
                         droppable=tuple(dict.fromkeys(droppable)),
                         formulas_without_value=MappingProxyType(missing))


def _check_kind(path: Path, zf: zipfile.ZipFile, by_name: dict[str, zipfile.ZipInfo],
                kind: PackageKind = WORKBOOK) -> None:
    """Refuse a zip that is an OpenDocument, a Word or PowerPoint file, an .xlsb or any other zip."""
    if kind is PRESENTATION:
        if any(info.flag_bits & 0x1 for info in by_name.values()):
            raise _corrupt(path, kind)
        if "ppt/presentation.xml" not in by_name:
            found = ("un classeur Excel" if any(name.startswith("xl/") for name in by_name)
                     else "un document Word" if "word/document.xml" in by_name
                     else "un document OpenDocument" if "mimetype" in by_name else "une archive ZIP")
            raise _unreadable(path, f"n'est pas une présentation PowerPoint mais {found} : {_indicate(kind)}")
        return
    if "mimetype" in by_name:
        mimetype = _read_capped(zf, by_name["mimetype"], 200)
        if mimetype.startswith(b"application/vnd.oasis.opendocument.spreadsheet"):
            raise _unreadable(path, "est un classeur OpenDocument (.ods) : ouvrez-le dans LibreOffice "
                                    "Calc et enregistrez-le au format « Excel 2007-365 (.xlsx) »")
        if mimetype.startswith(b"application/vnd.oasis.opendocument"):
            raise _unreadable(path, "est un document OpenDocument, pas un classeur Excel : indiquez le "
                                    "classeur .xlsx du projet")
    if any(info.flag_bits & 0x1 for info in by_name.values()):
        raise _corrupt(path)  # zip-level encryption: Excel never writes it
    if "xl/workbook.bin" in by_name:
        raise _unreadable(path, f"est un classeur binaire Excel (.xlsb) : {_SAVE_AS_XLSX}")
    if not any(name.startswith("xl/") for name in by_name):
        kind = ("un document Word" if "word/document.xml" in by_name
                else "une présentation PowerPoint" if "ppt/presentation.xml" in by_name
                else "une archive ZIP")
        raise _unreadable(path, f"n'est pas un classeur Excel mais {kind} : indiquez le classeur .xlsx "
                                "du projet")


def _check_sizes(path: Path, infos: list[zipfile.ZipInfo], kind: PackageKind = WORKBOOK) -> None:
    """Refuse a zip bomb from the central directory's sizes alone, without decompressing."""
    if len(infos) > MAX_MEMBERS:
        raise _suspicious_size(path, _TOO_MANY_MEMBERS, kind)
    if sum(info.file_size for info in infos) > MAX_UNCOMPRESSED_BYTES:
        raise _suspicious_size(path, f"plus de {MAX_UNCOMPRESSED_BYTES // _MIB} Mo une fois décompressé", kind)
    for info in infos:
        if info.file_size > MAX_PART_BYTES:
            raise _suspicious_size(path, f"un élément de plus de {MAX_PART_BYTES // _MIB} Mo", kind)
        if info.file_size > _MIB and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise _suspicious_size(path, f"un élément compressé plus de {MAX_RATIO} fois", kind)


def _read_capped(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    """Return at most *limit* bytes of a part (ZipFile itself stops at the declared size)."""
    with zf.open(info) as stream:
        return stream.read(limit)


class _CappedStream:
    """A stream whose read(n) returns at most n bytes (1 MiB when n < 0), and raises once more than
    the part's declared size has come out."""

    def __init__(self, stream: IO[bytes], limit: int) -> None:
        self._stream, self._left = stream, limit

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(_CHUNK if size is None or size < 0 else size)
        self._left -= len(data)
        if self._left < 0:
            raise zipfile.BadZipFile("part larger than its declared size")
        return data


class _TokenTooLong(Exception):
    """A part holds a run longer than MAX_XML_TOKEN_BYTES without a "<"."""


class _TokenScanner:
    """Fed a part's bytes in order, raise _TokenTooLong at the first run longer than MAX_XML_TOKEN_BYTES
    without a "<": a tag (no "<" may stand in an attribute value) or a text far too long for a cell.

    Exact, yet only one find and one rfind per 64 KiB block: a run longer than a block either
    ends at the first "<" of a later block, or is still running when a block has none.
    """

    def __init__(self) -> None:
        self._at = 0  # bytes fed so far
        self._last = -1  # offset of the last "<" seen

    def feed(self, data: bytes) -> None:
        for start in range(0, len(data), _TOKEN_BLOCK):
            end = min(start + _TOKEN_BLOCK, len(data))
            first = data.find(b"<", start, end)
            run_end = self._at + (end if first < 0 else first)
            if run_end - self._last - 1 > MAX_XML_TOKEN_BYTES:
                raise _TokenTooLong
            if first >= 0:
                self._last = self._at + data.rfind(b"<", start, end)
        self._at += len(data)


def _token_error(path: Path, part: str, kind: PackageKind) -> UnreadableWorkbookError:
    size = f"{MAX_XML_TOKEN_BYTES // _MIB} Mo"
    return _suspicious_size(path, f"un texte ou une balise de plus de {size} d'un seul tenant dans « {part} », "
                                  "quand une cellule Excel contient au plus 32 767 caractères", kind)


def _check_xml_prolog(path: Path, zf: zipfile.ZipFile, info: zipfile.ZipInfo, *, verify_crc: bool,
                      scan: bool = True, kind: PackageKind = WORKBOOK) -> None:
    """Refuse a part whose XML prolog holds a DOCTYPE (entities live only there) or an odd encoding,
    and (*scan*) an XML part holding a text or a tag longer than MAX_XML_TOKEN_BYTES.

    Every part is looked at, not only *.xml: openpyxl follows relationships, whatever the name.
    """
    with zf.open(info) as stream:
        raw = stream.read(_HEAD_BYTES)
        while True:
            verdict = _prolog_verdict(raw)
            if verdict != "more" or len(raw) >= _MAX_PROLOG_BYTES:
                break
            more = stream.read(_HEAD_BYTES * 16)
            if not more:
                break
            raw += more
        if verdict == "more" and len(raw) >= _MAX_PROLOG_BYTES:
            raise _unsafe(path, info.filename, "prologue XML démesuré", kind)
        if verdict in ("DOCTYPE", "ENTITY") or verdict.startswith("encoding"):
            raise _unsafe(path, info.filename, f"déclaration {verdict}", kind)
        if scan and _as_ascii_compatible(raw[:_HEAD_BYTES]).lstrip().startswith(b"<"):
            scanner = _TokenScanner()  # reading to the end also makes ZipFile check the CRC
            try:
                scanner.feed(raw)
                capped = _CappedStream(stream, info.file_size - len(raw))
                while chunk := capped.read(_CHUNK):
                    scanner.feed(chunk)
            except _TokenTooLong:
                raise _token_error(path, info.filename, kind) from None
        elif verify_crc:  # reading to the end makes ZipFile check the CRC
            while stream.read(_CHUNK):
                pass


def _prolog_verdict(raw: bytes) -> str:
    """Return "ok", "more" (prolog not over yet), "DOCTYPE", "ENTITY" or "encoding X" for a part's head."""
    text = _as_ascii_compatible(raw)
    if not text.lstrip().startswith(b"<"):
        return "ok"  # not XML (an image, vbaProject.bin): openpyxl does not parse it
    encoding = _XML_ENCODING.match(text.lstrip())
    if encoding and encoding.group(1).decode("ascii").lower() not in _SAFE_ENCODINGS:
        return f"encoding {encoding.group(1).decode('ascii')}"
    at = 0
    while match := _PROLOG_ITEM.match(text, at):
        at = match.end()
    rest = text[at:]
    if rest.upper().startswith(b"<!DOCTYPE"):
        return "DOCTYPE"
    if b"<!ENTITY" in text.upper():  # belt and braces: entities can only be declared in a DOCTYPE
        return "ENTITY"
    if not rest or rest.startswith((b"<?", b"<!--", b"<!")):
        return "more"  # an unfinished comment or processing instruction
    return "ok"


def _as_ascii_compatible(raw: bytes) -> bytes:
    """Return *raw* with UTF-16 text re-encoded as UTF-8 so that markup is found byte-wise."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:]
    for bom, codec in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"),
                       (b"<\x00", "utf-16-le"), (b"\x00<", "utf-16-be")):
        if raw.startswith(bom):
            body = raw[2:] if bom.startswith(b"\xff") or bom.startswith(b"\xfe") else raw
            return body[: len(body) // 2 * 2].decode(codec, errors="replace").encode("utf-8")
    return raw


def _workbook_part(path: Path, zf: zipfile.ZipFile, by_name: dict[str, zipfile.ZipInfo]) -> str:
    """Return the workbook part's name (lower case), found through the package relationships."""
    part = "xl/workbook.xml"
    if "_rels/.rels" in by_name:
        for rel in _relationships(zf, by_name["_rels/.rels"]):
            if rel["Type"].endswith("/officeDocument"):
                part = rel["Target"].lstrip("/").lower()
    if part not in by_name:
        raise _unreadable(path, "n'est pas un classeur Excel (il ne contient pas de classeur) : "
                                "indiquez le classeur .xlsx du projet")
    if _STRICT_NS in _read_capped(zf, by_name[part], _HEAD_BYTES):
        raise _unreadable(path, f"est au format « Feuille de calcul Open XML Strict » : {_SAVE_AS_XLSX}")
    return part


def _relationships(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> list[dict[str, str]]:
    """Return the Relationship elements of a .rels part as attribute dicts."""
    root = safe_fromstring(_read_capped(zf, info, info.file_size))
    return [{"Type": "", "Target": "", **rel.attrib} for rel in root.iter(f"{{{_RELS_NS}}}Relationship")]


def _worksheet_parts(zf: zipfile.ZipFile, by_name: dict[str, zipfile.ZipInfo],
                     workbook_part: str) -> dict[str, zipfile.ZipInfo]:
    """Return sheet name -> worksheet part, in workbook order (chart sheets left out)."""
    folder, base = posixpath.split(workbook_part)
    rels_info = by_name.get(posixpath.join(folder, "_rels", base + ".rels"))
    targets: dict[str, str] = {}
    if rels_info is not None:
        for rel in _relationships(zf, rels_info):
            if rel["Type"].endswith("/worksheet"):
                target = rel["Target"]
                name = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
                targets[rel.get("Id", "")] = posixpath.normpath(name).lower()
    info = by_name[workbook_part]
    root = safe_fromstring(_read_capped(zf, info, info.file_size))
    sheets: dict[str, zipfile.ZipInfo] = {}
    for sheet in root.iter(f"{{{_SPREADSHEET_NS}}}sheet"):
        part = targets.get(sheet.get(f"{{{_DOC_REL_NS}}}id", ""))
        if part in by_name:
            sheets[sheet.get("name", "")] = by_name[part]
    return sheets


def _scan_sheet(path: Path, zf: zipfile.ZipFile, info: zipfile.ZipInfo,
                sheet_name: str = "") -> tuple[tuple[str, ...], list[str]]:
    """Return (formula cells without a cached value, what a re-save loses) for one worksheet.

    A byte scan first; cells are looked at only when the sheet holds formulas. Raise
    UnreadableWorkbookError when the sheet holds an oversized XML token, or more than
    MAX_EMPTY_CELLS_PER_SHEET cells with a format and no value.
    """
    has_formula = dynamic = False
    losses: list[str] = []
    window = b""
    scanner = _TokenScanner()
    empty_cells = 0  # "<c .../>" is a cell without a value; one with a value closes with "</c>"
    with zf.open(info) as stream:
        capped = _CappedStream(stream, info.file_size)
        while chunk := capped.read(_CHUNK):
            try:
                scanner.feed(chunk)
            except _TokenTooLong:
                raise _token_error(path, info.filename, WORKBOOK) from None
            tail = window[-_OVERLAP:]
            window = tail + chunk  # tags cut by the chunk boundary are counted once, whole, here
            empty_cells += (window.count(b"<c ") - tail.count(b"<c ")) - (window.count(b"</c>") - tail.count(b"</c>"))
            has_formula = has_formula or any(token in window for token in _FORMULA_TOKENS)
            dynamic = dynamic or (b' cm="' in window and _DYNAMIC_ARRAY_CELL.search(window) is not None)
            if b"uri=" in window:
                losses += [_SHEET_EXTENSIONS[uri] for uri in
                           (m.group(1).decode("ascii").upper() for m in _EXTENSION.finditer(window))
                           if uri in _SHEET_EXTENSIONS]
            if _RICH_RUN in window:  # an inline string with formatted runs
                losses.append(_RICH_TEXT)
            if b"<ignoredErrors" in window:
                losses.append(_IGNORED_ERRORS)
    if empty_cells > MAX_EMPTY_CELLS_PER_SHEET:
        raise _too_many_empty_cells(path, sheet_name, empty_cells)
    if dynamic:
        losses.append(_DYNAMIC_ARRAYS)
    return (_formulas_without_value(zf, info) if has_formula else ()), losses


def _too_many_empty_cells(path: Path, sheet: str, count: int) -> UnreadableWorkbookError:
    shown = f"{count:_}".replace("_", " ")
    limit = f"{MAX_EMPTY_CELLS_PER_SHEET:_}".replace("_", " ")
    return UnreadableWorkbookError(
        f"La feuille « {sheet} » du fichier « {path.name} » contient {shown} cellules vides mises en forme "
        f"(plus de {limit}) : une mise en forme appliquée bien au-delà des données, que cet outil ne peut pas "
        "charger sans saturer la mémoire. Dans Excel, sélectionnez les lignes vides sous les données (et les "
        "colonnes vides à droite), clic droit > Supprimer, enregistrez le classeur puis relancez.")


def _formulas_without_value(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> tuple[str, ...]:
    """Return the addresses of formula cells with no cached value: <f> and no <v>, or an empty <v>.

    An empty <v> with t="str" is a cached empty string (Excel writes it for ="" results).
    Sheets in the default namespace (Excel, LibreOffice, openpyxl) are scanned row block by row
    block, a hundred times faster than iterparse on a sheet of 100 000 formulas; others are parsed.
    """
    root = _ROOT_TAG.search(_read_capped(zf, info, _HEAD_BYTES))
    if root is None or root.group(1):
        return _parse_formulas_without_value(zf, info)
    found: list[str] = []
    carry = b""
    with zf.open(info) as stream:
        capped = _CappedStream(stream, info.file_size)
        while len(found) < MAX_MISSING_VALUES_PER_SHEET:
            chunk = capped.read(_CHUNK)
            data = carry + chunk
            cut = data.rfind(b"</row>") + len(b"</row>") if chunk else len(data)
            if cut < len(b"</row>"):
                carry = data  # a row longer than a chunk: read on
                continue
            _scan_formula_cells(data[:cut], found)
            carry = data[cut:]
            if not chunk:
                break
    return tuple(found[:MAX_MISSING_VALUES_PER_SHEET])


def _scan_formula_cells(block: bytes, found: list[str]) -> None:
    """Append to *found* the formula cells of *block* (whole rows) that have no cached value."""
    at = block.find(b"<f")
    while at >= 0 and len(found) < MAX_MISSING_VALUES_PER_SHEET:
        end = block.find(b"</c>", at)
        end = len(block) if end < 0 else end
        start = block.rfind(b"<c ", 0, at)
        if block[at + 2:at + 3] in (b">", b" ", b"/", b"\t", b"\r", b"\n") and start >= 0:  # not <filter
            open_tag = block[start:block.find(b">", start)]
            value = _CACHED_VALUE.search(block, at, end)
            if value is None or (not value.group(1) and b' t="str"' not in open_tag):
                ref = _CELL_REF.search(open_tag)
                found.append(ref.group(1).decode("ascii") if ref else "?")
        at = block.find(b"<f", max(end, at + 2))


def _parse_formulas_without_value(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> tuple[str, ...]:
    """Return what :func:`_formulas_without_value` returns, for a sheet using a namespace prefix."""
    cell_tag, f_tag, v_tag = (f"{{{_SPREADSHEET_NS}}}{tag}" for tag in ("c", "f", "v"))
    row_tag = f"{{{_SPREADSHEET_NS}}}row"
    sheet_data_tag = f"{{{_SPREADSHEET_NS}}}sheetData"
    found: list[str] = []
    sheet_data = None
    with zf.open(info) as stream:
        events = safe_iterparse(_CappedStream(stream, info.file_size), events=("start", "end"))
        for event, elem in events:
            if event == "start":
                if elem.tag == sheet_data_tag:
                    sheet_data = elem
            elif elem.tag == cell_tag:
                if elem.find(f_tag) is not None:
                    value = elem.find(v_tag)
                    if value is None or (not value.text and elem.get("t") != "str"):
                        found.append(elem.get("r", "?"))
                        if len(found) >= MAX_MISSING_VALUES_PER_SHEET:
                            break
                elem.clear()
            elif elem.tag == row_tag and sheet_data is not None:
                del sheet_data[:]  # drop finished rows: memory stays flat on big sheets
    return tuple(found)


def _dropped_by_parts(zf: zipfile.ZipFile, by_name: dict[str, zipfile.ZipInfo]) -> list[str]:
    """Return descriptions of what openpyxl would drop, judged from the parts present."""
    losses: list[str] = []
    charts = sum(1 for name in by_name if _CHART_PART.fullmatch(name))
    if charts:  # re-drawn from openpyxl's model: style and colour parts, tick marks are lost
        losses.append(f"des graphiques ({charts})")
    for name, info in by_name.items():
        if name.startswith("xl/drawings/") and name.endswith(".xml"):
            drawing = _ALTERNATE.sub(  # a slicer's fallback shape is not a shape of the user's
                lambda m: b"" if b"slicer" in m.group(0) else m.group(0),
                _read_capped(zf, info, info.file_size))
            if _DRAWING_SHAPE.search(drawing):
                losses.append(_SHAPES)
        elif name.startswith("xl/drawings/") and name.endswith(".vml"):
            vml = _read_capped(zf, info, info.file_size)
            if _VML_CONTROL.search(vml):
                losses.append(_CONTROLS)
            if _VML_IMAGE.search(vml):  # header/footer pictures
                losses.append(_IMAGES)
        elif name.startswith("xl/media/") and (not PILImage or not name.endswith(_KEPT_IMAGE_SUFFIXES)):
            losses.append(_IMAGES)
    losses += [what for name in by_name for prefix, what in _DROPPED_PARTS if name.startswith(prefix)]
    if "xl/sharedstrings.xml" in by_name and _holds(zf, by_name["xl/sharedstrings.xml"], _RICH_RUN):
        losses.append(_RICH_TEXT)  # openpyxl keeps the text of the runs, not their formats
    return losses


def _holds(zf: zipfile.ZipFile, info: zipfile.ZipInfo, token: bytes) -> bool:
    """Return True if the part holds *token*, read in chunks."""
    window = b""
    with zf.open(info) as stream:
        capped = _CappedStream(stream, info.file_size)
        while chunk := capped.read(_CHUNK):
            window = window[-_OVERLAP:] + chunk
            if token in window:
                return True
    return False


# ------------------------------------------------------------------------------ loading


def load_workbook_safely(path: str | Path, *, read_only: bool = False, data_only: bool = True,
                         keep_vba: bool = False, report: PackageReport | None = None) -> openpyxl.Workbook:
    """Return the openpyxl workbook at *path*; raise UnreadableWorkbookError (French) if it can't be read.

    ``report`` is the file's :func:`inspect_package` report when the caller already has it.
    A read-only workbook keeps the file open until its ``close()`` is called.
    """
    if not (openpyxl.xml.DEFUSEDXML and openpyxl.DEFUSEDXML):
        raise RuntimeError("openpyxl n'utilise pas defusedxml : installez defusedxml et retirez la "
                           "variable d'environnement OPENPYXL_DEFUSEDXML=False.")
    path = Path(path)
    report = report if report is not None else inspect_package(path)
    if path.suffix.lower() not in _OPENPYXL_SUFFIXES:
        suffix = ".xlsm" if report.macro_enabled else ".xlsx"
        raise _unreadable(path, f"est un classeur Excel mais son nom se termine par « {path.suffix} » : "
                                f"renommez-le en « {path.stem}{suffix} » puis relancez")
    # We own the stream: openpyxl leaves its zip open when it fails, which locks the file on Windows.
    stream = path.open("rb")
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            workbook = openpyxl.load_workbook(stream, read_only=read_only, data_only=data_only,
                                              keep_vba=keep_vba)
    except MemoryError:
        stream.close()
        raise
    except Exception as exc:  # whatever openpyxl trips on, the user needs the same advice
        stream.close()
        raise _unreadable(path, "n'a pas pu être lu : son contenu n'est pas conforme au format .xlsx "
                                f"(il a sans doute été produit par un autre logiciel) ; {_SAVE_AS_XLSX}"
                          ) from exc
    for warning in caught:  # openpyxl warns about what it drops; droppable already says so
        log.info("%s : %s", path.name, warning.message)
    if not read_only:
        stream.close()  # everything has been read
        _refuse_unwritable_numbers(path, workbook)
        return workbook
    close_archive = workbook.close

    def close() -> None:  # a read-only workbook reads lazily: the stream lives until close()
        close_archive()
        stream.close()

    workbook.close = close
    return workbook


def _refuse_unwritable_numbers(path: Path, workbook: openpyxl.Workbook) -> None:
    """Raise UnreadableWorkbookError if a cell holds a number openpyxl can't write back.

    Another program may store ``1E+400`` (read as infinity) or a 400-digit integer: openpyxl
    would save the first as an empty cell and fail on the second, so a copy would not be faithful.
    """
    for ws in workbook.worksheets:
        for cell in ws._cells.values():  # noqa: SLF001 - only the cells the file holds
            value = cell._value  # noqa: SLF001
            if (isinstance(value, float) and not math.isfinite(value)) or (
                    isinstance(value, int) and not isinstance(value, bool) and abs(value) > _LARGEST_FLOAT):
                shown = str(value) if isinstance(value, float) else f"{str(value)[:12]}… ({len(str(value))} chiffres)"
                raise _unreadable(path, f"contient en {ws.title}!{cell.coordinate} un nombre hors des limites "
                                        f"d'Excel (« {shown} ») qui ne peut pas être réenregistré : corrigez cette "
                                        "cellule, puis relancez")


_LARGEST_FLOAT = 1.7976931348623157e308


# ------------------------------------------------------------------------------ writing


class UnwritableFileError(OpcError):
    """A file can't be written where asked (no such folder, a folder there, a full disk…); nothing was replaced."""


def writable_target(path: str | Path, *, example_name: str = "") -> Path:
    """Return the file that writing *path* really replaces: a symbolic link's target, so the link stays.

    Raise UnwritableFileError (French, naming the path and what to do) when *path* is a folder or
    its folder does not exist. *example_name* is the file name suggested inside a folder given by mistake.
    """
    path = Path(path)
    real = Path(os.path.realpath(path)) if path.is_symlink() else path
    if real.is_dir():
        example = f", par exemple « {path / example_name} »" if example_name else ""
        raise UnwritableFileError(f"« {path} » est un dossier, pas un fichier : indiquez le nom du fichier à "
                                  f"écrire dans ce dossier{example}, puis relancez.")
    folder = real.parent
    if not folder.is_dir():
        what = "est un fichier, pas un dossier" if folder.exists() else "n'existe pas"
        raise UnwritableFileError(f"Le dossier « {folder} » {what} : créez ce dossier ou indiquez un autre "
                                  f"chemin pour « {path.name} », puis relancez.")
    return real


def same_file(one: str | Path, other: str | Path) -> bool:
    """Return True if both paths name one existing file (same path, link, other spelling or case)."""
    try:
        return os.path.samefile(one, other)
    except (OSError, ValueError):
        return False


def atomic_save(workbook: Any, path: str | Path) -> None:
    """Save *workbook* to *path* through a temporary file in the same folder, then swap it in.

    On any failure the temporary file is removed and *path* is left as it was. A symbolic link
    stays a link: the file it points to is replaced.
    """
    _atomic_write(Path(path), workbook.save)


def atomic_write_bytes(path: Path, data: bytes) -> Path:
    """Write *data* to *path* the same way (a deck, a report): the whole file or nothing; return *path*."""
    _atomic_write(path, lambda stream: stream.write(data))
    return path


def _atomic_write(path: Path, write: Callable[[Any], object]) -> None:
    path = writable_target(path)
    try:
        tmp, fd = _exclusive_file(path.parent, f"{_temporary_prefix(path)}{os.getpid()}.", ".tmp")
    except PermissionError as exc:
        raise _cannot_save(path) from exc
    except OSError as exc:
        raise _write_error(path, exc) from exc
    try:
        with os.fdopen(fd, "wb") as stream:
            guarded = _Guarded(stream)
            try:
                write(guarded)
            finally:
                guarded.done = True
            stream.flush()
            os.fsync(stream.fileno())
        if path.exists():
            shutil.copymode(path, tmp)  # keep the master's permissions on a shared folder
        os.replace(tmp, path)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, PermissionError):  # Windows refuses to replace a file open in Excel
            raise _cannot_save(path) from exc
        if isinstance(exc, OSError) and exc.errno is not None:  # the system's own error: say it in French
            raise _write_error(path, exc) from exc
        raise
    _fsync_folder(path.parent)


class _Guarded:
    """The temporary file as a writer sees it: once the writer has returned or failed, calls do nothing.

    openpyxl leaves its zip open when a write fails (a full disk); the garbage collector later
    closes that zip, writing to our closed file, and Python would print an English « Exception
    ignored … » on the user's terminal.
    """

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream, self.done = stream, False

    def write(self, data: bytes) -> int:
        return len(data) if self.done else self.stream.write(data)

    def seek(self, offset: int, whence: int = 0) -> int:
        return 0 if self.done else self.stream.seek(offset, whence)

    def tell(self) -> int:
        return 0 if self.done else self.stream.tell()

    def flush(self) -> None:
        if not self.done:
            self.stream.flush()

    def seekable(self) -> bool:
        return True

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


_DISK_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
_OS_ERRORS_FR = {
    errno.EROFS: "le disque est en lecture seule",
    errno.ENAMETOOLONG: "le chemin est trop long",
    errno.EIO: "erreur de lecture ou d'écriture du disque ou du réseau",
    errno.ENOENT: "le dossier a disparu pendant l'écriture",
    errno.EACCES: "le dossier est protégé en écriture",
    errno.EPERM: "le dossier est protégé en écriture",
}


def _write_error(path: Path, exc: OSError, doing: str = "") -> UnwritableFileError:
    """Return the French sentence for a failed write of *path*: what happened, that nothing was replaced, what to do."""
    what = doing or f"« {path} » n'a pas pu être écrit"
    if exc.errno in _DISK_FULL:
        return UnwritableFileError(f"Le disque est plein : {what}, et aucun fichier n'a été remplacé. Libérez de la "
                                   f"place dans le dossier « {path.parent} » (ou écrivez ailleurs), puis relancez.")
    reason = _OS_ERRORS_FR.get(exc.errno, f"erreur système n° {exc.errno}")
    return UnwritableFileError(f"{what[0].upper()}{what[1:]} ({reason}), et aucun fichier n'a été remplacé : "
                               f"vérifiez le dossier « {path.parent} » (droits, place, connexion réseau), "
                               "puis relancez.")


def _temporary_prefix(path: Path) -> str:
    return f".~{path.name}."


def remove_leftovers(path: str | Path) -> list[Path]:
    """Remove the temporary files a killed save of *path* left beside it; return them.

    A save writes ``.~<name>.<pid>.<random>.tmp`` and renames it over *path*; killed before the
    rename (power cut, closed session), the file stays. Called under the workbook's lock, when no
    other refresh of this workbook runs here: a file whose process is gone from this machine is removed.
    """
    path = Path(path)
    prefix = _temporary_prefix(path)
    removed = []
    for leftover in path.parent.glob(f"{glob.escape(prefix)}*.tmp"):
        pid_text = leftover.name[len(prefix):].split(".")[0]
        if pid_text.isdigit() and int(pid_text) != os.getpid() and not _pid_alive(int(pid_text)):
            try:
                leftover.unlink()
            except OSError:
                continue
            removed.append(leftover)
    return removed


def _cannot_save(path: Path) -> WorkbookBusyError:
    return WorkbookBusyError(f"Le classeur « {path.name} » n'a pas pu être enregistré : il est ouvert "
                             "dans un autre programme (Excel ?) ou le dossier est protégé en écriture ; "
                             "fermez-le puis relancez.")


def _exclusive_file(folder: Path, prefix: str, suffix: str) -> tuple[Path, int]:
    """Return a new file's path and descriptor, created with O_EXCL under the usual umask."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        candidate = folder / f"{prefix}{secrets.token_hex(4)}{suffix}"
        try:
            return candidate, os.open(candidate, flags, 0o666)
        except FileExistsError:
            continue


def _fsync_folder(folder: Path) -> None:
    """Make the rename durable where the OS allows syncing a directory (not Windows)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def backup_copy(path: str | Path, *, now: datetime | None = None) -> Path:
    """Return the path of a new copy of *path*, "<stem>.sauvegarde-YYYYMMDD-HHMMSS<suffix>", beside it.

    An existing backup is never overwritten: "-2", "-3"… are added instead.
    """
    path = Path(path)
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    for n in range(1, 10_000):
        target = path.with_name(f"{path.stem}.sauvegarde-{stamp}{'' if n == 1 else f'-{n}'}{path.suffix}")
        doing = f"la copie de sauvegarde de « {path.name} » n'a pas pu être faite"
        try:  # reserve the name atomically, then fill it
            os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        except FileExistsError:
            continue
        except OSError as exc:
            raise _write_error(target, exc, doing) from exc
        try:
            shutil.copy2(path, target)
        except BaseException as exc:
            target.unlink(missing_ok=True)
            if isinstance(exc, OSError) and exc.errno is not None:
                raise _write_error(target, exc, doing) from exc
            raise
        return target
    raise FileExistsError(f"Trop de sauvegardes de « {path.name} » pour {stamp}.")


# ------------------------------------------------------------------------------ locking


@contextmanager
def workbook_lock(path: str | Path) -> Iterator[Path]:
    """Yield the lock file "~$<name>.opc-lock" held beside *path* while a refresh runs.

    Raise WorkbookBusyError if another live process holds it. A lock whose process is gone (same
    machine) or older than an hour is taken over. The lock is removed on exit if still ours.
    """
    path = Path(path)
    lock = path.with_name(f"~${path.name}.opc-lock")
    token = f"{os.getpid()}\n{socket.gethostname()}\n{uuid.uuid4()}\n"
    for _attempt in range(2):
        try:
            fd = os.open(lock, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            if not _is_stale(lock):
                raise WorkbookBusyError(
                    f"Le classeur « {path.name} » est déjà en cours d'actualisation par un autre "
                    "traitement : attendez la fin de celui-ci puis relancez.") from None
            lock.unlink(missing_ok=True)
            continue
        except OSError as exc:
            raise _write_error(lock, exc, f"le verrou « {lock.name} » n'a pas pu être créé") from exc
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as stream:
                stream.write(token)
        except OSError as exc:
            lock.unlink(missing_ok=True)
            raise _write_error(lock, exc, f"le verrou « {lock.name} » n'a pas pu être créé") from exc
        break
    else:
        raise WorkbookBusyError(f"Le classeur « {path.name} » est déjà en cours d'actualisation par un "
                                "autre traitement : attendez la fin de celui-ci puis relancez.")
    try:
        yield lock
    finally:
        try:
            if lock.read_text(encoding="utf-8") == token:  # taken over after an hour: not ours
                lock.unlink()
        except OSError:
            pass


_OFFICE_APPS = {".pptx": ("le diaporama", "PowerPoint")}  # any other name: a workbook, in Excel


def refuse_if_open(path: str | Path) -> None:
    """Raise WorkbookBusyError if Excel, PowerPoint or LibreOffice has *path* open.

    They leave an owner file beside what they open: « ~$<nom> » for Office (byte 0 is the length
    of the user's name, then the name, padded; at byte 54 the length again, then the name in
    UTF-16), « .~lock.<nom># » for LibreOffice (``nom complet,utilisateur,poste,date,…``). Replacing
    the file under them would lose what is typed there at their next save. An owner file left by
    a crash must be removed by hand: the message says so.
    """
    path = Path(path)
    what, office = _OFFICE_APPS.get(path.suffix.lower(), ("le classeur", "Excel"))
    for owner, app, read_user in ((path.with_name(f"~${path.name}"), office, _office_owner),
                                  (path.with_name(f".~lock.{path.name}#"), "LibreOffice", _libreoffice_owner)):
        try:
            user = read_user(owner.read_bytes()[:4096])
        except FileNotFoundError:
            continue
        except OSError:
            user = ""
        by = user or "un autre utilisateur"
        raise WorkbookBusyError(
            f"« {path.name} » : {what} est ouvert dans {app} par {by} ; fermez-le dans {app} (ou demandez à "
            f"{by} de le faire), puis relancez. S'il n'est ouvert nulle part ({app} s'est arrêté "
            f"brutalement), supprimez le fichier caché « {owner.name} » à côté de lui, puis relancez.")


def _office_owner(data: bytes) -> str:
    """Return the user name an Office owner file holds ('' if none can be read)."""
    if len(data) >= 56:
        length = int.from_bytes(data[54:56], "little")
        wide = data[56:56 + 2 * length]
        if 0 < length and len(wide) == 2 * length:
            try:
                return _printable(wide.decode("utf-16-le"))
            except UnicodeDecodeError:
                pass
    length = data[0] if data else 0
    return _printable(data[1:1 + length].decode("cp1252", errors="replace"))


def _libreoffice_owner(data: bytes) -> str:
    """Return the user a LibreOffice lock file names: the full name, else the account ('' if none)."""
    fields = data.decode("utf-8", errors="replace").split(",")
    return next((_printable(f) for f in fields[:2] if _printable(f)), "")


def _printable(text: str) -> str:
    return "".join(c for c in text if c.isprintable()).strip()[:80]


def _is_stale(lock: Path) -> bool:
    """Return True if the lock's owner is gone, or the lock is over an hour old."""
    try:
        age = time.time() - lock.stat().st_mtime
        content = lock.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return True  # released meanwhile
    except OSError:
        return False  # unreadable (another user's, or locked): assume its owner is at work
    pid_text, host, *_ = content.split("\n") + ["", ""]
    if age > STALE_LOCK_SECONDS:
        return True
    if not pid_text.strip().isdigit():
        return age > 5  # still being written, or garbage: give the writer a moment
    if host != socket.gethostname():
        return False  # another machine's pid says nothing here: only age can tell
    return not _pid_alive(int(pid_text))


def _pid_alive(pid: int) -> bool:
    """Return True if process *pid* exists on this machine."""
    if os.name == "nt":  # os.kill(pid, 0) would terminate the process on Windows
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return kernel32.GetLastError() == 5  # access denied: it exists
        code = ctypes.c_ulong()
        try:
            kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
            return code.value == 259  # STILL_ACTIVE
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True
