"""The Excel add-in through xlwings Server, without Excel: the ribbon's calls give what the command line gives.

Each test sends the workbook as the Office.js client does (only the sheets ``ribbon.js`` lists),
calls the script or route through FastAPI's TestClient, applies the returned actions back onto
the workbook with Excel's rules, and looks at the result as a user would.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from fastapi.testclient import TestClient

from opc_excel.cli import main
from opc_excel.read.contract import OUTPUT_SHEETS
from opc_excel.text import match_key
from tests.factory import clean_sheets, make_workbook, set_value
from tests.test_output_backends import ExcelActions, formats_of, office_payload, values_of

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")  # tests and local dev only, see README

from opc_excel.server import book as server_book  # noqa: E402 - after the licence key
from opc_excel.server import limits, routes, scripts  # noqa: E402
from opc_excel.server.app import (  # noqa: E402
    PROJECT_DIR,
    ServerConfigError,
    configure_environment,
    create_app,
    work_timeout_seconds,
)
from opc_excel.server.limits import UNEXPECTED, UNREADABLE  # noqa: E402

TODAY = date(2026, 1, 1)
SHIPPED_MASTER = Path(__file__).resolve().parents[1] / "workbooks" / "perseigne_master.xlsx"
RIBBON_JS = PROJECT_DIR / "static" / "js" / "ribbon.js"
TOKEN = "jeton-de-test-0123456789"
SCRIPT_URL = "/xlwings/custom-scripts-call/{}"
FAKE_PPTX = b"PK\x03\x04 un diaporama"
LOCAL = "http://localhost"  # a local server answers only to its own names (DNS rebinding)


def ribbon_sheets() -> dict[str, list[str]]:
    """Return the sheets ``ribbon.js`` sends for each call (its OPC_FEUILLES block)."""
    text = RIBBON_JS.read_text(encoding="utf-8")
    block = re.search(r"/\* FEUILLES \*/(.*?)/\* FIN FEUILLES \*/", text, re.DOTALL)
    return json.loads(block.group(1))


def sent_sheets(path: Path, call: str) -> list[str]:
    """Return the workbook's tab names ``ribbon.js`` includes for ``call`` (matched like opcCle)."""
    wanted = {match_key(name) for name in ribbon_sheets()[call]}
    return [name for name in openpyxl.load_workbook(path, read_only=True).sheetnames if match_key(name) in wanted]


def call_script(client: TestClient, path: Path, script: str, **kwargs) -> dict:
    response = client.post(SCRIPT_URL.format(script), json=office_payload(path, sent_sheets(path, script)), **kwargs)
    assert response.status_code == 200, response.text
    return response.json()


def refreshed_by_the_command_line(path: Path, tmp_path: Path) -> openpyxl.Workbook:
    out = tmp_path / "par-la-ligne-de-commande.xlsx"
    status = main(["refresh", str(path), "--out", str(out)], today=TODAY, stdout=io.StringIO(), stderr=io.StringIO())
    assert status in (0, 1)
    return openpyxl.load_workbook(out)


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(local=True), base_url=LOCAL) as test_client:
        yield test_client


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(scripts, "today", lambda: TODAY)


@pytest.fixture
def master_with_notes(tmp_path) -> Path:
    """A refreshed master in whose Alertes users typed notes: text that looks like formulas, a date, a column."""
    master = make_workbook(tmp_path, name="maître.xlsx")
    main(["refresh", str(master), "--in-place"], today=TODAY, stdout=io.StringIO(), stderr=io.StringIO())
    workbook = openpyxl.load_workbook(master)
    ws = workbook["Alertes"]
    headers = {c.value: c.column for c in ws[3]}
    ws.cell(3, ws.max_column + 1, "Note interne")
    notes = {"Mesure retenue": "=réunir le MOA", "Responsable": "-", "Commentaire": "@DG : voir avec Orne Habitat",
             "Échéance": datetime(2011, 11, 30), "Suivi": "En cours"}
    for header, value in notes.items():
        ws.cell(4, headers[header]).value = value
        ws.cell(4, headers[header]).data_type = "s" if isinstance(value, str) else ws.cell(4, headers[header]).data_type
    ws.cell(5, ws.max_column, "12")
    ws.cell(6, ws.max_column, "+33 2 33 32 40 00")
    workbook.save(master)
    return master


class DescribeActualiser:
    def it_writes_what_opc_excel_refresh_writes_keeping_what_users_typed(self, client, master_with_notes, tmp_path):
        expected = refreshed_by_the_command_line(master_with_notes, tmp_path)
        excel = ExcelActions(openpyxl.load_workbook(master_with_notes))
        excel.apply(call_script(client, master_with_notes, "actualiser"))
        assert excel.workbook.sheetnames == expected.sheetnames
        assert excel.touched <= set(OUTPUT_SHEETS)  # input sheets are never written
        for name in OUTPUT_SHEETS:
            assert values_of(excel.workbook[name]) == values_of(expected[name]), name
            assert formats_of(excel.workbook[name]) == formats_of(expected[name]), name
        alertes = excel.workbook["Alertes"]
        typed = {c.value: c for c in alertes[4]}
        assert "=réunir le MOA" in typed and typed["=réunir le MOA"].data_type == "s"  # text, not a formula
        assert "@DG : voir avec Orne Habitat" in typed and "-" in typed
        assert alertes.cell(5, alertes.max_column).value == "12"  # still text, not the number 12
        assert alertes.cell(6, alertes.max_column).value == "+33 2 33 32 40 00"

    def it_gives_the_task_pane_a_summary(self, client, master_with_notes):
        excel = ExcelActions(openpyxl.load_workbook(master_with_notes))
        excel.apply(call_script(client, master_with_notes, "actualiser"))
        [summary] = excel.summaries
        assert summary["date_de_situation"] == "30/09/2011" and summary["script"] == "actualiser"
        assert summary["bloquants"] == 0 and summary["alertes"]["Rouge"] + summary["alertes"]["Orange"] > 0
        assert summary["classeur"] == "maître.xlsx" and "Situation au 30/09/2011" in summary["message"]

    def it_refreshes_the_shipped_master_as_the_command_line_does(self, client, tmp_path):
        expected = refreshed_by_the_command_line(SHIPPED_MASTER, tmp_path)
        excel = ExcelActions(openpyxl.load_workbook(SHIPPED_MASTER))
        excel.apply(call_script(client, SHIPPED_MASTER, "actualiser"))
        for name in OUTPUT_SHEETS:
            assert values_of(excel.workbook[name]) == values_of(expected[name]), name
        assert excel.workbook["Historique jalons"].sheet_state == "hidden"


class DescribeConcurrentCalls:
    def it_gives_each_of_two_overlapping_calls_its_own_summary_and_finishing(self, client, tmp_path, monkeypatch):
        # both requests are inside the worker at once, each book already opened: the moment the
        # shared remote App of xlwings pointed at the other request's book
        both_inside = threading.Barrier(2, timeout=30)

        def overlapping(book, today):
            both_inside.wait()
            return server_book.run_actualiser(book, today)
        monkeypatch.setattr(scripts, "run_actualiser", overlapping)
        books = [make_workbook(tmp_path, name=f"{name}.xlsx") for name in ("ville", "bailleur")]
        with ThreadPoolExecutor(2) as pool:
            responses = list(pool.map(lambda path: call_script(client, path, "actualiser"), books))
        for path, response in zip(books, responses, strict=True):
            excel = ExcelActions(openpyxl.load_workbook(path)).apply(response)
            [summary] = excel.summaries
            assert summary["classeur"] == path.name
            finished = [a["args"][0] for a in response["actions"] if a["func"] == "runMacro"
                        and a["args"][0] == "opcFinitions"]
            assert len(finished) == len(OUTPUT_SHEETS)

    def it_keeps_no_workbook_in_memory_after_a_call(self, client, master_with_notes):
        from xlwings.pro import _xlremote

        call_script(client, master_with_notes, "actualiser")
        assert _xlremote.get_range_api.cache_info().currsize == 0


class DescribeControler:
    def it_rewrites_controles_only_with_links_to_the_cells(self, client, tmp_path):
        sheets = clean_sheets()
        set_value(sheets, "Opérations", 2, "Coût convention (€ HT)", "NC")
        set_value(sheets, "Jalons", 1, "Date convention", "S1 2010 ")
        master = make_workbook(tmp_path, sheets, name="gâché.xlsx", title_rows={"Opérations": 2})
        expected = refreshed_by_the_command_line(master, tmp_path)
        excel = ExcelActions(openpyxl.load_workbook(master)).apply(call_script(client, master, "controler"))
        assert excel.touched == {"Contrôles"}
        assert values_of(excel.workbook["Contrôles"]) == values_of(expected["Contrôles"])
        assert formats_of(excel.workbook["Contrôles"]) == formats_of(expected["Contrôles"])
        assert excel.workbook["Contrôles"]["C5"].hyperlink.location == "'Opérations'!G5"
        [summary] = excel.summaries
        assert (summary["bloquants"], summary["avertissements"]) == (1, 1)


class DescribeTheSheetsSent:
    def it_sends_the_same_sheets_from_ribbon_js_the_server_and_the_script_metadata(self, client):
        sent = ribbon_sheets()
        assert sent == {call: list(sheets) for call, sheets in server_book.SHEETS_SENT.items()}
        meta = {m["function_name"]: m["include"] for m in client.get("/xlwings/custom-scripts-meta.json").json()}
        assert meta == {call: ",".join(sent[call]) for call in ("controler", "actualiser")}

    def it_normalises_tab_names_in_javascript_as_the_server_does(self):
        node = shutil.which("node")
        if node is None:
            pytest.skip("node n'est pas installé : la fonction opcCle de ribbon.js n'est pas exécutée")
        function = re.search(r"function opcCle\(nom\) \{.*?\n\}", RIBBON_JS.read_text(encoding="utf-8"), re.DOTALL)
        names = ["Opérations", " OPERATIONS ", "Maître d’ouvrage", "Dépendances\u00a0", "Cœur", "Historique  jalons",
                 "ÉCHÉANCE", "Financements"]
        script = f"{function.group(0)}\nconsole.log(JSON.stringify({json.dumps(names)}.map(opcCle)));"
        result = subprocess.run([node, "-e", script], capture_output=True, text=True, check=True)
        assert json.loads(result.stdout) == [match_key(name) for name in names]

    def it_matches_tab_names_up_to_case_and_accents(self, tmp_path):
        sheets = clean_sheets()
        sheets["operations"] = sheets.pop("Opérations")
        master = make_workbook(tmp_path, sheets)
        assert "operations" in sent_sheets(master, "controler")

    def it_refuses_to_refresh_when_alertes_was_not_sent_and_changes_nothing(self, client, master_with_notes):
        without = [s for s in sent_sheets(master_with_notes, "actualiser") if s != "Alertes"]
        payload = office_payload(master_with_notes, without)
        response = client.post(SCRIPT_URL.format("actualiser"), json=payload)
        assert response.status_code == 400
        assert "Alertes" in response.text and "rien n'a été modifié" in response.text
        assert "actions" not in response.text


class DescribeErrors:
    def it_answers_an_unexpected_failure_in_french_without_a_traceback(self, client, master_with_notes,
                                                                       monkeypatch, caplog):
        def broken(book, today):
            raise RuntimeError("détail technique interne")
        monkeypatch.setattr(scripts, "run_actualiser", broken)
        response = client.post(SCRIPT_URL.format("actualiser"), json=office_payload(master_with_notes))
        assert response.status_code == 400 and response.text == scripts.UNEXPECTED
        assert "détail technique" in caplog.text  # for IT, in the log

    def it_refuses_to_rewrite_an_alertes_sheet_without_its_header_and_sends_no_action(self, client,
                                                                                     master_with_notes):
        workbook = openpyxl.load_workbook(master_with_notes)
        workbook["Alertes"].delete_rows(3)  # the header row, deleted by mistake; the notes below stay
        workbook.save(master_with_notes)
        response = client.post(SCRIPT_URL.format("actualiser"),
                               json=office_payload(master_with_notes, sent_sheets(master_with_notes, "actualiser")))
        assert response.status_code == 400
        assert "La feuille Alertes n'a plus sa ligne d'en-tête" in response.text and "actions" not in response.text

    def it_answers_a_body_that_is_not_a_workbook_in_french(self, client):
        for body in (b"pas du JSON", b"\xff\xfe"):
            response = client.post(SCRIPT_URL.format("actualiser"), content=body,
                                   headers={"Content-Type": "application/json"})
            assert response.status_code == 400 and response.text == UNREADABLE
        deck = client.post("/opc/deck/copil", content=b"[1, 2]")
        assert deck.status_code == 400 and "classeur lisible" in deck.text

    def it_answers_any_other_server_error_in_french(self, monkeypatch):
        def broken(book_data):
            raise RuntimeError("détail technique interne")
        monkeypatch.setattr("xlwings_server.dependencies.xw.Book", broken)
        with TestClient(create_app(local=True), base_url=LOCAL, raise_server_exceptions=False) as plain:
            response = plain.post(SCRIPT_URL.format("controler"), json={"sheets": []})
        assert response.status_code == 500 and response.text == UNEXPECTED


@pytest.fixture
def decks(monkeypatch) -> list[tuple]:
    """Replace ``opc_excel.render.decks.build_deck``; return the calls it receives."""
    import opc_excel.render.decks

    calls = []

    def build_deck(report, kind, theme=None, template=None):
        calls.append((report.at, kind, theme))
        return FAKE_PPTX
    monkeypatch.setattr(opc_excel.render.decks, "build_deck", build_deck)
    return calls


def post_deck(client: TestClient, path: Path, url: str, **kwargs):
    return client.post(url, json=office_payload(path, sent_sheets(path, "diaporama")), **kwargs)


class DescribeTheDeckRoute:
    def it_returns_the_pptx_of_the_workbook_sent(self, client, decks, tmp_path):
        response = post_deck(client, make_workbook(tmp_path), "/opc/deck/comite-suivi")
        assert response.status_code == 200 and response.content == FAKE_PPTX
        assert response.headers["content-type"] == routes.PPTX
        assert 'filename="comite-suivi_2011-09-30.pptx"' in response.headers["content-disposition"]
        assert decks == [(date(2011, 9, 30), "comite-suivi", None)]

    def it_passes_the_theme_of_the_restricted_meeting(self, client, decks, tmp_path):
        response = post_deck(client, make_workbook(tmp_path), "/opc/deck/reunion-restreinte?theme=financiere")
        assert response.status_code == 200
        assert decks == [(date(2011, 9, 30), "reunion-restreinte", "financiere")]
        assert "reunion-restreinte-financiere_2011-09-30.pptx" in response.headers["content-disposition"]

    @pytest.mark.parametrize(("url", "status", "words"), [
        ("/opc/deck/comite", 404, "inconnu"),  # not a kind
        ("/opc/deck/reunion-restreinte", 400, "thème"),  # the theme is missing
        ("/opc/deck/reunion-restreinte?theme=urbaine", 400, "thème"),  # not a theme
        ("/opc/deck/comite-suivi?theme=sociale", 400, "réunion restreinte"),  # a theme where none applies
        ("/opc/deck/copil?format=pdf", 400, "inconnu"),  # an unknown parameter
    ])
    def it_refuses_a_wrong_kind_or_theme_in_french_before_reading_the_workbook(self, client, decks, tmp_path,
                                                                              url, status, words):
        response = post_deck(client, make_workbook(tmp_path), url)
        assert response.status_code == status and words in response.text
        assert decks == []

    def it_gives_the_task_pane_a_short_lived_download_link(self, client, decks, tmp_path):
        response = post_deck(client, make_workbook(tmp_path), "/opc/deck/point-mensuel?lien=1")
        link = response.json()
        assert link["fichier"] == "point-mensuel_2011-09-30.pptx" and link["valable_minutes"] == 15
        assert client.get(link["url"]).content == FAKE_PPTX
        missing = client.get("/opc/deck/fichier/pas-un-jeton")
        assert missing.status_code == 404 and "expiré" in missing.text

    def it_lists_the_kinds_of_the_command_line(self):
        import opc_excel.render.decks

        assert set(routes.DECK_KINDS) == set(opc_excel.render.decks.KINDS)
        assert set(routes.THEMES) == set(opc_excel.render.decks.THEMES)

    def it_builds_a_real_comite_de_suivi(self, client, tmp_path):
        from pptx import Presentation

        response = post_deck(client, make_workbook(tmp_path), "/opc/deck/comite-suivi")
        assert response.status_code == 200, response.text
        assert len(Presentation(io.BytesIO(response.content)).slides) >= 5


def post_document(client: TestClient, path: Path, url: str, **kwargs):
    return client.post(url, json=office_payload(path, sent_sheets(path, "diaporama")), **kwargs)


def docx_text(content: bytes) -> str:
    from docx import Document

    return "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)


class DescribeTheDocumentRoute:
    def it_returns_the_rapport_semestriel_of_the_workbook_sent_as_a_word_document(self, client, tmp_path):
        response = post_document(client, make_workbook(tmp_path), "/opc/document/rapport")
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == routes.DOCX
        assert 'filename="rapport-semestriel_2011-09-30.docx"' in response.headers["content-disposition"]
        text = docx_text(response.content)
        assert "Rapport semestriel" in text and "30/09/2011" in text

    def it_writes_the_convocation_of_the_meeting_asked_for_as_the_command_line_names_it(self, client, tmp_path):
        response = post_document(client, make_workbook(tmp_path), "/opc/document/convocation?instance=comite-suivi")
        assert response.status_code == 200, response.text
        name = re.search(r'filename="(.*)"', response.headers["content-disposition"]).group(1)
        assert name.startswith("convocation_comite-suivi_") and name.endswith(".docx")
        assert "Ordre du jour" in docx_text(response.content)

    @pytest.mark.parametrize(("url", "status", "words"), [
        ("/opc/document/bilan", 404, "inconnu"),  # not a document
        ("/opc/document/convocation", 400, "quelle réunion"),  # the meeting is missing
        ("/opc/document/compte-rendu?instance=conseil", 400, "quelle réunion"),  # not a meeting of the kit
        ("/opc/document/rapport?instance=copil", 400, "convocation et au compte rendu"),  # no meeting for it
        ("/opc/document/fiches?format=pdf", 400, "inconnu"),  # an unknown parameter
    ])
    def it_refuses_a_wrong_document_or_meeting_in_french_before_reading_the_workbook(self, client, tmp_path,
                                                                                     monkeypatch, url, status, words):
        monkeypatch.setattr(routes, "_build_document", lambda *a: pytest.fail("the workbook was read"))
        response = post_document(client, make_workbook(tmp_path), url)
        assert response.status_code == status and words in response.text

    def it_answers_a_body_that_is_not_a_workbook_in_french(self, client):
        response = client.post("/opc/document/rapport", content=b"[1, 2]")
        assert response.status_code == 400 and "classeur lisible" in response.text

    def it_gives_the_task_pane_a_secret_short_lived_download_link(self, client, tmp_path):
        response = post_document(client, make_workbook(tmp_path), "/opc/document/fiches?lien=1")
        link = response.json()
        assert link["fichier"] == "fiches-operation_2011-09-30.docx" and link["valable_minutes"] == 15
        token = link["url"].rsplit("/", 1)[1]
        assert link["url"] == f"/opc/document/fichier/{token}" and len(token) >= 40
        download = client.get(link["url"])
        assert download.headers["content-type"] == routes.DOCX and "Fiches opération" in docx_text(download.content)
        assert client.get(f"/opc/deck/fichier/{token}").status_code == 404  # a document is not served as a deck
        missing = client.get("/opc/document/fichier/pas-un-jeton")
        assert missing.status_code == 404 and "expiré" in missing.text and "le document" in missing.text

    def it_lists_the_meetings_of_the_kit(self):
        from opc_excel.render.documents.kit import KIT_KINDS

        assert tuple(routes.INSTANCES) == KIT_KINDS


@pytest.fixture
def with_token(monkeypatch):
    """The app with authentication on (then back to local, no token)."""
    create_app(local=True, token=TOKEN)
    yield
    create_app(local=True)


class DescribeAuthentication:
    @pytest.mark.parametrize("header", [None, "Bearer un-autre-jeton-inconnu", ""])
    def it_answers_401_and_touches_nothing_without_the_token(self, client, with_token, decks, master_with_notes,
                                                             monkeypatch, header):
        ran = []
        monkeypatch.setattr(scripts, "run_actualiser", lambda book, today: ran.append(book))
        headers = {"Authorization": header} if header is not None else {}
        for url in (SCRIPT_URL.format("actualiser"), SCRIPT_URL.format("controler"), "/opc/deck/comite-suivi",
                    "/opc/document/rapport"):
            response = client.post(url, json=office_payload(master_with_notes), headers=headers)
            assert response.status_code == 401 and "jeton" in response.json()["detail"]
        assert ran == [] and decks == []

    def it_runs_with_the_token(self, client, with_token, master_with_notes):
        data = call_script(client, master_with_notes, "controler", headers={"Authorization": TOKEN})
        assert data["actions"]

    def it_still_serves_the_manifest_and_the_task_pane_with_the_token_field(self, client, with_token):
        assert client.get("/manifest.xml").status_code == 200
        assert 'id="opc-jeton"' in client.get("/taskpane.html").text

    def it_requires_a_token_or_entra_id_away_from_the_loopback(self):
        with pytest.raises(ServerConfigError, match="OPC_EXCEL_TOKEN"):
            create_app(local=False)
        try:
            create_app(local=False, token=TOKEN, host="opc.ville-alencon.local")
        finally:
            create_app(local=True)

    def it_requires_the_licence_key_away_from_the_loopback(self, monkeypatch):
        monkeypatch.delenv("XLWINGS_LICENSE_KEY")
        with pytest.raises(ServerConfigError, match="XLWINGS_LICENSE_KEY"):
            configure_environment(local=False)


class DescribeRequestSize:
    def it_refuses_an_oversized_workbook_clearly_before_reading_it(self, master_with_notes, monkeypatch):
        ran = []
        monkeypatch.setattr(scripts, "run_actualiser", lambda book, today: ran.append(book))
        small = TestClient(create_app(local=True, max_bytes=10_000), base_url=LOCAL)
        body = json.dumps(office_payload(master_with_notes)).encode()
        for kwargs in ({"content": body}, {"content": iter([body[:5000], body[5000:]])}):  # sized, then chunked
            response = small.post(SCRIPT_URL.format("actualiser"), headers={"Content-Type": "application/json"},
                                  **kwargs)
            assert response.status_code == 413
            assert "trop volumineux" in response.text and "limite : 10 ko" in response.text
            assert "Rien n'a été modifié" in response.text
        assert ran == []


class DescribeTimeout:
    def it_answers_in_french_without_waiting_for_a_call_that_works_too_long(self, client, master_with_notes,
                                                                             monkeypatch):
        release = threading.Event()
        finished = []

        def stuck(book, today):  # stuck until the test has its answer (at most 20 s)
            release.wait(20)
            finished.append(server_book.run_actualiser(book, today))
            return finished[-1]
        monkeypatch.setattr(scripts, "run_actualiser", stuck)
        monkeypatch.setattr(limits, "work_seconds", 0.5)
        try:
            response = client.post(SCRIPT_URL.format("actualiser"),
                                   json=office_payload(master_with_notes, sent_sheets(master_with_notes, "actualiser")))
            answered_while_stuck = not finished
        finally:
            release.set()
        assert answered_while_stuck
        assert response.status_code == 400 and response.text == limits.too_slow(0.5)
        assert "0,5 s" in response.text and "rien n'a été modifié" in response.text
        assert "actions" not in response.text

    @pytest.mark.parametrize(("value", "seconds"), [("", 120.0), ("30", 30.0), ("7,5", 7.5)])
    def it_reads_the_delay_from_opc_excel_delai_s(self, monkeypatch, value, seconds):
        monkeypatch.setenv("OPC_EXCEL_DELAI_S", value)
        assert work_timeout_seconds() == seconds

    @pytest.mark.parametrize("value", ["deux minutes", "0", "-5", "nan", "99999"])
    def it_refuses_to_start_with_a_delay_that_is_not_a_number_of_seconds(self, monkeypatch, value):
        monkeypatch.setenv("OPC_EXCEL_DELAI_S", value)
        with pytest.raises(ServerConfigError, match=f"OPC_EXCEL_DELAI_S doit être un nombre de secondes.*{value}"):
            work_timeout_seconds()


class DescribeTheRibbon:
    NS = {"o": "http://schemas.microsoft.com/office/appforoffice/1.1",
          "v": "http://schemas.microsoft.com/office/taskpaneappversionoverrides",
          "bt": "http://schemas.microsoft.com/office/officeappbasictypes/1.0"}
    XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"

    @pytest.fixture
    def manifest(self, client):
        response = client.get("/manifest.xml")
        assert response.status_code == 200
        return ET.fromstring(response.content)

    def strings(self, manifest) -> dict[str, str]:
        return {s.get("id"): s.get("DefaultValue") for s in manifest.iter(f"{{{self.NS['bt']}}}String")}

    def it_declares_the_opc_urbain_tab_and_its_buttons(self, manifest):
        strings = self.strings(manifest)
        tab = manifest.find(".//v:CustomTab", self.NS)
        assert strings[tab.find("v:Label", self.NS).get("resid")] == "OPC urbain"
        controls = {strings[c.find("v:Label", self.NS).get("resid")]: c for c in tab.iter(f"{{{self.NS['v']}}}Control")}
        assert list(controls) == ["Contrôler", "Actualiser les alertes", "Diaporama", "Documents", "Volet OPC"]
        assert controls["Diaporama"].get(self.XSI_TYPE) == "Menu"
        items = [strings[i.find("v:Label", self.NS).get("resid")] for i in controls["Diaporama"].iter(
            f"{{{self.NS['v']}}}Item")]
        assert items == ["Point mensuel", "Comité de suivi", "Comité de pilotage", "Revue de projet",
                         "Réunion restreinte technique", "Réunion restreinte financière", "Réunion restreinte sociale"]
        assert controls["Documents"].get(self.XSI_TYPE) == "Menu"
        documents = [strings[i.find("v:Label", self.NS).get("resid")] for i in controls["Documents"].iter(
            f"{{{self.NS['v']}}}Item")]
        assert documents == ["Rapport semestriel"] + [
            f"{what} — {meeting}" for what in ("Convocation", "Compte rendu")
            for meeting in ("Point mensuel", "Comité de suivi", "Comité de pilotage", "Revue de projet")] + [
            "Fiches opération"]

    def it_names_no_city_a_new_one_would_have_to_remove(self, client, manifest):
        assert "Alençon" not in client.get("/manifest.xml").text  # the name is XLWINGS_PROJECT_NAME's
        assert manifest.find("o:ProviderName", self.NS).text == "OPC urbain"

    def it_calls_only_functions_ribbon_js_associates(self, manifest):
        ribbon = RIBBON_JS.read_text(encoding="utf-8")
        associated = set(re.findall(r'Office\.actions\.associate\("([\w-]+)"', ribbon))
        menu = re.search(r"const OPC_DIAPORAMAS = \{(.*?)\};", ribbon, re.DOTALL).group(1)
        associated |= {f"opc-deck-{key}" for key in re.findall(r'"([\w-]+)": \{ kind', menu)}
        documents = re.search(r"const OPC_DOCUMENTS = \{(.*?)\};", ribbon, re.DOTALL).group(1)
        associated |= {f"opc-doc-{key}" for key in re.findall(r'"([\w-]+)": \{ kind', documents)}
        assert {f"opc-doc-{item['id']}" for item in routes.DOCUMENT_MENU} <= associated
        called = {f.text for f in manifest.iter(f"{{{self.NS['v']}}}FunctionName")}
        assert called == associated and len(called) == 19

    def it_points_at_the_served_task_pane_and_icons(self, client, manifest):
        urls = {u.get("id"): u.get("DefaultValue") for u in manifest.iter(f"{{{self.NS['bt']}}}Url")}
        assert urls["Taskpane.Url"] == "http://localhost/taskpane.html"
        assert manifest.find(".//o:SourceLocation", self.NS).get("DefaultValue") == urls["Taskpane.Url"]
        page = client.get("/taskpane.html")
        assert page.status_code == 200 and "Dernier passage" in page.text and "Diaporamas" in page.text
        for script in ("ribbon.js", "opc.js", "auth.js"):
            assert f"/static/js/{script}" in page.text and client.get(f"/static/js/{script}").status_code == 200
        images = [i for i in manifest.iter(f"{{{self.NS['bt']}}}Image") if i.get("id")]
        icons = images + [manifest.find("o:IconUrl", self.NS), manifest.find("o:HighResolutionIconUrl", self.NS)]
        assert len(images) == 15
        for icon in icons:
            response = client.get(icon.get("DefaultValue").replace(LOCAL, ""))
            assert response.status_code == 200 and response.content.startswith(b"\x89PNG")


class DescribeLicensing:
    def it_never_loads_xlwings_pro_nor_xlwings_server_from_the_command_line(self):
        code = ("import sys, opc_excel.cli, opc_excel.pipeline, opc_excel.server, opc_excel.sheets.output, "
                "opc_excel.sheets.xlwings_backend; "
                "print([m for m in sys.modules if m.split('.')[0] in ('xlwings', 'xlwings_server')])")
        env = {**os.environ, "XLWINGS_LICENSE_KEY": "noncommercial"}  # even with a key at hand
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True,
                                cwd=Path(__file__).resolve().parents[1])
        assert result.stdout.strip() == "[]"
