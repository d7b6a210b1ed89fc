"""Hypothesis fuzzing of the query parser, the query builder + search, the highlighter and the analyzers.

Arbitrary Unicode, control characters, bidi marks, emoji and 100 KB inputs:
nothing raises, results keep their shape. Quick, derandomized variants run in
CI; ``-m slow`` runs many more random examples.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask import Flask
from hypothesis import given
from hypothesis import strategies as st

from analyzers import kazakh, langid, normalize, russian, tokenize, translit
from analyzers.chains import analyze, folded_analyzer, language_analyzer
from searchcore.highlight import MarkTerms, mark, snippet
from searchcore.querylang import ParsedQuery, parse
from searchcore.search import SearchRequest, run_search
from searchsvc.api import result_json
from searchsvc.schemas import SearchResponse
from tests.robustness.fuzzing import CI, SLOW, big_inputs, nasty_text

_MARK_RE = re.compile(r"</?mark>")
_ANALYZERS = {"kk": language_analyzer("kk"), "ru": language_analyzer("ru"), "fold": folded_analyzer()}
_TERMS = MarkTerms(
    stems={"kk": frozenset({"сквер", "қазақстан"}), "ru": frozenset({"сквер", "дружб"})},
    folded=frozenset({"сквер"}),
    prefixes=frozenset({"по", "қаз"}),
)


# -- properties -----------------------------------------------------------


def check_parse(text: str) -> None:
    parsed = parse(text)
    assert isinstance(parsed, ParsedQuery)
    for clause in parsed.positive_clauses + parsed.excluded:
        assert clause.words and all(clause.words), clause
        assert all(w == w.lower() for w in clause.words)
    if parsed.excluded:
        assert parsed.groups, "an exclusion alone is searched as a word"


def check_search(app: Flask, text: str, sort: str = "relevance", page: int = 1) -> None:
    result = run_search(app.extensions["search_backend"], SearchRequest(q=text, sort=sort, page=page, per_page=5))
    assert result.total >= 0 and len(result.hits) <= 5
    payload = result_json(result)  # what the API sends
    assert SearchResponse().validate(payload) == {}
    for hit in result.hits:
        for html in (hit.title_html, hit.snippet):
            assert "<" not in _MARK_RE.sub("", html), html


def check_analyzers(text: str) -> None:
    for fn in (normalize.clean, normalize.fold_yo, normalize.fold_kazakh):
        assert isinstance(fn(text), str)
    normalize.has_kazakh_letters(text)
    toks = tokenize.words(text)
    assert all(toks)
    assert langid.detect(text) in ("kk", "ru", "other")
    for tok in toks[:50]:
        assert russian.stem(tok)
        assert kazakh.stem(tok)
        if translit.is_latin_word(tok):
            assert isinstance(translit.latin_to_cyrillic(tok), str)
            translit.latin_variants(tok)
    for analyzer in _ANALYZERS.values():
        assert all(isinstance(t, str) and t for t in analyze(analyzer, text))


def check_highlight(text: str) -> None:
    for lang in ("kk", "ru", "other"):
        for html in (mark(text, _TERMS, lang), snippet(text, _TERMS, lang)):
            assert "<" not in _MARK_RE.sub("", html)


# -- CI variants (bounded) ------------------------------------------------


@CI
@given(nasty_text)
def test_parse_never_raises(text: str) -> None:
    check_parse(text)


@CI
@given(nasty_text)
def test_analyzers_never_raise(text: str) -> None:
    check_analyzers(text)


@CI
@given(nasty_text)
def test_highlighter_always_escapes(text: str) -> None:
    check_highlight(text)


@CI
@given(text=nasty_text, sort=st.sampled_from(["relevance", "date"]), page=st.integers(1, 3))
def test_search_never_raises(app: Flask, text: str, sort: str, page: int) -> None:
    check_search(app, text, sort, page)


@pytest.mark.parametrize(("name", "text"), big_inputs(), ids=[n for n, _ in big_inputs()])
def test_100kb_inputs(app: Flask, name: str, text: str) -> None:
    """The API caps q at 500 characters; every layer below copes with 100 KB anyway."""
    check_parse(text)
    check_analyzers(text)
    check_highlight(text)
    check_search(app, text[:2000])


# -- slow variants --------------------------------------------------------


def _slow(check: Callable[..., None]) -> Callable[..., None]:
    return pytest.mark.slow(SLOW(given(nasty_text)(check)))


test_parse_never_raises_long = _slow(check_parse)
test_analyzers_never_raise_long = _slow(check_analyzers)
test_highlighter_always_escapes_long = _slow(check_highlight)


@pytest.mark.slow
@SLOW
@given(text=nasty_text, sort=st.sampled_from(["relevance", "date"]), page=st.integers(1, 3))
def test_search_never_raises_long(app: Flask, text: str, sort: str, page: int) -> None:
    check_search(app, text, sort, page)


@pytest.mark.parametrize("needle", ["сквер", "Қазақстан", "*", " OR ", '"', "\u202e", "\x00", "😀"])
def test_the_fuzz_text_reaches_the_search(needle: str) -> None:
    """The strategy must produce real words and operators, not only noise (else the fuzz proves little)."""
    from hypothesis import find, settings

    find(nasty_text, lambda s: needle in s, settings=settings(CI, max_examples=2000))
