""" "The same story in the other language": a Kazakh article's Russian twin.

News agencies publish one event in both languages on the same day or within
a few days, in different words but with the same *names* and *numbers*.
So the match is made on those, not on the vocabulary:

* a **name key** is a capitalised word reduced to a spelling both languages
  share: lowercase, Kazakh letters folded to the Russian ones people type
  (``analyzers.normalize.fold_kazakh``: Тоқаев → Токаев), a few loose letters
  merged (х→к, so Қазақстан and Казахстан meet; й→и; ь, ъ dropped), then cut
  to its first five letters, which strips the case endings of both languages
  (Тоқаевтың, Токаева → "токае");
* numbers of two or more digits count as their own keys;
* each key is weighted by its rarity in the index: the document frequency of
  the word's terms in the ``fold`` field, looked up when a word is first
  seen and remembered per generation (a scan of the whole term dictionary
  took seconds per worker per generation on the request path), so
  "Казахстан" in a Kazakh news corpus says little and "Яцкин" or "Тоқаев"
  says a lot.

Candidates are the other language's articles within ``WINDOW_DAYS`` days
(an indexed language and date-range filter, never a scan of the whole index). Each gets a score in [0, 1]: the
weighted overlap of name/number keys (cosine-style), plus title-word overlap,
discounted by the distance in days; candidates under ``THRESHOLD`` are not
"the same story".
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import re
from dataclasses import dataclass
from functools import lru_cache

from analyzers.chains import analyze, folded_analyzer
from analyzers.normalize import clean, fold_kazakh, fold_yo
from analyzers.tokenize import iter_tokens
from backends.base import FOLD_FIELD, Backend, Filters, Reader, StoredDoc
from searchcore.gencache import PerGeneration

WINDOW_DAYS = 3
# Calibrated on the bench corpus (2,011 articles; every kk article has ~340 ru ones within 3 days):
# the seed pair scores 0.17, "Тоқаев signs the law on women's rights" kk/ru 0.13 (same story),
# the best different-story pairs 0.11 (EU on that law; a court report on the same case).
THRESHOLD = 0.12
MAX_CANDIDATES = 2000
BODY_CHARS = 4000  # names of a news story are in its first paragraphs
KEY_CHARS = 5
MIN_NAME_CHARS = 4
NAME_WEIGHT, TITLE_WEIGHT = 0.75, 0.25
DAY_PENALTY = 0.1

_LOOSE = str.maketrans({"х": "к", "һ": "к", "й": "и", "э": "е", "ь": None, "ъ": None})
_LANGS = ("kk", "ru")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Related:
    """One article judged to tell the same story."""

    id: str
    title: str
    date: str
    lang: str
    score: float


# A capitalised word of at least MIN_NAME_CHARS letters, or a number of 2+ digits.
_NAME_RE = re.compile(r"(?<![^\W_])(?:[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ][^\W_]{" + str(MIN_NAME_CHARS - 1) + r",}|\d{2,})(?![^\W_])")


@lru_cache(maxsize=200_000)
def key_of(word: str) -> str:
    """The shared-spelling key of a word (see the module docstring)."""
    w = fold_kazakh(fold_yo(clean(word.lower()))).translate(_LOOSE)
    return w if w.isdigit() else w[:KEY_CHARS]


def name_words(text: str) -> dict[str, str]:
    """Key → one word behind it, for the capitalised words (len ≥ 4) and multi-digit numbers."""
    return {key_of(w): w for w in set(_NAME_RE.findall(text))}


_FOLDED = folded_analyzer()


def title_keys(title: str) -> set[str]:
    return {key_of(m.group(0)) for m in iter_tokens(title) if len(m.group(0)) >= MIN_NAME_CHARS or m.group(0).isdigit()}


Features = tuple[frozenset[str], frozenset[str]]


class KeyStats:
    """Per generation: document frequencies of name keys (learnt lazily from
    the ``fold`` field) and a bounded cache of each document's keys."""

    MAX_CACHED = 50_000

    def __init__(self, reader: Reader) -> None:
        self.n = max(1, reader.doc_count())
        self.df: dict[str, int] = {}
        self._features: dict[str, Features] = {}

    def idf(self, key: str) -> float:
        return math.log((self.n + 1) / (self.df.get(key, 0) + 1)) + 0.1

    def learn(self, words: dict[str, str], reader: Reader) -> None:
        """Record the document frequency of keys not seen yet (the calling
        thread's own reader: readers are not shared across threads)."""
        for key, word in words.items():
            if key not in self.df:
                terms = analyze(_FOLDED, word) or [key]
                self.df[key] = max(reader.doc_frequency(FOLD_FIELD, t) for t in terms)

    def features(self, doc: StoredDoc, reader: Reader) -> Features:
        found = self._features.get(doc.id)
        if found is None:
            words, title_set = _raw_features(doc)
            self.learn(words, reader)
            found = (frozenset(words), title_set)
            if len(self._features) >= self.MAX_CACHED:
                self._features.clear()
            self._features[doc.id] = found
        return found


_STATS: PerGeneration[KeyStats] = PerGeneration("related key stats", KeyStats)


def _raw_features(doc: StoredDoc) -> tuple[dict[str, str], frozenset[str]]:
    """(name/number key → word, for title and lead; keys of the title words)."""
    return name_words(doc.title + "\n" + doc.body[:BODY_CHARS]), frozenset(title_keys(doc.title))


def _cosine(a: frozenset[str], b: frozenset[str], stats: KeyStats) -> float:
    if not a or not b:
        return 0.0
    shared = sum(stats.idf(k) for k in a & b)
    return shared / math.sqrt(sum(stats.idf(k) for k in a) * sum(stats.idf(k) for k in b))


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _shift(date: str, days: int) -> str:
    return (dt.date.fromisoformat(date) + dt.timedelta(days=days)).isoformat()


def similarity(source: Features, other: Features, days: int, stats: KeyStats) -> float:
    """How likely two articles tell the same story, in [0, 1]."""
    sim = NAME_WEIGHT * _cosine(source[0], other[0], stats) + TITLE_WEIGHT * _jaccard(source[1], other[1])
    return max(0.0, sim * (1 - DAY_PENALTY * days))


def find_related(backend: Backend, doc_id: str, limit: int = 3) -> list[Related] | None:
    """Articles in the other language(s) telling the same story, best first.

    ``None`` when there is no document ``doc_id``.
    """
    with backend.reader() as reader:
        source = reader.document(doc_id)
        if source is None:
            return None
        stats = _STATS.get(reader)
        mine = stats.features(source, reader)
        day = dt.date.fromisoformat(source.date)
        others = tuple(lang for lang in _LANGS if lang != source.lang)
        window = Filters(others, _shift(source.date, -WINDOW_DAYS), _shift(source.date, WINDOW_DAYS))
        found = []
        for i, other in enumerate(reader.scan(window, limit=MAX_CANDIDATES + 1)):
            if i >= MAX_CANDIDATES:
                log.info("related: %s has over %d candidates; scored the first", doc_id, MAX_CANDIDATES)
                break
            days = abs((dt.date.fromisoformat(other.date) - day).days)
            score = similarity(mine, stats.features(other, reader), days, stats)
            if score >= THRESHOLD:
                found.append(Related(other.id, other.title, other.date, other.lang, round(score, 4)))
    found.sort(key=lambda r: (-r.score, r.id))
    return found[:limit]
