"""Choosing and opening an engine: ``whoosh`` (embedded default) or ``opensearch``.

The web service reads the choice from the environment, the indexer from its
flags; both end up here, so the two always open the same index the same way.
The OpenSearch client is imported only when that engine is chosen: the
embedded default runs with nothing else installed or running.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from backends.base import Backend, BackendError, Store
from searchcore.ranking import DEFAULT, Ranking

BACKENDS = ("whoosh", "opensearch")


class EngineConfigError(BackendError):
    """The engine cannot be opened with this configuration (says which setting)."""


@dataclass(frozen=True)
class EngineConfig:
    """Where the index lives. ``index_dir`` for Whoosh; ``opensearch`` settings for a cluster."""

    backend: str = "whoosh"
    index_dir: Path | None = None
    opensearch: Any = None  # backends.opensearch.settings.OpenSearchSettings
    shards: int = 1
    replicas: int = 0

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> EngineConfig:
        """``SEARCH_BACKEND`` (default whoosh); ``SEARCH_INDEX_DIR`` or ``OPENSEARCH_*``."""
        env = os.environ if environ is None else environ
        backend = env.get("SEARCH_BACKEND", "whoosh").strip().lower() or "whoosh"
        if backend not in BACKENDS:
            raise EngineConfigError(f"SEARCH_BACKEND must be one of {', '.join(BACKENDS)}, not {backend!r}")
        if backend == "whoosh":
            index_dir = env.get("SEARCH_INDEX_DIR", "").strip()
            if not index_dir:
                raise EngineConfigError(
                    "SEARCH_INDEX_DIR is not set: point it at an index built with `python -m indexer build`"
                )
            return cls("whoosh", index_dir=Path(index_dir))
        return cls("opensearch", opensearch=_opensearch_settings(env))


def _opensearch_settings(env: Mapping[str, str]) -> Any:
    from backends.opensearch.settings import OpenSearchSettings

    try:
        return OpenSearchSettings.from_env(dict(env))
    except (ValueError, KeyError) as exc:
        raise EngineConfigError(str(exc)) from exc


def opensearch_settings(url: str, index_name: str | None = None, environ: Mapping[str, str] | None = None) -> Any:
    """Settings from the environment's auth/TLS options, with the URL (and alias) given."""
    env = dict(os.environ if environ is None else environ)
    env["OPENSEARCH_URL"] = url
    if index_name:
        env["OPENSEARCH_INDEX"] = index_name
    return _opensearch_settings(env)


def open_backend(cfg: EngineConfig, ranking: Ranking = DEFAULT) -> Backend:
    """The reading side of the configured engine (raises a clear error when it cannot be used)."""
    if cfg.backend == "opensearch":
        from backends.opensearch import OpenSearchBackend

        return OpenSearchBackend(cfg.opensearch, bm25=ranking.bm25)
    from backends.whoosh import WhooshBackend

    if cfg.index_dir is None:
        raise EngineConfigError("the Whoosh backend needs an index folder")
    return WhooshBackend(cfg.index_dir, bm25=ranking.bm25)


def open_store(cfg: EngineConfig, procs: int = 1, ranking: Ranking = DEFAULT) -> Store:
    """The writing side of the configured engine."""
    if cfg.backend == "opensearch":
        from backends.opensearch import OpenSearchStore

        return OpenSearchStore(
            cfg.opensearch,
            shards=cfg.shards,
            replicas=cfg.replicas,
            bm25=ranking.bm25,
            analysis_workers=procs if procs > 1 else 0,  # --procs N analyses in N worker processes
        )
    from backends.whoosh import WhooshStore

    if cfg.index_dir is None:
        raise EngineConfigError("the Whoosh backend needs an index folder (--index)")
    return WhooshStore(cfg.index_dir, procs=procs)
