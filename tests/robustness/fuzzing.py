"""Shared Hypothesis strategies and settings for the fuzz tests.

CI runs a bounded, derandomized number of examples (stable and quick); the
``slow`` variants run many more with fresh randomness. No example database is
written (it would land in the work tree).
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

#: Characters that have broken text pipelines before: controls, bidi marks,
#: zero-width joiners, BOM, combining marks, emoji sequences, the query syntax.
NASTY = [
    "\x00",
    "\x01",
    "\x07",
    "\x1b",
    "\x7f",
    "\t",
    "\n",
    "\r",
    "\r\n",
    "\x0b",
    "\x0c",
    "\x85",
    "\u00a0",
    "\u2028",
    "\u2029",
    "\u200b",
    "\u200c",
    "\u200d",
    "\u200e",
    "\u200f",
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
    "\ufeff",
    "\ufffd",
    "\uffff",
    "\u0301",
    "\u0308",
    "e\u0301",
    "й",
    "ё",
    "Ё",
    "İ",
    "ß",
    "ǅ",
    "ﬃ",
    "😀",
    "🌳",
    "👨‍👩‍👧",
    "🏳️‍🌈",
    "🇰🇿",
    "𝕏",
    "\U0010ffff",
    "*",
    "**",
    "-",
    "--",
    '"',
    '""',
    "OR",
    "or",
    "title:",
    "TITLE:",
    "body:",
    ":",
    "(",
    ")",
    "\\",
    "'",
    "<",
    ">",
    "&",
    "&amp;",
    "<mark>",
    "</mark>",
    "<script>",
    "%",
    "%00",
    "%2e%2e%2f",
    "../",
    "Қазақстан",
    "қазақстан",
    "Тоқаев",
    "казакстан",
    "Qazaqstan",
    "Almaty",
    "сквер",
    "дружба",
    "достық",
    "ұлт",
    "Ақорда",
    "ЁЛКА",
    "123",
    "2024-04-15",
    "ab*",
    "по*",
    "a*",
    'title:"сквер"',
]
nasty_piece = st.sampled_from(NASTY)
any_char_text = st.text(st.characters(), max_size=80)
#: Text built from nasty pieces, arbitrary Unicode and spaces, in any mix.
nasty_text = st.lists(st.one_of(nasty_piece, any_char_text, st.just(" ")), max_size=25).map("".join)

CI = settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
SLOW = settings(CI, max_examples=3000, derandomize=False)


def big_inputs() -> list[tuple[str, str]]:
    """100 KB inputs, each with a name for the test id."""
    import random

    rnd = random.Random(8)
    size = 100_000
    uni = "".join(
        chr(
            rnd.choice(
                [
                    rnd.randrange(0x20, 0x7F),
                    rnd.randrange(0x400, 0x4FF),
                    rnd.randrange(0x80, 0x2FFF),
                    rnd.randrange(0x1F300, 0x1FAFF),
                ]
            )
        )
        for _ in range(size)
    )
    words = " ".join(
        rnd.choice(["сквер", "Қазақстан", "достық", "*", "OR", "-", '"', "title:", "ab*"]) for _ in range(size // 6)
    )
    return [
        ("unicode", uni),
        ("one-word", "а" * size),
        ("one-kk-word", "қазақстандағылардың" * (size // 19)),
        ("stars", "*" * size),
        ("quotes", '"' * size),
        ("dashes", "-" * size),
        ("controls", "".join(chr(rnd.randrange(0, 32)) for _ in range(size))),
        ("bidi", "\u202e\u200f" * (size // 2)),
        ("emoji", "👨‍👩‍👧" * (size // 8)),
        ("query-syntax", words[:size]),
    ]
