"""Running a search on any backend: plan, find, highlight, suggest.

The engine returns the page's stored documents, the total and both facets
(see :class:`backends.base.Found`); snippets and highlighted titles are made
here from the stored text, so they are byte-identical on every engine.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from backends.base import Backend, Filters, Found, Reader, SearchSpec
from searchcore import spelling
from searchcore.highlight import MarkTerms, mark, snippet
from searchcore.plan import Plan, QueryPlanner
from searchcore.querylang import parse
from searchcore.ranking import DEFAULT, Ranking


@dataclass(frozen=True)
class SearchRequest:
    """A validated search request (see ``searchsvc.schemas``)."""

    q: str
    langs: tuple[str, ...] = ()
    date_from: str | None = None
    date_to: str | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = 10
    time_budget: float = 2.0

    @property
    def filters(self) -> Filters:
        return Filters(self.langs, self.date_from, self.date_to)


@dataclass
class Hit:
    id: str
    title: str
    title_html: str
    date: str
    lang: str
    score: float
    snippet: str


@dataclass
class SearchResult:
    total: int
    page: int
    per_page: int
    took_ms: float
    hits: list[Hit]
    facets: dict[str, list[dict[str, object]]]
    partial: bool = False
    terms: MarkTerms | None = field(default=None, repr=False)
    #: "Did you mean": the whole corrected query (plain text), or None.
    suggestion: str | None = None


def plan(q: str, ranking: Ranking = DEFAULT) -> Plan | None:
    """The engine query and the words to mark for a query text (None: nothing searchable)."""
    return QueryPlanner(ranking).build(parse(q))


def _facet_list(counts: dict[str, int], by_value: bool = False) -> list[dict[str, object]]:
    items = sorted(counts.items()) if by_value else sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return [{"value": v, "count": n} for v, n in items]


def run_search(backend: Backend, req: SearchRequest, ranking: Ranking = DEFAULT) -> SearchResult:
    """Execute a search request against the newest published index.

    Past ``req.time_budget`` the answer is what was found so far, flagged
    ``partial`` (``total`` and facets are then lower bounds). An index that
    cannot be read raises :class:`~backends.base.IndexUnavailable` (a JSON
    503), not a 500.
    """
    started = time.perf_counter()
    planned = plan(req.q, ranking)
    if planned is None:
        return _result(req, started, Found(0, []), None, None)
    with backend.reader() as reader:
        spec = SearchSpec(
            planned.query,
            req.filters,
            req.sort,
            (req.page - 1) * req.per_page,
            req.per_page,
            req.time_budget,
        )
        found = reader.search(spec)
        suggestion = _suggestion(backend, reader, req, found.total, ranking)
    return _result(req, started, found, planned.terms, suggestion)


def _result(
    req: SearchRequest, started: float, found: Found, terms: MarkTerms | None, suggestion: str | None
) -> SearchResult:
    marks = terms or _NO_TERMS
    hits = [
        Hit(
            id=doc.id,
            title=doc.title,
            title_html=mark(doc.title, marks, doc.lang),
            date=doc.date,
            lang=doc.lang,
            score=round(score, 4),
            snippet=snippet(doc.body, marks, doc.lang),
        )
        for doc, score in found.hits
    ]
    return SearchResult(
        total=found.total,
        page=req.page,
        per_page=req.per_page,
        took_ms=round((time.perf_counter() - started) * 1000, 2),
        hits=hits,
        facets={"lang": _facet_list(found.lang_counts), "date": _facet_list(found.month_counts, by_value=True)},
        partial=found.partial,
        terms=terms,
        suggestion=suggestion,
    )


_NO_TERMS = MarkTerms(stems={}, folded=frozenset(), prefixes=frozenset())


def _suggestion(backend: Backend, reader: Reader, req: SearchRequest, total: int, ranking: Ranking) -> str | None:
    """A spelling correction when the query found little (see ``searchcore.spelling``)."""

    def count(text: str) -> int:
        planned = plan(text, ranking)
        return reader.count(planned.query, req.filters) if planned else 0

    return spelling.suggest(backend, reader, req.q, total, count, req.langs)
