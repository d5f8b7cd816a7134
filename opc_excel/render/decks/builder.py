"""Slide builders shared by the five decks: title, bullets, paginated tables, native charts, KPI tiles.

Every slide gets the footer (project · deck kind · situation au JJ/MM/AAAA · page) and speaker
notes. Text sizes are measured, not hoped for: tables continue on the next slide with the header
repeated and « (suite) » in the title, never splitting a row; bullet lists shrink, then continue.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.util import Emu, Pt

from opc_excel.cancel import checkpoint
from opc_excel.render.decks.look import (
    BODY_MIN_PT,
    BOTTOM,
    CELL_MARGIN,
    CELL_SIDE_MARGIN,
    DARK_BLUE,
    EMU_PER_PT,
    FOOTER_PROJECT_CAP,
    FOOTER_TOP,
    GREY,
    HEIGHT,
    LEFT,
    LIGHT,
    LIGHT_GREY,
    SERIES_COLOURS,
    STATUS,
    STATUS_LIGHT,
    TABLE_MIN_PT,
    TEXT,
    TOP,
    WHITE,
    WIDTH,
    Cell,
    Column,
    text_height,
    text_lines,
)
from opc_excel.render.decks.pptx_parts import TextOnlyChartData, count_partnames, semester_ticks
from opc_excel.render.decks.tables import bullet_pages, draw_table, fit_widths, paginate
from opc_excel.render.decks.template import CHART, CONTENT, SECTION, TABLE, TITLE, TemplateError, house_template
from opc_excel.render.decks.template import check_template as _check_template
from opc_excel.text import CATEGORY_CAP, NAME_CAP, NOTES_CAP, TEXT_CAP, TITLE_CAP, french, shorten


def say(text: str, cap: int) -> str:
    """Return ``text`` as a slide shows it: capped at ``cap`` characters, in French typography (:func:`french`)."""
    return french(shorten(text, cap))


@dataclass
class DeckBuilder:
    """Build one deck on a template: slides in order, then :meth:`save` adds footers and page numbers."""

    project: str
    kind_label: str
    situation: str  # JJ/MM/AAAA
    template: Path = field(default_factory=house_template)
    table_font_pt: float = 10.0
    presentation: object = field(init=False)

    def __post_init__(self) -> None:
        check = _check_template(self.template)
        if not check.ok:
            raise TemplateError(f"Le modèle « {Path(self.template).name} » ne peut pas servir : "
                                + " ".join(check.missing))
        self.presentation = Presentation(str(self.template))
        for slide_id in list(self.presentation.slides._sldIdLst):  # noqa: SLF001 - a template's own slides go
            self.presentation.part.drop_rel(slide_id.rId)
            self.presentation.slides._sldIdLst.remove(slide_id)  # noqa: SLF001
        self.layouts = {layout.name: layout for layout in self.presentation.slide_layouts}
        count_partnames(self.presentation.part.package)

    # ------------------------------------------------------------ slides

    def _slide(self, layout: str, title: str, notes: str):
        checkpoint()  # a deck for a caller who gave up stops here (opc_excel.cancel)
        slide = self.presentation.slides.add_slide(self.layouts[layout])
        title = say(title, TITLE_CAP)
        slide.shapes.title.text = title
        self._fit_title(slide.shapes.title, title)
        slide.notes_slide.notes_text_frame.text = say(notes, NOTES_CAP)
        for placeholder in list(slide.placeholders):  # content goes in shapes of ours: empty prompts would show
            if placeholder.placeholder_format.idx != 0:
                placeholder._element.getparent().remove(placeholder._element)  # noqa: SLF001
        return slide

    def _fit_title(self, shape, title: str) -> None:
        """Shrink the title until it holds on one line (18 pt at the least, then it wraps)."""
        size = 28.0
        while size > 18 and text_lines(title, shape.width - 2 * CELL_SIDE_MARGIN, size, bold=True) > 1:
            size -= 1
        for paragraph in shape.text_frame.paragraphs:
            for run in paragraph.runs:
                run.font.size = Pt(size)

    def title_slide(self, title: str, lines: Sequence[str], notes: str) -> None:
        checkpoint()  # a deck for a caller who gave up stops here (opc_excel.cancel)
        slide = self.presentation.slides.add_slide(self.layouts[TITLE])
        title = say(title, TITLE_CAP)
        slide.shapes.title.text = title
        self._fit_title(slide.shapes.title, title)
        subtitle = next(p for p in slide.placeholders if p.placeholder_format.idx == 1)
        subtitle.text_frame.text = "\n".join(say(line, TITLE_CAP) for line in lines)
        head = slide.shapes.title  # one block: both left-aligned from one edge (the layout centres the subtitle)
        box = head.left, subtitle.top, head.width, subtitle.height  # set together: one alone zeroes the others
        subtitle.left, subtitle.top, subtitle.width, subtitle.height = box
        for paragraph in (*head.text_frame.paragraphs, *subtitle.text_frame.paragraphs):
            paragraph.alignment = PP_ALIGN.LEFT
        for paragraph in subtitle.text_frame.paragraphs:
            for run in paragraph.runs:
                run.font.size = Pt(16)
                run.font.color.rgb = GREY
        slide.notes_slide.notes_text_frame.text = say(notes, NOTES_CAP)

    def section(self, title: str, text: str, notes: str) -> None:
        checkpoint()  # a deck for a caller who gave up stops here (opc_excel.cancel)
        slide = self.presentation.slides.add_slide(self.layouts[SECTION])
        slide.shapes.title.text = say(title, TITLE_CAP)
        body = next(p for p in slide.placeholders if p.placeholder_format.idx == 1)
        body.text_frame.text = say(text, TEXT_CAP)
        slide.notes_slide.notes_text_frame.text = say(notes, NOTES_CAP)

    def bullets(self, title: str, items: Sequence[str | tuple[int, str]], notes: str,
                empty: str = "Rien à signaler.") -> None:
        """Add a bullet list: the font shrinks to 14 pt at most, then the list continues on a new slide."""
        entries = [(0, i) if isinstance(i, str) else i for i in items] or [(0, empty)]
        entries = [(level, say(text, TEXT_CAP)) for level, text in entries]
        for page, chunk in enumerate(bullet_pages(entries)):
            slide = self._slide(TABLE, title if page == 0 else f"{title} (suite)", notes)
            size = chunk[1]
            box = slide.shapes.add_textbox(LEFT, TOP, WIDTH, HEIGHT)
            frame = box.text_frame
            frame.word_wrap = True
            for index, (level, text) in enumerate(chunk[0]):
                paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
                paragraph.text = ("• " if level == 0 else "– ") + text
                paragraph.level = level
                paragraph.space_after = Pt(size * 0.4)
                for run in paragraph.runs:
                    run.font.size = Pt(size - 2 * level)
                    run.font.color.rgb = TEXT

    def table(self, title: str, columns: Sequence[Column], rows: Sequence[Sequence[Cell | str]], notes: str,
              empty: str = "Aucune ligne à présenter.", top: int = TOP, font_pt: float | None = None) -> int:
        """Add a table, continued on as many slides as it needs; return the number of slides used.

        Set at ``font_pt`` (else the deck's size) but never under 10 pt (:data:`TABLE_MIN_PT`), whatever a deck
        asks, nor when one point smaller saves a slide; columns widened to hold a word whole (:func:`fit_widths`).
        """
        cells = [[Cell(say(c.text, TEXT_CAP), c.status, c.bold) if isinstance(c, Cell)
                  else Cell(say(str(c), TEXT_CAP)) for c in row] for row in rows]
        columns = [replace(c, header=french(c.header)) for c in columns]
        total = sum(c.weight for c in columns)
        widths = [int(WIDTH * c.weight / total) for c in columns]
        if not cells:
            slide = self._slide(TABLE, title, notes)
            self._note(slide, empty, top)
            return 1
        size = max(font_pt or self.table_font_pt, TABLE_MIN_PT)
        fitted = fit_widths(columns, widths, cells, size)
        pages, header_height = paginate(columns, fitted, cells, size, BOTTOM - top)
        if len(pages) > 1 and size - 1 >= TABLE_MIN_PT:  # one point smaller when it saves a slide
            narrower = fit_widths(columns, widths, cells, size - 1)
            smaller = paginate(columns, narrower, cells, size - 1, BOTTOM - top)
            if len(smaller[0]) < len(pages):
                size, fitted, (pages, header_height) = size - 1, narrower, smaller
        for number, page in enumerate(pages):
            slide = self._slide(TABLE, title if number == 0 else f"{title} (suite)", notes)
            draw_table(slide, columns, fitted, page, header_height, size, top)
        return len(pages)

    def _note(self, slide, text: str, top: int = TOP) -> None:
        box = slide.shapes.add_textbox(LEFT, top, WIDTH, Emu(600_000))
        box.text_frame.word_wrap = True
        box.text_frame.text = say(text, TEXT_CAP)
        for run in box.text_frame.paragraphs[0].runs:
            run.font.size = Pt(16)
            run.font.italic = True
            run.font.color.rgb = GREY

    def chart(self, title: str, chart_type: str, categories: Sequence[str], series: dict[str, Sequence[float | None]],
              notes: str, comment: str = "", number_format: str = '0" %"', maximum: float | None = None) -> None:
        """Add a native, editable chart (``line`` or ``bar``) with a comment beside it.

        The comment shrinks from 16 pt to 12 pt (:data:`BODY_MIN_PT`) to fit, then its last lines give way to « … ».
        """
        slide = self._slide(CHART, title, notes)
        data = TextOnlyChartData(number_format=number_format)
        data.categories = [say(c, CATEGORY_CAP) if isinstance(c, str) else c for c in categories]
        if data.categories.are_dates:  # a time axis: points spaced by their dates, labelled month/year
            data.categories.number_format = "mm/yyyy"
        for name, values in series.items():
            data.add_series(say(name, CATEGORY_CAP), list(values))
        kind = {"line": XL_CHART_TYPE.LINE_MARKERS, "bar": XL_CHART_TYPE.BAR_CLUSTERED,
                "column": XL_CHART_TYPE.COLUMN_CLUSTERED}[chart_type]
        area = next(p for p in self.layouts[CHART].placeholders if p.placeholder_format.idx == 1)
        frame = slide.shapes.add_chart(kind, area.left, TOP, area.width, HEIGHT, data)
        chart = frame.chart
        chart.has_title = False  # the slide title says it; one series would otherwise be repeated as a title
        chart.has_legend = len(series) > 1
        if chart.has_legend:
            chart.legend.position = XL_LEGEND_POSITION.BOTTOM
            chart.legend.include_in_layout = False
            chart.legend.font.size = Pt(11)
        chart.font.size = Pt(11)
        chart.font.name = "Arial"
        value_axis = chart.value_axis
        value_axis.has_major_gridlines = True
        value_axis.major_gridlines.format.line.color.rgb = LIGHT_GREY
        value_axis.tick_labels.number_format = number_format
        value_axis.tick_labels.number_format_is_linked = False
        if maximum is not None:
            value_axis.maximum_scale = maximum
        value_axis.minimum_scale = 0
        for index, plot_series in enumerate(chart.plots[0].series):
            colour = SERIES_COLOURS[index % len(SERIES_COLOURS)]
            if chart_type == "line":
                plot_series.format.line.color.rgb = colour
                plot_series.format.line.width = Pt(2.25)
                plot_series.marker.format.fill.solid()
                plot_series.marker.format.fill.fore_color.rgb = colour
                plot_series.smooth = False
            else:
                plot_series.format.fill.solid()
                plot_series.format.fill.fore_color.rgb = colour
        if data.categories.are_dates:
            semester_ticks(chart)
        if chart_type == "bar":
            chart.category_axis.reverse_order = True  # first category at the top, as in the tables
        caption = next(p for p in self.layouts[CHART].placeholders if p.placeholder_format.idx == 2)
        lines, room = [say(line, TEXT_CAP) for line in comment.split("\n")] if comment else [], caption.width

        def tall(size: float) -> int:
            return text_height("\n".join(lines), room - 2 * CELL_SIDE_MARGIN, size) + len(lines) * 8 * EMU_PER_PT
        size = 16.0
        while size > BODY_MIN_PT and tall(size) > HEIGHT:
            size -= 1
        while len(lines) > 1 and tall(size) > HEIGHT:  # still too long at 12 pt: the last lines give way to « … »
            lines[-2:] = ["…"]
        if lines:
            box = slide.shapes.add_textbox(caption.left, TOP, caption.width, HEIGHT)
            box.text_frame.word_wrap = True
            for index, line in enumerate(lines):
                paragraph = box.text_frame.paragraphs[0] if index == 0 else box.text_frame.add_paragraph()
                paragraph.text = line
                paragraph.space_after = Pt(8)
                for run in paragraph.runs:
                    run.font.size = Pt(size)
                    run.font.color.rgb = TEXT

    def kpis(self, title: str, tiles: Sequence[tuple[str, str, str | None]], notes: str,
             comment: str = "") -> None:
        """Add a slide of KPI tiles: (label, value, status colour or None), four to a row."""
        slide = self._slide(TABLE, title, notes)
        per_row = 4
        gap = Emu(150_000)
        rows = math.ceil(len(tiles) / per_row)
        tile_width = int((WIDTH - gap * (per_row - 1)) / per_row)
        tile_height = min(Emu(1_350_000), int((HEIGHT - Emu(700_000) - gap * (rows - 1)) / max(rows, 1)))
        for index, (label, value, status) in enumerate(tiles):
            label, value = say(label, NAME_CAP), say(value, NAME_CAP)
            row, col = divmod(index, per_row)
            left = LEFT + col * (tile_width + gap)
            top = TOP + row * (tile_height + gap)
            tile = slide.shapes.add_shape(1, left, top, tile_width, tile_height)  # 1 = rectangle
            tile.fill.solid()
            tile.fill.fore_color.rgb = STATUS_LIGHT.get(status, LIGHT) if status else LIGHT
            tile.line.color.rgb = STATUS.get(status, LIGHT_GREY) if status else LIGHT_GREY
            frame = tile.text_frame
            frame.word_wrap = True
            frame.text = value
            frame.paragraphs[0].alignment = PP_ALIGN.CENTER
            for run in frame.paragraphs[0].runs:
                run.font.size = Pt(26)
                run.font.bold = True
                run.font.color.rgb = STATUS.get(status, DARK_BLUE) if status else DARK_BLUE
            caption = frame.add_paragraph()
            caption.text = label
            caption.alignment = PP_ALIGN.CENTER
            for run in caption.runs:
                run.font.size = Pt(12)
                run.font.color.rgb = TEXT
        if comment:
            self._note(slide, comment, TOP + rows * (tile_height + gap))

    def blank(self, title: str, notes: str):
        """Return a slide with only its title, for drawings (the Gantt)."""
        return self._slide(TABLE, title, notes)

    def content(self, title: str, notes: str):
        return self._slide(CONTENT, title, notes)

    def panels(self, title: str, panels: Sequence[tuple[str, Sequence[str], str | None]], notes: str,
               empty: str = "Rien à signaler.") -> None:
        """Add a slide of side-by-side panels: (heading, bullet lines, status colour or None) each.

        Each panel has a coloured heading band (the status colour, else dark blue) over a light box of
        bullets. One font size for all panels, from 16 pt down to 12 pt (:data:`BODY_MIN_PT`) until every
        panel fits; a panel still too long at 12 pt loses its last lines, replaced by « … ».
        """
        slide = self._slide(TABLE, title, notes)
        count = max(len(panels), 1)
        gap, band = Emu(200_000), Emu(480_000)
        width = int((WIDTH - gap * (count - 1)) / count)
        inner = width - 2 * CELL_SIDE_MARGIN - Emu(100_000)
        body_height = HEIGHT - band - 2 * CELL_MARGIN - Emu(100_000)

        def height(line: str, size: float) -> int:
            return text_height("• " + line, inner, size) + int(size * 0.5 * EMU_PER_PT)

        empty = say(empty, TEXT_CAP)
        contents = [[say(line, TEXT_CAP) for line in lines] or [empty] for _, lines, _ in panels]
        size = 16.0
        while size > BODY_MIN_PT and any(sum(height(line, size) for line in lines) > body_height
                                         for lines in contents):
            size -= 1
        for lines in contents:
            used = sum(height(line, size) for line in lines)
            while len(lines) > 1 and used > body_height:  # the last lines give way to « … »
                used -= sum(height(line, size) for line in lines[-2:]) - height("…", size)
                lines[-2:] = ["…"]
        for index, ((heading, _, status), lines) in enumerate(zip(panels, contents, strict=True)):
            left = LEFT + index * (width + gap)
            head = slide.shapes.add_shape(1, left, TOP, width, band)  # 1 = rectangle
            head.fill.solid()
            head.fill.fore_color.rgb = STATUS.get(status, DARK_BLUE) if status else DARK_BLUE
            head.line.fill.background()
            head.shadow.inherit = False
            head.text_frame.word_wrap = True
            head.text_frame.text = say(heading, NAME_CAP)
            for run in head.text_frame.paragraphs[0].runs:
                run.font.size = Pt(16)
                run.font.bold = True
                run.font.color.rgb = WHITE
            box = slide.shapes.add_shape(1, left, TOP + band, width, HEIGHT - band)
            box.fill.solid()
            box.fill.fore_color.rgb = STATUS_LIGHT.get(status, LIGHT) if status else LIGHT
            box.line.fill.background()
            box.shadow.inherit = False
            frame = box.text_frame
            frame.word_wrap = True
            frame.vertical_anchor = MSO_ANCHOR.TOP
            for number, line in enumerate(lines):
                paragraph = frame.paragraphs[0] if number == 0 else frame.add_paragraph()
                paragraph.text = line if line == "…" or lines == [empty] else "• " + line
                paragraph.alignment = PP_ALIGN.LEFT
                paragraph.space_after = Pt(size * 0.5)
                for run in paragraph.runs:
                    run.font.size = Pt(size)
                    run.font.color.rgb = TEXT

    # ------------------------------------------------------------ output

    def save(self) -> bytes:
        """Return the deck as .pptx bytes, every slide with its footer and page number."""
        slides = list(self.presentation.slides)
        footer = french(f"{shorten(self.project, FOOTER_PROJECT_CAP)} · {self.kind_label} · "
                        f"situation au {self.situation}")
        for number, slide in enumerate(slides, start=1):
            box = slide.shapes.add_textbox(LEFT, FOOTER_TOP, Emu(WIDTH - 1_000_000), Emu(300_000))
            box.name = "Pied de page"
            box.text_frame.text = footer
            box.text_frame.paragraphs[0].alignment = PP_ALIGN.LEFT
            page = slide.shapes.add_textbox(Emu(LEFT + WIDTH - 1_000_000), FOOTER_TOP, Emu(1_000_000),
                                            Emu(300_000))
            page.name = "Numéro de page"
            page.text_frame.text = f"{number} / {len(slides)}"
            page.text_frame.paragraphs[0].alignment = PP_ALIGN.RIGHT
            for shape in (box, page):
                shape.text_frame.word_wrap = True  # unwrapped, LibreOffice shrinks the box about its centre
                for run in shape.text_frame.paragraphs[0].runs:
                    run.font.size = Pt(10)
                    run.font.color.rgb = GREY
        buffer = io.BytesIO()
        self.presentation.save(buffer)
        return buffer.getvalue()
