"""WSGI entry for the FTS5 baseline server: ``gunicorn bench.fts5_wsgi:app`` (needs FTS5_DB)."""

from bench.fts5 import create_app

app = create_app()
