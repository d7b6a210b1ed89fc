"""HTTP figures: every engine under gunicorn (``gunicorn.conf.py``, ``workers``
gthread workers), driven by ``bench.loadgen`` in its own process on 127.0.0.1.

The server's RSS (master + workers) is read after at least ``rss_after``
requests have been served (warm-up, latency and throughput runs count; more
are sent if needed), the figure the memory target is about."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench import procwatch
from bench.corpus import ROOT
from bench.queries import EVERYDAY, Query, path_for
from bench.stats import median, median_dicts, pcts

GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


@contextmanager
def server(app: str, port: int, env_extra: dict[str, str], workers: int = 1) -> Iterator[subprocess.Popen[bytes]]:
    """gunicorn with the project's config on 127.0.0.1:port, stopped on exit."""
    env = dict(os.environ, SEARCH_BIND=f"127.0.0.1:{port}", SEARCH_WORKERS=str(workers), **env_extra)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    proc = subprocess.Popen(
        [GUNICORN, "-c", str(ROOT / "gunicorn.conf.py"), "--access-logfile", "/dev/null", app],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_ready(proc, port)
        yield proc
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _wait_ready(proc: subprocess.Popen[bytes], port: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    url = f"http://127.0.0.1:{port}/api/search?q=test"
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
            raise RuntimeError(f"server on port {port} exited: {err[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=5) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server on port {port} did not answer within {timeout}s")


def loadgen(port: int, requests: list[tuple[str, str]], clients: int, max_requests: int, max_seconds: float) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as fh:
        json.dump(requests, fh)
        name = fh.name
    try:
        out = subprocess.run(
            [
                sys.executable,
                "-m",
                "bench.loadgen",
                f"http://127.0.0.1:{port}",
                name,
                "--clients",
                str(clients),
                "--max-requests",
                str(max_requests),
                "--max-seconds",
                str(max_seconds),
            ],
            cwd=ROOT,
            env=dict(os.environ, PYTHONPATH=str(ROOT)),
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        os.unlink(name)
    return json.loads(out.stdout)


def _latency(port: int, requests: list[tuple[str, str]], runs: int) -> dict[str, dict[str, float]]:
    per_run = []
    for _ in range(runs):
        res = loadgen(port, requests, 1, len(requests), 600)
        samples = res["latency_ms"]
        summary = {label: pcts(v) for label, v in samples.items()}
        summary["all"] = pcts([x for v in samples.values() for x in v])
        summary["everyday"] = pcts([x for label in EVERYDAY for x in samples.get(label, [])])
        summary["all"]["errors"] = res["errors"]
        per_run.append(summary)
    return {label: median_dicts([r[label] for r in per_run]) for label in per_run[0]}


def _throughput(
    port: int, requests: list[tuple[str, str]], clients: int, runs: int, max_requests: int, max_seconds: float
) -> dict[str, float]:
    res = [loadgen(port, requests, clients, max_requests, max_seconds) for _ in range(runs)]
    return {
        "rps": median(r["rps"] for r in res),
        "errors": sum(r["errors"] for r in res),
        "requests": sum(r["requests"] for r in res),
    }


def measure(
    index: Path,
    db: Path,
    tv: Path | None,
    queries: list[Query],
    runs: int,
    port_base: int,
    clients: tuple[int, ...],
    max_requests: int,
    max_seconds: float,
    workers: int = 1,
    rss_after: int = 1000,
) -> dict[str, object]:
    requests = [(label, path_for(p)) for label, p in queries]
    engines = {
        "ours": ("wsgi:app", port_base, {"SEARCH_INDEX_DIR": str(index)}),
        "fts5": ("bench.fts5_wsgi:app", port_base + 1, {"FTS5_DB": str(db)}),
    }
    if tv is not None:
        engines["tantivy"] = ("bench.tantivy_wsgi:app", port_base + 2, {"TANTIVY_INDEX": str(tv)})
    result: dict[str, object] = {}
    for eng, (app, port, env) in engines.items():
        with server(app, port, env, workers) as proc:
            served = loadgen(port, requests, 2, len(requests), 120)["requests"]  # warm the workers
            latency = _latency(port, requests, runs)
            served += runs * len(requests)
            out: dict[str, object] = {"latency": latency}
            out["throughput"] = {
                str(c): _throughput(port, requests, c, runs, max_requests, max_seconds) for c in clients
            }
            served += sum(t["requests"] for t in out["throughput"].values())  # type: ignore[union-attr]
            if served < rss_after:
                served += loadgen(port, requests, 2, rss_after - served, 600)["requests"]
            pids = procwatch.tree(proc.pid)
            out["requests_served"] = served
            out["server_rss_mb"] = procwatch.rss_mb(pids)
            out["worker_rss_mb"] = max(procwatch.rss_mb([p]) for p in pids if p != proc.pid) if len(pids) > 1 else 0.0
        result[eng] = out
    return result
