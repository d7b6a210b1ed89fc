"""Real processes against a real cluster of their own: a 3-node OpenSearch cluster started for
this package (the session cluster's nodes must never be killed), the sample corpus indexed into it
by the CLI (3 shards, 1 replica), and the web service as a real gunicorn in front of it.

Helpers run ``python -m indexer`` as an operator would and watch its log lines live, so a test can
strike (SIGKILL a node, SIGKILL the indexer) at a known point of a run.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from cluster import Cluster
from indexer.corpus import MalformedFile, iter_corpus
from tests.conftest import SAMPLE
from tests.opensearch_fixtures import start_test_cluster
from tests.ports import free_port
from tests.robustness.loadtest import stop_server

ROOT = Path(__file__).resolve().parents[2]
#: The alias the fault tests index into and the server reads.
ALIAS = "faults"
#: Seconds the server's OpenSearch client waits per request: below gunicorn's 30 s worker timeout.
SERVER_OS_TIMEOUT = "10"


@dataclass
class Served:
    """The fault tests' world: cluster, corpus folder, alias and the gunicorn in front of them."""

    cluster: Cluster
    corpus: Path
    alias: str
    port: int
    log: Path

    @property
    def url_arg(self) -> str:
        return ",".join(self.cluster.urls)


def indexer_cmd(verb: str, corpus: Path, served: Served, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "indexer",
        verb,
        str(corpus),
        "--backend",
        "opensearch",
        "--url",
        served.url_arg,
        "--index-name",
        served.alias,
        "--shards",
        "3",
        "--replicas",
        "1",
        "--no-progress",
        *extra,
    ]


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENSEARCH_", "SEARCH_"))}
    env["PYTHONPATH"] = str(ROOT)
    return env


def run_indexer(
    verb: str, corpus: Path, served: Served, *extra: str, timeout: float = 180
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        indexer_cmd(verb, corpus, served, *extra),
        cwd=ROOT,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


class Watched:
    """``python -m indexer`` in the background, its stderr lines collected as they come."""

    def __init__(self, cmd: list[str]) -> None:
        self.proc = subprocess.Popen(
            cmd,
            cwd=ROOT,
            env=_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        self.lines: list[str] = []
        self.stdout = ""
        self._cond = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self._out_reader = threading.Thread(target=self._read_stdout, daemon=True)
        self._out_reader.start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            with self._cond:
                self.lines.append(line.rstrip("\n"))
                self._cond.notify_all()
        with self._cond:
            self._cond.notify_all()

    def _read_stdout(self) -> None:
        assert self.proc.stdout is not None
        self.stdout = self.proc.stdout.read()

    def wait_for(self, pattern: str, count: int = 1, timeout: float = 120) -> bool:
        """True once ``count`` stderr lines match ``pattern``; False if the process ended first."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                if sum(1 for line in self.lines if rx.search(line)) >= count:
                    return True
                if self.proc.poll() is not None and not self._reader.is_alive():
                    return False
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"no {count}× {pattern!r} in {timeout}s; last lines: {self.lines[-5:]}")
                self._cond.wait(min(left, 0.5))

    def wait(self, timeout: float = 180) -> int:
        rc = self.proc.wait(timeout=timeout)
        self._reader.join(5)
        self._out_reader.join(5)
        return rc

    def kill(self) -> None:
        """SIGKILL, as a crash or the OOM killer would (no cleanup in the indexer)."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.wait(30)

    def tail(self, n: int = 15) -> str:
        return "\n".join(self.lines[-n:])


def valid_hashes(corpus: Path) -> dict[str, str]:
    """Document id → content hash of every file the indexer accepts."""
    return {a.doc_id: a.content_hash for a in iter_corpus(corpus) if not isinstance(a, MalformedFile)}


def api(port: int, path: str, timeout: float = 40, **params: Any) -> tuple[int, dict[str, str], Any]:
    """One GET on a fresh connection: status, headers (lowercase names), parsed JSON (or raw text)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", f"{path}?{urlencode(params)}" if params else path)
        resp = conn.getresponse()
        raw = resp.read().decode("utf-8", errors="replace")
        headers = {k.lower(): v for k, v in resp.getheaders()}
    finally:
        conn.close()
    try:
        return resp.status, headers, json.loads(raw)
    except ValueError:
        return resp.status, headers, raw


def start_server(served: Served) -> subprocess.Popen[bytes]:
    """gunicorn (``gunicorn.conf.py``: 2 gthread workers × 4 threads) on the OpenSearch alias."""
    env = {
        **_env(),
        "SEARCH_BACKEND": "opensearch",
        "OPENSEARCH_URL": served.url_arg,
        "OPENSEARCH_INDEX": served.alias,
        "OPENSEARCH_TIMEOUT": SERVER_OS_TIMEOUT,
        "SEARCH_BIND": f"127.0.0.1:{served.port}",
    }
    cmd = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--access-logfile", "/dev/null", "wsgi:app"]
    with served.log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(
                f"gunicorn exited with {proc.returncode}: {served.log.read_text(errors='replace')[-2000:]}"
            )
        try:
            if api(served.port, "/api/health", timeout=5)[0] == 200:
                return proc
        except OSError:
            pass
        time.sleep(0.3)
    stop_server(proc)
    raise RuntimeError(f"gunicorn did not come up in 90 s: {served.log.read_text(errors='replace')[-2000:]}")


@pytest.fixture(scope="package")
def fault_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """A green 3-node cluster of this package's own: its nodes may be killed."""
    cluster = start_test_cluster(tmp_path_factory, "faults-cluster", nodes=3)
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="package")
def served(fault_cluster: Cluster, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """data/sample indexed by ``python -m indexer build`` (3 shards, 1 replica), served by gunicorn."""
    corpus = tmp_path_factory.mktemp("faults-corpus")
    for src in SAMPLE.glob("*.txt"):
        shutil.copy(src, corpus / src.name)
    world = Served(fault_cluster, corpus, ALIAS, free_port(), tmp_path_factory.mktemp("faults-server") / "gunicorn.log")
    done = run_indexer("build", corpus, world)
    assert done.returncode == 0, done.stderr[-3000:]
    proc = start_server(world)
    try:
        yield world
    finally:
        stop_server(proc)
