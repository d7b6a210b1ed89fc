"""Text analysis for Kazakh and Russian news: language id, normalisation,
stemming, and the Whoosh analyzer chains built from them.

This package is the bottom layer: it imports neither ``indexer`` nor
``searchsvc``.
"""
