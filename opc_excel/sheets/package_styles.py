"""Bring the cell formats of newly written output sheets into the master's own styles part.

Each cell of a sheet names its format by position in ``xl/styles.xml`` (``<c s="12">``). The
output sheets are written in a new workbook, with its own numbering; here each of their formats
(font, fill, border, number format, alignment) is found in the master's styles part, or added
at its end, and the sheets' numbers are translated. Nothing already in the master moves, so
its input sheets keep their formats; a format already there is used again, so refreshing again
and again does not make the part grow.

Index 0 of fonts, borders and formats, and the two first fills (none, gray125) are the
workbook's defaults: a cell the writer left at the default keeps the master's default, as when
openpyxl saved the whole workbook.
"""

from __future__ import annotations

from lxml import etree

_DEFAULTS = {"font": 1, "fill": 2, "border": 1, "xf": 1}  # leading entries that stand for "the workbook's default"
_ORDER = ("numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles", "dxfs", "tableStyles",
          "colors", "extLst")  # CT_Stylesheet's sequence: a section added goes at its place
_FIRST_CUSTOM_NUMBER_FORMAT = 164


def parse(data: bytes) -> etree._Element:
    """Return the root of an XML part; entities and DTDs are not expanded (the package was inspected before)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, remove_blank_text=False)
    return etree.fromstring(data, parser)


def serialize(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname


def _key(element: etree._Element) -> tuple:
    """Return what makes two style entries the same, whatever their attribute order or prefixes."""
    return (_local(element), tuple(sorted(element.attrib.items())),
            tuple(_key(child) for child in element if isinstance(child.tag, str)))


class StyleMerge:
    """The master's styles part, into which the new sheets' formats are merged."""

    def __init__(self, master: bytes) -> None:
        self.root = parse(master)
        self._ns = etree.QName(self.root).namespace
        self._indexes: dict[str, dict[tuple, int]] = {}
        self._number_formats = {numfmt.get("formatCode"): int(numfmt.get("numFmtId"))
                                for numfmt in self._section("numFmts", create=False)}

    def translate(self, new: bytes) -> list[int]:
        """Merge the formats of styles part ``new``; return, for each of its cell formats, the master's number."""
        root = parse(new)
        sections = {_local(child): child for child in root}
        fonts = self._merge(sections.get("fonts"), "fonts", "font")
        fills = self._merge(sections.get("fills"), "fills", "fill")
        borders = self._merge(sections.get("borders"), "borders", "border")
        numbers = {int(numfmt.get("numFmtId")): self._number_format(numfmt.get("formatCode"))
                   for numfmt in (sections.get("numFmts") if sections.get("numFmts") is not None else ())}
        translated = []
        for index, xf in enumerate(_entries(sections["cellXfs"])):
            xf = _copy(xf, self._ns)
            for attribute, mapping in (("fontId", fonts), ("fillId", fills), ("borderId", borders)):
                if xf.get(attribute) is not None:
                    xf.set(attribute, str(mapping[int(xf.get(attribute))]))
            number = int(xf.get("numFmtId", "0"))
            xf.set("numFmtId", str(numbers.get(number, number)))
            xf.set("xfId", "0")  # the Normal cell style: the only one the writer uses
            translated.append(0 if index < _DEFAULTS["xf"] else self._add("cellXfs", xf))
        return translated

    def to_bytes(self) -> bytes:
        for section in self.root:
            if isinstance(section.tag, str) and (section.get("count") is not None or _local(section) in _ORDER[:8]):
                section.set("count", str(len(_entries(section))))
        return serialize(self.root)

    def _merge(self, section: etree._Element | None, name: str, tag: str) -> list[int]:
        if section is None:
            return []
        return [index if index < _DEFAULTS[tag] else self._add(name, _copy(entry, self._ns))
                for index, entry in enumerate(_entries(section))]

    def _add(self, name: str, entry: etree._Element) -> int:
        """Return the number of ``entry`` in section ``name``, appended when not there yet."""
        section = self._section(name)
        index = self._indexes.get(name)
        if index is None:
            index = self._indexes[name] = {}
            for position, existing in enumerate(_entries(section)):
                index.setdefault(_key(existing), position)
        key = _key(entry)
        if key not in index:
            index[key] = len(_entries(section))
            section.append(entry)
        return index[key]

    def _number_format(self, code: str) -> int:
        if code not in self._number_formats:
            number = max([_FIRST_CUSTOM_NUMBER_FORMAT - 1, *self._number_formats.values()]) + 1
            element = etree.SubElement(self._section("numFmts"), f"{{{self._ns}}}numFmt")
            element.set("numFmtId", str(number))
            element.set("formatCode", code)
            self._number_formats[code] = number
        return self._number_formats[code]

    def _section(self, name: str, *, create: bool = True) -> etree._Element:
        for child in self.root:
            if isinstance(child.tag, str) and _local(child) == name:
                return child
        section = etree.Element(f"{{{self._ns}}}{name}")
        if not create:
            return section
        later = set(_ORDER[_ORDER.index(name) + 1:])
        position = next((i for i, child in enumerate(self.root)
                         if isinstance(child.tag, str) and _local(child) in later), len(self.root))
        self.root.insert(position, section)
        return section


def _entries(section: etree._Element) -> list[etree._Element]:
    """Return a section's entries (comments and processing instructions left aside)."""
    return [entry for entry in section if isinstance(entry.tag, str)]


def _copy(element: etree._Element, namespace: str) -> etree._Element:
    """Return a copy of ``element`` in the master's namespace (the writer's is the transitional one)."""
    copy = etree.Element(f"{{{namespace}}}{_local(element)}", dict(element.attrib))
    for child in element:
        if isinstance(child.tag, str):
            copy.append(_copy(child, namespace))
    return copy
