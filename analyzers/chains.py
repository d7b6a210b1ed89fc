"""Whoosh analyzer chains: tokenizer | filter | filter, one per field kind.

The schema pickles these objects into the index, so every filter here is a
small top-level class whose state is plain data (a language code, not a
function): an index built today still opens after the stemmers improve.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from whoosh.analysis import Analyzer, Filter, LowercaseFilter, RegexTokenizer, StopFilter, Token

from analyzers import kazakh, russian
from analyzers.normalize import clean, fold_kazakh, fold_yo
from analyzers.tokenize import TOKEN_PATTERN

STEMMERS: dict[str, Callable[[str], str]] = {"kk": kazakh.stem, "ru": russian.stem}
STOPWORDS: dict[str, frozenset[str]] = {"kk": kazakh.STOPWORDS, "ru": russian.STOPWORDS}


class CleanFilter(Filter):
    """NFC, invisible characters out, ё→е: spelling noise that is never meaning."""

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        for t in tokens:
            t.text = fold_yo(clean(t.text))
            if t.text:
                yield t


class LanguageStemFilter(Filter):
    """Stems with our per-language stemmer, looked up by code at call time."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        stem = STEMMERS[self.lang]
        for t in tokens:
            t.text = stem(t.text)
            yield t


class FoldStemFilter(Filter):
    """Emits the Kazakh and the Russian stem of each word, both letter-folded.

    One language-agnostic field that meets a query typed on a Russian keyboard
    (`достык`) and a name spelled the other language's way (`Токаев` for
    `Тоқаев`). Both stems share the token's position.
    """

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        kk, ru = STEMMERS["kk"], STEMMERS["ru"]
        for t in tokens:
            word = fold_kazakh(t.text)
            first = fold_kazakh(kk(t.text))
            second = fold_kazakh(ru(word))
            t.text = first
            yield t
            if second != first:
                t.text = second
                yield t


def _base() -> Analyzer:
    return RegexTokenizer(TOKEN_PATTERN) | LowercaseFilter() | CleanFilter()


def language_analyzer(lang: str) -> Analyzer:
    """Analyzer for one language's title and body fields."""
    return _base() | StopFilter(stoplist=STOPWORDS[lang], minsize=1) | LanguageStemFilter(lang)


def folded_analyzer() -> Analyzer:
    """Analyzer for the secondary field of folded stems from both languages."""
    stops = STOPWORDS["kk"] | STOPWORDS["ru"]
    return _base() | StopFilter(stoplist=stops, minsize=1) | FoldStemFilter()


def analyze(analyzer: Analyzer, text: str) -> list[str]:
    """Run a chain in query mode and return the terms, in order."""
    return [t.text for t in analyzer(text, mode="query")]
