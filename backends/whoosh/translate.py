"""The engine-neutral :class:`~backends.base.Query` as a Whoosh query.

A clause is a :class:`WordOr` of its leaves (their scores add up); clauses
combine in :class:`CoordinatedOr`, which multiplies by the share of matched
clauses. Prefixes are expanded here, against the reader, to the first terms
in index order (a bounded expansion: each term costs a posting matcher).
"""

from __future__ import annotations

from whoosh import query as wq
from whoosh.reading import IndexReader

from backends.base import Clause, Leaf, Phrase, Prefix, Query, Term
from backends.whoosh.coordination import CoordinatedOr, Excluding, WordOr


def _expand(reader: IndexReader, leaf: Prefix) -> list[wq.Query]:
    out: list[wq.Query] = []
    for term in reader.expand_prefix(leaf.field, leaf.prefix):
        text = term if isinstance(term, str) else term.decode("utf-8")
        out.append(wq.Term(leaf.field, text, boost=leaf.boost))
        if len(out) >= leaf.limit:
            break
    return out


def _leaves(reader: IndexReader, leaves: tuple[Leaf, ...]) -> list[wq.Query]:
    out: list[wq.Query] = []
    for leaf in leaves:
        if isinstance(leaf, Term):
            out.append(wq.Term(leaf.field, leaf.text, boost=leaf.boost))
        elif isinstance(leaf, Phrase):
            if len(leaf.terms) == 1:
                out.append(wq.Term(leaf.field, leaf.terms[0], boost=leaf.boost))
            else:
                out.append(wq.Phrase(leaf.field, list(leaf.terms), boost=leaf.boost))
        else:
            out.extend(_expand(reader, leaf))
    return out


def _clause(reader: IndexReader, clause: Clause) -> wq.Query:
    subs = _leaves(reader, clause.leaves)
    if not subs:
        return wq.NullQuery  # a prefix that expands to nothing still counts as a query word
    return WordOr(subs)


def to_whoosh(query: Query, reader: IndexReader) -> wq.Query:
    """The Whoosh query for ``query`` (``Every`` when it has no clauses)."""
    if not query.clauses:
        out: wq.Query = wq.Every()
    elif len(query.clauses) == 1 and query.min_match <= 1:
        out = _clause(reader, query.clauses[0])
    else:
        clauses = [_clause(reader, c) for c in query.clauses]
        out = CoordinatedOr(clauses, coord_power=query.coord_power, min_match=query.min_match)
    excluded = _leaves(reader, query.excluded)
    if excluded:
        out = Excluding(out, WordOr(excluded))
    return out
