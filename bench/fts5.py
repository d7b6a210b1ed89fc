"""The baseline: the same corpus and requests on SQLite FTS5 (stdlib sqlite3).

Articles are parsed by the same :mod:`indexer.corpus` code as ours (language
detection included), stored in one FTS5 table with the ``unicode61`` tokenizer
(no stemming, no stop words), ranked by ``bm25()``, with ``snippet()`` for the
body and the same facet semantics as ``searchsvc.search``: language counts
with the date filter applied, month counts with the language filter applied,
the total with both.

``python -m bench.fts5 build CORPUS DB`` is the indexing run the bench times
in its own process; ``bench.fts5:create_app`` serves ``/api/search`` over
HTTP for the gunicorn comparison.
"""

from __future__ import annotations

import argparse
import json
import re
import sqlite3
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from indexer.corpus import MalformedFile, list_corpus, read_article

SCHEMA = """
CREATE VIRTUAL TABLE docs USING fts5(
    title, body, doc_id UNINDEXED, lang UNINDEXED, day UNINDEXED,
    tokenize = 'unicode61 remove_diacritics 0'
);
"""
_WORD = re.compile(r"[^\W_]+")
_PHRASE = re.compile(r'"([^"]*)"')


def _row(article: Any) -> tuple[str, str, str, str, int]:
    return article.title, article.body, article.doc_id, article.lang, int(article.date.replace("-", ""))


def add_corpus(conn: sqlite3.Connection, files: list[Path]) -> int:
    """Parse and insert files in one transaction; malformed ones are skipped."""
    rows = []
    for path in files:
        try:
            rows.append(_row(read_article(path)))
        except MalformedFile:
            continue
    with conn:
        conn.executemany("INSERT INTO docs(title, body, doc_id, lang, day) VALUES (?, ?, ?, ?, ?)", rows)
    return len(rows)


def build(corpus: Path, db: Path) -> int:
    """A fresh FTS5 database of every article in ``corpus``."""
    if db.exists():
        db.unlink()
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode=OFF")
    conn.executescript(SCHEMA)
    n = add_corpus(conn, list(list_corpus(corpus).values()))
    conn.execute("INSERT INTO docs(docs) VALUES ('optimize')")
    conn.commit()
    conn.close()
    return n


def update(db: Path, files: list[Path]) -> int:
    """Add new files to an existing database (the incremental-update figure)."""
    conn = sqlite3.connect(db)
    n = add_corpus(conn, files)
    conn.close()
    return n


def match_expr(q: str) -> str | None:
    """Our query syntax as an FTS5 MATCH: quoted phrases stay phrases, the
    remaining words are ORed (the eval README's FTS5 reference run)."""
    parts = [" ".join(_WORD.findall(p.lower())) for p in _PHRASE.findall(q)]
    parts = [f'"{p}"' for p in parts if p]
    rest = _PHRASE.sub(" ", q)
    parts += [f'"{w}"' for w in _WORD.findall(rest.lower())]
    return " OR ".join(dict.fromkeys(parts)) or None


@dataclass(frozen=True)
class Request:
    q: str
    langs: tuple[str, ...] = ()
    date_from: str | None = None
    date_to: str | None = None
    per_page: int = 10


def request_from_args(args: Any) -> Request:
    """A :class:`Request` from a query string (``lang`` repeated or comma-separated), as our API reads it."""
    langs = tuple(p for v in args.getlist("lang") for p in v.split(",") if p)
    return Request(
        q=args.get("q", ""),
        langs=langs,
        date_from=args.get("date_from"),
        date_to=args.get("date_to"),
        per_page=int(args.get("per_page", 10)),
    )


def _day(d: str | None, default: int) -> int:
    return int(d.replace("-", "")) if d else default


def search(conn: sqlite3.Connection, req: Request) -> dict[str, Any]:
    """Top hits with snippets, the total, and both facets."""
    started = time.perf_counter()
    expr = match_expr(req.q)
    if expr is None:
        return {"total": 0, "hits": [], "facets": {"lang": [], "date": []}, "took_ms": 0.0}
    lo, hi = _day(req.date_from, 0), _day(req.date_to, 99999999)
    lang_sql, lang_args = "", []
    if req.langs:
        lang_sql = f" AND lang IN ({','.join('?' * len(req.langs))})"
        lang_args = list(req.langs)
    hits = conn.execute(
        "SELECT doc_id, title, lang, day, bm25(docs), snippet(docs, 1, '<mark>', '</mark>', '…', 32)"
        " FROM docs WHERE docs MATCH ? AND day BETWEEN ? AND ?" + lang_sql + " ORDER BY rank LIMIT ?",
        [expr, lo, hi, *lang_args, req.per_page],
    ).fetchall()
    by_lang = conn.execute(
        "SELECT lang, count(*) FROM docs WHERE docs MATCH ? AND day BETWEEN ? AND ? GROUP BY lang",
        [expr, lo, hi],
    ).fetchall()
    by_month = conn.execute(
        "SELECT day / 100, count(*) FROM docs WHERE docs MATCH ?" + lang_sql + " GROUP BY day / 100",
        [expr, *lang_args],
    ).fetchall()
    total = sum(n for lang, n in by_lang if not req.langs or lang in req.langs)
    return {
        "total": total,
        "took_ms": round((time.perf_counter() - started) * 1000, 2),
        "hits": [
            {"id": h[0], "title": h[1], "lang": h[2], "date": str(h[3]), "score": -h[4], "snippet": h[5]} for h in hits
        ],
        "facets": {
            "lang": [{"value": v, "count": n} for v, n in sorted(by_lang, key=lambda kv: (-kv[1], kv[0]))],
            "date": [{"value": f"{m // 100:04d}-{m % 100:02d}", "count": n} for m, n in sorted(by_month)],
        },
    }


def connect(db: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, check_same_thread=False)
    return conn


def create_app(db: Path | None = None) -> Any:
    """A Flask app with the same ``/api/search`` parameters as ours (subset)."""
    import os

    from flask import Flask, jsonify, request

    path = Path(db or os.environ["FTS5_DB"])
    app = Flask(__name__)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    local = threading.local()

    @app.get("/api/search")
    def api_search() -> Any:
        if getattr(local, "conn", None) is None:
            local.conn = connect(path)
        return jsonify(search(local.conn, request_from_args(request.args)))

    return app


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.fts5")
    sub = p.add_subparsers(dest="verb", required=True)
    b = sub.add_parser("build")
    b.add_argument("corpus", type=Path)
    b.add_argument("db", type=Path)
    u = sub.add_parser("update")
    u.add_argument("db", type=Path)
    u.add_argument("files", type=Path, nargs="+")
    args = p.parse_args(argv)
    n = build(args.corpus, args.db) if args.verb == "build" else update(args.db, args.files)
    print(json.dumps({"documents": n}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
