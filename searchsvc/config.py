"""Configuration objects, read from the environment in one place."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from searchcore.engines import EngineConfig, EngineConfigError

#: Bounds of the per-query time budget (seconds); see ``searchsvc.search.run_search``.
MIN_TIME_BUDGET = 0.01
MAX_TIME_BUDGET = 20.0


class ConfigError(RuntimeError):
    """The service cannot start with this configuration."""


@dataclass(frozen=True)
class Config:
    """What the service needs to run: the engine (a Whoosh ``index_dir`` by default) and the time budget."""

    index_dir: Path | None = None
    time_budget: float = 2.0
    engine: EngineConfig | None = None

    @property
    def engine_config(self) -> EngineConfig:
        return self.engine or EngineConfig("whoosh", index_dir=self.index_dir)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Config:
        env = os.environ if environ is None else environ
        try:
            engine = EngineConfig.from_env(env)
        except EngineConfigError as exc:
            raise ConfigError(str(exc)) from None
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
        return cls(index_dir=engine.index_dir, time_budget=budget, engine=engine)
