"""The server-rendered search page and document view (no JavaScript needed)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, abort, render_template, request
from marshmallow import ValidationError

from searchsvc.api import _flatten, access, find_document, parse_search_args, query_args
from searchsvc.search import SearchResult, run_search

bp = Blueprint("pages", __name__)

LANG_LABELS = {"kk": "қазақша", "ru": "русский", "other": "other"}


def url_with(args: dict[str, Any], **changes: Any) -> str:
    """The page URL with some parameters changed (None removes one)."""
    merged = {k: v for k, v in args.items() if k != "page"}
    merged.update(changes)
    pairs = []
    for key, value in merged.items():
        for v in value if isinstance(value, list) else [value]:
            if v not in (None, ""):
                pairs.append((key, v))
    return "/?" + urlencode(pairs)


@bp.get("/")
def index() -> tuple[str, int] | str:
    args = query_args()
    if isinstance(args.get("lang"), list):
        args["lang"] = [p for item in args["lang"] for p in item.split(",") if p]
    if not args.get("q", "").strip():
        return render_template("search.html", args=args, result=None, errors=None, url_with=url_with, labels=LANG_LABELS)
    try:
        req = parse_search_args(args)
    except ValidationError as exc:
        errors = _flatten(exc.messages)
        return render_template("search.html", args=args, result=None, errors=errors, url_with=url_with, labels=LANG_LABELS), 400
    result: SearchResult = run_search(access(), req)
    pages = max(1, min((result.total + req.per_page - 1) // req.per_page, 1000 // req.per_page))
    return render_template(
        "search.html", args=args, req=req, result=result, errors=None, url_with=url_with, labels=LANG_LABELS, pages=pages
    )


@bp.get("/doc/<path:doc_id>")
def doc(doc_id: str) -> str:
    stored = find_document(doc_id)
    if stored is None:
        abort(404)
    return render_template("doc.html", doc=stored, labels=LANG_LABELS, back=request.args.get("q", ""))
