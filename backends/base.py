"""The engine contract: what the search core and the indexer ask of an index.

Everything engine-specific (Whoosh generations on disk, an OpenSearch alias on
a cluster) hides behind two small protocols:

* :class:`Backend` — the reading side the web service uses: a
  :class:`Reader` per request, and health;
* :class:`Store` — the writing side the indexer uses: a writer lock, the
  content hashes already indexed, and :class:`Batch` transactions that are
  published whole or not at all.

The search core analyses query words itself (``analyzers``, one
implementation) and hands the engine a :class:`Query` made only of index
terms, so both engines see exactly the same terms, boosts and structure.
Stored text comes back verbatim and the core highlights it, so snippets are
byte-identical across engines. Dependencies point one way: ``analyzers`` ←
``backends`` ← ``searchcore`` ← ``indexer`` / ``searchsvc``; nothing here
imports the core, Flask or the indexer.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

#: Languages with their own title/body fields; anything else is indexed in the Russian ones.
TEXT_LANGS = ("kk", "ru")
#: The letter-folded field holding both languages' stems (Russian keyboard, Latin, names).
FOLD_FIELD = "fold"


def text_fields_for(lang: str) -> tuple[str, str]:
    """The (title, body) field names that hold a document of this language."""
    code = lang if lang in TEXT_LANGS else "ru"
    return f"title_{code}", f"body_{code}"


def text_field_names() -> tuple[str, ...]:
    """Every analysed field, in a fixed order."""
    return tuple(f"{part}_{lang}" for lang in TEXT_LANGS for part in ("title", "body")) + (FOLD_FIELD,)


# --- errors ---------------------------------------------------------------


class BackendError(RuntimeError):
    """Base of the errors below."""


class IndexUnavailable(BackendError):
    """The index cannot be read right now (missing, damaged, cluster down).

    A condition of the server, not of the request: the API answers 503 JSON
    with ``Retry-After`` instead of a 500, and ``/api/health`` says why.
    ``retry_after`` is the seconds a client should wait.
    """

    def __init__(self, message: str, retry_after: int = 30) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class QueryTooLarge(BackendError):
    """The engine cannot run a query this large (e.g. a cluster's clause limit): the
    request's fault, answered 400 naming ``q``, never a 500 or a 503."""


class IndexMissing(BackendError):
    """No index has been published yet at this location."""


class IncompatibleIndex(BackendError):
    """The index was written by another analyzer or schema version: rebuild it."""


class WriterBusy(BackendError):
    """Another indexer holds the writer lock."""


class CorruptIndex(OSError):
    """The published index cannot be read, so an update has nothing to build on.

    An ``OSError`` so every indexer verb maps it to exit code 4.
    """


class NothingIndexable(BackendError):
    """The run would leave an empty index, so nothing was published."""


# --- the query the core hands to an engine ---------------------------------


@dataclass(frozen=True)
class Term:
    """One index term in one field; ``boost`` multiplies its BM25 score."""

    field: str
    text: str
    boost: float = 1.0


@dataclass(frozen=True)
class Phrase:
    """Index terms at consecutive positions in one field."""

    field: str
    terms: tuple[str, ...]
    boost: float = 1.0


@dataclass(frozen=True)
class Prefix:
    """Index terms of ``field`` starting with ``prefix``: the first ``limit`` of
    them in term order, each scored like a :class:`Term` (bounded expansion)."""

    field: str
    prefix: str
    boost: float = 1.0
    limit: int = 64


Leaf = Term | Phrase | Prefix


@dataclass(frozen=True)
class Clause:
    """One query word (or phrase, or OR-group): its leaves' scores add up,
    and it counts once for coordination however many leaves match."""

    leaves: tuple[Leaf, ...]


@dataclass(frozen=True)
class Query:
    """A ranked OR of clauses with coordination, minus the excluded leaves.

    A document's score is ``sum(matched clause scores) * (matched / len(clauses)) ** coord_power``;
    it must match at least ``min_match`` clauses. No clauses means every document
    (used to list documents under filters).
    """

    clauses: tuple[Clause, ...]
    excluded: tuple[Leaf, ...] = ()
    coord_power: float = 0.5
    min_match: int = 1


@dataclass(frozen=True)
class Filters:
    """Language codes (any of) and an inclusive ``YYYY-MM-DD`` date range."""

    langs: tuple[str, ...] = ()
    date_from: str | None = None
    date_to: str | None = None

    def __bool__(self) -> bool:
        return bool(self.langs or self.date_from or self.date_to)


@dataclass(frozen=True)
class SearchSpec:
    """One page of one search, with the facets counted alongside.

    ``sort`` is ``relevance`` (score, ties by id) or ``date`` (newest first,
    ties by id); ``time_budget`` in seconds bounds the engine's work.
    """

    query: Query
    filters: Filters = Filters()
    sort: str = "relevance"
    offset: int = 0
    limit: int = 10
    time_budget: float = 2.0


@dataclass(frozen=True)
class StoredDoc:
    """A document as it was given to the index."""

    id: str
    title: str
    body: str
    date: str
    lang: str
    path: str = ""
    hash: str = ""


@dataclass
class Found:
    """What the engine found: the page, the total and both facets.

    ``lang_counts`` is counted over the matches with the date filter only,
    ``month_counts`` (``YYYY-MM``) with the language filter only, ``total``
    with both — the faceted-search convention. ``partial`` means the time
    budget ran out, so the counts are lower bounds.
    """

    total: int
    hits: list[tuple[StoredDoc, float]]
    lang_counts: dict[str, int] = field(default_factory=dict)
    month_counts: dict[str, int] = field(default_factory=dict)
    partial: bool = False


@dataclass(frozen=True)
class BM25Params:
    """BM25 per field: titles are short and alike in length, so they get their own ``b``."""

    k1: float = 1.2
    b: float = 0.75
    title_b: float = 0.5


@dataclass(frozen=True)
class Health:
    """What ``/api/health`` reports: ``serving`` is False when nothing can be searched."""

    serving: bool
    generation: str | None
    documents: int
    reason: str | None
    backend: str = ""
    #: When the served index was last published (ISO 8601, UTC), if known.
    updated: str | None = None


# --- reading ----------------------------------------------------------------


@runtime_checkable
class Reader(Protocol):
    """A consistent view of the index for one request (one thread)."""

    #: Identifies the indexed state (generation, document count...): caches
    #: built from the index (spelling, completions) are keyed by it.
    key: str

    def doc_count(self) -> int: ...

    def search(self, spec: SearchSpec) -> Found: ...

    def count(self, query: Query, filters: Filters) -> int:
        """Matches of ``query`` under ``filters`` (did-you-mean compares counts)."""
        ...

    def doc_frequency(self, field: str, term: str) -> int: ...

    def document(self, doc_id: str) -> StoredDoc | None: ...

    def scan(self, filters: Filters = Filters(), limit: int | None = None) -> Iterator[StoredDoc]:
        """Live documents under ``filters`` in id order (vocabularies, related stories)."""
        ...


class Backend(Protocol):
    """The reading side of one engine, as the web service holds it."""

    name: str

    def reader(self) -> AbstractContextManager[Reader]:
        """A reader on the newest published index; raises :class:`IndexUnavailable`."""
        ...

    def check(self) -> None:
        """At start-up: raise a clear :class:`BackendError` when this engine cannot serve
        (cluster unreachable, index written by another analyzer version)."""
        ...

    def health(self) -> Health: ...

    def close(self) -> None: ...


# --- writing -----------------------------------------------------------------


class Document(Protocol):
    """What the indexer hands over per article (``indexer.corpus.Article``)."""

    doc_id: str
    date: str
    title: str
    body: str
    lang: str
    path: str
    content_hash: str


def stored_fields(doc: Document) -> dict[str, str]:
    """What every engine keeps of a document verbatim (returned as :class:`StoredDoc`)."""
    return {
        "id": doc.doc_id,
        "hash": doc.content_hash,
        "lang": doc.lang,
        "date": doc.date,
        "path": doc.path,
        "title": doc.title,
        "body": doc.body,
    }


class Batch(Protocol):
    """Changes that become visible together when the transaction ends."""

    def add(self, doc: Document, replaces: bool) -> None: ...

    def delete(self, doc_id: str) -> None: ...


class Store(Protocol):
    """The writing side of one engine, as the indexer holds it."""

    name: str

    def lock(self, wait: float = 0.0) -> AbstractContextManager[None]:
        """The single-writer lock; raises :class:`WriterBusy` after ``wait`` seconds."""
        ...

    def published(self) -> str | None:
        """Name of the published index state (generation or concrete index), or None."""
        ...

    def known_hashes(self) -> dict[str, str]:
        """Document id → content hash of every live document; raises :class:`CorruptIndex`."""
        ...

    def transaction(self, fresh: bool) -> AbstractContextManager[Batch]:
        """Changes published at a clean exit, dropped on an exception.

        ``fresh`` starts from an empty index that replaces the published one
        atomically; otherwise the changes apply on top of it. Raises
        :class:`NothingIndexable` instead of publishing an empty index. An
        engine may make an incremental transaction's documents visible as they
        are sent (OpenSearch), each document whole; an interrupted one is then
        completed by the next run, which compares content hashes again.
        """
        ...

    def doc_count(self) -> int: ...

    def stats(self) -> dict[str, object]:
        """Counts per language, date range, size — for ``indexer stats``."""
        ...

    def optimize(self, wait: float = 0.0) -> dict[str, object]:
        """Merge segments (and purge deletions); what it did, for ``indexer optimize``."""
        ...
