"""The reading side as the web service holds it: alias resolution, readers, health.

The alias is resolved with ``GET /<alias>/_mapping``, which names the concrete
index *and* returns its ``_meta`` (analyzer version, update serial) in one
call; the answer is cached for :data:`RESOLVE_TTL` seconds, so a busy service
asks the cluster about once a second, and an alias swap is seen within that.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from opensearchpy import OpenSearch
from opensearchpy.exceptions import NotFoundError

from backends.base import BackendError, BM25Params, Health, IncompatibleIndex, IndexUnavailable
from backends.opensearch import query as dsl
from backends.opensearch.client import RETRY_AFTER, check_shards, guard, make_client, ping
from backends.opensearch.mapping import DEFAULT_BM25, check_meta
from backends.opensearch.reader import OpenSearchReader
from backends.opensearch.settings import OpenSearchSettings

log = logging.getLogger(__name__)

#: Seconds an alias resolution (and the concrete index's document count) is trusted.
RESOLVE_TTL = 1.0
COUNT_TTL = 1.5
#: Lucene's cap on the leaf clauses of one query (node setting; 1024 by default).
CLAUSE_SETTING = "indices.query.bool.max_clause_count"


@dataclass(frozen=True)
class _Target:
    index: str
    serial: int
    updated: str | None
    at: float


class OpenSearchBackend:
    """:class:`backends.base.Backend` over the alias ``settings.index``.

    Nothing is contacted in the constructor (the service can start while the
    cluster is down; ``health()`` and the 503s say so); :meth:`check` is the
    explicit start-up probe.
    """

    name = "opensearch"

    def __init__(self, settings: OpenSearchSettings, bm25: BM25Params = DEFAULT_BM25) -> None:
        self.settings = settings
        self.bm25 = bm25
        self._client: OpenSearch = make_client(settings)
        self._lock = threading.Lock()
        self._target: _Target | None = None
        #: concrete index → primary shards, once its _meta was verified
        self._verified: dict[str, int] = {}
        self._counts: dict[str, tuple[int, float]] = {}
        self._budget: int | None = None

    # -- resolution ---------------------------------------------------------------

    def _resolve(self) -> _Target:
        now = time.monotonic()
        with self._lock:
            target = self._target
        if target is not None and now - target.at < RESOLVE_TTL:
            return target
        try:
            with guard(self.settings, "resolve the index alias"):
                resp = self._client.indices.get_mapping(index=self.settings.index)
        except NotFoundError as exc:
            raise IndexUnavailable(
                f"no index is published under {self.settings.index!r} on OpenSearch at "
                f"{self.settings.display_urls}: build one (python -m indexer build CORPUS_DIR)",
                retry_after=30,
            ) from exc
        if len(resp) != 1:
            raise IndexUnavailable(
                f"alias {self.settings.index!r} points at {len(resp)} indices ({', '.join(sorted(resp))}); "
                "expected exactly one — rebuild to repair",
                retry_after=30,
            )
        ((index, body),) = resp.items()
        meta: dict[str, Any] = (body.get("mappings") or {}).get("_meta") or {}
        if index not in self._verified:
            check_meta(index, meta, self.bm25)
            self._verified[index] = self._shards(index)
        target = _Target(index=index, serial=int(meta.get("serial") or 0), updated=meta.get("updated"), at=now)
        with self._lock:
            self._target = target
        return target

    def _shards(self, index: str) -> int:
        """Primary shards of a concrete index (1 when it cannot be read: dfs is then kept)."""
        try:
            with guard(self.settings, "read the shard count"):
                resp = self._client.indices.get_settings(index=index, name="index.number_of_shards")
            return int(resp[index]["settings"]["index"]["number_of_shards"])
        except (IndexUnavailable, BackendError, KeyError, ValueError, NotFoundError) as exc:
            log.warning("cannot read the shard count of %s (%s)", index, exc)
            return 0

    def _count(self, index: str) -> int:
        now = time.monotonic()
        cached = self._counts.get(index)
        if cached is not None and now - cached[1] < COUNT_TTL:
            return cached[0]
        try:
            with guard(self.settings, "count documents"):
                resp = self._client.count(index=index)
        except NotFoundError as exc:
            raise IndexUnavailable(f"OpenSearch index {index} went away", retry_after=RETRY_AFTER) from exc
        check_shards(resp, "count documents")
        n = int(resp["count"])
        self._counts = {index: (n, now)}  # only the current index is worth remembering
        return n

    def _leaf_budget(self) -> int:
        """Leaves one query may hold: the cluster's ``indices.query.bool.max_clause_count``
        (1024 unless raised, as the local cluster does) less room for the filters; read once."""
        if self._budget is None:
            limit = 1024
            try:
                with guard(self.settings, "read the clause limit"):
                    resp = self._client.cluster.get_settings(
                        params={"include_defaults": "true", "flat_settings": "true"}
                    )
                for part in ("transient", "persistent", "defaults"):
                    value = (resp.get(part) or {}).get(CLAUSE_SETTING)
                    if value is not None:
                        limit = int(value)
                        break
            except (IndexUnavailable, BackendError, ValueError) as exc:
                log.warning("cannot read %s (%s); assuming %d", CLAUSE_SETTING, exc, limit)
                return limit - dsl.FILTER_ROOM
            self._budget = limit - dsl.FILTER_ROOM
        return self._budget

    # -- the Backend protocol -------------------------------------------------------

    def check(self) -> None:
        """Start-up probe: the cluster answers and the published index (if any) is compatible.

        Raises :class:`IndexUnavailable` ("cannot reach OpenSearch at …") or
        :class:`IncompatibleIndex`; a missing index is only logged (the
        service serves 503s until the first build).
        """
        ping(self._client, self.settings)
        try:
            self._resolve()
        except IncompatibleIndex:
            raise
        except IndexUnavailable as exc:
            log.warning("%s", exc)

    @contextmanager
    def reader(self) -> Iterator[OpenSearchReader]:
        """A reader on the concrete index the alias names now; raises :class:`IndexUnavailable`."""
        target = self._resolve()
        count = self._count(target.index)
        key = f"{target.index}:{count}:{target.serial}"
        yield OpenSearchReader(
            self._client,
            self.settings,
            target.index,
            key,
            lambda: self._count(target.index),
            self._leaf_budget(),
            single_shard=self._verified.get(target.index) == 1,
        )

    def health(self) -> Health:
        """Serving unless the cluster is unreachable, the index missing/incompatible or its primaries unassigned."""
        try:
            target = self._resolve()
            with guard(self.settings, "cluster health"):
                status = self._client.cluster.health(index=target.index)
            color = status.get("status")
            if color == "red":
                reason = f"index {target.index} is red: {status.get('unassigned_shards', '?')} shards unassigned"
                return Health(
                    serving=False,
                    generation=target.index,
                    documents=0,
                    reason=reason,
                    backend=self.name,
                    updated=target.updated,
                )
            documents = self._count(target.index)
        except BackendError as exc:
            return Health(serving=False, generation=None, documents=0, reason=str(exc), backend=self.name)
        reason = None
        if color == "yellow":
            reason = f"degraded (yellow): {status.get('unassigned_shards', '?')} replica shards unassigned"
        return Health(
            serving=True,
            generation=target.index,
            documents=documents,
            reason=reason,
            backend=self.name,
            updated=target.updated,
        )

    def close(self) -> None:
        try:
            self._client.close()
        except Exception:  # closing is best effort
            log.debug("closing the OpenSearch client failed", exc_info=True)
