"""Whoosh writers with :class:`~backends.whoosh.pool.CompactPool`, in one process or several.

``SegmentWriter`` builds its posting pool in its constructor and Whoosh's
multiprocessing writer builds its sub-writers inside the worker processes, so
the pool is swapped in a ``SegmentWriter`` subclass and the workers are a
``SubWriterTask`` whose ``run`` creates that subclass (the same loop as
Whoosh's own, in multisegment mode: each worker writes its own segment).
"""

from __future__ import annotations

from whoosh.index import Index
from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.writing import SegmentWriter

from backends.whoosh.pool import CompactPool


class CompactSegmentWriter(SegmentWriter):
    """Whoosh's segment writer with the compact posting pool."""

    def __init__(self, ix: Index, limitmb: float = 128, **kwargs: object) -> None:
        super().__init__(ix, limitmb=limitmb, **kwargs)
        self.pool = CompactPool(self._tempstorage.folder, limitmb)


class _CompactTask(SubWriterTask):
    """A worker process: documents from the job queue into its own segment."""

    def run(self) -> None:
        ix = self.storage.open_index(self.indexname)
        writer = self.writer = CompactSegmentWriter(ix, _lk=False, **self.kwargs)
        while self.running:
            jobinfo = self.jobqueue.get()
            if jobinfo is None:
                break
            self._process_file(*jobinfo)
        if not self.running:
            writer.cancel()
            return
        fieldnames = writer.pool.fieldnames
        segment = writer._finalize_segment()
        self.resultqueue.put((None, fieldnames, segment), timeout=5)


class ParallelWriter(MpWriter):
    """Whoosh's multiprocessing writer, one new segment per worker, compact pools throughout."""

    def __init__(self, ix: Index, procs: int, limitmb: float = 128, **kwargs: object) -> None:
        super().__init__(ix, procs=procs, multisegment=True, limitmb=limitmb, **kwargs)
        self.pool = CompactPool(self._tempstorage.folder, limitmb)  # merges of small segments land here

    def _new_task(self) -> SubWriterTask:
        task = _CompactTask(
            self.storage, self.indexname, self.jobqueue, self.resultqueue, self.subargs, self.multisegment
        )
        self.tasks.append(task)
        task.start()
        return task
