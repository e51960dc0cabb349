"""The ``kgingest`` command line: thin click commands over the library.

Exit codes: 0 every input processed, 1 some inputs failed (the others are still written),
2 usage errors (click's own).
"""
from __future__ import annotations

import os
import sys
from datetime import datetime, timezone
from pathlib import Path

import click

from . import __version__
from .nlp import DEFAULT_MODEL, ModelError
from .options import reading_options
from .outfile import FORMATS, write_bytes
from .isolation import DocumentError, one_line
from .sources import InputError, scan


def fail(message: str) -> None:
    click.echo(f"kgingest: {message}", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kgingest")
def main() -> None:
    """Turn news articles into a typed, evidence-backed RDF knowledge graph."""


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("-o", "--output", default="-", show_default=True, help="Output file ('-' for stdout).")
@click.option("-f", "--format", "fmt", type=click.Choice(FORMATS), default="turtle", show_default=True)
@click.option("-m", "--model", default=DEFAULT_MODEL, show_default=True, help="Any installed spaCy English pipeline.")
@reading_options
@click.option("-q", "--quiet", is_flag=True, help="No progress, notes or summary: only a line per failed input.")
@click.option("--json", "as_json", is_flag=True, help="End with a JSON summary line on stderr (even with --quiet).")
def extract(inputs: tuple[str, ...], output: str, fmt: str, model: str, ontology_paths: tuple[str, ...],
            input_format: str | None, globs: tuple[str, ...], workers: int, batch_size: int, max_chars: int,
            debug: bool, quiet: bool, as_json: bool) -> None:
    """Extract entities and relations from INPUTS as RDF.

    INPUTS are files (.txt, .html/.htm, .jsonl/.ndjson), folders (read recursively) or -
    for stdin. N-Quads and N-Triples are written as documents finish; every output file
    appears whole or not at all. A document that fails gets one line on stderr and the
    others are still written (exit 1). Set SOURCE_DATE_EPOCH to fix the run's timestamp.
    """
    import json

    from .outfile import RdfWriter
    from .pipeline import Extractor, Rendered, WorkerError, run
    from .progress import Status, Tally

    try:
        extractor = Extractor(model, ontology_paths, _run_time(), max_chars=max_chars)
    except ModelError as e:
        fail(str(e))
        sys.exit(2)
    try:
        writer = RdfWriter(output, fmt)
    except OSError as e:
        fail(f"cannot write {output}: {e.strerror or e}")
        sys.exit(2)
    tally = Tally()
    status = Status(sys.stderr, live=not quiet and sys.stderr.isatty())
    items = scan(inputs, input_format=input_format, globs=globs, max_chars=max_chars)
    try:
        with writer:
            for result in run(extractor, items, workers=workers, batch_size=batch_size):
                tally.count(result)
                if isinstance(result, Rendered):
                    writer.write(result)
                    for note in () if quiet else result.notes:
                        status.message(f"kgingest: note: {one_line(note)}")
                else:
                    status.message(f"kgingest: {one_line(str(result))}")
                    if debug and isinstance(result, DocumentError) and result.trace:
                        status.message(result.trace.rstrip("\n"))
                status.update(tally)
    except (WorkerError, OSError) as e:
        status.close()
        fail(f"stopped, nothing written to {output}: {e}" if writer.target else f"stopped: {e}")
        sys.exit(1)
    status.close()
    if as_json:
        click.echo(json.dumps(tally.as_dict(workers=workers, output=output, format=fmt)), err=True)
    elif not quiet:
        click.echo(f"kgingest: {tally.line()}", err=True)
    sys.exit(1 if tally.failed else 0)


def _run_time() -> datetime:
    """One prov:endedAtTime for the whole run: now, or SOURCE_DATE_EPOCH for reproducible output."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is None:
        return datetime.now(timezone.utc)
    try:
        return datetime.fromtimestamp(int(epoch), timezone.utc)
    except (ValueError, OverflowError):
        raise click.UsageError(f"SOURCE_DATE_EPOCH must be seconds since 1970, not {epoch!r}") from None


# The store commands (ingest, delete, query) live in cli_store.py.
from .cli_store import delete_command, ingest_command, query_command  # noqa: E402

main.add_command(ingest_command)
main.add_command(delete_command)
main.add_command(query_command)


# --- validate, eval, show (kgingest.validate, kgingest.evaluate, kgingest.show) ---------

@main.command()
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False))
@click.option("--store", "target", metavar="TARGET", help="Validate every document graph of a store "
              "(folder, or http(s) URL of a SPARQL server) instead of FILES.")
@click.option("--ontology", "ontology_paths", multiple=True, type=click.Path(exists=True),
              help="Ontology folder or .ttl file(s) instead of the bundled one.")
def validate(files: tuple[str, ...], target: str | None, ontology_paths: tuple[str, ...]) -> None:
    """Check RDF FILES (or a --store) against kgingest's SHACL shapes; exit 1 on any violation."""
    from .validate import validate_files, validate_store

    if bool(files) == bool(target):
        raise click.UsageError("give RDF FILES or --store TARGET (one of the two)")
    try:
        report = validate_store(target, ontology_paths=ontology_paths) if target else validate_files(
            files, ontology_paths=ontology_paths)
    except (OSError, SyntaxError, ValueError) as e:
        fail(str(e))
        sys.exit(2 if isinstance(e, SyntaxError) else 1)
    click.echo(report.text())
    sys.exit(0 if report.conforms else 1)


@main.command("eval")
@click.argument("corpus", type=click.Path(exists=True, file_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the totals (and per-document facts) as JSON.")
@click.option("-v", "--verbose", is_flag=True, help="List every false and missed fact and typing error.")
@click.option("-m", "--model", default=DEFAULT_MODEL, show_default=True, help="Any installed spaCy English pipeline.")
@click.option("--ontology", "ontology_paths", multiple=True, type=click.Path(exists=True),
              help="Ontology folder or .ttl file(s) instead of the bundled one.")
def eval_command(corpus: str, as_json: bool, verbose: bool, model: str, ontology_paths: tuple[str, ...]) -> None:
    """Precision, recall and F1 per property, and entity typing, against CORPUS's gold files.

    CORPUS is a folder of NAME.txt articles with NAME.gold.json annotations beside them
    (format: docs/ecosystem.md).
    """
    import json as json_module

    from .evaluate import CorpusError, evaluate

    try:
        result = evaluate(corpus, model=model, ontology_paths=ontology_paths)
    except (CorpusError, InputError) as e:
        fail(str(e))
        sys.exit(1)
    except ModelError as e:
        fail(str(e))
        sys.exit(2)
    click.echo(json_module.dumps(result.to_json(details=verbose), indent=2) if as_json else result.table(verbose=verbose))


@main.command()
@click.argument("inputs", nargs=-1)
@click.option("-o", "--output", required=True, help="Picture file: .svg, .png, .pdf, .html or .dot.")
@click.option("--store", "target", metavar="TARGET", help="Draw from a store (folder or SPARQL server URL) "
              "instead of INPUTS.")
@click.option("--doc", "doc", metavar="ID", help="The document to draw: its id, IRI, source URL or file.")
@click.option("--sparql", metavar="QUERY|FILE", help="Draw the subgraph a SPARQL CONSTRUCT query selects.")
@click.option("-m", "--model", default=DEFAULT_MODEL, show_default=True, help="spaCy pipeline, when INPUTS are articles.")
@click.option("--ontology", "ontology_paths", multiple=True, type=click.Path(exists=True),
              help="Ontology folder or .ttl file(s) instead of the bundled one.")
def show(inputs: tuple[str, ...], output: str, target: str | None, doc: str | None, sparql: str | None,
         model: str, ontology_paths: tuple[str, ...]) -> None:
    """Draw the entities and relations of one document (or of a --sparql subgraph).

    INPUTS are RDF files written by kgingest (.ttl, .nq, ...) or articles to extract first.
    """
    import contextlib

    from . import show as pictures
    from .ontology import cached

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
    try:
        if target:
            from .store import open_store

            sink = open_store(target, read_only=True)
        elif all(pictures.is_rdf(i) for i in inputs):
            sink, source = None, pictures.RdfSource(pictures.read_rdf(inputs))
        else:
            sink, source = None, pictures.extract_source(inputs, model=model, ontology_paths=ontology_paths)
        with sink or contextlib.nullcontext():
            if sink is not None:
                source = pictures.StoreSource(sink)
            picture = (pictures.query_picture(source, sparql, onto) if sparql else
                       pictures.document_picture(source, pictures.find_document(source, doc), onto))
            data = pictures.render(picture, output, onto)
    except ModelError as e:
        fail(str(e))
        sys.exit(2)
    except (OSError, SyntaxError, ValueError, DocumentError) as e:  # PictureError, InputError: ValueErrors
        fail(one_line(str(e)))
        sys.exit(1)
    write_bytes(output, data)
    click.echo(f"{output}: {len(picture.nodes)} entities, {len(picture.edges)} relations", err=True)
