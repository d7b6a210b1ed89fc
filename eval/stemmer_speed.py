#!/usr/bin/env python3
"""Speed of ``analyzers.kazakh.stem``: memoised over running text, and uncached.

* **memo**: every token of the Kazakh corpora (``<shared>/corpus/kk``) in text
  order through ``stem`` starting from an empty cache — what the indexer does;
  repeated words hit the memo.
* **uncached**: a fresh Python process stems each distinct corpus word type once
  (shuffled, fixed seed), so every call is a cache miss and pays the full
  parse.  The import (lexicon load) is timed separately.

Both wall-clock and CPU time (``time.process_time``) are reported: on a
shared machine other jobs steal the CPU and the wall figure drops, while the
CPU figure stays what the stemmer itself costs.

    python eval/stemmer_speed.py [--shared ../shared] [--repeat 3]
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOKEN = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")

_UNCACHED = """
import sys, time, json
t0 = time.perf_counter()
sys.path.insert(0, {root!r})
from analyzers import kazakh
t1 = time.perf_counter()
words = json.load(open({path!r}, encoding="utf-8"))
t2, c2 = time.perf_counter(), time.process_time()
for w in words:
    kazakh.stem(w)
t3, c3 = time.perf_counter(), time.process_time()
print(json.dumps({{"import": t1 - t0, "n": len(words), "secs": t3 - t2, "cpu": c3 - c2}}))
"""


def kazakh_tokens(shared: Path) -> list[str]:
    """Lowercased word tokens of the Kazakh corpora, in text order."""
    tokens: list[str] = []
    for name in ("prose.jsonl.gz", "news_undated.jsonl.gz"):
        path = shared / "corpus" / "kk" / name
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                rec = json.loads(line)
                tokens.extend(TOKEN.findall(f"{rec.get('title', '')} {rec['body']}".lower()))
    return tokens


def memo_speed(tokens: list[str], repeat: int) -> tuple[float, float]:
    """Best (wall, CPU) words/s over ``repeat`` passes, each from an empty cache."""
    sys.path.insert(0, str(ROOT))
    from analyzers import kazakh

    best = best_cpu = float("inf")
    for _ in range(repeat):
        kazakh._stem_cached.cache_clear()
        t0, c0 = time.perf_counter(), time.process_time()
        for t in tokens:
            kazakh.stem(t)
        best = min(best, time.perf_counter() - t0)
        best_cpu = min(best_cpu, time.process_time() - c0)
    return len(tokens) / best, len(tokens) / best_cpu


def uncached_speed(types: list[str], repeat: int, tmp: Path) -> tuple[float, float, float]:
    """(best wall words/s, best CPU words/s, import seconds), every type once in a fresh process."""
    path = tmp / "kk_types.json"
    path.write_text(json.dumps(types, ensure_ascii=False), encoding="utf-8")
    code = _UNCACHED.format(root=str(ROOT), path=str(path))
    best = best_cpu = imp = float("inf")
    for _ in range(repeat):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        r = json.loads(out.stdout)
        best, best_cpu, imp = min(best, r["secs"]), min(best_cpu, r["cpu"]), min(imp, r["import"])
    return len(types) / best, len(types) / best_cpu, imp


def main() -> int:
    import tempfile

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    tokens = kazakh_tokens(a.shared.resolve())
    types = sorted(set(tokens))
    random.Random(13).shuffle(types)
    memo, memo_cpu = memo_speed(tokens, a.repeat)
    with tempfile.TemporaryDirectory() as tmp:
        unc, unc_cpu, imp = uncached_speed(types, a.repeat, Path(tmp))
    print("| pass | words | words/s (wall) | words/s (CPU) |")
    print("|---|---:|---:|---:|")
    print(
        f"| memo (running text, empty cache at start) | {len(tokens):,} tokens, {len(types):,} types "
        f"| {memo:,.0f} | {memo_cpu:,.0f} |"
    )
    print(f"| uncached (fresh process, every word new) | {len(types):,} types | {unc:,.0f} | {unc_cpu:,.0f} |")
    print(f"\nimport of analyzers.kazakh (lexicon load): {imp * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
