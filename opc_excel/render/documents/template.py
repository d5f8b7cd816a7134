"""Word templates: the house template, built by code, and the check a city's own template must pass.

Documents use the template's paragraph and table styles **by name** (:data:`STYLES`): a city's .docx works
when it has them. Word stores its built-in styles under their English names whatever the language it shows
(« Titre 1 » on screen is ``heading 1`` in the file), so a template saved by a French Word has them all;
a style a city created itself and named « Titre 1 » is accepted too (:data:`FRENCH_NAMES`).
``python -m opc_excel.render.documents.template`` rebuilds ``pptx_templates/rapport_maison.docx``.
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from opc_excel.errors import OpcError
from opc_excel.read.package_kind import MAX_MEMBERS, MAX_UNCOMPRESSED_BYTES
from opc_excel.render.templates import TemplateCheck, shipped_or_built

TEMPLATES_DIR = Path(__file__).resolve().parents[3] / "pptx_templates"
HOUSE_TEMPLATE = TEMPLATES_DIR / "rapport_maison.docx"
FONT = "Arial"  # Word has it everywhere; LibreOffice renders it with the metric-compatible Liberation Sans
DARK_BLUE, BLUE, GREY = RGBColor(0x1F, 0x38, 0x64), RGBColor(0x2F, 0x75, 0xB5), RGBColor(0x59, 0x59, 0x59)
SAVE_AS_DOCX = "ouvrez-le dans Word et enregistrez-le au format « Document Word (*.docx) »"

# What the documents use -> the style names looked up, in this order (Word's built-in name first).
TITLE, SUBTITLE, HEADING_1, HEADING_2, HEADING_3 = "Title", "Subtitle", "Heading 1", "Heading 2", "Heading 3"
BODY, BULLET, CAPTION, TABLE = "Normal", "List Bullet", "Caption", "Table Grid"
FRENCH_NAMES = {TITLE: "Titre", SUBTITLE: "Sous-titre", HEADING_1: "Titre 1", HEADING_2: "Titre 2",
                HEADING_3: "Titre 3", BODY: "Normal", BULLET: "Liste à puces", CAPTION: "Légende",
                TABLE: "Grille du tableau"}
STYLES = (TITLE, SUBTITLE, HEADING_1, HEADING_2, HEADING_3, BODY, BULLET, CAPTION, TABLE)


class DocumentTemplateError(OpcError):
    """The Word template can't be used: it is not a .docx, or it lacks styles the documents need."""


def style_name(document, name: str) -> str | None:
    """Return the name under which ``document`` holds the style ``name`` (its French name else), None if absent."""
    present = {style.name for style in document.styles}
    return next((n for n in (name, FRENCH_NAMES.get(name)) if n in present), None)


def open_template(path: str | Path):
    """Return the python-docx document of a template; raise DocumentTemplateError (French) when it can't be read."""
    path = Path(path)
    _inspect(path)
    try:
        return Document(str(path))
    except Exception as error:  # python-docx raises many kinds on a file that is not a .docx
        raise DocumentTemplateError(f"« {path.name} » n'est pas un modèle Word lisible (.docx) : "
                                    f"{SAVE_AS_DOCX}.") from error


def _inspect(path: Path) -> None:
    """Refuse before python-docx parses anything what is not a .docx, or a zip too big once decompressed.

    The package inspection of :mod:`opc_excel.read.package` knows workbooks and presentations only: this is
    its smallest part for a Word file (a template is mailed around too).
    """
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (OSError, zipfile.BadZipFile) as error:
        raise DocumentTemplateError(f"« {path.name} » n'est pas un document Word (.docx) lisible : "
                                    f"{SAVE_AS_DOCX}.") from error
    if len(infos) > MAX_MEMBERS or sum(i.file_size for i in infos) > MAX_UNCOMPRESSED_BYTES \
            or any(i.flag_bits & 0x1 for i in infos):
        raise DocumentTemplateError(f"« {path.name} » est trop volumineux une fois décompressé, ou chiffré : "
                                    f"ce n'est pas un modèle Word ordinaire ; {SAVE_AS_DOCX}.")
    if "word/document.xml" not in {i.filename for i in infos}:
        raise DocumentTemplateError(f"« {path.name} » n'est pas un document Word : indiquez un modèle .docx.")


def check_template(path: str | Path) -> TemplateCheck:
    """Return what a Word template lacks for the documents (an empty list when it can be used)."""
    document = open_template(path)
    missing = [f"Style « {FRENCH_NAMES[name]} » ({name}) absent : ajoutez-le au modèle (Accueil > Styles) ou "
               f"renommez un style existant." for name in STYLES if style_name(document, name) is None]
    return TemplateCheck(Path(path), tuple(missing))


def house_template() -> Path:
    """Return the house template: the shipped file, or (installed without the project folder) one built once."""
    return shipped_or_built(HOUSE_TEMPLATE, build_house_template)


def build_house_template(path: Path = HOUSE_TEMPLATE) -> Path:
    """Write the sober house template (A4, Arial, dark-blue headings, named styles) and return its path."""
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    section.header_distance = section.footer_distance = Cm(1)
    styles = document.styles
    _font(styles[BODY], 10, GREY)
    styles[BODY].paragraph_format.space_after = Pt(4)
    styles[BODY].paragraph_format.line_spacing = 1.1
    for name, size, colour, before in ((TITLE, 26, DARK_BLUE, 0), (SUBTITLE, 14, BLUE, 0),
                                       (HEADING_1, 16, DARK_BLUE, 12), (HEADING_2, 13, BLUE, 10),
                                       (HEADING_3, 11, DARK_BLUE, 8)):
        style = styles[name]
        _font(style, size, colour, bold=name not in (SUBTITLE,))
        style.font.italic = False
        style.paragraph_format.space_before = Pt(before)
        style.paragraph_format.space_after = Pt(6)
        style.paragraph_format.keep_with_next = True
    styles[TITLE].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    _no_border(styles[TITLE])
    _font(styles[CAPTION], 9, GREY, bold=False)
    styles[CAPTION].font.italic = True
    _font(styles[BULLET], 10, GREY)
    styles[BULLET].paragraph_format.space_after = Pt(3)
    for name in ("Header", "Footer"):
        _font(styles[name], 8, GREY)
    if "Table Text" not in {s.name for s in styles}:  # table cells: smaller, tight
        cell = styles.add_style("Table Text", WD_STYLE_TYPE.PARAGRAPH)
        cell.base_style = styles[BODY]
        _font(cell, 8.5, GREY)
        cell.paragraph_format.space_after = Pt(0)
        cell.paragraph_format.line_spacing = 1.0
    path.parent.mkdir(parents=True, exist_ok=True)
    document.core_properties.title = "Modèle maison OPC urbain — rapports"
    document.core_properties.author = "opc_excel"
    document.core_properties.language = "fr-FR"
    _language(document)
    document.save(str(path))
    return path


def _font(style, size: float, colour: RGBColor, *, bold: bool | None = None) -> None:
    style.font.name = FONT
    style.font.size = Pt(size)
    style.font.color.rgb = colour
    if bold is not None:
        style.font.bold = bold
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
        fonts.attrib.pop(qn(attribute), None)


def _no_border(style) -> None:
    ppr = style.element.get_or_add_pPr()
    for border in ppr.findall(qn("w:pBdr")):
        ppr.remove(border)


def _language(document) -> None:
    """Set French as the document's language (spelling, hyphenation, quotes in Word)."""
    defaults = document.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = rpr.makeelement(qn("w:lang"), {})
        rpr.append(lang)
    lang.set(qn("w:val"), "fr-FR")


if __name__ == "__main__":
    print(build_house_template(Path(sys.argv[1]) if len(sys.argv) > 1 else HOUSE_TEMPLATE))
