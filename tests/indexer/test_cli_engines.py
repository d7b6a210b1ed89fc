"""The indexer's verbs behave the same on both engines (real CLI subprocesses).

Each test runs once with ``--backend whoosh --index DIR`` and once with
``--backend opensearch --url … --index-name ALIAS`` against the session's
3-node cluster, and checks the index through the engine's own
:class:`~backends.base.Store` (what the server would see). The Whoosh-only
details (generations on disk, hard links, crash debris) have their own
modules beside this one.
"""

from __future__ import annotations

import json
import secrets
import shutil
import signal
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from backends.base import Store
from indexer.corpus import content_hash
from searchcore.engines import EngineConfig, open_store, opensearch_settings
from tests.conftest import ENGINES, ROOT
from tests.indexer.conftest import cli_env, indexer_cmd, run_indexer, start_indexer, wait_for

MakeCorpus = Callable[..., Path]


@dataclass
class Target:
    """How to name one index on the command line, and its Store for checking."""

    args: list[str]
    store: Store

    def docs(self) -> dict[str, str]:
        """Document id → content hash; asserts every document is there once."""
        if self.store.published() is None:
            return {}
        docs = self.store.known_hashes()
        assert self.store.doc_count() == len(docs), "duplicate documents in the index"
        return docs

    def matches(self, folder: Path) -> bool:
        """While a writer may be busy: whether the index holds exactly the folder (no assertion)."""
        if self.store.published() is None:
            return False
        docs = self.store.known_hashes()
        return docs == hashes_of(folder) and self.store.doc_count() == len(docs)


@pytest.fixture(params=ENGINES)
def target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Target]:
    if request.param == "whoosh":
        index = tmp_path / "index"
        yield Target(
            ["--backend", "whoosh", "--index", str(index)], open_store(EngineConfig("whoosh", index_dir=index))
        )
        return
    urls = ",".join(request.getfixturevalue("opensearch_urls"))
    alias = f"cli_{secrets.token_hex(4)}"
    settings = opensearch_settings(urls, alias)
    args = ["--backend", "opensearch", "--url", urls, "--index-name", alias, "--shards", "2", "--replicas", "1"]
    yield Target(args, open_store(EngineConfig("opensearch", opensearch=settings)))
    from tests.backends.conftest import drop_alias_family

    drop_alias_family(settings)


def summary_of(proc: subprocess.CompletedProcess[str]) -> dict:
    return json.loads(proc.stdout.strip().splitlines()[-1])


def hashes_of(folder: Path) -> dict[str, str]:
    return {p.name[:-4]: content_hash(p.read_bytes()) for p in folder.glob("*.txt") if not p.name.startswith(".")}


def test_update_adds_changes_deletes_and_is_idempotent(make_corpus: MakeCorpus, target: Target) -> None:
    corpus = make_corpus(8)
    first = run_indexer("update", corpus, *target.args, "--json")
    assert first.returncode == 0, first.stderr
    assert summary_of(first)["added"] == 8 and summary_of(first)["documents"] == 8
    assert target.docs() == hashes_of(corpus)

    again = run_indexer("update", corpus, *target.args, "--json")
    assert again.returncode == 0, again.stderr
    assert (summary_of(again)["added"], summary_of(again)["unchanged"], summary_of(again)["batches"]) == (0, 8, 0)

    files = sorted(corpus.glob("*.txt"))
    files[0].write_text(files[0].read_text(encoding="utf-8") + "\nКоррекция: уточнены сведения.", "utf-8")
    files[1].unlink()
    files[2].rename(corpus / "renamed_article.txt")
    third = run_indexer("update", corpus, *target.args, "--json", "--batch-size", "1")
    assert third.returncode == 0, third.stderr
    s = summary_of(third)
    assert (s["added"], s["updated"], s["deleted"], s["unchanged"]) == (1, 1, 2, 5)
    assert target.docs() == hashes_of(corpus)


def test_build_replaces_everything_and_malformed_files_are_skipped(
    make_corpus: MakeCorpus, target: Target, tmp_path: Path
) -> None:
    corpus = make_corpus(5)
    assert run_indexer("build", corpus, *target.args).returncode == 0
    (corpus / "broken.txt").write_bytes(b"\xff\xfe not utf-8")
    for f in sorted(corpus.glob("*.txt"))[:2]:
        if f.name != "broken.txt":
            f.unlink()
    rebuilt = run_indexer("build", corpus, *target.args, "--json")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert [x["path"].endswith("broken.txt") for x in summary_of(rebuilt)["skipped"]] == [True]
    expected = {k: v for k, v in hashes_of(corpus).items() if k != "broken"}
    assert target.docs() == expected
    update = run_indexer("update", corpus, *target.args, "--json")
    assert update.returncode == 1, "update exits 1 when it skipped files"


def test_an_emptied_folder_never_empties_the_index(make_corpus: MakeCorpus, target: Target, tmp_path: Path) -> None:
    corpus = make_corpus(4)
    assert run_indexer("update", corpus, *target.args).returncode == 0
    kept = target.docs()
    empty = tmp_path / "empty"
    empty.mkdir()
    proc = run_indexer("update", empty, *target.args)
    assert proc.returncode == 3 and "nothing was published" in proc.stderr
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "a.txt").write_text("no header", encoding="utf-8")
    assert run_indexer("build", broken, *target.args).returncode == 3
    assert target.docs() == kept


def test_second_writer_exits_75_and_concurrent_updaters_never_duplicate(
    make_corpus: MakeCorpus, target: Target
) -> None:
    corpus = make_corpus(30)
    with target.store.lock():
        busy = run_indexer("update", corpus, *target.args)
    assert busy.returncode == 75, busy.stderr
    assert "--wait" in busy.stderr
    cmd = indexer_cmd("update", corpus, *target.args, "--wait", "120", "--batch-size", "10")
    procs = [subprocess.Popen(cmd, cwd=ROOT, env=cli_env(), stderr=subprocess.PIPE, text=True) for _ in range(2)]
    codes = [p.wait(timeout=300) for p in procs]
    assert codes == [0, 0], [p.stderr.read() for p in procs]
    assert target.docs() == hashes_of(corpus)


def test_stats_and_optimize_report_json(make_corpus: MakeCorpus, target: Target) -> None:
    corpus = make_corpus(6)
    assert run_indexer("update", corpus, *target.args, "--batch-size", "2").returncode == 0
    stats = run_indexer("stats", *target.args, "--json")
    assert stats.returncode == 0, stats.stderr
    data = json.loads(stats.stdout)
    assert data["documents"] == 6 and sum(data["languages"].values()) == 6
    human = run_indexer("stats", *target.args)
    assert human.returncode == 0 and "documents" in human.stdout
    optimized = run_indexer("optimize", *target.args, "--json")
    assert optimized.returncode == 0, optimized.stderr
    assert json.loads(optimized.stdout.strip().splitlines()[-1])
    assert target.docs() == hashes_of(corpus)


def test_missing_engine_settings_are_usage_errors(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    no_url = run_indexer("update", corpus, "--backend", "opensearch")
    assert no_url.returncode == 2 and "--url" in no_url.stderr
    no_dir = run_indexer("update", corpus, "--backend", "whoosh")
    assert no_dir.returncode == 2 and "--index" in no_dir.stderr


def test_unreachable_cluster_is_a_clear_error(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    shutil.copy(ROOT / "data" / "sample" / "000_ffdf401c86768c7b.txt", corpus)
    proc = run_indexer("update", corpus, "--backend", "opensearch", "--url", "http://127.0.0.1:9", timeout=120)
    assert proc.returncode == 4, proc.stderr
    assert "127.0.0.1:9" in proc.stderr


def test_watch_follows_the_folder_and_stops_cleanly(
    make_corpus: MakeCorpus, bench_pool: list[Path], target: Target, tmp_path: Path
) -> None:
    corpus = make_corpus(4)
    proc = start_indexer("watch", corpus, *target.args, "--debounce", "0.3", log=tmp_path / "watch.log")
    try:
        wait_for(lambda: target.matches(corpus), 90, "the initial sync")
        files = sorted(corpus.glob("*.txt"))
        shutil.copy(bench_pool[30], corpus / bench_pool[30].name)
        files[0].unlink()
        files[1].rename(corpus / "moved_here.txt")
        wait_for(lambda: target.matches(corpus), 60, "add/delete/move to be indexed")
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=60)
    assert code == 0, (tmp_path / "watch.log").read_text()
    assert target.docs() == hashes_of(corpus)
