"""The store commands ``kgingest ingest``, ``delete`` and ``query``: parse options, call
:mod:`kgingest.ingest` / :mod:`kgingest.store`, turn errors into messages and exit codes.

Exit codes: 0 everything went in, 1 some documents failed (or the store could not be used),
2 usage errors (including an invalid SPARQL query). Registered on the ``kgingest`` group
in :mod:`kgingest.cli`.
"""
from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TextIO

import click

from ..defaults import DEFAULT_MODEL, DEFAULT_TIMEOUT, QUERY_FORMATS as FORMATS
from ..isolation import one_line
from .common import run_time, stop_on_sigterm
from .options import model_option, reading_options

if TYPE_CHECKING:
    from ..ingest import Summary
    from ..store import Sink

TARGET_HELP = ("Embedded store folder, or the http(s) URL of a SPARQL 1.1 server "
               "[default: $KGINGEST_STORE, else ./kgingest.store].")


def _fail(message: str) -> None:
    """One line on stderr: a store path or a server's answer may hold line breaks and escapes."""
    click.echo(f"kgingest: {one_line(message)}", err=True)


def store_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--store and the endpoint settings of servers that split query/update/store paths."""
    options = [
        click.option("--store", "target", envvar="KGINGEST_STORE", metavar="TARGET", help=TARGET_HELP),
        click.option("--query-endpoint", envvar="KGINGEST_QUERY_ENDPOINT", metavar="PATH|URL",
                     help="Server's SPARQL query endpoint [default: /query]."),
        click.option("--update-endpoint", envvar="KGINGEST_UPDATE_ENDPOINT", metavar="PATH|URL",
                     help="Server's SPARQL Update endpoint [default: /update]."),
        click.option("--gsp-endpoint", envvar="KGINGEST_GSP_ENDPOINT", metavar="PATH|URL",
                     help="Server's Graph Store Protocol endpoint, 'none' to write with Update only "
                          "[default: /store]."),
        click.option("--timeout", envvar="KGINGEST_TIMEOUT", type=click.FloatRange(min=0, min_open=True),
                     default=DEFAULT_TIMEOUT, show_default=True, metavar="SECONDS",
                     help="Longest wait for a server: one document's write, retries included, or one "
                          "query [env: KGINGEST_TIMEOUT]."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _open(target: str | None, query_endpoint: str | None, update_endpoint: str | None,
          gsp_endpoint: str | None, *, read_only: bool, timeout: float = DEFAULT_TIMEOUT) -> Sink:
    """The sink, or exit 1 with the reason (store locked by another run, bad netrc, ...);
    exit 2 for a server URL that cannot be used (shown redacted), before any request."""
    from ..store import UrlError, open_store

    try:
        return open_store(target, read_only=read_only, query=query_endpoint, update=update_endpoint,
                          graph_store=gsp_endpoint, timeout=timeout)
    except UrlError as err:
        _fail(str(err))
        sys.exit(2)
    except (OSError, ValueError) as err:
        _fail(str(err))
        sys.exit(1)


def _reporter(quiet: bool, debug: bool = False) -> Callable[[str, str, str], None]:
    """Per-document lines on stderr: ``added     path (700 triples)``, ``failed    path: why``;
    names and reasons with control characters escaped; tracebacks only with ``debug``."""

    def report(action: str, document: str, detail: str) -> None:
        if action == "traceback":
            if debug:
                click.echo(detail.rstrip("\n"), err=True)
        elif action == "failed":
            click.echo(f"failed    {one_line(document)}: {one_line(detail)}", err=True)
        elif not quiet:
            click.echo(f"{action:<9} {one_line(document)}" + (f" ({one_line(detail)})" if detail else ""), err=True)
    return report


def _finish(summary: Summary, as_json: bool) -> None:
    """The one summary line (or JSON object) every run ends with, and the exit code."""
    if summary.stopped:
        _fail(f"stopped: {one_line(summary.stopped)}")
    click.echo(json.dumps(summary.as_dict()) if as_json else summary.line())
    sys.exit(1 if summary.failed or summary.stopped else 0)


class _EchoHandler(logging.Handler):
    """Log records as ``kgingest: message`` lines on whatever stderr is now (click's, in tests)."""

    def emit(self, record: logging.LogRecord) -> None:
        click.echo(f"kgingest: {one_line(record.getMessage())}", err=True)


def _setup_logging() -> None:
    """Retries and fallbacks in kgingest.store are logged as warnings: show them on stderr."""
    logger = logging.getLogger("kgingest")
    if not any(isinstance(h, _EchoHandler) for h in logger.handlers):
        logger.addHandler(_EchoHandler(logging.WARNING))
        logger.setLevel(logging.WARNING)


@click.command("ingest")
@click.argument("inputs", nargs=-1, required=True)
@store_options
@click.option("--force", is_flag=True, help="Re-extract and rewrite every document, changed or not.")
@click.option("--json", "as_json", is_flag=True, help="Print the run summary as JSON.")
@click.option("-q", "--quiet", is_flag=True, help="Report only failed documents, not each one.")
@model_option(default=None)
@reading_options
def ingest_command(inputs: tuple[str, ...], target: str | None, query_endpoint: str | None,
                   update_endpoint: str | None, gsp_endpoint: str | None, timeout: float, force: bool, as_json: bool,
                   quiet: bool, model: str | None, ontology_paths: tuple[str, ...], input_format: str | None,
                   globs: tuple[str, ...], workers: int, batch_size: int, max_chars: int, debug: bool) -> None:
    """Extract INPUTS and store each document's graph; unchanged documents are skipped.

    INPUTS are files (.txt, .html/.htm, .jsonl/.ndjson), folders (read recursively) or -
    for stdin. Each document goes into its own named graph (the document's IRI), replaced
    in one atomic step when the document changed. RDF that `kgingest extract` wrote (.nq,
    .nquads, .trig files, or folders of them such as Dask shards) is loaded as it is, without
    NLP. Ends with one summary line on stdout; exit 1 if any document failed.
    """
    from ..ingest import Summary, ingest
    from ..loading import load_rdf, split_inputs

    _setup_logging()
    stop_on_sigterm()
    started = run_time()  # one prov:endedAtTime for the run: the "last ingest" query keys on it
    rdf, articles = split_inputs(inputs, globs)
    with _open(target, query_endpoint, update_endpoint, gsp_endpoint, read_only=False, timeout=timeout) as sink:
        loaded = Summary()
        if rdf:
            try:
                loaded = load_rdf(rdf, sink, force=force, report=_reporter(quiet, debug))
            except (OSError, ValueError) as err:  # reading the stored keys failed: nothing was written
                loaded = Summary(stopped=str(err))
                loaded.fail(sink.location, str(err))
            if not articles or loaded.stopped:
                for note in getattr(sink, "notes", []):
                    _fail(note)
                _finish(loaded, as_json)
        from ..nlp import ModelError
        from ..pipeline import Extractor
        from ..sources import scan

        try:
            extractor = Extractor(model or DEFAULT_MODEL, ontology_paths, started, max_chars=max_chars)
        except ModelError as err:
            _fail(str(err))
            sys.exit(2)
        except KeyboardInterrupt:  # while the model loads (ingest() reports one during the run)
            _finish(Summary(stopped="interrupted"), as_json)
        try:
            items = scan(articles, input_format=input_format, globs=globs, max_chars=max_chars)
            summary = ingest(items, sink, extractor, force=force, report=_reporter(quiet, debug), workers=workers,
                             batch_size=batch_size)
        except (OSError, ValueError) as err:  # reading the stored keys failed: nothing was written
            summary = Summary(stopped=str(err))
            summary.fail(sink.location, str(err))
        for note in getattr(sink, "notes", []):
            _fail(note)
    _finish(loaded + summary, as_json)


@click.command("delete")
@click.argument("docs", nargs=-1, required=True)
@store_options
@click.option("--json", "as_json", is_flag=True, help="Print the run summary as JSON.")
@click.option("-q", "--quiet", is_flag=True, help="Report only failures.")
def delete_command(docs: tuple[str, ...], target: str | None, query_endpoint: str | None,
                   update_endpoint: str | None, gsp_endpoint: str | None, timeout: float, as_json: bool,
                   quiet: bool) -> None:
    """Remove the graphs of DOCS (document ids, URLs, file paths or graph IRIs) and nothing else."""
    from ..ingest import delete

    _setup_logging()
    with _open(target, query_endpoint, update_endpoint, gsp_endpoint, read_only=False, timeout=timeout) as sink:
        summary = delete(docs, sink, report=_reporter(quiet))
    _finish(summary, as_json)


@click.command("query")
@click.argument("sparql", required=False)
@click.option("-f", "--file", "query_file", type=click.File("r", encoding="utf-8"),
              help="Read the query from FILE (- for stdin).")
@store_options
@click.option("--format", "fmt", type=click.Choice(FORMATS),
              help="SELECT results as an aligned table, CSV, TSV or SPARQL JSON "
                   "[default: table on a terminal, else csv].")
def query_command(sparql: str | None, query_file: TextIO | None, target: str | None, query_endpoint: str | None,
                  update_endpoint: str | None, gsp_endpoint: str | None, timeout: float, fmt: str | None) -> None:
    """Run a SPARQL query over the union of all document graphs.

    ASK prints true or false; CONSTRUCT and DESCRIBE print Turtle.
    """
    if (sparql is None) == (query_file is None):
        raise click.UsageError("give a SPARQL query or -f FILE (one of them)")
    text = sparql if sparql is not None else query_file.read()  # type: ignore[union-attr]
    from ..store.query_format import display_prefixes, write_results

    fmt = fmt or ("table" if sys.stdout.isatty() else "csv")
    _setup_logging()
    with _open(target, query_endpoint, update_endpoint, gsp_endpoint, read_only=True, timeout=timeout) as sink:
        try:
            result = sink.query(text)
            write_results(result, sys.stdout.buffer, fmt, display_prefixes(text))
        except SyntaxError as err:
            _fail(f"invalid query: {err}")
            sys.exit(2)
        except (OSError, ValueError) as err:
            _fail(str(err))
            sys.exit(1)
    sys.stdout.flush()
