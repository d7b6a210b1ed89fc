"""Hostile markup in the corpus comes back as text: in API HTML fields and on the page.

Checked on the real rendered output with an HTML parser: the only elements a
result may contain are the ones our templates and the highlighter emit, no
attribute is an event handler, and no link uses ``javascript:``.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from flask.testing import FlaskClient

from tests.robustness.conftest import DANGEROUS, HOSTILE_ARTICLES, HOSTILE_WORD


class _Elements(HTMLParser):
    """Collects every start tag with its attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def elements(html: str) -> _Elements:
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return parser


def assert_inert(html: str, allowed_tags: set[str] | None = None) -> None:
    """No event handlers, no javascript: URLs, no script we did not write, only allowed tags."""
    found = elements(html)
    for tag, attrs in found.tags:
        if allowed_tags is not None:
            assert tag in allowed_tags, f"unexpected <{tag}> in {html[:300]!r}"
        for name, value in attrs:
            assert not name.startswith("on"), f"event handler {name}= on <{tag}>"
            assert not (value or "").strip().lower().startswith("javascript:"), f"javascript: URL on <{tag}>"
        if tag == "script":
            src = dict(attrs).get("src") or ""
            assert src.startswith("/static/"), f"foreign script {src!r}"


def test_api_html_fields_are_escaped(hostile_client: FlaskClient) -> None:
    resp = hostile_client.get("/api/search", query_string={"q": HOSTILE_WORD, "per_page": 100})
    assert resp.status_code == 200
    hits = {h["id"]: h for h in resp.get_json()["hits"]}
    assert set(HOSTILE_ARTICLES) <= set(hits), "every hostile article should match"
    for doc_id in HOSTILE_ARTICLES:
        hit = hits[doc_id]
        for field in ("title_html", "snippet"):
            html = hit[field]
            for bad in DANGEROUS:
                assert bad not in html.lower(), f"{doc_id}.{field} has raw {bad}: {html!r}"
            assert_inert(html, allowed_tags={"mark"})
        assert elements(hit["snippet"]).tags, f"{doc_id}: the query word should be marked in the snippet"
    # plain-text fields stay exactly the text (JSON is not HTML)
    assert "<script>" in hits["xss_title"]["title"]


def test_pre_escaped_entities_and_fake_marks_stay_literal(hostile_client: FlaskClient) -> None:
    resp = hostile_client.get("/api/search", query_string={"q": "экранировано", "per_page": 5})
    hit = next(h for h in resp.get_json()["hits"] if h["id"] == "xss_title")
    # '&lt;' in the source must reach the reader as the four characters &lt; — double-escaped in HTML
    assert "&amp;lt;script&amp;gt;" in hit["snippet"]
    resp = hostile_client.get("/api/search", query_string={"q": "поддельная", "per_page": 5})
    hit = next(h for h in resp.get_json()["hits"] if h["id"] == "xss_title")
    assert "&lt;mark&gt;" in hit["snippet"]


@pytest.mark.parametrize(
    "query",
    [
        HOSTILE_WORD,
        "саябақ",
        "<script>alert(1)</script> сквер",
        '"><img src=x onerror=alert(1)>',
    ],
)
def test_search_page_renders_hostile_text_inert(hostile_client: FlaskClient, query: str) -> None:
    resp = hostile_client.get("/", query_string={"q": query})
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert_inert(html)
    lowered = html.lower()
    for bad in ("<img", "<svg", "<iframe", "<object", "</textarea"):
        assert bad not in lowered, f"raw {bad!r} on the page for q={query!r}"
    # hostile text may be shown (escaped), but never inside an attribute we emit unquoted or as a URL
    assert not any(
        "alert(" in (value or "") and name in ("href", "src", "action")
        for _, attrs in elements(html).tags
        for name, value in attrs
    )


@pytest.mark.parametrize("doc_id", sorted(HOSTILE_ARTICLES))
def test_document_page_and_api_render_hostile_text_inert(hostile_client: FlaskClient, doc_id: str) -> None:
    page = hostile_client.get(f"/doc/{doc_id}", query_string={"q": "сквер <script>x</script>"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert_inert(html)
    for bad in ("<img", "<svg", "<iframe", "<object", "</textarea", "<b onmouseover"):
        assert bad not in html.lower()
    assert "&lt;" in html, "the markup should be shown as text"
    api = hostile_client.get(f"/api/documents/{doc_id}")
    assert api.status_code == 200 and api.mimetype == "application/json"
    assert api.headers["X-Content-Type-Options"] == "nosniff"


def test_suggestions_echo_is_json_not_html(hostile_client: FlaskClient) -> None:
    resp = hostile_client.get("/api/suggest", query_string={"q": "<img src=x onerror=alert(1)> скв"})
    assert resp.status_code == 200
    assert resp.mimetype == "application/json"
    body = resp.get_json()
    assert all(isinstance(s, str) for s in body["suggestions"])


def test_security_headers_forbid_inline_script(hostile_client: FlaskClient) -> None:
    resp = hostile_client.get("/", query_string={"q": HOSTILE_WORD})
    csp = resp.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp


def test_did_you_mean_suggestion_carries_markup_only_as_text(client: FlaskClient) -> None:
    """A misspelt query wrapped in markup: the suggestion repeats the markup, as text."""
    query = '"><президнт>'
    api = client.get("/api/search", query_string={"q": query}).get_json()
    assert api["total"] == 0 and api["suggestion"] == '"><президент>'
    html = client.get("/", query_string={"q": query}).get_data(as_text=True)
    assert_inert(html)
    assert "&gt;&lt;президент&gt;" in html and "<президент>" not in html
