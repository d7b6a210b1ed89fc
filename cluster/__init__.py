"""A local multi-node OpenSearch cluster for development and tests (see cluster/README.md).

``python -m cluster up|down|status|build``; from Python ``cluster.start(dir)`` returns a
:class:`Cluster` once it is green. Standard library only.
"""

from cluster.control import (
    Cluster,
    ClusterError,
    build_launcher,
    free_base_port,
    http_json,
    running_pids,
    start,
    status,
    stop,
)

__all__ = [
    "Cluster",
    "ClusterError",
    "build_launcher",
    "free_base_port",
    "http_json",
    "running_pids",
    "start",
    "status",
    "stop",
]
