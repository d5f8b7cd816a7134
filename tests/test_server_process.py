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
SERVER_SOURCE = ROOT / "opc_excel" / "server" / "auth.py"  # names the token's variable: must never be served
IDLE_SOCKETS = 200


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


def raw_get(base: str, path: str, headers: str = "Host: 127.0.0.1\r\n") -> tuple[int, bytes]:
    """Return the status and body of ``GET path`` sent byte for byte (no client tidies the path)."""
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as connection:
        connection.sendall(f"GET {path} HTTP/1.1\r\n{headers}Connection: close\r\n\r\n".encode("latin-1"))
        data = b""
        while chunk := connection.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


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
        decks = pytest.importorskip("opc_excel.render.decks")
        if not hasattr(decks, "build_deck"):
            pytest.skip("opc_excel.render.decks.build_deck n'existe pas encore")
        status, body, headers = request(server + "/opc/deck/comite-suivi",
                                        office_payload(SHIPPED_MASTER, sent_sheets(SHIPPED_MASTER, "diaporama")))
        assert status == 200, body[:500]
        assert body.startswith(b"PK") and "comite-suivi_2011-09-30.pptx" in headers["content-disposition"]


def up(step: str, times: int = 30) -> str:
    return step * times


class DescribeServeSecurity:
    @pytest.mark.parametrize("path", [
        "/static/%2e%2e/%2e%2e/auth.py",  # dots percent-encoded
        "/static/..%2f..%2fauth.py",  # slashes percent-encoded
        "/static/js/%2E%2E%2F%2E%2E%2F%2E%2E%2Fauth.py",  # all of it, upper case, from a sub-folder
        "/static/" + up("%2e%2e/") + str(SERVER_SOURCE).lstrip("/"),  # up to / then an absolute path
        "/static/%2f" + str(SERVER_SOURCE).lstrip("/").replace("/", "%2f"),  # an absolute path
        "/static/%252e%252e/%252e%252e/auth.py",  # encoded twice
        "/static/..%5c..%5cauth.py",  # backslashes
        "/static/" + up("..%2f") + "etc%2fhostname",  # the classic
        "/static/%2e%2e/main.py",  # xlwings Server's own sources
    ])
    def it_serves_no_file_outside_the_static_folders(self, server, path):
        status, body = raw_get(server, path)
        assert status == 404
        assert b"OPC_EXCEL_TOKEN" not in body and b"import" not in body

    def it_serves_the_add_in_files(self, server):
        status, body = raw_get(server, "/static/js/ribbon.js")
        assert status == 200 and b"OPC urbain" in body

    def it_refuses_a_request_for_another_name(self, server):
        status, body = raw_get(server, "/manifest.xml", headers="Host: attaquant.example\r\n")
        assert status == 400 and "n'est pas celle du serveur" in json.loads(body)["detail"]

    def it_refuses_a_request_through_a_proxy_without_authentication(self, server):
        status, body = raw_get(server, "/manifest.xml", headers="Host: localhost:8000\r\nX-Forwarded-For: 10.1.2.3\r\n")
        assert status == 403 and "OPC_EXCEL_TOKEN" in json.loads(body)["detail"]

    def it_still_answers_while_many_idle_and_slow_sockets_are_open(self, server):
        host, port = server.removeprefix("http://").split(":")
        sockets = []
        try:
            for number in range(IDLE_SOCKETS):
                idle = socket.create_connection((host, int(port)), timeout=30)
                if number % 2:  # a slowloris: headers started, never finished
                    idle.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Lent: ")
                sockets.append(idle)
            status, body, _ = request(server + "/manifest.xml")
            assert status == 200 and b"OPC urbain" in body
            status, _ = raw_get(server, "/")
            assert status == 200
        finally:
            for idle in sockets:
                idle.close()
