"""SHACL validation of kgingest output against ``ontologies/shapes.ttl``, with pySHACL.

Each document graph is validated on its own, together with the ontology (pySHACL's
``ont_graph``: class constraints follow ``rdfs:subClassOf``, and no RDFS inference turns a
property's domain into a class the data never stated). Violations come back as plain
:class:`Violation` records that print as one readable line each.

>>> from rdflib import Graph, URIRef, Literal
>>> from rdflib.namespace import RDF, RDFS
>>> g = Graph()
>>> kg = "https://w3id.org/kgingest/ontology#"
>>> e, o = URIRef("https://w3id.org/kgingest/id/company/acme"), URIRef("https://w3id.org/kgingest/id/person/ann")
>>> _ = g.add((e, RDF.type, URIRef(kg + "Company"))).add((e, RDFS.label, Literal("Acme")))
>>> _ = g.add((o, RDF.type, URIRef(kg + "Person"))).add((o, RDFS.label, Literal("Ann")))
>>> _ = g.add((e, URIRef(kg + "advises"), o))
>>> for v in validate_graph(g):
...     print(v.describe())
kgid:company/acme "Acme": kg:advises kgid:person/ann has no kg:Statement (rdf:subject, rdf:predicate, rdf:object) with prov:wasDerivedFrom evidence
kgid:company/acme "Acme": the subject of kg:advises must be a kg:Person
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from rdflib import RDFS, Dataset, Graph, Literal, URIRef
from rdflib.namespace import Namespace

from .. import ontology, vocab

SH = Namespace(vocab.SH)
SHAPES_FILE = "shapes.ttl"

# For messages only: IRIs are shown with these prefixes, longest namespace first.
DISPLAY_PREFIXES = {name: vocab.PREFIXES[name] for name in (
    "kgid", "kgdoc", "kg", "kgsh", "nif", "itsrdf", "prov", "dcterms", "skos", "rdfs", "rdf", "owl")}


def short(term: object) -> str:
    """An IRI with a display prefix, a literal in quotes.

    >>> short(URIRef("https://w3id.org/kgingest/id/person/larry-kudlow"))
    'kgid:person/larry-kudlow'
    >>> short(Literal("Kudlow"))
    '"Kudlow"'
    """
    if isinstance(term, Literal):
        return f'"{term}"' + (f"^^{short(term.datatype)}" if term.datatype and not str(term.datatype).endswith("#string") else "")
    text = str(term)
    for prefix, ns in sorted(DISPLAY_PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if text.startswith(ns):
            return f"{prefix}:{text[len(ns):]}"
    return f"<{text}>" if isinstance(term, URIRef) else text


def shorten(text: str) -> str:
    """Every IRI in a message with its display prefix.

    >>> shorten("https://w3id.org/kgingest/ontology#advises <https://w3id.org/kgingest/id/person/ann>")
    'kg:advises kgid:person/ann'
    """
    for prefix, ns in sorted(DISPLAY_PREFIXES.items(), key=lambda kv: -len(kv[1])):
        text = re.sub(rf"<?{re.escape(ns)}([^\s>]*)>?", rf"{prefix}:\1", text)
    return text


@dataclass(frozen=True)
class Violation:
    """One SHACL result, with the names a reader needs."""

    focus: str                 # the node that breaks a shape (display form)
    message: str
    path: str | None = None
    value: str | None = None
    label: str | None = None   # the focus node's rdfs:label, if any
    severity: str = "Violation"
    shape: str = ""
    graph: str | None = None   # the document graph it was found in (display form)

    def describe(self) -> str:
        """``focus "label": message`` plus the path and value when the message lacks them."""
        who = self.focus + (f' "{self.label}"' if self.label else "")
        extra = [x for x in (self.path, self.value) if x and x not in self.message and x != self.focus]
        tail = f" [{' '.join(extra)}]" if extra else ""
        level = "" if self.severity == "Violation" else f"{self.severity.lower()}: "
        return f"{who}: {level}{self.message}{tail}"


@dataclass
class Report:
    """The violations found in a set of graphs; ``conforms`` when there are none."""

    graphs: int = 0
    violations: list[Violation] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)

    @property
    def conforms(self) -> bool:
        return not any(v.severity == "Violation" for v in self.violations)

    def text(self) -> str:
        lines = []
        for v in self.violations:
            where = f"{v.graph}: " if v.graph else ""
            lines.append(f"{where}{v.describe()}")
        n = sum(v.severity == "Violation" for v in self.violations)
        lines.append(f"{self.graphs} graph(s) checked: " + ("conforms" if not n else f"{n} violation(s)"))
        return "\n".join(lines)


@lru_cache(maxsize=4)
def shapes_graph(path: str | None = None) -> Graph:
    """The shapes (``ontologies/shapes.ttl`` by default)."""
    g = Graph()
    g.parse(path or ontology.default_dir() / SHAPES_FILE, format="turtle")
    return g


@lru_cache(maxsize=4)
def ontology_graph(paths: tuple[str, ...] = ()) -> Graph:
    """The ontology's Turtle files (shapes files left out, as the ontology loader does)."""
    g = Graph()
    for p in [Path(p) for p in paths] or [ontology.default_dir()]:
        files = sorted(f for f in p.glob("*.ttl") if "shapes" not in f.name) if p.is_dir() else [p]
        for f in files:
            g.parse(f, format="turtle")
    return g


def validate_graph(graph: Graph, *, ontology_paths: Iterable[str | Path] = (), shapes: str | None = None,
                   name: str | None = None) -> list[Violation]:
    """Validate one document graph (or a union of them) with the shapes and the ontology."""
    import pyshacl

    conforms, results, _ = pyshacl.validate(
        graph, shacl_graph=shapes_graph(shapes), ont_graph=ontology_graph(tuple(str(p) for p in ontology_paths)),
        inference="none", advanced=False, allow_warnings=True)
    if conforms:
        return []
    out = []
    for result in results.subjects(SH.resultSeverity, None):
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        value = results.value(result, SH.value)
        label = graph.value(focus, RDFS.label) if focus is not None else None
        message = results.value(result, SH.resultMessage)
        component = results.value(result, SH.sourceConstraintComponent)
        out.append(Violation(
            focus=short(focus),
            message=shorten(str(message)) if message is not None else f"fails {short(component)}",
            path=short(path) if isinstance(path, URIRef) else None,
            value=short(value) if value is not None else None,
            label=str(label) if label is not None else None,
            severity=str(results.value(result, SH.resultSeverity)).rsplit("#", 1)[-1],
            shape=short(results.value(result, SH.sourceShape)),
            graph=name,
        ))
    return sorted(out, key=lambda v: (v.graph or "", v.focus, v.message, v.value or ""))


def document_graphs(data: Graph) -> list[Graph]:
    """The graphs to validate one by one: each non-empty named graph of a Dataset (its
    default graph too when it holds triples), or the graph itself."""
    if isinstance(data, Dataset):
        return [g for g in data.graphs() if len(g)]
    return [data] if len(data) else []


def validate_data(data: Graph, *, ontology_paths: Iterable[str | Path] = (), source: str = "") -> Report:
    """Validate every document graph in ``data`` (see :func:`document_graphs`)."""
    report = Report(sources=[source] if source else [])
    paths = tuple(str(p) for p in ontology_paths)
    for g in document_graphs(data):
        named = isinstance(g.identifier, URIRef) and str(g.identifier) != "urn:x-rdflib:default"
        where = " ".join(x for x in (source, f"<{short(g.identifier)}>" if named else "") if x) or None
        report.graphs += 1
        report.violations += validate_graph(g, ontology_paths=paths, name=where)
    return report


def validate_files(paths: Iterable[str | Path], *, ontology_paths: Iterable[str | Path] = ()) -> Report:
    """Parse RDF files (format from the suffix; named graphs kept) and validate each graph.

    Raises ``FileNotFoundError`` or ``SyntaxError`` (with the file name) for unreadable input.
    """
    from xml.sax import SAXException

    from rdflib.exceptions import ParserError
    from rdflib.util import guess_format

    report = Report()
    for path in paths:
        p = Path(path)
        if not p.is_file():
            raise FileNotFoundError(f"{p}: no such file")
        fmt = guess_format(str(p)) or "turtle"
        data = Dataset()
        try:
            data.parse(p, format=fmt)
        except (SyntaxError, ValueError, ParserError, SAXException) as e:  # what rdflib's parsers raise
            raise SyntaxError(f"{p}: not readable as {fmt}: {e}") from None
        part = validate_data(data, ontology_paths=ontology_paths, source=str(p))
        report.graphs += part.graphs
        report.violations += part.violations
        report.sources.append(str(p))
    return report


def validate_store(target: str | None, *, ontology_paths: Iterable[str | Path] = ()) -> Report:
    """Validate every document graph of a store (folder or SPARQL server, see :mod:`kgingest.store`)."""
    from ..store import open_store

    report = Report()
    with open_store(target, read_only=True) as store:
        report.sources.append(store.location if hasattr(store, "location") else str(target))
        for iri in sorted(store.content_keys()):
            g = _construct(store, f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}")
            g = _rename(g, URIRef(iri))
            report.graphs += 1
            report.violations += validate_graph(g, ontology_paths=ontology_paths, name=f"<{short(URIRef(iri))}>")
    return report


def _construct(store, sparql: str) -> Graph:
    """A CONSTRUCT query on a kgingest store as an rdflib Graph."""
    import pyoxigraph as ox

    triples = store.query(sparql)
    g = Graph()
    if triples:
        g.parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")
    return g


def _rename(g: Graph, identifier: URIRef) -> Graph:
    named = Graph(identifier=identifier)
    for t in g:
        named.add(t)
    return named
