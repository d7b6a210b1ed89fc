"""The one tokenizer both languages share.

A token is a run of letters and digits. Hyphens and dashes separate tokens, so
`Қазақстан–Ресей` gives two words and `Қасым-Жомарт` two names, which is what
a reader typing either half expects to find.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

TOKEN_PATTERN = r"[^\W_]+"
_TOKEN_RE = re.compile(TOKEN_PATTERN)


def iter_tokens(text: str) -> Iterator[re.Match[str]]:
    """Yield a match per token, with its character span."""
    return _TOKEN_RE.finditer(text)


def words(text: str) -> list[str]:
    """The tokens of `text`, lowercased."""
    return [m.group(0).lower() for m in _TOKEN_RE.finditer(text)]
