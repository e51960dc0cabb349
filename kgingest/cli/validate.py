"""``kgingest validate``: RDF files or a store against the SHACL shapes."""
from __future__ import annotations

import sys

import click

from .common import fail
from .options import ontology_option


@click.command()
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False))
@click.option("--store", "target", metavar="TARGET", help="Validate every document graph of a store "
              "(folder, or http(s) URL of a SPARQL server) instead of FILES.")
@ontology_option
def validate(files: tuple[str, ...], target: str | None, ontology_paths: tuple[str, ...]) -> None:
    """Check RDF FILES (or a --store) against kgingest's SHACL shapes; exit 1 on any violation."""
    from ..tools.validate import validate_files, validate_store

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
