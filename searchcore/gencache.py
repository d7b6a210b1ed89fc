"""A value computed once per index generation and shared by all threads.

Some page features need a pass over the whole index (the completion
vocabulary, the name statistics behind "the same story in the other
language"). They are worth building once per published generation, not per
request, and must be rebuilt when the indexer publishes a new one.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

from backends.base import Reader

log = logging.getLogger(__name__)
T = TypeVar("T")


class PerGeneration(Generic[T]):
    """Holds ``build(reader)`` for the newest index state only (keyed by ``Reader.key``)."""

    def __init__(self, name: str, build: Callable[[Reader], T]) -> None:
        self.name = name
        self._build = build
        self._lock = threading.Lock()
        self._key: str | None = None
        self._value: T | None = None

    def get(self, reader: Reader) -> T:
        """The value built from the index state ``reader`` sees."""
        key = reader.key
        value = self._value
        if self._key == key and value is not None:
            return value
        with self._lock:
            if self._key != key or self._value is None:
                started = time.perf_counter()
                self._value = self._build(reader)
                self._key = key
                log.info("%s built for %s in %.2fs", self.name, key, time.perf_counter() - started)
            return self._value
