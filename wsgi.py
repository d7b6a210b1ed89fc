"""WSGI entry point: ``gunicorn wsgi:app`` (needs SEARCH_INDEX_DIR)."""

from searchsvc import create_app

app = create_app()
