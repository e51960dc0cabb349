"""The ``kgingest`` command line: thin click commands over the library, one module a command.

Command modules import only click and the option declarations at the top; the layers
below (spaCy, rdflib, pyoxigraph) are imported inside the command that runs, so
``kgingest --help`` and ``kgingest query`` load no model.

Exit codes: 0 every input processed, 1 some inputs failed (the others are still written),
2 usage errors (click's own).
"""
from __future__ import annotations

import click

from .. import __version__
from .evaluate import eval_command
from .extract import extract
from .show import show
from .store import delete_command, ingest_command, query_command
from .validate import validate


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kgingest")
def main() -> None:
    """Turn news articles into a typed, evidence-backed RDF knowledge graph."""


main.add_command(extract)
main.add_command(ingest_command)
main.add_command(delete_command)
main.add_command(query_command)
main.add_command(validate)
main.add_command(eval_command)
main.add_command(show)
