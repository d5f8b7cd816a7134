"""The Gantt slides, drawn with shapes: one row per operation, lateness against the contractual date made visible.

Each row: the operation's bar from works start to delivery (actual, else forecast, else baseline), the
baseline (avenant, else convention) as a thin grey bar under it, the DAS as a diamond (filled once obtained);
the part of the bar beyond the baseline delivery is orange or red and the row ends with « +8 mois ».
Vertical lines mark the date de situation and the end of the convention.

Colour means lateness, nothing else: red once the delivery is *Seuil retard rouge* months or more after
its baseline, orange from *Seuil retard orange*, neutral blue below. A stale forecast (a start or a
delivery forecast in the past with no actual date) is never on time: the delivery is taken as the date de
situation at the earliest, the row is orange at least and says « prévision échue ».

Which rows: every operation (abandoned ones left out) when there are 25 or fewer; else one slide per
famille when the familles are at most three of at most 25 operations; else the 25 largest lateness
first on one slide, the title and the legend saying how many others are late and on time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_CONNECTOR, MSO_SHAPE
from pptx.enum.text import MSO_AUTO_SIZE, PP_ALIGN
from pptx.util import Emu, Pt

from opc_excel.compute.schedule import (
    add_months,
    delivered,
    is_abandoned,
    passed_unreached,
    whole_months,
    works_started,
)
from opc_excel.fr import fr_date, fr_number
from opc_excel.model import Milestone, Operation, Params, Programme
from opc_excel.read import contract
from opc_excel.render.decks.builder import DeckBuilder
from opc_excel.render.decks.look import (
    BLUE,
    DARK_BLUE,
    HEIGHT,
    LEFT,
    LIGHT_GREY,
    STATUS,
    TEXT,
    TOP,
    WIDTH,
    text_lines,
)
from opc_excel.text import NAME_CAP, french, shorten

MAX_ROWS = 25  # rows on one slide: one bar per operation up to this many
MAX_SLIDES = 3  # Gantt slides at most (one per famille); beyond, the late operations first
LABEL_WIDTH = Emu(2_700_000)
LATE_WIDTH = Emu(1_700_000)  # the right column: « +8 mois, prévision échue »
AXIS_HEIGHT = Emu(230_000)
MARKS_HEIGHT = Emu(200_000)  # under the rows: the labels of the two vertical lines
LEGEND_HEIGHT = Emu(350_000)  # two lines at 10 pt
ROW_AREA = HEIGHT - AXIS_HEIGHT - MARKS_HEIGHT - LEGEND_HEIGHT
MAX_ROW_HEIGHT = Emu(330_000)
LABEL_PT = 10
ROWS_PER_SLIDE = MAX_ROWS
BASELINE_GREY = RGBColor(0x8C, 0x8C, 0x8C)
LEGEND_TEXT = RGBColor(0x59, 0x59, 0x59)  # 7:1 on white
FILL = {"rouge": STATUS["rouge"], "orange": STATUS["orange"], "bleu": BLUE}
LIGHT_BLUE = RGBColor(0x9D, 0xC3, 0xE6)  # lateness under the orange threshold: visible, not alarming
# Text in a status colour, each at least 4.5:1 against the white slide (the bar orange is 2.8:1: not for text).
TEXT_COLOUR = {"rouge": RGBColor(0xC0, 0x00, 0x00), "orange": RGBColor(0xB5, 0x4D, 0x00), "bleu": TEXT}
DASH = 4  # MSO_LINE_DASH_STYLE.DASH


@dataclass(frozen=True, slots=True)
class GanttBar:
    """One row: dates as drawn and how late the delivery is against its baseline."""

    operation_id: str
    label: str
    famille: str
    baseline: tuple[date, date] | None  # works start → delivery, avenant else convention dates
    current: tuple[date, date] | None  # works start → delivery, actual else forecast else baseline
    das: date | None
    das_obtained: bool
    late_months: int  # whole months the delivery comes after its baseline (0: on time or unknown)
    stale: bool  # a forecast passed with nothing actual
    done: bool  # delivered at the date de situation
    status: str  # rouge / orange / bleu

    @property
    def late(self) -> bool:
        return self.late_months >= 1

    @property
    def late_ahead(self) -> bool:
        """Return True when the delivery still to come is late on its baseline."""
        return self.late and not self.done


def _span(start: date | None, end: date | None) -> tuple[date, date] | None:
    return (start, end) if start and end and start <= end else None


def _passed(milestone: Milestone | None, at: date) -> bool:
    """Return True when the milestone has no actual date and its forecast (else baseline) is before ``at``."""
    return passed_unreached(milestone, at) is not None


def operation_bar(op: Operation, at: date, params: Params) -> GanttBar:
    """Return the row of one operation.

    Lateness is the delivery's glissement (the figure of « Livraisons en glissement »): whole months
    from the baseline delivery (avenant, else convention) to the actual one, else the forecast; the
    thresholds are reached on their day, as in CAL-02. A start or delivery forecast passed with nothing
    actual is stale: orange at least, late until the date de situation (as CAL-02 and the slips measure it),
    and the bar runs on, outlined, to it.
    """
    start, delivery, das = (op.milestone(contract.WORKS_START), op.milestone(contract.DELIVERY),
                            op.milestone(contract.DAS))
    done = delivered(op, at)
    stale = (not done and _passed(delivery, at)) or (not done and not works_started(op, at) and _passed(start, at))
    base_end = delivery.baseline if delivery else None
    end = delivery.expected if delivery else None
    late_end = max(end, at) if end and not done else end  # a delivery still to come is late at least until t
    status, late_months = "bleu", 0
    if base_end and late_end and late_end > base_end:
        late_months = max(whole_months(base_end, late_end), 0)
        if late_end >= add_months(base_end, params.delay_red_months):
            status = "rouge"
        elif late_end >= add_months(base_end, params.delay_orange_months):
            status = "orange"
    if status == "bleu" and stale:
        status = "orange"
    return GanttBar(op.id, f"{op.id} — {shorten(op.label or '', NAME_CAP)}", op.famille or "Famille non renseignée",
                    _span(start.baseline if start else None, base_end), _span(start.expected if start else None, end),
                    das.expected if das else None, bool(das and das.actual and das.actual <= at),
                    late_months, stale, done, status)


def gantt_bars(programme: Programme, at: date) -> list[GanttBar]:
    """Return the rows of every operation not abandoned that has dates to draw, in the workbook's order."""
    bars = (operation_bar(op, at, programme.params) for op in programme.operations if not is_abandoned(op))
    return [bar for bar in bars if bar.current or bar.baseline]


def _by_lateness(bars: Sequence[GanttBar]) -> list[GanttBar]:
    """Return the rows the room must see first: deliveries to come, most late first, stale ones next."""
    return sorted(bars, key=lambda b: (b.done, -b.late_months, not b.stale))


def gantt_pages(programme: Programme, at: date) -> list[tuple[str | None, list[GanttBar]]]:
    """Return the slides to draw: (famille or None, rows), by the rule of the module docstring."""
    bars = gantt_bars(programme, at)
    if len(bars) <= MAX_ROWS:
        return [(None, bars)]
    grouped: dict[str, list[GanttBar]] = {}
    for bar in bars:
        grouped.setdefault(bar.famille, []).append(bar)
    if len(grouped) <= MAX_SLIDES and all(len(rows) <= MAX_ROWS for rows in grouped.values()):
        order = [f for f in dict.fromkeys([*programme.lists.get(contract.FAMILLES, ()), *sorted(grouped)])
                 if f in grouped]
        return [(famille, grouped[famille]) for famille in order]
    return [(None, _by_lateness(bars)[:MAX_ROWS])]


def _plural(n: int, word: str) -> str:
    return f"{fr_number(n)} {word}{'s' if n > 1 else ''}"


def finding(bars: Sequence[GanttBar], params: Params) -> str:
    """Return the title: the deliveries to come later than their contractual date, those by the red
    threshold among them, and the stale forecasts."""
    late = [b for b in bars if b.late_ahead]
    red = sum(b.status == "rouge" for b in late)
    stale = sum(b.stale for b in bars)
    if not late:
        text = "Aucune livraison prévue après la date contractuelle"
    else:
        text = (f"{_plural(len(late), 'livraison')} sur {fr_number(len(bars))} "
                f"{'prévues' if len(late) > 1 else 'prévue'} après la date contractuelle")
        if red:
            text += f", dont {fr_number(red)} de {fr_number(params.delay_red_months)} mois ou plus"
    if stale:
        text += f" ; {_plural(stale, 'prévision')} {'échues' if stale > 1 else 'échue'}"
    return text


def _counts(shown: Sequence[GanttBar], everything: Sequence[GanttBar]) -> str:
    """Return what the slide leaves out when it shows only the most late: how many late, delivered, on time."""
    ids = {b.operation_id for b in shown}
    rest = [b for b in everything if b.operation_id not in ids]
    late = sum(b.late_ahead or (b.stale and not b.done) for b in rest)
    done_late = sum(b.done and b.late for b in rest)
    on_time = len(rest) - late - done_late
    return (f"Présentées : les {fr_number(len(shown))} livraisons les plus en retard sur "
            f"{_plural(len(everything), 'opération')} ; non présentées : {_plural(late, 'autre')} en retard, "
            f"{_plural(done_late, 'livrée')} en retard, {fr_number(on_time)} à l'heure (feuille Jalons). ")


def draw_gantt(builder: DeckBuilder, programme: Programme, at: date, notes: str = "") -> int:
    """Add the Gantt slides of the programme (at most :data:`MAX_SLIDES`); return how many."""
    params = programme.params
    everything = gantt_bars(programme, at)
    pages = gantt_pages(programme, at)
    rule = (f"Retard : glissement de la livraison réelle, sinon prévue (Jalons), sur la date contractuelle (date "
            f"avenant, sinon convention), en mois entiers ; barre orange à {fr_number(params.delay_orange_months)} "
            f"mois, rouge à {fr_number(params.delay_red_months)} mois (Paramètres, seuils retard), bleue en deçà. "
            f"Prévision échue : démarrage ou livraison prévu avant le {fr_date(at)} sans date réelle ; orange au "
            f"moins, la barre se prolonge en pointillé jusqu'à la date de situation.")
    if not everything:
        builder.bullets("Calendrier des opérations", [], " ".join(filter(None, [rule, notes])),
                        empty="Aucune opération n'a de dates de travaux à représenter.")
        return 1
    spans = [s for bar in everything for s in (bar.baseline, bar.current) if s]
    days = [d for s in spans for d in s] + [b.das for b in everything if b.das] + [at]
    if params.end_date:  # with room after it, so that its line stands apart from the chart's edge
        days.append(params.end_date + timedelta(days=60))
    first, last = date(min(days).year, 1, 1), date(max(days).year, 12, 31)
    for famille, rows in pages:
        found = finding(rows if famille is not None else everything, params)
        title = f"{famille} : {found[0].lower()}{found[1:]}" if famille is not None else found
        extra = _counts(rows, everything) if famille is None and len(rows) < len(everything) else ""
        listing = " ; ".join(f"{b.operation_id} +{fr_number(b.late_months)} mois"
                             + (" (livrée)" if b.done else "") + (" (prévision échue)" if b.stale else "")
                             for b in rows if b.late or b.stale)
        slide = builder.blank(title, " ".join(filter(None, [extra + rule, notes,
                                                            f"En retard : {listing}." if listing else ""])))
        _draw_page(slide, rows, first, last, at, params.end_date, extra)
    return len(pages)


def _draw_page(slide, bars: Sequence[GanttBar], first: date, last: date, at: date, end: date | None,
               extra: str) -> None:
    shapes = slide.shapes
    chart_left = LEFT + LABEL_WIDTH
    chart_width = WIDTH - LABEL_WIDTH - LATE_WIDTH
    span = (last - first).days

    def x(day: date) -> int:
        return int(chart_left + chart_width * (day - first).days / span)

    legend_text = (f"{extra}Barre : travaux, réels sinon prévus · gris dessous : dates contractuelles (avenant, "
                   f"sinon convention) · orange / rouge et « +N mois » : retard de livraison · pointillé : prévision "
                   f"échue · ◆ DAS obtenue, ◇ DAS prévue")
    legend_height = Emu(int(text_lines(french(legend_text), WIDTH - Emu(182_880), LABEL_PT) * LABEL_PT * 1.2
                            * 12_700) + 40_000)
    rows_top = TOP + AXIS_HEIGHT
    row_height = min(MAX_ROW_HEIGHT, int((ROW_AREA + LEGEND_HEIGHT - legend_height) / max(len(bars), 1)))
    rows_bottom = rows_top + row_height * len(bars)
    years = range(first.year, last.year + 1)
    step = max(1, -(-len(years) * 560_000 // chart_width))  # a year label needs ~0,56 M EMU at 10 pt
    for year in years:
        left = x(date(year, 1, 1))
        if (year - first.year) % step == 0:
            label = _text(shapes, left, TOP, x(date(year, 12, 31)) - left, AXIS_HEIGHT, str(year), DARK_BLUE,
                          bold=True, align=PP_ALIGN.CENTER if step == 1 else None)
            label.name = f"Gantt année {year}"
        _line(shapes, left, rows_top, rows_bottom, LIGHT_GREY, 0.5, name=f"Gantt grille {year}")
    for index, bar in enumerate(bars):
        _draw_row(shapes, bar, rows_top + index * row_height, row_height, x, at)
    marks_top = rows_bottom + Emu(20_000)
    today = _line(shapes, x(at), rows_top - Emu(60_000), rows_bottom, STATUS["rouge"], 1.5,
                  name="Gantt ligne situation")
    today.line.dash_style = DASH
    lines = [(at, f"Situation au {fr_date(at)}", TEXT_COLOUR["rouge"], "Gantt repère situation")]
    if end is not None:
        close = _line(shapes, x(end), rows_top - Emu(60_000), rows_bottom, DARK_BLUE, 1.5,
                      name="Gantt ligne fin de la convention")
        close.line.dash_style = DASH
        lines.append((end, f"Fin de la convention {fr_date(end)}", DARK_BLUE, "Gantt repère fin de la convention"))
    lines.sort(key=lambda line: line[0])
    for number, (day, text, colour, name) in enumerate(lines):
        width = Emu(2_100_000)  # the earlier line's label ends at its line, the later one starts at its line
        left = x(day) - width if number == 0 and len(lines) > 1 else x(day)
        left = min(max(left, LEFT), LEFT + WIDTH - width)
        box = _text(shapes, left, marks_top, width, MARKS_HEIGHT, text, colour,
                    align=PP_ALIGN.RIGHT if left + width <= x(day) + 1 else PP_ALIGN.LEFT)
        box.name = name
    legend = _text(shapes, LEFT, marks_top + MARKS_HEIGHT + Emu(40_000), WIDTH, legend_height, legend_text,
                   LEGEND_TEXT, wrap=True)
    legend.name = "Gantt légende"


def _draw_row(shapes, bar: GanttBar, top: int, height: int, x, at: date) -> None:
    label = _text(shapes, LEFT, top, LABEL_WIDTH, height, _clip(french(bar.label), LABEL_WIDTH, LABEL_PT), TEXT)
    label.name = f"Gantt libellé {bar.operation_id}"
    if bar.baseline:
        base = shapes.add_shape(MSO_SHAPE.RECTANGLE, x(bar.baseline[0]), int(top + height * 0.72),
                                max(x(bar.baseline[1]) - x(bar.baseline[0]), Emu(12_700)), int(height * 0.14))
        _fill(base, BASELINE_GREY, f"Gantt référence {bar.operation_id}")
    if bar.current:
        start, end = bar.current
        split = bar.late and bar.baseline is not None  # no contractual span drawn (a date missing): one bar
        on_time_end = min(end, bar.baseline[1]) if split else end
        if on_time_end > start or not split:  # the part up to the baseline delivery, if any
            body = shapes.add_shape(MSO_SHAPE.RECTANGLE, x(start), int(top + height * 0.18),
                                    max(x(on_time_end) - x(start), Emu(12_700)), int(height * 0.48))
            _fill(body, FILL["bleu"] if split else FILL[bar.status], f"Gantt barre {bar.operation_id}")
        if split:
            begin = max(start, bar.baseline[1])
            over = shapes.add_shape(MSO_SHAPE.RECTANGLE, x(begin), int(top + height * 0.18),
                                    max(x(end) - x(begin), Emu(12_700)), int(height * 0.48))
            _fill(over, LIGHT_BLUE if bar.status == "bleu" else FILL[bar.status], f"Gantt retard {bar.operation_id}")
    if bar.stale and bar.current and bar.current[1] < at:  # the forecast passed: at least until today
        run_on = shapes.add_shape(MSO_SHAPE.RECTANGLE, x(bar.current[1]), int(top + height * 0.18),
                                  max(x(at) - x(bar.current[1]), Emu(12_700)), int(height * 0.48))
        run_on.fill.background()
        run_on.line.color.rgb = FILL[bar.status]
        run_on.line.width = Pt(1)
        run_on.line.dash_style = DASH
        run_on.shadow.inherit = False
        run_on.name = f"Gantt échue {bar.operation_id}"
    if bar.das:
        size = int(height * 0.62)
        mark = shapes.add_shape(MSO_SHAPE.DIAMOND, x(bar.das) - size // 2, int(top + height * 0.1), size, size)
        _fill(mark, DARK_BLUE, f"Gantt DAS {bar.operation_id}")
        if not bar.das_obtained:
            mark.fill.solid()
            mark.fill.fore_color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
            mark.line.color.rgb = DARK_BLUE
            mark.line.width = Pt(1)
    words = [f"+{fr_number(bar.late_months)} mois"] if bar.late else []
    words += ["prévision échue"] if bar.stale else []
    if words:
        late = _text(shapes, LEFT + WIDTH - LATE_WIDTH, top, LATE_WIDTH, height, french(", ".join(words)),
                     TEXT_COLOUR[bar.status], bold=bar.status == "rouge")
        late.name = f"Gantt écart {bar.operation_id}"


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


def _line(shapes, at_x: int, top: int, bottom: int, colour, width_pt: float, name: str):
    line = shapes.add_connector(MSO_CONNECTOR.STRAIGHT, at_x, top, at_x, bottom)
    line.line.color.rgb = colour
    line.line.width = Pt(width_pt)
    line.name = name
    return line


def _fill(shape, colour, name: str) -> None:
    shape.fill.solid()
    shape.fill.fore_color.rgb = colour
    shape.line.fill.background()
    shape.shadow.inherit = False
    shape.name = name


def _text(shapes, left: int, top: int, width: int, height: int, text: str, colour, bold: bool = False,
          align=None, wrap: bool = False):
    """Add a text box at 10 pt (the smallest text of the Gantt), no top or bottom margin."""
    box = shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = wrap
    frame.auto_size = MSO_AUTO_SIZE.NONE  # a box LibreOffice fits to its text moves off its left edge
    frame.margin_top = frame.margin_bottom = 0
    frame.text = french(text)
    for paragraph in frame.paragraphs:
        paragraph.alignment = align or PP_ALIGN.LEFT
        for run in paragraph.runs:
            run.font.size = Pt(LABEL_PT)
            run.font.color.rgb = colour
            run.font.bold = bold
    return box
