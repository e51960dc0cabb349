"""The namespaces kgingest writes and reads, once: plain strings, so that importing them costs nothing.

rdflib's ``Namespace`` objects are made from these where a module needs them
(``Namespace(vocab.KGID)``); SPARQL text and display tables use the strings.

>>> KGID + "person/ann"
'https://w3id.org/kgingest/id/person/ann'
>>> sparql_prefixes("kg", "nif").splitlines()[0]
'PREFIX kg: <https://w3id.org/kgingest/ontology#>'
"""
from __future__ import annotations

BASE = "https://w3id.org/kgingest/"
KG = BASE + "ontology#"
KGID = BASE + "id/"
KGDOC = BASE + "doc/"
KGSH = BASE + "shapes#"
STAGING = BASE + "staging/"

NIF = "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#"
ITSRDF = "http://www.w3.org/2005/11/its/rdf#"
PROV = "http://www.w3.org/ns/prov#"
DCTERMS = "http://purl.org/dc/terms/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SH = "http://www.w3.org/ns/shacl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
OWL = "http://www.w3.org/2002/07/owl#"

# The prefixes bound in kgingest's own output (Turtle, TriG), in this order.
OUTPUT_PREFIXES = {"kg": KG, "kgid": KGID, "kgdoc": KGDOC, "nif": NIF, "itsrdf": ITSRDF,
                   "prov": PROV, "dcterms": DCTERMS, "skos": SKOS}

# Every prefix kgingest knows: for SPARQL it writes and for IRIs shown to people.
PREFIXES = {**OUTPUT_PREFIXES, "kgsh": KGSH, "rdf": RDF, "rdfs": RDFS, "xsd": XSD, "owl": OWL, "sh": SH}


def sparql_prefixes(*names: str) -> str:
    """``PREFIX`` lines for the named prefixes, one a line."""
    return "".join(f"PREFIX {name}: <{PREFIXES[name]}>\n" for name in names)
