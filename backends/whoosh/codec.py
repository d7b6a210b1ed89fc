"""Whoosh's W3 codec with field lengths answered from arrays.

When a writer flushes a segment, Whoosh asks the length of the posting's
field in its document for every single posting (for the block statistics),
each time through a column reader: a seek, a read and a byte decode, about a
tenth of a build's CPU. This codec's per-document reader reads each length
column once into an array and answers from it, with exactly the values
Whoosh's reader gives.

The codec is pickled into every segment it writes, so this class stays an
importable top-level class with plain-data state (as the analyzers do).
"""

from __future__ import annotations

from array import array

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3Codec, W3PerDocReader, _lenfield
from whoosh.util.numeric import byte_to_length


def _decode_lengths(perdoc: W3PerDocReader, fieldname: str) -> array | None:
    column = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    if column is None:
        return None
    codes = column.load()  # one length byte per document
    return array("I", (byte_to_length(b) if b else 0 for b in codes))


def segment_lengths(perdoc: W3PerDocReader, fieldname: str) -> array | None:
    """A field's length in every document of a segment (0 where Whoosh answers None),
    or None when the segment has no length column for it. Shared with the segment's
    :class:`ArrayLengthsReader` when it has one."""
    if isinstance(perdoc, ArrayLengthsReader):
        return perdoc.lengths(fieldname)
    return _decode_lengths(perdoc, fieldname)


class ArrayLengthsReader(W3PerDocReader):
    """A per-document reader whose ``doc_field_length`` reads each column once."""

    def __init__(self, storage: object, segment: object) -> None:
        super().__init__(storage, segment)
        self._length_arrays: dict[str, array | None] = {}

    def lengths(self, fieldname: str) -> array | None:
        if fieldname not in self._length_arrays:
            self._length_arrays[fieldname] = _decode_lengths(self, fieldname)  # a race decodes it twice, harmlessly
        return self._length_arrays[fieldname]

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int | None:
        if docnum > self._doccount:
            raise IndexError(f"Asked for docnum {docnum!r} of {self._doccount}")
        lengths = self.lengths(fieldname)
        if lengths is None:
            return default
        return lengths[docnum] or None


class KazruCodec(W3Codec):
    """W3 postings and columns, with :class:`ArrayLengthsReader`."""

    def per_document_reader(self, storage: object, segment: object) -> W3PerDocReader:
        return ArrayLengthsReader(storage, segment)
