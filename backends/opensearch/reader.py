"""The reading side on one concrete index: searches, counts, documents, scans.

A reader is bound to the concrete index the alias pointed at when the request
began, so one request never mixes two builds; if a rebuild deletes that index
mid-request, the next call fails as :class:`IndexUnavailable` and the client
retries on the new one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Any

from opensearchpy import OpenSearch
from opensearchpy.exceptions import NotFoundError

from backends.base import Filters, Found, IndexUnavailable, Query, SearchSpec, StoredDoc
from backends.opensearch import query as dsl
from backends.opensearch.client import RETRY_AFTER, check_shards, guard
from backends.opensearch.documents import stored_doc
from backends.opensearch.mapping import SOURCE_FIELDS
from backends.opensearch.settings import OpenSearchSettings

log = logging.getLogger(__name__)

#: Hits per request while scanning (search_after pages).
SCAN_PAGE = 1000
#: Extra seconds the HTTP request may take beyond the search's own time budget.
HTTP_SLACK = 5.0


class OpenSearchReader:
    """A :class:`backends.base.Reader` on one concrete index (one request, one thread)."""

    def __init__(
        self,
        client: OpenSearch,
        settings: OpenSearchSettings,
        index: str,
        key: str,
        doc_count: Callable[[], int],
        budget: int = dsl.LEAF_BUDGET,
        single_shard: bool = False,
    ) -> None:
        self._client = client
        self._settings = settings
        self.index = index
        #: ``<concrete index>:<documents>:<update serial>``: changes with every published change.
        self.key = key
        self._doc_count = doc_count
        #: leaves one query may hold on this cluster (see ``query.to_dsl``)
        self.budget = budget
        #: global term statistics need a pre-query round (dfs) only when there are several shards:
        #: on one shard it costs ~10 ms of cluster CPU per search for the same scores
        self.search_type = "query_then_fetch" if single_shard else "dfs_query_then_fetch"

    # -- plumbing ---------------------------------------------------------------

    def _missing(self, exc: NotFoundError) -> IndexUnavailable:
        return IndexUnavailable(
            f"OpenSearch index {self.index} went away during the request (replaced by a rebuild?)",
            retry_after=RETRY_AFTER,
        )

    def _search(self, body: dict[str, Any], what: str, **params: Any) -> dict[str, Any]:
        try:
            with guard(self._settings, what):
                resp = self._client.search(index=self.index, body=body, params=params)
        except NotFoundError as exc:
            raise self._missing(exc) from exc
        check_shards(resp, what)
        return resp

    # -- the Reader protocol ----------------------------------------------------

    def doc_count(self) -> int:
        return self._doc_count()

    def search(self, spec: SearchSpec) -> Found:
        """One page and both facets in one request (``dfs_query_then_fetch`` on several shards: global term statistics)."""
        body = dsl.search_body(spec, self.budget)
        resp = self._search(
            body,
            "search",
            search_type=self.search_type,
            # A node that does not answer well past the budget is retried on the next one.
            request_timeout=min(self._settings.timeout, spec.time_budget + HTTP_SLACK),
        )
        by_score = spec.sort == "relevance"
        hits = [
            (stored_doc(h["_source"]), float(h.get("_score") or 0.0) if by_score else 0.0) for h in resp["hits"]["hits"]
        ]
        aggs = resp.get("aggregations") or {}
        langs = {b["key"]: int(b["doc_count"]) for b in aggs.get("lang", {}).get("values", {}).get("buckets", [])}
        months = {
            b["key_as_string"]: int(b["doc_count"]) for b in aggs.get("month", {}).get("values", {}).get("buckets", [])
        }
        return Found(
            total=int(resp["hits"]["total"]["value"]),
            hits=hits,
            lang_counts=langs,
            month_counts=months,
            partial=bool(resp.get("timed_out")),
        )

    def count(self, query: Query, filters: Filters) -> int:
        """Matches of ``query`` under ``filters`` (scores do not matter, so a plain ``_count``)."""
        try:
            with guard(self._settings, "count"):
                resp = self._client.count(index=self.index, body={"query": dsl.filtered(query, filters, self.budget)})
        except NotFoundError as exc:
            raise self._missing(exc) from exc
        check_shards(resp, "count")
        return int(resp["count"])

    def doc_frequency(self, field: str, term: str) -> int:
        """Live documents holding ``term`` in ``field`` (a ``_count``: exact, unlike Lucene's docFreq with deletes)."""
        try:
            with guard(self._settings, "doc_frequency"):
                resp = self._client.count(index=self.index, body={"query": {"term": {field: term}}})
        except NotFoundError as exc:
            raise self._missing(exc) from exc
        check_shards(resp, "doc_frequency")
        return int(resp["count"])

    def document(self, doc_id: str) -> StoredDoc | None:
        try:
            with guard(self._settings, "get document"):
                resp = self._client.get(
                    index=self.index, id=doc_id, params={"_source_includes": ",".join(SOURCE_FIELDS)}
                )
        except NotFoundError as exc:
            # 404 is both "no such document" and "no such index": only the first is an answer.
            info = exc.info if isinstance(exc.info, dict) else {}
            if info.get("found") is False:
                return None
            raise self._missing(exc) from exc
        return stored_doc(resp["_source"]) if resp.get("found") else None

    def scan(self, filters: Filters = dsl.NO_FILTERS, limit: int | None = None) -> Iterator[StoredDoc]:
        """Live documents under ``filters`` in id order, ``SCAN_PAGE`` at a time (search_after on ``id``)."""
        flist = dsl.filter_list(filters)
        query: dict[str, Any] = {"bool": {"filter": flist}} if flist else {"match_all": {}}
        remaining = limit
        after: list[Any] | None = None
        while remaining is None or remaining > 0:
            size = SCAN_PAGE if remaining is None else min(SCAN_PAGE, remaining)
            body: dict[str, Any] = {
                "query": query,
                "size": size,
                "sort": [{"id": {"order": "asc"}}],
                "_source": list(SOURCE_FIELDS),
                "track_total_hits": False,
            }
            if after is not None:
                body["search_after"] = after
            page = self._search(body, "scan")["hits"]["hits"]
            for h in page:
                yield stored_doc(h["_source"])
            if remaining is not None:
                remaining -= len(page)
            if len(page) < size:
                return
            after = page[-1]["sort"]
