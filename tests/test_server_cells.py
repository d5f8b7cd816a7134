"""Cell values the add-in receives that no .xlsx file could hold: the answer is a problem in *Contrôles*.

Office.js sends cell values as JSON, and a JavaScript string may hold what XML 1.0 forbids (a lone
surrogate, U+FFFE, U+FFFF, control characters): each such cell is a DQ-TYPE problem naming its sheet
and cell, and the refresh still writes every output sheet.
"""

from __future__ import annotations

import json
import os

import openpyxl
import pytest
from fastapi.testclient import TestClient

from tests.factory import make_workbook
from tests.test_output_backends import ExcelActions, office_payload
from tests.test_server import LOCAL, SCRIPT_URL, TODAY, sent_sheets

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")  # tests and local dev only, see README

from opc_excel.server import scripts  # noqa: E402
from opc_excel.server.app import create_app  # noqa: E402
from opc_excel.server.limits import UNEXPECTED  # noqa: E402


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(local=True), base_url=LOCAL) as test_client:
        yield test_client


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(scripts, "today", lambda: TODAY)


def post_with(client, path, script: str, cells: dict[tuple[str, str], str]) -> dict:
    """Return the JSON answer to *script* for the workbook at *path*, some cells replaced by raw text."""
    payload = office_payload(path, sent_sheets(path, script))
    sheets = {sheet["name"]: sheet for sheet in payload["sheets"]}
    for (sheet, address), text in cells.items():
        column, row = openpyxl.utils.cell.coordinate_from_string(address)
        sheets[sheet]["values"][row - 1][openpyxl.utils.column_index_from_string(column) - 1] = text
    body = json.dumps(payload).encode("ascii")  # as JSON.stringify sends a lone surrogate: \\ud83d
    response = client.post(SCRIPT_URL.format(script), content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 200 and response.text != UNEXPECTED, response.text
    return response.json()


ILLEGAL = {  # (sheet, cell) -> what Excel sent
    ("Opérations", "B2"): "Démolition \ud83d Ronsard",  # half of an emoji: a lone surrogate
    ("Opérations", "Q3"): "note\ufffe",
    ("Jalons", "H2"): "fin\uffff",
    ("Financements", "I2"): "DAS\x01n° 2010-01",
    ("Actions", "E2"): "Relancer\x0b les propositions",
}


class DescribeTextThatXmlCannotHold:
    @pytest.mark.parametrize("script", ["controler", "actualiser"])
    def it_reports_each_cell_in_controles_and_still_writes_the_sheets(self, client, tmp_path, script):
        master = make_workbook(tmp_path, name="classeur.xlsx")
        excel = ExcelActions(openpyxl.load_workbook(master)).apply(post_with(client, master, script, ILLEGAL))
        controles = excel.workbook["Contrôles"]
        rows = [[c.value for c in row] for row in controles.iter_rows()]
        header = next(i for i, row in enumerate(rows) if "Code" in row)
        columns = {name: rows[header].index(name) for name in ("Feuille", "Cellule", "Code", "Message", "Valeur lue")}
        found = {(row[columns["Feuille"]], row[columns["Cellule"]]): row for row in rows[header + 1:]}
        for where in ILLEGAL:
            assert where in found, (where, rows)
            row = found[where]
            assert row[columns["Code"]] == "DQ-TYPE"
            assert "caractère" in row[columns["Message"]] and "retapez" in row[columns["Message"]]
        [summary] = excel.summaries
        assert summary["bloquants"] >= len(ILLEGAL)

    def it_keeps_a_note_of_alertes_holding_half_an_emoji_with_a_replacement_mark(self, client, tmp_path):
        from datetime import date
        from io import StringIO

        from opc_excel.cli import main

        master = make_workbook(tmp_path, name="classeur.xlsx")
        main(["refresh", str(master), "--in-place"], today=date(2026, 1, 1), stdout=StringIO(), stderr=StringIO())
        alertes = openpyxl.load_workbook(master)["Alertes"]
        comment = next(c.column_letter for c in alertes[3] if c.value == "Commentaire")
        answer = post_with(client, master, "actualiser", {("Alertes", f"{comment}4"): "voir \ud83d avec le MOA\ufffe"})
        excel = ExcelActions(openpyxl.load_workbook(master)).apply(answer)
        notes = [c.value for c in excel.workbook["Alertes"][comment] if isinstance(c.value, str)]
        assert "voir \ufffd avec le MOA\ufffd" in notes


class DescribeAnUnreadableDateDeSituation:
    def it_tells_the_task_pane_only_controles_was_rewritten_and_writes_nothing_else(self, client, tmp_path):
        master = make_workbook(tmp_path, name="classeur.xlsx")
        excel = ExcelActions(openpyxl.load_workbook(master))
        excel.apply(post_with(client, master, "actualiser", {("Paramètres", "B8"): "fin septembre"}))
        [summary] = excel.summaries
        assert summary["feuilles"] == ["Contrôles"] and summary["date_de_situation"] == "illisible"
        assert "seule la feuille Contrôles est réécrite" in summary["message"]
        assert "Situation au" not in summary["message"]  # not at today's date, as if it were the situation
        assert excel.touched == {"Contrôles"}
