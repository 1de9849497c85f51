"""Which process left something behind (a run, a staging file, a snapshot's scratch copy), and whether
that process still lives: a `kill -9` leaves things no `finally` cleans up, and the next run must tell
them from those of a run still going.

A process is known by its host, PID and start time (PIDs are reused; a PID alive with another start
time is another process). psutil answers on every platform.
"""

from __future__ import annotations

import os
import re
import socket
from dataclasses import dataclass
from pathlib import Path

import psutil

# Start times are floats of seconds; they are compared to this precision (rounding in tags and file names).
_SAME_START_SECONDS = 1.0


@dataclass(frozen=True)
class ProcessRef:
    host: str
    pid: int
    started: float  # the process's start time, seconds since the epoch

    def is_gone(self) -> bool:
        """True when the process has ended (or its PID now belongs to another process). A process on
        another host cannot be checked from here: it is never taken for gone."""
        if self.host != socket.gethostname():
            return False
        try:
            started = psutil.Process(self.pid).create_time()
        except psutil.NoSuchProcess:
            return True
        except psutil.Error:  # alive, but not ours to inspect
            return False
        return abs(started - self.started) > _SAME_START_SECONDS


def this_process() -> ProcessRef:
    return ProcessRef(socket.gethostname(), os.getpid(), psutil.Process().create_time())


# ---- files a process leaves: <name>.<pid>-<start>.<suffix> -------------------------------------

_OWNED = re.compile(r"\.p(?P<pid>\d+)-(?P<started>\d+)\.")


def owned_name(stem: str, suffix: str) -> str:
    """A file name that says which process of this host writes it (see remove_orphans)."""
    me = this_process()
    return f"{stem}.p{me.pid}-{int(me.started)}.{suffix}"


def remove_orphans(folder: Path) -> list[Path]:
    """Delete the files in `folder` (named by owned_name) whose process is gone; return them."""
    removed = []
    host = socket.gethostname()
    for path in sorted(folder.glob("*")) if folder.is_dir() else []:
        found = _OWNED.search(path.name)
        if found and ProcessRef(host, int(found["pid"]), float(found["started"])).is_gone():
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed
