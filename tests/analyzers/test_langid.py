"""Language id on real text: Kazakh letters and function words decide."""

from __future__ import annotations

import gzip
import json

import pytest

from analyzers.langid import detect
from indexer.corpus import iter_corpus
from tests.conftest import SAMPLE, SHARED


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Мәскеуде «Қазақстан–Ресей достығы сквері» ашылады", "kk"),
        ("В Москве открылся Сквер дружбы Казахстана и России", "ru"),
        ("В Астане прошла акция «Таза Қазақстан», в которой приняли участие тысячи жителей города", "ru"),
        ("Президент бүгін елордада жиналыс өткізді және сөз сөйледі", "kk"),
        ("The president met journalists in Astana", "other"),
        ("2024 12:30 — 15 %", "other"),
        ("", "other"),
    ],
)
def test_detect_examples(text: str, lang: str) -> None:
    assert detect(text) == lang


def test_sample_languages_match_the_corpus_labels() -> None:
    langs = [a.lang for a in iter_corpus(SAMPLE)]
    # The shared README: sample/ has 6 Kazakh and 251 Russian articles.
    assert langs.count("kk") == 6
    assert langs.count("ru") == 251


@pytest.mark.skipif(not (SHARED / "corpus" / "bench").exists(), reason="../shared not present")
def test_bench_accuracy_is_perfect() -> None:
    with gzip.open(SHARED / "corpus" / "bench" / "articles.jsonl.gz", "rt", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    wrong = [r["id"] for r in rows if detect(r["title"] + "\n" + r["body"]) != r["lang"]]
    assert wrong == []
