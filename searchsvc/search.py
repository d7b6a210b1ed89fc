"""Running a search: matches, facets, the requested page, snippets.

Facets follow faceted-search convention: each facet is counted over the
query's matches with every *other* filter applied, so ticking "kk" still
shows how many Russian matches there are, and the month histogram shows the
months outside the chosen dates. Counting uses the per-generation
:class:`DocTable`, not Whoosh's ``groupedby`` (which scores every match).
"""

from __future__ import annotations

import heapq
import time
from collections import Counter
from dataclasses import dataclass, field

from whoosh.collectors import Collector, TimeLimit, TimeLimitCollector
from whoosh.searching import Searcher

from indexer.store import open_current
from searchsvc import spelling
from searchcore.highlight import MarkTerms, mark, snippet
from searchsvc.index_access import DocTable, IndexAccess
from searchsvc.querybuild import Built, QueryBuilder
from searchcore.querylang import parse


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


def _day(date: str | None, default: int) -> int:
    return int(date.replace("-", "")) if date else default


def count_facets(
    docnums: list[int], table: DocTable, req: SearchRequest
) -> tuple[set[int], Counter[str], Counter[str]]:
    """The filtered match set, and the two facets with the other filter applied."""
    lo, hi = _day(req.date_from, 0), _day(req.date_to, 99999999)
    wanted = {i for i, code in enumerate(table.langs) if code in req.langs} if req.langs else None
    lang_arr, day_arr = table.lang, table.day
    by_lang: Counter[int] = Counter()
    by_month: Counter[int] = Counter()
    allowed: set[int] = set()
    for d in docnums:
        code, day = lang_arr[d], day_arr[d]
        in_dates = lo <= day <= hi
        in_langs = wanted is None or code in wanted
        if in_dates:
            by_lang[code] += 1
        if in_langs:
            by_month[day // 100] += 1
            if in_dates:
                allowed.add(d)
    langs = Counter({table.langs[c]: n for c, n in by_lang.items()})
    months = Counter({f"{m // 100:04d}-{m % 100:02d}": n for m, n in by_month.items()})
    return allowed, langs, months


def _facet_list(counts: Counter[str], by_value: bool = False) -> list[dict[str, object]]:
    items = sorted(counts.items()) if by_value else sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return [{"value": v, "count": n} for v, n in items]


def _empty(req: SearchRequest, started: float) -> SearchResult:
    took = (time.perf_counter() - started) * 1000
    return SearchResult(0, req.page, req.per_page, round(took, 2), [], {"lang": [], "date": []})


def run_search(access: IndexAccess, req: SearchRequest) -> SearchResult:
    """Execute a search request against the current index generation.

    Past ``req.time_budget`` the answer is what was found so far, flagged
    ``partial`` (``total`` and facets are then lower bounds). A damaged index
    raises :class:`~searchsvc.errors.IndexUnavailable` (a JSON 503), not a 500.
    """
    with access.reading():
        return _search(access, req)


def _matches(searcher: Searcher, built: Built, deadline: float) -> tuple[list[int], bool]:
    """Every matching docnum, or those found before ``deadline`` (then True: partial)."""
    out: list[int] = []
    for i, docnum in enumerate(built.query.docs(searcher)):
        if not i & 1023 and time.perf_counter() > deadline:
            return out, True
        out.append(docnum)
    return out, False


def _search(access: IndexAccess, req: SearchRequest) -> SearchResult:
    started = time.perf_counter()
    searcher, table = access.searcher()
    built = QueryBuilder(searcher.reader(), access.ranking).build(parse(req.q))
    if built is None:
        return _empty(req, started)
    filtered = bool(req.langs or req.date_from or req.date_to)
    if req.sort == "relevance":
        # One scored pass feeds both the facets and the page (see _scored_matches).
        scores, partial = _scored_matches(searcher, built, req.time_budget)
        allowed, langs, months = count_facets(list(scores), table, req)
        hits = _top(scores, allowed if filtered else None, req)
    else:
        docnums, cut = _matches(searcher, built, started + req.time_budget)
        allowed, langs, months = count_facets(docnums, table, req)
        remaining = max(0.01, started + req.time_budget - time.perf_counter())
        hits, partial = _page(searcher, built, req, allowed if filtered else None, remaining)
        partial = partial or cut
    terms = _mark_terms(built)
    took = (time.perf_counter() - started) * 1000
    return SearchResult(
        total=len(allowed),
        page=req.page,
        per_page=req.per_page,
        took_ms=round(took, 2),
        hits=[_hit(searcher, docnum, score, terms) for docnum, score in hits],
        facets={"lang": _facet_list(langs), "date": _facet_list(months, by_value=True)},
        partial=partial,
        terms=terms,
        suggestion=_suggestion(access, searcher, table, req, len(allowed)),
    )


def _suggestion(access: IndexAccess, searcher: Searcher, table: DocTable, req: SearchRequest, total: int) -> str | None:
    """A spelling correction when the query found little (see ``searchsvc.spelling``)."""

    def count(text: str) -> int:
        built = QueryBuilder(searcher.reader(), access.ranking).build(parse(text))
        return len(count_facets(list(built.query.docs(searcher)), table, req)[0]) if built else 0

    def opener() -> Searcher:
        return open_current(access.index_dir)[1].searcher()

    return spelling.suggest(searcher, table, opener, req.q, total, count, req.langs)


class BudgetCollector(TimeLimitCollector):
    """A time budget and a docnum filter in one collecting loop.

    Whoosh's ``TimeLimitCollector`` feeds matches straight to its child's
    ``collect()``, which bypasses a ``FilterCollector`` underneath it, so the
    two cannot simply be stacked. ``use_alarm=False``: no SIGALRM in threaded
    workers.
    """

    def __init__(self, child: Collector, timelimit: float, allow: set[int] | None) -> None:
        super().__init__(child, timelimit, use_alarm=False)
        self.allow = allow

    def collect_matches(self) -> None:
        child, allow, offset = self.child, self.allow, self.child.offset
        for sub_docnum in child.matches():
            if self.timedout:
                raise TimeLimit
            if allow is None or offset + sub_docnum in allow:
                child.collect(sub_docnum)


def _page(
    searcher: Searcher, built: Built, req: SearchRequest, allowed: set[int] | None, budget: float
) -> tuple[list[tuple[int, float]], bool]:
    """The requested page sorted by date, newest first, and whether time ran out.

    Relevance is not computed on this path (the score is reported as 0).
    """
    limit = req.page * req.per_page
    collector = searcher.collector(limit=limit, sortedby="date", reverse=True)
    timed = BudgetCollector(collector, budget, allowed)
    partial = False
    try:
        searcher.search_with_collector(built.query, timed)
    except TimeLimit:
        partial = True
    results = timed.results()
    start = (req.page - 1) * req.per_page
    return [(hit.docnum, 0.0) for hit in results[start:limit]], partial


def _scored_matches(searcher: Searcher, built: Built, budget: float) -> tuple[dict[int, float], bool]:
    """Every match with its score, and whether the time budget ran out.

    The facets need every match anyway, so scoring them in the same pass and
    picking the page from the dict is cheaper than an unscored pass for the
    facets plus Whoosh's top-k collector for the page (which walks the
    postings a second time). Matchers are built per segment exactly as
    Whoosh's collectors build them, so the scores are the same.
    """
    deadline = time.perf_counter() + budget
    context = searcher.context()
    scores: dict[int, float] = {}
    for sub, offset in searcher.leaf_searchers():
        m = built.query.matcher(sub, context)
        n = 0
        while m.is_active():
            scores[offset + m.id()] = m.score()
            m.next()
            n += 1
            if not n & 1023 and time.perf_counter() > deadline:
                return scores, True
    return scores, False


def _top(scores: dict[int, float], allowed: set[int] | None, req: SearchRequest) -> list[tuple[int, float]]:
    """The requested page by score, ties by docnum (Whoosh's collector order)."""
    limit = req.page * req.per_page
    pool = scores if allowed is None else allowed
    best = heapq.nsmallest(limit, pool, key=lambda d: (-scores[d], d))
    return [(d, float(scores[d] or 0.0)) for d in best[(req.page - 1) * req.per_page : limit]]


def _mark_terms(built: Built) -> MarkTerms:
    return MarkTerms(
        stems={k: frozenset(v) for k, v in built.stems.items()},
        folded=frozenset(built.folded),
        prefixes=frozenset(built.prefixes),
    )


def _hit(searcher: Searcher, docnum: int, score: float, terms: MarkTerms) -> Hit:
    doc = searcher.stored_fields(docnum)
    lang = doc["lang"]
    return Hit(
        id=doc["id"],
        title=doc["title"],
        title_html=mark(doc["title"], terms, lang),
        date=doc["date"],
        lang=lang,
        score=round(score, 4),
        snippet=snippet(doc["body"], terms, lang),
    )
