"""Kazakh stemmer for full-text search.

Kazakh is agglutinative: a noun takes, in this order, plural -> possessive ->
case (and the -дағы / -ның+кі chains), a verb takes voice -> negation ->
tense/participle/converb -> person.  Every suffix has several allomorphs,
chosen by vowel harmony (back а/о/ұ/ы vs front ә/е/і/ү/ө) and by the last
sound of what it attaches to (vowel / sonorant / voiced / voiceless).

The stemmer therefore does not strip a flat list of endings.  It parses the
word from the right with a small finite-state grammar of suffix *slots*
(``_INNER`` says which slot may stand inside which), and every allomorph is
only accepted where harmony and the preceding sound allow it.  All parses are
collected; the candidate stem is then chosen by :func:`_choose` from the
paradigm evidence of a corpus lexicon (a stem is real when the corpus shows it
alone or with several different suffixes; a word frequent on its own is a
lexeme, not stem + suffix).  Finally the stem is put in a canonical shape so
that a bare word and its inflected forms meet: ``достығы`` -> ``достық``, and
a passive or reciprocal verb goes to its plain verb (``бөлінді`` -> ``бөл``).
Closed classes (pronouns, the copula, мен/бен/пен) come from paradigms
generated in :mod:`analyzers.kazakh_closed`.

Public API: :func:`stem` and :data:`STOPWORDS`.  Pure standard library.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable

from analyzers.kazakh_data import CLOSED_CLASS, LEXICON
from analyzers.kazakh_data import STOPWORDS as _STOPWORDS

__all__ = ["stem", "STOPWORDS"]

#: Kazakh stop words (see ``analyzers/kazakh_data.py`` for the source).
STOPWORDS: frozenset[str] = _STOPWORDS

# --------------------------------------------------------------------------
# Sounds
# --------------------------------------------------------------------------

_BACK = frozenset("аоұыяёю")
_FRONT = frozenset("әеіөүэ")
_VOWELS = _BACK | _FRONT | frozenset("иу")

# Class of the last sound of a stem, the thing allomorphs are chosen by.
#   V vowel, R р/й/у (glide-like sonorants), L л, N nasals, Z з/ж,
#   T voiceless consonants (and б в г д ғ, which behave like them here).
#   и and ю are /ій, ый/ and /йу/: they end in a glide and take the
#   allomorphs of й and у (тиді, киіп, тиген; таксиді, таксидің).
_SOUND_CLASS = {ch: "V" for ch in "аоұыяёәеіөүэ"}
_SOUND_CLASS.update({ch: "R" for ch in "рйуию"})
_SOUND_CLASS.update({"л": "L", "м": "N", "н": "N", "ң": "N", "з": "Z", "ж": "Z"})
_SOUND_CLASS.update({ch: "T" for ch in "пфкқтсшщхцчһбвгдғ"})

_KAZAKH_WORD = re.compile(r"^[а-яёәғқңөұүһі]+$")
_KAZAKH_ONLY = frozenset("әғқңөұүһі")


def _harmony(s: str) -> str | None:
    """'b' or 'f' from the last harmonic vowel of ``s`` (None if it has none).

    и and у are skipped: in native words they are /ій, ый, ұw/ and carry no
    reliable harmony, and loanwords (``министр``) decide by the other vowels.
    """
    for ch in reversed(s):
        if ch in _BACK:
            return "b"
        if ch in _FRONT:
            return "f"
    return None


@functools.lru_cache(maxsize=1 << 16)
def _stem_harmony(s: str) -> str | None:
    """Harmony a suffix must follow after ``s``; None when ``s`` is disharmonic.

    Native stems are harmonic. A stem with both back and front vowels is a
    loanword or a name (Тоқаев, Шымкент, компьютер), and those take either
    suffix series (Тоқаевтың, Тоқаевқа), so no harmony is enforced on them.
    """
    vowels = {("b" if ch in _BACK else "f") for ch in s if ch in _BACK or ch in _FRONT}
    if len(vowels) > 1:
        return None
    return _harmony(s)


@functools.lru_cache(maxsize=1024)
def _suffix_harmony(form: str) -> str | None:
    """Harmony of a suffix: its vowels, else қ/ғ (back) or к/г (front)."""
    h = _harmony(form)
    if h is None:
        if form[-1:] in ("қ", "ғ"):
            return "b"
        if form[-1:] in ("к", "г"):
            return "f"
    return h


# --------------------------------------------------------------------------
# Suffix grammar
# --------------------------------------------------------------------------
# A suffix entry: (surface form, allowed classes of the preceding sound, need)
#   allowed: string of _SOUND_CLASS letters, "C" = any consonant, "" = any.
#   need: None, "P3" (must follow a 3rd-person possessive: -н, -на, -нда ...)
#         or "P12" (must follow a 1st/2nd singular possessive: dative -а/-е).
_Entry = tuple[str, str, "str | None"]

_ANY = ""
_VR = "VR"
_VOICED = "VRLNZ"  # vowels, sonorants and voiced consonants


def _pair(back: str, front: str, allowed: str, need: str | None = None) -> list[_Entry]:
    return [(back, allowed, need), (front, allowed, need)]


def _slot(*groups: Iterable[_Entry]) -> list[_Entry]:
    out: list[_Entry] = []
    for g in groups:
        out.extend(g)
    return out


#: First- and second-person endings of the present and the aorist (барамын, барарсыңдар).
_PERSONAL_12 = (
    _pair("мын", "мін", ""),
    _pair("сың", "сің", ""),
    _pair("сыз", "сіз", ""),
    _pair("мыз", "міз", ""),
    _pair("сыңдар", "сіңдер", ""),
    _pair("сыздар", "сіздер", ""),
)


_SUFFIXES: dict[str, list[_Entry]] = {
    # ---- nominal -------------------------------------------------------
    "pl": _slot(_pair("лар", "лер", _VR), _pair("дар", "дер", "LNZ"), _pair("тар", "тер", "T")),
    "poss": _slot(
        [("м", "V", None)],
        _pair("ым", "ім", "C"),
        [("ң", "V", None)],
        _pair("ың", "ің", "C"),
        _pair("ңыз", "ңіз", "V"),
        _pair("ыңыз", "іңіз", "C"),
        _pair("сы", "сі", "V"),
        _pair("ы", "і", "C"),
        _pair("мыз", "міз", "V"),
        _pair("ымыз", "іміз", "C"),
        _pair("ңдар", "ңдер", "V"),
        _pair("ыңдар", "іңдер", "C"),
        _pair("ңыздар", "ңіздер", "V"),
        _pair("ыңыздар", "іңіздер", "C"),
    ),
    "case": _slot(
        # genitive
        _pair("ның", "нің", "VN"),
        _pair("дың", "дің", "RLZ"),
        _pair("тың", "тің", "T"),
        # accusative
        _pair("ны", "ні", "V"),
        _pair("ды", "ді", "RLNZ"),
        _pair("ты", "ті", "T"),
        [("н", "V", "P3")],
        # dative
        _pair("ға", "ге", _VOICED),
        _pair("қа", "ке", "T"),
        _pair("на", "не", "V", "P3"),
        _pair("а", "е", "", "P12"),
        # locative
        _pair("да", "де", _VOICED),
        _pair("та", "те", "T"),
        _pair("нда", "нде", "V", "P3"),
        # ablative
        _pair("дан", "ден", "VRLZ"),
        _pair("нан", "нен", "NV"),
        _pair("тан", "тен", "T"),
        # instrumental (invariant front vowel, see _NO_HARMONY)
        [
            ("мен", "VRLN", None),
            ("менен", "VRLN", None),
            ("бен", "Z", None),
            ("бенен", "Z", None),
            ("пен", "T", None),
            ("пенен", "T", None),
        ],
    ),
    "dagy": _slot(_pair("дағы", "дегі", _VOICED), _pair("тағы", "тегі", "T"), _pair("ндағы", "ндегі", "V", "P3")),
    "ki": _slot(_pair("ныкі", "нікі", "VN"), _pair("дыкі", "дікі", "RLZ"), _pair("тыкі", "тікі", "T")),
    "sim": _slot(_pair("дай", "дей", _VOICED), _pair("тай", "тей", "T"), _pair("ндай", "ндей", "V", "P3")),
    "npred": _slot(
        _pair("мын", "мін", "VRL"),
        _pair("бын", "бін", "NZ"),
        _pair("пын", "пін", "T"),
        _pair("мыз", "міз", "VRL"),
        _pair("быз", "біз", "NZ"),
        _pair("пыз", "піз", "T"),
    ),
    # ---- verbal --------------------------------------------------------
    "pperson": _slot(
        [("м", "", None), ("ң", "", None), ("қ", "", None), ("к", "", None)],
        _pair("ңыз", "ңіз", ""),
        _pair("ңдар", "ңдер", ""),
        _pair("ңыздар", "ңіздер", ""),
    ),
    "past": _slot(_pair("ды", "ді", _VOICED), _pair("ты", "ті", "T")),
    "cond": _slot(_pair("са", "се", "")),
    "prespers": _slot(*_PERSONAL_12, _pair("ды", "ді", ""), [("м", "", None)]),
    # present/converb -а/-е/-й; after ы/і the -й fuses into и: оқы+й -> оқи
    "pres": _slot(_pair("а", "е", "C"), [("й", "V", None)], [("и", "C", None)]),
    # aorist participle -ар/-ер/-р (көрер, барарсың, айтарлық); it is spelt
    # like the causative -ар (шығар), see the paradigm check in _parses
    "aor": _slot(_pair("ар", "ер", "C"), [("р", "V", None)], _pair("арлық", "ерлік", "C"), _pair("рлық", "рлік", "V")),
    "aorp": _slot(*_PERSONAL_12),
    "tyn": _slot(_pair("тын", "тін", "")),
    "conv": _slot(_pair("ып", "іп", "C"), [("п", "V", None)], _pair("ыпты", "іпті", "C"), _pair("пты", "пті", "V")),
    "imp": _slot(
        _pair("сын", "сін", ""),
        _pair("йын", "йін", "V"),
        _pair("айын", "ейін", "C"),
        _pair("айық", "ейік", "C"),
        _pair("йық", "йік", "V"),
        _pair("ыңдар", "іңдер", "C"),
        _pair("ңдар", "ңдер", "V"),
        _pair("ыңыз", "іңіз", "C"),
        _pair("ңыз", "ңіз", "V"),
    ),
    "galy": _slot(
        _pair("ғалы", "гелі", _VOICED),
        _pair("қалы", "келі", "T"),
        _pair("ғанша", "генше", _VOICED),
        _pair("қанша", "кенше", "T"),
    ),
    "vnoun": _slot(
        _pair("ған", "ген", _VOICED),
        _pair("қан", "кен", "T"),
        # -ғандық "the fact of having done" (білгендік, айтқандықтан)
        _pair("ғандық", "гендік", _VOICED),
        _pair("қандық", "кендік", "T"),
        [("у", "", None)],
        # й + у is spelt ю: сүй+у -> сүю (see _RESTORE)
        [("ю", "V", None)],
        # agent noun -ушы "one who does" (айтушы, шығарушылар) and its
        # abstract noun -ушылық: searchers want them with the verb.
        _pair("ушы", "уші", ""),
        _pair("ушылық", "ушілік", ""),
        _pair("мас", "мес", "VRL"),
        _pair("бас", "бес", "NZ"),
        _pair("пас", "пес", "T"),
    ),
    # -мақ/-мек "to do; is going to" ends a word or takes a person ending
    # (бармақпын); it is not declined, so аймақтарында is not ай+мақ+...
    "maq": _slot(
        _pair("мақ", "мек", "VRL"),
        _pair("бақ", "бек", "NZ"),
        _pair("пақ", "пек", "T"),
        _pair("мақшы", "мекші", "VRL"),
        _pair("бақшы", "бекші", "NZ"),
        _pair("пақшы", "пекші", "T"),
    ),
    # -ғы/-гі: adjectives of time and place (бүгінгі, соңғы, алдыңғы) and,
    # with a possessive after it, the desiderative of verbs (айтқысы келеді)
    "gy": _slot(_pair("ғы", "гі", _VOICED), _pair("қы", "кі", "T")),
    # comparative -рақ/-ырақ (жақсырақ, кейінірек)
    "comp": _slot(_pair("рақ", "рек", "V"), _pair("ырақ", "ірек", "C")),
    "neg": _slot(_pair("ма", "ме", "VRL"), _pair("ба", "бе", "NZ"), _pair("па", "пе", "T")),
    # passive -ыл/-л, passive/reflexive -ын/-н, reciprocal -ыс (after a consonant)
    "voice": _slot(
        _pair("ыл", "іл", "C"), [("л", "V", None)], _pair("ын", "ін", "L"), [("н", "V", None)], _pair("ыс", "іс", "C")
    ),
}

#: Instrumental -мен/-бен/-пен never harmonises.
_NO_HARMONY = frozenset({"мен", "менен", "бен", "бенен", "пен", "пенен", "ю"})

_POSS3 = frozenset({"сы", "сі", "ы", "і"})
_POSS12 = frozenset({"м", "ым", "ім", "ң", "ың", "ің"})

_NOMINAL_BASE = ("poss", "pl", "vnoun", "tyn", "dagy", "ki", "gy", "comp")
_VERB_BASE = ("neg", "voice")

#: slot -> slots that may stand immediately inside it ("" = the stem).
_INNER: dict[str, tuple[str, ...]] = {
    "pl": ("", "vnoun", "tyn", "dagy", "gy"),
    "poss": ("", "pl", "vnoun", "tyn", "dagy", "gy", "comp"),
    "case": ("",) + _NOMINAL_BASE,
    "dagy": ("", "poss", "pl", "vnoun", "tyn"),
    "ki": ("", "poss", "pl"),
    "sim": ("", "case", "poss", "pl", "vnoun", "tyn", "dagy", "aor"),
    "npred": ("", "case", "poss", "pl", "vnoun", "tyn", "dagy", "maq"),
    "pperson": ("past", "cond"),
    "past": ("",) + _VERB_BASE,
    "cond": ("",) + _VERB_BASE,
    "prespers": ("pres",),
    "pres": ("",) + _VERB_BASE,
    "tyn": ("pres",),
    "conv": ("",) + _VERB_BASE,
    "imp": ("",) + _VERB_BASE,
    "galy": ("",) + _VERB_BASE,
    "vnoun": ("",) + _VERB_BASE,
    "aor": ("",) + _VERB_BASE,
    "aorp": ("aor",),
    "gy": ("", "voice"),
    "comp": ("",),
    "maq": ("",) + _VERB_BASE,
    "neg": ("", "voice"),
    "voice": ("",),
}

_VERBAL = frozenset(
    {
        "pperson",
        "past",
        "cond",
        "prespers",
        "pres",
        "tyn",
        "conv",
        "imp",
        "galy",
        "vnoun",
        "maq",
        "neg",
        "voice",
        "aor",
        "aorp",
    }
)

#: Slots allowed at the very end of a word.
_OUTER: tuple[str, ...] = tuple(_SUFFIXES)

# Minimum length of what is left of the word (letters), and it needs a vowel.
_MIN_STEM = 2
_NO_COUNTS = (0, 0, 0, 0)


def _allowed(cls_set: str, prev: str) -> bool:
    """Is an allomorph with preceding-sound classes ``cls_set`` fine after ``prev``?"""
    if not cls_set:
        return True
    c = _SOUND_CLASS.get(prev)
    if c is None:
        return True
    if cls_set == "C":
        return c != "V"
    return c in cls_set


def _has_vowel(s: str) -> bool:
    return not _VOWELS.isdisjoint(s)


def _index_by_last_letter() -> dict[str, dict[str, list[_Entry]]]:
    """slot -> last letter -> entries, so a parse step tries only suffixes that fit."""
    out: dict[str, dict[str, list[_Entry]]] = {}
    for slot, entries in _SUFFIXES.items():
        by: dict[str, list[_Entry]] = {}
        for e in entries:
            by.setdefault(e[0][-1], []).append(e)
        out[slot] = by
    return out


_BY_LAST = _index_by_last_letter()

#: Suffixes that only verbs take; a stem seen with them is a verb stem.
_STRONG_VERBAL = frozenset({"tyn", "galy", "conv", "prespers", "pperson", "imp", "maq", "aorp"})
_STRONG_VNOUN = frozenset(
    {"ған", "ген", "қан", "кен", "у", "ю", "ғандық", "гендік", "қандық", "кендік", "ушы", "уші", "ушылық", "ушілік"}
)

#: A parse: (stem, number of suffixes, kind, voice) with kind 0 = nominal
#: suffixes only, 1 = some verbal suffix, 2 = a suffix only verbs take; voice
#: is True when a passive/reflexive suffix was removed.
Parse = tuple[str, int, int, bool]

#: Two-letter roots that begin with a consonant.  Native two-letter roots are
#: nearly all vowel+consonant (ал, ел, үй, ат); consonant+vowel ones are few
#: and closed: де "say", же "eat", жу "wash", ки "wear", қу "chase",
#: ту "be born", су "water", те "kick", ти "touch", жи "gather", би "dance".
_CV_ROOTS = frozenset({"де", "же", "жу", "ки", "қу", "ту", "су", "те", "ти", "жи", "би"})

#: Possessive endings that start with a vowel; before them a high vowel in
#: the last syllable may drop (халық -> халқы, орын -> орны, ауыз -> аузы).
_VOWEL_POSS = frozenset(
    {"ы", "і", "ым", "ім", "ың", "ің", "ыңыз", "іңіз", "ымыз", "іміз", "ыңдар", "іңдер", "ыңыздар", "іңіздер"}
)
_DROP_FINAL = frozenset("қкнзлрмғгсп")


def _stem_ok(base: str) -> bool:
    """Minimum stem: two letters with a vowel; CV roots only from a closed list."""
    if len(base) < _MIN_STEM or not _has_vowel(base):
        return False
    return not (len(base) == 2 and base[0] not in _VOWELS and base not in _CV_ROOTS)


def _verbal_support(s: str) -> int:
    return LEXICON.get(s, _NO_COUNTS)[1]


def _high_vowel(s: str) -> str:
    """ы or і, by the harmony of ``s``."""
    return "і" if _harmony(s) == "f" else "ы"


def _alternate_bases(slot: str, form: str, base: str, rest: str) -> list[str]:
    """Stems a suffix may hide by a sound change, besides the plain ``base``.

    * халқы -> халық, ерні -> ерін: a high vowel drops before a vowel-initial
      possessive, so put it back;
    * әкеп, боп: colloquial converbs drop the л of the stem (әкел+іп, бол+ып);
      accepted only when the л-stem is a corpus verb and the short form is not;
    * шауып, жауып: stems in -п change п to у before -ып (шап, жап);
    * оқиды, оқи: ы/і + the present -й are spelt и; сүю: й + gerund -у is ю.
    """
    out: list[str] = []
    if (
        slot == "poss"
        and form in _VOWEL_POSS
        and len(base) >= 3
        and base[-1] in _DROP_FINAL
        and (base[-2] not in _VOWELS or base[-2] == "у")
        and base[-3] in _VOWELS
    ):
        out.append(base[:-1] + _high_vowel(base) + base[-1])
    elif slot == "conv":
        if form == "п" and _verbal_support(base + "л") >= 2 and _verbal_support(rest) < 2:
            out.append(base + "л")
        if form in ("ып", "іп") and base.endswith("у") and len(base) >= 3 and base[-2] in _VOWELS:
            out.append(base[:-1] + "п")
    return out


#: A word-final -и is most often an adjective in -и (саяси, тарихи, ғылыми),
#: so reading it as verb + present -й needs a well-attested verb.
_FINAL_I_SUPPORT = 3


def _lexeme_blocks(slot: str, form: str, base: str, rest: str, outer: str) -> bool:
    """Paradigm checks: is ``rest`` a lexeme of its own rather than base + suffix?

    * -ар is the aorist only if X+ар is not itself a corpus verb (шығар-ады,
      қайтар-ды are causatives, not шық+ар);
    * -рақ/-ырақ is the comparative only if X+рақ is not declined like a noun
      (топырақтың, тұрақты are words; comparatives are rarely declined);
    * see ``_FINAL_I_SUPPORT`` for a word-final -и.
    """
    if slot == "aor":
        stem_ar = base + (form[:-3] if form.endswith(("лық", "лік")) else form)
        return _verbal_support(stem_ar) >= 2
    if slot == "comp":
        return LEXICON.get(rest, _NO_COUNTS)[3] >= 2
    if slot == "pres" and form == "и" and not outer:
        return LEXICON.get(_canonical(base, 1), _NO_COUNTS)[2] < _FINAL_I_SUPPORT  # base has its ы/і back
    return False


#: One parse step, precomputed per (slot set, last letter) so the parser does
#: no work for suffixes that cannot end the remaining string:
#: (form, slot, inner slots, next need, letters the suffix may not follow,
#:  suffix harmony, kind it implies (2 strong verbal, 1 verbal, 0 nominal),
#:  is a voice suffix, P3 ok, P12 ok, needs extra checks)
_Step = tuple[str, str, tuple[str, ...], "str | None", frozenset[str], "str | None", int, bool, bool, bool, bool]

_SPECIAL_SLOTS = frozenset({"aor", "comp", "gy", "conv", "pres", "vnoun", "poss"})


def _step(slot: str, entry: _Entry) -> _Step:
    form, cls_set, need_next = entry
    bad = frozenset(ch for ch in _SOUND_CLASS if not _allowed(cls_set, ch))
    sh = None if form in _NO_HARMONY else _suffix_harmony(form)
    # past 1pl -дық/-тік is spelt like the derivational -лық/-тік
    # (мемлекеттік), so it is no proof of a verb stem.
    if (slot in _STRONG_VERBAL and form not in ("қ", "к")) or (slot == "vnoun" and form in _STRONG_VNOUN):
        k = 2
    elif slot in _VERBAL:
        k = 1
    else:
        k = 0
    p3 = slot == "poss" and form in _POSS3
    p12 = slot == "poss" and form in _POSS12
    return (form, slot, _INNER[slot], need_next, bad, sh, k, slot == "voice", p3, p12, slot in _SPECIAL_SLOTS)


_LETTERS = "абвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюяә"


def _build_steps() -> dict[tuple[str, ...], dict[str, tuple[_Step, ...]]]:
    """slot set -> last two letters -> steps, for every slot set the grammar uses.

    Keyed by two letters (a one-letter suffix is filed under every pair that
    ends in it), so a parse step looks at the few suffixes that can match.
    """
    sets = {_OUTER + ("",), ("",) + _VERB_BASE, *_INNER.values()}
    out: dict[tuple[str, ...], dict[str, tuple[_Step, ...]]] = {}
    for slots in sets:
        by: dict[str, list[_Step]] = {}
        for slot in slots:
            for entry in _SUFFIXES.get(slot, ()):
                st = _step(slot, entry)
                form = st[0]
                for pair in [form[-2:]] if len(form) > 1 else [ch + form for ch in _LETTERS]:
                    by.setdefault(pair, []).append(st)
        out[slots] = {pair: tuple(v) for pair, v in by.items()}
    return out


_STEPS = _build_steps()


def _parses(word: str) -> set[Parse]:
    """All parses of ``word`` allowed by the slot grammar (the word itself too)."""
    out: set[Parse] = set()

    def walk(
        rest: str, slots: tuple[str, ...], depth: int, kind: int, voice: bool, need: str | None, outer: str
    ) -> None:
        if need is None and "" in slots:
            out.add((rest, depth, kind, voice))
        for form, slot, inner, need_next, bad, sh, sk, is_voice, p3, p12, special in _STEPS[slots].get(rest[-2:], ()):
            if not rest.endswith(form):
                continue
            base = rest[: len(rest) - len(form)]
            if not base or base[-1] in bad:
                continue
            if need is not None and not (p3 if need == "P3" else p12):
                continue
            if special:
                if form == "ю":
                    base += "й"
                elif slot == "pres" and form == "и":
                    base += _high_vowel(base)
                elif slot == "conv" and form == "п" and not _stem_ok(base):
                    # кеп, боп: the л-less stem is too short to stand alone
                    for alt in _alternate_bases(slot, form, base, rest):
                        walk(alt, inner, depth + 1, 2, voice, None, slot)
                    continue
            if not _stem_ok(base):
                continue
            if sh is not None:
                bh = _stem_harmony(base)
                if bh is not None and bh != sh:
                    continue
            if special and _lexeme_blocks(slot, form, base, rest, outer):
                continue
            k = sk if sk > kind else kind
            v = voice or is_voice
            if slot == "gy":
                # adjectival -ғы/-гі follows a consonant (қазіргі, соңғы); after a
                # vowel it is the possessive of a stem in к/г (тірегі, жүрегі);
                # an X-гі declined like a noun is a lexeme (белгісі, үлгілер)
                if not (base[-1] in _VOWELS or LEXICON.get(rest, _NO_COUNTS)[3] >= 2):
                    walk(base, inner, depth + 1, k, v, need_next, slot)
                if outer == "poss":
                    # айтқысы: -ғы + possessive on a verb is the desiderative
                    walk(base, ("",) + _VERB_BASE, depth + 1, 2, v, None, slot)
                continue
            walk(base, inner, depth + 1, k, v, need_next, slot)
            if special:
                for alt in _alternate_bases(slot, form, base, rest):
                    walk(alt, inner, depth + 1, k, v, need_next, slot)

    walk(word, _OUTER + ("",), 0, 0, False, None, "")
    return out


# --------------------------------------------------------------------------
# Canonical stem shape
# --------------------------------------------------------------------------

_FINAL_DEVOICE = str.maketrans({"б": "п", "г": "к", "ғ": "қ"})


def _canonical(s: str, kind: int = 0) -> str:
    """Put a stem in the shape shared by all forms of its word.

    * Kazakh voices a final п/к/қ before a vowel (кітап -> кітабы, достық ->
      достығы).  The bare word and the inflected one must give the same index
      term, so a final б/г/ғ is always mapped back to п/к/қ.
    * A verb stem in consonant + ы/і loses that vowel before -у and -ып
      (оқы -> оқу, оқып), so verb stems are kept without it.
    """
    if kind and len(s) >= 3 and s[-1] in "ыі" and s[-2] not in _VOWELS:
        s = s[:-1]
    if s and s[-1] in "бгғ":
        s = s[:-1] + s[-1].translate(_FINAL_DEVOICE)
    return s


#: A noun stem never seen as a word of its own is still real when this many
#: distinct inflected forms of it occur (қас-ы-нда, қас-ы-на, қас-ы-нан ...).
_MIN_PARADIGM = 3


def _attested(p: Parse) -> bool:
    """Is the parse's stem known from the corpus lexicon as that kind of stem?

    A noun stem must occur as a word of its own, and must not be mostly a
    verb (this stops ``шешім`` "decision" being read as ``шеш`` "solve" + 1sg
    possessive).  A verb stem must be seen with several endings only verbs
    take; if a passive was removed, with several such endings *without* the
    passive, so ``әкел``-ді stays apart from ``әке`` "father".
    """
    s, depth, kind, voice = p
    if depth == 0:
        return True
    bare, verbal, verbal_nv, nominal = LEXICON.get(_canonical(s, kind), _NO_COUNTS)
    if kind == 0:
        return (bare >= 1 or nominal >= _MIN_PARADIGM) and not (verbal >= 3 and verbal > 2 * (bare + nominal))
    if voice:
        return verbal_nv >= 2
    return verbal_nv >= 2


#: A shorter candidate must have at least this share of the support of the
#: longer one it replaces (see :func:`_choose`).  Parses that only use
#: ambiguous verb endings (converb -а/-е, past -ды, gerund -у) must be backed
#: at least as well: қала "city" is not қал "stay" + converb -а.
_SUPPORT_RATIO = 0.7
_WEAK_RATIO = 1.5


def _support(p: Parse) -> float:
    """How well the corpus backs ``p`` as a stem of its kind.

    A verb stem: the number of word types that parse to it through endings
    only verbs take.  A noun stem: the number of types that parse to it
    through nominal endings, plus log2(1 + its own frequency as a bare word):
    a word seen a hundred times on its own (саяси, бүгін) is a lexeme, not
    a verb + -и or a stem + 2sg possessive.
    """
    s, _depth, kind, _voice = p
    bare, _verbal, verbal_nv, nominal = LEXICON.get(_canonical(s, kind), _NO_COUNTS)
    if kind == 0:
        return nominal + math.log2(1 + bare)
    return verbal_nv


def _choose(word: str, parses: set[Parse]) -> str:
    """Pick the canonical stem among the parses.

    Walk the attested candidates from the longest (the word itself) to the
    shortest, and move to a shorter one only when the corpus backs it about
    as well as the current one.  A genuine stem is backed by every form of
    its paradigm, so it never has less support than its inflected forms;
    a spurious one (кіта+п for кітап, ад+а+м for адам) has almost none.
    Words whose every candidate is unknown fall back to the deepest parse
    that leaves at least three letters.
    """
    good = [p for p in parses if _attested(p)]
    if len(good) > 1 or word in LEXICON:
        # a total order: parses come from a set, and ties must not depend on
        # string hashing (PYTHONHASHSEED) or the stems would differ per process
        good.sort(key=lambda p: (-len(p[0]), p[1], p[2], p[3], p[0]))
        best = good[0]
        best_support = _support(best)
        for p in good[1:]:
            sup = _support(p)
            # weak evidence: only ambiguous verb endings, or a noun stem with a
            # vowel put back (ескі is a word, not есік+і; орны is орын+ы)
            weak = p[2] == 1 or (p[2] == 0 and not word.startswith(p[0]))
            ratio = _WEAK_RATIO if weak else _SUPPORT_RATIO
            if sup > ratio * best_support:
                best, best_support = p, max(sup, best_support)
        if best[2]:
            return _drop_voice(_canonical(best[0], best[2]))
        return _canonical(best[0], best[2])
    fallback = [p for p in parses if len(p[0]) >= 3]
    if not fallback:
        return _canonical(word)
    best = max(fallback, key=lambda p: (p[1], -len(p[0]), -p[2], p[3], p[0]))
    return _canonical(best[0], best[2])


#: Voice suffixes after a consonant-final verb stem: passive -ыл/-іл,
#: passive/reflexive -ын/-ін, reciprocal -ыс/-іс.  After a vowel (санал,
#: айнал, сөйлес) they are left on: the one-letter forms fuse with the stem
#: into verbs of their own too often.  Causatives (-тыр, -дыр, -ғыз) are kept:
#: they make new verbs (қалдыр "leave behind", толықтыр "complete").
_VOICE_AFTER_C = ("ыл", "іл", "ын", "ін", "ыс", "іс")


def _drop_voice(s: str) -> str:
    """Map a verb stem with a voice suffix to the verb it is formed from.

    бөлін-/бөліс- -> бөл, айтыс- -> айт: searchers want the passive and the
    reciprocal with the plain verb.  Done only when the plain verb is a
    corpus verb (≥2 verb-only endings without a voice suffix), and repeated
    for stacked voices (бөлісіл-).
    """
    while True:
        for suf in _VOICE_AFTER_C:
            if not s.endswith(suf) or len(s) - len(suf) < 2:
                continue
            base = s[: len(s) - len(suf)]
            if base[-1] in _VOWELS or (suf in ("ын", "ін")) != (base[-1] == "л"):
                continue  # passive is -ын only after л (алын, бөлін), else -ыл
            if not _stem_ok(base) or _stem_harmony(base) not in (None, _suffix_harmony(suf)):
                continue
            cb = _canonical(base, 1)
            if LEXICON.get(cb, _NO_COUNTS)[2] >= 2:
                s = cb
                break
        else:
            return s


@functools.lru_cache(maxsize=1 << 20)
def _stem_cached(word: str) -> str:
    if word in CLOSED_CLASS:
        return CLOSED_CLASS[word]
    if not _KAZAKH_WORD.match(word):
        return word
    if len(word) <= 2:
        return word
    return _choose(word, _parses(word)) or word


def stem(word: str) -> str:
    """Return the search stem of a (lowercased) Kazakh word.

    Deterministic, never empty, never raises on odd input: anything that is
    not a plain Cyrillic word is returned unchanged (lowercased).
    """
    if not word:
        return word
    if not word.islower():
        word = word.lower()
    if len(word) > 64:
        return word
    return _stem_cached(word)
