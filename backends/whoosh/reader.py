"""Answering the core's requests from one Whoosh generation.

Facets follow faceted-search convention: each facet is counted over the
query's matches with every *other* filter applied. Counting uses the
per-generation :class:`DocTable`, not Whoosh's ``groupedby`` (which scores
every match). On the relevance path one scored pass feeds both the facets and
the page.
"""

from __future__ import annotations

import heapq
import time
from collections import Counter
from collections.abc import Collection, Iterator
from operator import itemgetter

from whoosh import query as wq
from whoosh import sorting
from whoosh.collectors import Collector, TimeLimit, TimeLimitCollector
from whoosh.query import Query as WhooshQuery
from whoosh.searching import Searcher

from backends.base import Filters, Found, Query, SearchSpec, StoredDoc
from backends.whoosh.access import DocTable
from backends.whoosh.coordination import DictScored
from backends.whoosh.translate import to_whoosh

#: Date order, newest first, ties by id (the same on every backend).
DATE_ORDER = sorting.MultiFacet([sorting.FieldFacet("date", reverse=True), sorting.FieldFacet("id")])


def _day(date: str | None, default: int) -> int:
    return int(date.replace("-", "")) if date else default


def count_facets(
    docnums: Collection[int], table: DocTable, filters: Filters
) -> tuple[Collection[int], Counter[str], Counter[str]]:
    """The filtered match set, and the two facets with the other filter applied.

    Each pass is a comprehension or a ``Counter`` over an array lookup: the
    largest match sets (the most frequent words) go through here whole.
    """
    lang_arr, day_arr = table.lang, table.day
    in_dates: Collection[int] = docnums
    if filters.date_from or filters.date_to:
        lo, hi = _day(filters.date_from, 0), _day(filters.date_to, 99999999)
        in_dates = [d for d in docnums if lo <= day_arr[d] <= hi]
    in_langs: Collection[int] = docnums
    allowed = in_dates
    if filters.langs:
        wanted = {i for i, code in enumerate(table.langs) if code in filters.langs}
        in_langs = [d for d in docnums if lang_arr[d] in wanted]
        allowed = [d for d in in_dates if lang_arr[d] in wanted]
    by_lang = Counter(map(lang_arr.__getitem__, in_dates))
    by_month = Counter(map(table.month.__getitem__, in_langs))
    langs = Counter({table.langs[c]: n for c, n in by_lang.items()})
    months = Counter({f"{m // 100:04d}-{m % 100:02d}": n for m, n in by_month.items()})
    return allowed, langs, months


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


def _matches(searcher: Searcher, query: WhooshQuery, deadline: float) -> tuple[list[int], bool]:
    """Every matching docnum, or those found before ``deadline`` (then True: partial)."""
    out: list[int] = []
    for i, docnum in enumerate(query.docs(searcher)):
        if not i & 1023 and time.perf_counter() > deadline:
            return out, True
        out.append(docnum)
    return out, False


def _scored_matches(searcher: Searcher, query: WhooshQuery, budget: float) -> tuple[dict[int, float], bool]:
    """Every match with its score, and whether the time budget ran out.

    The facets need every match anyway, so scoring them in the same pass and
    picking the page from the dict is cheaper than an unscored pass for the
    facets plus Whoosh's top-k collector for the page (which walks the
    postings a second time). Our queries score a whole segment at once
    (:class:`DictScored`); anything else is walked match by match.
    """
    deadline = time.perf_counter() + budget
    context = searcher.context()
    scores: dict[int, float] = {}
    for sub, offset in searcher.leaf_searchers():
        if time.perf_counter() > deadline:
            return scores, True
        if isinstance(query, DictScored):
            found = query.scores(sub, context)
            scores.update(found if not offset else {offset + d: s for d, s in found.items()})
            continue
        m = query.matcher(sub, context)
        active, ident, score, advance = m.is_active, m.id, m.score, m.next  # bound once: the loop is per match
        n = 0
        while active():
            scores[offset + ident()] = score()
            advance()
            n += 1
            if not n & 1023 and time.perf_counter() > deadline:
                return scores, True
    return scores, False


def _filter_query(filters: Filters) -> WhooshQuery:
    """The filters as an indexed Whoosh query (``lang`` and ``date`` are ID fields)."""
    parts: list[WhooshQuery] = []
    if filters.langs:
        parts.append(wq.Or([wq.Term("lang", lang) for lang in filters.langs]))
    if filters.date_from or filters.date_to:
        parts.append(wq.TermRange("date", filters.date_from, filters.date_to))
    return parts[0] if len(parts) == 1 else wq.And(parts)


class WhooshReader:
    """A :class:`~backends.base.Reader` over one thread's searcher of one generation."""

    def __init__(self, searcher: Searcher, table: DocTable, generation: str) -> None:
        self.searcher = searcher
        self.table = table
        self.generation = generation
        self.key = f"{generation}:{searcher.doc_count_all()}"

    def doc_count(self) -> int:
        return self.searcher.doc_count()

    def search(self, spec: SearchSpec) -> Found:
        started = time.perf_counter()
        query = to_whoosh(spec.query, self.searcher.reader())
        filtered = bool(spec.filters)
        if spec.sort == "relevance":
            scores, partial = _scored_matches(self.searcher, query, spec.time_budget)
            allowed, langs, months = count_facets(scores.keys(), self.table, spec.filters)
            page = self._top(scores, allowed if filtered else None, spec)
        else:
            docnums, cut = _matches(self.searcher, query, started + spec.time_budget)
            allowed, langs, months = count_facets(docnums, self.table, spec.filters)
            remaining = max(0.01, started + spec.time_budget - time.perf_counter())
            page, partial = self._by_date(query, spec, set(allowed) if filtered else None, remaining)
            partial = partial or cut
        hits = [(self._stored(docnum), score) for docnum, score in page]
        return Found(len(allowed), hits, dict(langs), dict(months), partial)

    def _top(
        self, scores: dict[int, float], allowed: Collection[int] | None, spec: SearchSpec
    ) -> list[tuple[int, float]]:
        """The requested page by score, ties by document id.

        The best ``offset + limit`` scores are found with a C-level key; only the
        documents scoring at least the last of them are sorted with the tie-break.
        """
        end = spec.offset + spec.limit
        items = scores.items() if allowed is None else [(d, scores[d]) for d in allowed]
        best = heapq.nlargest(end, items, key=itemgetter(1))
        if not best:
            return []
        floor = best[-1][1]
        ids = self.table.ids
        page = sorted((d for d, s in items if s >= floor), key=lambda d: (-scores[d], ids[d]))
        return [(d, float(scores[d] or 0.0)) for d in page[spec.offset : end]]

    def _by_date(
        self, query: WhooshQuery, spec: SearchSpec, allowed: set[int] | None, budget: float
    ) -> tuple[list[tuple[int, float]], bool]:
        """The requested page newest first (no relevance computed: score 0), and whether time ran out."""
        end = spec.offset + spec.limit
        collector = self.searcher.collector(limit=end, sortedby=DATE_ORDER)
        timed = BudgetCollector(collector, budget, allowed)
        partial = False
        try:
            self.searcher.search_with_collector(query, timed)
        except TimeLimit:
            partial = True
        return [(hit.docnum, 0.0) for hit in timed.results()[spec.offset : end]], partial

    def count(self, query: Query, filters: Filters) -> int:
        wq = to_whoosh(query, self.searcher.reader())
        return len(count_facets(list(wq.docs(self.searcher)), self.table, filters)[0])

    def doc_frequency(self, field: str, term: str) -> int:
        return self.searcher.doc_frequency(field, term)

    def document(self, doc_id: str) -> StoredDoc | None:
        docnum = self.searcher.document_number(id=doc_id)
        return None if docnum is None else self._stored(docnum)

    def scan(self, filters: Filters = Filters(), limit: int | None = None) -> Iterator[StoredDoc]:
        table = self.table
        if filters:  # an indexed query narrows first (related stories: a few days of one language)
            candidates = list(_filter_query(filters).docs(self.searcher))
        else:
            candidates = [d for d in range(len(table.ids)) if table.day[d]]
        allowed, _, _ = count_facets(candidates, table, filters)
        for n, d in enumerate(sorted(allowed, key=table.ids.__getitem__)):
            if limit is not None and n >= limit:
                return
            yield self._stored(d)

    def _stored(self, docnum: int) -> StoredDoc:
        f = self.searcher.stored_fields(docnum)
        return StoredDoc(f["id"], f["title"], f["body"], f["date"], f["lang"], f.get("path", ""), f.get("hash", ""))
