"""Charts of the written documents, drawn as PNG images with matplotlib from the decks' series.

The *courbes en S* are ``Situation.s_curve``, the points the decks' native chart plots: planned engagement and
planned payments at each semester's end and date de situation, engaged and paid at each date de situation
(*Historique* and today), as % of the ANRU subsidy, on a time axis. No pyplot: a figure of its own each
time, so that nothing global changes and two runs draw the same image.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from matplotlib.dates import YearLocator, num2date
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from opc_excel.compute.indicators.scurve import SCurvePoint
from opc_excel.fr import fr_date

DARK_BLUE, BLUE, ORANGE, GREY = "#1F3864", "#2F75B5", "#ED7D31", "#7F7F7F"
CM = 1 / 2.54
# series name -> (value of a point, colour, line style, marker): the deck's four series, in its order
S_CURVE_SERIES = {
    "Engagement prévu": (lambda p: p.planned_pct, BLUE, "--", None),
    "Engagé": (lambda p: p.engaged_pct, DARK_BLUE, "-", "o"),
    "Versements prévus": (lambda p: p.planned_paid_pct, GREY, "--", None),
    "Versé": (lambda p: p.paid_pct, ORANGE, "-", "s"),
}


def s_curve_png(points: Sequence[SCurvePoint], width_cm: float = 17, height_cm: float = 9) -> bytes:
    """Return the *courbes en S* as a PNG: the planned curves by semester, the actual ones through their dated points.

    A point without a value (no actual figure at a semester's end) is left out of its series, so the actual
    curves join their dates de situation, as the deck's chart does (« span » across the gaps).
    """
    figure = Figure(figsize=(width_cm * CM, height_cm * CM), dpi=200)
    axes = figure.add_subplot()
    for name, (value, colour, style, marker) in S_CURVE_SERIES.items():
        kept = [(p.day, value(p)) for p in points if value(p) is not None]
        if kept:
            axes.plot([d for d, _ in kept], [v for _, v in kept], label=name, color=colour, linestyle=style,
                      marker=marker, markersize=3.5, linewidth=1.6)
    now = next((p for p in reversed(points) if p.engaged_pct is not None), None)
    if now is not None:
        axes.axvline(now.day, color=GREY, linewidth=0.8, linestyle=":")
        axes.annotate(f"situation au {fr_date(now.day)}", (now.day, 3), fontsize=7, color=GREY,
                      rotation=90, ha="right", va="bottom")
    axes.set_ylim(0, 105)
    axes.yaxis.set_major_formatter(PercentFormatter(decimals=0, symbol="\u00a0%"))
    axes.xaxis.set_major_locator(YearLocator())
    axes.xaxis.set_major_formatter(lambda value, _: str(_year(value)))
    axes.tick_params(labelsize=8)
    axes.grid(axis="y", color="#D9D9D9", linewidth=0.6)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.legend(fontsize=8, frameon=False, loc="upper left")
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png", metadata={"Software": None})
    return out.getvalue()


def _year(value: float) -> int:
    return num2date(value).year
