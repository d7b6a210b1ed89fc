"""A ranked OR with a real coordination factor, as one Whoosh query.

Whoosh's own ``Or(scale=...)`` counts matching *index terms* (a word found in
title, body and the folded field counts three times) and adds a tiny
constant, so a document that matches one rare word of a long question beats
one that matches most of it. Here each query *word* is one clause (an OR of
that word's terms over every field), and a document's score is

    sum(clause scores) * (matched clauses / all clauses) ** coord_power

and ``min_match`` drops documents that match fewer than that many clauses
(minimum-should-match). The OpenSearch backend computes the same formula
(see ``backends.opensearch``).

The matches of each clause are read once into a dict, which for the index
sizes here is faster than Whoosh's tree of union matchers, and needs no
block-quality shortcuts (which coordination defeats anyway).
"""

from __future__ import annotations

from collections.abc import Sequence

from whoosh import matching
from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.scoring import BM25FScorer


class ScoredList(matching.ListMatcher):
    """A synthetic matcher over precomputed (docnum, score) pairs."""

    def score(self) -> float:
        return self._weights[self._i]

    def supports_block_quality(self) -> bool:
        return False


def _read_postings(m: W3LeafMatcher, sc: BM25FScorer) -> dict[int, float]:
    """A term's postings scored block by block: ``BM25FScorer.score`` per posting
    (the same expression on the same values, so the same floats) without the
    half-dozen method calls per posting of the matcher protocol."""
    idf, avgfl, b, k1, dfl = sc.idf, sc.avgfl, sc.B, sc.K1, sc.dfl
    out: dict[int, float] = {}
    while m.is_active():
        if m._ids is None:
            m._read_ids()
        if m._weights is None:
            m._read_weights()
        ids, weights, end = m._ids, m._weights, m._blocklength
        for j in range(m._i, end):
            tf = weights[j]
            d = ids[j]
            out[d] = idf * ((tf * (k1 + 1)) / (tf + k1 * ((1 - b) + b * dfl(d) / avgfl)))  # scoring.bm25
        m._i = end - 1
        m.next()  # to the next block (or the end)
    return out


def _read_flat(m: matching.Matcher, scored: bool) -> dict[int, float]:
    if scored and type(m) is W3LeafMatcher and type(getattr(m, "scorer", None)) is BM25FScorer:
        return _read_postings(m, m.scorer)  # type: ignore[arg-type]
    out: dict[int, float] = {}
    active, ident, score, advance = m.is_active, m.id, m.score, m.next  # bound once: the loop is per posting
    if scored:
        while active():
            out[ident()] = score()
            advance()
    else:
        while active():
            out[ident()] = 0.0
            advance()
    return out


def read_scores(m: matching.Matcher, scored: bool = True) -> dict[int, float]:
    """Every (docnum, score) a fresh matcher yields, as iterating it would give them.

    Whoosh's ``Or`` above 5,000 documents is a tree of ``UnionMatcher``; walking
    it costs several Python calls per posting and tree level. Here each side of a
    union is read on its own and the two are added per document — ``a + b`` where
    both match, as ``UnionMatcher.score`` does, in the same tree grouping, so the
    scores are the same floats. A boost wrapper multiplies afterwards, as it does
    per match. Any other matcher is read as it is.
    """
    kind = type(m)
    if kind is matching.UnionMatcher:
        a, b = read_scores(m.a, scored), read_scores(m.b, scored)  # type: ignore[attr-defined]
        small, big = (a, b) if len(a) <= len(b) else (b, a)
        get = big.get
        for d, s in small.items():
            t = get(d)
            big[d] = s if t is None else t + s
        return big
    if kind is matching.ArrayUnionMatcher:
        return _read_array_union(m, scored)  # type: ignore[arg-type]
    if kind is matching.WrappingMatcher and scored:
        boost = m.boost  # type: ignore[attr-defined]
        return {d: s * boost for d, s in read_scores(m.child, scored).items()}  # type: ignore[attr-defined]
    return _read_flat(m, scored)


def _read_array_union(m: matching.ArrayUnionMatcher, scored: bool) -> dict[int, float]:
    """Whoosh's ``Or`` on a segment of at most 5,000 documents: the first 2,048
    documents are already summed in its array (taken as they are); the rest is
    summed here the same way — ``0 + s1 * boost + s2 * boost ...`` in sub-matcher
    order, documents with a sum above 0 — so the floats are the same."""
    out: dict[int, float] = {}
    a, offset, limit = m._a, m._offset, m._limit  # type: ignore[attr-defined]
    for i in range(limit - offset):
        if a[i] > 0:
            out[offset + i] = a[i] if scored else 0.0
    boost = m._boost  # type: ignore[attr-defined]
    rest: dict[int, float] = {}
    for sub in m._submatchers:  # type: ignore[attr-defined]
        if not sub.is_active():
            continue
        get = rest.get
        if scored:
            for d, s in read_scores(sub, True).items():
                rest[d] = get(d, 0.0) + s * boost
        else:
            for d in read_scores(sub, False):
                rest[d] = 1.0
    out.update((d, s if scored else 0.0) for d, s in rest.items() if s > 0)
    return out


_read = read_scores


class CoordinatedOr(wq.CompoundQuery):
    """Ranked OR of word clauses with a coordination factor."""

    JOINT = " cOR "

    def __init__(
        self,
        clauses: Sequence[wq.Query],
        coord_power: float = 1.0,
        min_match: int = 1,
        boost: float = 1.0,
    ) -> None:
        super().__init__(list(clauses), boost=boost)
        self.n_clauses = len(clauses)
        self.coord_power = coord_power
        self.min_match = max(1, min_match)

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, CoordinatedOr)
            and self.subqueries == other.subqueries
            and (self.n_clauses, self.coord_power, self.min_match, self.boost)
            == (other.n_clauses, other.coord_power, other.min_match, other.boost)
        )

    def __hash__(self) -> int:
        return hash((tuple(self.subqueries), self.n_clauses, self.coord_power, self.min_match))

    def normalize(self) -> wq.Query:
        # Keep the clause structure: flattening would change the coordination.
        return self

    def estimate_size(self, ixreader: object) -> int:
        return max((q.estimate_size(ixreader) for q in self.subqueries), default=0)

    def matcher(self, searcher: object, context: object = None) -> matching.Matcher:
        scored = context is None or getattr(context, "weighting", None) is not None
        total: dict[int, float] = {}
        count: dict[int, int] = {}
        for q in self.subqueries:
            for d, s in _read(q.matcher(searcher, context), scored).items():
                total[d] = total.get(d, 0.0) + s
                count[d] = count.get(d, 0) + 1
        if self.min_match > 1:
            need = min(self.min_match, self.n_clauses)
            total = {d: s for d, s in total.items() if count[d] >= need}
        if not total:
            return matching.NullMatcher()
        n, p = float(self.n_clauses), self.coord_power
        if scored and p:
            total = {d: s * (count[d] / n) ** p for d, s in total.items()}
        ids = sorted(total)
        return ScoredList(ids, weights=[total[d] * self.boost for d in ids])


class Excluding(wq.AndNot):
    """``a`` without the documents matching ``b``, checked for every match.

    Whoosh's ``AndNotMatcher`` only skips the first positive match when the
    excluded matcher starts on that same document: when ``b`` starts on an
    earlier document, the first match of ``a`` is returned although ``b``
    matches it too (found by the cross-engine parity tests: ``апреля -конца``).
    Reading both sides once, as :class:`CoordinatedOr` does, is exact.
    """

    def matcher(self, searcher: object, context: object = None) -> matching.Matcher:
        scored = context is None or getattr(context, "weighting", None) is not None
        excluded = _read(self.b.matcher(searcher, searcher.boolean_context()), False)  # type: ignore[attr-defined]
        found = {d: s for d, s in _read(self.a.matcher(searcher, context), scored).items() if d not in excluded}
        if not found:
            return matching.NullMatcher()
        ids = sorted(found)
        return ScoredList(ids, weights=[found[d] * self.boost for d in ids])
