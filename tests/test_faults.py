"""Fault injection: `kgingest ingest` killed at several points, then run again.

Each killed run must leave a store that opens, with every document graph whole or absent;
the run after the kills must reach what one clean run stores (the same graphs, the same
triple count in each, the same content keys, so the next run finds everything unchanged);
and a killed run with workers (`-j 2`) must leave no process and no lock behind. Real runs
of the installed CLI in their own processes, killed from outside with real signals, into
the embedded store and into the Oxigraph server that .ci/run starts (KGINGEST_TEST_OXIGRAPH_URL).
"""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from kgingest.ingest import ingest as ingest_all
from kgingest.pipeline import Extractor
from kgingest.sources import scan
from kgingest.store import EmbeddedStore, Sink, open_store
from test_store_servers import needs_oxigraph, server_url

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not sys.platform.startswith("linux"),
                                 reason="workers die with their parent on Linux (PR_SET_PDEATHSIG)")]

ROOT = Path(__file__).resolve().parents[1]
KGINGEST = [sys.executable, "-c", "from kgingest.cli import main; main()"]
DOCS = 12
SUMMARY = re.compile(r"added (\d+), replaced (\d+), unchanged (\d+), deleted 0, failed (\d+), triples \d+, [\d.]+ s\n")

# (workers, documents written before the kill -9): one document at a time (--batch-size 1), so
# the kill lands while others are still being extracted, read or written
KILLS = ((1, 2), (2, 3))

PEOPLE = ["Maria Lopez", "Ahmed Khan", "Grace Mwangi", "Tom Becker", "Lena Novak", "Ravi Patel"]
ORGS = ["Northwind Bank", "Harbor Logistics", "Bluefield Energy", "Crescent Telecom"]
PLACES = ["Nairobi", "Lisbon", "Toronto", "Singapore"]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A dozen short news texts. Documents are identified by path: this folder is private to
    the module, so its graphs on a long-lived server are too."""
    path = tmp_path_factory.mktemp("faults") / "news"
    path.mkdir()
    for i in range(DOCS):
        a, b = PEOPLE[i % len(PEOPLE)], PEOPLE[(i + 1) % len(PEOPLE)]
        org, place = ORGS[i % len(ORGS)], PLACES[i % len(PLACES)]
        (path / f"news-{i:02d}.txt").write_text(
            f"{a}, the chief executive of {org}, met {b} in {place} on Monday.\n\n"
            f"{b} is an adviser to {a}. {org} opened an office in {place} in {2010 + i}.\n",
            encoding="utf-8")
    return path


def graph_counts(sink: Sink, iris: list[str] | None = None) -> dict[str, int]:
    """Triples in each document graph (only ``iris``, when given), and the graphs that exist."""
    only = f"VALUES ?g {{ {' '.join(f'<{iri}>' for iri in iris)} }}" if iris is not None else ""
    result = sink.query(f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ {only} GRAPH ?g {{ ?s ?p ?o }} }} GROUP BY ?g")
    assert isinstance(result, ox.QuerySolutions)
    return {row["g"].value: int(row["n"].value) for row in result}


def state(sink: Sink, iris: list[str] | None = None) -> tuple[dict[str, int], dict[str, str]]:
    """What is compared with a clean run: per-graph triple counts and content keys."""
    counts = graph_counts(sink, iris)
    keys = {g: k for g, k in sink.content_keys().items() if iris is None or g in iris}
    return counts, keys


@pytest.fixture(scope="module")
def clean(folder: Path, extractor: Extractor) -> tuple[dict[str, int], dict[str, str]]:
    """What one uninterrupted run stores (in process: the session's pipeline is loaded already)."""
    with EmbeddedStore(None) as sink:
        summary = ingest_all(scan([str(folder)]), sink, extractor)
        assert (summary.added, summary.failed) == (DOCS, 0)
        counts, keys = state(sink)
    assert len(counts) == len(keys) == DOCS
    return counts, keys


def ingest(folder: Path, store: str, *args: str) -> tuple[int, str, str]:
    run = subprocess.run([*KGINGEST, "ingest", str(folder), "--store", store, *args],
                         capture_output=True, text=True, timeout=300, cwd=ROOT)
    return run.returncode, run.stdout, run.stderr


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (from /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):  # ended meanwhile
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def running(pid: int) -> bool:
    """Alive and not a zombie (an ended process its new parent has not reaped yet)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def interrupt(folder: Path, store: str, *args: str, after: int, sig: signal.Signals = signal.SIGKILL
              ) -> tuple[int, list[int], str, str]:
    """Start an ingest, send ``sig`` once ``after`` more documents have been written, wait for it.

    Its exit code, the workers it had (for checks that none is left), its stdout and stderr.
    """
    proc = subprocess.Popen([*KGINGEST, "ingest", str(folder), "--store", store, *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    watchdog = threading.Timer(300, proc.kill)
    watchdog.start()
    written, lines, workers = 0, [], []
    try:
        assert proc.stderr is not None
        for line in proc.stderr:
            lines.append(line)
            written += line.startswith(("added ", "replaced "))
            if written >= after:
                workers = children(proc.pid)
                proc.send_signal(sig)
                break
        try:
            out, rest = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:  # its output is still open: processes it started live on
            left = [pid for pid in workers if running(pid)]
            for pid in left:
                os.kill(pid, signal.SIGKILL)
            proc.communicate()
            raise AssertionError(f"the run ended, its workers {left} did not (the test killed them)") from None
    finally:
        watchdog.cancel()
    assert written >= after, f"the run ended before {after} documents were written:\n{''.join(lines)}"
    return proc.returncode, workers, out, "".join(lines) + rest


def assert_nothing_left(workers: list[int], store: Path | None = None) -> None:
    """No worker still runs, and the embedded store opens for writing at once."""
    deadline = time.monotonic() + 5
    while any(running(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [pid for pid in workers if running(pid)] == []
    if store is not None:
        with EmbeddedStore(store):  # raises BlockingIOError while anything holds the lock
            pass


def assert_whole_or_absent(sink: Sink, clean_counts: dict[str, int], *, keys_last: bool = False) -> int:
    """Every stored document graph has all its triples; how many there are.

    ``keys_last``: a server is written in batches, each graph's key after its checked triples
    (:class:`kgingest.store.bulk.ServerBatch`), so a kill may leave a graph without its key,
    which the next run sees as not stored and writes again: such a graph counts as absent,
    and every graph with its key must be whole."""
    counts = graph_counts(sink, list(clean_counts))
    if keys_last:
        keyed = sink.content_keys()
        counts = {g: n for g, n in counts.items() if g in keyed}
    assert {g: n for g, n in counts.items() if n != clean_counts[g]} == {}
    return len(counts)


def test_kill_9_at_several_points_then_rerun_equals_a_clean_run(
        folder: Path, clean: tuple[dict[str, int], dict[str, str]], tmp_path: Path) -> None:
    store = tmp_path / "store"
    stored = 0
    for jobs, after in KILLS:
        code, workers, _, err = interrupt(folder, str(store), "-j", str(jobs), "--batch-size", "1", after=after)
        assert code == -signal.SIGKILL, err
        assert len(workers) == (jobs if jobs > 1 else 0), err
        assert_nothing_left(workers, store)  # a killed -j 2 run: no worker, no lock
        with EmbeddedStore(store, read_only=True) as sink:
            now = assert_whole_or_absent(sink, clean[0])
        assert now >= stored + after
        stored = now
    code, out, err = ingest(folder, str(store))
    match = SUMMARY.fullmatch(out)
    assert code == 0 and match, err
    assert [int(n) for n in match.groups()] == [DOCS - stored, 0, stored, 0]
    with EmbeddedStore(store, read_only=True) as sink:
        assert state(sink) == clean


def test_sigterm_ends_a_run_with_workers_like_ctrl_c(
        folder: Path, clean: tuple[dict[str, int], dict[str, str]], tmp_path: Path) -> None:
    store = tmp_path / "store"
    code, workers, out, err = interrupt(folder, str(store), "-j", "2", "--batch-size", "1", after=1,
                                        sig=signal.SIGTERM)
    assert code == 1, err
    assert err.endswith("kgingest: stopped: interrupted\n"), err
    match = SUMMARY.fullmatch(out)
    assert match and int(match[1]) >= 1 and int(match[4]) == 0, out
    assert len(workers) == 2
    assert_nothing_left(workers, store)
    with EmbeddedStore(store, read_only=True) as sink:
        assert assert_whole_or_absent(sink, clean[0]) == int(match[1])


@pytest.fixture
def oxigraph(clean: tuple[dict[str, int], dict[str, str]]) -> Iterator[str]:
    """The test server's URL; the module's document graphs are dropped afterwards."""
    url = server_url("KGINGEST_TEST_OXIGRAPH_URL")
    yield url
    with open_store(url) as sink:
        for iri in clean[0]:
            sink.drop_graph(iri)


@needs_oxigraph
@pytest.mark.server
def test_kill_9_into_the_oxigraph_server_then_rerun_equals_a_clean_run(
        folder: Path, clean: tuple[dict[str, int], dict[str, str]], oxigraph: str) -> None:
    iris = list(clean[0])
    stored = 0
    for jobs, after in KILLS:
        code, workers, _, err = interrupt(folder, oxigraph, "-j", str(jobs), "--batch-size", "1", after=after)
        assert code == -signal.SIGKILL, err
        assert_nothing_left(workers)
        with open_store(oxigraph) as sink:
            now = assert_whole_or_absent(sink, clean[0], keys_last=True)
        assert now >= stored + after
        stored = now
    code, out, err = ingest(folder, oxigraph)
    match = SUMMARY.fullmatch(out)
    assert code == 0 and match, err
    assert [int(n) for n in match.groups()] == [DOCS - stored, 0, stored, 0]
    with open_store(oxigraph) as sink:
        assert state(sink, iris) == clean
