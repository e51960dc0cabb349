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
"""
from __future__ import annotations

import argparse
import json
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="folder of .txt articles [shared/corpus/dev]")
    parser.add_argument("--min-triples", type=int, default=100_000)
    parser.add_argument("--oxigraph", metavar="URL", help="an Oxigraph server to use (its data is overwritten "
                        "for the benchmark graphs only) instead of a throwaway one")
    parser.add_argument("--no-server", action="store_true", help="measure the embedded store only")
    parser.add_argument("--json", action="store_true", help="print the results as JSON lines")
    args = parser.parse_args()

    start = time.perf_counter()
    base = corpus_graphs(args.corpus)
    graphs = workload(base, args.min_triples)
    print(f"corpus: {len(base)} articles extracted in {time.perf_counter() - start:.1f} s; workload "
          f"{len(graphs)} graphs, {sum(n for _, _, n in graphs):,} triples", file=sys.stderr)

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
