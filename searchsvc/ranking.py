"""Ranking knobs in one place, so tuning them is a one-file change.

Values were chosen on the dev halves of the judged collections with
``eval/relevance.py``; see the README's relevance table.
"""

from __future__ import annotations

from dataclasses import dataclass

from whoosh import scoring


@dataclass(frozen=True)
class Ranking:
    """Field weights and BM25 parameters."""

    title: float = 2.0
    body: float = 1.0
    fold: float = 0.35
    phrase_bonus: float = 0.5
    #: Coordination bonus for ranked OR: documents matching more query
    #: clauses rank higher (Whoosh ``Or(scale=...)``).
    coord: float = 0.9
    k1: float = 1.2
    b: float = 0.75
    title_b: float = 0.5

    def weighting(self) -> scoring.WeightingModel:
        kw = {f"title_{lang}_B": self.title_b for lang in ("kk", "ru")}
        return scoring.BM25F(B=self.b, K1=self.k1, **kw)


DEFAULT = Ranking()
