"""Wall time, CPU time and peak resident memory of a command and its children.

CPU time (``RUSAGE_CHILDREN``: every waited-for descendant, so a
multiprocess writer's workers count) is the figure that survives other jobs
on the machine; wall time is what a user waits.

Linux only: the process tree is read from ``/proc`` every few milliseconds
and the RSS of every live member is summed (``ru_maxrss`` would report only
the largest single process, which hides a multiprocess writer's workers).
"""

from __future__ import annotations

import os
import resource
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

_PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_rss_mb: float
    stdout: str
    cpu_seconds: float = 0.0  # user + system time of the command and its children


def _children() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rpartition(")")[2].split()[1])
        kids.setdefault(ppid, []).append(int(entry.name))
    return kids


def tree(pid: int) -> list[int]:
    """``pid`` and all its descendants."""
    kids = _children()
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(kids.get(p, []))
    return out


def rss_mb(pids: list[int]) -> float:
    total = 0
    for p in pids:
        try:
            total += int(Path(f"/proc/{p}/statm").read_text().split()[1])
        except (OSError, IndexError, ValueError):
            continue
    return total * _PAGE / 1e6


def tree_rss_mb(pid: int) -> float:
    return rss_mb(tree(pid))


def run(cmd: list[str], cwd: Path | None = None, env: dict[str, str] | None = None, interval: float = 0.05) -> Run:
    """Run ``cmd`` to completion; raise on a non-zero exit."""
    started = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak, pids, last_scan = 0.0, [proc.pid], 0.0
    while proc.poll() is None:
        now = time.perf_counter()
        if now - last_scan > 0.5:  # children appear rarely; a full /proc scan is costly
            pids, last_scan = tree(proc.pid), now
        peak = max(peak, rss_mb(pids))
        time.sleep(interval)
    out, err = proc.communicate()
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}: {err[-2000:]}")
    return Run(seconds, peak, out, cpu)
