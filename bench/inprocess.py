"""In-process query latency: ours, FTS5 and tantivy on the same requests.

Every engine answers each request with the top 10, snippets, the total and
both facet counts. Requests alternate between the engines (ours, FTS5,
tantivy, next request...) so background load hits all of them alike.
Optionally a cProfile of our engine over the same requests (``profile``).
"""

from __future__ import annotations

import cProfile
import io
import pstats
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import fts5, tantivy_baseline
from bench.ours import Ours
from bench.queries import EVERYDAY, Query
from bench.stats import median_dicts, pcts

ENGINES = ("ours", "fts5", "tantivy")


def _req(cls: Any, params: dict[str, object]) -> Any:
    langs = params.get("lang")
    return cls(
        q=str(params["q"]),
        langs=(str(langs),) if langs else (),
        date_from=params.get("date_from"),
        date_to=params.get("date_to"),
    )


def _summarise(samples: dict[str, list[float]]) -> dict[str, dict[str, float]]:
    out = {label: pcts(v) for label, v in samples.items()}
    out["all"] = pcts([x for v in samples.values() for x in v])
    out["everyday"] = pcts([x for label in EVERYDAY for x in samples.get(label, [])])
    return out


def callers(index: Path, db: Path, tv: Path | None) -> dict[str, Callable[[dict[str, object]], Any]]:
    """One search function per engine, each taking the bench's request parameters."""
    ours = Ours(index)
    conn = fts5.connect(db)
    out: dict[str, Callable[[dict[str, object]], Any]] = {
        "ours": ours.search,
        "fts5": lambda p: fts5.search(conn, _req(fts5.Request, p)),
    }
    if tv is not None:
        engine = tantivy_baseline.Engine(tv)
        out["tantivy"] = lambda p: engine.search(_req(tantivy_baseline.Request, p))
    return out


def measure(index: Path, db: Path, tv: Path | None, queries: list[Query], runs: int) -> dict[str, object]:
    engines = callers(index, db, tv)
    for _, params in queries:  # warm-up: caches, page cache, searchers
        for search in engines.values():
            search(params)
    per_run: dict[str, list[dict[str, dict[str, float]]]] = {eng: [] for eng in engines}
    for _ in range(runs):
        samples: dict[str, dict[str, list[float]]] = {eng: {} for eng in engines}
        for label, params in queries:
            for eng, search in engines.items():
                t0 = time.perf_counter()
                search(params)
                samples[eng].setdefault(label, []).append((time.perf_counter() - t0) * 1000)
        for eng in engines:
            per_run[eng].append(_summarise(samples[eng]))
    result: dict[str, object] = {}
    for eng, runs_ in per_run.items():
        result[eng] = {label: median_dicts([r[label] for r in runs_]) for label in runs_[0]}
    return result


def profile(index: Path, queries: list[Query], top: int = 25) -> str:
    """cProfile of our engine over the everyday queries (after a warm-up pass)."""
    ours = Ours(index)
    wanted = [p for label, p in queries if label in EVERYDAY]
    for p in wanted:
        ours.search(p)
    prof = cProfile.Profile()
    prof.enable()
    for p in wanted:
        ours.search(p)
    prof.disable()
    out = io.StringIO()
    stats = pstats.Stats(prof, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return out.getvalue()
