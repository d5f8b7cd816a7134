"""Computing in processes: the same answers as in threads, and a refused call's process really ended.

The pool (:class:`opc_excel.server.pool.ProcessWorkers`) is tested on its own with computations of
the standard library (one that would run for hours, one that kills its process), then through the
add-in's routes (``create_app(processes=1)``) on the shipped master. Process ids and CPU times are
read in ``/proc``: Linux only.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from datetime import date
from functools import partial

import pytest
from fastapi.testclient import TestClient

from opc_excel.cancel import CancelFlag, Cancelled
from tests.processes import alive, cpu_seconds
from tests.test_output_backends import office_payload
from tests.test_server import SHIPPED_MASTER, sent_sheets

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")  # tests and local dev only, see README

from opc_excel.server import compute, limits, scripts  # noqa: E402
from opc_excel.server.app import create_app  # noqa: E402
from opc_excel.server.book import run_actualiser  # noqa: E402
from opc_excel.server.pool import ComputeError, ProcessWorkers  # noqa: E402

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="lit /proc (Linux)")
TODAY = date(2026, 1, 1)
LOCAL = "http://localhost"
FOREVER = partial(sum, range(10**15))  # hours of pure CPU in the standard library: picklable, no test code needed
WAIT_SECONDS = 30


def idle_cpu(pids: list[int], seconds: float = 0.5) -> float:
    """Return the CPU time the processes used together over ``seconds``."""
    before = sum(cpu_seconds(pid) for pid in pids)
    time.sleep(seconds)
    return sum(cpu_seconds(pid) for pid in pids) - before


@pytest.fixture(scope="module")
def pool():
    workers = ProcessWorkers(1, compute.PRELOADED).start()
    yield workers
    workers.close()


class DescribeTheComputePool:
    def it_computes_in_another_process_what_a_thread_computes(self, pool):
        payload = office_payload(SHIPPED_MASTER, sent_sheets(SHIPPED_MASTER, "actualiser"))
        work = partial(compute.script_actions, run_actualiser, payload, TODAY)
        assert pool.run(os.getpid, CancelFlag()) != os.getpid()
        assert pool.run(work, CancelFlag()) == work()

    def it_kills_a_refused_computation_and_leaves_no_process_computing(self, pool):
        [pid] = pool.pids
        pool.run(os.getpid, CancelFlag())  # ready: its imports done
        flag, outcome = CancelFlag(), []

        def call():
            try:
                pool.run(FOREVER, flag)
            except Cancelled:
                outcome.append("refusé")
        caller = threading.Thread(target=call)
        caller.start()
        time.sleep(0.5)
        busy = idle_cpu([pid], 0.5)
        pool.abandon(flag)
        caller.join(WAIT_SECONDS)
        assert outcome == ["refusé"] and busy > 0.1  # it was computing
        assert not alive(pid)  # killed, and reaped: no zombie either
        [replacement] = pool.pids
        assert replacement != pid and pool.running == 0
        assert pool.run(os.getpid, CancelFlag()) == replacement  # ready again, its imports done
        assert idle_cpu([replacement]) < 0.1

    def it_replaces_a_process_that_died_and_says_so(self, pool):
        [pid] = pool.pids
        with pytest.raises(ComputeError, match="s'est arrêté"):
            pool.run(partial(os._exit, 3), CancelFlag())
        assert not alive(pid)
        assert pool.run(partial(sum, [1, 2]), CancelFlag()) == 3

    def it_refuses_a_call_that_waited_past_its_time_without_starting_it(self, pool):
        flag = CancelFlag()
        flag.cancel()
        with pytest.raises(Cancelled):
            pool.run(FOREVER, flag)
        assert pool.running == 0 and idle_cpu(pool.pids) < 0.1

    def it_ends_its_processes_when_closed(self):
        workers = ProcessWorkers(2).start()
        pids = workers.pids
        workers.close()
        assert len(pids) == 2 and not any(alive(pid) for pid in pids)


@pytest.fixture(scope="module")
def client():
    app = create_app(local=True, processes=1)
    try:
        with TestClient(app, base_url=LOCAL) as test_client:
            yield test_client
    finally:
        create_app(local=True)  # back to threads for the other modules (and this pool killed)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(scripts, "today", lambda: TODAY)  # read in the server's process, sent to the computation


class DescribeTheAddInComputingInProcesses:
    def it_answers_actualiser_byte_for_byte_as_in_a_thread(self, client):
        assert isinstance(scripts.WORKERS, ProcessWorkers)
        payload = office_payload(SHIPPED_MASTER, sent_sheets(SHIPPED_MASTER, "actualiser"))
        response = client.post("/xlwings/custom-scripts-call/actualiser", json=payload)
        assert response.status_code == 200, response.text
        with TestClient(create_app(local=True), base_url=LOCAL) as threads:
            expected = threads.post("/xlwings/custom-scripts-call/actualiser", json=payload)
        create_app(local=True, processes=1)  # the module's client computes in processes again
        assert response.content == expected.content
        summary = json.loads(response.json()["actions"][-1]["args"][1])
        assert summary["date_de_situation"] == "30/09/2011"

    def it_gives_the_french_refusal_of_the_computation(self, client):
        payload = office_payload(SHIPPED_MASTER, sent_sheets(SHIPPED_MASTER, "actualiser"))
        for sheet in payload["sheets"]:
            if sheet["name"] == "Alertes":
                sheet["values"] = [[]]  # left out, as an out-of-date add-in would
        response = client.post("/xlwings/custom-scripts-call/actualiser", json=payload)
        assert response.status_code == 400 and "n'a pas été transmise" in response.text
        assert "actions" not in response.text

    def it_stops_a_call_past_the_time_limit_and_leaves_no_process_computing(self, client, monkeypatch):
        [pid] = scripts.WORKERS.pids
        scripts.WORKERS.run(os.getpid, CancelFlag())  # ready: its imports done
        monkeypatch.setattr(limits, "work_seconds", 0.2)
        payload = office_payload(SHIPPED_MASTER, sent_sheets(SHIPPED_MASTER, "diaporama"))
        started = time.monotonic()
        response = client.post("/opc/document/rapport", json=payload)  # seconds of work: charts, tables
        assert response.status_code == 400 and response.text == limits.too_slow(0.2)
        assert time.monotonic() - started < 5
        deadline = time.monotonic() + WAIT_SECONDS
        while (alive(pid) or scripts.WORKERS.running) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not alive(pid)  # the computation's process was killed, not left running
        replacement = scripts.WORKERS.run(os.getpid, CancelFlag())  # its replacement, ready
        assert replacement != pid and scripts.WORKERS.pids == [replacement]
        assert scripts.WORKERS.running == 0 and idle_cpu([replacement]) < 0.1
        monkeypatch.setattr(limits, "work_seconds", 120)
        link = client.post("/opc/deck/point-mensuel?lien=1", json=payload).json()
        assert link["fichier"] == "point-mensuel_2011-09-30.pptx"
        assert client.get(link["url"]).content.startswith(b"PK")
