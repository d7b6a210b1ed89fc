"""Closed-class Kazakh paradigms, generated from the grammar.

Pronouns, the copula and the "with/and" postposition are few, frequent and
irregular: their stems are too short for the suffix grammar (о-ның, со-ған),
or they change shape (бұл -> мұны), or a suffix that is rare elsewhere is
common on them (-ша/-ше, -лай, -нысы).  So their whole paradigms are written
out here, once, *generated* from the declension rules of a grammar book
(stem x case/possessive/plural endings chosen by harmony and the last sound),
not copied from any word list or evaluation file.

Lemma conventions (those of Apertium/UD Kazakh, which search can live with
since these words are mostly stop words anyway):

* a pronoun's forms go to the pronoun (оның -> ол, өзіңше -> өз,
  солайша -> сол); the plural personal pronouns сендер/сіздер/біздер are
  lemmas of their own;
* quality/likeness pronouns in -ндай/-дай (сондай, мұндай, ондай) and the
  locative adverbs of the demonstratives (онда, сонда, мұнда, осында) are
  lexemes of their own, and so are the indefinite/negative pronouns built
  with еш-/әр-/кей-/әлде- (ешкім, ешнәрсе, әрқайсы);
* the copula е- (еді, екен and their person forms) has the lemma е, its
  negation емес the lemma емес;
* the postposition/conjunction мен has the consonant-initial variants бен
  (after з, ж) and пен (after voiceless consonants) and the long forms
  менен/бенен/пенен: all are мен.
"""

from __future__ import annotations

_TO_FRONT = str.maketrans({"ы": "і", "а": "е", "ғ": "г", "қ": "к"})


def _is_back(s: str) -> bool:
    for ch in reversed(s):
        if ch in "аоұыя":
            return True
        if ch in "әеіөүэ":
            return False
    return True


def _v(back: bool, b: str, f: str) -> str:
    return b if back else f


def cases(base: str, after_poss3: bool = False) -> list[str]:
    """The bare form and its six oblique cases, allomorphs by harmony and last sound.

    After a 3rd-person possessive (or the pronominal -н- stem) the n-series is
    used: -ның, -н/-ны, -на, -нда, -нан, -мен.
    """
    b = _is_back(base)
    last = base[-1]
    if after_poss3:
        ends = ["ның", "н", "на", "нда", "нан", "мен"] if b else ["нің", "н", "не", "нде", "нен", "мен"]
        return [base] + [base + e for e in ends]
    if last in "аоұыәеіөүэиюя":
        gen, acc, dat, loc, abl, ins = "ның", "ны", "ға", "да", "дан", "мен"
    elif last in "руйл":
        gen, acc, dat, loc, abl, ins = "дың", "ды", "ға", "да", "дан", "мен"
    elif last in "мнң":
        gen, acc, dat, loc, abl, ins = "ның", "ды", "ға", "да", "нан", "мен"
    elif last in "зж":
        gen, acc, dat, loc, abl, ins = "дың", "ды", "ға", "да", "дан", "бен"
    else:
        gen, acc, dat, loc, abl, ins = "тың", "ты", "қа", "та", "тан", "пен"
    ends = [gen, acc, dat, loc, abl, ins]
    if not b:
        ends = [e if e in ("мен", "бен", "пен") else e.translate(_TO_FRONT) for e in ends]
    return [base] + [base + e for e in ends]


def _plural(base: str) -> str:
    b = _is_back(base)
    last = base[-1]
    if last in "аоұыәеіөүэиюярйу":
        suf = "лар"
    elif last in "лмнңзж":
        suf = "дар"
    else:
        suf = "тар"
    return base + (suf if b else suf.replace("а", "е"))


def _possessives(base: str) -> list[str]:
    """1sg, 2sg, 3, 1pl, 2sg-polite, 2pl possessive forms of ``base``."""
    b = _is_back(base)
    if base[-1] in "аоұыәеіөүэ":
        ends = ["м", "ң", _v(b, "сы", "сі"), _v(b, "мыз", "міз"), _v(b, "ңыз", "ңіз"), _v(b, "ларың", "лерің")]
    else:
        ends = [
            _v(b, "ым", "ім"),
            _v(b, "ың", "ің"),
            _v(b, "ы", "і"),
            _v(b, "ымыз", "іміз"),
            _v(b, "ыңыз", "іңіз"),
            _v(b, "дарың", "дерің"),
        ]
    return [base + e for e in ends]


def _declined_with_poss(base: str) -> list[str]:
    """Possessive forms of ``base`` with every case after them.

    The dative after a 1st/2nd-person possessive in -м/-ң is -а/-е (өзіме,
    өзіңе), after the others -ға/-ге or, after the 3rd person, -на/-не.
    """
    out: list[str] = []
    for p in _possessives(base):
        forms = cases(p, after_poss3=p.endswith(("ы", "і")))
        if p.endswith(("м", "ң")):  # 1sg, 2sg, 2pl: өзіме, өзіңе, өздеріңе
            forms.append(p + _v(_is_back(p), "а", "е"))
        out.extend(forms)
    return out


def _sha(form: str) -> str:
    """Equative/manner -ша/-ше (өзімше "in my view", солайша "in that way")."""
    return form + ("ша" if _is_back(form) else "ше")


def _pronoun_table() -> dict[str, str]:
    out: dict[str, str] = {}

    def add(lemma: str, forms: list[str]) -> None:
        for f in forms:
            out.setdefault(f, lemma)

    # Personal pronouns: irregular dative and the 1sg/2sg oblique stem.
    add("мен", ["мен", "менің", "маған", "мені", "менде", "менен", "меннен", "менімен", "менікі", "мендей", "менше"])
    add("мен", ["менімше", "менікін", "менікі", "менсіз"])
    add("сен", ["сен", "сенің", "саған", "сені", "сенде", "сенен", "сеннен", "сенімен", "сенікі", "сендей", "сенсіз"])
    add("сен", ["сеніңше"])
    for lemma in ("біз", "сіз"):
        add(lemma, cases(lemma) + [lemma + "бенен", lemma + "дікі", lemma + "дей", lemma + "сіз", lemma + "ше"])
        add(lemma, [lemma + "дің", lemma + "діңше"])
    for lemma in ("сендер", "сіздер", "біздер"):
        add(lemma, cases(lemma) + [lemma + "дікі"])
    # ол: oblique stem он-, plural олар.
    add("ол", ["ол", "оның", "оған", "оны", "одан", "онан", "онымен", "оныменен", "оныкі", "онсыз"])
    add("ол", cases("олар") + cases("олары", after_poss3=True))
    add("ол", ["олай", "олайша", "онша", "онысы"] + cases("онысы", after_poss3=True))
    # Demonstratives: (lemma, nominative forms, oblique stem).
    for lemma, noms, obl in (
        ("бұл", ("бұл",), ("мұн", "бұн")),
        ("сол", ("сол",), ("сон",)),
        ("осы", ("осы",), ("осын",)),
        ("мына", ("мына", "мынау"), ("мынан",)),
        ("ана", ("ана", "анау"), ("анан",)),
        ("әне", ("әне", "әнеу"), ("әнен",)),
    ):
        add(lemma, list(noms))
        base = noms[0]
        for o in obl:
            b = _is_back(o)
            n = o[:-1] if o.endswith("н") else o
            add(
                lemma,
                [
                    o + _v(b, "ың", "ің"),
                    n + _v(b, "ған", "ген"),
                    o + _v(b, "ы", "і"),
                    n + _v(b, "дан", "ден"),
                    o + _v(b, "ан", "ен"),
                    o + _v(b, "ымен", "імен"),
                    o + _v(b, "ыменен", "іменен"),
                    o + _v(b, "ша", "ше"),
                    o + _v(b, "ысы", "ісі"),
                ]
                + cases(o + _v(b, "ысы", "ісі"), after_poss3=True),
            )
        # pronouns take -лар even after л, which merges with it: сол -> солар
        plural = (base[:-1] if base.endswith("л") else base) + _v(_is_back(base), "лар", "лер")
        add(lemma, cases(plural) + cases(plural + _v(_is_back(base), "ы", "і"), after_poss3=True))
        # -лай "like this" and -лайша "in this way"; -нша "this much".
        lai = base + ("лай" if base[-1] in "аоұыәеіөүэ" else "ай")
        add(lemma, [lai, _sha(lai), lai + "ынша"])
    add("бұл", ["мұнша", "бұнша", "мұндағы", "бұндағы", "мұнысы", "бұнысы"])
    add("сол", ["сонша", "сондағы", "сонысы", "сонымен", "соныменен", "солайша"])
    add("осы", ["осынша", "осындағы", "осынысы", "осылайша"])
    # Locative adverbs and -ндай/-дай quality pronouns are lexemes of their own.
    for adv in ("онда", "сонда", "мұнда", "бұнда", "осында", "анда"):
        out[adv] = adv
    for q in (
        "ондай",
        "сондай",
        "мұндай",
        "бұндай",
        "осындай",
        "мынадай",
        "анадай",
        "қандай",
        "әлдеқандай",
        "ешқандай",
    ):
        add(q, cases(q) + cases(_plural(q)) + [_sha(q), q + "ға"])
    # Reflexive өз: possessive forms, their cases, and the -ше "by oneself" forms.
    add("өз", ["өз"] + _declined_with_poss("өз") + cases("өздері", after_poss3=True) + ["өздерің", "өздеріңіз"])
    add("өз", [_sha(p) for p in _possessives("өз")] + ["өзінше", "өздігінен"])
    # Interrogatives that decline.
    add("кім", cases("кім") + cases("кімдер") + ["кімі", "кімнің", "кімдікі"])
    add("не", ["не", "ненің", "неге", "нені", "неде", "неден", "немен", "несі", "нелер"] + cases("несі", True))
    # Indefinite and negative pronouns: еш-/әр-/әлде-/кей- + pronoun.
    for lemma in (
        "ешкім",
        "ешнәрсе",
        "ештеңе",
        "ешбір",
        "ешқайсы",
        "әркім",
        "әрнәрсе",
        "әрқайсы",
        "әлдекім",
        "әлдене",
        "әлденәрсе",
        "кейбіреу",
        "біреу",
        "бірдеңе",
    ):
        add(lemma, cases(lemma) + _declined_with_poss(lemma) + cases(_plural(lemma)))
    return out


def _copula_table() -> dict[str, str]:
    """е- "be" (past еді, evidential екен, with person endings) and емес "is not"."""
    out: dict[str, str] = {}
    for f in ("еді", "едім", "едің", "едіңіз", "едік", "едіңдер", "едіңіздер"):
        out[f] = "е"
    for f in ("екен", "екенмін", "екенсің", "екенсіз", "екенбіз", "екенсіңдер", "екенсіздер"):
        out[f] = "е"
    for f in cases("екені", after_poss3=True) + cases("екен") + ["екендігі", "екендігін", "екендігіне", "екендігінен"]:
        out[f] = "е"
    emes = ["емес", "емеспін", "емессің", "емессіз", "емеспіз", "емессіңдер", "емессіздер", "емеспе", "емеспін"]
    for f in emes + cases("емесі", after_poss3=True) + ["емеспіз", "еместігі", "еместігін"]:
        out[f] = "емес"
    return out


def _postposition_table() -> dict[str, str]:
    """мен "with/and" and its consonant-initial variants бен/пен, short and long."""
    return {f: "мен" for f in ("мен", "бен", "пен", "менен", "бенен", "пенен")}


def _particle_table() -> dict[str, str]:
    """Particles whose allomorphs follow the last sound of the previous word."""
    out: dict[str, str] = {}
    for f in ("ма", "ме", "ба", "бе", "па", "пе"):
        out[f] = "ма"
    for f in ("да", "де", "та", "те"):
        out[f] = "да"
    for f in ("ғой", "қой"):
        out[f] = "ғой"
    for f in ("ғана", "қана"):
        out[f] = "ғана"
    for f in ("шы", "ші"):
        out[f] = "шы"
    return out


def closed_class() -> dict[str, str]:
    """All generated closed-class forms -> lemma (pronouns win over homographs)."""
    out: dict[str, str] = {}
    for table in (_postposition_table(), _particle_table(), _copula_table(), _pronoun_table()):
        for form, lemma in table.items():
            out.setdefault(form, lemma)
    return out
