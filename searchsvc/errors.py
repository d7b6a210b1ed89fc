"""JSON errors for the API: one shape for every failure a client can cause."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

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
        return error_response(exc.code or 500, exc.description or exc.name)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response | tuple[str, int]:
        log.exception("unhandled error on %s", request.path)
        if _wants_json():
            return error_response(500, "internal error")
        return "Internal error", 500
