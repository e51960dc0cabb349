"""The spaCy side of kgingest: the pipeline (:mod:`.pipeline`), spans -> typed entities
(:mod:`.entities`) and entities -> relations (:mod:`.relations`).

The pipeline module's names are re-exported here, so ``from kgingest.nlp import load``
and ``kgingest.nlp.DEFAULT_MODEL`` read as before the package existed.
"""
from .pipeline import (DEFAULT_MODEL, ID_SEP, SPACY_LABELS, ModelError, TokenStrings, add_helpers, forget,
                       load, model_version, paragraphs, remember_text, ruler_class, ruler_patterns, sentences,
                       text, token_strings)

__all__ = ["DEFAULT_MODEL", "ID_SEP", "SPACY_LABELS", "ModelError", "TokenStrings", "add_helpers", "forget",
           "load", "model_version", "paragraphs", "remember_text", "ruler_class", "ruler_patterns", "sentences",
           "text", "token_strings"]
