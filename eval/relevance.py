#!/usr/bin/env python3
"""Relevance of our engine on the judged collections, beside an SQLite FTS5 baseline.

One command does everything, for each collection in ``shared/eval/retrieval``::

    python eval/relevance.py [--collections kazqad,xquad_ru,rt_headlines] [--work DIR]

1. writes the documents as engine-format files with the collection's ``expand.py``;
2. builds our index with ``python -m indexer build``;
3. serves it with gunicorn on 127.0.0.1 (``--port``, default 8101) and scores it with
   ``score.py`` through ``GET /api/search`` (with ``--lang`` as the collection README
   suggests: kk for kazqad, ru for xquad_ru, none for rt_headlines);
4. measures the baseline the collection README describes: SQLite FTS5 (stdlib
   ``sqlite3``), ``unicode61 remove_diacritics 0`` tokenizer over title + body,
   ranked by ``bm25()``, the query being the OR of its quoted ``[^\\W_]+`` tokens;
   its top 100 go to ``score.py --run`` as a TREC run file, so both systems are
   scored by the same code;
5. prints a Markdown table.

Files, indexes and FTS5 databases are cached in the work folder between runs: a
collection is re-expanded when its ``docs.jsonl.gz`` changes, and re-indexed when
that or the analyzer/indexer source changes (``--rebuild`` forces it). Query-time
ranking changes (``searchsvc/ranking.py``) only need the server, which is started
fresh on every run.

This is a measurement script, not a test: it takes minutes (rt_headlines has 7,006
long articles), so pytest never calls it.
"""

from __future__ import annotations

import argparse
import hashlib
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
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COLLECTIONS = ("kazqad", "xquad_ru", "rt_headlines")
#: ``--lang`` per collection, as shared/eval/retrieval/README.md runs them.
SCORE_LANG = {"kazqad": "kk", "xquad_ru": "ru", "rt_headlines": None}
#: Source whose change makes a cached index stale (analysis and indexing code).
INDEX_SOURCES = ("analyzers", "indexer")
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


def _source_digest() -> str:
    """A digest of the code and data the index depends on."""
    files = [
        p
        for d in INDEX_SOURCES
        for p in (ROOT / d).rglob("*")
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
        log.info("%s: building our index (procs=%d)", name, procs)
        index.parent.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "indexer",
                "build",
                str(docs),
                "--index",
                str(index),
                "--procs",
                str(procs),
                "--no-progress",
            ],
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
        log.info("%s: indexed in %.1fs", name, time.perf_counter() - started)
        stamp.write_text(digest)
    return index


class Server:
    """Our service (gunicorn) on one local port, for as long as the ``with`` lasts."""

    def __init__(self, index: Path, port: int, log_path: Path, workers: int) -> None:
        self.index, self.port, self.log_path, self.workers = index, port, log_path, workers
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Server:
        env = dict(os.environ, SEARCH_INDEX_DIR=str(self.index), SEARCH_TIME_BUDGET="20")
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


def score_ours(retrieval: Path, name: str, index: Path, port: int, work: Path, workers: int) -> Scores:
    lang = SCORE_LANG.get(name)
    extra = ["--workers", str(2 * workers)] + (["--lang", lang] if lang else [])
    with Server(index, port, work / "server.log", workers) as server:
        return run_score(retrieval, name, ["--url", server.url, *extra], work / f"{name}.ours.per-query.tsv")


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


def table(rows: list[tuple[str, Scores, Scores | None]]) -> str:
    out = [
        "| collection | queries | ours nDCG@10 | ours MRR@10 | ours R@100 | FTS5 nDCG@10 | FTS5 MRR@10 | FTS5 R@100 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, ours, fts in rows:
        fts_cells = fts.cells() if fts else "– | – | –"
        out.append(f"| {name} | {ours.queries} | {ours.cells()} | {fts_cells} |")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--collections", default=",".join(COLLECTIONS), help="comma list (default: all three)")
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
    ap.add_argument("--procs", type=int, default=2, help="indexing processes (default 2)")
    ap.add_argument("--workers", type=int, default=2, help="server worker processes (default 2)")
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
    args.work.mkdir(parents=True, exist_ok=True)

    rows = []
    for name in names:
        docs, digest = expand(retrieval, name, args.work)
        index = build_index(name, docs, digest, args.work, args.procs, args.rebuild)
        ours = score_ours(retrieval, name, index, args.port, args.work, args.workers)
        fts = (
            None if args.no_fts else score_fts(retrieval, name, fts_database(name, docs, digest, args.work), args.work)
        )
        rows.append((name, ours, fts))
        log.info("%s: ours %s | fts5 %s", name, ours.cells(), fts.cells() if fts else "-")
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
