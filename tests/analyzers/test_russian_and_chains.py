"""Russian stemming and the analyzer chains that the index and queries share."""

from __future__ import annotations

import pickle

from analyzers import russian
from analyzers.chains import analyze, folded_analyzer, language_analyzer
from analyzers.tokenize import words


def test_russian_stem_conflates_case_forms() -> None:
    assert russian.stem("сквер") == russian.stem("сквера") == russian.stem("скверах")
    assert russian.stem("ёлка") == russian.stem("елка")
    assert russian.stem("дружба") != russian.stem("сквер")


def test_tokenizer_splits_on_hyphens_and_dashes() -> None:
    assert words("Қазақстан–Ресей Қасым-Жомарт 2024—2025") == ["қазақстан", "ресей", "қасым", "жомарт", "2024", "2025"]


def test_russian_chain_lowercases_folds_yo_and_drops_stop_words() -> None:
    terms = analyze(language_analyzer("ru"), "Открытие СКВЕРА и её ёлки в Москве")
    assert terms == [russian.stem("открытие"), "сквер", russian.stem("елки"), russian.stem("москве")]


def test_kazakh_chain_stems_and_drops_stop_words() -> None:
    kk = language_analyzer("kk")
    assert analyze(kk, "достығы") == analyze(kk, "достық")
    assert analyze(kk, "және") == []


def test_folded_chain_meets_russian_keyboard_spelling() -> None:
    folded = folded_analyzer()
    assert set(analyze(folded, "достык")) & set(analyze(folded, "достығы"))
    assert set(analyze(folded, "Токаев")) & set(analyze(folded, "Тоқаевтың"))


def test_analyzers_survive_pickling() -> None:
    """The schema is pickled into the index: the chains must round-trip."""
    for analyzer in (language_analyzer("kk"), language_analyzer("ru"), folded_analyzer()):
        clone = pickle.loads(pickle.dumps(analyzer))
        assert analyze(clone, "Мәскеудегі скверы") == analyze(analyzer, "Мәскеудегі скверы")


def test_russian_stem_handles_hyphenated_words() -> None:
    assert russian.stem("северо-западного") == russian.stem("северо-западный")
    assert russian.stem("Ёлка") == russian.stem("елка")
