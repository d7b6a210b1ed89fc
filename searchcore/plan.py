"""From the parsed query to index terms: the engine-neutral :class:`~backends.base.Query`.

Every word goes through the same analyzer chains as the documents (both
languages, because a query's language is often unknowable from two words),
plus the folded chain, which meets Russian-keyboard and Latin-script spellings
and the other language's spelling of a name at a lower weight. Every engine
receives exactly these terms and boosts, so matching is the same on each.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from analyzers.chains import analyze, folded_analyzer, language_analyzer
from analyzers.normalize import clean, fold_kazakh, fold_yo
from analyzers.translit import is_latin_word, latin_variants
from backends.base import FOLD_FIELD, TEXT_LANGS, Clause, Leaf, Phrase, Prefix, Query, Term
from searchcore.highlight import MarkTerms
from searchcore.querylang import Clause as Typed
from searchcore.querylang import ParsedQuery
from searchcore.ranking import DEFAULT, QUESTION_WORDS, Ranking

LANGS = TEXT_LANGS
MAX_PREFIX_TERMS = 64
MIN_PREFIX_CHARS = 2
#: Expanded terms for all the prefixes of one query together: each term costs
#: a posting-list matcher (about 1 ms), so 32 prefixes × 5 fields × 64 terms
#: would take seconds before the time budget could even start counting.
MAX_QUERY_EXPANSION = 512

_ANALYZERS = {lang: language_analyzer(lang) for lang in LANGS}
_FOLDED = folded_analyzer()


@dataclass
class WordTerms:
    """What one query word becomes in each field family."""

    by_lang: dict[str, list[str]] = field(default_factory=dict)
    folded: list[str] = field(default_factory=list)


@lru_cache(maxsize=65536)
def word_terms(word: str) -> WordTerms:
    """Analyse a query word with every chain (and its Cyrillic form if Latin)."""
    variants = [word]
    if is_latin_word(word):
        variants += latin_variants(word)
    out = WordTerms()
    for lang in LANGS:
        out.by_lang[lang] = _dedupe(t for v in variants for t in analyze(_ANALYZERS[lang], v))
    out.folded = _dedupe(t for v in variants for t in analyze(_FOLDED, v))
    return out


def _dedupe(items: object) -> list[str]:
    return list(dict.fromkeys(items))  # type: ignore[arg-type]


@dataclass
class Plan:
    """The engine query, plus what the highlighter needs to mark."""

    query: Query
    terms: MarkTerms


class QueryPlanner:
    """Turns a :class:`ParsedQuery` into a :class:`Plan` (one per request: it collects marks)."""

    def __init__(self, ranking: Ranking = DEFAULT) -> None:
        self.r = ranking
        self.stems: dict[str, set[str]] = {lang: set() for lang in LANGS}
        self.folded: set[str] = set()
        self.prefixes: set[str] = set()
        self._prefix_share = MAX_QUERY_EXPANSION

    def build(self, parsed: ParsedQuery) -> Plan | None:
        """The plan, or None when nothing searchable is left (only stop words)."""
        n_prefixes = sum(c.prefix for c in parsed.positive_clauses) + sum(c.prefix for c in parsed.excluded)
        self._prefix_share = MAX_QUERY_EXPANSION // max(1, n_prefixes)
        plain = [g[0] for g in parsed.groups if len(g) == 1 and _is_plain(g[0])]
        # Question words ("қашан", "сколько") say what kind of answer is wanted,
        # not what it is about; they only count when nothing else is left.
        drop_questions = self.r.question_weight == 0 and any(c.words[0] not in QUESTION_WORDS for c in plain)
        clauses: list[Clause] = []
        for group in parsed.groups:
            kept = [c for c in group if not (drop_questions and _is_plain(c) and c.words[0] in QUESTION_WORDS)]
            leaves = tuple(leaf for c in kept for leaf in self._clause(c, track=True))
            if leaves:
                clauses.append(Clause(leaves))
        if not clauses:
            return None
        n = len(clauses)
        need = max(1, int(self.r.min_match * n + 1e-9)) if n >= self.r.min_match_from else 1
        excluded = tuple(leaf for c in parsed.excluded for leaf in self._clause(c, track=False, exclude=True))
        query = Query(tuple(clauses), excluded, coord_power=self.r.coord_power, min_match=need)
        return Plan(query, self._marks())

    def _marks(self) -> MarkTerms:
        return MarkTerms(
            stems={k: frozenset(v) for k, v in self.stems.items()},
            folded=frozenset(self.folded),
            prefixes=frozenset(self.prefixes),
        )

    def _clause(self, c: Typed, track: bool, exclude: bool = False) -> list[Leaf]:
        if c.prefix:
            return self._prefix(c, track)
        if c.phrase:
            return self._phrase(c, track)
        return self._word(c.words[0], c.field, track, exclude)

    def _fields(self, lang: str, only: str | None) -> list[tuple[str, float]]:
        title = (f"title_{lang}", self.r.title)
        return [title] if only == "title" else [title, (f"body_{lang}", self.r.body)]

    def _word(self, word: str, only: str | None, track: bool, exclude: bool = False) -> list[Leaf]:
        terms = word_terms(word)
        out: list[Leaf] = []
        for lang in LANGS:
            for stem in terms.by_lang[lang]:
                if track:
                    self.stems[lang].add(stem)
                out += [Term(f, stem, w) for f, w in self._fields(lang, only)]
        if only is None or exclude:
            if track:
                self.folded.update(terms.folded)
            if not exclude:
                out += [Term(FOLD_FIELD, t, self.r.fold) for t in terms.folded]
        return out

    def _phrase(self, c: Typed, track: bool) -> list[Leaf]:
        out: list[Leaf] = []
        for lang in LANGS:
            stems = [t for w in c.words for t in analyze(_ANALYZERS[lang], w)]
            if track:
                self.stems[lang].update(stems)
            if not stems:
                continue
            for fname, weight in self._fields(lang, c.field):
                if len(stems) == 1:
                    out.append(Term(fname, stems[0], weight))
                else:
                    out.append(Phrase(fname, tuple(stems), weight * (1 + self.r.phrase_bonus)))
        return out

    def _prefix(self, c: Typed, track: bool) -> list[Leaf]:
        raw = fold_yo(clean(c.words[0]))
        if len(raw) < MIN_PREFIX_CHARS:
            return self._word(c.words[0], c.field, track)
        if track:
            self.prefixes.add(raw)
        n_fields = len(LANGS) * len(self._fields(LANGS[0], c.field)) + (c.field is None)
        per_field = max(1, min(MAX_PREFIX_TERMS, self._prefix_share // n_fields))
        out: list[Leaf] = [
            Prefix(fname, raw, weight, per_field) for lang in LANGS for fname, weight in self._fields(lang, c.field)
        ]
        if c.field is None:
            out.append(Prefix(FOLD_FIELD, fold_kazakh(raw), self.r.fold, per_field))
        return out


def _is_plain(c: Typed) -> bool:
    """A bare word: no phrase, prefix or field."""
    return not (c.phrase or c.prefix or c.field) and len(c.words) == 1
