"""Russian stemming: Snowball through PyStemmer (C), with ё folded first.

Whoosh's own Russian stemmer is pure Python and several times slower; the
index calls this once per token, so it is memoised as well.
"""

from __future__ import annotations

from functools import lru_cache

import Stemmer

from analyzers.normalize import fold_yo

_SNOWBALL = Stemmer.Stemmer("russian")

#: Snowball's Russian stop list plus frequent news function words, ё folded.
STOPWORDS = frozenset(
    fold_yo(w)
    for w in """
    и в во не что он на я с со как а то все она так его но да ты к у же вы за бы
    по только ее мне было вот от меня еще нет о из ему теперь когда даже ну вдруг
    ли если уже или ни быть был него до вас нибудь опять уж вам ведь там потом
    себя ничего ей может они тут где есть надо ней для мы тебя их чем была сам
    чтоб без будто чего раз тоже себе под будет ж тогда кто этот того потому
    этого какой совсем ним здесь этом один почти мой тем чтобы нее сейчас были
    куда зачем всех никогда можно при наконец два об другой хоть после над
    больше тот через эти нас про всего них какая много разве три эту моя
    впрочем хорошо свою этой перед иногда лучше чуть том нельзя такой им более
    всегда конечно всю между это также которые который которая которых которого
    весь вся всё ещё её ко из-за этих эта
    """.split()
)


@lru_cache(maxsize=500_000)
def stem(word: str) -> str:
    """Stem one lowercased Russian word (ё treated as е).

    A hyphenated word (``северо-западного``) keeps its hyphen and has each
    part stemmed, so it meets ``северо-западный``; the index tokenizer splits
    on hyphens anyway, this is for callers that pass whole words.
    """
    word = fold_yo(word.lower())
    if "-" in word.strip("-"):
        return "-".join(_SNOWBALL.stemWord(part) for part in word.split("-"))
    return _SNOWBALL.stemWord(word)
