"""The output sheets' cell formats, found in the master's own styles part or added at its end.

Each cell of a sheet names its format by position in ``xl/styles.xml`` (``<c s="12">``). Each
format an output sheet uses (font, fill, border, number format, alignment, written as openpyxl
writes them) is looked for in the master's styles part, and added at the end of its section when
it is not there. Nothing already in the master moves, so its input sheets keep their formats; a
format already there is used again, so refreshing again and again does not make the part grow.

A cell with no format of its own gets the master's default (format 0), as when openpyxl saved the
whole workbook.
"""

from __future__ import annotations

from typing import NamedTuple

from lxml import etree
from openpyxl.styles.numbers import BUILTIN_FORMATS_REVERSE

from opc_excel.sheets.output import Align, Font


class Format(NamedTuple):
    """How a cell looks, as the output sheets describe it; ``sides``: the borders of a merge's edge cell."""

    font: Font | None
    fill: str | None
    border: str | None
    align: Align | None
    number_format: str | None
    sides: frozenset[str] | None = None


_NO_FORMAT = Format(None, None, None, None, None)
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


def entries(parent: etree._Element) -> list[etree._Element]:
    """Return an element's child elements (comments and processing instructions left aside)."""
    return [entry for entry in parent if isinstance(entry.tag, str)]


def child(parent: etree._Element, name: str) -> etree._Element | None:
    """Return the first child element of ``parent`` called ``name`` (whatever its prefix), or None."""
    return next((entry for entry in entries(parent) if _local(entry) == name), None)


def section(parent: etree._Element, name: str, order: tuple[str, ...]) -> etree._Element:
    """Return the child ``name`` of ``parent``, added at its place in the schema's sequence ``order`` if missing."""
    found = child(parent, name)
    if found is not None:
        return found
    later = set(order[order.index(name) + 1:])
    position = next((i for i, entry in enumerate(parent) if isinstance(entry.tag, str) and _local(entry) in later),
                    len(parent))
    found = etree.Element(f"{{{etree.QName(parent).namespace}}}{name}")
    parent.insert(position, found)
    return found


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
        formats = child(self.root, "numFmts")  # looked at, not added: a master without custom formats stays so
        self._number_formats = {numfmt.get("formatCode"): int(numfmt.get("numFmtId"))
                                for numfmt in (entries(formats) if formats is not None else ())}

    def cell_format(self, look: Format) -> int:
        """Return the master's number of the cell format ``look``, added when the master has none like it."""
        if look == _NO_FORMAT:
            return 0
        xf = etree.Element(self._q("xf"), {"numFmtId": "0", "fontId": "0", "fillId": "0", "borderId": "0", "xfId": "0"})
        if look.number_format is not None and look.number_format != "General":
            xf.set("numFmtId", str(BUILTIN_FORMATS_REVERSE.get(look.number_format)
                                   or self._number_format(look.number_format)))
            xf.set("applyNumberFormat", "1")
        for name, section, element in (("Font", "fonts", self._font(look.font)),
                                       ("Fill", "fills", self._fill(look.fill)),
                                       ("Border", "borders", self._border(look.border, look.sides))):
            if element is not None:
                xf.set(f"{name.lower()}Id", str(self._add(section, element)))
                xf.set(f"apply{name}", "1")
        if look.align is not None:
            xf.set("applyAlignment", "1")
            alignment = etree.SubElement(xf, self._q("alignment"))
            for name, value in (("horizontal", look.align.horizontal), ("vertical", look.align.vertical),
                                ("wrapText", look.align.wrap)):
                if value is not None:
                    alignment.set(name, str(int(value)) if isinstance(value, bool) else value)
        return self._add("cellXfs", xf)

    def _q(self, tag: str) -> str:
        return f"{{{self._ns}}}{tag}"

    def _font(self, font) -> etree._Element | None:
        if font is None:
            return None
        element = etree.Element(self._q("font"))
        for tag, value in (("b", font.bold), ("i", font.italic)):
            if value is not None:
                etree.SubElement(element, self._q(tag), {"val": str(int(value))})
        if font.color is not None:
            etree.SubElement(element, self._q("color"), {"rgb": _argb(font.color)})
        if font.size is not None:
            etree.SubElement(element, self._q("sz"), {"val": f"{font.size:g}"})
        if font.underline:
            etree.SubElement(element, self._q("u"), {"val": "single"})
        return element

    def _fill(self, color: str | None) -> etree._Element | None:
        if color is None:
            return None
        element = etree.Element(self._q("fill"))
        pattern = etree.SubElement(element, self._q("patternFill"), {"patternType": "solid"})
        etree.SubElement(pattern, self._q("fgColor"), {"rgb": _argb(color)})
        return element

    def _border(self, color: str | None, sides: frozenset[str] | None) -> etree._Element | None:
        if color is None:
            return None
        element = etree.Element(self._q("border"))
        for side in ("left", "right", "top", "bottom"):
            line = etree.SubElement(element, self._q(side))
            if sides is None or side in sides:
                line.set("style", "thin")
                etree.SubElement(line, self._q("color"), {"rgb": _argb(color)})
        etree.SubElement(element, self._q("diagonal"))
        return element

    def to_bytes(self) -> bytes:
        for part in entries(self.root):
            if part.get("count") is not None or _local(part) in _ORDER[:8]:
                part.set("count", str(len(entries(part))))
        return serialize(self.root)

    def _add(self, name: str, entry: etree._Element) -> int:
        """Return the number of ``entry`` in section ``name``, appended when not there yet."""
        found = section(self.root, name, _ORDER)
        index = self._indexes.get(name)
        if index is None:
            index = self._indexes[name] = {}
            for position, existing in enumerate(entries(found)):
                index.setdefault(_key(existing), position)
        key = _key(entry)
        if key not in index:
            index[key] = len(entries(found))
            found.append(entry)
        return index[key]

    def _number_format(self, code: str) -> int:
        if code not in self._number_formats:
            number = max([_FIRST_CUSTOM_NUMBER_FORMAT - 1, *self._number_formats.values()]) + 1
            element = etree.SubElement(section(self.root, "numFmts", _ORDER), f"{{{self._ns}}}numFmt")
            element.set("numFmtId", str(number))
            element.set("formatCode", code)
            self._number_formats[code] = number
        return self._number_formats[code]


def _argb(color: str) -> str:
    return f"00{color}" if len(color) == 6 else color  # as openpyxl writes an RRGGBB colour
