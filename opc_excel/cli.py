"""The ``opc-excel`` command line: thin commands over :mod:`opc_excel.pipeline`.

Domain code raises; this is the one place that turns errors into a French message and an exit
status: 0 no blocking problem, 1 blocking problems (the output is still complete), 2 the file
can't be read at all or the command is wrong.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import traceback
import warnings
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TextIO

from opc_excel.compute.indicators import indicators_as_json
from opc_excel.errors import OpcError, UnreadableWorkbookError, UsageError
from opc_excel.model import Alert, Level, Problem, Severity
from opc_excel.pipeline import (
    REFRESHED_SHEETS,
    UNREADABLE_SITUATION,
    check_file,
    deck_file_name,
    default_output,
    refresh_file,
    refreshed_sheets,
    write_deck,
)
from opc_excel.read.safety import atomic_write_bytes
from opc_excel.read.values import fr_date
from opc_excel.render.decks import KINDS, THEMES
from opc_excel.render.decks.template import LAYOUTS, check_template
from opc_excel.report import CheckReport

EXIT_OK, EXIT_BLOCKING, EXIT_UNREADABLE = 0, 1, 2
MAX_LISTED = 40
MAX_RED_LISTED = 10
SHIPPED_MASTER = Path("workbooks") / "perseigne_master.xlsx"


# ---------------------------------------------------------------- argument parsing, in French

_ARGPARSE_FR = (
    (r"the following arguments are required: (.*)", r"argument obligatoire manquant : \1"),
    (r"unrecognized arguments: (.*)", r"argument non reconnu : \1"),
    (r"argument (\S+): invalid choice: (.*?) \(choose from (.*)\)", r"\1 : choix « \2 » inconnu (choisir parmi \3)"),
    (r"argument (\S+): expected one argument", r"l'option \1 attend une valeur"),
    (r"argument (\S+): not allowed with argument (\S+)", r"les options \1 et \2 s'excluent"),
    (r"argument (\S+): (.*)", r"\1 : \2"),
)


class _Formatter(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):  # noqa: ANN001 - argparse's signature
        # argparse passes prefix="" when it builds a sub-command's name: keep that one empty
        return super().add_usage(usage, actions, groups, prefix="Utilisation : " if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """An argparse parser that speaks French and raises instead of exiting on a usage error."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs.setdefault("add_help", False)
        super().__init__(*args, **kwargs)
        self._positionals.title = "Arguments"
        self._optionals.title = "Options"
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                          help="afficher cette aide et quitter")

    def error(self, message: str) -> None:  # type: ignore[override]
        for pattern, french in _ARGPARSE_FR:
            if re.fullmatch(pattern, message):
                message = re.sub(pattern, french, message)
                break
        raise UsageError(f"{message}. Tapez « {self.prog} --help » pour l'aide.")


def _date_argument(text: str) -> date:
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    raise argparse.ArgumentTypeError(f"« {text} » n'est pas une date : tapez JJ/MM/AAAA, par exemple 30/09/2011")


def build_parser() -> argparse.ArgumentParser:
    """Return the parser of every command (also used by the test that checks every help text)."""
    parser = _Parser(
        prog="opc-excel",
        description="Pilotage du projet de rénovation urbaine depuis le classeur maître : "
                    "contrôle du classeur, actualisation des feuilles de suivi, diaporamas des instances.",
        epilog="Exemple : opc-excel check workbooks/perseigne_master.xlsx --at 30/09/2011")
    _debug_argument(parser, default=False)
    commands = parser.add_subparsers(dest="command", title="Commandes", metavar="COMMANDE",
                                     parser_class=_Parser, help="la commande à exécuter")

    check = commands.add_parser(
        "check", help="contrôler le classeur et afficher les problèmes trouvés",
        description="Lit le classeur, le contrôle cellule par cellule et affiche les problèmes trouvés. "
                    "Code de sortie : 0 aucun problème bloquant, 1 problèmes bloquants, 2 fichier illisible.")
    _workbook_arguments(check)
    check.add_argument("--json", action="store_true",
                       help="afficher le résultat en JSON (pour un autre programme)")

    refresh = commands.add_parser(
        "refresh", help="actualiser les contrôles, alertes, tableau de bord et historique (dans une copie)",
        description="Contrôle le classeur, calcule indicateurs et alertes, et écrit les feuilles Contrôles, "
                    "Alertes, Tableau de bord, Historique et Historique jalons dans une copie "
                    "« <nom>.actualisé.xlsx ». Les feuilles de saisie ne sont jamais modifiées ; ce que vous avez "
                    "saisi dans les colonnes de suivi de la feuille Alertes est conservé.")
    _workbook_arguments(refresh)
    where = refresh.add_mutually_exclusive_group()
    where.add_argument("--out", metavar="CHEMIN", type=Path,
                       help="fichier à écrire (par défaut : <nom>.actualisé.xlsx à côté du classeur)")
    where.add_argument("--in-place", action="store_true",
                       help="réécrire le classeur maître lui-même, après en avoir fait une copie de sauvegarde")

    deck = commands.add_parser(
        "deck", help="générer un diaporama (point mensuel, comité de suivi, comité de pilotage…)",
        description="Génère le diaporama demandé depuis le classeur, à la date de situation. Diaporamas : "
                    + ", ".join(KINDS) + ". La réunion restreinte demande un thème (--theme). Un classeur avec "
                    "des problèmes bloquants donne quand même un diaporama, qui liste d'abord ce qui a été écarté.")
    deck.add_argument("kind", metavar="DIAPORAMA", choices=list(KINDS), help="le diaporama : " + ", ".join(KINDS))
    _workbook_arguments(deck)
    deck.add_argument("--theme", choices=list(THEMES),
                      help="thème de la réunion restreinte : " + ", ".join(THEMES))
    deck.add_argument("--template", metavar="MODELE", type=Path,
                      help="modèle PowerPoint de la ville (par défaut : le modèle maison)")
    deck.add_argument("--out", metavar="CHEMIN", type=Path,
                      help="fichier à écrire (par défaut : <diaporama>_<AAAA-MM-JJ>.pptx à côté du classeur)")
    deck.add_argument("--depuis", metavar="JJ/MM/AAAA", type=_date_argument,
                      help="date de situation du précédent point, pour « ce qui a changé » (par défaut : la "
                           "précédente de la feuille Historique)")

    template_check = commands.add_parser(
        "template-check", help="vérifier qu'un modèle PowerPoint convient aux diaporamas",
        description="Liste ce qui manque à un modèle PowerPoint (dispositions nommées, espaces réservés, "
                    "format 16:9) avant de s'en servir pour générer les diaporamas.")
    template_check.add_argument("template", metavar="MODELE", type=Path, help="le modèle (.pptx)")
    _debug_argument(template_check)

    demo = commands.add_parser(
        "demo", help="tout exécuter sur le classeur de démonstration Perseigne–Courteille",
        description="Contrôle et actualise le classeur de démonstration livré (workbooks/perseigne_master.xlsx) "
                    "et écrit dans un dossier le classeur actualisé et les cinq diaporamas.")
    demo.add_argument("--out", metavar="DOSSIER", type=Path, default=Path("sortie"),
                      help="dossier des résultats (par défaut : ./sortie)")
    demo.add_argument("--classeur", metavar="CLASSEUR", type=Path, default=None,
                      help="autre classeur à utiliser (par défaut : le classeur de démonstration livré)")
    _debug_argument(demo)

    serve = commands.add_parser(
        "serve", help="démarrer le serveur du complément Excel (ruban « OPC urbain »)",
        description="Démarre le serveur du complément Excel (xlwings Server) : ruban « OPC urbain », volet, "
                    "diaporamas. Par défaut il n'écoute que ce poste (127.0.0.1), sans authentification ; "
                    "sur une autre adresse, un jeton d'accès (OPC_EXCEL_TOKEN) ou Microsoft Entra ID est exigé, "
                    "ainsi que la clé de licence XLWINGS_LICENSE_KEY. Excel exige HTTPS : donnez le dossier des "
                    "certificats avec --certs. Arrêt : Ctrl+C.",
        epilog="Exemple : opc-excel serve --certs certs  puis, dans Excel, chargez https://127.0.0.1:8000/manifest.xml")
    serve.add_argument("--host", metavar="ADRESSE", default="127.0.0.1",
                       help="adresse d'écoute (par défaut 127.0.0.1 : ce poste seulement)")
    serve.add_argument("--port", metavar="PORT", type=int, default=8000, help="port d'écoute (par défaut 8000)")
    serve.add_argument("--certs", metavar="DOSSIER", type=Path, default=None,
                       help="dossier du certificat et de sa clé au format PEM, pour servir en HTTPS")
    _debug_argument(serve)
    return parser


def _debug_argument(parser: argparse.ArgumentParser, default: object = argparse.SUPPRESS) -> None:
    # On every command too, so that `opc-excel check X --debug` works; SUPPRESS keeps the top-level value.
    parser.add_argument("--debug", action="store_true", default=default,
                        help="en cas d'erreur inattendue, afficher le détail technique (pour l'assistance)")


def _workbook_arguments(parser: argparse.ArgumentParser) -> None:
    _debug_argument(parser)
    parser.add_argument("workbook", metavar="CLASSEUR", type=Path, help="le classeur maître (.xlsx ou .xlsm)")
    parser.add_argument("--at", metavar="JJ/MM/AAAA", type=_date_argument,
                        help="date de situation à utiliser à la place de celle de la feuille Paramètres")


# ---------------------------------------------------------------- commands


def _check(args: argparse.Namespace, today: date, out: TextIO) -> int:
    report = check_file(args.workbook, at=args.at, today=today)
    if args.json:
        out.write(json.dumps(report_as_json(report), ensure_ascii=False, indent=2) + "\n")  # whole or nothing
    else:
        _print_summary(report, args.workbook, out)
    return EXIT_BLOCKING if report.blocking else EXIT_OK


def _refresh(args: argparse.Namespace, today: date, out: TextIO) -> int:
    result = refresh_file(args.workbook, at=args.at, today=today, out=args.out, in_place=args.in_place)
    _print_summary(result.check, args.workbook, out)
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
        out.write(f"Attention : la copie ne contient pas {', '.join(result.dropped)} du classeur maître "
                  f"(le maître, lui, est intact).\n")
    return EXIT_BLOCKING if result.check.blocking else EXIT_OK


def _deck(args: argparse.Namespace, today: date, out: TextIO) -> int:
    report = check_file(args.workbook, at=args.at, today=today)
    target = args.out or args.workbook.with_name(deck_file_name(args.kind, args.theme, report.at))
    written = write_deck(report, target, args.kind, theme=args.theme, template=args.template, since=args.depuis)
    out.write(f"Diaporama écrit : {written.written}\n")
    if written.backup is not None:
        out.write(f"Le diaporama qu'il remplace est conservé dans : {written.backup}\n")
    if report.blocking:
        out.write(f"{len(report.blocking)} problème(s) bloquant(s) : la première diapositive après le titre liste "
                  f"les données écartées. Corrigez-les dans le classeur (feuille Contrôles) puis régénérez.\n")
    return EXIT_BLOCKING if report.blocking else EXIT_OK


def _template_check(args: argparse.Namespace, today: date, out: TextIO) -> int:
    result = check_template(args.template)
    if result.ok:
        out.write(f"Le modèle « {args.template.name} » convient : toutes les dispositions nécessaires sont là "
                  f"({', '.join(LAYOUTS)}).\n")
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
    decks = []
    for kind, theme in DEMO_DECKS:
        path = args.out / deck_file_name(kind, theme, result.check.at)
        write_deck(result.check, path, kind, theme=theme)
        decks.append(path.name)
    _print_summary(result.check, source, out)
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
    for base in (Path.cwd(), Path(__file__).resolve().parents[1]):
        if (base / SHIPPED_MASTER).is_file():
            return base / SHIPPED_MASTER
    raise UsageError("Le classeur de démonstration workbooks/perseigne_master.xlsx est introuvable : lancez la "
                     "commande depuis le dossier du projet, ou indiquez un classeur avec --classeur.")


def _serve(args: argparse.Namespace, today: date, out: TextIO) -> int:
    # Imported here: the other commands never load the server, nor xlwings and its licence.
    from opc_excel.server.app import serve

    return serve(args.host, args.port, args.certs, out)


COMMANDS = {"check": _check, "refresh": _refresh, "deck": _deck, "template-check": _template_check,
            "demo": _demo, "serve": _serve}
DEMO_DECKS = [(kind, None) for kind in KINDS if kind != "reunion-restreinte"] + [
    ("reunion-restreinte", theme) for theme in THEMES]


# ---------------------------------------------------------------- output


def problem_as_json(problem: Problem) -> dict[str, str]:
    return {"code": problem.code, "severity": problem.severity.value, "sheet": problem.sheet,
            "cell": problem.cell, "column": problem.column, "value": problem.value, "message": problem.message}


def alert_as_json(alert: Alert, first_seen: date) -> dict[str, object]:
    return {"key": alert.key, "code": alert.code, "severity": alert.severity.value,
            "theme": alert.theme.value if alert.theme else None, "operation_id": alert.operation_id,
            "action_id": alert.action_id, "finding": alert.finding, "measure": alert.measure,
            "first_seen": first_seen.isoformat()}


def report_as_json(report: CheckReport) -> dict[str, object]:
    """Return the ``check --json`` object: problems, alerts and indicators at the date de situation."""
    first_seen = report.first_seen()
    return {"date_de_situation": report.at.isoformat(),
            "problems": [problem_as_json(p) for p in report.problems],
            "alerts": [alert_as_json(a, first_seen[a.key]) for a in report.alerts],
            "indicators": indicators_as_json(report.indicators)}


def _print_summary(report: CheckReport, path: Path, out: TextIO) -> None:
    programme = report.programme
    out.write(f"Classeur {path.name} — situation au {fr_date(report.at)}\n")
    out.write(f"{programme.params.project or 'Projet sans nom'} ({programme.params.programme.value}) : "
              f"{len(programme.operations)} opérations, {len(programme.funding)} lignes de financement, "
              f"{len(programme.households)} ménages, {len(programme.actions)} actions lues.\n")
    red, orange = report.count(Level.ROUGE), report.count(Level.ORANGE)
    out.write(f"{len(report.alerts)} alerte(s) : {red} rouge(s), {orange} orange.\n")
    for alert in [a for a in report.alerts if a.severity is Level.ROUGE][:MAX_RED_LISTED]:
        out.write(f"  [Rouge] {alert.key} : {alert.finding}\n")
    if red > MAX_RED_LISTED:
        out.write(f"  … et {red - MAX_RED_LISTED} autres alertes rouges : voir la feuille Alertes "
                  f"écrite par « opc-excel refresh ».\n")
    blocking, warnings = len(report.blocking), len(report.warnings)
    if not report.problems:
        out.write("Aucun problème détecté dans les données.\n")
        return
    out.write(f"{blocking} problème(s) bloquant(s), {warnings} avertissement(s).\n")
    for problem in report.problems[:MAX_LISTED]:
        where = f"{problem.sheet}!{problem.cell}" if problem.cell else problem.sheet
        column = f" ({problem.column})" if problem.column else ""
        out.write(f"  [{problem.severity.value}] {problem.code} {where}{column} : {problem.message}\n")
    if len(report.problems) > MAX_LISTED:
        out.write(f"  … et {len(report.problems) - MAX_LISTED} autres : la feuille Contrôles écrite par "
                  f"« opc-excel refresh » les liste tous, avec un lien vers chaque cellule.\n")
    if blocking:
        out.write("Les valeurs bloquantes sont écartées des calculs qui en dépendent ; corrigez-les puis relancez.\n")


def _unreadable_json(path: Path | None, message: str) -> dict[str, object]:
    name = path.name if path is not None else ""
    problem = Problem("DQ-FILE", Severity.BLOQUANT, name, "", "", "", message)
    return {"date_de_situation": None, "problems": [problem_as_json(problem)], "alerts": [], "indicators": {}}


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
    what they mean for the user is already said in French (the copy « ne contient pas … », the
    refusal of --in-place); ``--debug`` shows them.
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
        return COMMANDS[args.command](args, today, out)
    except UnreadableWorkbookError as error:
        if args is not None and getattr(args, "json", False):
            json.dump(_unreadable_json(getattr(args, "workbook", None), str(error)), out, ensure_ascii=False,
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


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
