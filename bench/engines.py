"""Both engines through our HTTP API, beside SQLite FTS5 in-process, in one run.

    python bench/engines.py                        # ¼, ½ and all of the bench set (2,011 articles)
    python bench/engines.py --big                  # ... and 100k synthetic articles (timing only; long)
    python bench/engines.py --sizes 100k --engines os3 --synth-from /tmp/bench-work/src-synth
    python bench/engines.py --json out.json        # also write every figure as JSON
    make bench-engines                             # the first line

Engines (``--engines``, default all four):

- ``whoosh`` — our service on the embedded Whoosh backend
  (``python -m indexer build --backend whoosh --procs P``; OpenSearch builds get the same ``--procs``);
- ``os1`` — on OpenSearch, a local 1-node cluster (1 shard, 0 replicas);
- ``os3`` — on OpenSearch, a local 3-node cluster (3 shards, 1 replica each);
- ``fts5`` — the baseline: ``bench/fts5.py`` imported and run in this process
  (build, then top 10 + ``snippet()`` + both facet counts per query), no HTTP.

Per engine and corpus size: indexing from scratch in its own process (wall
seconds → documents/s; the indexer's CPU seconds, and for OpenSearch the
nodes' JVM CPU seconds during the build), then HTTP latency p50/p95 of 1–3-word
queries (a third each; words of real headlines; ``per_page=10``, so every answer
has 10 snippets and both facets) through ``GET /api/search`` under gunicorn with
``gunicorn.conf.py`` (``--workers`` gthread workers), sent by ``bench.loadgen``
in its own process over loopback: ``--warmup`` unmeasured passes, then ``--passes`` passes from
``--clients`` keep-alive connections, capped at ``--max-seconds``.

The clusters are started here with the ``cluster`` package on free ports (or
``--os-port``), with fresh data under ``WORK/os1`` and ``WORK/os3``, and stopped
at the end of their engine (also on Ctrl-C or SIGTERM; the JVMs exit by
themselves if this process dies). Only one cluster runs at a time.

``--profile-indexing`` adds, for the largest size, the Python-only cost of an
OpenSearch build (``bench.engines_profile``: parse, analyse, serialise; no
cluster), to set against the build's wall time and the JVMs' CPU.

Other jobs on the machine slow every engine; the load average is recorded
with each figure.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import platform
import random
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_HERE = Path(__file__).resolve().parent
if sys.path and Path(sys.path[0]).resolve() == _HERE:  # run as a script: import as the bench package
    sys.path[0] = str(_HERE.parent)

from bench import fts5  # noqa: E402
from bench.engines_report import pct, render, targets  # noqa: E402
from cluster import Cluster, ClusterError, free_base_port  # noqa: E402
from cluster import start as start_cluster  # noqa: E402

log = logging.getLogger("bench.engines")

ROOT = _HERE.parent
SHARED = Path(os.environ.get("KAZRU_SHARED", ROOT.parent / "shared"))
BENCH_EXPAND = SHARED / "corpus" / "bench" / "expand.py"
SYNTH = SHARED / "corpus" / "synth.py"
SEED = 20240417
#: The seed bench/corpus.py uses, so a ``--synth-from`` folder of bench/run.py is the same corpus.
SYNTH_SEED = 20251204
ENGINES = ("whoosh", "os1", "os3", "fts5")
#: (nodes, shards, replicas) of each OpenSearch configuration.
OS_LAYOUT = {"os1": (1, 1, 0), "os3": (3, 3, 1)}
BENCH_SIZES = ("1/4", "1/2", "all")
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
CLK_TCK = os.sysconf("SC_CLK_TCK")
#: Content words of a headline: letters only, at least 4 of them.
WORD_RE = re.compile(r"[^\W\d_]{4,}")


# --------------------------------------------------------------------------- corpora


@dataclass(frozen=True)
class Step:
    name: str
    folder: Path
    docs: int
    synthetic: bool


def _txt(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix == ".txt" and not p.name.startswith("."))


def _linked(folder: Path, files: list[Path]) -> Path:
    """``folder`` holding hard links to exactly ``files`` (re-made only when the set differs)."""
    want = {p.name for p in files}
    if folder.exists() and {p.name for p in folder.glob("*.txt")} == want:
        return folder
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for f in files:
        os.link(f, folder / f.name)
    return folder


def bench_files(work: Path) -> list[Path]:
    """The shared bench set (expand.py, once), in a fixed shuffled order."""
    src = work / "src-bench"
    marker = src / ".complete"
    if not marker.exists():
        if src.exists():
            shutil.rmtree(src)
        src.mkdir(parents=True)
        log.info("expanding the bench set into %s", src)
        subprocess.run([sys.executable, str(BENCH_EXPAND), str(src)], check=True, stdout=subprocess.DEVNULL)
        marker.write_text("ok")
    files = _txt(src)
    random.Random(SEED).shuffle(files)
    return files


def synth_files(work: Path, n: int, synth_from: Path | None) -> list[Path]:
    """The first ``n`` articles of ``synth.py --seed SYNTH_SEED`` (generated once, or taken from ``synth_from``)."""
    if synth_from is not None:
        files = _txt(synth_from)
        if len(files) < n:
            raise SystemExit(f"--synth-from {synth_from} has {len(files)} articles, fewer than {n}")
        return files[:n]
    src = work / "src-synth"
    marker = src / ".complete"
    have = int(marker.read_text()) if marker.exists() else 0
    if have < n:
        log.info("generating %d synthetic articles with synth.py (once, in %s)", n, src)
        subprocess.run(
            [sys.executable, str(SYNTH), str(src), "--n", str(n), "--seed", str(SYNTH_SEED)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        marker.write_text(str(n))
    return _txt(src)[:n]


def make_steps(work: Path, sizes: list[str], synth_from: Path | None) -> list[Step]:
    steps = []
    for size in sizes:
        if size in BENCH_SIZES:
            files = bench_files(work)
            n = {"1/4": len(files) // 4, "1/2": len(files) // 2, "all": len(files)}[size]
            name = {"1/4": "q1", "1/2": "q2", "all": "all"}[size]
            steps.append(Step(size, _linked(work / f"corpus-{name}", files[:n]), n, False))
        elif size.endswith("k") and size[:-1].isdigit():
            n = int(size[:-1]) * 1000
            steps.append(Step(size, _linked(work / f"corpus-{size}", synth_files(work, n, synth_from)), n, True))
        else:
            raise SystemExit(f"unknown size {size!r}: use 1/4, 1/2, all or <n>k")
    return steps


# --------------------------------------------------------------------------- queries


def make_queries(folder: Path, n: int) -> list[tuple[str, str]]:
    """``n`` queries of 1, 2 and 3 content words (a third each) from real headlines of the corpus."""
    from analyzers.kazakh import STOPWORDS as KK_STOP
    from analyzers.russian import STOPWORDS as RU_STOP

    stop = KK_STOP | RU_STOP
    rng = random.Random(SEED)
    files = _txt(folder)
    out: list[tuple[str, str]] = []
    tries = 0
    while len(out) < n and tries < 50 * n:
        tries += 1
        with open(rng.choice(files), encoding="utf-8") as fh:
            title = fh.readline().strip().split(" ", 2)[-1]
        words = WORD_RE.findall(title.lower())
        words = [w for w in dict.fromkeys(words) if w not in stop]
        k = 1 + len(out) % 3
        if len(words) >= k:
            start = rng.randrange(len(words) - k + 1)
            out.append((f"{k}w", " ".join(words[start : start + k])))
    return out


def api_path(q: str) -> str:
    from urllib.parse import urlencode

    return "/api/search?" + urlencode({"q": q, "per_page": 10})


# --------------------------------------------------------------------------- processes


def _proc_cpu(pids: list[int]) -> float:
    """User + system CPU seconds of these processes so far (0 for a pid that is gone)."""
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / CLK_TCK
    return total


def _tree_pids(root: int) -> list[int]:
    """``root`` and its direct children (a gunicorn master and its workers)."""
    pids = [root]
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == root:
                pids.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    return pids


def _children_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def _env(extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SEARCH_", "OPENSEARCH_"))}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.update(extra)
    return env


def index_build(step: Step, engine_args: list[str], jvm_pids: list[int], log_path: Path) -> dict[str, Any]:
    """``python -m indexer build`` timed in its own process (plus the JVMs' CPU over the same span)."""
    cmd = [sys.executable, "-m", "indexer", "-q", "build", str(step.folder), *engine_args, "--json", "--no-progress"]
    load0 = os.getloadavg()[0]
    cpu0, jvm0, t0 = _children_cpu(), _proc_cpu(jvm_pids), time.perf_counter()
    with log_path.open("ab") as err:
        proc = subprocess.run(cmd, cwd=ROOT, env=_env({}), stdout=subprocess.PIPE, stderr=err)
    wall = time.perf_counter() - t0
    cpu, jvm = _children_cpu() - cpu0, _proc_cpu(jvm_pids) - jvm0
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"indexer exited {proc.returncode}: {' '.join(cmd)} (see {log_path})")
    summary = json.loads(proc.stdout.decode().strip().splitlines()[-1])
    docs = int(summary.get("documents") or summary.get("indexed") or step.docs)
    return {
        "documents": docs,
        "seconds": wall,
        "docs_per_s": docs / wall if wall else 0.0,
        "indexer_cpu_s": cpu,
        "jvm_cpu_s": jvm if jvm_pids else None,
        "load_start": load0,
        "load_end": os.getloadavg()[0],
    }


@contextlib.contextmanager
def gunicorn(engine_env: dict[str, str], port: int, workers: int, log_path: Path) -> Iterator[tuple[str, int]]:
    """Our service under gunicorn (``gunicorn.conf.py``) on 127.0.0.1:port, stopped on exit: (URL, master pid)."""
    env = _env({"SEARCH_BIND": f"127.0.0.1:{port}", "SEARCH_WORKERS": str(workers), **engine_env})
    url = f"http://127.0.0.1:{port}"
    with log_path.open("ab") as out:
        proc = subprocess.Popen(
            [GUNICORN, "-c", str(ROOT / "gunicorn.conf.py"), "--access-logfile", "/dev/null", "wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=out,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {proc.returncode}; see {log_path}")
            try:
                with urllib.request.urlopen(f"{url}/api/health", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not answer on {url} within 90 s; see {log_path}")
            time.sleep(0.3)
        yield url, proc.pid
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def loadgen(url: str, queries: list[tuple[str, str]], clients: int, max_requests: int, max_seconds: float) -> dict:
    """``bench.loadgen`` in its own process; its JSON result."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as fh:
        json.dump([[label, api_path(q)] for label, q in queries], fh, ensure_ascii=False)
        reqs = fh.name
    try:
        cmd = [sys.executable, "-m", "bench.loadgen", url, reqs, "--clients", str(clients)]
        cmd += ["--max-requests", str(max_requests), "--max-seconds", str(max_seconds)]
        proc = subprocess.run(cmd, cwd=ROOT, env=_env({}), capture_output=True, text=True, check=True)
        return json.loads(proc.stdout)
    finally:
        os.unlink(reqs)


def http_figures(
    server: tuple[str, int], queries: list[tuple[str, str]], args: argparse.Namespace, jvm_pids: list[int]
) -> dict[str, Any]:
    """``warmup`` unmeasured passes, then ``passes`` measured passes: p50/p95 overall and per word count.

    A fresh OpenSearch index needs a few hundred searches before it is warm (JIT, doc values
    and ordinals of the facet fields): measured on 10k docs × 3 nodes, the JVMs' CPU per
    search fell from ~95 ms in the first 120 searches to ~26 ms after 1,400.

    Also the CPU the measured requests cost: the gunicorn master and workers, and the
    OpenSearch nodes' JVMs, per request (contention-proof, unlike the latencies).
    """
    url, master = server
    load0 = os.getloadavg()[0]
    loadgen(url, queries, 1, args.warmup * len(queries), args.max_seconds)
    servers = _tree_pids(master)
    py0, jvm0 = _proc_cpu(servers), _proc_cpu(jvm_pids)
    got = loadgen(url, queries, args.clients, args.passes * len(queries), args.max_seconds)
    py_cpu, jvm_cpu = _proc_cpu(servers) - py0, _proc_cpu(jvm_pids) - jvm0
    all_ms = [ms for v in got["latency_ms"].values() for ms in v]
    n = max(1, got["requests"])
    return {
        "server_cpu_ms_per_request": 1000 * py_cpu / n,
        "jvm_cpu_ms_per_request": 1000 * jvm_cpu / n if jvm_pids else None,
        "requests": got["requests"],
        "errors": got["errors"],
        "error_samples": got["error_samples"],
        "clients": args.clients,
        "rps": got["rps"],
        "p50_ms": pct(all_ms, 50),
        "p95_ms": pct(all_ms, 95),
        "p99_ms": pct(all_ms, 99),
        "by_words": {
            k: {"p50_ms": pct(v, 50), "p95_ms": pct(v, 95), "n": len(v)} for k, v in got["latency_ms"].items()
        },
        "load_start": load0,
        "load_end": os.getloadavg()[0],
    }


# --------------------------------------------------------------------------- engines


def run_whoosh(steps: list[Step], args: argparse.Namespace, results: list[dict]) -> None:
    for step in steps:
        index = args.work / f"whoosh-{step.folder.name}"
        if index.exists():
            shutil.rmtree(index)
        log.info("whoosh %s: building (%d docs, procs %d)", step.name, step.docs, args.procs)
        build = index_build(
            step,
            ["--backend", "whoosh", "--index", str(index), "--procs", str(args.procs)],
            [],
            args.work / "index.log",
        )
        log.info("whoosh %s: %.1f s, %.1f docs/s; serving", step.name, build["seconds"], build["docs_per_s"])
        env = {"SEARCH_BACKEND": "whoosh", "SEARCH_INDEX_DIR": str(index)}
        with gunicorn(env, args.port, args.workers, args.work / "server-whoosh.log") as server:
            http = http_figures(server, make_queries(step.folder, args.queries), args, [])
        log.info("whoosh %s: p50 %.1f ms, p95 %.1f ms", step.name, http["p50_ms"], http["p95_ms"])
        results.append(
            {"engine": "whoosh", "size": step.name, "synthetic": step.synthetic, "build": build, "http": http}
        )
        _save(args, results)


@contextlib.contextmanager
def own_cluster(engine: str, args: argparse.Namespace) -> Iterator[Cluster]:
    nodes = OS_LAYOUT[engine][0]
    cluster_dir = args.work / engine
    if cluster_dir.exists():
        shutil.rmtree(cluster_dir)
    base = args.os_port if args.os_port is not None else free_base_port(nodes)
    log.info("%s: starting a %d-node cluster on port %d (heap %s each)", engine, nodes, base, args.os_heap)
    try:
        cluster = start_cluster(cluster_dir, port=base, nodes=nodes, heap=args.os_heap, owner_pid=os.getpid())
    except ClusterError as exc:
        raise SystemExit(f"could not start the {nodes}-node cluster: {exc}") from exc
    try:
        yield cluster
    finally:
        cluster.stop()
        log.info("%s: cluster stopped", engine)


def run_opensearch(engine: str, steps: list[Step], args: argparse.Namespace, results: list[dict]) -> None:
    _, shards, replicas = OS_LAYOUT[engine]
    with own_cluster(engine, args) as cluster:
        urls = ",".join(cluster.urls)
        pids = [p for i in range(cluster.nodes) if (p := cluster.pid(i)) is not None]
        for step in steps:
            alias = f"bench_{step.folder.name.replace('-', '_')}"
            log.info(
                "%s %s: building %s (%d docs, %d shards × %d replicas)",
                engine,
                step.name,
                alias,
                step.docs,
                shards,
                replicas,
            )
            engine_args = ["--backend", "opensearch", "--url", urls, "--index-name", alias]
            engine_args += ["--shards", str(shards), "--replicas", str(replicas)]
            engine_args += ["--procs", str(args.procs)]  # analysis in N worker processes, as for Whoosh
            build = index_build(step, engine_args, pids, args.work / "index.log")
            log.info("%s %s: %.1f s, %.1f docs/s; serving", engine, step.name, build["seconds"], build["docs_per_s"])
            env = {"SEARCH_BACKEND": "opensearch", "OPENSEARCH_URL": urls, "OPENSEARCH_INDEX": alias}
            with gunicorn(env, args.port, args.workers, args.work / f"server-{engine}.log") as server:
                http = http_figures(server, make_queries(step.folder, args.queries), args, pids)
            log.info("%s %s: p50 %.1f ms, p95 %.1f ms", engine, step.name, http["p50_ms"], http["p95_ms"])
            results.append(
                {
                    "engine": engine,
                    "size": step.name,
                    "synthetic": step.synthetic,
                    "layout": {"nodes": cluster.nodes, "shards": shards, "replicas": replicas, "heap": args.os_heap},
                    "build": build,
                    "http": http,
                }
            )
            _save(args, results)
            with contextlib.suppress(Exception):  # free the heap and disk for the next size
                cluster.request("DELETE", f"/{alias}-*")


def run_fts5(steps: list[Step], args: argparse.Namespace, results: list[dict]) -> None:
    for step in steps:
        db = args.work / f"fts5-{step.folder.name}.sqlite"
        load0 = os.getloadavg()[0]
        t0, c0 = time.perf_counter(), time.process_time()
        docs = fts5.build(step.folder, db)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        build = {
            "documents": docs,
            "seconds": wall,
            "docs_per_s": docs / wall if wall else 0.0,
            "indexer_cpu_s": cpu,
            "jvm_cpu_s": None,
            "load_start": load0,
            "load_end": os.getloadavg()[0],
        }
        queries = make_queries(step.folder, args.queries)
        conn = fts5.connect(db)
        for _, q in queries:  # warm-up, as for the servers
            fts5.search(conn, fts5.Request(q))
        by: dict[str, list[float]] = {}
        load0 = os.getloadavg()[0]
        started, cpu0 = time.perf_counter(), time.process_time()
        for _ in range(args.warmup - 1):
            for _, q in queries:
                fts5.search(conn, fts5.Request(q))
        for _ in range(args.passes):
            for label, q in queries:
                t = time.perf_counter()
                fts5.search(conn, fts5.Request(q))
                by.setdefault(label, []).append((time.perf_counter() - t) * 1000)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu0
        conn.close()
        all_ms = [ms for v in by.values() for ms in v]
        http = {
            "server_cpu_ms_per_request": 1000 * cpu / max(1, len(all_ms)),
            "jvm_cpu_ms_per_request": None,
            "in_process": True,
            "requests": len(all_ms),
            "errors": 0,
            "clients": 1,
            "rps": len(all_ms) / seconds if seconds else 0.0,
            "p50_ms": pct(all_ms, 50),
            "p95_ms": pct(all_ms, 95),
            "p99_ms": pct(all_ms, 99),
            "by_words": {k: {"p50_ms": pct(v, 50), "p95_ms": pct(v, 95), "n": len(v)} for k, v in by.items()},
            "load_start": load0,
            "load_end": os.getloadavg()[0],
        }
        log.info("fts5 %s: %.1f docs/s, p95 %.2f ms (in-process)", step.name, build["docs_per_s"], http["p95_ms"])
        results.append({"engine": "fts5", "size": step.name, "synthetic": step.synthetic, "build": build, "http": http})
        _save(args, results)


def run_profile(step: Step, args: argparse.Namespace) -> dict[str, Any]:
    log.info("profile: Python-only cost of an OpenSearch build of %s (%d docs)", step.name, step.docs)
    proc = subprocess.run(
        [sys.executable, "-m", "bench.engines_profile", str(step.folder)],
        cwd=ROOT,
        env=_env({}),
        capture_output=True,
        text=True,
        check=True,
    )
    return {"size": step.name, **json.loads(proc.stdout)}


# --------------------------------------------------------------------------- main


def _save(args: argparse.Namespace, results: list[dict], extra: dict[str, Any] | None = None) -> None:
    """Every figure so far to ``--json`` (rewritten after each step, so a long run loses nothing)."""
    if args.json is None:
        return
    doc = {"meta": args.meta, "results": results, **(extra or {})}
    args.json.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")


def _stop_on_sigterm() -> None:
    def handler(signum: int, frame: object) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, handler)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python bench/engines.py",
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawTextHelpFormatter,
    )
    p.add_argument(
        "--work", type=Path, default=Path("/tmp/bench-engines"), help="scratch folder (default /tmp/bench-engines)"
    )
    p.add_argument("--json", type=Path, metavar="FILE", help="write every figure as JSON")
    p.add_argument("--engines", default=",".join(ENGINES), help="comma list of whoosh, os1, os3, fts5 (default all)")
    p.add_argument(
        "--sizes", default=",".join(BENCH_SIZES), help="comma list of 1/4, 1/2, all, <n>k (default 1/4,1/2,all)"
    )
    p.add_argument("--big", action="store_true", help="add 100k synthetic articles (synth.py; timing only; long)")
    p.add_argument(
        "--synth-from", type=Path, help="take synthetic articles from this synth.py output instead of generating"
    )
    p.add_argument(
        "--procs",
        type=int,
        default=2,
        help="indexing processes: Whoosh writers, OpenSearch analysis workers (default 2)",
    )
    p.add_argument("--port", type=int, default=8431, help="port of the gunicorn server (default 8431)")
    p.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    p.add_argument("--os-port", type=int, help="HTTP port of OpenSearch node 0 (default: a free port block)")
    p.add_argument("--os-heap", default="512m", help="heap per OpenSearch node (default 512m)")
    p.add_argument("--queries", type=int, default=60, help="queries per size, a third each of 1/2/3 words (default 60)")
    p.add_argument("--warmup", type=int, default=5, help="unmeasured passes over the queries first (default 5)")
    p.add_argument("--passes", type=int, default=3, help="measured passes over the queries (default 3)")
    p.add_argument("--clients", type=int, default=1, help="concurrent keep-alive clients (default 1)")
    p.add_argument("--max-seconds", type=float, default=90.0, help="time cap per load run (default 90)")
    p.add_argument("--profile-indexing", action="store_true", help="Python-only cost of an OpenSearch build")
    p.add_argument("-v", "--verbose", action="store_true", help="log progress")
    a = p.parse_args(argv)
    a.engines = [e.strip() for e in a.engines.split(",") if e.strip()]
    if not a.engines or any(e not in ENGINES for e in a.engines):
        p.error(f"--engines: choose from {', '.join(ENGINES)}")
    sizes = [s.strip() for s in a.sizes.split(",") if s.strip()]
    if a.big and "100k" not in sizes:
        sizes.append("100k")
    a.sizes = sizes
    return a


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING, format="%(asctime)s %(message)s", stream=sys.stderr
    )
    args.work = args.work.resolve()
    args.work.mkdir(parents=True, exist_ok=True)
    args.meta = {
        "command": " ".join([Path(sys.argv[0]).name, *(argv if argv is not None else sys.argv[1:])]),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "started": time.strftime("%Y-%m-%d %H:%M:%S"),
        "load_start": os.getloadavg()[0],
        "whoosh_procs": args.procs,
        "gunicorn_workers": args.workers,
        "queries": args.queries,
        "passes": args.passes,
        "warmup": args.warmup,
        "clients": args.clients,
    }
    _stop_on_sigterm()
    steps = make_steps(args.work, args.sizes, args.synth_from)
    results: list[dict] = []
    started = time.perf_counter()
    for engine in args.engines:
        if engine == "whoosh":
            run_whoosh(steps, args, results)
        elif engine == "fts5":
            run_fts5(steps, args, results)
        else:
            run_opensearch(engine, steps, args, results)
    extra: dict[str, Any] = {}
    if args.profile_indexing:
        extra["profile"] = run_profile(max(steps, key=lambda s: s.docs), args)
    args.meta["load_end"] = os.getloadavg()[0]
    args.meta["seconds"] = time.perf_counter() - started
    extra["targets"] = targets(results)
    _save(args, results, extra)
    print(render(results, args.meta, extra))
    return 0


if __name__ == "__main__":
    sys.exit(main())
