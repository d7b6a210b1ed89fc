"""Character-level normalisation shared by indexing and querying.

Everything here is a pure function on strings so the index and the query side
cannot drift apart: whatever a document token went through, a query token goes
through the same.
"""

from __future__ import annotations

import unicodedata

#: Letters that exist in Kazakh Cyrillic but not in Russian.
KAZAKH_LETTERS = frozenset("әғқңөұүһіӘҒҚҢӨҰҮҺІ")

# Invisible characters that break words apart or glue them in scraped news.
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)

# ё is written inconsistently in Russian; dictionaries and news treat it as е.
_YO = str.maketrans({"ё": "е", "Ё": "Е"})

# Russian-keyboard spelling of Kazakh: people type the nearest Russian letter.
# Folding both sides lets `казакстан` meet `қазақстан`.
_KAZAKH_FOLD = str.maketrans(
    {
        "ә": "а",
        "ғ": "г",
        "қ": "к",
        "ң": "н",
        "ө": "о",
        "ұ": "у",
        "ү": "у",
        "һ": "х",
        "і": "и",
        "ё": "е",
    }
)


def clean(text: str) -> str:
    """NFC-compose and drop invisible characters (soft hyphens, ZWSP, BOM)."""
    return unicodedata.normalize("NFC", text).translate(_INVISIBLE)


def fold_yo(text: str) -> str:
    """Fold ё to е, the way Russian is usually printed."""
    return text.translate(_YO)


def fold_kazakh(text: str) -> str:
    """Map Kazakh-only letters to the Russian letters people type for them.

    Expects lowercase input; used for the secondary "folded" field that
    catches queries typed on a Russian keyboard and cross-language names.
    """
    return text.translate(_KAZAKH_FOLD)


def has_kazakh_letters(text: str) -> bool:
    """True when the text contains at least one Kazakh-only letter."""
    return any(ch in KAZAKH_LETTERS for ch in text)


def is_cyrillic(ch: str) -> bool:
    """True for letters of the Cyrillic blocks (Kazakh letters included)."""
    return "\u0400" <= ch <= "\u04ff" or "\u0500" <= ch <= "\u052f"
