"""Sending documents and deletions in ``_bulk`` requests, with per-item error checks.

``_bulk`` answers 200 even when items fail, so every item is checked: items
rejected for load (429) are resent with backoff, a delete of an absent
document is fine, and anything else raises :class:`BackendError` naming the
first failures — never dropped silently.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from opensearchpy import OpenSearch

from backends.base import BackendError
from backends.opensearch.client import guard
from backends.opensearch.settings import OpenSearchSettings

log = logging.getLogger(__name__)

#: Flush when this many documents or bytes are waiting.
FLUSH_DOCS = 500
FLUSH_BYTES = 5 * 1024 * 1024
RETRIES_429 = 4
#: A bulk request may take long on a busy 2-core machine; it is not a search.
BULK_TIMEOUT = 120.0


def _dumps(obj: Mapping[str, Any]) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


class BulkSender:
    """Buffers index/delete operations for one concrete index and sends them ``FLUSH_DOCS`` at a time.

    A full buffer is sent by one background thread while the caller goes on
    analysing the next documents (Python on one core, the cluster's indexing
    on the other); at most one bulk is in flight, so memory stays bounded and
    an error surfaces at the next flush. :meth:`flush` sends the rest and waits.
    """

    def __init__(self, client: OpenSearch, settings: OpenSearchSettings, index: str) -> None:
        self._client = client
        self._settings = settings
        self.index = index
        self._ops: list[tuple[str, str | None, str]] = []  # (action line, source line, doc id)
        self._bytes = 0
        self.sent_docs = 0
        self.sent_deletes = 0
        self._thread: ThreadPoolExecutor | None = None
        self._in_flight: Future[None] | None = None

    def index_doc(self, source: Mapping[str, Any]) -> None:
        doc_id = str(source["id"])
        action = _dumps({"index": {"_id": doc_id}})
        line = _dumps(source)
        self._ops.append((action, line, doc_id))
        self._bytes += len(action) + len(line) * 2  # Cyrillic: ~2 bytes a character in UTF-8
        if len(self._ops) >= FLUSH_DOCS or self._bytes >= FLUSH_BYTES:
            self._send_in_background()

    def index_many(self, sources: Iterable[Mapping[str, Any]]) -> None:
        for source in sources:
            self.index_doc(source)

    def delete_doc(self, doc_id: str) -> None:
        action = _dumps({"delete": {"_id": doc_id}})
        self._ops.append((action, None, doc_id))
        self._bytes += len(action)
        if len(self._ops) >= FLUSH_DOCS or self._bytes >= FLUSH_BYTES:
            self._send_in_background()

    def _wait(self) -> None:
        """Wait for the bulk in flight; its error (if any) is raised here."""
        future, self._in_flight = self._in_flight, None
        if future is not None:
            future.result()

    def _send_in_background(self) -> None:
        self._wait()
        ops, self._ops, self._bytes = self._ops, [], 0
        if self._thread is None:
            self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="opensearch-bulk")
        self._in_flight = self._thread.submit(self._send_all, ops)

    def flush(self) -> None:
        """Send everything buffered and wait until the cluster has acknowledged it."""
        self._wait()
        ops, self._ops, self._bytes = self._ops, [], 0
        self._send_all(ops)

    def close(self) -> None:
        """Wait for the bulk in flight (errors are the caller's to see) and stop the thread; drops the buffer."""
        try:
            self._wait()
        finally:
            self._ops, self._bytes = [], 0
            if self._thread is not None:
                self._thread.shutdown(wait=True)
                self._thread = None

    def _send_all(self, ops: list[tuple[str, str | None, str]]) -> None:
        attempt = 0
        while ops:
            ops = self._send(ops)
            if ops:
                attempt += 1
                if attempt > RETRIES_429:
                    raise BackendError(
                        f"OpenSearch kept rejecting {len(ops)} bulk items as overloaded (429) on {self.index}"
                    )
                delay = min(10.0, 0.5 * 2**attempt)
                log.warning("%d bulk items rejected (429); resending in %.1fs", len(ops), delay)
                time.sleep(delay)

    def _send(self, ops: list[tuple[str, str | None, str]]) -> list[tuple[str, str | None, str]]:
        """Send once; return the items to retry (429), raise on real failures."""
        lines: list[str] = []
        for action, line, _ in ops:
            lines.append(action)
            if line is not None:
                lines.append(line)
        payload = ("\n".join(lines) + "\n").encode("utf-8")
        with guard(self._settings, f"bulk write to {self.index}"):
            resp = self._client.bulk(
                index=self.index, body=payload, params={"request_timeout": max(BULK_TIMEOUT, self._settings.timeout)}
            )
        retry: list[tuple[str, str | None, str]] = []
        failures: list[str] = []
        for op, item in zip(ops, resp.get("items", []), strict=True):
            kind, result = next(iter(item.items()))
            status = int(result.get("status", 0))
            if status < 300 or (kind == "delete" and status == 404):
                if kind == "delete":
                    self.sent_deletes += 1
                else:
                    self.sent_docs += 1
                continue
            if status == 429:
                retry.append(op)
                continue
            err = result.get("error") or {}
            reason = f"{err.get('type', '')}: {err.get('reason', '')}" if isinstance(err, Mapping) else str(err)
            failures.append(f"{kind} {op[2]}: {status} {reason}")
        if failures:
            shown = "; ".join(failures[:3])
            more = f" (and {len(failures) - 3} more)" if len(failures) > 3 else ""
            raise BackendError(f"OpenSearch refused {len(failures)} bulk items in {self.index}: {shown}{more}")
        return retry
