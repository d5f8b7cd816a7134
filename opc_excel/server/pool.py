"""Computations in processes of their own: at most ``count`` at once, each one stopped for good when refused.

:class:`ProcessWorkers` has the interface of :class:`~opc_excel.server.workers.Workers` (``run``,
``abandon``, ``running``) but computes in ``count`` long-lived processes, started with the
``spawn`` method (no fork of a server holding threads; the same on Windows) and having imported
``preload`` (pandas, the decks…) once. A call takes an idle process, sends it the work (a
module-level function and its arguments, pickled) and waits for the answer. When its caller gives
up (``OPC_EXCEL_DELAI_S``), the process is killed at once, whatever it was doing, and a new one
is started in its place: a refused call is really stopped, never left computing. A process that
dies (a crash, the system's out-of-memory killer) is replaced the same way and its call gets an
error. The processes end with the server (:meth:`close`), or by themselves when the server is gone
(their pipe closes).

``concurrent.futures.ProcessPoolExecutor`` can't do this: it can't stop one task, and a killed
worker breaks the whole pool.
"""

from __future__ import annotations

import importlib
import logging
import multiprocessing
import os
import signal
import threading
import traceback
from collections.abc import Callable, Iterable
from multiprocessing.connection import wait
from typing import Any, TypeVar

from opc_excel.cancel import CancelFlag, Cancelled
from opc_excel.errors import OpcError

log = logging.getLogger(__name__)
T = TypeVar("T")
POLL_SECONDS = 0.05  # how soon a running call notices it was refused
READY, DONE, REFUSED, FAILED = "prêt", "fait", "refus", "erreur"


class ComputeError(Exception):
    """The computation failed in its process (the text is its traceback, for the log) or the process died."""


class ComputeRefusal(OpcError):
    """The computation refused the workbook with a French message (an ``OpcError`` or ``XlwingsError``)."""


def serve_calls(connection: Any, preload: tuple[str, ...]) -> None:
    """The compute process: import ``preload``, then run each work received and send back its result.

    Ctrl+C in the server's terminal reaches every process of the group: this one leaves it to the server,
    which ends it (or it ends when its pipe closes).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for module in preload:
        importlib.import_module(module)
    connection.send((READY, os.getpid()))
    while True:
        try:
            work = connection.recv()
        except (EOFError, OSError):  # the server is gone
            return
        try:
            answer = (DONE, work())
        except Exception as error:
            refusal = isinstance(error, OpcError) or type(error).__name__ == "XlwingsError"
            answer = (REFUSED, str(error)) if refusal else (FAILED, traceback.format_exc())
        try:
            connection.send(answer)
        except (EOFError, OSError):
            return
        except Exception:  # the result could not be pickled
            connection.send((FAILED, traceback.format_exc()))


class _Process:
    """One compute process and the server's end of its pipe."""

    def __init__(self, context: Any, preload: tuple[str, ...]) -> None:
        ours, theirs = context.Pipe()
        self.process = context.Process(target=serve_calls, args=(theirs, preload), daemon=True,
                                       name="opc-excel-calcul")
        self.process.start()
        theirs.close()
        self.connection = ours
        self.ready = False

    @property
    def pid(self) -> int | None:
        return self.process.pid

    def receive(self, flag: CancelFlag | None) -> tuple[str, Any]:
        """Return the next message; raise Cancelled once ``flag`` is set, ComputeError if the process died."""
        while True:
            if flag is not None and flag.cancelled:
                raise Cancelled
            ready = wait([self.connection, self.process.sentinel], POLL_SECONDS)
            if not ready:
                continue
            try:
                if self.connection in ready or self.connection.poll():
                    return self.connection.recv()
            except (EOFError, OSError):
                pass
            self.process.join(1)
            raise ComputeError(f"Le processus de calcul {self.pid} s'est arrêté (code {self.process.exitcode}).")

    def wait_ready(self, flag: CancelFlag | None) -> None:
        if not self.ready:
            kind, _ = self.receive(flag)
            if kind != READY:
                raise ComputeError(f"Le processus de calcul {self.pid} a répondu {kind!r} avant d'être prêt.")
            self.ready = True

    def kill(self) -> None:
        """End the process at once (SIGKILL), whatever it is doing, and wait for it."""
        if self.process.is_alive():
            self.process.kill()
        self.process.join(10)
        self.connection.close()


class ProcessWorkers:
    """At most ``count`` computations at once, each in a process of this pool; a refused one's process is killed."""

    def __init__(self, count: int, preload: Iterable[str] = (), context: Any = None) -> None:
        self.count = count
        self.preload = tuple(preload)
        self._context = context or multiprocessing.get_context("spawn")
        self._idle: list[_Process] = []
        self._busy: set[_Process] = set()
        self._changed = threading.Condition()
        self._closed = False

    def start(self) -> ProcessWorkers:
        """Start the processes (they import ``preload`` meanwhile; the first call waits until they have)."""
        with self._changed:
            while len(self._idle) + len(self._busy) < self.count:
                self._idle.append(_Process(self._context, self.preload))
        return self

    @property
    def running(self) -> int:
        """Return how many computations are running now."""
        with self._changed:
            return len(self._busy)

    @property
    def pids(self) -> list[int]:
        """Return the process ids of the pool, busy or idle."""
        with self._changed:
            return sorted(p.pid for p in [*self._idle, *self._busy] if p.pid is not None)

    def run(self, work: Callable[[], T], flag: CancelFlag) -> T:
        """Return ``work()`` computed in a process of the pool (blocking: call it from a worker thread).

        ``work`` must pickle (a module-level function, or a ``functools.partial`` of one). Raise
        :class:`~opc_excel.cancel.Cancelled` if ``flag`` is set before a process is free, or while it
        computes (the process is then killed and replaced); :class:`ComputeRefusal` with the
        computation's French message; :class:`ComputeError` when it failed otherwise.
        """
        with self._changed:
            while not self._idle and not flag.cancelled and not self._closed:
                self._changed.wait()
            if flag.cancelled:
                raise Cancelled
            if self._closed:
                raise ComputeError("Le serveur s'arrête.")
            process = self._idle.pop()
            self._busy.add(process)
        keep = False
        try:
            process.wait_ready(flag)
            process.connection.send(work)
            kind, value = process.receive(flag)
            keep = True
        finally:
            self._release(process, keep)
        if kind == DONE:
            return value
        if kind == REFUSED:
            raise ComputeRefusal(value)
        raise ComputeError(value)

    def _release(self, process: _Process, keep: bool) -> None:
        if not keep:
            log.warning("Processus de calcul %s arrêté (appel abandonné ou processus mort)", process.pid)
            process.kill()
        with self._changed:
            self._busy.discard(process)
            if self._closed:
                process.kill()
            else:
                self._idle.append(process if keep else _Process(self._context, self.preload))
            self._changed.notify_all()

    def abandon(self, flag: CancelFlag) -> None:
        """Cancel the computation of ``flag``: it won't start, or its process is killed within POLL_SECONDS."""
        flag.cancel()
        with self._changed:
            self._changed.notify_all()

    def close(self) -> None:
        """Kill every process of the pool (idle ones now, busy ones as their calls end)."""
        with self._changed:
            self._closed = True
            idle, self._idle = self._idle, []
            self._changed.notify_all()
        for process in idle:
            process.kill()
