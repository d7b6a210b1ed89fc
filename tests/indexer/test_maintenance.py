"""``stats`` and ``optimize``, and how generations are cleaned up."""

from __future__ import annotations

import json
import os
import re
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from backends.whoosh.generations import GRACE_SECONDS, collect_garbage, current_generation, generations
from indexer.corpus import read_article
from tests.conftest import SAMPLE, SEED_KK
from tests.indexer.conftest import index_docs, run_indexer

MakeCorpus = Callable[..., Path]


def test_stats_and_optimize(make_corpus: MakeCorpus, tmp_path: Path) -> None:
    corpus, index = make_corpus(12), tmp_path / "index"
    (corpus / f"{SEED_KK}.txt").write_bytes((SAMPLE / f"{SEED_KK}.txt").read_bytes())
    assert run_indexer("update", corpus, "--index", index, "--batch-size", "5").returncode == 0
    articles = [read_article(p) for p in corpus.glob("*.txt")]

    proc = run_indexer("stats", "--index", index, "--json")
    assert proc.returncode == 0, proc.stderr
    stats = json.loads(proc.stdout)
    assert stats["documents"] == 13 and stats["generation"] == current_generation(index)
    assert stats["languages"] == dict(Counter(a.lang for a in articles)) and stats["languages"]["kk"] >= 1
    assert (stats["date_min"], stats["date_max"]) == (min(a.date for a in articles), max(a.date for a in articles))
    assert len(stats["segments"]) >= 2 and sum(s["documents"] for s in stats["segments"]) == 13
    assert 0 < stats["generation_bytes"] <= stats["disk_bytes"]
    human = run_indexer("stats", "--index", index).stdout
    langs = ", ".join(f"{k} {v}" for k, v in Counter(a.lang for a in articles).most_common())
    assert re.search(rf"documents\s+13 \({langs}\)", human), human

    before = index_docs(index)
    proc = run_indexer("optimize", "--index", index, "--json")
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["segments_before"] >= 2 and result["segments_after"] == 1
    assert result["generation"] == current_generation(index) != result["previous"]
    assert index_docs(index) == before
    assert len(json.loads(run_indexer("stats", "--index", index, "--json").stdout)["segments"]) == 1


def test_stats_without_an_index_says_how_to_make_one(tmp_path: Path) -> None:
    proc = run_indexer("stats", "--index", tmp_path / "none")
    assert proc.returncode == 4 and "python -m indexer build" in proc.stderr
    assert run_indexer("optimize", "--index", tmp_path / "none").returncode == 4


def test_superseded_generations_linger_for_readers_then_go(make_corpus: MakeCorpus, tmp_path: Path) -> None:
    corpus, index = make_corpus(6), tmp_path / "index"
    assert run_indexer("update", corpus, "--index", index, "--batch-size", "2").returncode == 0
    assert generations(index) == ["gen-000001", "gen-000002", "gen-000003"]
    (index / "gen-000009").mkdir()  # what a killed writer leaves behind
    # A server thread may still be opening gen-000002 just after the switch: keep it.
    assert collect_garbage(index) == ["gen-000009"]
    # Once the successors are older than the grace period, the old ones go.
    old = time.time() - GRACE_SECONDS - 1
    for name in generations(index):
        os.utime(index / name, (old, old))
    assert collect_garbage(index) == ["gen-000001", "gen-000002"]
    assert generations(index) == ["gen-000003"] and len(index_docs(index)) == 6
