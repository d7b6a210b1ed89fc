"""Read-only access to the index that follows new commits without a restart.

Each request asks for a searcher; a ``readlink`` of ``CURRENT`` tells whether
the indexer published a new generation since the last request. Searchers are
kept per thread (Whoosh readers are not meant to be shared across threads);
per-document facet data is built once per generation and shared.

Faults: a generation that cannot be opened or read (truncated or damaged
segment files, unreadable folder) raises :class:`IndexUnavailable` — a JSON
503 — instead of a stack trace; a thread that already serves an older, intact
generation keeps serving it, and :meth:`IndexAccess.health` reports the
state as degraded with the reason. Segments are read with ordinary file reads,
not ``mmap``: a segment file truncated under an ``mmap`` kills the worker with
SIGBUS, while a short read is an exception we can answer (measured: no
difference in search time on the sample and bench indexes).
"""

from __future__ import annotations

import logging
import pickle
import struct
import threading
import time
import zlib
from array import array
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from whoosh.index import Index
from whoosh.searching import Searcher

from backends.base import BM25Params, Health, IncompatibleIndex, IndexUnavailable
from backends.whoosh.generations import check_version, current_generation, storage
from backends.whoosh.postings import LeafLengths
from backends.whoosh.scoring import weighting

#: What reading a damaged or vanished index raises from inside Whoosh.
READ_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    EOFError,
    struct.error,
    pickle.UnpicklingError,
    zlib.error,
)


def is_read_failure(exc: BaseException) -> bool:
    """Whether ``exc`` means the index files are damaged or unreadable.

    Besides I/O and decoding errors, Whoosh raises a bare ``Exception``
    ("Block tag error") on a short read of a posting block; that counts when it
    comes from Whoosh's own code, so a bug of ours still shows as a 500.
    """
    if isinstance(exc, READ_ERRORS):
        return True
    if type(exc) is Exception and exc.__traceback__ is not None:
        tb = exc.__traceback__
        while tb.tb_next is not None:
            tb = tb.tb_next
        return "whoosh" in Path(tb.tb_frame.f_code.co_filename).parts
    return False


#: A generation that failed is not retried on every request, only this often.
RETRY_SECONDS = 5.0

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DocTable:
    """Per-docnum language and date codes of one generation, for fast facets.

    ``lang[d]`` indexes :attr:`langs`; ``day[d]`` is the date as an integer
    YYYYMMDD (0 for a deleted document) and ``month[d]`` is YYYYMM, so date
    filters and month facets are integer arithmetic instead of stored-field
    reads; ``ids[d]`` breaks score ties by document id, as every backend does.
    """

    langs: tuple[str, ...]
    lang: array
    day: array
    month: array
    live: int
    ids: list[str]

    @classmethod
    def from_searcher(cls, searcher: Searcher) -> DocTable:
        reader = searcher.reader()
        n = reader.doc_count_all()
        langs_col = reader.column_reader("lang")
        dates_col = reader.column_reader("date")
        ids_col = reader.column_reader("id")
        ids = [""] * n
        langs: list[str] = []
        lang = array("b", bytes(n))
        day = array("l", bytes(8 * n)) if array("l").itemsize == 8 else array("l", [0] * n)
        live = 0
        for d in reader.all_doc_ids():
            code = langs_col[d]
            if code not in langs:
                langs.append(code)
            lang[d] = langs.index(code)
            day[d] = int(dates_col[d].replace("-", ""))
            ids[d] = ids_col[d]
            live += 1
        month = array("l", (d // 100 for d in day))
        return cls(tuple(langs), lang, day, month, live, ids)


def describe(exc: BaseException) -> str:
    """A short reason for logs and the health endpoint (no stack, no full paths)."""
    if isinstance(exc, OSError) and exc.strerror:
        name = Path(exc.filename).name if exc.filename else ""
        return f"{exc.strerror}{': ' + name if name else ''}"
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}"[:200] if text else type(exc).__name__


def open_generation(index_dir: Path, gen: str) -> Index:
    """Open one committed generation read-only, without ``mmap`` (see module doc)."""
    return storage(index_dir / gen, readonly=True).open_index()


class FieldLengths:
    """Per-document field lengths of one generation, as flat arrays.

    BM25F asks for the length of the matched field of every scored document;
    Whoosh answers each time through a column reader (a seek, a read and a
    byte decode). The lengths are read once per generation; every searcher's
    leaf searchers answer ``doc_field_length`` from the arrays (exactly
    Whoosh's answers, including its ``None`` for a zero length byte) and carry
    them as ``leaf_lengths`` for :mod:`backends.whoosh.postings`.
    """

    def __init__(self, searcher: Searcher) -> None:
        self.leaves = [LeafLengths(sub.reader()) for sub, _ in searcher.leaf_searchers()]

    def install(self, searcher: Searcher) -> None:
        """Make ``searcher``'s leaf searchers (same generation) answer from the arrays."""
        for (sub, _), leaf in zip(searcher.leaf_searchers(), self.leaves, strict=True):
            sub.doc_field_length = _length_lookup(leaf.lengths, sub.doc_field_length)
            sub.leaf_lengths = leaf


def _length_lookup(lengths: dict[str, array], fallback: Callable[..., object]) -> Callable[..., object]:
    def doc_field_length(docnum: int, fieldname: str, default: object = 0) -> object:
        arr = lengths.get(fieldname)
        if arr is None:
            return fallback(docnum, fieldname, default)
        return arr[docnum] or None

    return doc_field_length


class _Local(threading.local):
    generation: str | None = None
    index: Index | None = None
    searcher: Searcher | None = None


class IndexAccess:
    """Hands out a current searcher and the matching :class:`DocTable`."""

    def __init__(self, index_dir: Path, bm25: BM25Params = BM25Params()) -> None:
        self.index_dir = Path(index_dir)
        self.bm25 = bm25
        self._local = _Local()
        self._tables: dict[str, DocTable] = {}
        self._lengths: dict[str, FieldLengths] = {}
        self._lock = threading.Lock()
        #: generation name → (reason, monotonic time of the failure)
        self._broken: dict[str, tuple[str, float]] = {}

    def generation(self) -> str | None:
        return current_generation(self.index_dir)

    @property
    def served(self) -> str | None:
        """The generation this thread's searcher reads (may trail ``CURRENT`` if that is damaged)."""
        return self._local.generation

    def searcher(self) -> tuple[Searcher, DocTable]:
        """A searcher on the newest committed generation (opened on change).

        Raises :class:`IndexUnavailable` when there is no readable generation;
        keeps this thread's older searcher when only the newest one is damaged.
        """
        loc = self._local
        gen = current_generation(self.index_dir)
        if gen is None:
            raise IndexUnavailable(f"no index has been built in this folder ({self.index_dir.name})")
        if loc.searcher is None or gen != loc.generation:
            try:
                self._reopen(loc, gen)
            except IndexUnavailable:
                if loc.searcher is None or loc.generation in self._broken:
                    raise
                log.warning("generation %s is unreadable; still serving %s", gen, loc.generation)
        assert loc.searcher is not None and loc.generation is not None
        with self.reading():
            return loc.searcher, self._table(loc.generation, loc.searcher)

    def _reopen(self, loc: _Local, gen: str) -> None:
        failed = self._broken.get(gen)
        if failed and time.monotonic() - failed[1] < RETRY_SECONDS:
            raise IndexUnavailable(f"generation {gen} cannot be read: {failed[0]}")
        try:
            check_version(self.index_dir / gen)
            ix = open_generation(self.index_dir, gen)
            searcher = ix.searcher(weighting=weighting(self.bm25))
            self._table(gen, searcher)
            self._lengths_for(gen, searcher).install(searcher)
        except IncompatibleIndex as exc:
            self._mark_broken(gen, exc)
            raise IndexUnavailable(str(exc)) from exc
        except Exception as exc:
            if not is_read_failure(exc):
                raise
            self._mark_broken(gen, exc)
            raise IndexUnavailable(f"generation {gen} cannot be read: {describe(exc)}") from exc
        self._broken.pop(gen, None)
        old = loc.searcher
        loc.generation, loc.index, loc.searcher = gen, ix, searcher
        if old is not None:
            old.close()
        log.info("searching generation %s (%d documents)", gen, ix.doc_count())

    def _drop_searcher(self) -> None:
        loc = self._local
        if loc.searcher is not None:
            try:
                loc.searcher.close()
            except Exception:  # noqa: BLE001 - closing a damaged index may fail again
                log.debug("closing a damaged searcher failed", exc_info=True)
        loc.generation, loc.index, loc.searcher = None, None, None

    def _mark_broken(self, gen: str, exc: BaseException) -> None:
        log.error("index generation %s in %s is unreadable: %r", gen, self.index_dir, exc)
        self._broken[gen] = (describe(exc), time.monotonic())

    @contextmanager
    def reading(self) -> Iterator[None]:
        """Turn a read failure inside Whoosh (damaged files) into :class:`IndexUnavailable`."""
        try:
            yield
        except Exception as exc:
            if not is_read_failure(exc):
                raise
            gen = self._local.generation or "?"
            self._mark_broken(gen, exc)
            self._drop_searcher()  # reopen (or fail cleanly) next time
            raise IndexUnavailable(f"generation {gen} cannot be read: {describe(exc)}") from exc

    def health(self) -> Health:
        """Whether searches can be answered, from which generation, and what is wrong if not."""
        newest = current_generation(self.index_dir)
        try:
            searcher, _ = self.searcher()
        except IndexUnavailable as exc:
            return Health(False, newest, 0, str(exc), backend="whoosh")
        served = self._local.generation
        reason = None
        if served != newest:
            failed = self._broken.get(newest or "")
            reason = f"generation {newest} cannot be read ({failed[0] if failed else 'unknown'}); serving {served}"
        else:
            failed = self._broken.get(served or "")
            reason = f"generation {served} had a read error: {failed[0]}" if failed else None
        try:  # a fresh reader re-reads the table of contents and every segment's directory
            fresh = open_generation(self.index_dir, served or "")
            try:
                fresh.reader().close()
            finally:
                fresh.close()
        except Exception as exc:
            if not is_read_failure(exc):
                raise
            self._mark_broken(served or "?", exc)
            self._drop_searcher()
            return Health(False, served, 0, f"generation {served} cannot be read: {describe(exc)}", backend="whoosh")
        with self.reading():
            return Health(True, served, searcher.doc_count(), reason, backend="whoosh")

    def _lengths_for(self, gen: str, searcher: Searcher) -> FieldLengths:
        with self._lock:
            lengths = self._lengths.get(gen)
            if lengths is None:
                lengths = FieldLengths(searcher)
                self._lengths = {gen: lengths}  # older generations are done with
        return lengths

    def _table(self, gen: str, searcher: Searcher) -> DocTable:
        table = self._tables.get(gen)
        if table is None:
            with self._lock:
                table = self._tables.get(gen)
                if table is None:
                    table = DocTable.from_searcher(searcher)
                    self._tables = {gen: table}  # older generations are done with
        return table
