"""Faults of the disk and the operator: each gets a clear message, the server keeps
serving what it can, ``/api/health`` tells, and no committed document is lost.

The indexer runs as a subprocess, as an operator would run it; the server is
the real app on the same index folder.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import shutil
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from backends.whoosh.generations import current_generation, generations
from searchsvc import Config, create_app
from tests.conftest import SAMPLE, SEED_KK, SEED_RU
from tests.robustness.conftest import run_indexer

EXIT_NOTHING, EXIT_INDEX = 3, 4


def _copy_sample(folder: Path, n: int, start: int = 0) -> list[str]:
    """Copy ``n`` real sample articles into ``folder``; return their ids."""
    folder.mkdir(parents=True, exist_ok=True)
    files = sorted(SAMPLE.glob("*.txt"))[start : start + n]
    for f in files:
        shutil.copy(f, folder / f.name)
    return [f.stem for f in files]


def _snapshot(index_dir: Path) -> dict[str, tuple[int, int]]:
    """Every file under the index (name → size, mtime), to prove it was not touched."""
    out = {}
    for p in sorted(index_dir.rglob("*")):
        if p.is_file() and p.name != "writer.lock":
            st = p.stat()
            out[str(p.relative_to(index_dir))] = (st.st_size, st.st_mtime_ns)
    return out


def _search_ids(client, q: str) -> set[str]:  # type: ignore[no-untyped-def]
    resp = client.get("/api/search", query_string={"q": q, "per_page": 100})
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    return {h["id"] for h in resp.get_json()["hits"]}


def _all_present(client, ids: list[str]) -> None:  # type: ignore[no-untyped-def]
    for doc_id in ids:
        assert client.get(f"/api/documents/{doc_id}").status_code == 200, f"{doc_id} was lost"


def _segments(gen_dir: Path) -> list[Path]:
    return sorted(gen_dir.glob("*.seg"), key=lambda p: p.stat().st_size, reverse=True)


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    _copy_sample(folder, 0)
    for name in (SEED_KK, SEED_RU):
        shutil.copy(SAMPLE / f"{name}.txt", folder / f"{name}.txt")
    _copy_sample(folder, 8, start=10)
    return folder


@pytest.fixture()
def index(corpus: Path, tmp_path: Path) -> Path:
    index_dir = tmp_path / "index"
    done = run_indexer("build", corpus, "--index", index_dir)
    assert done.returncode == 0, done.stderr
    return index_dir


# -- corpus folder missing -------------------------------------------------


@pytest.mark.parametrize("verb", ["update", "build"])
def test_missing_corpus_is_exit_3_and_leaves_the_index_alone(index: Path, tmp_path: Path, verb: str) -> None:
    before = _snapshot(index)
    gen = current_generation(index)
    done = run_indexer(verb, tmp_path / "no-such-folder", "--index", index)
    assert done.returncode == EXIT_NOTHING
    assert "corpus folder not found" in done.stderr and "Traceback" not in done.stderr
    assert current_generation(index) == gen and _snapshot(index) == before
    client = create_app(Config(index_dir=index)).test_client()
    assert client.get("/api/health").get_json()["status"] == "ok"
    assert _search_ids(client, "Тоқаев")


def test_corpus_path_that_is_a_file_is_exit_3(index: Path, tmp_path: Path) -> None:
    not_a_folder = tmp_path / "corpus.txt"
    not_a_folder.write_text("x", encoding="utf-8")
    done = run_indexer("update", not_a_folder, "--index", index)
    assert done.returncode == EXIT_NOTHING and "Traceback" not in done.stderr


# -- index folder read-only -------------------------------------------------


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """Make ``folder`` unwritable even for root: a read-only bind mount, or chmod when not root."""
    if os.geteuid() != 0:
        modes = {p: p.stat().st_mode for p in [folder, *folder.rglob("*")] if not p.is_symlink()}
        for p in modes:
            p.chmod(modes[p] & ~0o222)
        try:
            yield
        finally:
            for p, mode in modes.items():
                p.chmod(mode)
        return
    bind = subprocess.run(["mount", "--bind", str(folder), str(folder)], capture_output=True)
    if bind.returncode != 0:
        pytest.skip(f"cannot bind-mount as root here: {bind.stderr!r}")
    try:
        ro = subprocess.run(["mount", "-o", "remount,bind,ro", str(folder)], capture_output=True)
        if ro.returncode != 0:
            pytest.skip(f"cannot remount read-only here: {ro.stderr!r}")
        yield
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=True)  # lazy: the server still has files open


def test_read_only_index_update_fails_with_exit_4_and_serving_goes_on(index: Path, corpus: Path) -> None:
    app = create_app(Config(index_dir=index))
    client = app.test_client()
    before = _search_ids(client, "Тоқаев")
    gen = current_generation(index)
    _copy_sample(corpus, 5, start=40)
    with read_only(index):
        done = run_indexer("update", corpus, "--index", index)
        assert done.returncode == EXIT_INDEX, done.stderr
        assert "index could not be written" in done.stderr
        assert ("Read-only file system" in done.stderr) or ("Permission denied" in done.stderr)
        assert "Traceback" not in done.stderr
        assert current_generation(index) == gen
        assert _search_ids(client, "Тоқаев") == before
        fresh = create_app(Config(index_dir=index)).test_client()  # a worker started meanwhile
        assert fresh.get("/api/health").get_json()["status"] == "ok"
        assert _search_ids(fresh, "Тоқаев") == before
    done = run_indexer("update", corpus, "--index", index)
    assert done.returncode == 0, done.stderr
    _all_present(client, [p.stem for p in corpus.glob("*.txt")])


# -- disk full during an update --------------------------------------------


@contextlib.contextmanager
def small_tmpfs(folder: Path, size: str) -> Iterator[None]:
    folder.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr!r}")
    try:
        yield
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=True)


def _limit_file_size(limit: int):  # type: ignore[no-untyped-def]
    def preexec() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return preexec


def _assert_failed_write_left_no_trace(index: Path, gen: str | None, before: dict[str, tuple[int, int]]) -> None:
    assert current_generation(index) == gen
    assert generations(index) == [gen], "the failed generation must be cleaned up"
    assert _snapshot(index) == before


@pytest.mark.parametrize("how", ["tmpfs", "rlimit"])
def test_disk_full_during_update(corpus: Path, tmp_path: Path, how: str) -> None:
    index = tmp_path / "fs" / "index"
    with contextlib.ExitStack() as stack:
        if how == "tmpfs":
            stack.enter_context(small_tmpfs(tmp_path / "fs", "32m"))
        else:
            (tmp_path / "fs").mkdir()
        done = run_indexer("build", corpus, "--index", index)
        assert done.returncode == 0, done.stderr
        committed = [p.stem for p in corpus.glob("*.txt")]
        gen, before = current_generation(index), _snapshot(index)
        client = create_app(Config(index_dir=index)).test_client()
        _all_present(client, committed)
        added = _copy_sample(corpus, 120, start=60)  # about 1 MB of text: megabytes of index
        filler = tmp_path / "fs" / "filler"
        if how == "tmpfs":  # fill the disk but for 256 KB
            free = os.statvfs(filler.parent).f_bavail * os.statvfs(filler.parent).f_frsize
            with filler.open("wb") as f:
                f.truncate(0)
                f.write(b"\0" * max(0, free - 256 * 1024))
        limit = {} if how == "tmpfs" else {"preexec_fn": _limit_file_size(64 * 1024)}
        done = run_indexer("update", corpus, "--index", index, "--batch-size", "1000", **limit)
        assert done.returncode == EXIT_INDEX, (done.returncode, done.stderr[-2000:])
        assert "index could not be written" in done.stderr and "Traceback" not in done.stderr
        assert ("No space left on device" in done.stderr) or ("File too large" in done.stderr)
        _assert_failed_write_left_no_trace(index, gen, before)
        # the previous generation keeps serving, in a running worker and in a new one
        _all_present(client, committed)
        assert client.get("/api/health").get_json()["status"] == "ok"
        _all_present(create_app(Config(index_dir=index)).test_client(), committed)
        filler.unlink(missing_ok=True)  # the operator frees space
        done = run_indexer("update", corpus, "--index", index)
        assert done.returncode == 0, done.stderr
        assert current_generation(index) != gen
        _all_present(client, committed + added)


# -- a segment file truncated ----------------------------------------------


def test_truncated_segment_is_a_503_and_degraded_health_then_build_recovers(index: Path, corpus: Path) -> None:
    app = create_app(Config(index_dir=index))
    client = app.test_client()
    committed = sorted(p.stem for p in corpus.glob("*.txt"))
    assert _search_ids(client, "Тоқаев")
    gen = current_generation(index)
    seg = _segments(index / gen)[0]
    os.truncate(seg, seg.stat().st_size // 2)

    resp = client.get("/api/search", query_string={"q": "Тоқаев"})
    assert resp.status_code == 503 and resp.mimetype == "application/json"
    assert "index is unavailable" in resp.get_json()["error"]["message"]
    assert "Traceback" not in resp.get_data(as_text=True)
    health = client.get("/api/health")
    assert health.status_code == 503
    body = health.get_json()
    assert body["status"] == "degraded" and gen in body["reason"]
    assert client.get(f"/api/documents/{SEED_KK}").status_code == 503
    page = client.get("/", query_string={"q": "Тоқаев"})
    assert page.status_code == 503 and "Traceback" not in page.get_data(as_text=True)
    # a worker that starts now gets the same clean answers
    fresh = create_app(Config(index_dir=index)).test_client()
    assert fresh.get("/api/search", query_string={"q": "x"}).status_code == 503
    assert fresh.get("/api/health").get_json()["status"] == "degraded"

    # the indexer refuses to build on a damaged base, and says what to do
    done = run_indexer("update", corpus, "--index", index)
    assert done.returncode == EXIT_INDEX, done.stderr
    assert "damaged" in done.stderr and "indexer build" in done.stderr and "Traceback" not in done.stderr
    assert current_generation(index) == gen
    # a build from the corpus publishes a new generation; the server picks it up by itself
    done = run_indexer("build", corpus, "--index", index)
    assert done.returncode == 0, done.stderr
    assert current_generation(index) != gen
    health = client.get("/api/health")
    assert health.status_code == 200 and health.get_json()["status"] == "ok"
    assert _search_ids(client, "Тоқаев")
    _all_present(client, committed)


def test_damaged_new_generation_keeps_the_old_one_serving(index: Path, corpus: Path) -> None:
    """CURRENT moves to a generation whose new segment is damaged: a worker that
    already serves the previous one keeps serving it, and health says degraded."""
    app = create_app(Config(index_dir=index))
    client = app.test_client()
    committed = sorted(p.stem for p in corpus.glob("*.txt"))
    _all_present(client, committed)
    old = current_generation(index)
    old_files = {p.name for p in (index / old).iterdir()}
    _copy_sample(corpus, 5, start=40)
    done = run_indexer("update", corpus, "--index", index)
    assert done.returncode == 0, done.stderr
    new = current_generation(index)
    assert new != old
    fresh_segments = [p for p in _segments(index / new) if p.name not in old_files]
    assert fresh_segments, "an update writes a new segment next to the hard-linked old ones"
    os.truncate(fresh_segments[0], 10)

    _all_present(client, committed)
    health = client.get("/api/health")
    assert health.status_code == 200
    body = health.get_json()
    assert body["status"] == "degraded" and new in body["reason"] and body["generation"] == old
    assert _search_ids(client, "Тоқаев")


def test_segment_truncated_under_a_running_gunicorn_is_a_503_not_a_dead_worker(index: Path, tmp_path: Path) -> None:
    """The real deployment: workers already have the segment open when it is cut short.

    Read through ``mmap`` this would be a SIGBUS that kills the worker (and the
    request with it); read with file reads it is a clean JSON 503.
    """
    import http.client

    from tests.robustness.loadtest import free_port, start_server, stop_server, worker_pids

    port = free_port()
    proc = start_server(index, port, tmp_path / "gunicorn.log")

    def get(path: str) -> tuple[int, dict[str, object]]:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, json.loads(resp.read())

    try:
        for _ in range(8):  # every worker thread opens its searcher
            assert get("/api/search?q=%D0%A2%D0%BE%D2%9B%D0%B0%D0%B5%D0%B2")[0] == 200
        workers = worker_pids(proc.pid)
        gen = current_generation(index)
        seg = _segments(index / gen)[0]
        os.truncate(seg, seg.stat().st_size // 3)
        statuses = [get("/api/search?q=%D0%B4%D0%BE%D1%81%D1%82%D1%8B%D2%9B")[0] for _ in range(8)]
        assert set(statuses) == {503}, statuses
        status, body = get("/api/health")
        assert status == 503 and body["status"] == "degraded"
        assert worker_pids(proc.pid) == workers, "no worker may die"
    finally:
        stop_server(proc)
