"""Reading article files: good files parse, every kind of bad file has a reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.corpus import MalformedFile, iter_corpus, list_corpus, read_article
from tests.conftest import SAMPLE, SEED_KK, SEED_RU


def test_seed_files_parse() -> None:
    kk = read_article(SAMPLE / f"{SEED_KK}.txt")
    ru = read_article(SAMPLE / f"{SEED_RU}.txt")
    assert (kk.doc_id, kk.date, kk.lang) == (SEED_KK, "2025-11-11", "kk")
    assert kk.title.startswith("Мәскеуде «Қазақстан–Ресей достығы сквері»")
    assert "KAZINFORM" in kk.body and kk.body.count("\n") >= 2
    assert (ru.lang, ru.date) == ("ru", "2025-11-11")
    assert ru.content_hash != kk.content_hash


def test_whole_sample_parses() -> None:
    results = list(iter_corpus(SAMPLE))
    bad = [r for r in results if isinstance(r, MalformedFile)]
    assert not bad
    assert len(results) == len(list(SAMPLE.glob("*.txt")))


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"\xff\xfe date 2024-01-01 x\nbody", "not UTF-8"),
        (" date 2024-01-01 заголовок\n".encode(), "empty body"),
        ("заголовок без даты\nтекст".encode(), "first line"),
        (" date 2024-13-45 заголовок\nтекст".encode(), "invalid date"),
        (" date 24-1-1 заголовок\nтекст".encode(), "first line"),
        (b"\x00\x01\x02 date 2024-01-01 x\nbody", "binary"),
        (b"", "first line"),
    ],
)
def test_malformed_files_have_reasons(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(MalformedFile) as info:
        read_article(path)
    assert reason in info.value.reason
    assert info.value.path == str(path)


def test_headline_missing_uses_first_body_line(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(" date 2024-04-15\nПервая строка\nВторая строка", encoding="utf-8")
    art = read_article(path)
    assert art.title == "Первая строка"
    assert art.body == "Вторая строка"


def test_crlf_bom_and_soft_hyphens_are_normalised(tmp_path: Path) -> None:
    path = tmp_path / "b.txt"
    path.write_bytes("\ufeff date 2024-04-15 Заго\u00adловок\r\nтекст\r\n\r\nещё".encode())
    art = read_article(path)
    assert (art.title, art.body) == ("Заголовок", "текст\nещё")


def test_listing_ignores_partial_and_hidden_files(tmp_path: Path) -> None:
    for name in ("a.txt", ".b.txt", "c.txt.part", "d.md", "bad name!.txt"):
        (tmp_path / name).write_text(" date 2024-01-01 t\nb", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    listed = list_corpus(tmp_path)
    assert set(listed) == {"a", "bad name!"}
    results = {getattr(r, "doc_id", None) or Path(r.path).name: r for r in iter_corpus(tmp_path)}
    assert isinstance(results["bad name!.txt"], MalformedFile)
    assert "document id" in results["bad name!.txt"].reason
