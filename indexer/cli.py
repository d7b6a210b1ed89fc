"""``python -m indexer``: build, update, watch and inspect a search index.

Exit codes (the same for every verb):

  0  success (watch: stopped cleanly by SIGINT/SIGTERM)
  1  update finished, but some files were skipped as malformed (listed in the summary)
  2  usage error
  3  nothing could be indexed (missing folder, or the index would be empty:
     empty or wholly malformed corpus; the previous index is kept)
  4  the index could not be written or read (permissions, disk full, corrupt index)
  75 another indexer holds the writer lock (try again, or pass --wait SECONDS)

``build`` indexes what it can and exits 0 even when it skipped some files
(they are listed in the summary); scripts that must know use ``update``.
Every write publishes a complete new generation (Whoosh) or swaps the alias
to a complete new index (OpenSearch ``build``), so a killed run (even by
SIGKILL) leaves the last published index serving; the next run finishes the job.

Engines: ``--backend whoosh`` (default; ``--index INDEX_DIR``) or
``--backend opensearch`` (``--url``, ``--index-name``, ``--shards``,
``--replicas``); the defaults come from SEARCH_BACKEND, SEARCH_INDEX_DIR,
OPENSEARCH_URL and OPENSEARCH_INDEX, the same variables the server reads
(auth and TLS: OPENSEARCH_USER, OPENSEARCH_PASSWORD, OPENSEARCH_CA_CERTS, ...).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from types import FrameType

from whoosh.index import IndexError as WhooshIndexError

from backends.base import BackendError, IncompatibleIndex, IndexMissing, IndexUnavailable, Store, WriterBusy
from indexer.pipeline import DEFAULT_BATCH_SIZE, CorpusMissing, NothingIndexable, Summary, sync
from searchcore.engines import BACKENDS, EngineConfig, EngineConfigError, open_store, opensearch_settings

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


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _non_negative_int(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must not be negative")
    return value


def _seconds(text: str) -> float:
    value = float(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must not be negative")
    return value


def _env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(name, "").strip() or default


def _add_common(p: argparse.ArgumentParser, corpus: bool = True) -> None:
    if corpus:
        p.add_argument("corpus", type=Path, metavar="CORPUS_DIR", help="folder of .txt articles")
    engine = p.add_argument_group("engine")
    engine.add_argument(
        "--backend",
        choices=BACKENDS,
        default=_env("SEARCH_BACKEND", "whoosh"),
        help="search engine (default: $SEARCH_BACKEND or whoosh)",
    )
    index_dir = _env("SEARCH_INDEX_DIR")
    engine.add_argument(
        "--index",
        type=Path,
        default=Path(index_dir) if index_dir else None,
        metavar="INDEX_DIR",
        help="whoosh: the index folder (default: $SEARCH_INDEX_DIR)",
    )
    engine.add_argument(
        "--url",
        default=_env("OPENSEARCH_URL"),
        help="opensearch: node URL(s), comma-separated (default: $OPENSEARCH_URL)",
    )
    engine.add_argument(
        "--index-name",
        default=_env("OPENSEARCH_INDEX"),
        metavar="ALIAS",
        help="opensearch: the alias searches use (default: $OPENSEARCH_INDEX or news)",
    )
    engine.add_argument(
        "--shards",
        type=_positive_int,
        default=_positive_int(_env("OPENSEARCH_SHARDS", "1") or "1"),
        help="opensearch build: primary shards (default: $OPENSEARCH_SHARDS or 1)",
    )
    engine.add_argument(
        "--replicas",
        type=_non_negative_int,
        default=_non_negative_int(_env("OPENSEARCH_REPLICAS", "0") or "0"),
        help="opensearch build: replicas per shard (default: $OPENSEARCH_REPLICAS or 0)",
    )


def _add_writer_opts(
    p: argparse.ArgumentParser, wait: float = 0.0, batches: bool = True, retries: bool = False
) -> None:
    p.add_argument("--json", action="store_true", help="print the (last) summary as JSON on stdout")
    p.add_argument(
        "--wait",
        type=_seconds,
        default=wait,
        metavar="SECONDS",
        help=(
            f"wait this long for another writer before giving up with exit code 75 (default {wait:g})"
            if not retries
            else f"wait this long for another writer per attempt, then retry (default {wait:g})"
        ),
    )
    p.add_argument("--procs", type=_positive_int, default=1, help="indexing processes (default 1)")
    if batches:
        p.add_argument(
            "--batch-size",
            type=_positive_int,
            default=DEFAULT_BATCH_SIZE,
            metavar="N",
            help=f"publish a new generation every N changed files, so an interrupted run keeps "
            f"its finished batches (default {DEFAULT_BATCH_SIZE})",
        )
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

    p = verbs.add_parser(
        "build",
        help="index a corpus folder from scratch",
        description="Index CORPUS_DIR from scratch into a new generation of INDEX_DIR; "
        "the old one keeps serving until the new one is complete.",
    )
    _add_common(p)
    _add_writer_opts(p, batches=False)
    p = verbs.add_parser(
        "update",
        help="add new, re-index changed, remove deleted files",
        description="Bring INDEX_DIR in line with CORPUS_DIR by content hash: new files are added, "
        "changed ones replaced, deleted ones removed, unchanged ones untouched. Idempotent; "
        "creates the index if there is none. Exit codes: see `python -m indexer --help`.",
    )
    _add_common(p)
    _add_writer_opts(p)
    p = verbs.add_parser(
        "watch",
        help="keep the index in step with a folder as files arrive",
        description="Sync once, then watch CORPUS_DIR and commit each settled burst of created, "
        "changed, deleted or renamed files as one new generation. Write files under a hidden or "
        ".part name and rename them into place. Stops cleanly on SIGINT/SIGTERM.",
    )
    _add_common(p)
    _add_writer_opts(p, wait=5.0, retries=True)
    p.add_argument(
        "--debounce",
        type=_seconds,
        default=1.0,
        metavar="SECONDS",
        help="commit once the folder has been quiet this long (default 1)",
    )
    p.add_argument(
        "--max-delay",
        type=_seconds,
        default=10.0,
        metavar="SECONDS",
        help="under a steady trickle of changes, commit at least this often (default 10)",
    )
    p.add_argument(
        "--rescan",
        type=_seconds,
        default=0.0,
        metavar="SECONDS",
        help="also run a full sync this often, in case events were lost (default 0: never)",
    )
    p = verbs.add_parser("stats", help="documents per language, dates, segments, size on disk")
    _add_common(p, corpus=False)
    p.add_argument("--json", action="store_true", help="print the statistics as JSON on stdout")
    p = verbs.add_parser("optimize", help="merge all segments into one new generation")
    _add_common(p, corpus=False)
    p.add_argument("--json", action="store_true", help="print the result as JSON on stdout")
    p.add_argument("--wait", type=_seconds, default=0.0, metavar="SECONDS", help="wait this long for another writer")
    return parser


def _report(summary: Summary, as_json: bool) -> None:
    if as_json:
        print(json.dumps(summary.as_dict(), ensure_ascii=False), flush=True)
    log.info("%s", summary.line())
    for item in summary.skipped:
        log.info("skipped: %s (%s)", item["path"], item["reason"])


def store_for(args: argparse.Namespace) -> Store:
    """The engine's writing side from the verb's flags; a usage error when they do not fit."""
    if args.backend == "opensearch":
        if not args.url:
            raise EngineConfigError("--backend opensearch needs --url (or OPENSEARCH_URL)")
        cfg = EngineConfig(
            "opensearch",
            opensearch=opensearch_settings(args.url, args.index_name),
            shards=args.shards,
            replicas=args.replicas,
        )
    else:
        if args.index is None:
            raise EngineConfigError("--backend whoosh needs --index INDEX_DIR (or SEARCH_INDEX_DIR)")
        cfg = EngineConfig("whoosh", index_dir=args.index)
    return open_store(cfg, procs=getattr(args, "procs", 1))


def _guarded(run: Callable[[], int]) -> int:
    """Map the failures every verb shares to exit codes, with one clear log line."""
    try:
        return run()
    except EngineConfigError as exc:
        log.error("%s", exc)
        return EXIT_USAGE
    except WriterBusy as exc:
        log.error("%s", exc)
        return EXIT_BUSY
    except CorpusMissing as exc:
        log.error("%s", exc)
        return EXIT_NOTHING
    except NothingIndexable as exc:
        log.error("%s", exc)
        return EXIT_NOTHING
    except (IndexMissing, IncompatibleIndex, IndexUnavailable) as exc:
        log.error("%s", exc)
        return EXIT_INDEX
    except (OSError, WhooshIndexError, BackendError) as exc:
        log.error("index could not be written or read: %s", exc)
        return EXIT_INDEX


def _run_sync(args: argparse.Namespace) -> int:
    progress = args.progress if args.progress is not None else sys.stderr.isatty()

    def run() -> int:
        summary = sync(
            args.corpus,
            store_for(args),
            fresh=args.verb == "build",
            wait=args.wait,
            procs=args.procs,
            progress=_progress_factory(progress),
            batch_size=getattr(args, "batch_size", DEFAULT_BATCH_SIZE),
        )
        _report(summary, args.json)
        if summary.skipped and args.verb != "build":
            return EXIT_SKIPPED
        return EXIT_OK

    return _guarded(run)


def _install_stop_handlers(stop: threading.Event) -> None:
    """First SIGINT/SIGTERM: finish the current batch and exit; a second one aborts it."""

    def handler(signum: int, frame: FrameType | None) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        log.info("%s received: stopping after the current batch", signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGTERM, handler)


def _run_watch(args: argparse.Namespace) -> int:
    from indexer.watch import WatchOptions, watch

    if not args.corpus.is_dir():
        log.error("corpus folder not found: %s", args.corpus)
        return EXIT_NOTHING
    stop = threading.Event()
    _install_stop_handlers(stop)
    options = WatchOptions(
        debounce=args.debounce,
        max_delay=max(args.max_delay, args.debounce),
        batch_size=args.batch_size,
        wait=args.wait,
        procs=args.procs,
        rescan=args.rescan,
    )

    def run() -> int:
        stats = watch(args.corpus, store_for(args), stop, options)
        if args.json and stats.last is not None:
            print(json.dumps(stats.last.as_dict(), ensure_ascii=False), flush=True)
        return EXIT_OK

    try:
        return _guarded(run)
    except KeyboardInterrupt:
        log.info("aborted; the last published generation stays current")
        return EXIT_OK


def _lines(data: dict[str, object]) -> list[str]:
    """A statistics dict as aligned lines for people (``--json`` gives the dict itself)."""
    shown = dict(data)
    langs = shown.pop("languages", None)
    if isinstance(langs, dict):
        counts = ", ".join(f"{k} {v}" for k, v in sorted(langs.items(), key=lambda kv: -kv[1]))
        shown["documents"] = f"{shown.get('documents')} ({counts or 'none'})"
    if "date_min" in shown or "date_max" in shown:
        shown["dates"] = f"{shown.pop('date_min', None) or '-'} … {shown.pop('date_max', None) or '-'}"
    width = max((len(k) for k in shown), default=0)
    out = []
    for key, value in shown.items():
        if isinstance(value, list):
            value = len(value)
        elif isinstance(value, dict):
            value = ", ".join(f"{k} {v}" for k, v in value.items())
        out.append(f"{key.ljust(width)}  {'-' if value is None else value}")
    return out


def _run_stats(args: argparse.Namespace) -> int:
    def run() -> int:
        stats = store_for(args).stats()
        if args.json:
            print(json.dumps(stats, ensure_ascii=False), flush=True)
        else:
            print("\n".join(_lines(stats)), flush=True)
        return EXIT_OK

    return _guarded(run)


def _run_optimize(args: argparse.Namespace) -> int:
    def run() -> int:
        result = store_for(args).optimize(wait=args.wait)
        if args.json:
            print(json.dumps(result, ensure_ascii=False), flush=True)
        log.info("optimized: %s", ", ".join(f"{k} {v}" for k, v in result.items()))
        return EXIT_OK

    return _guarded(run)


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "build": _run_sync,
    "update": _run_sync,
    "watch": _run_watch,
    "stats": _run_stats,
    "optimize": _run_optimize,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    level = logging.DEBUG if args.verbose else logging.WARNING if args.quiet else logging.INFO
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    if not args.verbose:  # opensearch-py logs every request at INFO
        logging.getLogger("opensearch").setLevel(logging.WARNING)
    return COMMANDS[args.verb](args)
