"""The search page in a real browser (Chromium via Playwright), as a person uses it."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest

from tests.browser.conftest import Seen, open_page, shot
from tests.conftest import SEED_KK, SEED_RU

pytestmark = pytest.mark.browser


def params(page: Any) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def facet_count(page: Any, lang: str) -> int:
    return int(page.locator(f'[data-facet="lang-{lang}"] .count').inner_text())


def total(page: Any) -> int:
    return int(re.sub(r"\D", "", page.locator(".summary .total").inner_text()))


def test_search_shows_highlighted_results(page: Any) -> None:
    page.goto("/")
    shot(page, "01-home")
    page.get_by_label("Search query").fill("сквер")
    page.get_by_label("Search query").press("Enter")
    page.wait_for_url(re.compile(r"q=%D1%81%D0%BA%D0%B2%D0%B5%D1%80"))
    hits = page.locator("li.hit")
    assert hits.count() >= 3
    assert page.locator("li.hit mark").count() >= 3
    assert page.locator("li.hit mark").first.inner_text().lower().startswith("сквер")
    summary = page.locator(".summary").inner_text()
    assert re.search(r"Articles found: \d+ · \d+ ms", summary), summary
    # each hit: a headline link to the document view, a date, a language badge
    first = hits.first
    assert first.locator("h3 a").get_attribute("href").startswith("/doc/")
    assert first.locator("time").get_attribute("datetime")
    assert first.locator(".badge").inner_text() in {"Kazakh", "Russian"}
    assert first.locator(".snippet").get_attribute("lang") in {"kk", "ru"}
    shot(page, "02-results")


def test_language_facet_is_multi_select_with_counts_and_history(page: Any) -> None:
    page.goto("/?q=токаев")
    kk, ru = facet_count(page, "kk"), facet_count(page, "ru")
    assert kk > 0 and ru > 0 and total(page) == kk + ru
    page.locator('[data-facet="lang-kk"]').click()
    page.wait_for_url(re.compile(r"lang=kk"))
    assert params(page)["lang"] == ["kk"]
    assert total(page) == kk
    assert {b.inner_text() for b in page.locator("li.hit .badge").all()} == {"Kazakh"}
    assert facet_count(page, "ru") == ru  # the other languages keep their counts
    assert page.locator('[data-facet="lang-kk"]').get_attribute("aria-current") == "true"
    assert page.locator(".chip").count() == 1
    shot(page, "03-facet-kk")
    page.locator('[data-facet="lang-ru"]').click()  # multi-select: both ticked
    page.wait_for_url(re.compile(r"lang=kk&lang=ru"))
    assert sorted(params(page)["lang"]) == ["kk", "ru"]
    assert total(page) == kk + ru
    page.go_back()
    page.wait_for_url(re.compile(r"lang=kk$"))
    assert total(page) == kk
    page.go_forward()
    page.wait_for_url(re.compile(r"lang=ru"))
    assert total(page) == kk + ru
    page.locator(".chip", has_text="Kazakh").click()  # removable chip
    page.wait_for_url(lambda url: "lang=kk" not in url)
    assert params(page)["lang"] == ["ru"]
    assert total(page) == ru


def test_date_histogram_and_date_inputs(page: Any) -> None:
    page.goto("/?q=токаев")
    bars = page.locator("a.bar")
    assert bars.count() >= 2
    april = page.locator('a.bar[data-period="2024-04"]')
    assert "h10" in april.get_attribute("class")  # the tallest month
    april.click()
    page.wait_for_url(re.compile(r"date_from=2024-04-01&date_to=2024-04-30"))
    dates = [t.get_attribute("datetime") for t in page.locator("li.hit time").all()]
    assert dates and all(d.startswith("2024-04") for d in dates)
    assert "on" in page.locator('a.bar[data-period="2024-04"]').get_attribute("class")
    assert page.locator("#date_from").input_value() == "2024-04-01"
    shot(page, "04-date-filter")
    page.locator(".chip", has_text="30 April 2024").click()
    page.wait_for_url(lambda url: "date_to" not in url)
    # typed dates go through the form, with the query and other state kept
    page.locator("#date_from").fill("2025-01-01")
    page.locator(".dates button").click()
    page.wait_for_url(re.compile(r"date_from=2025-01-01"))
    assert params(page)["q"] == ["токаев"]
    dates = [t.get_attribute("datetime") for t in page.locator("li.hit time").all()]
    assert dates and all(d >= "2025-01-01" for d in dates)


def test_sort_by_date(page: Any) -> None:
    page.goto("/?q=казахстан")
    page.get_by_role("link", name="Date (newest first)").click()
    page.wait_for_url(re.compile(r"sort=date"))
    dates = [t.get_attribute("datetime") for t in page.locator("li.hit time").all()]
    assert len(dates) == 10 and dates == sorted(dates, reverse=True)
    assert page.get_by_role("link", name="Date (newest first)").get_attribute("aria-current") == "true"
    page.get_by_role("link", name="Relevance").click()
    page.wait_for_url(lambda url: "sort=" not in url)


def test_paging(page: Any) -> None:
    page.goto("/?q=казахстан")
    n = total(page)
    assert n > 20
    first_page = [a.get_attribute("href") for a in page.locator("li.hit h3 a").all()]
    page.get_by_role("link", name="Next →").click()
    page.wait_for_url(re.compile(r"page=2"))
    assert page.locator("ol.hits").get_attribute("start") == "11"
    second_page = [a.get_attribute("href") for a in page.locator("li.hit h3 a").all()]
    assert second_page and not set(first_page) & set(second_page)
    assert page.locator('.pages a[aria-current="page"]').inner_text() == "2"
    shot(page, "05-page-2")
    last = (n + 9) // 10
    page.get_by_role("link", name=str(last), exact=True).click()
    page.wait_for_url(re.compile(rf"page={last}"))
    assert page.locator("li.hit").count() == n - (last - 1) * 10
    assert page.get_by_role("link", name="Next →").count() == 0
    page.go_back()
    page.wait_for_url(re.compile(r"page=2"))


def test_document_view_and_the_same_story_in_the_other_language(page: Any) -> None:
    page.goto("/?q=сквер&lang=kk")
    page.locator("li.hit h3 a").first.click()
    page.wait_for_url(re.compile(rf"/doc/{SEED_KK}\?"))
    assert page.locator("article h1").get_attribute("lang") == "kk"
    assert page.locator("article .body mark").count() >= 1
    assert page.locator(".doc-meta time").get_attribute("datetime") == "2025-11-11"
    related = page.locator("a.related-link")
    assert related.count() >= 1
    assert related.first.get_attribute("lang") == "ru"
    shot(page, "06-document-kk")
    related.first.click()
    page.wait_for_url(re.compile(rf"/doc/{SEED_RU}"))
    assert page.locator("article h1").get_attribute("lang") == "ru"
    back = page.locator("a.related-link")
    assert back.first.get_attribute("href").startswith(f"/doc/{SEED_KK}")
    shot(page, "07-document-ru")
    page.get_by_role("link", name="← Back to results").click()
    page.wait_for_url(re.compile(r"/\?q="))
    assert params(page)["lang"] == ["kk"]


def test_interface_language_switch_and_default(browser: Any, server: str) -> None:
    seen = Seen()
    page = open_page(browser, server, seen, locale="ru-RU")  # Accept-Language: ru-RU
    try:
        page.goto("/?q=токаев")
        assert page.locator("html").get_attribute("lang") == "ru"
        assert page.get_by_role("button", name="Найти").count() >= 1
        page.get_by_role("link", name="Қазақша").click()
        page.wait_for_url(re.compile(r"ui=kk"))
        assert page.locator("html").get_attribute("lang") == "kk"
        assert page.get_by_role("button", name="Іздеу").count() >= 1
        assert page.locator(".summary .total").inner_text().startswith("Табылған мақалалар")
        assert params(page)["q"] == ["токаев"]  # the search state survives the switch
        shot(page, "08-ui-kazakh")
        page.goto("/")  # remembered in a cookie
        assert page.locator("html").get_attribute("lang") == "kk"
        page.get_by_role("link", name="English").click()
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.get_by_label("Search query").count() == 1
    finally:
        page.context.close()
    assert not seen.page_errors and not seen.console_errors, (seen.page_errors, seen.console_errors)


def test_hostile_document_is_text_and_runs_nothing(page: Any, seen: Seen) -> None:
    page.goto("/?q=заголовок")
    hit = page.locator("li.hit", has_text="<script>")
    assert hit.count() == 1
    assert "<script>alert('x')</script>" in hit.locator("h3").inner_text()
    title_before = page.title()
    hit.locator("h3 a").click()
    page.wait_for_url(re.compile(r"/doc/xss_script"))
    body = page.locator("article .body").inner_text()
    assert "<script>document.title='pwned'</script>" in body
    assert "<img src=x onerror=alert(1)>" in body
    assert page.locator("article script, article img").count() == 0
    assert "pwned" not in page.title() and title_before != "pwned"
    page.wait_for_timeout(300)
    assert seen.dialogs == []
    shot(page, "09-hostile-document")


def test_suggestions_as_you_type(page: Any) -> None:
    page.goto("/")
    page.get_by_label("Search query").press_sequentially("тока", delay=30)
    options = page.locator("#q-suggestions option")
    options.first.wait_for(state="attached")
    assert "токаев" in [o.get_attribute("value") for o in options.all()]


def test_everything_works_without_javascript(browser: Any, server: str) -> None:
    seen = Seen()
    page = open_page(browser, server, seen, java_script_enabled=False)
    try:
        page.goto("/")
        page.get_by_label("Search query").fill("токаев")
        page.get_by_role("button", name="Search").first.click()
        page.wait_for_url(re.compile(r"q="))
        assert page.locator("li.hit mark").count() > 0
        page.locator('[data-facet="lang-ru"]').click()
        page.wait_for_url(re.compile(r"lang=ru"))
        page.locator('a.bar[data-period="2024-04"]').click()
        page.wait_for_url(re.compile(r"date_from=2024-04-01"))
        assert page.locator(".chip").count() == 3
        page.locator("li.hit h3 a").first.click()
        page.wait_for_url(re.compile(r"/doc/"))
        assert page.locator("article h1").count() == 1
    finally:
        page.context.close()


def test_error_and_empty_states(page: Any, seen: Seen) -> None:
    page.goto("/?q=zzzzqqqxx")
    assert page.get_by_role("heading", name="Nothing found").count() == 1
    page.goto("/?q=токаев&lang=kk&date_from=2030-01-01")
    assert page.get_by_role("link", name="search without filters").count() == 1
    resp = page.goto("/?q=токаев&page=500")
    assert resp.status == 400
    alert = page.get_by_role("alert")
    assert "first 1000 results" in alert.inner_text()
    assert page.get_by_label("Search query").input_value() == "токаев"
    shot(page, "10-error")
    resp = page.goto("/doc/no_such_article")
    assert resp.status == 404
    assert page.get_by_role("heading", name="Article not found").count() == 1
    # the browser reports the intended 400/404 documents as console errors; nothing else
    seen.console_errors[:] = [m for m in seen.console_errors if "status of 40" not in m]


def test_keyboard_skip_link_and_slash(page: Any) -> None:
    page.goto("/?q=токаев")
    page.keyboard.press("Tab")
    skip = page.locator("a.skip")
    assert skip.evaluate("el => el === document.activeElement")
    page.keyboard.press("Enter")
    assert page.url.endswith("#results")
    page.locator("body").click(position={"x": 5, "y": 400})
    page.keyboard.press("/")
    assert page.get_by_label("Search query").evaluate("el => el === document.activeElement")
