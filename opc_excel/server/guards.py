"""What stands between the network and the add-in: confined static files, the Host and proxy check,
authentication before the body is read, an access log without download secrets, slow clients cut off.

- :func:`confine_static_files`: xlwings Server 1.20's ``OverridableStaticFiles`` looks a path up in
  the project's ``static/`` folder without checking that it stays there (``/static/%2e%2e/…`` read any
  file). Paths are now resolved and served only from inside their folder.
- :class:`RequestGuard` (ASGI, in front of everything): a request whose ``Host`` is not one of the
  server's names gets 400 (DNS rebinding); on a server without authentication (local mode), a
  request that came through a proxy gets 403; a call (any method but GET, HEAD, OPTIONS) without a
  valid token gets 401 from its headers alone, before its body is read.
- :class:`MaskDownloadLinks`: uvicorn's access log shows ``/opc/deck/fichier/…``, not the secret.
- :class:`SlowClientGuard`: uvicorn's HTTP protocol, closing a connection that has not sent its
  request headers within :data:`HEADER_SECONDS` (uvicorn waits for them forever).
"""

from __future__ import annotations

import json
import logging
import os
import re
from pathlib import Path
from typing import Any

from starlette.staticfiles import StaticFiles
from uvicorn.protocols.http.h11_impl import H11Protocol

log = logging.getLogger(__name__)

HOSTS_VARIABLE = "OPC_EXCEL_HOTES"
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
PROXY_HEADERS = (b"forwarded", b"x-forwarded-for", b"x-forwarded-host", b"x-forwarded-proto", b"x-real-ip")
OPEN_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})  # public pages, and CORS preflights (no credentials)
HEADER_SECONDS = 10.0
DOWNLOAD_LINK = re.compile(r"(/opc/deck/fichier/)[^/?#\s]+")

WRONG_HOST = ("Requête refusée : l'adresse « {host} » n'est pas celle du serveur OPC urbain. Ouvrez le complément "
              "par l'adresse du serveur ; si c'est bien la sienne, demandez au service informatique de l'ajouter "
              f"dans {HOSTS_VARIABLE} (ou XLWINGS_HOSTNAME).")
NO_HOST = ("Requête refusée : elle ne dit pas à quelle adresse elle s'adresse (en-tête Host absent). Passez par "
           "Excel ou un navigateur récent.")
PROXIED_WITHOUT_AUTH = ("Accès refusé : ce serveur OPC urbain tourne en mode local, sans authentification, et la "
                        "requête est passée par un proxy. Le service informatique doit définir OPC_EXCEL_TOKEN (ou "
                        "Microsoft Entra ID) puis redémarrer le serveur : voir le README.")
ENTRA_REFUSED = ("Accès refusé : connexion Microsoft absente, expirée ou non reconnue. Fermez puis rouvrez le volet "
                 "OPC urbain pour vous reconnecter, puis recommencez.")


# ------------------------------------------------------------------ static files

def confined_lookup_path(self: Any, path: str) -> tuple[str, os.stat_result | None]:
    """Return the file of ``path`` in the project's folder, else in xlwings Server's; ``("", None)`` outside both.

    Replaces ``OverridableStaticFiles.lookup_path``, which joined ``path`` to the project's folder
    unchecked. Starlette's own lookup (the package folder) already keeps to its folder.
    """
    folder = Path(self.user_dir).resolve()
    try:
        candidate = (folder / path).resolve()
    except (OSError, ValueError):
        return "", None
    if candidate.is_relative_to(folder) and candidate.is_file():
        return str(candidate), candidate.stat()
    try:
        return StaticFiles.lookup_path(self, path)
    except ValueError:  # a NUL byte in the path
        return "", None


def confine_static_files() -> None:
    """Make xlwings Server's static folders serve only files inside them (see :func:`confined_lookup_path`)."""
    from xlwings_server.main import OverridableStaticFiles

    OverridableStaticFiles.lookup_path = confined_lookup_path


# ------------------------------------------------------------------ Host, proxy, authentication

def host_name(host: str) -> str:
    """Return the name in a ``Host`` header: lower case, without port, brackets or final dot."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:].partition("]")[0]
    if host.count(":") == 1:
        host = host.partition(":")[0]
    return host.rstrip(".")


def configured_hosts(hostname: str | None) -> set[str]:
    """Return the names set by the IT: ``XLWINGS_HOSTNAME`` (``hostname``) and ``OPC_EXCEL_HOTES`` (comma-separated)."""
    names = {host_name(n) for n in re.split(r"[,\s]+", os.environ.get(HOSTS_VARIABLE, "")) if n.strip()}
    if hostname:
        names.add(host_name(hostname.removeprefix("https://").removeprefix("http://").split("/")[0]))
    return names


class RequestGuard:
    """ASGI middleware: check the Host, refuse proxied requests to a server without authentication,
    and authenticate calls from their headers before anything reads their body."""

    def __init__(self, app: Any, *, hosts: set[str], authenticated: bool) -> None:
        self.app = app
        self.hosts = frozenset(hosts)
        self.authenticated = authenticated

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers: dict[bytes, bytes] = {}
        for name, value in scope.get("headers") or []:
            headers.setdefault(name.lower(), value)
        host = headers.get(b"host")
        if host is None:
            await respond(send, 400, NO_HOST, scope)
            return
        shown = host.decode("latin-1")
        if host_name(shown) not in self.hosts:
            log.warning("Requête refusée : Host « %s » inconnu", shown[:100].encode("unicode_escape").decode())
            await respond(send, 400, WRONG_HOST.format(host=shown[:100]), scope)
            return
        if not self.authenticated:
            if any(name in headers for name in PROXY_HEADERS):
                log.warning("Requête par un proxy refusée : serveur local sans authentification")
                await respond(send, 403, PROXIED_WITHOUT_AUTH, scope)
                return
        elif scope["type"] == "websocket" or scope.get("method", "GET") not in OPEN_METHODS:
            refusal = await authentication_refusal(headers)
            if refusal is not None:
                await respond(send, refusal[0], refusal[1], scope)
                return
        await self.app(scope, receive, send)


async def authentication_refusal(headers: dict[bytes, bytes]) -> tuple[int, str] | None:
    """Return the status and French message refusing these headers' credentials, or None when they are valid.

    Uses xlwings Server's own authentication (its providers, ``Auth-Provider`` header included),
    which the route checks again with the roles once the body is read.
    """
    from fastapi import HTTPException
    from xlwings_server.dependencies import authenticate

    try:
        await authenticate(token_string=headers.get(b"authorization", b"").decode("latin-1"),
                           auth_provider=(headers.get(b"auth-provider") or b"").decode("latin-1") or None)
    except HTTPException as refusal:
        detail = str(refusal.detail)
        provider = (headers.get(b"auth-provider") or b"").decode("latin-1")
        if refusal.status_code == 401 and provider == "entraid":
            detail = ENTRA_REFUSED
        return refusal.status_code, detail
    except Exception:  # an invalid Entra ID token raises what joserfc raises
        log.warning("Jeton refusé", exc_info=True)
        return 401, ENTRA_REFUSED
    return None


async def respond(send: Any, status: int, text: str, scope: dict | None = None) -> None:
    """Answer ``{"detail": text}``, as FastAPI's refusals (the add-in shows ``detail``)."""
    if scope is not None and scope["type"] == "websocket":
        await send({"type": "websocket.close", "code": 1008})
        return
    body = json.dumps({"detail": text}, ensure_ascii=False).encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json; charset=utf-8"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


# ------------------------------------------------------------------ access log

class MaskDownloadLinks(logging.Filter):
    """Hide the secret of deck download links (``/opc/deck/fichier/SECRET``) in uvicorn's access log."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and record.args:
            record.args = tuple(DOWNLOAD_LINK.sub(r"\1…", a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.msg, str):
            record.msg = DOWNLOAD_LINK.sub(r"\1…", record.msg)
        return True


ACCESS_LOG_FILTER = MaskDownloadLinks()


def mask_access_log() -> None:
    """Put :class:`MaskDownloadLinks` on uvicorn's access log (once)."""
    logging.getLogger("uvicorn.access").addFilter(ACCESS_LOG_FILTER)


# ------------------------------------------------------------------ slow clients

class SlowClientGuard(H11Protocol):
    """uvicorn's HTTP/1.1 protocol, closing a connection whose request headers are not all there after
    :data:`HEADER_SECONDS` (an idle socket, or a "slowloris" sending its headers a byte at a time)."""

    header_seconds = HEADER_SECONDS
    _header_timer: Any = None

    def connection_made(self, transport: Any) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._wait_for_headers()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._wait_for_headers()

    def connection_lost(self, exc: Exception | None) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
        super().connection_lost(exc)

    def _wait_for_headers(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
        self._header_timer = self.loop.call_later(self.header_seconds, self.headers_overdue, self.cycle)

    def headers_overdue(self, cycle_then: Any) -> None:
        """Close the connection if no new request has arrived since ``cycle_then`` (None: since it opened)."""
        waiting = self.cycle is cycle_then and (cycle_then is None or cycle_then.response_complete)
        if waiting and not self.transport.is_closing():
            self.transport.close()
