"""What blocks an operation à lancer, as the comité de suivi, the point mensuel and the COPIL show it (issue #13).

« Prérequis ouverts : aucun » in green only when nothing stands before the works start; otherwise what blocks it
in words, coloured as the worst alert the rules raise on the operation. Small programmes built in code (at
30/09/2011, caducité 24 months after the DAS) pin each blocker down; the shipped master checks PER-DEM-06.
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from pptx import Presentation

from opc_excel.compute.alerts import evaluate
from opc_excel.compute.indicators import compute_indicators
from opc_excel.model import Dependency
from opc_excel.pipeline import check_file
from opc_excel.read import contract
from opc_excel.render.decks import build_deck
from opc_excel.render.decks.look import STATUS_LIGHT
from opc_excel.report import CheckReport
from opc_excel.text import plain
from tests.programmes import funding, household, operation, programme

MASTER = Path(__file__).resolve().parents[1] / "workbooks" / "perseigne_master.xlsx"
FILL = {str(rgb): name for name, rgb in STATUS_LIGHT.items()}
LAUNCHES = {"comite-suivi": "5 opérations bloquées sur 6 à lancer d'ici le ",
            "point-mensuel": "5 opérations bloquées sur 6 opérations à lancer d'ici 6 mois",
            "copil": "D'ici le "}  # the COPIL's perspectives: « D'ici le 31/03/2012 : 6 lancements dont 5 bloqués… »


def _start(day: date) -> dict:
    return {"works_start": dict(convention=day, forecast=day)}


def blocked_programme():
    """One operation per blocker, each starting within three months, and one with nothing open."""
    ops = [
        operation("OP-OK", status="Études", das=dict(convention=date(2011, 3, 1), actual=date(2011, 3, 1)),
                  **_start(date(2011, 11, 1))),
        operation("OP-CADUQUE", status="Études", das=dict(convention=date(2009, 6, 13), actual=date(2009, 6, 13)),
                  **_start(date(2011, 11, 15))),
        operation("OP-AVANT", status="Études", das=dict(convention=date(2009, 12, 10), actual=date(2009, 12, 10)),
                  **_start(date(2011, 12, 20))),
        operation("OP-DEM", famille=contract.DEMOLITION, status="Études", **_start(date(2011, 12, 1))),
        operation("OP-AMONT", famille=contract.DEMOLITION, works_start=dict(convention=date(2011, 3, 1),
                  actual=date(2011, 3, 1)), delivery=dict(convention=date(2011, 12, 15))),
        operation("OP-SUITE", status="Études", **_start(date(2011, 12, 1))),
        operation("OP-FIN", status="Études", **_start(date(2011, 11, 20))),
    ]
    return programme(
        ops, funding=[funding("OP-FIN", funder="Conseil général de l'Orne", amount=50_000, status="Sollicité")],
        households=[household(f"M-{n:03}", "OP-DEM") for n in range(12)],
        dependencies=[Dependency("OP-AMONT", "OP-SUITE", 1)])


def cells_by_operation(deck, title: str) -> dict[str, tuple[str, str | None]]:
    """Return {operation id: (the last cell's text, its colour name)} of the table on the slides of ``title``.

    A ``title`` ending with a space is the start of a title computed from the data.
    """
    found = {}
    for slide in deck.slides:
        text = "" if slide.shapes.title is None else plain(slide.shapes.title.text_frame.text)
        if text != title and not (title.endswith(" ") and text.startswith(title)):
            continue
        table = next(s for s in slide.shapes if s.has_table).table
        for row in list(table.rows)[1:]:
            name = next((plain(c.text) for c in row.cells if plain(c.text).startswith(("OP-", "PER-", "COU-"))), None)
            if name is None:
                continue  # « … et N autres »
            last = row.cells[len(row.cells) - 1]
            try:
                colour = FILL.get(str(last.fill.fore_color.rgb))
            except (AttributeError, TypeError):
                colour = None
            found[name.split(" — ")[0]] = (plain(last.text), colour)
    return found


@pytest.fixture(scope="module")
def small_report() -> CheckReport:
    p = blocked_programme()
    return CheckReport(p, (), {}, indicators=compute_indicators(p), alerts=tuple(evaluate(p)))


@pytest.fixture(scope="module")
def small_decks(small_report) -> dict:
    return {kind: Presentation(io.BytesIO(build_deck(small_report, kind))) for kind in LAUNCHES}


EXPECTED = {
    "OP-OK": ("aucun", "vert"),
    "OP-CADUQUE": ("DAS caduque depuis le 13/06/2011", "rouge"),
    "OP-AVANT": ("DAS caduque le 10/12/2011, avant le démarrage", "rouge"),
    "OP-DEM": ("12 ménages à reloger", "rouge"),
    "OP-SUITE": ("démolition de OP-AMONT pas finie avant le 15/01/2012", "rouge"),
    "OP-FIN": ("financement non acquis", "orange"),
}


class DescribeWhatBlocksALaunch:
    @pytest.mark.parametrize("op_id", sorted(EXPECTED))
    def it_names_the_blocker_in_the_colour_of_the_worst_alert(self, small_decks, op_id):
        text, colour = EXPECTED[op_id]
        assert cells_by_operation(small_decks["comite-suivi"], LAUNCHES["comite-suivi"])[op_id] == (text, colour)
        assert cells_by_operation(small_decks["point-mensuel"], LAUNCHES["point-mensuel"])[op_id] == (text, colour)
        assert cells_by_operation(small_decks["copil"], LAUNCHES["copil"])[op_id] == (text, colour)

    def it_agrees_with_the_alerts_raised_on_the_blocked_operations(self, small_report):
        codes = {(a.operation_id, a.code) for a in small_report.alerts}
        assert {("OP-CADUQUE", "FIN-05"), ("OP-DEM", "CAL-05"), ("OP-SUITE", "CAL-04"), ("OP-FIN", "FIN-10")} <= codes
        assert not {code for op, code in codes if op == "OP-OK"} & {"FIN-05", "CAL-05", "CAL-04", "FIN-10"}

    def it_counts_the_blocked_launches_by_famille_beyond_the_outlook_rows(self, small_report, monkeypatch):
        from opc_excel.render.decks import copil_calendar
        monkeypatch.setattr(copil_calendar, "MAX_OUTLOOK_ROWS", 1)
        deck = Presentation(io.BytesIO(build_deck(small_report, "copil")))
        slide = next(s for s in deck.slides if s.shapes.title is not None
                     and plain(s.shapes.title.text_frame.text).startswith(LAUNCHES["copil"]))
        table = next(s for s in slide.shapes if s.has_table).table
        assert plain(table.cell(0, 0).text) == "Famille"
        total = [c.text for c in list(table.rows)[-1].cells]
        assert total[:4] == ["Total", "0", "6", "5"]  # none late at the séance, six launches, five of them blocked


class DescribeTheMaster:
    def it_does_not_paint_a_blocked_demolition_green(self):
        report = check_file(MASTER, at=None, today=date(2026, 1, 1))
        deck = Presentation(io.BytesIO(build_deck(report, "comite-suivi")))
        cells = cells_by_operation(deck, "8 opérations bloquées sur 13 à lancer d'ici le ")
        assert cells["PER-DEM-06"] == ("DAS caduque le 21/02/2012, 12 ménages à reloger", "rouge")
        assert cells["PER-RES-06"] == ("DAS caduque depuis le 13/06/2011", "rouge")
        assert cells["PER-AME-07"] == ("démolition de PER-DEM-05 pas finie avant le 15/01/2012", "rouge")
