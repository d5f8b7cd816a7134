"""One figure, one value: the labelled figures of a session's decks, read back from the .pptx files.

A *figure* is a number a reader sees with what it counts: « 352 ménages relogés sur 403 », a tile
« 76 % / Subvention ANRU engagée », the *Total* row of a table under *Relogés*, the S-curve's engaged
point at the date de situation. Each gets a label — (scope, what, unit): scope is the programme, an
operation id, the ANRU subsidy, a famille… — and where it was read (deck, slide, title, text).
Two figures with one label must agree up to the rounding they are shown with (« 26,9 M€ » and
« 26 886 997 € » agree; « 8 relogés » and « 9 relogés » do not).

A *Total* row must also equal the sum of the rows above it (a table continued over several slides
counts as one), unless an elided row (« … et 6 autres ») hides some of them; and a slip (operation,
milestone) has one colour wherever it is shown. What a figure looks like — French numbers, labels,
text patterns — is in :mod:`tests.figure_patterns`.
"""

from __future__ import annotations

import functools
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field

from pptx import Presentation
from pptx.oxml.ns import qn

from opc_excel.fr import fr_date
from opc_excel.text import plain
from tests.figure_patterns import (
    AMOUNT,
    ANRU,
    BY,
    CHART_SERIES,
    COLUMNS,
    COSTS,
    FUNDERS,
    GANTT_SLIP,
    INT,
    MONTHS,
    NAMED_ROWS,
    OP,
    PERCENT,
    PROGRAMME,
    PROGRAMME_WHEN_NO_OPERATION,
    RECONSTITUTION,
    SLIP_ALERT,
    TEXT_PATTERNS,
    milestone,
)

DEMO_ID = re.compile(r"\b[A-Z]{2,4}-[A-Z]{2,4}-\d{2}(?:-\d{3})?\b")  # PER-DEM-05, PER-DEM-05-003
TOKEN = re.compile(r"(?<![\w-])\w+(?:[-_./]\w+)*")


class OperationIds:
    """Finds the operation ids a text names: the programme's own ids when known, else ids shaped like the demo's."""

    def __init__(self, known: set[str] | None = None) -> None:
        self.known = known

    def findall(self, text: str) -> list[str]:
        if self.known is None:
            return DEMO_ID.findall(text)
        return [token for token in TOKEN.findall(text) if token in self.known]

    def search(self, text: str) -> bool:
        return bool(self.findall(text))


OP_ID = OperationIds()


@dataclass(frozen=True)
class Figure:
    label: tuple  # (scope, what, unit)
    value: float
    unit_step: float  # the step of the last digit shown: 1 for « 352 », 0.1e6 for « 26,9 M€ », 0 for a chart value
    where: str  # « deck, slide n « title » : text »


@dataclass(frozen=True)
class Table:
    """A table as a reader sees it: its header and its rows, continued over consecutive slides."""

    where: str
    header: tuple[str, ...]
    rows: list[tuple[str, ...]]


def normalise(text: str) -> str:
    """Return ``text`` with French spaces as plain spaces (thousands, before « : », non-breaking)."""
    return re.sub(r"[\u202f\u00a0\u2009]", " ", plain(text)).replace("\u2011", "-")


def number(text: str) -> float:
    return float(text.replace(" ", "").replace(",", ".").replace("−", "-"))


def step(text: str) -> float:
    """Return the step of the last digit shown in ``text`` (« 26,9 » → 0.1, « 352 » → 1)."""
    return 10.0 ** -len(text.split(",")[1]) if "," in text else 1.0


def amount(value: str, unit: str) -> tuple[float, float]:
    """Return an amount in euros and its step: « 26,9 » « M€ » → (26 900 000, 100 000)."""
    scale = {"M€": 1e6, "k€": 1e3, "€": 1.0}[unit]
    return number(value) * scale, step(value) * scale


# ---------------------------------------------------------------------------------------------- reading
@dataclass
class Slide:
    deck: str
    number: int
    title: str
    frames: list[str]  # text frames, normalised
    tables: list[list[tuple[str, ...]]]
    charts: list[tuple[str, list[tuple[str, float | None]]]]  # (series name, [(category, value)])
    frame_colours: list[str | None] = field(default_factory=list)  # status colour of each frame's first run
    table_colours: list[list[tuple[str | None, ...]]] = field(default_factory=list)  # status fill of each cell

    def where(self, text: str = "") -> str:
        shown = f" : « {text[:140]} »" if text else ""
        return f"{self.deck}, diapositive {self.number} « {self.title[:90]} »{shown}"


def read_slides(deck: str, data: bytes) -> list[Slide]:
    """Return every slide's text frames, tables and chart series (not the speaker notes)."""
    slides = []
    for number_, slide in enumerate(Presentation(io.BytesIO(data)).slides, 1):
        frames, tables, charts, frame_colours, table_colours = [], [], [], [], []
        title = ""
        if slide.shapes.title is not None and slide.shapes.title.has_text_frame:
            title = normalise(slide.shapes.title.text_frame.text)
        for shape in slide.shapes:
            if shape.has_text_frame:
                frames.append(normalise(shape.text_frame.text))
                frame_colours.append(_run_status(shape.text_frame))
            if shape.has_table:
                tables.append([tuple(normalise(cell.text) for cell in row.cells) for row in shape.table.rows])
                table_colours.append([tuple(_fill_status(cell) for cell in row.cells) for row in shape.table.rows])
            if shape.has_chart:
                for plot in shape.chart.plots:
                    categories = [str(c) for c in plot.categories]
                    for series in plot.series:
                        points = list(zip(categories, series.values, strict=False))
                        charts.append((normalise(series.name or ""), points))
        slides.append(Slide(deck, number_, title or (frames[0] if frames else ""), frames, tables, charts,
                            frame_colours, table_colours))
    return slides


@functools.cache
def _status_colours() -> tuple[dict[str, str], dict[str, str]]:
    """Return the deck's status colours as hex -> rouge/orange: cell fills, and text (the Gantt's « +N mois »)."""
    from opc_excel.render.decks import gantt, look

    fills = {str(rgb): name for name, rgb in look.STATUS_LIGHT.items()}
    texts = {str(rgb): name for name, rgb in look.STATUS.items()}
    texts.update({str(rgb): name for name, rgb in getattr(gantt, "TEXT_COLOUR", {}).items()})
    return fills, texts


def _fill_status(cell) -> str | None:
    fill = cell._tc.tcPr.find(qn("a:solidFill")) if cell._tc.tcPr is not None else None
    colour = fill.find(qn("a:srgbClr")) if fill is not None else None
    return _status_colours()[0].get(colour.get("val")) if colour is not None else None


def _run_status(frame) -> str | None:
    for paragraph in frame.paragraphs:
        for run in paragraph.runs:
            colour = run.font.color
            if colour is not None and colour.type is not None and colour.rgb is not None:
                return _status_colours()[1].get(str(colour.rgb))
            return None
    return None


def tables_of(slides: list[Slide]) -> list[Table]:
    """Return the tables of a deck, a table continued on the next slides (same header) as one."""
    tables: list[Table] = []
    previous: tuple[int, tuple[str, ...]] | None = None
    for slide in slides:
        for rows in slide.tables:
            if not rows:
                continue
            header, body = rows[0], list(rows[1:])
            if previous == (slide.number - 1, header) and tables and not _has_total(tables[-1].rows):
                tables[-1].rows.extend(body)
            else:
                tables.append(Table(slide.where(), header, body))
            previous = (slide.number, header)
    return tables


def _has_total(rows: list[tuple[str, ...]]) -> bool:
    return any(is_total(row) for row in rows)


def is_total(row: tuple[str, ...]) -> bool:
    return bool(row) and row[0].lower().startswith("total")


def is_grand_total(row: tuple[str, ...]) -> bool:
    """« Total », « Total ANRU », « Total, toutes opérations » — not a subtotal such as « Total des subventions »."""
    return bool(re.fullmatch(r"Total(?: ANRU)?(?:,.*)?", row[0]))


def is_elision(row: tuple[str, ...]) -> bool:
    return bool(row) and row[0].startswith("…")




def table_figures(table: Table, ids_of: OperationIds = OP_ID) -> list[Figure]:
    """Return the figures of a table: each cell under a known header, scoped by its row."""
    header = [h.lower() for h in table.header]
    first = header[0] if header else ""
    subsidy_table = first in BY and any("subvention" in h for h in header)
    figures = []
    for row in table.rows:
        if not row or is_elision(row):
            continue
        ids = ids_of.findall(row[0]) if first.startswith("opération") or first == "id" else []
        if row[0].lower() in NAMED_ROWS:
            scope = NAMED_ROWS[row[0].lower()]
        elif is_total(row) and not is_grand_total(row):
            scope = (first, row[0])
        elif is_total(row):
            if subsidy_table or row[0].lower() == "total anru":
                scope = ANRU
            elif first == "financeur":
                scope = FUNDERS
            elif first.startswith("opération"):
                scope = PROGRAMME
            else:
                continue
        elif len(ids) == 1 and "marché" in header:
            scope = ("marché", ids[0], row[header.index("marché")])
        elif len(ids) == 1:
            scope = ("opération", ids[0])
        elif first == "financeur" and row[0] == "ANRU":
            scope = ANRU
        elif first in BY:
            scope = (first, row[0])
        else:
            continue
        if first == "famille" and not subsidy_table and scope == ANRU:
            continue
        for name, cell in zip(header[1:], row[1:], strict=False):
            what = COLUMNS.get(name)
            if what is None or not cell:
                continue
            scope_ = PROGRAMME if what in COSTS and scope in (ANRU, FUNDERS) else scope
            where = f"{table.where} — ligne « {row[0][:60]} », colonne « {name} »"
            figures.extend(cell_figures(scope_, what, cell, where))
    return figures


def cell_figures(scope: tuple, what: str, cell: str, where: str) -> list[Figure]:
    match = re.fullmatch(rf"{AMOUNT}", cell)
    if match:
        value, unit_step = amount(*match.groups())
        return [Figure((scope, what, "€"), value, unit_step, where)]
    match = re.fullmatch(PERCENT, cell)
    if match:
        return [Figure((scope, what, "%"), number(match[1]), step(match[1]), where)]
    match = re.fullmatch(rf"{INT} h", cell)
    if match:
        return [Figure((scope, what, "h"), number(match[1]), 1.0, where)]
    match = re.fullmatch(INT, cell)
    if match:
        return [Figure((scope, what, "n"), number(match[1]), 1.0, where)]
    return []


def text_figures(slide: Slide, text: str, ids_of: OperationIds = OP_ID) -> list[Figure]:
    """Return the figures of one line of a slide (a paragraph, or a table row joined with « | »)."""
    ids = set(ids_of.findall(text))
    own = ("opération", next(iter(ids))) if len(ids) == 1 else None
    figures = []
    for pattern, groups in TEXT_PATTERNS:
        for match in pattern.finditer(text):
            for group, scope, what, unit in groups:
                if scope == "thème":
                    scope_ = ("thème", match[2])
                elif scope == "quartier":
                    scope_ = ("quartier", match[1])
                elif scope == "by":
                    scope_ = (match[1], match[2].strip())
                else:
                    scope_ = scope if scope is not OP else own or _programme_scope(what, text, ids_of)
                if scope_ is None:
                    continue
                what_ = what.format(*[None] + [milestone(g) if g else g for g in match.groups()])
                figure = _figure(match, group, scope_, what_, unit, slide.where(text))
                if figure is not None:
                    figures.append(figure)
    for match in SLIP_ALERT.finditer(text):
        if own is not None:
            what = f"glissement {milestone(match[1])} sur la date contractuelle"
            figures.append(Figure((own, what, "mois"), number(match[2]), 1.0, slide.where(text)))
    return figures




def _programme_scope(what: str, text: str, ids_of: OperationIds) -> tuple | None:
    """Return the programme for a line about the households that names no operation, else None (unknown scope)."""
    if ids_of.search(text) or what not in PROGRAMME_WHEN_NO_OPERATION:
        return None
    return PROGRAMME


def _figure(match: re.Match, group, scope, what: str, unit: str, where: str) -> Figure | None:
    if isinstance(group, tuple):
        value, unit_ = match[group[0]], match[group[1]]
        if value is None:
            return None
        euros, unit_step = amount(value, unit_)
        return Figure((scope, what, unit), euros, unit_step, where)
    value = match[group]
    if value is None:
        return None
    return Figure((scope, what, unit), number(value), step(value), where)


@dataclass(frozen=True)
class Status:
    """The colour a slip is shown in: rouge, orange or aucune (below the orange threshold)."""

    label: tuple  # (scope, what)
    colour: str
    where: str




def slip_readings(slide: Slide, ids_of: OperationIds = OP_ID) -> tuple[list[Figure], list[Status]]:
    """Return the slips a slide shows and their colours: slip tables, alert rows (*Gravité* Rouge/Orange), Gantt.

    Each slip is labelled by operation and milestone against its contractual date (avenant, else
    convention); each colour twice: for that slip, and for any slip of that many months (the thresholds
    are one pair of *Paramètres* for every deck).
    """
    figures: list[Figure] = []
    statuses: list[Status] = []

    def add(op: str, jalon: str, months: float, colour: str | None, where: str, stale: bool = False) -> None:
        figures.append(Figure((("opération", op), f"glissement {jalon} sur la date contractuelle", "mois"),
                              months, 1.0, where))
        if colour is not None:
            colour = "aucune" if colour in ("bleu", "vert", "gris") else colour
            statuses.append(Status((("opération", op), f"couleur du glissement {jalon}"), colour, where))
            if not stale:
                statuses.append(Status((("seuils",), f"couleur d'un glissement de {months:g} mois"), colour, where))

    for rows, colours in zip(slide.tables, slide.table_colours, strict=True):
        header = [h.lower() for h in rows[0]] if rows else []
        slip = next((i for i, h in enumerate(header) if h in ("glissement", "glissement livraison")), None)
        jalon = header.index("jalon") if "jalon" in header else None
        since = header.index("depuis la convention") if "depuis la convention" in header else None
        for r, row in enumerate(rows[1:], 1):
            ids = ids_of.findall(row[0]) if row else []
            implied = _implied_milestone(header)
            if slip is not None and len(ids) == 1 and (jalon is not None or implied is not None):
                name = milestone(row[jalon]) if jalon is not None else implied
                found = MONTHS.fullmatch(row[slip])
                if found:
                    where = slide.where(f"{row[0][:40]} | {name} | {row[slip]}")
                    add(ids[0], name, number(found[1]), colours[r][slip] or "aucune", where)
                found = MONTHS.fullmatch(row[since]) if since is not None else None
                if found:
                    figures.append(Figure((("opération", ids[0]), f"glissement {name} sur la convention", "mois"),
                                          number(found[1]), 1.0, slide.where(f"{row[0][:40]} | {row[since]}")))
            gravity = next((cell.lower() for cell in row if cell in ("Rouge", "Orange")), None)
            if gravity is not None:
                text = " | ".join(row)
                own = set(ids_of.findall(text))
                for found in SLIP_ALERT.finditer(text):
                    if len(own) == 1:
                        statuses.append(Status((("opération", next(iter(own))),
                                                f"couleur du glissement {milestone(found[1])}"), gravity,
                                               slide.where(text)))
                        statuses.append(Status((("seuils",), f"couleur d'un glissement de {number(found[2]):g} mois"),
                                               gravity, slide.where(text)))
    last_op = None
    for frame, colour in zip(slide.frames, slide.frame_colours, strict=True):
        ids = ids_of.findall(frame.split(" — ")[0])
        if ids:
            last_op = ids[0]
            continue
        found = GANTT_SLIP.fullmatch(frame)
        if found and last_op is not None:
            add(last_op, "Livraison", number(found[1]), colour or "aucune", slide.where(f"{last_op} … {frame}"),
                stale=bool(found[2]))
            last_op = None
    return figures, statuses


def _implied_milestone(header: list[str]) -> str | None:
    """Return the milestone a slip table without a *Jalon* column is about: its headers name it."""
    named = {milestone(h.split()[0].capitalize()) for h in header if h.startswith(("livraison", "démarrage"))}
    named |= {"Livraison" for h in header if h == "glissement livraison"}
    return named.pop() if len(named) == 1 else None


def status_conflicts(statuses: list[Status]) -> list[str]:
    """Return, for each slip shown in two colours, both colours and where each was read."""
    by_label: dict[tuple, list[Status]] = defaultdict(list)
    for status in statuses:
        by_label[status.label].append(status)
    found = []
    for (scope, what), shown in by_label.items():
        other = next((s for s in shown[1:] if s.colour != shown[0].colour), None)
        if other is not None:
            found.append(f"{what} [{' '.join(scope)}] : {shown[0].colour} ({shown[0].where}) mais {other.colour} "
                         f"({other.where})")
    return found


@dataclass
class Reading:
    """What one deck shows: its labelled figures, its tables, the colours of its slips."""

    figures: list[Figure]
    tables: list[Table]
    statuses: list[Status]


def read_deck(deck: str, data: bytes, at, ids: set[str] | None = None) -> Reading:
    """Return the labelled figures, the tables and the slip colours of one deck.

    ``ids``: the programme's operation ids, to know an operation named on a line (else ids shaped like the demo's).
    """
    ids_of = OperationIds(ids)
    slides = read_slides(deck, data)
    at_label = fr_date(at)
    figures: list[Figure] = []
    statuses: list[Status] = []
    for slide in slides:
        slips, colours = slip_readings(slide, ids_of)
        figures.extend(slips)
        statuses.extend(colours)
        for frame in slide.frames:
            figures.extend(text_figures(slide, frame.replace("\n", " / "), ids_of))
        for rows in slide.tables:
            for row in rows[1:]:
                figures.extend(text_figures(slide, " | ".join(row), ids_of))
        for name, points in slide.charts:
            label = CHART_SERIES.get(name)
            for category, value in points:
                if name == "Logements reconstitués" and category in RECONSTITUTION and value is not None:
                    figures.append(Figure((PROGRAMME, RECONSTITUTION[category], "n"), value, 0.0,
                                          slide.where(f"graphique « {name} », {category}")))
                if label is not None and category == at_label and value is not None:
                    figures.append(Figure(label, value, 0.0, slide.where(f"courbe « {name} » au {category}")))
    tables = tables_of(slides)
    for table in tables:
        figures.extend(table_figures(table, ids_of))
    return Reading(figures, tables, statuses)


# ---------------------------------------------------------------------------------------------- checks
def agree(a: Figure, b: Figure) -> bool:
    """Two shown values agree when one rounding of the true value gives both."""
    gap, slack = abs(a.value - b.value), (a.unit_step + b.unit_step) / 2
    if a.unit_step == 0 or b.unit_step == 0:  # an exact value (a chart point) rounds to the shown one
        return gap <= slack + 1e-9
    return gap < slack - 1e-9  # « 76 % » and « 77 % » are two values


def conflicts(figures: list[Figure]) -> list[str]:
    """Return, for each label shown with two values, the two values and where each was read."""
    by_label: dict[tuple, list[Figure]] = defaultdict(list)
    for figure in figures:
        by_label[figure.label].append(figure)
    found = []
    for label, shown in by_label.items():
        for other in shown[1:]:
            if not agree(shown[0], other):
                found.append(f"{describe(label)} : {show(shown[0])} ({shown[0].where}) mais {show(other)} "
                             f"({other.where})")
                break
    return found


def describe(label: tuple) -> str:
    scope, what, _unit = label
    return f"{what} [{' '.join(str(s) for s in scope)}]"


def show(figure: Figure) -> str:
    unit = figure.label[2]
    value = f"{figure.value:,.2f}".replace(",", " ").replace(".00", "").replace(".", ",")
    return f"{value} {'' if unit == 'n' else unit}".strip()


def thousands(value: float) -> str:
    return f"{round(value):,}".replace(",", " ")


SUMMED_UNITS = ("€", "h", "n")


def is_subtotal(row: tuple[str, ...]) -> bool:
    return bool(row) and row[0].lower().startswith("sous-total")


def total_errors(table: Table) -> list[str]:
    """Return the cells of a *Total* row that differ from the sum of the rows they total.

    A *Total* row totals the rows since the previous total (a subtotal standing for the rows it sums),
    or the previous totals (« Total du plan » under « Total des subventions » and « Total fonds propres »);
    a *Sous-total* totals the last rows above it. Percentages are not summed; a column is not checked
    when an elided row (« … et 6 autres ») or an unreadable cell hides some of its values.
    """
    errors = []
    for column, name in enumerate(table.header[1:], 1):
        errors.extend(_column_errors(table, column, name))
    return errors


def _column_errors(table: Table, column: int, name: str) -> list[str]:
    errors: list[str] = []
    current: list[tuple[float, float] | None] = []  # values since the last total, None = unknown
    totals: list[tuple[float, float] | None] = []
    for row in table.rows:
        cell = row[column] if column < len(row) else ""
        value = _cell_value(cell)
        if value is not None and value[2] not in SUMMED_UNITS:
            return errors
        known = (value[0], value[1]) if value is not None else None
        if row[0].lower().startswith("dont"):
            continue
        if not (is_total(row) or is_subtotal(row)):
            current.append(known if (known or not cell) and not (is_elision(row) and not cell) else None)
            if is_elision(row) and not cell:
                current[-1] = None
            continue
        if known is None:
            continue
        if is_subtotal(row):
            size = _suffix_summing_to(current, known)
            if size is None:
                errors.append(_message(table, row, name, current))
            else:
                del current[len(current) - size:]
            current.append(known)
            continue
        candidates = [current, totals]
        if not any(_sums_to(values, known) for values in candidates if values):
            if any(values and None not in values for values in candidates):
                errors.append(_message(table, row, name, current or totals))
        totals.append(known)
        current = []
    return errors


def _sums_to(values: list[tuple[float, float] | None], total: tuple[float, float]) -> bool:
    if not values or None in values:
        return False
    summed = sum(v[0] for v in values if v)
    slack = total[1] / 2 + sum(v[1] for v in values if v) / 2 + 1e-6
    return abs(summed - total[0]) <= slack


def _suffix_summing_to(values, total) -> int | None:
    for size in range(len(values), 0, -1):
        if _sums_to(values[len(values) - size:], total):
            return size
    return None


def _message(table: Table, row: tuple[str, ...], name: str, values) -> str:
    column = table.header.index(name)
    known = [v for v in values if v]
    return (f"{table.where} : « {row[0]} » {row[column]} dans la colonne « {name} » alors que ses "
            f"{len(known)} lignes font {thousands(sum(v[0] for v in known))}")


def _cell_value(cell: str) -> tuple[float, float, str] | None:
    figures = cell_figures(PROGRAMME, "", cell, "")
    if not figures:
        return None
    figure = figures[0]
    return figure.value, figure.unit_step, figure.label[2]
