"""Specification of opc_excel.read.package and opc_excel.files: what gets refused, reported, saved and locked."""

from __future__ import annotations

import builtins
import io
import os
import random
import re
import socket
import struct
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from opc_excel.errors import UnreadableWorkbookError, WorkbookBusyError
from opc_excel.files import atomic_save, backup_copy, remove_leftovers, workbook_lock
from opc_excel.read.package import inspect_package, load_workbook_safely
from opc_excel.read.package_kind import MAX_EMPTY_CELLS_PER_SHEET, MAX_MEMBERS, PRESENTATION

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SHEET1 = "xl/worksheets/sheet1.xml"


# ------------------------------------------------------------------------------ factories


def make_workbook(tmp_path: Path, name: str = "maitre.xlsx", formula: str | None = None) -> Path:
    """Return a small valid workbook saved by openpyxl."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Opérations"
    ws.append(["ID opération", "Libellé", "Coût convention (€ HT)"])
    ws.append(["OP-01", "Démolition tour A", 1_200_000])
    if formula:
        ws["D2"] = formula
    path = tmp_path / name
    wb.save(path)
    return path


def rezip(src: Path, dst: Path, *, replace: dict[str, bytes | None] | None = None,
          add: dict[str, bytes] | None = None, stored: tuple[str, ...] = ()) -> Path:
    """Return *dst*: a copy of the zip *src* with parts replaced (None removes) and added."""
    replace, add = replace or {}, add or {}
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for name in zin.namelist():
            data = replace.get(name, zin.read(name))
            if data is not None:
                zout.writestr(name, data, zipfile.ZIP_STORED if name in stored else zipfile.ZIP_DEFLATED)
        for name, data in add.items():
            zout.writestr(name, data)
    return dst


def sheet_xml(cells: str, prefix: str = "") -> bytes:
    """Return a worksheet part whose only row holds *cells* (raw <c> elements), tags maybe prefixed."""
    xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN}">'
           f'<sheetData><row r="1">{cells}</row></sheetData></worksheet>')
    if prefix:
        xml = re.sub(r"<(/?)(\w+)", rf"<\1{prefix}:\2", xml.replace("xmlns=", f"xmlns:{prefix}="))
        xml = xml.replace(f"<{prefix}:?xml", "<?xml")
    return xml.encode()


def with_part(tmp_path: Path, name: str, data: bytes) -> Path:
    """Return a valid workbook with one part replaced or added."""
    src = make_workbook(tmp_path, "source.xlsx")
    with zipfile.ZipFile(src) as zf:
        exists = name in zf.namelist()
    kwargs = {"replace": {name: data}} if exists else {"add": {name: data}}
    return rezip(src, tmp_path / "classeur.xlsx", **kwargs)


def inject_into_sheet(tmp_path: Path, xml: bytes) -> Path:
    """Return a valid workbook whose first sheet ends with *xml* (e.g. an extLst)."""
    src = make_workbook(tmp_path, "source.xlsx")
    with zipfile.ZipFile(src) as zf:
        sheet = zf.read(SHEET1)
    return rezip(src, tmp_path / "classeur.xlsx",
                 replace={SHEET1: sheet.replace(b"</worksheet>", xml + b"</worksheet>")})


def plain_zip(path: Path, parts: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return path


def claim_size(path: Path, member: str, size: int) -> Path:
    """Return *path* after making its central directory claim *size* bytes for *member*."""
    data = bytearray(path.read_bytes())
    at, name = 0, member.encode()
    while True:
        at = data.find(b"PK\x01\x02", at)
        name_len = struct.unpack("<H", data[at + 28:at + 30])[0]
        if data[at + 46:at + 46 + name_len] == name:
            break
        at += 4
    data[at + 24:at + 28] = struct.pack("<I", size)
    path.write_bytes(bytes(data))
    return path


# ------------------------------------------------------------------------------ garbage


def text_renamed(tmp: Path) -> Path:
    (tmp / "export.xlsx").write_text("ID opération;Libellé\nOP-01;Tour A\n", encoding="utf-8")
    return tmp / "export.xlsx"


def pdf_renamed(tmp: Path) -> Path:
    (tmp / "rapport.xlsx").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    return tmp / "rapport.xlsx"


def html_export(tmp: Path) -> Path:
    (tmp / "extraction.xlsx").write_text("<html><body><table><tr><td>1</td></tr></table></body></html>")
    return tmp / "extraction.xlsx"


def encrypted(tmp: Path) -> Path:
    body = b"\0" * 512 + "EncryptionInfo".encode("utf-16-le") + b"\0" * 100
    (tmp / "protege.xlsx").write_bytes(OLE_MAGIC + body + "EncryptedPackage".encode("utf-16-le"))
    return tmp / "protege.xlsx"


def old_xls(tmp: Path) -> Path:
    (tmp / "ancien.xls").write_bytes(OLE_MAGIC + b"\0" * 1000 + "Workbook".encode("utf-16-le"))
    return tmp / "ancien.xls"


def word_97(tmp: Path) -> Path:
    (tmp / "note.xlsx").write_bytes(OLE_MAGIC + b"\0" * 1000 + "WordDocument".encode("utf-16-le"))
    return tmp / "note.xlsx"


def ods(tmp: Path) -> Path:
    path = tmp / "calc.ods"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", "<office:document-content/>")
    return path


def docx(tmp: Path) -> Path:
    return plain_zip(tmp / "compte-rendu.xlsx", {"[Content_Types].xml": b"<Types/>",
                                                 "word/document.xml": b"<w:document/>"})


def pptx(tmp: Path) -> Path:
    return plain_zip(tmp / "comite.xlsx", {"[Content_Types].xml": b"<Types/>",
                                           "ppt/presentation.xml": b"<p:presentation/>"})


def xlsb(tmp: Path) -> Path:
    return plain_zip(tmp / "binaire.xlsb", {"[Content_Types].xml": b"<Types/>",
                                            "xl/workbook.bin": b"\x83\x01\x00"})


def truncated(tmp: Path) -> Path:
    whole = make_workbook(tmp, "entier.xlsx").read_bytes()
    (tmp / "tronque.xlsx").write_bytes(whole[: len(whole) // 2])
    return tmp / "tronque.xlsx"


def bad_crc(tmp: Path) -> Path:
    path = rezip(make_workbook(tmp, "source.xlsx"), tmp / "abime.xlsx", stored=(SHEET1,))
    data = bytearray(path.read_bytes())
    at = data.find(b"OP-01")
    data[at] = ord("X")
    path.write_bytes(bytes(data))
    return path


def empty(tmp: Path) -> Path:
    (tmp / "vide.xlsx").write_bytes(b"")
    return tmp / "vide.xlsx"


def directory(tmp: Path) -> Path:
    (tmp / "dossier.xlsx").mkdir()
    return tmp / "dossier.xlsx"


def missing(tmp: Path) -> Path:
    return tmp / "absent.xlsx"


def xxe(tmp: Path) -> Path:
    wb = make_workbook(tmp, "source.xlsx")
    with zipfile.ZipFile(wb) as zf:
        xml = zf.read("xl/workbook.xml")
    doctype = b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
    xml = xml.replace(b"?>", b"?>" + doctype, 1) if xml.startswith(b"<?xml") else doctype + xml
    return rezip(wb, tmp / "xxe.xlsx", replace={"xl/workbook.xml": xml})


BILLION_LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">'
                  + b"".join(b'<!ENTITY lol%d "%s">' % (i, b"&lol%d;" % (i - 1) * 10) for i in range(1, 10))
                  + b"]><sst xmlns=\"" + MAIN.encode() + b"\"><si><t>&lol9;</t></si></sst>")


def billion_laughs(tmp: Path) -> Path:
    return with_part(tmp, "xl/sharedStrings.xml", BILLION_LAUGHS)


def doctype_after_long_comment(tmp: Path) -> Path:
    comment = b"<!--" + b"x" * 20_000 + b"-->"
    return with_part(tmp, "_rels/.rels", b'<?xml version="1.0"?>' + comment
                     + b'<!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]><Relationships/>')


def doctype_in_utf16(tmp: Path) -> Path:
    xml = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE r [<!ENTITY e "x">]><styleSheet/>'
    return with_part(tmp, "xl/styles.xml", "\ufeff".encode("utf-16-le") + xml.encode("utf-16-le"))


def doctype_in_utf7(tmp: Path) -> Path:
    return with_part(tmp, "xl/styles.xml", b'<?xml version="1.0" encoding="UTF-7"?>'
                                           b'+ADw-!DOCTYPE r +AFs-+AF0-+AD4-<styleSheet/>')


def doctype_in_oddly_named_part(tmp: Path) -> Path:
    return with_part(tmp, "xl/worksheets/sheet9.bin", b'<!DOCTYPE x SYSTEM "http://evil/x.dtd"><worksheet/>')


def bomb_by_ratio(tmp: Path) -> Path:
    return with_part(tmp, "xl/media/image1.png", b"\0" * (20 * 1024 * 1024))


def bomb_by_claimed_size(tmp: Path) -> Path:
    return claim_size(with_part(tmp, "xl/media/image1.png", b"\0" * 1000), "xl/media/image1.png", 2**30)


def too_many_members(tmp: Path) -> Path:
    path = make_workbook(tmp, "source.xlsx")
    with zipfile.ZipFile(path, "a", zipfile.ZIP_STORED) as zf:
        for i in range(MAX_MEMBERS + 1):
            zf.writestr(f"customXml/item{i}.xml", b"")
    return path.rename(tmp / "gonfle.xlsx")


def random_text(size: int) -> str:
    """Return *size* random letters and digits: they do not compress, so no zip-bomb check sees them."""
    return "".join(random.Random(size).choices("abcdefghijklmnopqrstuvwxyz0123456789", k=size))


def huge_attribute(tmp: Path) -> Path:
    """A cell with a 2 MB attribute: one XML token of 2 MB, far beyond anything Excel writes."""
    return with_part(tmp, SHEET1, sheet_xml(f'<c r="A1" x="{random_text(2 * 1024 * 1024)}"><v>1</v></c>'))


def huge_shared_string(tmp: Path) -> Path:
    """A shared string of 2 MB, when a cell holds at most 32 767 characters."""
    return with_part(tmp, "xl/sharedStrings.xml", f'<sst xmlns="{MAIN}"><si><t>{random_text(2 * 1024 * 1024)}'
                                                  f'</t></si></sst>'.encode())


# (builder, a word the message must contain)
GARBAGE: list[tuple[Callable[[Path], Path], str]] = [
    (text_renamed, "CSV"),  # a CSV export renamed .xlsx
    (pdf_renamed, "PDF"),  # a PDF renamed .xlsx
    (html_export, "page web"),  # an "Excel" export from a web application
    (encrypted, "mot de passe"),  # an OLE file holding EncryptionInfo / EncryptedPackage
    (old_xls, "97-2003"),  # an OLE file with a Workbook stream
    (word_97, "ancien document Office"),  # an OLE file that is no workbook
    (ods, "LibreOffice"),  # an OpenDocument spreadsheet
    (docx, "document Word"),  # a .docx renamed
    (pptx, "PowerPoint"),  # a .pptx renamed
    (xlsb, ".xlsb"),  # a binary workbook
    (truncated, "incomplet"),  # the first half of a valid workbook
    (bad_crc, "endommagé"),  # one byte changed in a stored part: CRC error
    (empty, "vide"),  # 0 bytes
    (directory, "dossier"),  # a folder named like a workbook
    (missing, "introuvable"),  # no such file
    (xxe, "DOCTYPE"),  # xl/workbook.xml declares an external entity
    (billion_laughs, "DOCTYPE"),  # xl/sharedStrings.xml expands entities
    (doctype_after_long_comment, "DOCTYPE"),  # DOCTYPE pushed past the first 4 KiB by a comment
    (doctype_in_utf16, "DOCTYPE"),  # DOCTYPE hidden from a byte scan by UTF-16
    (doctype_in_utf7, "UTF-7"),  # DOCTYPE hidden by an encoding that escapes "<"
    (doctype_in_oddly_named_part, "DOCTYPE"),  # XML in a part not named .xml
    (bomb_by_ratio, "200 fois"),  # 20 MB of zeros deflated to a few KB
    (bomb_by_claimed_size, "512 Mo"),  # the central directory claims 1 GB
    (too_many_members, "10 000 éléments"),  # more members than any workbook has
    (huge_attribute, "32 767 caractères"),  # one 2 MB tag: costly for the XML parser, no cell is that long
    (huge_shared_string, "32 767 caractères"),  # one 2 MB text in xl/sharedStrings.xml
]


class TestInspectPackage:
    def test_it_accepts_a_workbook_saved_by_openpyxl(self, tmp_path: Path) -> None:
        report = inspect_package(make_workbook(tmp_path))
        assert report.macro_enabled is False
        assert dict(report.formulas_without_value) == {}

    @pytest.mark.parametrize(("build", "keyword"), GARBAGE, ids=[b.__name__ for b, _ in GARBAGE])
    def test_it_refuses_garbage_with_one_french_sentence_naming_the_file(
            self, tmp_path: Path, build: Callable[[Path], Path], keyword: str) -> None:
        path = build(tmp_path)
        start = time.perf_counter()
        with pytest.raises(UnreadableWorkbookError) as caught:
            inspect_package(path)
        assert time.perf_counter() - start < 1
        message = str(caught.value)
        assert f"« {path.name} »" in message
        assert keyword in message
        assert str(tmp_path) not in message and "Traceback" not in message
        assert message.endswith(".") and message.count(". ") == 0

    def test_it_reads_no_other_file_when_refusing_an_external_entity(
            self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        path = xxe(tmp_path)
        opened: list[str] = []
        real_open = io.open

        def spy(file, *args, **kwargs):  # type: ignore[no-untyped-def]
            opened.append(os.fspath(file) if not isinstance(file, int) else "<fd>")
            return real_open(file, *args, **kwargs)

        monkeypatch.setattr(io, "open", spy)
        monkeypatch.setattr(builtins, "open", spy)
        with pytest.raises(UnreadableWorkbookError):
            inspect_package(path)
        assert set(opened) == {str(path)}


class TestMacros:
    def test_it_flags_a_workbook_with_macros(self, tmp_path: Path) -> None:
        path = rezip(make_workbook(tmp_path, "source.xlsx"), tmp_path / "macros.xlsm",
                     add={"xl/vbaProject.bin": OLE_MAGIC})
        assert inspect_package(path).macro_enabled is True


class TestSize:
    def test_it_refuses_a_sheet_of_empty_formatted_cells_naming_the_sheet_and_what_to_delete(
            self, tmp_path: Path) -> None:
        rows = "".join(f'<row r="{r}">' + "".join(f'<c r="{col}{r}" s="1"/>' for col in "ABCDEFGHIJKL") + "</row>"
                       for r in range(1, MAX_EMPTY_CELLS_PER_SHEET // 12 + 2))
        xml = (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><sheetData>{rows}</sheetData>'
               '</worksheet>').encode()
        with pytest.raises(UnreadableWorkbookError) as caught:
            inspect_package(with_part(tmp_path, SHEET1, xml))
        message = str(caught.value)
        assert message.startswith("La feuille « Opérations » du fichier « classeur.xlsx » contient 1 000 008 "
                                  "cellules vides mises en forme")
        assert "sélectionnez les lignes vides sous les données" in message and "Supprimer" in message

    def test_it_reads_a_sheet_of_a_million_filled_cells(self, tmp_path: Path) -> None:
        rows = "".join(f'<row r="{r}">' + "".join(f'<c r="{col}{r}"><v>{r}</v></c>' for col in "ABCDEFGHIJ")
                       + "</row>" for r in range(1, 110_001))  # Relogement of a programme a hundred times ours
        xml = (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><sheetData>{rows}</sheetData>'
               '</worksheet>').encode()
        assert dict(inspect_package(with_part(tmp_path, SHEET1, xml)).formulas_without_value) == {}

    def test_it_reads_the_longest_text_a_cell_holds_even_all_escaped(self, tmp_path: Path) -> None:
        text = "&amp;" * 32_767  # 160 KB of XML for 32 767 characters
        path = with_part(tmp_path, SHEET1, sheet_xml(f'<c r="A1" t="inlineStr"><is><t>{text}</t></is></c>'))
        assert load_workbook_safely(path)["Opérations"]["A1"].value == "&" * 32_767


class TestFormulasWithoutValue:
    def test_it_reports_formulas_written_by_openpyxl(self, tmp_path: Path) -> None:
        report = inspect_package(make_workbook(tmp_path, formula="=1+1"))
        assert dict(report.formulas_without_value) == {"Opérations": ("D2",)}

    @pytest.mark.parametrize(("cells", "expected"), [
        ('<c r="A1"><f>1+1</f><v>2</v></c>', ()),  # saved by Excel: cached value present
        ('<c r="A1"><f>1+1</f></c>', ("A1",)),  # no <v> at all
        ('<c r="A1"><f>1+1</f><v></v></c>', ("A1",)),  # empty <v>, as openpyxl writes
        ('<c r="A1"><f>1+1</f><v>2</v></c><c r="B1"><f t="shared" si="0"/></c>', ("B1",)),  # shared formula
        ('<c r="A1" t="str"><f>IF(1,"")</f><v></v></c>', ()),  # a cached empty string
        ('<c r="A1"><v>3</v></c>', ()),  # a plain value
        ('<c r="A1" t="s"><v>0</v></c><c r="B1"><f>A1</f><v/></c>', ("B1",)),  # an empty <v/>
        ('<c r="A1"><f>1</f></c><c r="B1"><v>2</v></c><c r="C1"><f>3</f><v>3</v></c>', ("A1",)),  # neighbours
    ])
    @pytest.mark.parametrize("prefix", ["", "x"])  # default namespace (fast scan) or prefixed (parsed)
    def test_it_reads_cached_values_from_the_sheet_xml(self, tmp_path: Path, cells: str,
                                                       expected: tuple[str, ...], prefix: str) -> None:
        report = inspect_package(with_part(tmp_path, SHEET1, sheet_xml(cells, prefix)))
        assert report.formulas_without_value.get("Opérations", ()) == expected

    def test_it_finds_formulas_in_rows_longer_than_a_read_chunk(self, tmp_path: Path) -> None:
        words = random.Random(0).choices(["ANRU", "tour", "îlot", "école", "voirie"], k=300_000)
        filler = "".join(f'<c r="A1" t="inlineStr"><is><t>{" ".join(words[at:at + 3000])}</t></is></c>'
                         for at in range(0, len(words), 3000))  # 1.6 MB, one row of texts a cell may hold
        path = with_part(tmp_path, SHEET1, sheet_xml(filler + '<c r="B9"><f>1</f></c>'))
        assert dict(inspect_package(path).formulas_without_value) == {"Opérations": ("B9",)}

    def test_it_names_sheets_as_the_workbook_does(self, tmp_path: Path) -> None:
        wb = openpyxl.Workbook()
        wb.active.title = "Paramètres"
        wb.create_sheet("Jalons")["C3"] = "=A1*2"
        wb.save(tmp_path / "deux.xlsx")
        assert dict(inspect_package(tmp_path / "deux.xlsx").formulas_without_value) == {"Jalons": ("C3",)}

    @pytest.mark.parametrize("prefix", ["", "x"])
    def test_it_keeps_at_most_1000_addresses_per_sheet(self, tmp_path: Path, prefix: str) -> None:
        cells = "".join(f'<c r="A{i}"><f>1</f></c>' for i in range(1, 1501))
        report = inspect_package(with_part(tmp_path, SHEET1, sheet_xml(cells, prefix)))
        assert len(report.formulas_without_value["Opérations"]) == 1000


class TestLoadWorkbookSafely:
    def test_it_returns_the_workbook(self, tmp_path: Path) -> None:
        assert load_workbook_safely(make_workbook(tmp_path))["Opérations"]["A2"].value == "OP-01"

    def test_it_keeps_a_read_only_workbook_readable_until_closed(self, tmp_path: Path) -> None:
        wb = load_workbook_safely(make_workbook(tmp_path), read_only=True)
        assert [row[0] for row in wb["Opérations"].iter_rows(values_only=True)] == ["ID opération", "OP-01"]
        wb.close()  # closes our stream too: a leak would fail this test (filterwarnings=error)

    def test_it_turns_what_openpyxl_chokes_on_into_a_french_sentence(self, tmp_path: Path) -> None:
        path = with_part(tmp_path, SHEET1, b"<worksheet><sheetData><row><c r='A1'>")
        with pytest.raises(UnreadableWorkbookError, match="« classeur.xlsx » n'a pas pu être lu"):
            load_workbook_safely(path)

    def test_it_refuses_to_run_without_defusedxml(self, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(openpyxl.xml, "DEFUSEDXML", False)
        with pytest.raises(RuntimeError, match="defusedxml"):
            load_workbook_safely(make_workbook(tmp_path))

    def test_it_refuses_garbage_before_openpyxl_sees_it(self, tmp_path: Path) -> None:
        with pytest.raises(UnreadableWorkbookError, match="mot de passe"):
            load_workbook_safely(encrypted(tmp_path))

    def test_it_asks_to_rename_a_workbook_with_the_wrong_extension(self, tmp_path: Path) -> None:
        path = make_workbook(tmp_path).rename(tmp_path / "maitre.xls")
        with pytest.raises(UnreadableWorkbookError, match="renommez-le en « maitre.xlsx »"):
            load_workbook_safely(path)


class TestAtomicSave:
    def test_it_replaces_the_content(self, tmp_path: Path) -> None:
        path = make_workbook(tmp_path)
        wb = openpyxl.load_workbook(path)
        wb["Opérations"]["A3"] = "OP-02"
        atomic_save(wb, path)
        assert openpyxl.load_workbook(path)["Opérations"]["A3"].value == "OP-02"
        assert os.listdir(tmp_path) == ["maitre.xlsx"]

    def test_it_leaves_the_original_untouched_when_saving_fails(self, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
        path = make_workbook(tmp_path)
        before = path.read_bytes()
        wb = openpyxl.load_workbook(path)

        def broken_save(target: io.BufferedWriter) -> None:
            target.write(b"PK\x03\x04 partial")
            raise OSError("disque plein")

        monkeypatch.setattr(wb, "save", broken_save)
        with pytest.raises(OSError, match="disque plein"):
            atomic_save(wb, path)
        assert path.read_bytes() == before
        assert os.listdir(tmp_path) == ["maitre.xlsx"]

    def test_it_keeps_the_permissions_of_the_file_it_replaces(self, tmp_path: Path) -> None:
        path = make_workbook(tmp_path)
        path.chmod(0o640)
        atomic_save(openpyxl.load_workbook(path), path)
        assert path.stat().st_mode & 0o777 == 0o640


class TestLeftovers:
    def test_it_removes_only_the_temporary_files_of_dead_processes_for_this_workbook(self, tmp_path: Path) -> None:
        path = make_workbook(tmp_path)
        dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                              capture_output=True, text=True, check=True).stdout.strip()
        killed = tmp_path / f".~maitre.xlsx.{dead}.0a1b2c3d.tmp"
        running = tmp_path / f".~maitre.xlsx.{os.getppid()}.0a1b2c3d.tmp"  # a save still at work
        other = tmp_path / f".~autre.xlsx.{dead}.0a1b2c3d.tmp"
        for file in (killed, running, other):
            file.write_bytes(b"PK\x03\x04 partial")
        assert remove_leftovers(path) == [killed]
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["maitre.xlsx", running.name, other.name])


class TestBackupCopy:
    def test_it_copies_beside_the_workbook_with_a_timestamp(self, tmp_path: Path) -> None:
        path = make_workbook(tmp_path)
        backup = backup_copy(path, now=datetime(2025, 3, 14, 9, 5, 7))
        assert backup == tmp_path / "maitre.sauvegarde-20250314-090507.xlsx"
        assert backup.read_bytes() == path.read_bytes()

    def test_it_never_overwrites_an_existing_backup(self, tmp_path: Path) -> None:
        path = make_workbook(tmp_path)
        at = datetime(2025, 3, 14, 9, 5, 7)
        first = backup_copy(path, now=at)
        first.write_bytes(b"older backup")
        second, third = backup_copy(path, now=at), backup_copy(path, now=at)
        assert (second.name, third.name) == ("maitre.sauvegarde-20250314-090507-2.xlsx",
                                             "maitre.sauvegarde-20250314-090507-3.xlsx")
        assert first.read_bytes() == b"older backup"


class TestWorkbookLock:
    def test_it_refuses_a_second_holder(self, tmp_path: Path) -> None:
        path = make_workbook(tmp_path)
        with workbook_lock(path) as lock:
            assert lock.name == "~$maitre.xlsx.opc-lock"
            with pytest.raises(WorkbookBusyError, match="« maitre.xlsx » est déjà en cours d'actualisation"):
                with workbook_lock(path):
                    pass
        assert not lock.exists()

    def test_it_takes_over_a_lock_whose_process_is_gone(self, tmp_path: Path) -> None:
        path = make_workbook(tmp_path)
        dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                              capture_output=True, text=True, check=True)
        lock = tmp_path / "~$maitre.xlsx.opc-lock"
        lock.write_text(f"{dead.stdout.strip()}\n{socket.gethostname()}\n")
        with workbook_lock(path):
            assert lock.read_text().startswith(f"{os.getpid()}\n")

    def test_it_leaves_a_recent_lock_of_another_machine_alone(self, tmp_path: Path) -> None:
        path = make_workbook(tmp_path)
        (tmp_path / "~$maitre.xlsx.opc-lock").write_text("999999\nposte-de-la-collegue\n")
        with pytest.raises(WorkbookBusyError), workbook_lock(path):
            pass

    def test_it_takes_over_a_lock_older_than_an_hour(self, tmp_path: Path) -> None:
        path = make_workbook(tmp_path)
        lock = tmp_path / "~$maitre.xlsx.opc-lock"
        lock.write_text(f"{os.getppid()}\n{socket.gethostname()}\n")  # alive, but forgotten
        two_hours_ago = time.time() - 7200
        os.utime(lock, (two_hours_ago, two_hours_ago))
        with workbook_lock(path):
            assert lock.read_text().startswith(f"{os.getpid()}\n")

    def test_it_removes_the_lock_even_when_the_refresh_fails(self, tmp_path: Path) -> None:
        path = make_workbook(tmp_path)
        with pytest.raises(RuntimeError), workbook_lock(path) as lock:
            raise RuntimeError("échec de l'actualisation")
        assert not lock.exists()


# ------------------------------------------------------------------------------ PowerPoint templates

HOUSE_TEMPLATE = Path(__file__).resolve().parents[1] / "pptx_templates" / "opc_maison.pptx"


def template_with(tmp: Path, name: str, *, replace: dict[str, bytes] | None = None,
                  add: dict[str, bytes] | None = None) -> Path:
    return rezip(HOUSE_TEMPLATE, tmp / name, replace=replace, add=add)


def template_with_doctype(tmp: Path) -> Path:
    with zipfile.ZipFile(HOUSE_TEMPLATE) as zf:
        xml = zf.read("ppt/presentation.xml")
    doctype = b'<!DOCTYPE p [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
    return template_with(tmp, "xxe.pptx", replace={"ppt/presentation.xml": xml.replace(b"?>", b"?>" + doctype, 1)})


def template_bomb(tmp: Path) -> Path:
    return template_with(tmp, "bombe.pptx", add={"ppt/media/image9.png": b"\0" * (20 * 1024 * 1024)})


def template_with_huge_text(tmp: Path) -> Path:
    with zipfile.ZipFile(HOUSE_TEMPLATE) as zf:
        xml = zf.read("ppt/presentation.xml")
    return template_with(tmp, "texte.pptx", replace={"ppt/presentation.xml": xml.replace(
        b"</p:presentation>", f"<p:extLst>{random_text(2 * 1024 * 1024)}</p:extLst></p:presentation>".encode())})


def encrypted_template(tmp: Path) -> Path:
    body = b"\0" * 512 + "EncryptionInfo".encode("utf-16-le") + b"\0" * 100
    (tmp / "charte.pptx").write_bytes(OLE_MAGIC + body + "EncryptedPackage".encode("utf-16-le"))
    return tmp / "charte.pptx"


def ppt_97(tmp: Path) -> Path:
    (tmp / "charte.ppt").write_bytes(OLE_MAGIC + b"\0" * 1000 + "PowerPoint Document".encode("utf-16-le"))
    return tmp / "charte.ppt"


def text_as_template(tmp: Path) -> Path:
    (tmp / "charte.pptx").write_text("pas une présentation", encoding="utf-8")
    return tmp / "charte.pptx"


def workbook_as_template(tmp: Path) -> Path:
    return make_workbook(tmp, "charte.pptx")


# (builder, a word the message must contain)
BAD_TEMPLATES: list[tuple[Callable[[Path], Path], str]] = [
    (template_with_doctype, "DOCTYPE"),  # ppt/presentation.xml declares an external entity
    (template_bomb, "200 fois"),  # 20 MB of zeros deflated to a few KB
    (template_with_huge_text, "32 767 caractères"),  # one 2 MB text: costly for the XML parser
    (encrypted_template, "mot de passe"),  # a template saved with a password
    (ppt_97, "PowerPoint 97-2003"),  # an old .ppt
    (text_as_template, "n'est pas une présentation PowerPoint"),  # any file renamed .pptx
    (workbook_as_template, "classeur Excel"),  # the master given in place of the template
]


class TestTemplateInspection:
    def test_it_accepts_the_house_template(self) -> None:
        assert inspect_package(HOUSE_TEMPLATE, PRESENTATION).macro_enabled is False

    @pytest.mark.parametrize(("build", "keyword"), BAD_TEMPLATES, ids=[b.__name__ for b, _ in BAD_TEMPLATES])
    @pytest.mark.parametrize("command", ["template-check", "deck"])
    def test_it_refuses_a_bad_template_with_one_french_sentence_naming_it(
            self, tmp_path: Path, build: Callable[[Path], Path], keyword: str, command: str) -> None:
        from opc_excel.cli import main
        from tests.factory import make_workbook as make_master

        template = build(tmp_path)
        argv = (["template-check", str(template)] if command == "template-check" else
                ["deck", "copil", str(make_master(tmp_path)), "--template", str(template),
                 "--out", str(tmp_path / "copil.pptx")])
        out, err = io.StringIO(), io.StringIO()
        assert main(argv, today=datetime(2026, 1, 1).date(), stdout=out, stderr=err) == 2
        message = err.getvalue().strip()
        assert len(message.splitlines()) == 1 and f"« {template.name} »" in message and keyword in message
        assert str(tmp_path) not in message and "Traceback" not in message and "inattendue" not in message
        assert not (tmp_path / "copil.pptx").exists()
