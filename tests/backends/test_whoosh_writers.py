"""The compact posting pool writes the segment Whoosh's own pool writes.

The same articles go through Whoosh's stock ``SegmentWriter`` and through
ours (with a pool so small it spills a run every few documents, so the run
merge is exercised); every posting (field, term, document, weight, encoded
positions), every field length and every stored field must be equal. The
multiprocess writer is compared per document id (which worker got which
document is up to the job queue).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from whoosh.filedb.filestore import FileStorage
from whoosh.index import Index
from whoosh.writing import SegmentWriter

from backends.whoosh.codec import KazruCodec
from backends.whoosh.schema import build_schema, document_fields
from backends.whoosh.writers import CompactSegmentWriter, ParallelWriter
from indexer.corpus import read_article

SAMPLE = Path(__file__).resolve().parent.parent.parent / "data" / "sample"


@pytest.fixture(scope="module")
def docs() -> list[dict[str, str]]:
    return [document_fields(read_article(p)) for p in sorted(SAMPLE.glob("*.txt"))[:80]]


def _build(folder: Path, docs: list[dict[str, str]], make: Callable[[Index], SegmentWriter]) -> Index:
    folder.mkdir()
    ix = FileStorage(str(folder)).create_index(build_schema())
    writer = make(ix)
    for fields in docs:
        writer.add_document(**fields)
    writer.commit()
    return ix


def _by_id(ix: Index) -> dict[str, object]:
    """Everything the index holds, keyed by document id instead of docnum."""
    with ix.reader() as r:
        ids = {d: r.stored_fields(d)["id"] for d in r.all_doc_ids()}
        postings = sorted((f, t, ids[d], w, v) for f, t, d, w, v in r.iter_postings())
        # A segment without a document of some language has no length column for its fields: 0, not None.
        lengths = sorted((ids[d], f, r.doc_field_length(d, f) or 0) for d in ids for f in r.schema.scorable_names())
        stored = sorted((ids[d], sorted(r.stored_fields(d).items())) for d in ids)
        return {"postings": postings, "lengths": lengths, "stored": stored, "segments": len(r.leaf_readers())}


def test_compact_pool_writes_what_whoosh_writes(tmp_path: Path, docs: list[dict[str, str]]) -> None:
    stock = _build(tmp_path / "stock", docs, lambda ix: SegmentWriter(ix))
    ours = _build(tmp_path / "ours", docs, lambda ix: CompactSegmentWriter(ix, limitmb=0.05, codec=KazruCodec()))
    with stock.reader() as a, ours.reader() as b:
        assert list(a.iter_postings()) == list(b.iter_postings())
    assert _by_id(stock) == _by_id(ours)
    assert not list((tmp_path / "ours").rglob("*.run")), "spilled runs are removed after the commit"


def test_parallel_writer_holds_the_same_documents(tmp_path: Path, docs: list[dict[str, str]]) -> None:
    stock = _build(tmp_path / "stock", docs, lambda ix: SegmentWriter(ix))
    ours = _build(
        tmp_path / "ours", docs, lambda ix: ParallelWriter(ix, procs=2, limitmb=0.2, codec=KazruCodec(), batchsize=10)
    )
    a, b = _by_id(stock), _by_id(ours)
    assert b["segments"] == 2
    assert {k: v for k, v in a.items() if k != "segments"} == {k: v for k, v in b.items() if k != "segments"}
