"""Features of an ordered entity pair in one sentence, as strings for a sparse linear model.

What a relation between two names rests on in news text: the classes of the two, the
dependency path between their head words (with and without its words), the words between
them, the ontology's trigger words on that path, the distance and the order. The path is
computed from token indices (the Doc's head array is read once per Doc), so a pair costs
a few dozen list lookups.

>>> import spacy
>>> from spacy.tokens import Doc
>>> doc = Doc(spacy.blank("en").vocab, words=["Ann", "joined", "Acme"], heads=[1, 1, 1],
...           deps=["nsubj", "ROOT", "dobj"], pos=["PROPN", "VERB", "PROPN"], lemmas=["Ann", "join", "Acme"])
>>> feats = pair_features(doc_arrays(doc), (0, 1), (2, 3), "Person", "Company", Lexicon.empty())
>>> [f for f in feats if f.startswith(("p=", "pd=", "top="))]
['p=nsubj<join>dobj', 'pd=nsubj<>dobj', 'top=join']
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from spacy.attrs import DEP, HEAD, LEMMA, LOWER, POS
from spacy.tokens import Doc

from ...ontology import Ontology, per_ontology

MAX_BETWEEN = 12        # words between two names read one by one; a longer gap is one feature
MAX_PATH = 6            # longer dependency paths keep only their shortened form
DISTANCE_BUCKETS = ((0, "0"), (1, "1"), (2, "2"), (3, "3"), (5, "4-5"), (8, "6-8"), (14, "9-14"))


class Arrays(NamedTuple):
    """A Doc's token attributes, read once: absolute head index, dependency label,
    lower-cased lemma, lower-cased form and coarse POS per token."""

    head: list[int]
    dep: list[str]
    lemma: list[str]
    lower: list[str]
    pos: list[str]
    negated: frozenset[int]     # tokens with a "neg" child ("not joined"): the path's words read it


def doc_arrays(doc: Doc) -> Arrays:
    """The Doc's :class:`Arrays` (one ``to_array`` call): read once per Doc by the caller."""
    strings = doc.vocab.strings
    cols = doc.to_array([HEAD, DEP, LEMMA, LOWER, POS]).T.tolist() if len(doc) else [[]] * 5
    # HEAD is a relative offset stored unsigned: a head to the left wraps around 2**64
    head = [i + int(h) if h < (1 << 63) else i + int(h) - (1 << 64) for i, h in enumerate(cols[0])]
    dep = [strings[h] for h in cols[1]]
    return Arrays(head, dep, [strings[h].lower() for h in cols[2]], [strings[h] for h in cols[3]],
                  [strings[h] for h in cols[4]], frozenset(head[i] for i, d in enumerate(dep) if d == "neg"))


@dataclass(frozen=True)
class Lexicon:
    """The ontology's words a feature looks for: trigger word -> properties, negation and
    saying verbs."""

    triggers: dict[str, tuple[str, ...]]
    negation: frozenset[str]
    speech: frozenset[str]

    @classmethod
    def empty(cls) -> "Lexicon":
        return cls({}, frozenset(), frozenset())

    @classmethod
    def build(cls, onto: Ontology) -> "Lexicon":
        found: dict[str, set[str]] = {}
        for p in onto.properties.values():
            words = {n.lower().split()[-1].split("-")[-1] for n in p.role_nouns}
            words |= {t.lemma.split()[0] for t in (*p.verbs, *p.inverse_verbs, *p.patient_verbs)}
            words |= {t.lemma.split()[-1] for t in p.event_nouns}
            words |= {w.lower() for w in (*p.location_cues, *p.judgement_nouns)}
            for w in words:
                found.setdefault(w, set()).add(p.name)
        return cls({w: tuple(sorted(ps)) for w, ps in sorted(found.items())},
                   onto.words("negation"), onto.words("speechVerb"))


lexicon = per_ontology(Lexicon.build)


def head_of(arr: Arrays, start: int, end: int) -> int:
    """The token of a mention whose head lies outside it (spaCy's ``Span.root``, cheaply)."""
    for i in range(start, end):
        h = arr.head[i]
        if h < start or h >= end or h == i:
            return i
    return start


def path(arr: Arrays, a: int, b: int) -> tuple[list[int], int, list[int]]:
    """(tokens from a up to the lowest common ancestor, that ancestor, tokens from it down to b),
    endpoints included in the two lists but not the ancestor. Tokens of different sentences
    meet at no ancestor: the ancestor is then -1."""
    up = [a]
    seen = {a: 0}
    while arr.head[up[-1]] != up[-1]:
        up.append(arr.head[up[-1]])
        seen[up[-1]] = len(up) - 1
    down = [b]
    while down[-1] not in seen and arr.head[down[-1]] != down[-1]:
        down.append(arr.head[down[-1]])
    if down[-1] not in seen:
        return up, -1, down[::-1]
    top = down.pop()
    return up[:seen[top]], top, down[::-1]


def _bucket(n: int) -> str:
    for limit, name in DISTANCE_BUCKETS:
        if n <= limit:
            return name
    return "15+"


def pair_features(arr: Arrays, subj: tuple[int, int], obj: tuple[int, int], subj_cls: str, obj_cls: str,
                  lex: Lexicon, between: tuple[str, ...] = ()) -> list[str]:
    """Sorted, distinct feature strings of the ordered pair (subject mention, object mention),
    each mention given as (start, end) token offsets in the same sentence; `between` are the
    classes of the other names between the two."""
    s, o = head_of(arr, *subj), head_of(arr, *obj)
    cls = f"c={subj_cls}>{obj_cls}"
    feats = {cls, "o=" + ("SO" if subj[0] < obj[0] else "OS")}
    first, second = (subj, obj) if subj[0] < obj[0] else (obj, subj)
    gap = second[0] - first[1]
    feats.add("d=" + _bucket(gap))
    feats.add(f"eb={min(len(between), 3)}")
    for c in set(between):
        feats.add(f"ebc={c}")
    if first[0] > 0:
        feats.add(f"l1={arr.lemma[first[0] - 1]}")
    if second[1] < len(arr.lemma):
        feats.add(f"r1={arr.lemma[second[1]]}")
    lemma, dep = arr.lemma, arr.dep
    up, top, down = path(arr, s, o)
    found: set[str] = set()
    if top < 0:
        feats.add("p=NONE")
        on_path: list[int] = []
    else:
        # endpoints are names: only their dependency labels count; the top word is named
        # unless it is one of the two heads
        top_name = "S" if top == s else "O" if top == o else lemma[top]
        ups = ([dep[up[0]]] + [f"{lemma[i]}<{dep[i]}" for i in up[1:]]) if up else []
        downs = ([f"{dep[i]}>{lemma[i]}" for i in down[:-1]] + [dep[down[-1]]]) if down else []
        full = "<".join(ups) + f"<{top_name}>" + ">".join(downs)
        short = "<".join(dep[i] for i in up) + "<>" + ">".join(dep[i] for i in down)
        length = len(up) + len(down)
        feats.add(f"pn={min(length, MAX_PATH + 1)}")
        feats.add(f"pd={short}")
        feats.add(f"{cls}|pd={short}")
        feats.add(f"{cls}|o={'SO' if subj[0] < obj[0] else 'OS'}|pd={short}")
        if length <= MAX_PATH:
            feats.add(f"p={full}")
            feats.add(f"{cls}|p={full}")
        if top not in (s, o):
            feats.add(f"top={lemma[top]}")
            feats.add(f"topd={dep[top]}")
            feats.add(f"{cls}|top={lemma[top]}")
        on_path = [i for i in (*up[1:], top, *down[:-1]) if i not in (s, o)]
        for i in on_path:
            feats.add(f"pl={lemma[i]}")
            for prop in lex.triggers.get(lemma[i], ()) or lex.triggers.get(arr.lower[i], ()):
                found.add(prop)
                feats.add(f"tp={prop}")
            if lemma[i] in lex.speech:
                feats.add("say")
            if i in arr.negated:
                feats.add("negp")
    if gap <= MAX_BETWEEN:
        for i in range(first[1], second[0]):
            feats.add(f"b={lemma[i]}")
            for prop in lex.triggers.get(lemma[i], ()) or lex.triggers.get(arr.lower[i], ()):
                found.add(prop)
            if lemma[i] in lex.negation or dep[i] == "neg":
                feats.add("neg")
        if gap:
            feats.add(f"b1={lemma[first[1]]}")
            feats.add(f"bl={lemma[second[0] - 1]}")
    else:
        feats.add("b=LONG")
    for prop in found:
        feats.add(f"t={prop}")
        feats.add(f"{cls}|t={prop}")
    return sorted(feats)
