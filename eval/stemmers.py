#!/usr/bin/env python3
"""Score the stemmers against the shared gold lemmas and time the Kazakh one.

Runs ``<shared>/eval/score_stemmer.py`` (type-weighted and token-weighted) for
identity, Snowball Russian (PyStemmer), ``analyzers.russian.stem`` if present,
and ``analyzers.kazakh.stem`` on both gold files, then the Kazakh stemmer's
5-fold estimate (``eval/stemmer_folds.py``) and its speed
(``eval/stemmer_speed.py``: memoised over the real Kazakh token stream of
corpus/kk/*.jsonl.gz, and uncached in a fresh process), and prints Markdown
tables.

    python eval/stemmers.py [--shared ../shared] [--repeat 3]
"""

from __future__ import annotations

import argparse
import importlib
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# name -> (MODULE:CALLABLE spec, import check); identity is a tiny temp module.
IDENTITY = "def stem(word):\n    return word\n"
SNOWBALL = "import Stemmer\n_S = Stemmer.Stemmer('russian')\ndef stem(word):\n    return _S.stemWord(word)\n"


def have_module(name: str) -> bool:
    try:
        importlib.import_module(name)
    except Exception:  # noqa: BLE001 - any import failure means "not available"
        return False
    return True


def has_callable(module: str, attr: str) -> bool:
    if not (ROOT / Path(*module.split("."))).with_suffix(".py").exists():
        return False
    try:
        return callable(getattr(importlib.import_module(module), attr, None))
    except Exception:  # noqa: BLE001
        return False


def run_scorer(shared: Path, lang: str, spec: str, weighted: bool) -> str:
    """Run the shared scorer and return its last line (or an error note)."""
    cmd = [
        sys.executable,
        str(shared / "eval" / "score_stemmer.py"),
        "--lang",
        lang,
        "--gold",
        str(shared / "eval" / "lemmas" / f"{lang}.tsv"),
        "--stemmer",
        spec,
    ]
    if weighted:
        cmd.append("--weighted")
    p = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    lines = p.stdout.strip().splitlines()
    if p.returncode not in (0, 1) or not lines:
        return "error: " + (p.stderr.strip().splitlines() or ["?"])[-1]
    return lines[-1]


def parse_line(line: str) -> str:
    m = re.search(r"F1=([\d.]+) P=([\d.]+) R=([\d.]+)", line)
    return f"{m[1]} | {m[2]} | {m[3]}" if m else f"{line} | | "


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--shared",
        type=Path,
        default=ROOT.parent / "shared",
        help="shared data directory (default: ../shared from the project root)",
    )
    ap.add_argument("--repeat", type=int, default=3, help="timing repetitions (best kept)")
    a = ap.parse_args()
    shared = a.shared.resolve()
    if not (shared / "eval" / "score_stemmer.py").exists():
        print(f"no scorer under {shared}/eval; pass --shared", file=sys.stderr)
        return 2
    sys.path.insert(0, str(ROOT))

    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "identity_stem.py").write_text(IDENTITY, encoding="utf-8")
        (Path(tmp) / "snowball_ru_stem.py").write_text(SNOWBALL, encoding="utf-8")
        systems: list[tuple[str, str | None, str]] = [
            ("identity", f"{tmp}/identity_stem.py:stem", ""),
            (
                "Snowball russian (PyStemmer)",
                f"{tmp}/snowball_ru_stem.py:stem" if have_module("Stemmer") else None,
                "PyStemmer not installed",
            ),
        ]
        if has_callable("analyzers.russian", "stem"):
            systems.append(("analyzers.russian.stem", "analyzers.russian:stem", ""))
        systems.append(("analyzers.kazakh.stem", "analyzers.kazakh:stem", ""))

        print("## Conflation against gold lemmas (pairwise over word types)\n")
        print("| stemmer | gold | F1 | P | R | F1 (token-weighted) | P | R |")
        print("|---|---|---:|---:|---:|---:|---:|---:|")
        for name, spec, why in systems:
            for lang in ("kk", "ru"):
                if spec is None:
                    print(f"| {name} | {lang} | – | – | – | – | – | – |  {why}")
                    continue
                typ = parse_line(run_scorer(shared, lang, spec, False))
                tok = parse_line(run_scorer(shared, lang, spec, True))
                print(f"| {name} | {lang} | {typ} | {tok} |")

    for title, script, extra in (
        (
            "Kazakh: dev and 5-fold estimate (folds by lemma, thresholds re-tuned without the held-out fold)",
            "stemmer_folds.py",
            [],
        ),
        ("Speed of analyzers.kazakh.stem", "stemmer_speed.py", ["--repeat", str(a.repeat)]),
    ):
        print(f"\n## {title}\n")
        cmd = [sys.executable, str(ROOT / "eval" / script), "--shared", str(shared), *extra]
        p = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        print(p.stdout.rstrip() if p.returncode == 0 else f"error: {p.stderr.strip()[-300:]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
