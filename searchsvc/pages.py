"""The server-rendered search page and document view.

Everything works without JavaScript: facets, the date histogram, sorting and
paging are links; dates go through the form. Every state is the query string
(``q``, ``lang`` (repeatable), ``date_from``, ``date_to``, ``sort``, ``page``,
``per_page``, ``ui``), so a URL can be shared and back/forward just work.
``static/app.js`` only adds as-you-type completions and submit-on-change.
"""

from __future__ import annotations

import math
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, g, make_response, render_template, request
from markupsafe import Markup
from marshmallow import ValidationError

from backends.base import IndexMissing, IndexUnavailable
from searchcore.highlight import MarkTerms, mark
from searchcore.related import find_related
from searchcore.search import SearchResult, plan, run_search
from searchsvc import histogram, i18n
from searchsvc.api import _flatten, backend, find_document, parse_search_args, query_args
from searchsvc.schemas import MAX_DEPTH, MAX_QUERY_CHARS

bp = Blueprint("pages", __name__)

FACET_LANGS = ("kk", "ru", "other")
STATE_KEYS = ("q", "lang", "date_from", "date_to", "sort", "per_page", "ui")
PAGE_WINDOW = 2  # page links shown on each side of the current one
COOKIE_MAX_AGE = 365 * 24 * 3600
#: The index cannot be read: the page says so in the interface language (503).
UNAVAILABLE = (IndexUnavailable, IndexMissing, OSError)


def _pairs(args: dict[str, Any]) -> list[tuple[str, str]]:
    pairs = []
    for key, value in args.items():
        for v in value if isinstance(value, list) else [value]:
            if v not in (None, ""):
                pairs.append((key, str(v)))
    return pairs


def url_with(args: dict[str, Any], **changes: Any) -> str:
    """The search URL for this state with some parameters changed (None drops one).

    Any change resets paging to the first page unless ``page`` is given.
    """
    merged = {k: v for k, v in args.items() if k in STATE_KEYS}
    merged.update(changes)
    if merged.get("page") == 1:
        merged.pop("page")
    return "/?" + urlencode(_pairs(merged))


def doc_url(doc_id: str, args: dict[str, Any]) -> str:
    """The document view, carrying the search state so "back" restores it."""
    state = {k: v for k, v in args.items() if k in (*STATE_KEYS, "page")}
    query = urlencode(_pairs(state))
    return f"/doc/{doc_id}" + (f"?{query}" if query else "")


@bp.before_app_request
def _pick_ui_language() -> None:
    g.ui, g.remember_ui = i18n.choose(request)
    g.t = i18n.Translator(g.ui)


@bp.after_app_request
def _remember_ui_language(resp: Response) -> Response:
    if request.path.startswith("/api/") or request.path.startswith("/static/"):
        return resp
    if getattr(g, "remember_ui", False):
        resp.set_cookie(i18n.COOKIE, g.ui, max_age=COOKIE_MAX_AGE, samesite="Lax", httponly=True)
    resp.vary.update(("Accept-Language", "Cookie"))
    return resp


@bp.app_context_processor
def _page_context() -> dict[str, Any]:
    args = _state_args()
    switch = [(code, i18n.NATIVE_NAMES[code], _switch_url(code)) for code in i18n.UI_LANGS]
    return {
        "t": getattr(g, "t", i18n.Translator(i18n.DEFAULT_UI)),
        "ui": getattr(g, "ui", i18n.DEFAULT_UI),
        "ui_switch": switch,
        "url_with": url_with,
        "doc_url": doc_url,
        "state": args,
    }


def _switch_url(code: str) -> str:
    pairs = [(k, v) for k, v in request.args.items(multi=True) if k != "ui"]
    pairs.append(("ui", code))
    return request.path + "?" + urlencode(pairs)


def _state_args() -> dict[str, Any]:
    """The query string, minus empty fields (a form sends ``date_to=`` when blank)."""
    args = {k: v for k, v in query_args().items() if v not in ("", [])}
    if "lang" in args:
        args["lang"] = [p.strip() for item in args["lang"] for p in item.split(",") if p.strip()]
    return args


def _error_messages(errors: dict[str, list[str]], t: i18n.Translator) -> list[str]:
    out = []
    for field in errors:
        key = f"err_{field}"
        msg = t(key) if key in t.texts else t("err_other")
        if msg not in out:
            out.append(msg)
    return out


def _page_numbers(page: int, pages: int) -> list[int | None]:
    """1 … p-2 p-1 p p+1 p+2 … last (None is a gap)."""
    shown = {1, pages, *range(max(1, page - PAGE_WINDOW), min(pages, page + PAGE_WINDOW) + 1)}
    out: list[int | None] = []
    prev = 0
    for n in sorted(shown):
        if n - prev > 1:
            out.append(None)
        out.append(n)
        prev = n
    return out


def _chips(args: dict[str, Any], t: i18n.Translator) -> list[tuple[str, str]]:
    """Active filters as (label, URL without that filter)."""
    langs = args.get("lang") or []
    chips = [(t.lang_name(code), url_with(args, lang=[x for x in langs if x != code])) for code in dict.fromkeys(langs)]
    if args.get("date_from"):
        chips.append((t("chip_from", date=t.date(args["date_from"])), url_with(args, date_from=None)))
    if args.get("date_to"):
        chips.append((t("chip_to", date=t.date(args["date_to"])), url_with(args, date_to=None)))
    return chips


def _lang_facet(result: SearchResult, active: list[str]) -> list[dict[str, Any]]:
    counts = {str(f["value"]): int(f["count"]) for f in result.facets.get("lang", [])}  # type: ignore[call-overload]
    return [
        {"value": code, "count": counts.get(code, 0), "on": code in active}
        for code in FACET_LANGS
        if counts.get(code) or code in active
    ]


def _render(template: str, status: int = 200, **context: Any) -> Response:
    return make_response(render_template(template, **context), status)


def _unavailable(args: dict[str, Any]) -> Response:
    resp = _render("search.html", 503, args=args, result=None, unavailable=True)
    resp.headers["Retry-After"] = "30"
    return resp


@bp.get("/")
def index() -> Response:
    t: i18n.Translator = g.t
    args = _state_args()
    if not str(args.get("q", "")).strip():
        return _render("search.html", args=args, result=None)
    try:
        req = parse_search_args(args)
    except ValidationError as exc:
        errors = _error_messages(_flatten(exc.messages), t)
        return _render("search.html", 400, args=args, result=None, errors=errors)
    try:
        result = run_search(backend(), req)
    except UNAVAILABLE:
        return _unavailable(args)
    pages = max(1, min(math.ceil(result.total / req.per_page), MAX_DEPTH // req.per_page))
    capped = result.total > MAX_DEPTH
    return _render(
        "search.html",
        args=args,
        req=req,
        result=result,
        pages=pages,
        page_numbers=_page_numbers(req.page, pages),
        capped=capped,
        max_depth=MAX_DEPTH,
        lang_facet=_lang_facet(result, list(req.langs)),
        hist=histogram.build(result.facets.get("date", []), req.date_from, req.date_to),
        chips=_chips(args, t),
        suggestion=getattr(result, "suggestion", None) or None,
    )


def _mark_terms(q: str) -> MarkTerms | None:
    """What to highlight in a document for the query it was found with."""
    if not q.strip() or len(q) > MAX_QUERY_CHARS:
        return None
    planned = plan(q)
    return planned.terms if planned else None


@bp.get("/doc/<path:doc_id>")
def doc(doc_id: str) -> Response:
    args = _state_args()
    try:
        stored = find_document(doc_id)
    except UNAVAILABLE:
        return _unavailable(args)
    if stored is None:
        return _render("doc.html", 404, doc=None, args=args)
    lang = stored["lang"]
    terms = _mark_terms(str(args.get("q", "")))
    paragraphs = [p for p in stored["body"].split("\n") if p.strip()]
    if terms:
        title_html = Markup(mark(stored["title"], terms, lang))
        body_html = [Markup(mark(p, terms, lang)) for p in paragraphs]
    else:
        title_html, body_html = stored["title"], paragraphs
    related = (find_related(backend(), doc_id) or []) if lang in FACET_LANGS[:2] else []
    return _render("doc.html", doc=stored, title_html=title_html, body_html=body_html, related=related, args=args)
