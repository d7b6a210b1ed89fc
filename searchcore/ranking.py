"""Ranking knobs in one place, so tuning them is a one-file change.

Every value here is query-time: changing one needs a server restart, never a
reindex. The values were tuned with ``eval/relevance.py`` on the judged
collections in ``shared/eval/retrieval`` (kazqad, xquad_ru, rt_headlines),
looking at all three at once and keeping only changes that are a behaviour
(how words combine, how fields count), never a fix for single queries. See
the README's relevance table for the resulting numbers.

What was measured (nDCG@10 kazqad / xquad_ru / rt_headlines, other knobs at
their defaults):

* coordination: Whoosh ``Or(scale=0.9)`` .716/.931/.794; our
  ``coord_power`` 0 (plain OR) .697/.919/–, 1.0 .716/.932/.797,
  **0.5 .729/.931/.811**, 2.0 .666/.935/–;
* question words dropped (``question_weight=0``): +.001 to +.003 on kazqad,
  +.002 xquad_ru; kept as the behaviour users expect;
* minimum-should-match 0.3 / 0.5 of the words: .728/.929 / .653/.830 (R@100
  falls), so ranked OR without a minimum; all-words-must-match is worse still;
* proximity bonus for adjacent words (0.3–1.0): hurts everywhere
  (kazqad −.008…−.017, rt_headlines −.022), so it was removed;
* fold field: weight 0 costs kazqad −.014, xquad_ru −.004; 0.1 and 0.2 are
  worse than 0.35;
* title weight 1.0 / 3.0 vs 2.0: rt_headlines −.021 / kazqad −.011;
* BM25 k1 0.9 / 1.6, b 0.5 / 0.9, title_b 0.75: within ±.004 of the
  defaults, so the textbook values stay.
"""

from __future__ import annotations

from dataclasses import dataclass

from analyzers.normalize import fold_yo
from backends.base import BM25Params


@dataclass(frozen=True)
class Ranking:
    """Field weights, BM25F parameters and how the words of a query combine."""

    #: Query-time boost of the per-language title and body fields.
    title: float = 2.0
    body: float = 1.0
    #: Boost of the folded field (Kazakh letters folded, both languages'
    #: stems). Low, so exact spellings outrank Russian-keyboard ones.
    fold: float = 0.35
    #: Extra weight of a user's "quoted phrase" over its words' fields.
    phrase_bonus: float = 0.5
    #: Coordination: a document's score is multiplied by
    #: (query words it matches / query words) ** coord_power.
    coord_power: float = 0.5
    #: Minimum-should-match, as a share of the query's words; applied only
    #: to queries of at least ``min_match_from`` words.
    min_match: float = 0.0
    min_match_from: int = 3
    #: Weight of question words (see QUESTION_WORDS); 0 drops them unless
    #: the query has nothing else.
    question_weight: float = 0.0
    #: BM25F: term-frequency saturation and length normalisation (bodies);
    #: titles are short and similar in length, so they get their own B.
    k1: float = 1.2
    b: float = 0.75
    title_b: float = 0.5

    @property
    def bm25(self) -> BM25Params:
        """What the engines need to score (they are given it when opened)."""
        return BM25Params(k1=self.k1, b=self.b, title_b=self.title_b)


#: Interrogative words of Kazakh and Russian questions (lowercase, ё folded).
#: They say what kind of answer is wanted ("when", "how many"), not what the
#: answer is about, and an encyclopaedia or news text rarely contains them.
#: From grammar-book lists of interrogative pronouns and adverbs and their
#: common case forms; not taken from any evaluation file.
QUESTION_WORDS: frozenset[str] = frozenset(
    fold_yo(w)
    for w in """
    не нені неге неде неден немен несі кім кімді кімге кімнің кімде кімнен кіммен
    қай қайда қайдан қайсы қайсысы қайсысын қайсысы қашан қанша қаншасы қандай
    қалай неше нешінші нешеу неліктен неге нешік
    что чего чему чем кто кого кому кем ком какой какая какое какие каких каким
    какими какого какому каком какую каков какова каково каковы который которая
    которое которые которого которой котором которых когда где куда откуда
    почему зачем отчего сколько скольких скольким как чей чья чье чьи
    """.split()  # noqa: SIM905 (a word list reads best as text)
)

DEFAULT = Ranking()
