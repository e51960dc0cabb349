"""Error analysis on CoNLL04 (Work_For, OrgBased_In): every miss by cause, every false positive.

    .venv/bin/python scripts/conll04_errors.py /work/shared/benchmarks/conll04/conll04_train.jsonl -o /tmp/e.txt

Names are matched as the strict scorer (``shared/eval/conll04_score.py``) matches them: a
node's label or alias equals the gold text (case-insensitive, a leading "the" and a final
period dropped). A missed fact gets the first cause that applies: an argument not named
(no entity's labels equal the gold text; the entity covering the gold span, if any, is
shown), named with a class the property does not allow, proposed by a rule but not
admitted (a guard, the classes, or a fallback that yielded), or not proposed at all.
Use it on the train split: the dev split is for measuring.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

from kgingest.nlp import pipeline as nlp_pipeline
from kgingest.nlp.relations.base import DEFAULT_PROPOSERS, resolve
from kgingest.nlp.relations.document import forget
from kgingest.pipeline import Extractor

ORG = {"Organization", "Company", "GovernmentAgency", "Legislature", "PoliticalParty", "MediaOrganization"}
TYPE_OK = {"Peop": {"Person"}, "Org": ORG, "Loc": {"Place", "Country"}}
PROP = {"Work_For": ("worksFor", "headOf"), "OrgBased_In": ("basedIn",)}
REL_OF = {"worksFor": "Work_For", "headOf": "Work_For", "basedIn": "OrgBased_In"}


def norm(s: str) -> str:
    s = s.replace("\u2019", "'").strip().lower()
    s = re.sub(r"^(the)\s+", "", s)
    return re.sub(r"\s+", " ", s).rstrip(".")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("jsonl", type=Path)
    ap.add_argument("-o", "--out", type=Path, required=True)
    ap.add_argument("--proposers", nargs="*", default=list(DEFAULT_PROPOSERS))
    args = ap.parse_args()
    x = Extractor()
    props = resolve(args.proposers)
    rows = [json.loads(line) for line in args.jsonl.read_text().splitlines()]
    causes: Counter[str] = Counter()
    lines: list[tuple[str, str]] = []
    for ex, doc in zip(rows, x.nlp.pipe((r["text"] for r in rows), batch_size=64)):
        nlp_pipeline.remember_text(doc, ex["text"])
        for component in x.chain:
            doc = component(doc)
        ents, rels = doc._.kg_entities, doc._.kg_relations
        cands = [c for p in props for c in p(doc, ents, x.onto)]
        forget(doc)
        index = {norm(e["text"]): i for i, e in enumerate(ex["entities"])}
        node_to = {}
        for e in ents.items:
            hits = [index[n] for n in (norm(a) for a in (e.label, *sorted(e.aliases))) if n in index]
            if hits:
                node_to[id(e)] = hits[0]
        named = {i: e for e in ents.items for i in [node_to.get(id(e))] if i is not None}
        gold = {(r["head"], r["tail"], r["type"]) for r in ex["relations"] if r["type"] in PROP}
        found = {(node_to.get(id(r.subject)), node_to.get(id(r.object)), REL_OF[r.prop]): r for r in rels
                 if r.prop in REL_OF}
        text = ex["text"]

        def show(i: int) -> str:
            g = ex["entities"][i]
            e = named.get(i)
            if e is not None:
                return f"{g['text']!r}={e.cls}"
            # whatever of ours covers the gold span
            start, end = g["start_char"], g["end_char"]
            over = sorted({f"{e.label!r}/{e.cls}" for e in ents.items for m in e.mentions
                           if doc[m.start].idx < end and doc[m.end - 1].idx + len(doc[m.end - 1]) > start})
            return f"{g['text']!r}=NONE[{', '.join(over) or '-'}]"

        for h, t, kind in sorted(gold):
            if (h, t, kind) in found:
                causes[f"{kind} tp"] += 1
                continue
            gh, gt = ex["entities"][h], ex["entities"][t]
            eh, et = named.get(h), named.get(t)
            if eh is None or et is None:
                bare = any(named.get(i) is None and show(i).endswith("[-]") for i in (h, t))
                cause = "not named (nothing there)" if bare else "not named (label differs)"
            elif eh.cls not in TYPE_OK[gh["type"]] or et.cls not in TYPE_OK[gt["type"]]:
                cause = "wrong class"
            elif any(c.subject == ents.items.index(eh) and c.object == ents.items.index(et)
                     and (c.prop in PROP[kind] or set(c.props) & set(PROP[kind])) for c in cands):
                cause = "proposed, not admitted"
            else:
                cause = "not proposed"
            causes[f"{kind} miss: {cause}"] += 1
            lines.append((f"{kind} miss: {cause}", f"{show(h)} -> {show(t)}  [{ex['id']}] {text}"))
        for key, r in found.items():
            if key in gold:
                continue
            h, t, kind = key
            why = "unnamed" if h is None or t is None else "wrong pair"
            causes[f"{kind} fp ({why})"] += 1
            lines.append((f"{kind} fp ({why})", f"{r.subject.label!r}/{r.subject.cls} {r.prop} {r.object.label!r}/"
                          f"{r.object.cls} ({r.rule})  [{ex['id']}] {text}"))
    with args.out.open("w") as f:
        for k, v in sorted(causes.items()):
            f.write(f"{v:5d} {k}\n")
        for group in sorted({g for g, _ in lines}):
            f.write(f"\n## {group}\n")
            for g, line in lines:
                if g == group:
                    f.write(line + "\n")
    for k, v in sorted(causes.items()):
        print(f"{v:5d} {k}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
