"""The user's query language: parsing, and what each operator does to results."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from searchcore.querylang import Clause, parse
from tests.conftest import SEED_KK, SEED_RU


def ids(client: FlaskClient, q: str) -> list[str]:
    resp = client.get("/api/search", query_string={"q": q, "per_page": "100"})
    assert resp.status_code == 200, resp.get_json()
    return [h["id"] for h in resp.get_json()["hits"]]


# -- parsing --


def test_plain_words_are_separate_groups() -> None:
    p = parse("Мәскеу сквер")
    assert p.groups == [[Clause(("мәскеу",))], [Clause(("сквер",))]]
    assert p.excluded == []


def test_phrase_exclude_or_prefix_and_title() -> None:
    p = parse('"достық сквері" -театр a OR b мәск* title:Ресей')
    assert p.groups[0] == [Clause(("достық", "сквері"), phrase=True)]
    assert p.excluded == [Clause(("театр",), negated=True)]
    assert p.groups[1] == [Clause(("a",)), Clause(("b",))]
    assert p.groups[2] == [Clause(("мәск",), prefix=True)]
    assert p.groups[3] == [Clause(("ресей",), field="title")]


def test_lowercase_or_is_a_word() -> None:
    assert len(parse("a or b").groups) == 3


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('"unbalanced quote', ["unbalanced", "quote"]),
        ("author:Тоқаев", ["author", "тоқаев"]),  # unknown field: plain words
        ("OR сквер OR", ["сквер"]),
        ("-театр", ["театр"]),  # only exclusions: search the word instead
        ("a-b", ["a", "b"]),
        ("(x AND y) NOT z", ["x", "and", "y", "not", "z"]),
    ],
)
def test_anything_else_is_plain_text(text: str, words: list[str]) -> None:
    p = parse(text)
    assert [w for c in p.positive_clauses for w in c.words] == words
    assert not any(c.phrase or c.field for c in p.positive_clauses)


@pytest.mark.parametrize("text", ["", "   ", '"', '""', "-", "*", "**", "OR", "title:", "- OR *"])
def test_nothing_searchable_parses_to_empty(text: str) -> None:
    p = parse(text)
    assert all(c.words for c in p.positive_clauses)


# -- behaviour through the API --


def test_phrase_requires_adjacent_words(client: FlaskClient) -> None:
    assert SEED_KK in ids(client, '"Қазақстан Ресей достығы"')
    assert SEED_KK not in ids(client, '"достығы Ресей Қазақстан"')


def test_exclude_removes_documents(client: FlaskClient) -> None:
    assert SEED_RU in ids(client, "сквер Токаев")
    assert SEED_RU not in ids(client, "сквер Токаев -Москве")


def test_or_finds_either_word(client: FlaskClient) -> None:
    a, b, either = ids(client, "сквер"), ids(client, "темірқазық"), ids(client, "сквер OR темірқазық")
    assert set(a) | set(b) <= set(either)


def test_prefix_matches_longer_words(client: FlaskClient) -> None:
    assert SEED_KK in ids(client, "темірқаз*")
    assert SEED_KK not in ids(client, "темірқаз")


def test_title_field_limits_to_titles(client: FlaskClient) -> None:
    # "темірқазық" is in the seed's body, not its title.
    assert SEED_KK in ids(client, "темірқазық")
    assert SEED_KK not in ids(client, "title:темірқазық")
    assert SEED_KK in ids(client, "title:сквері")


@pytest.mark.parametrize(
    "q",
    [
        '"',
        "title:",
        "-",
        "*",
        "OR",
        "a OR",
        '-""',
        'title:""',
        "((((",
        "~!@#$%^&*()_+",
        "NOT AND OR",
        "x^2 field:value [a TO b]",
        "<script>alert(1)</script>",
        "'; DROP TABLE docs; --",
        "а" * 400,
        "й*",
        "\u0301\u200b",
    ],
)
def test_odd_queries_never_fail(client: FlaskClient, q: str) -> None:
    resp = client.get("/api/search", query_string={"q": q})
    assert resp.status_code in (200, 400)
    body = resp.get_json()
    if resp.status_code == 400:
        assert body["error"]["fields"]  # a validation message, not a parser error
    else:
        assert isinstance(body["hits"], list)
