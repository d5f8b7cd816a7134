"""The ribbon's scripts, served by xlwings Server: ``controler`` and ``actualiser``.

Each takes the workbook the add-in sent (only the sheets it reads, see ``SHEETS_SENT``), runs the
pipeline in ``WORKERS`` (a process of the server's pool under ``opc-excel serve``, a thread of the
server's own process otherwise: :func:`opc_excel.server.app.create_app`) and returns the actions that
rewrite the output sheets, then one ``opcResume`` action: the summary the task pane shows. Whatever
goes wrong reaches the user as a French sentence (``xw.XlwingsError``), never as a stack trace; the
detail goes to the log.

Imported by the xlwings Server project (``project/custom_scripts``), after
:func:`opc_excel.server.app.configure_environment` has set the licence key.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import date
from functools import partial
from typing import TypeVar

import anyio
import xlwings as xw
from xlwings.server import script

from opc_excel.cancel import CancelFlag, Cancelled
from opc_excel.errors import OpcError
from opc_excel.server import limits
from opc_excel.server.book import ACTUALISER, CONTROLER, SHEETS_SENT, run_actualiser, run_controler
from opc_excel.server.compute import forget_received_workbooks, script_actions
from opc_excel.server.pool import ComputeError, ProcessWorkers
from opc_excel.server.workers import Workers

log = logging.getLogger(__name__)
SUMMARY_CALLBACK = "opcResume"  # the task pane's JavaScript function that shows the summary
THREADS = 2  # computations at once in threads (the server's own process: no second core used)
WORKERS: Workers | ProcessWorkers = Workers(THREADS)  # create_app sets it; more calls wait their turn
UNEXPECTED = ("Erreur inattendue : le classeur n'a pas été modifié. Réessayez ; si l'erreur persiste, "
              "transmettez l'heure de l'essai et le classeur au service informatique.")
T = TypeVar("T")


def today() -> date:
    """Return today's date (the date de situation comes from *Paramètres*; this is the fallback)."""
    return date.today()


async def run_for_user(work: Callable[[], T], what: str) -> T:
    """Return ``work()`` run in ``WORKERS``; turn any failure into a French ``XlwingsError``.

    ``work`` is a module-level function or a ``functools.partial`` of one, so that it can be sent to
    a compute process. A call still waiting or working after ``limits.work_seconds``
    (``OPC_EXCEL_DELAI_S``) is answered with a French refusal at once; its computation never starts,
    or is stopped: its process killed (and replaced) in a pool, at its next checkpoint
    (:mod:`opc_excel.cancel`) in a thread, which keeps its slot in ``WORKERS`` until it has ended.
    Its result, if any, is dropped: the workbook is not touched.
    """
    seconds = limits.work_seconds
    flag = CancelFlag()
    workers = WORKERS
    try:
        with anyio.fail_after(seconds):
            return await anyio.to_thread.run_sync(workers.run, work, flag, abandon_on_cancel=True)
    except (TimeoutError, Cancelled):
        workers.abandon(flag)
        log.warning("%s abandonné après %s s", what, seconds)
        raise xw.XlwingsError(limits.too_slow(seconds)) from None
    except xw.XlwingsError:
        raise
    except OpcError as error:
        raise xw.XlwingsError(str(error)) from None
    except ComputeError as error:
        log.error("Échec de %s dans un processus de calcul :\n%s", what, error)
        raise xw.XlwingsError(UNEXPECTED) from None
    except Exception:
        log.exception("Échec de %s", what)
        raise xw.XlwingsError(UNEXPECTED) from None
    finally:
        forget_received_workbooks()


async def compute_actions(book: xw.Book, run: Callable[[xw.Book, date], dict], what: str) -> dict:
    """Run ``run`` on the book's workbook in ``WORKERS``; append the actions it wrote to ``book``; return the
    summary."""
    actions, summary = await run_for_user(partial(script_actions, run, book.impl.api, today()), what)
    book.impl.json()["actions"].extend(actions)
    return summary


def _send_summary(book: xw.Book, summary: dict[str, object]) -> None:
    # on the book, not book.app: xlwings Server has one App per process, shared by concurrent requests
    book.impl.append_json_action(func="runMacro", args=[SUMMARY_CALLBACK, json.dumps(summary, ensure_ascii=False)])


@script(include=list(SHEETS_SENT[CONTROLER]))
async def controler(book: xw.Book):
    """Contrôler : vérifier le classeur et réécrire la feuille Contrôles."""
    summary = await compute_actions(book, run_controler, CONTROLER)
    _send_summary(book, summary)


@script(include=list(SHEETS_SENT[ACTUALISER]))
async def actualiser(book: xw.Book):
    """Actualiser les alertes : contrôles, alertes, tableau de bord et historique, comme « opc-excel refresh »."""
    summary = await compute_actions(book, run_actualiser, ACTUALISER)
    _send_summary(book, summary)
