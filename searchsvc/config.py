"""Configuration objects, read from the environment in one place."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

#: Bounds of the per-query time budget (seconds); see ``searchsvc.search.run_search``.
MIN_TIME_BUDGET = 0.01
MAX_TIME_BUDGET = 20.0


class ConfigError(RuntimeError):
    """The service cannot start with this configuration."""


@dataclass(frozen=True)
class Config:
    """What the service needs to run."""

    index_dir: Path
    time_budget: float = 2.0

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Config:
        env = os.environ if environ is None else environ
        index_dir = env.get("SEARCH_INDEX_DIR", "").strip()
        if not index_dir:
            raise ConfigError("SEARCH_INDEX_DIR is not set: point it at an index built with `python -m indexer build`")
        raw = env.get("SEARCH_TIME_BUDGET", "2.0")
        try:
            budget = float(raw)
        except ValueError:
            raise ConfigError(f"SEARCH_TIME_BUDGET must be a number of seconds, not {raw!r}") from None
        if not MIN_TIME_BUDGET <= budget <= MAX_TIME_BUDGET:
            # Above the gunicorn worker timeout (30 s) a slow query would kill the
            # worker instead of coming back partial.
            bounds = f"between {MIN_TIME_BUDGET} and {MAX_TIME_BUDGET} seconds"
            raise ConfigError(f"SEARCH_TIME_BUDGET must be {bounds}, not {raw}")
        return cls(index_dir=Path(index_dir), time_budget=budget)
