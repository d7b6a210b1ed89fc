#!/usr/bin/env python3
"""Accuracy of ``analyzers.langid.detect`` against the labelled corpora.

Labels: ``corpus/bench/articles.jsonl.gz`` carries a ``lang`` per article;
the sample files are a subset of it (matched on title + body). The undated
Kazakh sets (``corpus/kk/*.jsonl.gz``) are all Kazakh. Prints a Markdown
table; the README quotes it.

    python eval/langid.py [--shared ../shared]
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analyzers.langid import detect  # noqa: E402
from indexer.corpus import iter_corpus  # noqa: E402


def _jsonl(path: Path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _key(title: str, body: str) -> str:
    """Whitespace-insensitive identity of an article (the parser drops blank lines)."""
    return " ".join(f"{title} {body}".split())


def _score(pairs: list[tuple[str, str]]) -> tuple[int, int, Counter]:
    errors = Counter((gold, got) for gold, got in pairs if gold != got)
    return sum(g == p for g, p in pairs), len(pairs), errors


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = ap.parse_args()
    corpus = args.shared / "corpus"
    bench = _jsonl(corpus / "bench" / "articles.jsonl.gz")
    label = {_key(r["title"], r["body"]): r["lang"] for r in bench}
    rows = []
    rows.append(("bench (2,011 articles)", [(r["lang"], detect(r["title"] + "\n" + r["body"])) for r in bench]))
    sample = []
    for art in iter_corpus(corpus / "sample"):
        gold = label.get(_key(getattr(art, "title", ""), getattr(art, "body", "")))
        if gold:
            sample.append((gold, art.lang))
    rows.append((f"sample ({len(sample)} labelled files)", sample))
    for name in ("prose", "news_undated"):
        recs = _jsonl(corpus / "kk" / f"{name}.jsonl.gz")
        rows.append((f"kk/{name} ({len(recs)}, all kk)", [("kk", detect(r["title"] + "\n" + r["body"])) for r in recs]))
        rows.append((f"kk/{name} titles only", [("kk", detect(r["title"])) for r in recs]))
    print("| set | accuracy | errors (gold→got) |\n|---|---:|---|")
    for name, pairs in rows:
        ok, n, errors = _score(pairs)
        errs = ", ".join(f"{g}→{p}: {c}" for (g, p), c in errors.most_common()) or "none"
        print(f"| {name} | {ok / n:.4f} ({ok}/{n}) | {errs} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
