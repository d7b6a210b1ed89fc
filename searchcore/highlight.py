"""Snippets with the query's words marked, safe to drop into HTML.

A word is marked when it reduces to a query term the way the index reduced
it: the same stem in the document's language, the same folded stem, or a
query prefix. Everything else is HTML-escaped, so a document containing
``<script>`` shows that text and nothing runs.

Speed: analysing every word of every hit's body (three stemmings per word)
was most of a query's time. A stem keeps its word's first letter (Snowball
only removes endings; the Kazakh stemmer strips suffixes and changes sounds
at the end of the stem; its closed-class table is the one exception and is
read from the stemmer itself), so a word can only match a query term that
starts with its own first letter, letter-folded. One compiled pattern per
request and language finds the words whose first letter can match, in C;
only those are analysed, with the same test as before, so the same words are
marked. ``tests/searchcore/test_highlight_*`` checks the letter property
against the stemmers and the output against the plain whole-text scan.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from html import escape

from analyzers.chains import STEMMERS
from analyzers.normalize import clean, fold_kazakh, fold_yo
from analyzers.tokenize import iter_tokens

SNIPPET_CHARS = 260
_CANDIDATES = 200

#: Word characters whose normalised, letter-folded form is one character that
#: depends on nothing else in the token (checked in the tests): the leading
#: letters of such a token tell the leading letters of its analysed form.
_PLAIN_CHARS = "".join(
    c for c in map(chr, [*range(0x30, 0x3A), *range(0x41, 0x5B), *range(0x61, 0x7B), *range(0x400, 0x500)])
)
#: Every other character (a token starting with one is always analysed, and
#: one later in a token may stand for any letter).
_OTHER_RANGES = "\u0080-\u03ff\u0500-\U0010ffff"
#: Up to this many leading letters of a stem are compared, keeping the last
#: ``_STEM_SLACK`` letters out: stemmers change a stem's end (кітабы → кітап,
#: халқы → халық), never its start (checked against the stemmers in the tests).
_ANCHOR_LETTERS = 3
_STEM_SLACK = 2


def _norm_fold(text: str) -> str:
    """What a document word goes through before its first letters are compared."""
    return fold_kazakh(fold_yo(clean(text.lower())))


def _letter_table() -> dict[str, str]:
    """Folded letter → the plain characters that normalise to it."""
    table: dict[str, str] = {}
    for c in _PLAIN_CHARS:
        if re.match(r"[^\W_]", c):
            n = _norm_fold(c)
            table[n] = table.get(n, "") + c
    return table


_BY_LETTER = _letter_table()


def _anchor(folded_stem: str) -> str:
    """The leading letters every word with this (folded) stem starts with."""
    return folded_stem[: max(1, min(_ANCHOR_LETTERS, len(folded_stem) - _STEM_SLACK))]


@lru_cache(maxsize=1)
def _kazakh_exceptions() -> dict[str, frozenset[str]]:
    """Kazakh stems given to words that do not start like them (the closed-class
    table: саған → сен, маған → мен), as stem (and folded stem) → the words' anchors."""
    from analyzers import kazakh

    table = getattr(kazakh, "CLOSED_CLASS", None) or {}
    out: dict[str, set[str]] = {}
    for word in table:
        w = _norm_fold(word)
        s = STEMMERS["kk"](fold_yo(clean(word.lower())))
        if w and s and not w.startswith(_anchor(fold_kazakh(s))):
            out.setdefault(s, set()).add(w[:_ANCHOR_LETTERS])
            out.setdefault(fold_kazakh(s), set()).add(w[:_ANCHOR_LETTERS])
    return {k: frozenset(v) for k, v in out.items()}


@dataclass(frozen=True)
class MarkTerms:
    """Query terms to mark, per analysis family."""

    stems: dict[str, frozenset[str]]
    folded: frozenset[str]
    prefixes: frozenset[str]
    #: lang → token → matched?, filled while marking this request's hits
    seen: dict[str, dict[str, bool]] = field(default_factory=dict, compare=False, repr=False)
    #: lang → the candidate pattern (None: every token is a candidate)
    patterns: dict[str, re.Pattern[str] | None] = field(default_factory=dict, compare=False, repr=False)

    def __bool__(self) -> bool:
        return bool(any(self.stems.values()) or self.folded or self.prefixes)

    def matches(self, token: str, lang: str) -> bool:
        word, stem, folded, kk_folded, ru_folded = _forms(token, lang)
        stems = self.stems.get(lang if lang in self.stems else "ru", frozenset())
        if stems and stem in stems:
            return True
        if self.folded and (kk_folded in self.folded or ru_folded in self.folded):
            return True
        if self.prefixes:
            return any(word.startswith(p) or folded.startswith(fold_kazakh(p)) for p in self.prefixes)
        return False

    def candidates(self, lang: str) -> re.Pattern[str] | None:
        """A pattern matching every token that :meth:`matches` can accept, and few others."""
        if lang not in self.patterns:
            self.patterns[lang] = _candidate_pattern(self, lang)
        return self.patterns[lang]


def _tail(rest: str) -> str:
    """The anchor's later letters: each a plain character folding to it; any
    other character (whose normal form may be longer) ends the comparison."""
    if not rest:
        return ""
    plain = _BY_LETTER.get(rest[0], "")
    other = f"[{_OTHER_RANGES}]"
    return f"(?:{other}|[{re.escape(plain)}]{_tail(rest[1:])})" if plain else other


def _candidate_pattern(terms: MarkTerms, lang: str) -> re.Pattern[str] | None:
    """Tokens that start like some query term (or with a character outside the plain ranges)."""
    if "" in terms.prefixes:
        return None  # an empty prefix matches every word
    exceptions = _kazakh_exceptions()
    anchors: set[str] = set()
    stems = terms.stems.get(lang if lang in terms.stems else "ru", frozenset())
    kazakh_stems = STEMMERS.get(lang, STEMMERS["ru"]) is STEMMERS["kk"]
    for s in stems:
        if s:
            anchors.add(_anchor(fold_kazakh(s)))
            if kazakh_stems:
                anchors |= exceptions.get(s, frozenset())
    for f in terms.folded:
        if f:
            anchors.add(_anchor(f))  # both folded forms start like the folded word
            anchors |= exceptions.get(f, frozenset())
    for p in terms.prefixes:
        anchors.add(fold_kazakh(p)[:_ANCHOR_LETTERS])  # word.startswith(p) implies folded.startswith(fold(p))
    by_first: dict[str, set[str]] = {}
    for a in anchors:
        if a[0] in _BY_LETTER:  # no plain character folds to anything else
            by_first.setdefault(a[0], set()).add(a[1:])
    branches = [f"(?<=[{_OTHER_RANGES}])"]
    for first, rests in sorted(by_first.items()):
        tail = "" if "" in rests else "(?:" + "|".join(_tail(rest) for rest in sorted(rests)) + ")"
        branches.append(f"(?<=[{re.escape(_BY_LETTER[first])}]){tail}")
    firsts = "".join(re.escape(_BY_LETTER[f]) for f in sorted(by_first))
    # One character from the first-letter set (a fast scan), which must be a
    # word character at a token start, then the rest of an anchor, then the
    # rest of the token.
    return re.compile(f"[{firsts}{_OTHER_RANGES}](?<=[^\\W_])(?<![^\\W_].)(?:{'|'.join(branches)})[^\\W_]*")


@lru_cache(maxsize=50_000)  # ~25 MB at most per worker
def _forms(token: str, lang: str) -> tuple[str, str, str, str, str]:
    """Every form of a document word that a query term can meet, memoised.

    A snippet tests each word of a hit's body, and news repeats its words,
    so the normalisation and the three stemmings run once per distinct word
    per process instead of once per occurrence.
    """
    word = fold_yo(clean(token.lower()))
    folded = fold_kazakh(word)
    stem = STEMMERS.get(lang, STEMMERS["ru"])(word)
    return word, stem, folded, fold_kazakh(STEMMERS["kk"](word)), fold_kazakh(STEMMERS["ru"](folded))


def _spans(text: str, terms: MarkTerms, lang: str, enough: int | None = None, reach: int = 0) -> list[tuple[int, int]]:
    """Spans of the matched words; with ``enough``, stop ``reach`` characters
    past the ``enough``-th match (a snippet never looks further)."""
    if not terms:
        return []
    out: list[tuple[int, int]] = []
    matches = terms.matches
    seen = terms.seen.setdefault(lang, {})
    pattern = terms.candidates(lang)
    stop_at = None
    for m in pattern.finditer(text) if pattern is not None else iter_tokens(text):
        if stop_at is not None and m.start() > stop_at:
            break
        token = m.group()
        hit = seen.get(token)
        if hit is None:
            hit = seen[token] = matches(token, lang)
        if hit:
            out.append(m.span())
            if enough is not None and len(out) == enough:
                stop_at = m.start() + reach
    return out


def mark(text: str, terms: MarkTerms, lang: str) -> str:
    """The whole text, escaped, with matched words in ``<mark>``."""
    return _render(text, _spans(text, terms, lang), 0, len(text))


def snippet(text: str, terms: MarkTerms, lang: str, size: int = SNIPPET_CHARS) -> str:
    """The best window of about ``size`` characters, escaped and marked.

    "Best" is the window holding the most distinct matched words (then the
    most matches); with no match it is the opening of the text.
    """
    spans = _spans(text, terms, lang, enough=_CANDIDATES, reach=size)
    if not spans:
        end = _cut_end(text, min(len(text), size))
        return _render(text, [], 0, end) + ("…" if end < len(text) else "")
    best_start, best_key = spans[0][0], (-1, -1)
    candidates = spans[:_CANDIDATES]  # enough to find a good window in a long text
    for i, (start, _) in enumerate(candidates):
        inside = [s for s in candidates[i : i + 40] if s[1] <= start + size]
        distinct = len({text[a:b].lower() for a, b in inside})
        key = (distinct, len(inside))
        if key > best_key:
            best_start, best_key = start, key
    begin = _cut_start(text, max(0, best_start - size // 5))
    end = _cut_end(text, min(len(text), begin + size))
    prefix = "…" if begin > 0 else ""
    suffix = "…" if end < len(text) else ""
    return prefix + _render(text, spans, begin, end) + suffix


def _cut_start(text: str, pos: int) -> int:
    """Move a window start back to a word boundary (or a line start)."""
    if pos <= 0:
        return 0
    line = text.rfind("\n", 0, pos)
    if line != -1 and pos - line < 40:
        return line + 1
    space = text.rfind(" ", 0, pos)
    return space + 1 if space != -1 else 0  # inside the first word: start at the text


def _cut_end(text: str, pos: int) -> int:
    if pos >= len(text):
        return len(text)
    space = text.rfind(" ", 0, pos)
    return space if space > 0 else pos


def _render(text: str, spans: list[tuple[int, int]], begin: int, end: int) -> str:
    out, pos = [], begin
    for a, b in spans:
        if a < begin or b > end:
            continue
        out.append(escape(text[pos:a], quote=False))
        out.append(f"<mark>{escape(text[a:b], quote=False)}</mark>")
        pos = b
    out.append(escape(text[pos:end], quote=False))
    return "".join(out).replace("\n", " ")
