"""The bench script runs end to end on a tiny corpus and reports every figure.

Only the shape of the output is checked (no timing assertions: timings
belong in the bench's own table, as ratios against FTS5).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"


@pytest.mark.skipif(not (SHARED / "corpus" / "bench" / "expand.py").exists(), reason="shared bench corpus not present")
def test_quick_bench_prints_table_and_writes_json(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    proc = subprocess.run(
        [
            sys.executable,
            "bench/run.py",
            "--quick",
            "--limit",
            "12",
            "--per-class",
            "2",
            "--max-requests",
            "12",
            "--clients",
            "1,4",
            "--work",
            str(tmp_path / "work"),
            "--json",
            str(out),
            "--port",
            "8409",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    table = proc.stdout
    for row in (
        "build: docs/s",
        "update: % of full build time",
        "index size ÷ text size",
        "in-process all p95 ms",
        "in-process everyday p95 ms",
        "HTTP all p95 ms",
        "HTTP everyday p95 ms",
        "HTTP req/s, 4 clients",
        "HTTP errors",
        "server RSS MB",
    ):
        assert row in table, row
    data = json.loads(out.read_text(encoding="utf-8"))
    step = data["steps"]["2k"]
    assert step["docs"] > 0
    assert step["build"]["ours"]["docs_per_s"] > 0 and step["build"]["fts5"]["docs_per_s"] > 0
    assert step["build"]["tantivy"]["docs_per_s"] > 0
    assert (
        step["query"]["ours"]["all"]["n"]
        == step["query"]["fts5"]["all"]["n"]
        == step["query"]["tantivy"]["all"]["n"]
        > 0
    )
    for engine in ("ours", "fts5", "tantivy"):
        http = step["http"][engine]
        assert http["latency"]["all"]["errors"] == 0
        assert all(t["errors"] == 0 and t["requests"] > 0 for t in http["throughput"].values())
