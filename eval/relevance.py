#!/usr/bin/env python3
"""Relevance of our engine on the judged collections, per backend, beside an SQLite FTS5 baseline.

One command does everything, for each collection in ``shared/eval/retrieval``::

    python eval/relevance.py [--collections kazqad,xquad_ru,rt_headlines] [--backends whoosh,opensearch]
                             [--work DIR] [--port 8101] [--os-port BASE]

For each collection, in sequence:

1. writes the documents as engine-format files with the collection's ``expand.py``;
2. builds our index on each backend with ``python -m indexer build`` (``--backend whoosh
   --index DIR``, or ``--backend opensearch --url URL --index-name ALIAS``);
3. serves it with gunicorn on 127.0.0.1 (``--port``, default 8101; the same environment
   the service reads: ``SEARCH_INDEX_DIR``, or ``SEARCH_BACKEND=opensearch OPENSEARCH_URL
   OPENSEARCH_INDEX``) and scores it with ``score.py`` through ``GET /api/search`` (with
   ``--lang`` as the collection README suggests: kk for kazqad, ru for xquad_ru, none for
   rt_headlines);
4. measures the baseline the collection README describes: SQLite FTS5 (stdlib
   ``sqlite3``), ``unicode61 remove_diacritics 0`` tokenizer over title + body,
   ranked by ``bm25()``, the query being the OR of its quoted ``[^\\W_]+`` tokens;
   its top 100 go to ``score.py --run`` as a TREC run file, so every system is
   scored by the same code;
5. prints one Markdown table, the engines side by side per metric, with the
   OpenSearch − Whoosh nDCG@10 difference (issue 11: within 0.03).

OpenSearch: the script starts its own local cluster with the ``cluster`` package
(**one node**, ``--os-nodes``; one shard, no replica: a single shard gives the exact
collection statistics, as Whoosh has) on a free port block (``--os-port`` to choose
one), with its data under ``WORK/opensearch-cluster``, and stops it at the end (also
on Ctrl-C; the JVMs exit by themselves if this process dies).

Files, indexes and FTS5 databases are cached in the work folder between runs: a
collection is re-expanded when its ``docs.jsonl.gz`` changes, and re-indexed when
that or the analyzer/indexer/backend source changes (``--rebuild`` forces it). The
OpenSearch indexes live in the cluster's data folder, which survives a stop, so a
re-run restarts the cluster and reuses an alias whose stamp and document count
still match. Query-time ranking changes (``searchcore/``) only need the server,
which is started fresh on every run.

This is a measurement script, not a test: it takes minutes (rt_headlines has 7,006
long articles), so pytest never calls it.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import logging
import os
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: the project's packages (``cluster``) by path
    sys.path.insert(0, str(ROOT))

from cluster import Cluster, ClusterError, free_base_port  # noqa: E402
from cluster import start as start_cluster  # noqa: E402

COLLECTIONS = ("kazqad", "xquad_ru", "rt_headlines")
#: ``--lang`` per collection, as shared/eval/retrieval/README.md runs them.
SCORE_LANG = {"kazqad": "kk", "xquad_ru": "ru", "rt_headlines": None}
#: Source whose change makes a cached index stale (analysis and indexing code), per backend.
INDEX_SOURCES = ("analyzers", "indexer")
OPENSEARCH_INDEX_SOURCES = (
    *INDEX_SOURCES,
    "backends/base.py",
    "backends/opensearch/mapping.py",
    "backends/opensearch/documents.py",
    "backends/opensearch/store.py",
    "backends/opensearch/bulk.py",
)
BACKENDS = ("whoosh", "opensearch")
#: Alias of a collection's OpenSearch index.
ALIAS_PREFIX = "relevance_"
#: Issue 11: OpenSearch's nDCG@10 within this much of Whoosh's on every collection.
NDCG_TOLERANCE = 0.03
TOKEN_RE = re.compile(r"[^\W_]+")
LAST_LINE_RE = re.compile(
    r"nDCG@\d+=(?P<ndcg>[\d.]+) MRR@\d+=(?P<mrr>[\d.]+) R@\d+=(?P<recall>[\d.]+) queries=(?P<n>\d+)"
)
DEPTH = 100

log = logging.getLogger("relevance")


@dataclass
class Scores:
    ndcg: float
    mrr: float
    recall: float
    queries: int

    def cells(self) -> str:
        return f"{self.ndcg:.3f} | {self.mrr:.3f} | {self.recall:.3f}"


# --------------------------------------------------------------------------
# Caching helpers
# --------------------------------------------------------------------------


def _file_digest(paths: list[Path]) -> str:
    h = hashlib.sha1()
    for p in sorted(paths):
        h.update(str(p.relative_to(ROOT) if p.is_relative_to(ROOT) else p).encode())
        h.update(p.read_bytes())
    return h.hexdigest()


def _source_digest(sources: tuple[str, ...] = INDEX_SOURCES) -> str:
    """A digest of the code and data the index depends on."""
    files = [
        p
        for d in sources
        for p in ((ROOT / d).rglob("*") if (ROOT / d).is_dir() else [ROOT / d])
        if p.is_file() and "__pycache__" not in p.parts and p.suffix in (".py", ".tsv", ".txt")
    ]
    return _file_digest(files)


def _stamp_ok(stamp: Path, value: str) -> bool:
    return stamp.is_file() and stamp.read_text() == value


# --------------------------------------------------------------------------
# Steps
# --------------------------------------------------------------------------


def expand(retrieval: Path, name: str, work: Path) -> tuple[Path, str]:
    """The collection's documents as files (re-written when the source changed)."""
    out = work / "docs" / name
    stamp = work / "docs" / f"{name}.stamp"
    digest = _file_digest([retrieval / name / "docs.jsonl.gz"])
    if not _stamp_ok(stamp, digest):
        log.info("%s: writing documents to %s", name, out)
        if out.exists():
            for p in out.glob("*.txt"):
                p.unlink()
        subprocess.run(
            [sys.executable, str(retrieval / "expand.py"), str(out), "--collection", name, "--root", str(retrieval)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        stamp.write_text(digest)
    return out, digest


def build_index(name: str, docs: Path, docs_digest: str, work: Path, procs: int, rebuild: bool) -> Path:
    """Our index of the documents (rebuilt when the documents or the analyzers changed)."""
    index = work / "index" / name
    stamp = work / "index" / f"{name}.stamp"
    digest = f"{docs_digest}:{_source_digest()}"
    if rebuild or not _stamp_ok(stamp, digest):
        log.info("%s: building our Whoosh index (procs=%d)", name, procs)
        index.parent.mkdir(parents=True, exist_ok=True)
        run_indexer(name, docs, ["--backend", "whoosh", "--index", str(index), "--procs", str(procs)])
        stamp.write_text(digest)
    return index


def run_indexer(name: str, docs: Path, engine_args: list[str]) -> None:
    """``python -m indexer build DOCS <engine args>``; its skipped files logged as warnings."""
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "indexer", "build", str(docs), *engine_args, "--no-progress"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"{name}: indexing failed with exit code {proc.returncode}")
    skipped = [line for line in proc.stderr.splitlines() if "skipped" in line and "WARNING" in line]
    for line in skipped:
        log.warning("%s: %s", name, line.split("WARNING", 1)[1].strip())
    log.info("%s: indexed (%s) in %.1fs", name, engine_args[1], time.perf_counter() - started)


# --------------------------------------------------------------------------
# OpenSearch: our own local cluster, one index (alias) per collection
# --------------------------------------------------------------------------


@contextlib.contextmanager
def opensearch_cluster(work: Path, port: int | None, nodes: int, heap: str) -> Iterator[Cluster]:
    """A local cluster (``cluster`` package) for the length of the ``with``, stopped at the end.

    Its data folder is kept between runs (``WORK/opensearch-cluster``), so cached indexes
    survive. The nodes get this process's pid as owner and exit by themselves if it dies.
    """
    cluster_dir = work / "opensearch-cluster"
    base = port if port is not None else free_base_port(nodes)
    log.info("starting a %d-node OpenSearch cluster on port %d (%s)", nodes, base, cluster_dir)
    started = time.perf_counter()
    try:
        cluster = start_cluster(cluster_dir, port=base, nodes=nodes, heap=heap, owner_pid=os.getpid())
    except ClusterError as exc:
        raise SystemExit(f"could not start the OpenSearch cluster: {exc}") from exc
    log.info("cluster green at %s after %.1fs", ",".join(cluster.urls), time.perf_counter() - started)
    try:
        yield cluster
    finally:
        cluster.stop()
        log.info("cluster stopped")


def _alias_docs(cluster: Cluster, alias: str) -> int | None:
    """Documents behind ``alias``, or None when there is no such alias."""
    try:
        return int(cluster.request("GET", f"/{alias}/_count")["count"])
    except (OSError, ValueError, KeyError):
        return None


def build_opensearch(
    name: str, docs: Path, docs_digest: str, work: Path, cluster: Cluster, rebuild: bool
) -> tuple[str, int]:
    """Our OpenSearch index of the documents, behind alias ``relevance_<name>`` (1 shard, 0 replicas).

    Rebuilt when the documents, the analyzers/indexer or the OpenSearch mapping/documents code
    changed, or when the alias is gone from the cluster. Returns (alias, documents).
    """
    alias = f"{ALIAS_PREFIX}{name}"
    stamp = work / "opensearch" / f"{name}.stamp"
    digest = f"{docs_digest}:{_source_digest(OPENSEARCH_INDEX_SOURCES)}"
    cached = json.loads(stamp.read_text()) if stamp.is_file() else {}
    have = _alias_docs(cluster, alias)
    if rebuild or cached.get("digest") != digest or have is None or have != cached.get("documents"):
        log.info("%s: building our OpenSearch index %s (1 shard, 0 replicas)", name, alias)
        stamp.parent.mkdir(parents=True, exist_ok=True)
        run_indexer(
            name,
            docs,
            ["--backend", "opensearch", "--url", ",".join(cluster.urls), "--index-name", alias]
            + ["--shards", "1", "--replicas", "0"],
        )
        have = _alias_docs(cluster, alias)
        if have is None:
            raise SystemExit(f"{name}: alias {alias} missing after the build")
        stamp.write_text(json.dumps({"digest": digest, "documents": have}))
    return alias, have


class Server:
    """Our service (gunicorn) on one local port, for as long as the ``with`` lasts."""

    def __init__(self, engine_env: dict[str, str], port: int, log_path: Path, workers: int) -> None:
        self.engine_env, self.port, self.log_path, self.workers = engine_env, port, log_path, workers
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Server:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SEARCH_", "OPENSEARCH_"))}
        env.update(self.engine_env, SEARCH_TIME_BUDGET="20")
        cmd = [
            sys.executable,
            "-m",
            "gunicorn",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            "--worker-class",
            "gthread",
            "--threads",
            "2",
            "--timeout",
            "120",
            "wsgi:app",
        ]
        self._log = self.log_path.open("ab")
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=self._log, stderr=self._log, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"server exited with {self.proc.returncode}; see {self.log_path}")
            try:
                with urllib.request.urlopen(f"{self.url}/api/health", timeout=2):
                    return self
            except OSError:
                time.sleep(0.3)
        self.__exit__()
        raise SystemExit(f"server did not answer on {self.url} within 60 s; see {self.log_path}")

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self._log.close()


def run_score(retrieval: Path, name: str, extra: list[str], per_query: Path | None = None) -> Scores:
    """Run score.py and read its last line."""
    cmd = [
        sys.executable,
        str(retrieval / "score.py"),
        "--queries",
        str(retrieval / name / "queries.tsv"),
        "--qrels",
        str(retrieval / name / "qrels.tsv"),
        "--name",
        name,
        *extra,
    ]
    if per_query is not None:
        cmd += ["--per-query", str(per_query)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    lines = proc.stdout.strip().splitlines()
    m = LAST_LINE_RE.search(lines[-1]) if lines else None
    if proc.returncode != 0 or m is None:
        sys.stderr.write(proc.stdout + proc.stderr)
        raise SystemExit(f"{name}: score.py failed (exit {proc.returncode})")
    for line in lines[:-1]:
        log.info("%s: %s", name, line.strip())
    return Scores(float(m["ndcg"]), float(m["mrr"]), float(m["recall"]), int(m["n"]))


def score_ours(
    retrieval: Path, name: str, engine: str, engine_env: dict[str, str], port: int, work: Path, workers: int
) -> Scores:
    """Our service on ``engine`` (gunicorn with ``engine_env``), scored by score.py over HTTP."""
    lang = SCORE_LANG.get(name)
    extra = ["--workers", str(2 * workers)] + (["--lang", lang] if lang else [])
    with Server(engine_env, port, work / f"server-{engine}.log", workers) as server:
        return run_score(retrieval, name, ["--url", server.url, *extra], work / f"{name}.{engine}.per-query.tsv")


def whoosh_env(index: Path) -> dict[str, str]:
    return {"SEARCH_BACKEND": "whoosh", "SEARCH_INDEX_DIR": str(index)}


def opensearch_env(cluster: Cluster, alias: str) -> dict[str, str]:
    return {"SEARCH_BACKEND": "opensearch", "OPENSEARCH_URL": ",".join(cluster.urls), "OPENSEARCH_INDEX": alias}


# --------------------------------------------------------------------------
# The FTS5 baseline
# --------------------------------------------------------------------------


def read_article(path: Path) -> tuple[str, str]:
    """(title, body) of an engine-format file: `` date YYYY-MM-DD title`` then the body."""
    text = path.read_text(encoding="utf-8")
    head, _, body = text.partition("\n")
    parts = head.strip().split(" ", 2)
    title = parts[2] if len(parts) == 3 and parts[0] == "date" else head
    return title, body


def fts_database(name: str, docs: Path, docs_digest: str, work: Path) -> Path:
    """An FTS5 table (id, title, body) over the same files our engine indexes."""
    db = work / "fts" / f"{name}.sqlite"
    stamp = work / "fts" / f"{name}.stamp"
    if _stamp_ok(stamp, docs_digest) and db.is_file():
        return db
    db.parent.mkdir(parents=True, exist_ok=True)
    if db.exists():
        db.unlink()
    con = sqlite3.connect(db)
    with con:
        con.execute(
            "CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, body, tokenize='unicode61 remove_diacritics 0')"
        )
        rows = ((p.stem, *read_article(p)) for p in sorted(docs.glob("*.txt")))
        con.executemany("INSERT INTO docs (id, title, body) VALUES (?, ?, ?)", rows)
    con.close()
    stamp.write_text(docs_digest)
    return db


def fts_query(text: str) -> str | None:
    """The OR of the query's word tokens, each quoted (README's baseline)."""
    toks = TOKEN_RE.findall(text)
    return " OR ".join(f'"{t}"' for t in toks) if toks else None


def score_fts(retrieval: Path, name: str, db: Path, work: Path) -> Scores:
    run = work / f"{name}.fts5.run"
    con = sqlite3.connect(db)
    with run.open("w", encoding="utf-8") as out:
        for line in (retrieval / name / "queries.tsv").read_text(encoding="utf-8").splitlines():
            if "\t" not in line:
                continue
            qid, text = line.split("\t", 1)
            match = fts_query(text)
            if match is None:
                continue
            rows = con.execute(
                "SELECT id, bm25(docs) FROM docs WHERE docs MATCH ? ORDER BY bm25(docs) LIMIT ?", (match, DEPTH)
            ).fetchall()
            for rank, (did, score) in enumerate(rows, 1):
                out.write(f"{qid.strip()} Q0 {did} {rank} {-score:.6f} fts5\n")
    con.close()
    return run_score(retrieval, name, ["--run", str(run)])


# --------------------------------------------------------------------------


ENGINE_TITLES = {"whoosh": "Whoosh", "opensearch": "OpenSearch", "fts5": "FTS5"}


def table(rows: list[tuple[str, dict[str, Scores]]], engines: list[str]) -> str:
    """One row per collection; per metric, one column per engine; then OpenSearch − Whoosh nDCG@10."""
    metrics = (("nDCG@10", "ndcg"), ("MRR@10", "mrr"), ("R@100", "recall"))
    delta = "whoosh" in engines and "opensearch" in engines
    head = ["collection", "queries"]
    head += [f"{ENGINE_TITLES[e]} {label}" for label, _ in metrics for e in engines]
    if delta:
        head.append("OS − Whoosh nDCG@10")
    out = ["| " + " | ".join(head) + " |", "|---|" + "---:|" * (len(head) - 1)]
    for name, by_engine in rows:
        queries = next(iter(by_engine.values())).queries if by_engine else 0
        cells = [name, str(queries)]
        for _, attr in metrics:
            for e in engines:
                sc = by_engine.get(e)
                cells.append(f"{getattr(sc, attr):.3f}" if sc else "–")
        if delta:
            d = by_engine["opensearch"].ndcg - by_engine["whoosh"].ndcg
            flag = "" if d >= -NDCG_TOLERANCE else " ✗"
            cells.append(f"{d:+.3f}{flag}")
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out)


def _stop_on_sigterm() -> None:
    """SIGTERM unwinds like Ctrl-C, so servers and the cluster are stopped on the way out."""

    def handler(signum: int, frame: object) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, handler)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--collections", default=",".join(COLLECTIONS), help="comma list (default: all three)")
    ap.add_argument(
        "--backends",
        default=",".join(BACKENDS),
        help="comma list of our engines to measure (default: whoosh,opensearch)",
    )
    ap.add_argument(
        "--shared", type=Path, default=ROOT.parent / "shared", help="the shared data folder (default ../shared)"
    )
    ap.add_argument(
        "--work",
        type=Path,
        default=Path(tempfile.gettempdir()) / "relevance-eval",
        help="cache folder for files, indexes and runs",
    )
    ap.add_argument("--port", type=int, default=8101, help="local port for our server (default 8101)")
    ap.add_argument("--procs", type=int, default=2, help="indexing processes for Whoosh (default 2)")
    ap.add_argument("--workers", type=int, default=2, help="server worker processes (default 2)")
    ap.add_argument(
        "--os-port", type=int, default=None, help="HTTP port of OpenSearch node 0 (default: a free port block)"
    )
    ap.add_argument("--os-nodes", type=int, default=1, help="OpenSearch nodes (default 1; the index has 1 shard)")
    ap.add_argument("--os-heap", default="512m", help="heap of each OpenSearch node (default 512m)")
    ap.add_argument("--rebuild", action="store_true", help="rebuild our indexes even if cached")
    ap.add_argument("--no-fts", action="store_true", help="skip the FTS5 baseline")
    ap.add_argument("-v", "--verbose", action="store_true", help="log each step and score.py's summary")
    args = ap.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING, format="%(asctime)s %(message)s", stream=sys.stderr
    )

    retrieval = args.shared / "eval" / "retrieval"
    if not (retrieval / "score.py").is_file():
        ap.error(f"no score.py in {retrieval}; pass --shared")
    names = [c.strip() for c in args.collections.split(",") if c.strip()]
    unknown = [c for c in names if not (retrieval / c / "queries.tsv").is_file()]
    if unknown:
        ap.error(f"unknown collection(s): {', '.join(unknown)}")
    engines = [b.strip() for b in args.backends.split(",") if b.strip()]
    bad = [b for b in engines if b not in BACKENDS]
    if bad or not engines:
        ap.error(f"--backends: choose from {', '.join(BACKENDS)}")
    engines = [b for b in BACKENDS if b in engines]  # fixed column order
    args.work = args.work.resolve()
    args.work.mkdir(parents=True, exist_ok=True)
    _stop_on_sigterm()

    rows: list[tuple[str, dict[str, Scores]]] = []
    with contextlib.ExitStack() as stack:
        cluster = (
            stack.enter_context(opensearch_cluster(args.work, args.os_port, args.os_nodes, args.os_heap))
            if "opensearch" in engines
            else None
        )
        for name in names:
            docs, digest = expand(retrieval, name, args.work)
            found: dict[str, Scores] = {}
            if "whoosh" in engines:
                index = build_index(name, docs, digest, args.work, args.procs, args.rebuild)
                env = whoosh_env(index)
                found["whoosh"] = score_ours(retrieval, name, "whoosh", env, args.port, args.work, args.workers)
            if cluster is not None:
                alias, _ = build_opensearch(name, docs, digest, args.work, cluster, args.rebuild)
                env = opensearch_env(cluster, alias)
                found["opensearch"] = score_ours(retrieval, name, "opensearch", env, args.port, args.work, args.workers)
            if not args.no_fts:
                found["fts5"] = score_fts(retrieval, name, fts_database(name, docs, digest, args.work), args.work)
            rows.append((name, found))
            log.info("%s: %s", name, " | ".join(f"{e} {sc.cells()}" for e, sc in found.items()))
    print(table(rows, engines + ([] if args.no_fts else ["fts5"])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
