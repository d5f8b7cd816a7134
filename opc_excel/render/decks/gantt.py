"""The Gantt slide, drawn with shapes: one bar per operation (or per famille when there are too many).

Each row: the forecast/actual bar, the convention baseline as a thin grey bar under it, the DAS
as a diamond; a vertical line marks the date de situation; late operations are red or orange.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from pptx.enum.shapes import MSO_CONNECTOR, MSO_SHAPE
from pptx.enum.text import PP_ALIGN
from pptx.util import Emu, Pt

from opc_excel.compute.schedule import is_abandoned
from opc_excel.fr import fr_date
from opc_excel.model import Alert, Level, Operation, Programme
from opc_excel.read import contract
from opc_excel.render.decks.builder import (
    BOTTOM,
    DARK_BLUE,
    GREY,
    HEIGHT,
    LEFT,
    LIGHT_GREY,
    STATUS,
    TEXT,
    TOP,
    WIDTH,
    DeckBuilder,
    text_lines,
)
from opc_excel.text import NAME_CAP, french, shorten

LABEL_WIDTH = Emu(2_900_000)
LEGEND_HEIGHT = Emu(330_000)
AXIS_HEIGHT = Emu(260_000)
MAX_ROW_HEIGHT = Emu(330_000)
MIN_ROW_HEIGHT = Emu(215_000)
ROWS_PER_SLIDE = int((HEIGHT - LEGEND_HEIGHT - AXIS_HEIGHT) / MIN_ROW_HEIGHT)
LABEL_PT = 9
CALENDAR_CODES = ("CAL-01", "CAL-02", "CAL-03", "CAL-04")


@dataclass(frozen=True, slots=True)
class GanttBar:
    label: str
    baseline: tuple[date, date] | None
    current: tuple[date, date] | None
    das: date | None
    status: str  # rouge / orange / vert


def _span(start: date | None, end: date | None) -> tuple[date, date] | None:
    return (start, end) if start and end and start <= end else None


def _status(alerts: Sequence[Alert]) -> str:
    if any(a.severity is Level.ROUGE for a in alerts):
        return "rouge"
    return "orange" if alerts else "vert"


def operation_bar(op: Operation, alerts: Sequence[Alert]) -> GanttBar:
    """Return the bar of one operation: baseline from the convention dates, current from actual/forecast."""
    start, delivery, das = (op.milestone(contract.WORKS_START), op.milestone(contract.DELIVERY),
                            op.milestone(contract.DAS))
    baseline = _span(start.convention if start else None, delivery.convention if delivery else None)
    current = _span(start.expected if start else None, delivery.expected if delivery else None)
    return GanttBar(f"{op.id} — {shorten(op.label or '', NAME_CAP)}", baseline, current,
                    das.expected if das else None, _status(alerts))


def gantt_bars(programme: Programme, alerts: Sequence[Alert], by_famille: bool) -> list[GanttBar]:
    """Return the bars: one per operation with dates, or one per famille (earliest start → latest delivery)."""
    calendar = {}
    for alert in alerts:
        if alert.code in CALENDAR_CODES and alert.operation_id:
            calendar.setdefault(alert.operation_id, []).append(alert)
    bars = [(op, operation_bar(op, calendar.get(op.id, ()))) for op in programme.operations if not is_abandoned(op)]
    bars = [(op, bar) for op, bar in bars if bar.current or bar.baseline]
    if not by_famille:
        return [bar for _, bar in bars]
    grouped: dict[str, list[tuple[Operation, GanttBar]]] = {}
    for op, bar in bars:
        grouped.setdefault(op.famille or "Famille non renseignée", []).append((op, bar))
    order = list(programme.lists.get(contract.FAMILLES, ())) + sorted(grouped)
    result = []
    for famille in dict.fromkeys(f for f in order if f in grouped):
        members = [bar for _, bar in grouped[famille]]
        statuses = [bar.status for bar in members]
        status = "rouge" if "rouge" in statuses else "orange" if "orange" in statuses else "vert"
        result.append(GanttBar(f"{famille} ({len(members)})", _union(b.baseline for b in members),
                               _union(b.current for b in members), None, status))
    return result


def _union(spans) -> tuple[date, date] | None:
    spans = [s for s in spans if s]
    return (min(s[0] for s in spans), max(s[1] for s in spans)) if spans else None


def draw_gantt(builder: DeckBuilder, title: str, bars: Sequence[GanttBar], at: date, notes: str) -> int:
    """Add the Gantt on as many slides as it needs; return how many."""
    spans = [s for bar in bars for s in (bar.baseline, bar.current) if s]
    if not spans:
        builder.bullets(title, [], notes, empty="Aucune opération n'a de dates de travaux à représenter.")
        return 1
    first = date(min(min(s[0] for s in spans), at).year, 1, 1)
    last = date(max(max(s[1] for s in spans), at).year, 12, 31)
    pages = [bars[i:i + ROWS_PER_SLIDE] for i in range(0, len(bars), ROWS_PER_SLIDE)]
    for number, page in enumerate(pages):
        slide = builder.blank(title if number == 0 else f"{title} (suite)", notes)
        _draw_page(slide, page, first, last, at)
    return len(pages)


def _draw_page(slide, bars: Sequence[GanttBar], first: date, last: date, at: date) -> None:
    shapes = slide.shapes
    chart_left = LEFT + LABEL_WIDTH
    chart_width = WIDTH - LABEL_WIDTH
    days = (last - first).days

    def x(day: date) -> int:
        return int(chart_left + chart_width * (day - first).days / days)

    rows_top = TOP + AXIS_HEIGHT
    row_height = min(MAX_ROW_HEIGHT, int((BOTTOM - LEGEND_HEIGHT - rows_top) / max(len(bars), 1)))
    rows_bottom = rows_top + row_height * len(bars)
    for year in range(first.year, last.year + 1):  # year grid and labels
        left = x(date(year, 1, 1))
        right = x(date(year, 12, 31))
        label = shapes.add_textbox(left, TOP, right - left, AXIS_HEIGHT)
        label.text_frame.text = str(year)
        _style(label, 10, DARK_BLUE, bold=True, align=PP_ALIGN.CENTER)
        line = shapes.add_connector(MSO_CONNECTOR.STRAIGHT, left, rows_top, left, rows_bottom)
        line.line.color.rgb = LIGHT_GREY
        line.line.width = Pt(0.5)
    for index, bar in enumerate(bars):
        top = rows_top + index * row_height
        label = shapes.add_textbox(LEFT, top, LABEL_WIDTH, row_height)
        label.text_frame.word_wrap = False
        label.text_frame.text = _clip(french(bar.label), LABEL_WIDTH, LABEL_PT)
        _style(label, LABEL_PT, TEXT)
        label.text_frame.margin_top = label.text_frame.margin_bottom = 0
        if bar.baseline:
            base = shapes.add_shape(MSO_SHAPE.RECTANGLE, x(bar.baseline[0]), int(top + row_height * 0.68),
                                    max(x(bar.baseline[1]) - x(bar.baseline[0]), Emu(12_700)),
                                    int(row_height * 0.14))
            _fill(base, LIGHT_GREY)
        if bar.current:
            current = shapes.add_shape(MSO_SHAPE.RECTANGLE, x(bar.current[0]), int(top + row_height * 0.2),
                                       max(x(bar.current[1]) - x(bar.current[0]), Emu(12_700)),
                                       int(row_height * 0.42))
            _fill(current, STATUS[bar.status])
        if bar.das:
            size = int(row_height * 0.4)
            mark = shapes.add_shape(MSO_SHAPE.DIAMOND, x(bar.das) - size // 2, int(top + row_height * 0.2), size, size)
            _fill(mark, DARK_BLUE)
    today = shapes.add_connector(MSO_CONNECTOR.STRAIGHT, x(at), rows_top - Emu(60_000), x(at), rows_bottom)
    today.line.color.rgb = STATUS["rouge"]
    today.line.width = Pt(1.5)
    today.line.dash_style = 4  # dash
    legend = shapes.add_textbox(LEFT, BOTTOM - LEGEND_HEIGHT + Emu(40_000), WIDTH, LEGEND_HEIGHT)
    legend.text_frame.text = french(f"Barre : dates prévisionnelles ou réelles (vert : à l'heure, orange / rouge : "
                                    f"en retard) · trait gris : dates de la convention · ◆ : DAS · ligne rouge : "
                                    f"situation au {fr_date(at)}")
    _style(legend, 9, GREY)


def _clip(text: str, width: int, size: float) -> str:
    """Return the label cut with « … » so that it holds on one line.

    The longest start that still fits is found by halving, not by dropping one character at a time:
    each try measures the whole start, and a 30 000-character libellé took minutes that way.
    """
    room = width - Emu(182_880)
    if text_lines(text, room, size) <= 1:
        return text
    low, high = 4, len(text)  # the cut keeps at least 4 characters, as many as fit with « … »
    while low < high:
        middle = (low + high + 1) // 2
        if text_lines(text[:middle] + "…", room, size) <= 1:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + "…"


def _fill(shape, colour) -> None:
    shape.fill.solid()
    shape.fill.fore_color.rgb = colour
    shape.line.fill.background()
    shape.shadow.inherit = False


def _style(box, size: float, colour, bold: bool = False, align=None) -> None:
    for paragraph in box.text_frame.paragraphs:
        if align is not None:
            paragraph.alignment = align
        for run in paragraph.runs:
            run.font.size = Pt(size)
            run.font.color.rgb = colour
            run.font.bold = bold


