"""Snippets with the query's words marked, safe to drop into HTML.

A word is marked when it reduces to a query term the way the index reduced
it: the same stem in the document's language, the same folded stem, or a
query prefix. Everything else is HTML-escaped, so a document containing
``<script>`` shows that text and nothing runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from analyzers.chains import STEMMERS
from analyzers.normalize import clean, fold_kazakh, fold_yo
from analyzers.tokenize import iter_tokens

SNIPPET_CHARS = 260


@dataclass(frozen=True)
class MarkTerms:
    """Query terms to mark, per analysis family."""

    stems: dict[str, frozenset[str]]
    folded: frozenset[str]
    prefixes: frozenset[str]

    def __bool__(self) -> bool:
        return bool(any(self.stems.values()) or self.folded or self.prefixes)

    def matches(self, token: str, lang: str) -> bool:
        word = fold_yo(clean(token.lower()))
        stems = self.stems.get(lang if lang in self.stems else "ru", frozenset())
        if stems and STEMMERS.get(lang, STEMMERS["ru"])(word) in stems:
            return True
        if self.folded:
            folded = fold_kazakh(word)
            if fold_kazakh(STEMMERS["kk"](word)) in self.folded or fold_kazakh(STEMMERS["ru"](folded)) in self.folded:
                return True
        if self.prefixes:
            folded = fold_kazakh(word)
            return any(word.startswith(p) or folded.startswith(fold_kazakh(p)) for p in self.prefixes)
        return False


def _spans(text: str, terms: MarkTerms, lang: str) -> list[tuple[int, int]]:
    if not terms:
        return []
    return [m.span() for m in iter_tokens(text) if terms.matches(m.group(0), lang)]


def mark(text: str, terms: MarkTerms, lang: str) -> str:
    """The whole text, escaped, with matched words in ``<mark>``."""
    return _render(text, _spans(text, terms, lang), 0, len(text))


def snippet(text: str, terms: MarkTerms, lang: str, size: int = SNIPPET_CHARS) -> str:
    """The best window of about ``size`` characters, escaped and marked.

    "Best" is the window holding the most distinct matched words (then the
    most matches); with no match it is the opening of the text.
    """
    spans = _spans(text, terms, lang)
    if not spans:
        end = _cut_end(text, min(len(text), size))
        return _render(text, [], 0, end) + ("…" if end < len(text) else "")
    best_start, best_key = spans[0][0], (-1, -1)
    candidates = spans[:200]  # enough to find a good window in a long text
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
    return space + 1 if space != -1 else pos


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
