"""The look the output sheets share: header and title fonts, the date format, rows tall enough for wrapped text.

And :func:`capped`: a text of ours cut to fit its cell, a user's value quoted in it cut first.
"""

from __future__ import annotations

import textwrap

from opc_excel.sheets.output import Font
from opc_excel.text import NAME_CAP, shorten, shorten_quotes

HEADER_FILL = "1F3864"
HEADER_FONT = Font(bold=True, color="FFFFFF")
TITLE_FONT = Font(bold=True, size=14, color="1F3864")
DATE_FORMAT = "DD/MM/YYYY"
LINE_HEIGHT = 15  # points per line of 11-pt text
MAX_ROW_HEIGHT = 409  # Excel's tallest row, in points


def capped(value: object, limit: int = NAME_CAP) -> object:
    """Return a text of ours cut to ``limit`` characters, a user's value quoted in it to ``QUOTE_CAP``; else ``value``.

    A message quotes what was typed (« … » ne figure pas dans la liste…): the value is cut, not the advice after it.
    """
    return shorten(shorten_quotes(value), limit) if isinstance(value, str) else value


def row_height(lines: int) -> float:
    """Return the height in points of a row of ``lines`` lines of text, no taller than Excel allows."""
    return min(LINE_HEIGHT * lines, MAX_ROW_HEIGHT)


def wrapped_lines(text: str, width: float) -> int:
    """Return about how many lines ``text`` takes in a wrapped column ``width`` characters wide.

    Lines break between words, as Excel and LibreOffice wrap, about 1.1 character of French text
    per unit of width (Calibri 11): rows sized so print whole, with no line over the next row.
    """
    per_line = max(int(width * 1.1) - 2, 1)
    return sum(max(1, len(textwrap.wrap(part, per_line))) for part in text.split("\n"))
