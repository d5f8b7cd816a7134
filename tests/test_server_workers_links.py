"""Download links (``?lien=1``) kept in a store every worker shares: a folder (one host) or Redis (several).

The stores are tested the same way, the Redis one against ``fakeredis`` (an in-memory Redis that
speaks its protocol); then ``opc-excel serve --workers 2`` is started for real, on a free loopback
port, with each store (Redis through fakeredis' TCP server): ten links are created and each is
fetched several times, before and after every worker process that created them was killed.
"""

from __future__ import annotations

import io
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from pptx import Presentation

from opc_excel.server import links
from opc_excel.server.links import MAX_LINKS, FolderStore, Kept, RedisStore
from tests.processes import alive, children, cpu_seconds, descendants
from tests.test_output_backends import office_payload
from tests.test_server import SHIPPED_MASTER, sent_sheets
from tests.test_server_process import free_port, request

fakeredis = pytest.importorskip("fakeredis")

ROOT = Path(__file__).resolve().parents[1]
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
STARTUP_SECONDS = 90
DECKS = [("point-mensuel", "Point mensuel"), ("comite-suivi", "Comité de suivi"), ("copil", "Comité de pilotage"),
         ("revue-projet", "Revue de projet"), ("reunion-restreinte?theme=sociale&", "Réunion restreinte")]


@pytest.fixture(params=["dossier", "redis"])
def store(request, tmp_path):
    if request.param == "dossier":
        return FolderStore(tmp_path / "liens")
    return RedisStore(fakeredis.FakeRedis())


def a_file(number: int) -> Kept:
    return Kept(f"diaporama-{number}.pptx", f"contenu {number}".encode() * 100, PPTX)


class DescribeAStoreOfLinks:
    def it_gives_back_what_it_kept_under_an_unguessable_secret(self, store):
        token = store.put(a_file(1))
        assert len(token) == 43 and store.get(token) == a_file(1)
        assert store.put(a_file(1)) != token

    @pytest.mark.parametrize("token", ["pas-un-jeton", "", "../../etc/passwd", "a" * 42 + "/", "A" * 43])
    def it_knows_no_other_link(self, store, token):
        store.put(a_file(1))
        assert store.get(token) is None

    def it_forgets_a_link_after_fifteen_minutes(self, store, monkeypatch):
        token = store.put(a_file(1))
        now = time.time()
        monkeypatch.setattr(links.time, "time", lambda: now + links.LINK_LIFETIME + 1)
        assert store.get(token) is None

    def it_keeps_the_last_twenty_files_at_most(self, store):
        tokens = [store.put(a_file(number)) for number in range(MAX_LINKS + 5)]
        assert [store.get(t) for t in tokens[:5]] == [None] * 5
        assert [store.get(t) for t in tokens[5:]] == [a_file(n) for n in range(5, MAX_LINKS + 5)]


class DescribeTheFolderStore:
    def it_is_shared_by_every_process_using_the_folder(self, tmp_path):
        token = FolderStore(tmp_path).put(a_file(7))
        assert FolderStore(tmp_path).get(token) == a_file(7)

    def it_removes_expired_files_and_keeps_the_folder_private(self, tmp_path, monkeypatch):
        store = FolderStore(tmp_path / "liens")
        store.put(a_file(1))
        now = time.time()
        monkeypatch.setattr(links.time, "time", lambda: now + links.LINK_LIFETIME + 1)
        fresh = store.put(a_file(2))
        assert [p.name for p in (tmp_path / "liens").iterdir()] == [f"{fresh}.lien"]
        assert (tmp_path / "liens").stat().st_mode & 0o077 == 0

    def it_says_in_french_when_the_folder_cannot_be_written(self, tmp_path, monkeypatch):
        monkeypatch.setenv(links.FOLDER_VARIABLE, str(tmp_path / "un-fichier"))
        (tmp_path / "un-fichier").write_text("pas un dossier")
        monkeypatch.delenv(links.REDIS_VARIABLE, raising=False)
        with pytest.raises(links.LinkStoreError, match="OPC_EXCEL_LIENS"):
            links.checked_store()


class DescribeTheRedisStore:
    def it_lets_redis_expire_each_link(self):
        client = fakeredis.FakeRedis()
        token = RedisStore(client).put(a_file(1))
        assert 0 < client.ttl(links.REDIS_PREFIX + token) <= links.LINK_LIFETIME

    def it_says_in_french_when_redis_cannot_be_reached(self, monkeypatch):
        monkeypatch.setenv(links.REDIS_VARIABLE, f"redis://:motdepasse@127.0.0.1:{free_port()}/0")
        with pytest.raises(links.LinkStoreError, match="Redis redis://127.0.0.1") as refusal:
            links.checked_store()
        assert "motdepasse" not in str(refusal.value)


# ---------------------------------------------------------------- opc-excel serve --workers 2


def workers_of(process: subprocess.Popen) -> list[int]:
    """Return uvicorn's worker processes: the children of the supervisor that have children (their compute pool)."""
    return [pid for pid in children(process.pid) if children(pid)]


def wait_until(condition, seconds: float = STARTUP_SECONDS) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail("le serveur n'a pas atteint l'état attendu à temps")
        time.sleep(0.2)


@pytest.fixture(scope="module")
def redis_url():
    server = fakeredis.TcpFakeServer(("127.0.0.1", free_port()))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host, port = server.server_address
    yield f"redis://{host}:{port}/0"
    server.shutdown()
    server.server_close()


@contextmanager
def serving(settings: dict[str, str], log: Path, workers: int = 2, stop: int = signal.SIGINT):
    """Run ``opc-excel serve --workers N`` on a free loopback port; on leaving, stop it (Ctrl+C, or ``stop``) and
    check that none of its processes is left, nor the temporary folder of its links."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XLWINGS_", "OPC_EXCEL_"))} | settings
    with log.open("w") as output:
        process = subprocess.Popen([sys.executable, "-m", "opc_excel.cli", "serve", "--port", str(port),
                                    "--workers", str(workers)], cwd=ROOT, env=env, stdout=output,
                                   stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    seen: set[int] = set()
    try:
        def up() -> bool:
            if process.poll() is not None:
                pytest.fail(f"opc-excel serve s'est arrêté : {log.read_text()}")
            seen.update(descendants(process.pid))
            try:
                return request_ok(base) and len(workers_of(process) if workers > 1 else [process.pid]) == workers
            except OSError:
                return False
        wait_until(up)
        yield process, base, seen
    finally:
        seen.update(descendants(process.pid))
        process.send_signal(stop)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        deadline = time.monotonic() + 15
        while any(alive(pid) for pid in seen) and time.monotonic() < deadline:
            time.sleep(0.1)
        orphans = [pid for pid in seen if alive(pid)]
        for pid in orphans:
            os.kill(pid, signal.SIGKILL)
        assert orphans == [], "processus restés après l'arrêt du serveur"
        folders = re.findall(r"liens de téléchargement : dossier (\S+)\.\n", log.read_text())
        assert all(not Path(f).exists() for f in folders if "opc-excel-liens-" in f), "dossier des liens resté"


@pytest.fixture(scope="module", params=["dossier", "redis"])
def two_workers(request, tmp_path_factory):
    """``opc-excel serve --workers 2``, the links in a folder or in (fake) Redis."""
    if request.param == "redis":
        settings = {"OPC_EXCEL_REDIS_URL": request.getfixturevalue("redis_url")}
    else:
        settings = {"OPC_EXCEL_LIENS": str(tmp_path_factory.mktemp("liens"))}
    log = tmp_path_factory.mktemp("journal") / "serveur.log"
    with serving(settings, log) as (process, base, seen):
        yield process, base, log, seen, request.param


def request_ok(base: str) -> bool:
    return request(base + "/", timeout=2)[0] == 200


def deck_title(content: bytes) -> str:
    slide = Presentation(io.BytesIO(content)).slides[0]
    return " ".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)


class DescribeServeWithTwoWorkers:
    def it_serves_every_download_link_from_any_worker_even_once_its_creator_is_gone(self, two_workers):
        process, base, log, seen, kept_in = two_workers
        payload = office_payload(SHIPPED_MASTER, sent_sheets(SHIPPED_MASTER, "diaporama"))
        made = []
        for number in range(10):
            kind, title = DECKS[number % len(DECKS)]
            status, body, _ = request(f"{base}/opc/deck/{kind}{'' if '?' in kind else '?'}lien=1", payload)
            assert status == 200, body[:300]
            made.append((json.loads(body), title))
        assert len({link["url"] for link, _ in made}) == 10

        def fetch_all() -> None:
            for link, title in made:
                contents = set()
                for _ in range(4):
                    status, content, headers = request(base + link["url"])
                    assert status == 200 and link["fichier"] in headers["content-disposition"]
                    contents.add(content)
                [content] = contents  # the same file every time
                assert len(content) == link["taille"] and title in deck_title(content)

        fetch_all()
        creators = workers_of(process)
        for pid in creators:  # no process that made a link is left
            os.kill(pid, signal.SIGKILL)
        wait_until(lambda: (seen.update(descendants(process.pid)) or True)
                   and len([p for p in workers_of(process) if p not in creators]) == 2)
        wait_until(lambda: request_ok(base))
        fetch_all()
        text = log.read_text()
        assert "Traceback" not in text
        assert ("liens de téléchargement : Redis redis://127.0.0.1" in text) == (kept_in == "redis")


class DescribeServeStartup:
    @pytest.mark.parametrize(("arguments", "settings", "words"), [
        (["--host", "0.0.0.0", "--workers", "2"], {}, "Clé de licence xlwings absente"),
        (["--host", "0.0.0.0", "--workers", "2"], {"XLWINGS_LICENSE_KEY": "noncommercial"},
         "Authentification requise hors poste local"),
        (["--workers", "2"], {"OPC_EXCEL_REDIS_URL": "redis://127.0.0.1:1/0"}, "Les liens de téléchargement ne"),
        (["--workers", "0"], {}, "--workers 0 impossible"),
    ])
    def it_checks_the_settings_once_in_french_before_any_worker_starts(self, arguments, settings, words):
        env = {k: v for k, v in os.environ.items() if not k.startswith(("XLWINGS_", "OPC_EXCEL_"))} | settings
        done = subprocess.run([sys.executable, "-m", "opc_excel.cli", "serve", "--port", str(free_port()), *arguments],
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
        said = done.stdout + done.stderr
        assert done.returncode != 0 and said.count(words) == 1, said
        assert "Started server process" not in said and "Traceback" not in said


def total_cpu(pids: list[int]) -> float:
    """Return the CPU time the processes still running have used together."""
    total = 0.0
    for pid in pids:
        try:
            total += cpu_seconds(pid)
        except FileNotFoundError:
            continue
    return total


def compute_processes(process: subprocess.Popen) -> list[int]:
    return sorted(child for worker in workers_of(process) for child in children(worker))


def idle(process: subprocess.Popen) -> bool:
    """Return True when the server's processes together use less than 0.05 s of CPU in half a second."""
    pids = descendants(process.pid)
    before = total_cpu(pids)
    time.sleep(0.5)
    return total_cpu(pids) - before < 0.05


class DescribeACallPastTheTimeLimitOnTwoWorkers:
    def it_ends_the_process_computing_it_and_the_server_goes_back_to_idle(self, tmp_path):
        payload = office_payload(SHIPPED_MASTER, sent_sheets(SHIPPED_MASTER, "diaporama"))
        with serving({"OPC_EXCEL_DELAI_S": "0,3"}, tmp_path / "serveur.log") as (process, base, seen):
            wait_until(lambda: len(compute_processes(process)) == 2 and idle(process))  # imports done
            before = compute_processes(process)
            status, body, _ = request(base + "/opc/document/rapport", payload)  # seconds of work
            assert status == 400 and "a dépassé 0,3 s et a été abandonné" in body.decode()
            wait_until(lambda: len(set(compute_processes(process)) - set(before)) == 1, 30)
            after = compute_processes(process)
            [killed] = set(before) - set(after)
            assert not alive(killed) and len(after) == 2  # one compute process per worker, as before
            wait_until(lambda: idle(process), 30)  # nothing left computing, once the replacement is ready
            seen.update(after)


class DescribeTheTemporaryFolderOfLinks:
    @pytest.mark.parametrize(("workers", "stop"), [(1, signal.SIGTERM), (1, signal.SIGINT), (2, signal.SIGTERM)])
    def it_is_removed_when_the_server_stops(self, tmp_path, workers, stop):
        with serving({}, tmp_path / "serveur.log", workers, stop) as (_, base, _seen):
            assert request_ok(base)
        assert "liens de téléchargement : dossier /" in (tmp_path / "serveur.log").read_text()
