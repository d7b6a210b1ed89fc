"""The server-rendered page and the page-support API (suggest, related), via the Flask test client."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from flask.testing import FlaskClient

from searchsvc import histogram, i18n
from tests.conftest import SEED_KK, SEED_RU

PAGES = [
    "/",
    "/?q=токаев",
    "/?q=токаев&lang=kk&date_from=2024-01-01&date_to=2025-12-31&sort=date",
    "/?q=заголовок",
    f"/doc/{SEED_KK}?q=сквер",
    "/doc/xss_script?q=заголовок",
    "/?q=a&page=500",
]


class _Audit(HTMLParser):
    """Collects what the CSP would block: inline script, inline styles, event handlers."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self.html_lang: str | None = None
        self.inputs_without_label: list[str] = []
        self.label_for: set[str] = set()
        self.input_ids: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "html":
            self.html_lang = a.get("lang")
        if tag == "script" and not a.get("src"):
            self.problems.append("inline <script>")
        if "style" in a:
            self.problems.append(f"style= on <{tag}>")
        self.problems += [f"{k}= on <{tag}>" for k in a if k.startswith("on")]
        if tag == "style":
            self.problems.append("<style> element")
        if tag == "label" and a.get("for"):
            self.label_for.add(a["for"] or "")
        if tag in ("input", "select") and a.get("type") not in ("hidden", "submit"):
            self.input_ids.append(a.get("id") or "?")


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()
        self.hrefs: list[str] = []
        self.inline_scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.names.add(tag)
        if a.get("href"):
            self.hrefs.append(a["href"] or "")
        if tag == "script" and not a.get("src"):
            self.inline_scripts += 1


def audit(html: str) -> _Audit:
    p = _Audit()
    p.feed(html)
    return p


@pytest.mark.parametrize("url", PAGES)
def test_pages_have_security_headers_and_nothing_the_csp_would_block(client: FlaskClient, url: str) -> None:
    resp = client.get(url)
    csp = resp.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "style-src 'self'" in csp
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    page = audit(resp.get_data(as_text=True))
    assert page.problems == []
    assert set(page.input_ids) <= page.label_for, "every visible input has a <label for>"


def test_hostile_article_is_escaped_everywhere(client: FlaskClient) -> None:
    for url in ("/?q=заголовок", "/doc/xss_script?q=заголовок", "/doc/xss_script"):
        html = client.get(url).get_data(as_text=True)
        assert "&lt;script&gt;" in html
        assert "<script>alert" not in html and "<script>document" not in html
        tags = _Tags()
        tags.feed(html)
        assert "img" not in tags.names and not [h for h in tags.hrefs if h.lower().startswith("javascript:")]
        assert tags.inline_scripts == 0


def test_interface_language_from_accept_language_param_and_cookie(client: FlaskClient) -> None:
    def lang_of(resp) -> str | None:  # type: ignore[no-untyped-def]
        return audit(resp.get_data(as_text=True)).html_lang

    assert lang_of(client.get("/", headers={"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.5"})) == "ru"
    assert lang_of(client.get("/", headers={"Accept-Language": "en-GB"})) == "en"
    assert lang_of(client.get("/", headers={"Accept-Language": "de"})) == i18n.DEFAULT_UI
    resp = client.get("/?q=сквер&ui=kk", headers={"Accept-Language": "en"})
    assert lang_of(resp) == "kk" and "ui=kk" in resp.headers["Set-Cookie"]
    assert "Іздеу" in resp.get_data(as_text=True)
    # the cookie now wins over Accept-Language
    assert lang_of(client.get("/", headers={"Accept-Language": "en"})) == "kk"
    assert "Accept-Language" in client.get("/").headers["Vary"]
    assert lang_of(client.get("/?ui=xx", headers={"Accept-Language": "en"})) == "kk"  # unknown ui ignored


def test_every_language_has_every_text_and_no_placeholders_left() -> None:
    keys = set(i18n.TEXTS["en"])
    for lang, texts in i18n.TEXTS.items():
        assert set(texts) == keys, lang
        assert all(v.strip() and "TODO" not in v for v in texts.values()), lang
    # Kazakh and Russian are translations, not copies of the English
    same = [k for k in keys if i18n.TEXTS["kk"][k] == i18n.TEXTS["en"][k] or i18n.TEXTS["ru"][k] == i18n.TEXTS["en"][k]]
    assert set(same) <= {"took", "month_year", "date_long"}, same
    assert i18n.Translator("ru").date("2025-11-11") == "11 ноября 2025"
    assert i18n.Translator("kk").date("2025-11-11") == "2025 жылғы 11 қараша"
    assert i18n.Translator("kk").month("2024-04") == "2024 ж. сәуір"


def test_results_page_facets_chips_and_content_lang(client: FlaskClient) -> None:
    html = client.get("/?q=токаев&lang=kk&ui=en").get_data(as_text=True)
    assert re.search(r'data-facet="lang-kk"\s+href="[^"]*"\s+aria-current="true"', html)
    assert 'data-facet="lang-ru"' in html  # the unticked language still offered, with its count
    assert 'class="chip"' in html and "Remove filter: Kazakh" in html
    assert '<p class="snippet" lang="kk">' in html and "<mark>" in html
    assert "Articles found: 2" in html


def test_histogram_bars_link_to_whole_months_and_years(client: FlaskClient) -> None:
    html = client.get("/?q=казахстан&ui=en").get_data(as_text=True)
    years = re.findall(r'data-period="(\d{4})" href="([^"]+)"', html)
    assert years, "long spans are shown as year bars"
    period, href = years[0]
    assert f"date_from={period}-01-01&amp;date_to={period}-12-31" in href
    bars = histogram.build([{"value": "2024-02", "count": 3}, {"value": "2024-04", "count": 6}], None, None)
    assert bars is not None and bars.unit == "month"
    feb = next(b for b in bars.bars if b.key == "2024-02")
    assert (feb.first, feb.last, feb.level) == ("2024-02-01", "2024-02-29", 5)
    assert [b.key for b in bars.bars] == ["2024-02", "2024-03", "2024-04"] and bars.bars[1].level == 0
    picked = histogram.build([{"value": "2024-04", "count": 6}], "2024-04-01", "2024-04-30")
    assert picked is not None and len(picked.bars) == 12  # the picked month among its year
    assert [b.key for b in picked.bars if b.active] == ["2024-04"]
    # every month link the page renders is a valid date range (no 2024-04-31)
    html = client.get("/?q=токаев&date_from=2024-01-01&date_to=2024-12-31").get_data(as_text=True)
    for href in re.findall(r'class="bar [^"]*" data-period="\d{4}-\d{2}" href="([^"]+)"', html):
        assert client.get(href.replace("&amp;", "&")).status_code == 200


def test_paging_links_and_the_depth_cap(client: FlaskClient) -> None:
    html = client.get("/?q=казахстан&ui=en").get_data(as_text=True)
    assert 'rel="next" href="/?q=' in html and "page=2" in html and 'aria-current="page"' in html
    html = client.get("/?q=россия&per_page=100&page=2&ui=en").get_data(as_text=True)
    assert '<ol class="hits" start="101">' in html
    resp = client.get("/?q=россия&per_page=100&page=11&ui=ru")
    assert resp.status_code == 400
    body = resp.get_data(as_text=True)
    assert 'role="alert"' in body and "первые 1000 результатов" in body


def test_empty_error_and_blank_form_fields(client: FlaskClient) -> None:
    body = client.get("/?q=zzzqqxxw&lang=kk&ui=en").get_data(as_text=True)
    assert "Nothing found" in body and "search without filters" in body
    # an empty date field from the form is "no filter", not an error
    assert client.get("/?q=токаев&date_from=&date_to=").status_code == 200
    resp = client.get("/?q=токаев&date_from=2025-01-01&date_to=2024-01-01&ui=en")
    assert resp.status_code == 400 and "the start cannot be after the end" in resp.get_data(as_text=True)
    assert "Search news in Kazakh and Russian" in client.get("/?ui=en").get_data(as_text=True)


def test_did_you_mean_is_rendered_when_the_search_suggests(client: FlaskClient) -> None:
    from searchcore.search import SearchResult

    if "suggestion" not in getattr(SearchResult, "__dataclass_fields__", {}):
        pytest.skip("SearchResult.suggestion not implemented yet (spelling suggestions are another issue)")
    for q in ("казахстн", "токаевв", "сквир"):
        api = client.get("/api/search", query_string={"q": q}).get_json()
        if api.get("suggestion"):
            html = client.get("/", query_string={"q": q, "ui": "en"}).get_data(as_text=True)
            assert "Did you mean:" in html and api["suggestion"] in html
            return
    pytest.fail("no misspelling produced a suggestion")


def test_document_view_highlights_and_links_the_other_language(client: FlaskClient) -> None:
    resp = client.get(f"/doc/{SEED_KK}?q=сквер&ui=en")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert '<h1 lang="kk">' in html and "<mark>сквері</mark>" in html
    assert f'href="/doc/{SEED_RU}?q=' in html and 'class="related-link"' in html
    assert '<time datetime="2025-11-11">11 November 2025</time>' in html
    html = client.get(f"/doc/{SEED_RU}").get_data(as_text=True)
    assert f'href="/doc/{SEED_KK}"' in html and "<mark>" not in html
    missing = client.get("/doc/no_such_doc?ui=en")
    assert missing.status_code == 404 and "Article not found" in missing.get_data(as_text=True)


def test_related_api_links_the_seed_pair_both_ways(client: FlaskClient) -> None:
    there = client.get(f"/api/documents/{SEED_KK}/related").get_json()
    back = client.get(f"/api/documents/{SEED_RU}/related").get_json()
    assert there[0]["id"] == SEED_RU and back[0]["id"] == SEED_KK
    assert set(there[0]) == {"id", "title", "date", "lang", "score"}
    assert there[0]["lang"] == "ru" and 0 < there[0]["score"] <= 1
    assert client.get("/api/documents/nope_nope/related").status_code == 404
    assert client.get("/api/documents/..%2F..%2Fetc/related").status_code in (400, 404)  # malformed id


def test_related_stays_quiet_when_no_story_matches(client: FlaskClient) -> None:
    # a Kazakh tengrinews piece has dozens of Russian articles within 3 days, none on its story
    bodies = client.get("/api/search", query_string={"q": "ғашықтар", "lang": "kk"}).get_json()
    doc_id = bodies["hits"][0]["id"]
    assert client.get(f"/api/documents/{doc_id}/related").get_json() == []


def test_suggest_completes_the_last_word_from_titles(client: FlaskClient) -> None:
    body = client.get("/api/suggest", query_string={"q": "тока"}).get_json()
    assert body["q"] == "тока" and "токаев" in body["suggestions"]
    # Russian-keyboard spelling completes a Kazakh title word; earlier words are kept
    body = client.get("/api/suggest", query_string={"q": "мәскеу досты"}).get_json()
    assert "мәскеу достығы" in body["suggestions"]
    assert "қазақстан" in client.get("/api/suggest", query_string={"q": "казакс"}).get_json()["suggestions"]
    assert client.get("/api/suggest", query_string={"q": "тока", "limit": 1}).get_json()["suggestions"] == ["токаев"]
    assert client.get("/api/suggest", query_string={"q": "токаев "}).get_json()["suggestions"] == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "q"),
        ({"q": ""}, "q"),
        ({"q": "x" * 101}, "q"),
        ({"q": "ток", "limit": 0}, "limit"),
        ({"q": "ток", "limit": "many"}, "limit"),
    ],
)
def test_suggest_rejects_bad_input(client: FlaskClient, params: dict, field: str) -> None:
    resp = client.get("/api/suggest", query_string=params)
    assert resp.status_code == 400
    assert field in resp.get_json()["error"]["fields"]


def test_openapi_describes_the_new_endpoints(client: FlaskClient) -> None:
    spec = client.get("/api/openapi.json").get_json()
    assert "/api/suggest" in spec["paths"] and "/api/documents/{doc_id}/related" in spec["paths"]
    names = {p["name"] for p in spec["paths"]["/api/suggest"]["get"]["parameters"]}
    assert names == {"q", "limit"}
    assert {"Suggestions", "Related"} <= spec["components"]["schemas"].keys()


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href and href.startswith("/") and not href.startswith("/api/"):
            self.hrefs.append(href)


def test_every_link_on_a_results_page_works(client: FlaskClient) -> None:
    """Shareable state: each facet, bar, chip, sort and page link is a URL that answers 200."""
    p = _Links()
    p.feed(client.get("/?q=токаев&lang=ru&date_from=2024-04-01&date_to=2024-04-30").get_data(as_text=True))
    assert len(p.hrefs) > 20
    for href in dict.fromkeys(p.hrefs):
        assert client.get(href).status_code == 200, href
