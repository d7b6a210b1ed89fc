"""Rebuild ``kk_lexicon.tsv`` and ``kk_stopwords.txt`` from the Kazakh corpora.

Usage (from the project root)::

    python analyzers/data/build_lexicon.py [--shared ../shared]

Sources (only word counts are kept, no text):
  * corpus/kk/prose.jsonl.gz   — Kazakh Wikipedia prose (KazQAD passages and
    apertium-kaz texts2), CC BY-SA 4.0;
  * corpus/kk/news_undated.jsonl.gz — kaz.tengrinews.kz lead excerpts
    (publisher's copyright; used here only as word-frequency counts).

Output ``kk_lexicon.tsv``: ``word<TAB>bare<TAB>verbal<TAB>verbal_nv<TAB>nominal`` where
  bare    = corpus frequency of the word standing alone,
  verbal  = number of distinct corpus word types that parse to it through a
            suffix only verbs take (-ған, -ып, -атын, -ады/-еді + person ...),
  verbal_nv = the same, counting only parses that removed no passive,
  nominal = number of distinct corpus word types that parse to it through
            nominal suffixes only (plural, possessive, case ...).
Only rows with a non-zero count in some column are written.
"""

from __future__ import annotations

import argparse
import collections
import gzip
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
TOKEN = re.compile(r"[а-яёәғқңөұүһі]+")
FILES = ("prose.jsonl.gz", "news_undated.jsonl.gz")


def corpus_counts(shared: Path) -> collections.Counter[str]:
    counts: collections.Counter[str] = collections.Counter()
    for name in FILES:
        with gzip.open(shared / "corpus" / "kk" / name, "rt", encoding="utf-8") as fh:
            for line in fh:
                rec = json.loads(line)
                text = f"{rec.get('title', '')}\n{rec.get('body', '')}".lower()
                counts.update(TOKEN.findall(text))
    return counts


Counts = collections.Counter[str]


def _present_or_past(word: str, stem: str, first_nv: Counts | None) -> bool:
    """Is ``word`` = stem + а/е + ды/ді where stem + а/е is itself a corpus verb?"""
    if first_nv is None or len(word) != len(stem) + 3:
        return False
    vowel, ending = word[len(stem)], word[len(stem) + 1 :]
    return vowel in "ае" and ending in ("ды", "ді") and first_nv.get(stem + vowel, 0) >= 2


def support_counts(kazakh: object, counts: Counts, first_nv: Counts | None) -> tuple[Counts, Counts, Counts]:
    """(verbal, verbal without voice, nominal) support: distinct corpus types per stem."""
    verbal: Counts = collections.Counter()
    verbal_nv: Counts = collections.Counter()
    nominal: Counts = collections.Counter()
    for word in counts:
        if len(word) > 40:
            continue
        vs, vnv, ns = set(), set(), set()
        for s, depth, kind, voice in kazakh._parses(word):  # type: ignore[attr-defined]
            if depth == 0:
                continue
            c = kazakh._canonical(s, kind)  # type: ignore[attr-defined]
            if kind == 2:
                if _present_or_past(word, s, first_nv):
                    continue
                vs.add(c)
                if not voice:
                    vnv.add(c)
            elif kind == 0:
                ns.add(c)
        verbal.update(vs)
        verbal_nv.update(vnv)
        nominal.update(ns)
    return verbal, verbal_nv, nominal


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    a = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from analyzers import kazakh  # noqa: E402  (needs the project on sys.path)

    counts = corpus_counts(a.shared)
    verbal, verbal_nv, nominal = support_counts(kazakh, counts, None)
    # Second pass: X+а+ды (present, 3rd person) is spelt like the past of a
    # verb in -а (жыла+ды, қара+ды, жаса+ды).  When X+а is a verb of its own
    # (first-pass support), the form is no evidence for a verb X (жыл, қар,
    # жас are a year, snow and young, not verbs).
    verbal, verbal_nv, nominal = support_counts(kazakh, counts, verbal_nv)
    bare: collections.Counter[str] = collections.Counter()
    for w, c in counts.items():
        bare[kazakh._canonical(w)] += c
    keys = sorted(set(bare) | set(verbal) | set(nominal))
    with open(HERE / "kk_lexicon.tsv", "w", encoding="utf-8") as out:
        out.write("# word\tbare\tverbal\tnominal  (built by build_lexicon.py)\n")
        for k in keys:
            b, v, n = bare.get(k, 0), verbal.get(k, 0), nominal.get(k, 0)
            vn = verbal_nv.get(k, 0)
            if b or v >= 2 or n >= 2:
                out.write(f"{k}\t{b}\t{v}\t{vn}\t{n}\n")
    print(f"{len(counts)} corpus types, {sum(counts.values())} tokens -> {HERE / 'kk_lexicon.tsv'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
