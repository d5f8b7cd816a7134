"""Put newly written output sheets into a copy of the master's package, every other part copied as it is.

What changes in the copy: the output sheets' parts (replaced where the master has them, added
after its last sheet otherwise); the workbook part (the sheets' names, hidden state, their print
titles and filter names); its relationships and ``[Content_Types].xml`` for an added sheet; the
styles part (the output sheets' formats, :mod:`~opc_excel.sheets.package_styles`); the workbook's
content type when the copy's name asks for another kind (.xlsm, .xltx); the calculation chain's
entries of the replaced sheets. What hung on a replaced output sheet (its printer settings, a
drawing someone added on it) goes with it. Every other part — input sheets, shared strings,
charts, images, pivot tables, macros, customXml — is copied byte for byte.
"""

from __future__ import annotations

import posixpath
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from lxml import etree

from opc_excel.errors import OutputSheetError
from opc_excel.read.package_parts import find_workbook_part, rels_part, resolve_target
from opc_excel.sheets.output import SheetOutput
from opc_excel.sheets.package_sheet import defined_names, sheet_part
from opc_excel.sheets.package_styles import StyleMerge, entries, parse, section, serialize
from opc_excel.sheets.package_zip import Compressed, PackageWriter, compress
from opc_excel.text import match_key

_PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOCUMENT_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_WORKBOOK_ORDER = ("fileVersion", "fileSharing", "workbookPr", "workbookProtection", "bookViews", "sheets",
                   "functionGroups", "externalReferences", "definedNames", "calcPr", "oleSize", "customWorkbookViews",
                   "pivotCaches", "smartTagPr", "smartTagTypes", "webPublishing", "fileRecoveryPr",
                   "webPublishObjects", "extLst")  # CT_Workbook's sequence: a section added goes at its place
WORKBOOK_TYPES = {
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    ".xlsm": "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    ".xltx": "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
    ".xltm": "application/vnd.ms-excel.template.macroEnabled.main+xml",
}


@dataclass
class _Package:
    """A zip package opened for reading, with its parts looked up by name (part names ignore case)."""

    zip: zipfile.ZipFile
    by_name: dict[str, zipfile.ZipInfo] = field(init=False)  # lower-cased part name -> its entry

    def __post_init__(self) -> None:
        self.by_name = {info.filename.lower(): info for info in self.zip.infolist()}

    def has(self, part: str) -> bool:
        return part.lower() in self.by_name

    def read(self, part: str) -> bytes:
        return self.zip.read(self.by_name[part.lower()])

    def relationships(self, part: str) -> list[etree._Element]:
        """Return the relationships of ``part`` (none when it has no .rels part)."""
        rels = rels_part(part)
        return list(parse(self.read(rels))) if self.has(rels) else []


class SplicedPackage:
    """A copy of the master's package being made: output sheets are added one by one, each written and
    compressed at once (its description can then go), and :meth:`package` returns the whole file."""

    def __init__(self, master: Path, suffix: str) -> None:
        self._zip = zipfile.ZipFile(master)
        try:
            self.master, self.suffix = _Package(self._zip), suffix.lower()
            self.main = find_workbook_part(master, self._zip, self.master.by_name)
            self.workbook = parse(self.master.read(self.main))
            self.ns = etree.QName(self.workbook).namespace
            self.rels_name = rels_part(self.main)
            self.rels = parse(self.master.read(self.rels_name))
            self.types = parse(self.master.read("[Content_Types].xml"))
            self.styles_part = self._styles_part()
            self.style = StyleMerge(self.master.read(self.styles_part))
        except BaseException:
            self._zip.close()
            raise
        self.written: dict[str, bytes | Compressed] = {}  # part -> new content
        self.removed: set[str] = set()
        self.sheet_list = entries(section(self.workbook, "sheets", _WORKBOOK_ORDER))
        self.replaced: dict[int, tuple[tuple[str, str, bool], ...]] = {}  # position -> the sheet's local names
        self.dropped: list[str] = []  # what users put on a replaced output sheet, in French

    @property
    def sheet_names(self) -> list[str]:
        return [sheet.get("name", "") for sheet in self.sheet_list]

    def add(self, sheet: SheetOutput) -> None:
        """Write ``sheet`` over the master's sheet of that name (up to case and accents), or after its last sheet."""
        position = next((i for i, element in enumerate(self.sheet_list)
                         if match_key(element.get("name", "")) == match_key(sheet.name)), None)
        if position is None:
            part = self._new_sheet(self.sheet_list)
            position = len(self.sheet_list) - 1
        else:
            part = self._existing_part(self.sheet_list[position], sheet.name)
            if position not in self.replaced:  # a sheet written twice in one refresh: the second one stands
                self.dropped.extend(self._what_hangs_on(part, self.sheet_list[position].get("name", "")))
                self._remove_relationships(part)
        element = self.sheet_list[position]
        element.set("name", sheet.name)
        if sheet.hidden:
            element.set("state", "hidden")
        elif "state" in element.attrib:
            del element.attrib["state"]
        self.written[part] = compress(sheet_part(sheet, self.style))
        self.replaced[position] = defined_names(sheet)

    def save(self, stream: BinaryIO) -> None:
        """Write the new package into ``stream``, then let the master go (Windows replaces no file held open)."""
        self._defined_names()
        self._calc_chain({int(self.sheet_list[i].get("sheetId", "0")) for i in self.replaced})
        self._workbook_type()
        self.written[self.main] = serialize(self.workbook)
        self.written[self.rels_name] = serialize(self.rels)
        self.written["[Content_Types].xml"] = serialize(self.types)
        self._package(stream)
        self.close()

    def close(self) -> None:
        self._zip.close()

    def _existing_part(self, element: etree._Element, name: str) -> str:
        rel = self._rel(element.get(f"{{{_DOCUMENT_RELS}}}id"))
        if rel is None or not rel.get("Type", "").endswith("/worksheet"):
            raise OutputSheetError(
                f"La feuille « {element.get('name')} » du classeur n'est pas une feuille de calcul (un graphique sur "
                f"toute une feuille ?) : la feuille « {name} » ne peut pas y être écrite. Rien n'a été modifié. "
                f"Renommez-la, puis relancez.")
        return resolve_target(self.main, rel.get("Target"))

    def _new_sheet(self, sheet_list: list[etree._Element]) -> str:
        taken = set(self.master.by_name) | {part.lower() for part in self.written}
        number = next(n for n in range(1, 100_000) if f"xl/worksheets/sheet{n}.xml" not in taken)
        part = f"xl/worksheets/sheet{number}.xml"
        ids = {rel.get("Id") for rel in self.rels}
        rel_id = next(f"rId{n}" for n in range(1, 100_000) if f"rId{n}" not in ids)
        etree.SubElement(self.rels, f"{{{_PACKAGE_RELS}}}Relationship",
                         {"Id": rel_id, "Type": f"{_DOCUMENT_RELS}/worksheet",
                          "Target": posixpath.relpath(part, posixpath.dirname(self.main))})
        sheets = section(self.workbook, "sheets", _WORKBOOK_ORDER)
        sheet_id = max([int(s.get("sheetId", "0")) for s in sheets] + [0]) + 1
        element = etree.SubElement(sheets, f"{{{self.ns}}}sheet", {"name": "", "sheetId": str(sheet_id)},
                                   nsmap={"r": _DOCUMENT_RELS})
        element.set(f"{{{_DOCUMENT_RELS}}}id", rel_id)
        sheet_list.append(element)
        etree.SubElement(self.types, f"{{{_CONTENT_TYPES}}}Override",
                         {"PartName": f"/{part}", "ContentType": _WORKSHEET})
        return part

    def _what_hangs_on(self, part: str, name: str) -> list[str]:
        """Return, in French, what users put on the output sheet ``part`` that its rewriting drops: cell notes,
        drawings holding a chart or an image (LibreOffice gives every sheet an empty one), Excel tables."""
        found = []
        for rel in self.master.relationships(part):
            kind, target = rel.get("Type", "").rsplit("/", 1)[-1], resolve_target(part, rel.get("Target", ""))
            if rel.get("TargetMode") == "External" or not self.master.has(target):
                continue
            if kind == "comments":
                found.append(f"les commentaires de cellule de la feuille {name}")
            elif kind == "drawing" and len(parse(self.master.read(target))):
                found.append(f"les graphiques ou images de la feuille {name}")
            elif kind == "table":
                found.append(f"un tableau Excel de la feuille {name}")
        return found

    def _remove_relationships(self, part: str) -> None:
        """Drop what hung on a replaced sheet (its rels part, and what nothing else points at)."""
        rels = rels_part(part)
        if not self.master.has(rels):
            return
        self.removed.add(rels.lower())
        pointed = self._pointed_at()
        for rel in self.master.relationships(part):
            if rel.get("TargetMode") == "External":
                continue
            target = resolve_target(part, rel.get("Target", ""))
            if target.lower() not in pointed and self.master.has(target):
                self.removed.add(target.lower())
                self._remove_relationships(target)
        self._prune_types()

    def _pointed_at(self) -> set[str]:
        """Return the parts some relationship still points at (from the parts not removed)."""
        pointed = set()
        for name in self.master.by_name:
            if name.endswith(".rels") and name not in self.removed:
                source = posixpath.join(posixpath.dirname(posixpath.dirname(name)), posixpath.basename(name)[:-5])
                for rel in parse(self.master.read(name)):
                    if rel.get("TargetMode") != "External":
                        pointed.add(resolve_target(source, rel.get("Target", "")).lower())
        return pointed

    def _prune_types(self) -> None:
        for override in list(self.types):
            if override.get("PartName", "").lstrip("/").lower() in self.removed:
                self.types.remove(override)

    def _defined_names(self) -> None:
        """Replace the print titles and filter names of the written sheets by theirs, at their positions."""
        names = section(self.workbook, "definedNames", _WORKBOOK_ORDER)
        for name in list(names):
            if isinstance(name.tag, str) and name.get("localSheetId") is not None \
                    and int(name.get("localSheetId")) in self.replaced:
                names.remove(name)
        for position, local in sorted(self.replaced.items()):
            for name, formula, hidden in local:
                element = etree.SubElement(names, f"{{{self.ns}}}definedName",
                                           {"name": name, "localSheetId": str(position)})
                if hidden:
                    element.set("hidden", "1")
                element.text = formula
        if not len(names):
            self.workbook.remove(names)

    def _calc_chain(self, sheet_ids: set[int]) -> None:
        """Drop the calculation chain's cells of the replaced sheets (Excel repairs a chain naming cells
        that no longer hold a formula); the whole part when nothing is left."""
        rel = next((r for r in self.rels if r.get("Type", "").endswith("/calcChain")), None)
        if rel is None:
            return
        part = resolve_target(self.main, rel.get("Target"))
        if not self.master.has(part):
            return
        chain = parse(self.master.read(part))
        current, dropped = 0, False
        for cell in list(chain):
            current = int(cell.get("i", current))
            if current in sheet_ids:
                if cell.get("i") is not None:  # the next cells name their sheet by this one's
                    following = cell.getnext()
                    if following is not None and following.get("i") is None:
                        following.set("i", str(current))
                chain.remove(cell)
                dropped = True
        if not dropped:
            return
        if len(chain):
            self.written[part] = serialize(chain)
            return
        self.removed.add(part.lower())
        self.rels.remove(rel)
        self._prune_types()

    def _workbook_type(self) -> None:
        wanted = WORKBOOK_TYPES.get(self.suffix)
        for override in self.types:
            if override.get("PartName", "").lstrip("/").lower() == self.main.lower() and wanted:
                override.set("ContentType", wanted)

    def _styles_part(self) -> str:
        rel = next((r for r in self.rels if r.get("Type", "").endswith("/styles")), None)
        if rel is None:
            raise OutputSheetError("Le classeur n'a pas de partie des styles (xl/styles.xml) : il ne peut pas être "
                                   "actualisé sans elle. Ouvrez-le dans Excel, enregistrez-le, puis relancez.")
        return resolve_target(self.main, rel.get("Target"))

    def _rel(self, rel_id: str | None) -> etree._Element | None:
        return next((rel for rel in self.rels if rel.get("Id") == rel_id), None)

    def _package(self, stream: BinaryIO) -> None:
        """Write the parts in the master's order, new sheets after; the styles part last (every sheet has
        added its formats by then)."""
        writer = PackageWriter(stream)
        pending = {part.lower(): (part, data) for part, data in self.written.items()}
        styles = self.master.by_name[self.styles_part.lower()].filename
        for info in self.master.zip.infolist():
            key = info.filename.lower()
            if key in self.removed or key == styles.lower():
                continue
            if key in pending:
                _write(writer, info.filename, pending.pop(key)[1])
            else:
                writer.copy(self.master.zip, info)
        for part, data in pending.values():
            _write(writer, part, data)
        writer.write(styles, self.style.to_bytes())
        writer.close()


def _write(writer: PackageWriter, part: str, data: bytes | Compressed) -> None:
    if isinstance(data, Compressed):
        writer.write_compressed(part, data)
    else:
        writer.write(part, data)
