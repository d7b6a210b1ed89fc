"""Document language: Kazakh, Russian, or other.

Kazakh Cyrillic has nine letters Russian lacks (ә ғ қ ң ө ұ ү һ і); their share
of the Cyrillic letters separates the two languages very well. A Russian news
story quoting a Kazakh name stays well under the threshold, a Kazakh text is
well above it. Frequent function words of each language break the rare ties
(short texts, all-caps headlines, texts that avoid the special letters).
"""

from __future__ import annotations

from typing import Literal

from analyzers.normalize import KAZAKH_LETTERS, is_cyrillic
from analyzers.tokenize import words

Lang = Literal["kk", "ru", "other"]
LANGS: tuple[Lang, ...] = ("kk", "ru", "other")

#: Share of Kazakh-only letters among Cyrillic letters above which text is kk.
KK_LETTER_SHARE = 0.03
#: Share of Cyrillic among all letters below which a text is not kk/ru.
MIN_CYRILLIC_SHARE = 0.5

_KK_WORDS = frozenset(
    "және мен бен пен деп деді бұл осы сол ол мен біз сіз олар үшін туралы "
    "бойынша арқылы дейін кейін бар жоқ емес болды болып болса еді екен де да "
    "та те ма ме ба бе па пе қазақ жылы жыл ел елі тағы ғана әрі не немесе".split()
)
_RU_WORDS = frozenset(
    "и в во не на что с со по к ко у о об от из за для как это он она они мы "
    "вы его ее её был была были быть также который которая которые году года "
    "при но же ли бы или чтобы если то".split()
)


def detect(text: str) -> Lang:
    """Decide the language of a document or a query from its letters and words."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return "other"
    cyr = [ch for ch in letters if is_cyrillic(ch)]
    if len(cyr) < MIN_CYRILLIC_SHARE * len(letters):
        return "other"
    kk_share = sum(ch in KAZAKH_LETTERS for ch in cyr) / len(cyr)
    if kk_share >= KK_LETTER_SHARE:
        return "kk"
    toks = words(text[:5000])
    kk_hits = sum(t in _KK_WORDS for t in toks)
    ru_hits = sum(t in _RU_WORDS for t in toks)
    if kk_share > 0 and kk_hits > ru_hits:
        return "kk"
    if kk_hits > 2 * ru_hits and kk_hits >= 3:
        return "kk"
    return "ru"
