"""Streams documents through the stages: text -> Doc -> entities -> relations -> RDF graph."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Iterable, Iterator

from rdflib import Graph
from spacy.tokens import Doc

from . import emit, entities, nlp, ontology, relations
from .sources import Document


@dataclass
class Extraction:
    document: Document
    iri: str
    content_key: str
    graph: Graph
    entities: entities.Entities
    relations: list[relations.Relation]


class Extractor:
    """A loaded ontology and spaCy pipeline, reused for every document of a run."""

    def __init__(self, model: str = nlp.DEFAULT_MODEL, ontology_paths: Iterable[str | Path] = (),
                 generated_at: datetime | None = None):
        self.onto = ontology.cached(tuple(str(p) for p in ontology_paths))
        self.nlp = nlp.load(self.onto, model)
        self.model = nlp.model_version(self.nlp)
        self.generated_at = generated_at

    def document_iri(self, document: Document) -> str:
        return str(emit.document_iri(document.id))

    def content_key(self, document: Document) -> str:
        """Cheap (no NLP): equal keys mean the stored graph is still right."""
        return emit.content_key(document.text, self.model, self.onto)

    def from_doc(self, document: Document, doc: Doc) -> Extraction:
        """Entities, relations and the graph of an already parsed Doc."""
        ents = entities.find(doc, self.onto)
        rels = relations.find(doc, ents, self.onto)
        graph = emit.document_graph(document, doc, ents, rels, self.onto, self.model, self.generated_at)
        return Extraction(document, str(graph.identifier), self.content_key(document), graph, ents, rels)

    def extract(self, documents: Iterable[Document], batch_size: int = 32) -> Iterator[Extraction]:
        """Parse in batches with nlp.pipe and yield each document's extraction as it is done."""
        pairs = ((d.text, d) for d in documents)
        for doc, document in self.nlp.pipe(pairs, as_tuples=True, batch_size=batch_size):
            yield self.from_doc(document, doc)
