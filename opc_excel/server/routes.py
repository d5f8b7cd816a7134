"""``POST /opc/deck/{kind}`` and ``POST /opc/document/{kind}``: a deck (.pptx) or a Word document (.docx) from the
workbook the add-in sends.

The body is the same Office.js payload as the scripts'. The answer is the file itself, or, with
``?lien=1``, a short-lived download link for the task pane (Excel's task pane can't save a file:
the link opens in the browser). Deck kinds are those of ``opc-excel deck``; ``?theme=`` only for the
réunion restreinte. The deck itself comes from ``opc_excel.render.decks.build_deck``. The documents are
those of ``opc-excel rapport``, ``convocation`` and ``compte-rendu`` (``?instance=``, a meeting of the kit)
and ``fiches`` (every operation), named as the command line names them.
"""

from __future__ import annotations

import json
import logging
from functools import partial

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse, PlainTextResponse
from xlwings_server import dependencies as dep
from xlwings_server.config import settings
from xlwings_server.templates import templates

from opc_excel.server import links, scripts
from opc_excel.server.compute import deck_file, document_file

log = logging.getLogger(__name__)
router = APIRouter(prefix=f"{settings.app_path}/opc")

PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
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
DOCUMENT_KINDS = {"rapport": "Rapport semestriel", "convocation": "Convocation et ordre du jour",
                  "compte-rendu": "Compte rendu prérempli", "fiches": "Fiches opération"}
INSTANCES = {kind: DECK_KINDS[kind] for kind in ("point-mensuel", "comite-suivi", "copil", "revue-projet")}
"""The meetings of the kit (``opc_excel.render.documents.kit.KIT_KINDS``), with their labels."""
FOR_A_MEETING = {"convocation": "Convocation", "compte-rendu": "Compte rendu"}
DOCUMENT_MENU = [{"id": "rapport", "label": DOCUMENT_KINDS["rapport"], "kind": "rapport", "instance": None}] + [
    {"id": f"{kind}-{instance}", "label": f"{prefix} — {label}", "kind": kind, "instance": instance}
    for kind, prefix in FOR_A_MEETING.items() for instance, label in INSTANCES.items()] + [
    {"id": "fiches", "label": DOCUMENT_KINDS["fiches"], "kind": "fiches", "instance": None}]
"""The ribbon's Documents menu (``ribbon.js`` maps the same ids to kind and instance)."""
templates.env.globals["document_menu"] = DOCUMENT_MENU
QUERY_PARAMETERS = {"theme", "lien"}
DOCUMENT_PARAMETERS = {"instance", "lien"}
NOT_A_WORKBOOK = "La requête ne contient pas de classeur lisible : relancez depuis le ruban OPC urbain."
LINK_LIFETIME = links.LINK_LIFETIME
_build, _build_document = deck_file, document_file  # what the routes compute (tests replace them)
_store: links.FolderStore | links.RedisStore | None = None


def set_link_store(store: links.FolderStore | links.RedisStore) -> None:
    """Keep the files of download links in ``store`` (shared by every worker process: see :mod:`links`)."""
    global _store
    _store = store


def link_store() -> links.FolderStore | links.RedisStore:
    """Return the store of download links (the configured one, made on first use)."""
    if _store is None:
        set_link_store(links.configured_store())
    return _store


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


@router.post("/deck/{kind}")
async def deck(kind: str, request: Request, current_user: dep.User) -> Response:
    """Return the deck ``kind`` of the workbook in the body (.pptx), or a download link with ``?lien=1``."""
    query = dict(request.query_params)
    refusal = deck_request_error(kind, query)
    if refusal is not None:
        return refusal
    return await _built_file(request, current_user, query, "diaporama", kind, query.get("theme"), _build, PPTX,
                             "deck")


async def _built_file(request: Request, user: dep.User, query: dict[str, str], what: str, kind: str,
                      option: str | None, build, media_type: str, route: str) -> Response:
    """Answer a deck or document request whose parameters are right: ``build(payload, kind, option, today)`` of the
    workbook in the body, computed for ``user`` (file or download link), or the refusal of a body that is not one."""
    payload = _read_payload(await request.body())
    if payload is None:
        return _refusal(NOT_A_WORKBOOK)
    log.info("%s %s%s demandé par %s", what.capitalize(), kind, f" ({option})" if option else "", user.name)
    filename, content = await scripts.run_for_user(partial(build, payload, kind, option, scripts.today()),
                                                   f"{what} {kind}")
    return _answer(filename, content, media_type, route, query)


def _read_payload(body: bytes) -> dict | None:
    """Return the Office.js payload of the body, or None when it is not a workbook."""
    try:
        payload = json.loads(body)
    except ValueError:
        return None
    return payload if isinstance(payload, dict) and isinstance(payload.get("sheets"), list) else None


def _answer(filename: str, content: bytes, media_type: str, route: str, query: dict[str, str]) -> Response:
    """Return the file itself, or with ``?lien=1`` its download link for the task pane."""
    if query.get("lien") == "1":
        token = _keep(filename, content, media_type)
        return JSONResponse({"fichier": filename, "taille": len(content),
                             "url": f"{settings.app_path}/opc/{route}/fichier/{token}",
                             "valable_minutes": LINK_LIFETIME // 60})
    return Response(content, media_type=media_type,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _keep(filename: str, content: bytes, media_type: str) -> str:
    """Keep a file for a short while; return the secret part of its download link."""
    return link_store().put(links.Kept(filename, content, media_type))


def _kept_file(token: str, media_type: str, what: str) -> Response:
    kept = link_store().get(token)
    if kept is None or kept.media_type != media_type:
        return _refusal(f"Ce lien de téléchargement a expiré (il vaut 15 minutes) : générez à nouveau {what} "
                        "depuis le ruban OPC urbain.", 404)
    return Response(kept.content, media_type=media_type,
                    headers={"Content-Disposition": f'attachment; filename="{kept.filename}"'})


@router.get("/deck/fichier/{token}")
async def deck_file(token: str) -> Response:
    """Return a deck kept by ``?lien=1`` (the link itself is the secret: it opens in the user's browser)."""
    return _kept_file(token, PPTX, "le diaporama")


def document_request_error(kind: str, query: dict[str, str]) -> PlainTextResponse | None:
    """Return the French refusal of a wrong document, meeting or parameter, or None when the request is right."""
    unknown = sorted(set(query) - DOCUMENT_PARAMETERS)
    if unknown:
        return _refusal(f"Paramètre inconnu : {', '.join(unknown)}. Seuls « instance » et « lien » sont acceptés.")
    if kind not in DOCUMENT_KINDS:
        return _refusal(f"Document « {kind} » inconnu : choisissez parmi {', '.join(DOCUMENT_KINDS)}.", 404)
    instance = query.get("instance")
    if kind in FOR_A_MEETING and instance not in INSTANCES:
        return _refusal(f"{FOR_A_MEETING[kind]} de quelle réunion ? Indiquez ?instance={' | '.join(INSTANCES)}.")
    if kind not in FOR_A_MEETING and instance is not None:
        return _refusal(f"L'instance ne s'applique qu'à la convocation et au compte rendu, pas au document « {kind} ».")
    if query.get("lien", "1") not in ("0", "1"):
        return _refusal("Le paramètre « lien » vaut 0 ou 1.")
    return None


@router.post("/document/{kind}")
async def document(kind: str, request: Request, current_user: dep.User) -> Response:
    """Return the Word document ``kind`` of the workbook in the body (.docx), or a download link with ``?lien=1``."""
    query = dict(request.query_params)
    refusal = document_request_error(kind, query)
    if refusal is not None:
        return refusal
    return await _built_file(request, current_user, query, "document", kind, query.get("instance"), _build_document,
                             DOCX, "document")


@router.get("/document/fichier/{token}")
async def document_file(token: str) -> Response:
    """Return a document kept by ``?lien=1`` (the link itself is the secret: it opens in the user's browser)."""
    return _kept_file(token, DOCX, "le document")
