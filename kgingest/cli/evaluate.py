"""``kgingest eval``: scores against a corpus with gold annotations."""
from __future__ import annotations

import sys

import click

from .common import fail
from .options import model_option, ontology_option


@click.command("eval")
@click.argument("corpus", type=click.Path(exists=True, file_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the totals (and per-document facts) as JSON.")
@click.option("-v", "--verbose", is_flag=True, help="List every false and missed fact and typing error.")
@model_option()
@ontology_option
def eval_command(corpus: str, as_json: bool, verbose: bool, model: str, ontology_paths: tuple[str, ...]) -> None:
    """Precision, recall and F1 per property, and entity typing, against CORPUS's gold files.

    CORPUS is a folder of NAME.txt articles with NAME.gold.json annotations beside them
    (format: README.md, "Evaluation against your own annotations").
    """
    import json as json_module

    from ..nlp import ModelError
    from ..sources import InputError
    from ..tools.evaluate import CorpusError, evaluate

    try:
        result = evaluate(corpus, model=model, ontology_paths=ontology_paths)
    except (CorpusError, InputError) as e:
        fail(str(e))
        sys.exit(1)
    except ModelError as e:
        fail(str(e))
        sys.exit(2)
    click.echo(json_module.dumps(result.to_json(details=verbose), indent=2) if as_json else result.table(verbose=verbose))
