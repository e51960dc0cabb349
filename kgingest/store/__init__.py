"""Where document graphs go: an embedded Oxigraph folder or any SPARQL 1.1 server, behind one
:class:`Sink` interface (:mod:`.sinks`), and how query results are shown (:mod:`.query_format`).

Imports pyoxigraph and rdflib, never spaCy: ``kgingest query`` and ``delete`` load no model.
"""
from .sinks import (DEFAULT_STORE, KG, STAGING, Credentials, EmbeddedStore, Endpoints, HttpClient, QueryResult,
                    ServerError, Sink, SparqlServer, find_credentials, is_remote, ntriples, ntriples_lines,
                    UrlError, open_store, query_form, redact, sparql_string, staging_iri)

__all__ = ["DEFAULT_STORE", "KG", "STAGING", "Credentials", "EmbeddedStore", "Endpoints", "HttpClient",
           "QueryResult", "ServerError", "Sink", "SparqlServer", "find_credentials", "is_remote", "ntriples",
           "ntriples_lines", "UrlError", "open_store", "query_form", "redact", "sparql_string", "staging_iri"]
