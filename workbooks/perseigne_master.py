"""Desktop fallback for perseigne_master.xlsx: refresh the open workbook, then write every deck and document next to it.

For one user with Python on Windows, without the add-in's server: the xlwings add-in's ribbon
button *Run main* runs ``main()`` of the Python file named like the workbook and placed beside it
(this file, for ``perseigne_master.xlsx``). It rewrites the *Contrôles*, *Alertes*, *Tableau de
bord*, *Historique* and *Historique jalons* sheets of the open workbook exactly as the ribbon's
« Actualiser les alertes » does (what you typed in the follow-up columns of *Alertes* is kept),
then saves the decks of every meeting as ``<kind>_<AAAA-MM-JJ>.pptx`` in the workbook's folder, and the
Word documents ``opc-excel demo`` writes: the rapport semestriel, each meeting's convocation and compte rendu,
the note de préparation and the fiches opération. A document open in Word is not replaced: the documents stop
there, and the message says which one to close (the sheets are refreshed and the decks written all the same).

Only xlwings' open-source part is used: no licence key, no server. Step by step: README, section
« Excel add-in (xlwings Server) », « Sans serveur : le bouton Run main ».
"""

from __future__ import annotations

import os
import traceback
from datetime import date
from pathlib import Path

import xlwings as xw

from opc_excel.errors import OpcError
from opc_excel.pipeline import write_outputs
from opc_excel.report import CheckReport
from opc_excel.server.book import ACTUALISER, check_book, run_summary
from opc_excel.sheets.xlwings_backend import XlwingsOutput
from opc_excel.situation.formats import plural

TITLE = "OPC urbain"
DOCUMENTS_REFUSED = "documents_non_ecrits"  # in the summary when the Word documents could not be written


def deck_list() -> list[tuple[str, str | None]]:
    """Return every deck to write: each kind, and the restricted meeting once per theme (none without decks)."""
    try:
        from opc_excel.render.decks import KINDS, THEMES
    except ImportError:
        return []
    return [(kind, None) for kind, deck in KINDS.items() if not deck.needs_theme] + [
        (kind, theme) for kind, deck in KINDS.items() if deck.needs_theme for theme in THEMES]


def write_decks(report: CheckReport, folder: Path) -> list[Path]:
    """Write every deck of the checked workbook into ``folder``; return the files written."""
    try:
        from opc_excel.render.decks import build_deck
        from opc_excel.situation import Situation
    except ImportError:
        return []
    written, situation = [], Situation.of(report)  # one situation for every deck of the session
    for kind, theme in deck_list():
        path = folder / f"{kind}{'-' + theme if theme else ''}_{report.at.isoformat()}.pptx"
        partial = path.with_name(path.name + ".partiel")
        partial.write_bytes(build_deck(report, kind, theme=theme, situation=situation))
        os.replace(partial, path)  # a deck is there whole, or not at all
        written.append(path)
    return written


def write_documents(report: CheckReport, folder: Path) -> list[Path]:
    """Write the Word documents of the checked workbook into ``folder`` as ``opc-excel demo`` does; return them.

    Each is written whole or not at all, replacing an earlier one after a dated backup; none without the
    documents in this installation.
    """
    try:
        from opc_excel.cli.documents import write_demo_documents
        from opc_excel.situation import Situation
    except ImportError:
        return []
    return [folder / name for name in write_demo_documents(report, Situation.of(report), folder)]


def refresh_and_write_decks(book: xw.Book, folder: Path, today: date) -> tuple[dict[str, object], list[Path]]:
    """Refresh the open workbook's output sheets, write the decks and the Word documents into ``folder``; return
    the summary and the files written (decks first)."""
    report = check_book(book, ACTUALISER, today)
    write_outputs(XlwingsOutput(book), report)
    summary, files = run_summary(report, ACTUALISER, book.name), write_decks(report, folder)
    try:
        files += write_documents(report, folder)
    except OpcError as error:  # a document open in Word: the sheets and decks are done, say what to close
        summary[DOCUMENTS_REFUSED] = f"Documents Word non écrits : {error}"
    return summary, files


def main() -> None:
    """The *Run main* button: refresh this workbook and write its decks and documents beside it, then say what was
    done."""
    book = xw.Book.caller()
    folder = Path(book.fullname).parent
    if not folder.is_dir() or folder == Path("."):
        book.app.alert("Enregistrez d'abord le classeur sur le disque : les diaporamas et les documents sont écrits "
                       "à côté de lui.", title=TITLE)
        return
    try:
        summary, files = refresh_and_write_decks(book, folder, date.today())
    except OpcError as error:
        book.app.alert(str(error), title=TITLE)
        return
    except Exception:  # the last resort: a French sentence; the detail goes to a file for support
        detail = folder / "opc-excel-erreur.txt"
        detail.write_text(traceback.format_exc(), encoding="utf-8")
        book.app.alert("Erreur inattendue : l'actualisation s'est arrêtée. Transmettez à l'assistance le fichier "
                       f"{detail.name}, écrit à côté du classeur, avec une copie du classeur.", title=TITLE)
        return
    refused = f"\n\n{summary[DOCUMENTS_REFUSED]}" if DOCUMENTS_REFUSED in summary else ""
    book.app.alert(f"{summary['message']}\n\n{files_written(files, folder)}{refused}", title=TITLE)


def files_written(files: list[Path], folder: Path) -> str:
    """Say in French how many decks and Word documents were written into ``folder``, or that none could be."""
    decks = sum(1 for f in files if f.suffix == ".pptx")
    documents = len(files) - decks
    if not files:
        return "Diaporamas et documents non écrits : cette installation d'opc-excel ne les génère pas encore."
    said = [plural(decks, "diaporama") if decks else "",
            plural(documents, "document Word", "documents Word") if documents else ""]
    one = len(files) == 1
    return f"{' et '.join(s for s in said if s)} {'écrit' if one else 'écrits'} dans {folder}."


if __name__ == "__main__":  # from a terminal, with the workbook open in Excel
    xw.Book(str(Path(__file__).with_suffix(".xlsx"))).set_mock_caller()
    main()
