"""The OpenSearch engine's pure parts: settings, query translation, error mapping (no cluster)."""

from __future__ import annotations

import pytest
from opensearchpy.exceptions import ConnectionError, NotFoundError, RequestError, TransportError

from backends.base import (
    BackendError,
    Clause,
    Filters,
    IndexUnavailable,
    Phrase,
    Prefix,
    Query,
    SearchSpec,
    Term,
)
from backends.opensearch import OpenSearchSettings
from backends.opensearch import query as dsl
from backends.opensearch.client import check_shards, guard


def test_settings_from_env() -> None:
    s = OpenSearchSettings.from_env(
        {
            "OPENSEARCH_URL": " http://a:9200/, http://b:9201 ",
            "OPENSEARCH_USER": "u",
            "OPENSEARCH_PASSWORD": "p",
            "OPENSEARCH_VERIFY_CERTS": "false",
            "OPENSEARCH_TIMEOUT": "7.5",
        }
    )
    assert s.urls == ("http://a:9200", "http://b:9201")
    assert (s.index, s.user, s.password, s.verify_certs, s.timeout) == ("news", "u", "p", False, 7.5)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "OPENSEARCH_URL is not set"),
        ({"OPENSEARCH_URL": "a:9200"}, "not http"),
        ({"OPENSEARCH_URL": "http://a:1", "OPENSEARCH_INDEX": "News-x"}, "lowercase"),
        ({"OPENSEARCH_URL": "http://a:1", "OPENSEARCH_USER": "u"}, "both"),
        ({"OPENSEARCH_URL": "http://a:1", "OPENSEARCH_VERIFY_CERTS": "maybe"}, "true or false"),
        ({"OPENSEARCH_URL": "http://a:1", "OPENSEARCH_TIMEOUT": "soon"}, "seconds"),
    ],
)
def test_settings_errors_say_what_to_fix(env: dict[str, str], message: str) -> None:
    with pytest.raises(BackendError, match=message):
        OpenSearchSettings.from_env(env)


def test_leaves() -> None:
    assert dsl.leaf(Term("body_ru", "сквер", 2.0)) == {"term": {"body_ru": {"value": "сквер", "boost": 2.0}}}
    assert dsl.leaf(Phrase("title_kk", ("а", "б"))) == {"match_phrase": {"title_kk": {"query": "а б", "boost": 1.0}}}
    assert dsl.leaf(Prefix("fold", "дост", 0.5, limit=8)) == {
        "prefix": {"fold": {"value": "дост", "rewrite": "top_terms_8", "boost": 0.5}}
    }


def _copies(body: dict) -> list[tuple[int, float]]:
    return [(c["bool"]["minimum_should_match"], c["bool"]["boost"]) for c in body["bool"]["should"]]


def test_coordination_boosts_telescope() -> None:
    clauses = tuple(Clause((Term("body_ru", w),)) for w in "abcd")
    copies = _copies(dsl.to_dsl(Query(clauses=clauses, coord_power=0.5)))
    assert [j for j, _ in copies] == [1, 2, 3, 4]
    for k in range(1, 5):
        assert sum(b for j, b in copies if j <= k) == pytest.approx((k / 4) ** 0.5)
    # min_match: the first copy kept carries f(min_match) so the sums stay exact.
    copies = _copies(dsl.to_dsl(Query(clauses=clauses, coord_power=1.0, min_match=3)))
    assert [j for j, _ in copies] == [3, 4]
    assert copies[0][1] == pytest.approx(0.75) and sum(b for _, b in copies) == pytest.approx(1.0)


def test_single_clause_and_empty_queries() -> None:
    one = Query(clauses=(Clause((Term("body_ru", "a"), Term("title_ru", "a"))),))
    assert dsl.to_dsl(one) == {"bool": {"should": [dsl.leaf(x) for x in one.clauses[0].leaves]}}
    assert dsl.to_dsl(Query(clauses=())) == {"match_all": {}}
    excluded = dsl.to_dsl(Query(clauses=(), excluded=(Term("body_ru", "x"),)))
    assert excluded == {"bool": {"must": [{"match_all": {}}], "must_not": [dsl.leaf(Term("body_ru", "x"))]}}
    assert dsl.to_dsl(Query(clauses=one.clauses, min_match=2)) == {"match_none": {}}


def test_long_queries_thin_the_copies_but_keep_the_ends() -> None:
    clauses = tuple(Clause(tuple(Prefix(f, w, limit=16) for f in ("body_ru", "fold"))) for w in "abcdefghij")
    copies = _copies(dsl.to_dsl(Query(clauses=clauses, min_match=2)))
    assert copies[0][0] == 2 and copies[-1][0] == 10
    assert 2 < len(copies) < 9 and len(copies) * 10 * 2 * 16 <= dsl.LEAF_BUDGET
    assert sum(b for _, b in copies) == pytest.approx(1.0)


def test_search_body_filters_and_facets() -> None:
    spec = SearchSpec(
        query=Query(clauses=()),
        filters=Filters(langs=("kk", "ru"), date_from="2024-01-01"),
        sort="date",
        offset=20,
        limit=10,
        time_budget=1.5,
    )
    body = dsl.search_body(spec)
    assert body["post_filter"] == {
        "bool": {
            "filter": [
                {"terms": {"lang": ["kk", "ru"]}},
                {"range": {"date": {"format": "yyyy-MM-dd", "gte": "2024-01-01"}}},
            ]
        }
    }
    assert body["aggs"]["lang"]["filter"] == {"range": {"date": {"format": "yyyy-MM-dd", "gte": "2024-01-01"}}}
    assert body["aggs"]["month"]["filter"] == {"terms": {"lang": ["kk", "ru"]}}
    assert (body["from"], body["size"], body["timeout"], body["track_total_hits"]) == (20, 10, "1500ms", True)
    assert body["sort"] == [{"date": {"order": "desc"}}, {"id": {"order": "asc"}}]
    assert "post_filter" not in dsl.search_body(SearchSpec(query=Query(clauses=())))


SETTINGS = OpenSearchSettings(urls=("http://127.0.0.1:1",))


@pytest.mark.parametrize(
    ("exc", "kind"),
    [
        (ConnectionError("N/A", "refused", None), IndexUnavailable),
        (TransportError(503, "unavailable", {}), IndexUnavailable),
        (TransportError(429, "rejected", {}), IndexUnavailable),
        (
            RequestError(400, "parsing_exception", {"error": {"root_cause": [{"type": "x", "reason": "bad"}]}}),
            BackendError,
        ),
        (TransportError(500, "x", {"error": {"root_cause": [{"type": "too_many_nested_clauses"}]}}), BackendError),
    ],
)
def test_transport_errors_become_contract_errors(exc: Exception, kind: type) -> None:
    with pytest.raises(kind) as err, guard(SETTINGS, "search"):
        raise exc
    if kind is IndexUnavailable:
        assert err.value.retry_after == 2  # type: ignore[attr-defined]


def test_not_found_passes_through() -> None:
    with pytest.raises(NotFoundError), guard(SETTINGS, "get"):
        raise NotFoundError(404, "not found", {})


def test_shard_failures_are_not_results() -> None:
    check_shards({"_shards": {"total": 3, "successful": 3, "failed": 0}}, "search")
    failed = {"_shards": {"total": 3, "failed": 1, "failures": [{"reason": {"type": "x", "reason": "node left"}}]}}
    with pytest.raises(IndexUnavailable, match="1 of 3 shards failed: x node left"):
        check_shards(failed, "search")
