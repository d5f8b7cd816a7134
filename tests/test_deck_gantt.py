"""The Gantt slides (gantt.py), opened with python-pptx as a reader of the deck would check them.

A small programme built in code pins down the rows, the colours, the DAS marks and the convention end line;
the shipped master (96 operations) shows the late operations first on one slide, counted as the
« Livraisons en glissement » slide counts them.
"""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.dml.color import RGBColor

from opc_excel.compute.alerts import evaluate
from opc_excel.compute.indicators import compute_indicators
from opc_excel.model import Params
from opc_excel.pipeline import check_file
from opc_excel.read import contract
from opc_excel.render.decks import build_deck, gantt
from opc_excel.render.decks.look import LEFT, STATUS, WIDTH
from opc_excel.report import CheckReport
from opc_excel.text import plain
from tests.programmes import AT, operation, programme

TODAY = date(2026, 1, 1)
MASTER = Path(__file__).resolve().parents[1] / "workbooks" / "perseigne_master.xlsx"
KINDS = [("comite-suivi", None), ("reunion-restreinte", "technique")]
WHITE = (0xFF, 0xFF, 0xFF)


def report_for(p) -> CheckReport:
    """Return the report of a programme built in code (no workbook, no history)."""
    return CheckReport(p, (), {}, indicators=compute_indicators(p), alerts=tuple(evaluate(p)))


def five_operations():
    """At 30/09/2011, thresholds 6 and 12 months, convention ending 31/12/2013."""
    return programme([
        operation("OP-1", works_start=dict(convention=date(2010, 3, 1), actual=date(2010, 3, 1)),  # on time
                  delivery=dict(convention=date(2012, 6, 30), forecast=date(2012, 6, 30)),
                  das=dict(convention=date(2009, 12, 1), actual=date(2009, 12, 1))),
        operation("OP-2", works_start=dict(convention=date(2011, 1, 1), actual=date(2011, 2, 1)),  # +8 months
                  delivery=dict(convention=date(2012, 1, 31), forecast=date(2012, 9, 30)),
                  das=dict(convention=date(2010, 10, 1), actual=date(2010, 10, 15))),
        operation("OP-3", works_start=dict(convention=date(2011, 6, 1), forecast=date(2012, 1, 1)),  # +14 months
                  delivery=dict(convention=date(2012, 6, 30), forecast=date(2013, 8, 31)),
                  das=dict(convention=date(2011, 3, 1), forecast=date(2011, 12, 1))),
        operation("OP-4", works_start=dict(convention=date(2011, 1, 1), actual=date(2011, 1, 10)),  # +3 months
                  delivery=dict(convention=date(2012, 3, 31), forecast=date(2012, 6, 30))),
        operation("OP-5", works_start=dict(convention=date(2010, 6, 1), actual=date(2010, 6, 1)),  # stale
                  delivery=dict(convention=date(2011, 8, 31), forecast=date(2011, 8, 31))),
    ])


def gantt_slides(deck) -> list:
    return [s for s in deck.slides if any(shape.name.startswith("Gantt") for shape in s.shapes)]


def named(slide, prefix: str) -> dict[str, object]:
    """Return the slide's shapes whose name starts with ``prefix``, by the rest of their name."""
    return {s.name[len(prefix):].strip(): s for s in slide.shapes if s.name.startswith(prefix)}


def fill(shape) -> RGBColor:
    return shape.fill.fore_color.rgb


def contrast(colour: RGBColor, background=WHITE) -> float:
    def luminance(rgb) -> float:
        channels = [c / 255 for c in rgb]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    high, low = sorted((luminance(tuple(colour)), luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.fixture(scope="module", params=KINDS, ids=[k for k, _ in KINDS])
def small(request):
    kind, theme = request.param
    deck = Presentation(io.BytesIO(build_deck(report_for(five_operations()), kind, theme=theme)))
    (slide,) = gantt_slides(deck)
    return deck, slide


@pytest.fixture(scope="module")
def master_decks():
    report = check_file(MASTER, at=None, today=TODAY)
    return report, {kind: Presentation(io.BytesIO(build_deck(report, kind, theme=theme))) for kind, theme in KINDS}


class DescribeASmallProgramme:
    def it_draws_one_bar_per_operation(self, small):
        _, slide = small
        rows = named(slide, "Gantt libellé")
        assert sorted(rows) == ["OP-1", "OP-2", "OP-3", "OP-4", "OP-5"]
        assert [plain(rows[i].text_frame.text).split(" — ")[0] for i in sorted(rows)] == sorted(rows)
        bars = {**named(slide, "Gantt barre"), **named(slide, "Gantt retard")}
        assert set(bars) == set(rows)

    def it_states_the_finding_in_the_title(self, small):
        _, slide = small
        assert plain(slide.shapes.title.text) == ("4 livraisons sur 5 prévues après la date contractuelle, dont 1 de "
                                                  "12 mois ou plus ; 1 prévision échue")

    def it_draws_a_diamond_for_each_das_filled_once_obtained(self, small):
        _, slide = small
        diamonds = named(slide, "Gantt DAS")
        assert sorted(diamonds) == ["OP-1", "OP-2", "OP-3"]
        assert all(d.auto_shape_type == 4 for d in diamonds.values())  # MSO_SHAPE.DIAMOND
        assert fill(diamonds["OP-1"]) != RGBColor(0xFF, 0xFF, 0xFF)
        assert fill(diamonds["OP-3"]) == RGBColor(0xFF, 0xFF, 0xFF)  # forecast only: outlined
        legend = plain(named(slide, "Gantt légende")[""].text_frame.text)
        assert "◆ DAS obtenue" in legend

    def it_draws_the_convention_end_where_the_date_falls(self, small):
        _, slide = small
        (line,) = named(slide, "Gantt ligne fin de la convention").values()
        first, last, end = date(2009, 1, 1), date(2014, 12, 31), date(2013, 12, 31)  # 2 months after the end
        left = LEFT + gantt.LABEL_WIDTH
        expected = left + (WIDTH - gantt.LABEL_WIDTH - gantt.LATE_WIDTH) * (end - first).days / (last - first).days
        assert abs(line.begin_x - expected) < 12_700 and line.begin_x == line.end_x
        assert line.line.dash_style is not None
        label = named(slide, "Gantt repère fin de la convention")[""]
        assert plain(label.text_frame.text) == "Fin de la convention 31/12/2013"
        (today,) = named(slide, "Gantt ligne situation").values()
        assert today.begin_x < line.begin_x

    def it_colours_by_lateness_against_the_thresholds(self, small):
        _, slide = small
        bars, late, words = named(slide, "Gantt barre"), named(slide, "Gantt retard"), named(slide, "Gantt écart")
        alarm = {STATUS["rouge"], STATUS["orange"]}
        assert fill(bars["OP-1"]) not in alarm and "OP-1" not in late and "OP-1" not in words  # on time
        assert fill(late["OP-2"]) == STATUS["orange"] and plain(words["OP-2"].text_frame.text) == "+8 mois"
        assert fill(late["OP-3"]) == STATUS["rouge"] and plain(words["OP-3"].text_frame.text) == "+14 mois"
        assert fill(late["OP-4"]) not in alarm and plain(words["OP-4"].text_frame.text) == "+3 mois"
        assert fill(bars["OP-2"]) not in alarm  # up to the contractual date, the bar is neutral

    def it_never_shows_a_stale_forecast_as_on_time(self, small):
        _, slide = small
        assert fill(named(slide, "Gantt retard")["OP-5"]) in {STATUS["rouge"], STATUS["orange"]}
        # due 31/08/2011, forecast the same day, nothing delivered at 30/09/2011: late until t, as CAL-02 says
        assert plain(named(slide, "Gantt écart")["OP-5"].text_frame.text) == "+1 mois, prévision échue"
        assert "OP-5" in named(slide, "Gantt échue")  # the bar runs on, dashed, to the date de situation

    def it_writes_text_of_10_pt_at_least_with_a_contrast_of_4_5(self, small):
        _, slide = small
        runs = [r for s in slide.shapes if s.name.startswith("Gantt") and s.has_text_frame
                for p in s.text_frame.paragraphs for r in p.runs]
        assert runs
        for run in runs:
            assert run.font.size.pt >= 10, run.text
            assert contrast(run.font.color.rgb) >= 4.5, (run.text, run.font.color.rgb)

    def it_keeps_every_shape_on_the_slide(self, small):
        deck, slide = small
        for shape in slide.shapes:
            assert 0 <= shape.left and shape.left + shape.width <= deck.slide_width, shape.name
            assert 0 <= shape.top and shape.top + shape.height <= deck.slide_height, shape.name


class DescribeRows:
    def it_takes_the_stale_forecast_as_late_and_the_delivered_as_done(self):
        bars = {b.operation_id: b for b in gantt.gantt_bars(five_operations(), AT)}
        assert bars["OP-5"].stale and bars["OP-5"].status == "orange"
        assert [b.status for b in bars.values()] == ["bleu", "orange", "rouge", "bleu", "orange"]

    def it_measures_against_the_avenant_when_there_is_one(self):
        op = operation("OP-1", works_start=dict(convention=date(2011, 1, 1), actual=date(2011, 1, 1)),
                       delivery=dict(convention=date(2012, 1, 31), avenant=date(2012, 9, 30),
                                     forecast=date(2012, 9, 30)))
        bar = gantt.operation_bar(op, AT, Params())
        assert bar.late_months == 0 and bar.status == "bleu" and bar.baseline == (date(2011, 1, 1), date(2012, 9, 30))

    def it_gives_one_slide_per_famille_when_three_familles_or_fewer_fit(self):
        ops = [operation(f"OP-{i}", famille="Aménagement" if i % 2 else "Réhabilitation",
                         works_start=dict(convention=date(2011, 1, 1), actual=date(2011, 1, 1)),
                         delivery=dict(convention=date(2012, 1, 31), forecast=date(2012, 1, 31)))
               for i in range(30)]
        deck = Presentation(io.BytesIO(build_deck(report_for(programme(ops)), "reunion-restreinte",
                                                  theme="technique")))
        slides = gantt_slides(deck)
        familles = contract.DEFAULT_LISTS[contract.FAMILLES]
        order = sorted(["Aménagement", "Réhabilitation"], key=familles.index)  # the order of the Listes
        assert [plain(s.shapes.title.text) for s in slides] == [
            f"{famille} : aucune livraison prévue après la date contractuelle" for famille in order]
        assert [len(named(s, "Gantt libellé")) for s in slides] == [15, 15]


class DescribeTheMaster:
    @pytest.mark.parametrize("kind", [k for k, _ in KINDS])
    def it_shows_the_late_deliveries_first_on_one_slide(self, master_decks, kind):
        report, decks = master_decks
        (slide,) = gantt_slides(decks[kind])  # 96 operations in 12 familles: the late ones first
        rows = named(slide, "Gantt libellé")
        assert len(rows) == gantt.MAX_ROWS
        months = [int(m.group(1)) for m in (re.match(r"\+(\d+) mois", plain(named(slide, "Gantt écart")[i]
                                                                             .text_frame.text))
                                            for i in rows) if m]
        assert months == sorted(months, reverse=True) and len(months) == gantt.MAX_ROWS
        pending = [s for s in report.indicators.slips if s.milestone == contract.DELIVERY and not s.done
                   and (s.vs_baseline_months or 0) > 0]  # what « Livraisons en glissement » counts
        assert plain(slide.shapes.title.text).startswith(f"{len(pending)} livraisons sur ")
        assert max(months) == max(s.vs_baseline_months for s in pending)
        assert "à l'heure" in plain(named(slide, "Gantt légende")[""].text_frame.text)

    @pytest.mark.parametrize("kind", [k for k, _ in KINDS])
    def it_marks_every_das_and_the_convention_end_on_the_slide(self, master_decks, kind):
        report, decks = master_decks
        (slide,) = gantt_slides(decks[kind])
        operations = {op.id: op for op in report.programme.operations}
        with_das = {i for i in named(slide, "Gantt libellé")
                    if (m := operations[i].milestone(contract.DAS)) is not None and m.expected}
        assert set(named(slide, "Gantt DAS")) == with_das and with_das
        assert plain(named(slide, "Gantt repère fin de la convention")[""].text_frame.text) == (
            f"Fin de la convention {report.programme.params.end_date:%d/%m/%Y}")
        for shape in slide.shapes:
            assert 0 <= shape.left and shape.left + shape.width <= decks[kind].slide_width, shape.name
            assert 0 <= shape.top and shape.top + shape.height <= decks[kind].slide_height, shape.name


class DescribeLabels:
    def it_cuts_a_long_libelle_to_one_line_with_an_ellipsis(self):
        long = "Démolition-reconstruction de la barre Ronsard et des garages attenants " * 20
        p = five_operations()
        ops = (replace(p.operations[0], label=long), *p.operations[1:])
        deck = Presentation(io.BytesIO(build_deck(report_for(replace(p, operations=ops)), "comite-suivi")))
        (slide,) = gantt_slides(deck)
        label = plain(named(slide, "Gantt libellé")["OP-1"].text_frame.text)
        assert label.startswith("OP-1 — Démolition-reconstruction") and label.endswith("…") and len(label) < 60
