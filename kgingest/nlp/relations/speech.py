"""Who says a sentence: the speaker of a quote wherever its attribution sits.

News puts the speaker before the words ("X said: ..."), after them ("..., X said";
"..., said X, the party's leader"), beside them ("according to X"), or in another
sentence of the same quotation (a quote paragraph after "X told reporters:" or after a
heading line that names the speaker, a quote whose last sentence ends "... he said").
:func:`speech` reads all of them once per document; any rule family can ask it for the
speaker of a sentence and for the words a speaker is quoted as saying.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from spacy.tokens import Token

from ..entities import Entity
from ..lang.en import ATTRIBUTION_WORDS, CLOSING_QUOTES as CLOSING, OPENING_QUOTES as OPENING, \
    STRAIGHT_QUOTES as STRAIGHT
from .context import Context
from .syntax import subjects

SPEECH_KEY = "kgingest.relations.speech"


@dataclass(frozen=True)
class Attribution:
    """The speakers of one sentence and the token that says so (the saying verb, or the
    speaker's own mention when the attribution sits in another sentence)."""

    speakers: tuple[Entity, ...]
    anchor: int
    inherited: bool         # the speaker is named in another sentence of the same quotation


@dataclass(frozen=True)
class Speech:
    """Per document: which tokens stand inside quotation marks, and each sentence's speakers."""

    quoted: tuple[bool, ...]                     # token index -> inside a quotation
    by_sentence: dict[int, Attribution]          # sentence number -> its attribution

    def inside(self, tok: Token) -> bool:
        return self.quoted[tok.i]


def quoted_tokens(texts: Sequence[str]) -> list[bool]:
    """Token i -> inside quotation marks. A paragraph break closes any open quotation; a
    quotation that runs on into the next paragraph reopens with its own mark there."""
    out = [False] * len(texts)
    open_ = False
    for i, t in enumerate(texts):
        if t.isspace():
            open_ = open_ and t.count("\n") < 2
            continue
        if t in OPENING or (t in STRAIGHT and not open_):
            open_ = True
            continue
        if t in CLOSING or (t in STRAIGHT and open_):
            open_ = False
            continue
        out[i] = open_
    return out


def saying_verbs(ctx: Context, n: int) -> list[Token]:
    sent = ctx.sents[n]
    return list(ctx.scan(sent, lemmas=ctx.words("speechVerb"), pos={"VERB"}))


def direct_speakers(ctx: Context, n: int, quoted: list[bool]) -> Attribution | None:
    """The speaker named in the sentence itself: the subject of a saying verb outside the
    quotation ("X said", "said X", "he told reporters"), or "according to X"."""
    sent = ctx.sents[n]
    for verb in saying_verbs(ctx, n):
        if quoted[verb.i]:
            continue
        found = tuple(dict.fromkeys(subjects(verb, ctx)))
        if found:
            return Attribution(found, verb.i, False)
    for tok in ctx.scan(sent, ATTRIBUTION_WORDS):
        for to in tok.children:
            if to.lower_ == "to":
                found = tuple(e for p in to.children if p.dep_ == "pobj" for e in ctx.group(p))
                if found:
                    return Attribution(found, tok.i, False)
    return None


def _quote_only(ctx: Context, n: int, quoted: list[bool]) -> bool:
    """A sentence that is all quotation (punctuation and the marks aside)."""
    words = [t for t in ctx.sents[n] if not (t.is_punct or t.is_space)]
    return bool(words) and all(quoted[t.i] for t in words)


def _heading_speaker(ctx: Context, n: int) -> Attribution | None:
    """A line with no verb that opens with a person's name ("3. Name, MP for Somewhere")."""
    sent = ctx.sents[n]
    if any(t.pos_ in {"VERB", "AUX"} for t in sent):
        return None
    honorific = ctx.words("honorific")
    words = [t for t in sent if not (t.is_punct or t.is_space or t.like_num or t.tag_ == "LS"
                                     or t.text in honorific and ctx.entity(t) is None)]
    person = ctx.entity(words[0]) if words else None
    if person is None or person.cls != "Person":
        return None
    return Attribution((person,), words[0].i, True)


def speech(ctx: Context) -> Speech:
    """The attribution of every sentence that has one, once per document."""
    held = ctx.doc.user_data.get(SPEECH_KEY)
    if held is not None and held[0] is ctx.ents:
        return held[1]
    quoted = quoted_tokens(ctx.strings.lower)    # the Doc's token strings, read once
    direct = {n: a for n in range(len(ctx.sents)) if (a := direct_speakers(ctx, n, quoted))}
    out = dict(direct)
    total = len(ctx.sents)
    n = 0
    while n < total:
        if n in direct or not _quote_only(ctx, n, quoted):
            n += 1
            continue
        # a run of quote-only sentences: its speaker is named right after it ("..., he said"
        # opens the next sentence), or right before it (a lead-in or a heading line)
        end = n
        while end + 1 < total and end + 1 not in direct and _quote_only(ctx, end + 1, quoted):
            end += 1
        after = direct.get(end + 1)
        nxt = ctx.sents[end + 1] if end + 1 < total else None
        lead = next((t for t in nxt if not t.is_space), None) if nxt is not None else None
        if after is not None and lead is not None and (quoted[lead.i] or lead.text in OPENING | STRAIGHT):
            found: Attribution | None = after
        else:
            before = n - 1
            found = direct.get(before) if before >= 0 else None
            if found is not None and not ctx.sents[before].text.rstrip().endswith(":"):
                found = None if any(not quoted[t.i] for t in ctx.sents[before][-3:] if t.is_alpha) else found
            if found is None and before >= 0:
                found = _heading_speaker(ctx, before)
        if found is not None:
            for k in range(n, end + 1):
                out[k] = Attribution(found.speakers, found.anchor, True)
        n = end + 1
    result = Speech(tuple(quoted), out)
    ctx.doc.user_data[SPEECH_KEY] = (ctx.ents, result)
    return result

