"""As-you-type completions from the words of the indexed titles.

The vocabulary is built once per index generation from the stored titles
(titles hold the names and topics people type; bodies would add noise and
cost). Each word form is grouped with its other forms by folded stem, so
"казахстан", "казахстана", "казахстане" come back as one completion — the
most frequent form. Lookup is a binary search over the folded forms, so a
prefix typed on a Russian keyboard ("казак") also completes Kazakh words
("қазақстан").
"""

from __future__ import annotations

import bisect
from collections import Counter

from analyzers.chains import STEMMERS
from analyzers.normalize import clean, fold_kazakh, fold_yo
from analyzers.tokenize import iter_tokens
from backends.base import Backend, Reader
from searchcore.gencache import PerGeneration

MIN_WORD_CHARS = 3
SCAN_LIMIT = 5000  # folded forms looked at for one prefix; enough to rank the frequent ones


def _norm(word: str) -> str:
    return fold_yo(clean(word.lower()))


class Vocabulary:
    """Title words of one generation, searchable by (folded) prefix."""

    def __init__(self, reader: Reader) -> None:
        forms: Counter[str] = Counter()
        for doc in reader.scan():
            words = {_norm(m.group(0)) for m in iter_tokens(doc.title)}
            forms.update(w for w in words if len(w) >= MIN_WORD_CHARS and not w.isdigit())
        groups = _group_forms(forms)
        best: dict[str, str] = {}
        totals: Counter[str] = Counter()
        for word, n in forms.items():
            group = groups[word]
            totals[group] += n
            if group not in best or n > forms[best[group]]:
                best[group] = word
        # one row per group (its most frequent form), ranked by the group's total
        rows = sorted((fold_kazakh(word), word, totals[g]) for g, word in best.items())
        self._keys = [r[0] for r in rows]
        self._rows = [(r[1], r[2]) for r in rows]

    def __len__(self) -> int:
        return len(self._keys)

    def complete(self, prefix: str, limit: int) -> list[str]:
        """Up to ``limit`` words starting with ``prefix``, most frequent first."""
        key = fold_kazakh(_norm(prefix))
        if not key:
            return []
        lo = bisect.bisect_left(self._keys, key)
        hits = []
        for i in range(lo, min(lo + SCAN_LIMIT, len(self._keys))):
            if not self._keys[i].startswith(key):
                break
            hits.append(self._rows[i])
        hits.sort(key=lambda row: (-row[1], row[0]))
        return [word for word, _ in hits[:limit]]


def _stem_key(word: str) -> str:
    return fold_kazakh(min(STEMMERS["ru"](word), STEMMERS["kk"](word), key=len))


def _group_forms(forms: Counter[str]) -> dict[str, str]:
    """Word → group id: forms whose folded stems differ by a short ending.

    Snowball and the Kazakh stemmer disagree on names (казахстана →
    "казахста", казахстане → "казахстан"), so stems that extend the
    group's first stem by at most two letters join it.
    """
    keyed = sorted((_stem_key(w), w) for w in forms)
    out: dict[str, str] = {}
    root = None
    for key, word in keyed:
        if root is None or not (key.startswith(root) and len(key) - len(root) <= 2):
            root = key
        out[word] = root
    return out


_VOCAB: PerGeneration[Vocabulary] = PerGeneration("completion vocabulary", Vocabulary)


def suggest(backend: Backend, q: str, limit: int) -> list[str]:
    """Completions of the query's last word, each as the whole new query.

    A query ending in a space (the last word is finished) or whose last word
    is an operator or syntax gets no completions.
    """
    if not q or q[-1].isspace():
        return []
    last = q.rpartition(" ")[2].rpartition(":")[2].lstrip('-"(')
    if not last or not all(ch.isalnum() for ch in last):
        return []
    with backend.reader() as reader:
        vocab = _VOCAB.get(reader)
    prefix_len = len(q) - len(last)
    return [q[:prefix_len] + word for word in vocab.complete(last, limit) if _norm(word) != _norm(last)][:limit]
