"""The ribbon's scripts, served by xlwings Server: ``controler`` and ``actualiser``.

Each takes the workbook the add-in sent (only the sheets it reads, see ``SHEETS_SENT``), runs the
pipeline in a worker thread and returns the actions that rewrite the output sheets, then one
``opcResume`` action: the summary the task pane shows. Whatever goes wrong reaches the user as a
French sentence (``xw.XlwingsError``), never as a stack trace; the detail goes to the log.

Imported by the xlwings Server project (``project/custom_scripts``), after
:func:`opc_excel.server.app.configure_environment` has set the licence key.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable
from datetime import date
from typing import TypeVar

import anyio
import xlwings as xw
from xlwings.server import script

from opc_excel.cancel import CancelFlag, Cancelled
from opc_excel.errors import OpcError
from opc_excel.server import limits
from opc_excel.server.book import ACTUALISER, CONTROLER, SHEETS_SENT, run_actualiser, run_controler
from opc_excel.server.workers import Workers

log = logging.getLogger(__name__)
SUMMARY_CALLBACK = "opcResume"  # the task pane's JavaScript function that shows the summary
WORKERS = Workers(2)  # one computation per core; more calls wait their turn
UNEXPECTED = ("Erreur inattendue : le classeur n'a pas été modifié. Réessayez ; si l'erreur persiste, "
              "transmettez l'heure de l'essai et le classeur au service informatique.")
T = TypeVar("T")


def today() -> date:
    """Return today's date (the date de situation comes from *Paramètres*; this is the fallback)."""
    return date.today()


async def run_for_user(work: Callable[[], T], what: str) -> T:
    """Return ``work()`` run in a worker thread; turn any failure into a French ``XlwingsError``.

    A call still waiting or working after ``limits.work_seconds`` (``OPC_EXCEL_DELAI_S``) is answered
    with a French refusal at once; its computation never starts, or stops at its next checkpoint
    (:mod:`opc_excel.cancel`), and keeps its slot in ``WORKERS`` until its thread has ended. Its result,
    if any, is dropped: the workbook is not touched.
    """
    seconds = limits.work_seconds
    flag = CancelFlag()
    try:
        with anyio.fail_after(seconds):
            return await anyio.to_thread.run_sync(WORKERS.run, work, flag, abandon_on_cancel=True)
    except (TimeoutError, Cancelled):
        WORKERS.abandon(flag)
        log.warning("%s abandonné après %s s", what, seconds)
        raise xw.XlwingsError(limits.too_slow(seconds)) from None
    except xw.XlwingsError:
        raise
    except OpcError as error:
        raise xw.XlwingsError(str(error)) from None
    except Exception:
        log.exception("Échec de %s", what)
        raise xw.XlwingsError(UNEXPECTED) from None
    finally:
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


def _send_summary(book: xw.Book, summary: dict[str, object]) -> None:
    # on the book, not book.app: xlwings Server has one App per process, shared by concurrent requests
    book.impl.append_json_action(func="runMacro", args=[SUMMARY_CALLBACK, json.dumps(summary, ensure_ascii=False)])


@script(include=list(SHEETS_SENT[CONTROLER]))
async def controler(book: xw.Book):
    """Contrôler : vérifier le classeur et réécrire la feuille Contrôles."""
    summary = await run_for_user(lambda: run_controler(book, today()), CONTROLER)
    _send_summary(book, summary)


@script(include=list(SHEETS_SENT[ACTUALISER]))
async def actualiser(book: xw.Book):
    """Actualiser les alertes : contrôles, alertes, tableau de bord et historique, comme « opc-excel refresh »."""
    summary = await run_for_user(lambda: run_actualiser(book, today()), ACTUALISER)
    _send_summary(book, summary)
