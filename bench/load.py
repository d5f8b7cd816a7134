"""Load test of the add-in's server: concurrent ``actualiser`` calls on the shipped master, over loopback.

    python -m bench.load                     # 500 calls, 4 at a time, stopped after 10 minutes at most
    python -m bench.load --calls 200         # shorter
    python -m bench.load --json resultats.json --dump ecarts/   # raw figures; a few answers of each failure
    python -m bench.load --server-workers 2  # opc-excel serve --workers 2 (one per core: see bench/README.md)

Starts ``opc-excel serve`` on 127.0.0.1 and a free port (loopback only, no licence key: the local
default), then posts the shipped master as the Office.js client does (``office_payload`` of the
tests, only the sheets ``ribbon.js`` sends for ``actualiser``). Every request is a little different
(a *Date de situation* among ``--dates`` weeks from the master's, and a marker of its own,
``essai-charge-NNNN``, typed in the *Commentaire* column of the first alert: a free-text column
the refresh keeps), so that each answer can be matched to its own workbook:

1. reference phase, one call at a time: for each date, the server's answer alone, which must
   equal the same refresh computed in this process (``run_actualiser`` on the same payload:
   *Contrôles* and *Alertes* values, summary) and be the same when asked twice;
2. load phase, ``--workers`` calls at a time: each answer, once its own marker is replaced by the
   reference's, must be byte for byte the reference answer of its date (so its *Contrôles* and
   *Alertes* are its own workbook's: its date, its marker, no other request's), with status 200;
   otherwise what differs is told: each sheet's values, the summary (``opcResume``), the
   finishing calls (``opcFinitions``), other actions.

Meanwhile (unless ``--sans-liens``) a deck is asked with ``?lien=1`` every ten seconds and its
link fetched four times: each fetch must answer 200 with that deck, whichever worker process takes it.

Recorded: throughput, latency percentiles, the server's resident memory (VmRSS of all its processes,
and of each worker with its compute process, every ``--every`` calls) and its CPU time (all processes).
Bounded: ``--calls`` in all, and a hard stop after ``--max-seconds`` (the server is stopped, the calls
still running count as interrupted). The server is always stopped at the end. Exit status 0 only if
every call answered as expected.

With ``--slow-clients N`` (300 to 1000 makes sense), a slow-client phase follows on the same server:
N sockets are opened and left idle (half of them) or send their request headers a byte a second
and never finish them (a "slowloris"), for ``--slow-seconds`` seconds; meanwhile a ``GET /`` every
second and an ``actualiser`` every third second must still be answered, 200 with the reference
answer. Recorded: those answers and their latency, and how many slow sockets the server closed by
itself (it cuts a connection whose headers are not complete after ``guards.HEADER_SECONDS``).
Bounded by N and the seconds; every socket is closed at the end.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

# The in-process reference runs xlwings' server engine (xlwings.pro), which wants a licence key when
# first imported: the local default, as for the tests. The server itself gets no key (it defaults it).
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

from opc_excel.fr import fr_date  # noqa: E402
from opc_excel.text import match_key  # noqa: E402
from tests.processes import children, cpu_seconds, descendants  # noqa: E402
from tests.test_output_backends import office_payload  # noqa: E402 - the Office.js payload of the tests
from tests.test_server import SHIPPED_MASTER, sent_sheets  # noqa: E402
from tests.test_server_process import free_port  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"  # loopback only
SCRIPT_PATH = "/xlwings/custom-scripts-call/actualiser"
STARTUP_SECONDS = 60
MASTER_DATE = date(2011, 9, 30)
DATE_SENTINEL = "@@DATE-DE-SITUATION@@"
MARKER = "essai-charge-{:04d}"
MARKER_PATTERN = re.compile(rb"essai-charge-(\d{4}|XXXX)")
REFERENCE_MARKER = "essai-charge-XXXX"
CHECKED_SHEETS = ("Contrôles", "Alertes")
SUMMARY, FINISHING = "opcResume", "opcFinitions"  # the task pane's functions the answer calls
DUMPED = 3  # answers written with --dump, of each kind of failure


# ---------------------------------------------------------------- the requests


@dataclass
class Payloads:
    """The shipped master as the add-in sends it, with a date and a marker to fill in per request."""

    template: str  # JSON, DATE_SENTINEL and REFERENCE_MARKER to replace
    sheet_names: list[str]
    dates: list[date]

    def request(self, number: int) -> tuple[date, str, bytes]:
        """Return the date de situation, marker and body of request ``number``."""
        day = self.dates[number % len(self.dates)]
        marker = MARKER.format(number)
        return day, marker, self.body(day, marker)

    def body(self, day: date, marker: str) -> bytes:
        iso = f"{day.isoformat()}T00:00:00.000Z"  # what Office.js sends for a date cell
        return self.template.replace(DATE_SENTINEL, iso).replace(REFERENCE_MARKER, marker).encode("utf-8")


def build_payloads(dates: int) -> Payloads:
    payload = office_payload(SHIPPED_MASTER, sent_sheets(SHIPPED_MASTER, "actualiser"))
    sheets = {sheet["name"]: sheet["values"] for sheet in payload["sheets"]}
    params = sheets["Paramètres"]
    [row] = [r for r in params if r and match_key(str(r[0])) == match_key("Date de situation")]
    row[1] = DATE_SENTINEL
    alertes = sheets["Alertes"]
    header = next(i for i, r in enumerate(alertes) if "Clé" in r and "Commentaire" in r)
    alertes[header + 1][alertes[header].index("Commentaire")] = REFERENCE_MARKER  # first alert's comment
    return Payloads(json.dumps(payload, ensure_ascii=False), [s["name"] for s in payload["sheets"]],
                    [MASTER_DATE + timedelta(weeks=i) for i in range(dates)])


def sheet_values(answer: dict, sheet_names: list[str]) -> dict[str, list]:
    """Return the values an answer writes into each sheet (its ``setValues`` actions, by sheet name)."""
    values: dict[str, list] = {}
    for action in answer["actions"]:
        if action["func"] == "setValues":
            values.setdefault(sheet_names[action["sheet_position"]], []).append(
                [action["start_row"], action["start_column"], action["values"]])
    return values


def summary_of(answer: dict) -> dict:
    last = answer["actions"][-1]
    assert last["func"] == "runMacro" and last["args"][0] == "opcResume", last
    return json.loads(last["args"][1])


def in_process(payloads: Payloads, day: date) -> dict:
    """Return the ``actualiser`` answer computed in this process, without the server (the same code path)."""
    import xlwings as xw

    from opc_excel.server.book import run_actualiser
    from opc_excel.server.scripts import SUMMARY_CALLBACK

    book = xw.Book(json=json.loads(payloads.body(day, REFERENCE_MARKER)))
    try:
        summary = run_actualiser(book, date.today())  # the server's today(): the date comes from Paramètres
        book.app.macro(SUMMARY_CALLBACK)(json.dumps(summary, ensure_ascii=False))  # one book at a time here
        return book.json()
    finally:
        book.close()


# ---------------------------------------------------------------- the server


def post(base: str, body: bytes, timeout: float) -> tuple[int, bytes]:
    req = urllib.request.Request(base + SCRIPT_PATH, data=body, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def proc_status(pid: int, key: str) -> float:
    """Return a memory line of /proc/<pid>/status in MB (VmRSS, VmHWM)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    raise KeyError(key)


def tree(pid: int) -> list[int]:
    """Return ``pid`` and all its descendants (the supervisor, its workers, their compute processes)."""
    return [pid, *descendants(pid)]


def tree_sum(pid: int, measure) -> float:
    total = 0.0
    for member in tree(pid):
        try:
            total += measure(member)
        except (OSError, KeyError, IndexError, ValueError):  # a process that ended meanwhile
            pass
    return total


def tree_rss(pid: int) -> float:
    """Return the resident memory of the server's processes together, in MB."""
    return tree_sum(pid, lambda p: proc_status(p, "VmRSS"))


def tree_cpu(pid: int) -> float:
    """Return the CPU seconds used so far by the server's live processes together."""
    return tree_sum(pid, cpu_seconds)


def worker_cpu(server_pid: int, workers: int) -> list[float]:
    """Return the CPU seconds used so far by each worker process with its compute process(es)."""
    if workers == 1:
        return [tree_cpu(server_pid)]
    return [tree_cpu(worker) for worker in children(server_pid) if children(worker)]


def worker_rss(server_pid: int, workers: int) -> list[float]:
    """Return the resident memory (MB) of each worker process with its compute process(es)."""
    if workers == 1:
        return [tree_rss(server_pid)]
    return [tree_rss(worker) for worker in children(server_pid) if children(worker)]


class Server:
    """``opc-excel serve`` on 127.0.0.1 and a free port, its output in a log file; stopped on exit."""

    def __init__(self, log: Path, extra_env: dict[str, str] | None = None, workers: int = 1) -> None:
        self.workers = workers
        self.port = free_port()
        self.base = f"http://{HOST}:{self.port}"
        self.log_path = log
        self.log = log.open("w", encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("XLWINGS_", "OPC_EXCEL_"))}
        self.process = subprocess.Popen(self.command(), cwd=ROOT, env=env | (extra_env or {}), stdout=self.log,
                                        stderr=subprocess.STDOUT)

    def command(self) -> list[str]:
        return [sys.executable, "-m", "opc_excel.cli", "serve", "--host", HOST, "--port", str(self.port),
                "--workers", str(self.workers)]

    def wait_ready(self) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"opc-excel serve s'est arrêté :\n{self.log_path.read_text(encoding='utf-8')}")
            try:
                with urllib.request.urlopen(self.base + "/", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("opc-excel serve n'a pas répondu à temps")
            time.sleep(0.2)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()

    def problems_logged(self) -> list[str]:
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return [line for line in text.splitlines()
                if any(word in line for word in ("ERROR", "Traceback", "Erreur inattendue", "Échec de"))]


# ---------------------------------------------------------------- the run


@dataclass
class Run:
    calls: int
    workers: int
    deadline: float
    every: int
    latencies: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    interrupted: int = 0
    memory: list[dict] = field(default_factory=list)  # calls done, VmRSS (MB)
    differing: Counter = field(default_factory=Counter)  # what differed from the reference, in how many answers
    dump: Path | None = None
    dumped: Counter = field(default_factory=Counter)  # failures by kind, to write a few of each with --dump
    next_number: int = 0
    done: int = 0
    stopped: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)


def differences(answer: dict, reference: dict, sheet_names: list[str]) -> list[str]:
    """Return the parts of an answer that differ from the reference: sheets' values, summary, finishing, others."""
    got, want = sheet_values(answer, sheet_names), sheet_values(reference, sheet_names)
    parts = [name for name in sorted({*got, *want}) if got.get(name) != want.get(name)]

    def macros(actions: list[dict], name: str) -> list:
        return [a["args"] for a in actions if a["func"] == "runMacro" and a["args"][0] == name]

    for name, part in ((SUMMARY, "résumé (opcResume)"), (FINISHING, "finitions (opcFinitions)")):
        if macros(answer["actions"], name) != macros(reference["actions"], name):
            parts.append(part)
    rest = [[a for a in r["actions"] if a["func"] not in ("setValues", "runMacro")] for r in (answer, reference)]
    if rest[0] != rest[1]:
        parts.append("autres actions")
    return parts


def check_answer(status: int, body: bytes, marker: str, reference: bytes, sheet_names: list[str]) -> list[str]:
    """Return what is wrong with an answer: empty if it is its own workbook's answer, as expected."""
    if status != 200:
        return [f"statut {status}"]
    problems = []
    markers = {m.group(0).decode() for m in MARKER_PATTERN.finditer(body)}
    if markers != {marker}:
        problems.append(f"marqueurs {', '.join(sorted(markers)) or 'aucun'} au lieu de {marker} seul")
    normalised = body.replace(marker.encode(), REFERENCE_MARKER.encode())
    if normalised != reference:
        try:
            problems += differences(json.loads(normalised), json.loads(reference), sheet_names) or ["mise en forme"]
        except (KeyError, IndexError, TypeError, ValueError) as error:
            problems.append(f"réponse illisible ({error!r})")
    return problems


def worker(run: Run, server: Server, payloads: Payloads, references: dict[date, bytes]) -> None:
    while True:
        with run.lock:
            if run.stopped or run.next_number >= run.calls or time.monotonic() > run.deadline:
                return
            number = run.next_number
            run.next_number += 1
        day, marker, body = payloads.request(number)
        started = time.perf_counter()
        try:
            status, answer = post(server.base, body, timeout=max(run.deadline - time.monotonic(), 1) + 30)
        except OSError as error:
            with run.lock:
                if run.stopped:
                    run.interrupted += 1
                else:
                    run.failures.append(f"appel {number} : {error!r}")
            continue
        elapsed = time.perf_counter() - started
        problems = check_answer(status, answer, marker, references[day], payloads.sheet_names)
        with run.lock:
            run.latencies.append(elapsed)
            if problems:
                run.failures.append(f"appel {number} ({day.isoformat()}, {marker}) : {' ; '.join(problems)}")
                run.differing.update(problems)
                kind = " ; ".join(p for p in problems if not p.startswith("marqueurs"))
                run.dumped[kind] += 1
                if run.dump is not None and run.dumped[kind] <= DUMPED:  # a few answers of each kind of failure
                    (run.dump / f"appel-{number:04d}.json").write_bytes(answer)
                    (run.dump / f"reference-{day.isoformat()}.json").write_bytes(references[day])
            run.done += 1
            if run.done % run.every == 0:
                run.memory.append(memory_sample(server, run.done))


def memory_sample(server: Server, calls: int) -> dict:
    return {"calls": calls, "rss_mb": tree_rss(server.process.pid),
            "workers_mb": worker_rss(server.process.pid, server.workers)}


@dataclass
class Links:
    """Download links made during the load (a deck with ``?lien=1``) and what their fetches answered."""

    made: int = 0
    fetches: int = 0
    failures: list[str] = field(default_factory=list)


def links_under_load(run: Run, server: Server, payloads: Payloads, links: Links, every: float = 10.0) -> None:
    """Every ``every`` seconds while the load runs: make a deck's link, fetch it four times (any worker may answer)."""
    body = payloads.body(payloads.dates[0], REFERENCE_MARKER)
    while True:
        with run.lock:
            if run.stopped or run.done >= run.calls or time.monotonic() > run.deadline:
                return
        req = urllib.request.Request(server.base + "/opc/deck/point-mensuel?lien=1", data=body,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=120) as response:
                link = json.loads(response.read())
            links.made += 1
            for _ in range(4):
                with urllib.request.urlopen(server.base + link["url"], timeout=60) as response:
                    content = response.read()
                links.fetches += 1
                if response.status != 200 or len(content) != link["taille"] or not content.startswith(b"PK"):
                    links.failures.append(f"lien {link['fichier']} : statut {response.status}, {len(content)} octets")
        except (OSError, ValueError, KeyError) as error:
            links.failures.append(f"lien : {error!r}")
        pause = time.monotonic() + every
        while time.monotonic() < pause and run.done < run.calls and not run.stopped:
            time.sleep(0.1)


def compute_overhead(payloads: Payloads, calls: int) -> dict:
    """Return the medians of *Actualiser*'s computation in this process and in a pool's process, alternated.

    The same work (``compute.script_actions`` on the same payload) either way: the difference is what a
    process costs per call (pickling the workbook there and the actions back, the pipe).
    """
    from functools import partial
    from statistics import median

    from opc_excel.cancel import CancelFlag
    from opc_excel.server import compute
    from opc_excel.server.book import run_actualiser
    from opc_excel.server.pool import ProcessWorkers

    work = partial(compute.script_actions, run_actualiser, json.loads(payloads.body(MASTER_DATE, REFERENCE_MARKER)),
                   date.today())
    pool = ProcessWorkers(1, compute.PRELOADED).start()
    inline, in_pool = [], []
    try:
        pool.run(os.getpid, CancelFlag())  # its imports done
        work(), pool.run(work, CancelFlag())  # both warm
        for _ in range(calls):
            started = time.perf_counter()
            work()
            inline.append(time.perf_counter() - started)
            started = time.perf_counter()
            pool.run(work, CancelFlag())
            in_pool.append(time.perf_counter() - started)
    finally:
        pool.close()
    return {"calls": calls, "inline_p50_s": median(inline), "pool_p50_s": median(in_pool),
            "overhead_p50_s": median(in_pool) - median(inline)}


def percentile(values: list[float], q: float) -> float:
    """Return the nearest-rank percentile ``q`` (0–100) of ``values``."""
    ordered = sorted(values)
    return ordered[max(math.ceil(q / 100 * len(ordered)) - 1, 0)]


def reference_phase(server: Server, payloads: Payloads) -> tuple[dict[date, bytes], list[str], dict]:
    """Return each date's answer from the server alone, checked against the in-process refresh; and what differs."""
    references, failures, shown = {}, [], {}
    for day in payloads.dates:
        status, first = post(server.base, payloads.body(day, REFERENCE_MARKER), timeout=120)
        if status != 200:
            failures.append(f"référence {day.isoformat()} : statut {status} : {first[:300]!r}")
            continue
        status, again = post(server.base, payloads.body(day, REFERENCE_MARKER), timeout=120)
        if (status, again) != (200, first):
            failures.append(f"référence {day.isoformat()} : deux appels identiques, deux réponses différentes")
        answer, local = json.loads(first), in_process(payloads, day)
        served_values = sheet_values(answer, payloads.sheet_names)
        local_values = sheet_values(local, payloads.sheet_names)
        for name in CHECKED_SHEETS:
            if served_values.get(name) != local_values.get(name):
                failures.append(f"référence {day.isoformat()} : {name} diffère du calcul hors serveur")
        summary = summary_of(answer)
        if summary != summary_of(local) or summary["date_de_situation"] != fr_date(day):
            failures.append(f"référence {day.isoformat()} : résumé inattendu {summary}")
        if answer["actions"] != local["actions"]:
            failures.append(f"référence {day.isoformat()} : actions différentes du calcul hors serveur")
        title = served_values["Contrôles"][0][2][0][0]
        alert_rows = sum(1 for block in served_values["Alertes"] for row in block[2] if REFERENCE_MARKER in row)
        shown[day.isoformat()] = {"contrôles": title, "alertes": summary["alertes"], "lignes_marquées": alert_rows}
        if fr_date(day) not in title or alert_rows != 1:
            failures.append(f"référence {day.isoformat()} : Contrôles « {title} », {alert_rows} ligne(s) marquée(s)")
        references[day] = first
    return references, failures, shown


def get_status(base: str, path: str, timeout: float) -> int:
    try:
        with urllib.request.urlopen(base + path, timeout=timeout) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def slow_clients(server: Server, payloads: Payloads, references: dict[date, bytes], count: int,
                 seconds: float) -> dict:
    """Return what normal calls got while ``count`` idle or slowloris sockets were open for ``seconds``."""
    day = payloads.dates[0]
    sockets: list[socket.socket] = []
    refused = 0
    for number in range(count):
        try:
            slow = socket.create_connection((HOST, server.port), timeout=10)
        except OSError:
            refused += 1
            continue
        slow.setblocking(False)
        if number % 2:
            slow.send(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Lent: ")
        sockets.append(slow)
    opened = len(sockets)
    closed: set[int] = set()
    answers: Counter = Counter()
    latencies: list[float] = []
    failures: list[str] = []
    rss_max = tree_rss(server.process.pid)
    ends = time.monotonic() + seconds
    tick = 0
    try:
        while time.monotonic() < ends:
            tick += 1
            for index, slow in enumerate(sockets):
                if index in closed:
                    continue
                try:
                    if slow.recv(1024, socket.MSG_DONTWAIT) == b"":
                        closed.add(index)
                    elif index % 2:
                        slow.send(b"a")
                except BlockingIOError:
                    if index % 2:
                        try:
                            slow.send(b"a")
                        except OSError:
                            closed.add(index)
                except OSError:
                    closed.add(index)
            started = time.perf_counter()
            try:
                if tick % 3:
                    status = get_status(server.base, "/", timeout=30)
                    ok = status == 200
                else:
                    status, body = post(server.base, payloads.body(day, MARKER.format(9000 + tick)), timeout=60)
                    ok = not check_answer(status, body, MARKER.format(9000 + tick), references[day],
                                          payloads.sheet_names)
            except OSError as error:
                status, ok = type(error).__name__, False
            latencies.append(time.perf_counter() - started)
            answers[str(status)] += 1
            if not ok:
                failures.append(f"appel normal pendant les clients lents : {status}")
            rss_max = max(rss_max, tree_rss(server.process.pid))
            time.sleep(max(0.0, 1 - (time.perf_counter() - started)))
    finally:
        for slow in sockets:
            slow.close()
    return {"slow_sockets": count, "opened": opened, "refused_at_connect": refused, "seconds": seconds,
            "closed_by_server": len(closed), "normal_calls": sum(answers.values()), "statuses": dict(answers),
            "failures": failures, "latency_max_s": max(latencies) if latencies else None,
            "latency_p50_s": percentile(latencies, 50) if latencies else None, "rss_max_mb": rss_max}


def load_test(calls: int, workers: int, max_seconds: float, every: int, dates: int, *,
              dump: Path | None = None, server_env: dict[str, str] | None = None, slow: int = 0,
              slow_seconds: float = 30, server_workers: int = 1, with_links: bool = True) -> dict:
    started = time.monotonic()
    deadline = started + max_seconds
    payloads = build_payloads(dates)
    run = Run(calls, workers, deadline, every, dump=dump)
    if dump is not None:
        dump.mkdir(parents=True, exist_ok=True)
    references: dict[date, bytes] = {}
    links = Links()
    load_seconds = server_cpu = hwm = float("nan")
    workers_cpu: list[float] = []
    machine_load: list[float] = []
    slow_result = None
    with tempfile.TemporaryDirectory() as folder:
        server = Server(Path(folder) / "serveur.log", server_env or {}, server_workers)
        try:
            server.wait_ready()
            pid = server.process.pid
            rss_start = tree_rss(pid)
            print(f"Serveur prêt sur {server.base} (pid {pid}) : {rss_start:.0f} Mo", file=sys.stderr)
            references, reference_failures, shown = reference_phase(server, payloads)
            rss_after_references = tree_rss(pid)
            print(f"Références ({2 * len(payloads.dates)} appels un par un) : "
                  f"{'conformes' if not reference_failures else reference_failures}", file=sys.stderr)
            if len(references) == len(payloads.dates):
                cpu_before, workers_before = tree_cpu(pid), worker_cpu(pid, server_workers)
                run.memory.append(memory_sample(server, 0))
                load_started = time.perf_counter()
                machine_load = [os.getloadavg()[0]]
                threads = [threading.Thread(target=worker, args=(run, server, payloads, references), daemon=True)
                           for _ in range(workers)]
                checker = threading.Thread(target=links_under_load, args=(run, server, payloads, links), daemon=True)
                for thread in threads + [checker] if with_links else threads:
                    thread.start()
                while any(t.is_alive() for t in threads) and time.monotonic() < deadline + 5:
                    for thread in threads:
                        thread.join(timeout=1)
                    print(f"  {run.done} appels", file=sys.stderr, end="\r")
                load_seconds = time.perf_counter() - load_started
                machine_load.append(os.getloadavg()[0])
                server_cpu = tree_cpu(pid) - cpu_before
                workers_cpu = [after - before for after, before  # a worker restarted meanwhile would shift them
                               in zip(worker_cpu(pid, server_workers), workers_before, strict=False)]
                threads.append(checker)
                if with_links:
                    checker.join(timeout=max(deadline + 5 - time.monotonic(), 0))
                if any(t.is_alive() for t in threads):  # hard stop: the time is up
                    with run.lock:
                        run.stopped = True
                    server.stop()
                    for thread in threads:
                        thread.join(timeout=30)
                else:
                    run.memory.append(memory_sample(server, run.done))
                    hwm = tree_sum(pid, lambda p: proc_status(p, "VmHWM"))
                    if slow:
                        print(f"Clients lents : {slow} sockets pendant {slow_seconds:g} s", file=sys.stderr)
                        slow_result = slow_clients(server, payloads, references, slow, slow_seconds)
        finally:
            server.stop()
            logged = server.problems_logged()
    latencies = run.latencies
    memory = sorted({m["calls"]: m for m in run.memory}.values(), key=lambda m: m["calls"])
    return {
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0], "loadavg_1min": machine_load},
        "calls_asked": calls, "workers": workers, "server_workers": server_workers,
        "links": {"made": links.made, "fetches": links.fetches, "failures": links.failures} if with_links else None,
        "dates": len(payloads.dates), "max_seconds": max_seconds,
        "server_env": server_env or {},
        "payload_kb": len(payloads.body(MASTER_DATE, REFERENCE_MARKER)) / 1000,
        "answer_kb": len(next(iter(references.values()))) / 1000 if references else None,
        "reference_calls": 2 * len(payloads.dates), "references": shown, "reference_failures": reference_failures,
        "calls_done": len(latencies), "interrupted": run.interrupted, "time_limit_hit": run.stopped,
        "failures": run.failures, "differing": dict(run.differing.most_common()), "server_log_problems": logged,
        "load_seconds": load_seconds, "throughput_per_s": len(latencies) / load_seconds if latencies else 0.0,
        "server_cpu_seconds": server_cpu, "workers_cpu_seconds": workers_cpu,
        "server_cpu_per_call": server_cpu / len(latencies) if latencies else None,
        "latency_s": {name: percentile(latencies, q) for name, q in (("p50", 50), ("p90", 90), ("p99", 99))}
        | {"max": max(latencies), "min": min(latencies), "mean": sum(latencies) / len(latencies)} if latencies else {},
        "rss_start_mb": rss_start, "rss_after_references_mb": rss_after_references, "rss_mb": memory,
        "hwm_mb": hwm, "total_seconds": time.monotonic() - started, "slow_clients": slow_result,
    }


def report(result: dict) -> str:
    """Return the result as Markdown: the run, what differed, latencies, memory over the calls."""
    lat, failures = result["latency_s"], result["failures"]
    loads = result["machine"].get("loadavg_1min")
    shown = " puis ".join(f"{v:.1f}" for v in loads or [])
    machine_load = f" (charge de la machine, loadavg 1 min : {shown})" if loads else ""
    lines = [
        f"`opc-excel serve --workers {result['server_workers']}` : "
        f"{result['calls_done']} appels `actualiser` sur {result['calls_asked']} demandés, {result['workers']} à la "
        f"fois, en {result['load_seconds']:.1f} s : **{result['throughput_per_s']:.2f} appels/s** ; "
        f"serveur : {result['server_cpu_seconds']:.1f} s CPU ("
        f"{' + '.join(f'{c:.1f}' for c in result['workers_cpu_seconds'])} par processus de travail avec son calcul), "
        f"{result['server_cpu_per_call']:.2f} s par appel, {result['server_cpu_seconds'] / result['load_seconds']:.2f} "
        f"cœur en moyenne{machine_load}. "
        f"Requête {result['payload_kb']:.0f} ko, réponse {result['answer_kb']:.0f} ko. "
        f"Références ({result['reference_calls']} appels un par un) : "
        f"{'conformes' if not result['reference_failures'] else len(result['reference_failures'])} ; "
        f"**réponses non conformes : {len(failures)}** ; lignes d'erreur dans le journal du serveur : "
        f"{len(result['server_log_problems'])}" + (" ; **arrêt sur limite de temps**" if result["time_limit_hit"]
                                                    else "") + ".",
    ]
    if result["differing"]:
        lines += ["", "| ce qui diffère de la réponse de référence | réponses |", "|---|---:|"]
        lines += [f"| {part} | {count} |" for part, count in result["differing"].items()]
    lines += [
        "",
        "| latence (s) | min | moyenne | p50 | p90 | p99 | max |",
        "|---|---:|---:|---:|---:|---:|---:|",
        "| appel `actualiser` | " + " | ".join(f"{lat[k]:.2f}" for k in ("min", "mean", "p50", "p90", "p99", "max"))
        + " |",
        "",
        "| appels | " + " | ".join(["démarrage", "références"] + [str(m["calls"]) for m in result["rss_mb"]]) + " |",
        "|---|" + "---:|" * (2 + len(result["rss_mb"])),
        "| VmRSS du serveur (Mo) | " + " | ".join(
            f"{v:.0f}" for v in [result["rss_start_mb"], result["rss_after_references_mb"]]
            + [m["rss_mb"] for m in result["rss_mb"]]) + " |",
    ]
    if any(m.get("workers_mb") for m in result["rss_mb"]) and result["server_workers"] > 1:
        lines += ["| VmRSS de chaque processus de travail et de son processus de calcul (Mo) | " + " | ".join(
            ["", ""] + [" + ".join(f"{v:.0f}" for v in m["workers_mb"]) for m in result["rss_mb"]]) + " |"]
    links = result.get("links")
    if links:
        lines += ["", f"Liens de téléchargement pendant la charge : {links['made']} créés, {links['fetches']} "
                      f"téléchargements, **échecs : {len(links['failures'])}**."]
    slow = result.get("slow_clients")
    if slow:
        lines += [
            "",
            f"Clients lents : {slow['opened']} sockets ouverts sur {slow['slow_sockets']} (moitié muets, moitié "
            f"en-têtes envoyés un octet par seconde), {slow['seconds']:g} s ; fermés par le serveur : "
            f"{slow['closed_by_server']} ; appels normaux pendant ce temps : {slow['normal_calls']} "
            f"(statuts {slow['statuses']}), **non conformes : {len(slow['failures'])}**, latence p50 "
            f"{slow['latency_p50_s']:.2f} s, max {slow['latency_max_s']:.2f} s ; "
            f"VmRSS max {slow['rss_max_mb']:.0f} Mo.",
        ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Test de charge du serveur du complément (actualiser, boucle locale).")
    parser.add_argument("--calls", type=int, default=500, help="appels en tout (par défaut 500)")
    parser.add_argument("--workers", type=int, default=4, help="appels simultanés (par défaut 4)")
    parser.add_argument("--max-seconds", type=float, default=600, help="arrêt au plus tard (par défaut 600 s)")
    parser.add_argument("--every", type=int, default=50, help="relever la mémoire du serveur tous les N appels")
    parser.add_argument("--dates", type=int, default=10, help="dates de situation différentes (par défaut 10)")
    parser.add_argument("--json", type=Path, help="écrire aussi les résultats bruts en JSON")
    parser.add_argument("--dump", type=Path, help=f"écrire ici les réponses non conformes ({DUMPED} de chaque sorte)")
    parser.add_argument("--server-env", nargs="+", default=[], metavar="NOM=VALEUR",
                        help="variables d'environnement du serveur (diagnostic, par exemple MALLOC_ARENA_MAX=2)")
    parser.add_argument("--slow-clients", type=int, default=0, metavar="N",
                        help="puis N sockets lents ou muets ouverts pendant --slow-seconds (300 à 1000)")
    parser.add_argument("--slow-seconds", type=float, default=30, help="durée des clients lents (par défaut 30 s)")
    parser.add_argument("--server-workers", type=int, default=1, metavar="N",
                        help="processus de travail du serveur (opc-excel serve --workers N, par défaut 1)")
    parser.add_argument("--surcout", type=int, default=0, metavar="N",
                        help="mesurer seulement le surcoût par appel d'un processus de calcul (N appels de chaque)")
    parser.add_argument("--sans-liens", action="store_true",
                        help="ne pas demander de liens de téléchargement pendant la charge")
    args = parser.parse_args(argv)
    if not 0 <= args.slow_clients <= 5000 or not 0 < args.slow_seconds <= 600:
        parser.error("--slow-clients va de 0 à 5000, --slow-seconds de 1 à 600")
    if min(args.calls, args.workers, args.every, args.dates, args.server_workers) < 1 or args.server_workers > 8:
        parser.error("--calls, --workers, --every, --dates et --server-workers valent au moins 1 (--server-workers "
                     "au plus 8)")
    if any("=" not in item for item in args.server_env):
        parser.error("--server-env attend NOM=VALEUR")
    if args.surcout:
        figures = compute_overhead(build_payloads(1), min(args.surcout, 200))
        print(f"Actualiser, médianes sur {figures['calls']} appels : dans ce processus "
              f"{figures['inline_p50_s']:.3f} s, dans un processus de calcul {figures['pool_p50_s']:.3f} s ; "
              f"surcoût {figures['overhead_p50_s'] * 1000:.0f} ms par appel.")
        return 0
    result = load_test(args.calls, args.workers, args.max_seconds, args.every, args.dates, dump=args.dump,
                       server_env=dict(item.split("=", 1) for item in args.server_env), slow=args.slow_clients,
                       slow_seconds=args.slow_seconds, server_workers=args.server_workers,
                       with_links=not args.sans_liens)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    if result["calls_done"]:
        print(report(result))
    for failure in result["reference_failures"] + result["failures"][:20]:
        print(f"ÉCHEC : {failure}", file=sys.stderr)
    slow_failures = (result["slow_clients"] or {}).get("failures", [])
    link_failures = (result["links"] or {}).get("failures", [])
    for failure in link_failures[:20]:
        print(f"ÉCHEC : {failure}", file=sys.stderr)
    for failure in slow_failures[:20]:
        print(f"ÉCHEC : {failure}", file=sys.stderr)
    for line in result["server_log_problems"][:20]:
        print(f"JOURNAL : {line}", file=sys.stderr)
    complete = result["calls_done"] == args.calls and not result["time_limit_hit"]
    ok = complete and not (result["reference_failures"] or result["failures"] or result["server_log_problems"]
                           or slow_failures or link_failures
                           or (args.slow_clients and result["slow_clients"] is None))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
