"""``backends.base`` queries and search specs as OpenSearch query DSL.

The terms are already analysed by the core, so leaves are ``term`` /
``prefix`` queries (never analysed) and ``match_phrase`` over the
whitespace-only analyzer (which only splits the space-joined terms back).

Coordination, ``score = S * f(k)`` with ``f(k) = (k/n) ** p`` for ``k`` of ``n``
clauses matched, is built without scripts: a ``bool.should`` of copies of the
clauses, copy ``j`` requiring ``minimum_should_match: j`` and boosted by
``f(j) - f(j_prev)``. A document matching ``k`` clauses matches every copy with
``j <= k``, each scoring ``S`` times its boost, and the boosts telescope to
``S * f(k)`` exactly. The first copy kept is ``j = min_match`` with boost
``f(min_match)``, so documents below ``min_match`` match nothing.

Each copy repeats every leaf, and Lucene caps the leaves of one query
(``indices.query.bool.max_clause_count``, 1024 by default, counted across
nesting and after prefix expansion). When ``n`` copies would pass
the budget (or :data:`MAX_LEVELS`), only evenly spread thresholds are kept (always
``min_match`` and ``n``): then ``f`` is a staircase that is exact at the kept
thresholds and rounds down between them, and the query stays answerable.
"""

from __future__ import annotations

from typing import Any

from backends.base import Clause, Filters, Leaf, Phrase, Prefix, Query, QueryTooLarge, SearchSpec, Term
from backends.opensearch.mapping import SOURCE_FIELDS

#: Leaves (after prefix expansion) one query may hold when the cluster's limit is
#: unknown: below Lucene's default 1024, to leave room for the filters. The
#: backend passes ``limit - FILTER_ROOM`` of the cluster it talks to.
LEAF_BUDGET = 1000
FILTER_ROOM = 24
#: Coordination levels at most: each level evaluates every clause again, so a 32-word query
#: with all 32 levels costs 32 × 32 clause evaluations and enough heap to trip a small node's
#: circuit breaker. Queries of up to 16 words stay exact; longer ones get the staircase.
MAX_LEVELS = 16
SORTS = {
    "relevance": [{"_score": {"order": "desc"}}, {"id": {"order": "asc"}}],
    "date": [{"date": {"order": "desc"}}, {"id": {"order": "asc"}}],
}
LANG_FACET_SIZE = 10
#: Frozen, so one shared default is safe.
NO_FILTERS = Filters()


def leaf(node: Leaf) -> dict[str, Any]:
    """One term, phrase or bounded prefix as DSL."""
    if isinstance(node, Term):
        return {"term": {node.field: {"value": node.text, "boost": node.boost}}}
    if isinstance(node, Phrase):
        return {"match_phrase": {node.field: {"query": " ".join(node.terms), "boost": node.boost}}}
    if isinstance(node, Prefix):
        # top_terms_N: the N best terms by boost (all equal here), ties kept in term
        # order, each scored as a term query - the Whoosh side's bounded expansion.
        return {
            "prefix": {
                node.field: {"value": node.prefix, "rewrite": f"top_terms_{max(1, node.limit)}", "boost": node.boost}
            }
        }
    raise TypeError(f"not a query leaf: {node!r}")


def leaf_cost(node: Leaf) -> int:
    """Leaves this node becomes inside Lucene (a prefix expands to up to ``limit`` terms)."""
    return max(1, node.limit) if isinstance(node, Prefix) else 1


def clause(node: Clause) -> dict[str, Any]:
    """One query word: its leaves' scores add up."""
    if len(node.leaves) == 1:
        return leaf(node.leaves[0])
    return {"bool": {"should": [leaf(x) for x in node.leaves]}}


def thresholds(n: int, min_match: int, copies: int) -> list[int]:
    """The match-count thresholds to build copies for: all of ``min_match..n`` if they fit, else spread."""
    lo = max(1, min(min_match, n))
    every = list(range(lo, n + 1))
    if copies >= len(every):
        return every
    copies = max(1, copies)
    if copies == 1:
        return [lo]
    step = (n - lo) / (copies - 1)
    return sorted({lo + round(i * step) for i in range(copies)})


def coordinated(query: Query, budget: int = LEAF_BUDGET) -> dict[str, Any]:
    """The ranked OR with the coordination factor (see the module docstring)."""
    n = len(query.clauses)
    built = [clause(c) for c in query.clauses]
    min_match = max(1, query.min_match)
    if min_match > n:
        return {"match_none": {}}
    if n == 1:
        return built[0]
    per_copy = sum(leaf_cost(x) for c in query.clauses for x in c.leaves)
    excluded = sum(leaf_cost(x) for x in query.excluded)
    if per_copy + excluded > budget:
        raise QueryTooLarge(f"{per_copy + excluded} index terms; this cluster allows {budget} per query")
    copies = min(MAX_LEVELS, max(1, (budget - excluded) // max(1, per_copy)))
    levels = thresholds(n, min_match, copies)

    def f(k: int) -> float:
        return (k / n) ** query.coord_power

    should: list[dict[str, Any]] = []
    previous = 0.0
    for j in levels:
        boost = f(j) - previous
        previous = f(j)
        if boost <= 0 and should:
            continue  # coord_power 0: later copies add nothing
        should.append({"bool": {"should": built, "minimum_should_match": j, "boost": boost}})
    if len(should) == 1:
        return should[0]
    return {"bool": {"should": should}}


def to_dsl(query: Query, budget: int = LEAF_BUDGET) -> dict[str, Any]:
    """The scoring query: coordinated clauses minus the excluded leaves; no clauses → every document.

    ``budget``: the leaves the cluster accepts in one query; a query that cannot
    fit even with one coordination level raises :class:`QueryTooLarge` (a 400).
    """
    main = coordinated(query, budget) if query.clauses else {"match_all": {}}
    if not query.excluded:
        return main
    return {"bool": {"must": [main], "must_not": [leaf(x) for x in query.excluded]}}


def lang_filter(filters: Filters) -> dict[str, Any] | None:
    return {"terms": {"lang": list(filters.langs)}} if filters.langs else None


def date_filter(filters: Filters) -> dict[str, Any] | None:
    if not (filters.date_from or filters.date_to):
        return None
    bounds: dict[str, str] = {"format": "yyyy-MM-dd"}
    if filters.date_from:
        bounds["gte"] = filters.date_from
    if filters.date_to:
        bounds["lte"] = filters.date_to
    return {"range": {"date": bounds}}


def filter_list(filters: Filters) -> list[dict[str, Any]]:
    return [f for f in (lang_filter(filters), date_filter(filters)) if f is not None]


def filtered(query: Query, filters: Filters, budget: int = LEAF_BUDGET) -> dict[str, Any]:
    """The query with the filters applied as non-scoring clauses (``_count`` and scans)."""
    main = to_dsl(query, budget)
    flist = filter_list(filters)
    if not flist:
        return main
    return {"bool": {"must": [main], "filter": flist}}


def _only(f: dict[str, Any] | None) -> dict[str, Any]:
    return f if f is not None else {"match_all": {}}


def search_body(spec: SearchSpec, budget: int = LEAF_BUDGET) -> dict[str, Any]:
    """One page plus both facets, the faceted-search way.

    The query carries no filters, so the aggregations see every match:
    ``lang`` counts under the date filter only, ``month`` under the language
    filter only, and ``post_filter`` applies both to the hits and the total.
    """
    if spec.sort not in SORTS:
        raise ValueError(f"unknown sort {spec.sort!r}")
    body: dict[str, Any] = {
        "query": to_dsl(spec.query, budget),
        "from": max(0, spec.offset),
        "size": max(0, spec.limit),
        "sort": SORTS[spec.sort],
        "track_total_hits": True,
        "_source": list(SOURCE_FIELDS),
        "timeout": f"{max(1, int(spec.time_budget * 1000))}ms",
        "aggs": {
            "lang": {
                "filter": _only(date_filter(spec.filters)),
                "aggs": {"values": {"terms": {"field": "lang", "size": LANG_FACET_SIZE}}},
            },
            "month": {
                "filter": _only(lang_filter(spec.filters)),
                "aggs": {
                    "values": {
                        "date_histogram": {
                            "field": "date",
                            "calendar_interval": "month",
                            "min_doc_count": 1,
                            "format": "yyyy-MM",
                        }
                    }
                },
            },
        },
    }
    flist = filter_list(spec.filters)
    if flist:
        body["post_filter"] = flist[0] if len(flist) == 1 else {"bool": {"filter": flist}}
    return body
