"""Loopback load: gunicorn on a real index under a realistic query mix, from a separate process.

Zero 5xx, zero dropped connections, every invalid request a 4xx, and worker
memory flat. The CI variant runs 5 s on the sample index; the ``slow`` one
60 s on the bench corpus (2,011 articles) when ``shared/`` is there.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SAMPLE, SHARED
from tests.robustness.conftest import ROOT, run_indexer

log = logging.getLogger(__name__)


def _load(index: Path, corpus: Path, seconds: float, warmup: float, tmp: Path) -> dict[str, object]:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.robustness.loadtest",
            "--index",
            str(index),
            "--corpus",
            str(corpus),
            "--seconds",
            str(seconds),
            "--warmup",
            str(warmup),
            "--clients",
            "16",
            "--log",
            str(tmp / "gunicorn.log"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=seconds + warmup + 180,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    log.info("load result: %s", json.dumps(result, ensure_ascii=False))
    (tmp / "load.json").write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    return result


def _check(result: dict[str, object], max_growth_mb: float) -> None:
    assert result["requests"] > 0
    assert result["five_xx"] == 0, result
    assert result["dropped"] == 0, result["dropped_examples"]
    assert result["unexpected"] == 0, result["unexpected_examples"]
    assert not result["workers_restarted"], "a worker died or was recycled under load"
    start, end = result["rss_mb_start"], result["rss_mb_end"]
    for pid, mb in end.items():  # type: ignore[union-attr]
        assert mb - start[pid] < max_growth_mb, f"worker {pid} grew from {start[pid]} to {mb} MB"  # type: ignore[index]


def test_load_5s_on_the_sample_index(sample_index: Path, sample_corpus: Path, tmp_path: Path) -> None:
    _check(_load(sample_index, sample_corpus, seconds=5, warmup=3, tmp=tmp_path), max_growth_mb=60)


@pytest.mark.slow
def test_load_60s(tmp_path: Path, sample_index: Path, sample_corpus: Path) -> None:
    expand = SHARED / "corpus" / "bench" / "expand.py"
    if expand.exists():
        corpus, index = tmp_path / "bench-corpus", tmp_path / "bench-index"
        subprocess.run([sys.executable, str(expand), str(corpus)], check=True, capture_output=True)
        done = run_indexer("build", corpus, "--index", index, "--procs", "2")
        assert done.returncode == 0, done.stderr
    else:
        corpus, index = sample_corpus, sample_index
    assert corpus != SAMPLE
    # growth is the bounded caches (stems, snippets, related) filling with 4,000 distinct requests
    _check(_load(index, corpus, seconds=60, warmup=10, tmp=tmp_path), max_growth_mb=64)
