"""The S-curve slide opened with python-pptx: one figure, one value; the actual curves from Historique plus today."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date, timedelta
from types import MappingProxyType

import pytest
from pptx import Presentation
from pptx.oxml.ns import qn

from opc_excel.compute.alerts import evaluate
from opc_excel.compute.indicators import compute_indicators
from opc_excel.fr import fr_date, fr_percent
from opc_excel.read.history import AT_HEADER
from opc_excel.render.decks import build_deck
from opc_excel.report import CheckReport
from opc_excel.text import plain
from tests.programmes import AT, funding, operation, programme

# Historique rows as a refresh writes them (rates as Excel fractions); the last one is t's own, replaced by today
HISTORY = (
    {AT_HEADER: date(2010, 9, 30), "Subvention ANRU (€)": 600_000, "Taux d'engagement ANRU": 0.0,
     "Taux de paiement ANRU": 0.0, "Reste à engager (€)": 600_000, "Reste à payer (€)": 0},
    {AT_HEADER: date(2011, 3, 31), "Subvention ANRU (€)": 600_000, "Taux d'engagement ANRU": 0.5,
     "Taux de paiement ANRU": 0.1, "Reste à engager (€)": 300_000, "Reste à payer (€)": 240_000},
    {AT_HEADER: date(2011, 6, 30), "Subvention ANRU (€)": 600_000, "Taux d'engagement ANRU": 0.5,
     "Taux de paiement ANRU": 0.2, "Reste à engager (€)": 300_000, "Reste à payer (€)": 180_000},
    {AT_HEADER: AT, "Subvention ANRU (€)": 1, "Taux d'engagement ANRU": 0.99},
)


def history_report() -> CheckReport:
    ops = [operation("OP-1", das=dict(convention=date(2010, 6, 30), actual=date(2011, 1, 15)),
                     works_start=dict(convention=date(2010, 9, 1)), delivery=dict(convention=date(2012, 3, 31))),
           operation("OP-2", das=dict(convention=date(2011, 8, 31), forecast=date(2012, 2, 1)))]
    lines = [funding("OP-1", "ANRU", 300_000, "Notifié", engaged=300_000, paid=150_000),
             funding("OP-2", "ANRU", 300_000, "Sollicité")]
    p = programme(ops, funding=lines)
    return CheckReport(p, (), {}, indicators=compute_indicators(p), alerts=tuple(evaluate(p)),
                       summary_history=HISTORY)


@pytest.fixture(scope="module")
def slide():
    deck = Presentation(io.BytesIO(build_deck(history_report(), "copil")))
    return s_curve_slide(deck)


def s_curve_slide(deck):
    """Return the slide whose chart plots the planned engagement (its title states the finding, not the topic)."""
    return next(s for s in deck.slides for shape in s.shapes
                if shape.has_chart and "Engagement prévu" in [x.name for x in shape.chart.plots[0].series])


EXCEL_EPOCH = date(1899, 12, 30)


def series_of(slide) -> tuple[list[str], dict[str, list]]:
    """Return the categories as dates written JJ/MM/AAAA (a time axis: Excel serial days) and the series."""
    chart = next(s for s in slide.shapes if s.has_chart).chart
    days = [fr_date(EXCEL_EPOCH + timedelta(days=int(float(c)))) for c in chart.plots[0].categories]
    return days, {s.name: list(s.values) for s in chart.plots[0].series}


class DescribeTheSCurveSlide:
    def it_ends_the_axis_one_semester_after_the_convention_end(self, slide):
        categories, _ = series_of(slide)
        assert (categories[0], categories[-1]) == ("30/06/2008", "30/06/2014")  # signed 28/01/2008, ends 31/12/2013

    def it_spaces_the_points_by_their_dates_on_a_time_axis(self, slide):
        chart = next(s for s in slide.shapes if s.has_chart).chart
        axis = chart.category_axis._element  # noqa: SLF001
        assert axis.tag.endswith("dateAx") and axis.find(qn("c:majorUnit")).get("val") == "6"

    def it_plots_one_actual_point_per_history_row_before_t_and_today(self, slide):
        categories, series = series_of(slide)
        for name in ("Engagé", "Versé"):
            dated = [(c, v) for c, v in zip(categories, series[name], strict=True) if v is not None]
            assert [c for c, _ in dated] == ["30/09/2010", "31/03/2011", "30/06/2011", "30/09/2011"]
        assert [v for v in series["Engagé"] if v is not None] == pytest.approx([0, 50, 50, 50])
        assert [v for v in series["Versé"] if v is not None] == pytest.approx([0, 10, 20, 25])

    def it_captions_the_planned_value_plotted_at_t(self, slide):
        categories, series = series_of(slide)
        planned_at_t = series["Engagement prévu"][categories.index("30/09/2011")]
        # OP-1's DAS planned 30/06/2010, OP-2's 31/08/2011: both by t, all of it (the S2 2011 end says the same)
        assert planned_at_t == 100.0
        text = plain("\n".join(s.text_frame.text for s in slide.shapes if s.has_text_frame))
        assert f"Prévu à date : {fr_percent(planned_at_t)}" in text
        assert f"Engagé : {fr_percent(50)}" in text

    def it_reads_the_prevu_a_date_at_t_not_at_the_semester_end(self):
        report = history_report()
        p = report.programme
        later = [replace_das(op, date(2011, 11, 30)) if op.id == "OP-2" else op for op in p.operations]
        p2 = programme(later, funding=p.funding)
        deck = Presentation(io.BytesIO(build_deck(CheckReport(p2, (), {}, indicators=compute_indicators(p2),
                                                               alerts=(), summary_history=HISTORY), "copil")))
        s = s_curve_slide(deck)
        categories, series = series_of(s)
        assert series["Engagement prévu"][categories.index("30/09/2011")] == 50.0  # OP-2's DAS not yet due at t
        assert series["Engagement prévu"][categories.index("31/12/2011")] == 100.0
        text = plain("\n".join(shape.text_frame.text for shape in s.shapes if shape.has_text_frame))
        assert f"Prévu à date : {fr_percent(50)}" in text


def replace_das(op, convention: date):
    """Return the operation with its DAS planned on another convention date."""
    milestones = dict(op.milestones)
    milestones["DAS"] = replace(milestones["DAS"], convention=convention)
    return replace(op, milestones=MappingProxyType(milestones))
