"""Whoosh analyzer chains: tokenizer | filter | filter, one per field kind.

The schema pickles these objects into the index, so every filter here is a
small top-level class whose state is plain data (a language code, not a
function): an index built today still opens after the stemmers improve.
"""

from __future__ import annotations

import re
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


def reference_language_analyzer(lang: str) -> Analyzer:
    """The filter-by-filter chain :class:`LanguageAnalyzer` must match term for term."""
    return _base() | StopFilter(stoplist=STOPWORDS[lang], minsize=1) | LanguageStemFilter(lang)


def reference_folded_analyzer() -> Analyzer:
    """The filter-by-filter chain :class:`FoldedAnalyzer` must match term for term."""
    stops = STOPWORDS["kk"] | STOPWORDS["ru"]
    return _base() | StopFilter(stoplist=stops, minsize=1) | FoldStemFilter()


# -- fused analyzers ---------------------------------------------------------
# Whoosh runs a chain as one generator per filter, so every token pays five
# generator hops and five attribute writes, and the stemmers run on every
# occurrence of a word. A news text repeats its words a lot, so the fused
# analyzers below map each *raw token* (the regex match) straight to its
# terms through a per-process memo: the same functions in the same order as
# the reference chain, run once per distinct word. Positions follow
# StopFilter(renumber=True): the first kept token keeps its tokenizer
# position, the following kept tokens are numbered on from it.

_TOKEN_RE = re.compile(TOKEN_PATTERN)
#: Memo tables live here, not on the analyzer: the schema pickles analyzers
#: into the index and compares them by ``__dict__``.
_MEMOS: dict[str, dict[str, tuple[str, ...]]] = {}
MEMO_LIMIT = 400_000
_REFERENCE: dict[str, Analyzer] = {}


def _memo(key: str) -> dict[str, tuple[str, ...]]:
    memo = _MEMOS.get(key)
    if memo is None or len(memo) > MEMO_LIMIT:  # bounded: start afresh rather than grow without end
        memo = _MEMOS[key] = {}
    return memo


def _normal(raw: str, stops: frozenset[str]) -> str | None:
    """LowercaseFilter, CleanFilter, StopFilter(minsize=1) on one token."""
    text = fold_yo(clean(raw.lower()))
    if not text or text in stops:
        return None
    return text


def _language_terms(raw: str, lang: str) -> tuple[str, ...]:
    text = _normal(raw, STOPWORDS[lang])
    return () if text is None else (STEMMERS[lang](text),)


def _folded_terms(raw: str) -> tuple[str, ...]:
    text = _normal(raw, _FOLD_STOPS)
    if text is None:
        return ()
    first = fold_kazakh(STEMMERS["kk"](text))
    second = fold_kazakh(STEMMERS["ru"](fold_kazakh(text)))
    return (first,) if second == first else (first, second)


_FOLD_STOPS = STOPWORDS["kk"] | STOPWORDS["ru"]


class _FusedAnalyzer(Analyzer):
    """Tokenizer and filters in one loop, with a memo per distinct raw token."""

    def _key(self) -> str:
        raise NotImplementedError

    def _terms(self, raw: str) -> tuple[str, ...]:
        raise NotImplementedError

    def _reference(self) -> Analyzer:
        raise NotImplementedError

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: object,
    ) -> Iterator[Token]:
        if not tokenize or not removestops or keeporiginal:
            # Rare modes (stop words kept and flagged, untokenized values):
            # the reference chain defines them, so use it.
            ref = _REFERENCE.get(self._key())
            if ref is None:
                ref = _REFERENCE[self._key()] = self._reference()
            yield from ref(
                value,
                positions=positions,
                chars=chars,
                keeporiginal=keeporiginal,
                removestops=removestops,
                start_pos=start_pos,
                start_char=start_char,
                tokenize=tokenize,
                mode=mode,
                **kwargs,
            )
            return
        memo = _memo(self._key())
        terms_of = self._terms
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        pos = None
        for i, match in enumerate(_TOKEN_RE.finditer(value)):
            raw = match.group()
            terms = memo.get(raw)
            if terms is None:
                terms = memo[raw] = terms_of(raw)
            if not terms:
                continue
            if positions:
                pos = start_pos + i if pos is None else pos + 1
                t.pos = pos
            if chars:
                t.startchar = start_char + match.start()
                t.endchar = start_char + match.end()
            for term in terms:
                t.text = term
                t.boost = 1.0
                t.stopped = False
                yield t


class LanguageAnalyzer(_FusedAnalyzer):
    """One language's chain, fused: tokenize, lowercase, clean, stop, stem."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def _key(self) -> str:
        return f"lang:{self.lang}"

    def _terms(self, raw: str) -> tuple[str, ...]:
        return _language_terms(raw, self.lang)

    def _reference(self) -> Analyzer:
        return reference_language_analyzer(self.lang)


class FoldedAnalyzer(_FusedAnalyzer):
    """The folded chain, fused: the Kazakh and the Russian stem, letter-folded."""

    def _key(self) -> str:
        return "fold"

    def _terms(self, raw: str) -> tuple[str, ...]:
        return _folded_terms(raw)

    def _reference(self) -> Analyzer:
        return reference_folded_analyzer()


def language_analyzer(lang: str) -> Analyzer:
    """Analyzer for one language's title and body fields."""
    return LanguageAnalyzer(lang)


def folded_analyzer() -> Analyzer:
    """Analyzer for the secondary field of folded stems from both languages."""
    return FoldedAnalyzer()


def analyze(analyzer: Analyzer, text: str) -> list[str]:
    """Run a chain in query mode and return the terms, in order."""
    return [t.text for t in analyzer(text, mode="query")]
