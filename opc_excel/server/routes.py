"""``POST /opc/deck/{kind}``: a deck from the workbook the add-in sends, as a .pptx.

The body is the same Office.js payload as the scripts'. The answer is the .pptx itself, or, with
``?lien=1``, a short-lived download link for the task pane (Excel's task pane can't save a file:
the link opens in the browser). Kinds are those of ``opc-excel deck``; ``?theme=`` only for the
réunion restreinte. The deck itself comes from ``opc_excel.render.decks.build_deck``.
"""

from __future__ import annotations

import json
import logging
import secrets
import time
from collections import OrderedDict
from dataclasses import dataclass

import xlwings as xw
from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse, PlainTextResponse
from xlwings_server import dependencies as dep
from xlwings_server.config import settings
from xlwings_server.templates import templates

from opc_excel.server import scripts
from opc_excel.server.book import DIAPORAMA, check_book

log = logging.getLogger(__name__)
router = APIRouter(prefix=f"{settings.app_path}/opc")

PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
DECK_KINDS = {  # as on the command line (opc-excel deck KIND), with the ribbon's labels
    "point-mensuel": "Point mensuel",
    "comite-suivi": "Comité de suivi",
    "copil": "Comité de pilotage",
    "revue-projet": "Revue de projet",
    "reunion-restreinte": "Réunion restreinte",
}
THEMES = {"technique": "technique", "financiere": "financière", "sociale": "sociale"}
RESTRICTED = "reunion-restreinte"
DECK_MENU = [{"id": kind, "label": label, "kind": kind, "theme": None}
             for kind, label in DECK_KINDS.items() if kind != RESTRICTED] + [
            {"id": f"{RESTRICTED}-{theme}", "label": f"{DECK_KINDS[RESTRICTED]} {label}", "kind": RESTRICTED,
             "theme": theme} for theme, label in THEMES.items()]
"""The ribbon's Diaporama menu and the task pane's list (``ribbon.js`` maps the same ids to kind and theme)."""
templates.env.globals["deck_menu"] = DECK_MENU
QUERY_PARAMETERS = {"theme", "lien"}
LINK_LIFETIME = 15 * 60  # seconds
MAX_LINKS = 20


@dataclass(frozen=True)
class _Deck:
    filename: str
    content: bytes
    expires: float


_links: OrderedDict[str, _Deck] = OrderedDict()


def _refusal(message: str, status_code: int = 400) -> PlainTextResponse:
    return PlainTextResponse(message, status_code=status_code)


def deck_request_error(kind: str, query: dict[str, str]) -> PlainTextResponse | None:
    """Return the French refusal of a wrong kind, theme or parameter, or None when the request is right."""
    unknown = sorted(set(query) - QUERY_PARAMETERS)
    if unknown:
        return _refusal(f"Paramètre inconnu : {', '.join(unknown)}. Seuls « theme » et « lien » sont acceptés.")
    if kind not in DECK_KINDS:
        return _refusal(f"Diaporama « {kind} » inconnu : choisissez parmi {', '.join(DECK_KINDS)}.", 404)
    theme = query.get("theme")
    if kind == RESTRICTED and theme not in THEMES:
        return _refusal(f"La réunion restreinte demande un thème : ?theme={' | '.join(THEMES)}.")
    if kind != RESTRICTED and theme is not None:
        return _refusal(f"Le thème ne s'applique qu'à la réunion restreinte, pas au diaporama « {kind} ».")
    if query.get("lien", "1") not in ("0", "1"):
        return _refusal("Le paramètre « lien » vaut 0 ou 1.")
    return None


def deck_filename(kind: str, theme: str | None, at_iso: str) -> str:
    """Return the file name of a deck, as the command line names it: ``comite-suivi_2011-09-30.pptx``."""
    return f"{kind}{'-' + theme if theme else ''}_{at_iso}.pptx"


def _build(payload: dict, kind: str, theme: str | None) -> tuple[str, bytes]:
    try:
        from opc_excel.render.decks import build_deck
    except ImportError:
        raise xw.XlwingsError("La génération des diaporamas n'est pas disponible sur ce serveur : "
                              "demandez sa mise à jour au service informatique.") from None
    book = xw.Book(json=payload)
    try:
        report = check_book(book, DIAPORAMA, scripts.today())
    finally:
        book.close()
    return deck_filename(kind, theme, report.at.isoformat()), build_deck(report, kind, theme=theme)


@router.post("/deck/{kind}")
async def deck(kind: str, request: Request, current_user: dep.User) -> Response:
    """Return the deck ``kind`` of the workbook in the body (.pptx), or a download link with ``?lien=1``."""
    query = dict(request.query_params)
    refusal = deck_request_error(kind, query)
    if refusal is not None:
        return refusal
    try:
        payload = json.loads(await request.body())
        if not isinstance(payload, dict) or not isinstance(payload.get("sheets"), list):
            raise ValueError
    except ValueError:
        return _refusal("La requête ne contient pas de classeur lisible : relancez depuis le ruban OPC urbain.")
    theme = query.get("theme")
    log.info("Diaporama %s%s demandé par %s", kind, f" ({theme})" if theme else "", current_user.name)
    filename, content = await scripts.run_for_user(lambda: _build(payload, kind, theme), f"diaporama {kind}")
    if query.get("lien") == "1":
        token = _keep(filename, content)
        return JSONResponse({"fichier": filename, "taille": len(content),
                             "url": f"{settings.app_path}/opc/deck/fichier/{token}",
                             "valable_minutes": LINK_LIFETIME // 60})
    return Response(content, media_type=PPTX, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _keep(filename: str, content: bytes) -> str:
    """Keep a deck for a short while; return the secret part of its download link."""
    now = time.monotonic()
    for token in [t for t, d in _links.items() if d.expires < now]:
        del _links[token]
    while len(_links) >= MAX_LINKS:
        _links.popitem(last=False)
    token = secrets.token_urlsafe(32)
    _links[token] = _Deck(filename, content, now + LINK_LIFETIME)
    return token


@router.get("/deck/fichier/{token}")
async def deck_file(token: str) -> Response:
    """Return a deck kept by ``?lien=1`` (the link itself is the secret: it opens in the user's browser)."""
    kept = _links.get(token)
    if kept is None or kept.expires < time.monotonic():
        return _refusal("Ce lien de téléchargement a expiré (il vaut 15 minutes) : générez à nouveau le diaporama "
                        "depuis le ruban OPC urbain.", 404)
    return Response(kept.content, media_type=PPTX,
                    headers={"Content-Disposition": f'attachment; filename="{kept.filename}"'})
