"""Queries for the engine parity tests, generated from the corpus by fixed rules (not hand-picked).

Every rule walks the articles (or their title words) in a deterministic order
and takes items at a fixed stride, so the list changes only when the corpus
does. Words are *content words* of titles: letters only, at least four of them
(shorter ones are mostly stop words, which plan to nothing on both engines).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from analyzers.normalize import fold_kazakh, has_kazakh_letters
from analyzers.tokenize import words
from indexer.corpus import Article

#: Kazakh Cyrillic → the official Latin alphabet of 2021 (analyzers/translit.py reads it back).
_LATIN = {
    "а": "a",
    "ә": "ä",
    "б": "b",
    "в": "v",
    "г": "g",
    "ғ": "ğ",
    "д": "d",
    "е": "e",
    "ж": "j",
    "з": "z",
    "и": "i",
    "й": "i",
    "к": "k",
    "қ": "q",
    "л": "l",
    "м": "m",
    "н": "n",
    "ң": "ñ",
    "о": "o",
    "ө": "ö",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ұ": "ū",
    "ү": "ü",
    "ф": "f",
    "х": "h",
    "һ": "h",
    "ч": "ç",
    "ш": "ş",
    "ы": "y",
    "і": "ı",
}


@dataclass(frozen=True)
class Case:
    """One query and its filters, as API parameters."""

    kind: str
    q: str
    params: tuple[tuple[str, str], ...] = field(default=())

    def args(self, **extra: object) -> dict[str, object]:
        out: dict[str, object] = {"q": self.q}
        for key, value in self.params:
            out[key] = value
        out.update(extra)
        return out

    def __str__(self) -> str:
        extra = "".join(f" {k}={v}" for k, v in self.params)
        return f"[{self.kind}] {self.q!r}{extra}"


def content_words(text: str) -> list[str]:
    return [w for w in words(text) if len(w) >= 4 and w.isalpha()]


def latin(word: str) -> str | None:
    """The word in the official Latin alphabet, or None if it has letters outside it."""
    out = [_LATIN.get(ch) for ch in word.lower()]
    return None if any(ch is None for ch in out) else "".join(out)  # type: ignore[arg-type]


def stride(items: Sequence[object], n: int, offset: int = 0) -> list:  # type: ignore[type-arg]
    """``n`` items spread evenly over ``items`` (all of them when there are fewer)."""
    if len(items) <= n:
        return list(items)
    step = len(items) / n
    return [items[int(offset + i * step) % len(items)] for i in range(n)]


def title_df(articles: Sequence[Article], lang: str) -> Counter[str]:
    """Title document frequency of each content word, over the articles of one language."""
    df: Counter[str] = Counter()
    for a in articles:
        if a.lang == lang:
            df.update(set(content_words(a.title)))
    return df


def build_cases(
    articles: Sequence[Article],
    prefix_terms: Callable[[str], int],
) -> list[Case]:
    """The whole query list; ``prefix_terms(p)`` = the most index terms ``p*`` has in any one field."""
    arts = sorted(articles, key=lambda a: a.doc_id)
    cases: list[Case] = []

    def add(kind: str, q: str, **params: str) -> None:
        case = Case(kind, q, tuple(sorted(params.items())))
        if q.strip() and case not in cases:
            cases.append(case)

    # 1. Single words: every Kazakh title word (the sample holds few Kazakh articles),
    #    the most frequent Russian title words, and Russian words found in one title only.
    kk_df, ru_df = title_df(arts, "kk"), title_df(arts, "ru")
    kk_words = sorted(kk_df)
    for w in stride(kk_words, 16):
        add("word-kk", w)
    frequent_ru = [w for w, _ in sorted(ru_df.items(), key=lambda kv: (-kv[1], kv[0]))][:12]
    rare_ru = sorted(w for w, n in ru_df.items() if n == 1)
    for w in frequent_ru:
        add("word-ru-frequent", w)
    for w in stride(rare_ru, 12, offset=3):
        add("word-ru-rare", w)

    # 2. Two and three words: the first content words of every k-th title.
    titled = [(a, content_words(a.title)) for a in arts]
    for _, ws in stride([t for t in titled if len(t[1]) >= 2], 12):
        add("two-words", " ".join(ws[:2]))
    for _, ws in stride([t for t in titled if len(t[1]) >= 3], 12, offset=5):
        add("three-words", " ".join(ws[:3]))

    # 3. Exact phrases: two adjacent title words (both content words), from every k-th title.
    pairs: list[str] = []
    for a in arts:
        toks = words(a.title)
        for left, right in zip(toks, toks[1:], strict=False):
            if left in content_words(left) and right in content_words(right):
                pairs.append(f"{left} {right}")
                break
    for pair in stride(pairs, 14, offset=1):
        add("phrase", f'"{pair}"')

    # 4. Prefixes: the first 2-5 letters of title words, grouped by how far they expand:
    #    4-5 letters and under 40 terms in every field (complete on both engines), and
    #    more than 64 terms in some field (bounded expansion: see test_parity's docstring).
    candidates = sorted({w[:n] for w in kk_words + sorted(ru_df) for n in (2, 3, 4, 5) if len(w) > n})
    sized = [(p, prefix_terms(p)) for p in candidates]
    small = [p for p, n in sized if 1 <= n < 40 and len(p) >= 4]
    many = [p for p, n in sized if n > 64]
    for p in stride(small, 14, offset=2):
        add("prefix", f"{p}*")
    for p in stride(many, 6):
        add("prefix-many", f"{p}*")

    # 5. Boolean: OR of a frequent and a rare word; exclusion of a word or phrase that
    #    co-occurs with a frequent word in some title (so the exclusion removes something).
    for a, b in zip(stride(frequent_ru, 6), stride(rare_ru + kk_words, 6, offset=7), strict=False):
        add("or", f"{a} OR {b}")
    for w in frequent_ru[:8]:
        with_w = [ws for _, ws in titled if w in ws]
        others = sorted({x for ws in with_w for x in ws if x != w})
        if others:
            add("exclude-word", f"{w} -{others[len(others) // 2]}")
    for w in frequent_ru[:6]:
        for a in arts:
            toks = words(a.title)
            if w not in toks:
                continue
            adjacent = [
                (x, y) for x, y in zip(toks, toks[1:], strict=False) if w not in (x, y) and len(x) >= 4 and len(y) >= 4
            ]
            if adjacent:
                add("exclude-phrase", f'{w} -"{adjacent[0][0]} {adjacent[0][1]}"')
                break

    # 6. The title field: a word, and a two-word phrase, from every k-th title.
    for _, ws in stride([t for t in titled if t[1]], 6, offset=2):
        add("title-word", f"title:{ws[0]}")
    for p in stride(pairs, 4, offset=4):
        add("title-phrase", f'title:"{p}"')

    # 7. Other spellings of Kazakh words: Russian keyboard (Kazakh letters folded) and Latin.
    kk_special = [w for w in kk_words if has_kazakh_letters(w)]
    for w in stride(kk_special, 8):
        add("ru-keyboard", fold_kazakh(w))
    for w in stride(kk_words, 10, offset=1):
        lat = latin(w)
        if lat:
            add("latin", lat)

    # 8. Misspellings (a letter dropped from frequent words), for "did you mean".
    for w in stride([w for w in frequent_ru + kk_words if len(w) >= 6], 6):
        add("typo", w[:3] + w[4:])

    # 9. Filters on some of the queries above: each language, date ranges, both together.
    dates = sorted(a.date for a in arts)
    lo, mid, hi = dates[len(dates) // 4], dates[len(dates) // 2], dates[(3 * len(dates)) // 4]
    base = [c for c in cases if c.kind in ("word-ru-frequent", "word-kk", "two-words", "prefix")]
    for i, c in enumerate(stride(base, 16, offset=1)):
        variants = [
            {"lang": "kk"},
            {"lang": "ru"},
            {"date_from": mid},
            {"date_to": mid},
            {"date_from": lo, "date_to": hi},
            {"lang": "ru", "date_from": lo, "date_to": mid},
        ]
        add(f"{c.kind}+filter", c.q, **variants[i % len(variants)])
    return cases
