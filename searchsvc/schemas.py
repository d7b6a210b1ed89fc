"""Request and response schemas (marshmallow): validation and the OpenAPI doc.

Every limit a client can hit is declared here, so the OpenAPI document and
the 400 errors say the same thing.
"""

from __future__ import annotations

import re
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, pre_load, validate, validates_schema

LANG_VALUES = ("kk", "ru", "other")
MAX_QUERY_CHARS = 500
MAX_QUERY_TERMS = 32
MAX_PER_PAGE = 100
MAX_DEPTH = 1000  # page × per_page: deep pages cost page × per_page to collect
MIN_PREFIX_CHARS = 2  # = searchcore.plan.MIN_PREFIX_CHARS (kept in sync by a test)
MAX_PREFIX_TERMS = 64  # = searchcore.plan.MAX_PREFIX_TERMS
#: A '*' that does not end a word: a lone '*', '-*', 'title:*', '"*', '*abc'.
_BARE_STAR_RE = re.compile(r"""(?:^|\s)[-"]*(?:[A-Za-z]+:)?"?\*""")
_WORD_RE = re.compile(r"[^\W_]+")


def query_terms(q: str) -> int:
    """How many words a query has, counted as the parser splits them (the OR operator aside)."""
    return sum(len(_WORD_RE.findall(chunk)) for chunk in q.split() if chunk != "OR")


class SearchArgs(Schema):
    """Query-string parameters of ``GET /api/search``."""

    class Meta:
        unknown = EXCLUDE

    q = fields.String(
        required=True,
        validate=validate.Length(min=1, max=MAX_QUERY_CHARS),
        metadata={
            "description": (
                "The query. Plain words (all word forms of either language match, ranked OR "
                'with a bonus for documents matching more words), "exact phrase", -exclude, '
                'a OR b, prefix* (at least 2 letters before *), title:word or title:"phrase". '
                "Question words (қашан, қанша, сколько, почему…) are ignored unless nothing else is left. "
                "Anything else (other operators, stray quotes, unknown field:) is searched as plain words. "
                "Kazakh may be typed on a Russian keyboard (казакстан finds қазақстан, ranked below exact "
                "spellings), in the 2021 Latin alphabet (Qazaqstan, Mäskeu) or informal Latin (dostyk, "
                "zhastar); a name in its Russian spelling finds the Kazakh one and back (Токаев, Тоқаев). "
                f"At most {MAX_QUERY_CHARS} characters and {MAX_QUERY_TERMS} words (runs of letters and digits; "
                "`OR` aside). `*` only ends a word: a lone `*` or a leading `*abc` is a 400; a prefix with "
                f"fewer than {MIN_PREFIX_CHARS} letters (`a*`) is searched as the plain word; a prefix expands to "
                f"at most {MAX_PREFIX_TERMS} index terms per field. No fuzzy matching."
            )
        },
    )
    lang = fields.List(
        # "" is in the enum because an empty value (a blank form field) is dropped, not an error.
        fields.String(validate=validate.OneOf((*LANG_VALUES, ""))),
        load_default=list,
        metadata={
            "description": "Languages to keep: repeat the parameter or give a comma list (kk, ru, other); "
            "empty values are ignored."
        },
    )
    date_from = fields.Date(load_default=None, metadata={"description": "Earliest date, YYYY-MM-DD, inclusive."})
    date_to = fields.Date(load_default=None, metadata={"description": "Latest date, YYYY-MM-DD, inclusive."})
    sort = fields.String(
        load_default="relevance",
        validate=validate.OneOf(("relevance", "date")),
        metadata={"description": "relevance (default) or date (newest first)."},
    )
    page = fields.Integer(
        load_default=1,
        validate=validate.Range(min=1, max=MAX_DEPTH),
        metadata={"description": f"Page, from 1; page × per_page ≤ {MAX_DEPTH} (the maximum result depth)."},
    )
    per_page = fields.Integer(
        load_default=10,
        validate=validate.Range(min=1, max=MAX_PER_PAGE),
        metadata={"description": f"Hits per page, 1–{MAX_PER_PAGE}; page × per_page ≤ {MAX_DEPTH}."},
    )

    @pre_load
    def _split_lang(self, data: Any, **_: Any) -> Any:
        raw = data.get("lang")
        if raw is None:
            return data
        items = raw if isinstance(raw, list) else [raw]
        data = dict(data)
        data["lang"] = [p.strip() for item in items for p in str(item).split(",") if p.strip()]
        return data

    @validates_schema
    def _check(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("q") is not None and not data["q"].strip():
            raise ValidationError("Must not be blank.", "q")
        if query_terms(data.get("q", "")) > MAX_QUERY_TERMS:
            raise ValidationError(f"At most {MAX_QUERY_TERMS} words.", "q")
        if _BARE_STAR_RE.search(data.get("q", "")):
            raise ValidationError(f"'*' must end a word of at least {MIN_PREFIX_CHARS} letters (prefix*).", "q")
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise ValidationError("date_from is after date_to.", "date_from")
        if data.get("page", 1) * data.get("per_page", 10) > MAX_DEPTH:
            raise ValidationError(f"page × per_page must be at most {MAX_DEPTH}.", "page")


class FacetValue(Schema):
    value = fields.String(required=True)
    count = fields.Integer(required=True)


class Facets(Schema):
    lang = fields.List(
        fields.Nested(FacetValue),
        required=True,
        metadata={"description": "Counts per language, with the date filter applied."},
    )
    date = fields.List(
        fields.Nested(FacetValue),
        required=True,
        metadata={"description": "Counts per month (YYYY-MM), with the language filter applied."},
    )


class HitSchema(Schema):
    id = fields.String(required=True)
    title = fields.String(required=True, metadata={"description": "Plain text."})
    title_html = fields.String(required=True, metadata={"description": "Escaped HTML; only <mark> tags added."})
    date = fields.String(required=True)
    lang = fields.String(required=True)
    score = fields.Float(required=True)
    snippet = fields.String(required=True, metadata={"description": "Escaped HTML; only <mark> tags added."})


class SearchResponse(Schema):
    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    took_ms = fields.Float(required=True)
    partial = fields.Boolean(required=True, metadata={"description": "True when the time budget cut the search short."})
    hits = fields.List(fields.Nested(HitSchema), required=True)
    facets = fields.Nested(Facets, required=True)
    suggestion = fields.String(
        required=True,
        allow_none=True,
        metadata={
            "description": (
                "Did you mean: the whole query with misspelt words corrected from the index's own "
                "vocabulary (plain text, not HTML), offered only when the query matched fewer than "
                "3 documents and the corrected one matches more; otherwise null."
            )
        },
    )


class DocumentSchema(Schema):
    id = fields.String(required=True)
    title = fields.String(required=True)
    body = fields.String(required=True)
    date = fields.String(required=True)
    lang = fields.String(required=True)


class HealthSchema(Schema):
    status = fields.String(required=True, metadata={"description": "ok, or degraded with a reason."})
    backend = fields.String(metadata={"description": "The engine serving searches: whoosh or opensearch."})
    documents = fields.Integer(required=True)
    generation = fields.String(
        allow_none=True, metadata={"description": "The served Whoosh generation, or the concrete OpenSearch index."}
    )
    last_update = fields.String(
        allow_none=True, metadata={"description": "When the served index was committed (UTC, ISO 8601)."}
    )
    reason = fields.String(allow_none=True)


class ErrorBody(Schema):
    status = fields.Integer(required=True)
    message = fields.String(required=True)
    fields_ = fields.Dict(data_key="fields", keys=fields.String(), values=fields.List(fields.String()))


class ErrorSchema(Schema):
    error = fields.Nested(ErrorBody, required=True)


MAX_SUGGEST_CHARS = 100
MAX_SUGGESTIONS = 20


class SuggestArgs(Schema):
    """Query-string parameters of ``GET /api/suggest``."""

    class Meta:
        unknown = EXCLUDE

    q = fields.String(
        required=True,
        validate=validate.Length(min=1, max=MAX_SUGGEST_CHARS),
        metadata={
            "description": f"What has been typed so far (1–{MAX_SUGGEST_CHARS} characters); its last word is completed."
        },
    )
    limit = fields.Integer(
        load_default=8,
        validate=validate.Range(min=1, max=MAX_SUGGESTIONS),
        metadata={"description": f"At most this many completions, 1–{MAX_SUGGESTIONS}."},
    )


class SuggestResponse(Schema):
    q = fields.String(required=True)
    suggestions = fields.List(
        fields.String(),
        required=True,
        metadata={
            "description": "Whole queries: q with its last word completed from the indexed titles, most frequent first."
        },
    )


class RelatedSchema(Schema):
    id = fields.String(required=True)
    title = fields.String(required=True)
    date = fields.String(required=True)
    lang = fields.String(required=True)
    score = fields.Float(
        required=True,
        metadata={"description": "Similarity in [0, 1] (shared names and numbers, title words, days apart)."},
    )
