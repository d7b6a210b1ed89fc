"""Text analysis for Kazakh and Russian news: language id, normalisation,
stemming, and the Whoosh analyzer chains built from them.

This package is the bottom layer: it imports neither ``indexer`` nor
``searchsvc``.
"""

#: Changes whenever the terms produced for a text change (stemmers, stop
#: words, chains). Indexes record it; an index written with another value is
#: refused at start-up, because queries would be analysed differently from it.
#: "kk2": Kazakh stemmer round two (issue 13); "ru1": Russian Snowball.
ANALYZER_VERSION = "kk2-ru1"
