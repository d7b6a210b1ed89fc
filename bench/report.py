"""The bench's results as Markdown tables: a summary across sizes with the
issue-12 targets, then every figure per size (ours, FTS5, tantivy, ratios)."""

from __future__ import annotations

from typing import Any

CLASSES = ("everyday", "all", "dev", "word", "words", "phrase", "filtered", "faceted")
ENGINES = ("ours", "fts5", "tantivy")
#: Build speed before issue 12 (10,000 synthetic articles, procs 2): the "2× today's articles/s" target.
BUILD_DOCS_PER_S_BEFORE = 54.0

Row = tuple[str, float | None, float | None, float | None]


def _get(d: Any, *keys: str) -> float | None:
    for k in keys:
        if not isinstance(d, dict) or k not in d:
            return None
        d = d[k]
    return d  # type: ignore[no-any-return]


def _rows(fig: dict[str, Any]) -> list[Row]:
    b, u, s = fig["build"], fig["update"], fig["size"]

    def build(key: str) -> tuple[float | None, float | None, float | None]:
        return tuple(_get(b, eng, key) for eng in ENGINES)  # type: ignore[return-value]

    rows: list[Row] = [
        ("build: docs/s", *build("docs_per_s")),
        ("build: MB text/s", *build("mb_per_s")),
        ("build: seconds", *build("seconds")),
        ("build: CPU seconds (all processes)", *build("cpu_seconds")),
        ("build: docs per CPU-second", *build("docs_per_cpu_s")),
        ("build: peak RSS MB", *build("peak_rss_mb")),
        (f"update +{u['new_docs']} docs: seconds", u["ours"]["seconds"], u["fts5"]["seconds"], None),
        ("update: % of full build time", u["ours"]["pct_of_build"], u["fts5"]["pct_of_build"], None),
        ("update: peak RSS MB", u["ours"]["peak_rss_mb"], u["fts5"]["peak_rss_mb"], None),
        ("index size MB", s["ours_mb"], s["fts5_mb"], s.get("tantivy_mb")),
        (
            "index size ÷ text size",
            s["ours_mb"] / s["text_mb"],
            s["fts5_mb"] / s["text_mb"],
            s["tantivy_mb"] / s["text_mb"] if "tantivy_mb" in s else None,
        ),
    ]
    q = fig.get("query")
    if q:
        for c in CLASSES:
            if c in q["ours"]:
                for p in ("p50", "p95") + (("p99",) if c == "all" else ()):
                    rows.append((f"in-process {c} {p} ms", *(_get(q, eng, c, p) for eng in ENGINES)))  # type: ignore[arg-type]
    h = fig.get("http")
    if h:
        for c in CLASSES:
            if c in h["ours"]["latency"]:
                for p in ("p50", "p95", "p99"):
                    if c in ("all", "everyday") or p == "p95":
                        rows.append((f"HTTP {c} {p} ms", *(_get(h, eng, "latency", c, p) for eng in ENGINES)))  # type: ignore[arg-type]
        for clients in h["ours"]["throughput"]:
            rows.append(
                (f"HTTP req/s, {clients} clients", *(_get(h, eng, "throughput", clients, "rps") for eng in ENGINES))  # type: ignore[arg-type]
            )

        def errors(eng: str) -> float | None:
            if eng not in h:
                return None
            t = h[eng]
            return sum(x["errors"] for x in t["throughput"].values()) + t["latency"]["all"].get("errors", 0)

        rows.append(("HTTP errors", *(errors(eng) for eng in ENGINES)))  # type: ignore[arg-type]
        served = _get(h, "ours", "requests_served")
        label = f"server RSS MB (master + workers, after {served:.0f} requests)" if served else "server RSS MB"
        rows.append((label, *(_get(h, eng, "server_rss_mb") for eng in ENGINES)))  # type: ignore[arg-type]
    return rows


def _fmt(x: float | None) -> str:
    if x is None:
        return "–"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}"
    return f"{x:.2f}"


def _ratio(a: float | None, b: float | None) -> str:
    if a is None or b is None or b == 0:
        return "–"
    return f"{a / b:.2f}×"


def _check(ok: bool | None) -> str:
    return "–" if ok is None else ("yes" if ok else "**no**")


def summary(steps: dict[str, Any]) -> list[str]:
    """One line per size: the figures the issue-12 targets are stated in."""
    out = [
        "| corpus | docs | everyday p50 / p95 ms: ours | FTS5 | tantivy | ours ÷ FTS5 p95 "
        "| HTTP everyday p50 / p95 ms: ours | FTS5 | build docs/s: ours | FTS5 | tantivy "
        "| build peak RSS MB: ours | server RSS MB: ours |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, fig in steps.items():
        q, h, b = fig.get("query", {}), fig.get("http", {}), fig["build"]

        def pp(src: Any, *path: str) -> str:
            a, c = _get(src, *path, "p50"), _get(src, *path, "p95")
            return "–" if a is None else f"{_fmt(a)} / {_fmt(c)}"

        out.append(
            f"| {name} | {fig['docs']:,} | {pp(q, 'ours', 'everyday')} | {pp(q, 'fts5', 'everyday')} "
            f"| {pp(q, 'tantivy', 'everyday')} "
            f"| {_ratio(_get(q, 'ours', 'everyday', 'p95'), _get(q, 'fts5', 'everyday', 'p95'))} "
            f"| {pp(h, 'ours', 'latency', 'everyday')} | {pp(h, 'fts5', 'latency', 'everyday')} "
            f"| {_fmt(_get(b, 'ours', 'docs_per_s'))} | {_fmt(_get(b, 'fts5', 'docs_per_s'))} "
            f"| {_fmt(_get(b, 'tantivy', 'docs_per_s'))} | {_fmt(_get(b, 'ours', 'peak_rss_mb'))} "
            f"| {_fmt(_get(h, 'ours', 'server_rss_mb'))} |"
        )
    return out


def targets(steps: dict[str, Any]) -> list[str]:
    """The issue-12 targets, each with the measured figure (ratios from the same run)."""

    def p95(step: str, eng: str, where: str = "query") -> float | None:
        fig = steps.get(step, {})
        return (
            _get(fig, where, eng, "everyday", "p95")
            if where == "query"
            else _get(fig, "http", eng, "latency", "everyday", "p95")
        )

    rows: list[tuple[str, str, bool | None]] = []
    for step in ("2k", "10k"):
        a, b = p95(step, "ours"), p95(step, "fts5")
        if a is not None and b:
            rows.append((f"{step}: everyday p95 ≤ 1.0× FTS5 (in-process)", f"{a / b:.2f}×", a <= b))
    h = p95("2k", "ours", "http")
    if h is not None:
        rows.append(("2k: HTTP everyday p95 ≤ 30 ms", f"{h:.1f} ms", h <= 30))
    a, b = p95("100k", "ours"), p95("10k", "ours")
    if a is not None and b:
        rows.append(("p95 at 100k ≤ 3× p95 at 10k (ours)", f"{a / b:.2f}×", a <= 3 * b))
    for step in ("10k", "100k"):
        d = _get(steps.get(step, {}), "build", "ours", "docs_per_s")
        if d is not None:
            rows.append(
                (
                    f"{step}: build ≥ 2× {BUILD_DOCS_PER_S_BEFORE:g} docs/s",
                    f"{d:.0f} docs/s",
                    d >= 2 * BUILD_DOCS_PER_S_BEFORE,
                )
            )
    peak = _get(steps.get("100k", {}), "build", "ours", "peak_rss_mb")
    if peak is not None:
        rows.append(("100k: build peak RSS ≤ 1 GB", f"{peak:,.0f} MB", peak <= 1000))
    rss = _get(steps.get("100k", {}), "http", "ours", "server_rss_mb")
    if rss is not None:
        rows.append(("100k: server RSS ≤ 500 MB after 1,000 queries", f"{rss:,.0f} MB", rss <= 500))
    if not rows:
        return []
    out = ["| target | measured | met |", "|---|---:|---|"]
    out += [f"| {t} | {m} | {_check(ok)} |" for t, m, ok in rows]
    return out


def render(results: dict[str, Any]) -> str:
    steps: dict[str, Any] = results["steps"]
    out = ["\n### summary (everyday = 1–3-word queries: top 10, snippets, both facets)\n"]
    out += summary(steps)
    t = targets(steps)
    if t:
        out += ["\n### issue-12 targets\n", *t]
    for name, fig in steps.items():
        kind = "synthetic (synth.py), " if fig.get("synthetic") else ""
        out.append(f"\n### corpus {name}: {fig['docs']} articles, {kind}{fig['text_mb']:.1f} MB of text\n")
        out.append("| figure | ours | FTS5 | tantivy | ours ÷ FTS5 | ours ÷ tantivy |")
        out.append("|---|---:|---:|---:|---:|---:|")
        for label, a, b, c in _rows(fig):
            out.append(f"| {label} | {_fmt(a)} | {_fmt(b)} | {_fmt(c)} | {_ratio(a, b)} | {_ratio(a, c)} |")
    m = results["machine"]
    out.append(
        f"\n{m['cpus']} CPUs, Python {m['python']}, load average at start {m['load_at_start'][0]:.2f}, "
        f"at end {m.get('load_at_end', [0])[0]:.2f}; {results.get('seconds', 0):.0f} s in all."
    )
    return "\n".join(out)
