"""A real gunicorn server keeps answering while the indexer updates, crashes and recovers.

The server is never restarted: it must pick up each published generation by
itself, only ever show whole batches, and keep serving the last committed
state when an updater is killed with SIGKILL half-way.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from backends.whoosh.generations import current_generation, generations
from tests.conftest import ROOT
from tests.indexer.conftest import bench_pool, cli_env, index_docs, run_indexer, start_indexer, wait_for  # noqa: F401
from tests.ports import free_port

BATCH = 100


def get(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, {}
    except OSError:
        return 0, {}


@pytest.fixture()
def server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """gunicorn (2 workers, as in production) on a free loopback port, over ``tmp_path/index``."""
    index = tmp_path / "index"
    port = free_port()
    env = cli_env() | {"SEARCH_INDEX_DIR": str(index), "SEARCH_BIND": f"127.0.0.1:{port}", "SEARCH_WORKERS": "2"}
    log = (tmp_path / "server.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        yield f"http://127.0.0.1:{port}", index
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


class Prober(threading.Thread):
    """Asks the server all the time, as users would, and records every answer."""

    def __init__(self, base: str) -> None:
        super().__init__(daemon=True)
        self.base = base
        self.statuses: list[int] = []
        self.counts: set[int] = set()
        self.halt = threading.Event()

    def run(self) -> None:
        query = urllib.parse.urlencode({"q": "Россия"})
        while not self.halt.is_set():
            status, body = get(f"{self.base}/api/health")
            self.statuses.append(status)
            self.counts.add(body.get("documents", -1))
            self.statuses.append(get(f"{self.base}/api/search?{query}")[0])


def documents(base: str) -> int:
    return get(f"{base}/api/health")[1].get("documents", -1)


def test_server_serves_through_updates_and_a_crash(
    server: tuple[str, Path],
    bench_pool: list[Path],  # noqa: F811 (the fixture imported above)
    tmp_path: Path,
) -> None:
    base, index = server
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for src in bench_pool[:BATCH]:
        shutil.copy(src, corpus / src.name)
    assert run_indexer("update", corpus, "--index", index).returncode == 0
    wait_for(lambda: get(f"{base}/api/health")[0] == 200, 60, "the server to start", interval=0.1)

    prober = Prober(base)
    prober.start()
    try:
        for src in bench_pool[BATCH : 4 * BATCH]:
            shutil.copy(src, corpus / src.name)
        # An updater killed half-way: the server keeps the last whole batch.
        log = tmp_path / "update.log"
        proc = start_indexer("update", corpus, "--index", index, "--batch-size", BATCH, log=log)
        wait_for(lambda: "published gen-" in log.read_text() or proc.poll() is not None, 120, "a batch", interval=0.01)
        cur = current_generation(index)
        wait_for(lambda: generations(index)[-1] != cur or proc.poll() is not None, 60, "the next batch", interval=0.01)
        time.sleep(0.3)
        assert proc.poll() is None, "the update ended before the kill: make the corpus larger"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        committed = len(index_docs(index))
        assert committed in (2 * BATCH, 3 * BATCH)
        assert all(documents(base) == committed for _ in range(6)), "both workers serve the last commit"

        # The next update finishes the work; the running server sees it without a restart.
        done = run_indexer("update", corpus, "--index", index, "--batch-size", BATCH)
        assert done.returncode == 0, done.stderr
        assert all(documents(base) == 4 * BATCH for _ in range(6))
        new_id = bench_pool[4 * BATCH - 1].name[:-4]
        assert get(f"{base}/api/documents/{new_id}")[0] == 200
    finally:
        prober.halt.set()
        prober.join(timeout=30)
    assert len(prober.statuses) > 20
    assert set(prober.statuses) == {200}, f"non-200 answers during the updates: {sorted(set(prober.statuses))}"
    assert prober.counts <= {BATCH * k for k in range(1, 5)}, f"a partial state was visible: {prober.counts}"
