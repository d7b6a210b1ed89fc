"""Latin-script Kazakh to Cyrillic, for queries typed in Latin letters.

Two readings are produced, because two kinds of Latin Kazakh are in use:

* **The official alphabet of 28 January 2021** (Government decree; table and
  sample text in Wikipedia's "Kazakh alphabets" article, section "Latin
  script"): A а, Ä ә, B б, D д, E е, F ф, G г, Ğ ғ, H х/һ, I ı і, İ i и/й,
  J ж, K к, L л, M м, N н, Ñ ң, O о, Ö ө, P п, Q қ, R р, S с, Ş ш, T т,
  U у, Ū ұ, Ü ү, V в, Y ы, Z з (plus Ç ч from the 2019 draft, still used).
  So ``Qazaqstan`` → қазақстан, ``Mäskeu`` → мәскеу, ``bır`` → бір.
* **Informal ASCII spellings** (chat, passports, English and Russian-style
  romanisation): digraphs ``sh`` ш, ``ch`` ч, ``zh`` ж, ``kh`` х, ``ts`` ц,
  ``ya`` я, ``yu`` ю, ``yo`` ё, ``ye`` е; ``y`` after a vowel and not before
  one is й (``Abay`` → абай); ``j`` ж, ``w`` у, ``x`` х, ``c`` ц; apostrophe
  forms of the 2017 alphabet (``a'`` ә, ``g'`` ғ, ``n'`` ң, ``o'`` ө, ``u'``
  ү, ``i'`` і, ``k'`` қ, ``s'`` ш, ``c'`` ч) and the acute letters of the 2018
  one (á ә, ǵ ғ, ń ң, ó ө, ú ұ, ý ү). So ``zhastar`` → жастар,
  ``dostyk`` → достык, ``shanyraq`` → шанырақ.

An English ``kh`` often stands for Kazakh қ (``Kazakhstan``), so a word with
``kh`` gets a second reading with қ. Letters that stay ambiguous (plain ``i``
is і, и or й; ``u`` is у, ұ or ү; ``n`` before ``g`` may be ң) are left to the
folded search field, where those letters fall together anyway.
"""

from __future__ import annotations

import re

# Longest sequences first: the regex alternation below relies on that order.
_MULTI = {
    "shch": "щ",
    "sh": "ш",
    "ch": "ч",
    "zh": "ж",
    "kh": "х",
    "ts": "ц",
    "ya": "я",
    "yu": "ю",
    "yo": "ё",
    "ye": "е",
    "a'": "ә",
    "g'": "ғ",
    "n'": "ң",
    "o'": "ө",
    "u'": "ү",
    "i'": "і",
    "k'": "қ",
    "s'": "ш",
    "c'": "ч",
}

_SINGLE = {
    "a": "а",
    "ä": "ә",
    "á": "ә",
    "b": "б",
    "c": "ц",
    "ç": "ч",
    "d": "д",
    "e": "е",
    "f": "ф",
    "g": "г",
    "ğ": "ғ",
    "ǵ": "ғ",
    "h": "х",
    "ı": "і",
    "i": "и",
    "j": "ж",
    "k": "к",
    "l": "л",
    "m": "м",
    "n": "н",
    "ñ": "ң",
    "ń": "ң",
    "ŋ": "ң",
    "o": "о",
    "ö": "ө",
    "ó": "ө",
    "p": "п",
    "q": "қ",
    "r": "р",
    "s": "с",
    "ş": "ш",
    "t": "т",
    "u": "у",
    "ū": "ұ",
    "ú": "ұ",
    "ü": "ү",
    "v": "в",
    "w": "у",
    "x": "х",
    "y": "ы",
    "ý": "ү",
    "z": "з",
    "ï": "и",
    "é": "е",
    "ŭ": "ұ",
    "û": "ұ",
}

_LATIN_VOWELS = frozenset("aäáeéiıïoöóuūúüýŭû")

_PATTERN = re.compile("|".join(re.escape(k) for k in sorted(_MULTI, key=len, reverse=True)) + "|.")

_LATIN_WORD = re.compile(r"^[a-zäáçğǵıñńŋöóşūúüýïéŭû']+$")


def is_latin_word(word: str) -> bool:
    """True when a lowercased word is written only in (Kazakh) Latin letters."""
    return bool(_LATIN_WORD.match(word)) and word.strip("'") != ""


def _convert(word: str, kh: str) -> str:
    word = word.replace("\u2019", "'").replace("\u02bc", "'")
    out: list[str] = []
    for m in _PATTERN.finditer(word):
        piece = m.group(0)
        if piece == "kh":
            out.append(kh)
        elif piece == "y":
            # Informal: y after a vowel and not before one is й (Abay, Tokay).
            prev = word[m.start() - 1] if m.start() else ""
            nxt = word[m.end()] if m.end() < len(word) else ""
            out.append("й" if prev in _LATIN_VOWELS and prev and nxt not in _LATIN_VOWELS else "ы")
        elif piece == "'":
            continue
        else:
            out.append(_MULTI.get(piece) or _SINGLE.get(piece, piece))
    return "".join(out)


def latin_to_cyrillic(word: str) -> str:
    """The main Cyrillic reading of one lowercased Latin-script Kazakh word."""
    return _convert(word, "х")


def latin_variants(word: str) -> list[str]:
    """Every Cyrillic reading of a lowercased Latin word, the main one first."""
    out = [_convert(word, "х")]
    if "kh" in word:
        out.append(_convert(word, "қ"))
    return list(dict.fromkeys(v for v in out if v))
