"""OpenSearchBackend readers against a real cluster: one build of data/sample (3 shards, 1 replica)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from analyzers.chains import analyze, folded_analyzer, language_analyzer
from backends.base import (
    Clause,
    Filters,
    Found,
    Leaf,
    Phrase,
    Prefix,
    Query,
    SearchSpec,
    Term,
    text_fields_for,
)
from backends.opensearch import OpenSearchBackend, OpenSearchReader, OpenSearchStore
from indexer.corpus import Article
from tests.backends.conftest import drop_alias_family, settings_for

SEED_KK = "000_ffdf401c86768c7b"
SEED_RU = "003_c9c83d9a46de0ec2"
LANG_FIELDS = {lang: text_fields_for(lang) for lang in ("kk", "ru")}


@pytest.fixture(scope="module")
def backend(opensearch_urls: tuple[str, ...], sample_articles: list[Article]) -> Iterator[OpenSearchBackend]:
    settings = settings_for(opensearch_urls, "t_search_sample")
    drop_alias_family(settings)
    store = OpenSearchStore(settings, shards=3, replicas=1)
    with store.lock(), store.transaction(fresh=True) as batch:
        for doc in sample_articles:
            batch.add(doc, replaces=False)
    backend = OpenSearchBackend(settings)
    try:
        yield backend
    finally:
        backend.close()
        store.close()
        drop_alias_family(settings)


@pytest.fixture
def reader(backend: OpenSearchBackend) -> Iterator[OpenSearchReader]:
    with backend.reader() as r:
        yield r


@pytest.fixture(scope="module")
def by_id(sample_articles: list[Article]) -> dict[str, Article]:
    return {a.doc_id: a for a in sample_articles}


def word(text: str, boost_title: float = 2.0) -> Clause:
    """One query word the way the core builds it: each language's stems in title and body, plus fold."""
    leaves: list[Leaf] = []
    for lang, (title, body) in LANG_FIELDS.items():
        for stem in analyze(language_analyzer(lang), text):
            leaves += [Term(title, stem, boost_title), Term(body, stem)]
    leaves += [Term("fold", stem, 0.3) for stem in analyze(folded_analyzer(), text)]
    return Clause(tuple(dict.fromkeys(leaves)))


def q(*words: str, **kwargs: object) -> Query:
    return Query(clauses=tuple(word(w) for w in words), **kwargs)  # type: ignore[arg-type]


def ids(found: Found) -> list[str]:
    return [doc.id for doc, _ in found.hits]


def test_reader_key_count_and_health(backend: OpenSearchBackend, reader: OpenSearchReader, by_id: dict) -> None:
    assert reader.doc_count() == len(by_id)
    index, count, serial = reader.key.rsplit(":", 2)
    assert index.startswith("t_search_sample-") and int(count) == len(by_id) and serial == "0"
    health = backend.health()
    assert health.serving and health.backend == "opensearch" and health.generation == index
    assert health.documents == len(by_id)


def test_term_search_finds_the_kazakh_seed_with_verbatim_text(reader: OpenSearchReader, by_id: dict) -> None:
    found = reader.search(SearchSpec(query=q("достық")))
    assert SEED_KK in ids(found)
    doc = next(d for d, _ in found.hits if d.id == SEED_KK)
    seed = by_id[SEED_KK]
    assert (doc.title, doc.body, doc.date, doc.lang, doc.hash) == (
        seed.title,
        seed.body,
        seed.date,
        seed.lang,
        seed.content_hash,
    )
    scores = [s for _, s in found.hits]
    assert all(s > 0 for s in scores) and scores == sorted(scores, reverse=True)


def test_folded_term_meets_a_russian_keyboard_query(reader: OpenSearchReader) -> None:
    clause = Clause(tuple(Term("fold", t) for t in analyze(folded_analyzer(), "достык")))
    assert SEED_KK in ids(reader.search(SearchSpec(query=Query(clauses=(clause,)))))


def test_relevance_ties_are_broken_by_id(reader: OpenSearchReader) -> None:
    # Every document scores the same under match-all: the order is the id order.
    found = reader.search(SearchSpec(query=Query(clauses=()), limit=20))
    assert ids(found) == sorted(ids(found))
    assert found.total == reader.doc_count()


def test_phrase_matches_our_positions(reader: OpenSearchReader) -> None:
    title, body = LANG_FIELDS["ru"]
    stems = tuple(analyze(language_analyzer("ru"), "Сквера дружбы"))
    assert stems == ("сквер", "дружб")
    found = reader.search(SearchSpec(query=Query(clauses=(Clause((Phrase(body, stems), Phrase(title, stems))),))))
    assert SEED_RU in ids(found)
    # The same words in the other order are not the phrase.
    backwards = Query(clauses=(Clause((Phrase(body, stems[::-1]), Phrase(title, stems[::-1]))),))
    assert SEED_RU not in ids(reader.search(SearchSpec(query=backwards, limit=100)))
    # Stop words dropped by the chain are renumbered, so "Токаева в Россию" is two adjacent terms.
    words = tuple(analyze(language_analyzer("ru"), "Токаева в Россию"))
    assert len(words) == 2
    adjacent = Query(clauses=(Clause((Phrase(title, words),)),))
    assert SEED_RU in ids(reader.search(SearchSpec(query=adjacent)))


def test_prefix_expands_within_its_limit(reader: OpenSearchReader) -> None:
    _, body = LANG_FIELDS["ru"]
    wide = reader.search(SearchSpec(query=Query(clauses=(Clause((Prefix(body, "сквер"),)),)), limit=100))
    assert SEED_RU in ids(wide)
    exact = reader.count(Query(clauses=(Clause((Term(body, "сквер"),)),)), Filters())
    assert wide.total >= exact
    one = reader.search(SearchSpec(query=Query(clauses=(Clause((Prefix(body, "сквер", limit=1),)),)), limit=100))
    assert one.total <= wide.total


def test_exclusion(reader: OpenSearchReader) -> None:
    base = q("Москва")
    everything = reader.count(base, Filters())
    _, body = LANG_FIELDS["ru"]
    minus = Query(clauses=base.clauses, excluded=(Term(body, "сквер"),))
    found = reader.search(SearchSpec(query=minus, limit=100))
    assert SEED_RU not in ids(found)
    assert 0 < found.total < everything


def test_coordination_multiplies_the_clause_sum(reader: OpenSearchReader) -> None:
    """score(A B) = (score(A) + score(B)) * (k/2) ** p, for documents matching both or one."""
    a, b = word("сквер"), word("дружбы")
    alone = {}
    for c in (a, b):
        found = reader.search(SearchSpec(query=Query(clauses=(c,)), limit=300))
        alone[c] = {d.id: s for d, s in found.hits}
    both = reader.search(SearchSpec(query=Query(clauses=(a, b), coord_power=0.5), limit=300))
    assert both.total == len(set(alone[a]) | set(alone[b]))
    checked = 0
    for doc, score in both.hits:
        parts = [alone[c][doc.id] for c in (a, b) if doc.id in alone[c]]
        expected = sum(parts) * (len(parts) / 2) ** 0.5
        assert score == pytest.approx(expected, rel=1e-4), doc.id
        checked += 1
    assert checked > 3
    strict = reader.search(SearchSpec(query=Query(clauses=(a, b), min_match=2), limit=300))
    assert set(ids(strict)) == set(alone[a]) & set(alone[b])


def test_long_queries_stay_answerable(reader: OpenSearchReader) -> None:
    """32 words of 5+ leaves each: the copies are thinned to stay under Lucene's clause limit."""
    words = (
        "в Москве состоялось открытие сквера дружбы Казахстана и России новый сквер расположен в Южном округе".split()
    )
    query = q(*(words * 3)[:32])
    found = reader.search(SearchSpec(query=query, limit=5))
    assert found.total > 0 and ids(found)[0] == SEED_RU


def test_language_and_date_filters(reader: OpenSearchReader, by_id: dict) -> None:
    query = q("Казахстан")
    kk = reader.search(SearchSpec(query=query, filters=Filters(langs=("kk",)), limit=100))
    assert kk.total > 0 and all(d.lang == "kk" for d, _ in kk.hits)
    day = by_id[SEED_RU].date
    dated = reader.search(SearchSpec(query=query, filters=Filters(date_from=day, date_to=day), limit=100))
    assert dated.total > 0 and all(d.date == day for d, _ in dated.hits)  # inclusive at both ends
    assert reader.count(query, Filters(date_from=day, date_to=day)) == dated.total
    assert reader.count(query, Filters(langs=("kk",))) == kk.total


def test_facets_follow_the_other_filter_convention(reader: OpenSearchReader, by_id: dict) -> None:
    query = Query(clauses=())
    unfiltered = reader.search(SearchSpec(query=query))
    assert unfiltered.lang_counts == {
        lang: sum(1 for a in by_id.values() if a.lang == lang) for lang in {a.lang for a in by_id.values()}
    }
    assert sum(unfiltered.month_counts.values()) == len(by_id)
    filters = Filters(langs=("kk",), date_from="2024-01-01", date_to="2024-12-31")
    found = reader.search(SearchSpec(query=query, filters=filters))
    expected_total = sum(1 for a in by_id.values() if a.lang == "kk" and "2024-01-01" <= a.date <= "2024-12-31")
    assert found.total == expected_total == reader.count(query, filters)
    # lang counted under the date filter only: Russian still shows.
    in_2024 = [a for a in by_id.values() if a.date.startswith("2024")]
    assert found.lang_counts == {lang: sum(1 for a in in_2024 if a.lang == lang) for lang in {a.lang for a in in_2024}}
    # months counted under the language filter only: months outside 2024 still show.
    kk_months: dict[str, int] = {}
    for a in by_id.values():
        if a.lang == "kk":
            kk_months[a.date[:7]] = kk_months.get(a.date[:7], 0) + 1
    assert found.month_counts == kk_months


def test_date_sort_newest_first_ties_by_id(reader: OpenSearchReader) -> None:
    found = reader.search(SearchSpec(query=q("Москва"), sort="date", limit=50))
    keys = [(d.date, d.id) for d, _ in found.hits]
    assert keys == sorted(keys, key=lambda k: (-int(k[0].replace("-", "")), k[1]))
    assert all(score == 0.0 for _, score in found.hits)


@pytest.mark.parametrize("sort", ["relevance", "date"])
def test_pages_concatenate(reader: OpenSearchReader, sort: str) -> None:
    query = q("Москва")
    whole = reader.search(SearchSpec(query=query, sort=sort, limit=30))
    pages = [reader.search(SearchSpec(query=query, sort=sort, offset=o, limit=10)) for o in (0, 10, 20)]
    assert [i for p in pages for i in ids(p)] == ids(whole)
    assert {p.total for p in pages} == {whole.total}


def test_count_doc_frequency_document_and_scan(reader: OpenSearchReader, by_id: dict) -> None:
    title, body = LANG_FIELDS["ru"]
    assert reader.doc_frequency(body, "сквер") == reader.count(
        Query(clauses=(Clause((Term(body, "сквер"),)),)), Filters()
    )
    assert reader.doc_frequency(body, "несуществующийтермин") == 0
    doc = reader.document(SEED_RU)
    assert doc is not None and doc.body == by_id[SEED_RU].body and doc.path == by_id[SEED_RU].path
    assert reader.document("no_such_document") is None

    scanned = list(reader.scan())
    assert [d.id for d in scanned] == sorted(by_id)
    assert all(d.body == by_id[d.id].body for d in scanned)
    assert [d.id for d in reader.scan(limit=7)] == sorted(by_id)[:7]
    kk = [d.id for d in reader.scan(Filters(langs=("kk",)))]
    assert kk == sorted(i for i, a in by_id.items() if a.lang == "kk")


def test_scan_pages_past_the_page_size(reader: OpenSearchReader, by_id: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    from backends.opensearch import reader as reader_module

    monkeypatch.setattr(reader_module, "SCAN_PAGE", 50)
    assert [d.id for d in reader.scan()] == sorted(by_id)
    assert len(list(reader.scan(limit=120))) == 120
