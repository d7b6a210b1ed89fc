"""What operators ask of an index besides updates: statistics, and merging segments.

``stats`` only reads (it never takes the writer lock, so it is safe to run
while an update or the watcher is busy). ``optimize`` merges all segments of
the current generation into one, as a new generation like any other write.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

from backends.whoosh.generations import current_generation, generations, new_generation, open_current, writer_lock


@dataclass
class SegmentInfo:
    name: str
    documents: int
    deleted: int


@dataclass
class IndexStats:
    """A snapshot of the committed generation, for people and (``--json``) scripts."""

    index_dir: str
    generation: str
    committed_at: str
    documents: int
    deleted_pending_merge: int
    languages: dict[str, int]
    date_min: str | None
    date_max: str | None
    segments: list[SegmentInfo] = field(default_factory=list)
    generation_bytes: int = 0
    disk_bytes: int = 0
    generations_on_disk: int = 0

    def as_dict(self) -> dict[str, object]:
        return asdict(self)

    def lines(self) -> list[str]:
        langs = ", ".join(f"{k} {v}" for k, v in sorted(self.languages.items(), key=lambda kv: -kv[1]))
        return [
            f"index       {self.index_dir}",
            f"generation  {self.generation} (committed {self.committed_at})",
            f"documents   {self.documents} ({langs or 'none'})",
            f"dates       {self.date_min or '-'} … {self.date_max or '-'}",
            f"segments    {len(self.segments)} ({self.deleted_pending_merge} deleted documents awaiting a merge)",
            f"size        {_mib(self.generation_bytes)} this generation, {_mib(self.disk_bytes)} on disk "
            f"({self.generations_on_disk} generation folders; hard links counted once)",
        ]


def _mib(n: int) -> str:
    return f"{n / 1048576:.1f} MiB"


def _disk_usage(index_dir: Path) -> tuple[int, int]:
    """(bytes of the current generation, bytes of the whole folder, each inode once)."""
    seen: set[int] = set()
    total = 0
    for root, _dirs, files in os.walk(index_dir):
        for name in files:
            st = os.lstat(os.path.join(root, name))
            if st.st_ino not in seen:
                seen.add(st.st_ino)
                total += st.st_size
    gen = current_generation(index_dir)
    current = sum(p.stat().st_size for p in (index_dir / gen).iterdir() if p.is_file()) if gen else 0
    return current, total


def index_stats(index_dir: Path) -> IndexStats:
    """Counts per language, date range, segments and sizes of the committed index."""
    gen, ix = open_current(index_dir)
    try:
        with ix.reader() as reader:
            langs_col = reader.column_reader("lang")
            dates_col = reader.column_reader("date")
            langs: Counter[str] = Counter()
            dates: list[str] = []
            for d in reader.all_doc_ids():
                langs[langs_col[d]] += 1
                dates.append(dates_col[d])
            documents, everything = reader.doc_count(), reader.doc_count_all()
        segments = [SegmentInfo(s.segment_id(), s.doc_count(), s.deleted_count()) for s in ix._segments()]
    finally:
        ix.close()
    mtime = (index_dir / gen).stat().st_mtime
    gen_bytes, disk_bytes = _disk_usage(index_dir)
    return IndexStats(
        index_dir=str(index_dir),
        generation=gen,
        committed_at=dt.datetime.fromtimestamp(mtime, dt.UTC).isoformat(timespec="seconds"),
        documents=documents,
        deleted_pending_merge=everything - documents,
        languages=dict(langs),
        date_min=min(dates) if dates else None,
        date_max=max(dates) if dates else None,
        segments=segments,
        generation_bytes=gen_bytes,
        disk_bytes=disk_bytes,
        generations_on_disk=len(generations(index_dir)),
    )


@dataclass
class OptimizeResult:
    generation: str
    previous: str | None
    segments_before: int
    segments_after: int
    documents: int
    seconds: float

    def as_dict(self) -> dict[str, object]:
        return asdict(self)

    def line(self) -> str:
        return (
            f"merged {self.segments_before} segment(s) into {self.segments_after}; "
            f"{self.documents} documents in {self.generation} ({self.seconds:.1f}s)"
        )


def optimize(index_dir: Path, wait: float = 0.0) -> OptimizeResult:
    """Merge every segment into one new generation (also purges deleted documents)."""
    started = time.perf_counter()
    with writer_lock(index_dir, wait):
        gen_name, ix = open_current(index_dir)  # raises IndexMissing before anything is created
        ix.close()
        with new_generation(index_dir, fresh=False) as gen:
            before = len(gen.index._segments())
            gen.index.optimize()
            after = len(gen.index._segments())
            documents = gen.index.doc_count()
    return OptimizeResult(gen.name, gen_name, before, after, documents, time.perf_counter() - started)
