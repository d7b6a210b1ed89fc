""""Did you mean": corrections from the index's own vocabulary, per language.

The vocabulary is the surface words (lowercased) of the stored titles and
the start of each body, counted per document language. It is built once per
index generation, the first time a search needs it, from the stored fields
(no index-time file), and kept until the next generation is served.

Correction is SymSpell-style: every vocabulary word seen at least
``MIN_COUNT`` times is indexed under its one-letter deletions; a query word's
deletions (up to two) are looked up there, the candidates are checked with a
true (Damerau) edit distance of at most two, and the most frequent at the
smallest distance wins. A lookup is a few dozen dict probes, well under a
millisecond.

:func:`suggest` only offers a corrected query when the original has few
matches and the corrected one has more.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from whoosh.searching import Searcher

from analyzers.normalize import clean, fold_yo, has_kazakh_letters
from analyzers.tokenize import iter_tokens
from searchsvc.querylang import parse

log = logging.getLogger(__name__)

#: Suggest only when a query has fewer matches than this.
SUGGEST_BELOW = 3
#: A word must occur this often to be offered as a correction (typos in
#: the corpus itself occur once).
MIN_COUNT = 3
#: Words shorter than this are never corrected (too many neighbours).
MIN_WORD = 4
#: Characters of each body read into the vocabulary (titles are read whole).
BODY_CHARS = 4000
MAX_DISTANCE = 2

_WORD_RE = re.compile(r"^[^\W\d_]+$")

#: ``count(query_text)``: how many documents a query text matches.
CountFn = Callable[[str], int]


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def distance(a: str, b: str, limit: int = MAX_DISTANCE) -> int:
    """Optimal-string-alignment (Damerau) distance, or ``limit + 1`` past it."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


@dataclass
class Speller:
    """Per-language word counts and a deletion index over the frequent words."""

    counts: dict[str, Counter[str]]
    deletes: dict[str, dict[str, list[str]]]

    @classmethod
    def from_searcher(cls, searcher: Searcher) -> Speller:
        started = time.perf_counter()
        counts: dict[str, Counter[str]] = {}
        for doc in searcher.reader().all_stored_fields():
            lang = doc.get("lang") or "other"
            text = f"{doc.get('title', '')}\n{str(doc.get('body', ''))[:BODY_CHARS]}"
            c = counts.setdefault(lang, Counter())
            c.update(w for w in (fold_yo(m.group(0).lower()) for m in iter_tokens(clean(text))) if _WORD_RE.match(w))
        deletes: dict[str, dict[str, list[str]]] = {}
        for lang, c in counts.items():
            index: dict[str, list[str]] = {}
            for word, n in c.items():
                if n >= MIN_COUNT and len(word) >= MIN_WORD - 1:
                    for d in _deletes(word) | {word}:
                        index.setdefault(d, []).append(word)
            deletes[lang] = index
        log.info(
            "spelling vocabulary: %s in %.2fs",
            ", ".join(f"{lang} {len(c)} words" for lang, c in counts.items()),
            time.perf_counter() - started,
        )
        return cls(counts, deletes)

    def known(self, word: str, langs: tuple[str, ...]) -> bool:
        return any(self.counts.get(lang, {}).get(word, 0) >= MIN_COUNT for lang in langs)

    def correct(self, word: str, langs: tuple[str, ...]) -> str | None:
        """The best correction of a lowercased word, or None if none is close."""
        if len(word) < MIN_WORD or not _WORD_RE.match(word) or self.known(word, langs):
            return None
        probes = {word} | _deletes(word)
        probes |= {d2 for d in list(probes) for d2 in _deletes(d)} if len(word) > MIN_WORD else set()
        best: tuple[int, int, str] | None = None
        for lang in langs:
            index, counts = self.deletes.get(lang, {}), self.counts.get(lang, Counter())
            for cand in {c for p in probes for c in index.get(p, ())}:
                dist = distance(word, cand)
                if dist > MAX_DISTANCE:
                    continue
                key = (dist, -counts[cand], cand)
                if best is None or key < best:
                    best = key
        return best[2] if best else None


_lock = threading.Lock()
_cache: tuple[object, Speller] | None = None


def speller_for(searcher: Searcher, generation_key: object) -> Speller:
    """The speller of a generation (``generation_key`` is any per-generation object)."""
    global _cache
    cached = _cache
    if cached is not None and cached[0] is generation_key:
        return cached[1]
    with _lock:
        if _cache is None or _cache[0] is not generation_key:
            _cache = (generation_key, Speller.from_searcher(searcher))
        return _cache[1]


def _langs_for(word: str, wanted: tuple[str, ...], speller: Speller) -> tuple[str, ...]:
    """Which dictionaries to look in: the requested languages, else by script."""
    if wanted:
        return wanted
    if has_kazakh_letters(word):
        return ("kk",)
    return tuple(speller.counts)


def corrected_query(text: str, speller: Speller, langs: tuple[str, ...] = ()) -> str | None:
    """The query with each unknown plain word replaced by its correction, or None.

    Operators, quotes and known words are kept as typed; a corrected word
    keeps the capitalisation of the first letter.
    """
    out: list[str] = []
    pos, changed = 0, False
    for m in iter_tokens(text):
        word = fold_yo(clean(m.group(0)).lower())
        fix = speller.correct(word, _langs_for(word, langs, speller))
        if fix is None:
            continue
        if m.group(0)[:1].isupper():
            fix = fix[:1].upper() + fix[1:]
        out.append(text[pos : m.start()])
        out.append(fix)
        pos, changed = m.end(), True
    if not changed:
        return None
    out.append(text[pos:])
    return "".join(out)


def suggest(searcher: Searcher, generation_key: object, text: str, total: int, count: CountFn, langs: tuple[str, ...] = ()) -> str | None:
    """A corrected query when ``text`` has few matches and the correction has more.

    ``count(query_text)`` returns how many documents a query text matches
    (with the request's filters).
    """
    if total >= SUGGEST_BELOW or parse(text).is_empty():
        return None
    fixed = corrected_query(text, speller_for(searcher, generation_key), langs)
    if fixed is None or fixed.strip().lower() == text.strip().lower():
        return None
    return fixed if count(fixed) > total else None

