"""The ``opc-excel`` commands: each a thin function over :mod:`opc_excel.pipeline` that says in French what it wrote.

Each takes the parsed arguments, the date of the day and the output stream, and returns the exit
status: 0 no blocking problem, 1 blocking problems (the output is still complete).
"""

from __future__ import annotations

import argparse
import errno
import importlib
import json
import os
import socket
from datetime import date
from pathlib import Path
from typing import TextIO

from opc_excel.cli.documents import DOCUMENT_COMMANDS, checked_report, write_demo_documents
from opc_excel.cli.parser import KINDS, THEMES
from opc_excel.cli.summary import print_summary, report_as_json
from opc_excel.errors import UsageError
from opc_excel.files import atomic_write_bytes
from opc_excel.pipeline import (
    REFRESHED_SHEETS,
    UNREADABLE_SITUATION,
    check_file,
    deck_file_name,
    default_output,
    refresh_file,
    refreshed_sheets,
    write_deck,
    write_pdf,
    write_report,
)
from opc_excel.situation import Situation

# The renderers (python-pptx, python-docx, matplotlib) are imported by the commands that write with them:
# a check loads none of them.

EXIT_OK, EXIT_BLOCKING, EXIT_UNREADABLE = 0, 1, 2
SHIPPED_MASTER = Path("workbooks") / "perseigne_master.xlsx"


def _check(args: argparse.Namespace, today: date, out: TextIO) -> int:
    report = check_file(args.workbook, at=args.at, today=today)
    if args.json:
        out.write(json.dumps(report_as_json(report), ensure_ascii=False, indent=2) + "\n")  # whole or nothing
    else:
        print_summary(report, args.workbook, out)
    return EXIT_BLOCKING if report.blocking else EXIT_OK


def _refresh(args: argparse.Namespace, today: date, out: TextIO) -> int:
    result = refresh_file(args.workbook, at=args.at, today=today, out=args.out, in_place=args.in_place)
    print_summary(result.check, args.workbook, out)
    out.write("\n")
    if result.in_place and not args.in_place:
        out.write(f"« {args.out} » est le classeur maître lui-même : il a été actualisé en place, comme avec "
                  f"--in-place (copie de sauvegarde d'abord, verrou, refus de ce qui serait perdu).\n")
    sheets = refreshed_sheets(result.check)
    if sheets == REFRESHED_SHEETS:
        out.write(f"Feuilles Contrôles, Alertes, Tableau de bord et Historique écrites dans : {result.written}\n")
    else:
        out.write(f"{UNREADABLE_SITUATION} Feuille Contrôles écrite dans : {result.written}\n")
    if result.asked is not None:
        out.write(f"Le classeur contient des macros : la copie est enregistrée sous « {result.written.name} » et non "
                  f"« {result.asked.name} », nom qu'Excel refuserait d'ouvrir pour un classeur à macros.\n")
    if result.backup is not None and result.in_place:
        out.write(f"Copie de sauvegarde du classeur avant réécriture : {result.backup}\n")
    elif result.backup is not None:
        out.write(f"La copie précédente « {result.written.name} » a été remplacée ; elle est conservée dans : "
                  f"{result.backup}\n")
    if result.notes_left_behind:
        out.write(f"Attention : la copie précédente contenait des notes saisies dans la feuille Alertes "
                  f"({result.notes_left_behind} alerte(s)) que le classeur maître « {args.workbook.name} » n'a pas : "
                  f"la nouvelle copie repart des notes du maître. Recopiez-les depuis la copie conservée dans la "
                  f"feuille Alertes du maître, puis actualisez le maître lui-même (--in-place) : vos notes y "
                  f"suivront chaque actualisation.\n")
    if result.dropped:
        kept = (f"ils restent dans la copie de sauvegarde {result.backup}" if result.in_place else
                "le classeur maître, lui, les garde")
        out.write(f"Attention : {', '.join(result.dropped)} ne sont pas repris : une feuille de sortie est "
                  f"entièrement réécrite à chaque actualisation ; {kept}. Placez-les plutôt sur une feuille à vous "
                  f"(ou une note dans la colonne Commentaire d'Alertes, qui est conservée).\n")
    return EXIT_BLOCKING if result.check.blocking else EXIT_OK


def _deck(args: argparse.Namespace, today: date, out: TextIO) -> int:
    report = checked_report(args, today)
    target = args.out or args.workbook.with_name(deck_file_name(args.kind, args.theme, report.at))
    written = write_deck(report, target, args.kind, theme=args.theme, template=args.template, since=args.depuis,
                         seance=args.seance)
    out.write(f"Diaporama écrit : {written.written}\n")
    if written.backup is not None:
        out.write(f"Le diaporama qu'il remplace est conservé dans : {written.backup}\n")
    if report.blocking:
        out.write(f"{len(report.blocking)} problème(s) bloquant(s) : la première diapositive après le titre liste "
                  f"les données écartées. Corrigez-les dans le classeur (feuille Contrôles) puis régénérez.\n")
    return EXIT_BLOCKING if report.blocking else EXIT_OK


def _rapport(args: argparse.Namespace, today: date, out: TextIO) -> int:
    from opc_excel.render.documents.rapport import report_file_name

    report = checked_report(args, today, meeting="du comité")
    target = args.out or args.workbook.with_name(report_file_name(report.at))
    written = write_report(report, target, template=args.template, seance=args.seance)
    out.write(f"Rapport semestriel écrit : {written.written}\n")
    if written.backup is not None:
        out.write(f"Le rapport qu'il remplace est conservé dans : {written.backup}\n")
    if report.blocking:
        out.write(f"{len(report.blocking)} problème(s) bloquant(s) : le rapport le signale en première page et "
                  f"écarte les données concernées. Corrigez-les dans le classeur (feuille Contrôles) puis "
                  f"régénérez.\n")
    if args.pdf:
        pdf = write_pdf(written.written)  # without LibreOffice: a French sentence, exit status 2, the .docx kept
        out.write(f"PDF écrit : {pdf.written}\n")
    return EXIT_BLOCKING if report.blocking else EXIT_OK


def _template_check(args: argparse.Namespace, today: date, out: TextIO) -> int:
    from opc_excel.render.decks.template import LAYOUTS, check_template
    from opc_excel.render.documents.template import FRENCH_NAMES, STYLES
    from opc_excel.render.documents.template import check_template as check_document_template

    if args.template.suffix.lower() in (".docx", ".dotx"):  # a Word template: the styles the documents use
        result = check_document_template(args.template)
        needed = f"styles {', '.join(f'« {FRENCH_NAMES[n]} »' for n in STYLES)}"
    else:
        result = check_template(args.template)
        needed = f"dispositions {', '.join(LAYOUTS)}"
    if result.ok:
        out.write(f"Le modèle « {args.template.name} » convient : tout ce qui est nécessaire est là ({needed}).\n")
        return EXIT_OK
    out.write(f"Le modèle « {args.template.name} » ne convient pas encore :\n")
    for missing in result.missing:
        out.write(f"  - {missing}\n")
    return EXIT_BLOCKING


def _demo(args: argparse.Namespace, today: date, out: TextIO) -> int:
    source = args.classeur or _shipped_master()
    _results_folder(args.out)
    result = refresh_file(source, at=None, today=today, out=args.out / default_output(source).name)
    target = result.written
    report_path = args.out / "controles.json"
    atomic_write_bytes(report_path, (json.dumps(report_as_json(result.check), ensure_ascii=False, indent=2)
                                     + "\n").encode("utf-8"))
    decks, situation = [], Situation.of(result.check)  # one situation for every deck of the session
    for kind, theme in DEMO_DECKS:
        path = args.out / deck_file_name(kind, theme, result.check.at)
        write_deck(result.check, path, kind, theme=theme, situation=situation)
        decks.append(path.name)
    decks += write_demo_documents(result.check, situation, args.out)  # the rapport, the kits, the fiches
    print_summary(result.check, source, out)
    out.write(f"\nRésultats écrits dans le dossier {args.out} :\n"
              f"  - {target.name} : le classeur avec ses feuilles Contrôles, Alertes, Tableau de bord et "
              f"Historique\n"
              f"  - {report_path.name} : les mêmes contrôles en JSON\n")
    for name in decks:
        out.write(f"  - {name}\n")
    return EXIT_BLOCKING if result.check.blocking else EXIT_OK


def _results_folder(folder: Path) -> None:
    """Create the demo's results folder; raise UsageError (French) when it can't be one."""
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"« {folder} » est un fichier, pas un dossier : indiquez avec --out le dossier où écrire "
                         f"les résultats (il est créé s'il n'existe pas), par exemple --out sortie, puis relancez.")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        why = "accès refusé" if isinstance(error, PermissionError) else f"erreur système n° {error.errno}"
        raise UsageError(f"Le dossier « {folder} » n'a pas pu être créé ({why}) : indiquez avec --out un dossier "
                         f"où vous pouvez écrire, puis relancez.") from error


def _shipped_master() -> Path:
    for base in (Path.cwd(), Path(__file__).resolve().parents[2]):
        if (base / SHIPPED_MASTER).is_file():
            return base / SHIPPED_MASTER
    raise UsageError("Le classeur de démonstration workbooks/perseigne_master.xlsx est introuvable : lancez la "
                     "commande depuis le dossier du projet, ou indiquez un classeur avec --classeur.")


SERVER_EXTRA = "pip install \".[server]\""  # from the project folder: the package is on no public index


def _serve(args: argparse.Namespace, today: date, out: TextIO) -> int:
    _server_packages()
    _free_port(args.host, args.port)
    # Imported here: the other commands never load the server, nor xlwings and its licence.
    from opc_excel.server.app import serve

    return serve(args.host, args.port, args.certs, out, workers=args.workers)


def _server_packages() -> None:
    """Raise UsageError (French) when the server extra is missing, with the install command that works.

    opc-excel is installed from its folder, not from a public index: « pip install "opc-excel[server]" »
    would fail, « pip install ".[server]" » run from the project folder works.
    """
    missing = []
    for name in ("uvicorn", "xlwings_server"):
        try:
            importlib.import_module(name)
        except ImportError:
            missing.append(name)
    if missing:
        raise UsageError(f"Le serveur du complément Excel demande des paquets en plus ({', '.join(missing)}) : "
                         f"depuis le dossier du projet opc_excel, tapez {SERVER_EXTRA} (dans son environnement "
                         f"Python), puis relancez « opc-excel serve ».")


def _free_port(host: str, port: int) -> None:
    """Raise UsageError (French) when ``port`` is already taken on ``host``, before the server says it started.

    The probe binds as uvicorn will (SO_REUSEADDR outside Windows, where it would let two servers share
    the port), then lets the port go. A host that does not resolve or a port out of range is left to the
    server, which says it.
    """
    if not 0 < port < 65536:
        return
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                                             flags=socket.AI_PASSIVE)[0]
    except (OSError, UnicodeError):
        return
    with socket.socket(family, kind, proto) as probe:
        if os.name != "nt":
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as error:
            if error.errno in (errno.EADDRINUSE, getattr(errno, "WSAEADDRINUSE", -1)):
                raise UsageError(f"Le port {port} est déjà utilisé sur {host} : un autre programme l'occupe "
                                 f"(peut-être un serveur « opc-excel serve » déjà lancé). Arrêtez-le, ou choisissez "
                                 f"un autre port, par exemple « opc-excel serve --port {port % 65535 + 1} », puis "
                                 f"chargez le manifeste à cette adresse.") from error
            if error.errno in (errno.EACCES, getattr(errno, "WSAEACCES", -1)):
                raise UsageError(f"Le port {port} est réservé sur ce poste (accès refusé) : choisissez un port "
                                 f"au-delà de 1024, par exemple « opc-excel serve --port 8000 ».") from error


COMMANDS = {"check": _check, "refresh": _refresh, "deck": _deck, "rapport": _rapport,
            "template-check": _template_check,
            "demo": _demo, "serve": _serve, **DOCUMENT_COMMANDS}
DEMO_DECKS = [(kind, None) for kind in KINDS if kind != "reunion-restreinte"] + [
    ("reunion-restreinte", theme) for theme in THEMES]
