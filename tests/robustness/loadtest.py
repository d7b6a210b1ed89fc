"""Loopback load test: gunicorn on a real index, hammered by a realistic query mix.

Run as its own process (the tests do, and so can you)::

    python -m tests.robustness.loadtest --index DIR [--seconds 60] [--clients 16] [--port PORT]

It starts gunicorn (``gunicorn.conf.py``: 2 gthread workers × 4 threads) on
127.0.0.1, warms it up, records the workers' RSS, sends requests from
``--clients`` threads (one keep-alive connection each) for ``--seconds``,
records RSS again, stops gunicorn, and prints one JSON object: requests sent,
status classes, 5xx, dropped connections (any socket error or a connection
the server closed mid-request), latency percentiles, machine CPU busy %, RSS
start/end per worker.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import quote, urlencode

from tests.ports import free_port

ROOT = Path(__file__).resolve().parents[2]


# -- the query mix ----------------------------------------------------------


def _title_words(corpus: Path) -> list[str]:
    words: list[str] = []
    for path in sorted(corpus.glob("*.txt")):
        first = path.read_text(encoding="utf-8", errors="replace").split("\n", 1)[0]
        words += [w for w in re.findall(r"[^\W\d_]{4,}", first[16:])]
    return words or ["новости", "сквер", "Қазақстан"]


def query_mix(corpus: Path, n: int = 4000, seed: int = 8) -> list[tuple[str, str]]:
    """(label, path) pairs: what a public search box gets, in realistic proportions."""
    rnd = random.Random(seed)
    words = _title_words(corpus)
    ids = sorted(p.stem for p in corpus.glob("*.txt"))

    def q(k: int) -> str:
        return " ".join(rnd.sample(words, k))

    out: list[tuple[str, str]] = []
    for _ in range(n):
        r = rnd.random()
        if r < 0.45:
            label, path = "search", "/api/search?" + urlencode({"q": q(rnd.choice([1, 1, 2, 2, 3]))})
        elif r < 0.55:
            form = rnd.choice(['"{a} {b}"', "{a} OR {b}", "{a} -{b}", "{p}*", "title:{a}", "{a} {p}*"])
            text = form.format(a=rnd.choice(words), b=rnd.choice(words), p=rnd.choice(words)[:3])
            label, path = "syntax", "/api/search?" + urlencode({"q": text})
        elif r < 0.65:
            params = {"q": q(rnd.choice([1, 2]))}
            params.update(
                rnd.choice(
                    [
                        {"lang": "ru"},
                        {"lang": "kk"},
                        {"sort": "date"},
                        {"page": "2"},
                        {"date_from": "2010-01-01", "date_to": "2020-12-31"},
                        {"per_page": "50"},
                    ]
                )
            )
            label, path = "filtered", "/api/search?" + urlencode(params)
        elif r < 0.75:
            label, path = "page", "/?" + urlencode({"q": q(rnd.choice([1, 2]))})
        elif r < 0.82:
            label, path = "document", "/api/documents/" + quote(rnd.choice(ids))
        elif r < 0.88:
            label, path = "suggest", "/api/suggest?" + urlencode({"q": rnd.choice(words)[:4]})
        elif r < 0.91:
            label, path = "doc-page", "/doc/" + quote(rnd.choice(ids))
        elif r < 0.93:
            label, path = "health", "/api/health"
        elif r < 0.96:  # what a public box also receives: junk that is still a query
            junk = rnd.choice(["%00", "\u202e😀", "<script>alert(1)</script>", '"', "-", "OR", "a*", "Qazaqstan"])
            label, path = "junk", "/api/search?" + urlencode({"q": junk})
        else:  # over a limit, or an attack: must be a 4xx
            label, path = (
                "invalid",
                rnd.choice(
                    [
                        "/api/search?" + urlencode({"q": "*"}),
                        "/api/search?" + urlencode({"q": "x" * 600}),
                        "/api/search?" + urlencode({"q": " ".join(["a"] * 40)}),
                        "/api/search?" + urlencode({"q": "x", "per_page": "1000"}),
                        "/api/documents/..%2f..%2fetc%2fpasswd",
                        "/api/documents/" + "a" * 300,
                    ]
                ),
            )
        out.append((label, path))
    return out


# -- the server -------------------------------------------------------------


def start_server(index: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "SEARCH_INDEX_DIR": str(index), "SEARCH_BIND": f"127.0.0.1:{port}", "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--access-logfile", "/dev/null", "wsgi:app"]
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {proc.returncode}: {log.read_text(errors='replace')[-2000:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/api/health")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            pass
        time.sleep(0.2)
    stop_server(proc)
    raise RuntimeError("gunicorn did not come up in 60 s")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # the server runs in its own session: workers go too
            proc.wait()


def worker_pids(master: int) -> list[int]:
    """The gunicorn workers: children of the master, from /proc."""
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == master:
                out.append(int(entry.name))
    return sorted(out)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def cpu_times() -> tuple[int, int]:
    """(busy, total) jiffies of the whole machine."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


# -- the clients ------------------------------------------------------------


class Tally:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.status: Counter[int] = Counter()
        self.dropped: list[str] = []
        self.latency: list[float] = []
        self.by_label: Counter[str] = Counter()
        self.bad: list[str] = []


def _client(
    port: int, paths: list[tuple[str, str]], offset: int, deadline: float, tally: Tally, keep_alive: bool = True
) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {} if keep_alive else {"Connection": "close"}
    i = offset
    while time.perf_counter() < deadline:
        label, path = paths[i % len(paths)]
        i += 1
        t0 = time.perf_counter()
        try:
            conn.request("GET", path, headers=headers)
            resp = conn.getresponse()
            body = resp.read()
        except (OSError, http.client.HTTPException) as exc:
            with tally.lock:
                tally.dropped.append(f"{type(exc).__name__}: {exc} on {path[:80]}")
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            continue
        ms = (time.perf_counter() - t0) * 1000
        ok = resp.status < 500 and (label != "invalid" or 400 <= resp.status < 500)
        if path.startswith("/api/"):
            try:
                json.loads(body)
            except ValueError:
                ok = False
        with tally.lock:
            tally.status[resp.status] += 1
            tally.latency.append(ms)
            tally.by_label[label] += 1
            if not ok:
                tally.bad.append(f"{resp.status} {path[:80]}")
        if not keep_alive or resp.getheader("Connection", "").lower() == "close":
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.close()


def drive(
    port: int, paths: list[tuple[str, str]], clients: int, seconds: float, seed_offset: int = 0, keep_alive: bool = True
) -> Tally:
    tally = Tally()
    deadline = time.perf_counter() + seconds
    step = max(1, len(paths) // clients)
    threads = [
        threading.Thread(target=_client, args=(port, paths, seed_offset + k * step, deadline, tally, keep_alive))
        for k in range(clients)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return tally


def prime(port: int, paths: list[tuple[str, str]], per_kind: int = 8) -> float:
    """Cold start: each kind of request, ``per_kind`` at once on fresh connections, so
    every worker builds its per-generation structures. Returns the seconds it took."""
    firsts: dict[str, str] = {}
    for label, path in paths:
        firsts.setdefault(label, path)
    started = time.perf_counter()

    def one(path: str) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        try:
            conn.request("GET", path, headers={"Connection": "close"})
            conn.getresponse().read()
        finally:
            conn.close()

    for path in firsts.values():
        threads = [threading.Thread(target=one, args=(path,)) for _ in range(per_kind)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    return time.perf_counter() - started


def _pct(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    s = sorted(values)
    return round(s[min(len(s) - 1, int(p / 100 * len(s)))], 1)


def run(
    index: Path, corpus: Path, seconds: float, clients: int, port: int, warmup: float, log: Path, mix: int = 4000
) -> dict[str, object]:
    paths = query_mix(corpus, n=mix)
    proc = start_server(index, port, log)
    try:
        # Warm-up with a new connection per request, so every worker gets its
        # share: each opens its searchers and builds its per-generation tables.
        cold_start = prime(port, paths)
        drive(port, paths, clients, warmup, seed_offset=len(paths) // 2, keep_alive=False)
        workers = worker_pids(proc.pid)
        rss_start = {pid: rss_mb(pid) for pid in workers}
        samples: list[dict[int, float]] = []
        stop = threading.Event()

        def sample() -> None:
            while not stop.wait(1.0):
                samples.append({pid: rss_mb(pid) for pid in worker_pids(proc.pid)})

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        busy0, total0 = cpu_times()
        started = time.perf_counter()
        tally = drive(port, paths, clients, seconds)
        elapsed = time.perf_counter() - started
        stop.set()
        sampler.join()
        busy1, total1 = cpu_times()
        workers_end = worker_pids(proc.pid)
        rss_end = {pid: rss_mb(pid) for pid in workers_end}
    finally:
        stop_server(proc)
    sent = sum(tally.status.values()) + len(tally.dropped)
    return {
        "cold_start_seconds": round(cold_start, 1),
        "seconds": round(elapsed, 1),
        "clients": clients,
        "distinct_requests": len(paths),
        "requests": sent,
        "requests_per_s": round(sent / elapsed, 1),
        "status": {str(k): v for k, v in sorted(tally.status.items())},
        "five_xx": sum(v for k, v in tally.status.items() if k >= 500),
        "dropped": len(tally.dropped),
        "dropped_examples": tally.dropped[:5],
        "unexpected": len(tally.bad),
        "unexpected_examples": tally.bad[:5],
        "by_label": dict(tally.by_label),
        "latency_ms": {
            "p50": _pct(tally.latency, 50),
            "p95": _pct(tally.latency, 95),
            "p99": _pct(tally.latency, 99),
            "max": _pct(tally.latency, 100),
        },
        "cpu_busy_percent": round(100 * (busy1 - busy0) / max(1, total1 - total0), 1),
        "workers_restarted": sorted(set(workers) ^ set(workers_end)),
        "rss_mb_start": rss_start,
        "rss_mb_quarter": samples[len(samples) // 4] if samples else {},
        "rss_mb_peak": {pid: max(s.get(pid, 0.0) for s in samples) for pid in rss_end} if samples else {},
        "rss_mb_end": rss_end,
        "rss_mb_every_10s": [sorted(s.values()) for s in samples[9::10]],
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--index", type=Path, required=True)
    p.add_argument("--corpus", type=Path, default=ROOT / "data" / "sample", help="for the query mix (titles, ids)")
    p.add_argument("--seconds", type=float, default=60.0)
    p.add_argument("--warmup", type=float, default=5.0)
    p.add_argument("--clients", type=int, default=16)
    p.add_argument("--mix", type=int, default=4000, help="distinct requests in the mix (cycled)")
    p.add_argument("--port", type=int, default=0, help="default: a free loopback port")
    p.add_argument("--log", type=Path, default=None, help="gunicorn's log (default: next to the index)")
    args = p.parse_args(argv)
    log = args.log or args.index.parent / "gunicorn-load.log"
    port = args.port or free_port()
    result = run(args.index, args.corpus, args.seconds, args.clients, port, args.warmup, log, args.mix)
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
