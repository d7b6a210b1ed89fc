"""The bench's results as Markdown tables: per size, and how figures grow."""

from __future__ import annotations

from typing import Any

CLASSES = ("all", "dev", "word", "phrase", "filtered", "faceted")

Row = tuple[str, float | None, float | None]


def _rows(fig: dict[str, Any]) -> list[Row]:
    b, u, s = fig["build"], fig["update"], fig["size"]
    rows: list[Row] = [
        ("build: docs/s", b["ours"]["docs_per_s"], b["fts5"]["docs_per_s"]),
        ("build: MB text/s", b["ours"]["mb_per_s"], b["fts5"]["mb_per_s"]),
        ("build: seconds", b["ours"]["seconds"], b["fts5"]["seconds"]),
        ("build: CPU seconds (all processes)", b["ours"].get("cpu_seconds"), b["fts5"].get("cpu_seconds")),
        ("build: docs per CPU-second", b["ours"].get("docs_per_cpu_s"), b["fts5"].get("docs_per_cpu_s")),
        ("build: peak RSS MB", b["ours"]["peak_rss_mb"], b["fts5"]["peak_rss_mb"]),
        (f"update +{u['new_docs']} docs: seconds", u["ours"]["seconds"], u["fts5"]["seconds"]),
        ("update: % of full build time", u["ours"]["pct_of_build"], u["fts5"]["pct_of_build"]),
        ("update: peak RSS MB", u["ours"]["peak_rss_mb"], u["fts5"]["peak_rss_mb"]),
        ("index size MB", s["ours_mb"], s["fts5_mb"]),
        ("index size ÷ text size", s["ours_mb"] / s["text_mb"], s["fts5_mb"] / s["text_mb"]),
    ]
    q = fig["query"]
    for c in CLASSES:
        if c in q["ours"]:
            for p in ("p50", "p95") + (("p99",) if c == "all" else ()):
                rows.append((f"in-process {c} {p} ms", q["ours"][c][p], q["fts5"][c][p]))
    if "http" in fig:
        h = fig["http"]
        for c in CLASSES:
            if c in h["ours"]["latency"]:
                for p in ("p50", "p95", "p99"):
                    if c == "all" or p == "p95":
                        rows.append((f"HTTP {c} {p} ms", h["ours"]["latency"][c][p], h["fts5"]["latency"][c][p]))
        for clients, t in h["ours"]["throughput"].items():
            rows.append((f"HTTP req/s, {clients} clients", t["rps"], h["fts5"]["throughput"][clients]["rps"]))
        errs = sum(t["errors"] for t in h["ours"]["throughput"].values()) + h["ours"]["latency"]["all"].get("errors", 0)
        errs_b = sum(t["errors"] for t in h["fts5"]["throughput"].values()) + h["fts5"]["latency"]["all"].get(
            "errors", 0
        )
        rows.append(("HTTP errors", errs, errs_b))
        rows.append(("server RSS MB (master + workers)", h["ours"]["server_rss_mb"], h["fts5"]["server_rss_mb"]))
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


def render(results: dict[str, Any]) -> str:
    steps: dict[str, Any] = results["steps"]
    out = []
    for name, fig in steps.items():
        out.append(f"\n### corpus {name}: {fig['docs']} articles, {fig['text_mb']:.1f} MB of text\n")
        out.append("| figure | ours | FTS5 | ours ÷ FTS5 |")
        out.append("|---|---:|---:|---:|")
        for label, a, b in _rows(fig):
            out.append(f"| {label} | {_fmt(a)} | {_fmt(b)} | {_ratio(a, b)} |")
    if len(steps) > 1:
        names = list(steps)
        out.append("\n### growth with corpus size (ours; ours ÷ FTS5 in brackets)\n")
        out.append("| figure | " + " | ".join(f"{n} ({steps[n]['docs']})" for n in names) + " |")
        out.append("|---|" + "---:|" * len(names))
        table = {n: _rows(steps[n]) for n in names}
        for i, (label, _, _) in enumerate(table[names[0]]):
            cells = []
            for n in names:
                rows = table[n]
                if i < len(rows) and rows[i][0] == label:
                    cells.append(f"{_fmt(rows[i][1])} ({_ratio(rows[i][1], rows[i][2])})")
                else:
                    cells.append("–")
            out.append(f"| {label} | " + " | ".join(cells) + " |")
    m = results["machine"]
    out.append(
        f"\n{m['cpus']} CPUs, Python {m['python']}, load average at start {m['load_at_start'][0]:.2f}, "
        f"at end {m.get('load_at_end', [0])[0]:.2f}; {results.get('seconds', 0):.0f} s in all."
    )
    return "\n".join(out)
