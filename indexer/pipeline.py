"""Full builds and incremental updates of an index from a corpus folder.

Both paths share one routine: compare the folder with what the index holds
(document id → content hash), then add, replace and delete in a single new
generation. A full build is the same with an empty starting point.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from whoosh.index import Index

from indexer.corpus import Article, MalformedFile, content_hash, list_corpus, parse_bytes
from indexer.schema import text_fields_for
from indexer.store import begin_generation, current_generation, open_current

log = logging.getLogger(__name__)

ProgressFactory = Callable[[int, str], Callable[[int], None]]


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

    @property
    def changed(self) -> int:
        return self.added + self.updated + self.deleted

    def as_dict(self) -> dict[str, object]:
        return asdict(self)

    def line(self) -> str:
        return (
            f"indexed {self.added}, updated {self.updated}, deleted {self.deleted}, "
            f"unchanged {self.unchanged}, skipped {len(self.skipped)}; "
            f"{self.documents} documents in {self.generation or 'no index'} ({self.seconds:.1f}s)"
        )


def document_fields(article: Article) -> dict[str, str]:
    """The Whoosh document for an article: stored data plus its language's fields."""
    title_field, body_field = text_fields_for(article.lang)
    return {
        "id": article.doc_id,
        "hash": article.content_hash,
        "lang": article.lang,
        "date": article.date,
        "path": article.path,
        "title": article.title,
        "body": article.body,
        title_field: article.title,
        body_field: article.body,
        "fold": f"{article.title}\n{article.body}",
    }


def indexed_hashes(ix: Index) -> dict[str, str]:
    """Document id → content hash of every live document, from the columns."""
    with ix.reader() as reader:
        ids = reader.column_reader("id")
        hashes = reader.column_reader("hash")
        return {ids[d]: hashes[d] for d in reader.all_doc_ids()}


@dataclass
class _Plan:
    to_add: list[Article] = field(default_factory=list)
    to_replace: list[Article] = field(default_factory=list)
    to_delete: list[str] = field(default_factory=list)


def _plan(corpus_dir: Path, known: dict[str, str], summary: Summary, tick: Callable[[int], None]) -> _Plan:
    plan = _Plan()
    listing = list_corpus(corpus_dir)
    for doc_id, path in listing.items():
        tick(1)
        try:
            data = path.read_bytes()
        except OSError as exc:
            _skip(summary, MalformedFile(path, f"cannot read: {exc.strerror or exc}"))
            continue
        old = known.get(doc_id)
        if old is not None and old == content_hash(data):
            summary.unchanged += 1
            continue
        try:
            article = parse_bytes(data, path)
        except MalformedFile as bad:
            # A previously indexed version stays searchable: nothing is lost.
            _skip(summary, bad)
            continue
        (plan.to_add if old is None else plan.to_replace).append(article)
    plan.to_delete = sorted(set(known) - set(listing))
    return plan


def _skip(summary: Summary, bad: MalformedFile) -> None:
    log.warning("skipped %s: %s", bad.path, bad.reason)
    summary.skipped.append({"path": bad.path, "reason": bad.reason})


def _no_progress(total: int, what: str) -> Callable[[int], None]:
    return lambda n: None


def sync(
    corpus_dir: Path,
    index_dir: Path,
    *,
    fresh: bool = False,
    wait: float = 0.0,
    procs: int = 1,
    progress: ProgressFactory = _no_progress,
) -> Summary:
    """Make the index match the folder; ``fresh`` rebuilds from nothing.

    Returns the summary; raises ``WriterBusy`` when another writer holds the
    lock and ``OSError`` when the index cannot be written. Nothing is written
    when nothing changed, so running it twice in a row is free.
    """
    started = time.perf_counter()
    summary = Summary()
    if not corpus_dir.is_dir():
        raise FileNotFoundError(f"corpus folder not found: {corpus_dir}")
    known: dict[str, str] = {}
    if not fresh and current_generation(index_dir):
        _, ix = open_current(index_dir)
        known = indexed_hashes(ix)
        ix.close()
    total = len(list_corpus(corpus_dir))
    plan = _plan(corpus_dir, known, summary, progress(total, "scanning"))
    if fresh or plan.to_add or plan.to_replace or plan.to_delete or not current_generation(index_dir):
        _write(index_dir, plan, fresh=fresh, wait=wait, procs=procs, summary=summary, progress=progress)
    summary.generation = current_generation(index_dir)
    if summary.generation:
        _, ix = open_current(index_dir)
        summary.documents = ix.doc_count()
        ix.close()
    summary.seconds = time.perf_counter() - started
    return summary


def _write(
    index_dir: Path, plan: _Plan, *, fresh: bool, wait: float, procs: int, summary: Summary, progress: ProgressFactory
) -> None:
    with begin_generation(index_dir, fresh=fresh, wait=wait) as gen:
        kwargs = {"procs": procs, "multisegment": True} if procs > 1 else {}
        writer = gen.index.writer(limitmb=256, **kwargs)
        try:
            for doc_id in plan.to_delete:
                writer.delete_by_term("id", doc_id)
            tick = progress(len(plan.to_add) + len(plan.to_replace), "indexing")
            for article in plan.to_replace:
                writer.delete_by_term("id", article.doc_id)
            _add_all(writer, plan.to_add + plan.to_replace, tick)
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
    summary.added, summary.updated, summary.deleted = len(plan.to_add), len(plan.to_replace), len(plan.to_delete)


def _add_all(writer: object, articles: Iterable[Article], tick: Callable[[int], None]) -> None:
    for article in articles:
        writer.add_document(**document_fields(article))  # type: ignore[attr-defined]
        tick(1)
