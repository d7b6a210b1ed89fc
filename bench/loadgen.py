"""HTTP load generator, run as its own process by the bench.

``python -m bench.loadgen URL REQUESTS.json --clients N --max-requests M
--max-seconds T`` sends GET requests (paths read from the JSON list, cycled)
from N threads, each with one keep-alive connection, until M requests were
sent or T seconds passed, and prints one JSON object: latencies (ms) per
request label, requests/s, and errors (non-200 answers, bad JSON, socket errors).
"""

from __future__ import annotations

import argparse
import http.client
import json
import sys
import threading
import time
from urllib.parse import urlsplit


def _worker(
    host: str,
    port: int,
    paths: list[tuple[str, str]],
    counter: list[int],
    limit: int,
    deadline: float,
    lock: threading.Lock,
    out: list[tuple[str, float]],
    errors: list[str],
) -> None:
    conn = http.client.HTTPConnection(host, port, timeout=30)
    while True:
        with lock:
            i = counter[0]
            if i >= limit or time.perf_counter() >= deadline:
                break
            counter[0] += 1
        label, path = paths[i % len(paths)]
        t0 = time.perf_counter()
        try:
            conn.request("GET", path)
            resp = conn.getresponse()
            body = resp.read()
            ms = (time.perf_counter() - t0) * 1000
            if resp.status != 200:
                errors.append(f"{resp.status} {path}")
            else:
                json.loads(body)
                out.append((label, ms))
        except (OSError, http.client.HTTPException, ValueError) as exc:
            errors.append(f"{type(exc).__name__} {path}")
            conn.close()
            conn = http.client.HTTPConnection(host, port, timeout=30)
    conn.close()


def generate(url: str, paths: list[tuple[str, str]], clients: int, max_requests: int, max_seconds: float) -> dict:
    parts = urlsplit(url)
    counter, lock = [0], threading.Lock()
    out: list[tuple[str, float]] = []
    errors: list[str] = []
    started = time.perf_counter()
    deadline = started + max_seconds
    threads = [
        threading.Thread(
            target=_worker,
            args=(parts.hostname, parts.port, paths, counter, max_requests, deadline, lock, out, errors),
        )
        for _ in range(clients)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - started
    by_label: dict[str, list[float]] = {}
    for label, ms in out:
        by_label.setdefault(label, []).append(ms)
    return {
        "clients": clients,
        "requests": len(out) + len(errors),
        "ok": len(out),
        "errors": len(errors),
        "error_samples": errors[:5],
        "seconds": seconds,
        "rps": len(out) / seconds if seconds else 0.0,
        "latency_ms": by_label,
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.loadgen")
    p.add_argument("url")
    p.add_argument("requests", help="JSON file: list of [label, path]")
    p.add_argument("--clients", type=int, default=1)
    p.add_argument("--max-requests", type=int, default=1000)
    p.add_argument("--max-seconds", type=float, default=30.0)
    args = p.parse_args(argv)
    with open(args.requests, encoding="utf-8") as fh:
        paths = [tuple(x) for x in json.load(fh)]
    result = generate(args.url, paths, args.clients, args.max_requests, args.max_seconds)
    json.dump(result, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
