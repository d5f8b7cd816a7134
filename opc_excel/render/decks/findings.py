"""The slides that tell the room what matters, shared by every deck: synthesis, points durs, decisions.

- :func:`synthesis_slide` opens every deck: three messages, the decisions asked of this meeting, six key
  figures with their trend since the previous situation (:mod:`opc_excel.situation.synthesis`).
- :func:`points_durs_slide`: the ranked points durs (:mod:`opc_excel.compute.points_durs`), one line per
  operation, as many as one slide holds at 10 pt (at most 10), each with its stake, what blocks it in words
  and the measure; the rest counted on the last line and detailed by :func:`points_durs_annex_slide`, one
  line per theme.
- :func:`decisions_slide`: the decisions this meeting can take (:mod:`opc_excel.situation.decisions`), each
  with its question, recommendation, who decides, who acts, by when and what is at stake.

Every list fits one slide: rows are dropped from the end (and counted) rather than continued, since a
meeting takes its points durs and decisions one by one and the *Alertes* sheet keeps them all.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.util import Emu, Pt

from opc_excel.compute.alerts.words import code_words
from opc_excel.compute.points_durs import STAKE_CODES, PointDur
from opc_excel.fr import fr_date, fr_number
from opc_excel.model import Level, Theme
from opc_excel.render.decks.builder import Cell, Column, DeckBuilder, say
from opc_excel.render.decks.common import LEVEL_STATUS, DeckInput
from opc_excel.render.decks.look import (
    BOTTOM,
    CELL_SIDE_MARGIN,
    DARK_BLUE,
    GREY,
    HEIGHT,
    LEFT,
    LIGHT,
    LIGHT_GREY,
    STATUS,
    TEXT,
    TOP,
    WIDTH,
    text_height,
)
from opc_excel.render.decks.tables import paginate
from opc_excel.situation.decisions import Decision, decisions
from opc_excel.situation.formats import plural
from opc_excel.situation.meeting import Meeting
from opc_excel.situation.synthesis import key_figures, messages
from opc_excel.text import NAME_CAP, TEXT_CAP, shorten

MAX_POINTS_DURS = 10
MAX_BLOCKING_WORDS = 2
MEASURE_CAP = 110
TABLE_PT = 10.0


def meeting_points(data: DeckInput, meeting: Meeting) -> list[PointDur]:
    """Return the points durs of ``meeting``: all of them, or those touching its themes (réunion restreinte)."""
    if meeting.themes is None:
        return list(data.points_durs)
    return [p for p in data.points_durs if any(a.theme in meeting.themes for a in p.alerts)]


def _one_slide(columns: Sequence[Column], make: Callable[[int], list[list[Cell]]],
               most: int) -> tuple[int, list[list[Cell]]]:
    """Return (n, ``make(n)``) for the largest n ≤ ``most`` whose table holds on one slide at 10 pt."""
    total = sum(c.weight for c in columns)
    widths = [int(WIDTH * c.weight / total) for c in columns]
    for n in range(most, 0, -1):
        rows = make(n)
        if len(paginate(columns, widths, rows, TABLE_PT, BOTTOM - TOP)[0]) == 1:
            return n, rows
    return min(most, 1), make(min(most, 1))


def fit_one_slide(columns: Sequence[Column], rows: Sequence[Sequence[Cell | str]],
                  more: Callable[[int], list[Cell | str]]) -> list[list[Cell | str]]:
    """Return ``rows`` cut to what one slide holds at 10 pt, the last row replaced by ``more(n)`` (n rows left out).

    For the lists a meeting reads in one glance (deadlines, launches, actions, changes): the workbook keeps them
    all, the slide keeps its length on a programme ten times larger.
    """
    rows = [[c if isinstance(c, Cell) else Cell(str(c)) for c in row] for row in rows]

    def cut(n: int) -> list[list[Cell]]:
        if n >= len(rows):
            return rows
        return rows[:n - 1] + [[c if isinstance(c, Cell) else Cell(str(c)) for c in more(len(rows) - n + 1)]]

    return _one_slide(columns, cut, len(rows))[1] if rows else []


# ---------------------------------------------------------------- points durs

POINT_COLUMNS = [Column("Rang", 0.75), Column("Opération (maître d'ouvrage)", 2.3), Column("Enjeu", 3.0),
                 Column("Ce qui bloque", 2.1), Column("Mesure proposée", 2.9)]


def _codes_by_cause(point: PointDur) -> list[str]:
    """Return the point's codes, those of the stake it ranks by first (in the ranking's order: the cause first)."""
    first = [code for code in STAKE_CODES.get(point.kind, ()) if code in point.codes]
    return first + [code for code in point.codes if code not in first]


def _blocking(point: PointDur) -> str:
    words = list(dict.fromkeys(code_words(code) for code in _codes_by_cause(point)))
    shown = ", ".join(words[:MAX_BLOCKING_WORDS])
    return shown + (f" et {plural(len(words) - MAX_BLOCKING_WORDS, 'autre')}" if len(words) > MAX_BLOCKING_WORDS
                    else "")


def _measure(point: PointDur) -> str:
    """Return the measure of the alert that causes the point's stake (FIN-11 before CAL-02…), else the first."""
    cause = _codes_by_cause(point)[0]
    return shorten(next(a.measure for a in point.alerts if a.code == cause), MEASURE_CAP)


def point_row(point: PointDur) -> list[Cell]:
    where = (f"{point.operation_id} — {shorten(point.label, NAME_CAP)}" if point.operation_id else point.label)
    owner = f" ({point.owner})" if point.owner else ""
    stake = " ; ".join((point.reason, *point.others))
    return [Cell(f"{point.rank} · {point.severity.value}", LEVEL_STATUS[point.severity], bold=True),
            Cell(where + owner), Cell(stake), Cell(_blocking(point)), Cell(_measure(point))]


def points_durs_slide(data: DeckInput, builder: DeckBuilder, meeting: Meeting) -> list[PointDur]:
    """Add the ranked points durs, one slide; return those shown (the annex takes the others)."""
    points = meeting_points(data, meeting)
    red = sum(p.severity is Level.ROUGE for p in points)

    def rows(n: int) -> list[list[Cell]]:
        shown = [point_row(p) for p in points[:n]]
        rest = points[n:]
        if rest:
            rest_red = sum(p.severity is Level.ROUGE for p in rest)
            shown.append([Cell("…", "gris"), Cell(f"{plural(len(rest), 'autre point dur', 'autres points durs')}"
                                                  f" dont {fr_number(rest_red)} rouge{'s' if rest_red > 1 else ''}"),
                          Cell("classés dans la feuille Alertes (colonne Rang)"), Cell("détail par thème en annexe"),
                          Cell("")])
        return shown

    count, table = _one_slide(POINT_COLUMNS, rows, min(MAX_POINTS_DURS, len(points)))
    shown = points[:count]
    scope = _scope(meeting)
    title = (f"{plural(len(points), 'point dur', 'points durs')}{scope} dont {fr_number(red)} "
             f"rouge{'s' if red > 1 else ''} : les {fr_number(len(shown))} premiers par enjeu"
             if len(points) > len(shown) else
             f"{plural(len(points), 'point dur', 'points durs')}{scope}, classés par enjeu")
    builder.table(
        title if points else "Aucun point dur", POINT_COLUMNS, table,
        notes=f"Points durs : les alertes regroupées par opération et classées par enjeu (feuille Alertes, colonne "
              f"Rang) — subvention ANRU menacée (€), puis ménages à reloger, puis mois de glissement sur la date de "
              f"référence (avenant, sinon convention), puis décisions en retard. {len(points)} points durs dont "
              f"{red} rouges ; {len(shown)} présentés. "
              + " ".join(f"{p.rank}. {p.operation_id or p.label} : {p.finding}." for p in shown),
        empty="Aucune alerte en cours : pas de point dur.", font_pt=TABLE_PT)
    return shown


THEME_ORDER = tuple(Theme)


def _lower_first(text: str) -> str:
    """Return « insertion et GUP » from « Insertion et GUP »: the first letter only, acronyms kept."""
    return text[:1].lower() + text[1:]


def _scope(meeting: Meeting) -> str:
    """Return « (calendrier) » for a réunion restreinte, whose counts are its themes', « » otherwise."""
    return f" ({', '.join(_lower_first(t.value) for t in meeting.themes)})" if meeting.themes else ""


def points_durs_annex_slide(data: DeckInput, builder: DeckBuilder, meeting: Meeting, shown: Sequence[PointDur]) -> None:
    """Add the annex: every alert not in the points durs shown, counted by theme and said in words."""
    seen = {id(a) for p in shown for a in p.alerts}
    rest = [a for a in data.alerts if id(a) not in seen and (meeting.themes is None or a.theme in meeting.themes)]
    rows = []
    for theme in THEME_ORDER:
        alerts = [a for a in rest if a.theme is theme]
        if not alerts:
            continue
        red = sum(a.severity is Level.ROUGE for a in alerts)
        counts: dict[str, int] = {}
        for alert in alerts:
            counts[alert.code] = counts.get(alert.code, 0) + 1
        said = ", ".join(f"{code_words(code)} ({code}) × {n}" for code, n in
                         sorted(counts.items(), key=lambda item: (-item[1], item[0])))
        operations = len({a.operation_id for a in alerts if a.operation_id})
        rows.append([Cell(theme.value, bold=True), Cell(fr_number(red), "rouge" if red else None),
                     Cell(fr_number(len(alerts) - red)), Cell(fr_number(operations)), Cell(said)])
    total_red = sum(a.severity is Level.ROUGE for a in rest)
    builder.table(
        f"Annexe : {plural(len(rest), 'autre alerte', 'autres alertes')} dont {fr_number(total_red)} "
        f"rouge{'s' if total_red > 1 else ''}, par thème" if rest else "Annexe : aucune autre alerte",
        [Column("Thème", 1.8), Column("Rouges", 0.8, "right"), Column("Orange", 0.8, "right"),
         Column("Opérations", 1.0, "right"), Column("Ce que disent les alertes", 6.6)], rows,
        notes="Les alertes qui ne figurent pas dans les points durs présentés, comptées par thème et par nature "
              "(feuille Alertes : constat, mesure proposée et suivi de chacune).",
        empty="Toutes les alertes sont dans les points durs présentés.", font_pt=TABLE_PT)


# ---------------------------------------------------------------- decisions

DECISION_COLUMNS = [Column("Décision demandée", 3.4), Column("Recommandation", 2.8), Column("Qui", 1.9),
                    Column("Pour le", 0.9), Column("Enjeu", 2.0)]


def decision_row(decision: Decision) -> list[Cell]:
    return [Cell(decision.question, bold=True), Cell(shorten(decision.recommendation, MEASURE_CAP)),
            Cell(f"Décide : {decision.decides}\nAgit : {decision.acts}"),
            Cell(fr_date(decision.due) if decision.due else "à fixer en séance",
                 LEVEL_STATUS.get(decision.severity)),
            Cell(shorten(decision.stake, MEASURE_CAP))]


def meeting_decisions(data: DeckInput, meeting: Meeting) -> list[Decision]:
    """Return the decisions asked of ``meeting``: as many as its decisions slide holds (the synthesis counts these)."""
    found = decisions(data.situation, meeting)
    return found[:_one_slide(DECISION_COLUMNS, lambda n: [decision_row(d) for d in found[:n]], len(found))[0]]


def decisions_slide(data: DeckInput, builder: DeckBuilder, meeting: Meeting) -> list[Decision]:
    """Add the decisions this meeting can take, one slide; return them."""
    found = meeting_decisions(data, meeting)
    table = [decision_row(d) for d in found]
    dated = [d.due for d in found if d.due]
    first = ((f", la première pour le {fr_date(min(dated))}" if len(found) > 1 else f", pour le {fr_date(dated[0])}")
             if dated else "")
    builder.table(
        f"{plural(len(found), 'décision demandée', 'décisions demandées')} en séance{first}" if found
        else "Aucune décision à prendre en séance", DECISION_COLUMNS, table,
        notes=f"Décisions que peut prendre : {meeting.decider} (séance du {fr_date(meeting.day)}), tirées des points "
              f"durs classés par enjeu et des changements à porter par avenant (GOV-04). Recommandation : la mesure "
              f"proposée par la règle ; échéance : date de caducité, date limite d'engagement, démarrage de la "
              f"démolition, sinon la prochaine séance. La décision retenue se note dans la feuille Actions.",
        empty="Aucun point dur ne demande de décision à cette instance.", font_pt=TABLE_PT)
    return found


# ---------------------------------------------------------------- synthesis


def _box(slide, left: int, top: int, width: int, height: int, fill, line=None):
    shape = slide.shapes.add_shape(1, left, top, width, height)  # 1 = rectangle
    shape.fill.solid()
    shape.fill.fore_color.rgb = fill
    if line is None:
        shape.line.fill.background()
    else:
        shape.line.color.rgb = line
    shape.shadow.inherit = False
    frame = shape.text_frame
    frame.word_wrap = True
    frame.vertical_anchor = MSO_ANCHOR.TOP
    return shape


def _lines(frame, lines: Sequence[tuple[str, float, bool, object]], align=PP_ALIGN.LEFT) -> None:
    for index, (text, size, bold, colour) in enumerate(lines):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        paragraph.text = text
        paragraph.alignment = align
        paragraph.space_after = Pt(size * 0.3)
        for run in paragraph.runs:
            run.font.size = Pt(size)
            run.font.bold = bold
            run.font.color.rgb = colour


MESSAGE_SHARE = 0.58


def synthesis_slide(data: DeckInput, builder: DeckBuilder, meeting: Meeting) -> None:
    """Add the synthesis: three messages and the decisions asked on the left, six key figures on the right."""
    said = messages(data.situation)
    tiles = key_figures(data.situation)
    asked = meeting_decisions(data, meeting)
    left_width = int(WIDTH * MESSAGE_SHARE)
    gap = Emu(200_000)
    right_left, right_width = LEFT + left_width + gap, WIDTH - left_width - gap
    red = sum(p.severity is Level.ROUGE for p in meeting_points(data, meeting))  # as its points durs slide counts
    title = (f"Synthèse : {plural(red, 'point dur rouge', 'points durs rouges')}{_scope(meeting)}, "
             f"{plural(len(asked), 'décision demandée', 'décisions demandées')} en séance")
    slide = builder.blank(title, notes="Synthèse : messages, décisions et chiffres clés calculés depuis le classeur "
                                       "(indicateurs, points durs, feuille Historique pour l'évolution). "
                                       + " ".join(m.text + "." for m in said)
                                       + " " + " ".join(f"{t.label} : {t.value} ({t.detail}, {t.trend})."
                                                        for t in tiles))
    message_lines = [(say(f"{i}. {m.text}", TEXT_CAP), STATUS.get(m.status, DARK_BLUE) if m.status else DARK_BLUE)
                     for i, m in enumerate(said, start=1)]
    asked_lines = [say(f"{d.question} ({d.decides} ; {d.acts} ; "
                       f"{'pour le ' + fr_date(d.due) if d.due else 'échéance à fixer'})", TEXT_CAP)
                   for d in asked[:3]]
    if len(asked) > 3:
        asked_lines.append(say(f"… et {plural(len(asked) - 3, 'autre')} : voir « Décisions demandées »", TEXT_CAP))
    inner = left_width - 2 * CELL_SIDE_MARGIN - Emu(120_000)
    size = 16.0
    while size > 12 and (sum(text_height(t, inner, size) for t, _ in message_lines)
                         + sum(text_height("• " + t, inner, size - 2) for t in asked_lines)
                         + 4 * int(size * 12_700 * 1.6)) > HEIGHT:
        size -= 1
    head_height = Emu(330_000)
    messages_height = (sum(text_height(t, inner, size) for t, _ in message_lines)
                       + len(message_lines) * int(size * 0.3 * 12_700) + Emu(150_000))
    head = _box(slide, LEFT, TOP, left_width, head_height, DARK_BLUE)
    _lines(head.text_frame, [(say("Ce qu'il faut retenir", NAME_CAP), 14, True, LIGHT)])
    body = _box(slide, LEFT, TOP + head_height, left_width, messages_height, LIGHT)
    _lines(body.text_frame, [(text, size, True, colour) for text, colour in message_lines])
    top = TOP + head_height + messages_height + Emu(120_000)
    head = _box(slide, LEFT, top, left_width, head_height, DARK_BLUE)
    _lines(head.text_frame, [(say(f"Décisions demandées à : {meeting.decider}", NAME_CAP), 14, True, LIGHT)])
    body = _box(slide, LEFT, top + head_height, left_width, max(BOTTOM - top - head_height, Emu(300_000)), LIGHT)
    _lines(body.text_frame, [("• " + t, max(size - 2, 12), False, TEXT) for t in asked_lines]
           or [(say("Aucune décision à prendre par cette instance.", TEXT_CAP), 12, False, GREY)])
    per_row, rows = 2, (len(tiles) + 1) // 2
    tile_gap = Emu(120_000)
    tile_width = int((right_width - tile_gap) / per_row)
    tile_height = int((HEIGHT - tile_gap * (rows - 1)) / rows)
    for index, tile in enumerate(tiles):
        row, col = divmod(index, per_row)
        colour = STATUS.get(tile.status, DARK_BLUE) if tile.status else DARK_BLUE
        box = _box(slide, right_left + col * (tile_width + tile_gap), TOP + row * (tile_height + tile_gap),
                   tile_width, tile_height, LIGHT, line=colour if tile.status else LIGHT_GREY)
        _lines(box.text_frame, [(say(tile.value, NAME_CAP), 22, True, colour),
                                (say(tile.label, NAME_CAP), 12, True, TEXT),
                                (say(tile.detail, NAME_CAP), 12, False, TEXT),
                                (say(tile.trend, NAME_CAP), 12, False, GREY)], align=PP_ALIGN.CENTER)
