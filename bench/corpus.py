"""The bench corpus: shared articles written as files, cut into size steps.

The two shared sources (the 2,011-article bench set and the 7,006 RT documents)
are expanded once with their own ``expand.py`` scripts into ``WORK/all``; the
size steps (¼, ½, all) are folders of hard links to a fixed shuffled order,
so every step is a random slice of both sources and re-runs see the same
files. 1% of the articles are held back from every step: they are the "new
files" of the incremental-update measurement.
"""

from __future__ import annotations

import logging
import os
import random
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
#: The shared read-only data (corpora, eval sets); override with KAZRU_SHARED.
SHARED = Path(os.environ.get("KAZRU_SHARED", ROOT.parent / "shared"))
BENCH_EXPAND = SHARED / "corpus" / "bench" / "expand.py"
RETRIEVAL = SHARED / "eval" / "retrieval"
SEED = 20240417


@dataclass(frozen=True)
class Step:
    """One corpus size: its folder, its files and their total size."""

    name: str
    folder: Path
    files: tuple[Path, ...]
    new_files: tuple[Path, ...]  # held-back files for the update measurement (1% of this step)

    @property
    def docs(self) -> int:
        return len(self.files)

    @property
    def text_bytes(self) -> int:
        return sum(p.stat().st_size for p in self.files)


def expand_sources(work: Path, limit: int | None = None) -> Path:
    """Expand both shared sources into ``work/all`` once (idempotent)."""
    out = work / "all"
    marker = out / ".complete"
    if marker.exists() and marker.read_text() == str(limit):
        return out
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    lim = ["--limit", str(limit)] if limit else []
    subprocess.run([sys.executable, str(BENCH_EXPAND), str(out), *lim], check=True, stdout=subprocess.DEVNULL)
    rt_lim = ["--limit", str(limit * 3)] if limit else []
    subprocess.run(
        [sys.executable, str(RETRIEVAL / "expand.py"), str(out), "--collection", "rt_headlines", *rt_lim],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    marker.write_text(str(limit))
    return out


def _link_all(files: list[Path], folder: Path) -> None:
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for f in files:
        os.link(f, folder / f.name)


def make_steps(work: Path, fractions: tuple[float, ...], limit: int | None = None) -> list[Step]:
    """Size steps (each a hard-linked folder) plus their held-back new files."""
    source = expand_sources(work, limit)
    files = sorted(p for p in source.iterdir() if p.suffix == ".txt")
    random.Random(SEED).shuffle(files)
    n_hold = max(1, len(files) // 100)
    held, pool = files[:n_hold], files[n_hold:]
    steps = []
    for frac in fractions:
        n = max(1, round(len(pool) * frac))
        name = "all" if frac >= 1 else f"{frac:g}"
        folder = work / f"corpus-{name}"
        chosen = pool[:n]
        existing = {p.name for p in folder.glob("*.txt")} if folder.exists() else set()
        if existing != {p.name for p in chosen}:
            _link_all(chosen, folder)
        new = tuple(held[: max(1, n // 100)])
        steps.append(Step(name, folder, tuple(folder / p.name for p in chosen), new))
    return steps
