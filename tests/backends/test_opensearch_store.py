"""OpenSearchStore against a real cluster: builds, alias swaps, debris, updates, the writer lock."""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from opensearchpy import OpenSearch

from analyzers.chains import analyze, language_analyzer
from backends.base import (
    BackendError,
    Clause,
    Filters,
    IncompatibleIndex,
    IndexUnavailable,
    NothingIndexable,
    Query,
    SearchSpec,
    Term,
    WriterBusy,
    text_fields_for,
)
from backends.opensearch import OpenSearchBackend, OpenSearchSettings, OpenSearchStore
from backends.opensearch.lock import LOCK_ID, lock_index
from indexer.corpus import Article
from tests.backends.conftest import settings_for
from tests.ports import free_port

ROOT = Path(__file__).resolve().parent.parent.parent
SMALL = 12


@pytest.fixture
def settings(
    opensearch_urls: tuple[str, ...], fresh_alias: str, cleanup: list[OpenSearchSettings]
) -> OpenSearchSettings:
    s = settings_for(opensearch_urls, fresh_alias)
    cleanup.append(s)
    return s


@pytest.fixture
def store(settings: OpenSearchSettings) -> OpenSearchStore:
    return OpenSearchStore(settings)


@pytest.fixture
def small(sample_articles: list[Article]) -> list[Article]:
    return sample_articles[:SMALL]


def build(store: OpenSearchStore, docs: list[Article]) -> str:
    with store.lock(), store.transaction(fresh=True) as batch:
        for doc in docs:
            batch.add(doc, replaces=False)
    published = store.published()
    assert published is not None
    return published


def concrete_indices(client: OpenSearch, alias: str) -> set[str]:
    return set(client.indices.get(index=f"{alias}-*", params={"expand_wildcards": "all"}))


def alias_targets(client: OpenSearch, alias: str) -> set[str]:
    return set(client.indices.get_alias(name=alias)) if client.indices.exists_alias(name=alias) else set()


def changed(doc: Article, body: str) -> Article:
    return dataclasses.replace(doc, body=body, content_hash=f"{doc.content_hash[:-4]}beef")


def test_fresh_build_then_rebuild_moves_the_alias_and_drops_the_old_index(
    store: OpenSearchStore, small: list[Article]
) -> None:
    assert store.published() is None
    assert store.known_hashes() == {}
    first = build(store, small)
    assert alias_targets(store.client, store.alias) == {first}
    assert store.known_hashes() == {d.doc_id: d.content_hash for d in small}
    assert store.doc_count() == SMALL

    backend = OpenSearchBackend(store.settings)
    with store.lock(), store.transaction(fresh=True) as batch:
        for doc in small[:5]:
            batch.add(doc, replaces=False)
        # Mid-build, readers still see the old index, whole.
        time.sleep(1.1)  # past the backend's alias cache
        with backend.reader() as reader:
            assert reader.key.startswith(f"{first}:{SMALL}:")
            assert reader.doc_count() == SMALL
    second = store.published()
    assert second is not None and second != first
    assert alias_targets(store.client, store.alias) == {second}
    assert concrete_indices(store.client, store.alias) == {second}  # the old concrete index is gone
    assert store.doc_count() == 5
    time.sleep(1.1)
    with backend.reader() as reader:
        assert reader.key.startswith(f"{second}:5:")
    health = backend.health()
    assert health.serving and health.generation == second and health.documents == 5 and health.updated


def test_failed_build_keeps_the_alias_and_leaves_nothing(store: OpenSearchStore, small: list[Article]) -> None:
    first = build(store, small)
    with pytest.raises(RuntimeError, match="boom"), store.lock(), store.transaction(fresh=True) as batch:
        for doc in small[:3]:
            batch.add(doc, replaces=False)
        raise RuntimeError("boom")
    assert store.published() == first
    assert concrete_indices(store.client, store.alias) == {first}
    assert store.doc_count() == SMALL


def test_refused_documents_fail_the_build_with_their_reasons(store: OpenSearchStore, small: list[Article]) -> None:
    first = build(store, small[:3])
    bad = dataclasses.replace(small[4], doc_id="bad_date", date="2024-02-30")
    with (
        pytest.raises(BackendError, match="bad_date: 400 mapper_parsing_exception"),
        store.transaction(fresh=True) as b,
    ):
        for doc in [*small[:3], bad]:
            b.add(doc, replaces=False)
    assert store.published() == first and concrete_indices(store.client, store.alias) == {first}


def test_empty_build_is_not_published(store: OpenSearchStore, small: list[Article]) -> None:
    first = build(store, small)
    with pytest.raises(NothingIndexable), store.lock(), store.transaction(fresh=True):
        pass
    assert store.published() == first
    assert concrete_indices(store.client, store.alias) == {first}


KILLED_BUILD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from backends.opensearch import OpenSearchSettings, OpenSearchStore
    from indexer.corpus import list_corpus, read_article

    urls, alias = sys.argv[1].split(","), sys.argv[2]
    store = OpenSearchStore(OpenSearchSettings(urls=tuple(urls), index=alias))
    docs = [read_article(p) for _, p in sorted(list_corpus(Path(sys.argv[3])).items())][:20]
    with store.transaction(fresh=True) as batch:
        for doc in docs:
            batch.add(doc, replaces=False)
        batch.flush_additions()
        print("loaded", flush=True)
        time.sleep(600)
    """
)


def test_killed_build_leaves_the_alias_and_the_next_build_clears_the_debris(
    store: OpenSearchStore, small: list[Article]
) -> None:
    first = build(store, small)
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLED_BUILD, ",".join(store.settings.urls), store.alias, str(ROOT / "data" / "sample")],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "loaded"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    debris = concrete_indices(store.client, store.alias) - {first}
    assert len(debris) == 1  # the killed build's half-made index...
    assert store.published() == first  # ...never published
    assert store.doc_count() == SMALL

    second = build(store, small[:4])
    assert concrete_indices(store.client, store.alias) == {second}
    assert store.doc_count() == 4


def test_incremental_add_replace_delete(store: OpenSearchStore, small: list[Article]) -> None:
    base, extra = small[:8], small[8]
    index = build(store, base)
    backend = OpenSearchBackend(store.settings)
    with backend.reader() as reader:
        key_before = reader.key
    new_body = "Жаңа мәтін: бірегейсөз пайда болды."
    with store.lock(), store.transaction(fresh=False) as batch:
        batch.add(extra, replaces=False)
        batch.add(changed(base[2], new_body), replaces=True)
        batch.delete(base[5].doc_id)
    assert store.published() == index  # updated in place
    expected = {d.doc_id: d.content_hash for d in base if d is not base[5]}
    expected[extra.doc_id] = extra.content_hash
    expected[base[2].doc_id] = changed(base[2], new_body).content_hash
    assert store.known_hashes() == expected
    time.sleep(1.6)  # past the alias and count caches
    with backend.reader() as reader:
        assert reader.key != key_before  # same count (+1 -1), but the update serial moved
        assert reader.document(base[5].doc_id) is None
        stored = reader.document(base[2].doc_id)
        assert stored is not None and stored.body == new_body
        assert reader.doc_count() == 8


def test_analysis_pool_builds_the_same_index(settings: OpenSearchSettings, small: list[Article]) -> None:
    pooled = OpenSearchStore(settings, analysis_workers=2)
    build(pooled, small)
    assert pooled.known_hashes() == {d.doc_id: d.content_hash for d in small}
    with OpenSearchBackend(settings).reader() as reader:
        stored = reader.document(small[3].doc_id)
        assert stored is not None and stored.body == small[3].body


def test_incremental_update_twice_converges(store: OpenSearchStore, small: list[Article]) -> None:
    build(store, small[:6])
    update = [small[6], small[7], changed(small[1], "Другой текст статьи про сквер.")]

    def apply() -> None:
        with store.lock(), store.transaction(fresh=False) as batch:
            for doc in update:
                batch.add(doc, replaces=True)
            batch.delete(small[0].doc_id)

    apply()
    once = store.known_hashes()
    apply()
    assert store.known_hashes() == once
    assert store.doc_count() == len(once) == 7
    backend = OpenSearchBackend(store.settings)
    with backend.reader() as reader:
        assert reader.count(Query(clauses=()), Filters()) == 7
        for doc_id in once:  # no duplicates: every id is exactly one document
            assert reader.count(Query(clauses=(Clause((Term("id", doc_id),)),)), Filters()) == 1


def test_incremental_update_refuses_to_empty_the_index(store: OpenSearchStore, small: list[Article]) -> None:
    build(store, small[:3])
    with pytest.raises(NothingIndexable), store.lock(), store.transaction(fresh=False) as batch:
        for doc in small[:3]:
            batch.delete(doc.doc_id)
    assert store.doc_count() == 3


def test_incremental_without_an_alias_builds_one(store: OpenSearchStore, small: list[Article]) -> None:
    with store.lock(), store.transaction(fresh=False) as batch:
        for doc in small[:2]:
            batch.add(doc, replaces=False)
    assert store.published() is not None and store.doc_count() == 2


def test_interrupted_update_keeps_what_was_sent(store: OpenSearchStore, small: list[Article]) -> None:
    build(store, small[:2])
    with pytest.raises(KeyboardInterrupt), store.lock(), store.transaction(fresh=False) as batch:
        batch.add(small[2], replaces=False)
        batch.flush_additions()
        batch.delete(small[0].doc_id)  # deletions wait for a clean exit
        raise KeyboardInterrupt
    assert set(store.known_hashes()) == {d.doc_id for d in small[:3]}


def test_second_writer_is_refused_and_waits(settings: OpenSearchSettings) -> None:
    one, two = OpenSearchStore(settings), OpenSearchStore(settings)
    with one.lock():
        with pytest.raises(WriterBusy, match="writer lock"), two.lock(wait=0):
            pass
        started = time.monotonic()
        with pytest.raises(WriterBusy), two.lock(wait=0.6):
            pass
        assert time.monotonic() - started >= 0.6
    with two.lock(wait=0):  # released at exit
        pass


def test_waiting_writer_gets_the_lock_when_it_is_released(settings: OpenSearchSettings) -> None:
    one, two = OpenSearchStore(settings), OpenSearchStore(settings)
    release = threading.Event()

    def hold() -> None:
        with one.lock():
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    time.sleep(0.5)
    threading.Timer(0.5, release.set).start()
    with two.lock(wait=10):
        pass
    holder.join()


def test_a_live_lease_is_renewed_and_an_expired_one_taken_over(settings: OpenSearchSettings) -> None:
    short = OpenSearchStore(settings, lock_lease=1.0)
    other = OpenSearchStore(settings, lock_lease=1.0)
    with short.lock():
        time.sleep(2.0)  # twice the lease: only renewals keep it
        with pytest.raises(WriterBusy), other.lock(wait=0):
            pass
    # A holder that died: its document stays, its lease runs out.
    short.client.index(
        index=lock_index(settings.index),
        id=LOCK_ID,
        body={"owner": "ghost:1", "expires": time.time() - 1, "renewed": time.time() - 31},
        params={"refresh": "true"},
    )
    with other.lock(wait=0):
        held = short.client.get(index=lock_index(settings.index), id=LOCK_ID)["_source"]
        assert held["owner"] != "ghost:1"


def test_a_writer_that_lost_its_lease_does_not_publish(settings: OpenSearchSettings, small: list[Article]) -> None:
    stalled = OpenSearchStore(settings, lock_lease=1.0)
    other = OpenSearchStore(settings, lock_lease=1.0)
    with pytest.raises(WriterBusy, match="lost the writer lock"), stalled.lock():
        assert stalled._lease is not None
        stalled._lease._stop.set()  # a stalled process: no renewals
        time.sleep(1.3)
        with other.lock(wait=0), stalled.transaction(fresh=True) as batch:  # the other writer takes over
            batch.add(small[0], replaces=False)
    assert stalled.published() is None


def test_alias_name_taken_by_a_concrete_index(store: OpenSearchStore, small: list[Article]) -> None:
    store.client.indices.create(index=store.alias)
    try:
        with pytest.raises(BackendError, match="concrete index, not an alias"):
            build(store, small[:1])
    finally:
        store.client.indices.delete(index=store.alias)


def test_index_from_another_analyzer_version_is_refused(store: OpenSearchStore, small: list[Article]) -> None:
    index = build(store, small[:2])
    meta = store.client.indices.get_mapping(index=index)[index]["mappings"]["_meta"]
    store.client.indices.put_mapping(index=index, body={"_meta": {**meta, "analyzer_version": "kk0-ru0"}})
    backend = OpenSearchBackend(store.settings)
    with pytest.raises(IncompatibleIndex, match="Rebuild"):
        backend.check()
    with pytest.raises(IncompatibleIndex), backend.reader():
        pass
    assert not backend.health().serving
    with pytest.raises(IncompatibleIndex), store.transaction(fresh=False):
        pass
    build(store, small[:2])  # a rebuild repairs it
    assert OpenSearchBackend(store.settings).health().serving


def test_unreachable_cluster_is_a_clear_error() -> None:
    settings = OpenSearchSettings(urls=(f"http://127.0.0.1:{free_port()}",), index="news", timeout=2.0)
    with pytest.raises(IndexUnavailable, match="cannot reach OpenSearch at http://127.0.0.1:") as err:
        OpenSearchStore(settings).check()
    assert err.value.retry_after == 2
    backend = OpenSearchBackend(settings)
    with pytest.raises(IndexUnavailable, match="cannot reach OpenSearch"):
        backend.check()
    with pytest.raises(IndexUnavailable), backend.reader():
        pass
    health = backend.health()
    assert not health.serving and "cannot reach OpenSearch" in (health.reason or "")


def test_no_index_yet_is_unavailable(settings: OpenSearchSettings) -> None:
    backend = OpenSearchBackend(settings)
    with pytest.raises(IndexUnavailable, match="no index is published"), backend.reader():
        pass
    backend.check()  # reachable: only logged


def test_stats_and_optimize(store: OpenSearchStore, small: list[Article]) -> None:
    index = build(store, small)
    with store.lock(), store.transaction(fresh=False) as batch:
        batch.add(changed(small[0], "Изменённый текст."), replaces=True)
    stats = store.stats()
    assert stats["generation"] == index and stats["documents"] == SMALL
    assert sum(stats["languages"].values()) == SMALL  # type: ignore[union-attr]
    assert stats["date_min"] <= stats["date_max"]  # type: ignore[operator]
    assert stats["shards"] == 1 and stats["replicas"] == 0
    assert int(stats["disk_bytes"]) > 0  # type: ignore[call-overload]
    result = store.optimize()
    assert result["segments_after"] == 1 and result["documents"] == SMALL
    # Not asserted: deleted_pending_merge == 0. OpenSearch keeps recently soft-deleted
    # documents through merges (retention leases, for replica recovery).
    backend = OpenSearchBackend(store.settings)
    with backend.reader() as reader:
        field = text_fields_for(small[0].lang)[1]
        stems = analyze(language_analyzer(field.rsplit("_", 1)[1]), "Изменённый")
        words = Query(clauses=(Clause((Term(field, stems[0]),)),))
        assert reader.search(SearchSpec(query=words)).total == 1
