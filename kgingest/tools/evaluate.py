"""Scores extracted graphs against gold annotations (the corpus format of GUIDELINES.md).

A corpus is a folder of ``NAME.txt`` articles, each with a ``NAME.gold.json`` beside it::

    {"id": "NAME", "entities": [{"name": "Larry Kudlow", "type": "Person", "aliases": ["Kudlow"]}],
     "relations": [{"s": "Larry Kudlow", "p": "advises", "o": "Donald Trump"}],
     "optional":  [{"s": "Larry Kudlow", "p": "advises", "o": "White House"}]}

The rules are those of the reference scorer (``shared/eval/score.py``), number for number:
asserted triples of the eight scored properties are mapped to gold entities through the
labels of their subject and object (case-insensitive, leading "the" and trailing "'s"
dropped); a triple matching a ``relations`` fact is a true positive, one matching an
``optional`` fact is ignored, anything else is a false positive; ``meetsWith`` matches in
either direction. Entity typing counts the gold entities the output names, strictly (the
exact class) and leniently (the class or its superclass), over all gold entities.

>>> gold = {"entities": [{"name": "Ann Lee", "type": "Person", "aliases": ["Lee"]},
...                      {"name": "Acme", "type": "Company"}],
...         "relations": [{"s": "Ann Lee", "p": "worksFor", "o": "Acme"}]}
>>> from rdflib import Graph
>>> g = Graph().parse(format="turtle", data='''
...   @prefix kg: <https://w3id.org/kgingest/ontology#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
...   <urn:ann> a kg:Person ; rdfs:label "Lee" ; kg:worksFor <urn:acme> .
...   <urn:acme> a kg:Organization ; rdfs:label "ACME" .''')
>>> s = score_doc(g, gold)
>>> sorted(s.found), s.typing.strict, s.typing.lenient
([('Ann Lee', 'worksFor', 'Acme')], 1, 2)
"""
from __future__ import annotations

import json
import re
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from rdflib import RDF, RDFS, SKOS, BNode, Graph, URIRef

# The gold format's vocabulary (GUIDELINES.md): the scored properties and the class
# hierarchy of the annotation guidelines. They define the benchmark, so they are fixed
# here exactly as the reference scorer has them, whatever ontology produced the graph.
PROPERTIES = ("advises", "criticizes", "listedOn", "worksFor", "headOf", "memberOf", "basedIn", "meetsWith")
SYMMETRIC = frozenset({"meetsWith"})
SUPER = {
    "Company": "Organization", "GovernmentAgency": "Organization", "Legislature": "Organization",
    "PoliticalParty": "Organization", "MediaOrganization": "Organization", "Country": "Place",
}
CLASSES = frozenset(SUPER) | {"Person", "Organization", "Place", "SanctionsList"}
LABELS = (RDFS.label, SKOS.prefLabel, SKOS.altLabel,
          URIRef("http://schema.org/name"), URIRef("https://schema.org/name"),
          URIRef("http://xmlns.com/foaf/0.1/name"))

Fact = tuple[str, str, str]


class CorpusError(ValueError):
    """A corpus folder without gold files, or a gold file that is not valid."""


def local_name(term: object) -> str:
    return re.split(r"[#/]", str(term))[-1]


def norm(label: str) -> str:
    """How labels are compared with gold names.

    >>> norm("The U.S.’s")
    'u.s.'
    """
    s = label.replace("\u2019", "'").strip().lower()
    s = re.sub(r"'s$", "", s)
    s = re.sub(r"^(the|so-called)\s+", "", s)
    return re.sub(r"\s+", " ", s)


def gold_index(gold: dict) -> dict[str, str]:
    """Normalised name or alias -> gold entity name (the first entity that claims it)."""
    index: dict[str, str] = {}
    for e in gold["entities"]:
        for alias in [e["name"], *e.get("aliases", [])]:
            index.setdefault(norm(alias), e["name"])
    return index


def node_to_gold(graph: Graph, index: dict[str, str]) -> dict:
    """Every labelled node -> the gold entity its labels name (an exact name first)."""
    mapping = {}
    nodes = {s for p in LABELS for s in graph.subjects(p, None)}
    for node in nodes:
        labels = [norm(str(o)) for p in LABELS for o in graph.objects(node, p)]
        hits = [index[label] for label in labels if label in index]
        if hits:
            exact = [h for h in hits if norm(h) in labels]
            mapping[node] = (exact or hits)[0]
    return mapping


@dataclass
class Typing:
    strict: int = 0
    lenient: int = 0
    named: int = 0
    gold: int = 0
    split: int = 0
    wrong: list[str] = field(default_factory=list)


@dataclass
class DocScore:
    name: str
    found: set[Fact]
    false: set[Fact]
    missed: set[Fact]
    wanted: set[Fact]
    typing: Typing


def _key(s: str, p: str, o: str) -> Fact:
    if p in SYMMETRIC:
        s, o = sorted([s, o])
    return (s, p, o)


def score_doc(graph: Graph, gold: dict, name: str = "") -> DocScore:
    """Compare one document's graph with its gold annotation."""
    mapping = node_to_gold(graph, gold_index(gold))
    wanted = {_key(r["s"], r["p"], r["o"]) for r in gold["relations"]}
    allowed = {_key(r["s"], r["p"], r["o"]) for r in gold.get("optional", [])}
    found: set[Fact] = set()
    false: set[Fact] = set()
    for s, p, o in graph:
        prop = local_name(p)
        if prop not in PROPERTIES or not isinstance(o, (URIRef, BNode)):
            continue
        k = _key(mapping.get(s, f"?{local_name(s)}"), prop, mapping.get(o, f"?{local_name(o)}"))
        if k in wanted:
            found.add(k)
        elif k not in allowed:
            false.add(k)

    typing = Typing(gold=len(gold["entities"]))
    by_gold: dict[str, set] = defaultdict(set)
    for node, gname in mapping.items():
        by_gold[gname].add(node)
    for e in gold["entities"]:
        nodes = by_gold.get(e["name"])
        if not nodes:
            continue
        typing.named += 1
        typing.split += len(nodes) > 1
        types = {local_name(t) for n in nodes for t in graph.objects(n, RDF.type)} & CLASSES
        want = e["type"]
        typing.strict += want in types
        typing.lenient += want in types or SUPER.get(want) in types
        if want not in types:
            typing.wrong.append(f"{e['name']}: want {want}, got {sorted(types) or 'nothing'}")
    return DocScore(name, found, false, wanted - found, wanted, typing)


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    """Precision, recall, F1 (0.0 where undefined)."""
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


@dataclass
class Evaluation:
    """Per-document scores and their totals over a corpus."""

    docs: list[DocScore] = field(default_factory=list)
    seconds: float = 0.0

    def per_property(self) -> dict[str, list[int]]:
        counts = {p: [0, 0, 0] for p in PROPERTIES}
        for d in self.docs:
            for i, facts in enumerate((d.found, d.false, d.missed)):
                for k in facts:
                    counts.setdefault(k[1], [0, 0, 0])[i] += 1
        return counts

    def totals(self) -> dict:
        """The reference scorer's ``--json`` totals, key for key."""
        per = self.per_property()
        tp, fp, fn = (sum(v[i] for v in per.values()) for i in range(3))
        p, r, f = prf(tp, fp, fn)
        ty = {k: sum(getattr(d.typing, k) for d in self.docs) for k in ("strict", "lenient", "named", "gold", "split")}
        return {
            "documents": len(self.docs), "tp": tp, "fp": fp, "fn": fn,
            "precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4) if p + r else 0.0,
            "entities_named": ty["named"], "entities_gold": ty["gold"],
            "typing_strict": round(ty["strict"] / ty["gold"], 4) if ty["gold"] else 0.0,
            "typing_lenient": round(ty["lenient"] / ty["gold"], 4) if ty["gold"] else 0.0,
            "entities_split": ty["split"], "seconds": round(self.seconds, 2),
            "per_property": {k: dict(zip(("tp", "fp", "fn"), per[k])) for k in PROPERTIES},
        }

    def to_json(self, *, details: bool = False) -> dict:
        """Totals; with ``details``, each document's facts (found, false, missed) and typing errors too."""
        out = self.totals()
        if details:
            out["per_document"] = {d.name: {
                "found": sorted(map(list, d.found)), "false": sorted(map(list, d.false)),
                "missed": sorted(map(list, d.missed)), "typing_wrong": d.typing.wrong,
                "typing_strict": d.typing.strict, "entities_gold": d.typing.gold,
            } for d in self.docs}
        return out

    def table(self, *, verbose: bool = False) -> str:
        """The reference scorer's text report."""
        def fmt(tp: int, fp: int, fn: int) -> str:
            p, r, f = prf(tp, fp, fn)
            return f"P {p:5.2f}  R {r:5.2f}  F1 {f:5.2f}  (tp {tp}, fp {fp}, fn {fn})"

        lines = []
        for d in self.docs:
            lines.append(f"{d.name:45s} {fmt(len(d.found), len(d.false), len(d.missed))}"
                         f"  typed {d.typing.strict}/{d.typing.gold}")
            if verbose:
                lines += [f"    false:  {k[0]} {k[1]} {k[2]}" for k in sorted(d.false)]
                lines += [f"    missed: {k[0]} {k[1]} {k[2]}" for k in sorted(d.missed)]
                lines += [f"    type:   {w}" for w in d.typing.wrong]
        t = self.totals()
        per = self.per_property()
        lines.append("")
        lines += [f"  {prop:11s} {fmt(*per[prop])}" for prop in PROPERTIES]
        lines.append(f"\nall relations  {fmt(t['tp'], t['fp'], t['fn'])}")
        lines.append(f"entity typing  strict {t['typing_strict']:.2f}  lenient {t['typing_lenient']:.2f}"
                     f"  named {t['entities_named']}/{t['entities_gold']}  split {t['entities_split']}")
        lines.append(f"time           {self.seconds:.1f} s for {len(self.docs)} documents (in-process extraction)")
        return "\n".join(lines)


def read_corpus(folder: str | Path) -> list[tuple[str, Path, dict]]:
    """``(name, text path, gold)`` for every ``NAME.gold.json`` in a folder, sorted by name."""
    folder = Path(folder)
    if not folder.is_dir():
        raise CorpusError(f"{folder}: not a folder")
    out = []
    for gpath in sorted(folder.glob("*.gold.json")):
        name = gpath.name[: -len(".gold.json")]
        txt = folder / f"{name}.txt"
        if not txt.is_file():
            raise CorpusError(f"{gpath}: no {txt.name} beside it")
        try:
            gold = json.loads(gpath.read_text(encoding="utf-8"))
        except json.JSONDecodeError as e:
            raise CorpusError(f"{gpath}: not JSON ({e.msg}, line {e.lineno} column {e.colno})") from None
        missing = [k for k in ("entities", "relations") if not isinstance(gold.get(k), list)]
        if missing:
            raise CorpusError(f"{gpath}: no {' or '.join(repr(k) for k in missing)} list")
        out.append((name, txt, gold))
    if not out:
        raise CorpusError(f"{folder}: no *.gold.json files")
    return out


def evaluate(folder: str | Path, extractor=None, *, model: str | None = None,
             ontology_paths: Iterable[str | Path] = ()) -> Evaluation:
    """Extract every article of a corpus in-process (the model is loaded once) and score it.

    ``extractor`` is a :class:`kgingest.pipeline.Extractor`; one is built from ``model`` and
    ``ontology_paths`` if it is not given.
    """
    from ..pipeline import Extractor
    from ..sources import read_text

    corpus = read_corpus(folder)
    if extractor is None:
        extractor = Extractor(model, ontology_paths) if model else Extractor(ontology_paths=ontology_paths)
    started = time.perf_counter()
    documents = [read_text(str(txt)) for _, txt, _ in corpus]
    graphs = [x.graph for x in extractor.extract(documents)]
    result = Evaluation(seconds=time.perf_counter() - started)
    for (name, _, gold), graph in zip(corpus, graphs):
        result.docs.append(score_doc(graph, gold, name))
    return result


def score_graphs(folder: str | Path, graphs: dict[str, Graph]) -> Evaluation:
    """Score graphs made elsewhere (``{NAME: graph}``) against a corpus's gold files."""
    result = Evaluation()
    for name, _, gold in read_corpus(folder):
        result.docs.append(score_doc(graphs.get(name, Graph()), gold, name))
    return result
