"""``kgingest extract``: articles in, RDF out (a file or stdout)."""
from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from ..defaults import DEFAULT_PARTITION_SIZE, RDF_FORMATS as FORMATS
from .common import fail, run_time
from .options import model_option, reading_options

if TYPE_CHECKING:
    from ..progress import Status, Tally
    from ..results import Result


@click.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("-o", "--output", default="-", show_default=True, help="Output file ('-' for stdout).")
@click.option("-f", "--format", "fmt", type=click.Choice(FORMATS), default="turtle", show_default=True)
@model_option()
@reading_options
@click.option("-q", "--quiet", is_flag=True, help="No progress, notes or summary: only a line per failed input.")
@click.option("--json", "as_json", is_flag=True, help="End with a JSON summary line on stderr (even with --quiet).")
@click.option("--dask", "dask_address", metavar="ADDRESS",
              help="Extract on a Dask cluster (tcp://scheduler:8786, or local:N for N local worker processes); "
                   "-o is then a folder or fsspec URL for the N-Quads shards.")
@click.option("--partition-size", type=click.IntRange(min=1), default=DEFAULT_PARTITION_SIZE, show_default=True,
              help="With --dask: documents per task and per shard.")
def extract(inputs: tuple[str, ...], output: str, fmt: str, model: str, ontology_paths: tuple[str, ...],
            input_format: str | None, globs: tuple[str, ...], workers: int, batch_size: int, max_chars: int,
            debug: bool, quiet: bool, as_json: bool, dask_address: str | None, partition_size: int) -> None:
    """Extract entities and relations from INPUTS as RDF.

    INPUTS are files (.txt, .html/.htm, .jsonl/.ndjson), folders (read recursively) or -
    for stdin. N-Quads and N-Triples are written as documents finish; every output file
    appears whole or not at all. A document that fails gets one line on stderr and the
    others are still written (exit 1). Set SOURCE_DATE_EPOCH to fix the run's timestamp.

    With --dask, the extraction runs on a Dask cluster and writes one N-Quads shard per
    partition (part-00000.nq, ...) into the folder or URL -o names.
    """
    if dask_address is not None:
        from .on_dask import extract_on_dask

        extract_on_dask(dask_address, inputs, output, fmt, model, ontology_paths, input_format, globs, workers,
                        batch_size, max_chars, partition_size, debug, quiet, as_json)
    import json

    from ..nlp import ModelError
    from ..pipeline import Extractor, Rendered, WorkerError, run
    from ..progress import Status, Tally
    from ..rdf.outfile import RdfWriter
    from ..sources import scan

    try:
        extractor = Extractor(model, ontology_paths, run_time(), max_chars=max_chars)
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
                show(result, tally, status, quiet=quiet, debug=debug)
                if isinstance(result, Rendered):
                    writer.write(result)
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


def show(result: Result, tally: Tally, status: Status, *, quiet: bool, debug: bool) -> None:
    """Count a result and print its error (with the traceback under --debug) or its notes."""
    from ..isolation import DocumentError, one_line
    from ..results import Rendered

    tally.count(result)
    if isinstance(result, Rendered):
        for note in () if quiet else result.notes:
            status.message(f"kgingest: note: {one_line(note)}")
    else:
        status.message(f"kgingest: {one_line(str(result))}")
        if debug and isinstance(result, DocumentError) and result.trace:
            status.message(result.trace.rstrip("\n"))
    status.update(tally)
