"""Session fixture ``opensearch_cluster``: a real local 3-node OpenSearch cluster for the tests.

Register it once in tests/conftest.py with ``pytest_plugins = ["tests.opensearch_fixtures"]``.
The cluster (cluster/README.md) starts on free ports in a tmp dir the first time a test asks for
it (~10-30 s, plus a one-off Maven build on a cold ~/.m2) and is stopped at the end of the session.
Its nodes also stop by themselves if the pytest process dies without cleaning up.

Without Java 17+/Maven the tests that use it are skipped with a message, except in CI (CI=true),
where scripts/ensure-java.sh installs them and a missing JDK is a failure.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest

from cluster import Cluster, ClusterError, control

#: Nodes of the shared session cluster: enough for replicas and a node failure.
SESSION_NODES = 3


def require_java_and_maven() -> None:
    """Skips (fails in CI) when the cluster cannot be built or run on this machine."""
    try:
        control.java_executable()
        if control.launcher_is_stale() and not shutil.which("mvn"):
            raise ClusterError("mvn not found (apt-get install maven, or run scripts/ensure-java.sh)")
    except ClusterError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"OpenSearch cluster tests need Java 17+ and Maven: {exc}")
        pytest.skip(f"OpenSearch cluster not available: {exc}")


#: Heap per test node: 512m trips the parent circuit breaker under the suite's load (measured:
#: 488 of 486 MB on a 32-word query); CI has 24 GiB for the session's and the fault tests' 6 nodes.
TEST_HEAP = "1g"
#: Attempts at a free port block: another process may take a port between the check and the JVM's bind.
START_ATTEMPTS = 3


def start_test_cluster(tmp_path_factory: pytest.TempPathFactory, name: str, nodes: int = SESSION_NODES) -> Cluster:
    """A cluster on a free port block in a fresh tmp dir, owned by this pytest process."""
    require_java_and_maven()
    for attempt in range(1, START_ATTEMPTS + 1):
        try:
            return control.start(
                tmp_path_factory.mktemp(name),
                port=control.free_base_port(nodes),
                nodes=nodes,
                heap=os.environ.get("CLUSTER_HEAP", TEST_HEAP),
                owner_pid=os.getpid(),
            )
        except ClusterError as exc:
            text = str(exc)
            if attempt == START_ATTEMPTS or not ("already in use" in text or "BindException" in text):
                raise
    raise AssertionError("unreachable")


@pytest.fixture(scope="session")
def opensearch_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """A green 3-node cluster shared by the whole session; ``.urls`` / ``.url`` / ``.request(...)``.

    Tests must not kill its nodes (tests/cluster/test_launcher.py starts its own cluster for that)
    and should use index names of their own, since other tests share it.
    """
    cluster = start_test_cluster(tmp_path_factory, "opensearch")
    try:
        yield cluster
    finally:
        cluster.stop()
