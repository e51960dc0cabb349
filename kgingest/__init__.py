"""kgingest: news articles in, a typed, evidence-backed RDF knowledge graph out.

>>> from kgingest import extract_text
>>> g = extract_text("Atlassian named David Cross as its new CISO.")  # doctest: +SKIP
"""
from __future__ import annotations

__version__ = "0.1.0"


def extract_text(text: str, doc_id: str = "text", model: str | None = None):
    """The RDF graph (an rdflib.Graph named by the document) of one piece of text."""
    from .pipeline import Extractor
    from .sources import Document

    extractor = Extractor(model) if model else Extractor()
    return next(extractor.extract([Document(id=doc_id, text=text)])).graph
