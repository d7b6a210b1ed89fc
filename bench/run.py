"""One command for every performance figure, each next to SQLite FTS5's.

    python bench/run.py                 # full run: ¼, ½ and all of ~9,000 articles
    python bench/run.py --quick         # smoke run on a few hundred articles
    python bench/run.py --json out.json # also write every figure as JSON

Figures (median of ``--runs`` runs): indexing from scratch and a 1% update
(docs/s, MB/s, peak RSS of the process tree), index size, in-process query
latency, HTTP latency under gunicorn and requests/s at 1/4/16 clients, the
server's memory. Other work on the machine slows both engines alike, so read
the ``ratio`` column (ours ÷ FTS5) rather than the absolute numbers.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import sys
import time
from pathlib import Path

_HERE = Path(__file__).resolve().parent
if sys.path and Path(sys.path[0]).resolve() == _HERE:  # run as a script: import as the bench package
    sys.path[0] = str(_HERE.parent)

from bench import indexing, inprocess, queries, serve  # noqa: E402
from bench.corpus import make_steps  # noqa: E402
from bench.report import render  # noqa: E402

log = logging.getLogger("bench")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python bench/run.py", description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="small corpus, one run, few queries: a smoke test")
    p.add_argument("--work", type=Path, default=Path("/tmp/kazru-bench"), help="scratch folder (corpus, indexes)")
    p.add_argument("--json", type=Path, metavar="FILE", help="write all figures as JSON")
    p.add_argument("--runs", type=int, help="runs per figure (median reported); default 3, quick 1")
    p.add_argument("--sizes", help="comma list of corpus fractions; default 0.25,0.5,1 (quick: 1)")
    p.add_argument("--limit", type=int, help="articles per source when expanding (default all; quick 60)")
    p.add_argument("--procs", type=int, default=2, help="indexing processes (default 2)")
    p.add_argument("--per-class", type=int, help="queries per class (default 60; quick 4)")
    p.add_argument("--port", type=int, default=8401, help="first of two ports for the HTTP servers (default 8401)")
    p.add_argument("--clients", default="1,4,16", help="concurrency levels for throughput")
    p.add_argument("--max-requests", type=int, help="requests per throughput run (default 600; quick 40)")
    p.add_argument("--max-seconds", type=float, default=30.0, help="time cap per throughput run")
    p.add_argument("--no-http", action="store_true", help="skip the gunicorn measurements")
    a = p.parse_args(argv)
    a.runs = a.runs or (1 if a.quick else 3)
    a.sizes = tuple(float(x) for x in (a.sizes or ("1" if a.quick else "0.25,0.5,1")).split(","))
    a.limit = a.limit if a.limit is not None else (60 if a.quick else None)
    a.per_class = a.per_class or (4 if a.quick else 60)
    a.max_requests = a.max_requests or (40 if a.quick else 600)
    a.clients = tuple(int(c) for c in a.clients.split(","))
    return a


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    args.work.mkdir(parents=True, exist_ok=True)
    started = time.time()
    steps = make_steps(args.work, args.sizes, args.limit)
    results: dict[str, object] = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "load_at_start": os.getloadavg()},
        "settings": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items() if k != "json"},
        "steps": {},
    }
    for step in steps:
        log.info("step %s: %d docs, %.1f MB", step.name, step.docs, step.text_bytes / 1e6)
        fig = indexing.measure(step, args.work, args.runs, args.procs, log.info)
        qs = queries.build(list(step.files), args.per_class)
        index, db = args.work / f"index-{step.name}", args.work / f"fts5-{step.name}.db"
        log.info("  in-process queries (%d)", len(qs))
        fig["query"] = inprocess.measure(index, db, qs, args.runs)
        if not args.no_http:
            log.info("  HTTP")
            fig["http"] = serve.measure(
                index, db, qs, args.runs, args.port, args.clients, args.max_requests, args.max_seconds
            )
        results["steps"][step.name] = fig  # type: ignore[index]
    results["seconds"] = time.time() - started
    results["machine"]["load_at_end"] = os.getloadavg()  # type: ignore[index]
    print(render(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
