"""Keep an index in step with a folder that people and scripts drop files into.

The watcher collects file events (watchdog), waits until the folder has been
quiet for the debounce interval, and then runs one incremental ``sync``
restricted to the files that changed: a burst of hundreds of files becomes
one commit. A file is only taken once it looks finished: no event for the
debounce interval and the same size/mtime/inode as at its last event. The
rename-into-place pattern (write ``.x.txt`` or ``x.txt.part``, then rename to
``x.txt``) is the reliable way to publish a file: the temporary names are not
articles (:func:`indexer.corpus.list_corpus` skips them), the rename is one
event.

It starts with a full sync (so whatever changed while it was not running is
caught up), and an optional periodic full rescan covers events the kernel
dropped (inotify queue overflow). A stop request (SIGINT/SIGTERM, see the CLI)
is honoured between batches; every batch is a published generation, so a
stop or a crash never leaves a half-written index.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from backends.base import Store, WriterBusy
from indexer.corpus import doc_id_for
from indexer.pipeline import DEFAULT_BATCH_SIZE, NothingIndexable, Summary, sync

log = logging.getLogger(__name__)

Stat = tuple[int, int, int] | None
#: Event types that say nothing about a file's content (our own reads cause them).
_IGNORED = {"opened", "closed_no_write"}


def is_article_name(name: str) -> bool:
    """Names the corpus listing takes: visible ``.txt`` files (not ``.x.txt`` or ``x.txt.part``)."""
    return not name.startswith(".") and name.endswith(".txt")


def _stat(path: Path) -> Stat:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ino)


@dataclass
class _Pending:
    first: float
    last: float
    stat: Stat


class ChangeCollector(FileSystemEventHandler):
    """Collects changed article names from watchdog's thread; hands out settled batches."""

    def __init__(self, corpus_dir: Path, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self.corpus_dir = corpus_dir
        self.clock = clock
        self._folder = os.path.realpath(corpus_dir)
        self._pending: dict[str, _Pending] = {}
        self._last_event = 0.0
        self._lock = threading.Lock()

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.is_directory or event.event_type in _IGNORED:
            return
        paths = [event.src_path, getattr(event, "dest_path", "") or ""]
        for raw in paths:
            path = os.fsdecode(raw)
            if not path or os.path.dirname(os.path.realpath(path)) != self._folder:
                continue
            name = os.path.basename(path)
            if is_article_name(name):
                self.touch(name)

    def touch(self, name: str) -> None:
        """Record that ``name`` changed just now (also used to re-queue a batch)."""
        now = self.clock()
        stat = _stat(self.corpus_dir / name)
        with self._lock:
            entry = self._pending.get(name)
            if entry is None:
                self._pending[name] = _Pending(now, now, stat)
            else:
                entry.last, entry.stat = now, stat
            self._last_event = now

    def pending(self) -> int:
        with self._lock:
            return len(self._pending)

    def take_settled(self, debounce: float, max_delay: float) -> list[str]:
        """Names ready to index, or [] while the folder is still busy.

        A batch is cut when nothing happened for ``debounce`` seconds, or when
        changes have waited ``max_delay`` seconds under a steady trickle of
        events. Only files quiet for ``debounce`` with an unchanged stat are
        taken; the others stay pending.
        """
        now = self.clock()
        with self._lock:
            if not self._pending:
                return []
            oldest = min(p.first for p in self._pending.values())
            if now - self._last_event < debounce and now - oldest < max_delay:
                return []
            ready = []
            for name, entry in list(self._pending.items()):
                if now - entry.last < debounce:
                    continue
                stat = _stat(self.corpus_dir / name)
                if stat != entry.stat:  # written to without an event we saw yet: wait again
                    entry.last, entry.stat = now, stat
                    continue
                ready.append(name)
                del self._pending[name]
            return sorted(ready)


@dataclass
class WatchOptions:
    debounce: float = 1.0
    max_delay: float = 10.0
    batch_size: int = DEFAULT_BATCH_SIZE
    wait: float = 5.0
    procs: int = 1
    rescan: float = 0.0  # seconds between full rescans; 0 = never


@dataclass
class WatchStats:
    batches: int = 0
    skipped: int = 0
    errors: int = 0
    last: Summary | None = None


def _log_summary(kind: str, summary: Summary, files: int | None = None) -> None:
    what = f"{files} changed file(s)" if files is not None else "full scan"
    log.info("%s (%s): %s", kind, what, summary.line())
    for item in summary.skipped:
        log.warning("skipped %s: %s", item["path"], item["reason"])


def watch(
    corpus_dir: Path,
    store: Store,
    stop: threading.Event,
    options: WatchOptions | None = None,
) -> WatchStats:
    """Run until ``stop`` is set; returns what was done. Raises ``CorpusMissing`` at start."""
    opts = options or WatchOptions()
    stats = WatchStats()
    collector = ChangeCollector(corpus_dir)
    observer = Observer()
    # Watch first, then scan: a file that lands during the initial sync is
    # caught by one or the other (or both: a second look costs one hash).
    observer.schedule(collector, str(corpus_dir), recursive=False)
    observer.start()
    log.info(
        "watching %s → %s (debounce %.2fs, max delay %.0fs, batches of %d)",
        corpus_dir,
        store,
        opts.debounce,
        opts.max_delay,
        opts.batch_size,
    )
    try:
        _full_sync(corpus_dir, store, opts, stats, stop, "initial sync")
        next_rescan = time.monotonic() + opts.rescan if opts.rescan > 0 else float("inf")
        tick = max(0.02, min(0.25, opts.debounce / 4))
        while not stop.wait(tick):
            if not observer.is_alive():
                raise OSError(f"stopped receiving events for {corpus_dir} (folder removed?)")
            names = collector.take_settled(opts.debounce, opts.max_delay)
            if names:
                _batch(corpus_dir, store, names, collector, opts, stats, stop)
            if time.monotonic() >= next_rescan:
                _full_sync(corpus_dir, store, opts, stats, stop, "rescan")
                next_rescan = time.monotonic() + opts.rescan
    finally:
        observer.stop()
        observer.join(timeout=5)
        left = collector.pending()
        tail = f"; {left} change(s) left for the next run" if left else ""
        log.info("watcher stopped after %d batch(es)%s", stats.batches, tail)
    return stats


def _sync(
    corpus_dir: Path, store: Store, opts: WatchOptions, stop: threading.Event, only: set[str] | None = None
) -> Summary:
    """The watcher's one way of writing: an incremental sync with its options, stoppable."""
    return sync(
        corpus_dir,
        store,
        wait=opts.wait,
        procs=opts.procs,
        batch_size=opts.batch_size,
        only=only,
        should_stop=stop.is_set,
    )


def _full_sync(
    corpus_dir: Path, store: Store, opts: WatchOptions, stats: WatchStats, stop: threading.Event, kind: str
) -> None:
    while not stop.is_set():
        try:
            summary = _sync(corpus_dir, store, opts, stop)
        except WriterBusy as exc:
            log.warning("%s; retrying", exc)
            continue
        except NothingIndexable as exc:
            log.warning("%s: %s; waiting for files", kind, exc)
            return
        _account(stats, summary)
        _log_summary(kind, summary)
        return


def _batch(
    corpus_dir: Path,
    store: Store,
    names: list[str],
    collector: ChangeCollector,
    opts: WatchOptions,
    stats: WatchStats,
    stop: threading.Event,
) -> None:
    try:
        summary = _sync(corpus_dir, store, opts, stop, only={doc_id_for(Path(n)) for n in names})
    except WriterBusy as exc:
        log.warning("%s; %d change(s) wait for the next round", exc, len(names))
        _requeue(collector, names)
        return
    except NothingIndexable as exc:
        log.warning("batch of %d change(s) not published: %s", len(names), exc)
        return
    except OSError as exc:
        stats.errors += 1
        log.error("index could not be written (%s); %d change(s) will be retried", exc, len(names))
        _requeue(collector, names)
        stop.wait(min(30.0, 2.0**stats.errors))
        return
    stats.errors = 0
    _account(stats, summary)
    _log_summary("batch", summary, len(names))


def _requeue(collector: ChangeCollector, names: list[str]) -> None:
    for name in names:
        collector.touch(name)


def _account(stats: WatchStats, summary: Summary) -> None:
    stats.batches += summary.batches
    stats.skipped += len(summary.skipped)
    stats.last = summary
