"""A term's postings scored straight from Whoosh's posting blocks.

Whoosh scores a posting through the matcher protocol: ``is_active``, ``id``,
``score`` → ``BM25FScorer.score`` → ``weight`` and a field-length lookup, half
a dozen Python calls per posting, and it decodes each block's document ids
with a Python generator. For an everyday one-word query that walks every
match (the facets need them all), that was most of the query time.

Here a block is decoded once (``itertools.accumulate`` over the id deltas)
and scored in one comprehension with a per-document length norm computed
once per generation, ``K1 * ((1 - B) + B * length / avgfl)`` — the same
sub-expression, in the same order, as :meth:`whoosh.scoring.BM25FScorer._score`,
so every score is the same float Whoosh computes.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from itertools import accumulate, repeat

from whoosh import matching
from whoosh.codec.whoosh3 import W3LeafMatcher, W3PerDocReader
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import IndexReader
from whoosh.scoring import BM25FScorer

from backends.whoosh.codec import segment_lengths


class LeafLengths:
    """Per-document field lengths of one segment, and the BM25 norms built from them.

    ``lengths[field][d]`` is what Whoosh's ``doc_field_length`` answers
    (0 where Whoosh answers ``None``). Norms are cached per (field, B, K1,
    average length): one array per field and generation.
    """

    def __init__(self, reader: IndexReader) -> None:
        self.lengths: dict[str, array] = {}
        perdoc = getattr(reader, "_perdoc", None)  # a segment's reader; an empty index has none
        if isinstance(perdoc, W3PerDocReader):
            for name in reader.schema.scorable_names():
                lengths = segment_lengths(perdoc, name)
                if lengths is not None:  # no length column in this segment: leave it to Whoosh
                    self.lengths[name] = lengths
        self._norms: dict[tuple[str, float, float, float], array] = {}

    def norms(self, field: str, sc: BM25FScorer) -> array | None:
        """``K1 * ((1 - B) + B * length / avgfl)`` per document, or None without a length column."""
        key = (field, sc.B, sc.K1, sc.avgfl)
        norms = self._norms.get(key)
        if norms is None:
            lengths = self.lengths.get(field)
            if lengths is None:
                return None
            b, k1, avgfl = sc.B, sc.K1, sc.avgfl
            norms = array("d", (k1 * ((1 - b) + b * n / avgfl) for n in lengths))
            self._norms[key] = norms  # a race only computes the same array twice
        return norms


def _blocks(m: W3LeafMatcher) -> list[tuple[Iterable[int], Iterable[float]]]:
    """Every block's (ids, weights) of a fresh matcher."""
    out: list[tuple[Iterable[int], Iterable[float]]] = []
    while not m._atend:
        if m._data is None:
            m._read_data()
        ids, weights = m._data[0], m._data[1]
        if not m._byteids:
            ids = accumulate(ids)
        if weights is None:
            weights = repeat(1.0, m._blocklength)
        elif isinstance(weights, float):
            weights = repeat(weights, m._blocklength)
        out.append((ids, weights))
        m._next_block()
    return out


def fast_scores(m: matching.Matcher, lengths: LeafLengths | None, scored: bool) -> dict[int, float] | None:
    """The (docnum → score) of a fresh term matcher, or None when it is not a plain posting list.

    Handles a boost wrapper (``score * boost``, as ``WrappingMatcher`` does) and
    a segment's deleted documents (``FilterMatcher``); anything else — inlined
    postings, other scorers, a segment without length columns — is None, for
    the caller to read through the matcher protocol.
    """
    boost = None
    if type(m) is matching.WrappingMatcher:
        boost, m = m.boost, m.child
    deleted = None
    if type(m) is FilterMatcher and m._exclude and m.boost == 1.0:
        deleted, m = m._ids, m.child
    if type(m) is not W3LeafMatcher or m._i != 0:
        return None
    if not scored:
        out = {d: 0.0 for ids, _ in _blocks(m) for d in ids}
    else:
        sc = m.scorer
        norms = lengths.norms(m._term[0], sc) if lengths is not None and type(sc) is BM25FScorer else None
        if norms is None:
            return None
        idf, k1p1 = sc.idf, sc.K1 + 1
        out = {}
        for ids, weights in _blocks(m):
            out.update({d: idf * ((tf * k1p1) / (tf + norms[d])) for d, tf in zip(ids, weights, strict=True)})
        if boost is not None:
            out = {d: s * boost for d, s in out.items()}
    if deleted:
        for d in deleted.intersection(out):
            del out[d]
    return out
