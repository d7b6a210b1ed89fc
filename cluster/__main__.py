"""``python -m cluster up|down|status|build``: the local OpenSearch cluster from the command line.

Settings come from the environment (CLUSTER_PORT=9200, CLUSTER_DIR=var/cluster, CLUSTER_NODES=3,
CLUSTER_HEAP=512m, CLUSTER_TIMEOUT=180) or the matching options. ``up`` prints one HTTP URL per node
on stdout and returns once the cluster is green; the nodes keep running detached. Diagnostics go to
stderr through logging.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import sys
from pathlib import Path

from cluster import control

log = logging.getLogger("cluster")

#: Exit status of ``status`` when the cluster is not (fully) running, as in LSB init scripts.
NOT_RUNNING = 3


def env_int(name: str, default: int) -> int:
    """An integer from the environment, with a clear error instead of a traceback."""
    value = os.environ.get(name, str(default))
    try:
        return int(value)
    except ValueError:
        raise SystemExit(f"{name}={value!r} is not an integer") from None


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line; every option defaults to its CLUSTER_* environment variable."""
    parser = argparse.ArgumentParser(
        prog="python -m cluster",
        description="Local multi-node OpenSearch cluster (2.19, embedded nodes built from Maven Central). "
        "Node i serves HTTP on PORT+i and transport on PORT+100+i, on 127.0.0.1 only.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    parser.add_argument(
        "--dir",
        type=Path,
        default=Path(os.environ.get("CLUSTER_DIR", "var/cluster")),
        help="cluster directory: pid files, node data and logs (env CLUSTER_DIR, default var/cluster)",
    )
    # --dir also after the command (`up --dir X`); given there, it wins over the one before.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--dir", type=Path, default=argparse.SUPPRESS, help="cluster directory (env CLUSTER_DIR, default var/cluster)"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    up = sub.add_parser(
        "up", parents=[common], help="start the cluster (if not running) and wait for green; print node URLs"
    )
    up.add_argument(
        "--port",
        type=int,
        default=env_int("CLUSTER_PORT", 9200),
        help="HTTP port of node 0 (env CLUSTER_PORT, default 9200)",
    )
    up.add_argument(
        "--nodes", type=int, default=env_int("CLUSTER_NODES", 3), help="number of nodes (env CLUSTER_NODES, default 3)"
    )
    up.add_argument(
        "--heap",
        default=os.environ.get("CLUSTER_HEAP", "512m"),
        help="JVM heap per node (env CLUSTER_HEAP, default 512m)",
    )
    up.add_argument(
        "--timeout",
        type=float,
        default=float(os.environ.get("CLUSTER_TIMEOUT", control.DEFAULT_TIMEOUT)),
        help="seconds to wait for green (env CLUSTER_TIMEOUT, default 180)",
    )
    down = sub.add_parser(
        "down", parents=[common], help="stop the cluster's nodes (SIGTERM, then SIGKILL); data is kept"
    )
    down.add_argument("--wipe", action="store_true", help="also delete the cluster directory (data and logs)")
    status = sub.add_parser(
        "status", parents=[common], help="node pids, URLs and cluster health; exit 3 if not fully running"
    )
    status.add_argument("--json", action="store_true", help="print the status as JSON")
    sub.add_parser("build", parents=[common], help="build the node launcher with Maven if its sources changed")
    return parser.parse_args(argv)


def cmd_up(args: argparse.Namespace) -> int:
    """Starts the cluster, or reports the one already running there (and restarts missing nodes)."""
    cluster_dir = args.dir.resolve()
    if control.running_pids(cluster_dir):
        cluster = control.Cluster.attach(cluster_dir)
        missing = [i for i in range(cluster.nodes) if cluster.pid(i) is None]
        if missing:
            log.info("cluster in %s runs without nodes %s: starting them", cluster_dir, missing)
            control.build_launcher()
            cluster.start_nodes(missing, args.timeout)
        else:
            log.info("cluster already running in %s", cluster_dir)
    else:
        cluster = control.start(cluster_dir, args.port, args.nodes, args.heap, args.timeout)
    print("\n".join(cluster.urls), flush=True)
    return 0


def cmd_down(args: argparse.Namespace) -> int:
    """Stops whatever runs in the cluster directory; fine if nothing does."""
    cluster_dir = args.dir.resolve()
    pids = control.stop(cluster_dir)
    if pids:
        log.info("stopped %d node(s) in %s", len(pids), cluster_dir)
    else:
        log.info("nothing running in %s", cluster_dir)
    if args.wipe and cluster_dir.exists():
        shutil.rmtree(cluster_dir)
        log.info("removed %s", cluster_dir)
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    """Prints the status; exit 0 only when every node runs."""
    info = control.status(args.dir)
    if args.json:
        print(json.dumps(info, indent=2))
    elif not info["nodes"]:
        print(f"no cluster in {info['cluster_dir']}")
    else:
        for node in info["nodes"]:
            state = f"pid {node['pid']}" if node["running"] else "down"
            print(f"{node['node']}\t{state}\t{node['url']}")
        health = info["health"]
        print("health\t" + (f"{health['status']} ({health['number_of_nodes']} nodes)" if health else "no answer"))
    return 0 if info["running"] else NOT_RUNNING


def cmd_build(args: argparse.Namespace) -> int:
    """Builds the launcher (a no-op when it is up to date)."""
    stale = control.launcher_is_stale()
    control.build_launcher()
    log.info("launcher %s: %s", "built" if stale else "up to date", control.TARGET_DIR)
    return 0


COMMANDS = {"up": cmd_up, "down": cmd_down, "status": cmd_status, "build": cmd_build}


def main(argv: list[str] | None = None) -> int:
    """Entry point; ClusterError becomes a one-paragraph message and exit status 1."""
    args = parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO, format="cluster: %(message)s")
    try:
        return COMMANDS[args.command](args)
    except control.ClusterError as exc:
        log.error("%s", exc)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
