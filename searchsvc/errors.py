"""JSON errors for the API: one shape for every failure a client can cause."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

from backends.base import IndexUnavailable, QueryTooLarge

__all__ = ["IndexUnavailable", "error_response", "register"]

log = logging.getLogger(__name__)


def error_response(status: int, message: str, fields: dict[str, list[str]] | None = None) -> Response:
    body: dict[str, object] = {"status": status, "message": message}
    if fields:
        body["fields"] = fields
    resp = jsonify({"error": body})
    resp.status_code = status
    return resp


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def register(app: Flask) -> None:
    """JSON for errors under /api/, the usual HTML elsewhere."""

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Response | HTTPException:
        if not _wants_json():
            return exc
        resp = error_response(exc.code or 500, exc.description or exc.name)
        for key, value in exc.get_headers():  # e.g. Allow on a 405 (RFC 9110), Retry-After
            if key.lower() not in ("content-type", "content-length"):
                resp.headers[key] = value
        return resp

    @app.errorhandler(QueryTooLarge)
    def _too_large(exc: QueryTooLarge) -> Response | tuple[str, int]:
        log.info("query too large on %s: %s", request.path, exc)
        if _wants_json():
            return error_response(400, "invalid parameters", {"q": [f"too many words or terms: {exc}"]})
        return "Query too large", 400

    @app.errorhandler(IndexUnavailable)
    def _unavailable(exc: IndexUnavailable) -> Response | tuple[str, int, dict[str, str]]:
        log.error("index unavailable on %s: %s", request.path, exc)
        if _wants_json():
            resp = error_response(503, f"the search index is unavailable: {exc}")
            resp.headers["Retry-After"] = str(exc.retry_after)
            return resp
        page = (
            "<!doctype html><title>Unavailable</title><p>Search is temporarily unavailable. Please try again later.</p>"
        )
        return page, 503, {"Content-Type": "text/html; charset=utf-8", "Retry-After": str(exc.retry_after)}

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response | tuple[str, int]:
        log.exception("unhandled error on %s", request.path)
        if _wants_json():
            return error_response(500, "internal error")
        return "Internal error", 500
