""" "Did you mean": corrections from the index's own vocabulary, per language.

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

from analyzers.langid import detect
from analyzers.normalize import clean, fold_yo, has_kazakh_letters
from analyzers.tokenize import iter_tokens
from backends.base import Backend, Reader
from searchcore.querylang import parse

log = logging.getLogger(__name__)

#: Suggest only when a query has fewer matches than this.
SUGGEST_BELOW = 3
#: A word must occur this often to be offered as a correction (typos in
#: the corpus itself mostly occur once).
MIN_COUNT = 2
#: Words shorter than this are never corrected (too many neighbours).
MIN_WORD = 4
#: Characters of each body read into the vocabulary (titles are read whole).
BODY_CHARS = 2000
MAX_DISTANCE = 2
#: Corrections are drawn from this many most frequent words per language.
#: The deletion index costs ~10 entries per word; unbounded it held
#: ~170 MB per worker on a 9,000-article index, capped it is a few tens.
MAX_VOCABULARY = 30_000

_WORD_RE = re.compile(r"^[^\W\d_]+$")
#: Runs of letters (the tokenizer's words, split at digits too).
_LETTERS_RE = re.compile(r"[^\W\d_]+")

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
    deletes: dict[str, dict[str, str]]
    words: dict[str, frozenset[str]]

    @classmethod
    def from_reader(cls, reader: Reader) -> Speller:
        started = time.perf_counter()
        # Count raw words per document (never the whole corpus in one string:
        # a worker's memory does not shrink back after such a peak), then
        # normalise only the distinct words (str.translate over text is slow).
        raw: dict[str, Counter[str]] = {}
        for doc in reader.scan():
            text = f"{doc.title}\n{doc.body[:BODY_CHARS]}".lower()
            raw.setdefault(doc.lang or "other", Counter()).update(_LETTERS_RE.findall(text))
        counts: dict[str, Counter[str]] = {}
        for lang, found in raw.items():
            c: Counter[str] = Counter()
            for word, n in found.items():
                c[fold_yo(clean(word))] += n
            counts[lang] = c
        del raw
        deletes: dict[str, dict[str, str]] = {}
        words: dict[str, frozenset[str]] = {}
        for lang, c in counts.items():
            words[lang] = frozenset(c)
            frequent = [(w, n) for w, n in c.most_common(MAX_VOCABULARY) if n >= MIN_COUNT and len(w) >= MIN_WORD - 1]
            # Space-joined strings instead of lists: a third of the memory.
            index: dict[str, str] = {}
            for word, _ in frequent:
                for d in _deletes(word) | {word}:
                    index[d] = f"{index[d]} {word}" if d in index else word
            deletes[lang] = index
            counts[lang] = Counter(dict(frequent))
        log.info(
            "spelling vocabulary: %s in %.2fs",
            ", ".join(f"{lang} {len(c)} words" for lang, c in counts.items()),
            time.perf_counter() - started,
        )
        return cls(counts, deletes, words)

    def known(self, word: str, langs: tuple[str, ...]) -> bool:
        """A word found in the index is never "corrected", however rare."""
        return any(word in self.words.get(lang, ()) for lang in langs)

    def correct(self, word: str, langs: tuple[str, ...]) -> str | None:
        """The best correction of a lowercased word, or None if none is close."""
        if len(word) < MIN_WORD or not _WORD_RE.match(word) or self.known(word, langs):
            return None
        probes = {word} | _deletes(word)
        probes |= {d2 for d in list(probes) for d2 in _deletes(d)} if len(word) > MIN_WORD else set()
        best: tuple[int, int, str] | None = None
        for lang in langs:
            index, counts = self.deletes.get(lang, {}), self.counts.get(lang, Counter())
            for cand in {c for p in probes if p in index for c in index[p].split(" ")}:
                dist = distance(word, cand)
                if dist > MAX_DISTANCE:
                    continue
                key = (dist, -counts[cand], cand)
                if best is None or key < best:
                    best = key
        return best[2] if best else None


#: Indexes with at most this many documents get their vocabulary built
#: inside the first request that needs it (well under a second); bigger ones
#: in a background thread, and until it is ready there is no suggestion.
SYNC_BUILD_DOCS = 5000

_lock = threading.Lock()
_cache: tuple[str, Speller | None] | None = None


def _build(backend: Backend, key: str) -> None:
    global _cache
    try:
        with backend.reader() as reader:
            speller = Speller.from_reader(reader)
    except Exception:  # a damaged or replaced index: no suggestions, never an error
        log.exception("could not build the spelling vocabulary")
        return
    with _lock:
        if _cache is not None and _cache[0] == key:
            _cache = (key, speller)


def speller_for(backend: Backend, reader: Reader) -> Speller | None:
    """The speller of the index state ``reader`` sees, or None while it is being built.

    A large index builds it in a background thread, which opens a reader of
    its own (readers belong to one thread).
    """
    global _cache
    key = reader.key
    cached = _cache
    if cached is not None and cached[0] == key:
        return cached[1]
    if reader.doc_count() <= SYNC_BUILD_DOCS:
        speller = Speller.from_reader(reader)
        with _lock:
            _cache = (key, speller)
        return speller
    with _lock:
        if _cache is not None and _cache[0] == key:
            return _cache[1]
        _cache = (key, None)
    threading.Thread(target=_build, args=(backend, key), name="spelling-vocabulary", daemon=True).start()
    return None


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
        if m.group(0) == "OR" or text[m.end() : m.end() + 1] == ":":
            continue  # operators and field names are not words
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


def suggest(
    backend: Backend,
    reader: Reader,
    text: str,
    total: int,
    count: CountFn,
    langs: tuple[str, ...] = (),
) -> str | None:
    """A corrected query when ``text`` has few matches and the correction has more.

    ``count(query_text)`` returns how many documents a query text matches
    with the request's filters; ``langs`` are the requested languages.
    """
    if total >= SUGGEST_BELOW or parse(text).is_empty():
        return None
    speller = speller_for(backend, reader)
    if speller is None:
        return None
    if not langs:
        lang = detect(text)
        langs = (lang,) if lang in speller.counts and lang != "other" else ()
    fixed = corrected_query(text, speller, langs)
    if fixed is None or fixed.strip().lower() == text.strip().lower():
        return None
    return fixed if count(fixed) > total else None
