"""The highlighter's candidate filter marks exactly what the whole-text scan marks.

``searchcore.highlight`` analyses only the tokens that start like a query term
(its first letters, letter-folded). That rests on two properties checked here:
a word starts with the anchor of its stem (the stem's first letters but its
last two), apart from the Kazakh closed-class table the highlighter reads; and
the "plain" characters normalise one to one. The
output is compared with the unfiltered scan (the same code with the candidate
pattern switched off) on the sample corpus.
"""

from __future__ import annotations

import gzip
import json
import random
import re
import unicodedata
from pathlib import Path

import pytest

from analyzers.chains import STEMMERS, analyze, folded_analyzer, language_analyzer
from analyzers.normalize import clean, fold_kazakh, fold_yo
from analyzers.tokenize import words
from searchcore import highlight
from searchcore.highlight import MarkTerms, mark, snippet

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample"
SHARED_KK = ROOT.parent / "shared" / "corpus" / "kk"
LEMMAS = ROOT.parent / "shared" / "eval" / "lemmas"
_WORD = re.compile(r"[^\W_]")
_ANALYZERS = {lang: language_analyzer(lang) for lang in ("kk", "ru")}
_FOLDED = folded_analyzer()


def _articles() -> list[tuple[str, str]]:
    out = []
    for path in sorted(SAMPLE.glob("*.txt")):
        head, _, body = path.read_text(encoding="utf-8").partition("\n")
        out.append((head[len(" date 2000-01-01 ") :], body))
    return out


def _vocabulary() -> set[str]:
    vocab = {w for title, body in _articles() for w in words(f"{title} {body}")}
    for name in ("news_undated.jsonl.gz", "prose.jsonl.gz"):
        if (SHARED_KK / name).exists():
            with gzip.open(SHARED_KK / name, "rt", encoding="utf-8") as fh:
                for line in fh:
                    vocab.update(words(" ".join(str(v) for v in json.loads(line).values())))
    for tsv in LEMMAS.glob("*.tsv") if LEMMAS.exists() else ():
        vocab.update(words(tsv.read_text(encoding="utf-8")))
    return vocab


def test_plain_characters_normalise_one_to_one() -> None:
    plain = [c for c in highlight._PLAIN_CHARS if _WORD.match(c)]
    assert all(len(highlight._norm_fold(c)) == 1 for c in plain)
    # NFC never composes a plain character with a following word character.
    plain_set = set(plain)
    for cp in range(0x110000):
        parts = unicodedata.decomposition(chr(cp)).split()
        if len(parts) == 2 and not parts[0].startswith("<"):
            first, second = (chr(int(x, 16)) for x in parts)
            assert not (first in plain_set and _WORD.match(second)), hex(cp)


def test_words_start_with_their_stems_anchor() -> None:
    exceptions = highlight._kazakh_exceptions()
    bad = []
    for w in _vocabulary():
        word = fold_yo(clean(w))
        folded = fold_kazakh(word)
        for family, stem in (
            ("kk", STEMMERS["kk"](word)),
            ("ru", STEMMERS["ru"](word)),
            ("ru-folded", STEMMERS["ru"](folded)),
        ):
            if folded.startswith(highlight._anchor(fold_kazakh(stem))):
                continue
            if family == "kk" and any(folded.startswith(a) for a in exceptions.get(stem, ())):
                continue
            bad.append((family, w, stem))
    assert not bad, f"stems that change a word's first letters (teach searchcore.highlight about them): {bad[:20]}"


def _terms(
    ws: list[str], prefixes: tuple[str, ...] = ()
) -> tuple[dict[str, frozenset[str]], frozenset[str], frozenset[str]]:
    stems = {lang: frozenset(t for w in ws for t in analyze(a, w)) for lang, a in _ANALYZERS.items()}
    return stems, frozenset(t for w in ws for t in analyze(_FOLDED, w)), frozenset(prefixes)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_same_output_as_the_whole_text_scan(seed: int) -> None:
    rng = random.Random(seed)
    articles = _articles()
    vocab = sorted({w for title, body in rng.sample(articles, 40) for w in words(f"{title} {body}")})
    closed = sorted(highlight._kazakh_exceptions())
    for i in range(25):
        ws = rng.sample(vocab, rng.randint(1, 3)) + ([rng.choice(closed)] if closed and i % 5 == 0 else [])
        prefixes = (fold_yo(clean(ws[0]))[:3],) if i % 4 == 0 else ()
        stems, folded, pre = _terms(ws, prefixes)
        fast, whole = MarkTerms(stems, folded, pre), MarkTerms(stems, folded, pre)
        for title, body in rng.sample(articles, 15) + [a for a in articles if ws[0] in a[1].lower()][:10]:
            for lang in ("kk", "ru", "other"):
                whole.patterns[lang] = None  # no candidate filter: every token analysed
                assert mark(title, fast, lang) == mark(title, whole, lang)
                assert snippet(body, fast, lang) == snippet(body, whole, lang)


@pytest.mark.parametrize(
    ("stems", "folded", "prefixes"),
    [
        ({"kk": frozenset({"қазақстан"}), "ru": frozenset({"сквер"})}, frozenset({"сквер"}), frozenset({"по", "қаз"})),
        ({}, frozenset(), frozenset({""})),  # an empty prefix matches every word
        ({"ru": frozenset({"", "x"})}, frozenset({""}), frozenset()),
        ({"ru": frozenset({"ёлк"})}, frozenset({"елк"}), frozenset({"Ёл"})),
        ({"ru": frozenset({"скв", "i̇stanbul"}), "kk": frozenset({"сен"})}, frozenset({"ſкв"}), frozenset({"ski"})),
    ],
)
def test_odd_terms(stems: dict[str, frozenset[str]], folded: frozenset[str], prefixes: frozenset[str]) -> None:
    text = "Ёлки, ёлка и ЕЛКА: Қазақстан, казакстан, поезд; ＡＢＣ x_x 𝔁 ẞ İstanbul сквере <b>по</b> сİкв скİв сквİ ſкв"
    for lang in ("kk", "ru", "other"):
        fast, whole = MarkTerms(stems, folded, prefixes), MarkTerms(stems, folded, prefixes)
        whole.patterns[lang] = None
        assert mark(text, fast, lang) == mark(text, whole, lang)
        assert snippet(text, fast, lang, size=40) == snippet(text, whole, lang, size=40)
