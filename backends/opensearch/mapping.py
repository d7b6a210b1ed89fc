"""The concrete index's settings and mapping, and the version check on it.

Analysis is ours: documents arrive with their index terms already produced by
``analyzers`` and joined by single spaces, so every token field uses an
analyzer made of the ``whitespace`` tokenizer alone (no lowercasing, no
stemming). Positions are kept on the title/body fields so ``match_phrase`` of
space-joined query terms matches exactly the positions our chains produce;
``fold`` holds two stems per word and is never phrase-searched, so it keeps
frequencies only. BM25 parameters are index settings (similarities), recorded
in ``_meta`` next to ``analyzers.ANALYZER_VERSION``.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from typing import Any

from analyzers import ANALYZER_VERSION
from backends.base import FOLD_FIELD, TEXT_LANGS, BM25Params, IncompatibleIndex

log = logging.getLogger(__name__)

#: Bumped when the mapping below changes in a way readers depend on.
MAPPING_VERSION = 1
TERMS_ANALYZER = "kazru_terms"
#: Longest single term the whitespace tokenizer keeps whole. Lucene refuses terms
#: over 32766 UTF-8 bytes (a whole bulk item fails); 5000 characters stay under it
#: even at 4 bytes a character. Our tokens are runs of letters and digits, so only
#: junk is ever this long.
MAX_TERM_CHARS = 5000
TITLE_FIELDS = tuple(f"title_{lang}" for lang in TEXT_LANGS)
BODY_FIELDS = tuple(f"body_{lang}" for lang in TEXT_LANGS)
#: Frozen, so one shared default is safe.
DEFAULT_BM25 = BM25Params()
TOKEN_FIELDS = TITLE_FIELDS + BODY_FIELDS + (FOLD_FIELD,)
#: What ``_source`` keeps and what readers ask for back.
SOURCE_FIELDS = ("id", "hash", "lang", "date", "path", "title", "body")


def index_body(bm25: BM25Params, shards: int, replicas: int, *, loading: bool) -> dict[str, Any]:
    """Settings + mappings for a new concrete index.

    ``loading``: a fresh build creates the index with no refreshes and no
    replicas (cheaper bulk load); they are set to their serving values before
    the alias moves.
    """
    text_token = {"type": "text", "analyzer": TERMS_ANALYZER, "norms": True}
    properties: dict[str, Any] = {
        "id": {"type": "keyword"},
        "hash": {"type": "keyword", "index": False, "doc_values": True},
        "lang": {"type": "keyword"},
        "date": {"type": "date", "format": "yyyy-MM-dd"},
        "path": {"type": "keyword", "index": False, "doc_values": False},
        # Verbatim text for snippets: in _source only, never analysed by OpenSearch.
        "title": {"type": "text", "index": False},
        "body": {"type": "text", "index": False},
        FOLD_FIELD: {**text_token, "index_options": "freqs", "similarity": "kazru_body"},
    }
    for name in TITLE_FIELDS:
        properties[name] = {**text_token, "index_options": "positions", "similarity": "kazru_title"}
    for name in BODY_FIELDS:
        properties[name] = {**text_token, "index_options": "positions", "similarity": "kazru_body"}
    return {
        "settings": {
            "index": {
                "number_of_shards": shards,
                "number_of_replicas": 0 if loading else replicas,
                "refresh_interval": "-1" if loading else "1s",
                "similarity": {
                    "kazru_body": {"type": "BM25", "k1": bm25.k1, "b": bm25.b},
                    "kazru_title": {"type": "BM25", "k1": bm25.k1, "b": bm25.title_b},
                },
                "analysis": {
                    "tokenizer": {"kazru_ws": {"type": "whitespace", "max_token_length": MAX_TERM_CHARS}},
                    "analyzer": {TERMS_ANALYZER: {"type": "custom", "tokenizer": "kazru_ws", "filter": []}},
                },
            }
        },
        "mappings": {
            "dynamic": "strict",
            "_meta": meta(bm25, serial=0),
            # The token fields stay in _source (readers ask for SOURCE_FIELDS only). Measured
            # on the bench corpus (2,011 docs, after a force-merge): 37.0 MiB kept vs 45.1 MiB
            # with "excludes" - filtering _source makes OpenSearch store a full _recovery_source
            # copy besides it, for as long as its retention leases last.
            "properties": properties,
        },
    }


def meta(bm25: BM25Params, serial: int, updated: str | None = None) -> dict[str, Any]:
    """The ``_meta`` block: versions readers check, BM25 as built, the update serial and time.

    ``serial`` grows with every incremental transaction, so a reader's key
    changes even when an update replaces documents without changing the count;
    ``updated`` (ISO 8601 UTC) is when the index was last published or updated.
    """
    return {
        "analyzer_version": ANALYZER_VERSION,
        "mapping_version": MAPPING_VERSION,
        "bm25": {"k1": bm25.k1, "b": bm25.b, "title_b": bm25.title_b},
        "serial": serial,
        "updated": updated,
    }


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def check_meta(index: str, meta_block: Mapping[str, Any] | None, bm25: BM25Params | None = None) -> None:
    """Refuse an index written by other analyzers or another mapping: queries would not match it."""
    got = dict(meta_block or {})
    version = got.get("analyzer_version")
    if version != ANALYZER_VERSION or got.get("mapping_version") != MAPPING_VERSION:
        raise IncompatibleIndex(
            f"OpenSearch index {index} was built with analyzer version {version!r} "
            f"(mapping {got.get('mapping_version')!r}); this code uses {ANALYZER_VERSION!r} "
            f"(mapping {MAPPING_VERSION}). Rebuild it: python -m indexer build CORPUS_DIR"
        )
    built = got.get("bm25") or {}
    if bm25 is not None and built and built != {"k1": bm25.k1, "b": bm25.b, "title_b": bm25.title_b}:
        # Similarities are fixed when the index is created; scores follow the index.
        log.warning("index %s was built with BM25 %s, configured %s; rebuild to apply", index, built, bm25)
