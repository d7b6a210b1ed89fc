"""Where an OpenSearch build's Python time goes, without a cluster.

``python -m bench.engines_profile CORPUS [--limit N]`` does, in one process,
exactly the per-document work ``python -m indexer build --backend opensearch``
does before a document leaves for ``_bulk`` — read and parse the file
(``indexer.corpus``, language id included), analyse it with our chains
(``backends.opensearch.documents.source_of``: language title/body + folded
field) and serialise the bulk lines (``backends.opensearch.bulk``'s JSON) —
and prints one JSON object with the seconds of each stage. Set beside the
build's wall time, the indexer process's CPU seconds and the JVMs' CPU
seconds, it says whether the build is bound by Python analysis or by the
cluster's bulk indexing.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

_HERE = Path(__file__).resolve().parent
if sys.path and Path(sys.path[0]).resolve() == _HERE:  # run as a script: import as the bench package
    sys.path[0] = str(_HERE.parent)

from backends.opensearch.documents import source_of  # noqa: E402
from indexer.corpus import MalformedFile, list_corpus, read_article  # noqa: E402


def _dumps(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def profile(corpus: Path, limit: int | None = None) -> dict[str, float | int]:
    files = sorted(list_corpus(corpus).values())
    if limit:
        files = files[:limit]
    t0 = time.perf_counter()
    c0 = time.process_time()
    articles = []
    for path in files:
        try:
            articles.append(read_article(path))
        except MalformedFile:
            continue
    t1 = time.perf_counter()
    sources = [source_of(a) for a in articles]
    t2 = time.perf_counter()
    payload = 0
    for src in sources:
        payload += len(_dumps({"index": {"_id": src["id"]}})) + len(_dumps(src)) + 2
    t3 = time.perf_counter()
    return {
        "documents": len(articles),
        "read_parse_s": t1 - t0,
        "analyse_s": t2 - t1,
        "serialise_s": t3 - t2,
        "python_total_s": t3 - t0,
        "cpu_s": time.process_time() - c0,
        "bulk_payload_mb": payload / 1e6,
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.engines_profile", description=__doc__.split("\n\n")[0])
    p.add_argument("corpus", type=Path)
    p.add_argument("--limit", type=int, help="only the first N files")
    args = p.parse_args(argv)
    json.dump(profile(args.corpus, args.limit), sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
