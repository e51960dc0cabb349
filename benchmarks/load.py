"""How fast document graphs go into a store: triples per second, embedded and over HTTP.

The dev corpus is extracted once (not timed), then its graphs are copied under new document
IRIs until there are at least --min-triples triples, and every copy is written with
``replace_ntriples`` (the call ``kgingest ingest`` makes with each document's N-Triples: one
atomic replace, and on a server the triple-count check). Each store is loaded twice: into an
empty store ("load"), then the same graphs again ("replace", as ``ingest --force`` does).

    .venv/bin/python benchmarks/load.py                  # embedded + a throwaway Oxigraph server
    .venv/bin/python benchmarks/load.py --oxigraph http://127.0.0.1:7878 --json

Without --oxigraph the script starts ``oxigraph serve`` (from the oxigraph package) on a free
loopback port in a temporary folder and stops it at the end.

``--rdf`` measures ``kgingest ingest FILE.nq`` instead (:func:`kgingest.loading.load_rdf`: the
graphs as ``extract -f nquads`` writes them, loaded without NLP) against the raw tool on the same
file, side by side, medians of ``--repeat`` runs, each into an empty store: pyoxigraph's
``bulk_load`` for the embedded store, one POST of the whole N-Quads file (what ``curl
--data-binary @file.nq`` sends) for an Oxigraph server, and for Virtuoso (``--virtuoso URL``,
credentials from KGINGEST_STORE_USER/KGINGEST_STORE_PASSWORD), which takes no N-Quads over HTTP,
one Graph Store PUT of each graph's triples with nothing checked.

    .venv/bin/python benchmarks/load.py --rdf --min-triples 300000 --repeat 3
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import urllib.parse
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kgingest.pipeline import Extractor, Rendered, run  # noqa: E402
from kgingest.sources import scan  # noqa: E402
from kgingest.store import EmbeddedStore, Sink, open_store  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "dev"


def corpus_graphs(folder: Path) -> list[Rendered]:
    """Each article's extracted graph, as N-Triples."""
    files = sorted(str(p) for p in folder.glob("*.txt"))
    if not files:
        raise FileNotFoundError(f"no .txt articles in {folder}")
    return [r for r in run(Extractor(), scan(files)) if isinstance(r, Rendered)]


def renamed(graph: Rendered, copy: int) -> tuple[str, str, int]:
    """(IRI, N-Triples, triples) of a copy of the document: its IRI and every IRI minted from it
    get a suffix; entity IRIs stay, as they would for another article about the same people."""
    new = f"{graph.iri}-copy{copy}"
    return new, graph.ntriples.replace(f"<{graph.iri}", f"<{new}"), graph.triples


def workload(graphs: list[Rendered], min_triples: int) -> list[tuple[str, str, int]]:
    out: list[tuple[str, str, int]] = []
    copy = 0
    while sum(n for _, _, n in out) < min_triples:
        out.extend(renamed(g, copy) for g in graphs)
        copy += 1
    return out


def load(sink: Sink, graphs: list[tuple[str, str, int]]) -> tuple[int, float]:
    """Write every graph; (triples, seconds)."""
    start = time.perf_counter()
    triples = sum(sink.replace_ntriples(iri, text) for iri, text, _ in graphs)
    return triples, time.perf_counter() - start


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def oxigraph_server() -> Iterator[str]:
    """A throwaway ``oxigraph serve`` on loopback."""
    binary = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")
    if binary is None:
        raise FileNotFoundError("no oxigraph command: pip install oxigraph, or pass --oxigraph URL")
    with tempfile.TemporaryDirectory(prefix="kgingest-bench-") as folder:
        url = f"http://127.0.0.1:{free_port()}"
        proc = subprocess.Popen([binary, "serve", "--location", folder, "--bind", url[len("http://"):]],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    urllib.request.urlopen(f"{url}/query?query=ASK%7B%7D", timeout=1).close()
                    break
                except (urllib.error.URLError, OSError):
                    if time.monotonic() > deadline or proc.poll() is not None:
                        raise ConnectionError(f"oxigraph serve did not start on {url}") from None
                    time.sleep(0.1)
            yield url
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def measure(name: str, sink: Sink, graphs: list[tuple[str, str, int]]) -> dict[str, object]:
    triples, first = load(sink, graphs)
    _, second = load(sink, graphs)
    return {"store": name, "graphs": len(graphs), "triples": triples,
            "load_s": round(first, 3), "load_triples_per_s": round(triples / first),
            "replace_s": round(second, 3), "replace_triples_per_s": round(triples / second)}


def write_nquads(graphs: list[tuple[str, str, int]], path: Path) -> int:
    """The workload as one N-Quads file, one named graph per document as ``extract -f nquads``
    writes it; the number of quads."""
    n = 0
    with open(path, "w", encoding="utf-8") as out:
        for iri, text, _ in graphs:
            tail = f" <{iri}> .\n"
            lines = [line + tail for line in text.split(" .\n") if line]
            out.write("".join(lines))
            n += len(lines)
    return n


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def raw_bulk_load(file: Path, folder: Path) -> None:
    """pyoxigraph's bulk loader on the file, into an empty store, flushed."""
    import pyoxigraph as ox

    store = ox.Store(str(folder))
    store.bulk_load(path=str(file), format=ox.RdfFormat.N_QUADS)
    store.flush()
    del store


def kgingest_load(file: Path, sink: Sink) -> None:
    from kgingest.loading import load_rdf

    with sink:
        summary = load_rdf([file], sink)
    if summary.failed or summary.stopped:
        raise RuntimeError(f"kgingest ingest failed: {summary.failures[:1]} {summary.stopped or ''}")


def raw_post(file: Path, url: str) -> None:
    """One POST of the whole N-Quads file to the Graph Store endpoint, as curl --data-binary does."""
    request = urllib.request.Request(f"{url}/store", data=file.read_bytes(), method="POST",
                                     headers={"Content-Type": "application/n-quads"})
    urllib.request.urlopen(request, timeout=3600).close()


def virtuoso_sink(url: str) -> Sink:
    return open_store(url, query="/sparql", update="/sparql-auth", graph_store="/sparql-graph-crud-auth")


def raw_virtuoso_puts(graphs: list[tuple[str, str, int]], url: str) -> None:
    """One Graph Store PUT a graph (Virtuoso takes no N-Quads over HTTP), nothing checked."""
    passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    passwords.add_password(None, [url + "/"], os.environ["KGINGEST_STORE_USER"], os.environ["KGINGEST_STORE_PASSWORD"])
    opener = urllib.request.build_opener(urllib.request.HTTPDigestAuthHandler(passwords))
    for iri, text, _ in graphs:
        target = f"{url}/sparql-graph-crud-auth?graph={urllib.parse.quote(iri, safe='')}"
        request = urllib.request.Request(target, data=text.encode("utf-8"), method="PUT",
                                         headers={"Content-Type": "text/turtle"})
        opener.open(request, timeout=600).close()


def drop_all(sink: Sink, graphs: list[tuple[str, str, int]]) -> None:
    from kgingest.store.sinks import SparqlServer

    assert isinstance(sink, SparqlServer)
    for start in range(0, len(graphs), 200):
        sink.update(" ;\n".join(f"DROP SILENT GRAPH <{iri}>" for iri, _, _ in graphs[start:start + 200]))


def rdf_results(graphs: list[tuple[str, str, int]], repeat: int, embedded: bool, servers: bool,
                virtuoso: str | None) -> list[dict[str, object]]:
    """kgingest ingest of an N-Quads file against the raw tool, medians of ``repeat`` runs."""
    results = []
    with tempfile.TemporaryDirectory(prefix="kgingest-bench-") as tmp:
        folder = Path(tmp)
        file = folder / "workload.nq"
        quads = write_nquads(graphs, file)

        def row(name: str, raw_name: str, raw: list[float], ours: list[float]) -> dict[str, object]:
            r, k = statistics.median(raw), statistics.median(ours)
            return {"store": name, "graphs": len(graphs), "quads": quads, "raw": raw_name,
                    "raw_s": round(r, 3), "raw_quads_per_s": round(quads / r),
                    "kgingest_s": round(k, 3), "kgingest_quads_per_s": round(quads / k), "ratio": round(r / k, 3),
                    "raw_runs_s": [round(x, 2) for x in raw], "kgingest_runs_s": [round(x, 2) for x in ours]}

        raw: list[float] = []
        ours: list[float] = []
        for i in range(repeat if embedded else 0):
            raw.append(timed(lambda: raw_bulk_load(file, folder / f"raw{i}")))
            ours.append(timed(lambda: kgingest_load(file, EmbeddedStore(folder / f"kg{i}"))))
            shutil.rmtree(folder / f"raw{i}")
            shutil.rmtree(folder / f"kg{i}")
        if embedded:
            results.append(row("embedded", "pyoxigraph bulk_load", raw, ours))
        if servers:
            raw, ours = [], []
            for _ in range(repeat):
                with oxigraph_server() as url:
                    raw.append(timed(lambda: raw_post(file, url)))
                with oxigraph_server() as url:
                    ours.append(timed(lambda: kgingest_load(file, open_store(url))))
            results.append(row("oxigraph-server", "one POST of the file", raw, ours))
        if virtuoso:
            raw, ours = [], []
            for _ in range(repeat):
                drop_all(virtuoso_sink(virtuoso), graphs)
                raw.append(timed(lambda: raw_virtuoso_puts(graphs, virtuoso)))
                drop_all(virtuoso_sink(virtuoso), graphs)
                ours.append(timed(lambda: kgingest_load(file, virtuoso_sink(virtuoso))))
            drop_all(virtuoso_sink(virtuoso), graphs)
            results.append(row("virtuoso", "one Graph Store PUT a graph", raw, ours))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="folder of .txt articles [shared/corpus/dev]")
    parser.add_argument("--min-triples", type=int, default=100_000)
    parser.add_argument("--oxigraph", metavar="URL", help="an Oxigraph server to use (its data is overwritten "
                        "for the benchmark graphs only) instead of a throwaway one")
    parser.add_argument("--no-server", action="store_true", help="measure the embedded store only")
    parser.add_argument("--no-embedded", action="store_true", help="with --rdf: measure the servers only")
    parser.add_argument("--json", action="store_true", help="print the results as JSON lines")
    parser.add_argument("--rdf", action="store_true", help="measure `kgingest ingest FILE.nq` against the raw tools")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement with --rdf (the median is shown)")
    parser.add_argument("--virtuoso", metavar="URL", help="with --rdf: also a Virtuoso server (its benchmark graphs "
                        "are dropped before and after)")
    args = parser.parse_args()

    start = time.perf_counter()
    base = corpus_graphs(args.corpus)
    graphs = workload(base, args.min_triples)
    print(f"corpus: {len(base)} articles extracted in {time.perf_counter() - start:.1f} s; workload "
          f"{len(graphs)} graphs, {sum(n for _, _, n in graphs):,} triples", file=sys.stderr)

    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", file=sys.stderr)
    if args.rdf:
        for r in rdf_results(graphs, args.repeat, not args.no_embedded, not args.no_server, args.virtuoso):
            print(json.dumps(r) if args.json else
                  f"{r['store']:<16} {r['quads']:>9,} quads in {r['graphs']} graphs: kgingest ingest "
                  f"{r['kgingest_quads_per_s']:>8,} quads/s ({r['kgingest_s']} s), {r['raw']} "
                  f"{r['raw_quads_per_s']:>8,} quads/s ({r['raw_s']} s): ratio {r['ratio']}")
        print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", file=sys.stderr)
        return

    results = []
    with tempfile.TemporaryDirectory(prefix="kgingest-bench-") as folder, \
            EmbeddedStore(Path(folder) / "store") as store:
        results.append(measure("embedded", store, graphs))
    if not args.no_server:
        if args.oxigraph:
            results.append(measure("oxigraph-server", open_store(args.oxigraph), graphs))
        else:
            with oxigraph_server() as url:
                results.append(measure("oxigraph-server", open_store(url), graphs))

    for r in results:
        if args.json:
            print(json.dumps(r))
        else:
            print(f"{r['store']:<16} {r['triples']:>9,} triples in {r['graphs']} graphs: "
                  f"load {r['load_triples_per_s']:>8,} triples/s ({r['load_s']} s), "
                  f"replace {r['replace_triples_per_s']:>8,} triples/s ({r['replace_s']} s)")


if __name__ == "__main__":
    main()
