"""The fused analyzers must emit exactly what the filter-by-filter chains emit.

The index was designed with the reference chains (tokenizer | lowercase |
clean | stop | stem); the fused ones exist only for speed, so every term,
position and character span is compared on the real sample corpus and on
the awkward cases (leading stop words, ё, soft hyphens, decomposed letters).
"""

from __future__ import annotations

import pickle
import unicodedata
from pathlib import Path

import pytest

from analyzers.chains import (
    analyze,
    folded_analyzer,
    language_analyzer,
    reference_folded_analyzer,
    reference_language_analyzer,
)

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"

PAIRS = {
    "kk": (lambda: language_analyzer("kk"), lambda: reference_language_analyzer("kk")),
    "ru": (lambda: language_analyzer("ru"), lambda: reference_language_analyzer("ru")),
    "fold": (folded_analyzer, reference_folded_analyzer),
}

TRICKY = [
    "",
    "и в на",  # only stop words
    "и в на Астана и Алматы",  # leading stop words: first kept token keeps its position
    "Ёлка ЁЛКА ёлка елка",
    "Қасым-Жомарт Тоқаев, Қазақстан–Ресей, ҚАЗАҚСТАН",
    "пере\u00adнос со\u200bлов",
    unicodedata.normalize("NFD", "йод Қазақстан ёж"),
    "COVID-19 2024 ж. 5G Qazaqstan Tokaev",
    "казакстан достык мен біз және бұл",
    "снег_ком a_b __ 12_34",
]


def _stream(analyzer: object, text: str, **kw: object) -> list[tuple[object, ...]]:
    return [
        (t.text, getattr(t, "pos", None), getattr(t, "startchar", None), getattr(t, "endchar", None))
        for t in analyzer(text, **kw)  # type: ignore[operator]
        if not t.stopped
    ]


def _texts() -> list[str]:
    return TRICKY + [p.read_text(encoding="utf-8") for p in sorted(SAMPLE.glob("*.txt"))]


@pytest.mark.parametrize("kind", sorted(PAIRS))
def test_fused_matches_reference_on_real_text(kind: str) -> None:
    fused, ref = (f() for f in PAIRS[kind])
    texts = _texts()
    assert len(texts) > 200
    for text in texts:
        kw = {"positions": True, "chars": True, "mode": "index"}
        assert _stream(fused, text, **kw) == _stream(ref, text, **kw), (kind, text[:80])
    for text in TRICKY:
        for kw in ({"mode": "query"}, {"positions": True, "start_pos": 7, "start_char": 3, "chars": True}):
            assert _stream(fused, text, **kw) == _stream(ref, text, **kw), (kind, text, kw)
    # and a second pass, now served from the memo
    for text in texts[:50]:
        assert analyze(fused, text) == analyze(ref, text)


@pytest.mark.parametrize("kind", sorted(PAIRS))
def test_rare_modes_follow_the_reference(kind: str) -> None:
    fused, ref = (f() for f in PAIRS[kind])
    text = "и в на Астана и Алматы"
    for kw in ({"removestops": False, "positions": True}, {"tokenize": False}):
        got = [(t.text, t.stopped) for t in fused(text, **kw)]
        want = [(t.text, t.stopped) for t in ref(text, **kw)]
        assert got == want


def test_fused_analyzers_pickle_and_compare_equal() -> None:
    fused = language_analyzer("kk")
    analyze(fused, "Қазақстан Республикасы")  # fill the memo: it must not travel with the schema
    clone = pickle.loads(pickle.dumps(fused))
    assert clone == language_analyzer("kk")
    assert clone != language_analyzer("ru")
    assert len(pickle.dumps(folded_analyzer())) < 200
    assert analyze(clone, "Қазақстан Республикасы") == analyze(
        reference_language_analyzer("kk"), "Қазақстан Республикасы"
    )
