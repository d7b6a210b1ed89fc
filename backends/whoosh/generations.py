"""Index generations on disk: readers never see a half-written index.

Layout of an index folder::

    INDEX_DIR/CURRENT -> gen-000007    symlink, swapped atomically
    INDEX_DIR/gen-000007/              a complete Whoosh index
    INDEX_DIR/gen-000006/              the one before, kept a while for readers
    INDEX_DIR/writer.lock              held by the one process that writes

Whoosh writes new segment files and never changes old ones (deletions live in
the table of contents), so a new generation starts as hard links to the
current one, takes the writes, and only becomes visible when ``CURRENT`` is
replaced in one ``rename``. A writer killed at any point leaves ``CURRENT``
on the last complete generation; the next writer clears the debris
(whoosh#323: a crash mid-commit can otherwise break the index).

Superseded generations are removed only after :data:`GRACE_SECONDS`, because
a server thread may have read ``CURRENT`` a moment before it changed and be
opening the old folder right now; once open, the files are mapped and a
removal no longer matters. Hard links make the old folders nearly free.
"""

from __future__ import annotations

import errno
import fcntl
import json
import logging
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from whoosh.filedb.filestore import FileStorage
from whoosh.index import Index

from analyzers import ANALYZER_VERSION
from backends.base import IncompatibleIndex, IndexMissing, WriterBusy
from backends.whoosh.schema import SCHEMA_VERSION, build_schema

log = logging.getLogger(__name__)

CURRENT = "CURRENT"
LOCK_FILE = "writer.lock"
GEN_PREFIX = "gen-"
#: Written into every generation: which analysis produced its terms.
VERSION_FILE = "kazru-version.json"
#: How long a superseded generation stays on disk for readers that are opening it.
GRACE_SECONDS = 60.0


def current_generation(index_dir: Path) -> str | None:
    """Name of the committed generation, or None; one cheap syscall."""
    try:
        return os.readlink(index_dir / CURRENT)
    except (FileNotFoundError, NotADirectoryError):
        return None


def storage(folder: Path, readonly: bool = False) -> FileStorage:
    """A generation folder's storage, read without ``mmap``.

    Without ``mmap`` a segment file truncated under a reader is an exception
    we can answer instead of a SIGBUS; and Whoosh wraps a memory-mapped
    compound file in ``BytesIO``, which *copies* each sub-file it opens: every
    reader opened while writing (a document count, the deletions of an update)
    held the whole postings file in memory (540 MB at 100k articles).
    """
    return FileStorage(str(folder), supports_mmap=False, readonly=readonly)


def open_current(index_dir: Path) -> tuple[str, Index]:
    """Open the committed generation for reading."""
    gen = current_generation(index_dir)
    if gen is None:
        raise IndexMissing(f"no index in {index_dir} (run: python -m indexer build CORPUS --index {index_dir})")
    return gen, storage(index_dir / gen).open_index()


def _versions() -> dict[str, object]:
    return {"analyzer_version": ANALYZER_VERSION, "schema_version": SCHEMA_VERSION}


def write_version(gen_dir: Path) -> None:
    """Record the analyzer and schema versions in a new (fresh) generation."""
    (gen_dir / VERSION_FILE).write_text(json.dumps(_versions()), encoding="utf-8")


def check_version(gen_dir: Path) -> None:
    """Raise :class:`IncompatibleIndex` unless ``gen_dir`` was written by this analysis.

    Queries are analysed with today's chains; an index whose terms came from
    other chains would silently miss words, so it is refused with the fix.
    """
    try:
        found = json.loads((gen_dir / VERSION_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        found = {}
    except (OSError, ValueError) as exc:
        raise IncompatibleIndex(f"cannot read the version of {gen_dir}: {exc}") from exc
    if found != _versions():
        raise IncompatibleIndex(
            f"the index in {gen_dir.parent} was written by analyzer {found.get('analyzer_version', 'unknown')} "
            f"(schema {found.get('schema_version', '?')}); this program analyses with {ANALYZER_VERSION} "
            f"(schema {SCHEMA_VERSION}). Rebuild it: python -m indexer build CORPUS_DIR --index {gen_dir.parent}"
        )


def lock_holder(index_dir: Path) -> str:
    """The pid written by the last process that took the writer lock ("?" if unknown)."""
    try:
        return (index_dir / LOCK_FILE).read_text(errors="replace").strip() or "?"
    except OSError:
        return "?"


@contextmanager
def writer_lock(index_dir: Path, wait: float = 0.0) -> Iterator[None]:
    """Hold the single-writer lock; wait up to ``wait`` seconds for it.

    ``flock`` is released by the kernel when the holder dies, even by SIGKILL,
    so a crashed writer never leaves a stale lock behind.
    """
    index_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(index_dir / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    deadline = time.monotonic() + wait
    announced = False
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                holder = lock_holder(index_dir)
                if time.monotonic() >= deadline:
                    raise WriterBusy(
                        f"another indexer (pid {holder}) is writing {index_dir}; try again later or pass --wait SECONDS"
                    ) from None
                if not announced:
                    log.info("waiting up to %.0fs for the indexer with pid %s to finish", wait, holder)
                    announced = True
                time.sleep(0.1)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)


def _generation_number(name: str) -> int:
    try:
        return int(name[len(GEN_PREFIX) :])
    except ValueError:
        return -1


def generations(index_dir: Path) -> list[str]:
    """Generation folders present on disk, oldest first (committed or not)."""
    names = [p.name for p in index_dir.iterdir() if p.name.startswith(GEN_PREFIX) and p.is_dir()]
    return sorted((n for n in names if _generation_number(n) >= 0), key=_generation_number)


def _link_copy(src: Path, dst: Path) -> None:
    """Hard-link every index file of ``src`` into the new folder ``dst``."""
    dst.mkdir()
    for entry in src.iterdir():
        if entry.is_file() and not entry.name.endswith("_LOCK") and "WRITELOCK" not in entry.name:
            os.link(entry, dst / entry.name)


def _fsync_path(path: Path, flags: int = os.O_RDONLY) -> None:
    fd = os.open(path, flags)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _make_durable(gen_dir: Path) -> None:
    """Flush the files this generation wrote (links were flushed by earlier ones)."""
    for entry in gen_dir.iterdir():
        st = entry.stat()
        if entry.is_file() and st.st_nlink == 1 and st.st_size > 0:
            _fsync_path(entry)
    _fsync_path(gen_dir)


def _publish(index_dir: Path, gen: str) -> None:
    """Point CURRENT at ``gen`` atomically."""
    _make_durable(index_dir / gen)
    tmp = index_dir / f".{CURRENT}.{os.getpid()}"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(gen, tmp)
    os.replace(tmp, index_dir / CURRENT)
    _fsync_path(index_dir)


def collect_garbage(index_dir: Path, grace: float = GRACE_SECONDS) -> list[str]:
    """Remove debris and long-superseded generations; the caller holds the writer lock.

    Debris (a generation newer than ``CURRENT``, or any when nothing is
    committed) is what a killed writer left. An older generation goes once its
    successor has been published for ``grace`` seconds. Returns what was removed.
    """
    current = current_generation(index_dir)
    cur_no = _generation_number(current) if current else -1
    now = time.time()
    removed: list[str] = []
    older = [g for g in generations(index_dir) if _generation_number(g) <= cur_no]
    for name in generations(index_dir):
        if name == current:
            continue
        if _generation_number(name) > cur_no:
            reason = "unfinished write"
        else:
            successor = older[older.index(name) + 1]
            try:
                age = now - (index_dir / successor).stat().st_mtime
            except FileNotFoundError:
                age = grace
            if age < grace:
                continue
            reason = "superseded"
        shutil.rmtree(index_dir / name, ignore_errors=True)
        log.debug("removed %s (%s)", name, reason)
        removed.append(name)
    for stale in index_dir.glob(f".{CURRENT}.*"):
        stale.unlink(missing_ok=True)
    return removed


class Generation:
    """A new generation being written; see :func:`new_generation`."""

    def __init__(self, index_dir: Path, name: str, index: Index, base: str | None) -> None:
        self.index_dir = index_dir
        self.name = name
        self.index = index
        self.base = base

    @property
    def path(self) -> Path:
        return self.index_dir / self.name


@contextmanager
def new_generation(index_dir: Path, fresh: bool) -> Iterator[Generation]:
    """Write a new generation and publish it on success; hold :func:`writer_lock`.

    ``fresh`` starts from an empty index (a full build); otherwise the new
    generation starts as hard links to the current one. If the block raises,
    or the process dies, the current generation stays what it was.
    """
    collect_garbage(index_dir)
    base = current_generation(index_dir)
    number = max([_generation_number(g) for g in generations(index_dir)] + [0]) + 1
    name = f"{GEN_PREFIX}{number:06d}"
    path = index_dir / name
    if fresh or base is None:
        path.mkdir()
        ix = storage(path).create().create_index(build_schema())
        write_version(path)
    else:
        check_version(index_dir / base)
        _link_copy(index_dir / base, path)
        ix = storage(path).open_index()
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
