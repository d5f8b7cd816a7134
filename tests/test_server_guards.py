"""What stands between the network and the add-in's server, in-process: static files kept to their
folders, the Host and proxy checks, authentication before the body, the access log, slow clients.

Requests go to the ASGI application as uvicorn hands them over (the path already percent-decoded),
so that no HTTP client tidies the path first; ``tests/test_server_process.py`` sends the encoded
forms to ``opc-excel serve`` over a socket.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from pathlib import Path
from types import SimpleNamespace

import anyio
import pytest
from fastapi.testclient import TestClient

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")  # tests and local dev only, see README

from opc_excel.server.app import PROJECT_DIR, ServerConfigError, create_app, server_names  # noqa: E402
from opc_excel.server.guards import HEADER_SECONDS, SlowClientGuard  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "jeton-de-test-0123456789"
SCRIPT_URL = "/xlwings/custom-scripts-call/actualiser"
SERVER_SOURCE = PROJECT_DIR.parent / "auth.py"  # holds the token's name: must never be served
UP = "../" * 30


def asgi_request(app, path: str, *, method: str = "GET", headers: dict[str, str] | None = None,
                 body: bytes = b"") -> tuple[int, bytes, list[str]]:
    """Return the status and body the application answers, and what it did with the request body."""
    headers = {"host": "localhost:8000", **(headers or {})}
    events: list[str] = []
    answer: dict = {"body": b""}

    async def receive() -> dict:
        if events:  # the body went; then only the client's going away, never here
            await anyio.sleep_forever()
        events.append("body read")
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict) -> None:
        if message["type"] == "http.response.start":
            answer["status"] = message["status"]
        elif message["type"] == "http.response.body":
            answer["body"] += message.get("body", b"")

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method, "scheme": "http",
             "path": path, "raw_path": path.encode(), "root_path": "", "query_string": b"",
             "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
             "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8000)}

    async def call() -> None:
        await app(scope, receive, send)
    anyio.run(call)
    return answer["status"], answer["body"], events


@pytest.fixture
def local_app():
    yield create_app(local=True)
    create_app(local=True)


@pytest.fixture
def token_app():
    yield create_app(local=True, token=TOKEN)
    create_app(local=True)


class DescribeStaticFiles:
    @pytest.mark.parametrize("path", [
        "/static/../../auth.py",  # %2e%2e/%2e%2e/auth.py, once uvicorn has decoded it
        "/static/js/../../../auth.py",  # ..%2f..%2f from a sub-folder
        "/static/" + UP + str(SERVER_SOURCE).lstrip("/"),  # far enough up to reach an absolute path
        "/static//" + str(SERVER_SOURCE).lstrip("/"),  # an absolute path
        "/static/../main.py",  # xlwings Server's own folder, one level up
        "/static/..\\..\\auth.py",  # backslashes (a file name on Linux, a separator on Windows)
        "/static/%2e%2e/%2e%2e/auth.py",  # encoded twice (%252e): decoded once, it names no file
        "/static/../../auth.py\x00.js",  # a NUL byte
    ])
    def it_serves_nothing_outside_the_static_folders(self, local_app, path):
        status, body, _ = asgi_request(local_app, path)
        assert status == 404
        assert b"OPC_EXCEL_TOKEN" not in body and b"import" not in body

    def it_still_serves_the_add_in_files_and_xlwings_server_files(self, local_app):
        status, body, _ = asgi_request(local_app, "/static/js/ribbon.js")
        assert status == 200 and b"OPC urbain" in body
        status, body, _ = asgi_request(local_app, "/static/images/icons/opc-32.png")
        assert status == 200 and body.startswith(b"\x89PNG")

    @pytest.mark.parametrize("path", ["/opc/deck/fichier/../../../auth.py", "/taskpane.html/../../auth.py",
                                      "/xlwings/../../auth.py", "/manifest/../../auth.py"])
    def it_has_no_other_route_that_reads_a_path(self, local_app, path):
        status, body, _ = asgi_request(local_app, path)
        assert status == 404 and b"OPC_EXCEL_TOKEN" not in body


class DescribeAuthenticationBeforeTheBody:
    @pytest.mark.parametrize("header", [None, "Bearer un-autre-jeton-inconnu", ""])
    def it_refuses_a_call_without_the_token_without_reading_its_body(self, token_app, header):
        headers = {"content-type": "application/json", "content-length": "24000000"}
        if header is not None:
            headers["authorization"] = header
        status, body, events = asgi_request(token_app, SCRIPT_URL, method="POST", headers=headers,
                                            body=b"{ pas du JSON")
        assert status == 401 and "jeton" in json.loads(body)["detail"]
        assert events == []  # the 24 MB were never read

    def it_reads_the_body_once_the_token_is_right(self, token_app):
        status, body, events = asgi_request(token_app, SCRIPT_URL, method="POST", body=b"{ pas du JSON",
                                            headers={"authorization": TOKEN, "content-type": "application/json"})
        assert events and status == 400 and "classeur lisible" in body.decode()

    def it_leaves_the_public_pages_public(self, token_app):
        client = TestClient(token_app, base_url="http://localhost")
        assert client.get("/manifest.xml").status_code == 200
        assert client.get("/taskpane.html").status_code == 200
        assert client.options(SCRIPT_URL, headers={"Origin": "https://excel.officeapps.live.com",
                                                   "Access-Control-Request-Method": "POST"}).status_code != 401


class DescribeHostCheck:
    @pytest.mark.parametrize("host", ["localhost", "localhost:8000", "127.0.0.1:8443", "[::1]:8000", "LOCALHOST."])
    def it_answers_a_local_server_by_its_own_names(self, local_app, host):
        status, _, _ = asgi_request(local_app, "/manifest.xml", headers={"host": host})
        assert status == 200

    @pytest.mark.parametrize("host", ["attaquant.example", "attaquant.example:8000", "127.0.0.1.attaquant.example",
                                      "localhost@attaquant.example", ""])
    def it_refuses_another_name_dns_rebinding(self, local_app, host):
        status, body, _ = asgi_request(local_app, "/manifest.xml", headers={"host": host})
        assert status == 400
        assert "n'est pas celle du serveur OPC urbain" in json.loads(body)["detail"]

    def it_refuses_a_call_under_another_name_before_anything_else(self, local_app):
        status, body, events = asgi_request(local_app, SCRIPT_URL, method="POST", body=b"{}",
                                            headers={"host": "attaquant.example"})
        assert status == 400 and events == []

    def it_accepts_the_names_set_by_the_it(self, monkeypatch):
        monkeypatch.setenv("OPC_EXCEL_HOTES", "opc.ville-alencon.local, opc-interne")
        try:
            app = create_app(local=False, token=TOKEN, host="0.0.0.0")
            for host in ("opc.ville-alencon.local:8443", "OPC-INTERNE"):
                assert asgi_request(app, "/manifest.xml", headers={"host": host})[0] == 200
            assert asgi_request(app, "/manifest.xml", headers={"host": "localhost"})[0] == 400  # not local any more
        finally:
            create_app(local=True)

    def it_takes_the_address_a_server_listens_on_and_xlwings_hostname(self):
        assert server_names(local=False, host="10.0.0.5", hostname="opc.ville.fr:443") == {"10.0.0.5", "opc.ville.fr"}

    def it_refuses_to_start_on_every_address_without_a_name(self, monkeypatch):
        monkeypatch.delenv("OPC_EXCEL_HOTES", raising=False)
        with pytest.raises(ServerConfigError, match="XLWINGS_HOSTNAME.*OPC_EXCEL_HOTES"):
            server_names(local=False, host="0.0.0.0", hostname=None)


class DescribeBehindAProxy:
    @pytest.mark.parametrize("header", ["X-Forwarded-For", "Forwarded", "X-Real-IP", "X-Forwarded-Host"])
    def it_never_treats_a_proxied_request_as_local(self, local_app, header):
        for method, path in (("POST", SCRIPT_URL), ("GET", "/manifest.xml")):
            status, body, events = asgi_request(local_app, path, method=method, body=b"{}",
                                                headers={header: "203.0.113.7"})
            assert status == 403 and events == []
            assert "OPC_EXCEL_TOKEN" in json.loads(body)["detail"]

    def it_serves_a_proxied_request_once_authentication_is_on(self, token_app):
        status, _, _ = asgi_request(token_app, "/manifest.xml", headers={"X-Forwarded-For": "203.0.113.7"})
        assert status == 200
        status, _, _ = asgi_request(token_app, SCRIPT_URL, method="POST", body=b"{}",
                                    headers={"X-Forwarded-For": "203.0.113.7"})
        assert status == 401


class DescribeTheAccessLog:
    def it_hides_the_secret_of_download_links(self, local_app, caplog):
        access = logging.getLogger("uvicorn.access")
        with caplog.at_level(logging.INFO, logger="uvicorn.access"):
            access.info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:50000", "GET",
                        "/opc/deck/fichier/Zs3cr3t-Jeton_de_lien?x=1", "1.1", 200)
            access.info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:50000", "GET", "/manifest.xml", "1.1", 200)
        assert "Zs3cr3t" not in caplog.text
        assert "/opc/deck/fichier/…?x=1" in caplog.text and "/manifest.xml" in caplog.text


class FakeTransport:
    def __init__(self) -> None:
        self.closed = False

    def get_extra_info(self, name: str):
        return None

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True

    def write(self, data: bytes) -> None:
        pass


class DescribeSlowClients:
    @pytest.fixture
    def protocol(self):
        import uvicorn
        from uvicorn.server import ServerState

        loop = asyncio.new_event_loop()
        config = uvicorn.Config(lambda scope, receive, send: None)
        config.load()
        protocol = SlowClientGuard(config, ServerState(), {}, _loop=loop)
        yield protocol
        loop.close()

    def it_closes_a_connection_that_sent_no_request_in_time(self, protocol):
        transport = FakeTransport()
        protocol.connection_made(transport)
        assert protocol._header_timer.when() - protocol.loop.time() <= HEADER_SECONDS
        protocol.headers_overdue(None)
        assert transport.closed

    def it_leaves_a_request_being_answered_alone(self, protocol):
        transport = FakeTransport()
        protocol.connection_made(transport)
        protocol.cycle = SimpleNamespace(response_complete=False)
        protocol.headers_overdue(None)
        assert not transport.closed
