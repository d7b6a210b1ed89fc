"""The second baseline: the same corpus and requests on tantivy (Rust, via the
``tantivy`` pip package), the engine a compiled search library reaches.

Like :mod:`bench.fts5`: articles parsed by :mod:`indexer.corpus`, tantivy's
``default`` tokenizer (Unicode words, lowercased; no stemming, no stop words),
BM25 over title and body, the query's words ORed and quoted phrases kept as
phrases, a body snippet from tantivy's ``SnippetGenerator``, and the same facet
semantics as ours: language counts with the date filter applied, month counts
with the language filter applied, the total with both (terms aggregations on
fast fields).

``python -m bench.tantivy_baseline build CORPUS DIR`` is the timed indexing
run (writer threads = ``--threads``); ``bench.tantivy_baseline:create_app``
serves ``/api/search`` for the HTTP figures (``TANTIVY_INDEX``).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import time
from pathlib import Path
from typing import Any

import tantivy

from bench.fts5 import Request, request_from_args
from indexer.corpus import MalformedFile, list_corpus, read_article

_WORD = re.compile(r"[^\W_]+")
_PHRASE = re.compile(r'"([^"]*)"')
SNIPPET_CHARS = 260


def schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("title", stored=True)
    sb.add_text_field("body", stored=True)
    sb.add_text_field("doc_id", stored=True, tokenizer_name="raw")
    sb.add_text_field("lang", stored=True, fast=True, tokenizer_name="raw")
    sb.add_unsigned_field("day", stored=True, indexed=True, fast=True)
    sb.add_unsigned_field("month", fast=True)
    return sb.build()


def build(corpus: Path, folder: Path, threads: int = 2, heap_mb: int = 256) -> int:
    """A fresh tantivy index of every article in ``corpus``."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    index = tantivy.Index(schema(), path=str(folder))
    writer = index.writer(heap_mb * 1_000_000, threads)
    n = 0
    for path in list_corpus(corpus).values():
        try:
            a = read_article(path)
        except MalformedFile:
            continue
        day = int(a.date.replace("-", ""))
        doc = tantivy.Document(title=a.title, body=a.body, doc_id=a.doc_id, lang=a.lang)
        doc.add_unsigned("day", day)
        doc.add_unsigned("month", day // 100)
        writer.add_document(doc)
        n += 1
    writer.commit()
    writer.wait_merging_threads()
    return n


class Engine:
    """One opened index; :meth:`search` answers like ``bench.fts5.search``."""

    def __init__(self, folder: Path) -> None:
        self.index = tantivy.Index.open(str(folder))
        self.schema = self.index.schema
        self.searcher = self.index.searcher()

    def _text_query(self, q: str) -> tantivy.Query | None:
        subs: list[tuple[tantivy.Occur, tantivy.Query]] = []
        for field in ("title", "body"):
            for phrase in _PHRASE.findall(q):
                words = _WORD.findall(phrase.lower())
                if len(words) > 1:
                    subs.append((tantivy.Occur.Should, tantivy.Query.phrase_query(self.schema, field, words)))
                elif words:
                    subs.append((tantivy.Occur.Should, tantivy.Query.term_query(self.schema, field, words[0])))
            for w in dict.fromkeys(_WORD.findall(_PHRASE.sub(" ", q).lower())):
                subs.append((tantivy.Occur.Should, tantivy.Query.term_query(self.schema, field, w)))
        return tantivy.Query.boolean_query(subs) if subs else None

    def _dates(self, req: Request) -> tantivy.Query | None:
        if not (req.date_from or req.date_to):
            return None
        lo = int(req.date_from.replace("-", "")) if req.date_from else 0
        hi = int(req.date_to.replace("-", "")) if req.date_to else 99999999
        return tantivy.Query.range_query(self.schema, "day", tantivy.FieldType.Unsigned, lo, hi)

    def _langs(self, req: Request) -> tantivy.Query | None:
        if not req.langs:
            return None
        return tantivy.Query.term_set_query(self.schema, "lang", list(req.langs))

    @staticmethod
    def _all(*parts: tantivy.Query | None) -> tantivy.Query:
        subs = [(tantivy.Occur.Must, p) for p in parts if p is not None]
        return subs[0][1] if len(subs) == 1 else tantivy.Query.boolean_query(subs)

    def search(self, req: Request) -> dict[str, Any]:
        started = time.perf_counter()
        text = self._text_query(req.q)
        if text is None:
            return {"total": 0, "hits": [], "facets": {"lang": [], "date": []}, "took_ms": 0.0}
        dates, langs = self._dates(req), self._langs(req)
        s = self.searcher
        found = s.search(self._all(text, dates, langs), req.per_page, count=True)
        gen = tantivy.SnippetGenerator.create(s, text, self.schema, "body")
        gen.set_max_num_chars(SNIPPET_CHARS)
        hits = []
        for score, addr in found.hits:
            doc = s.doc(addr)
            hits.append(
                {
                    "id": doc["doc_id"][0],
                    "title": doc["title"][0],
                    "lang": doc["lang"][0],
                    "date": str(doc["day"][0]),
                    "score": score,
                    "snippet": gen.snippet_from_doc(doc).to_html(),
                }
            )
        by_lang = s.aggregate(self._all(text, dates), {"l": {"terms": {"field": "lang", "size": 10}}})
        by_month = s.aggregate(self._all(text, langs), {"m": {"terms": {"field": "month", "size": 10000}}})
        lang_counts = [(b["key"], b["doc_count"]) for b in by_lang["l"]["buckets"]]
        months = sorted((int(b["key"]), b["doc_count"]) for b in by_month["m"]["buckets"])
        return {
            "total": found.count,
            "took_ms": round((time.perf_counter() - started) * 1000, 2),
            "hits": hits,
            "facets": {
                "lang": [{"value": v, "count": n} for v, n in sorted(lang_counts, key=lambda kv: (-kv[1], kv[0]))],
                "date": [{"value": f"{m // 100:04d}-{m % 100:02d}", "count": n} for m, n in months],
            },
        }


def create_app(folder: Path | None = None) -> Any:
    """A Flask app with the same ``/api/search`` parameters as ours (subset)."""
    import os

    from flask import Flask, jsonify, request

    engine = Engine(Path(folder or os.environ["TANTIVY_INDEX"]))
    app = Flask(__name__)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]

    @app.get("/api/search")
    def api_search() -> Any:
        return jsonify(engine.search(request_from_args(request.args)))

    return app


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.tantivy_baseline")
    sub = p.add_subparsers(dest="verb", required=True)
    b = sub.add_parser("build")
    b.add_argument("corpus", type=Path)
    b.add_argument("index", type=Path)
    b.add_argument("--threads", type=int, default=2)
    args = p.parse_args(argv)
    print(json.dumps({"documents": build(args.corpus, args.index, args.threads)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
