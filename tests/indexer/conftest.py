"""Helpers for the reindexing tests: real bench articles, the real CLI in subprocesses."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from backends.whoosh.generations import current_generation, open_current
from backends.whoosh.store import indexed_hashes
from tests.conftest import ROOT, SAMPLE, SHARED

EXPAND = SHARED / "corpus" / "bench" / "expand.py"
#: Bench articles expanded once per session; tests link the slices they need.
BENCH_FILES = 700


def cli_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.pop("SEARCH_INDEX_DIR", None)
    return env


def indexer_cmd(*args: str | Path) -> list[str]:
    return [sys.executable, "-m", "indexer", *map(str, args)]


def run_indexer(*args: str | Path, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    """``python -m indexer ARGS`` as a script would run it."""
    return subprocess.run(indexer_cmd(*args), cwd=ROOT, env=cli_env(), capture_output=True, text=True, timeout=timeout)


def start_indexer(*args: str | Path, log: Path) -> subprocess.Popen[bytes]:
    """Start ``python -m indexer ARGS`` in the background, stderr (the log) to ``log``."""
    with log.open("wb") as err:
        return subprocess.Popen(indexer_cmd(*args), cwd=ROOT, env=cli_env(), stdout=subprocess.PIPE, stderr=err)


def index_docs(index_dir: Path) -> dict[str, str]:
    """Document id → content hash of the committed index; asserts there are no duplicates."""
    if current_generation(index_dir) is None:
        return {}
    _, ix = open_current(index_dir)
    try:
        docs = indexed_hashes(ix)
        assert ix.doc_count() == len(docs), "duplicate documents in the index"
        return docs
    finally:
        ix.close()


def corpus_ids(folder: Path) -> set[str]:
    return {p.name[: -len(".txt")] for p in folder.glob("*.txt") if not p.name.startswith(".")}


def wait_for(condition: Callable[[], object], timeout: float, what: str, interval: float = 0.05) -> object:
    """Poll until ``condition()`` is truthy; fail with ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(interval)


@pytest.fixture(scope="session")
def bench_pool(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Real articles from the shared bench set (``expand.py --limit``), read-only.

    Without ``../shared`` (a clone on its own) the sample articles stand in,
    repeated under other ids, so the tests still run on real text.
    """
    out = tmp_path_factory.mktemp("bench_pool")
    if EXPAND.is_file():
        subprocess.run([sys.executable, str(EXPAND), str(out), "--limit", str(BENCH_FILES)], check=True)
    else:
        sample = sorted(SAMPLE.glob("*.txt"))
        for i in range(BENCH_FILES):
            src = sample[i % len(sample)]
            shutil.copy(src, out / f"r{i // len(sample)}_{src.name}")
    return sorted(out.glob("*.txt"))


@pytest.fixture()
def make_corpus(tmp_path: Path, bench_pool: list[Path]) -> Callable[[int, int], Path]:
    """``make_corpus(n, start=0)``: a fresh folder with ``n`` bench articles (copies)."""

    def make(n: int, start: int = 0, name: str = "corpus") -> Path:
        folder = tmp_path / name
        folder.mkdir(exist_ok=True)
        for src in bench_pool[start : start + n]:
            shutil.copy(src, folder / src.name)
        assert len(list(folder.glob("*.txt"))) >= n
        return folder

    return make
