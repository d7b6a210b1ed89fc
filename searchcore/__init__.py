"""The engine-neutral search core: the query language, query analysis into
index terms, ranking knobs, highlighting, facets, did-you-mean, completions
and related stories — the same on every backend.

Imports ``analyzers`` and ``backends``; never Flask, never the indexer.
"""
