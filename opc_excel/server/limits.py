"""What the server refuses, in French: oversized requests, and errors it did not expect."""

from __future__ import annotations

import json
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse

log = logging.getLogger(__name__)
UNREADABLE = ("La requête ne contient pas de classeur lisible : rien n'a été modifié. Relancez depuis le ruban "
              "OPC urbain ; si l'erreur persiste, rechargez le complément (fermez et rouvrez le volet).")
UNEXPECTED = ("Erreur inattendue du serveur OPC urbain : rien n'a été modifié. Réessayez ; si l'erreur persiste, "
              "transmettez l'heure de l'essai au service informatique.")


DEFAULT_WORK_SECONDS = 120.0
work_seconds = DEFAULT_WORK_SECONDS  # set by create_app from OPC_EXCEL_DELAI_S


def too_slow(seconds: float) -> str:
    """Return the answer to a call abandoned after ``seconds``."""
    shown = f"{seconds:g}".replace(".", ",")
    return (f"Le traitement a dépassé {shown} s et a été abandonné : rien n'a été modifié. Réessayez dans "
            "quelques minutes (le serveur est peut-être occupé) ; si cela se reproduit, utilisez la ligne de "
            "commande (opc-excel refresh) et signalez-le au service informatique (réglage OPC_EXCEL_DELAI_S).")


def _megabytes(size: int) -> str:
    if size < 1_000_000:
        return f"{max(size // 1000, 1)} ko"
    return f"{size / 1_000_000:.1f}".replace(".", ",").removesuffix(",0") + " Mo"


def too_large(size: int | None, limit: int) -> str:
    """Return the refusal of a request of ``size`` bytes (None: unknown, over the limit) over ``limit``."""
    sent = _megabytes(size) if size is not None else f"plus de {_megabytes(limit)}"
    return (f"Classeur trop volumineux pour le serveur OPC urbain ({sent} ; limite : {_megabytes(limit)}). "
            "Rien n'a été modifié. Supprimez les lignes ou feuilles inutiles du classeur, ou demandez au "
            "service informatique de relever la limite (OPC_EXCEL_MAX_MO).")


class RequestSizeLimit:
    """ASGI middleware: a request body over ``max_bytes`` gets 413 before anything reads it."""

    def __init__(self, app: Any, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None:
            try:
                size = int(length)
            except ValueError:
                size = self.max_bytes + 1
            if size > self.max_bytes:
                await _respond(send, 413, too_large(size, self.max_bytes))
                return
            await self.app(scope, receive, send)
            return
        # No length given (chunked): read the body up to the limit, then hand it on.
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            more = message.get("more_body", False)
            if size > self.max_bytes:
                await _respond(send, 413, too_large(None, self.max_bytes))
                return
        body = b"".join(chunks)
        sent = False

        async def replay() -> dict:
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


async def _respond(send: Any, status: int, text: str) -> None:
    body = text.encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def french_errors(app: FastAPI) -> None:
    """Answer an unexpected error with a French sentence and no technical detail (logged instead)."""

    async def unexpected(request: Request, exception: Exception) -> PlainTextResponse:
        log.error("Erreur inattendue sur %s", request.url.path, exc_info=exception)
        return PlainTextResponse(UNEXPECTED, status_code=500)

    async def unreadable(request: Request, exception: Exception) -> PlainTextResponse:
        log.warning("Requête illisible sur %s : %s", request.url.path, exception)
        return PlainTextResponse(UNREADABLE, status_code=400)

    app.add_exception_handler(Exception, unexpected)
    app.add_exception_handler(json.JSONDecodeError, unreadable)
    app.add_exception_handler(UnicodeDecodeError, unreadable)
