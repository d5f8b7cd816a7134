"""Every way the command line could lose a user's file, and the French sentence it answers instead (issue #10).

An output that turns out to be the master, a second refresh over the copy a user typed notes
into, a deck written over a workbook, a full disk, a folder that is missing, a workbook open in
Excel or LibreOffice, a macro workbook given an .xlsx name, a closed pipe, and openpyxl's English
warnings: each is tried through ``main`` (or a real process where a terminal matters).
"""

from __future__ import annotations

import errno
import io
import os
import re
import socket
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

import docx
import openpyxl
import pytest

from opc_excel import pipeline
from opc_excel.cli import main
from tests.badbooks import xlsm_with_macros
from tests.factory import make_workbook
from tests.test_cli import input_cells

TODAY = date(2026, 1, 1)
ROOT = Path(__file__).resolve().parents[1]
CAL_04 = "CAL-04 · PER-AME-01 · Démarrage des travaux"
XLSM_TYPE = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(list(argv), today=TODAY, stdout=out, stderr=err)
    return status, out.getvalue(), err.getvalue()


def assert_one_french_sentence(status: int, err: str, *names: str) -> None:
    """The answer to a path mistake: exit 2, one line naming the path, no traceback, no « Erreur inattendue »."""
    assert status == 2, err
    assert len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err and "Erreur inattendue" not in err
    for name in names:
        assert name in err


def backups_of(path: Path) -> list[Path]:
    return sorted(path.parent.glob(f"{path.stem}.sauvegarde-*{path.suffix}"))


def workbook_type(path: Path) -> str:
    """Return the content type of the workbook part: what Excel checks against the file's extension."""
    with zipfile.ZipFile(path) as zf:
        types = zf.read("[Content_Types].xml").decode()
    return re.search(r'PartName="/xl/workbook.xml" ContentType="([^"]+)"', types).group(1)


def alert_notes(path: Path) -> dict[str, object]:
    ws = openpyxl.load_workbook(path)["Alertes"]
    rows = list(ws.iter_rows(values_only=True))
    header = next(i for i, row in enumerate(rows) if row and row[0] == "Clé")
    column = rows[header].index("Commentaire")
    return {row[0]: row[column] for row in rows[header + 1:] if row[0]}


def type_note(path: Path, key: str, note: str) -> None:
    workbook = openpyxl.load_workbook(path)
    ws = workbook["Alertes"]
    header = next(r for r in range(1, 11) if ws.cell(r, 1).value == "Clé")
    column = next(c.column for c in ws[header] if c.value == "Commentaire")
    row = next(r for r in range(header + 1, ws.max_row + 1) if ws.cell(r, 1).value == key)
    ws.cell(row, column, note)
    workbook.save(path)


def with_chart(tmp_path: Path) -> Path:
    source = make_workbook(tmp_path, name="source.xlsx")
    target = tmp_path / "graphique.xlsx"
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for item in zin.infolist():
            zout.writestr(item, zin.read(item.filename))
        zout.writestr("xl/charts/chart1.xml", "<c:chartSpace xmlns:c='x'/>")
    source.unlink()
    return target


def as_xlsm_without_macros(tmp_path: Path) -> Path:
    """Return the factory workbook saved by Excel as « .xlsm » with no macro in it (a common case)."""
    source = make_workbook(tmp_path, name="source.xlsx")
    target = tmp_path / "sans-macro.xlsm"
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(XLSX_TYPE.encode(), XLSM_TYPE.encode())
            zout.writestr(item, data)
    source.unlink()
    return target


def excel_owner_file(workbook: Path, user: str) -> Path:
    """Write the hidden « ~$<nom> » file Excel keeps beside a workbook it has open."""
    ansi = user.encode("cp1252")
    data = bytes([len(ansi)]) + ansi.ljust(53, b" ") + len(user).to_bytes(2, "little")
    wide = user.encode("utf-16-le")
    data += wide + b" \x00" * (55 - len(wide) // 2)
    owner = workbook.with_name("~$" + workbook.name)
    owner.write_bytes(data)
    return owner


def libreoffice_lock_file(workbook: Path, user: str, host: str) -> Path:
    lock = workbook.with_name(f".~lock.{workbook.name}#")
    lock.write_text(f",{user},{host},01.10.2011 09:12,file:///home/{user}/.config/libreoffice/4;", encoding="utf-8")
    return lock


def master_spellings(master: Path) -> dict[str, Path]:
    """Return other names of the master itself: the same path, a roundabout one, a symbolic and a hard link."""
    folder = master.parent
    (folder / "sous-dossier").mkdir()
    names = {"the same path": master, "a roundabout path": folder / "sous-dossier" / ".." / "." / master.name}
    try:
        os.symlink(master, folder / "lien.xlsx")
        names["a symbolic link"] = folder / "lien.xlsx"
    except (OSError, NotImplementedError):
        pass
    try:
        os.link(master, folder / "lien-dur.xlsx")
        names["a hard link"] = folder / "lien-dur.xlsx"
    except (OSError, NotImplementedError):
        pass
    return names


class DescribeAnOutThatIsTheMaster:
    @pytest.mark.parametrize("spelling", ["the same path", "a roundabout path", "a symbolic link", "a hard link"])
    def it_refreshes_in_place_with_a_backup_and_says_so(self, tmp_path, spelling):
        master = make_workbook(tmp_path, name="maitre.xlsx")
        out_path = master_spellings(master).get(spelling)
        if out_path is None:
            pytest.skip(f"{spelling}: impossible sur ce système de fichiers")
        before, inputs = master.read_bytes(), input_cells(master)
        status, out, err = run("refresh", str(master), "--out", str(out_path))
        assert status in (0, 1), err
        [backup] = backups_of(master)
        assert backup.read_bytes() == before
        assert "est le classeur maître lui-même" in out and str(backup) in out
        assert "le maître, lui, est intact" not in out
        assert "Contrôles" in openpyxl.load_workbook(master).sheetnames
        assert input_cells(master) == inputs
        assert not (tmp_path / "~$maitre.xlsx.opc-lock").exists()
        if spelling == "a symbolic link":
            assert out_path.is_symlink()

    def it_rewrites_a_master_holding_a_chart_keeping_the_chart_as_it_was(self, tmp_path):
        master = with_chart(tmp_path)
        chart = zipfile.ZipFile(master).read("xl/charts/chart1.xml")
        status, _, err = run("refresh", str(master), "--out", str(master))
        assert status == 0, err
        assert zipfile.ZipFile(master).read("xl/charts/chart1.xml") == chart and len(backups_of(master)) == 1

    def it_takes_the_lock_of_the_master(self, tmp_path):
        master = make_workbook(tmp_path, name="maitre.xlsx")
        lock = tmp_path / "~$maitre.xlsx.opc-lock"
        lock.write_text(f"{os.getpid()}\n{socket.gethostname()}\nautre\n", encoding="utf-8")
        before = master.read_bytes()
        status, _, err = run("refresh", str(master), "--out", str(tmp_path / "." / "maitre.xlsx"))
        assert_one_french_sentence(status, err, "est déjà en cours d'actualisation")
        assert master.read_bytes() == before


class DescribeInPlaceThroughASymbolicLink:
    def it_refreshes_the_real_file_and_keeps_the_link(self, tmp_path):
        real = make_workbook(tmp_path, name="maitre.xlsx")
        link = tmp_path / "raccourci.xlsx"
        try:
            os.symlink(real, link)
        except (OSError, NotImplementedError):
            pytest.skip("pas de lien symbolique sur ce système")
        before = real.read_bytes()
        status, _, err = run("refresh", str(link), "--in-place")
        assert status in (0, 1), err
        assert link.is_symlink() and link.resolve() == real.resolve()
        assert "Contrôles" in openpyxl.load_workbook(real).sheetnames
        [backup] = backups_of(real)
        assert backup.read_bytes() == before


class DescribeADeckWrittenOverAWorkbook:
    def it_refuses_to_replace_the_master_with_a_deck(self, tmp_path):
        master = make_workbook(tmp_path, name="maitre.xlsx")
        before = master.read_bytes()
        status, _, err = run("deck", "point-mensuel", str(master), "--out", str(master))
        assert_one_french_sentence(status, err, "maitre.xlsx", ".pptx")
        assert master.read_bytes() == before

    def it_refuses_any_existing_workbook_even_behind_a_pptx_name(self, tmp_path):
        master = make_workbook(tmp_path, name="maitre.xlsx")
        other = make_workbook(tmp_path, name="autre.xlsx")
        before = other.read_bytes()
        status, _, err = run("deck", "point-mensuel", str(master), "--out", str(other))
        assert_one_french_sentence(status, err, "autre.xlsx")
        assert other.read_bytes() == before
        disguised = tmp_path / "diaporama.pptx"
        disguised.write_bytes(before)
        status, _, err = run("deck", "point-mensuel", str(master), "--out", str(disguised))
        assert_one_french_sentence(status, err, "diaporama.pptx")
        assert disguised.read_bytes() == before


class DescribeARepeatedRefresh:
    def it_keeps_a_dated_backup_of_the_previous_copy_and_says_where(self, tmp_path):
        master = make_workbook(tmp_path, name="maitre.xlsx")
        copy = tmp_path / "maitre.actualisé.xlsx"
        assert run("refresh", str(master))[0] in (0, 1)
        type_note(copy, CAL_04, "Vu en comité, relancer le bailleur")
        typed = copy.read_bytes()
        status, out, err = run("refresh", str(master))
        assert status in (0, 1), err
        [backup] = backups_of(copy)
        assert backup.read_bytes() == typed
        assert str(backup) in out
        assert alert_notes(backup)[CAL_04] == "Vu en comité, relancer le bailleur"

    def it_warns_that_notes_typed_in_the_copy_are_not_in_the_master(self, tmp_path):
        master = make_workbook(tmp_path, name="maitre.xlsx")
        copy = tmp_path / "maitre.actualisé.xlsx"
        run("refresh", str(master))
        type_note(copy, CAL_04, "Vu en comité")
        _, out, _ = run("refresh", str(master))
        assert "notes saisies dans la feuille Alertes" in out and "maitre.xlsx" in out
        assert "--in-place" in out  # what to do to keep notes from one refresh to the next

    def it_says_nothing_about_notes_when_the_copy_holds_none_of_its_own(self, tmp_path):
        master = make_workbook(tmp_path, name="maitre.xlsx")
        run("refresh", str(master))
        _, out, _ = run("refresh", str(master))
        assert "notes saisies" not in out

    def it_keeps_a_dated_backup_of_a_deck_it_replaces(self, tmp_path):
        master = make_workbook(tmp_path, name="maitre.xlsx")
        deck = tmp_path / "point-mensuel_2011-09-30.pptx"
        assert run("deck", "point-mensuel", str(master))[0] in (0, 1)
        edited = deck.read_bytes()  # perhaps touched up in PowerPoint since
        status, out, err = run("deck", "point-mensuel", str(master))
        assert status in (0, 1), err
        [backup] = backups_of(deck)
        assert backup.read_bytes() == edited and str(backup) in out


class DescribeOutputPathMistakes:
    def it_names_a_missing_folder(self, tmp_path):
        master = make_workbook(tmp_path, name="maitre.xlsx")
        missing = tmp_path / "absent" / "copie.xlsx"
        status, _, err = run("refresh", str(master), "--out", str(missing))
        assert_one_french_sentence(status, err, str(missing.parent))
        status, _, err = run("deck", "copil", str(master), "--out", str(tmp_path / "absent" / "copil.pptx"))
        assert_one_french_sentence(status, err, str(missing.parent))

    def it_refuses_an_output_that_is_a_folder(self, tmp_path):
        master = make_workbook(tmp_path, name="maitre.xlsx")
        folder = tmp_path / "dossier.xlsx"
        folder.mkdir()
        status, _, err = run("refresh", str(master), "--out", str(folder))
        assert_one_french_sentence(status, err, str(folder))
        deck_folder = tmp_path / "diapos"
        deck_folder.mkdir()
        status, _, err = run("deck", "copil", str(master), "--out", str(deck_folder))
        assert_one_french_sentence(status, err, str(deck_folder))

    def it_refuses_a_demo_folder_that_is_a_file(self, tmp_path):
        a_file = tmp_path / "notes.txt"
        a_file.write_text("à garder", encoding="utf-8")
        status, _, err = run("demo", "--out", str(a_file))
        assert_one_french_sentence(status, err, str(a_file))
        assert a_file.read_text(encoding="utf-8") == "à garder"

    def it_refuses_a_copy_name_excel_could_not_open(self, tmp_path):
        master = make_workbook(tmp_path, name="maitre.xlsx")
        status, _, err = run("refresh", str(master), "--out", str(tmp_path / "copie.txt"))
        assert_one_french_sentence(status, err, "copie.txt", ".xlsx")
        assert not (tmp_path / "copie.txt").exists()

    @pytest.mark.parametrize("command", [
        "copy", "in-place", "deck",
        "in-place, lock",  # the disk is full before the lock file is written
    ])
    def it_says_the_disk_is_full_and_leaves_every_file_as_it_was(self, tmp_path, monkeypatch, command):
        master = make_workbook(tmp_path, name="maitre.xlsx")
        deck = tmp_path / "copil_2011-09-30.pptx"
        run("refresh", str(master))
        run("deck", "copil", str(master))
        before = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
        real_fdopen = os.fdopen

        class FullDisk:
            def __init__(self, stream):
                self.stream = stream

            def write(self, data):
                raise OSError(errno.ENOSPC, "No space left on device")

            def __getattr__(self, name):
                return getattr(self.stream, name)

            def __enter__(self):
                return self

            def __exit__(self, *exc):
                self.stream.close()

        def fdopen(fd, mode="r", *args, **kwargs):
            stream = real_fdopen(fd, mode, *args, **kwargs)
            return FullDisk(stream) if "b" in mode or command.endswith("lock") else stream

        monkeypatch.setattr(os, "fdopen", fdopen)
        argv = {"copy": ["refresh", str(master)], "in-place": ["refresh", str(master), "--in-place"],
                "deck": ["deck", "copil", str(master)],
                "in-place, lock": ["refresh", str(master), "--in-place"]}[command]
        status, _, err = run(*argv)
        assert_one_french_sentence(status, err, "plein")
        assert str(tmp_path) in err or deck.name in err
        after = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file() and "sauvegarde" not in p.name}
        assert after == before  # no half-written file, nothing replaced
        assert not list(tmp_path.glob(".~*"))

    def it_says_the_disk_is_full_when_the_backup_cannot_be_made(self, tmp_path, monkeypatch):
        master = make_workbook(tmp_path, name="maitre.xlsx")
        before = master.read_bytes()

        def full(*args, **kwargs):
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr("shutil.copy2", full)
        status, _, err = run("refresh", str(master), "--in-place")
        assert_one_french_sentence(status, err, "plein", "maitre.xlsx")
        assert master.read_bytes() == before and not backups_of(master)

    def it_stops_quietly_in_french_on_ctrl_c(self, tmp_path, monkeypatch):
        master = make_workbook(tmp_path, name="maitre.xlsx")

        def interrupted(*args, **kwargs):
            raise KeyboardInterrupt

        monkeypatch.setattr(pipeline, "write_outputs", interrupted)
        status, _, err = run("refresh", str(master), "--in-place")
        assert status == 130 and "Traceback" not in err and "Interrompu" in err
        assert not (tmp_path / "~$maitre.xlsx.opc-lock").exists()


class DescribeMacroWorkbooks:
    def it_writes_a_macro_copy_under_an_xlsm_name_and_says_so(self, tmp_path):
        master = xlsm_with_macros(tmp_path)
        status, out, err = run("refresh", str(master), "--out", str(tmp_path / "copie.xlsx"))
        assert status in (0, 1), err
        written = tmp_path / "copie.xlsm"
        assert not (tmp_path / "copie.xlsx").exists()
        assert workbook_type(written) == XLSM_TYPE and "xl/vbaProject.bin" in zipfile.ZipFile(written).namelist()
        assert str(written) in out and "macros" in out

    def it_names_the_default_copy_of_a_macro_workbook_xlsm(self, tmp_path):
        master = xlsm_with_macros(tmp_path)
        run("refresh", str(master))
        assert workbook_type(tmp_path / "macros.actualisé.xlsm") == XLSM_TYPE

    def it_keeps_an_xlsm_without_macros_openable_in_excel(self, tmp_path):
        master = as_xlsm_without_macros(tmp_path)
        status, _, err = run("refresh", str(master))
        assert status in (0, 1), err
        assert workbook_type(tmp_path / "sans-macro.actualisé.xlsm") == XLSM_TYPE
        status, _, err = run("refresh", str(master), "--in-place")
        assert status in (0, 1), err
        assert workbook_type(master) == XLSM_TYPE


class DescribeAWorkbookOpenElsewhere:
    def it_refuses_in_place_while_excel_has_the_master_open(self, tmp_path):
        master = make_workbook(tmp_path, name="maitre.xlsx")
        excel_owner_file(master, "Élodie Martin")
        before = master.read_bytes()
        status, _, err = run("refresh", str(master), "--in-place")
        assert_one_french_sentence(status, err, "maitre.xlsx", "~$maitre.xlsx")
        assert "le classeur est ouvert dans Excel par Élodie Martin" in err
        assert "fermez" in err
        assert master.read_bytes() == before and not backups_of(master)

    def it_names_word_for_a_report_open_in_word(self, tmp_path):
        master = make_workbook(tmp_path, name="maitre.xlsx")
        report = tmp_path / "rapport.docx"
        docx.Document().save(report)
        before = report.read_bytes()
        excel_owner_file(report, "Élodie Martin")  # Office's owner file, the same for Word
        status, _, err = run("rapport", str(master), "--out", str(report))
        assert status == 2 and "le document est ouvert dans Word par Élodie Martin" in err
        assert report.read_bytes() == before

    def it_refuses_in_place_while_libreoffice_has_the_master_open(self, tmp_path):
        master = make_workbook(tmp_path, name="maitre.xlsx")
        libreoffice_lock_file(master, "jdupont", "PC-URBA")
        before = master.read_bytes()
        status, _, err = run("refresh", str(master), "--in-place")
        assert_one_french_sentence(status, err, "maitre.xlsx", "ouvert dans LibreOffice par jdupont")
        assert master.read_bytes() == before

    def it_still_writes_a_copy_while_the_master_is_open(self, tmp_path):
        master = make_workbook(tmp_path, name="maitre.xlsx")
        excel_owner_file(master, "Élodie Martin")
        status, _, err = run("refresh", str(master))
        assert status in (0, 1), err
        assert (tmp_path / "maitre.actualisé.xlsx").is_file()

    def it_refuses_to_replace_a_copy_open_in_excel(self, tmp_path):
        master = make_workbook(tmp_path, name="maitre.xlsx")
        run("refresh", str(master))
        copy = tmp_path / "maitre.actualisé.xlsx"
        before = copy.read_bytes()
        excel_owner_file(copy, "Élodie Martin")
        status, _, err = run("refresh", str(master))
        assert_one_french_sentence(status, err, "maitre.actualisé.xlsx", "Élodie Martin")
        assert copy.read_bytes() == before


def cli_process(*argv: str, **kwargs) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("PYTHONWARNINGS", None)
    return subprocess.Popen([sys.executable, "-m", "opc_excel.cli", *argv], env=env, text=True, **kwargs)


class DescribeTheTerminal:
    def it_exits_quietly_when_the_reader_of_its_output_has_gone(self, tmp_path):
        master = make_workbook(tmp_path, name="maitre.xlsx")
        process = cli_process("check", str(master), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        process.stdout.close()  # as `| head -1` does once it has its line
        err = process.stderr.read()
        process.wait(timeout=300)
        process.stderr.close()
        assert err == ""
        assert process.returncode in (0, 1)

    def it_shows_no_english_warning_from_openpyxl(self, tmp_path):
        source = make_workbook(tmp_path, name="source.xlsx")
        master = tmp_path / "listes.xlsx"
        extension = ('<extLst><ext uri="{CCE6A557-97BC-4B89-ADB6-D9C93CAAB3DF}" xmlns:x14="http://schemas.'
                     'microsoft.com/office/spreadsheetml/2009/9/main"><x14:dataValidations count="0"/></ext></extLst>')
        with zipfile.ZipFile(source) as zin, zipfile.ZipFile(master, "w") as zout:
            for item in zin.infolist():
                data = zin.read(item.filename)
                if item.filename.startswith("xl/worksheets/sheet"):
                    data = data.replace(b"</worksheet>", extension.encode() + b"</worksheet>")
                zout.writestr(item, data)
        for argv in (["check", str(master)], ["refresh", str(master)]):
            process = cli_process(*argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            out, err = process.communicate(timeout=300)
            assert process.returncode in (0, 1), err
            assert err == "", argv
            assert "Warning" not in out
