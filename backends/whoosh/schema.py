"""The index schema: what is stored, what is searched, and how.

Each language has its own title and body fields with its own analyzer; the
``fold`` field holds letter-folded stems from both languages for queries typed
on a Russian keyboard, in Latin letters, or with the other language's
spelling of a name. Query-time boosts decide how much each field counts, so
they can be tuned without reindexing.
"""

from __future__ import annotations

from whoosh.fields import ID, STORED, TEXT, Schema

from analyzers.chains import folded_analyzer, language_analyzer
from backends.base import FOLD_FIELD, TEXT_LANGS, Document, stored_fields, text_fields_for

__all__ = ["SCHEMA_VERSION", "build_schema", "document_fields"]

SCHEMA_VERSION = 1


def build_schema() -> Schema:
    """A fresh schema instance (Whoosh pickles it into the index)."""
    fields: dict[str, object] = {
        "id": ID(stored=True, unique=True, sortable=True),
        "hash": ID(stored=True, sortable=True),
        "lang": ID(stored=True, sortable=True),
        "date": ID(stored=True, sortable=True),
        "path": STORED(),
        "title": STORED(),
        "body": STORED(),
        FOLD_FIELD: TEXT(analyzer=folded_analyzer(), phrase=False),
    }
    for lang in TEXT_LANGS:
        analyzer = language_analyzer(lang)
        fields[f"title_{lang}"] = TEXT(analyzer=analyzer, phrase=True)
        fields[f"body_{lang}"] = TEXT(analyzer=analyzer, phrase=True)
    return Schema(**fields)


def document_fields(doc: Document) -> dict[str, str]:
    """The Whoosh document for an article: stored data plus its language's fields."""
    title_field, body_field = text_fields_for(doc.lang)
    return {
        **stored_fields(doc),
        title_field: doc.title,
        body_field: doc.body,
        FOLD_FIELD: f"{doc.title}\n{doc.body}",
    }
