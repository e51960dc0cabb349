"""``kgingest serve``: the store as a read-only SPARQL 1.1 endpoint with a query page.

Pieces: :mod:`.queries` (snapshots of the store, worker processes with a time and a size
limit), :mod:`.app` (the WSGI application), and :func:`serve` here, which puts them behind
waitress and keeps the snapshot fresh while ``kgingest ingest`` writes the store.

>>> parse_bind("127.0.0.1:7878"), parse_bind("[::1]:80"), parse_bind("8000")
(('127.0.0.1', 7878), ('::1', 80), ('127.0.0.1', 8000))
"""
from __future__ import annotations

import ipaddress
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

DEFAULT_BIND = "127.0.0.1:7878"


@dataclass(frozen=True)
class Limits:
    """What one request may cost."""

    timeout: float = 30.0  # seconds a query may run
    max_bytes: int = 16 * 1024 * 1024  # size of a serialized result
    workers: int = 2  # queries at once (one process each)
    refresh: float = 2.0  # seconds between looks for a changed store


def parse_bind(bind: str) -> tuple[str, int]:
    """``HOST:PORT``, ``[IPv6]:PORT`` or ``PORT`` (on loopback); ValueError names the problem."""
    host, sep, port = bind.rpartition(":")
    if not sep:
        host, port = "127.0.0.1", bind
    host = host.strip("[]") or "127.0.0.1"
    if not port.isdigit() or not 0 <= int(port) <= 65535:
        raise ValueError(f"--bind {bind!r}: expected HOST:PORT with a port from 0 to 65535")
    return host, int(port)


def is_loopback(host: str) -> bool:
    """True for addresses only this machine reaches.

    >>> is_loopback("127.0.0.1"), is_loopback("localhost"), is_loopback("0.0.0.0")
    (True, True, False)
    """
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(store: str, bind: str = DEFAULT_BIND, limits: Limits = Limits(),
          announce: Callable[[str], None] = print) -> None:
    """Serve the store folder until interrupted; ``announce`` gets one-line notes for the user.

    Raises FileNotFoundError / OSError when the store cannot be read, BlockingIOError while
    an ingest holds it at start, ValueError for a bad ``bind``.
    """
    from waitress.server import create_server

    from .app import App
    from .queries import QueryPool, Snapshots

    host, port = parse_bind(bind)
    snapshots = Snapshots(Path(store))
    try:
        pool = QueryPool(snapshots.take(), workers=limits.workers, timeout=limits.timeout,
                         max_bytes=limits.max_bytes)
    except BaseException:
        snapshots.remove_all()
        raise
    stop = threading.Event()

    def refresh() -> None:
        """Take a new snapshot when the store changed and no ingest holds it."""
        while not stop.wait(limits.refresh):
            if not snapshots.changed():
                continue
            try:
                pool.move_to(snapshots.take())
            except BlockingIOError:  # an ingest is writing: serve the last snapshot until it is done
                continue
            except OSError as err:
                announce(f"kgingest: cannot refresh from {store} (still serving the last snapshot): {err}")
                continue
            announce(f"kgingest: refreshed from {store}")

    try:
        try:
            server = create_server(App(pool, str(store)), host=host, port=port, threads=limits.workers + 2,
                                   ident="kgingest", clear_untrusted_proxy_headers=True)
        except OSError as err:
            raise OSError(f"cannot listen on {bind}: {err.strerror or err}") from None
        where = f"[{host}]" if ":" in host else host
        announce(f"kgingest: serving {store} read-only at http://{where}:{server.effective_port}/ "
                 f"(SPARQL endpoint /sparql); Ctrl-C stops")
        if not is_loopback(host):
            announce(f"kgingest: warning: {host} is reachable from other machines; anyone there can query the store")
        watcher = threading.Thread(target=refresh, name="kgingest-serve-refresh", daemon=True)
        watcher.start()
        try:
            server.run()
        except KeyboardInterrupt:
            pass
        finally:
            server.close()
    finally:
        stop.set()
        pool.close()
        snapshots.remove_all()
