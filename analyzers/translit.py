"""Latin-script Kazakh to Cyrillic, for queries typed in Latin letters.

The mapping follows the official Kazakh Latin alphabet approved on
28 January 2021 (letters with diacritics: Ä Ğ I/ı Ñ Ö Q Ş Ū Ü Y) and adds the
informal ASCII spellings people type without those diacritics (`sh`, `ch`,
`zh`, `kh`, `ng`, `ya`, `yu`, apostrophe forms such as `g'`/`o'`, and `w`).
Source: the 2021 table reproduced in Wikipedia's "Kazakh alphabets" article.

Ambiguity (plain `i` is `і`, `и` or `й`; plain `u` is `у`, `ұ` or `ү`) is left
to the folded search field, where those letters fall together anyway.
"""

from __future__ import annotations

import re

# Longest sequences first: the regex alternation below relies on that order.
_MULTI = {
    "sh": "ш", "ch": "ч", "zh": "ж", "kh": "х", "ts": "ц", "ya": "я",
    "yu": "ю", "yo": "ё", "shch": "щ",
    "a'": "ә", "g'": "ғ", "n'": "ң", "o'": "ө", "u'": "ү", "i'": "і",
    "k'": "қ", "s'": "ш", "c'": "ч",
}

_SINGLE = {
    "a": "а", "ä": "ә", "á": "ә", "b": "б", "c": "ц", "ç": "ч", "d": "д",
    "e": "е", "f": "ф", "g": "г", "ğ": "ғ", "ǵ": "ғ", "h": "х", "ı": "і",
    "i": "и", "j": "ж", "k": "к", "l": "л", "m": "м", "n": "н", "ñ": "ң",
    "ń": "ң", "ŋ": "ң", "o": "о", "ö": "ө", "ó": "ө", "p": "п", "q": "қ",
    "r": "р", "s": "с", "ş": "ш", "t": "т", "u": "у", "ū": "ұ", "ú": "ұ",
    "ü": "ү", "v": "в", "w": "у", "x": "х", "y": "ы", "ý": "ү", "z": "з",
    "ï": "и", "İ": "и", "é": "е",
}

_PATTERN = re.compile(
    "|".join(re.escape(k) for k in sorted(_MULTI, key=len, reverse=True))
    + "|."
)

_LATIN_WORD = re.compile(r"^[a-zäáçğǵıñńŋöóşūúüýïé']+$")


def is_latin_word(word: str) -> bool:
    """True when a lowercased word is written only in (Kazakh) Latin letters."""
    return bool(_LATIN_WORD.match(word))


def latin_to_cyrillic(word: str) -> str:
    """Transliterate one lowercased Latin-script Kazakh word to Cyrillic."""
    out = []
    for m in _PATTERN.finditer(word.replace("\u2019", "'")):
        piece = m.group(0)
        out.append(_MULTI.get(piece) or _SINGLE.get(piece, "" if piece == "'" else piece))
    return "".join(out)
