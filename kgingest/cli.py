"""The ``kgingest`` command line: thin click commands over the library.

Exit codes: 0 every input processed, 1 some inputs failed (the others are still written),
2 usage errors (click's own).
"""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import click
from rdflib import Dataset, Graph

from . import __version__
from .emit import PREFIXES
from .nlp import DEFAULT_MODEL, ModelError
from .sources import InputError, read_all

FORMATS = ["turtle", "nt", "nquads", "trig", "json-ld", "xml"]
QUAD_FORMATS = {"nquads", "trig", "json-ld"}


def fail(message: str) -> None:
    click.echo(f"kgingest: {message}", err=True)


def write_atomically(path: str | None, data: bytes) -> None:
    """Write all or nothing: a crash never leaves a half-written output file."""
    if path in (None, "-"):
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    target = Path(path)
    fd, tmp = tempfile.mkstemp(dir=target.parent or Path("."), prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def serialize(graphs: list[Graph], fmt: str) -> bytes:
    """Named graphs for quad formats, their union for triple formats."""
    if fmt in QUAD_FORMATS:
        out: Graph = Dataset()
        for g in graphs:
            named = out.graph(g.identifier)
            for t in g:
                named.add(t)
    else:
        out = Graph()
        for g in graphs:
            out += g
    for prefix, ns in PREFIXES.items():
        out.bind(prefix, ns)
    return out.serialize(format=fmt, encoding="utf-8")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kgingest")
def main() -> None:
    """Turn news articles into a typed, evidence-backed RDF knowledge graph."""


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("-o", "--output", default="-", show_default=True, help="Output file ('-' for stdout).")
@click.option("-f", "--format", "fmt", type=click.Choice(FORMATS), default="turtle", show_default=True)
@click.option("-m", "--model", default=DEFAULT_MODEL, show_default=True, help="Any installed spaCy English pipeline.")
@click.option("--ontology", "ontology_paths", multiple=True, type=click.Path(exists=True),
              help="Ontology folder or .ttl file(s) instead of the bundled one.")
def extract(inputs: tuple[str, ...], output: str, fmt: str, model: str, ontology_paths: tuple[str, ...]) -> None:
    """Extract entities and relations from INPUTS (files, or - for stdin) as RDF."""
    from .pipeline import Extractor

    try:
        extractor = Extractor(model, ontology_paths)
    except ModelError as e:
        fail(str(e))
        sys.exit(2)
    failed = 0
    good = []
    for item in read_all(list(inputs)):
        if isinstance(item, InputError):
            fail(str(item))
            failed += 1
        else:
            good.append(item)
    graphs = [x.graph for x in extractor.extract(good)]
    write_atomically(output, serialize(graphs, fmt))
    if failed:
        fail(f"{failed} of {len(inputs)} inputs failed; the other {len(inputs) - failed} were written")
        sys.exit(1)


# The store commands (ingest, delete, query) live in cli_store.py.
from .cli_store import delete_command, ingest_command, query_command  # noqa: E402

main.add_command(ingest_command)
main.add_command(delete_command)
main.add_command(query_command)
