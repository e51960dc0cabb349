"""How well kgingest finds CoNLL04's Work_For and OrgBased_In relations: precision, recall, F1.

    .venv/bin/python benchmarks/conll04.py                          # dev split, 231 sentences
    .venv/bin/python benchmarks/conll04.py --split train --limit 1000 --json
    .venv/bin/python benchmarks/conll04.py --show-errors 20         # also print FPs and misses

Each sentence is one document. Work_For is matched by kgingest's worksFor or headOf (a head
of an organisation works for it), OrgBased_In by basedIn; Kill, Live_In and Located_In have
no property and are not scored. A predicted (subject, group, object) matches a gold pair of
the same sentence when the gold head and tail strings each match the predicted entity's label,
an alias or a mention text: equal after case-folding and dropping a leading "the" and a
trailing "'s", or one contained in the other as whole words. Each gold pair and each
predicted triple counts once (worksFor and headOf between the same two entities are one
prediction). The seconds are those of the extraction stream (not of loading the model).
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kgingest.nlp.entities import Entity  # noqa: E402
from kgingest.pipeline import Extractor  # noqa: E402
from kgingest.sources import Document  # noqa: E402

DATA = ROOT.parent / "shared" / "benchmarks" / "conll04"
GROUPS = {"worksFor": "Work_For", "headOf": "Work_For", "basedIn": "OrgBased_In"}
SCORED = ("Work_For", "OrgBased_In")


def words(name: str) -> tuple[str, ...]:
    """The words of a name as compared: case-folded, no leading "the", no trailing "'s";
    punctuation only separates words, so "U.S." and "U.S" or "O 'Brien" and "O'Brien" agree."""
    s = name.replace("\u2019", "'").strip().casefold()
    s = re.sub(r"^the\s+", "", s)
    s = re.sub(r"'s$", "", s)
    return tuple(re.findall(r"\w+", s))


def contains(longer: tuple[str, ...], shorter: tuple[str, ...]) -> bool:
    n = len(shorter)
    return n > 0 and any(longer[i:i + n] == shorter for i in range(len(longer) - n + 1))


def names_match(gold: str, entity: Entity) -> bool:
    g = words(gold)
    for name in {entity.label, *entity.aliases, *(m.text for m in entity.mentions)}:
        w = words(name)
        if w and g and (w == g or contains(w, g) or contains(g, w)):
            return True
    return False


@dataclass
class Score:
    gold: int = 0
    predicted: int = 0
    tp: int = 0

    def row(self) -> dict[str, float | int]:
        p = self.tp / self.predicted if self.predicted else 0.0
        r = self.tp / self.gold if self.gold else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"gold": self.gold, "predicted": self.predicted, "tp": self.tp,
                "precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


@dataclass
class Errors:
    false_positives: list[str] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)


def gold_pairs(sentence: dict) -> list[tuple[str, str, str]]:
    ents = sentence["entities"]
    return [(ents[r["head"]]["text"], r["type"], ents[r["tail"]]["text"])
            for r in sentence["relations"] if r["type"] in SCORED]


def describe(name: str, entities: list[Entity]) -> str:
    """How kgingest saw a gold name: the entity that matches it, or that it found none."""
    found = [e for e in entities if names_match(name, e)]
    return f"{name!r} = {found[0].cls} {found[0].label!r}" if found else f"{name!r} (no entity)"


def evaluate(sentences: list[dict], show: int) -> tuple[dict[str, Score], Errors, float]:
    scores = {g: Score() for g in SCORED}
    errors = Errors()
    extractor = Extractor()
    start = time.perf_counter()
    docs = (Document(id=s["id"], text=s["text"]) for s in sentences)
    for sentence, x in zip(sentences, extractor.extract(docs)):
        gold = gold_pairs(sentence)
        predicted: dict[tuple[int, str, int], tuple[Entity, str, Entity, str]] = {}
        for r in x.relations:
            if r.prop in GROUPS:
                key = (id(r.subject), GROUPS[r.prop], id(r.object))
                predicted.setdefault(key, (r.subject, GROUPS[r.prop], r.object, f"{r.prop} {r.rule} {r.confidence}"))
        matched: set[int] = set()
        for subject, group, obj, how in predicted.values():
            scores[group].predicted += 1
            hit = next((i for i, (h, g, t) in enumerate(gold) if i not in matched and g == group
                        and names_match(h, subject) and names_match(t, obj)), None)
            if hit is None:
                if len(errors.false_positives) < show:
                    errors.false_positives.append(f"FP   {subject.cls} {subject.label!r} {how} {obj.cls} "
                                                  f"{obj.label!r}\n     {sentence['text']}")
            else:
                matched.add(hit)
                scores[group].tp += 1
        for i, (h, g, t) in enumerate(gold):
            scores[g].gold += 1
            if i not in matched and len(errors.misses) < show:
                errors.misses.append(f"MISS {g}: {describe(h, x.entities.items)} -> "
                                     f"{describe(t, x.entities.items)}\n     {sentence['text']}")
    return scores, errors, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=("train", "dev"), default="dev")
    parser.add_argument("--limit", type=int, metavar="N", help="only the first N sentences")
    parser.add_argument("--data", type=Path, default=DATA, help="folder of conll04_{split}.jsonl")
    parser.add_argument("--json", action="store_true", help="print the results as one JSON object")
    parser.add_argument("--show-errors", type=int, default=0, metavar="K",
                        help="print K false positives and K misses with their sentence")
    args = parser.parse_args()

    with open(args.data / f"conll04_{args.split}.jsonl", encoding="utf-8") as f:
        sentences = [json.loads(line) for line in f if line.strip()][:args.limit]
    scores, errors, seconds = evaluate(sentences, args.show_errors)
    overall = Score(*(sum(getattr(s, a) for s in scores.values()) for a in ("gold", "predicted", "tp")))
    rows = {**{g: s.row() for g, s in scores.items()}, "overall": overall.row()}

    if args.json:
        print(json.dumps({"split": args.split, "sentences": len(sentences), "seconds": round(seconds, 2),
                          "scores": rows}))
    else:
        print(f"CoNLL04 {args.split}: {len(sentences)} sentences extracted in {seconds:.1f} s "
              f"({len(sentences) / seconds:.0f} sentences/s)")
        print(f"{'relation':<12} {'gold':>5} {'pred':>5} {'TP':>5} {'P':>6} {'R':>6} {'F1':>6}")
        for name, r in rows.items():
            print(f"{name:<12} {r['gold']:>5} {r['predicted']:>5} {r['tp']:>5} "
                  f"{r['precision']:>6.3f} {r['recall']:>6.3f} {r['f1']:>6.3f}")
    for line in errors.false_positives + errors.misses:
        print(line, file=sys.stderr if args.json else sys.stdout)


if __name__ == "__main__":
    main()
