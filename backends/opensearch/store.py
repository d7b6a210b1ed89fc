"""The writing side: builds behind an alias, incremental updates, stats, merges.

Layout on the cluster, for ``OPENSEARCH_INDEX=news``:

* ``news`` — an alias, the only name readers use;
* ``news-<UTC timestamp>-<random>`` — concrete indices; exactly one is behind
  the alias, any other is debris of a build that was killed;
* ``news_writer_lock`` — the single-writer lock (:mod:`backends.opensearch.lock`).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import secrets
import time
from collections.abc import Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any

from opensearchpy import OpenSearch
from opensearchpy.exceptions import NotFoundError

from backends.base import (
    BackendError,
    BM25Params,
    CorruptIndex,
    Document,
    IndexUnavailable,
    NothingIndexable,
    WriterBusy,
)
from backends.opensearch.bulk import BulkSender
from backends.opensearch.client import check_shards, guard, make_client, ping
from backends.opensearch.documents import fields_of, source_of, source_of_fields
from backends.opensearch.lock import DEFAULT_LEASE, WriterLease, writer_lock
from backends.opensearch.mapping import DEFAULT_BM25, check_meta, index_body, meta, utc_now
from backends.opensearch.settings import OpenSearchSettings

log = logging.getLogger(__name__)

#: Documents handed to the analysis pool per round (analysed while the previous round is sent).
POOL_ROUND = 500
#: Ids per ``ids`` query when checking deferred deletions.
IDS_CHUNK = 5000
HEALTH_WAIT = "120s"


def _close_quietly(sender: BulkSender) -> None:
    """On the way out of a failed transaction: let the bulk in flight finish; its error is secondary."""
    try:
        sender.close()
    except Exception as exc:
        log.warning("a bulk in flight failed while the transaction was abandoned: %s", exc)


def new_index_name(alias: str) -> str:
    """``<alias>-<UTC timestamp>-<6 hex>``: sortable by creation, unique across hosts."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    return f"{alias}-{stamp}-{secrets.token_hex(3)}"


class OpenSearchBatch:
    """:class:`backends.base.Batch` writing into one concrete index.

    Documents are analysed here (in-process, or in a process pool while the
    previous round is being sent) and bulk-indexed with ``_id`` = document id,
    so resending a document replaces it and never duplicates it. Deletions
    are held until the end and sent after every addition: a renamed file is
    never missing in between, and a run that would empty the index can be
    refused before anything is deleted.
    """

    def __init__(self, sender: BulkSender, pool: Executor | None) -> None:
        self._sender = sender
        self._pool = pool
        self._waiting: list[tuple[str, str, str, str, str, str, str]] = []
        self._in_flight: Iterator[dict[str, Any]] | None = None
        self.deletes: set[str] = set()
        self.added = 0

    def add(self, doc: Document, replaces: bool) -> None:
        self.deletes.discard(doc.doc_id)
        self.added += 1
        if self._pool is None:
            self._sender.index_doc(source_of(doc))
            return
        self._waiting.append(fields_of(doc))
        if len(self._waiting) >= POOL_ROUND:
            self._round()

    def delete(self, doc_id: str) -> None:
        self.deletes.add(doc_id)

    def _round(self) -> None:
        """Start analysing the waiting documents, then send the previous round's (pipelined)."""
        assert self._pool is not None
        waiting, self._waiting = self._waiting, []
        started = self._pool.map(source_of_fields, waiting, chunksize=25) if waiting else None
        previous, self._in_flight = self._in_flight, started
        if previous is not None:
            self._sender.index_many(previous)

    def flush_additions(self) -> None:
        """Everything added so far, sent (the deferred deletions are not)."""
        if self._pool is not None:
            self._round()
            self._round()
        self._sender.flush()


class OpenSearchStore:
    """:class:`backends.base.Store` on an OpenSearch alias.

    ``transaction(fresh=True)`` loads a new concrete index (no refreshes, no
    replicas while loading), then restores refreshes and replicas, waits for
    the shards, and moves the alias in one ``_aliases`` call; the old index is
    deleted. Until then readers see the old index, whole; an exception or a
    killed process leaves the alias where it was (the next fresh build deletes
    the debris).

    ``transaction(fresh=False)`` writes into the index behind the alias (or
    builds one if there is none). OpenSearch has no multi-document
    transactions: additions are sent in bulks of about 500 documents as the
    batch goes, so **an interrupted incremental transaction leaves the
    documents it already sent applied** (each one whole: a document is
    replaced in one step, never half-written). Deletions are sent only at a
    clean exit. Re-running the same update converges: documents are keyed by
    id, so nothing is ever duplicated.

    Analysis is the indexing bottleneck. By default it runs in this process
    while a background thread sends the previous bulk. ``analysis_workers`` > 1
    analyses in a process pool instead. Measured on the bench corpus (2,011
    articles, 1-node cluster on the same 2-core machine): analysis ~3.4 ms CPU
    per article with cold stemmer memos, OpenSearch ~1.7 ms; a pool of 2 costs
    ~10 % more CPU (a cold memo per worker, pickling) and only pays off when
    cores are idle, so the default is 0.
    """

    name = "opensearch"

    def __init__(
        self,
        settings: OpenSearchSettings,
        shards: int = 1,
        replicas: int = 0,
        bm25: BM25Params = DEFAULT_BM25,
        *,
        analysis_workers: int = 0,
        lock_lease: float = DEFAULT_LEASE,
    ) -> None:
        if shards < 1 or replicas < 0:
            raise BackendError("shards must be ≥ 1 and replicas ≥ 0")
        self.settings = settings
        self.alias = settings.index
        self.shards = shards
        self.replicas = replicas
        self.bm25 = bm25
        self.analysis_workers = analysis_workers
        self.lock_lease = lock_lease
        self._client: OpenSearch = make_client(settings)
        self._lease: WriterLease | None = None

    @property
    def client(self) -> OpenSearch:
        return self._client

    def check(self) -> None:
        """Raise "cannot reach OpenSearch at …" (:class:`IndexUnavailable`) when the cluster does not answer."""
        ping(self._client, self.settings)

    def close(self) -> None:
        self._client.close()

    # -- lock and state ----------------------------------------------------------------

    @contextmanager
    def lock(self, wait: float = 0.0) -> Iterator[None]:
        """The cluster-wide writer lock (a leased document); :class:`WriterBusy` after ``wait`` seconds."""
        with writer_lock(self._client, self.settings, wait=wait, lease=self.lock_lease) as lease:
            self._lease = lease
            try:
                yield
            finally:
                self._lease = None

    def _still_ours(self) -> None:
        """Before publishing: a writer whose lease was taken over must not move the alias.

        Renews synchronously rather than trusting the renewal thread's last word,
        which may be a lease-third old after a stall (GC, SIGSTOP, swapped out).
        """
        if self._lease is not None and not self._lease.renew():
            raise WriterBusy(
                f"lost the writer lock of {self.alias!r} to another indexer (lease not renewed in time); "
                "nothing was published"
            )

    def _alias_targets(self) -> list[str]:
        """The indices behind the alias, in one request (two requests could straddle a build's swap
        and mistake the new alias for a concrete index of that name)."""
        try:
            with guard(self.settings, "read the alias"):
                found = self._client.indices.get_alias(index=self.alias)
        except NotFoundError:
            return []
        targets = sorted(name for name, body in found.items() if self.alias in (body.get("aliases") or {}))
        if not targets and self.alias in found:
            raise BackendError(
                f"{self.alias!r} on OpenSearch at {self.settings.display_urls} is a concrete index, not an alias; "
                f"this backend publishes builds behind an alias of that name. Delete or rename that index "
                f"(after reindexing what it holds elsewhere), or set OPENSEARCH_INDEX to another name"
            )
        return targets

    def published(self) -> str | None:
        """The concrete index behind the alias, or None before the first build."""
        targets = self._alias_targets()
        if len(targets) > 1:
            raise BackendError(f"alias {self.alias!r} points at {len(targets)} indices {targets}; rebuild to repair")
        return targets[0] if targets else None

    def _meta(self, index: str) -> dict[str, Any]:
        with guard(self.settings, "read the mapping"):
            resp = self._client.indices.get_mapping(index=index)
        return dict((resp[index].get("mappings") or {}).get("_meta") or {})

    def known_hashes(self) -> dict[str, str]:
        """Document id → content hash, paged by id; :class:`CorruptIndex` when shards cannot be read."""
        index = self.published()
        if index is None:
            return {}
        out: dict[str, str] = {}
        after: list[Any] | None = None
        while True:
            body: dict[str, Any] = {
                "query": {"match_all": {}},
                "size": 5000,
                "sort": [{"id": {"order": "asc"}}],
                "_source": ["id", "hash"],
                "track_total_hits": False,
            }
            if after is not None:
                body["search_after"] = after
            with guard(self.settings, "read the indexed hashes"):
                resp = self._client.search(index=index, body=body)
            try:
                check_shards(resp, f"reading {index}")
            except IndexUnavailable as exc:
                raise CorruptIndex(f"{exc}; nothing was written. Rebuild: python -m indexer build CORPUS_DIR") from exc
            page = resp["hits"]["hits"]
            for h in page:
                out[h["_source"]["id"]] = h["_source"].get("hash", "")
            if len(page) < body["size"]:
                return out
            after = page[-1]["sort"]

    # -- transactions --------------------------------------------------------------------

    @contextmanager
    def _pool(self) -> Iterator[Executor | None]:
        if self.analysis_workers <= 1:
            yield None
            return
        with ProcessPoolExecutor(max_workers=self.analysis_workers) as pool:
            yield pool

    @contextmanager
    def transaction(self, fresh: bool) -> Iterator[OpenSearchBatch]:
        """See the class docstring; raises :class:`NothingIndexable` instead of publishing an empty index."""
        current = self.published()
        if fresh or current is None:
            with self._fresh(current) as batch:
                yield batch
        else:
            with self._incremental(current) as batch:
                yield batch

    def _clear_debris(self, keep: str | None) -> None:
        with guard(self.settings, "list concrete indices"):
            found = self._client.indices.get(index=f"{self.alias}-*", params={"expand_wildcards": "all"})
        ours = re.compile(rf"^{re.escape(self.alias)}-\d{{8}}-\d{{6}}-[0-9a-f]{{6}}$")
        for name in sorted(n for n in set(found) - {keep} if ours.match(n)):
            log.warning(
                "deleting %s: a concrete index not behind alias %s (left by an interrupted build)", name, self.alias
            )
            self._delete_index(name)

    def _delete_index(self, name: str) -> None:
        try:
            with guard(self.settings, f"delete index {name}"):
                self._client.indices.delete(index=name)
        except NotFoundError:
            pass

    @contextmanager
    def _fresh(self, current: str | None) -> Iterator[OpenSearchBatch]:
        self._clear_debris(keep=current)
        new = new_index_name(self.alias)
        with guard(self.settings, f"create index {new}"):
            self._client.indices.create(index=new, body=index_body(self.bm25, self.shards, self.replicas, loading=True))
        log.info("building %s (alias %s now on %s)", new, self.alias, current or "nothing")
        started = time.monotonic()
        sender = BulkSender(self._client, self.settings, new)
        try:
            with self._pool() as pool:
                batch = OpenSearchBatch(sender, pool)
                yield batch
                batch.flush_additions()
            for doc_id in sorted(batch.deletes):
                sender.delete_doc(doc_id)
            sender.flush()
            self._make_servable(new)
            documents = self._count(new)
            if documents == 0:
                raise NothingIndexable(f"the build of {new} holds no documents; alias {self.alias} left as it was")
            with guard(self.settings, f"stamp {new}"):
                self._client.indices.put_mapping(index=new, body={"_meta": meta(self.bm25, 0, utc_now())})
            self._still_ours()
            self._swap(current, new)
        except BaseException:
            log.warning("build of %s abandoned; alias %s stays on %s", new, self.alias, current or "nothing")
            _close_quietly(sender)
            self._delete_index(new)
            raise
        sender.close()
        log.info("published %s: %d documents in %.1fs", new, documents, time.monotonic() - started)
        if current is not None:
            self._delete_index(current)

    def _make_servable(self, index: str) -> None:
        """Serving settings back on, segments refreshed, shards allocated (green if replicas fit)."""
        with guard(self.settings, f"finish {index}"):
            self._client.indices.put_settings(
                index=index,
                body={"index": {"refresh_interval": "1s", "number_of_replicas": self.replicas}},
            )
            self._client.indices.refresh(index=index)
            nodes = int(self._client.cluster.health()["number_of_data_nodes"])
            want = "green" if nodes > self.replicas else "yellow"
            health = self._client.cluster.health(
                index=index, params={"wait_for_status": want, "timeout": HEALTH_WAIT, "request_timeout": 150}
            )
        if health.get("timed_out"):
            if health.get("status") == "red":
                raise IndexUnavailable(f"{index} did not get its primary shards allocated; not published")
            log.warning("%s is %s, not %s, after %s; publishing anyway", index, health.get("status"), want, HEALTH_WAIT)

    def _count(self, index: str, query: dict[str, Any] | None = None) -> int:
        with guard(self.settings, f"count {index}"):
            resp = self._client.count(index=index, body={"query": query} if query else None)
        check_shards(resp, f"count {index}")
        return int(resp["count"])

    def _swap(self, old: str | None, new: str) -> None:
        actions: list[dict[str, Any]] = []
        if old is not None:
            actions.append({"remove": {"index": old, "alias": self.alias}})
        actions.append({"add": {"index": new, "alias": self.alias}})
        with guard(self.settings, f"move alias {self.alias} to {new}"):
            self._client.indices.update_aliases(body={"actions": actions})

    @contextmanager
    def _incremental(self, index: str) -> Iterator[OpenSearchBatch]:
        old_meta = self._meta(index)
        check_meta(index, old_meta, self.bm25)
        sender = BulkSender(self._client, self.settings, index)
        clean = False
        try:
            with self._pool() as pool:
                batch = OpenSearchBatch(sender, pool)
                yield batch
                batch.flush_additions()
            if batch.deletes:
                self._still_ours()
                self._refresh(index)
                remaining = self._count(index) - self._present(index, batch.deletes)
                if remaining <= 0:
                    raise NothingIndexable(f"the update would delete every document of {index}; nothing was deleted")
                for doc_id in sorted(batch.deletes):
                    sender.delete_doc(doc_id)
                sender.flush()
            clean = True
        finally:
            _close_quietly(sender)  # the bulk in flight lands (or fails) before we look
            if sender.sent_docs or sender.sent_deletes:
                # Whatever was sent is applied: make it searchable and let readers' keys change.
                try:
                    self._refresh(index)
                    self._bump_serial(index, old_meta)
                except BackendError:
                    if clean:
                        raise
                    log.exception("could not refresh %s after an interrupted update", index)
        log.info("updated %s: %d written, %d deleted", index, sender.sent_docs, sender.sent_deletes)

    def _present(self, index: str, ids: set[str]) -> int:
        ordered = sorted(ids)
        return sum(
            self._count(index, {"ids": {"values": ordered[i : i + IDS_CHUNK]}})
            for i in range(0, len(ordered), IDS_CHUNK)
        )

    def _refresh(self, index: str) -> None:
        with guard(self.settings, f"refresh {index}"):
            self._client.indices.refresh(index=index)

    def _bump_serial(self, index: str, old_meta: dict[str, Any]) -> None:
        current = self._meta(index)
        serial = int(current.get("serial") or old_meta.get("serial") or 0) + 1
        block = {**current, "serial": serial, "updated": utc_now()} if current else meta(self.bm25, serial, utc_now())
        with guard(self.settings, f"record update {serial} of {index}"):
            self._client.indices.put_mapping(index=index, body={"_meta": block})

    # -- maintenance -------------------------------------------------------------------

    def doc_count(self) -> int:
        index = self.published()
        return 0 if index is None else self._count(index)

    def stats(self) -> dict[str, object]:
        """The Whoosh ``indexer stats`` keys where they make sense, plus shards/replicas/cluster status."""
        index = self.published()
        if index is None:
            return {"backend": self.name, "index": self.alias, "generation": None, "documents": 0}
        with guard(self.settings, f"stats of {index}"):
            aggs = self._client.search(
                index=index,
                body={
                    "size": 0,
                    "track_total_hits": True,
                    "aggs": {
                        "langs": {"terms": {"field": "lang", "size": 100}},
                        "first": {"min": {"field": "date", "format": "yyyy-MM-dd"}},
                        "last": {"max": {"field": "date", "format": "yyyy-MM-dd"}},
                    },
                },
            )
            check_shards(aggs, f"stats of {index}")
            settings = self._client.indices.get_settings(index=index)[index]["settings"]["index"]
            istats = self._client.indices.stats(index=index, metric="docs,store,segments")["indices"][index]
            segments = self._client.indices.segments(index=index)["indices"][index]["shards"]
            health = self._client.cluster.health(index=index)
            family = self._client.indices.get(index=f"{self.alias}-*", params={"expand_wildcards": "all"})
        created_ms = int(settings.get("creation_date", 0))
        index_meta = self._meta(index)
        seg_list: list[dict[str, object]] = []
        for shard_no, copies in sorted(segments.items(), key=lambda kv: int(kv[0])):
            for copy in copies:
                if not copy.get("routing", {}).get("primary"):
                    continue
                for name, seg in sorted(copy.get("segments", {}).items()):
                    seg_list.append(
                        {
                            "name": f"{shard_no}/{name}",
                            "documents": seg.get("num_docs", 0),
                            "deleted": seg.get("deleted_docs", 0),
                        }
                    )
        r = aggs["aggregations"]
        return {
            "backend": self.name,
            "index": self.alias,
            "generation": index,
            # Last publish or update (``_meta``), else when the index was created.
            "committed_at": index_meta.get("updated")
            or dt.datetime.fromtimestamp(created_ms / 1000, dt.UTC).isoformat(timespec="seconds"),
            "documents": int(aggs["hits"]["total"]["value"]),
            "deleted_pending_merge": int(istats["primaries"]["docs"]["deleted"]),
            "languages": {b["key"]: int(b["doc_count"]) for b in r["langs"]["buckets"]},
            "date_min": r["first"].get("value_as_string"),
            "date_max": r["last"].get("value_as_string"),
            "segments": seg_list,
            "generation_bytes": int(istats["primaries"]["store"]["size_in_bytes"]),
            "disk_bytes": int(istats["total"]["store"]["size_in_bytes"]),
            "generations_on_disk": len(family),
            "shards": int(settings.get("number_of_shards", 0)),
            "replicas": int(settings.get("number_of_replicas", 0)),
            "status": health.get("status"),
            "analyzer_version": index_meta.get("analyzer_version"),
        }

    def _segment_count(self, index: str) -> int:
        with guard(self.settings, f"segments of {index}"):
            resp = self._client.indices.stats(index=index, metric="segments")
        return int(resp["indices"][index]["primaries"]["segments"]["count"])

    def optimize(self, wait: float = 0.0) -> dict[str, object]:
        """Force-merge the published index to one segment per shard.

        Deleted documents are purged except recent ones: OpenSearch keeps soft
        deletes covered by its retention leases (for replica recovery) through merges.

        Under the writer lock (``wait`` as for :meth:`lock`), so it never races a build
        that is about to delete the index. Returns the keys of the Whoosh version's result.
        """
        started = time.monotonic()
        with self.lock(wait):
            index = self.published()
            if index is None:
                raise IndexUnavailable(f"nothing to optimize: no index behind alias {self.alias}", retry_after=30)
            before = self._segment_count(index)
            with guard(self.settings, f"force-merge {index}"):
                self._client.indices.forcemerge(index=index, params={"max_num_segments": 1, "request_timeout": 3600})
                self._client.indices.refresh(index=index)
            after = self._segment_count(index)
            documents = self._count(index)
        return {
            "generation": index,
            "previous": index,  # merged in place: the alias does not move
            "segments_before": before,
            "segments_after": after,
            "documents": documents,
            "seconds": round(time.monotonic() - started, 3),
        }
