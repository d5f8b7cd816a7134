"""How a slide looks and how much text fits: colours, the content area, text measured in Arial metrics,
table cells written with their margins, the columns and cells of a table."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from lxml.etree import SubElement
from pptx.dml.color import RGBColor
from pptx.oxml.ns import qn
from pptx.util import Emu, Pt

DARK_BLUE = RGBColor(0x1F, 0x38, 0x64)
BLUE = RGBColor(0x2F, 0x75, 0xB5)
LIGHT = RGBColor(0xE7, 0xEC, 0xF5)
GREY = RGBColor(0x66, 0x66, 0x66)  # secondary text: 5.7:1 on white (#7F7F7F was 4.0:1)
LIGHT_GREY = RGBColor(0xBF, 0xBF, 0xBF)  # rules and gridlines, never text
WHITE = RGBColor(0xFF, 0xFF, 0xFF)
TEXT = RGBColor(0x26, 0x26, 0x26)
# Status colours, drawn as text on white and on their light fill (KPI values) and under white text (panel
# headings): every such pair reaches 4.5:1 (:func:`contrast`; tests/test_deck_readability.py checks them).
# Orange is a burnt orange and vert a dark green: Office's #ED7D31 and #70AD47 are 2.8:1 on white.
STATUS = {"rouge": RGBColor(0xC0, 0x00, 0x00), "orange": RGBColor(0xA8, 0x4B, 0x00),
          "vert": RGBColor(0x38, 0x76, 0x1D), "gris": GREY}
STATUS_LIGHT = {"rouge": RGBColor(0xFA, 0xDB, 0xD8), "orange": RGBColor(0xFF, 0xE6, 0x99),
                "vert": RGBColor(0xE2, 0xEF, 0xDA), "gris": RGBColor(0xED, 0xED, 0xED)}
# The smallest text a deck draws (decks.md, « Readable »): table cells and headers, and body text.
TABLE_MIN_PT = 10.0
BODY_MIN_PT = 12.0
SERIES_COLOURS = (DARK_BLUE, BLUE, RGBColor(0x70, 0xAD, 0x47), RGBColor(0xED, 0x7D, 0x31), GREY)


def _luminance(colour: RGBColor | str) -> float:
    """Return the WCAG 2 relative luminance of an sRGB colour (``RGBColor`` or ``"RRGGBB"``)."""
    channels = [int(str(colour)[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(text: RGBColor | str, fill: RGBColor | str) -> float:
    """Return the WCAG 2 contrast ratio of two colours, from 1 to 21: text must reach 4.5 against its fill."""
    lighter, darker = sorted((_luminance(text), _luminance(fill)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


# The content area under the title rule and above the footer, on a 16:9 slide.
LEFT, TOP, WIDTH, BOTTOM = Emu(609_600), Emu(1_300_000), Emu(10_972_800), Emu(6_250_000)
HEIGHT = Emu(BOTTOM - TOP)
FOOTER_TOP = Emu(6_420_000)
EMU_PER_PT = 12_700
LINE_SPACING = 1.2
CELL_MARGIN = Emu(27_432)  # top and bottom cell margin (0,03 in), set on every cell we write
CELL_SIDE_MARGIN = Emu(91_440)


# Arial advance widths in thousandths of an em (the Helvetica metrics Arial shares), ASCII 32–126.
_ASCII_WIDTHS = (
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556,
    556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667,
    556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556,
    556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722,
    500, 500, 500, 334, 260, 334, 584)
_OTHER_WIDTHS = {"—": 1000, "–": 556, "…": 1000, "«": 556, "»": 556, "’": 222, "‘": 222, "€": 556, "°": 400,
                 "œ": 944, "Œ": 1000, "æ": 889, "Æ": 1000, "◆": 800, "→": 1000,
                 "\u00a0": 278, "\u202f": 200, "\u2011": 333}  # no-break space, narrow one (a thin space), hyphen
_A_P, _A_PPR, _A_R, _A_RPR, _A_T, _A_BR = qn("a:p"), qn("a:pPr"), qn("a:r"), qn("a:rPr"), qn("a:t"), qn("a:br")
_A_TCPR, _A_SOLID, _A_SRGB = qn("a:tcPr"), qn("a:solidFill"), qn("a:srgbClr")
SAFETY = 1.04  # renderers differ a little in kerning: measure a little wide


@lru_cache(maxsize=4096)
def _char_em(char: str) -> float:
    code = ord(char)
    if 32 <= code <= 126:
        return _ASCII_WIDTHS[code - 32] / 1000
    if char in _OTHER_WIDTHS:
        return _OTHER_WIDTHS[char] / 1000
    base = unicodedata.normalize("NFD", char)[0]  # é is as wide as e
    return _char_em(base) if base != char else 0.6


def text_width(text: str, size_pt: float, bold: bool = False) -> float:
    """Return the width of ``text`` set in Arial at ``size_pt``, in EMU (a little wide, never narrow)."""
    ems = sum(_char_em(c) for c in text) * (1.07 if bold else 1.0) * SAFETY
    return ems * size_pt * EMU_PER_PT


def text_lines(text: str, width_emu: int, size_pt: float, bold: bool = False) -> int:
    """Return how many lines ``text`` takes when wrapped at spaces in a box ``width_emu`` wide."""
    space = text_width(" ", size_pt, bold)
    lines = 0
    for paragraph in str(text).split("\n"):
        lines += 1
        used = 0.0
        for word in paragraph.split(" "):
            width = text_width(word, size_pt, bold)
            if used and used + space + width > width_emu:
                lines += 1
                used = 0.0
            used += (space if used else 0.0) + width
            while used > width_emu:  # a word longer than the line is broken anywhere
                lines += 1
                used -= width_emu
    return lines


def text_height(text: str, width_emu: int, size_pt: float) -> int:
    return int(text_lines(text, width_emu, size_pt) * size_pt * LINE_SPACING * EMU_PER_PT)


MIN_HEADER_PT = TABLE_MIN_PT
FOOTER_PROJECT_CAP = 60  # the project's name in the footer, which holds on one line


def header_size(columns: Sequence[Column], widths: Sequence[int], size: float) -> float:
    """Return the font size of a table's header row: ``size``, or smaller until no header word is cut.

    A word wider than its column is broken anywhere by PowerPoint (« Temporaire / s »): the header
    shrinks by half points until each word fits, down to 10 pt (:data:`TABLE_MIN_PT`); below, the
    column is widened instead (:func:`opc_excel.render.decks.tables.fit_widths`).
    """
    words = [(word, width - 2 * CELL_SIDE_MARGIN) for column, width in zip(columns, widths, strict=True)
             for word in column.header.split()]
    while size > MIN_HEADER_PT and any(text_width(word, size, bold=True) > room for word, room in words):
        size -= 0.5
    return size


_ALIGN = {"right": "r", "center": "ctr"}
_CONTROL = re.compile(r"[\x00-\x08\x0B-\x1F]")


def write_cell(tc, text: str, size: float, *, bold: bool, colour: RGBColor, fill: RGBColor, align: str) -> None:
    """Fill a new table cell (``a:tc``) as python-pptx's API would, in one pass over the XML.

    ``\\n`` starts a paragraph, ``\\v`` a line break; other control characters become ``_xHHHH_``;
    every paragraph is aligned, every run sized, bold or not and coloured; the cell has the top and
    bottom margins, vertical centring and the solid fill.
    """
    tx_body = tc[0]
    for paragraph in tx_body.findall(_A_P):
        tx_body.remove(paragraph)
    run_attrs = {"sz": str(Pt(size).centipoints), "b": "1" if bold else "0"}
    colour_hex, algn = str(colour), _ALIGN.get(align, "l")
    for line in text.split("\n"):
        paragraph = SubElement(tx_body, _A_P)
        SubElement(paragraph, _A_PPR, algn=algn)
        for index, piece in enumerate(line.split("\v")):
            if index:
                SubElement(paragraph, _A_BR)
            if piece:
                run = SubElement(paragraph, _A_R)
                SubElement(SubElement(SubElement(run, _A_RPR, run_attrs), _A_SOLID), _A_SRGB, val=colour_hex)
                SubElement(run, _A_T).text = _CONTROL.sub(lambda m: f"_x{ord(m.group()):04X}_", piece)
    tc_pr = tc.find(_A_TCPR)
    tc_pr.set("marT", str(CELL_MARGIN))
    tc_pr.set("marB", str(CELL_MARGIN))
    tc_pr.set("anchor", "ctr")
    SubElement(SubElement(tc_pr, _A_SOLID), _A_SRGB, val=str(fill))




@dataclass
class Column:
    """A table column: header, relative width, alignment."""

    header: str
    weight: float = 1.0
    align: str = "left"  # left / right / center


@dataclass
class Cell:
    """A table cell with an optional status colour (rouge / orange / vert / gris)."""

    text: str
    status: str | None = None
    bold: bool = False
