"""The JSON API over a real index of the sample corpus (Flask test client)."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from searchsvc import Config, create_app
from tests.conftest import SEED_KK, SEED_RU


def search(client: FlaskClient, **params: object) -> dict:
    resp = client.get("/api/search", query_string=params)
    assert resp.status_code == 200, resp.get_data(as_text=True)
    return resp.get_json()


def ids(body: dict) -> list[str]:
    return [h["id"] for h in body["hits"]]


def test_search_finds_kazakh_word_forms_with_marks_and_facets(client: FlaskClient) -> None:
    body = search(client, q="достық")
    assert ids(body)[0] == SEED_KK
    hit = body["hits"][0]
    assert {"id", "title", "date", "lang", "score", "snippet"} <= hit.keys()
    assert "<mark>достығы</mark>" in hit["snippet"] or "<mark>достық</mark>" in hit["snippet"]
    assert body["total"] >= 1 and body["page"] == 1 and body["per_page"] == 10
    assert isinstance(body["took_ms"], float)
    langs = {f["value"]: f["count"] for f in body["facets"]["lang"]}
    assert langs["kk"] >= 1
    assert sum(f["count"] for f in body["facets"]["date"]) == body["total"]
    assert all(len(f["value"]) == 7 for f in body["facets"]["date"])


def test_russian_word_forms_match(client: FlaskClient) -> None:
    body = search(client, q="сквер")
    assert SEED_RU in ids(body)
    seed = next(h for h in body["hits"] if h["id"] == SEED_RU)
    assert "<mark>" in seed["snippet"]


def test_word_form_in_title_only_document(client: FlaskClient) -> None:
    # "сквері" (kk, possessive) and "сквера" (ru, genitive) reach both seeds' titles/bodies.
    assert SEED_KK in ids(search(client, q="Мәскеуде"))
    assert SEED_KK in ids(search(client, q="мәскеудің"))


def test_lang_filter_keeps_other_language_counts(client: FlaskClient) -> None:
    unfiltered = search(client, q="Токаев")
    filtered = search(client, q="Токаев", lang="kk")
    assert all(h["lang"] == "kk" for h in filtered["hits"])
    assert filtered["total"] < unfiltered["total"]
    assert filtered["facets"]["lang"] == unfiltered["facets"]["lang"]  # disjunctive facet
    both = search(client, q="Токаев", lang=["kk", "ru"])
    assert both["total"] == unfiltered["total"]
    assert search(client, q="Токаев", lang="kk,ru")["total"] == unfiltered["total"]


def test_date_filter_is_inclusive_and_narrows_month_facet(client: FlaskClient) -> None:
    body = search(client, q="Казахстан", date_from="2024-04-15", date_to="2024-04-15", per_page=100)
    assert body["total"] > 0
    assert all(h["date"] == "2024-04-15" for h in body["hits"])
    total_in_langs = sum(f["count"] for f in body["facets"]["lang"])
    assert total_in_langs == body["total"]
    # The month facet ignores the date filter (so other months stay clickable).
    assert len(body["facets"]["date"]) > 1


def test_sort_by_date_is_newest_first(client: FlaskClient) -> None:
    body = search(client, q="Казахстан", sort="date", per_page=50)
    dates = [h["date"] for h in body["hits"]]
    assert dates == sorted(dates, reverse=True)


def test_paging_is_consistent(client: FlaskClient) -> None:
    all_hits = ids(search(client, q="Казахстан", per_page=20))
    page2 = ids(search(client, q="Казахстан", per_page=10, page=2))
    assert page2 == all_hits[10:20]
    far = search(client, q="Казахстан", per_page=10, page=90)
    assert far["hits"] == [] and far["total"] > 0


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "q"),
        ({"q": ""}, "q"),
        ({"q": "   "}, "q"),
        ({"q": "a", "per_page": 0}, "per_page"),
        ({"q": "a", "per_page": 101}, "per_page"),
        ({"q": "a", "per_page": "ten"}, "per_page"),
        ({"q": "a", "page": 0}, "page"),
        ({"q": "a", "page": 200, "per_page": 100}, "page"),
        ({"q": "a", "lang": "en"}, "lang"),
        ({"q": "a", "sort": "random"}, "sort"),
        ({"q": "a", "date_from": "2024-02-30"}, "date_from"),
        ({"q": "a", "date_to": "yesterday"}, "date_to"),
        ({"q": "a", "date_from": "2024-05-01", "date_to": "2024-04-01"}, "date_from"),
        ({"q": "x" * 501}, "q"),
    ],
)
def test_bad_parameters_get_400_naming_the_field(client: FlaskClient, params: dict, field: str) -> None:
    resp = client.get("/api/search", query_string=params)
    assert resp.status_code == 400
    body = resp.get_json()
    assert body["error"]["status"] == 400
    assert field in body["error"]["fields"]


@pytest.mark.parametrize(
    "q", ['"', "-", "OR", "ab***", "title:", "(", "a AND OR", '"unclosed phrase', '-""', "\x00", "🙂"]
)
def test_odd_queries_never_fail(client: FlaskClient, q: str) -> None:
    resp = client.get("/api/search", query_string={"q": q})
    assert resp.status_code == 200


def test_script_in_documents_is_escaped(client: FlaskClient) -> None:
    body = search(client, q="сквер тело статьи", per_page=50)
    hit = next(h for h in body["hits"] if h["id"] == "xss_script")
    for html in (hit["snippet"], hit["title_html"]):
        assert "<script" not in html and "<img" not in html and "<a " not in html
        assert html.replace("<mark>", "").replace("</mark>", "").count("<") == 0
    assert "&lt;script&gt;" in hit["title_html"]


def test_document_endpoint(client: FlaskClient) -> None:
    resp = client.get(f"/api/documents/{SEED_KK}")
    assert resp.status_code == 200
    doc = resp.get_json()
    assert doc["id"] == SEED_KK and doc["lang"] == "kk" and doc["date"] == "2025-11-11"
    assert "Тоқаевтың" in doc["body"]


@pytest.mark.parametrize(
    "path", ["/api/documents/nope", "/api/documents/../../etc/passwd", "/api/documents/%2e%2e%2fetc"]
)
def test_missing_documents_are_json_404(client: FlaskClient, path: str) -> None:
    resp = client.get(path)
    expected = 404 if path.endswith("nope") else 400  # a malformed id is a 400 (tests/robustness)
    assert resp.status_code == expected
    assert resp.get_json()["error"]["status"] == expected


def test_unknown_api_route_is_json_404(client: FlaskClient) -> None:
    resp = client.get("/api/nothing/here")
    assert resp.status_code == 404 and resp.is_json


def test_health_reports_documents(client: FlaskClient) -> None:
    body = client.get("/api/health").get_json()
    assert body["status"] == "ok"
    assert body["documents"] == 258
    assert body["last_update"] and body["generation"]
    # the served Whoosh generation folder, or the concrete index behind the OpenSearch alias
    assert body["generation"].startswith("gen-" if body["backend"] == "whoosh" else "sample_session-")


def test_openapi_document_describes_the_api(client: FlaskClient) -> None:
    spec = client.get("/api/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    assert {"/api/search", "/api/documents/{doc_id}", "/api/health"} <= spec["paths"].keys()
    params = {p["name"] for p in spec["paths"]["/api/search"]["get"]["parameters"]}
    assert {"q", "lang", "date_from", "date_to", "sort", "page", "per_page"} <= params


def test_missing_index_dir_config_is_a_clear_error() -> None:
    from searchsvc import ConfigError, create_app

    with pytest.raises(ConfigError, match="SEARCH_INDEX_DIR"):
        create_app(None) if False else __import__("searchsvc").Config.from_env({})


def test_a_query_too_large_for_the_cluster_is_a_400_naming_q(opensearch_sample: object) -> None:
    """A cluster whose clause limit a query exceeds answers 400 on ``q``, not 500/503."""
    app = create_app(Config(engine=opensearch_sample))  # type: ignore[arg-type]
    app.extensions["search_backend"]._budget = 12  # as on a cluster with a tiny max_clause_count
    resp = app.test_client().get("/api/search", query_string={"q": "Қазақстан Ресей достық сквер ашылады Мәскеу"})
    assert resp.status_code == 400, resp.get_json()
    assert "q" in resp.get_json()["error"]["fields"]
