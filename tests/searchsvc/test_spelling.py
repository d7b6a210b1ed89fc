""" "Did you mean": corrections from the index's own vocabulary, through the API."""

from __future__ import annotations

from flask.testing import FlaskClient

from searchcore.spelling import distance


def search(client: FlaskClient, q: str, **params: str) -> dict:
    resp = client.get("/api/search", query_string={"q": q, **params})
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


def test_misspelt_kazakh_word_gets_a_suggestion(client: FlaskClient) -> None:
    body = search(client, "Мәскуеде")  # Мәскеуде with two letters swapped
    assert body["total"] < 3
    assert body["suggestion"] == "Мәскеуде"
    assert search(client, body["suggestion"])["total"] > body["total"]


def test_misspelt_russian_word_keeps_the_rest_of_the_query(client: FlaskClient) -> None:
    body = search(client, 'Скевр "дружбы" -Москва')
    assert body["suggestion"] == 'Сквер "дружбы" -Москва'


def test_no_suggestion_when_the_query_finds_enough(client: FlaskClient) -> None:
    assert search(client, "Астана")["suggestion"] is None


def test_no_suggestion_when_nothing_is_close(client: FlaskClient) -> None:
    body = search(client, "ъъъъъъъъ")
    assert body["total"] == 0 and body["suggestion"] is None


def test_suggestion_is_in_the_openapi_document(client: FlaskClient) -> None:
    spec = client.get("/api/openapi.json").get_json()
    assert "suggestion" in spec["components"]["schemas"]["SearchResponse"]["properties"]


def test_distance_counts_transpositions_as_one() -> None:
    assert distance("скевр", "сквер") == 1
    assert distance("абв", "абв") == 0
    assert distance("абвгд", "а") == 3
