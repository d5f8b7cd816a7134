"""Copy a zip package's entries without unpacking them, and write the few that change.

A refresh rewrites the output sheets' parts and copies every other part of the master: the
compressed bytes of each copied entry are moved as they are (no inflating and deflating again),
so a part that does not change is the same, byte for byte, and costs only its copy.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import BinaryIO

_LOCAL_HEADER = struct.Struct("<4s5H3L2H")  # signature … name length, extra length (30 bytes)
_LOCAL_SIGNATURE = b"PK\x03\x04"
_DATA_DESCRIPTOR = 0x08  # sizes and CRC after the data: the copy puts them in its header instead
_ENCRYPTED = 0x01
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # parts written here carry no date: the same content gives the same file


def raw_entry(source: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """Return the compressed bytes of ``info`` as stored in ``source``; raise BadZipFile if its header is wrong."""
    stream = source.fp
    assert stream is not None
    stream.seek(info.header_offset)
    header = stream.read(_LOCAL_HEADER.size)
    if len(header) != _LOCAL_HEADER.size or header[:4] != _LOCAL_SIGNATURE:
        raise zipfile.BadZipFile(f"bad local header for {info.filename}")
    fields = _LOCAL_HEADER.unpack(header)
    name_length, extra_length = fields[-2], fields[-1]
    stream.seek(info.header_offset + _LOCAL_HEADER.size + name_length + extra_length)
    data = stream.read(info.compress_size)
    if len(data) != info.compress_size:
        raise zipfile.BadZipFile(f"truncated entry {info.filename}")
    return data


@dataclass(frozen=True)
class Compressed:
    """A part deflated ahead of writing: kept in memory at a tenth of its size or less."""

    data: bytes
    crc: int
    size: int


def compress(chunks: Iterable[bytes]) -> Compressed:
    """Return the part ``chunks`` make, deflated as they come (the whole part is never in memory)."""
    deflate = zlib.compressobj(6, zlib.DEFLATED, -15)
    crc, size, pieces = 0, 0, []
    for chunk in chunks:
        crc, size = zlib.crc32(chunk, crc), size + len(chunk)
        pieces.append(deflate.compress(chunk))
    pieces.append(deflate.flush())
    return Compressed(b"".join(pieces), crc, size)


class PackageWriter:
    """A new zip package: entries copied from another package as they are, or written from bytes."""

    def __init__(self, stream: BinaryIO) -> None:
        self._zip = zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED, allowZip64=True)

    def copy(self, source: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
        """Copy entry ``info`` of ``source``, its compressed bytes untouched (re-compressed if encrypted or odd)."""
        if info.flag_bits & _ENCRYPTED or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            self.write(info.filename, source.read(info))
            return
        entry = zipfile.ZipInfo(info.filename, info.date_time)
        entry.compress_type = info.compress_type
        entry.external_attr, entry.create_system = info.external_attr, info.create_system
        entry.flag_bits = info.flag_bits & ~_DATA_DESCRIPTOR
        entry.CRC, entry.compress_size, entry.file_size = info.CRC, info.compress_size, info.file_size
        self._append(entry, raw_entry(source, info))

    def _append(self, entry: zipfile.ZipInfo, data: bytes) -> None:
        """Write ``entry``'s header and its data as stored (already compressed, sizes and CRC set)."""
        stream = self._zip.fp
        assert stream is not None
        entry.header_offset = stream.tell()
        zip64 = entry.file_size > zipfile.ZIP64_LIMIT or entry.compress_size > zipfile.ZIP64_LIMIT
        stream.write(entry.FileHeader(zip64))
        stream.write(data)
        self._zip.filelist.append(entry)
        self._zip.NameToInfo[entry.filename] = entry
        self._zip.start_dir = stream.tell()  # where the next entry, then the central directory, go

    def write(self, name: str, data: bytes) -> None:
        """Write a part from its bytes, compressed."""
        self.write_compressed(name, compress([data]))

    def write_compressed(self, name: str, part: Compressed) -> None:
        """Write a part compressed beforehand by :func:`compress`."""
        entry = zipfile.ZipInfo(name, _FIXED_TIME)
        entry.compress_type = zipfile.ZIP_DEFLATED
        entry.external_attr = 0o600 << 16
        entry.CRC, entry.compress_size, entry.file_size = part.crc, len(part.data), part.size
        self._append(entry, part.data)

    def close(self) -> None:
        self._zip.close()
