#!/usr/bin/env python3
"""Reindexing figures: ``update`` throughput and file-to-searchable latency under ``watch``.

Usage::

    python scripts/bench_reindex.py WORK_DIR [--limit N] [--batch-sizes 500,100000]
                                    [--latency-runs 9] [--debounce 1.0] [--port 8209]

1. Expands the shared bench corpus (2,011 articles) into ``WORK_DIR/all`` and
   holds back every 100th file (1%) as "new files".
2. ``update`` from scratch on the other 99%, once per batch size (files/s,
   wall and CPU seconds), then ``build`` from scratch for comparison.
3. ``update`` adding the 1% on top (median of 3; the files are removed again
   with an untimed update between runs), and a no-op ``update``.
4. Starts gunicorn on 127.0.0.1:PORT and ``watch`` on the corpus, drops the
   held-back files one at a time (rename into place) and times until each is
   returned by ``GET /api/documents/<id>``.

Wall times on a shared machine are noisy; CPU seconds are printed beside them.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("KAZRU_SHARED", ROOT.parent / "shared"))
EXPAND = SHARED / "corpus" / "bench" / "expand.py"
PY = sys.executable


def env() -> dict[str, str]:
    e = dict(os.environ)
    e["PYTHONPATH"] = str(ROOT) + os.pathsep + e.get("PYTHONPATH", "")
    return e


def timed(cmd: list[str]) -> tuple[float, float, dict]:
    """Run a command; (wall seconds, CPU seconds of the child, parsed JSON stdout)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=env(), capture_output=True, text=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode not in (0, 1):
        sys.exit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr}")
    out = json.loads(proc.stdout.strip().splitlines()[-1]) if proc.stdout.strip() else {}
    return wall, cpu, out


def indexer(*args: str) -> list[str]:
    return [PY, "-m", "indexer", "-q", *args, "--no-progress"]


def prepare(work: Path, limit: int | None) -> tuple[Path, list[Path]]:
    all_dir, corpus, held = work / "all", work / "corpus", work / "held"
    if not all_dir.exists():
        extra = ["--limit", str(limit)] if limit else []
        subprocess.run([PY, str(EXPAND), str(all_dir), *extra], check=True)
    for d in (corpus, held):
        shutil.rmtree(d, ignore_errors=True)
        d.mkdir()
    files = sorted(all_dir.glob("*.txt"))
    new = []
    for i, f in enumerate(files):
        if i % 100 == 50:
            os.link(f, held / f.name)
            new.append(held / f.name)
        else:
            os.link(f, corpus / f.name)
    return corpus, new


def throughput(work: Path, corpus: Path, new: list[Path], batch_sizes: list[int]) -> None:
    n = len(list(corpus.glob("*.txt")))
    ix = work / "ix"
    for b in batch_sizes:
        shutil.rmtree(ix, ignore_errors=True)
        wall, cpu, out = timed(indexer("update", str(corpus), "--index", str(ix), "--batch-size", str(b), "--json"))
        print(
            f"update from scratch, {n} files, --batch-size {b}: {wall:.1f}s wall, {cpu:.1f}s CPU, "
            f"{n / wall:.1f} files/s ({out.get('batches')} commits)"
        )
    shutil.rmtree(ix, ignore_errors=True)
    wall, cpu, _ = timed(indexer("build", str(corpus), "--index", str(ix), "--json"))
    print(f"build from scratch, {n} files: {wall:.1f}s wall, {cpu:.1f}s CPU, {n / wall:.1f} files/s")
    walls, cpus = [], []
    for _ in range(3):
        for f in new:
            os.link(f, corpus / f.name)
        wall, cpu, out = timed(indexer("update", str(corpus), "--index", str(ix), "--json"))
        assert out["added"] == len(new), out
        walls.append(wall)
        cpus.append(cpu)
        for f in new:
            (corpus / f.name).unlink()
        timed(indexer("update", str(corpus), "--index", str(ix), "--json"))
    wall, cpu = statistics.median(walls), statistics.median(cpus)
    print(
        f"update adding {len(new)} new files (1%) to {n}: median {wall:.2f}s wall, {cpu:.2f}s CPU "
        f"(runs: {', '.join(f'{w:.2f}' for w in walls)}), {len(new) / wall:.1f} new files/s"
    )
    wall, cpu, _ = timed(indexer("update", str(corpus), "--index", str(ix), "--json"))
    print(f"no-op update over {n} files: {wall:.2f}s wall, {cpu:.2f}s CPU")


def get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:
            return resp.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return 0


def latency(work: Path, corpus: Path, new: list[Path], runs: int, debounce: float, port: int) -> None:
    ix = work / "ix"
    timed(indexer("update", str(corpus), "--index", str(ix), "--json"))
    base = f"http://127.0.0.1:{port}"
    server_env = env() | {"SEARCH_INDEX_DIR": str(ix), "SEARCH_BIND": f"127.0.0.1:{port}"}
    server = subprocess.Popen(
        [PY, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
        cwd=ROOT,
        env=server_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    watch_log = (work / "watch.log").open("w")
    watcher = subprocess.Popen(
        [PY, "-m", "indexer", "watch", str(corpus), "--index", str(ix), "--debounce", str(debounce)],
        cwd=ROOT,
        env=env(),
        stdout=subprocess.DEVNULL,
        stderr=watch_log,
    )
    try:
        deadline = time.monotonic() + 30
        while get(f"{base}/api/health") != 200:
            if time.monotonic() > deadline:
                sys.exit("server did not start")
            time.sleep(0.1)
        time.sleep(2)  # the watcher's initial sync
        seen = []
        for f in new[:runs]:
            doc_id = f.name[:-4]
            tmp = corpus / f".{f.name}.part"
            shutil.copy(f, tmp)
            os.rename(tmp, corpus / f.name)
            t0 = time.perf_counter()
            while get(f"{base}/api/documents/{doc_id}") != 200:
                if time.perf_counter() - t0 > 60:
                    sys.exit(f"{doc_id} never became searchable")
                time.sleep(0.02)
            seen.append(time.perf_counter() - t0)
            time.sleep(debounce + 0.5)
        print(
            f"watch (--debounce {debounce}): file renamed into place → GET /api/documents/<id> 200: "
            f"median {statistics.median(seen):.2f}s, min {min(seen):.2f}s, max {max(seen):.2f}s over {len(seen)} files"
        )
    finally:
        watcher.send_signal(signal.SIGTERM)
        server.send_signal(signal.SIGTERM)
        watcher.wait(timeout=30)
        server.wait(timeout=30)
        watch_log.close()
        for f in new[:runs]:
            (corpus / f.name).unlink(missing_ok=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("work", type=Path)
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--batch-sizes", default="500,100000")
    ap.add_argument("--latency-runs", type=int, default=9)
    ap.add_argument("--debounce", type=float, default=1.0)
    ap.add_argument("--port", type=int, default=8209)
    ap.add_argument("--skip-throughput", action="store_true")
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    corpus, new = prepare(args.work, args.limit)
    if not args.skip_throughput:
        throughput(args.work, corpus, new, [int(b) for b in args.batch_sizes.split(",")])
    if args.latency_runs:
        latency(args.work, corpus, new, args.latency_runs, args.debounce, args.port)


if __name__ == "__main__":
    main()
