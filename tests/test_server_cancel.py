"""A call refused after ``OPC_EXCEL_DELAI_S`` stops computing, and never more computations run than WORKERS.

No clock is asserted: the computations are held by events, the delay is only what makes the server
give up.
"""

from __future__ import annotations

import os
import threading
from datetime import date

import pytest
from fastapi.testclient import TestClient

from opc_excel.cancel import CancelFlag, Cancelled, cancellable, checkpoint
from opc_excel.pipeline import check_source
from tests.factory import make_workbook
from tests.test_output_backends import office_payload

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")  # tests and local dev only, see README

from opc_excel.server import limits, scripts  # noqa: E402
from opc_excel.server.app import create_app  # noqa: E402
from opc_excel.server.workers import Workers  # noqa: E402

SCRIPT_URL = "/xlwings/custom-scripts-call/{}"
HOLD_SECONDS = 30  # the longest a held computation waits for the test (never reached when all goes well)


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(local=True), base_url="http://localhost") as test_client:
        yield test_client


@pytest.fixture
def one_worker(monkeypatch):
    workers = Workers(1)
    monkeypatch.setattr(scripts, "WORKERS", workers)
    monkeypatch.setattr(limits, "work_seconds", 0.5)
    return workers


class Held:
    """A computation that waits for the test, then goes on to its next stage (a checkpoint)."""

    def __init__(self) -> None:
        self.started: list[str] = []
        self.went_on: list[str] = []
        self.release = threading.Event()
        self.ended = threading.Event()

    def __call__(self, book, today):
        self.started.append(book.name)
        try:
            self.release.wait(HOLD_SECONDS)
            checkpoint()  # the next stage
            self.went_on.append(book.name)
            return {}
        finally:
            self.ended.set()


def post(client, tmp_path, name: str):
    workbook = make_workbook(tmp_path, name=f"{name}.xlsx")
    return client.post(SCRIPT_URL.format("controler"), json=office_payload(workbook))


class DescribeARefusedCall:
    def it_stops_at_its_next_checkpoint_and_frees_its_slot_only_then(self, client, one_worker, monkeypatch,
                                                                    tmp_path):
        held = Held()
        monkeypatch.setattr(scripts, "run_controler", held)
        try:
            response = post(client, tmp_path, "premier")
            still_running = one_worker.running
        finally:
            held.release.set()
        assert response.status_code == 400 and response.text == limits.too_slow(0.5)
        assert still_running == 1  # refused, but its thread holds the slot
        assert held.ended.wait(HOLD_SECONDS)
        assert held.started == ["premier.xlsx"] and held.went_on == []  # stopped at the checkpoint
        assert one_worker.running == 0

    def it_lets_no_call_start_while_a_refused_one_still_runs(self, client, one_worker, monkeypatch, tmp_path):
        held = Held()
        monkeypatch.setattr(scripts, "run_controler", held)
        try:
            first = post(client, tmp_path, "premier")
            second = post(client, tmp_path, "second")  # waits for the slot the first still holds, then is refused
            running = one_worker.running
        finally:
            held.release.set()
        assert first.status_code == second.status_code == 400
        assert "abandonné" in second.text
        assert running == 1 and held.started == ["premier.xlsx"]
        assert held.ended.wait(HOLD_SECONDS)
        assert one_worker.running == 0
        assert held.started == ["premier.xlsx"]  # the second never starts, even once the slot is free

    def it_answers_the_next_call_once_the_slot_is_free(self, client, one_worker, tmp_path):
        response = post(client, tmp_path, "suivant")
        assert response.status_code == 200 and response.json()["actions"]
        assert one_worker.running == 0


class DescribeCheckpoints:
    def it_stops_the_check_of_a_workbook_once_cancelled(self, tmp_path):
        import openpyxl

        from opc_excel.read.source import OpenpyxlSource

        source = OpenpyxlSource(openpyxl.load_workbook(make_workbook(tmp_path), read_only=True, data_only=True))
        flag = CancelFlag()
        flag.cancel()
        with cancellable(flag), pytest.raises(Cancelled):
            check_source(source, at=None, today=date(2026, 1, 1))
        assert check_source(source, at=None, today=date(2026, 1, 1)).alerts is not None  # outside: no effect

    def it_stops_a_deck_at_its_next_slide(self):
        from opc_excel.render.decks.builder import DeckBuilder

        builder = DeckBuilder("Projet", "Comité de suivi", "30/09/2011")
        builder.section("Avant", "texte", "notes")
        flag = CancelFlag()
        with cancellable(flag):
            builder.section("Encore", "texte", "notes")
            flag.cancel()
            with pytest.raises(Cancelled):
                builder.section("Après", "texte", "notes")
        assert len(builder.presentation.slides) == 2
