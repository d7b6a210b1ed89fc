"""Whoosh and OpenSearch give the same answers through the HTTP API (issue 11 §4).

The same corpus (``sample_corpus``) is indexed by both engines: ``sample_index``
(Whoosh) and ``opensearch_sample`` (the session cluster, 3 shards, 1 replica).
Each query of :mod:`tests.contract.queries` (well over 100, generated from the
corpus by fixed rules) is sent to both services with both sorts and paged to
the end. Per query and sort:

* the same ``total`` and the same *set* of matching ids;
* with ``sort=date`` the same *order* (newest first, ties by id on both);
* the same ``lang`` and ``date`` facets and the same ``suggestion``;
* for each document, byte-identical ``snippet`` and ``title_html`` (both are
  made by ``searchcore`` from the stored text, so any difference is a bug);
* deep pages (page 3+, ``per_page`` 3) are the matching slices of the full list.

Relevance *order* is not asserted equal: Whoosh scores BM25F from exact field
lengths, Lucene from one-byte length norms, so close scores may swap. The mean
overlap of the two top-10s is measured and must stay high.

Prefixes: the planner asks for at most 64 expansions per field. Whoosh takes
the first 64 terms of the whole index in term order; OpenSearch rewrites each
shard's prefix with ``top_terms_64`` over that *shard's* term dictionary (all
boosts equal, so its first 64 terms), and a shard that lacks some of the
globally first terms reaches further down the list. So a prefix with more than
64 terms in a field may match *more* documents on OpenSearch (never fewer:
every globally-first term a shard has is among that shard's first 64). Those
"prefix-many" queries are checked for OpenSearch ⊇ Whoosh only; prefixes with
fewer than 40 terms per field expand completely on both and must be identical.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from analyzers.normalize import clean, fold_kazakh, fold_yo
from backends.base import FOLD_FIELD, text_field_names
from backends.whoosh import WhooshBackend
from indexer.corpus import list_corpus, read_article
from searchcore.engines import EngineConfig
from searchsvc import Config, create_app
from searchsvc.config import MAX_TIME_BUDGET
from searchsvc.schemas import MAX_PER_PAGE
from tests.contract.queries import Case, build_cases

#: Below this mean top-10 overlap (relevance) the engines rank differently enough to look into.
MIN_MEAN_OVERLAP = 0.7
SORTS = ("relevance", "date")
DEEP = {"page": 3, "per_page": 3}
DEEP_MIN = DEEP["page"] * DEEP["per_page"]


@dataclass
class Answer:
    """Every page of one query on one engine with one sort, folded together."""

    total: int
    ids: list[str]
    facets: dict[str, Any]
    suggestion: str | None
    partial: bool
    hits: dict[str, dict[str, Any]] = field(default_factory=dict)
    first_page: list[str] = field(default_factory=list)


@dataclass
class Compared:
    case: Case
    sort: str
    whoosh: Answer
    opensearch: Answer
    deep: tuple[list[str], list[str]] | None = None


def _get(client: FlaskClient, args: dict[str, object]) -> dict[str, Any]:
    resp = client.get("/api/search", query_string=args)
    assert resp.status_code == 200, (args, resp.status_code, resp.get_data(as_text=True)[:500])
    return resp.get_json()


def fetch(client: FlaskClient, case: Case, sort: str) -> Answer:
    """All pages of a query (``per_page`` at its maximum) as one :class:`Answer`."""
    page = 1
    body = _get(client, case.args(sort=sort, page=page, per_page=MAX_PER_PAGE))
    answer = Answer(body["total"], [], body["facets"], body["suggestion"], body["partial"])
    while True:
        for hit in body["hits"]:
            answer.ids.append(hit["id"])
            answer.hits[hit["id"]] = hit
        if page == 1:
            answer.first_page = [h["id"] for h in body["hits"][:10]]
        if not body["hits"] or len(answer.ids) >= answer.total:
            return answer
        page += 1
        body = _get(client, case.args(sort=sort, page=page, per_page=MAX_PER_PAGE))
        assert body["total"] == answer.total, f"{case}: total changed between pages"


def _deep(client: FlaskClient, case: Case, sort: str) -> list[str]:
    return [h["id"] for h in _get(client, case.args(sort=sort, **DEEP))["hits"]]


@pytest.fixture(scope="module")
def clients(sample_index: Path, opensearch_sample: EngineConfig) -> tuple[FlaskClient, FlaskClient]:
    # The longest time budget: this test is about answers, and a partial one (a slow CI
    # machine) would be a difference that says nothing about the engines.
    whoosh = create_app(Config(index_dir=sample_index, time_budget=MAX_TIME_BUDGET))
    opensearch = create_app(Config(engine=opensearch_sample, time_budget=MAX_TIME_BUDGET))
    return whoosh.test_client(), opensearch.test_client()


@pytest.fixture(scope="module")
def cases(sample_corpus: Path, sample_index: Path) -> list[Case]:
    articles = [read_article(path) for _, path in sorted(list_corpus(sample_corpus).items())]
    backend = WhooshBackend(sample_index)
    with backend.reader() as reader:
        lexicon = reader.searcher.reader()

        def prefix_terms(prefix: str) -> int:
            raw = fold_yo(clean(prefix))
            per_field = [
                sum(1 for _ in lexicon.expand_prefix(f, fold_kazakh(raw) if f == FOLD_FIELD else raw))
                for f in text_field_names()
            ]
            return max(per_field)

        return build_cases(articles, prefix_terms)


@pytest.fixture(scope="module")
def compared(clients: tuple[FlaskClient, FlaskClient], cases: list[Case]) -> list[Compared]:
    """Every query on one engine, then on the other (the did-you-mean vocabulary is cached
    for one index at a time, so alternating engines would rebuild it at every query)."""
    answers: list[dict[tuple[Case, str], Answer]] = []
    deep: list[dict[tuple[Case, str], list[str]]] = []
    for client in clients:
        answers.append({(case, sort): fetch(client, case, sort) for case in cases for sort in SORTS})
        deep.append({key: _deep(client, *key) for key, a in answers[-1].items() if a.total >= DEEP_MIN})
    out = []
    for key in answers[0]:
        item = Compared(key[0], key[1], answers[0][key], answers[1][key])
        if key in deep[0] and key in deep[1]:
            item.deep = (deep[0][key], deep[1][key])
        out.append(item)
    return out


def _exact(items: list[Compared]) -> Iterator[Compared]:
    """The comparisons whose match sets must be identical (see the module docstring)."""
    return (c for c in items if c.case.kind != "prefix-many")


def _report(problems: list[str], items: list[Compared]) -> str:
    head = f"{len(problems)} of {len(items)} comparisons differ ({len({c.case for c in items})} queries × {SORTS})"
    return "\n".join([head, *problems[:40]])


def test_enough_queries_of_every_kind(cases: list[Case]) -> None:
    kinds: dict[str, int] = {}
    for c in cases:
        kinds[c.kind.split("+")[0]] = kinds.get(c.kind.split("+")[0], 0) + 1
    print(f"\nparity: {len(cases)} queries: {kinds}")
    assert len(cases) >= 100, kinds
    for kind in (
        "word-kk",
        "word-ru-frequent",
        "word-ru-rare",
        "two-words",
        "three-words",
        "phrase",
        "prefix",
        "prefix-many",
        "or",
        "exclude-word",
        "exclude-phrase",
        "title-word",
        "title-phrase",
        "ru-keyboard",
        "latin",
        "typo",
    ):
        assert kinds.get(kind, 0) >= 2, f"too few {kind!r} queries: {kinds}"
    assert sum(1 for c in cases if c.params) >= 10


def test_the_queries_find_something(compared: list[Compared]) -> None:
    """Guard against a generator that only produces empty answers (which would agree trivially)."""
    hits = [c for c in compared if c.whoosh.total > 0]
    assert len(hits) >= 0.8 * len(compared), f"only {len(hits)} of {len(compared)} comparisons match anything"
    assert any(c.deep for c in compared)


def test_same_totals_and_match_sets(compared: list[Compared]) -> None:
    problems = []
    for c in _exact(compared):
        w, o = c.whoosh, c.opensearch
        if w.total != o.total or set(w.ids) != set(o.ids):
            only_w, only_o = sorted(set(w.ids) - set(o.ids)), sorted(set(o.ids) - set(w.ids))
            problems.append(
                f"{c.case} sort={c.sort}: total {w.total} vs {o.total}; only whoosh {only_w[:5]}, only opensearch {only_o[:5]}"
            )
        if len(w.ids) != len(set(w.ids)) or len(o.ids) != len(set(o.ids)):
            problems.append(f"{c.case} sort={c.sort}: a document appears twice while paging")
        if w.partial or o.partial:
            problems.append(f"{c.case} sort={c.sort}: partial answer (whoosh {w.partial}, opensearch {o.partial})")
    print(f"\nparity: {len(compared)} comparisons ({len(compared) // len(SORTS)} queries × 2 sorts)")
    assert not problems, _report(problems, compared)


def test_prefixes_with_many_terms_match_at_least_as_much_on_opensearch(compared: list[Compared]) -> None:
    """See the module docstring: per-shard ``top_terms_64`` reaches terms Whoosh's global first 64 do not."""
    many = [c for c in compared if c.case.kind == "prefix-many"]
    assert many
    problems = []
    for c in many:
        missing = set(c.whoosh.ids) - set(c.opensearch.ids)
        if c.sort == "date":
            print(f"\nparity: {c.case}: whoosh {c.whoosh.total}, opensearch {c.opensearch.total} matches")
        if missing or c.opensearch.total != len(c.opensearch.ids):
            problems.append(f"{c.case} sort={c.sort}: OpenSearch misses {sorted(missing)[:5]}")
    assert not problems, _report(problems, many)
    assert any(c.opensearch.total > c.whoosh.total for c in many), "no broad prefix shows the per-shard expansion"


def test_date_sort_gives_the_same_order(compared: list[Compared]) -> None:
    problems = [
        f"{c.case}: first difference at {next(i for i, (a, b) in enumerate(zip(c.whoosh.ids, c.opensearch.ids, strict=False)) if a != b)}"
        for c in _exact(compared)
        if c.sort == "date" and c.whoosh.ids != c.opensearch.ids and set(c.whoosh.ids) == set(c.opensearch.ids)
    ]
    assert not problems, _report(problems, compared)


def test_same_facets(compared: list[Compared]) -> None:
    problems = [
        f"{c.case} sort={c.sort}: whoosh {c.whoosh.facets} vs opensearch {c.opensearch.facets}"
        for c in _exact(compared)
        if c.whoosh.facets != c.opensearch.facets
    ]
    assert not problems, _report(problems, compared)


def test_same_snippets_and_highlighted_titles(compared: list[Compared]) -> None:
    problems = []
    checked = 0
    for c in compared:
        for doc_id in set(c.whoosh.hits) & set(c.opensearch.hits):
            w, o = c.whoosh.hits[doc_id], c.opensearch.hits[doc_id]
            checked += 1
            for key in ("snippet", "title_html", "title", "date", "lang"):
                if w[key] != o[key]:
                    problems.append(f"{c.case} {doc_id} {key}: {w[key]!r} vs {o[key]!r}")
    print(f"\nparity: {checked} hits compared field by field")
    assert checked > 1000
    assert not problems, _report(problems, compared)


def test_same_suggestions(compared: list[Compared]) -> None:
    problems = [
        f"{c.case} sort={c.sort}: {c.whoosh.suggestion!r} vs {c.opensearch.suggestion!r}"
        for c in _exact(compared)
        if c.whoosh.suggestion != c.opensearch.suggestion
    ]
    offered = sum(1 for c in compared if c.whoosh.suggestion)
    print(f"\nparity: {offered} comparisons with a suggestion")
    assert offered >= 2, "no query exercised did-you-mean"
    assert not problems, _report(problems, compared)


def test_deep_pages_are_slices_of_the_full_list(compared: list[Compared]) -> None:
    start = (DEEP["page"] - 1) * DEEP["per_page"]
    end = start + DEEP["per_page"]
    problems = []
    deep = [c for c in _exact(compared) if c.deep]
    for c in deep:
        w, o = c.deep  # type: ignore[misc]
        if w != c.whoosh.ids[start:end] or o != c.opensearch.ids[start:end]:
            problems.append(f"{c.case} sort={c.sort}: page 3 is not items {start}..{end} of the full list")
        if c.sort == "date" and w != o:
            problems.append(f"{c.case}: page 3 by date: {w} vs {o}")
    print(f"\nparity: {len(deep)} deep pages compared")
    assert len(deep) >= 20
    assert not problems, _report(problems, compared)


def test_top10_by_relevance_mostly_overlaps(compared: list[Compared]) -> None:
    overlaps = []
    for c in _exact(compared):
        if c.sort != "relevance" or not c.whoosh.first_page:
            continue
        w, o = set(c.whoosh.first_page), set(c.opensearch.first_page)
        overlaps.append(len(w & o) / max(len(w), len(o)))
    mean = sum(overlaps) / len(overlaps)
    exact = sum(1 for x in overlaps if x == 1.0)
    print(
        f"\nparity: top-10 overlap by relevance: mean {mean:.3f} over {len(overlaps)} queries, {exact} identical sets"
    )
    assert mean >= MIN_MEAN_OVERLAP, f"mean top-10 overlap {mean:.3f} over {len(overlaps)} queries"


@pytest.mark.parametrize("engine", ["whoosh", "opensearch"])
def test_an_exclusion_also_removes_the_first_match(
    engine: str, clients: tuple[FlaskClient, FlaskClient], sample_corpus: Path
) -> None:
    """``апреля -конца``: 034_… has both words and is the lowest docnum matching ``апреля``.

    Found by the parity run: Whoosh's ``AndNotMatcher._find_first`` only skips the
    first positive posting when the excluded matcher *starts* on the same docnum; when
    the excluded matcher starts on an earlier document (here: 003_…, which has
    ``конца`` but not ``апреля``) the first positive match is never checked against it
    and is returned although excluded.
    """
    doc = "034_72652aa88a622536"
    text = (sample_corpus / f"{doc}.txt").read_text(encoding="utf-8").lower()
    assert "апреля" in text and "конца" in text
    client = clients[0 if engine == "whoosh" else 1]
    body = _get(client, {"q": "апреля -конца", "per_page": MAX_PER_PAGE})
    ids = [h["id"] for h in body["hits"]]
    assert ids and doc not in ids
    assert body["total"] == len(ids)
