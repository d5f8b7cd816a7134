"""The files kept behind the task pane's download links (``?lien=1``), in a store every worker process shares.

A link is ``/opc/deck/fichier/SECRET``: the secret (32 random bytes) is the only key, the file is
kept :data:`LINK_LIFETIME` seconds and at most :data:`MAX_LINKS` files are kept (the oldest go
first). Two stores, the same rules:

- :class:`FolderStore` (the default): one file per link in a private folder (``OPC_EXCEL_LIENS``,
  else a temporary folder ``opc-excel serve`` creates for its workers and removes at the end),
  written whole or not at all (temporary file, then rename), its expiry in the file; expired and
  surplus files are removed at each new link. Every worker process of one host sees it; nothing to install.
- :class:`RedisStore` when ``OPC_EXCEL_REDIS_URL`` is set (several hosts behind a proxy): one key
  per link with Redis' own expiry, and a sorted set of the links by age for the count limit.
"""

from __future__ import annotations

import atexit
import json
import os
import re
import secrets
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from opc_excel.errors import OpcError
from opc_excel.files import atomic_write_bytes

LINK_LIFETIME = 15 * 60  # seconds
MAX_LINKS = 20
FOLDER_VARIABLE = "OPC_EXCEL_LIENS"
REDIS_VARIABLE = "OPC_EXCEL_REDIS_URL"
SECRET = re.compile(r"[A-Za-z0-9_-]{43}")  # secrets.token_urlsafe(32): nothing else is looked up
SUFFIX = ".lien"
REDIS_PREFIX = "opc-excel:lien:"
REDIS_INDEX = "opc-excel:liens"
_made_here: str | None = None  # the temporary folder this process made, removed when its server stops


@dataclass(frozen=True)
class Kept:
    filename: str
    content: bytes
    media_type: str


def _pack(kept: Kept, expires: float) -> bytes:
    header = {"fichier": kept.filename, "type": kept.media_type, "expire": expires}
    return json.dumps(header, ensure_ascii=False).encode("utf-8") + b"\n" + kept.content


def _unpack(data: bytes) -> tuple[Kept, float]:
    header, _, content = data.partition(b"\n")
    fields = json.loads(header)
    return Kept(fields["fichier"], content, fields["type"]), float(fields["expire"])


class FolderStore:
    """Links as files of a private folder, shared by the processes of one host."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)

    def put(self, kept: Kept) -> str:
        """Keep a file for LINK_LIFETIME seconds; return the secret of its link."""
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.purge(room_for=1)
        token = secrets.token_urlsafe(32)
        atomic_write_bytes(self.folder / f"{token}{SUFFIX}", _pack(kept, time.time() + LINK_LIFETIME))
        return token

    def get(self, token: str) -> Kept | None:
        """Return the file of a link, or None when the link is unknown, expired or malformed."""
        if not SECRET.fullmatch(token):
            return None
        try:
            kept, expires = _unpack((self.folder / f"{token}{SUFFIX}").read_bytes())
        except (OSError, ValueError, KeyError):
            return None
        return kept if expires >= time.time() else None

    def forget(self, token: str) -> None:
        """Remove the file of a link."""
        if SECRET.fullmatch(token):
            (self.folder / f"{token}{SUFFIX}").unlink(missing_ok=True)

    def purge(self, room_for: int = 0) -> None:
        """Remove expired files, then the oldest ones until ``room_for`` more fit under MAX_LINKS."""
        now, alive = time.time(), []
        for path in self.folder.glob(f"*{SUFFIX}"):
            try:
                with path.open("rb") as stream:
                    expires = float(json.loads(stream.readline())["expire"])
            except (OSError, ValueError, KeyError):
                continue  # being replaced, or removed by another process
            if expires < now:
                path.unlink(missing_ok=True)
            else:
                alive.append((expires, path))
        for _, path in sorted(alive)[:max(len(alive) + room_for - MAX_LINKS, 0)]:
            path.unlink(missing_ok=True)


class RedisStore:
    """Links in Redis, shared by every host serving the add-in; Redis expires them itself."""

    def __init__(self, client: Any) -> None:
        self.client = client

    @classmethod
    def from_url(cls, url: str) -> RedisStore:
        import redis

        return cls(redis.Redis.from_url(url, socket_timeout=10, socket_connect_timeout=10))

    def put(self, kept: Kept) -> str:
        token = secrets.token_urlsafe(32)
        now = time.time()
        with self.client.pipeline() as pipe:
            pipe.set(REDIS_PREFIX + token, _pack(kept, now + LINK_LIFETIME), ex=LINK_LIFETIME)
            pipe.zadd(REDIS_INDEX, {token: now})
            pipe.zremrangebyscore(REDIS_INDEX, "-inf", now - LINK_LIFETIME)
            pipe.expire(REDIS_INDEX, LINK_LIFETIME)
            pipe.execute()
        surplus = self.client.zcard(REDIS_INDEX) - MAX_LINKS
        if surplus > 0:
            oldest = [t.decode() if isinstance(t, bytes) else t
                      for t in self.client.zrange(REDIS_INDEX, 0, surplus - 1)]
            with self.client.pipeline() as pipe:
                pipe.delete(*(REDIS_PREFIX + t for t in oldest))
                pipe.zrem(REDIS_INDEX, *oldest)
                pipe.execute()
        return token

    def forget(self, token: str) -> None:
        self.client.delete(REDIS_PREFIX + token)
        self.client.zrem(REDIS_INDEX, token)

    def get(self, token: str) -> Kept | None:
        if not SECRET.fullmatch(token):
            return None
        data = self.client.get(REDIS_PREFIX + token)
        if data is None:
            return None
        kept, expires = _unpack(data)
        return kept if expires >= time.time() else None


def configured_store() -> FolderStore | RedisStore:
    """Return the store the settings name: Redis (``OPC_EXCEL_REDIS_URL``), else the folder ``OPC_EXCEL_LIENS``.

    Without either, a private temporary folder is created and named in ``OPC_EXCEL_LIENS``, so that
    the worker processes started afterwards share it.
    """
    url = os.environ.get(REDIS_VARIABLE, "").strip()
    if url:
        return RedisStore.from_url(url)
    folder = os.environ.get(FOLDER_VARIABLE, "").strip()
    if not folder:
        global _made_here
        folder = _made_here = tempfile.mkdtemp(prefix="opc-excel-liens-")
        os.environ[FOLDER_VARIABLE] = folder
        atexit.register(remove_temporary_folder)  # by the process that made it, once its workers are gone
    return FolderStore(Path(folder))


def remove_temporary_folder() -> None:
    """Remove the temporary folder of links this process made, if any (its server is stopping).

    Called when the application shuts down too: uvicorn ends a single-process server stopped by
    SIGTERM by raising the signal again, and the process then ends without running ``atexit``.
    """
    global _made_here
    if _made_here is not None:
        shutil.rmtree(_made_here, ignore_errors=True)
        if os.environ.get(FOLDER_VARIABLE) == _made_here:
            del os.environ[FOLDER_VARIABLE]
        _made_here = None


def store_description() -> str:
    """Return where the links are kept, in French, for the server's first lines (a Redis URL without its password)."""
    url = os.environ.get(REDIS_VARIABLE, "").strip()
    if url:
        return f"Redis {re.sub(r'//[^@/]*@', '//', url)}"
    return f"dossier {os.environ.get(FOLDER_VARIABLE, '(temporaire)')}"


class LinkStoreError(OpcError):
    """The store of download links can't be used (a folder that can't be written, Redis unreachable)."""


def checked_store() -> FolderStore | RedisStore:
    """Return the configured store once it has kept and given back a file; raise LinkStoreError (French) otherwise."""
    try:
        store = configured_store()
        probe = store.put(Kept("essai.txt", b"essai", "text/plain"))
        if store.get(probe) is None:
            raise OSError("le fichier d'essai n'a pas été relu")
        store.forget(probe)
    except OpcError:
        raise
    except Exception as error:
        raise LinkStoreError(f"Les liens de téléchargement ne peuvent pas être conservés ({store_description()} : "
                             f"{error}). Vérifiez {REDIS_VARIABLE} (Redis joignable) ou {FOLDER_VARIABLE} (un dossier "
                             "où le serveur peut écrire), puis relancez « opc-excel serve ».") from error
    return store
