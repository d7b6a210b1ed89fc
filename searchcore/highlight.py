"""Snippets with the query's words marked, safe to drop into HTML.

A word is marked when it reduces to a query term the way the index reduced
it: the same stem in the document's language, the same folded stem, or a
query prefix. Everything else is HTML-escaped, so a document containing
``<script>`` shows that text and nothing runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from html import escape

from analyzers.chains import STEMMERS
from analyzers.normalize import clean, fold_kazakh, fold_yo
from analyzers.tokenize import iter_tokens

SNIPPET_CHARS = 260
_CANDIDATES = 200


@dataclass(frozen=True)
class MarkTerms:
    """Query terms to mark, per analysis family."""

    stems: dict[str, frozenset[str]]
    folded: frozenset[str]
    prefixes: frozenset[str]
    #: lang → token → matched?, filled while marking this request's hits
    seen: dict[str, dict[str, bool]] = field(default_factory=dict, compare=False, repr=False)

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
    stop_at = None
    for m in iter_tokens(text):
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
