"""The exception tree. Domain code raises these; only the front ends turn them into messages."""

from __future__ import annotations


class OpcError(Exception):
    """Base of every error whose message (French) can be shown to a user as it is."""


class UnreadableWorkbookError(OpcError):
    """The file is not a workbook we can read at all (DQ-FILE)."""


class OutputSheetError(OpcError):
    """An output sheet (*Alertes*, *Historique*…) holds values but no header row: rewriting it would lose them."""


class WorkbookBusyError(OpcError):
    """Another refresh holds the lock on this workbook."""


class UsageError(OpcError):
    """A command-line argument is wrong (bad date, conflicting options)."""


class UnwritableFileError(OpcError):
    """A file can't be written where asked (no such folder, a folder there, a full disk…); nothing was replaced."""
