"""The JSON API blueprint: search, documents, health, OpenAPI."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request
from marshmallow import ValidationError

from backends.base import Backend
from indexer.corpus import DOC_ID_RE
from searchcore.related import find_related
from searchcore.search import SearchRequest, SearchResult, run_search
from searchcore.suggest import suggest as complete
from searchsvc.errors import error_response
from searchsvc.schemas import (
    DocumentSchema,
    HealthSchema,
    RelatedSchema,
    SearchArgs,
    SearchResponse,
    SuggestArgs,
    SuggestResponse,
)

bp = Blueprint("api", __name__, url_prefix="/api")

_search_args = SearchArgs()
_search_out = SearchResponse()
_doc_out = DocumentSchema()
_health_out = HealthSchema()
_suggest_args = SuggestArgs()
_suggest_out = SuggestResponse()
_related_out = RelatedSchema(many=True)


def backend() -> Backend:
    return current_app.extensions["search_backend"]


def query_args() -> dict[str, Any]:
    """Query string as a dict: repeated ``lang`` kept as a list, others single."""
    out: dict[str, Any] = {}
    for key, values in request.args.lists():
        out[key] = values if key == "lang" else values[-1]
    return out


def parse_search_args(raw: dict[str, Any]) -> SearchRequest:
    """Validate query-string parameters into a :class:`SearchRequest`."""
    data = _search_args.load(raw)
    return SearchRequest(
        q=data["q"],
        langs=tuple(dict.fromkeys(data["lang"])),
        date_from=data["date_from"].isoformat() if data["date_from"] else None,
        date_to=data["date_to"].isoformat() if data["date_to"] else None,
        sort=data["sort"],
        page=data["page"],
        per_page=data["per_page"],
        time_budget=current_app.config["SEARCH"].time_budget,
    )


def result_json(result: SearchResult) -> dict[str, Any]:
    payload = {
        "total": result.total,
        "page": result.page,
        "per_page": result.per_page,
        "took_ms": result.took_ms,
        "partial": result.partial,
        "hits": [vars(h) for h in result.hits],
        "facets": result.facets,
        "suggestion": result.suggestion,
    }
    return _search_out.dump(payload)


@bp.get("/search")
def search() -> Response:
    try:
        req = parse_search_args(query_args())
    except ValidationError as exc:
        return error_response(400, "invalid parameters", _flatten(exc.messages))
    return jsonify(result_json(run_search(backend(), req)))


def _flatten(messages: Any) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, value in messages.items() if isinstance(messages, dict) else [("_schema", messages)]:
        if isinstance(value, dict):
            value = [m for v in value.values() for m in (v if isinstance(v, list) else [v])]
        out[str(key)] = [str(v) for v in (value if isinstance(value, list) else [value])]
    return out


def valid_doc_id(doc_id: str) -> bool:
    """Whether ``doc_id`` can name a document: the corpus file-name alphabet, ≤ 200 chars.

    Ids are only ever looked up as index terms, never joined to a path, so
    ``../`` cannot reach a file; rejecting them early keeps odd input (NUL,
    newlines, 10 KB ids) away from the index and out of error messages.
    """
    return DOC_ID_RE.fullmatch(doc_id) is not None


def find_document(doc_id: str) -> dict[str, Any] | None:
    """Stored fields of a document by id, or None (also for ids that cannot exist)."""
    if not valid_doc_id(doc_id):
        return None
    with backend().reader() as reader:
        found = reader.document(doc_id)
    return asdict(found) if found is not None else None


@bp.get("/documents/<path:doc_id>")
def document(doc_id: str) -> Response:
    if not valid_doc_id(doc_id):
        msg = "letters, digits, '.', '_' and '-' only, at most 200 characters, not starting with '.' or '-'"
        return error_response(400, "invalid document id", {"doc_id": [msg]})
    doc = find_document(doc_id)
    if doc is None:
        return error_response(404, f"no document with id {doc_id!r}")
    return jsonify(_doc_out.dump(doc))


@bp.get("/documents/<path:doc_id>/related")
def related(doc_id: str) -> Response:
    found = find_related(backend(), doc_id) if valid_doc_id(doc_id) else None
    if found is None:
        return error_response(404, f"no document with id {doc_id!r}")
    return jsonify(_related_out.dump([vars(r) for r in found]))


@bp.get("/suggest")
def suggest() -> Response:
    try:
        args = _suggest_args.load(request.args.to_dict())
    except ValidationError as exc:
        return error_response(400, "invalid parameters", _flatten(exc.messages))
    return jsonify(_suggest_out.dump({"q": args["q"], "suggestions": complete(backend(), args["q"], args["limit"])}))


@bp.get("/health")
def health() -> Response:
    state = backend().health()
    body = {
        "status": "ok" if state.reason is None else "degraded",
        "backend": state.backend,
        "documents": state.documents,
        "generation": state.generation,
        "last_update": state.updated,
        "reason": state.reason,
    }
    resp = jsonify(_health_out.dump(body))
    resp.status_code = 200 if state.serving else 503
    return resp


@bp.get("/openapi.json")
def openapi() -> Response:
    return jsonify(current_app.extensions["openapi"])


@bp.route("/<path:_rest>")
def not_found(_rest: str) -> Response:
    return error_response(404, "no such endpoint")
