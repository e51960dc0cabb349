"""Enumerations of a patient verb's patients (``kg:patientVerbTrigger``, ``kg:patientNoun``):
"The new entries are X; Y; and Z", "Among those listed were X and Y", "the firms added
to the list — X, Y and Z — are", "The following persons are being added to the list:"
with numbered items, "The committee listed X, ...; Y, ...; and Z".

The relation distributes over the items here, in this rule, and not in the shared
:meth:`Context.group`: an apposition inside one item ("X, a Dubai-based broker; Y")
must not spread to the others. The object is the one the lead-in names ("to the Entity
List", "the Chinese list"); a lead-in that names none takes the one entity of the
property's range that the passage named in this or the two sentences before.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

from spacy.tokens import Doc, Span, Token

from ....ontology import Ontology
from ...entities import Entities, Entity
from ...lang.en import (BRIDGE_OPENER, COMPANION_WORDS, DASHES, DEMONSTRATIVES, ELLIPSIS_OPENER, ENUMERATION_JOINERS,
                        NAME_MODIFIER_WORDS, NOT_THE_OBJECT, PRESENTING_VERBS)
from ..candidate import Candidate
from ..context import Context
from ..document import context
from ..registry import proposers
from .verb import agent_count

ITEM_MARK = re.compile(r"[ \t]*(?:\d{1,3}[.)]|[-•*–·])[ \t]+")


@dataclass(frozen=True)
class Frame:
    """One enumeration: the trigger, the property, where the lead-in ends and the items lie."""

    trigger: Token
    prop: str
    lead_end: int           # token index: the lead-in is [sentence start, lead_end)
    items: list[Entity]
    anchor: Token | None = None     # where the items are, if not in the trigger's sentence ("So were X")


def _triggers(onto: Ontology) -> tuple[dict[str, str], dict[str, str]]:
    """Patient verb lemmas and patient nouns -> the property they state."""
    verbs: dict[str, str] = {}
    nouns: dict[str, str] = {}
    for p in sorted(onto.properties.values(), key=lambda p: (p.priority, p.name)):
        for trig in p.patient_verbs:
            verbs.setdefault(trig.lemma.split()[0], p.name)
        for noun in p.patient_nouns:
            nouns.setdefault(noun, p.name)
    return verbs, nouns


def _mention_ends(ctx: Context) -> dict[int, tuple[int, Entity]]:
    """Mention start token -> (end token, entity)."""
    return {m.start: (m.end, e) for e in ctx.ents.items for m in e.mentions}


def _in_domain(ctx: Context, prop: str, ent: Entity) -> bool:
    return bool(ctx.onto.ancestors(ent.cls) & ctx.onto.properties[prop].domain)


def _segments(doc: Doc, start: int, end: int, seps: set[str]) -> list[tuple[int, int]]:
    """[start, end) cut at separator tokens outside parentheses."""
    out, depth, a = [], 0, start
    for i in range(start, end):
        t = doc[i].text
        depth += (t == "(") - (t == ")")
        if depth <= 0 and t in seps:
            out.append((a, i))
            a = i + 1
    out.append((a, end))
    return [(a, b) for a, b in out if a < b]


def _chain(ctx: Context, prop: str, first: tuple[int, Entity], b: int,
           ends: dict[int, tuple[int, Entity]]) -> list[Entity]:
    """An item and those joined straight to it: "X and Y", "X, Y and Z"."""
    end, ent = first
    out = [ent]
    i = end
    while i < b:
        j = i
        while j < b and ctx.doc[j].lower_ in ENUMERATION_JOINERS | {","}:
            j += 1
        if j == i or j not in ends or not _in_domain(ctx, prop, ends[j][1]):
            break
        end, ent = ends[j]
        out.append(ent)
        i = end
    return out


def _modifier(doc: Doc, end: int) -> bool:
    """A name used as a modifier: "Izmir-based"."""
    return end + 1 < len(doc) and doc[end].text == "-" and doc[end + 1].lower_ in NAME_MODIFIER_WORDS


def _segment_items(ctx: Context, prop: str, a: int, b: int, ends: dict[int, tuple[int, Entity]],
                   loose: bool) -> tuple[list[Entity], bool]:
    """The items of one segment of an enumeration, and whether the enumeration goes on.

    With semicolons between the items (`loose`) an item is the first name of its segment
    ("and his firm, X, a Lagos-based importer"); with commas only, a segment that opens
    with a lower-case word is an apposition ("a Dubai-based broker") unless it is a
    description of a named entity ("and the company itself").
    """
    doc = ctx.doc
    i = a
    while i < b and (doc[i].lower_ in ENUMERATION_JOINERS or doc[i].is_space):
        i += 1
    if loose:
        first = next((j for j in range(i, b) if j in ends and _in_domain(ctx, prop, ends[j][1])), None)
        return (_chain(ctx, prop, ends[first], b, ends) if first is not None else []), True
    # leading place modifiers: "Dubai-based", "Limassol-registered"
    while i < b and ((i in ends and (not _in_domain(ctx, prop, ends[i][1]) or _modifier(doc, ends[i][0])))
                     or doc[i].lower_ in NAME_MODIFIER_WORDS):
        i = ends[i][0] if i in ends else i + 1
    if i in ends and _in_domain(ctx, prop, ends[i][1]):
        end = ends[i][0]
        if end < len(doc) and doc[end].tag_ in {"VBD", "VBZ", "VBP", "MD"}:
            return [], False        # "..., Reuters reported": a clause, the enumeration is over
        return _chain(ctx, prop, ends[i], b, ends), True
    if i < b and doc[i].lower_ in DEMONSTRATIVES and not any(
            doc[j].pos_ in {"VERB", "AUX"} for j in range(i, b)):
        head = next((doc[j] for j in range(i + 1, b) if doc[j].pos_ == "NOUN"), None)
        ent = ctx.resolve(head) if head is not None else None
        if ent is not None and _in_domain(ctx, prop, ent):
            return [ent], True
    return [], True


def items(ctx: Context, prop: str, start: int, end: int) -> list[Entity]:
    """The entities an enumeration in tokens [start, end) names, each once."""
    doc = ctx.doc
    ends = _mention_ends(ctx)
    loose = any(doc[i].text == ";" for i in range(start, end))
    out: list[Entity] = []
    for a, b in _segments(doc, start, end, {";"} if loose else {",", ";"}):
        found, go_on = _segment_items(ctx, prop, a, b, ends, loose)
        out += [e for e in found if e not in out]
        if not go_on:
            break
    return out


def _lines(ctx: Context, after: int) -> list[tuple[int, int]]:
    """Token ranges of the numbered or bulleted lines that follow the line of token `after`."""
    doc, text = ctx.doc, ctx.text
    pos = text.find("\n", doc[after].idx)
    out = []
    while pos != -1:
        nxt = text.find("\n", pos + 1)
        line_end = len(text) if nxt == -1 else nxt
        line = text[pos + 1:line_end]
        if line.strip():
            m = ITEM_MARK.match(line)
            if not m:
                break
            span = doc.char_span(pos + 1 + m.end(), line_end, alignment_mode="expand")
            if span is not None and len(span):
                out.append((span.start, span.end))
        if nxt == -1:
            break
        pos = nxt
    return out


def _first_item(ctx: Context, prop: str, a: int, b: int, ends: dict[int, tuple[int, Entity]]) -> Entity | None:
    """The name that opens a list line ("2. X, a director of Y": X, never Y): the first one
    before the line's first comma or parenthesis."""
    for j in range(a, b):
        if ctx.doc[j].text in {",", "(", ";", ":"}:
            break
        if j in ends and _in_domain(ctx, prop, ends[j][1]):
            return ends[j][1]
    return None


def frames(ctx: Context, sent: Span, verbs: dict[str, str], nouns: dict[str, str]) -> Iterator[Frame]:
    doc = ctx.doc
    ends = _mention_ends(ctx)
    for t in ctx.scan(sent, nouns, lemmas=set(verbs) | set(nouns), pos={"VERB", "NOUN"}):
        prop = verbs.get(t.lemma_.lower()) if t.pos_ == "VERB" else nouns.get(t.lemma_.lower()) or nouns.get(t.lower_)
        if prop is None:
            continue
        before = [ends[j][1] for j in range(sent.start, t.i) if j in ends]
        after = range(t.i + 1, sent.end)
        stop = next((j for j in after if doc[j].text in DASHES | {":"}
                     or (doc[j].lemma_.lower() in PRESENTING_VERBS and doc[j].pos_ in {"AUX", "VERB"})
                     or (j in ends and _in_domain(ctx, prop, ends[j][1])
                         and not any(doc[k].dep_ == "agent" for k in range(max(t.i, j - 3), j)))
                     or doc[j].text == ";"), None)
        if stop is None:
            continue
        mark = doc[stop]
        if mark.text in DASHES:
            close = next((j for j in range(stop + 1, sent.end) if doc[j].text in DASHES), sent.end)
            found = items(ctx, prop, stop + 1, close)
        elif mark.text == ":":
            eol = ctx.text.find("\n", mark.idx)
            lines = _lines(ctx, stop) if eol != -1 and not ctx.text[mark.idx + 1:eol].strip() else []
            if lines:
                found = [e for a, b in lines for e in [_first_item(ctx, prop, a, b, ends)] if e is not None]
            else:
                found = items(ctx, prop, stop + 1, sent.end)
        elif mark.text == ";" or stop in ends:
            # "listed X, ...; Y, ...; and Z": an active verb whose objects are a semicolon list
            if t.pos_ != "VERB" or not any(doc[j].text == ";" for j in range(stop, sent.end)):
                continue
            if any(doc[j].pos_ in {"VERB", "AUX"} for j in range(t.i + 1, stop)):
                continue
            found = items(ctx, prop, stop if stop in ends else stop + 1, sent.end)
        else:
            # copula: the trigger is a participle or noun of the subject ("Among those listed were",
            # "The new entries are"), not a verb with a subject of its own
            if any(_in_domain(ctx, prop, e) for e in before):
                continue
            if any(doc[j].pos_ in {"VERB", "AUX"} and doc[j].dep_ not in {"amod", "acl"} for j in range(t.i + 1, stop)):
                continue
            found = items(ctx, prop, stop + 1, sent.end)
        if found:
            yield Frame(t, prop, stop, found)


def ellipsis(ctx: Context, sent: Span, verbs: dict[str, str]) -> Frame | None:
    """'X was designated by both. So were Y, ..., and Z': the items take the passive patient
    verb of the sentence before, with its object."""
    toks = [t for t in sent if not t.is_space]
    n = ctx.sent_index[sent.start]
    if len(toks) < 3 or toks[0].lower_ != ELLIPSIS_OPENER or toks[1].lemma_.lower() != "be" or n == 0:
        return None
    prev = ctx.sents[n - 1]
    trigger = next((t for t in prev if t.pos_ == "VERB" and t.lemma_.lower() in verbs
                    and any(c.dep_ in {"auxpass", "nsubjpass"} for c in t.children)), None)
    if trigger is None:
        return None
    prop = verbs[trigger.lemma_.lower()]
    found = items(ctx, prop, toks[2].i, sent.end)
    return Frame(trigger, prop, prev.end, found, toks[1]) if found else None


def bridging(ctx: Context, sent: Span, verbs: dict[str, str]) -> Frame | None:
    """'X and three smaller firms were added to the list. Among the smaller firms is Y': the
    items belong to a group that a patient verb of the two sentences before took."""
    toks = [t for t in sent if not t.is_space]
    if len(toks) < 4 or toks[0].lower_ != BRIDGE_OPENER:
        return None
    group = next((c for c in toks[0].children if c.dep_ == "pobj" and c.pos_ == "NOUN"), None)
    copula = next((t for t in toks if t.i > (group.i if group is not None else sent.end)), None)
    if group is None or copula is None or copula.lemma_.lower() not in PRESENTING_VERBS:
        return None
    n = ctx.sent_index[sent.start]
    for prev in reversed(ctx.sents[max(0, n - 2):n]):
        for trigger in prev:
            if trigger.pos_ != "VERB" or trigger.lemma_.lower() not in verbs:
                continue
            patients = [t for c in trigger.children if c.dep_ in {"nsubjpass", "dobj"} or (
                c.dep_ == "prep" and c.lower_ in COMPANION_WORDS) for t in c.subtree]    # "X, along with Y,"
            if any(t.lemma_.lower() == group.lemma_.lower() and t.pos_ == "NOUN" for t in patients):
                prop = verbs[trigger.lemma_.lower()]
                found = items(ctx, prop, copula.i + 1, sent.end)
                return Frame(trigger, prop, prev.end, found, copula) if found else None
    return None


def _object(ctx: Context, frame: Frame) -> list[Entity]:
    """The range entity the lead-in names, else the one the passage just named."""
    doc = ctx.doc
    rng = ctx.onto.properties[frame.prop].range
    sent = ctx.sents[ctx.sent_index[frame.trigger.i]]
    patient_nouns = ctx.onto.properties[frame.prop].patient_nouns
    named: list[Entity] = []
    for j in range(sent.start, frame.lead_end):
        tok = doc[j]
        if any(doc[k].lower_ in NOT_THE_OBJECT for k in range(max(sent.start, j - 3), j)):
            continue
        ent = ctx.entity(tok)
        if ent is None and tok.pos_ == "NOUN" and tok.lemma_.lower() not in patient_nouns:
            ent = ctx.resolve(tok)          # "the Chinese list"
        if ent is not None and ctx.onto.ancestors(ent.cls) & rng and ent not in named:
            named.append(ent)
    if named:
        return named if len(named) == 1 else []
    near = list(dict.fromkeys(e for _, e in ctx.mentions_before(frame.trigger, 2) if ctx.onto.ancestors(e.cls) & rng))
    if len(near) == 1 or (near and len(near) == agent_count(frame.trigger)):
        return near     # the one list, or one for each agent ("by both Washington and Brussels")
    if near:
        return []
    # none nearby: the lists the passage named before, told apart by their owner ("the US
    # Entity List" for "blacklisted by the US Commerce Department")
    n = ctx.sent_index[frame.trigger.i]
    earlier = [(i, e) for i, e in ctx.mentions_before(frame.trigger, n) if ctx.onto.ancestors(e.cls) & rng]
    lists = list(dict.fromkeys(e for _, e in earlier))
    if len(lists) <= 1:
        return lists
    agent = {t.lower_ for c in frame.trigger.children if c.dep_ == "agent" for t in c.subtree if t.pos_ == "PROPN"}
    owned = list(dict.fromkeys(e for i, e in earlier if agent & _owner_words(ctx, i)))
    return owned if len(owned) == 1 else []


def _owner_words(ctx: Context, start: int) -> set[str]:
    """The proper nouns of a mention that starts at token `start` and the two words before it:
    "the US Entity List", "Washington's blacklist"."""
    doc = ctx.doc
    end = _mention_ends(ctx).get(start, (start + 1, None))[0]
    return {doc[j].lower_ for j in range(max(0, start - 2), end) if doc[j].pos_ == "PROPN"} - {"list"}


def enumeration_rules(ctx: Context, sent: Span, verbs: dict[str, str], nouns: dict[str, str]) -> Iterator[Candidate]:
    found = list(frames(ctx, sent, verbs, nouns))
    more = [ellipsis(ctx, sent, verbs)] + ([bridging(ctx, sent, verbs)] if not found else [])
    for frame in found + [f for f in more if f is not None]:
        for obj in _object(ctx, frame):
            for item in frame.items:
                yield ctx.candidate(item, frame.prop, obj, frame.anchor or frame.trigger, "enumeration", 0.75)


@proposers.register("kgingest.enumeration.v1")
def propose(doc: Doc, entities: Entities, onto: Ontology) -> Iterator[Candidate]:
    """Facts distributed over the items of an enumeration of a patient verb's patients."""
    ctx = context(doc, entities, onto)
    verbs, nouns = _triggers(onto)
    if not verbs and not nouns:
        return
    for sent in ctx.sents:
        yield from enumeration_rules(ctx.at(sent.end), sent, verbs, nouns)
