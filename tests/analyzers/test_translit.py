"""Latin-script Kazakh to Cyrillic: the 2021 alphabet and informal spellings."""

from __future__ import annotations

import pytest

from analyzers.translit import is_latin_word, latin_to_cyrillic, latin_variants


@pytest.mark.parametrize(
    ("latin", "cyrillic"),
    [
        # The official alphabet of 2021 (Wikipedia "Kazakh alphabets" sample text).
        ("qazaqstan", "қазақстан"),
        ("mäskeu", "мәскеу"),
        ("būryñğy", "бұрыңғы"),
        ("danyşpan", "данышпан"),
        ("bır", "бір"),
        ("kısı", "кісі"),
        ("ülken", "үлкен"),
        ("ötken", "өткен"),
        ("jeñe", "жеңе"),
        ("çempion", "чемпион"),
        # Informal ASCII spellings.
        ("dostyq", "достық"),
        ("dostyk", "достык"),
        ("shanyraq", "шанырақ"),
        ("zhastar", "жастар"),
        ("tokayev", "токаев"),
        ("abay", "абай"),
        ("almaty", "алматы"),
        ("yerlan", "ерлан"),
        ("shchuchinsk", "щучинск"),
        # Apostrophe and acute letters of the 2017/2018 drafts.
        ("g'ylym", "ғылым"),
        ("ǵylym", "ғылым"),
        ("o\u2019ner", "өнер"),
    ],
)
def test_main_reading(latin: str, cyrillic: str) -> None:
    assert latin_to_cyrillic(latin) == cyrillic


def test_kh_also_read_as_qaf() -> None:
    assert latin_variants("kazakhstan") == ["казахстан", "казақстан"]
    assert latin_variants("dostyq") == ["достық"]


@pytest.mark.parametrize(
    ("word", "latin"), [("qazaq", True), ("mäskeu", True), ("қазақ", False), ("abc1", False), ("'", False)]
)
def test_is_latin_word(word: str, latin: bool) -> None:
    assert is_latin_word(word) is latin
