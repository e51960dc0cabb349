"""What every command shares: the one-line error, the run's timestamp, SIGTERM as Ctrl-C."""
from __future__ import annotations

import os
import signal
import threading
from datetime import datetime, timezone

import click

from ..isolation import one_line


def fail(message: str) -> None:
    """``kgingest: message`` on stderr, one line whatever names it quotes (the caller picks the exit code)."""
    click.echo(f"kgingest: {one_line(message)}", err=True)


def run_time() -> datetime:
    """One prov:endedAtTime for the whole run: now, or SOURCE_DATE_EPOCH for reproducible output."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is None:
        return datetime.now(timezone.utc)
    try:
        return datetime.fromtimestamp(int(epoch), timezone.utc)
    except (ValueError, OverflowError):
        raise click.UsageError(f"SOURCE_DATE_EPOCH must be seconds since 1970, not {epoch!r}") from None


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def stop_on_sigterm() -> None:
    """SIGTERM (``kill``, a service manager's stop) ends the command as Ctrl-C does, cleanly.

    Only the main thread may set a handler: a command invoked from another thread (a test
    harness) keeps the process's own."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _interrupt)
