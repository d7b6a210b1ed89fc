"""Query words as Whoosh queries that score their matches into one dict.

Whoosh's own ``Or(scale=...)`` counts matching *index terms* (a word found in
title, body and the folded field counts three times) and adds a tiny
constant, so a document that matches one rare word of a long question beats
one that matches most of it. Here each query *word* is one clause
(:class:`WordOr`: that word's terms over every field, their scores added),
and clauses combine in :class:`CoordinatedOr`:

    sum(clause scores) * (matched clauses / all clauses) ** coord_power

with ``min_match`` dropping documents that match fewer than that many
clauses (minimum-should-match). The OpenSearch backend computes the same
formula (see ``backends.opensearch``).

Every match is read once into a dict (the facets need every match anyway):
for the index sizes here that is much faster than Whoosh's trees of union
matchers, and term postings are read block by block
(:mod:`backends.whoosh.postings`). The queries still offer Whoosh's matcher
interface (a sorted list), so Whoosh's collectors can run them too.
"""

from __future__ import annotations

from collections.abc import Sequence

from whoosh import matching
from whoosh import query as wq

from backends.whoosh.postings import LeafLengths, fast_scores


class ScoredList(matching.ListMatcher):
    """A synthetic matcher over precomputed (docnum, score) pairs."""

    def score(self) -> float:
        return self._weights[self._i]

    def supports_block_quality(self) -> bool:
        return False


def _is_scored(context: object) -> bool:
    return context is None or getattr(context, "weighting", None) is not None


def read_scores(m: matching.Matcher, scored: bool = True, lengths: LeafLengths | None = None) -> dict[int, float]:
    """Every (docnum, score) a fresh matcher yields, as iterating it would give them."""
    if type(m) is ScoredList:
        return dict(zip(m._ids, m._weights, strict=True)) if scored else dict.fromkeys(m._ids, 0.0)
    fast = fast_scores(m, lengths, scored)
    if fast is not None:
        return fast
    if type(m) is matching.WrappingMatcher and scored:
        boost = m.boost  # type: ignore[attr-defined]
        return {d: s * boost for d, s in read_scores(m.child, scored, lengths).items()}  # type: ignore[attr-defined]
    out: dict[int, float] = {}
    active, ident, score, advance = m.is_active, m.id, m.score, m.next  # bound once: the loop is per posting
    while active():
        out[ident()] = score() if scored else 0.0
        advance()
    return out


def query_scores(q: wq.Query, searcher: object, context: object) -> dict[int, float]:
    """Every match of ``q`` in one leaf searcher with its score (0.0 in a boolean context)."""
    if isinstance(q, DictScored):
        return q.scores(searcher, context)
    return read_scores(q.matcher(searcher, context), _is_scored(context), getattr(searcher, "leaf_lengths", None))


class DictScored:
    """A query that computes all its matches at once; its matcher walks the result."""

    boost: float

    def scores(self, searcher: object, context: object = None) -> dict[int, float]:
        raise NotImplementedError

    def matcher(self, searcher: object, context: object = None) -> matching.Matcher:
        found = self.scores(searcher, context)
        if not found:
            return matching.NullMatcher()
        ids = sorted(found)
        return ScoredList(ids, weights=[found[d] for d in ids])


class WordOr(DictScored, wq.Or):
    """One query word: the scores of its terms added up, in term order.

    The sum is ``((0 + s1·boost) + s2·boost) + …`` per document, as Whoosh's
    preloading ``Or`` adds them, so each document's score is the same float
    however the word's postings are read.
    """

    JOINT = " wOR "

    def scores(self, searcher: object, context: object = None) -> dict[int, float]:
        parts = [query_scores(q, searcher, context) for q in self.subqueries]
        if not parts:
            return {}
        if len(parts) == 1:
            return parts[0]
        boost = self.boost
        total: dict[int, float] = {}
        for part in parts:
            get = total.get
            if boost == 1.0:
                total.update({d: get(d, 0.0) + s for d, s in part.items()})
            else:
                total.update({d: get(d, 0.0) + s * boost for d, s in part.items()})
        return total


class CoordinatedOr(DictScored, wq.CompoundQuery):
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

    def scores(self, searcher: object, context: object = None) -> dict[int, float]:
        total: dict[int, float] = {}
        count: dict[int, int] = {}
        for q in self.subqueries:
            part = query_scores(q, searcher, context)
            get, seen = total.get, count.get
            total.update({d: get(d, 0.0) + s for d, s in part.items()})
            count.update({d: seen(d, 0) + 1 for d in part})
        if self.min_match > 1:
            need = min(self.min_match, self.n_clauses)
            total = {d: s for d, s in total.items() if count[d] >= need}
        n, p, boost = float(self.n_clauses), self.coord_power, self.boost
        if _is_scored(context) and p:
            return {d: s * (count[d] / n) ** p * boost for d, s in total.items()}
        return {d: s * boost for d, s in total.items()} if boost != 1.0 else total


class Excluding(DictScored, wq.AndNot):
    """``a`` without the documents matching ``b``, checked for every match.

    Whoosh's ``AndNotMatcher`` only skips the first positive match when the
    excluded matcher starts on that same document: when ``b`` starts on an
    earlier document, the first match of ``a`` is returned although ``b``
    matches it too (found by the cross-engine parity tests: ``апреля -конца``).
    Reading both sides once is exact.
    """

    def scores(self, searcher: object, context: object = None) -> dict[int, float]:
        excluded = query_scores(self.b, searcher, searcher.boolean_context())  # type: ignore[attr-defined]
        found = query_scores(self.a, searcher, context)
        boost = self.boost
        return {d: s * boost for d, s in found.items() if d not in excluded}
