"""Configuration objects, read from the environment in one place."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


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
        try:
            budget = float(env.get("SEARCH_TIME_BUDGET", "2.0"))
        except ValueError:
            raise ConfigError("SEARCH_TIME_BUDGET must be a number of seconds") from None
        return cls(index_dir=Path(index_dir), time_budget=budget)
