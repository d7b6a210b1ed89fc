"""Indexing figures: full builds, the 1% incremental update, index size.

Each engine builds in its own process (``procwatch``: wall and CPU seconds
of the whole process tree, peak RSS summed over it). Figures are also saved
next to the index (``figures-<step>.json``) so a later ``--reuse-builds`` run
can measure queries on the cached indexes without building again (the 100k
build takes a long while).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

from bench import procwatch
from bench.corpus import ROOT, Step
from bench.stats import median

PY = sys.executable


def paths(work: Path, step: Step) -> dict[str, Path]:
    return {
        "ours": work / f"index-{step.name}",
        "fts5": work / f"fts5-{step.name}.db",
        "tantivy": work / f"tantivy-{step.name}",
    }


def dir_bytes(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def ours_build(step: Step, index: Path, procs: int) -> procwatch.Run:
    if index.exists():
        shutil.rmtree(index)
    cmd = [PY, "-m", "indexer", "-q", "build", str(step.folder), "--index", str(index), "--procs", str(procs)]
    return procwatch.run([*cmd, "--json", "--no-progress"], cwd=ROOT, env=_env())


def fts_build(step: Step, db: Path) -> procwatch.Run:
    return procwatch.run([PY, "-m", "bench.fts5", "build", str(step.folder), str(db)], cwd=ROOT, env=_env())


def tantivy_build(step: Step, folder: Path, threads: int) -> procwatch.Run:
    cmd = [PY, "-m", "bench.tantivy_baseline", "build", str(step.folder), str(folder), "--threads", str(threads)]
    return procwatch.run(cmd, cwd=ROOT, env=_env())


def ours_update(step: Step, index: Path, procs: int) -> procwatch.Run:
    """Time an update that adds the held-back files, then take them out again."""
    for f in step.new_files:
        os.link(f, step.folder / f.name)
    cmd = [PY, "-m", "indexer", "-q", "update", str(step.folder), "--index", str(index), "--procs", str(procs)]
    try:
        run = procwatch.run([*cmd, "--json", "--no-progress"], cwd=ROOT, env=_env())
    finally:
        for f in step.new_files:
            (step.folder / f.name).unlink()
    procwatch.run([*cmd, "--no-progress"], cwd=ROOT, env=_env())  # back to the full index, untimed
    return run


def fts_update(step: Step, db: Path) -> procwatch.Run:
    scratch = db.with_suffix(".update.db")
    shutil.copy(db, scratch)
    try:
        return procwatch.run(
            [PY, "-m", "bench.fts5", "update", str(scratch), *map(str, step.new_files)], cwd=ROOT, env=_env()
        )
    finally:
        scratch.unlink()


def _figures(runs: list[procwatch.Run], docs: int, mb: float) -> dict[str, float]:
    secs = median(r.seconds for r in runs)
    cpu = median(r.cpu_seconds for r in runs)
    return {
        "seconds": secs,
        "docs_per_s": docs / secs,
        "mb_per_s": mb / secs,
        "peak_rss_mb": median(r.peak_rss_mb for r in runs),
        "cpu_seconds": cpu,
        "docs_per_cpu_s": docs / max(1e-9, cpu),
    }


def _generation(index: Path) -> Path:
    return index / os.readlink(index / "CURRENT")


def measure(
    step: Step, work: Path, runs: int, procs: int, log: Callable[[str], None], reuse: bool = False
) -> dict[str, object]:
    """Builds (all three engines) and updates (ours, FTS5), alternated so they share the noise.

    With ``reuse`` and every index already built, the figures saved by the
    run that built them are returned instead.
    """
    where = paths(work, step)
    saved = work / f"figures-{step.name}.json"
    if reuse and saved.exists() and all(p.exists() for p in where.values()):
        log(f"  reusing the indexes and build figures of {saved}")
        return json.loads(saved.read_text(encoding="utf-8"))
    mb = step.text_bytes / 1e6
    builds: dict[str, list[procwatch.Run]] = {"ours": [], "fts5": [], "tantivy": []}
    for r in range(runs):
        builds["ours"].append(ours_build(step, where["ours"], procs))
        builds["fts5"].append(fts_build(step, where["fts5"]))
        builds["tantivy"].append(tantivy_build(step, where["tantivy"], procs))
        log(
            f"  build run {r + 1}/{runs}: "
            + ", ".join(f"{eng} {runs_[-1].seconds:.1f}s" for eng, runs_ in builds.items())
        )
    ours_up, fts_up = [], []
    new_mb = sum(f.stat().st_size for f in step.new_files) / 1e6
    for _ in range(runs):
        ours_up.append(ours_update(step, where["ours"], procs))
        fts_up.append(fts_update(step, where["fts5"]))
    result: dict[str, object] = {
        "docs": step.docs,
        "text_mb": mb,
        "synthetic": step.synthetic,
        "build": {eng: _figures(runs_, step.docs, mb) for eng, runs_ in builds.items()},
        "update": {
            "new_docs": len(step.new_files),
            "ours": _figures(ours_up, len(step.new_files), new_mb),
            "fts5": _figures(fts_up, len(step.new_files), new_mb),
        },
        "size": {
            "text_mb": mb,
            "ours_mb": dir_bytes(_generation(where["ours"])) / 1e6,
            "fts5_mb": dir_bytes(where["fts5"]) / 1e6,
            "tantivy_mb": dir_bytes(where["tantivy"]) / 1e6,
        },
    }
    for eng in ("ours", "fts5"):
        up = result["update"][eng]  # type: ignore[index]
        up["pct_of_build"] = 100 * up["seconds"] / result["build"][eng]["seconds"]  # type: ignore[index]
    saved.write_text(json.dumps(result, indent=1), encoding="utf-8")
    return result
