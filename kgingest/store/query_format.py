"""Query results for people and for programs: an aligned table on a terminal, SPARQL
CSV/TSV/JSON otherwise, true/false for ASK, Turtle for CONSTRUCT and DESCRIBE.

Results come as pyoxigraph objects from either store (see :mod:`kgingest.store`), so one
writer serves both.

>>> import io, pyoxigraph as ox
>>> ann = "<https://w3id.org/kgingest/id/person/ann>"
>>> rows = ox.Store().query(f'SELECT ?who ?n WHERE {{ VALUES (?who ?n) {{ ({ann} 2) }} }}')
>>> out = io.BytesIO(); write_results(rows, out, "table"); print(out.getvalue().decode(), end="")
who              n
---------------  -
kgid:person/ann  2
(1 row)
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from typing import BinaryIO

import pyoxigraph as ox

from .. import vocab
from ..defaults import QUERY_FORMATS
from ..isolation import one_line

FORMATS = QUERY_FORMATS

# For display only: the namespaces kgingest writes, so tables show kgid:person/x, not a 50-character IRI.
# The query's own PREFIX declarations come first.
DISPLAY_PREFIXES = {name: vocab.PREFIXES[name] for name in (
    "kg", "kgid", "kgdoc", "nif", "itsrdf", "prov", "dcterms", "skos", "rdf", "rdfs", "xsd", "owl")}

_RESULT_FORMATS = {"csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV,
                   "json": ox.QueryResultsFormat.JSON}


def declared_prefixes(sparql: str) -> dict[str, str]:
    """The PREFIX declarations of a query.

    >>> declared_prefixes("PREFIX ex: <http://ex.org/>\\nprefix : <urn:x:> SELECT * {}")
    {'ex': 'http://ex.org/', '': 'urn:x:'}
    """
    return dict(re.findall(r"(?i)\bPREFIX\s+([A-Za-z][\w.-]*|)\s*:\s*<([^>]*)>", sparql))


def display_prefixes(sparql: str = "") -> dict[str, str]:
    """The query's prefixes, then kgingest's for whatever the query did not name."""
    prefixes = {k: v for k, v in declared_prefixes(sparql).items() if k}
    taken = set(prefixes.values())
    prefixes.update((k, v) for k, v in DISPLAY_PREFIXES.items() if k not in prefixes and v not in taken)
    return prefixes


def show(term: object, prefixes: Mapping[str, str] = DISPLAY_PREFIXES) -> str:
    """A term as a person reads it: prefixed IRIs, bare literal text, one line, control
    characters escaped (stored text is text from the wild: an ESC would drive the terminal).

    >>> show(ox.NamedNode("https://w3id.org/kgingest/ontology#advises"))
    'kg:advises'
    >>> show(ox.Literal("Larry\\nKudlow", language="en")), show(None)
    ('Larry Kudlow', '')
    >>> print(show(ox.Literal("red\\x1b[31m\\x00")))
    red\\x1b[31m\\x00
    """
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        iri = term.value
        best = max((ns for ns in prefixes.values() if iri.startswith(ns)), key=len, default=None)
        if best is None:
            return f"<{iri}>"
        name = next(k for k, v in prefixes.items() if v == best)
        return f"{name}:{iri[len(best):]}"
    if isinstance(term, ox.Literal):
        return one_line(" ".join(term.value.split()))
    if isinstance(term, ox.BlankNode):
        return f"_:{one_line(term.value)}"
    return one_line(str(term))


def table(solutions: ox.QuerySolutions, prefixes: Mapping[str, str] = DISPLAY_PREFIXES) -> str:
    """SELECT results as an aligned text table with a row count."""
    names = [v.value for v in solutions.variables]
    rows = [[show(solution[i], prefixes) for i in range(len(names))] for solution in solutions]
    widths = [max([len(n)] + [len(r[i]) for r in rows]) for i, n in enumerate(names)]

    def line(cells: list[str]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()

    out = [line(names), line(["-" * w for w in widths])] + [line(r) for r in rows]
    out.append(f"({len(rows)} row{'' if len(rows) == 1 else 's'})")
    return "\n".join(out) + "\n"


def write_results(result: ox.QuerySolutions | ox.QueryBoolean | list[ox.Triple], out: BinaryIO,
                  fmt: str = "table", prefixes: Mapping[str, str] = DISPLAY_PREFIXES) -> None:
    """Write a query result in ``fmt`` (table, csv, tsv, json); graphs are always Turtle."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown result format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if isinstance(result, ox.QueryBoolean):
        if fmt == "json":
            result.serialize(out, format=ox.QueryResultsFormat.JSON)
            out.write(b"\n")
        else:
            out.write(b"true\n" if bool(result) else b"false\n")
    elif isinstance(result, ox.QuerySolutions):
        if fmt == "table":
            out.write(table(result, prefixes).encode("utf-8"))
        else:
            result.serialize(out, format=_RESULT_FORMATS[fmt])
    else:
        ox.serialize(result, out, format=ox.RdfFormat.TURTLE, prefixes={k: v for k, v in prefixes.items() if k})
