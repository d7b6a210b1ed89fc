"""Our engine in-process, as the web service runs it: ``run_search`` on the
embedded (Whoosh) backend — top 10, snippets, both facets, did-you-mean."""

from __future__ import annotations

from pathlib import Path
from typing import Any


class Ours:
    """One opened index; :meth:`search` takes the bench's request parameters."""

    def __init__(self, index: Path) -> None:
        try:
            from backends.whoosh import WhooshBackend
            from searchcore.search import SearchRequest, run_search
        except ImportError:  # the layout before backends/whoosh
            from searchsvc.index_access import IndexAccess  # type: ignore[import-not-found]
            from searchsvc.search import SearchRequest, run_search  # type: ignore[import-not-found,no-redef]

            self.backend: Any = IndexAccess(index)
        else:
            self.backend = WhooshBackend(index)
        self._request, self._run = SearchRequest, run_search

    def search(self, params: dict[str, object]) -> Any:
        langs = params.get("lang")
        req = self._request(
            q=str(params["q"]),
            langs=(str(langs),) if langs else (),
            date_from=params.get("date_from"),
            date_to=params.get("date_to"),
        )
        return self._run(self.backend, req)
