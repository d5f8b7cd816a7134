"""Readable decks (decks.md, « What the room must take away »): body ≥ 12 pt, tables ≥ 10 pt, text in a status
colour or on a status fill at a contrast of 4.5:1 at least, the title slide's title and subtitle aligned alike.

Every check reads the seven decks of the shipped master as a reviewer would see them: the size and colour of
each run, the fill behind it (table cell, shape, else the white slide), the alignment a paragraph inherits.
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.oxml.ns import qn

from opc_excel.cli.commands import DEMO_DECKS
from opc_excel.pipeline import check_file
from opc_excel.render.decks import build_deck
from opc_excel.render.decks.builder import DeckBuilder
from opc_excel.render.decks.look import (
    CELL_SIDE_MARGIN,
    DARK_BLUE,
    GREY,
    LIGHT,
    STATUS,
    STATUS_LIGHT,
    TEXT,
    WHITE,
    Cell,
    Column,
    contrast,
    text_width,
)

TODAY = date(2026, 1, 1)
MASTER = Path(__file__).resolve().parents[1] / "workbooks" / "perseigne_master.xlsx"
IDS = [f"{kind}-{theme}" if theme else kind for kind, theme in DEMO_DECKS]
FOOTER_NAMES = ("Pied de page", "Numéro de page")  # 10 pt: the footer is not body text
TABLE_FLOOR, BODY_FLOOR, CONTRAST_FLOOR = 10.0, 12.0, 4.5
DEFAULT_PT = 18.0  # a run with no size anywhere in its inheritance (ECMA-376 default)


@pytest.fixture(scope="module")
def decks() -> dict[tuple[str, str | None], object]:
    report = check_file(MASTER, at=None, today=TODAY)
    return {(kind, theme): Presentation(io.BytesIO(build_deck(report, kind, theme=theme)))
            for kind, theme in DEMO_DECKS}


# ------------------------------------------------------------ reading a slide as it shows


def _level(paragraph) -> int:
    ppr = paragraph.find(qn("a:pPr"))
    return int(ppr.get("lvl", "0")) if ppr is not None else 0


def _inherited(shape, paragraph, read):
    """Return ``read(lvlNpPr)`` from the shape's own list style, then its layout's and master's placeholder, then
    the master's title or body style: the first that says something."""
    name = f"a:lvl{_level(paragraph) + 1}pPr"
    styles = []
    own = shape._element.find(".//" + qn("a:lstStyle"))  # noqa: SLF001
    styles.append(own)
    if shape.is_placeholder:
        layout = shape.part.slide_layout
        idx = shape.placeholder_format.idx
        for owner in (layout, layout.slide_master):
            match = next((p for p in owner.placeholders if p.placeholder_format.idx == idx), None)
            if match is None and idx == 0:
                match = next((p for p in owner.placeholders if p.placeholder_format.type == 1), None)
            styles.append(match._element.find(".//" + qn("a:lstStyle")) if match is not None else None)  # noqa: SLF001
        master = layout.slide_master.element
        kind = "p:titleStyle" if idx == 0 else "p:bodyStyle"
        styles.append(master.find(f".//{qn(kind)}"))
    for style in styles:
        level = style.find(qn(name)) if style is not None else None
        if level is not None and (value := read(level)) is not None:
            return value
    return None


def run_size(shape, paragraph, run) -> float:
    """Return the size a run shows at, in points: its own, else the one its placeholder inherits."""
    rpr = run.find(qn("a:rPr"))
    if rpr is not None and rpr.get("sz"):
        return int(rpr.get("sz")) / 100

    def size(level):
        rpr = level.find(qn("a:defRPr"))
        return int(rpr.get("sz")) / 100 if rpr is not None and rpr.get("sz") else None
    return _inherited(shape, paragraph, size) or DEFAULT_PT


def alignment(shape, paragraph) -> str:
    """Return the alignment a paragraph shows with (``l``, ``ctr``, ``r``…), inherited when it sets none."""
    ppr = paragraph.find(qn("a:pPr"))
    if ppr is not None and ppr.get("algn"):
        return ppr.get("algn")
    return _inherited(shape, paragraph, lambda level: level.get("algn")) or "l"


def _srgb(element) -> str | None:
    fill = element.find(qn("a:solidFill")) if element is not None else None
    colour = fill.find(qn("a:srgbClr")) if fill is not None else None
    return colour.get("val").upper() if colour is not None else None


def coloured_runs(slide):
    """Yield (where, text colour, fill behind it) for every run with a colour of its own, on a shape or a cell."""
    for shape in slide.shapes:
        if shape.has_text_frame:
            behind = _srgb(shape._element.find(qn("p:spPr"))) or "FFFFFF"  # noqa: SLF001
            for run in shape.text_frame._txBody.iter(qn("a:r")):  # noqa: SLF001
                if colour := _srgb(run.find(qn("a:rPr"))):
                    yield f"{shape.name} « {run.findtext(qn('a:t'))} »", colour, behind
        if shape.has_table:
            for tc in shape.table._tbl.iter(qn("a:tc")):  # noqa: SLF001
                behind = _srgb(tc.find(qn("a:tcPr"))) or "FFFFFF"
                for run in tc.iter(qn("a:r")):
                    if colour := _srgb(run.find(qn("a:rPr"))):
                        yield f"tableau « {run.findtext(qn('a:t'))} »", colour, behind


def is_gantt(slide) -> bool:
    """The Gantt is drawn with connectors (year lines, the date de situation): no other slide has one."""
    return any(shape.shape_type == MSO_SHAPE_TYPE.LINE for shape in slide.shapes)


def small_runs(presentation) -> list[str]:
    """Return every run under its floor: table cells under 10 pt, body text under 12 pt (footer, charts and the
    Gantt drawing left out)."""
    small = []
    for number, slide in enumerate(presentation.slides, start=1):
        gantt = is_gantt(slide)
        for shape in slide.shapes:
            if shape.has_table:
                for tc in shape.table._tbl.iter(qn("a:tc")):  # noqa: SLF001
                    for paragraph in tc.iter(qn("a:p")):
                        for run in paragraph.iter(qn("a:r")):
                            if (size := run_size(shape, paragraph, run)) < TABLE_FLOOR:
                                small.append(f"diapositive {number}, tableau, {size} pt : {run.findtext(qn('a:t'))}")
            elif shape.has_text_frame and shape.name not in FOOTER_NAMES and not gantt:
                for paragraph in shape.text_frame._txBody.iter(qn("a:p")):  # noqa: SLF001
                    for run in paragraph.iter(qn("a:r")):
                        if (size := run_size(shape, paragraph, run)) < BODY_FLOOR:
                            small.append(f"diapositive {number}, {shape.name}, {size} pt : "
                                         f"{run.findtext(qn('a:t'))}")
    return small


# ------------------------------------------------------------ the rules


class DescribeContrast:
    def it_is_the_wcag_ratio(self):
        assert contrast(WHITE, WHITE) == pytest.approx(1.0)
        assert contrast("000000", "FFFFFF") == pytest.approx(21.0)
        assert contrast("777777", "FFFFFF") == pytest.approx(4.48, abs=0.01)  # the classic just-failing grey
        assert contrast(GREY, WHITE) == contrast(WHITE, GREY)

    @pytest.mark.parametrize("status", sorted(STATUS))
    def it_reaches_4_5_for_every_pair_a_deck_draws(self, status):
        pairs = {
            "valeur d'une tuile (couleur sur fond clair)": (STATUS[status], STATUS_LIGHT[status]),
            "statut sur fond blanc": (STATUS[status], WHITE),
            "en-tête de panneau (blanc sur couleur)": (WHITE, STATUS[status]),
            "cellule ou panneau de statut (texte sur fond clair)": (TEXT, STATUS_LIGHT[status]),
        }
        for what, (text, fill) in pairs.items():
            assert contrast(text, fill) >= CONTRAST_FLOOR, f"{status}, {what} : {contrast(text, fill):.2f}"

    def it_reaches_4_5_for_the_other_colours(self):
        for text, fill in ((GREY, WHITE), (GREY, LIGHT), (TEXT, LIGHT), (TEXT, WHITE), (WHITE, DARK_BLUE),
                           (DARK_BLUE, LIGHT)):
            assert contrast(text, fill) >= CONTRAST_FLOOR, (text, fill)


class DescribeEveryDeck:
    @pytest.mark.parametrize(("kind", "theme"), DEMO_DECKS, ids=IDS)
    def it_sets_tables_at_10_pt_and_body_text_at_12_pt_at_the_least(self, decks, kind, theme):
        small = small_runs(decks[(kind, theme)])
        assert not small, "\n".join(small[:20])

    @pytest.mark.parametrize(("kind", "theme"), DEMO_DECKS, ids=IDS)
    def it_draws_every_coloured_text_at_4_5_to_1_against_its_fill(self, decks, kind, theme):
        faint = [f"diapositive {number}, {where} : {colour} sur {behind} ({contrast(colour, behind):.2f})"
                 for number, slide in enumerate(decks[(kind, theme)].slides, start=1)
                 for where, colour, behind in coloured_runs(slide) if contrast(colour, behind) < CONTRAST_FLOOR]
        assert not faint, "\n".join(faint[:20])

    @pytest.mark.parametrize(("kind", "theme"), DEMO_DECKS, ids=IDS)
    def it_aligns_the_title_slides_title_and_subtitle_alike(self, decks, kind, theme):
        slide = decks[(kind, theme)].slides[0]
        title = slide.shapes.title
        subtitle = next(p for p in slide.placeholders if p.placeholder_format.idx == 1)
        aligns = {alignment(shape, paragraph) for shape in (title, subtitle)
                  for paragraph in shape.text_frame._txBody.iter(qn("a:p"))}  # noqa: SLF001
        assert len(aligns) == 1, aligns
        if aligns == {"l"}:  # left-aligned lines start at one edge
            assert subtitle.left == title.left
        assert subtitle.top >= title.top + title.height  # the subtitle under the title, not over it


class DescribeTheFloors:
    def it_never_draws_a_table_under_10_pt_whatever_a_deck_asks(self, tmp_path):
        builder = DeckBuilder("Projet", "Comité", "30/09/2011")
        rows = [[f"Ligne {n} — " + "un constat assez long pour remplir la cellule " * 2, "12/05/2011"]
                for n in range(60)]
        builder.table("Points durs", [Column("Constat", 5), Column("Échéance", 1)], rows, "Notes.", font_pt=9)
        presentation = Presentation(io.BytesIO(builder.save()))
        assert len(presentation.slides) > 1  # long enough to be tempted by one point smaller
        assert not small_runs(presentation)

    def it_keeps_a_header_word_whole_at_10_pt_by_widening_its_column(self):
        builder = DeckBuilder("Projet", "Comité", "30/09/2011")
        columns = [Column("Constat", 12), Column("Temporaires", 0.6), Column("Relogés", 0.6)]
        builder.table("Relogement", columns, [[Cell("Un constat"), "3", "5"]], "Notes.", font_pt=10)
        presentation = Presentation(io.BytesIO(builder.save()))
        table = next(s for s in presentation.slides[0].shapes if s.has_table).table
        assert not small_runs(presentation)
        for column, cell in zip(table.columns, table.rows[0].cells, strict=True):
            for word in cell.text.split():
                assert text_width(word, 10, bold=True) <= column.width - 2 * CELL_SIDE_MARGIN, word

    def it_keeps_panels_and_chart_comments_at_12_pt(self):
        builder = DeckBuilder("Projet", "Comité", "30/09/2011")
        long_lines = ["Une ligne de constat assez longue pour remplir le panneau, " * 3] * 12
        builder.panels("Relogement", [("Rouge", long_lines, "rouge"), ("Orange", long_lines, "orange"),
                                      ("Vert", long_lines, "vert")], "Notes.")
        builder.chart("Courbe", "line", ["2010", "2011"], {"Prévu": [10, 20]}, "Notes.",
                      comment="\n".join(long_lines))
        assert not small_runs(Presentation(io.BytesIO(builder.save())))
