"""The computations of the add-in's calls: at most a fixed number at once, each one stoppable.

A call waits for a free slot, then computes in a worker thread. When its caller gives up
(``OPC_EXCEL_DELAI_S``), :meth:`Workers.abandon` sets its :class:`~opc_excel.cancel.CancelFlag`: a
computation still waiting never starts, a running one stops at its next
:func:`~opc_excel.cancel.checkpoint`, and its slot is freed only when its thread has really ended.
So refused calls can't pile up: at most ``count`` computations ever run, whatever the callers do.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from opc_excel.cancel import CancelFlag, Cancelled, cancellable

T = TypeVar("T")


class Workers:
    """At most ``count`` computations at once; a slot is freed when its computation has ended."""

    def __init__(self, count: int) -> None:
        self.count = count
        self._running = 0
        self._changed = threading.Condition()

    @property
    def running(self) -> int:
        """Return how many computations are running now (abandoned ones included, until they stop)."""
        with self._changed:
            return self._running

    def run(self, work: Callable[[], T], flag: CancelFlag) -> T:
        """Return ``work()`` once a slot is free (blocking: call it from a worker thread).

        Raise :class:`~opc_excel.cancel.Cancelled` if ``flag`` is set before a slot is free, or
        when ``work`` reaches a checkpoint after it was set.
        """
        with self._changed:
            while self._running >= self.count and not flag.cancelled:
                self._changed.wait()
            if flag.cancelled:
                raise Cancelled
            self._running += 1
        try:
            with cancellable(flag):
                return work()
        finally:
            with self._changed:
                self._running -= 1
                self._changed.notify_all()

    def abandon(self, flag: CancelFlag) -> None:
        """Cancel the computation of ``flag``: it won't start, or stops at its next checkpoint."""
        flag.cancel()
        with self._changed:
            self._changed.notify_all()  # a call waiting for a slot sees its flag and leaves
