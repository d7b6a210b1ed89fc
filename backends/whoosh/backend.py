"""The embedded engine's reading side: a folder of Whoosh generations."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from backends.base import BM25Params, Health
from backends.whoosh.access import IndexAccess
from backends.whoosh.generations import check_version, current_generation
from backends.whoosh.reader import WhooshReader


class WhooshBackend:
    """:class:`~backends.base.Backend` over ``INDEX_DIR/CURRENT``, following new generations."""

    name = "whoosh"

    def __init__(self, index_dir: Path, bm25: BM25Params = BM25Params()) -> None:
        self.index_dir = Path(index_dir)
        self.access = IndexAccess(self.index_dir, bm25)

    @contextmanager
    def reader(self) -> Iterator[WhooshReader]:
        searcher, table = self.access.searcher()
        with self.access.reading():
            yield WhooshReader(searcher, table, self.access.served or "?")

    def check(self) -> None:
        """An index written by another analyzer version is refused at start-up;
        no index yet is fine (searches answer 503 until the first build)."""
        gen = current_generation(self.index_dir)
        if gen is not None:
            check_version(self.index_dir / gen)

    def health(self) -> Health:
        state = self.access.health()
        if not (state.serving and state.generation):
            return state
        try:
            mtime = os.stat(self.index_dir / state.generation).st_mtime
        except OSError:
            return state  # collected by a newer indexer run meanwhile; the searcher still has it open
        return replace(state, updated=dt.datetime.fromtimestamp(mtime, dt.UTC).isoformat(timespec="seconds"))

    def close(self) -> None:
        """Readers are per thread and closed when their generation is replaced."""
