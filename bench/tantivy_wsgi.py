"""WSGI entry for the tantivy baseline server: ``gunicorn bench.tantivy_wsgi:app`` (needs TANTIVY_INDEX)."""

from bench.tantivy_baseline import create_app

app = create_app()
