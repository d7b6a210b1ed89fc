"""Kazakh typed any way, names across kk and ru, and ranking behaviours.

Every case runs a real query through the HTTP API against a real index: the
session sample index (the seed pair reports one story in both languages) and
a small index of hand-written articles for spellings the sample lacks.
"""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from indexer.pipeline import sync
from searchsvc import Config, create_app
from tests.conftest import SEED_KK, SEED_RU, write_article

#: Small hand-written articles: Kazakh words with Kazakh-only letters, a
#: Russian near-homograph of a folded Kazakh word, and a long distractor.
ARTICLES = {
    "kk_oner": " date 2024-05-02 Жастар өнер фестивалі\n"
    "Алматыда жастар өнер фестивалі өтті. Шаңырақ астында жиналған жас суретшілер "
    "мен әншілер өнерін көрсетті.",
    "kk_qazaq": " date 2024-05-03 Қазақ тілі күні\nҚазақ тілі күні елордада атап өтілді. "
    "Достық пен бірлік туралы әндер айтылды.",
    "ru_kazak": " date 2024-05-04 Казак из станицы\nКазак из донской станицы рассказал "
    "о традициях казачества и конных праздниках.",
    "ru_other": " date 2024-05-05 Погода в регионе\nСиноптики обещают дожди и ветер "
    "на всей территории региона до конца недели.",
    "kk_tokayev": " date 2024-05-06 Тоқаев Астанада кездесу өткізді\n"
    "Мемлекет басшысы Қасым-Жомарт Тоқаев Ақордада шетел делегациясын қабылдады.",
    "ru_tokayev": " date 2024-05-07 Токаев провёл встречу в Астане\n"
    "Президент Касым-Жомарт Токаев принял в Акорде иностранную делегацию.",
}


@pytest.fixture(scope="module")
def spelled(tmp_path_factory: pytest.TempPathFactory) -> FlaskClient:
    corpus = tmp_path_factory.mktemp("spelled_corpus")
    for name, text in ARTICLES.items():
        write_article(corpus, name, text)
    index = tmp_path_factory.mktemp("spelled_index")
    sync(corpus, index, fresh=True)
    return create_app(Config(index_dir=index)).test_client()


def ids(client: FlaskClient, q: str, **params: str) -> list[str]:
    resp = client.get("/api/search", query_string={"q": q, "per_page": "50", **params})
    assert resp.status_code == 200, resp.get_json()
    return [h["id"] for h in resp.get_json()["hits"]]


# -- Russian keyboard: a query without Kazakh letters finds Kazakh spellings --


@pytest.mark.parametrize(
    ("query", "doc"),
    [("онер", "kk_oner"), ("достык", "kk_qazaq"), ("шанырак", "kk_oner"), ("казак тили", "kk_qazaq")],
)
def test_folded_query_finds_kazakh_letters(spelled: FlaskClient, query: str, doc: str) -> None:
    assert doc in ids(spelled, query)


def test_seed_found_by_russian_keyboard_spelling(client: FlaskClient) -> None:
    assert SEED_KK in ids(client, "достык")
    assert SEED_KK in ids(client, "казакстан ресей")


def test_exact_spelling_outranks_folded_match(spelled: FlaskClient) -> None:
    """`казак` (Cossack) and `қазақ` (Kazakh) fold together; the exact one ranks first."""
    ru_first = ids(spelled, "казак")
    kk_first = ids(spelled, "қазақ")
    assert ru_first[0] == "ru_kazak" and "kk_qazaq" in ru_first
    assert kk_first[0] == "kk_qazaq" and "ru_kazak" in kk_first


# -- Latin script: 2021 official alphabet and informal spellings --


@pytest.mark.parametrize(
    ("query", "doc"),
    [
        ("Qazaq tılı", "kk_qazaq"),  # 2021 alphabet: q = қ, ı = і
        ("dostyq", "kk_qazaq"),
        ("dostyk", "kk_qazaq"),
        ("shanyraq", "kk_oner"),
        ("zhastar oner", "kk_oner"),
        ("jastar öner", "kk_oner"),  # 2021: j = ж, ö = ө
        ("Tokayev", "ru_tokayev"),
        ("Toqaev", "kk_tokayev"),
    ],
)
def test_latin_query_finds_cyrillic(spelled: FlaskClient, query: str, doc: str) -> None:
    assert doc in ids(spelled, query)[:3]


def test_latin_queries_find_the_seed(client: FlaskClient) -> None:
    for q in ("Qazaqstan Resei dostyğy", "Mäskeu", "dostyq skverі", "kazakhstan"):
        assert SEED_KK in ids(client, q), q


# -- Names across languages: the seed pair is one story in kk and ru --


def test_russian_spelling_of_a_kazakh_name_finds_both_seeds(client: FlaskClient) -> None:
    found = ids(client, "Токаев")
    assert SEED_RU in found and SEED_KK in found


def test_kazakh_spelling_of_a_name_finds_the_russian_seed(client: FlaskClient) -> None:
    found = ids(client, "Тоқаев")
    assert SEED_KK in found and SEED_RU in found


@pytest.mark.parametrize("name", ["Алматы", "Астана"])
def test_city_names_find_both_languages(client: FlaskClient, name: str) -> None:
    resp = client.get("/api/search", query_string={"q": name, "per_page": "100"})
    langs = {h["lang"] for h in resp.get_json()["hits"]}
    assert {"kk", "ru"} <= langs


def test_name_pair_in_the_small_index(spelled: FlaskClient) -> None:
    assert set(ids(spelled, "Токаев")[:2]) == {"ru_tokayev", "kk_tokayev"}
    assert set(ids(spelled, "Тоқаев")[:2]) == {"ru_tokayev", "kk_tokayev"}


# -- How query words combine --


def test_more_matched_words_rank_higher(spelled: FlaskClient) -> None:
    """Ranked OR: every word may match alone, documents matching more come first."""
    found = ids(spelled, "жастар өнер фестивалі погода")
    assert found[0] == "kk_oner" and "ru_other" in found


def test_question_words_do_not_decide_the_ranking(spelled: FlaskClient) -> None:
    assert ids(spelled, "Қазақ тілі күні қашан атап өтілді?")[0] == "kk_qazaq"
    assert ids(spelled, "Когда казак рассказал о традициях?")[0] == "ru_kazak"


def test_a_query_of_only_question_words_still_searches(spelled: FlaskClient) -> None:
    resp = spelled.get("/api/search", query_string={"q": "когда"})
    assert resp.status_code == 200
