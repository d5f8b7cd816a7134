"""The add-in through its real client: the served task pane, ``ribbon.js``, ``opc.js`` and the xlwings
client, in headless Chromium, against a real ``opc-excel serve``.

Only ``office.js`` is replaced, by ``tests/addin_client/office_fake.js``: an in-memory Excel following
the Office.js proxy model (operations run at ``context.sync()``, unloaded properties throw, members
newer than the host's ExcelApi version throw), holding a workbook exported from the shipped master.
Each ribbon command is pressed as Excel would, and the workbook is then read back and compared with
``opc-excel refresh``. Needs Debian's ``chromium`` and the pip package ``playwright`` (no browser
download): skipped with the reason otherwise. Screenshots of the task pane (350×700) go to
``OPC_EXCEL_CAPTURES`` when set.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from opc_excel.cli import main
from opc_excel.read.contract import INPUT_SHEETS, OUTPUT_SHEETS
from tests.addin_client import FAKE_OFFICE_JS, exported_workbook, sheet_values
from tests.test_output_backends import values_of
from tests.test_server_process import free_port

ROOT = Path(__file__).resolve().parents[1]
MASTER = ROOT / "workbooks" / "perseigne_master.xlsx"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
TOKEN = "jeton-du-test-navigateur-0123456789"
OFFICE_JS = re.compile(r".*/vendor/office-js/.*/office\.js$")
ENGLISH = ("Error", "error", "Failed", "failed", "No response", "Reload", "Cancel", "didn't", "Unknown", "Action ",
           "Network", "not available", "ApiNotFound", "AccessDenied")

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    sync_playwright = None

needs_browser = pytest.mark.skipif(
    CHROMIUM is None or sync_playwright is None,
    reason="test du complément dans un vrai navigateur : il faut le paquet Debian « chromium » et le paquet pip "
           "« playwright » (installés par .ci/run)")


# ------------------------------------------------------------------ the server and the browser

def start_server(token: str | None = None):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XLWINGS_", "OPC_EXCEL_"))}
    if token:
        env["OPC_EXCEL_TOKEN"] = token
    process = subprocess.Popen([sys.executable, "-m", "opc_excel.cli", "serve", "--port", str(port)], cwd=ROOT,
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(base + "/", timeout=2):
                return process, base
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail("opc-excel serve n'a pas démarré")
            time.sleep(0.2)


def stop(process) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(scope="module")
def server():
    process, base = start_server()
    yield base
    stop(process)


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM,
                                              args=["--no-sandbox", "--disable-dev-shm-usage"])
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def captures(tmp_path_factory) -> Path:
    folder = Path(os.environ.get("OPC_EXCEL_CAPTURES") or tmp_path_factory.mktemp("captures"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class Pane:
    """The task pane of one workbook, in the browser, with the fake Excel behind it."""

    def __init__(self, browser, base: str, workbook: dict, captures: Path) -> None:
        self.page = browser.new_page(viewport={"width": 350, "height": 700}, locale="fr-FR")
        self.captures = captures
        self.calls: list[str] = []
        self.page.on("request", lambda r: self.calls.append(r.url) if r.method == "POST" else None)
        self.page.add_init_script(f"window.__HOTE__ = {json.dumps(workbook)};")
        fake = FAKE_OFFICE_JS.read_text(encoding="utf-8")
        self.page.route(OFFICE_JS, lambda route: route.fulfill(body=fake, content_type="text/javascript"))
        self.page.goto(f"{base}/taskpane.html")
        self.page.wait_for_function("window.xlwings && window.__fauxOffice.journal.actions['opc-actualiser']"
                                    " && window.opcVolet")

    def press(self, *buttons: str) -> None:
        """Press ribbon buttons at once; return when each has called ``event.completed()``."""
        self.page.evaluate("(noms) => Promise.all(noms.map((n) => window.__fauxOffice.appuyer(n)))", list(buttons))

    def workbook(self) -> dict[str, dict]:
        return {sheet["name"]: sheet for sheet in self.page.evaluate("window.__fauxOffice.classeur()")}

    def text(self) -> str:
        return self.page.evaluate("document.body.innerText")

    def error(self) -> str:
        """Return the error the user sees: the pane's red banner, and any dialog the add-in opened."""
        banner = self.page.evaluate("document.querySelector('#global-error-alert').classList.contains('d-none') ? ''"
                                    " : document.querySelector('#global-error-alert').innerText")
        dialogs = [" ".join(f"{k}: {v[0]}" for k, v in parse_qs(urlparse(url).query).items())
                   for url in self.page.evaluate("window.__fauxOffice.journal.dialogues")]
        return "\n".join([banner, *dialogs]).strip()

    def notice(self) -> str:
        return self.page.evaluate("document.querySelector('#global-status-alert').classList.contains('d-none') ? ''"
                                  " : document.querySelector('#global-status-alert').innerText")

    def shoot(self, name: str) -> None:
        self.page.screenshot(path=str(self.captures / f"{name}.png"))
        text = self.text()
        assert not [w for w in ENGLISH if w in text], text

    def close(self) -> None:
        self.page.close()


@pytest.fixture
def pane(browser, server, captures):
    opened: list[Pane] = []

    def open_pane(workbook: dict | None = None, base: str | None = None) -> Pane:
        opened.append(Pane(browser, base or server, workbook or exported_workbook(MASTER), captures))
        return opened[-1]

    yield open_pane
    for p in opened:
        p.close()


def refreshed(path: Path, tmp_path: Path) -> openpyxl.Workbook:
    """Return the workbook ``opc-excel refresh`` writes from ``path``."""
    out = tmp_path / "refresh.xlsx"
    status = main(["refresh", str(path), "--out", str(out)], today=date.today(), stdout=io.StringIO(),
                  stderr=io.StringIO())
    assert status in (0, 1)
    return openpyxl.load_workbook(out)


@pytest.fixture(scope="module")
def master_refreshed(tmp_path_factory) -> openpyxl.Workbook:
    return refreshed(MASTER, tmp_path_factory.mktemp("refresh"))


def same_values_as_the_command_line(book: dict[str, dict], expected: openpyxl.Workbook) -> None:
    for sheet in OUTPUT_SHEETS:
        got, values = sheet_values(book[sheet]), values_of(expected[sheet])
        differing = {k: (got.get(k), values.get(k)) for k in set(got) | set(values) if got.get(k) != values.get(k)}
        assert not differing, f"{sheet}: {sorted(differing.items())[:8]}"


def looks(book: dict[str, dict], expected: openpyxl.Workbook, sheet: str) -> tuple[dict, dict]:
    """Return how each cell of an output sheet looks in the fake Excel and in the command line's file:
    number format (non-empty cells), fill colour, bold, italic; and the merged ranges, the visibility."""
    fake, ws = book[sheet], expected[sheet]
    got, want = {}, {}
    for row in ws.iter_rows():
        for cell in row:
            key = f"{cell.row - 1},{cell.column - 1}"
            value, number_format = fake["cells"].get(key, ["", "General"])
            formats = fake["formats"].get(key, {})
            fill = (formats.get("fill.color") or "").lstrip("#").upper() or None
            got[cell.coordinate] = (number_format if value != "" else None, fill, bool(formats.get("font.bold")),
                                    bool(formats.get("font.italic")))
            want[cell.coordinate] = (cell.number_format if cell.value not in (None, "") else None,
                                     cell.fill.fgColor.rgb[-6:] if cell.fill.fill_type == "solid" else None,
                                     bool(cell.font.b), bool(cell.font.i))
    got["merges"] = sorted(f"{get_column_letter(m[1] + 1)}{m[0] + 1}:{get_column_letter(m[3] + 1)}{m[2] + 1}"
                           for m in fake["merges"])
    want["merges"] = sorted(str(r) for r in ws.merged_cells.ranges)
    got["visible"], want["visible"] = fake["visibility"] == "Visible", ws.sheet_state == "visible"
    return got, want


def inputs(book: dict[str, dict]) -> dict[str, dict]:
    return {name: sheet for name, sheet in book.items() if name.strip() in INPUT_SHEETS}


def summary_count(text: str) -> int:
    match = re.search(r"(\d[\d\u202f\u00a0]*) alertes? : \d[\d\u202f\u00a0]* rouges?, \d[\d\u202f\u00a0]* orange", text)
    assert match, text
    return int(re.sub(r"\D", "", match.group(1)))


# ------------------------------------------------------------------ the ribbon's commands

@needs_browser
class DescribeTheRibbonThroughTheRealClient:
    def it_refreshes_as_the_command_line_does_and_leaves_the_input_sheets_alone(self, pane, master_refreshed):
        p = pane()
        before = inputs(p.workbook())
        p.press("opc-actualiser")
        p.shoot("1-actualiser")
        assert p.error() == "", p.error()
        book = p.workbook()
        same_values_as_the_command_line(book, master_refreshed)
        for sheet in OUTPUT_SHEETS:
            got, want = looks(book, master_refreshed, sheet)
            assert got == want, (sheet, sorted((k, got.get(k), v) for k, v in want.items() if got.get(k) != v)[:6])
        assert inputs(book) == before
        assert "Actualiser les alertes — perseigne_master.xlsx" in p.text()
        assert "21 alertes rouges" in p.text() and "(s)" not in p.text()
        assert p.page.evaluate("window.__fauxOffice.journal.volet") == 1  # the pane is shown after the command

    def it_checks_with_the_same_alert_count_as_the_refresh(self, pane):
        p = pane()
        p.press("opc-controler")
        p.shoot("2-controler")
        assert p.error() == ""
        checked = summary_count(p.text())
        assert "Contrôler — perseigne_master.xlsx" in p.text()
        p.press("opc-actualiser")
        assert summary_count(p.text()) == checked
        alerts = p.workbook()["Alertes"]
        keys = {k.split(",")[0] for k, (v, _) in alerts["cells"].items() if k.endswith(",0") and v != ""}
        assert checked <= len(keys)

    def it_lists_a_deck_to_download_and_opens_it_in_the_browser(self, pane):
        p = pane()
        p.press("opc-deck-comite-suivi")
        p.shoot("3-diaporama")
        assert p.error() == "", p.error()
        link = p.page.locator("#opc-liens a").first
        assert re.fullmatch(r"Télécharger comite-suivi_\d{4}-\d{2}-\d{2}\.pptx", link.inner_text())
        link.click()
        opened = p.page.evaluate("window.__fauxOffice.journal.navigateur")
        assert len(opened) == 1
        with urllib.request.urlopen(opened[0]) as response:
            assert response.read(4) == b"PK\x03\x04"

    def it_lists_the_rapport_semestriel_to_download_and_it_opens_in_word(self, pane):
        from docx import Document

        from opc_excel.render.documents.rapport import SECTIONS

        p = pane()
        p.press("opc-doc-rapport")
        p.shoot("3-rapport")
        assert p.error() == "", p.error()
        assert [c for c in p.calls if "/opc/document/rapport" in c]
        link = p.page.locator("#opc-liens a").first
        assert re.fullmatch(r"Télécharger rapport-semestriel_\d{4}-\d{2}-\d{2}\.docx", link.inner_text())
        link.click()
        opened = p.page.evaluate("window.__fauxOffice.journal.navigateur")
        assert len(opened) == 1 and "/opc/document/fichier/" in opened[0]
        with urllib.request.urlopen(opened[0]) as response:
            assert response.headers["Content-Type"].startswith("application/vnd.openxmlformats-officedocument."
                                                               "wordprocessingml.document")
            document = Document(io.BytesIO(response.read()))
        headings = [par.text for par in document.paragraphs if par.style.name == "Heading 1"]
        assert headings == ["Sommaire", *SECTIONS]  # the whole rapport, every section in order
        assert p.page.evaluate("window.__fauxOffice.journal.volet") == 1  # the pane is shown after the command

    def it_runs_one_command_at_a_time_when_pressed_twice(self, pane, master_refreshed):
        p = pane()
        p.press("opc-actualiser", "opc-actualiser")
        p.shoot("4-deux-appuis")
        assert len([c for c in p.calls if "custom-scripts-call" in c]) == 1
        assert "déjà en cours" in p.notice()
        same_values_as_the_command_line(p.workbook(), master_refreshed)

    def it_recreates_the_output_sheets_of_a_damaged_workbook(self, pane, tmp_path):
        damaged = tmp_path / "sans-sorties.xlsx"
        workbook = openpyxl.load_workbook(MASTER)
        for name in OUTPUT_SHEETS:
            del workbook[name]
        workbook.save(damaged)
        p = pane(exported_workbook(damaged))
        p.press("opc-actualiser")
        p.shoot("5-classeur-sans-sorties")
        assert p.error() == "", p.error()
        same_values_as_the_command_line(p.workbook(), refreshed(damaged, tmp_path))

    def it_says_in_french_what_to_update_on_an_excel_too_old(self, pane):
        p = pane(exported_workbook(MASTER, version="1.8"))
        p.page.wait_for_function("!document.querySelector('#global-error-alert').classList.contains('d-none')")
        assert "trop ancienne" in p.error()  # as soon as the pane opens
        before = p.workbook()
        p.press("opc-actualiser")
        p.shoot("6-excelapi-1-8")
        assert "trop ancienne" in p.error() and "ExcelApi 1.9" in p.error() and "mettre à jour" in p.error().lower()
        assert p.workbook() == before
        assert not [c for c in p.calls if "custom-scripts-call" in c]

    def it_accepts_a_tab_named_with_a_trailing_space(self, pane, tmp_path):
        spaced = tmp_path / "onglet-espace.xlsx"
        workbook = openpyxl.load_workbook(MASTER)
        workbook["Jalons"].title = "Jalons "
        workbook.save(spaced)
        p = pane(exported_workbook(spaced))
        p.press("opc-actualiser")
        p.shoot("7-onglet-avec-espace")
        assert p.error() == "", p.error()
        same_values_as_the_command_line(p.workbook(), refreshed(spaced, tmp_path))

    def it_writes_nothing_to_a_protected_sheet_and_says_what_to_do(self, pane):
        p = pane()
        p.page.evaluate("window.__fauxOffice.proteger('Alertes')")
        before = p.workbook()
        p.press("opc-actualiser")
        p.shoot("8-feuille-protegee")
        assert "«\u00a0Alertes\u00a0» est protégée" in p.error() and "Ôtez la protection" in p.error()
        assert "Rien n'a été modifié" in p.error()
        assert p.workbook() == before

    def it_says_in_french_that_the_workbook_is_half_refreshed_when_excel_fails_midway(self, pane):
        p = pane()
        p.page.evaluate("window.__fauxOffice.tomberEnPanneApres(200)")
        p.press("opc-actualiser")
        p.shoot("9-panne-en-cours-d-ecriture")
        assert "n'est mis à jour qu'en partie" in p.error() and "Relancez" in p.error()

    def it_says_in_french_when_the_server_does_not_answer(self, pane):
        p = pane()
        p.page.route("**/xlwings/custom-scripts-call/**", lambda route: route.abort())
        p.press("opc-controler")
        p.shoot("9-serveur-injoignable")
        assert "ne répond pas" in p.error()


@needs_browser
class DescribeTheTokenFlow:
    def it_refuses_without_the_token_then_works_once_it_is_typed(self, browser, captures):
        process, base = start_server(TOKEN)
        try:
            p = Pane(browser, base, exported_workbook(MASTER), captures)
            p.press("opc-controler")
            p.shoot("10-sans-jeton")
            assert "jeton d'accès absent ou incorrect" in p.error()
            p.page.fill("#opc-jeton", TOKEN)
            p.page.click("#opc-jeton-enregistrer")
            p.press("opc-controler")
            p.shoot("11-avec-jeton")
            assert p.error() == ""
            assert "Contrôler — perseigne_master.xlsx" in p.text()
            p.close()
        finally:
            stop(process)


# ------------------------------------------------------------------ what the server serves, in French

@needs_browser
class DescribeTheServedPages:
    def it_serves_a_french_task_pane_and_error_dialog(self, pane, server):
        p = pane()
        assert p.page.evaluate("document.documentElement.lang") == "fr"
        overlay = p.page.evaluate("document.querySelector('#xlwings-office-ready-error').innerText")
        assert "ne s'est pas chargé" in overlay and "Recharger" in overlay
        p.page.goto(f"{server}/xlwings/alert?prompt=Texte&title=Error&buttons=ok&mode=critical&callback=")
        dialog = p.page.evaluate("document.body.innerText")
        assert "Erreur" in dialog and "Fermer" in dialog and "OK" not in dialog


class DescribeOneAlertCount:
    def it_gives_the_same_count_from_controler_and_actualiser(self):
        os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
        from fastapi.testclient import TestClient

        from opc_excel.server.app import create_app
        from tests.test_server import call_script

        client = TestClient(create_app(local=True), base_url="http://localhost")
        counts = []
        for script in ("controler", "actualiser"):
            [summary] = [json.loads(a["args"][1]) for a in call_script(client, MASTER, script)["actions"]
                         if a["func"] == "runMacro" and a["args"][0] == "opcResume"]
            counts.append(summary["alertes"])
        assert counts[0] == counts[1]


class DescribeTheManifest:
    NS = {"o": "http://schemas.microsoft.com/office/appforoffice/1.1",
          "bt": "http://schemas.microsoft.com/office/officeappbasictypes/1.0"}

    @pytest.fixture
    def manifest(self):
        os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
        from fastapi.testclient import TestClient

        from opc_excel.server.app import create_app

        client = TestClient(create_app(local=True), base_url="http://localhost")
        return ET.fromstring(client.get("/manifest.xml").content)

    def it_keeps_resource_ids_within_32_characters(self, manifest):
        ids = [e.get("id") for e in manifest.iter() if e.tag.startswith(f"{{{self.NS['bt']}}}") and e.get("id")]
        assert ids and all(len(i) <= 32 for i in ids), [i for i in ids if len(i) > 32]
        resids = {e.get("resid") for e in manifest.iter() if e.get("resid")}
        assert resids <= set(ids)

    def it_requires_excelapi_1_9(self, manifest):
        sets = {s.get("Name"): s.get("MinVersion") for s in manifest.iter(f"{{{self.NS['o']}}}Set")}
        assert sets["ExcelApi"] == "1.9"
