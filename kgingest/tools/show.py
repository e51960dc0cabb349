"""A picture of the graph: the entities of one document (or of a SPARQL-selected subgraph),
coloured and shaped by class, and their relations as labelled arrows.

SVG, PNG and PDF come from Graphviz (``dot``, Debian package ``graphviz``) through the
``graphviz`` Python package; ``.html`` is one self-contained page (the SVG inline, a legend
and a table of the relations with their evidence sentences; no script, no CDN); ``.dot``
is the Graphviz source. Pointing at an arrow in the SVG or HTML shows the sentence the
relation comes from.

>>> pic = Picture("example", [Node("urn:a", "Ann Lee", "Person"), Node("urn:b", "Acme", "Company")],
...               [Edge("urn:a", "worksFor", "urn:b", "works for")])
>>> "Ann Lee" in to_dot(pic).source
True
"""
from __future__ import annotations

import html
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Protocol

from rdflib import Dataset, Graph, URIRef
from rdflib.util import guess_format

from .. import ontology as ontology_mod, vocab
from ..ontology import Ontology

ITSRDF = vocab.ITSRDF
NIF = vocab.NIF
PREFIXES = vocab.sparql_prefixes("kg", "rdf", "rdfs", "skos", "dcterms", "prov", "nif", "itsrdf")
GRAPHVIZ_FORMATS = {".svg": "svg", ".png": "png", ".pdf": "pdf"}
OUTPUT_SUFFIXES = (*GRAPHVIZ_FORMATS, ".html", ".dot")

# Presentation only. A class not listed takes the look of its nearest listed ancestor in
# the ontology, so an ontology extension still draws sensibly.
SHAPES = {"Person": "ellipse", "Organization": "box", "Place": "hexagon", "Country": "hexagon",
          "SanctionsList": "note", "Agent": "octagon"}
COLOURS = {  # fill colours, light enough for black text (after the Okabe-Ito palette)
    "Person": "#f6c89f", "Organization": "#d9d9d9", "Company": "#a6d4f2", "GovernmentAgency": "#b8e0b0",
    "Legislature": "#f3e19a", "PoliticalParty": "#e5b8d9", "MediaOrganization": "#c9c1ee",
    "Place": "#e8dcc8", "Country": "#cfe8e3", "SanctionsList": "#f4a6a6", "Agent": "#eeeeee",
}
FALLBACK_COLOURS = ("#fbe3d6", "#dde8f7", "#e4f2d8", "#f7ecd0", "#ecdff5", "#d8f0ef")


class PictureError(ValueError):
    """Nothing to draw, or no way to tell which document to draw."""


# ---------------------------------------------------------------- what to draw


@dataclass
class Node:
    iri: str
    label: str
    cls: str | None
    aliases: list[str] = field(default_factory=list)
    mentions: int = 0


@dataclass
class Edge:
    subject: str
    prop: str          # local name of the property
    object: str
    label: str         # the property's label in the ontology
    confidence: float | None = None
    evidence: list[str] = field(default_factory=list)
    symmetric: bool = False


@dataclass
class Picture:
    title: str
    nodes: list[Node]
    edges: list[Edge]


class Source(Protocol):
    """Where the triples come from: SELECT rows as strings, CONSTRUCT results as a Graph."""

    def select(self, sparql: str) -> list[dict[str, str | None]]: ...
    def construct(self, sparql: str) -> Graph: ...


class RdfSource:
    """An in-memory rdflib Dataset (files, or a fresh extraction); queries see the union."""

    def __init__(self, data: Dataset):
        self.data = data

    def _query(self, sparql: str):
        from pyparsing import ParseException

        try:
            return self.data.query(sparql)
        except ParseException as e:
            raise SyntaxError(f"invalid SPARQL query: {e}") from None

    def select(self, sparql: str) -> list[dict[str, str | None]]:
        result = self._query(sparql)
        names = [str(v) for v in result.vars]
        return [{n: (None if row[i] is None else str(row[i])) for i, n in enumerate(names)} for row in result]

    def construct(self, sparql: str) -> Graph:
        result = self._query(sparql)
        if result.type != "CONSTRUCT":
            raise PictureError(f"--sparql needs a CONSTRUCT query, not {result.type}")
        out = Graph()
        for t in result:
            out.add(t)
        return out


class StoreSource:
    """A kgingest store (see :mod:`kgingest.store`): an Oxigraph folder or a SPARQL server."""

    def __init__(self, sink):
        self.sink = sink

    def select(self, sparql: str) -> list[dict[str, str | None]]:
        result = self.sink.query(sparql)
        names = [v.value for v in result.variables]
        return [{n: (None if row[n] is None else row[n].value) for n in names} for row in result]

    def construct(self, sparql: str) -> Graph:
        import pyoxigraph as ox

        out = Graph()
        triples = self.sink.query(sparql)
        if not isinstance(triples, list):
            raise PictureError("--sparql needs a CONSTRUCT query")
        if triples:
            out.parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")
        return out


def read_rdf(paths: Iterable[str | Path]) -> Dataset:
    """RDF files (format from the suffix) into one Dataset whose default graph is the union."""
    data = Dataset(default_union=True)
    for p in paths:
        fmt = guess_format(str(p))
        if fmt is None:
            raise PictureError(f"{p}: not an RDF file name (.ttl, .nt, .nq, .trig, .jsonld, .rdf)")
        data.parse(str(p), format=fmt)
    return data


def is_rdf(path: str | Path) -> bool:
    return guess_format(str(path)) is not None


def _literal(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def documents(source: Source) -> list[dict[str, str | None]]:
    """The documents in a source: IRI, identifier, title."""
    return source.select(PREFIXES + """SELECT DISTINCT ?doc ?id ?title WHERE {
        ?doc a kg:Document . OPTIONAL { ?doc dcterms:identifier ?id } OPTIONAL { ?doc dcterms:title ?title }
    } ORDER BY ?doc""")


def find_document(source: Source, doc: str | None) -> str:
    """The IRI of the document named by ``doc`` (its IRI, id, source, or the path of its file);
    with no ``doc``, the only document there is."""
    if doc is None:
        docs = documents(source)
        if len(docs) == 1:
            return str(docs[0]["doc"])
        if not docs:
            raise PictureError("no kg:Document in the input")
        listed = "\n  ".join(str(d["id"] or d["doc"]) for d in docs[:20])
        raise PictureError(f"{len(docs)} documents: choose one with --doc ID (or use --sparql)\n  {listed}")
    values = {doc}
    if Path(doc).exists():
        values.add(Path(doc).resolve().as_uri())
    listed = ", ".join(_literal(v) for v in sorted(values))
    rows = source.select(PREFIXES + f"""SELECT DISTINCT ?doc WHERE {{
        ?doc a kg:Document . OPTIONAL {{ ?doc dcterms:identifier ?id }} OPTIONAL {{ ?doc dcterms:source ?src }}
        FILTER(STR(?doc) IN ({listed}) || STR(?id) IN ({listed}) || STR(?src) IN ({listed}))
    }}""")
    if not rows:
        raise PictureError(f"no document {doc!r} (give its id, IRI, source URL or file)")
    return str(rows[0]["doc"])


def _nodes(rows: list[dict], onto: Ontology) -> dict[str, Node]:
    nodes: dict[str, Node] = {}
    by_iri = {str(c.iri): name for name, c in onto.classes.items()}
    for r in rows:
        iri = str(r["e"])
        node = nodes.setdefault(iri, Node(iri, iri.rsplit("/", 1)[-1], None))
        if r.get("label"):
            node.label = str(r["label"])
        if r.get("type") in by_iri:
            node.cls = by_iri[r["type"]]
        if r.get("alias") and r["alias"] not in node.aliases:
            node.aliases.append(str(r["alias"]))
        if r.get("n"):
            node.mentions = max(node.mentions, int(float(r["n"])))
    return nodes


def _edges(rows: list[dict], onto: Ontology) -> list[Edge]:
    props = {str(p.iri): p for p in onto.properties.values()}
    merged: dict[tuple[str, str, str], Edge] = {}
    for r in rows:
        prop = props.get(str(r["p"]))
        if prop is None:
            continue
        s, o = str(r["s"]), str(r["o"])
        if prop.symmetric:
            s, o = sorted([s, o])
        edge = merged.setdefault((s, prop.name, o), Edge(s, prop.name, o, prop.label, symmetric=prop.symmetric))
        if r.get("conf") is not None:
            edge.confidence = max(edge.confidence or 0.0, float(r["conf"]))
        if r.get("text") and r["text"] not in edge.evidence:
            edge.evidence.append(str(r["text"]))
    return sorted(merged.values(), key=lambda e: (e.subject, e.prop, e.object))


def document_picture(source: Source, doc_iri: str, onto: Ontology) -> Picture:
    """The entities mentioned in one document and the relations it states."""
    prefix = _literal(doc_iri + "#")
    ents = source.select(PREFIXES + f"""SELECT ?e ?label ?type ?alias (COUNT(DISTINCT ?m) AS ?n) WHERE {{
        ?m itsrdf:taIdentRef ?e . FILTER(STRSTARTS(STR(?m), {prefix}))
        OPTIONAL {{ ?e rdfs:label ?label }} OPTIONAL {{ ?e a ?type }} OPTIONAL {{ ?e skos:altLabel ?alias }}
    }} GROUP BY ?e ?label ?type ?alias""")
    rels = source.select(PREFIXES + f"""SELECT ?s ?p ?o ?conf ?text WHERE {{
        ?st a kg:Statement ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
        FILTER(STRSTARTS(STR(?st), {prefix}))
        OPTIONAL {{ ?st kg:confidence ?conf }} OPTIONAL {{ ?st prov:wasDerivedFrom/nif:anchorOf ?text }}
    }}""")
    nodes = _nodes(ents, onto)
    edges = _edges(rels, onto)
    _add_missing(source, nodes, edges, onto)
    meta = source.select(PREFIXES + f"""SELECT ?id ?title WHERE {{
        OPTIONAL {{ <{doc_iri}> dcterms:identifier ?id }} OPTIONAL {{ <{doc_iri}> dcterms:title ?title }} }}""")
    title = next((m["title"] or m["id"] or "" for m in meta if m["title"] or m["id"]), doc_iri)
    if title.startswith("file:"):
        title = Path(title).name
    return Picture(title, _ordered(nodes), edges)


def query_picture(source: Source, sparql: str, onto: Ontology, title: str = "SPARQL selection") -> Picture:
    """The subgraph a CONSTRUCT query selects: its ontology relations between entities, and
    the entities it types; labels, classes and evidence are looked up in the source."""
    sub = source.construct(sparql)
    props = {p.iri for p in onto.properties.values()}
    classes = {c.iri for c in onto.classes.values()}
    triples = [(str(s), str(p), str(o)) for s, p, o in sub
               if p in props and isinstance(s, URIRef) and isinstance(o, URIRef)]
    rows: list[dict[str, str | None]] = [{"s": s, "p": p, "o": o} for s, p, o in triples]
    iris = {s for s, _, _ in triples} | {o for _, _, o in triples}
    iris |= {str(s) for s, t in sub.subject_objects(URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"))
             if t in classes and isinstance(s, URIRef)}
    if not iris:
        raise PictureError("the query selected no entity and no relation of the ontology")
    nodes = _lookup(source, iris, onto)
    if rows:
        values = " ".join(f"(<{r['s']}> <{r['p']}> <{r['o']}>)" for r in rows)
        rows += source.select(PREFIXES + f"""SELECT ?s ?p ?o ?conf ?text WHERE {{
            VALUES (?s ?p ?o) {{ {values} }}
            ?st a kg:Statement ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
            OPTIONAL {{ ?st kg:confidence ?conf }} OPTIONAL {{ ?st prov:wasDerivedFrom/nif:anchorOf ?text }}
        }}""")
    return Picture(title, _ordered(nodes), _edges(rows, onto))


def _lookup(source: Source, iris: Iterable[str], onto: Ontology) -> dict[str, Node]:
    values = " ".join(f"<{i}>" for i in sorted(iris))
    rows = source.select(PREFIXES + f"""SELECT ?e ?label ?type ?alias WHERE {{
        VALUES ?e {{ {values} }}
        OPTIONAL {{ ?e rdfs:label ?label }} OPTIONAL {{ ?e a ?type }} OPTIONAL {{ ?e skos:altLabel ?alias }}
    }}""")
    return _nodes(rows, onto)


def _add_missing(source: Source, nodes: dict[str, Node], edges: list[Edge], onto: Ontology) -> None:
    """Relation ends that the document never mentions by name still get a labelled node."""
    missing = {e.subject for e in edges} | {e.object for e in edges}
    missing -= set(nodes)
    if missing:
        nodes.update(_lookup(source, missing, onto))


def _ordered(nodes: dict[str, Node]) -> list[Node]:
    return sorted(nodes.values(), key=lambda n: (n.cls or "~", n.label.casefold()))


# ---------------------------------------------------------------- how it looks


def _nearest(cls: str | None, table: dict[str, str], onto: Ontology) -> str | None:
    """The value for the class, else for its nearest ancestor (breadth first) in the table."""
    todo, seen = [cls] if cls else [], set()
    while todo:
        c = todo.pop(0)
        if c in table:
            return table[c]
        if c in seen or c not in onto.classes:
            continue
        seen.add(c)
        todo.extend(onto.classes[c].parents)
    return None


def style(cls: str | None, onto: Ontology) -> dict[str, str]:
    """Graphviz node attributes for a class.

    >>> style("Company", ontology_mod.cached())["shape"]
    'box'
    """
    colour = COLOURS.get(cls or "") or (FALLBACK_COLOURS[sum(map(ord, cls)) % len(FALLBACK_COLOURS)] if cls else "#ffffff")
    shape = _nearest(cls, SHAPES, onto) or "ellipse"
    rounded = ",rounded" if shape == "box" else ""
    return {"shape": shape, "style": f"filled{rounded}", "fillcolor": colour}


def class_label(cls: str | None, onto: Ontology) -> str:
    if cls is None:
        return "untyped"
    return onto.classes[cls].label if cls in onto.classes else cls


def _tooltip(text: str, limit: int = 600) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def to_dot(picture: Picture, onto: Ontology | None = None):
    """The picture as a ``graphviz.Digraph``.

    Entities in relations are laid out by ``dot`` left to right; entities the document
    names without a relation sit in a compact grid beneath, so a 20-entity article stays
    readable. A legend of the classes drawn is the graph's caption.
    """
    import graphviz

    onto = onto or ontology_mod.cached()
    g = graphviz.Digraph("kgingest", engine="dot")
    g.attr(rankdir="LR", fontname="Helvetica", fontsize="11", nodesep="0.25", ranksep="0.9",
           newrank="true", compound="true", labelloc="t", labeljust="l",
           label=_caption(picture, onto), tooltip=picture.title)
    g.attr("node", fontname="Helvetica", fontsize="11", margin="0.12,0.05", penwidth="0.8", color="#555555")
    g.attr("edge", fontname="Helvetica", fontsize="9", color="#444444", fontcolor="#222222", arrowsize="0.7")

    ids = {n.iri: f"n{i}" for i, n in enumerate(picture.nodes)}
    linked = {e.subject for e in picture.edges} | {e.object for e in picture.edges}
    alone = [n for n in picture.nodes if n.iri not in linked]
    if alone:
        with g.subgraph(name="cluster_unrelated") as c:
            c.attr(label="named, no relation found", fontsize="10", fontcolor="#666666", style="dashed",
                   color="#bbbbbb", labeljust="l")
            per_row = max(2, min(5, round(len(alone) ** 0.5)))
            for n in alone:
                tip = f"{class_label(n.cls, onto)}: {n.label}" + (f" (also: {', '.join(n.aliases)})" if n.aliases else "")
                c.node(ids[n.iri], graphviz.escape(n.label), tooltip=_tooltip(tip), **style(n.cls, onto))
            # invisible edges stack the grid: rows left to right (rankdir LR makes ranks columns)
            for i, n in enumerate(alone):
                if i + per_row < len(alone):
                    c.edge(ids[n.iri], ids[alone[i + per_row].iri], style="invis")
    for n in picture.nodes:
        if n.iri not in linked:
            continue
        tip = f"{class_label(n.cls, onto)}: {n.label}" + (f" (also: {', '.join(n.aliases)})" if n.aliases else "")
        g.node(ids[n.iri], graphviz.escape(n.label), tooltip=_tooltip(tip), **style(n.cls, onto))
    for e in picture.edges:
        if e.subject not in ids or e.object not in ids:
            continue
        tip = " | ".join(e.evidence) or e.label
        attrs = {"label": graphviz.escape(e.label), "tooltip": _tooltip(tip), "labeltooltip": _tooltip(tip)}
        if e.symmetric:
            attrs["dir"] = "both"
        if e.confidence is not None and e.confidence < 0.75:
            attrs["style"] = "dashed"
        g.edge(ids[e.subject], ids[e.object], **attrs)

    return g


def _caption(picture: Picture, onto: Ontology) -> str:
    """An HTML-like Graphviz label: the title and a legend of the classes drawn."""
    classes = sorted({n.cls for n in picture.nodes}, key=lambda c: (c is None, class_label(c, onto)))
    cells = "".join(
        f'<TD BGCOLOR="{style(c, onto)["fillcolor"]}" BORDER="1" COLOR="#888888">'
        f"{html.escape(class_label(c, onto))}</TD>" for c in classes)
    title = html.escape(picture.title)
    counts = f"{len(picture.nodes)} entities, {len(picture.edges)} relations"
    return (f'<<TABLE BORDER="0" CELLSPACING="4" CELLPADDING="3"><TR><TD COLSPAN="{max(1, len(classes))}" ALIGN="LEFT">'
            f'<FONT POINT-SIZE="14"><B>{title}</B></FONT>  <FONT POINT-SIZE="10" COLOR="#555555">{counts}</FONT>'
            f"</TD></TR><TR>{cells}</TR></TABLE>>")


def render(picture: Picture, output: str | Path, onto: Ontology | None = None) -> bytes:
    """The picture in the format the output's suffix names (.svg .png .pdf .html .dot)."""
    suffix = Path(output).suffix.lower()
    if suffix not in OUTPUT_SUFFIXES:
        raise PictureError(f"{output}: unknown picture format {suffix or '(none)'}; use one of {', '.join(OUTPUT_SUFFIXES)}")
    onto = onto or ontology_mod.cached()
    g = to_dot(picture, onto)
    if suffix == ".dot":
        return g.source.encode("utf-8")
    import graphviz

    try:
        data = g.pipe(format=GRAPHVIZ_FORMATS.get(suffix, "svg"))
    except graphviz.ExecutableNotFound:
        raise PictureError("Graphviz's 'dot' is not installed (Debian/Ubuntu: apt-get install graphviz; "
                           "macOS: brew install graphviz); '.dot' output works without it") from None
    if suffix == ".html":
        return html_page(picture, data.decode("utf-8"), onto).encode("utf-8")
    return data


def html_page(picture: Picture, svg: str, onto: Ontology) -> str:
    """One self-contained page: the SVG inline, the relations with their evidence, the entities."""
    svg = svg[svg.index("<svg"):]
    names = {n.iri: n.label for n in picture.nodes}
    rel_rows = "\n".join(
        f"<tr><td>{html.escape(names.get(e.subject, e.subject))}</td><td>{html.escape(e.label)}</td>"
        f"<td>{html.escape(names.get(e.object, e.object))}</td>"
        f"<td>{'' if e.confidence is None else f'{e.confidence:.2f}'}</td>"
        f"<td>{'<br>'.join(html.escape(_tooltip(t)) for t in e.evidence)}</td></tr>" for e in picture.edges)
    by_class: dict[str, list[Node]] = defaultdict(list)
    for n in picture.nodes:
        by_class[class_label(n.cls, onto)].append(n)
    ent_rows = "\n".join(
        f'<tr><td><span class="swatch" style="background:{style(n.cls, onto)["fillcolor"]}"></span>'
        f"{html.escape(cls)}</td><td>{html.escape(n.label)}</td><td>{html.escape(', '.join(n.aliases))}</td>"
        f"<td>{n.mentions or ''}</td></tr>"
        for cls in sorted(by_class) for n in by_class[cls])
    title = html.escape(picture.title)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{title} – kgingest</title>
<style>
body {{ font-family: Helvetica, Arial, sans-serif; margin: 1.5em; color: #222; }}
figure {{ margin: 0; overflow: auto; border: 1px solid #ddd; padding: .5em; }}
figure svg {{ max-width: 100%; height: auto; }}
table {{ border-collapse: collapse; margin: 1em 0; font-size: 14px; }}
th, td {{ border-bottom: 1px solid #e3e3e3; padding: .3em .6em; text-align: left; vertical-align: top; }}
th {{ background: #f5f5f5; }}
.swatch {{ display: inline-block; width: .9em; height: .9em; margin-right: .4em; border: 1px solid #888; vertical-align: middle; }}
</style></head>
<body>
<h1>{title}</h1>
<p>{len(picture.nodes)} entities, {len(picture.edges)} relations. Point at an arrow to see its evidence sentence.</p>
<figure>{svg}</figure>
<h2>Relations</h2>
<table><tr><th>subject</th><th>relation</th><th>object</th><th>confidence</th><th>evidence</th></tr>
{rel_rows}
</table>
<h2>Entities</h2>
<table><tr><th>class</th><th>label</th><th>also named</th><th>mentions</th></tr>
{ent_rows}
</table>
<p><small>Drawn by kgingest from its RDF output.</small></p>
</body></html>
"""


def extract_source(inputs: Iterable[str], *, model: str | None = None,
                   ontology_paths: Iterable[str | Path] = ()) -> RdfSource:
    """Articles (text files) extracted in-process into a source to draw from."""
    from ..pipeline import Extractor
    from ..sources import Document, read_all

    extractor = Extractor(model, ontology_paths) if model else Extractor(ontology_paths=ontology_paths)
    docs = []
    for item in read_all(list(inputs)):
        if not isinstance(item, Document):
            raise item  # InputError, or DocumentError (a reader that failed)
        docs.append(item)
    data = Dataset(default_union=True)
    for x in extractor.extract(docs):
        named = data.graph(x.graph.identifier)
        for t in x.graph:
            named.add(t)
    return RdfSource(data)
