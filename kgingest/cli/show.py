"""``kgingest show``: a picture of one document's entities and relations, or of a SPARQL subgraph."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from .common import fail
from .options import model_option, ontology_option


@click.command()
@click.argument("inputs", nargs=-1)
@click.option("-o", "--output", required=True, help="Picture file: .svg, .png, .pdf, .html or .dot.")
@click.option("--store", "target", metavar="TARGET", help="Draw from a store (folder or SPARQL server URL) "
              "instead of INPUTS.")
@click.option("--doc", "doc", metavar="ID", help="The document to draw: its id, IRI, source URL or file.")
@click.option("--sparql", metavar="QUERY|FILE", help="Draw the subgraph a SPARQL CONSTRUCT query selects.")
@model_option("spaCy pipeline, when INPUTS are articles.")
@ontology_option
def show(inputs: tuple[str, ...], output: str, target: str | None, doc: str | None, sparql: str | None,
         model: str, ontology_paths: tuple[str, ...]) -> None:
    """Draw the entities and relations of one document (or of a --sparql subgraph).

    INPUTS are RDF files written by kgingest (.ttl, .nq, ...) or articles to extract first.
    """
    import contextlib

    from ..isolation import DocumentError, one_line
    from ..ontology import cached
    from ..rdf.outfile import write_bytes
    from ..tools import show as pictures

    if bool(inputs) == bool(target):
        raise click.UsageError("give INPUTS or --store TARGET (one of the two)")
    if len({pictures.is_rdf(i) for i in inputs}) > 1:
        raise click.UsageError("INPUTS are either all RDF files or all articles")
    if sparql and "{" not in sparql:  # a file holding the query (a query always has braces)
        try:
            sparql = Path(sparql).read_text(encoding="utf-8")
        except OSError as e:
            raise click.BadParameter(f"neither a query nor a readable file: {e}", param_hint="--sparql")
    onto = cached(tuple(str(p) for p in ontology_paths))
    source: pictures.Source
    model_errors: tuple[type[Exception], ...] = ()  # spaCy is imported only when articles are extracted
    try:
        if target:
            from ..store import open_store

            sink = open_store(target, read_only=True)
        elif all(pictures.is_rdf(i) for i in inputs):
            sink, source = None, pictures.RdfSource(pictures.read_rdf(inputs))
        else:
            from ..nlp import ModelError

            model_errors = (ModelError,)
            sink, source = None, pictures.extract_source(inputs, model=model, ontology_paths=ontology_paths)
        with sink or contextlib.nullcontext():
            if sink is not None:
                source = pictures.StoreSource(sink)
            picture = (pictures.query_picture(source, sparql, onto) if sparql else
                       pictures.document_picture(source, pictures.find_document(source, doc), onto))
            data = pictures.render(picture, output, onto)
    except model_errors as e:
        fail(str(e))
        sys.exit(2)
    except (OSError, SyntaxError, ValueError, DocumentError) as e:  # PictureError, InputError: ValueErrors
        fail(one_line(str(e)))
        sys.exit(1)
    write_bytes(output, data)
    click.echo(f"{output}: {len(picture.nodes)} entities, {len(picture.edges)} relations", err=True)
