"""Percentiles, the Markdown tables and the issue targets of ``bench/engines.py``."""

from __future__ import annotations

import math
from typing import Any

TITLES = {
    "whoosh": "Whoosh",
    "os1": "OpenSearch 1 node",
    "os3": "OpenSearch 3 nodes (3×1)",
    "fts5": "FTS5 (in-process)",
}
#: Issue targets for OpenSearch, 3 nodes, 100k documents, through our HTTP API.
TARGET_P95_MS = 30.0
TARGET_INDEX_RATIO = 3.0


def pct(values: list[float], p: float) -> float:
    """The p-th percentile, linearly interpolated between closest ranks (NaN for no values)."""
    if not values:
        return math.nan
    xs = sorted(values)
    k = (len(xs) - 1) * p / 100
    lo, hi = math.floor(k), math.ceil(k)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def _n(x: float | None, digits: int = 1) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    return f"{x:.{digits}f}"


def per_cpu(build: dict[str, Any]) -> float | None:
    """Documents per CPU-second of the build (indexer processes + the nodes' JVMs): the contention-proof figure."""
    cpu = build["indexer_cpu_s"] + (build["jvm_cpu_s"] or 0.0)
    return build["documents"] / cpu if cpu else None


def _find(results: list[dict], engine: str, size: str) -> dict | None:
    return next((r for r in results if r["engine"] == engine and r["size"] == size), None)


def targets(results: list[dict]) -> dict[str, Any]:
    """Where the OpenSearch 3-node figures stand against the issue's targets, per size measured."""
    out: dict[str, Any] = {}
    for r in results:
        if r["engine"] != "os3":
            continue
        whoosh = _find(results, "whoosh", r["size"])
        ratio = r["build"]["docs_per_s"] / whoosh["build"]["docs_per_s"] if whoosh else None
        cpu_ratio = None
        if whoosh and per_cpu(whoosh["build"]) and per_cpu(r["build"]):
            cpu_ratio = per_cpu(r["build"]) / per_cpu(whoosh["build"])
        out[r["size"]] = {
            "index_cpu_ratio_vs_whoosh": cpu_ratio,
            "p95_ms": r["http"]["p95_ms"],
            "p95_met": r["http"]["p95_ms"] <= TARGET_P95_MS,
            "index_ratio_vs_whoosh": ratio,
            "index_ratio_met": None if ratio is None else ratio >= TARGET_INDEX_RATIO,
        }
    return out


def render(results: list[dict], meta: dict[str, Any], extra: dict[str, Any]) -> str:
    head = (
        "| engine | size | docs | build s | docs/s | indexer CPU s | JVM CPU s | docs per CPU-s | p50 ms | p95 ms "
        "| p99 ms | 1w p95 | 2w p95 | 3w p95 | req/s | server CPU ms/req | JVM CPU ms/req | errors "
        "| load (build → query) |"
    )
    lines = [head, "|---|---|" + "---:|" * 16 + "---|"]
    for r in results:
        b, h = r["build"], r["http"]
        by = h.get("by_words", {})
        lines.append(
            f"| {TITLES.get(r['engine'], r['engine'])} | {r['size']}{' (synth)' if r.get('synthetic') else ''} "
            f"| {b['documents']:,} | {_n(b['seconds'])} | {_n(b['docs_per_s'])} | {_n(b['indexer_cpu_s'])} "
            f"| {_n(b['jvm_cpu_s'])} | {_n(per_cpu(b))} | {_n(h['p50_ms'], 2)} | {_n(h['p95_ms'], 2)} | {_n(h.get('p99_ms'), 2)} "
            f"| {_n(by.get('1w', {}).get('p95_ms'), 2)} | {_n(by.get('2w', {}).get('p95_ms'), 2)} "
            f"| {_n(by.get('3w', {}).get('p95_ms'), 2)} | {_n(h['rps'])} "
            f"| {_n(h.get('server_cpu_ms_per_request'), 2)} | {_n(h.get('jvm_cpu_ms_per_request'), 2)} | {h['errors']} "
            f"| {b['load_start']:.1f} → {h['load_start']:.1f} |"
        )
    out = ["\n".join(lines)]
    tg = extra.get("targets") or {}
    if tg:
        rows = [
            "| size | OS 3-node p95 ms (≤ 30) | OS 3-node docs/s ÷ Whoosh docs/s (≥ 3×) | same, per CPU-second |",
            "|---|---:|---:|---:|",
        ]
        for size, t in tg.items():
            ratio = t["index_ratio_vs_whoosh"]
            ok_p95 = "met" if t["p95_met"] else "not met"
            ok_ratio = "–" if ratio is None else ("met" if t["index_ratio_met"] else "not met")
            cpu_ratio = t.get("index_cpu_ratio_vs_whoosh")
            rows.append(
                f"| {size} | {_n(t['p95_ms'], 2)} ({ok_p95}) | {_n(ratio, 2)}× ({ok_ratio}) | {_n(cpu_ratio, 2)}× |"
            )
        out.append("\n".join(rows))
    prof = extra.get("profile")
    if prof:
        os_builds = {
            r["engine"]: r["build"] for r in results if r["size"] == prof["size"] and r["engine"] in ("os1", "os3")
        }
        rows = [
            f"Python-only cost of an OpenSearch build of {prof['size']} ({prof['documents']:,} docs, no cluster): "
            f"read+parse {prof['read_parse_s']:.1f} s, analyse {prof['analyse_s']:.1f} s, serialise "
            f"{prof['serialise_s']:.1f} s = {prof['python_total_s']:.1f} s wall, {prof['cpu_s']:.1f} s CPU "
            f"({prof['documents'] / prof['cpu_s']:.0f} docs per CPU-second; bulk payload "
            f"{prof['bulk_payload_mb']:.0f} MB)."
        ]
        for eng, b in os_builds.items():
            rows.append(
                f"- {TITLES[eng]}: build {b['seconds']:.1f} s wall, indexer CPU {b['indexer_cpu_s']:.1f} s, "
                f"JVM CPU {_n(b['jvm_cpu_s'])} s: parse + analyse + serialise are "
                f"{100 * prof['cpu_s'] / b['indexer_cpu_s']:.0f}% of the indexer's CPU and "
                f"{100 * prof['cpu_s'] / (b['indexer_cpu_s'] + (b['jvm_cpu_s'] or 0)):.0f}% of all CPU the build used."
            )
        out.append("\n".join(rows))
    out.append(
        f"{meta['cpus']} CPUs, Python {meta['python']}, load average at start {meta['load_start']:.2f}, "
        f"at end {meta.get('load_end', float('nan')):.2f}; {meta.get('seconds', 0):.0f} s in all. "
        f"Whoosh built with --procs {meta['whoosh_procs']}; gunicorn {meta['gunicorn_workers']} gthread workers; "
        f"{meta['queries']} queries × {meta['passes']} passes at {meta['clients']} client(s) after "
        f"{meta.get('warmup', 1)} warm-up pass(es)."
    )
    return "\n\n".join(out)


def main(argv: list[str] | None = None) -> int:
    """``python -m bench.engines_report FILE.json [MORE.json ...]``: the tables again, results merged in order."""
    import argparse
    import json
    from pathlib import Path

    p = argparse.ArgumentParser(prog="python -m bench.engines_report")
    p.add_argument("files", type=Path, nargs="+", help="JSON written by bench/engines.py --json")
    args = p.parse_args(argv)
    docs = [json.loads(f.read_text(encoding="utf-8")) for f in args.files]
    results = [r for d in docs for r in d["results"]]
    extra: dict[str, Any] = {"targets": targets(results)}
    profile = next((d["profile"] for d in docs if d.get("profile")), None)
    if profile:
        extra["profile"] = profile
    print(render(results, docs[0]["meta"], extra))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
