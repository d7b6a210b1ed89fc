"""A node SIGKILLed under a serving index: answers stay exact or become IndexUnavailable, never short.

Slow (its own 3-node cluster, since the session cluster must not lose nodes): ``pytest -m slow``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from backends.base import Filters, IndexUnavailable, Query, SearchSpec
from backends.opensearch import OpenSearchBackend, OpenSearchStore
from cluster import Cluster
from indexer.corpus import Article
from tests.backends.conftest import settings_for
from tests.opensearch_fixtures import start_test_cluster

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def own_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    cluster = start_test_cluster(tmp_path_factory, "os-faults", nodes=3)
    try:
        yield cluster
    finally:
        cluster.stop()


def test_killed_node_is_routed_around(own_cluster: Cluster, sample_articles: list[Article]) -> None:
    settings = settings_for(tuple(own_cluster.urls), "t_faults")
    store = OpenSearchStore(settings, shards=3, replicas=1)
    with store.lock(), store.transaction(fresh=True) as batch:
        for doc in sample_articles:
            batch.add(doc, replaces=False)
    backend = OpenSearchBackend(settings)
    everything = SearchSpec(query=Query(clauses=()), limit=5)
    with backend.reader() as reader:
        expected = reader.search(everything).total
    assert expected == len(sample_articles)

    own_cluster.kill_node(0)  # the first URL the client knows, and maybe the cluster manager
    exact = unavailable = 0
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and exact < 20:
        try:
            with backend.reader() as reader:
                found = reader.search(everything)
                assert found.total == expected, "a partial answer was presented as real"
                assert reader.count(Query(clauses=()), Filters()) == expected
                assert len(list(reader.scan())) == expected
            exact += 1
        except IndexUnavailable:
            unavailable += 1
            time.sleep(0.5)
    assert exact >= 20, f"no steady service after the kill ({unavailable} unavailable answers)"
    health = backend.health()
    assert health.serving and health.documents == expected

    own_cluster.start_node(0)
    own_cluster.wait_green()
    assert backend.health().reason is None
