"""A cluster-wide single-writer lock: one document with a lease in a small index.

Indexers on different machines share one cluster, so a file lock cannot keep
them apart. The lock is the document ``writer`` in ``<alias>_writer_lock``
(an underscore, so it never matches the ``<alias>-*`` pattern of concrete
indices and is never swept as build debris). It is created with
``op_type=create`` (only one creator wins), holds its owner (``host:pid``) and
a lease expiry, and is renewed by a daemon thread while held. A holder that
died stops renewing; once its lease has expired the next writer takes it over
with optimistic concurrency (``if_seq_no``/``if_primary_term``), so two
writers racing for a stale lock cannot both win.

Expiry times are wall-clock seconds of the writing host: hosts sharing a
cluster need clocks within a fraction of the lease (NTP).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from opensearchpy import OpenSearch
from opensearchpy.exceptions import ConflictError, NotFoundError, RequestError

from backends.base import BackendError, WriterBusy
from backends.opensearch.client import guard
from backends.opensearch.settings import OpenSearchSettings

log = logging.getLogger(__name__)

LOCK_ID = "writer"
DEFAULT_LEASE = 30.0
POLL = 0.25


def lock_index(alias: str) -> str:
    return f"{alias}_writer_lock"


def default_owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class WriterLease:
    """One attempt to hold the lock; use :func:`writer_lock` rather than this directly."""

    def __init__(self, client: OpenSearch, settings: OpenSearchSettings, lease: float, owner: str) -> None:
        self._client = client
        self._settings = settings
        self.index = lock_index(settings.index)
        self.lease = lease
        self.owner = owner
        self._seq: tuple[int, int] | None = None  # (seq_no, primary_term) of our last write
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._renewing = threading.Lock()
        self.lost = False

    def _body(self) -> dict[str, Any]:
        now = time.time()
        return {"owner": self.owner, "expires": now + self.lease, "renewed": now}

    def _ensure_index(self) -> None:
        with guard(self._settings, "create the writer-lock index"):
            if self._client.indices.exists(index=self.index):
                return
            try:
                self._client.indices.create(
                    index=self.index,
                    body={
                        "settings": {"index": {"number_of_shards": 1, "auto_expand_replicas": "0-all"}},
                        "mappings": {"dynamic": False, "properties": {"owner": {"type": "keyword"}}},
                    },
                )
            except RequestError as exc:
                if "resource_already_exists" not in str(exc):
                    raise

    def _remember(self, resp: dict[str, Any]) -> None:
        self._seq = (int(resp["_seq_no"]), int(resp["_primary_term"]))

    def try_acquire(self) -> str | None:
        """Take the lock if free or expired; return None on success, else the current holder's description."""
        try:
            with guard(self._settings, "take the writer lock"):
                resp = self._client.index(index=self.index, id=LOCK_ID, body=self._body(), params={"op_type": "create"})
            self._remember(resp)
            return None
        except ConflictError:
            pass
        try:
            with guard(self._settings, "read the writer lock"):
                current = self._client.get(index=self.index, id=LOCK_ID)
        except NotFoundError:
            return "released just now"  # gone between our create and get: try again
        held = current["_source"]
        expires = float(held.get("expires") or 0)
        if expires > time.time():
            return f"{held.get('owner', '?')} (lease until {time.strftime('%H:%M:%S', time.localtime(expires))})"
        try:
            with guard(self._settings, "take over an expired writer lock"):
                resp = self._client.index(
                    index=self.index,
                    id=LOCK_ID,
                    body=self._body(),
                    params={"if_seq_no": current["_seq_no"], "if_primary_term": current["_primary_term"]},
                )
        except ConflictError:
            return "taken over by another writer just now"
        log.warning("took over the writer lock from %s, whose lease had expired", held.get("owner", "?"))
        self._remember(resp)
        return None

    def start_renewing(self) -> None:
        self._thread = threading.Thread(target=self._renew_loop, name="opensearch-writer-lease", daemon=True)
        self._thread.start()

    def renew(self) -> bool:
        """Extend the lease now; False (and ``lost``) when another writer has taken it over."""
        with self._renewing:
            if self.lost or self._seq is None:
                return False
            try:
                resp = self._client.index(
                    index=self.index,
                    id=LOCK_ID,
                    body=self._body(),
                    params={"if_seq_no": self._seq[0], "if_primary_term": self._seq[1]},
                )
            except ConflictError:
                self.lost = True
                log.error("the writer lock was taken over by another indexer (our lease expired); stop writing")
                return False
            self._remember(resp)
            return True

    def _renew_loop(self) -> None:
        while not self._stop.wait(self.lease / 3):
            try:
                if not self.renew():
                    return
            except Exception as exc:  # the cluster may come back before the lease runs out
                log.warning("could not renew the writer lock: %s", exc)

    def release(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self._seq is None or self.lost:
            return
        try:
            self._client.delete(
                index=self.index, id=LOCK_ID, params={"if_seq_no": self._seq[0], "if_primary_term": self._seq[1]}
            )
        except (ConflictError, NotFoundError):
            log.warning("the writer lock was no longer ours at release")
        except Exception as exc:  # it expires on its own
            log.warning("could not release the writer lock (it expires in %.0fs): %s", self.lease, exc)
        self._seq = None


@contextmanager
def writer_lock(
    client: OpenSearch,
    settings: OpenSearchSettings,
    wait: float = 0.0,
    lease: float = DEFAULT_LEASE,
    owner: str | None = None,
) -> Iterator[WriterLease]:
    """Hold the cluster-wide writer lock; poll up to ``wait`` seconds, then raise :class:`WriterBusy`."""
    if lease <= 0:
        raise BackendError("the writer-lock lease must be positive")
    holder = WriterLease(client, settings, lease, owner or default_owner())
    holder._ensure_index()
    deadline = time.monotonic() + max(0.0, wait)
    while True:
        busy = holder.try_acquire()
        if busy is None:
            break
        left = deadline - time.monotonic()
        if left <= 0:
            raise WriterBusy(
                f"another indexer holds the writer lock of OpenSearch index {settings.index!r}: {busy}; "
                f"wait for it or retry with --wait"
            )
        time.sleep(min(POLL, left))
    holder.start_renewing()
    try:
        yield holder
    finally:
        holder.release()
