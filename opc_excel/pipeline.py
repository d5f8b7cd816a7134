"""The whole job, with no front end: load → check → compute indicators and alerts → write.

Front ends (command line, xlwings) call these functions and turn ``OpcError`` into a message.
Nothing here calls ``date.today()``: the caller passes ``today``.
"""

from __future__ import annotations

import os
import re
import zipfile
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from opc_excel.cancel import checkpoint
from opc_excel.checks.tables import check_tables
from opc_excel.compute.alerts import evaluate
from opc_excel.compute.indicators import compute_indicators
from opc_excel.compute.points_durs import points_durs, ranks_by_key
from opc_excel.errors import OpcError, OutputSheetError, UnwritableFileError
from opc_excel.files import (
    atomic_save,
    atomic_write_bytes,
    backup_copy,
    refuse_if_open,
    remove_leftovers,
    same_file,
    workbook_lock,
    writable_target,
)
from opc_excel.model import Problem, Severity
from opc_excel.read import contract
from opc_excel.read.alert_sheet import FOLLOW_UP, merge, read_previous
from opc_excel.read.build import build_programme
from opc_excel.read.calamine_source import workbook_source
from opc_excel.read.history import (
    HISTORIQUE_JALONS,
    headerless_history_sheets,
    merged_snapshots,
    merged_summary_rows,
    read_milestone_history,
    read_summary_history,
)
from opc_excel.read.package import WORKBOOK_SUFFIXES, PackageReport, inspect_package
from opc_excel.read.problems import ProblemLog, cell_position
from opc_excel.read.reader import read_workbook, situation_unreadable
from opc_excel.read.source import WorkbookSource
from opc_excel.read.values import is_blank
from opc_excel.report import CheckReport
from opc_excel.situation import Situation

MAX_FORMULA_WARNINGS_PER_SHEET = 20


@dataclass(frozen=True)
class RefreshReport:
    check: CheckReport
    written: Path
    backup: Path | None  # the copy of what ``written`` held before (the master in place, else an earlier copy)
    dropped: tuple[str, ...]  # what users had put on the output sheets rewritten (cell notes, charts), in French
    in_place: bool = False  # the master itself was rewritten (--in-place, or an --out naming the master)
    asked: Path | None = None  # the name asked for, when the content needed another extension (.xlsm)
    notes_left_behind: int = 0  # rows of the replaced copy's Alertes whose notes the new copy lacks


@dataclass(frozen=True)
class WrittenFile:
    written: Path
    backup: Path | None  # the dated copy of the file it replaced, if there was one


def check_source(source: WorkbookSource, *, at: date | None, today: date,
                 package: PackageReport | None = None) -> CheckReport:
    """Return the check of a workbook given as values (any front end)."""
    result = read_workbook(source, at=at, today=today)
    checkpoint()  # each stage may be the last of a call its caller gave up (opc_excel.cancel)
    check_tables(result)
    checkpoint()
    if package is not None:
        _formula_warnings(package, result.sheet_names, result.log)
    programme = replace(build_programme(result), history=read_milestone_history(source))
    checkpoint()
    indicators = compute_indicators(programme)
    checkpoint()
    alerts = tuple(evaluate(programme))
    checkpoint()
    return CheckReport(programme, _sorted(result.log.problems), result.sheet_names,
                       indicators=indicators, alerts=alerts,
                       previous_alerts=read_previous(source), summary_history=tuple(read_summary_history(source)),
                       headerless_history=headerless_history_sheets(source))


def check_file(path: str | Path, *, at: date | None, today: date,
               package: PackageReport | None = None) -> CheckReport:
    """Return the check of a workbook file; raise ``UnreadableWorkbookError`` when it can't be read.

    The file is inspected first (:func:`inspect_package`), then read by python-calamine as openpyxl
    would read it (:mod:`opc_excel.read.calamine_source`).
    """
    package = package if package is not None else inspect_package(path)
    with workbook_source(path, package) as source:
        return check_source(source, at=at, today=today, package=package)


def default_output(path: Path) -> Path:
    """Return where a refreshed copy goes by default: ``<nom>.actualisé.xlsx`` next to the master.

    The extension is the master's (``.xlsm`` stays ``.xlsm``); :func:`refresh_file` makes the
    content match the name, and turns an ``.xlsx`` name into ``.xlsm`` when macros are kept.
    """
    return path.with_name(f"{path.stem}.actualisé{path.suffix}")


_MACRO_SUFFIX = {".xlsx": ".xlsm", ".xltx": ".xltm"}


def _copy_target(path: Path, out: Path | None) -> Path:
    """Return the file a refreshed copy goes to; raise UnwritableFileError when Excel could not open that name."""
    target = writable_target(out if out is not None else default_output(path),
                             example_name=default_output(path).name)
    if target.suffix.lower() not in WORKBOOK_SUFFIXES:
        raise UnwritableFileError(
            f"« {out or target} » n'est pas un nom de classeur Excel : donnez à la copie un nom qui se termine par "
            f".xlsx, par exemple « {target.with_suffix('.xlsx').name} », puis relancez.")
    return target


def _macro_name(target: Path, path: Path) -> Path:
    """Return *target* with the macro-enabled extension; raise if that name is the master itself."""
    renamed = target.with_suffix(_MACRO_SUFFIX.get(target.suffix.lower(), target.suffix))
    if same_file(renamed, path):
        raise UnwritableFileError(
            f"Le classeur « {path.name} » contient des macros : sa copie doit se terminer par .xlsm, et "
            f"« {renamed.name} » est le classeur maître lui-même. Choisissez un autre nom avec --out, puis relancez.")
    return renamed


def refresh_file(path: str | Path, *, at: date | None, today: date, out: str | Path | None = None,
                 in_place: bool = False) -> RefreshReport:
    """Check the workbook and write its output sheets into a copy, or into the master itself.

    Only the output sheets' parts change (:mod:`opc_excel.sheets.package_output`): every other part
    of the master — input sheets, charts, images, pivot tables, macros — is copied byte for byte.
    In place, the master is rewritten after a backup copy, atomically and under a lock.
    """
    path = Path(path)
    out_is_master = out is not None and same_file(out, path)  # ./M, a link, another case: the master itself
    in_place = in_place or out_is_master
    if in_place:
        path = target = Path(os.path.realpath(path))  # a link's file, not the link
    else:
        target = _copy_target(path, Path(out) if out is not None else None)
    refuse_if_open(target)  # Excel or LibreOffice would save over it, or lose what is typed there
    with workbook_lock(path) if in_place else nullcontext():
        if in_place:
            remove_leftovers(path)  # of an earlier refresh killed while saving
        package = inspect_package(path)
        asked = None
        if not in_place and package.macro_enabled and target.suffix.lower() in _MACRO_SUFFIX:
            asked, target = target, _macro_name(target, path)
            refuse_if_open(target)
        report = check_file(path, at=at, today=today, package=package)
        from opc_excel.sheets.package_output import PackageOutput

        # only the output sheets' parts are written; the content type follows the name (.xlsm, .xltx)
        with PackageOutput(path, target.suffix) as output:
            write_outputs(output, report)
            replaced = target.exists()
            notes_left_behind = 0 if in_place or not replaced else _notes_left_behind(target, report)
            backup = backup_copy(target) if replaced else None
            atomic_save(output, target)
    return RefreshReport(report, target, backup, output.dropped, in_place=in_place, asked=asked,
                         notes_left_behind=notes_left_behind)


def _notes_left_behind(copy: Path, report: CheckReport) -> int:
    """Return how many alert rows of an earlier copy hold notes the new copy, made from the master, will lack.

    Users open the copy and may type in its *Alertes*; a refresh reads the master's *Alertes*, so
    those notes would not follow. A copy that can't be read counts none (it is backed up anyway).
    """
    try:
        with workbook_source(copy) as source:
            earlier = read_previous(source)
    except OpcError:
        return 0
    new = {row.key: row.user for row in merge(report.previous_alerts, report.alerts, report.at)}
    return sum(1 for row in earlier.rows if any(
        not is_blank(value) and not (header == FOLLOW_UP and _SOFTWARE_FOLLOW_UP.fullmatch(str(value)))
        and value != new.get(row.key, {}).get(header) for header, value in row.user.items()))


_SOFTWARE_FOLLOW_UP = re.compile(r"\s*(nouvelle|r[ée]solue le .*)", re.IGNORECASE)  # what a refresh writes in Suivi


def deck_file_name(kind: str, theme: str | None, at: date) -> str:
    """Return the default deck file name: ``<kind>[-<theme>]_<AAAA-MM-JJ>.pptx``."""
    return f"{kind}{'-' + theme if theme else ''}_{at.isoformat()}.pptx"


def write_deck(report: CheckReport, target: str | Path, kind: str, *, theme: str | None = None,
               template: str | Path | None = None, since: date | None = None,
               situation: Situation | None = None, seance: date | None = None) -> WrittenFile:
    """Build a deck and write it atomically (a temporary file renamed): the whole deck or nothing.

    ``situation``: the session's :class:`Situation` of ``report``, built once for several decks; ``seance``: the
    meeting's date (default: its *Prochain …* parameter when not before t, else t).

    Only a .pptx is ever replaced, after a dated backup (someone may have touched it up in
    PowerPoint); a workbook, or any file that is not a presentation, is refused.
    """
    path = writable_target(target, example_name=deck_file_name(kind, theme, report.at))
    if path.suffix.lower() != ".pptx":
        raise UnwritableFileError(
            f"« {Path(target).name} » n'est pas un nom de diaporama : il ne sera pas remplacé. Indiquez un fichier "
            f"qui se termine par .pptx, par exemple « {deck_file_name(kind, theme, report.at)} », puis relancez.")
    if path.exists() and not _is_presentation(path):
        raise UnwritableFileError(
            f"« {Path(target).name} » existe et n'est pas un diaporama PowerPoint : il ne sera pas remplacé. "
            f"Choisissez un autre nom de fichier (--out), puis relancez.")
    refuse_if_open(path)
    from opc_excel.render.decks import build_deck  # python-pptx: loaded by the commands that write a deck only

    data = build_deck(report, kind, theme=theme, template=template, since=since, situation=situation,
                      seance=seance)
    backup = backup_copy(path) if path.exists() else None
    atomic_write_bytes(path, data)
    return WrittenFile(path, backup)


def _is_presentation(path: Path, part: str = "ppt/presentation.xml") -> bool:
    """Return True for a PowerPoint file (a Word file with ``word/document.xml``), or an empty one: nothing to lose."""
    if path.stat().st_size == 0:
        return True
    try:
        with zipfile.ZipFile(path) as zf:
            return part in zf.namelist()
    except (zipfile.BadZipFile, OSError):
        return False


def write_report(report: CheckReport, target: str | Path, *, template: str | Path | None = None,
                 situation: Situation | None = None, seance: date | None = None) -> WrittenFile:
    """Build the rapport semestriel and write it as :func:`write_document` writes a Word document."""
    from opc_excel.render.documents.rapport import build_report, report_file_name  # python-docx, matplotlib

    return write_document(target, report_file_name(report.at),
                          lambda: build_report(report, template=template, situation=situation, seance=seance))


def write_document(target: str | Path, example: str, build: Callable[[], bytes]) -> WrittenFile:
    """Write the Word document ``build`` returns atomically, as :func:`write_deck` writes a deck (the rapport, the
    meeting kit, the fiches opération); ``example``: the default file name, quoted in messages.

    Only a .docx is ever replaced, after a dated backup (it may have been edited in Word); any other file is refused.
    """
    path = writable_target(target, example_name=example)
    if path.suffix.lower() != ".docx":
        raise UnwritableFileError(
            f"« {Path(target).name} » n'est pas un nom de document Word : il ne sera pas remplacé. Indiquez un "
            f"fichier qui se termine par .docx, par exemple « {example} », puis relancez.")
    if path.exists() and not _is_presentation(path, "word/document.xml"):
        raise UnwritableFileError(
            f"« {Path(target).name} » existe et n'est pas un document Word : il ne sera pas remplacé. Choisissez "
            f"un autre nom de fichier (--out), puis relancez.")
    refuse_if_open(path)
    data = build()
    backup = backup_copy(path) if path.exists() else None
    atomic_write_bytes(path, data)
    return WrittenFile(path, backup)


def write_pdf(document: Path) -> WrittenFile:
    """Write ``document``'s PDF beside it (same name, .pdf) through LibreOffice; raise PdfUnavailableError if none."""
    target = document.with_suffix(".pdf")
    refuse_if_open(target)
    from opc_excel.render.documents.pdf import to_pdf

    data = to_pdf(document.read_bytes(), document.name)
    backup = backup_copy(target) if target.exists() else None
    atomic_write_bytes(target, data)
    return WrittenFile(target, backup)


REFRESHED_SHEETS = contract.OUTPUT_SHEETS  # Contrôles, Alertes, Tableau de bord, Historique, Historique jalons


UNREADABLE_SITUATION = ("La date de situation (feuille Paramètres) est illisible : seule la feuille Contrôles est "
                        "réécrite, rien n'est daté d'aujourd'hui à sa place. Saisissez-la au format JJ/MM/AAAA, "
                        "puis relancez.")


def refreshed_sheets(report: CheckReport) -> tuple[str, ...]:
    """Return the output sheets a refresh of ``report`` writes: only *Contrôles* while the date de situation
    is unreadable (nothing is then dated at today in its place)."""
    return (contract.CONTROLES,) if situation_unreadable(report.problems) else REFRESHED_SHEETS


def write_outputs(workbook, report: CheckReport) -> None:
    """Write every output sheet of a refresh (input sheets untouched).

    ``workbook`` is an openpyxl workbook (command line) or an output backend over an open Excel
    workbook (the add-in): see :mod:`opc_excel.sheets.output`.
    """
    # The sheet writers load openpyxl: imported by a refresh only, not by a check.
    from opc_excel.sheets.alertes import write_alertes
    from opc_excel.sheets.controles import write_controles
    from opc_excel.sheets.dashboard import summary_values, write_dashboard
    from opc_excel.sheets.history import write_milestone_history, write_summary_history

    if refreshed_sheets(report) != REFRESHED_SHEETS:
        write_controles(workbook, report.problems, report.at, report.sheet_names)
        return
    if report.previous_alerts.headerless:  # before anything is written
        raise OutputSheetError(
            "La feuille Alertes n'a plus sa ligne d'en-tête (la cellule « Clé » en tête de la première colonne) : "
            "l'actualiser effacerait ce qui y a été saisi. Rien n'a été modifié. Rétablissez « Clé » en tête de "
            "la première colonne (ligne 3 à l'origine), ou renommez la feuille (par exemple « Alertes ancienne ») "
            "pour garder son contenu à part, puis relancez.")
    if report.headerless_history:
        sheet = report.headerless_history[0]
        hidden = " (feuille masquée : clic droit sur un onglet, Afficher)" if sheet == HISTORIQUE_JALONS else ""
        raise OutputSheetError(
            f"La feuille {sheet}{hidden} n'a plus sa ligne d'en-tête (la cellule « Date de situation », en A1 à "
            "l'origine) : l'actualiser effacerait l'historique des situations précédentes. Rien n'a été modifié. "
            "Rétablissez l'en-tête, ou renommez la feuille pour garder son contenu à part, puis relancez.")
    programme = report.programme
    checkpoint()
    write_controles(workbook, report.problems, report.at, report.sheet_names)
    checkpoint()
    ranks = ranks_by_key(points_durs(programme, report.alerts))  # the Rang column: each alert's point dur
    write_alertes(workbook, merge(report.previous_alerts, report.alerts, report.at, ranks),
                  report.previous_alerts.extra_headers, report.at, report.previous_alerts.notes_above)
    checkpoint()
    write_dashboard(workbook, programme, report.indicators, report.alerts, report.problems)
    checkpoint()
    summary = summary_values(report.indicators, report.alerts, report.problems)
    write_summary_history(workbook, merged_summary_rows(report.summary_history, summary, report.at))
    checkpoint()
    write_milestone_history(workbook, merged_snapshots(programme.history, programme))


def _formula_warnings(package: PackageReport, sheet_names: dict[str, str], log: ProblemLog) -> None:
    """Warn about formulas whose value the file does not hold (it was not last saved by Excel)."""
    inputs = {actual: name for name, actual in sheet_names.items()}
    for sheet, cells in package.formulas_without_value.items():
        if sheet not in inputs:
            continue
        for cell in cells[:MAX_FORMULA_WARNINGS_PER_SHEET]:
            log.add("DQ-FORMULA", inputs[sheet], cell, "", "",
                    "Formule sans valeur calculée (le fichier n'a pas été enregistré par Excel) : la cellule "
                    "est lue comme vide. Ouvrez le classeur dans Excel, enregistrez-le, puis relancez.",
                    Severity.AVERTISSEMENT)
        if len(cells) > MAX_FORMULA_WARNINGS_PER_SHEET:
            log.add("DQ-FORMULA", inputs[sheet], "", "", "",
                    f"… et {len(cells) - MAX_FORMULA_WARNINGS_PER_SHEET} autres formules sans valeur calculée "
                    f"dans cette feuille : ouvrez le classeur dans Excel, enregistrez-le, puis relancez.",
                    Severity.AVERTISSEMENT)


_SHEET_ORDER = {name: i for i, name in enumerate(contract.INPUT_SHEETS)}
_SEVERITY_ORDER = {Severity.BLOQUANT: 0, Severity.AVERTISSEMENT: 1}


def _sorted(problems: list[Problem]) -> tuple[Problem, ...]:
    """Return problems blocking first, then in sheet order, then by row and column."""
    def key(problem: Problem) -> tuple:
        row = col = 0
        if problem.cell:
            row, col = cell_position(problem.cell)
        return (_SEVERITY_ORDER[problem.severity], _SHEET_ORDER.get(problem.sheet, 99), row, col)
    return tuple(sorted(problems, key=key))
