"""Scan a workbook's parts for what matters before it is read.

The worksheets are found through the package relationships, then scanned byte-wise: which formulas
have no cached value, how many formatted empty cells a sheet holds (refused beyond a limit), and
whether python-calamine reads the sheet as openpyxl does. Nothing is looked for that a refresh
would lose: it copies every part but the output sheets' byte for byte
(:mod:`opc_excel.sheets.package_splice`).
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from pathlib import Path

from defusedxml.ElementTree import fromstring as safe_fromstring
from defusedxml.ElementTree import iterparse as safe_iterparse

from opc_excel.errors import UnreadableWorkbookError
from opc_excel.read.package_kind import (
    CHUNK,
    HEAD_BYTES,
    MAX_DENSE_CELLS,
    MAX_EMPTY_CELLS_PER_SHEET,
    MAX_MISSING_VALUES_PER_SHEET,
    OVERLAP,
    SAVE_AS_XLSX,
    WORKBOOK,
    unreadable,
)
from opc_excel.read.package_xml import CappedStream, TokenScanner, TokenTooLong, read_capped, token_error

_SPREADSHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_STRICT_NS = b"http://purl.oclc.org/ooxml/spreadsheetml/main"
# Literal tokens, not a regex starting with "<": bytes.find is ten times faster on big sheets.
_FORMULA_STARTS = (b"<f", b":f")  # <f>, <f , <f/ and their namespaced :f>, :f , :f/, in two passes, not six
_FORMULA_ENDS = (b">", b" ", b"/")
_ROOT_TAG = re.compile(rb"<(\w+:)?worksheet[\s>]")
_CACHED_VALUE = re.compile(rb"<v(?:\s[^>]*)?(?:/>|>(.*?)</v>)", re.S)
_CELL_REF = re.compile(rb"""\sr=["']([A-Z]{1,3}[0-9]+)["']""")
_ROW_NUMBER = re.compile(rb'row\s[^>]*?r="([0-9]+)"')  # whatever the attributes' order
_WIDE_CELL_REF = re.compile(rb'r="([A-Z]{2,3})[0-9]')  # from column AA on: narrower sheets count as 26 wide


def rels_part(part: str) -> str:
    """Return the name of the relationships part of ``part`` ("" for the package itself: ``_rels/.rels``)."""
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


def resolve_target(source: str, target: str) -> str:
    """Return the part a relationship of ``source`` points at (targets are relative to its folder, or absolute)."""
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))


def find_workbook_part(path: Path, zf: zipfile.ZipFile, by_name: dict[str, zipfile.ZipInfo]) -> str:
    """Return the workbook part's name (lower case), found through the package relationships."""
    part = "xl/workbook.xml"
    if rels_part("") in by_name:
        for rel in _relationships(zf, by_name[rels_part("")]):
            if rel["Type"].endswith("/officeDocument"):
                part = resolve_target("", rel["Target"]).lower()
    if part not in by_name:
        raise unreadable(path, "n'est pas un classeur Excel (il ne contient pas de classeur) : "
                                "indiquez le classeur .xlsx du projet")
    if _STRICT_NS in read_capped(zf, by_name[part], HEAD_BYTES):
        raise unreadable(path, f"est au format « Feuille de calcul Open XML Strict » : {SAVE_AS_XLSX}")
    return part


def _relationships(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> list[dict[str, str]]:
    """Return the Relationship elements of a .rels part as attribute dicts."""
    root = safe_fromstring(read_capped(zf, info, info.file_size))
    return [{"Type": "", "Target": "", **rel.attrib} for rel in root.iter(f"{{{_RELS_NS}}}Relationship")]


def find_worksheet_parts(zf: zipfile.ZipFile, by_name: dict[str, zipfile.ZipInfo],
                     workbook_part: str) -> dict[str, zipfile.ZipInfo]:
    """Return sheet name -> worksheet part, in workbook order (chart sheets left out)."""
    rels_info = by_name.get(rels_part(workbook_part))
    targets: dict[str, str] = {}
    if rels_info is not None:
        for rel in _relationships(zf, rels_info):
            if rel["Type"].endswith("/worksheet"):
                targets[rel.get("Id", "")] = resolve_target(workbook_part, rel["Target"]).lower()
    info = by_name[workbook_part]
    root = safe_fromstring(read_capped(zf, info, info.file_size))
    sheets: dict[str, zipfile.ZipInfo] = {}
    for sheet in root.iter(f"{{{_SPREADSHEET_NS}}}sheet"):
        part = targets.get(sheet.get(f"{{{_DOC_REL_NS}}}id", ""))
        if part in by_name:
            sheets[sheet.get("name", "")] = by_name[part]
    return sheets


def scan_sheet(path: Path, zf: zipfile.ZipFile, info: zipfile.ZipInfo,
                sheet_name: str = "") -> tuple[tuple[str, ...], bool]:
    """Return (formula cells without a cached value, whether calamine reads it as openpyxl does) for one
    worksheet.

    A byte scan first; cells are looked at only when the sheet holds formulas. Raise
    UnreadableWorkbookError when the sheet holds an oversized XML token, or more than
    MAX_EMPTY_CELLS_PER_SHEET cells with a format and no value. Calamine does not read a sheet
    as openpyxl does when it holds an error cell (calamine reads it empty, or fails on #SPILL!),
    or spans more than MAX_DENSE_CELLS cells from A1 to its last row and column (calamine holds
    that area whole).
    """
    has_formula = odd = False
    last_row = last_column = 0
    window = b""
    scanner = TokenScanner()
    empty_cells = 0  # "<c .../>" is a cell without a value; one with a value closes with "</c>"
    with zf.open(info) as stream:
        capped = CappedStream(stream, info.file_size)
        while chunk := capped.read(CHUNK):
            try:
                scanner.feed(chunk)
            except TokenTooLong:
                raise token_error(path, info.filename, WORKBOOK) from None
            tail = window[-OVERLAP:]
            window = tail + chunk  # tags cut by the chunk boundary are counted once, whole, here
            empty_cells += (window.count(b"<c ") - tail.count(b"<c ")) - (window.count(b"</c>") - tail.count(b"</c>"))
            has_formula = has_formula or _holds_formula(window)
            odd = odd or b'"e"' in window or (b"'" in window and b"'e'" in window)  # t="e": an error cell
            last_row, last_column = _extent(window, last_row, last_column)
    if empty_cells > MAX_EMPTY_CELLS_PER_SHEET:
        raise _too_many_empty_cells(path, sheet_name, empty_cells)
    calamine_exact = not odd and last_row * last_column <= MAX_DENSE_CELLS
    return (_formulas_without_value(zf, info) if has_formula else ()), calamine_exact


def _holds_formula(window: bytes) -> bool:
    """Return True if *window* holds a formula tag (<f>, <f …>, <f/>, or the same with a namespace prefix)."""
    for start in _FORMULA_STARTS:
        at = window.find(start)
        while at >= 0:  # "<f" also starts <filterColumn>, <formula1>…: rare, looked at one by one
            if window[at + 2:at + 3] in _FORMULA_ENDS:
                return True
            at = window.find(start, at + 2)
    return False


def _extent(window: bytes, last_row: int, last_column: int) -> tuple[int, int]:
    """Return the furthest row and column number seen so far, *window* included (a bound: cell
    references with one column letter count as 26, rows without their number are not counted)."""
    last_row = max(last_row, max(map(int, _ROW_NUMBER.findall(window)), default=0))
    width = 26
    if refs := _WIDE_CELL_REF.findall(window):
        width = 0
        for letter in max(refs, key=lambda ref: (len(ref), ref)):
            width = width * 26 + letter - 64
    return last_row, max(last_column, width)


def _too_many_empty_cells(path: Path, sheet: str, count: int) -> UnreadableWorkbookError:
    shown = f"{count:_}".replace("_", " ")
    limit = f"{MAX_EMPTY_CELLS_PER_SHEET:_}".replace("_", " ")
    return UnreadableWorkbookError(
        f"La feuille « {sheet} » du fichier « {path.name} » contient {shown} cellules vides mises en forme "
        f"(plus de {limit}) : une mise en forme appliquée bien au-delà des données, que cet outil ne peut pas "
        "charger sans saturer la mémoire. Dans Excel, sélectionnez les lignes vides sous les données (et les "
        "colonnes vides à droite), clic droit > Supprimer, enregistrez le classeur puis relancez.")


def _formulas_without_value(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> tuple[str, ...]:
    """Return the addresses of formula cells with no cached value: <f> and no <v>, or an empty <v>.

    An empty <v> with t="str" is a cached empty string (Excel writes it for ="" results).
    Sheets in the default namespace (Excel, LibreOffice, openpyxl) are scanned row block by row
    block, a hundred times faster than iterparse on a sheet of 100 000 formulas; others are parsed.
    """
    root = _ROOT_TAG.search(read_capped(zf, info, HEAD_BYTES))
    if root is None or root.group(1):
        return _parse_formulas_without_value(zf, info)
    found: list[str] = []
    carry = b""
    with zf.open(info) as stream:
        capped = CappedStream(stream, info.file_size)
        while len(found) < MAX_MISSING_VALUES_PER_SHEET:
            chunk = capped.read(CHUNK)
            data = carry + chunk
            cut = data.rfind(b"</row>") + len(b"</row>") if chunk else len(data)
            if cut < len(b"</row>"):
                carry = data  # a row longer than a chunk: read on
                continue
            _scan_formula_cells(data[:cut], found)
            carry = data[cut:]
            if not chunk:
                break
    return tuple(found[:MAX_MISSING_VALUES_PER_SHEET])


def _scan_formula_cells(block: bytes, found: list[str]) -> None:
    """Append to *found* the formula cells of *block* (whole rows) that have no cached value."""
    at = block.find(b"<f")
    while at >= 0 and len(found) < MAX_MISSING_VALUES_PER_SHEET:
        end = block.find(b"</c>", at)
        end = len(block) if end < 0 else end
        start = block.rfind(b"<c ", 0, at)
        if block[at + 2:at + 3] in (b">", b" ", b"/", b"\t", b"\r", b"\n") and start >= 0:  # not <filter
            open_tag = block[start:block.find(b">", start)]
            value = _CACHED_VALUE.search(block, at, end)
            if value is None or (not value.group(1) and b' t="str"' not in open_tag):
                ref = _CELL_REF.search(open_tag)
                found.append(ref.group(1).decode("ascii") if ref else "?")
        at = block.find(b"<f", max(end, at + 2))


def _parse_formulas_without_value(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> tuple[str, ...]:
    """Return what :func:`_formulas_without_value` returns, for a sheet using a namespace prefix."""
    cell_tag, f_tag, v_tag = (f"{{{_SPREADSHEET_NS}}}{tag}" for tag in ("c", "f", "v"))
    row_tag = f"{{{_SPREADSHEET_NS}}}row"
    sheet_data_tag = f"{{{_SPREADSHEET_NS}}}sheetData"
    found: list[str] = []
    sheet_data = None
    with zf.open(info) as stream:
        events = safe_iterparse(CappedStream(stream, info.file_size), events=("start", "end"))
        for event, elem in events:
            if event == "start":
                if elem.tag == sheet_data_tag:
                    sheet_data = elem
            elif elem.tag == cell_tag:
                if elem.find(f_tag) is not None:
                    value = elem.find(v_tag)
                    if value is None or (not value.text and elem.get("t") != "str"):
                        found.append(elem.get("r", "?"))
                        if len(found) >= MAX_MISSING_VALUES_PER_SHEET:
                            break
                elem.clear()
            elif elem.tag == row_tag and sheet_data is not None:
                del sheet_data[:]  # drop finished rows: memory stays flat on big sheets
    return tuple(found)
