"""``opc-excel serve`` as IT runs it: a process on a loopback port that Excel talks to over HTTP."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.test_output_backends import office_payload
from tests.test_server import SHIPPED_MASTER, sent_sheets

ROOT = Path(__file__).resolve().parents[1]
STARTUP_SECONDS = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def request(url: str, body: dict | None = None, timeout: float = 60) -> tuple[int, bytes, dict]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"} if data else {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read(), dict(error.headers)


@pytest.fixture(scope="module")
def server():
    """Start ``opc-excel serve`` on a free loopback port (no licence key set: local dev defaults it); stop it after."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XLWINGS_", "OPC_EXCEL_"))}
    process = subprocess.Popen([sys.executable, "-m", "opc_excel.cli", "serve", "--port", str(port)], cwd=ROOT,
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + STARTUP_SECONDS
    try:
        while True:
            if process.poll() is not None:
                pytest.fail(f"opc-excel serve s'est arrêté : {process.stdout.read()}")
            try:
                if request(base + "/", timeout=2)[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("opc-excel serve n'a pas répondu à temps")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()


class DescribeServe:
    def it_serves_the_manifest(self, server):
        status, body, _ = request(server + "/manifest.xml")
        assert status == 200 and b"OPC urbain" in body
        assert ET.fromstring(body).tag.endswith("OfficeApp")

    def it_refreshes_the_shipped_master(self, server):
        started = time.perf_counter()
        status, body, _ = request(server + "/xlwings/custom-scripts-call/actualiser",
                                  office_payload(SHIPPED_MASTER, sent_sheets(SHIPPED_MASTER, "actualiser")))
        elapsed = time.perf_counter() - started
        assert status == 200, body
        actions = json.loads(body)["actions"]
        assert actions[-1]["func"] == "runMacro" and actions[-1]["args"][0] == "opcResume"
        assert json.loads(actions[-1]["args"][1])["date_de_situation"] == "30/09/2011"
        assert elapsed < 30

    def it_returns_the_comite_de_suivi_of_the_shipped_master(self, server):
        decks = pytest.importorskip("opc_excel.decks")
        if not hasattr(decks, "build_deck"):
            pytest.skip("opc_excel.decks.build_deck n'existe pas encore")
        status, body, headers = request(server + "/opc/deck/comite-suivi",
                                        office_payload(SHIPPED_MASTER, sent_sheets(SHIPPED_MASTER, "diaporama")))
        assert status == 200, body[:500]
        assert body.startswith(b"PK") and "comite-suivi_2011-09-30.pptx" in headers["content-disposition"]
