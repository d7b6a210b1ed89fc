"""The bench corpora: real articles and synthetic ones, cut into size steps.

* ``2k`` — the shared bench set (2,011 real articles, ``corpus/bench/expand.py``);
* ``10k``, ``100k`` (any ``<n>k``) — ``corpus/synth.py``: real headlines and
  real sentences in made-up articles, for timing only (the first m files of a
  larger run equal a run of m, so one generation serves every size);
* ``mixed`` — the bench set plus the 7,006 RT documents (~8,900 real texts),
  the corpus of earlier runs.

Every step is a folder of hard links to a fixed order of files, so re-runs
see the same files; 1% more files are held back as the "new files" of the
incremental-update measurement. Everything is cached under the work folder.
"""

from __future__ import annotations

import logging
import os
import random
import re
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
SYNTH = SHARED / "corpus" / "synth.py"
RETRIEVAL = SHARED / "eval" / "retrieval"
SEED = 20240417
SYNTH_SEED = 20251204


@dataclass(frozen=True)
class Step:
    """One corpus size: its folder, its files and their total size."""

    name: str
    folder: Path
    files: tuple[Path, ...]
    new_files: tuple[Path, ...]  # held-back files for the update measurement (1% of this step)
    synthetic: bool = False

    @property
    def docs(self) -> int:
        return len(self.files)

    @property
    def text_bytes(self) -> int:
        return sum(p.stat().st_size for p in self.files)


def _run_quiet(cmd: list[str]) -> None:
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)


def _expand_once(out: Path, limit: int | None, cmd: list[str]) -> Path:
    """Run an ``expand.py`` into ``out`` unless a complete run with the same ``limit`` is there."""
    marker = out / ".complete"
    if marker.exists() and marker.read_text() == str(limit):
        return out
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    _run_quiet(cmd)
    marker.write_text(str(limit))
    return out


def expand_bench(work: Path, limit: int | None = None) -> Path:
    """The 2,011 bench articles as files in ``work/src-bench`` (once)."""
    out = work / "src-bench"
    return _expand_once(
        out, limit, [sys.executable, str(BENCH_EXPAND), str(out), *(["--limit", str(limit)] if limit else [])]
    )


def expand_rt(work: Path, limit: int | None = None) -> Path:
    """The RT documents of the judged collection, in ``work/src-rt`` (once)."""
    out = work / "src-rt"
    lim = ["--limit", str(limit * 3)] if limit else []
    return _expand_once(
        out, limit, [sys.executable, str(RETRIEVAL / "expand.py"), str(out), "--collection", "rt_headlines", *lim]
    )


def synthesize(work: Path, n: int) -> Path:
    """At least ``n`` synthetic articles in ``work/src-synth`` (generated once, grown when needed)."""
    out = work / "src-synth"
    marker = out / ".complete"
    have = int(marker.read_text()) if marker.exists() else 0
    if have < n:
        log.info("generating %d synthetic articles (once, cached in %s)", n, out)
        _run_quiet([sys.executable, str(SYNTH), str(out), "--n", str(n), "--seed", str(SYNTH_SEED)])
        marker.write_text(str(n))
    return out


def _link_all(files: list[Path], folder: Path) -> None:
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for f in files:
        os.link(f, folder / f.name)


def _txt(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix == ".txt")


def _step(work: Path, name: str, chosen: list[Path], held: list[Path], synthetic: bool) -> Step:
    folder = work / f"corpus-{name}"
    existing = {p.name for p in folder.glob("*.txt")} if folder.exists() else set()
    if existing != {p.name for p in chosen}:
        _link_all(chosen, folder)
    return Step(name, folder, tuple(folder / p.name for p in chosen), tuple(held), synthetic)


_SYNTH_NAME = re.compile(r"^(\d+)k$")


def make_step(work: Path, name: str, limit: int | None = None) -> Step:
    """One named step: ``2k`` (real bench set), ``mixed`` (bench + RT), ``<n>k`` (synthetic)."""
    if name in ("2k", "mixed"):
        files = _txt(expand_bench(work, limit))
        if name == "mixed":
            files += _txt(expand_rt(work, limit))
        random.Random(SEED).shuffle(files)
        n_hold = max(1, len(files) // 100)
        return _step(work, name, files[n_hold:], files[:n_hold], False)
    m = _SYNTH_NAME.match(name)
    if not m:
        raise ValueError(f"unknown corpus size {name!r}: use 2k, mixed or <n>k (e.g. 10k, 100k)")
    n = int(m.group(1)) * 1000
    if limit:
        n = min(n, limit)
    n_hold = max(1, n // 100)
    files = _txt(synthesize(work, n + n_hold))
    files = sorted(files, key=lambda p: p.name)[: n + n_hold]  # syn0000000.. in generation order
    return _step(work, name, files[:n], files[n:], True)
