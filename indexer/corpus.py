"""Reading one article file, and walking a corpus folder.

Format: UTF-8 text; line 1 is `` date YYYY-MM-DD <headline>``; the rest is
the body. The file name without ``.txt`` is the document id. Anything else is
a :class:`MalformedFile` with a reason a person can act on.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from analyzers.langid import Lang, detect
from analyzers.normalize import clean

HEADER_RE = re.compile(r"^ ?date (\d{4}-\d{2}-\d{2})(?:[ \t]+(.*))?$")
#: Document ids appear in URLs and file names; keep them to a safe alphabet.
DOC_ID_RE = re.compile(r"^[\w][\w.\-]{0,199}$")
MAX_FILE_BYTES = 20 * 1024 * 1024


class MalformedFile(ValueError):
    """A corpus file that cannot be indexed; ``reason`` says why."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Article:
    """One parsed news article, ready to index."""

    doc_id: str
    date: str
    title: str
    body: str
    lang: Lang
    path: str
    content_hash: str


def content_hash(data: bytes) -> str:
    """Hash of the file's bytes: the incremental update's notion of "changed"."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def doc_id_for(path: Path) -> str:
    """The document id of a corpus file: its name without ``.txt``."""
    return path.name[: -len(".txt")] if path.name.endswith(".txt") else path.name


def parse_bytes(data: bytes, path: Path) -> Article:
    """Parse an article's bytes; raise :class:`MalformedFile` with the reason."""
    doc_id = doc_id_for(path)
    if not DOC_ID_RE.match(doc_id):
        raise MalformedFile(path, "file name is not a valid document id (letters, digits, . _ -)")
    if b"\x00" in data:
        raise MalformedFile(path, "binary file (contains NUL bytes)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise MalformedFile(path, f"not UTF-8 (byte {exc.start})") from None
    text = clean(text).replace("\r\n", "\n").replace("\r", "\n")
    first, _, rest = text.partition("\n")
    m = HEADER_RE.match(first.rstrip())
    if not m:
        raise MalformedFile(path, "first line is not ' date YYYY-MM-DD <headline>'")
    date = m.group(1)
    try:
        dt.date.fromisoformat(date)
    except ValueError:
        raise MalformedFile(path, f"invalid date {date!r}") from None
    title = (m.group(2) or "").strip()
    body = "\n".join(line.strip() for line in rest.split("\n") if line.strip())
    if not body:
        raise MalformedFile(path, "empty body")
    if not title:
        title, _, remainder = body.partition("\n")
        body = remainder or title
    return Article(
        doc_id=doc_id,
        date=date,
        title=title,
        body=body,
        lang=detect(title + "\n" + body),
        path=str(path),
        content_hash=content_hash(data),
    )


def read_article(path: Path) -> Article:
    """Read and parse one file; unreadable files become :class:`MalformedFile`."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise MalformedFile(path, f"file too large ({size} bytes)")
        data = path.read_bytes()
    except OSError as exc:
        raise MalformedFile(path, f"cannot read: {exc.strerror or exc}") from None
    return parse_bytes(data, path)


def list_corpus(corpus_dir: Path) -> dict[str, Path]:
    """Map document id to path for every ``.txt`` file directly in the folder.

    Hidden files and editor/partial-download names (``.foo.txt``, ``x.txt.part``)
    are not articles yet, so they are left out.
    """
    found: dict[str, Path] = {}
    with os.scandir(corpus_dir) as entries:
        for entry in entries:
            if entry.name.startswith(".") or not entry.name.endswith(".txt"):
                continue
            if entry.is_file():
                found[doc_id_for(Path(entry.name))] = Path(entry.path)
    return dict(sorted(found.items()))


def iter_corpus(corpus_dir: Path) -> Iterator[Article | MalformedFile]:
    """Every article in the folder, or the reason it could not be read."""
    for path in list_corpus(corpus_dir).values():
        try:
            yield read_article(path)
        except MalformedFile as bad:
            yield bad
