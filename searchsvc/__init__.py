"""The search service: a Flask app serving the JSON API and the search page."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response

from searchsvc.config import Config, ConfigError

__all__ = ["create_app", "Config", "ConfigError"]
__version__ = "0.1.0"

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def create_app(config: Config | None = None, **overrides: Any) -> Flask:
    """App factory. Without ``config``, reads ``SEARCH_BACKEND``, ``SEARCH_INDEX_DIR`` / ``OPENSEARCH_*``
    etc. from the environment. An engine that cannot be used (cluster unreachable, index written by
    another analyzer version) is a :class:`ConfigError` here, at start-up, not a 503 later."""
    from searchsvc import api, errors, pages
    from searchsvc.openapi import build_spec

    cfg = config or Config.from_env()
    app = Flask(__name__)
    app.config.update(SEARCH=cfg, **overrides)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.extensions["search_backend"] = _open(cfg)
    app.extensions["openapi"] = build_spec(__version__)
    app.register_blueprint(api.bp)
    app.register_blueprint(pages.bp)
    errors.register(app)

    @app.after_request
    def _headers(resp: Response) -> Response:
        for key, value in SECURITY_HEADERS.items():
            resp.headers.setdefault(key, value)
        return resp

    logging.getLogger("searchsvc").setLevel(logging.INFO)
    logging.getLogger("opensearch").setLevel(logging.WARNING)  # opensearch-py logs every request at INFO
    return app


def _open(cfg: Config) -> Any:
    """Open the configured engine and check that it can serve (clear errors at start-up)."""
    from backends.base import BackendError
    from searchcore.engines import open_backend

    try:
        backend = open_backend(cfg.engine_config)
        backend.check()
    except BackendError as exc:
        raise ConfigError(str(exc)) from exc
    return backend
