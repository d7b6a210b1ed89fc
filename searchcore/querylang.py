"""The user's query language, parsed into a small syntax tree.

Supported: plain words, ``"exact phrase"``, ``-exclude`` (a word or a
phrase), ``OR`` between two clauses, a trailing ``*`` for a prefix, and
``title:`` before a word or a phrase. Anything else is read as plain text, so
parsing never fails: an unbalanced quote is ignored (its words are plain
words), a lone ``-`` or ``OR`` at the edges is nothing, an unknown
``field:`` is two plain words, and a query of only exclusions searches
those words instead of returning nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from analyzers.normalize import clean
from analyzers.tokenize import words

FIELDS = ("title",)

# One clause: optional '-', optional 'title:', then a quoted phrase or a bare run.
_CLAUSE_RE = re.compile(
    r"""(?P<neg>-)?(?:(?P<field>[A-Za-z]+):)?(?:"(?P<phrase>[^"]*)"|(?P<bare>[^\s"]+))""",
)


@dataclass(frozen=True)
class Clause:
    """A word, a prefix or a phrase, maybe limited to a field or negated."""

    words: tuple[str, ...]
    phrase: bool = False
    prefix: bool = False
    field: str | None = None
    negated: bool = False


@dataclass
class ParsedQuery:
    """Positive groups (each an OR of clauses; groups combine as AND/ranked)
    plus the clauses to exclude."""

    groups: list[list[Clause]] = field(default_factory=list)
    excluded: list[Clause] = field(default_factory=list)

    @property
    def positive_clauses(self) -> list[Clause]:
        return [c for g in self.groups for c in g]

    def is_empty(self) -> bool:
        return not self.groups


def _clauses(text: str) -> list[Clause | str]:
    """Split into clauses, keeping the literal ``OR`` operator as a string."""
    out: list[Clause | str] = []
    for m in _CLAUSE_RE.finditer(text):
        neg, fld, phrase, bare = m.group("neg"), m.group("field"), m.group("phrase"), m.group("bare")
        if bare == "OR" and not neg and not fld:
            out.append("OR")
            continue
        fld_name = fld.lower() if fld and fld.lower() in FIELDS else None
        if fld and not fld_name:
            bare = f"{fld} {bare or phrase or ''}"  # unknown field: plain words
            phrase = None
        if phrase is not None:
            toks = tuple(words(phrase))
            if toks:
                out.append(Clause(toks, phrase=len(toks) > 1, field=fld_name, negated=bool(neg)))
            continue
        toks = words(bare or "")
        prefix = bool(
            bare and bare.endswith("*") and toks and len(toks) == 1 and bare.rstrip("*").lower().endswith(toks[-1])
        )
        for i, tok in enumerate(toks):
            out.append(Clause((tok,), prefix=prefix and i == len(toks) - 1, field=fld_name, negated=bool(neg)))
    return out


def parse(text: str) -> ParsedQuery:
    """Parse the user's query; never raises."""
    parsed = ParsedQuery()
    items = _clauses(clean(text))
    pending_or = False
    for item in items:
        if item == "OR":
            pending_or = bool(parsed.groups)
            continue
        assert isinstance(item, Clause)
        if item.negated:
            parsed.excluded.append(item)
            pending_or = False
            continue
        if pending_or:
            parsed.groups[-1].append(item)
        else:
            parsed.groups.append([item])
        pending_or = False
    if not parsed.groups and parsed.excluded:
        # "-foo" alone means nothing to find; search the word instead of failing.
        parsed.groups = [[Clause(c.words, c.phrase, c.prefix, c.field)] for c in parsed.excluded]
        parsed.excluded = []
    return parsed
