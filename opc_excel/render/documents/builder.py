"""``DocumentBuilder``: a Word document on a template, written with the template's styles by name.

Every text goes through :func:`opc_excel.text.french` where it is written (headings, paragraphs, bullets,
cells, captions, footer): narrow no-break spaces before « : ; ! ? » and inside « », ids unbroken.
Tables repeat their header row on each page and never split a row; the footer numbers the pages
(« page 3 / 27 »); :meth:`DocumentBuilder.contents` writes a table of contents field that Word updates
on opening (its first text lists the sections, for a reader that does not update fields).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from copy import deepcopy
from pathlib import Path

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.text.paragraph import Paragraph

from opc_excel.render.documents.template import (
    BODY,
    BULLET,
    CAPTION,
    HEADING_1,
    HEADING_2,
    HEADING_3,
    SUBTITLE,
    TABLE,
    TITLE,
    open_template,
    style_name,
)
from opc_excel.text import french

HEADINGS = {1: HEADING_1, 2: HEADING_2, 3: HEADING_3}
HEADER_FILL, HEADER_TEXT = "1F3864", RGBColor(0xFF, 0xFF, 0xFF)
# Light status colours behind a status cell (rouge, orange, vert, gris), as the decks' light fills.
STATUS_FILL = {"rouge": "F8D7D7", "orange": "FCE4CC", "vert": "DDEFD6", "gris": "E7E6E6"}
CELL_TEXT = "Table Text"  # the house template's cell style; a city's template without it gets Normal at 8 pt
CELL_SIZE = Pt(8)


class DocumentBuilder:
    """Build a Word document on ``template``: add headings, text, tables and pictures, then :meth:`save`."""

    def __init__(self, template: Path, footer: str) -> None:
        self.document = open_template(template)
        body = self.document.element.body
        for child in list(body):  # a template's sample text goes; its page setup (sectPr) stays
            if child.tag != qn("w:sectPr"):
                body.remove(child)
        self.styles = {name: style_name(self.document, name) for name in
                       (TITLE, SUBTITLE, HEADING_1, HEADING_2, HEADING_3, BODY, BULLET, CAPTION, TABLE, CELL_TEXT)}
        # style ids looked up once: python-docx looks a style up by name at each paragraph (slow for 3 000 cells)
        self._ids = {name: self.document.styles[found].style_id for name, found in self.styles.items() if found}
        self.headings: list[tuple[int, str]] = []
        self._toc = None
        self._footer(footer)
        settings = self.document.settings.element
        update = settings.find(qn("w:updateFields"))
        if update is None:
            update = OxmlElement("w:updateFields")
            settings.append(update)
        update.set(qn("w:val"), "true")  # Word fills the table of contents and page numbers when it opens

    # ------------------------------------------------------------------ text

    def _add(self, text: str = "", style: str = BODY):
        """Return a new paragraph in the style ``style`` (by its id) holding ``text`` set in French."""
        paragraph = self.document.add_paragraph()
        _set_style(paragraph, self._ids.get(style) or self._ids.get(BODY))
        if text:
            paragraph.add_run(french(text))
        return paragraph

    def title(self, text: str, subtitle: Sequence[str] = ()) -> None:
        """Write the title page: the title, then each line of ``subtitle``."""
        self._add(text, TITLE)
        for line in subtitle:
            self._add(line, SUBTITLE)

    def heading(self, text: str, level: int = 1, *, new_page: bool = False) -> None:
        """Write a heading in the template's style « Heading ``level`` » (« Titre ``level`` »), on a new page
        when ``new_page``."""
        self.headings.append((level, text))
        self._add(text, HEADINGS[level]).paragraph_format.page_break_before = new_page or None

    def paragraph(self, text: str, *, bold: bool = False, style: str = BODY, keep_with_next: bool = False) -> None:
        paragraph = self._add(style=style)
        paragraph.add_run(french(text)).bold = bold or None
        if keep_with_next:  # a sentence introducing the table under it stays on its page
            paragraph.paragraph_format.keep_with_next = True

    def labelled(self, label: str, text: str) -> None:
        """Write « Label : text », the label in bold."""
        paragraph = self._add()
        paragraph.add_run(french(f"{label} :")).bold = True
        paragraph.add_run(french(f" {text}"))

    def bullets(self, items: Sequence[str], empty: str = "") -> None:
        """Write one bullet per item; ``empty`` as a sentence when there is none."""
        if not items and empty:
            self.paragraph(empty)
        for item in items:
            self._add(item, BULLET)

    def page_break(self) -> None:
        self.document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def contents(self, title: str = "Sommaire") -> None:
        """Write the table of contents field (headings 1 and 2); its text is filled by :meth:`save`."""
        self._add(title, HEADING_1)
        self._toc = self._add()

    # ------------------------------------------------------------------ tables and pictures

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[str]], widths_cm: Sequence[float],
              *, status: dict[int, str] | None = None, right: Sequence[int] = (), empty: str = "") -> None:
        """Write a table: a dark header row repeated on each page, one row per item, never split across pages.

        ``status`` maps a row's index to a light status fill of its first cell (rouge, orange, vert, gris);
        ``right`` lists the columns aligned right (figures). ``empty``: a sentence instead of an empty table.
        """
        if not rows:
            if empty:
                self.paragraph(empty)
            return
        table = self.document.add_table(rows=1 + len(rows), cols=len(headers))
        if self.styles[TABLE]:
            table.style = self.document.styles[self.styles[TABLE]]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        grid = [row.cells for row in table.rows]  # python-docx walks the table at each ``cells``: once per row
        for index, text in enumerate(headers):
            self._cell(grid[0][index], text, bold=True, colour=HEADER_TEXT, right=index in right)
            _fill(grid[0][index], HEADER_FILL)
        _repeat_header(table.rows[0])
        for number, values in enumerate(rows):
            _keep_row(table.rows[number + 1])
            for index, text in enumerate(values):
                self._cell(grid[number + 1][index], text, right=index in right)
            if status and number in status and status[number] in STATUS_FILL:
                _fill(grid[number + 1][0], STATUS_FILL[status[number]])
        for index, width in enumerate(widths_cm):  # the grid (LibreOffice reads it) and each cell (Word does)
            table.columns[index].width = Cm(width)
            for cells in grid:
                cells[index].width = Cm(width)
        self._add().paragraph_format.space_after = Pt(2)

    def picture(self, png: bytes, width_cm: float, caption: str) -> None:
        """Write an image the width of ``width_cm``, centred, its caption under it."""
        paragraph = self._add()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.keep_with_next = True  # never a caption alone at the top of a page
        paragraph.add_run().add_picture(io.BytesIO(png), width=Cm(width_cm))
        self._add(caption, CAPTION)

    def _cell(self, cell, text: str, *, bold: bool = False, colour: RGBColor | None = None,
              right: bool = False) -> None:
        paragraph = cell.paragraphs[0]
        if CELL_TEXT in self._ids:
            _set_style(paragraph, self._ids[CELL_TEXT])
        lines = french(text).split("\n")
        for number, line in enumerate(lines):
            run = paragraph.add_run(line)
            if number < len(lines) - 1:
                run.add_break()
            if CELL_TEXT not in self._ids:
                run.font.size = CELL_SIZE
            run.bold = bold or None
            if colour is not None:
                run.font.color.rgb = colour
        if right:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT

    # ------------------------------------------------------------------ footer, contents, saving

    def _footer(self, text: str) -> None:
        """Write « text · page N / M » in every section's footer (PAGE and NUMPAGES fields)."""
        for section in self.document.sections:
            footer = section.footer
            footer.is_linked_to_previous = False
            paragraph = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
            paragraph.text = ""
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            paragraph.add_run(french(f"{text} · page "))
            _field(paragraph, "PAGE", "1")
            paragraph.add_run(" / ")
            _field(paragraph, "NUMPAGES", "1")

    def _fill_contents(self) -> None:
        """Write the TOC field: the sections as its text, page numbers and links once Word updates it."""
        if self._toc is None:
            return
        first = self._toc
        _field(first, 'TOC \\o "1-2" \\h \\z \\u', "", complex_end=False)
        previous = first
        entries = [(level, text) for level, text in self.headings if level <= 2]
        for number, (level, text) in enumerate(entries):
            paragraph = first if number == 0 else _paragraph_after(previous)
            paragraph.paragraph_format.left_indent = Cm(0.6 * (level - 1))
            paragraph.paragraph_format.space_after = Pt(1)
            run = paragraph.add_run(french(text))
            run.bold = level == 1 or None
            previous = paragraph
        _field_end(previous)

    def save(self) -> bytes:
        """Return the document as .docx bytes."""
        self._fill_contents()
        out = io.BytesIO()
        self.document.save(out)
        return out.getvalue()


def _paragraph_after(paragraph):
    new = deepcopy(paragraph._p)  # noqa: SLF001 - python-docx has no API to insert a paragraph after another
    for child in list(new):
        if child.tag != qn("w:pPr"):
            new.remove(child)
    paragraph._p.addnext(new)  # noqa: SLF001
    return Paragraph(new, paragraph._parent)  # noqa: SLF001


def _set_style(paragraph, style_id: str | None) -> None:
    if style_id:
        paragraph._p.style = style_id  # noqa: SLF001 - by id: python-docx's by-name setter looks it up each time


def _field(paragraph, instruction: str, shown: str, *, complex_end: bool = True) -> None:
    """Append a field (begin, instruction, separate, shown text[, end]) to ``paragraph``."""
    for kind, text in (("begin", None), (None, instruction), ("separate", None)):
        run = paragraph.add_run()
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
            if kind == "begin":
                element.set(qn("w:dirty"), "true")
            run._r.append(element)  # noqa: SLF001
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = f" {text} "
            run._r.append(element)  # noqa: SLF001
    if shown:
        paragraph.add_run(shown)
    if complex_end:
        _field_end(paragraph)


def _field_end(paragraph) -> None:
    element = OxmlElement("w:fldChar")
    element.set(qn("w:fldCharType"), "end")
    paragraph.add_run()._r.append(element)  # noqa: SLF001


def _fill(cell, colour: str) -> None:
    properties = cell._tc.get_or_add_tcPr()  # noqa: SLF001 - python-docx has no API for a cell's shading
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), colour)
    properties.append(shading)


def _repeat_header(row) -> None:
    properties = row._tr.get_or_add_trPr()  # noqa: SLF001
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _keep_row(row) -> None:
    properties = row._tr.get_or_add_trPr()  # noqa: SLF001
    properties.append(OxmlElement("w:cantSplit"))
