"""The bench's query sets, fixed by a seed so every run asks the same things.

- ``dev``: every second query (the dev half) of each judged collection in
  ``shared/eval/retrieval/*/queries.tsv``;
- ``word``: single content words drawn from the corpus titles;
- ``phrase``: two adjacent title words as a quoted phrase;
- ``words``: two or three title words, unquoted (what most people type);
- ``filtered``: dev queries and words with a language or a date-range filter;
- ``faceted``: the corpus's most frequent content words, whose huge match sets
  are what the facet counts must go through.

``EVERYDAY`` (``word``, ``words``, ``faceted``: 1–3 plain words) is the class
the issue-12 targets are about.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

from analyzers.kazakh import STOPWORDS as KK_STOP
from analyzers.russian import STOPWORDS as RU_STOP
from bench.corpus import RETRIEVAL, SEED

_WORD = re.compile(r"[^\W\d_]{4,}")
Query = tuple[str, dict[str, object]]  # (label, request parameters)
#: The 1–3-word queries most people type.
EVERYDAY = ("word", "words", "faceted")


def _titles(files: list[Path], n: int, rng: random.Random) -> list[str]:
    out = []
    for p in rng.sample(files, min(n, len(files))):
        with open(p, encoding="utf-8") as fh:
            out.append(fh.readline().strip()[len("date 2000-01-01 ") :])
    return out


def dev_queries() -> list[str]:
    out = []
    for tsv in sorted(RETRIEVAL.glob("*/queries.tsv")):
        lines = [ln.split("\t", 1)[1].strip() for ln in tsv.read_text(encoding="utf-8").splitlines() if "\t" in ln]
        out += lines[::2]
    return out


def build(files: list[Path], per_class: int) -> list[Query]:
    """``per_class`` queries of each class, interleaved."""
    rng = random.Random(SEED)
    stop = KK_STOP | RU_STOP
    titles = _titles(files, 4 * per_class, rng)
    words: list[str] = []
    phrases: list[str] = []
    multi: list[str] = []
    freq: Counter[str] = Counter()
    for t in titles:
        ws = [w.lower() for w in _WORD.findall(t)]
        freq.update(w for w in ws if w not in stop)
        words += [w for w in ws if w not in stop]
        phrases += [f'"{a} {b}"' for a, b in zip(ws, ws[1:], strict=False) if a not in stop and b not in stop]
        content = [w for w in ws if w not in stop]
        multi += [" ".join(content[i : i + 2 + j % 2]) for j, i in enumerate(range(0, len(content) - 1, 2))]
    dev = dev_queries()
    rng.shuffle(dev)
    classes: dict[str, list[dict[str, object]]] = {
        "dev": [{"q": q} for q in dev[:per_class]],
        "word": [{"q": w} for w in rng.sample(words, min(per_class, len(words)))],
        "phrase": [{"q": p} for p in rng.sample(phrases, min(per_class, len(phrases)))],
        "words": [{"q": m} for m in rng.sample(multi, min(per_class, len(multi)))],
        "faceted": [{"q": w} for w, _ in freq.most_common(per_class)],
    }
    filters: list[dict[str, object]] = [
        {"lang": "ru"},
        {"lang": "kk"},
        {"date_from": "2017-01-01", "date_to": "2017-12-31"},
        {"date_from": "2024-01-01"},
        {"lang": "ru", "date_to": "2016-12-31"},
    ]
    base = [q["q"] for q in classes["dev"][: per_class // 2]] + [q["q"] for q in classes["word"][:per_class]]
    classes["filtered"] = [{"q": q, **filters[i % len(filters)]} for i, q in enumerate(base[:per_class])]
    out: list[Query] = []
    for i in range(per_class):
        for label, qs in classes.items():
            if i < len(qs):
                out.append((label, qs[i]))
    return out


def path_for(params: dict[str, object]) -> str:
    return "/api/search?" + urlencode(params, doseq=True)
