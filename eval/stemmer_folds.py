#!/usr/bin/env python3
"""5-fold estimate of the Kazakh stemmer on lemmas it was not built from.

The dev gold (``<shared>/eval/lemmas/kk.tsv``) is split into folds *by lemma*
(a lemma's forms stay together; the fold is ``sha1(lemma) mod k``, so the split
is fixed and independent of the stemmer).  Each fold is scored on its own with
the shared scorer's pairwise ``score`` function, type- and token-weighted, and
the mean ± standard deviation (and min–max) over the folds is printed beside
the whole-dev figure.

Nothing in the stemmer's data is derived from the gold: the lexicon comes from
corpus word counts (``analyzers/data/build_lexicon.py``) and the closed-class
tables from grammar paradigms.  What *could* be fitted to the gold are the
chooser's numeric thresholds (``TUNABLES``).  With ``--tune`` (the default)
they are re-chosen for every fold by a grid search on the *other* folds only
(best type F1 there), and the held-out fold is scored with that choice — the
cross-validated estimate of a stemmer tuned on dev and used on unseen lemmas.
``--no-tune`` scores the shipped settings on every fold.

    python eval/stemmer_folds.py [--shared ../shared] [--folds 5] [--no-tune]
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import importlib.util
import itertools
import statistics
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent

#: Module constants of ``analyzers.kazakh`` a tuner could fit, and the grid.
TUNABLES: dict[str, tuple[float, ...]] = {
    "_SUPPORT_RATIO": (0.3, 0.5, 0.7),
    "_WEAK_RATIO": (1.0, 1.5, 2.0),
    "_FINAL_I_SUPPORT": (3, 5, 8),
}

Row = tuple[str, str, str, int]


def load_scorer(shared: Path) -> ModuleType:
    """Import the shared ``score_stemmer.py`` as a module (same code, same metric)."""
    path = shared / "eval" / "score_stemmer.py"
    spec = importlib.util.spec_from_file_location("score_stemmer", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {path}")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def fold_of(lemma: str, k: int) -> int:
    """Fold of a lemma: a stable hash, so every run and every stemmer splits alike."""
    return int(hashlib.sha1(lemma.encode("utf-8")).hexdigest(), 16) % k


def load_stemmer(spec: str) -> Callable[[str], str]:
    mod_name, attr = spec.rsplit(":", 1)
    sys.path.insert(0, str(ROOT))
    return getattr(importlib.import_module(mod_name), attr)


def stems_with(settings: dict[str, float], words: list[str]) -> list[str]:
    """Stem ``words`` with the Kazakh stemmer's thresholds set to ``settings``."""
    from analyzers import kazakh

    for name, value in settings.items():
        setattr(kazakh, name, value)
    kazakh._stem_cached.cache_clear()
    return [kazakh.stem(w) for w in words]


def tuned_fold_scores(scorer: ModuleType, rows: list[Row], k: int) -> tuple[list[tuple[dict, dict]], list[dict]]:
    """Per fold: thresholds chosen on the other folds, then scored on this one."""
    from analyzers import kazakh

    shipped = {name: getattr(kazakh, name) for name in TUNABLES}
    words = [r[0] for r in rows]
    grid = [dict(zip(TUNABLES, values, strict=True)) for values in itertools.product(*TUNABLES.values())]
    all_stems = [stems_with(g, words) for g in grid]
    out, chosen = [], []
    for f in range(k):
        inside = [fold_of(r[1], k) == f for r in rows]
        train = [i for i, ins in enumerate(inside) if not ins]
        train_rows = [rows[i] for i in train]
        best = max(
            range(len(grid)),
            key=lambda g: scorer.score(train_rows, [all_stems[g][i] for i in train], False)["F1"],
        )
        chosen.append(grid[best])
        st = all_stems[best]
        out.append((in_context(rows, st, inside, False), in_context(rows, st, inside, True)))
    stems_with(shipped, [])
    return out, chosen


def in_context(rows: list[Row], stems: list[str], inside: list[bool], weighted: bool) -> dict[str, float]:
    """Pairwise P/R/F1 of the pairs that touch the fold, against all dev forms.

    A fold alone has a fifth of the forms, so it has far fewer chances to be
    wrongly merged with an unrelated word and its precision looks better than
    on a full-size set (the held-out set is about as large as dev).  So every
    pair with a member in the fold counts, the other member anywhere in dev; a
    pair that crosses folds counts half in each of its two folds, so the folds
    share out the dev pairs exactly and precision stays on the dev scale.
    Recall is unchanged: a lemma's forms are all in one fold.
    """
    groups: dict[object, list[int]] = {}
    for (_form, lemma, _u, count), stem, ins in zip(rows, stems, inside, strict=True):
        w = count if weighted else 1
        for key in (("s", stem), ("l", lemma), ("c", lemma, stem)):
            acc = groups.setdefault(key, [0, 0, 0, 0])  # fold sum, fold sum sq, other sum, other sum sq
            j = 0 if ins else 2
            acc[j] += w
            acc[j + 1] += w * w

    def touching(acc: list[int]) -> float:
        fs, fq, os_, _oq = acc
        return (fs * fs - fq) / 2 + fs * os_ / 2

    same = {"s": 0.0, "l": 0.0, "c": 0.0}
    for key, acc in groups.items():
        same[key[0]] += touching(acc)  # type: ignore[index]
    p = same["c"] / same["s"] if same["s"] else 1.0
    r = same["c"] / same["l"] if same["l"] else 1.0
    return {"P": p, "R": r, "F1": 2 * p * r / (p + r) if p + r else 0.0}


def fold_scores(rows: list[Row], stems: list[str], k: int) -> list[tuple[dict, dict]]:
    """(type metrics, token metrics) for each fold, scored in context."""
    out = []
    for f in range(k):
        inside = [fold_of(r[1], k) == f for r in rows]
        out.append((in_context(rows, stems, inside, False), in_context(rows, stems, inside, True)))
    return out


def summary(values: list[float]) -> str:
    return f"{statistics.mean(values):.3f} ± {statistics.pstdev(values):.3f} ({min(values):.3f}–{max(values):.3f})"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--stemmer", default="analyzers.kazakh:stem")
    ap.add_argument("--no-tune", dest="tune", action="store_false", help="score the shipped thresholds only")
    a = ap.parse_args()
    scorer = load_scorer(a.shared.resolve())
    rows = scorer.read_gold(str(a.shared / "eval" / "lemmas" / "kk.tsv"))
    stem = load_stemmer(a.stemmer)
    stems = [stem(r[0]) for r in rows]
    whole_t, whole_w = scorer.score(rows, stems, False), scorer.score(rows, stems, True)
    chosen: list[dict] = []
    if a.tune and a.stemmer == "analyzers.kazakh:stem":
        folds, chosen = tuned_fold_scores(scorer, rows, a.folds)
    else:
        folds = fold_scores(rows, stems, a.folds)

    print("| set | forms | F1 | P | R | F1 (token-weighted) | P | R |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    print(
        f"| dev (all) | {len(rows)} | {whole_t['F1']:.3f} | {whole_t['P']:.3f} | {whole_t['R']:.3f} "
        f"| {whole_w['F1']:.3f} | {whole_w['P']:.3f} | {whole_w['R']:.3f} |"
    )
    for f, (t, w) in enumerate(folds):
        n = sum(1 for r in rows if fold_of(r[1], a.folds) == f)
        print(
            f"| fold {f} | {n} | {t['F1']:.3f} | {t['P']:.3f} | {t['R']:.3f} "
            f"| {w['F1']:.3f} | {w['P']:.3f} | {w['R']:.3f} |"
        )
    cells = [summary([m[j][key] for m in folds]) for j in (0, 1) for key in ("F1", "P", "R")]
    print(f"| {a.folds}-fold mean ± sd (min–max) | | " + " | ".join(cells) + " |")
    for f, c in enumerate(chosen):
        print(f"fold {f}: thresholds chosen on the other folds: " + ", ".join(f"{n}={v}" for n, v in c.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
