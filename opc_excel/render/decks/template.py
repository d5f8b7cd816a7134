"""Deck templates: the house template, built by code, and the check a city's own template must pass.

Slides use the template's layouts **by name** (:data:`LAYOUTS`), so a city swaps in its own
master by naming its layouts the same; ``opc-excel template-check`` lists what a template lacks.
``python -m opc_excel.render.decks.template`` rebuilds ``pptx_templates/opc_maison.pptx``.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from lxml import etree
from pptx import Presentation
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.util import Emu

from opc_excel.errors import OpcError, UnreadableWorkbookError
from opc_excel.read.package import inspect_package
from opc_excel.read.package_kind import PRESENTATION
from opc_excel.render.templates import TemplateCheck, shipped_or_built

TEMPLATES_DIR = Path(__file__).resolve().parents[3] / "pptx_templates"
HOUSE_TEMPLATE = TEMPLATES_DIR / "opc_maison.pptx"
WIDTH, HEIGHT = Emu(12_192_000), Emu(6_858_000)  # 16:9, 33,867 × 19,05 cm
FONT = "Arial"  # PowerPoint has it everywhere; LibreOffice renders it with the metric-compatible Liberation Sans

# Layout name -> placeholders the decks fill, by their idx (0 is always the title).
TITLE, SECTION, CONTENT, TWO_CONTENT, TABLE, CHART = (
    "Titre", "Section", "Titre et contenu", "Deux contenus", "Tableau", "Graphique")
LAYOUTS: dict[str, tuple[int, ...]] = {
    TITLE: (0, 1),  # title, subtitle
    SECTION: (0, 1),  # title, text
    CONTENT: (0, 1),  # title, content
    TWO_CONTENT: (0, 1, 2),  # title, left, right
    TABLE: (0,),  # title; the table is placed under it
    CHART: (0, 1, 2),  # title, chart area, comment
}
# The default python-pptx layouts the house template starts from, renamed.
_FROM_DEFAULT = {"Title Slide": TITLE, "Section Header": SECTION, "Title and Content": CONTENT,
                 "Two Content": TWO_CONTENT, "Title Only": TABLE, "Content with Caption": CHART}
PALETTE = {  # theme colours: one palette, rouge / orange / vert for status
    "dk2": "1F3864", "lt2": "E7ECF5", "accent1": "1F3864", "accent2": "2F75B5", "accent3": "C00000",
    "accent4": "ED7D31", "accent5": "70AD47", "accent6": "7F7F7F",
}
_NS = {"a": "http://schemas.openxmlformats.org/drawingml/2006/main",
       "p": "http://schemas.openxmlformats.org/presentationml/2006/main"}


class TemplateError(OpcError):
    """The template can't be used: it lacks layouts or placeholders the decks need."""


def house_template() -> Path:
    """Return the house template: the shipped file, or (installed without the project folder) one built once."""
    return shipped_or_built(HOUSE_TEMPLATE, build_house_template)


def check_template(path: str | Path) -> TemplateCheck:
    """Return what a template lacks for the decks (an empty list when it can be used)."""
    path = Path(path)
    try:  # the same inspection as a workbook's before python-pptx parses anything: a template is mailed around too
        inspect_package(path, PRESENTATION)
    except UnreadableWorkbookError as error:
        raise TemplateError(str(error)) from None
    try:
        presentation = Presentation(str(path))
    except Exception as error:  # python-pptx raises many kinds on a file that is not a .pptx
        raise TemplateError(f"« {path.name} » n'est pas un modèle PowerPoint lisible (.pptx ou .potx) : "
                            f"ouvrez-le dans PowerPoint et enregistrez-le au format .pptx.") from error
    layouts = {layout.name: layout for layout in presentation.slide_layouts}
    missing = []
    for name, indexes in LAYOUTS.items():
        layout = layouts.get(name)
        if layout is None:
            missing.append(f"Disposition « {name} » absente : ajoutez-la au masque des diapositives "
                           f"(Affichage > Masque des diapositives) ou renommez une disposition existante.")
            continue
        present = {ph.placeholder_format.idx for ph in layout.placeholders}
        for idx in indexes:
            if idx not in present:
                what = "le titre" if idx == 0 else f"l'espace réservé n° {idx}"
                missing.append(f"Disposition « {name} » : {what} manque ; ajoutez un espace réservé de contenu.")
    if presentation.slide_width * 9 != presentation.slide_height * 16:
        missing.append("Le format n'est pas 16:9 : choisissez Conception > Taille des diapositives > Grand écran.")
    return TemplateCheck(path, tuple(missing))


def build_house_template(path: Path = HOUSE_TEMPLATE) -> Path:
    """Write the neutral house template (16:9, sober, Arial, named layouts) and return its path."""
    presentation = Presentation()
    scale = WIDTH / presentation.slide_width
    presentation.slide_width, presentation.slide_height = WIDTH, HEIGHT
    master = presentation.slide_master
    _widen(master.shapes, scale)
    keep = set(_FROM_DEFAULT)
    for layout in list(presentation.slide_layouts):
        if layout.name not in keep:
            _remove_layout(presentation, layout)
            continue
        layout.name = _FROM_DEFAULT[layout.name]
        _widen(layout.shapes, scale)
        for shape in layout.placeholders:
            shape.name = _placeholder_name(layout.name, shape.placeholder_format.idx, shape.name)
    _style_master(master)
    _style_theme(master)
    _place_chart_layout(presentation)
    path.parent.mkdir(parents=True, exist_ok=True)
    presentation.core_properties.title = "Modèle maison OPC urbain"
    presentation.core_properties.author = "opc_excel"
    presentation.save(str(path))
    return path


def _widen(shapes, scale: float) -> None:
    """Stretch shapes drawn for 4:3 to the 16:9 width (only those with a position of their own)."""
    for shape in shapes:
        if shape._element.spPr.find("a:xfrm", _NS) is not None:  # noqa: SLF001 - else inherited, widened once
            shape.left, shape.width = Emu(int(shape.left * scale)), Emu(int(shape.width * scale))


def _remove_layout(presentation, layout) -> None:
    master = presentation.slide_master
    layouts = master.element.find("p:sldLayoutIdLst", _NS)
    for entry in list(layouts):
        r_id = entry.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
        if master.part.related_part(r_id) is layout.part:
            layouts.remove(entry)
            master.part.drop_rel(r_id)


def _placeholder_name(layout: str, idx: int, default: str) -> str:
    names = {0: "Titre", 1: "Contenu" if layout not in (TITLE, SECTION) else "Sous-titre", 2: "Contenu droit"}
    if layout == CHART:
        names.update({1: "Graphique", 2: "Commentaire"})
    if idx >= 10:
        return {10: "Date", 11: "Pied de page", 12: "Numéro de diapositive"}.get(idx, default)
    return names.get(idx, default)


def _style_master(master) -> None:
    """Titles left-aligned in dark blue, a thin accent rule under the title area, body in dark grey."""
    title_style = master.element.find(".//p:titleStyle/a:lvl1pPr", _NS)
    title_style.set("algn", "l")
    rpr = title_style.find("a:defRPr", _NS)
    rpr.set("sz", "2800")
    rpr.set("b", "1")
    fill = rpr.find("a:solidFill", _NS)
    fill.clear()
    etree.SubElement(fill, f"{{{_NS['a']}}}schemeClr", val="tx2")
    for level in master.element.findall(".//p:bodyStyle/*", _NS):
        body_rpr = level.find("a:defRPr", _NS)
        if body_rpr is not None and body_rpr.get("sz"):
            body_rpr.set("sz", str(int(int(body_rpr.get("sz")) * 0.7)))
    tree = master.shapes._spTree  # noqa: SLF001 - python-pptx has no API to draw on the master
    rule = etree.fromstring(
        '<p:sp xmlns:p="{p}" xmlns:a="{a}"><p:nvSpPr><p:cNvPr id="90" name="Filet"/><p:cNvSpPr/><p:nvPr/>'
        '</p:nvSpPr><p:spPr><a:xfrm><a:off x="609600" y="1188000"/><a:ext cx="10972800" cy="27432"/></a:xfrm>'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:solidFill><a:schemeClr val="accent2"/></a:solidFill>'
        '<a:ln><a:noFill/></a:ln></p:spPr></p:sp>'.format(**_NS))
    tree.append(rule)
    title = next(s for s in master.placeholders if s.placeholder_format.idx == 0)
    title.top, title.height = Emu(300_000), Emu(850_000)


def _place_chart_layout(presentation) -> None:
    """Put the chart layout's title where every other title is, the comment left and the chart right, under the rule."""
    layout = next(layout for layout in presentation.slide_layouts if layout.name == CHART)
    boxes = {0: (609_600, 300_000, 10_972_800, 850_000), 1: (4_400_000, 1_300_000, 7_182_400, 4_950_000),
             2: (609_600, 1_300_000, 3_600_000, 4_950_000)}
    for shape in layout.placeholders:
        box = boxes.get(shape.placeholder_format.idx)
        if box is not None:
            shape.left, shape.top, shape.width, shape.height = (Emu(v) for v in box)
    title = next(s for s in layout.placeholders if s.placeholder_format.idx == 0)
    body = title.text_frame._txBody.find("a:bodyPr", _NS)  # noqa: SLF001 - anchor the title like the master's
    if body is not None and body.get("anchor"):
        del body.attrib["anchor"]


def _style_theme(master) -> None:
    """Set the palette and Arial for headings and body in the theme part."""
    theme = master.part.part_related_by(RT.THEME)
    xml = theme.blob.decode("utf-8")
    for slot, colour in PALETTE.items():
        xml = re.sub(rf"<a:{slot}>.*?</a:{slot}>", f'<a:{slot}><a:srgbClr val="{colour}"/></a:{slot}>', xml,
                     count=1, flags=re.S)
    xml = re.sub(r'(<a:(?:major|minor)Font><a:latin typeface=")[^"]*"', rf'\g<1>{FONT}"', xml)
    xml = xml.replace('name="Office Theme"', 'name="OPC urbain"', 1)
    theme._blob = xml.encode("utf-8")  # noqa: SLF001 - a theme part has no API for colours and fonts


def main(argv: list[str] | None = None) -> int:
    target = Path(argv[0]) if argv else HOUSE_TEMPLATE
    print(f"Écrit : {build_house_template(target)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))



