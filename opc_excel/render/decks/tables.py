"""Tables on slides: rows measured, split into pages that fit, drawn straight into the table's XML.

:meth:`DeckBuilder.table <opc_excel.render.decks.builder.DeckBuilder.table>` uses them: a table
continues on the next slide with its header repeated, never splitting a row.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pptx.util import Emu

from opc_excel.render.decks.look import (
    CELL_MARGIN,
    CELL_SIDE_MARGIN,
    DARK_BLUE,
    EMU_PER_PT,
    HEIGHT,
    LEFT,
    LIGHT,
    LINE_SPACING,
    STATUS_LIGHT,
    TABLE_MIN_PT,
    TEXT,
    WHITE,
    WIDTH,
    Cell,
    Column,
    header_size,
    text_height,
    text_lines,
    text_width,
    write_cell,
)

_WORDS = re.compile(r"[ \n\v]")  # where a line may break: not at a no-break space nor a no-break hyphen


def fit_widths(columns: Sequence[Column], widths: Sequence[int], cells: list[list[Cell]], size: float) -> list[int]:
    """Return the column widths, each widened to hold its longest word whole, taken from the columns with room.

    Tables are never set under 10 pt (:data:`TABLE_MIN_PT`), so a narrow column (« Temporaires », an id
    « PER‑REH‑04 », a date) is widened rather than its text shrunk or broken mid-word. Header words are
    measured at 10 pt (the header may shrink to it), cell words at ``size``. When the cells' longest words
    can't all be held, only the header's are; when even they can't, the widths stay as the weights gave them.
    """
    header = [max((text_width(word, TABLE_MIN_PT, bold=True) for word in _WORDS.split(c.header)), default=0.0)
              for c in columns]
    longest = list(header)
    for row in cells:
        for index, cell in enumerate(row):
            for word in _WORDS.split(cell.text):
                longest[index] = max(longest[index], text_width(word, size, bold=cell.bold))
    for words in (longest, header):
        need = [int(n + 2 * CELL_SIDE_MARGIN) + 1 for n in words]
        short = sum(max(n - w, 0) for n, w in zip(need, widths, strict=True))
        if not short:
            return list(widths)
        room = [max(w - n, 0) for n, w in zip(need, widths, strict=True)]
        if sum(room) >= short:  # the wide columns give in proportion to their room
            return [n if w < n else w - -(-short * r // sum(room)) for n, w, r in zip(need, widths, room, strict=True)]
    return list(widths)


def paginate(columns: Sequence[Column], widths: Sequence[int], cells: list[list[Cell]], size: float,
             available: int) -> tuple[list[list[tuple[list[Cell], int]]], int]:
    """Return the rows split into pages that fit ``available`` (each with the header), and the header height."""
    header_height = row_height([Cell(c.header, bold=True) for c in columns], widths,
                               header_size(columns, widths, size))
    pages: list[list[tuple[list[Cell], int]]] = [[]]
    used = header_height
    for row in cells:
        height = row_height(row, widths, size)
        if pages[-1] and used + height > available:
            pages.append([])
            used = header_height
        pages[-1].append((row, height))
        used += height
    return pages, header_height


def row_height(row: Sequence[Cell], widths: Sequence[int], size: float) -> int:
    """Return the height of a row in EMU: its tallest cell's lines at ``size``, with the cell margins."""
    lines = max(text_lines(cell.text, width - 2 * CELL_SIDE_MARGIN, size, bold=cell.bold)
                for cell, width in zip(row, widths, strict=True))
    return int(lines * size * LINE_SPACING * EMU_PER_PT + 2 * CELL_MARGIN + EMU_PER_PT)


def draw_table(slide, columns: Sequence[Column], widths: Sequence[int], page: list[tuple[list[Cell], int]],
               header_height: int, size: float, top: int) -> None:
    """Draw one page of a table on ``slide``: the header row, then the page's rows at their measured heights."""
    height = header_height + sum(h for _, h in page)
    shape = slide.shapes.add_table(len(page) + 1, len(columns), LEFT, top, WIDTH, height)
    table = shape.table
    table.first_row = True
    # Written straight into the table's XML: python-pptx's cell API costs ≈ 0.45 ms a cell and its
    # row-height setter re-adds every row's height (bench/README.md, « Diaporamas »); the XML is
    # the one that API writes (tests/test_decks.py compares them).
    for grid_col, width in zip(table._tbl.tblGrid.gridCol_lst, widths, strict=True):
        grid_col.set("w", str(width))
    shape.width = Emu(sum(widths))
    rows = table._tbl.tr_lst
    rows[0].set("h", str(header_height))
    head_size = header_size(columns, widths, size)
    for tc, column in zip(rows[0].tc_lst, columns, strict=True):
        write_cell(tc, column.header, head_size, bold=True, colour=WHITE, fill=DARK_BLUE, align=column.align)
    for r, (tr, (row, height_of_row)) in enumerate(zip(rows[1:], page, strict=True), start=1):
        tr.set("h", str(height_of_row))
        for tc, cell, column in zip(tr.tc_lst, row, columns, strict=True):
            fill = STATUS_LIGHT.get(cell.status) if cell.status else (LIGHT if r % 2 == 0 else WHITE)
            write_cell(tc, cell.text, size, bold=cell.bold, colour=TEXT, fill=fill, align=column.align)


def bullet_pages(entries: list[tuple[int, str]]) -> list[tuple[list[tuple[int, str]], float]]:
    """Return the bullets in pages with their size: 20, 18 or 16 pt on one page, else 14 pt on as many as needed."""
    def heights(size: float) -> list[int]:  # each entry measured once per size
        return [text_height(("  " * level) + "• " + text, WIDTH - 2 * CELL_SIDE_MARGIN, size - 2 * level)
                + int(size * 0.4 * EMU_PER_PT) for level, text in entries]
    for size in (20.0, 18.0, 16.0):
        if sum(heights(size)) <= HEIGHT:
            return [(entries, size)]
    pages, current, used = [], [], 0
    for entry, height in zip(entries, heights(14.0), strict=True):
        if current and used + height > HEIGHT:
            pages.append((current, 14.0))
            current, used = [], 0
        current.append(entry)
        used += height
    pages.append((current, 14.0))
    return pages
