"""Fixtures for the engine tests: a real OpenSearch cluster and the sample articles.

The cluster is the session fixture ``opensearch_cluster`` (tests/opensearch_fixtures.py).
For quick local iterations, ``KAZRU_TEST_OPENSEARCH_URL=http://127.0.0.1:9400`` points the
tests at an already running cluster instead (``python -m cluster up``).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from backends.opensearch import OpenSearchSettings
from indexer.corpus import Article, list_corpus, read_article
from tests.opensearch_fixtures import opensearch_cluster  # noqa: F401  (the session fixture)

SAMPLE = Path(__file__).resolve().parent.parent.parent / "data" / "sample"


@pytest.fixture(scope="session")
def opensearch_urls(request: pytest.FixtureRequest) -> tuple[str, ...]:
    """Node URLs of the test cluster (all of them, so a client can route around a dead node)."""
    override = os.environ.get("KAZRU_TEST_OPENSEARCH_URL")
    if override:
        return tuple(u.strip() for u in override.split(",") if u.strip())
    cluster = request.getfixturevalue("opensearch_cluster")
    return tuple(cluster.urls)


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
