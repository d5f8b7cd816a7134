"""The computations of the add-in's calls, as functions of plain data: what a compute process runs.

Each takes the Office.js payload (the dict xlwings Server parsed from the request) and plain
arguments, and returns plain data: the workbook actions and the summary of a script, the name and
bytes of a deck or a document. So the same function runs in a thread of the server
(:class:`~opc_excel.server.workers.Workers`) or in a process of its pool
(:class:`~opc_excel.server.pool.ProcessWorkers`, pickled by reference), and gives the same answer.
Nothing here imports xlwings Server: a compute process needs only xlwings' remote engine (and so
``XLWINGS_LICENSE_KEY``, inherited from the server).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date
from typing import Any

import xlwings as xw

from opc_excel.server.book import DIAPORAMA, check_book

PRELOADED = (  # what a compute process imports once, before its first call
    "opc_excel.server.compute", "opc_excel.render.decks", "opc_excel.render.documents.rapport",
    "opc_excel.render.documents.kit", "opc_excel.render.documents.compte_rendu",
    "opc_excel.render.documents.fiches",
)


def script_actions(run: Callable[[Any, date], dict], payload: dict, today: date) -> tuple[list[dict], dict]:
    """Return the actions ``run`` (``run_actualiser``, ``run_controler``) writes into the payload's book, and
    the summary it returns."""
    book = xw.Book(json=payload)
    try:
        summary = run(book, today)
        return book.impl.json()["actions"], summary
    finally:
        book.close()
        forget_received_workbooks()


def deck_filename(kind: str, theme: str | None, at_iso: str) -> str:
    """Return the file name of a deck, as the command line names it: ``comite-suivi_2011-09-30.pptx``."""
    return f"{kind}{'-' + theme if theme else ''}_{at_iso}.pptx"


def deck_file(payload: dict, kind: str, theme: str | None, today: date) -> tuple[str, bytes]:
    """Return the file name and the .pptx bytes of the deck ``kind`` of the payload's workbook."""
    try:
        from opc_excel.render.decks import build_deck
    except ImportError:
        raise xw.XlwingsError("La génération des diaporamas n'est pas disponible sur ce serveur : "
                              "demandez sa mise à jour au service informatique.") from None
    report = _checked(payload, today)
    return deck_filename(kind, theme, report.at.isoformat()), build_deck(report, kind, theme=theme)


def document_file(payload: dict, kind: str, instance: str | None, today: date) -> tuple[str, bytes]:
    """Return the file name and the .docx bytes of the document ``kind``, as the command line writes it."""
    from opc_excel.render.documents.compte_rendu import build_compte_rendu
    from opc_excel.render.documents.fiches import build_fiches, fiches_file_name
    from opc_excel.render.documents.kit import build_convocation, kit_file_name, kit_meeting
    from opc_excel.render.documents.rapport import build_report, report_file_name
    from opc_excel.situation import Situation

    report = _checked(payload, today)
    situation = Situation.of(report)
    if kind == "rapport":
        return report_file_name(report.at), build_report(report, situation=situation)
    if kind == "fiches":
        return fiches_file_name(report.at), build_fiches(report, situation=situation)
    build = build_convocation if kind == "convocation" else build_compte_rendu
    name = kit_file_name(kind, instance, kit_meeting(situation, instance, None).day)
    return name, build(report, instance, situation=situation)


def _checked(payload: dict, today: date):
    book = xw.Book(json=payload)
    try:
        return check_book(book, DIAPORAMA, today)
    finally:
        book.close()
        forget_received_workbooks()


def forget_received_workbooks() -> None:
    """Empty xlwings' cache of the workbooks received, which otherwise keeps every one for good.

    xlwings' remote engine (``xlwings.pro._xlremote.get_range_api``, 0.37) memoises range reads in an
    unbounded ``lru_cache`` keyed by all the values of a sheet: each distinct workbook stayed in
    memory, ≈ 0.2 MB per call (bench/README.md, load test). The cache is a pure function of its
    arguments, so emptying it while another request runs only costs that request a recomputation.
    """
    remote = sys.modules.get("xlwings.pro._xlremote")
    cached = getattr(remote, "get_range_api", None)
    if cached is not None and hasattr(cached, "cache_clear"):
        cached.cache_clear()
