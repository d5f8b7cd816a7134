"""Read a package's parts without trusting them: capped reads, the XML prolog, oversized tokens.

A part whose prolog declares a DOCTYPE (where entities live) or an unexpected encoding is refused
before any XML parser sees it, as is a part holding a text or a tag too long for any real workbook.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import IO

from opc_excel.errors import UnreadableWorkbookError
from opc_excel.read.package_kind import (
    CHUNK,
    HEAD_BYTES,
    MAX_PROLOG_BYTES,
    MAX_XML_TOKEN_BYTES,
    MIB,
    TOKEN_BLOCK,
    WORKBOOK,
    PackageKind,
    suspicious_size,
    unsafe,
)

_SAFE_ENCODINGS = {"utf-8", "utf8", "utf-16", "utf16", "us-ascii", "ascii", "iso-8859-1", "latin-1",
                   "latin1", "windows-1252", "cp1252"}
_PROLOG_ITEM = re.compile(rb"\s+|<\?.*?\?>|<!--.*?-->", re.S)
_XML_ENCODING = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)""")


def read_capped(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    """Return at most *limit* bytes of a part (ZipFile itself stops at the declared size)."""
    with zf.open(info) as stream:
        return stream.read(limit)


class CappedStream:
    """A stream whose read(n) returns at most n bytes (1 MiB when n < 0), and raises once more than
    the part's declared size has come out."""

    def __init__(self, stream: IO[bytes], limit: int) -> None:
        self._stream, self._left = stream, limit

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(CHUNK if size is None or size < 0 else size)
        self._left -= len(data)
        if self._left < 0:
            raise zipfile.BadZipFile("part larger than its declared size")
        return data


class TokenTooLong(Exception):
    """A part holds a run longer than MAX_XML_TOKEN_BYTES without a "<"."""


class TokenScanner:
    """Fed a part's bytes in order, raise TokenTooLong at the first run longer than MAX_XML_TOKEN_BYTES
    without a "<": a tag (no "<" may stand in an attribute value) or a text far too long for a cell.

    Exact, yet only one find and one rfind per 64 KiB block: a run longer than a block either
    ends at the first "<" of a later block, or is still running when a block has none.
    """

    def __init__(self) -> None:
        self._at = 0  # bytes fed so far
        self._last = -1  # offset of the last "<" seen

    def feed(self, data: bytes) -> None:
        for start in range(0, len(data), TOKEN_BLOCK):
            end = min(start + TOKEN_BLOCK, len(data))
            first = data.find(b"<", start, end)
            run_end = self._at + (end if first < 0 else first)
            if run_end - self._last - 1 > MAX_XML_TOKEN_BYTES:
                raise TokenTooLong
            if first >= 0:
                self._last = self._at + data.rfind(b"<", start, end)
        self._at += len(data)


def token_error(path: Path, part: str, kind: PackageKind) -> UnreadableWorkbookError:
    size = f"{MAX_XML_TOKEN_BYTES // MIB} Mo"
    return suspicious_size(path, f"un texte ou une balise de plus de {size} d'un seul tenant dans « {part} », "
                                  "quand une cellule Excel contient au plus 32 767 caractères", kind)


def check_xml_prolog(path: Path, zf: zipfile.ZipFile, info: zipfile.ZipInfo, *, verify_crc: bool,
                      scan: bool = True, kind: PackageKind = WORKBOOK) -> None:
    """Refuse a part whose XML prolog holds a DOCTYPE (entities live only there) or an odd encoding,
    and (*scan*) an XML part holding a text or a tag longer than MAX_XML_TOKEN_BYTES.

    Every part is looked at, not only *.xml: openpyxl follows relationships, whatever the name.
    """
    with zf.open(info) as stream:
        raw = stream.read(HEAD_BYTES)
        while True:
            verdict = _prolog_verdict(raw)
            if verdict != "more" or len(raw) >= MAX_PROLOG_BYTES:
                break
            more = stream.read(HEAD_BYTES * 16)
            if not more:
                break
            raw += more
        if verdict == "more" and len(raw) >= MAX_PROLOG_BYTES:
            raise unsafe(path, info.filename, "prologue XML démesuré", kind)
        if verdict in ("DOCTYPE", "ENTITY") or verdict.startswith("encoding"):
            raise unsafe(path, info.filename, f"déclaration {verdict}", kind)
        if scan and _as_ascii_compatible(raw[:HEAD_BYTES]).lstrip().startswith(b"<"):
            scanner = TokenScanner()  # reading to the end also makes ZipFile check the CRC
            try:
                scanner.feed(raw)
                capped = CappedStream(stream, info.file_size - len(raw))
                while chunk := capped.read(CHUNK):
                    scanner.feed(chunk)
            except TokenTooLong:
                raise token_error(path, info.filename, kind) from None
        elif verify_crc:  # reading to the end makes ZipFile check the CRC
            while stream.read(CHUNK):
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
