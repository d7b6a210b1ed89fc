"""Documents to OpenSearch ``_source`` and back.

The terms come from the same ``analyzers`` chains the Whoosh side indexes
with, in index mode, joined by single spaces: the whitespace analyzer in the
mapping then gives every term its own consecutive position, which is exactly
what the chains' positions are (stop words are dropped *and renumbered*, see
``analyzers.chains``), so phrases match the same documents in both engines.
Like the Whoosh schema, a document fills only its language's title/body
fields ("other" goes to the Russian ones) plus ``fold`` (title + body).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from whoosh.analysis import Analyzer

from analyzers.chains import folded_analyzer, language_analyzer
from backends.base import FOLD_FIELD, Document, StoredDoc, stored_fields, text_fields_for


@cache
def _language(lang: str) -> Analyzer:
    return language_analyzer(lang)


@cache
def _folded() -> Analyzer:
    return folded_analyzer()


def terms(analyzer: Analyzer, text: str) -> str:
    """Index-mode terms of ``text``, space-joined for the whitespace analyzer."""
    return " ".join(t.text for t in analyzer(text))


def source_of(doc: Document) -> dict[str, Any]:
    """The ``_source`` to index for one document: stored fields plus the space-joined token fields."""
    title_field, body_field = text_fields_for(doc.lang)
    analyzer = _language(title_field.rsplit("_", 1)[1])
    return {
        **stored_fields(doc),
        title_field: terms(analyzer, doc.title),
        body_field: terms(analyzer, doc.body),
        FOLD_FIELD: terms(_folded(), f"{doc.title}\n{doc.body}"),
    }


def source_of_fields(fields: tuple[str, str, str, str, str, str, str]) -> dict[str, Any]:
    """:func:`source_of` for a plain tuple (id, hash, lang, date, path, title, body).

    Worker processes get tuples, not the caller's document objects, so the
    pool never has to pickle whatever class the indexer uses.
    """
    return source_of(_Doc(*fields))


class _Doc:
    __slots__ = ("doc_id", "content_hash", "lang", "date", "path", "title", "body")

    def __init__(self, doc_id: str, content_hash: str, lang: str, date: str, path: str, title: str, body: str):
        self.doc_id, self.content_hash, self.lang, self.date = doc_id, content_hash, lang, date
        self.path, self.title, self.body = path, title, body


def fields_of(doc: Document) -> tuple[str, str, str, str, str, str, str]:
    return (doc.doc_id, doc.content_hash, doc.lang, doc.date, doc.path, doc.title, doc.body)


def stored_doc(source: Mapping[str, Any]) -> StoredDoc:
    """A :class:`StoredDoc` from ``_source``: the text exactly as it was given."""
    return StoredDoc(
        id=str(source["id"]),
        title=str(source.get("title", "")),
        body=str(source.get("body", "")),
        date=str(source.get("date", "")),
        lang=str(source.get("lang", "")),
        path=str(source.get("path", "")),
        hash=str(source.get("hash", "")),
    )
