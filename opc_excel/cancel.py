"""Cooperative cancellation: a long computation stops at its next checkpoint once its caller has given up.

Python can't stop a thread from outside. A front end that may give up on a computation (the add-in's
server, after ``OPC_EXCEL_DELAI_S``) runs it under :func:`cancellable` with a :class:`CancelFlag`;
the pipeline calls :func:`checkpoint` between its stages (reading, checks, indicators, alerts, each
output sheet, each deck slide), which raises :class:`Cancelled` once the flag is set. Outside
:func:`cancellable` (the command line, tests) a checkpoint does nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar


class Cancelled(Exception):  # noqa: N818 - reads as what happened, like asyncio's CancelledError
    """The computation was cancelled: its caller no longer waits for its result."""


class CancelFlag:
    """A one-way flag, set from any thread by the caller that gives up."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        """Return True once :meth:`cancel` was called."""
        return self._event.is_set()


_current: ContextVar[CancelFlag | None] = ContextVar("opc_excel_cancel_flag", default=None)


@contextmanager
def cancellable(flag: CancelFlag) -> Iterator[CancelFlag]:
    """Run the block with ``flag`` as the current computation's flag (what :func:`checkpoint` looks at)."""
    token = _current.set(flag)
    try:
        yield flag
    finally:
        _current.reset(token)


def checkpoint() -> None:
    """Raise :class:`Cancelled` if the current computation was cancelled; do nothing otherwise."""
    flag = _current.get()
    if flag is not None and flag.cancelled:
        raise Cancelled
