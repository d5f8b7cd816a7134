"""The ``opc-excel`` command line: thin commands over :mod:`opc_excel.pipeline`.

Domain code raises; this is the one place that turns errors into a French message and an exit
status: 0 no blocking problem, 1 blocking problems (the output is still complete), 2 the file
can't be read at all or the command is wrong.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
import warnings
from collections.abc import Sequence
from datetime import date
from typing import TextIO

from opc_excel.cli.parser import build_parser
from opc_excel.errors import OpcError, UnreadableWorkbookError

EXIT_UNREADABLE = 2  # the file can't be read at all, or the command is wrong


class _Reader:
    """The output stream, until its reader goes away (``opc-excel check … | head -1``): then nothing more.

    The command still finishes (a refresh is not cut short) and keeps its exit status; the rest
    of its text is dropped instead of ending in a BrokenPipeError.
    """

    def __init__(self, stream: TextIO) -> None:
        self.stream, self.gone = stream, False

    def write(self, text: str) -> int:
        if not self.gone:
            try:
                self.stream.write(text)
            except BrokenPipeError:
                self._reader_gone()
        return len(text)

    def flush(self) -> None:
        if not self.gone:
            try:
                self.stream.flush()
            except BrokenPipeError:
                self._reader_gone()

    def _reader_gone(self) -> None:
        self.gone = True
        try:  # what Python still holds for the pipe goes nowhere at exit, instead of a second error
            fd = self.stream.fileno()
        except (AttributeError, OSError, ValueError):
            return
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, fd)
        os.close(devnull)


EXIT_INTERRUPTED = 130  # the shell's code for Ctrl+C


def main(argv: Sequence[str] | None = None, *, today: date | None = None,
         stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """Run the command line; return the exit status (callable from tests).

    Python and openpyxl warnings (English, about the library's internals) are kept off the terminal:
    what they mean for the user is already said in French (a refusal, or what a refresh « ne reprend
    pas » of an output sheet); ``--debug`` shows them.
    """
    out, err = _Reader(stdout or sys.stdout), _Reader(stderr or sys.stderr)
    with warnings.catch_warnings(record=True) as caught:  # the filters in force are kept (tests: errors)
        try:
            return _run(argv, today or date.today(), out, err, caught)  # type: ignore[arg-type]
        finally:
            out.flush()


def _run(argv: Sequence[str] | None, today: date, out: TextIO, err: TextIO,
         caught: list[warnings.WarningMessage]) -> int:
    args: argparse.Namespace | None = None
    try:
        args = build_parser().parse_args(argv)
        if args.command is None:
            build_parser().print_help(out)
            return EXIT_UNREADABLE
        # Loaded for a command only: « opc-excel --help » answers without pandas, python-pptx nor matplotlib.
        from opc_excel.cli.commands import COMMANDS

        return COMMANDS[args.command](args, today, out)
    except UnreadableWorkbookError as error:
        if args is not None and getattr(args, "json", False):
            from opc_excel.cli.summary import unreadable_json

            json.dump(unreadable_json(getattr(args, "workbook", None), str(error)), out, ensure_ascii=False,
                      indent=2)
            out.write("\n")
        err.write(f"{error}\n")
        return EXIT_UNREADABLE
    except OpcError as error:
        err.write(f"{error}\n")
        return EXIT_UNREADABLE
    except KeyboardInterrupt:
        err.write("Interrompu (Ctrl+C) : le traitement s'est arrêté ; aucun fichier n'a été remplacé à moitié "
                  "(chacun est écrit en entier avant de remplacer l'ancien). Relancez la commande.\n")
        return EXIT_INTERRUPTED
    except Exception:  # the last resort: a French sentence, the detail only on request
        if args is not None and args.debug:
            traceback.print_exc(file=err)
        err.write("Erreur inattendue : le traitement s'est arrêté sans rien écrire. Relancez avec --debug et "
                  "transmettez le message à l'assistance avec le classeur.\n")
        return EXIT_UNREADABLE
    finally:
        if args is not None and getattr(args, "debug", False):
            for warning in caught:
                err.write(f"Détail technique (avertissement) : {warning.category.__name__}: {warning.message}\n")

