"""The embedded engine's writing side: each transaction is a new generation.

A transaction writes a complete generation (hard links to the current one
plus the changes, or a fresh index) and publishes it with one atomic rename
of ``CURRENT``; an exception or a killed process leaves ``CURRENT`` where it
was (see :mod:`backends.whoosh.generations`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from whoosh.index import Index

from backends.base import CorruptIndex, Document, NothingIndexable
from backends.whoosh import maintenance
from backends.whoosh.codec import KazruCodec
from backends.whoosh.generations import current_generation, new_generation, open_current, writer_lock
from backends.whoosh.schema import document_fields
from backends.whoosh.writers import CompactSegmentWriter, ParallelWriter

#: The in-memory posting pools, in MB, shared out over the writer processes: each
#: of ``procs`` writers fills its own :class:`~backends.whoosh.pool.CompactPool`
#: (whose size estimate is close to its real memory) before it spills a sorted
#: run to disk, so the total bounds most of a build's peak memory (see README
#: "Performance benchmark").
POOL_MB = 128


class WhooshBatch:
    """Adds and deletes on one open Whoosh writer."""

    def __init__(self, writer: object) -> None:
        self.writer = writer

    def add(self, doc: Document, replaces: bool) -> None:
        if replaces:
            self.writer.delete_by_term("id", doc.doc_id)  # type: ignore[attr-defined]
        self.writer.add_document(**document_fields(doc))  # type: ignore[attr-defined]

    def delete(self, doc_id: str) -> None:
        self.writer.delete_by_term("id", doc_id)  # type: ignore[attr-defined]


def indexed_hashes(ix: Index) -> dict[str, str]:
    """Document id → content hash of every live document, from the columns."""
    with ix.reader() as reader:
        ids = reader.column_reader("id")
        hashes = reader.column_reader("hash")
        return {ids[d]: hashes[d] for d in reader.all_doc_ids()}


class WhooshStore:
    """:class:`~backends.base.Store` on an index folder; ``procs`` > 1 uses Whoosh's multiprocessing writer."""

    name = "whoosh"

    def __init__(self, index_dir: Path, procs: int = 1) -> None:
        self.index_dir = Path(index_dir)
        self.procs = procs

    def __repr__(self) -> str:
        return f"whoosh index {self.index_dir}"

    def lock(self, wait: float = 0.0) -> AbstractContextManager[None]:
        return writer_lock(self.index_dir, wait)

    def published(self) -> str | None:
        return current_generation(self.index_dir)

    def known_hashes(self) -> dict[str, str]:
        gen = self.published()
        if not gen:
            return {}
        try:
            _, ix = open_current(self.index_dir)
            try:
                return indexed_hashes(ix)
            finally:
                ix.close()
        except OSError:
            raise
        except Exception as exc:  # Whoosh reports damaged files as EOFError, struct.error, bare Exception...
            raise CorruptIndex(
                f"generation {gen} in {self.index_dir} is damaged ({type(exc).__name__}: {exc}); nothing was "
                f"written. Rebuild it from the corpus: python -m indexer build CORPUS_DIR --index {self.index_dir}"
            ) from exc

    @contextmanager
    def transaction(self, fresh: bool) -> Iterator[WhooshBatch]:
        with new_generation(self.index_dir, fresh=fresh) as gen:
            limitmb = max(32, POOL_MB // self.procs)
            if self.procs > 1:
                writer = ParallelWriter(gen.index, procs=self.procs, limitmb=limitmb, codec=KazruCodec())
            else:
                writer = CompactSegmentWriter(gen.index, limitmb=limitmb, codec=KazruCodec())
            try:
                yield WhooshBatch(writer)
            except BaseException:
                writer.cancel()
                raise
            writer.commit()
            if gen.index.doc_count() == 0:
                raise NothingIndexable(
                    "the index would be empty (empty or wholly malformed folder?); nothing was published"
                )

    def doc_count(self) -> int:
        _, ix = open_current(self.index_dir)
        try:
            return ix.doc_count()
        finally:
            ix.close()

    def stats(self) -> dict[str, object]:
        return maintenance.index_stats(self.index_dir).as_dict()

    def optimize(self, wait: float = 0.0) -> dict[str, object]:
        return maintenance.optimize(self.index_dir, wait=wait).as_dict()
