"""The local OpenSearch cluster for real: 3 JVMs on loopback, green, the whitespace analyzer,
a SIGKILLed node (cluster keeps answering, node rejoins) and a stop from the pid files alone.

The tests of this module run in order on one cluster of their own (they kill nodes, so they
do not use the shared session fixture).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from cluster import Cluster, ClusterError, control
from cluster.__main__ import NOT_RUNNING
from tests.opensearch_fixtures import require_java_and_maven, start_test_cluster

ROOT = Path(__file__).resolve().parents[2]
INDEX = "launcher-test"
DOCS = {
    "1": "Қазақстан достығы",
    "2": "Дружба народов Казахстана",
    "3": "Астана жаңалықтары",
    "4": "Новости Алматы",
}


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    started = time.monotonic()
    cluster = start_test_cluster(tmp_path_factory, "launcher")
    print(f"3-node cluster green after {time.monotonic() - started:.1f}s")
    try:
        yield cluster
    finally:
        cluster.stop()


def retry(what, timeout: float = 60.0):
    """Calls ``what`` until it returns without an exception (a cluster re-electing answers 503)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return what()
        except Exception:
            if time.monotonic() >= deadline:
                raise
            time.sleep(0.5)


def test_green_with_three_nodes_on_loopback(cluster: Cluster) -> None:
    for url in cluster.urls:
        health = control.http_json(f"{url}/_cluster/health")
        assert health["status"] == "green"
        assert health["number_of_nodes"] == 3
    nodes = cluster.request("GET", "/_nodes/http,transport")["nodes"].values()
    assert sorted(n["name"] for n in nodes) == ["node-0", "node-1", "node-2"]
    for node in nodes:
        assert node["http"]["publish_address"].startswith("127.0.0.1:")
        assert node["transport"]["publish_address"].startswith("127.0.0.1:")


def test_whitespace_analyzer_keeps_cyrillic_tokens_unchanged(cluster: Cluster) -> None:
    body = {
        "settings": {
            "number_of_shards": 3,
            "number_of_replicas": 1,
            "analysis": {"analyzer": {"ws": {"type": "custom", "tokenizer": "whitespace"}}},
        },
        "mappings": {"properties": {"text": {"type": "text", "analyzer": "ws"}}},
    }
    assert cluster.request("PUT", f"/{INDEX}", body)["acknowledged"]
    result = cluster.request("POST", f"/{INDEX}/_analyze", {"analyzer": "ws", "text": "Қазақстан достығы"})
    assert [t["token"] for t in result["tokens"]] == ["Қазақстан", "достығы"]
    for doc_id, text in DOCS.items():
        cluster.request("PUT", f"/{INDEX}/_doc/{doc_id}?refresh=true", {"text": text})
    hits = cluster.request("POST", f"/{INDEX}/_search", {"query": {"match": {"text": "Қазақстан"}}})
    assert [h["_id"] for h in hits["hits"]["hits"]] == ["1"]
    # No lowercasing: the lower-case form is a different term.
    hits = cluster.request("POST", f"/{INDEX}/_search", {"query": {"match": {"text": "қазақстан"}}})
    assert hits["hits"]["total"]["value"] == 0
    cluster.wait_green(timeout=60)


def test_cluster_survives_sigkill_of_the_manager_and_node_rejoins(cluster: Cluster) -> None:
    manager = cluster.request("GET", "/_cat/cluster_manager?format=json")[0]["node"]
    victim = int(manager.removeprefix("node-"))
    cluster.kill_node(victim)
    assert cluster.pid(victim) is None
    survivor = cluster.urls[(victim + 1) % 3]

    def all_docs_from_survivor() -> int:
        health = control.http_json(f"{survivor}/_cluster/health")
        assert health["number_of_nodes"] == 2
        result = control.http_json(f"{survivor}/{INDEX}/_search", "POST", {"query": {"match_all": {}}})
        assert result["_shards"]["failed"] == 0
        return result["hits"]["total"]["value"]

    assert retry(all_docs_from_survivor) == len(DOCS)

    started = time.monotonic()
    cluster.start_node(victim)
    print(f"node-{victim} rejoined, cluster green after {time.monotonic() - started:.1f}s")
    health = control.http_json(f"{cluster.urls[victim]}/_cluster/health")
    assert (health["status"], health["number_of_nodes"]) == ("green", 3)
    count = cluster.request("GET", f"/{INDEX}/_count", node=victim)["count"]
    assert count == len(DOCS)


def test_status_and_down_from_another_process_leave_no_nodes(cluster: Cluster) -> None:
    pids = [cluster.pid(i) for i in range(3)]
    assert all(pids)
    cli = [sys.executable, "-m", "cluster", "--dir", str(cluster.cluster_dir)]
    status = subprocess.run([*cli, "status"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert status.returncode == 0, status.stderr
    assert "health\tgreen (3 nodes)" in status.stdout
    up = subprocess.run([*cli, "up"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert up.returncode == 0 and up.stdout.split() == cluster.urls, up.stderr
    assert "already running" in up.stderr

    down = subprocess.run([*cli, "down"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert down.returncode == 0, down.stderr
    assert not [pid for pid in pids if control.pid_alive(pid)]
    assert control.running_pids(cluster.cluster_dir) == []
    assert not list(cluster.cluster_dir.glob("node-*.pid"))
    assert "node stopped" in control.node_log(cluster.cluster_dir, 0).read_text()
    status = subprocess.run([*cli, "status"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert status.returncode == NOT_RUNNING


def test_heap_sizes_and_port_layout() -> None:
    assert [control.heap_megabytes(h) for h in ("512m", "1g", "2G", "262144k")] == [512, 1024, 2048, 256]
    settings = control.node_settings(Path("/c"), 1, 9200, 3, "kazru-local")
    assert (settings["http.port"], settings["transport.port"]) == ("9201", "9301")
    assert settings["discovery.seed_hosts"] == "127.0.0.1:9300,127.0.0.1:9301,127.0.0.1:9302"
    assert settings["cluster.initial_cluster_manager_nodes"] == "node-0,node-1,node-2"


def test_start_fails_clearly_and_leaves_nothing_running_when_a_port_is_taken(tmp_path: Path) -> None:
    require_java_and_maven()
    base = control.free_base_port(3)
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", control.transport_port(base, 1)))
        blocker.listen()
        with pytest.raises(ClusterError, match=f"port {control.transport_port(base, 1)} .* in use"):
            control.start(tmp_path / "c", port=base, nodes=3, owner_pid=os.getpid())
    assert control.running_pids(tmp_path / "c") == []
    assert not list((tmp_path / "c").glob("node-*.pid"))
