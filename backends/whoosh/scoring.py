"""BM25 for the Whoosh backend, from the engine-neutral :class:`BM25Params`."""

from __future__ import annotations

from whoosh import scoring

from backends.base import TEXT_LANGS, BM25Params


def weighting(params: BM25Params) -> scoring.WeightingModel:
    """Whoosh's per-field BM25 ("BM25F"), titles with their own ``b``."""
    per_field = {f"title_{lang}_B": params.title_b for lang in TEXT_LANGS}
    return scoring.BM25F(B=params.b, K1=params.k1, **per_field)
