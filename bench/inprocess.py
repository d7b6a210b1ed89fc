"""In-process query latency: ``run_search`` against FTS5's ``search``, same requests.

Both engines answer each request with the top 10, snippets, the total and
both facet counts. Requests alternate between the engines so background load
hits both alike.
"""

from __future__ import annotations

import time
from pathlib import Path

from bench import fts5
from bench.queries import Query
from bench.stats import median_dicts, pcts
from searchsvc.index_access import IndexAccess
from searchsvc.search import SearchRequest, run_search


def _ours_request(params: dict[str, object]) -> SearchRequest:
    langs = params.get("lang")
    return SearchRequest(
        q=str(params["q"]),
        langs=(str(langs),) if langs else (),
        date_from=params.get("date_from"),  # type: ignore[arg-type]
        date_to=params.get("date_to"),  # type: ignore[arg-type]
    )


def _fts_request(params: dict[str, object]) -> fts5.Request:
    langs = params.get("lang")
    return fts5.Request(
        q=str(params["q"]),
        langs=(str(langs),) if langs else (),
        date_from=params.get("date_from"),  # type: ignore[arg-type]
        date_to=params.get("date_to"),  # type: ignore[arg-type]
    )


def _summarise(samples: dict[str, list[float]]) -> dict[str, dict[str, float]]:
    out = {label: pcts(v) for label, v in samples.items()}
    out["all"] = pcts([x for v in samples.values() for x in v])
    return out


def measure(index: Path, db: Path, queries: list[Query], runs: int) -> dict[str, object]:
    access = IndexAccess(index)
    conn = fts5.connect(db)
    ours_req = [(label, _ours_request(p)) for label, p in queries]
    fts_req = [(label, _fts_request(p)) for label, p in queries]
    for (_, a), (_, b) in zip(ours_req, fts_req, strict=True):  # warm-up: caches, page cache, searcher
        run_search(access, a)
        fts5.search(conn, b)
    per_run: dict[str, list[dict[str, dict[str, float]]]] = {"ours": [], "fts5": []}
    for _ in range(runs):
        ours: dict[str, list[float]] = {}
        base: dict[str, list[float]] = {}
        for (label, a), (_, b) in zip(ours_req, fts_req, strict=True):
            t0 = time.perf_counter()
            run_search(access, a)
            t1 = time.perf_counter()
            fts5.search(conn, b)
            t2 = time.perf_counter()
            ours.setdefault(label, []).append((t1 - t0) * 1000)
            base.setdefault(label, []).append((t2 - t1) * 1000)
        per_run["ours"].append(_summarise(ours))
        per_run["fts5"].append(_summarise(base))
    conn.close()
    result: dict[str, object] = {}
    for eng, runs_ in per_run.items():
        labels = runs_[0].keys()
        result[eng] = {label: median_dicts([r[label] for r in runs_]) for label in labels}
    return result
