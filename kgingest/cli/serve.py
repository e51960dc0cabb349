"""``kgingest serve``: option parsing and exit codes; the server is :mod:`kgingest.serve`,
imported only when the command runs (``kgingest --help`` stays fast)."""
from __future__ import annotations

import sys

import click

from .common import stop_on_sigterm


@click.command("serve")
@click.option("--store", "target", envvar="KGINGEST_STORE", metavar="DIR",
              help="Embedded store folder to serve [default: $KGINGEST_STORE, else ./kgingest.store].")
@click.option("--bind", default="127.0.0.1:7878", show_default=True, metavar="HOST:PORT",
              help="Address to listen on; anything but loopback lets other machines query the store.")
@click.option("--timeout", default=30.0, show_default=True, type=click.FloatRange(min=0.1),
              help="Seconds a query may run before it is stopped (HTTP 503).")
@click.option("--max-result-bytes", default=16 * 1024 * 1024, show_default=True, type=click.IntRange(min=1),
              help="Largest serialized result; a larger one is refused (HTTP 400) — add a LIMIT.")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64),
              help="Queries that run at once (one process each).")
@click.option("--refresh", default=2.0, show_default=True, type=click.FloatRange(min=0.1),
              help="Seconds between checks for a changed store (after an ingest).")
def serve_command(target: str | None, bind: str, timeout: float, max_result_bytes: int, workers: int,
                  refresh: float) -> None:
    """Serve the store as a read-only SPARQL 1.1 endpoint (/sparql) with a query page (/).

    The default graph is the union of the document graphs, as for `kgingest query`.
    Updates are refused. An `ingest` into the same store may run meanwhile: the server
    answers from a snapshot and moves to a new one when the ingest has finished.
    """
    from ..serve import Limits, serve
    from ..store import DEFAULT_STORE, is_remote

    target = target or DEFAULT_STORE
    if is_remote(target):
        raise click.BadParameter("serve needs an embedded store folder; a SPARQL server serves itself",
                                 param_hint="--store")
    stop_on_sigterm()  # a service manager's stop: clean up like Ctrl-C
    limits = Limits(timeout=timeout, max_bytes=max_result_bytes, workers=workers, refresh=refresh)
    try:
        serve(target, bind, limits, announce=lambda line: click.echo(line, err=True))
    except ValueError as err:
        raise click.BadParameter(str(err), param_hint="--bind") from None
    except BlockingIOError as err:  # an ingest holds the store: its message, without "[Errno 11]"
        click.echo(f"kgingest: {err.strerror}", err=True)
        sys.exit(1)
    except OSError as err:  # no store, unreadable store, port in use
        click.echo(f"kgingest: {err}", err=True)
        sys.exit(1)
