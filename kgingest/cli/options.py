"""Command-line options shared by several commands (click decorators, nothing else)."""
from __future__ import annotations

from typing import Any, Callable

import click

from ..isolation import DEBUG_ENV
from ..defaults import DEFAULT_BATCH_SIZE, DEFAULT_MODEL
from ..sources import DEFAULT_MAX_CHARS, INPUT_FORMATS


ontology_option = click.option("--ontology", "ontology_paths", multiple=True, type=click.Path(exists=True),
                               help="Ontology folder or .ttl file(s) instead of the bundled one.")


def model_option(text: str = "Any installed spaCy English pipeline.", default: str | None = DEFAULT_MODEL
                 ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``-m/--model``: the spaCy pipeline (``default=None`` where the command picks it later)."""
    return click.option("-m", "--model", default=default, show_default=default is not None, help=text)


def reading_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """How inputs are read and extracted, and how failures are shown: shared by `extract` and `ingest`."""
    options = [
        ontology_option,
        click.option("--input-format", type=click.Choice(INPUT_FORMATS),
                     help="Read every input as this instead of going by suffix (stdin: text unless given)."),
        click.option("--glob", "globs", multiple=True, metavar="PATTERN",
                     help="Files to take from folders; repeatable [default: *.txt *.html *.htm *.jsonl *.ndjson]."),
        click.option("-j", "--workers", type=click.IntRange(min=1), default=1, show_default=True,
                     help="Worker processes (one per core is best)."),
        click.option("--batch-size", type=click.IntRange(min=1), default=DEFAULT_BATCH_SIZE, show_default=True,
                     help="Documents per nlp.pipe batch and per worker task."),
        click.option("--max-chars", type=click.IntRange(min=1), default=DEFAULT_MAX_CHARS, show_default=True,
                     help="Longest document accepted (spaCy needs about 1 GB per 100,000 characters)."),
        click.option("--debug", is_flag=True, envvar=DEBUG_ENV,
                     help="Print the traceback of a document that failed unexpectedly [env: KGINGEST_DEBUG=1]."),
    ]
    for option in reversed(options):
        command = option(command)
    return command
