"""The meeting kit and the fiches opération on the command line: ``convocation``, ``compte-rendu``, ``note``,
``fiches``; and the documents ``demo`` writes.

Each command checks the workbook, builds its Word document from one :class:`Situation`, writes it atomically
beside the workbook (or ``--out``) and says in French what it wrote; exit status 1 when the workbook has
blocking problems (the document is still written, and says so).
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import TextIO

from opc_excel.cli.parser import KIT_KINDS
from opc_excel.errors import UsageError
from opc_excel.fr import fr_date
from opc_excel.pipeline import check_file, write_document, write_report
from opc_excel.report import CheckReport
from opc_excel.situation import Situation

EXIT_OK, EXIT_BLOCKING = 0, 1


def checked_report(args: argparse.Namespace, today: date, meeting: str = "de la réunion") -> CheckReport:
    """Return the workbook's report; refuse a ``--seance`` before the date de situation (« la date {meeting} »)."""
    report = check_file(args.workbook, at=args.at, today=today)
    seance = getattr(args, "seance", None)
    if seance is not None and seance < report.at:
        raise UsageError(f"La séance du {fr_date(seance)} précède la date de situation du {fr_date(report.at)} : "
                         f"indiquez avec --seance la date {meeting} (le {fr_date(report.at)} ou après), ou une "
                         f"date de situation antérieure avec --at.")
    return report


def _said(out: TextIO, what: str, written, report: CheckReport, done: str = "écrit") -> int:
    out.write(f"{what} {done} : {written.written}\n")
    if written.backup is not None:
        out.write(f"Le document qu'il remplace est conservé dans : {written.backup}\n")
    if report.blocking:
        out.write(f"{len(report.blocking)} problème(s) bloquant(s) : les données concernées sont écartées du "
                  f"document. Corrigez-les dans le classeur (feuille Contrôles) puis régénérez.\n")
    return EXIT_BLOCKING if report.blocking else EXIT_OK


def _kit(args: argparse.Namespace, today: date, out: TextIO, what: str, build) -> int:
    from opc_excel.render.documents.kit import kit_file_name, kit_meeting  # python-docx: for these commands only

    report = checked_report(args, today)
    situation = Situation.of(report)
    meeting = kit_meeting(situation, args.instance, args.seance)
    name = kit_file_name(what, args.instance, meeting.day)
    written = write_document(args.out or args.workbook.with_name(name), name,
                             lambda: build(report, args.instance, seance=args.seance, situation=situation,
                                           template=args.template))
    label, done = ("Convocation et ordre du jour", "écrits") if what == "convocation" else ("Compte rendu prérempli",
                                                                                             "écrit")
    return _said(out, f"{label} ({meeting.label.lower()} du {fr_date(meeting.day)})", written, report, done)


def _convocation(args: argparse.Namespace, today: date, out: TextIO) -> int:
    from opc_excel.render.documents.kit import build_convocation

    return _kit(args, today, out, "convocation", build_convocation)


def _compte_rendu(args: argparse.Namespace, today: date, out: TextIO) -> int:
    from opc_excel.render.documents.compte_rendu import build_compte_rendu

    return _kit(args, today, out, "compte-rendu", build_compte_rendu)


def _note(args: argparse.Namespace, today: date, out: TextIO) -> int:
    from opc_excel.render.documents.kit import kit_meeting
    from opc_excel.render.documents.note import build_note, note_file_name

    report = checked_report(args, today)
    situation = Situation.of(report)
    meeting = kit_meeting(situation, "point-mensuel", args.seance)
    name = note_file_name(meeting.day)
    written = write_document(args.out or args.workbook.with_name(name), name,
                             lambda: build_note(report, seance=args.seance, situation=situation,
                                                template=args.template))
    return _said(out, f"Note de préparation (point mensuel du {fr_date(meeting.day)})", written, report, "écrite")


def _fiches(args: argparse.Namespace, today: date, out: TextIO) -> int:
    from opc_excel.render.documents.fiches import build_fiches, fiches_file_name, operations_of

    report = checked_report(args, today)
    operations_of(report, args.moa)  # an unknown MOA is refused before anything is written
    name = fiches_file_name(report.at, args.moa)
    written = write_document(args.out or args.workbook.with_name(name), name,
                             lambda: build_fiches(report, moa=args.moa, template=args.template))
    return _said(out, "Fiches opération", written, report, "écrites")


DOCUMENT_COMMANDS = {"convocation": _convocation, "compte-rendu": _compte_rendu, "note": _note, "fiches": _fiches}


def write_demo_documents(report: CheckReport, situation: Situation, folder: Path) -> list[str]:
    """Write the rapport semestriel, each instance's convocation and compte rendu, the note de préparation and
    the fiches opération into ``folder``; return the file names written."""
    from opc_excel.render.documents.compte_rendu import build_compte_rendu
    from opc_excel.render.documents.fiches import build_fiches, fiches_file_name
    from opc_excel.render.documents.kit import build_convocation, kit_file_name, kit_meeting
    from opc_excel.render.documents.note import build_note, note_file_name
    from opc_excel.render.documents.rapport import report_file_name

    written = [write_report(report, folder / report_file_name(report.at), situation=situation).written]
    for kind in KIT_KINDS:
        day = kit_meeting(situation, kind, None).day
        for what, build in (("convocation", build_convocation), ("compte-rendu", build_compte_rendu)):
            name = kit_file_name(what, kind, day)
            written.append(write_document(folder / name, name,
                                          lambda b=build, k=kind: b(report, k, situation=situation)).written)
    day = kit_meeting(situation, "point-mensuel", None).day
    written.append(write_document(folder / note_file_name(day), note_file_name(day),
                                  lambda: build_note(report, situation=situation)).written)
    name = fiches_file_name(report.at)
    written.append(write_document(folder / name, name, lambda: build_fiches(report, situation=situation)).written)
    return [path.name for path in written]
