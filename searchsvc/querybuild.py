"""From the parsed query to a Whoosh query over the per-language fields.

Every word goes through the same analyzer chains as the documents (both
languages, because a query's language is often unknowable from two words),
plus the folded chain, which meets Russian-keyboard and Latin-script spellings
and the other language's spelling of a name at a lower weight.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from whoosh import query as wq
from whoosh.reading import IndexReader

from analyzers.chains import analyze, folded_analyzer, language_analyzer
from analyzers.normalize import clean, fold_kazakh, fold_yo
from analyzers.translit import is_latin_word, latin_variants
from searchsvc.coordination import CoordinatedOr
from searchcore.querylang import Clause, ParsedQuery
from searchsvc.ranking import DEFAULT, QUESTION_WORDS, Ranking

LANGS = ("kk", "ru")
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
class Built:
    """The Whoosh query, plus what the highlighter needs to mark."""

    query: wq.Query
    stems: dict[str, set[str]]
    folded: set[str]
    prefixes: set[str]


class QueryBuilder:
    """Turns a :class:`ParsedQuery` into a Whoosh query for one index reader."""

    def __init__(self, reader: IndexReader, ranking: Ranking = DEFAULT) -> None:
        self.reader = reader
        self.r = ranking
        self.stems: dict[str, set[str]] = {lang: set() for lang in LANGS}
        self.folded: set[str] = set()
        self.prefixes: set[str] = set()
        self._prefix_share = MAX_QUERY_EXPANSION

    def build(self, parsed: ParsedQuery) -> Built | None:
        """The query, or None when nothing searchable is left (only stop words)."""
        n_prefixes = sum(c.prefix for c in parsed.positive_clauses) + sum(c.prefix for c in parsed.excluded)
        self._prefix_share = MAX_QUERY_EXPANSION // max(1, n_prefixes)
        plain = [g[0] for g in parsed.groups if len(g) == 1 and _is_plain(g[0])]
        # Question words ("қашан", "сколько") say what kind of answer is wanted,
        # not what it is about; they only count when nothing else is left.
        drop_questions = self.r.question_weight == 0 and any(c.words[0] not in QUESTION_WORDS for c in plain)
        groups: list[wq.Query] = []
        for group in parsed.groups:
            clauses = [c for c in group if not (drop_questions and _is_plain(c) and c.words[0] in QUESTION_WORDS)]
            subs = [q for q in (self._clause(c, track=True) for c in clauses) if q is not None]
            if subs:
                groups.append(subs[0] if len(subs) == 1 else wq.Or(subs))
        if not groups:
            return None
        bonus = self._proximity(parsed) if len(groups) > 1 else []
        query: wq.Query
        if len(groups) == 1 and not bonus:
            query = groups[0]
        else:
            need = max(1, int(self.r.min_match * len(groups) + 1e-9)) if len(groups) >= self.r.min_match_from else 1
            query = CoordinatedOr(groups, bonus=bonus, coord_power=self.r.coord_power, min_match=need)
        excluded = [q for q in (self._clause(c, track=False, exclude=True) for c in parsed.excluded) if q]
        if excluded:
            query = wq.AndNot(query, wq.Or(excluded))
        return Built(query, self.stems, self.folded, self.prefixes)

    def _proximity(self, parsed: ParsedQuery) -> list[wq.Query]:
        """Bonus queries for adjacent plain words that stand near each other in a document."""
        if not self.r.proximity:
            return []
        words = [g[0].words[0] for g in parsed.groups if len(g) == 1 and _is_plain(g[0])]
        out: list[wq.Query] = []
        for lang in LANGS:
            stems = [t for w in words for t in word_terms(w).by_lang[lang][:1]]
            pairs = list(dict.fromkeys(zip(stems, stems[1:], strict=False)))
            for a, b in pairs:
                if a == b:
                    continue
                for fname, weight in self._fields(lang, None):
                    out.append(wq.Phrase(fname, [a, b], slop=self.r.proximity_slop, boost=weight * self.r.proximity))
        return out

    def _clause(self, c: Clause, track: bool, exclude: bool = False) -> wq.Query | None:
        if c.prefix:
            return self._prefix(c, track)
        if c.phrase:
            return self._phrase(c, track)
        return self._word(c.words[0], c.field, track, exclude)

    def _fields(self, lang: str, only: str | None) -> list[tuple[str, float]]:
        title = (f"title_{lang}", self.r.title)
        return [title] if only == "title" else [title, (f"body_{lang}", self.r.body)]

    def _word(self, word: str, only: str | None, track: bool, exclude: bool = False) -> wq.Query | None:
        terms = word_terms(word)
        subs: list[wq.Query] = []
        for lang in LANGS:
            for stem in terms.by_lang[lang]:
                if track:
                    self.stems[lang].add(stem)
                subs += [wq.Term(f, stem, boost=w) for f, w in self._fields(lang, only)]
        if only is None or exclude:
            if track:
                self.folded.update(terms.folded)
            if not exclude:
                subs += [wq.Term("fold", t, boost=self.r.fold) for t in terms.folded]
        if not subs:
            return None
        return wq.Or(subs)

    def _phrase(self, c: Clause, track: bool) -> wq.Query | None:
        subs: list[wq.Query] = []
        for lang in LANGS:
            stems = [t for w in c.words for t in analyze(_ANALYZERS[lang], w)]
            if track:
                self.stems[lang].update(stems)
            if not stems:
                continue
            for fname, weight in self._fields(lang, c.field):
                if len(stems) == 1:
                    subs.append(wq.Term(fname, stems[0], boost=weight))
                else:
                    subs.append(wq.Phrase(fname, stems, boost=weight * (1 + self.r.phrase_bonus)))
        return wq.Or(subs) if subs else None

    def _prefix(self, c: Clause, track: bool) -> wq.Query | None:
        raw = fold_yo(clean(c.words[0]))
        if len(raw) < MIN_PREFIX_CHARS:
            return self._word(c.words[0], c.field, track)
        if track:
            self.prefixes.add(raw)
        subs: list[wq.Query] = []
        n_fields = len(LANGS) * len(self._fields(LANGS[0], c.field)) + (c.field is None)
        per_field = max(1, min(MAX_PREFIX_TERMS, self._prefix_share // n_fields))
        for lang in LANGS:
            for fname, weight in self._fields(lang, c.field):
                subs += self._expand(fname, raw, weight, per_field)
        if c.field is None:
            subs += self._expand("fold", fold_kazakh(raw), self.r.fold, per_field)
        return wq.Or(subs) if subs else wq.NullQuery

    def _expand(self, fname: str, prefix: str, weight: float, limit: int = MAX_PREFIX_TERMS) -> list[wq.Query]:
        """A bounded prefix expansion: the first ``limit`` terms in index order."""
        out: list[wq.Query] = []
        for term in self.reader.expand_prefix(fname, prefix):
            out.append(wq.Term(fname, term if isinstance(term, str) else term.decode("utf-8"), boost=weight))
            if len(out) >= limit:
                break
        return out


def _is_plain(c: Clause) -> bool:
    """A bare word: no phrase, prefix or field."""
    return not (c.phrase or c.prefix or c.field) and len(c.words) == 1
