"""``python -m indexer watch``: a real watcher process on a real folder."""

from __future__ import annotations

import os
import re
import shutil
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from backends.whoosh.generations import generations, writer_lock
from indexer.corpus import content_hash
from tests.indexer.conftest import index_docs, run_indexer, start_indexer, wait_for

MakeCorpus = Callable[..., Path]
DEBOUNCE = "0.4"


def hashes_of(folder: Path) -> dict[str, str]:
    return {p.name[:-4]: content_hash(p.read_bytes()) for p in folder.glob("*.txt") if not p.name.startswith(".")}


class Watcher:
    def __init__(self, corpus: Path, index: Path, log: Path, *extra: str) -> None:
        self.log = log
        self.index = index
        self.proc = start_indexer("watch", corpus, "--index", index, "--debounce", DEBOUNCE, *extra, log=log)

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> int:
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=30)

    def totals(self) -> dict[str, int]:
        """Sums of the per-run summaries the watcher logged."""
        runs = re.findall(r"indexed (\d+), updated (\d+), deleted (\d+)", self.text())
        return {k: sum(int(r[i]) for r in runs) for i, k in enumerate(("added", "updated", "deleted"))}


@pytest.fixture()
def watcher_factory(tmp_path: Path) -> Iterator[Callable[..., Watcher]]:
    started: list[Watcher] = []

    def start(corpus: Path, *extra: str) -> Watcher:
        w = Watcher(corpus, tmp_path / "index", tmp_path / f"watch{len(started)}.log", *extra)
        started.append(w)
        return w

    yield start
    for w in started:
        if w.proc.poll() is None:
            w.proc.kill()
            w.proc.wait()


def settled(index: Path, corpus: Path) -> Callable[[], bool]:
    return lambda: index_docs(index) == hashes_of(corpus)


def write_slowly(path: Path, data: bytes, pieces: int, pause: float) -> None:
    """Write like a slow network copy: several flushes with pauses in between."""
    step = -(-len(data) // pieces)
    with path.open("wb") as out:
        for i in range(0, len(data), step):
            out.write(data[i : i + step])
            out.flush()
            time.sleep(pause)


def test_watch_follows_changes_and_never_indexes_half_files(
    make_corpus: MakeCorpus, bench_pool: list[Path], tmp_path: Path, watcher_factory: Callable[..., Watcher]
) -> None:
    corpus = make_corpus(5)
    w = watcher_factory(corpus)
    wait_for(settled(w.index, corpus), 60, "the initial sync")

    files = sorted(corpus.glob("*.txt"))
    for src in bench_pool[30:32]:
        shutil.copy(src, corpus / src.name)  # created
    files[0].write_text(files[0].read_text(encoding="utf-8") + "\nОбновлено редакцией.", encoding="utf-8")
    files[1].unlink()  # deleted
    files[2].rename(corpus / "moved_here.txt")  # moved
    wait_for(settled(w.index, corpus), 30, "add/change/delete/move to be indexed")
    # The batch is published before the watcher logs its summary: wait for the log line too.
    expected = {"added": 5 + 3, "updated": 1, "deleted": 2}
    wait_for(lambda: w.totals() == expected, 10, f"the watcher to log {expected}")

    # A file written in pieces slower than the debounce interval, in place...
    slow = bench_pool[40].read_bytes()
    write_slowly(corpus / "slow_in_place.txt", slow, pieces=4, pause=0.1)
    # ...and one written under a temporary name for longer than the debounce, then renamed into place.
    part = corpus / "renamed_into_place.txt.part"
    write_slowly(part, bench_pool[41].read_bytes(), pieces=3, pause=float(DEBOUNCE) + 0.3)
    part.rename(corpus / "renamed_into_place.txt")
    hidden = corpus / ".hidden_draft.txt"
    hidden.write_bytes(bench_pool[42].read_bytes())
    wait_for(settled(w.index, corpus), 30, "the slowly written files")
    assert index_docs(w.index)["slow_in_place"] == content_hash(slow)
    assert w.totals()["updated"] == 1, "a half-written version was indexed and then replaced"
    assert "renamed_into_place.txt.part" not in index_docs(w.index) and ".hidden_draft" not in index_docs(w.index)
    hidden.unlink()

    bad = corpus / "broken.txt"
    bad.write_text("no date line here\njust text", encoding="utf-8")
    wait_for(lambda: "broken.txt" in w.text(), 30, "the malformed file to be reported")
    assert "first line is not" in w.text()
    assert index_docs(w.index) == {k: v for k, v in hashes_of(corpus).items() if k != "broken"}

    assert w.stop() == 0
    assert "SIGTERM received" in w.text() and "watcher stopped" in w.text()


def test_burst_of_500_files_ends_as_exactly_those_documents(
    bench_pool: list[Path], tmp_path: Path, watcher_factory: Callable[..., Watcher]
) -> None:
    corpus = tmp_path / "incoming"
    corpus.mkdir()
    w = watcher_factory(corpus, "--max-delay", "30")
    wait_for(lambda: "initial sync" in w.text(), 30, "the watcher to start")
    burst = bench_pool[:500]
    for i, src in enumerate(burst):
        if i % 2:  # half land the careful way, half are plain copies
            tmp = corpus / f".{src.name}.tmp"
            shutil.copy(src, tmp)
            os.rename(tmp, corpus / src.name)
        else:
            shutil.copy(src, corpus / src.name)
    expected = {p.name[:-4]: content_hash(p.read_bytes()) for p in burst}
    wait_for(lambda: index_docs(w.index) == expected, 180, "all 500 files to be searchable", interval=0.5)
    published = len(generations(w.index))
    assert published <= 3, f"the burst should be batched into few commits, saw {published} generations"
    assert w.stop() == 0


def test_watch_on_a_missing_folder_exits_3(tmp_path: Path) -> None:
    proc = run_indexer("watch", tmp_path / "nowhere", "--index", tmp_path / "index", timeout=60)
    assert proc.returncode == 3 and "corpus folder not found" in proc.stderr


def test_watch_waits_for_a_busy_writer_instead_of_failing(
    make_corpus: MakeCorpus, tmp_path: Path, watcher_factory: Callable[..., Watcher]
) -> None:
    corpus = make_corpus(3)
    with writer_lock(tmp_path / "index"):
        w = watcher_factory(corpus, "--wait", "0.5")
        wait_for(lambda: "retrying" in w.text(), 30, "the watcher to notice the busy writer")
        assert w.proc.poll() is None
    wait_for(settled(w.index, corpus), 60, "the initial sync once the lock is free")
    assert w.stop() == 0
