"""Full builds and incremental updates of an index from a corpus folder.

Both paths share one routine: under the writer lock, compare the folder with
what the index holds (document id → content hash), then add, replace and
delete. Planning happens under the lock too, so two updaters never both add
the same new file.

A full build (``fresh``) writes one new generation and publishes it at the
end: until then the old index keeps serving, whole. An update publishes a
generation every ``batch_size`` files, so a long update that is killed keeps
the batches it finished and the next run only does the rest; every published
state is consistent (a document is replaced in one step, deletions come in
the last batch, so a renamed file is never missing in between).

An update never publishes an empty index: a folder that is suddenly empty (an
unmounted share) or wholly malformed raises :class:`NothingIndexable` and the
old index stays.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from backends.base import Batch, CorruptIndex, NothingIndexable, Store
from indexer.corpus import MAX_FILE_BYTES, Article, MalformedFile, content_hash, list_corpus, parse_bytes

__all__ = ["CorpusMissing", "CorruptIndex", "NothingIndexable", "Summary", "sync", "DEFAULT_BATCH_SIZE"]

log = logging.getLogger(__name__)

ProgressFactory = Callable[[int, str], Callable[[int], None]]
#: Files per published generation during an update; see README "Reindexing".
DEFAULT_BATCH_SIZE = 500


class CorpusMissing(FileNotFoundError):
    """The corpus folder does not exist (or is not a folder)."""


@dataclass
class Summary:
    """What one run did; printed for people and as JSON for scripts."""

    added: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    skipped: list[dict[str, str]] = field(default_factory=list)
    documents: int = 0
    generation: str | None = None
    seconds: float = 0.0
    batches: int = 0
    interrupted: bool = False

    @property
    def changed(self) -> int:
        return self.added + self.updated + self.deleted

    def as_dict(self) -> dict[str, object]:
        return asdict(self)

    def line(self) -> str:
        return (
            f"indexed {self.added}, updated {self.updated}, deleted {self.deleted}, "
            f"unchanged {self.unchanged}, skipped {len(self.skipped)}; "
            f"{self.documents} documents in {self.generation or 'no index'} "
            f"({self.batches} commit{'s' if self.batches != 1 else ''}, {self.seconds:.1f}s)"
            + (" — interrupted" if self.interrupted else "")
        )


@dataclass(frozen=True)
class _Change:
    doc_id: str
    path: Path
    replaces: bool


@dataclass
class _Plan:
    changes: list[_Change] = field(default_factory=list)
    to_delete: list[str] = field(default_factory=list)
    #: documents in the index before this run
    known: int = 0


def _read(path: Path) -> bytes:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise MalformedFile(path, f"file too large ({size} bytes)")
    return path.read_bytes()


def _plan(
    listing: dict[str, Path],
    known: dict[str, str],
    scope: Collection[str] | None,
    summary: Summary,
    tick: Callable[[int], None],
) -> _Plan:
    """What to write: only hashes here; files are parsed batch by batch later."""
    plan = _Plan(known=len(known))
    for doc_id, path in listing.items():
        tick(1)
        old = known.get(doc_id)
        if old is not None:
            try:
                if content_hash(_read(path)) == old:
                    summary.unchanged += 1
                    continue
            except (OSError, MalformedFile):
                pass  # reported when the change is written
        plan.changes.append(_Change(doc_id, path, replaces=old is not None))
    in_scope = set(known) if scope is None else set(known) & set(scope)
    plan.to_delete = sorted(in_scope - set(listing))
    return plan


def _skip(summary: Summary, bad: MalformedFile) -> None:
    log.warning("skipped %s: %s", bad.path, bad.reason)
    summary.skipped.append({"path": bad.path, "reason": bad.reason})


def _no_progress(total: int, what: str) -> Callable[[int], None]:
    return lambda n: None


def as_store(target: Path | Store, procs: int = 1) -> Store:
    """An index folder means the embedded Whoosh engine; anything else is a ready :class:`Store`."""
    if isinstance(target, Path):
        from backends.whoosh import WhooshStore

        return WhooshStore(target, procs=procs)
    return target


def sync(
    corpus_dir: Path,
    target: Path | Store,
    *,
    fresh: bool = False,
    wait: float = 0.0,
    procs: int = 1,
    progress: ProgressFactory = _no_progress,
    batch_size: int = DEFAULT_BATCH_SIZE,
    only: Collection[str] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> Summary:
    """Make the index match the folder; ``fresh`` rebuilds from nothing.

    ``target`` is a :class:`~backends.base.Store` (any engine) or a Whoosh index
    folder.

    ``only`` restricts an update to these document ids (the watcher passes the
    files it saw change); ``should_stop`` is asked between batches and ends the
    run early with ``interrupted`` set, the finished batches kept.

    Raises ``CorpusMissing``, ``WriterBusy`` (another writer holds the lock
    beyond ``wait`` seconds), ``NothingIndexable`` (nothing published) and
    ``OSError`` when the index cannot be written. Nothing is written when
    nothing changed, so running it twice in a row is cheap.
    """
    started = time.perf_counter()
    summary = Summary()
    if not corpus_dir.is_dir():
        raise CorpusMissing(f"corpus folder not found: {corpus_dir}")
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    store = as_store(target, procs)
    with store.lock(wait):
        known = {} if fresh else store.known_hashes()
        listing = list_corpus(corpus_dir)
        if only is not None:
            wanted = set(only)
            listing = {doc_id: path for doc_id, path in listing.items() if doc_id in wanted}
        plan = _plan(listing, known, only, summary, progress(len(listing), "scanning"))
        if fresh or plan.changes or plan.to_delete or not store.published():
            writer = _write_fresh if fresh else _write_batches
            writer(store, plan, batch_size, summary, progress, should_stop or (lambda: False))
        summary.generation = store.published()
        if summary.generation:
            summary.documents = store.doc_count()
    summary.seconds = time.perf_counter() - started
    return summary


def _articles(changes: Iterable[_Change], summary: Summary) -> Iterator[tuple[_Change, Article]]:
    """Read and parse each changed file now; report and skip the malformed ones.

    A malformed new version of an indexed file leaves the old version
    searchable: nothing is lost because someone saved a broken file.
    """
    for change in changes:
        try:
            data = _read(change.path)
        except FileNotFoundError:
            continue  # removed since planning; the next run deletes it
        except OSError as exc:
            _skip(summary, MalformedFile(change.path, f"cannot read: {exc.strerror or exc}"))
            continue
        except MalformedFile as bad:
            _skip(summary, bad)
            continue
        try:
            yield change, parse_bytes(data, change.path)
        except MalformedFile as bad:
            _skip(summary, bad)


def _write_changes(
    batch: Batch,
    changes: list[_Change],
    deletes: list[str],
    summary: Summary,
    tick: Callable[[int], None],
    known: int,
) -> None:
    """Apply one batch of changes to an open transaction.

    Deletions that would leave no document are refused before any is sent:
    an unmounted share looks like "every article was deleted". (The engines
    also refuse to publish an empty index; this check also covers engines
    whose deletions apply as they are sent.)
    """
    for change, article in _articles(changes, summary):
        batch.add(article, replaces=change.replaces)
        if change.replaces:
            summary.updated += 1
        else:
            summary.added += 1
        tick(1)
    if deletes and known + summary.added - len(deletes) <= 0:
        raise NothingIndexable("the index would be empty (empty or wholly malformed folder?); nothing was published")
    for doc_id in deletes:
        batch.delete(doc_id)
    summary.deleted += len(deletes)


def _write_transaction(
    store: Store,
    fresh: bool,
    changes: list[_Change],
    deletes: list[str],
    summary: Summary,
    tick: Callable[[int], None],
    known: int = 0,
) -> str | None:
    """One transaction, published at its end; on any error the published index stays what it was."""
    with store.transaction(fresh) as batch:
        _write_changes(batch, changes, deletes, summary, tick, known)
    return store.published()


def _write_fresh(
    store: Store,
    plan: _Plan,
    batch_size: int,
    summary: Summary,
    progress: ProgressFactory,
    should_stop: Callable[[], bool],
) -> None:
    """A full build: one transaction, published only when complete."""
    _write_transaction(store, True, plan.changes, [], summary, progress(len(plan.changes), "indexing"))
    summary.batches = 1


def _write_batches(
    store: Store,
    plan: _Plan,
    batch_size: int,
    summary: Summary,
    progress: ProgressFactory,
    should_stop: Callable[[], bool],
) -> None:
    """An update: one published transaction per batch, deletions in the last one."""
    tick = progress(len(plan.changes), "indexing")
    chunks = [plan.changes[i : i + batch_size] for i in range(0, len(plan.changes), batch_size)] or [[]]
    for number, chunk in enumerate(chunks, 1):
        last = number == len(chunks)
        begun = time.perf_counter()
        before = (summary.added, summary.updated, len(summary.skipped))
        deletes = plan.to_delete if last else []
        name = _write_transaction(store, False, chunk, deletes, summary, tick, plan.known)
        summary.batches += 1
        log.info(
            "batch %d/%d: +%d ~%d -%d, skipped %d → %s (%.1fs)",
            number,
            len(chunks),
            summary.added - before[0],
            summary.updated - before[1],
            len(plan.to_delete) if last else 0,
            len(summary.skipped) - before[2],
            name,
            time.perf_counter() - begun,
        )
        if not last and should_stop():
            summary.interrupted = True
            log.info("stopping after batch %d/%d; the next run does the rest", number, len(chunks))
            return
