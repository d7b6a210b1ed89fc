"""``python -m indexer``: build, update and inspect a search index.

Exit codes (the same for every verb):

  0  success
  1  update/watch finished, but some files were skipped as malformed
  2  usage error
  3  nothing could be indexed (empty or wholly malformed corpus, missing folder)
  4  the index could not be written (permissions, disk full, corrupt index)
  75 another indexer holds the writer lock (try again, or pass --wait)

``build`` indexes what it can and exits 0 even when it skipped some files
(they are listed in the summary); scripts that must know use ``update``.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from indexer.pipeline import Summary, sync
from indexer.store import IndexMissing, WriterBusy

log = logging.getLogger("indexer")

EXIT_OK, EXIT_SKIPPED, EXIT_USAGE, EXIT_NOTHING, EXIT_INDEX, EXIT_BUSY = 0, 1, 2, 3, 4, 75


def _progress_factory(enabled: bool) -> Callable[[int, str], Callable[[int], None]]:
    """tqdm bars on stderr when asked for (default: when stderr is a terminal)."""

    def factory(total: int, what: str) -> Callable[[int], None]:
        if not enabled or total < 50:
            return lambda n: None
        from tqdm import tqdm

        bar = tqdm(total=total, desc=what, unit="file", file=sys.stderr, leave=False)
        return bar.update

    return factory


def _add_common(p: argparse.ArgumentParser, corpus: bool = True) -> None:
    if corpus:
        p.add_argument("corpus", type=Path, metavar="CORPUS_DIR", help="folder of .txt articles")
    p.add_argument("--index", type=Path, required=True, metavar="INDEX_DIR", help="index folder")


def _add_writer_opts(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print the summary as JSON on stdout")
    p.add_argument("--wait", type=float, default=0.0, metavar="SECONDS", help="wait this long for another writer")
    p.add_argument("--procs", type=int, default=1, help="indexing processes (default 1)")
    bar = p.add_mutually_exclusive_group()
    bar.add_argument("--progress", dest="progress", action="store_true", default=None, help="show progress bars")
    bar.add_argument("--no-progress", dest="progress", action="store_false", help="never show progress bars")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m indexer",
        description="Build and maintain the Kazakh/Russian news search index.",
        epilog=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    parser.add_argument("-q", "--quiet", action="store_true", help="only warnings and errors")
    verbs = parser.add_subparsers(dest="verb", required=True, metavar="VERB")

    p = verbs.add_parser("build", help="index a corpus folder from scratch", description="Index CORPUS_DIR from scratch into a new generation of INDEX_DIR; the old one keeps serving until it is done.")
    _add_common(p)
    _add_writer_opts(p)
    p = verbs.add_parser("update", help="add new, re-index changed, remove deleted files", description="Bring INDEX_DIR in line with CORPUS_DIR by content hash: new files are added, changed ones replaced, deleted ones removed, unchanged ones untouched. Idempotent.")
    _add_common(p)
    _add_writer_opts(p)
    return parser


def _report(summary: Summary, as_json: bool) -> None:
    if as_json:
        print(json.dumps(summary.as_dict(), ensure_ascii=False))
    log.info("%s", summary.line())
    for item in summary.skipped:
        log.info("skipped: %s (%s)", item["path"], item["reason"])


def _run_sync(args: argparse.Namespace) -> int:
    progress = args.progress if args.progress is not None else sys.stderr.isatty()
    try:
        summary = sync(
            args.corpus,
            args.index,
            fresh=args.verb == "build",
            wait=args.wait,
            procs=args.procs,
            progress=_progress_factory(progress),
        )
    except WriterBusy as exc:
        log.error("%s", exc)
        return EXIT_BUSY
    except FileNotFoundError as exc:
        log.error("%s", exc)
        return EXIT_NOTHING
    except (OSError, IndexMissing) as exc:
        log.error("index could not be written: %s", exc)
        return EXIT_INDEX
    _report(summary, args.json)
    if summary.documents == 0:
        log.error("nothing could be indexed from %s", args.corpus)
        return EXIT_NOTHING
    if summary.skipped and args.verb != "build":
        return EXIT_SKIPPED
    return EXIT_OK


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {"build": _run_sync, "update": _run_sync}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    level = logging.DEBUG if args.verbose else logging.WARNING if args.quiet else logging.INFO
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    return COMMANDS[args.verb](args)
