"""The ontology as data: classes, properties, trigger words and the gazetteers beside it.

Everything the extractor knows about the world is read from ``ontologies/`` at start-up:
the OWL classes and properties with their lexical annotations (``kg:cueWord``,
``kg:roleNoun``, ``kg:verbTrigger``, ...), ``countries.tsv`` (joined with pycountry) and
``gazetteer.tsv``. No class or property name is written in Python a second time.
"""
from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Callable, TypeVar

import pycountry
from rdflib import OWL, RDF, RDFS, Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from . import vocab

KG = Namespace(vocab.KG)


@dataclass(frozen=True)
class OntClass:
    name: str
    iri: URIRef
    label: str
    parents: tuple[str, ...]
    cue_words: frozenset[str]
    cue_suffixes: frozenset[str]
    priority: int | None = None     # kg:priority: precedence when a name fits several classes


@dataclass(frozen=True)
class Trigger:
    """A verb or noun lemma with an optional preposition: 'meet with' -> ('meet', 'with')."""

    lemma: str
    prep: str | None = None

    @classmethod
    def parse(cls, text: str) -> "Trigger":
        words = text.strip().split()
        if len(words) > 1 and words[-1].lower() in PREPOSITIONS:
            return cls(" ".join(words[:-1]).lower(), words[-1].lower())
        return cls(" ".join(words).lower())


PREPOSITIONS = frozenset(
    "to on in at with for of from against over about into onto between among by".split()
)


@dataclass(frozen=True)
class OntProperty:
    name: str
    iri: URIRef
    label: str
    domain: frozenset[str]
    range: frozenset[str]
    symmetric: bool
    role_nouns: frozenset[str] = frozenset()
    verbs: tuple[Trigger, ...] = ()
    inverse_verbs: tuple[Trigger, ...] = ()
    patient_verbs: tuple[Trigger, ...] = ()
    patient_nouns: frozenset[str] = frozenset()
    event_nouns: tuple[Trigger, ...] = ()
    location_cues: frozenset[str] = frozenset()
    judgement_nouns: frozenset[str] = frozenset()
    state_roles: frozenset[str] = frozenset()
    about_owner: bool = False
    occurrent: bool = False      # a fact only once it has happened: no 'will meet'
    affiliation: bool = False
    priority: int = 9
    unit_fallback: str | None = None


@dataclass(frozen=True)
class Country:
    code: str
    name: str
    aliases: tuple[str, ...]
    demonyms: tuple[str, ...]
    capitals: tuple[str, ...]


@dataclass(frozen=True)
class KnownName:
    name: str
    cls: str
    aliases: tuple[str, ...]


@dataclass
class Ontology:
    classes: dict[str, OntClass]
    properties: dict[str, OntProperty]
    countries: list[Country] = field(default_factory=list)
    known: list[KnownName] = field(default_factory=list)
    lexicon: dict[str, frozenset[str]] = field(default_factory=dict)
    places: frozenset[str] = frozenset()
    digest: str = ""
    _seen: dict[str, frozenset[str]] = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def precedence(self) -> tuple[str, ...]:
        """The classes with a ``kg:priority``, lowest first: which class wins when a name or
        a description fits several."""
        ranked = [c for c in self.classes.values() if c.priority is not None]
        return tuple(c.name for c in sorted(ranked, key=lambda c: (c.priority, c.name)))

    def words(self, kind: str) -> frozenset[str]:
        """A lexicon word list by its annotation's local name ('negation', 'hedge', ...)."""
        return self.lexicon.get(kind, frozenset())

    def ancestors(self, name: str) -> set[str]:
        """The class and every superclass of it."""
        return set(self._ancestors(name))

    def _ancestors(self, name: str) -> frozenset[str]:
        # the rules ask is_a thousands of times a document: each class's answer is kept
        # (an Ontology is not changed once loaded)
        found = self._seen.get(name)
        if found is None:
            seen, todo = set(), [name]
            while todo:
                c = todo.pop()
                if c in seen or c not in self.classes:
                    continue
                seen.add(c)
                todo.extend(self.classes[c].parents)
            found = self._seen[name] = frozenset(seen)
        return found

    def is_a(self, name: str, ancestor: str) -> bool:
        return ancestor in self._ancestors(name)

    def allows(self, prop: str, subject_cls: str, object_cls: str) -> bool:
        """Does the property's domain and range admit these classes?"""
        p = self.properties[prop]
        return bool(self._ancestors(subject_cls) & p.domain) and bool(
            self._ancestors(object_cls) & p.range
        )

    def class_iri(self, name: str) -> URIRef:
        return self.classes[name].iri


def default_dir() -> Path:
    """The bundled ``ontologies/`` folder (installed as the ``kgingest.ontologies`` package)."""
    return Path(str(resources.files("kgingest.ontologies")))


def _local(iri: Node) -> str:
    return str(iri).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _strings(g: Graph, s: Node, p: URIRef) -> list[str]:
    return sorted(str(o) for o in g.objects(s, p))


def _class_names(g: Graph, node: Node | None) -> frozenset[str]:
    """Class names of a domain/range: a named class or an owl:unionOf list."""
    if isinstance(node, URIRef):
        return frozenset({_local(node)})
    union = g.value(node, OWL.unionOf)
    return frozenset(_local(m) for m in Collection(g, union)) if union else frozenset()


def _read_tsv(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(v.strip() for v in (value or "").split("|") if v.strip())


def _countries(rows: list[dict[str, str]]) -> list[Country]:
    """countries.tsv joined with pycountry's ISO names (those without a comma)."""
    out = []
    for row in rows:
        code = row["alpha2"].strip()
        iso = pycountry.countries.get(alpha_2=code)
        aliases = list(_split(row.get("aliases")))
        if iso is not None:
            for extra in (iso.name, getattr(iso, "common_name", None), getattr(iso, "official_name", None)):
                if extra and "," not in extra and extra != row["name"] and extra not in aliases:
                    aliases.append(extra)
        out.append(Country(code, row["name"].strip(), tuple(aliases), _split(row.get("demonyms")),
                           _split(row.get("capital"))))
    return out


def load(paths: list[Path] | None = None) -> Ontology:
    """Read the ontology Turtle files (and the TSV gazetteers in the same folders:
    countries.tsv, gazetteer.tsv, places.tsv; places also from pycountry's subdivisions).

    >>> onto = load()
    >>> onto.allows("advises", "Person", "Company")
    True
    """
    if not paths:
        paths = [default_dir()]
    files: list[Path] = []
    for given in paths:
        path = Path(given)
        files.extend(sorted(f for f in path.glob("*.ttl") if "shapes" not in f.name) if path.is_dir() else [path])
    g = Graph()
    digest = hashlib.sha256()
    for f in files:
        data = f.read_bytes()
        digest.update(data)
        g.parse(data=data, format="turtle")
    folders = {f.parent for f in files}
    country_rows = [r for d in sorted(folders) for r in _read_tsv(d / "countries.tsv")]
    known_rows = [r for d in sorted(folders) for r in _read_tsv(d / "gazetteer.tsv")]
    places = {r["name"] for d in sorted(folders) for r in _read_tsv(d / "places.tsv")}
    places |= {s.name for s in pycountry.subdivisions if "," not in s.name and "(" not in s.name}
    for d in sorted(folders):
        for name in ("countries.tsv", "gazetteer.tsv", "places.tsv"):
            if (d / name).exists():
                digest.update((d / name).read_bytes())

    classes = {}
    for c in g.subjects(RDF.type, OWL.Class):
        if not isinstance(c, URIRef) or not str(c).startswith(str(KG)):
            continue
        name = _local(c)
        parents = tuple(sorted(_local(p) for p in g.objects(c, RDFS.subClassOf) if str(p).startswith(str(KG))))
        classes[name] = OntClass(
            name, c, str(g.value(c, RDFS.label) or name), parents,
            frozenset(_strings(g, c, KG.cueWord)),
            frozenset(_strings(g, c, KG.cueSuffix)),
            int(str(priority)) if (priority := g.value(c, KG.priority)) is not None else None,
        )
    properties = {}
    for prop in g.subjects(RDF.type, OWL.ObjectProperty):
        if not str(prop).startswith(str(KG)):
            continue
        name = _local(prop)
        properties[name] = OntProperty(
            name=name, iri=URIRef(str(prop)), label=str(g.value(prop, RDFS.label) or name),
            domain=_class_names(g, g.value(prop, RDFS.domain)),
            range=_class_names(g, g.value(prop, RDFS.range)),
            symmetric=(prop, RDF.type, OWL.SymmetricProperty) in g,
            role_nouns=frozenset(w.lower() for w in _strings(g, prop, KG.roleNoun)),
            verbs=tuple(Trigger.parse(w) for w in _strings(g, prop, KG.verbTrigger)),
            inverse_verbs=tuple(Trigger.parse(w) for w in _strings(g, prop, KG.inverseVerbTrigger)),
            patient_verbs=tuple(Trigger.parse(w) for w in _strings(g, prop, KG.patientVerbTrigger)),
            patient_nouns=frozenset(w.lower() for w in _strings(g, prop, KG.patientNoun)),
            event_nouns=tuple(Trigger.parse(w) for w in _strings(g, prop, KG.eventNoun)),
            location_cues=frozenset(w.lower() for w in _strings(g, prop, KG.locationCue)),
            judgement_nouns=frozenset(w.lower() for w in _strings(g, prop, KG.judgementNoun)),
            state_roles=frozenset(w.lower() for w in _strings(g, prop, KG.stateRole)),
            about_owner=bool(g.value(prop, KG.aboutOwner)),
            occurrent=bool(g.value(prop, KG.occurrent)),
            affiliation=bool(g.value(prop, KG.affiliation)),
            priority=int(str(g.value(prop, KG.priority) or 9)),
            unit_fallback=_local(fallback) if (fallback := g.value(prop, KG.unitFallback)) else None,
        )
    lexicon: dict[str, frozenset[str]] = {}
    for prop in g.subjects(RDFS.subPropertyOf, KG.lexicon):
        words = {str(o) for _, o in g.subject_objects(prop)}
        lexicon[_local(prop)] = frozenset(words | {w.lower() for w in words})
    known = [KnownName(r["name"].strip(), r["class"].strip(), _split(r.get("aliases")))
             for r in known_rows if r.get("class", "").strip() in classes]
    return Ontology(classes, properties, _countries(country_rows), known, lexicon, frozenset(places),
                    digest.hexdigest()[:16])


T = TypeVar("T")


def per_ontology(build: Callable[[Ontology], T]) -> Callable[[Ontology], T]:
    """A structure derived from an ontology (word indexes, lookups), built once per digest.

    >>> sizes = per_ontology(lambda onto: len(onto.classes))
    >>> sizes(load()) == sizes(load())
    True
    """
    built: dict[str, T] = {}

    def get(onto: Ontology) -> T:
        if onto.digest not in built:
            built[onto.digest] = build(onto)
        return built[onto.digest]

    return get


@lru_cache(maxsize=8)
def cached(paths: tuple[str, ...] = ()) -> Ontology:
    """One parsed ontology per set of paths for the life of the process."""
    return load([Path(p) for p in paths] or None)
