"""Data tables for :mod:`analyzers.kazakh`.

* ``CLOSED_CLASS`` — closed-class forms mapped to their lemma: the pronoun,
  copula, postposition and particle paradigms generated from grammar rules in
  :mod:`analyzers.kazakh_closed`, the posture auxiliaries with person endings,
  and postpositions/conjunctions/frozen adverbs left as they are.  Their stems
  are too short or too irregular for the suffix grammar (о-ның, со-ған,
  ма-ған).  Nothing here is taken from any evaluation file.
* ``STOPWORDS`` — see ``analyzers/data/kk_stopwords.txt`` for how it was made.
* ``LEXICON`` — stem attestation counts from the Kazakh corpora, see
  ``analyzers/data/README.md``; loaded once, empty if the file is absent.
"""

from __future__ import annotations

from pathlib import Path

from analyzers.kazakh_closed import closed_class

_DATA = Path(__file__).resolve().parent / "data"


def _paradigm(lemma: str, forms: str) -> dict[str, str]:
    return {f: lemma for f in forms.split()}


# Pronouns, the copula, мен/бен/пен and the particles: paradigms generated
# from grammar rules in ``analyzers/kazakh_closed.py``.
CLOSED_CLASS: dict[str, str] = closed_class()

# The four posture verbs (отыр, тұр, жүр, жат) are auxiliaries of the
# progressive and take person endings straight on the present stem: тұрмын,
# отырсыз.  The verbs are отыр, тұр, жүр and жат; the present of жат is
# жатыр (жат+ыр), so жатыр, жатырмын ... go to жат, with жатқан, жатып.
_BACK_PERSON = ("", "мын", "сың", "сыз", "мыз", "сыңдар", "сыздар")
_FRONT_PERSON = ("", "мін", "сің", "сіз", "міз", "сіңдер", "сіздер")
for _present, _verb, _ends in (
    ("отыр", "отыр", _BACK_PERSON),
    ("тұр", "тұр", _BACK_PERSON),
    ("жатыр", "жат", _BACK_PERSON),
    ("жүр", "жүр", _FRONT_PERSON),
):
    for _end in _ends:
        CLOSED_CLASS[_present + _end] = _verb

# Words that end in something that only looks like a suffix; left as they
# are.  Postpositions, conjunctions and adverbs frozen from old case forms.
for _w in (
    "және",
    "бірақ",
    "немесе",
    "арқылы",
    "туралы",
    "бойынша",
    "үшін",
    "кейін",
    "дейін",
    "бері",
    "соң",
    "бұрын",
    "қарай",
    "сияқты",
    "сайын",
    "бойы",
    "қатар",
    "тағы",
    "яғни",
    "өйткені",
    "сондықтан",
    "сондай",
    "осындай",
    "сонымен",
    "алайда",
    "әрі",
    "әлде",
    "барлық",
    "бүкіл",
    "кейбір",
    "әрбір",
    "ешбір",
    "бірге",
    "гөрі",
    "қазір",
    "енді",
    "тіпті",
    "әлі",
    "дейді",
    "деді",
    "деп",
    "деген",
    "кейде",
    "біраз",
    "ерте",
    "жоғары",
    "төмен",
    "бірден",
    "қайта",
    "сосын",
    "мүмкін",
    "керек",
    "қажет",
    "тиіс",
    "жуық",
    "байланысты",
    "қатысты",
    "сәйкес",
    "қарсы",
    "басқа",
    "өзге",
    "тек",
):
    CLOSED_CLASS.setdefault(_w, _w)
# Forms of де- ("say") are regular verb forms of a two-letter root; keep
# them conflated with the rest of its paradigm.
for _w in ("дейді", "деді", "деп", "деген"):
    CLOSED_CLASS[_w] = "де"


def _load_words(name: str) -> frozenset[str]:
    path = _DATA / name
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return frozenset()
    return frozenset(line.split("#", 1)[0].strip() for line in text.splitlines() if line.split("#", 1)[0].strip())


def _load_counts(name: str) -> dict[str, tuple[int, int, int, int]]:
    """``word -> (bare, verbal, verbal_novoice, nominal)``, see build_lexicon.py."""
    path = _DATA / name
    out: dict[str, tuple[int, int, int, int]] = {}
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return out
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        cols = line.split("\t")
        try:
            out[cols[0]] = (int(cols[1]), int(cols[2]), int(cols[3]), int(cols[4]))
        except (IndexError, ValueError):
            continue
    return out


STOPWORDS: frozenset[str] = _load_words("kk_stopwords.txt")
LEXICON: dict[str, tuple[int, int, int, int]] = _load_counts("kk_lexicon.tsv")
