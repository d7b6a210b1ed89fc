"""The OpenSearch engine: :class:`OpenSearchBackend` (reading) and :class:`OpenSearchStore` (writing).

Analysis stays in Python (``analyzers``): documents are indexed as our own
terms, space-joined into whitespace-only fields, and queries arrive as index
terms, so both engines see the same terms. Configure with ``OPENSEARCH_*``
environment variables (:class:`OpenSearchSettings`).
"""

from backends.opensearch.backend import OpenSearchBackend
from backends.opensearch.reader import OpenSearchReader
from backends.opensearch.settings import OpenSearchSettings, SettingsError
from backends.opensearch.store import OpenSearchBatch, OpenSearchStore

__all__ = [
    "OpenSearchBackend",
    "OpenSearchBatch",
    "OpenSearchReader",
    "OpenSearchSettings",
    "OpenSearchStore",
    "SettingsError",
]
