"""``kgingest extract --dask``: the same run on a Dask cluster, N-Quads shards out (see kgingest.cluster)."""
from __future__ import annotations

import sys
from typing import NoReturn

import click

from .common import fail, run_time
from .extract import show


def extract_on_dask(address: str, inputs: tuple[str, ...], output: str, fmt: str, model: str,
                    ontology_paths: tuple[str, ...], input_format: str | None, globs: tuple[str, ...], workers: int,
                    batch_size: int, max_chars: int, partition_size: int, debug: bool, quiet: bool,
                    as_json: bool) -> NoReturn:
    """Extract on the cluster at ``address``, print the summary ``extract`` prints and exit (0, 1 or 2)."""
    ctx = click.get_current_context()
    if output == "-":
        raise click.UsageError("--dask writes N-Quads shards: give -o a folder or an fsspec URL")
    if fmt != "nquads" and ctx.get_parameter_source("fmt") is not click.core.ParameterSource.DEFAULT:
        raise click.UsageError(f"--dask writes N-Quads shards, not {fmt}")
    if workers > 1:
        raise click.UsageError("--workers is for one machine; with --dask the cluster's workers extract")
    generated_at = run_time()
    try:
        from .. import cluster
    except ImportError as e:
        fail(f"--dask needs Dask ({e.msg}): pip install 'kgingest[dask]'")
        sys.exit(2)
    import json

    from ..nlp import ModelError
    from ..pipeline import Settings
    from ..progress import Status, Tally
    from ..sources import scan

    try:
        cluster.prepare(output)
    except OSError as e:
        fail(f"cannot write {output}: {e.strerror or e}")
        sys.exit(2)
    settings = Settings(model, ontology_paths, generated_at, max_chars)
    status = Status(sys.stderr, live=not quiet and sys.stderr.isatty())
    shards, cpu = 0, 0.0
    try:
        with cluster.connect(address) as client, cluster.loaded(client, settings) as pipeline:
            tally = Tally()
            items = scan(inputs, input_format=input_format, globs=globs, max_chars=max_chars)
            for shard in cluster.run(pipeline, items, output, batch_size=batch_size, partition_size=partition_size):
                shards, cpu = shards + 1, cpu + shard.cpu_seconds
                for result in shard.results:
                    show(result, tally, status, quiet=quiet, debug=debug)
            # taken before the cluster closes: its time, and a LocalCluster's workers (children
            # reaped at close, whose CPU time the workers' own task times already count), are not the run's
            summary = tally.as_dict(dask=address, shards=shards, worker_cpu_seconds=round(cpu, 3), output=output,
                                    format="nquads")
            line = f"{tally.line()} ({shards:,} shards in {output})"
    except ValueError as e:  # a bad local:N
        raise click.UsageError(str(e)) from None
    except ModelError as e:
        fail(str(e))
        sys.exit(2)
    except cluster.ClusterError as e:
        status.close()
        fail(f"stopped after {shards:,} shards written to {output}: {e}")
        sys.exit(1)
    except OSError as e:  # no scheduler at the address, or it went away
        status.close()
        fail(f"stopped, Dask cluster {address}: {e}" if shards else f"cannot reach the Dask cluster {address}: {e}")
        sys.exit(2)
    status.close()
    if as_json:
        click.echo(json.dumps(summary), err=True)
    elif not quiet:
        click.echo(f"kgingest: {line}", err=True)
    sys.exit(1 if summary["failed"] else 0)
