"""SIGKILL in the middle of a real update or build: the index survives, the next run finishes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from backends.whoosh.generations import current_generation, generations
from indexer.corpus import content_hash
from indexer.pipeline import DEFAULT_BATCH_SIZE
from searchsvc import Config, create_app
from tests.indexer.conftest import EXPAND, index_docs, run_indexer, start_indexer, wait_for

MakeCorpus = Callable[..., Path]
BATCH = 100


def gen_number(name: str | None) -> int:
    return int(name.split("-")[1]) if name else 0


def unfinished_generation(index: Path) -> str | None:
    """A generation folder newer than CURRENT: a write in progress."""
    cur = gen_number(current_generation(index))
    return next((g for g in generations(index) if gen_number(g) > cur), None)


def kill_mid_write(proc, index: Path, log: Path, after_publishes: int) -> None:  # type: ignore[no-untyped-def]
    """SIGKILL once ``after_publishes`` generations were published and the next one is being written."""
    wait_for(
        lambda: log.read_text(errors="replace").count("published gen-") >= after_publishes or proc.poll() is not None,
        120,
        "the updater to publish a batch",
        interval=0.01,
    )
    wait_for(lambda: unfinished_generation(index) or proc.poll() is not None, 60, "the next batch", interval=0.01)
    time.sleep(0.3)
    assert proc.poll() is None, "the run ended before the kill: make the corpus larger"
    os.kill(proc.pid, signal.SIGKILL)
    assert proc.wait(timeout=10) == -signal.SIGKILL


def assert_consistent(index: Path, corpus: Path) -> dict[str, str]:
    """Every indexed document is a real file's current content, each once."""
    docs = index_docs(index)
    for doc_id, digest in docs.items():
        assert content_hash((corpus / f"{doc_id}.txt").read_bytes()) == digest
    return docs


def test_sigkill_mid_update_then_next_update_finishes(make_corpus: MakeCorpus, tmp_path: Path) -> None:
    corpus, index = make_corpus(BATCH), tmp_path / "index"
    assert run_indexer("update", corpus, "--index", index).returncode == 0
    first = set(index_docs(index))
    make_corpus(4 * BATCH, start=BATCH)  # 400 new real articles into the same folder
    total = len(list(corpus.glob("*.txt")))

    log = tmp_path / "update.log"
    proc = start_indexer("update", corpus, "--index", index, "--batch-size", BATCH, log=log)
    kill_mid_write(proc, index, log, after_publishes=1)

    debris = unfinished_generation(index)
    assert debris is not None, "the kill should land while a generation is being written"
    docs = assert_consistent(index, corpus)
    assert first <= set(docs) and len(docs) < total
    assert (len(docs) - len(first)) % BATCH == 0, "only whole batches are ever published"
    # The server (the real app) opens it and serves the last committed state.
    client = create_app(Config(index_dir=index)).test_client()
    health = client.get("/api/health")
    assert health.status_code == 200 and health.get_json()["documents"] == len(docs)

    done = run_indexer("update", corpus, "--index", index, "--batch-size", BATCH, "--json")
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["added"] == total - len(docs) and summary["unchanged"] == len(docs)
    assert assert_consistent(index, corpus).keys() == {p.name[:-4] for p in corpus.glob("*.txt")}
    # The next writer cleared what the killed one left (and reused its number).
    assert unfinished_generation(index) is None and gen_number(current_generation(index)) >= gen_number(debris)
    assert client.get("/api/health").get_json()["documents"] == total


def test_sigkill_mid_build_keeps_the_old_index_whole(make_corpus: MakeCorpus, tmp_path: Path) -> None:
    corpus, index = make_corpus(3 * BATCH), tmp_path / "index"
    small = make_corpus(5, start=0, name="small")
    assert run_indexer("build", small, "--index", index).returncode == 0
    old = index_docs(index)
    old_gen = current_generation(index)

    log = tmp_path / "build.log"
    proc = start_indexer("-v", "build", corpus, "--index", index, log=log)
    # A build publishes once, at the end: kill while its generation is being written.
    wait_for(lambda: unfinished_generation(index) or proc.poll() is not None, 60, "the build to start", interval=0.01)
    time.sleep(1.0)
    if proc.poll() is not None:
        pytest.fail("the build ended before the kill: make the corpus larger")
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)

    assert current_generation(index) == old_gen and index_docs(index) == old
    done = run_indexer("build", corpus, "--index", index)
    assert done.returncode == 0, done.stderr
    assert set(index_docs(index)) == {p.name[:-4] for p in corpus.glob("*.txt")}


@pytest.mark.slow
def test_sigkill_mid_update_of_the_whole_bench_corpus(tmp_path: Path) -> None:
    """The same on all 2,011 bench articles with the default batch size (about a minute)."""
    if not EXPAND.is_file():
        pytest.skip("needs ../shared/corpus/bench")
    corpus, index = tmp_path / "bench", tmp_path / "index"
    subprocess.run([sys.executable, str(EXPAND), str(corpus)], check=True)
    total = len(list(corpus.glob("*.txt")))
    log = tmp_path / "update.log"
    proc = start_indexer("update", corpus, "--index", index, log=log)
    kill_mid_write(proc, index, log, after_publishes=1)
    docs = assert_consistent(index, corpus)
    assert 0 < len(docs) < total and len(docs) % DEFAULT_BATCH_SIZE == 0
    done = run_indexer("update", corpus, "--index", index, "--json", timeout=600)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["added"] == total - len(docs)
    assert len(assert_consistent(index, corpus)) == total
