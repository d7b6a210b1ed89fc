"""Fixtures for the engine tests: a real OpenSearch cluster and the sample articles.

The cluster and ``opensearch_urls`` come from tests/conftest.py (one cluster per session).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from backends.opensearch import OpenSearchSettings
from indexer.corpus import Article, list_corpus, read_article

SAMPLE = Path(__file__).resolve().parent.parent.parent / "data" / "sample"


@pytest.fixture
def fresh_alias() -> str:
    """An alias name no other test uses (the cluster is shared by the session)."""
    return f"t_{secrets.token_hex(4)}"


def settings_for(urls: tuple[str, ...], alias: str, **kwargs: object) -> OpenSearchSettings:
    return OpenSearchSettings(urls=urls, index=alias, timeout=60.0, **kwargs)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def sample_articles() -> list[Article]:
    """The 257 articles of data/sample, parsed by the indexer's own reader."""
    return [read_article(path) for _, path in sorted(list_corpus(SAMPLE).items())]


def drop_alias_family(settings: OpenSearchSettings) -> None:
    """Delete a test's alias, its concrete indices and its lock index."""
    from opensearchpy import OpenSearch

    client = OpenSearch(hosts=list(settings.urls))
    try:
        for pattern in (f"{settings.index}-*", f"{settings.index}_writer_lock"):
            client.indices.delete(index=pattern, params={"ignore_unavailable": "true", "expand_wildcards": "all"})
    finally:
        client.close()


@pytest.fixture
def cleanup() -> Iterator[list[OpenSearchSettings]]:
    """Append settings to drop their indices after the test."""
    created: list[OpenSearchSettings] = []
    yield created
    for s in created:
        drop_alias_family(s)
