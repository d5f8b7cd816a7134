"""Processes seen through Linux's /proc: their CPU time, whether they still run, their children.

Shared by the server tests (a refused call's process is really gone, the workers leave no orphan)
and the load bench (CPU and memory of each worker).
"""

from __future__ import annotations

import os
from pathlib import Path


def _stat(pid: int) -> list[str]:
    """Return the fields of /proc/<pid>/stat after the command name (which may hold spaces and parentheses)."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def cpu_seconds(pid: int) -> float:
    """Return the CPU time (user + system) process ``pid`` has used; FileNotFoundError once it has ended."""
    fields = _stat(pid)
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def alive(pid: int) -> bool:
    """Return True while ``pid`` is a process that has not ended (a zombie has ended)."""
    try:
        return _stat(pid)[0] != "Z"
    except FileNotFoundError:
        return False


def children(pid: int) -> list[int]:
    """Return the processes whose parent is ``pid``."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int(_stat(int(entry.name))[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, IndexError, ValueError):  # a process that ended meanwhile
                continue
    return found


def descendants(pid: int) -> list[int]:
    """Return the children of ``pid``, theirs, and so on."""
    found = children(pid)
    return found + [d for child in found for d in descendants(child)]
