"""Indexing figures: full builds, the 1% incremental update, index size."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from bench import procwatch
from bench.corpus import ROOT, Step
from bench.stats import median

PY = sys.executable


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
    return {
        "seconds": secs,
        "docs_per_s": docs / secs,
        "mb_per_s": mb / secs,
        "peak_rss_mb": median(r.peak_rss_mb for r in runs),
        "cpu_seconds": median(r.cpu_seconds for r in runs),
        "docs_per_cpu_s": docs / max(1e-9, median(r.cpu_seconds for r in runs)),
    }


def measure(step: Step, work: Path, runs: int, procs: int, log: object) -> dict[str, object]:
    """Builds and updates of both engines, alternated so they share the noise."""
    index, db = work / f"index-{step.name}", work / f"fts5-{step.name}.db"
    mb = step.text_bytes / 1e6
    ours, fts = [], []
    for r in range(runs):
        ours.append(ours_build(step, index, procs))
        fts.append(fts_build(step, db))
        log(f"  build run {r + 1}/{runs}: ours {ours[-1].seconds:.1f}s, fts5 {fts[-1].seconds:.1f}s")  # type: ignore[operator]
    ours_up, fts_up = [], []
    new_mb = sum(f.stat().st_size for f in step.new_files) / 1e6
    for _ in range(runs):
        ours_up.append(ours_update(step, index, procs))
        fts_up.append(fts_update(step, db))
    gen = index / os.readlink(index / "CURRENT")
    result: dict[str, object] = {
        "docs": step.docs,
        "text_mb": mb,
        "build": {"ours": _figures(ours, step.docs, mb), "fts5": _figures(fts, step.docs, mb)},
        "update": {
            "new_docs": len(step.new_files),
            "ours": _figures(ours_up, len(step.new_files), new_mb),
            "fts5": _figures(fts_up, len(step.new_files), new_mb),
        },
        "size": {"text_mb": mb, "ours_mb": dir_bytes(gen) / 1e6, "fts5_mb": dir_bytes(db) / 1e6},
    }
    for eng in ("ours", "fts5"):
        up = result["update"][eng]  # type: ignore[index]
        up["pct_of_build"] = 100 * up["seconds"] / result["build"][eng]["seconds"]  # type: ignore[index]
    return result
