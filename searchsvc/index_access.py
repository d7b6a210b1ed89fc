"""Read-only access to the index that follows new commits without a restart.

Each request asks for a searcher; a ``readlink`` of ``CURRENT`` tells whether
the indexer published a new generation since the last request. Searchers are
kept per thread (Whoosh readers are not meant to be shared across threads);
per-document facet data is built once per generation and shared.
"""

from __future__ import annotations

import logging
import threading
from array import array
from dataclasses import dataclass
from pathlib import Path

from whoosh.index import Index
from whoosh.searching import Searcher

from indexer.store import current_generation, open_current
from searchsvc.ranking import DEFAULT, Ranking

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DocTable:
    """Per-docnum language and date codes of one generation, for fast facets.

    ``lang[d]`` indexes :attr:`langs`; ``day[d]`` is the date as an integer
    YYYYMMDD (0 for a deleted document), so date filters and month facets are
    integer arithmetic instead of stored-field reads.
    """

    langs: tuple[str, ...]
    lang: array
    day: array
    live: int

    @classmethod
    def from_searcher(cls, searcher: Searcher) -> DocTable:
        reader = searcher.reader()
        n = reader.doc_count_all()
        langs_col = reader.column_reader("lang")
        dates_col = reader.column_reader("date")
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
            live += 1
        return cls(tuple(langs), lang, day, live)


class _Local(threading.local):
    generation: str | None = None
    index: Index | None = None
    searcher: Searcher | None = None


class IndexAccess:
    """Hands out a current searcher and the matching :class:`DocTable`."""

    def __init__(self, index_dir: Path, ranking: Ranking = DEFAULT) -> None:
        self.index_dir = Path(index_dir)
        self.ranking = ranking
        self._local = _Local()
        self._tables: dict[str, DocTable] = {}
        self._lock = threading.Lock()

    def generation(self) -> str | None:
        return current_generation(self.index_dir)

    def searcher(self) -> tuple[Searcher, DocTable]:
        """A searcher on the newest committed generation (opened on change)."""
        loc = self._local
        gen = current_generation(self.index_dir)
        if loc.searcher is None or gen != loc.generation:
            self._reopen(loc)
        assert loc.searcher is not None and loc.generation is not None
        return loc.searcher, self._table(loc.generation, loc.searcher)

    def _reopen(self, loc: _Local) -> None:
        gen, ix = open_current(self.index_dir)
        old = loc.searcher
        loc.generation, loc.index, loc.searcher = gen, ix, ix.searcher(weighting=self.ranking.weighting())
        if old is not None:
            old.close()
        log.info("searching generation %s (%d documents)", gen, ix.doc_count())

    def _table(self, gen: str, searcher: Searcher) -> DocTable:
        table = self._tables.get(gen)
        if table is None:
            with self._lock:
                table = self._tables.get(gen)
                if table is None:
                    table = DocTable.from_searcher(searcher)
                    self._tables = {gen: table}  # older generations are done with
        return table
