"""Start, watch and stop a local multi-node OpenSearch cluster built from Maven Central jars.

Each node is one JVM running ``kz.kazru.cluster.NodeMain`` (``cluster/launcher``), detached from the
caller so that ``python -m cluster up`` can return while the cluster keeps running. Everything a
later process needs to find the nodes again is on disk in ``cluster_dir``:

- ``cluster.json`` — port, node count, heap and cluster name the cluster was started with;
- ``node-{i}.pid`` — the JVM's pid (checked against /proc cmdline before any signal is sent);
- ``node-{i}/`` — the node's home: ``data/``, ``logs/`` (``console.log`` is the JVM's stdout and
  stderr, ``<cluster name>.log`` OpenSearch's own log), ``config/`` and ``tmp/``.

Ports: node i serves HTTP on ``port + i`` and transport on ``port + 100 + i`` (so the default
9200 gives HTTP 9200-9202 and transport 9300-9302, OpenSearch's usual pair). Only 127.0.0.1 is used.
Standard library only, so that it runs before (and without) the project's virtualenv.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

LAUNCHER_DIR = Path(__file__).resolve().parent / "launcher"
TARGET_DIR = LAUNCHER_DIR / "target"
BUILD_STAMP = TARGET_DIR / ".kazru-built"
MAIN_CLASS = "kz.kazru.cluster.NodeMain"
CLUSTER_NAME = "kazru-local"
TRANSPORT_OFFSET = 100
MIN_JAVA = 17
DEFAULT_TIMEOUT = 180.0
STOP_TIMEOUT = 30.0
HOST = "127.0.0.1"

# No proxy for loopback requests, whatever http_proxy says.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class ClusterError(RuntimeError):
    """The cluster could not be built, started, joined or stopped; the message says why."""


# --------------------------------------------------------------------------- tools and build


def java_executable() -> str:
    """``$JAVA_HOME/bin/java`` if set, else ``java`` from PATH; fails clearly when absent or < 17."""
    java_home = os.environ.get("JAVA_HOME")
    candidate = Path(java_home, "bin", "java") if java_home else None
    java = str(candidate) if candidate and candidate.is_file() else shutil.which("java")
    if not java:
        raise ClusterError(
            f"java not found: install a JDK {MIN_JAVA}+ (Debian: apt-get install openjdk-17-jdk-headless) "
            "or run scripts/ensure-java.sh"
        )
    major = java_major_version(java)
    if major < MIN_JAVA:
        raise ClusterError(f"{java} is Java {major}; OpenSearch 2.19 needs Java {MIN_JAVA}+")
    return java


def java_major_version(java: str) -> int:
    """Major version from ``java -version`` ("17.0.15" -> 17, "1.8.0_x" -> 8)."""
    out = subprocess.run([java, "-version"], capture_output=True, text=True, check=False).stderr
    match = re.search(r'version "(\d+)(?:\.(\d+))?', out)
    if not match:
        raise ClusterError(f"cannot read the Java version from: {out.strip()!r}")
    major = int(match.group(1))
    return int(match.group(2) or 0) if major == 1 else major


def launcher_sources() -> list[Path]:
    """The files whose change requires a rebuild: the pom and everything under src/."""
    return [LAUNCHER_DIR / "pom.xml", *(p for p in (LAUNCHER_DIR / "src").rglob("*") if p.is_file())]


def launcher_is_stale() -> bool:
    """True when no build exists or a source is newer than the last successful build."""
    if not BUILD_STAMP.exists() or not any((TARGET_DIR / "lib").glob("*.jar")):
        return True
    built = BUILD_STAMP.stat().st_mtime
    return any(p.stat().st_mtime > built for p in launcher_sources())


@contextlib.contextmanager
def _build_lock() -> Iterator[None]:
    """Serialises builds, so parallel test processes do not run mvn over the same target/."""
    TARGET_DIR.mkdir(parents=True, exist_ok=True)
    with open(TARGET_DIR / ".build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def build_launcher(force: bool = False) -> None:
    """Runs ``mvn package`` in cluster/launcher, but only when its sources changed since the last build.

    The first build on a cold ~/.m2 downloads ~45 MB of jars from Maven Central (about a minute);
    later ones take a few seconds and are skipped altogether when nothing changed.
    """
    java_executable()
    with _build_lock():
        if not force and not launcher_is_stale():
            return
        mvn = shutil.which("mvn")
        if not mvn:
            raise ClusterError(
                "mvn not found: install Maven 3.6+ (Debian: apt-get install maven) or run scripts/ensure-java.sh"
            )
        log.info("building the OpenSearch node launcher (mvn package in %s)", LAUNCHER_DIR)
        started = time.monotonic()
        proc = subprocess.run(
            [mvn, "-q", "-B", "package", "-Dmaven.test.skip=true"],
            cwd=LAUNCHER_DIR,
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode != 0:
            output = (proc.stdout + proc.stderr).strip().splitlines()
            raise ClusterError("mvn package failed:\n" + "\n".join(output[-40:]))
        BUILD_STAMP.touch()
        log.info("launcher built in %.1fs", time.monotonic() - started)


def classpath() -> str:
    """The launcher's runtime classpath (classes dir + every dependency jar, via a JVM wildcard)."""
    return f"{TARGET_DIR / 'classes'}:{TARGET_DIR / 'lib'}/*"


# --------------------------------------------------------------------------- ports and layout


def http_port(base: int, i: int) -> int:
    """HTTP port of node i."""
    return base + i


def transport_port(base: int, i: int) -> int:
    """Transport (node-to-node) port of node i, 100 above its HTTP port."""
    return base + TRANSPORT_OFFSET + i


def cluster_ports(base: int, nodes: int) -> list[int]:
    """Every port a cluster on ``base`` binds."""
    return [f(base, i) for i in range(nodes) for f in (http_port, transport_port)]


def port_is_free(port: int) -> bool:
    """True if nothing listens on 127.0.0.1:port.

    SO_REUSEADDR as the JVM sets it: connections of a just-killed node in TIME_WAIT do not block
    its restart, while a listening socket still does.
    """
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((HOST, port))
        except OSError:
            return False
        return True


def free_base_port(nodes: int = 3, low: int = 20000, high: int = 60000, tries: int = 200) -> int:
    """A base port whose HTTP and transport ports for ``nodes`` nodes are all free (for tests)."""
    for _ in range(tries):
        base = random.randrange(low, high - TRANSPORT_OFFSET - nodes)
        if all(port_is_free(p) for p in cluster_ports(base, nodes)):
            return base
    raise ClusterError(f"no free port block for {nodes} nodes found in {low}-{high}")


def node_home(cluster_dir: Path, i: int) -> Path:
    """The node's path.home (data/, logs/, config/, tmp/ below it)."""
    return cluster_dir / f"node-{i}"


def pid_file(cluster_dir: Path, i: int) -> Path:
    """Where the pid of node i is kept."""
    return cluster_dir / f"node-{i}.pid"


def console_log(cluster_dir: Path, i: int) -> Path:
    """The JVM's stdout/stderr (startup failures before logging is configured land here)."""
    return node_home(cluster_dir, i) / "logs" / "console.log"


def node_log(cluster_dir: Path, i: int, cluster_name: str = CLUSTER_NAME) -> Path:
    """OpenSearch's own log file of node i."""
    return node_home(cluster_dir, i) / "logs" / f"{cluster_name}.log"


# --------------------------------------------------------------------------- processes


def heap_megabytes(heap: str) -> int:
    """'512m' -> 512, '1g' -> 1024 (the JVM's -Xmx syntax)."""
    match = re.fullmatch(r"(\d+)([kKmMgG]?)", heap.strip())
    if not match:
        raise ClusterError(f"bad heap size {heap!r}: use the JVM syntax, e.g. 512m or 1g")
    number, unit = int(match.group(1)), match.group(2).lower()
    return {"k": number // 1024, "m": number, "g": number * 1024, "": number // (1024 * 1024)}[unit]


def jvm_options(heap: str, tmp_dir: Path) -> list[str]:
    """JVM flags after the distribution's jvm.options, minus what only a packaged install needs."""
    direct = max(heap_megabytes(heap) // 2, 64)
    return [
        f"-Xms{heap}",
        f"-Xmx{heap}",
        f"-XX:MaxDirectMemorySize={direct}m",
        "-XX:+UseG1GC",
        "-XX:G1ReservePercent=25",
        "-XX:InitiatingHeapOccupancyPercent=30",
        "-XX:+ExitOnOutOfMemoryError",
        "-XX:-OmitStackTraceInFastThrow",
        "-Xss1m",
        "-Djava.awt.headless=true",
        "-Dfile.encoding=UTF-8",
        "-Djna.nosys=true",
        "-Djava.locale.providers=SPI,COMPAT",
        "-Dio.netty.noUnsafe=true",
        "-Dio.netty.noKeySetOptimization=true",
        "-Dio.netty.recycler.maxCapacityPerThread=0",
        "-Dio.netty.allocator.numDirectArenas=0",
        "-Dlog4j2.formatMsgNoLookups=true",
        f"-Djava.io.tmpdir={tmp_dir}",
    ]


#: Lucene's limit on the leaf clauses of one query (OpenSearch's default is 1024).
MAX_CLAUSE_COUNT = 16384


def node_settings(cluster_dir: Path, i: int, port: int, nodes: int, cluster_name: str) -> dict[str, str]:
    """The OpenSearch settings of node i (passed as -E arguments to the launcher)."""
    home = node_home(cluster_dir, i)
    return {
        "cluster.name": cluster_name,
        "node.name": f"node-{i}",
        "path.home": str(home),
        "path.data": str(home / "data"),
        "path.logs": str(home / "logs"),
        "network.host": HOST,
        "http.port": str(http_port(port, i)),
        "transport.port": str(transport_port(port, i)),
        "discovery.seed_hosts": ",".join(f"{HOST}:{transport_port(port, j)}" for j in range(nodes)),
        "cluster.initial_cluster_manager_nodes": ",".join(f"node-{j}" for j in range(nodes)),
        "cluster.routing.allocation.disk.threshold_enabled": "false",
        "action.auto_create_index": "true",
        # Coordination repeats a query's word clauses per level (backends/opensearch/query.py);
        # 32-word queries stay exact with room to spare. Production clusters may keep 1024.
        "indices.query.bool.max_clause_count": str(MAX_CLAUSE_COUNT),
    }


def node_command(
    cluster_dir: Path, i: int, port: int, nodes: int, heap: str, cluster_name: str, owner_pid: int | None = None
) -> list[str]:
    """The full java command line of node i; with ``owner_pid`` the node exits when that process dies."""
    tmp_dir = node_home(cluster_dir, i) / "tmp"
    settings = node_settings(cluster_dir, i, port, nodes, cluster_name)
    owner = [f"-Dkazru.owner.pid={owner_pid}"] if owner_pid else []
    return [
        java_executable(),
        *jvm_options(heap, tmp_dir),
        *owner,
        "-cp",
        classpath(),
        MAIN_CLASS,
        *(f"-E{key}={value}" for key, value in settings.items()),
    ]


def pid_alive(pid: int) -> bool:
    """True if pid runs and is not a zombie (a killed child not yet reaped still answers kill 0)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[-1].split()[0] not in ("Z", "X")


def is_our_node(pid: int, cluster_dir: Path, i: int) -> bool:
    """Guards against pid reuse: the process must be NodeMain with node i's home on its command line."""
    try:
        args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    home = f"-Epath.home={node_home(cluster_dir, i)}".encode()
    return MAIN_CLASS.encode() in args and home in args


def read_pid(cluster_dir: Path, i: int) -> int | None:
    """The live pid of node i from its pid file, or None (stale files are ignored)."""
    try:
        pid = int(pid_file(cluster_dir, i).read_text().strip())
    except (OSError, ValueError):
        return None
    return pid if pid_alive(pid) and is_our_node(pid, cluster_dir, i) else None


def spawn_node(
    cluster_dir: Path, i: int, port: int, nodes: int, heap: str, cluster_name: str, owner_pid: int | None = None
) -> subprocess.Popen:
    """Starts node i detached (own session, output to console.log) and writes its pid file."""
    home = node_home(cluster_dir, i)
    for sub in ("data", "logs", "tmp"):
        (home / sub).mkdir(parents=True, exist_ok=True)
    for port_number in (http_port(port, i), transport_port(port, i)):
        if not port_is_free(port_number):
            raise ClusterError(f"node-{i}: port {port_number} on {HOST} is already in use")
    command = node_command(cluster_dir, i, port, nodes, heap, cluster_name, owner_pid)
    with open(console_log(cluster_dir, i), "ab") as console:
        proc = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=console,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            close_fds=True,
        )
    pid_file(cluster_dir, i).write_text(f"{proc.pid}\n")
    log.info("node-%d: pid %d, http %s:%d", i, proc.pid, HOST, http_port(port, i))
    return proc


def wait_dead(pids: list[int], timeout: float, reap: dict[int, subprocess.Popen] | None = None) -> list[int]:
    """Waits until every pid has exited; returns those still alive after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        for proc in (reap or {}).values():
            proc.poll()
        alive = [pid for pid in pids if pid_alive(pid)]
        if not alive or time.monotonic() >= deadline:
            return alive
        time.sleep(0.1)


def tail(path: Path, lines: int = 25) -> str:
    """The last lines of a log file, or a note that it does not exist."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return f"({path} does not exist)"
    return "\n".join(text.splitlines()[-lines:])


# --------------------------------------------------------------------------- HTTP


def http_json(url: str, method: str = "GET", body: Any = None, timeout: float = 10.0) -> Any:
    """One JSON request to a node; raises urllib.error.HTTPError / URLError / OSError on failure."""
    data = None if body is None else json.dumps(body).encode("utf-8")
    request = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    with _OPENER.open(request, timeout=timeout) as response:
        return json.loads(response.read().decode("utf-8"))


def try_health(url: str, timeout: float = 3.0) -> dict[str, Any] | None:
    """Cluster health as seen by the node at ``url``, or None if it does not answer (yet)."""
    try:
        return http_json(f"{url}/_cluster/health", timeout=timeout)
    except (urllib.error.URLError, OSError, ValueError):
        return None


# --------------------------------------------------------------------------- the cluster


@dataclass
class Cluster:
    """A running (or attached-to) local cluster; the on-disk layout is described in the module doc."""

    cluster_dir: Path
    port: int = 9200
    nodes: int = 3
    heap: str = "512m"
    cluster_name: str = CLUSTER_NAME
    #: Nodes started by this object exit by themselves once this pid is gone (test sessions).
    owner_pid: int | None = None
    procs: dict[int, subprocess.Popen] = field(default_factory=dict, repr=False)

    @property
    def urls(self) -> list[str]:
        """HTTP URL of every node, node 0 first."""
        return [f"http://{HOST}:{http_port(self.port, i)}" for i in range(self.nodes)]

    @property
    def url(self) -> str:
        """URL of node 0 (for callers that need just one)."""
        return self.urls[0]

    @classmethod
    def attach(cls, cluster_dir: Path) -> Cluster:
        """The cluster described by ``cluster_dir/cluster.json`` (written by :func:`start`)."""
        meta_path = Path(cluster_dir) / "cluster.json"
        try:
            meta = json.loads(meta_path.read_text())
        except (OSError, ValueError) as exc:
            raise ClusterError(f"no cluster was started in {cluster_dir} ({meta_path}: {exc})") from exc
        return cls(Path(cluster_dir), meta["port"], meta["nodes"], meta["heap"], meta["cluster_name"])

    def save(self) -> None:
        """Writes cluster.json, so that stop/status from another process find the nodes."""
        meta = {"port": self.port, "nodes": self.nodes, "heap": self.heap, "cluster_name": self.cluster_name}
        (self.cluster_dir / "cluster.json").write_text(json.dumps(meta, indent=2) + "\n")

    def pid(self, i: int) -> int | None:
        """Live pid of node i, or None."""
        return read_pid(self.cluster_dir, i)

    def live_nodes(self) -> list[int]:
        """Indexes of the nodes whose JVM runs."""
        return [i for i in range(self.nodes) if self.pid(i) is not None]

    def request(self, method: str, path: str, body: Any = None, node: int | None = None, timeout: float = 30.0) -> Any:
        """A JSON request to node ``node`` (default: the first live one)."""
        if node is None:
            live = self.live_nodes()
            if not live:
                raise ClusterError(f"no node of the cluster in {self.cluster_dir} is running")
            node = live[0]
        return http_json(self.urls[node] + path, method, body, timeout)

    def start_nodes(self, indexes: list[int], timeout: float = DEFAULT_TIMEOUT) -> None:
        """Spawns the given nodes and waits for green with all nodes; on failure stops what it spawned."""
        self.cluster_dir.mkdir(parents=True, exist_ok=True)
        self.save()
        started = time.monotonic()
        try:
            for i in indexes:
                self.procs[i] = spawn_node(
                    self.cluster_dir, i, self.port, self.nodes, self.heap, self.cluster_name, self.owner_pid
                )
            self.wait_green(timeout, via=indexes)
        except BaseException:
            self._stop_indexes(indexes, STOP_TIMEOUT)
            raise
        log.info("cluster green with %d nodes after %.1fs", self.nodes, time.monotonic() - started)

    def wait_green(self, timeout: float = DEFAULT_TIMEOUT, via: list[int] | None = None) -> dict[str, Any]:
        """Waits until every node in ``via`` (default all) reports green with all ``nodes`` nodes joined.

        Asking each listed node, not just any, is what proves that a restarted node rejoined.
        Fails fast when one of the JVMs this object started exits, with the tail of its logs.
        """
        via = list(range(self.nodes)) if via is None else via
        deadline = time.monotonic() + timeout
        last: dict[int, Any] = {}
        while True:
            self._check_spawned_alive(via)
            for i in via:
                last[i] = try_health(self.urls[i])
            if all(h and h["status"] == "green" and h["number_of_nodes"] == self.nodes for h in last.values()):
                return last[via[0]]
            if time.monotonic() >= deadline:
                raise ClusterError(
                    f"cluster in {self.cluster_dir} not green with {self.nodes} nodes after {timeout:.0f}s; "
                    f"last health per node: {last}\n{self.log_tails(via)}"
                )
            time.sleep(0.5)

    def _check_spawned_alive(self, indexes: list[int]) -> None:
        """Raises with the node's logs if a JVM we spawned has already exited."""
        for i in indexes:
            proc = self.procs.get(i)
            if proc is not None and proc.poll() is not None:
                raise ClusterError(f"node-{i} exited with code {proc.returncode} while starting\n{self.log_tails([i])}")

    def log_tails(self, indexes: list[int] | None = None, lines: int = 25) -> str:
        """The end of the console and OpenSearch logs of the given nodes, for error messages."""
        parts = []
        for i in range(self.nodes) if indexes is None else indexes:
            for path in (console_log(self.cluster_dir, i), node_log(self.cluster_dir, i, self.cluster_name)):
                parts.append(f"--- {path}\n{tail(path, lines)}")
        return "\n".join(parts)

    def kill_node(self, i: int) -> None:
        """SIGKILLs node i (no clean shutdown: a crash, for fault tests) and waits until it is gone."""
        pid = self.pid(i)
        if pid is None:
            raise ClusterError(f"node-{i} is not running")
        os.kill(pid, signal.SIGKILL)
        if wait_dead([pid], STOP_TIMEOUT, self.procs):
            raise ClusterError(f"node-{i} (pid {pid}) survived SIGKILL")
        pid_file(self.cluster_dir, i).unlink(missing_ok=True)
        self.procs.pop(i, None)
        log.info("node-%d killed (pid %d)", i, pid)

    def start_node(self, i: int, timeout: float = DEFAULT_TIMEOUT) -> None:
        """Restarts a stopped/killed node i on its old data dir and waits until it rejoined (green)."""
        if self.pid(i) is not None:
            raise ClusterError(f"node-{i} is already running")
        self.start_nodes([i], timeout)

    def stop(self, timeout: float = STOP_TIMEOUT) -> list[int]:
        """SIGTERM to every node, SIGKILL to those still alive after ``timeout``; returns the pids stopped."""
        return self._stop_indexes(list(range(self.nodes)), timeout)

    def _stop_indexes(self, indexes: list[int], timeout: float) -> list[int]:
        """Stops the given nodes (see :meth:`stop`) and removes their pid files."""
        pids = {i: pid for i in indexes if (pid := self.pid(i)) is not None}
        for pid in pids.values():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        stubborn = wait_dead(list(pids.values()), timeout, self.procs)
        for pid in stubborn:
            log.warning("pid %d ignored SIGTERM for %.0fs: SIGKILL", pid, timeout)
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        if wait_dead(stubborn, STOP_TIMEOUT, self.procs):
            raise ClusterError(f"could not stop pids {stubborn}")
        for i in indexes:
            pid_file(self.cluster_dir, i).unlink(missing_ok=True)
            proc = self.procs.pop(i, None)
            if proc is not None:
                proc.wait()
        return list(pids.values())

    def status(self) -> dict[str, Any]:
        """Per-node pid/URL/running, plus the cluster health seen by the first live node."""
        nodes = []
        for i, url in enumerate(self.urls):
            pid = self.pid(i)
            nodes.append({"node": f"node-{i}", "pid": pid, "running": pid is not None, "url": url})
        live = [n for n in nodes if n["running"]]
        health = try_health(live[0]["url"]) if live else None
        return {
            "cluster_dir": str(self.cluster_dir),
            "running": len(live) == self.nodes,
            "nodes": nodes,
            "health": health,
        }


def start(
    cluster_dir: Path,
    port: int = 9200,
    nodes: int = 3,
    heap: str = "512m",
    timeout: float = DEFAULT_TIMEOUT,
    owner_pid: int | None = None,
) -> Cluster:
    """Builds the launcher if needed, starts ``nodes`` nodes and returns once the cluster is green.

    Raises ClusterError (with the nodes' log tails) if it is not green within ``timeout``; the
    nodes started are then stopped again. Refuses to start over a cluster that still runs there.
    ``owner_pid`` (tests pass ``os.getpid()``): the nodes shut down by themselves once that process
    is gone, so a test run killed hard leaves no JVMs behind.
    """
    cluster_dir = Path(cluster_dir).resolve()
    if nodes < 1:
        raise ClusterError("nodes must be at least 1")
    heap_megabytes(heap)
    running = running_pids(cluster_dir)
    if running:
        raise ClusterError(f"a cluster is already running in {cluster_dir} (pids {running}); stop it first")
    build_launcher()
    cluster = Cluster(cluster_dir, port, nodes, heap, owner_pid=owner_pid)
    cluster.start_nodes(list(range(nodes)), timeout)
    return cluster


def node_indexes(cluster_dir: Path) -> list[int]:
    """Indexes of all nodes that have a pid file in ``cluster_dir`` (whether or not they still run)."""
    found = []
    for path in Path(cluster_dir).glob("node-*.pid"):
        with contextlib.suppress(ValueError):
            found.append(int(path.stem.removeprefix("node-")))
    return sorted(found)


def running_pids(cluster_dir: Path) -> list[int]:
    """Pids of the nodes of ``cluster_dir`` that still run, from the pid files alone."""
    cluster_dir = Path(cluster_dir).resolve()
    return [pid for i in node_indexes(cluster_dir) if (pid := read_pid(cluster_dir, i)) is not None]


def stop(cluster_dir: Path, timeout: float = STOP_TIMEOUT) -> list[int]:
    """Stops every node of ``cluster_dir`` from the pid files alone; returns the pids it stopped."""
    cluster_dir = Path(cluster_dir).resolve()
    indexes = node_indexes(cluster_dir)
    if not indexes:
        return []
    cluster = Cluster(cluster_dir, nodes=max(indexes) + 1)
    return cluster._stop_indexes(indexes, timeout)


def status(cluster_dir: Path) -> dict[str, Any]:
    """Status of the cluster in ``cluster_dir`` (see :meth:`Cluster.status`); 'running' False if none."""
    cluster_dir = Path(cluster_dir).resolve()
    try:
        cluster = Cluster.attach(cluster_dir)
    except ClusterError:
        return {"cluster_dir": str(cluster_dir), "running": False, "nodes": [], "health": None}
    return cluster.status()
