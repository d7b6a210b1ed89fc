"""One command for every performance figure, each next to SQLite FTS5's and tantivy's.

    python bench/run.py                      # 2k (real bench set), 10k and 100k (synthetic) articles (~30 min)
    make bench                               # the same through make
    BENCH_SIZES=2k,10k make bench            # without the 100k size (a few minutes)
    python bench/run.py --sizes 2k           # one size; sizes: 2k, mixed, <n>k
    python bench/run.py --reuse-builds       # measure queries on the cached indexes, no builds
    python bench/run.py --quick              # smoke run on a few dozen articles
    python bench/run.py --json out.json      # also write every figure as JSON

Figures (median of ``--runs`` runs): indexing from scratch and a 1% update
(docs/s, MB/s, CPU seconds, peak RSS of the process tree), index size,
in-process query latency, HTTP latency under gunicorn and requests/s, the
server's memory. Other work on the machine slows every engine alike, so read
the ratio columns rather than the absolute numbers.
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
from bench.corpus import make_step  # noqa: E402
from bench.report import render  # noqa: E402

log = logging.getLogger("bench")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python bench/run.py", description=__doc__.split("\n\n")[0], formatter_class=argparse.RawTextHelpFormatter
    )
    p.add_argument("--quick", action="store_true", help="small corpus, one run, few queries: a smoke test")
    p.add_argument("--work", type=Path, default=Path("/tmp/bench-work"), help="scratch folder (corpora, indexes)")
    p.add_argument("--json", type=Path, metavar="FILE", help="write all figures as JSON")
    p.add_argument("--runs", type=int, help="runs per query figure (median reported); default 3, quick 1")
    p.add_argument("--builds", type=int, help="builds per engine and size (default 1)")
    p.add_argument(
        "--sizes",
        default=os.environ.get("BENCH_SIZES"),
        help="comma list of corpus sizes: 2k, mixed, <n>k (default $BENCH_SIZES or 2k,10k,100k; quick: 2k)",
    )
    p.add_argument(
        "--reuse-builds", action="store_true", help="use cached indexes and their saved build figures when present"
    )
    p.add_argument("--limit", type=int, help="articles per size (default all; quick 60)")
    p.add_argument("--procs", type=int, default=2, help="indexing processes / writer threads (default 2)")
    p.add_argument("--per-class", type=int, help="queries per class (default 40; quick 4)")
    p.add_argument("--port", type=int, default=8401, help="first of three ports for the HTTP servers (default 8401)")
    p.add_argument("--workers", type=int, default=1, help="gunicorn workers per server (default 1)")
    p.add_argument("--clients", default="1,4", help="concurrency levels for throughput (default 1,4)")
    p.add_argument("--max-requests", type=int, help="requests per throughput run (default 300; quick 40)")
    p.add_argument("--max-seconds", type=float, default=20.0, help="time cap per throughput run")
    p.add_argument("--rss-after", type=int, help="requests served before reading server RSS (default 1000; quick 0)")
    p.add_argument("--no-http", action="store_true", help="skip the gunicorn measurements")
    p.add_argument("--no-tantivy", action="store_true", help="leave tantivy out of the query figures")
    p.add_argument("--profile", type=Path, metavar="FILE", help="write a cProfile of our everyday queries per size")
    a = p.parse_args(argv)
    a.runs = a.runs or (1 if a.quick else 3)
    a.builds = a.builds or 1
    sizes = (a.sizes or ("2k" if a.quick else "2k,10k,100k")).split(",")
    a.sizes = tuple(s.strip() for s in sizes if s.strip())
    a.limit = a.limit if a.limit is not None else (60 if a.quick else None)
    a.per_class = a.per_class or (4 if a.quick else 40)
    a.max_requests = a.max_requests or (40 if a.quick else 300)
    a.rss_after = a.rss_after if a.rss_after is not None else (0 if a.quick else 1000)
    a.clients = tuple(int(c) for c in a.clients.split(","))
    return a


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    args.work.mkdir(parents=True, exist_ok=True)
    started = time.time()
    results: dict[str, object] = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "load_at_start": os.getloadavg()},
        "settings": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items() if k != "json"},
        "steps": {},
    }
    for name in args.sizes:
        step = make_step(args.work, name, args.limit)
        log.info("step %s: %d docs, %.1f MB", step.name, step.docs, step.text_bytes / 1e6)
        fig = indexing.measure(step, args.work, args.builds, args.procs, log.info, reuse=args.reuse_builds)
        qs = queries.build(list(step.files), args.per_class)
        where = indexing.paths(args.work, step)
        tv = None if args.no_tantivy else where["tantivy"]
        log.info("  in-process queries (%d)", len(qs))
        fig["query"] = inprocess.measure(where["ours"], where["fts5"], tv, qs, args.runs)
        if args.profile:
            prof = args.profile.with_name(f"{args.profile.stem}-{step.name}{args.profile.suffix}")
            prof.write_text(inprocess.profile(where["ours"], qs), encoding="utf-8")
            log.info("  profile written to %s", prof)
        if not args.no_http:
            log.info("  HTTP")
            fig["http"] = serve.measure(
                where["ours"],
                where["fts5"],
                tv,
                qs,
                args.runs,
                args.port,
                args.clients,
                args.max_requests,
                args.max_seconds,
                args.workers,
                args.rss_after,
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
