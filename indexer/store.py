"""Index generations on disk: readers never see a half-written index.

Layout of an index folder::

    INDEX_DIR/CURRENT -> gen-000007    symlink, swapped atomically
    INDEX_DIR/gen-000007/              a complete Whoosh index
    INDEX_DIR/writer.lock              held by the one process that writes

Whoosh writes new segment files and never changes old ones (deletions live in
the table of contents), so a new generation starts as hard links to the
current one, takes the writes, and only becomes visible when ``CURRENT`` is
replaced in one ``rename``. A writer killed at any point leaves ``CURRENT``
on the last complete generation; the next writer clears the debris
(whoosh#323: a crash mid-commit can otherwise break the index).
"""

from __future__ import annotations

import errno
import fcntl
import logging
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.index import Index

from indexer.schema import build_schema

log = logging.getLogger(__name__)

CURRENT = "CURRENT"
LOCK_FILE = "writer.lock"
GEN_PREFIX = "gen-"


class IndexMissing(RuntimeError):
    """The folder holds no committed index yet."""


class WriterBusy(RuntimeError):
    """Another process holds the writer lock."""


def current_generation(index_dir: Path) -> str | None:
    """Name of the committed generation, or None; one cheap syscall."""
    try:
        return os.readlink(index_dir / CURRENT)
    except (FileNotFoundError, NotADirectoryError):
        return None


def open_current(index_dir: Path) -> tuple[str, Index]:
    """Open the committed generation for reading."""
    gen = current_generation(index_dir)
    if gen is None:
        raise IndexMissing(f"no index in {index_dir} (run: python -m indexer build CORPUS --index {index_dir})")
    return gen, whoosh_index.open_dir(str(index_dir / gen))


@contextmanager
def writer_lock(index_dir: Path, wait: float = 0.0) -> Iterator[None]:
    """Hold the single-writer lock; wait up to ``wait`` seconds for it."""
    index_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(index_dir / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    deadline = time.monotonic() + wait
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
                    raise WriterBusy(f"another indexer (pid {holder}) is writing {index_dir}") from None
                time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)


def _generation_number(name: str) -> int:
    try:
        return int(name[len(GEN_PREFIX) :])
    except ValueError:
        return -1


def _generations(index_dir: Path) -> list[str]:
    names = [p.name for p in index_dir.iterdir() if p.name.startswith(GEN_PREFIX) and p.is_dir()]
    return sorted(names, key=_generation_number)


def _link_copy(src: Path, dst: Path) -> None:
    """Hard-link every index file of ``src`` into the new folder ``dst``."""
    dst.mkdir()
    for entry in src.iterdir():
        if entry.is_file() and not entry.name.endswith("_LOCK") and "WRITELOCK" not in entry.name:
            os.link(entry, dst / entry.name)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _publish(index_dir: Path, gen: str) -> None:
    """Point CURRENT at ``gen`` atomically."""
    _fsync_dir(index_dir / gen)
    tmp = index_dir / f".{CURRENT}.{os.getpid()}"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(gen, tmp)
    os.replace(tmp, index_dir / CURRENT)
    _fsync_dir(index_dir)


def _collect_garbage(index_dir: Path, keep: set[str]) -> None:
    """Remove generations nobody will open again (we hold the writer lock)."""
    for name in _generations(index_dir):
        if name not in keep:
            shutil.rmtree(index_dir / name, ignore_errors=True)


class Generation:
    """A new generation being written; see :func:`begin_generation`."""

    def __init__(self, index_dir: Path, name: str, index: Index, base: str | None) -> None:
        self.index_dir = index_dir
        self.name = name
        self.index = index
        self.base = base


@contextmanager
def begin_generation(index_dir: Path, fresh: bool, wait: float = 0.0) -> Iterator[Generation]:
    """Write a new generation under the writer lock and publish it on success.

    ``fresh`` starts from an empty index (a full build); otherwise the new
    generation starts as hard links to the current one. If the block raises,
    or the process dies, the current generation stays what it was.
    """
    with writer_lock(index_dir, wait):
        base = current_generation(index_dir)
        # The previous generation may still be read by a searcher that resolved
        # CURRENT a moment ago; everything older is debris of past runs.
        _collect_garbage(index_dir, keep={g for g in (base,) if g})
        number = max([_generation_number(g) for g in _generations(index_dir)] + [0]) + 1
        name = f"{GEN_PREFIX}{number:06d}"
        path = index_dir / name
        if fresh or base is None:
            path.mkdir()
            ix = whoosh_index.create_in(str(path), build_schema())
        else:
            _link_copy(index_dir / base, path)
            ix = whoosh_index.open_dir(str(path))
        gen = Generation(index_dir, name, ix, base)
        try:
            yield gen
        except BaseException:
            ix.close()
            shutil.rmtree(path, ignore_errors=True)
            raise
        ix.close()
        _publish(index_dir, name)
        log.info("published %s (previous: %s)", name, base or "none")
        _collect_garbage(index_dir, keep={name} | ({base} if base else set()))
