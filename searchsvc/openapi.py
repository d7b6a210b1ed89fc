"""The OpenAPI 3 document, generated from the marshmallow schemas (apispec)."""

from __future__ import annotations

from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from searchsvc import schemas

_ERRORS = {
    "400": {
        "description": "Invalid parameter; `error.fields` names each field and its problem.",
        "content": {"application/json": {"schema": "Error"}},
    },
    "503": {
        "description": "The index is missing or damaged; `/api/health` says why. Retry later.",
        "content": {"application/json": {"schema": "Error"}},
    },
}
_SEARCH_DESCRIPTION = (
    "Limits: q ≤ 500 characters and ≤ 32 words; per_page ≤ 100; page × per_page ≤ 1000; prefixes need 2 letters "
    "and expand to ≤ 64 terms per field (≤ 512 for the whole query); no fuzzy matching. Over a limit: 400 with "
    "`error.fields`. Each query has a time budget (SEARCH_TIME_BUDGET, default 2 s): past it the answer is what "
    "was found so far, with `partial: true` (then `total` and the facets are lower bounds)."
)


def build_spec(version: str) -> dict[str, Any]:
    spec = APISpec(
        title="Kazakh/Russian news search",
        version=version,
        openapi_version="3.0.3",
        info={
            "description": "Full-text search over Kazakh and Russian news, with stemming for both languages, folded spellings, language and month facets."
        },
        plugins=[MarshmallowPlugin()],
    )
    for name, schema in [
        ("SearchResponse", schemas.SearchResponse),
        ("Document", schemas.DocumentSchema),
        ("Health", schemas.HealthSchema),
        ("Error", schemas.ErrorSchema),
        ("Suggestions", schemas.SuggestResponse),
        ("Related", schemas.RelatedSchema),
    ]:
        spec.components.schema(name, schema=schema)
    not_found = {"description": "Not found", "content": {"application/json": {"schema": "Error"}}}
    spec.path(
        path="/api/search",
        operations={
            "get": {
                "summary": "Search articles",
                "description": _SEARCH_DESCRIPTION,
                "parameters": [{"in": "query", "schema": schemas.SearchArgs}],
                "responses": {
                    "200": {
                        "description": "Ranked hits with snippets and facets",
                        "content": {"application/json": {"schema": "SearchResponse"}},
                    },
                    **_ERRORS,
                },
            }
        },
    )
    spec.path(
        path="/api/documents/{doc_id}",
        operations={
            "get": {
                "summary": "One article, full text",
                "parameters": [
                    {
                        "in": "path",
                        "name": "doc_id",
                        "required": True,
                        "schema": {"type": "string", "pattern": "^[A-Za-z0-9_][A-Za-z0-9_.-]{0,199}$"},
                    }
                ],
                "responses": {
                    "200": {"description": "The article", "content": {"application/json": {"schema": "Document"}}},
                    "404": not_found,
                    **_ERRORS,
                },
            }
        },
    )
    spec.path(
        path="/api/documents/{doc_id}/related",
        operations={
            "get": {
                "summary": "The same story in the other language",
                "description": "Articles in the other language within a few days that share the document's names and numbers, best first; empty when none is close enough.",
                "parameters": [
                    {
                        "in": "path",
                        "name": "doc_id",
                        "required": True,
                        "schema": {"type": "string", "pattern": "^[A-Za-z0-9_][A-Za-z0-9_.-]{0,199}$"},
                    }
                ],
                "responses": {
                    "200": {
                        "description": "Related articles",
                        "content": {"application/json": {"schema": {"type": "array", "items": "Related"}}},
                    },
                    "404": not_found,
                },
            }
        },
    )
    spec.path(
        path="/api/suggest",
        operations={
            "get": {
                "summary": "As-you-type completions",
                "parameters": [{"in": "query", "schema": schemas.SuggestArgs}],
                "responses": {
                    "200": {"description": "Completions", "content": {"application/json": {"schema": "Suggestions"}}},
                    **_ERRORS,
                },
            }
        },
    )
    spec.path(
        path="/api/health",
        operations={
            "get": {
                "summary": "Index status",
                "responses": {
                    "200": {
                        "description": "Serving: `status` is ok, or degraded with a `reason` "
                        "(e.g. the newest generation is damaged and an older one is served)",
                        "content": {"application/json": {"schema": "Health"}},
                    },
                    "503": {
                        "description": "Nothing can be served (no index, or it is damaged): "
                        "`status` degraded, `reason` says why",
                        "content": {"application/json": {"schema": "Health"}},
                    },
                },
            }
        },
    )
    return spec.to_dict()
