"""A refresh killed at any moment, and two refreshes of one master at once, through the real command line.

Each refresh runs in its own Python process (``opc-excel refresh --in-place``, as a user or a
scheduled task would run it). To interrupt one at a chosen moment, the process wraps one step of
the pipeline so that it kills itself there with SIGKILL: no ``finally``, no clean-up, as when the
power goes or the session is closed. Afterwards the master must open, and hold either exactly what
it held before or the whole new refresh; never a half-written file.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from opc_excel.read.contract import OUTPUT_SHEETS
from tests.factory import make_workbook
from tests.test_cli import input_cells

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL n'existe pas sous Windows")
ROOT = Path(__file__).resolve().parents[1]
TODAY = "2026-01-01"

# The child: optional hooks, then the command line. ``kill_at`` names where to die.
CHILD = textwrap.dedent("""
    import os, signal, sys, time
    from datetime import date
    from pathlib import Path
    import openpyxl
    from opc_excel import cli, files, pipeline

    kill_at, master, wait_for = sys.argv[1], sys.argv[2], sys.argv[3]

    def die():
        os.kill(os.getpid(), signal.SIGKILL)

    def after(module, name):
        real = getattr(module, name)
        def wrapper(*args, **kwargs):
            result = real(*args, **kwargs)
            die()
        setattr(module, name, wrapper)

    def before(module, name):
        def wrapper(*args, **kwargs):
            die()
        setattr(module, name, wrapper)

    if kill_at == "after-check":
        after(pipeline, "check_file")
    elif kill_at == "after-outputs":
        after(pipeline, "write_outputs")
    elif kill_at == "after-backup":
        after(pipeline, "backup_copy")
    elif kill_at == "mid-save":  # the new file's first 4 kB written, then the power goes
        real_write = files._atomic_write
        class Cut:
            def __init__(self, stream):
                self.stream = stream
            def write(self, data):
                self.stream.write(data[:4096])
                self.stream.flush()
                die()
            def __getattr__(self, name):
                return getattr(self.stream, name)
        files._atomic_write = lambda path, write: real_write(path, lambda stream: write(Cut(stream)))
    elif kill_at == "before-rename":
        before(files.os, "replace")
    elif kill_at == "after-rename":
        after(files.os, "replace")
    elif kill_at == "hold":  # keep the lock until the file named wait_for appears
        real_check = pipeline.check_file
        def held(*args, **kwargs):
            Path(master + ".dedans").touch()
            deadline = time.monotonic() + 120
            while not Path(wait_for).exists() and time.monotonic() < deadline:
                time.sleep(0.05)
            return real_check(*args, **kwargs)
        pipeline.check_file = held
    sys.exit(cli.main(["refresh", master, "--in-place"], today=date.fromisoformat(sys.argv[4])))
""")


def refresh_process(master: Path, kill_at: str = "none", wait_for: Path | None = None) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-c", CHILD, kill_at, str(master), str(wait_for or ""), TODAY],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def run_refresh(master: Path, kill_at: str = "none") -> subprocess.CompletedProcess:
    process = refresh_process(master, kill_at)
    out, err = process.communicate(timeout=300)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def output_values(path: Path) -> dict[str, list[tuple]]:
    workbook = openpyxl.load_workbook(path)
    return {name: list(workbook[name].iter_rows(values_only=True)) for name in OUTPUT_SHEETS}


@pytest.fixture(scope="module")
def refreshed_once(tmp_path_factory) -> tuple[bytes, dict]:
    """A master already refreshed once (its second refresh is interrupted), and what a whole refresh gives."""
    folder = tmp_path_factory.mktemp("reference")
    master = make_workbook(folder, name="maitre.xlsx")
    assert run_refresh(master).returncode in (0, 1)
    before = master.read_bytes()
    assert run_refresh(master).returncode in (0, 1)
    return before, output_values(master)


class DescribeAnInterruptedRefresh:
    @pytest.mark.parametrize("kill_at", ["after-check", "after-outputs", "after-backup", "mid-save",
                                         "before-rename"])
    def it_leaves_the_master_as_it_was_when_killed_before_the_new_file_is_complete(self, tmp_path,
                                                                                   refreshed_once, kill_at):
        before, _ = refreshed_once
        master = tmp_path / "maitre.xlsx"
        master.write_bytes(before)
        previous_inputs = input_cells(master)
        killed = run_refresh(master, kill_at)
        assert killed.returncode == -signal.SIGKILL, killed.stderr
        assert master.read_bytes() == before
        assert zipfile.ZipFile(master).testzip() is None
        # the lock of the dead process does not stop the next refresh, which completes
        assert (tmp_path / "~$maitre.xlsx.opc-lock").exists()
        again = run_refresh(master)
        assert again.returncode in (0, 1), again.stderr
        assert not (tmp_path / "~$maitre.xlsx.opc-lock").exists()
        assert not list(tmp_path.glob(".~*"))  # the half-written file of a killed save is cleared away
        assert input_cells(master) == previous_inputs

    def it_leaves_the_whole_new_refresh_when_killed_just_after_the_rename(self, tmp_path, refreshed_once):
        before, expected = refreshed_once
        master = tmp_path / "maitre.xlsx"
        master.write_bytes(before)
        previous_inputs = input_cells(master)
        killed = run_refresh(master, "after-rename")
        assert killed.returncode == -signal.SIGKILL
        assert zipfile.ZipFile(master).testzip() is None  # the same situation refreshed again: the same bytes
        assert output_values(master) == expected
        assert input_cells(master) == previous_inputs
        [backup] = tmp_path.glob("maitre.sauvegarde-*.xlsx")
        assert backup.read_bytes() == before


class DescribeTwoRefreshesAtOnce:
    def it_refuses_the_second_in_french_and_lets_the_first_finish_alone(self, tmp_path, refreshed_once):
        before, expected = refreshed_once
        master = tmp_path / "maitre.xlsx"
        master.write_bytes(before)
        go_on = tmp_path / "continuer"
        first = refresh_process(master, "hold", wait_for=go_on)
        inside = Path(str(master) + ".dedans")
        deadline = time.monotonic() + 60
        while not inside.exists() and first.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert inside.exists(), first.communicate()[1]
        try:
            second = run_refresh(master)
        finally:
            go_on.touch()
        out, err = first.communicate(timeout=300)
        assert second.returncode == 2
        assert "« maitre.xlsx » est déjà en cours d'actualisation" in second.stderr
        assert "Traceback" not in second.stderr + second.stdout
        assert first.returncode in (0, 1), err
        assert output_values(master) == expected  # the first refresh alone, not a mix
        assert len(list(tmp_path.glob("maitre.sauvegarde-*.xlsx"))) == 1  # one rewrite only
        assert not (tmp_path / "~$maitre.xlsx.opc-lock").exists()
