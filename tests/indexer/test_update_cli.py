"""``python -m indexer update``: incremental, idempotent, scriptable, never loses data."""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path

from backends.whoosh.generations import current_generation, open_current, writer_lock
from indexer.corpus import content_hash
from tests.conftest import ROOT
from tests.indexer.conftest import cli_env, index_docs, indexer_cmd, run_indexer

MakeCorpus = Callable[..., Path]


def summary_of(proc: subprocess.CompletedProcess[str]) -> dict:
    return json.loads(proc.stdout.strip().splitlines()[-1])


def hashes_of(folder: Path) -> dict[str, str]:
    return {p.name[:-4]: content_hash(p.read_bytes()) for p in folder.glob("*.txt") if not p.name.startswith(".")}


def stored_body(index_dir: Path, doc_id: str) -> str:
    _, ix = open_current(index_dir)
    with ix.searcher() as s:
        return s.document(id=doc_id)["body"]


def test_add_change_delete_move_then_nothing(make_corpus: MakeCorpus, tmp_path: Path) -> None:
    corpus, index = make_corpus(8), tmp_path / "index"
    first = run_indexer("update", corpus, "--index", index, "--json")
    assert first.returncode == 0, first.stderr
    assert summary_of(first)["added"] == 8 and summary_of(first)["documents"] == 8
    assert index_docs(index) == hashes_of(corpus)

    again = run_indexer("update", corpus, "--index", index, "--json")
    assert again.returncode == 0
    assert summary_of(again) | {"seconds": 0} == summary_of(first) | {
        "added": 0,
        "unchanged": 8,
        "batches": 0,
        "seconds": 0,
    }, "a second run must change nothing (same generation, no commit)"

    files = sorted(corpus.glob("*.txt"))
    changed, deleted, moved = files[0], files[1], files[2]
    changed.write_text(changed.read_text(encoding="utf-8") + "\nКоррекция: уточнены сведения о дирижабле.", "utf-8")
    deleted.unlink()
    moved.rename(corpus / "renamed_article.txt")
    new = make_corpus(2, start=20, name="more")
    for f in new.glob("*.txt"):
        shutil.move(f, corpus / f.name)

    third = run_indexer("update", corpus, "--index", index, "--json")
    assert third.returncode == 0, third.stderr
    s = summary_of(third)
    assert (s["added"], s["updated"], s["deleted"], s["unchanged"]) == (3, 1, 2, 5)
    assert index_docs(index) == hashes_of(corpus)
    assert "renamed_article" in index_docs(index) and moved.name[:-4] not in index_docs(index)
    assert stored_body(index, changed.name[:-4]).endswith("уточнены сведения о дирижабле.")
    assert "indexed 3, updated 1, deleted 2, unchanged 5" in third.stderr


def test_update_publishes_one_generation_per_batch(make_corpus: MakeCorpus, tmp_path: Path) -> None:
    corpus, index = make_corpus(10), tmp_path / "index"
    proc = run_indexer("update", corpus, "--index", index, "--batch-size", "4", "--json")
    assert proc.returncode == 0, proc.stderr
    assert summary_of(proc)["batches"] == 3
    assert current_generation(index) == "gen-000003"
    assert proc.stderr.count("published gen-") == 3
    assert index_docs(index) == hashes_of(corpus)


def test_malformed_files_are_reported_and_skipped(make_corpus: MakeCorpus, tmp_path: Path) -> None:
    corpus, index = make_corpus(5), tmp_path / "index"
    (corpus / "cp1251.txt").write_bytes(" date 2024-04-15 Заголовок\nТекст статьи.".encode("cp1251"))
    (corpus / "no_header.txt").write_text("Просто текст без даты\nи ещё строка", encoding="utf-8")
    proc = run_indexer("update", corpus, "--index", index, "--json")
    assert proc.returncode == 1, proc.stderr
    s = summary_of(proc)
    assert s["added"] == 5 and s["documents"] == 5
    reasons = {Path(item["path"]).name: item["reason"] for item in s["skipped"]}
    assert reasons.keys() == {"cp1251.txt", "no_header.txt"}
    assert "not UTF-8" in reasons["cp1251.txt"] and "first line" in reasons["no_header.txt"]
    assert "cp1251.txt" in proc.stderr and "no_header.txt" in proc.stderr

    # A good file that turns bad keeps its indexed version: nothing is lost.
    good = sorted(p for p in corpus.glob("*.txt") if p.name not in reasons)[0]
    before = index_docs(index)[good.name[:-4]]
    good.write_bytes(b"\x00\x01 binary junk")
    proc = run_indexer("update", corpus, "--index", index, "--json")
    assert proc.returncode == 1
    assert index_docs(index)[good.name[:-4]] == before
    assert len(summary_of(proc)["skipped"]) == 3

    # ``build`` indexes what it can and still exits 0 (the summary lists the rest).
    proc = run_indexer("build", corpus, "--index", tmp_path / "built", "--json")
    assert proc.returncode == 0, proc.stderr
    assert summary_of(proc)["documents"] == 4 and len(summary_of(proc)["skipped"]) == 3


def test_nothing_indexable_keeps_the_old_index(make_corpus: MakeCorpus, tmp_path: Path) -> None:
    index = tmp_path / "index"
    missing = run_indexer("update", tmp_path / "nowhere", "--index", index)
    assert missing.returncode == 3 and "corpus folder not found" in missing.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    proc = run_indexer("update", empty, "--index", index)
    assert proc.returncode == 3 and current_generation(index) is None

    corpus = make_corpus(4)
    assert run_indexer("update", corpus, "--index", index).returncode == 0
    kept = index_docs(index)
    # An emptied folder (an unmounted share, a wrong path) must not empty the index.
    proc = run_indexer("update", empty, "--index", index)
    assert proc.returncode == 3 and "nothing was published" in proc.stderr
    # Nor may a rebuild from a folder of broken files.
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "a.txt").write_text("no header", encoding="utf-8")
    proc = run_indexer("build", broken, "--index", index)
    assert proc.returncode == 3
    assert index_docs(index) == kept


def test_index_that_cannot_be_written_or_read(make_corpus: MakeCorpus, tmp_path: Path) -> None:
    corpus = make_corpus(2)
    not_a_dir = tmp_path / "index-file"
    not_a_dir.write_text("this is a file, not a folder")
    proc = run_indexer("update", corpus, "--index", not_a_dir)
    assert proc.returncode == 4 and "index could not be written" in proc.stderr

    corrupt = tmp_path / "corrupt"
    (corrupt / "gen-000001").mkdir(parents=True)
    (corrupt / "gen-000001" / "_MAIN_1.toc").write_bytes(b"garbage")
    (corrupt / "CURRENT").symlink_to("gen-000001")
    assert run_indexer("update", corpus, "--index", corrupt).returncode == 4
    # The way out is a full build, which does not read the broken generation.
    assert run_indexer("build", corpus, "--index", corrupt).returncode == 0
    assert index_docs(corrupt) == hashes_of(corpus)


def test_second_writer_exits_75_or_waits(make_corpus: MakeCorpus, tmp_path: Path) -> None:
    corpus, index = make_corpus(3), tmp_path / "index"
    with writer_lock(index):
        busy = run_indexer("update", corpus, "--index", index)
    assert busy.returncode == 75
    assert "another indexer" in busy.stderr and "--wait" in busy.stderr
    assert current_generation(index) is None

    held = threading.Event()

    def hold_for_a_second() -> None:
        with writer_lock(index):
            held.set()
            time.sleep(1.0)

    holder = threading.Thread(target=hold_for_a_second)
    holder.start()
    held.wait(5)
    waited = run_indexer("update", corpus, "--index", index, "--wait", "30")
    holder.join()
    assert waited.returncode == 0, waited.stderr
    assert "waiting up to" in waited.stderr
    assert index_docs(index) == hashes_of(corpus)


def test_two_updaters_at_once_never_duplicate(make_corpus: MakeCorpus, tmp_path: Path) -> None:
    corpus, index = make_corpus(40), tmp_path / "index"
    for wait in ("120", "0"):
        for f in sorted(corpus.glob("*.txt"))[:10]:  # something for both to do each round
            f.write_text(f.read_text(encoding="utf-8") + f"\nДополнено ({wait}).", encoding="utf-8")
        cmd = indexer_cmd("update", corpus, "--index", index, "--wait", wait, "--batch-size", "15")
        procs = [subprocess.Popen(cmd, cwd=ROOT, env=cli_env(), stderr=subprocess.PIPE, text=True) for _ in range(2)]
        codes = sorted(p.wait(timeout=180) for p in procs)
        errors = [p.stderr.read() for p in procs]
        if wait == "120":
            assert codes == [0, 0], errors
        else:
            assert codes in ([0, 0], [0, 75]), errors
        assert index_docs(index) == hashes_of(corpus)


def test_help_documents_verbs_and_exit_codes() -> None:
    top = run_indexer("--help")
    assert top.returncode == 0
    for text in ("update", "watch", "stats", "optimize", "75", "malformed", "SIGKILL"):
        assert text in top.stdout
    update = run_indexer("update", "--help").stdout
    assert "--batch-size" in update and "--wait" in update and "--json" in update
    assert run_indexer("update").returncode == 2
