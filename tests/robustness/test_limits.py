"""Every limit of ``GET /api/search`` is enforced (400 naming the field) and documented in OpenAPI.

The time budget is the exception: past it the answer is 200 with ``partial: true``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient

from searchcore import plan as planning
from searchsvc import Config, ConfigError, create_app
from searchsvc.schemas import (
    MAX_DEPTH,
    MAX_PER_PAGE,
    MAX_PREFIX_TERMS,
    MAX_QUERY_CHARS,
    MAX_QUERY_TERMS,
    MIN_PREFIX_CHARS,
)


def _error_fields(resp) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    assert resp.status_code == 400, resp.get_data(as_text=True)[:300]
    body = resp.get_json()
    assert body["error"]["status"] == 400
    return body["error"]["fields"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"q": "я" * (MAX_QUERY_CHARS + 1)}, "q"),
        ({"q": " ".join(["слово"] * (MAX_QUERY_TERMS + 1))}, "q"),
        ({"q": ",".join(["ab"] * (MAX_QUERY_TERMS + 1))}, "q"),  # words counted as the parser splits them
        ({"q": "-".join(["ab"] * (MAX_QUERY_TERMS + 1))}, "q"),
        ({"q": ""}, "q"),
        ({"q": "   "}, "q"),
        ({}, "q"),
        ({"q": "*"}, "q"),
        ({"q": "сквер *"}, "q"),
        ({"q": "-*"}, "q"),
        ({"q": "title:*"}, "q"),
        ({"q": "*кер"}, "q"),
        ({"q": "x", "per_page": MAX_PER_PAGE + 1}, "per_page"),
        ({"q": "x", "per_page": 0}, "per_page"),
        ({"q": "x", "page": 0}, "page"),
        ({"q": "x", "page": MAX_DEPTH + 1, "per_page": 1}, "page"),
        ({"q": "x", "page": MAX_DEPTH // MAX_PER_PAGE + 1, "per_page": MAX_PER_PAGE}, "page"),
        ({"q": "x", "page": "99999999999999999999999"}, "page"),
        ({"q": "x", "page": "1e3"}, "page"),
        ({"q": "x", "lang": "xx"}, "lang"),
        ({"q": "x", "sort": "random"}, "sort"),
        ({"q": "x", "date_from": "2024-02-30"}, "date_from"),
        ({"q": "x", "date_from": "2024-05-01", "date_to": "2024-04-01"}, "date_from"),
    ],
)
def test_over_a_limit_is_400_naming_the_field(client: FlaskClient, params: dict[str, object], field: str) -> None:
    assert field in _error_fields(client.get("/api/search", query_string=params))


def test_at_the_limits_is_fine(client: FlaskClient) -> None:
    ok = [
        {"q": "я" * MAX_QUERY_CHARS},
        {"q": " ".join(["слово"] * MAX_QUERY_TERMS)},
        {"q": " OR ".join(["слово"] * MAX_QUERY_TERMS)},  # OR is an operator, not a word
        {"q": "x", "page": MAX_DEPTH // MAX_PER_PAGE, "per_page": MAX_PER_PAGE},
        {"q": "x", "page": MAX_DEPTH, "per_page": 1},
    ]
    for params in ok:
        resp = client.get("/api/search", query_string=params)
        assert resp.status_code == 200, (params, resp.get_data(as_text=True)[:200])


def test_too_short_prefix_is_searched_as_the_plain_word(client: FlaskClient) -> None:
    """``с*`` is not a 400: it is the word ``с``, so it finds what ``с`` finds."""
    star = client.get("/api/search", query_string={"q": "a*"}).get_json()
    plain = client.get("/api/search", query_string={"q": "a"}).get_json()
    assert star["total"] == plain["total"]
    assert [h["id"] for h in star["hits"]] == [h["id"] for h in plain["hits"]]


def test_prefix_expansion_is_bounded_per_query(client: FlaskClient) -> None:
    """Many prefixes still answer, each within its share of the expansion budget."""
    from backends.base import Prefix
    from searchcore.search import plan

    prefixes = " ".join(f"{a}{b}*" for a in "пснк" for b in "оаре")[:MAX_QUERY_CHARS]
    planned = plan(prefixes)
    assert planned is not None
    leaves = [leaf for c in planned.query.clauses for leaf in c.leaves if isinstance(leaf, Prefix)]
    assert leaves and sum(leaf.limit for leaf in leaves) <= planning.MAX_QUERY_EXPANSION
    one = plan("по*")
    assert one is not None
    assert max(leaf.limit for c in one.query.clauses for leaf in c.leaves) <= MAX_PREFIX_TERMS
    resp = client.get("/api/search", query_string={"q": prefixes})
    assert resp.status_code == 200
    assert resp.get_json()["total"] > 0


def test_schema_constants_match_the_query_planner() -> None:
    assert MIN_PREFIX_CHARS == planning.MIN_PREFIX_CHARS
    assert MAX_PREFIX_TERMS == planning.MAX_PREFIX_TERMS


def test_limits_are_documented_in_openapi(client: FlaskClient) -> None:
    spec = client.get("/api/openapi.json").get_json()
    op = spec["paths"]["/api/search"]["get"]
    params = {p["name"]: p for p in op["parameters"]}
    assert params["q"]["schema"]["maxLength"] == MAX_QUERY_CHARS
    assert params["q"]["schema"]["minLength"] == 1
    assert f"{MAX_QUERY_TERMS} words" in params["q"]["description"]
    assert "lone `*`" in params["q"]["description"] and "No fuzzy" in params["q"]["description"]
    assert params["per_page"]["schema"]["maximum"] == MAX_PER_PAGE
    assert params["page"]["schema"]["maximum"] == MAX_DEPTH
    assert f"page × per_page ≤ {MAX_DEPTH}" in params["per_page"]["description"]
    assert "partial" in op["description"] and "time budget" in op["description"]
    assert {"200", "400", "503"} <= set(op["responses"])
    doc = spec["paths"]["/api/documents/{doc_id}"]["get"]
    assert {"200", "400", "404"} <= set(doc["responses"])
    partial = spec["components"]["schemas"]["SearchResponse"]["properties"]["partial"]
    assert partial["type"] == "boolean"


@pytest.mark.parametrize("sort", ["relevance", "date"])
def test_time_budget_gives_partial_results_not_a_hang(big_index: Path, sort: str) -> None:
    """With a budget far too small the answer is 200, flagged partial, still schema-shaped."""
    app = create_app(Config(index_dir=big_index, time_budget=1e-6))
    resp = app.test_client().get("/api/search", query_string={"q": "новости OR сквер", "sort": sort})
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["partial"] is True
    assert body["total"] >= 0 and isinstance(body["hits"], list)
    generous = create_app(Config(index_dir=big_index, time_budget=10.0))
    full = generous.test_client().get("/api/search", query_string={"q": "новости OR сквер", "sort": sort}).get_json()
    assert full["partial"] is False
    assert full["total"] >= body["total"]


@pytest.mark.parametrize("value", ["abc", "0", "-1", "1e9", "nan"])
def test_time_budget_setting_is_validated(value: str) -> None:
    with pytest.raises(ConfigError, match="SEARCH_TIME_BUDGET"):
        Config.from_env({"SEARCH_INDEX_DIR": "/nonexistent", "SEARCH_TIME_BUDGET": value})
