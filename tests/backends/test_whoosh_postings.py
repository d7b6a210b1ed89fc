"""The embedded engine's fast scoring gives Whoosh's own scores, to the bit.

Term postings are read block by block (``backends.whoosh.postings``) and a
word's terms are summed in a dict (``WordOr``) instead of through Whoosh's
matchers; here both are compared with Whoosh's matcher protocol on a real
index of several segments, one of them with deleted documents.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from whoosh import matching
from whoosh import query as wq
from whoosh.searching import Searcher

from backends.whoosh import WhooshBackend
from backends.whoosh.coordination import WordOr
from backends.whoosh.postings import fast_scores
from backends.whoosh.translate import to_whoosh
from indexer.pipeline import sync
from searchcore.search import plan

SAMPLE = Path(__file__).resolve().parent.parent.parent / "data" / "sample"


@pytest.fixture(scope="module")
def searcher(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Searcher]:
    """The sample in two segments (two writer processes), then a few articles
    rewritten, which deletes their old versions from those segments."""
    corpus = tmp_path_factory.mktemp("corpus")
    for src in sorted(SAMPLE.glob("*.txt")):
        shutil.copy(src, corpus / src.name)
    index = tmp_path_factory.mktemp("index")
    sync(corpus, index, fresh=True, procs=2)
    for src in sorted(corpus.glob("*.txt"))[:20]:
        src.write_text(src.read_text(encoding="utf-8") + "\nДополнение к статье.", encoding="utf-8")
    sync(corpus, index)
    backend = WhooshBackend(index)
    with backend.reader() as reader:
        yield reader.searcher


def _walk(m: matching.Matcher) -> dict[int, float]:
    """Whoosh's own answer: the matcher protocol, posting by posting."""
    out = {}
    while m.is_active():
        out[m.id()] = m.score()
        m.next()
    return out


def _words() -> list[str]:
    """Title words of the sample (both languages), frequent and rare alike."""
    words: list[str] = []
    for path in sorted(SAMPLE.glob("*.txt"))[::5]:
        title = path.read_text(encoding="utf-8").splitlines()[0]
        words += re.findall(r"[^\W\d_]{4,}", title.lower())[:3]
    return sorted(set(words))


def _clauses(searcher: Searcher) -> list[WordOr]:
    out = []
    for word in _words():
        planned = plan(word)
        if planned is None:
            continue
        q = to_whoosh(planned.query, searcher.reader())
        if isinstance(q, WordOr):
            out.append(q)
    return out


def test_index_has_segments_with_deletions(searcher: Searcher) -> None:
    leaves = [sub.reader() for sub, _ in searcher.leaf_searchers()]
    assert len(leaves) >= 2
    assert any(r.has_deletions() for r in leaves)


def test_term_postings_score_as_whoosh_does(searcher: Searcher) -> None:
    context = searcher.context()
    compared = fast = 0
    for clause in _clauses(searcher):
        for term in clause.subqueries:
            assert isinstance(term, wq.Term)
            for sub, _ in searcher.leaf_searchers():
                got = fast_scores(term.matcher(sub, context), sub.leaf_lengths, True)
                if got is not None:
                    fast += 1
                    assert got == _walk(term.matcher(sub, context)), term
                    assert set(fast_scores(term.matcher(sub, context), sub.leaf_lengths, False) or {}) == set(got)
                compared += 1
    assert compared > 200
    assert fast > compared // 4  # the block path, not only the fallback, is what was checked


def test_a_word_sums_its_terms_as_whoosh_preloading_or(searcher: Searcher) -> None:
    context = searcher.context()
    clauses = _clauses(searcher)
    assert len(clauses) > 30
    for clause in clauses:
        for sub, _ in searcher.leaf_searchers():
            reference = wq.PreloadedOr(clause.subqueries).matcher(sub, context)
            assert clause.scores(sub, context) == _walk(reference), clause


def test_a_word_matches_the_same_documents_unscored(searcher: Searcher) -> None:
    for clause in _clauses(searcher):
        expected = set(wq.Or(clause.subqueries).docs(searcher))
        assert set(clause.docs(searcher)) == expected, clause
