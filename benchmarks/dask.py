"""``kgingest extract --dask`` with 1 and 2 workers, beside the single-process run, on distinct documents.

    .venv/bin/python benchmarks/dask.py                     # every distinct document, best of 1
    .venv/bin/python benchmarks/dask.py --repeat 2 --json   # best of 2, and a JSON line at the end

The corpus is distinct documents only, never repeats: the news articles of the shared dev and
dev2 corpora and the Wikipedia introductions of the Re-DocRED dev set, one .txt file each.
Each variant runs as its own ``kgingest extract`` process, with SOURCE_DATE_EPOCH set:

  (a) one process, ``-f nquads -o one.nq`` (the reference);
  (b) ``--dask local:1 -o shards1/``: a LocalCluster of 1 worker process;
  (c) ``--dask local:2 -o shards2/``: 2 worker processes;

and the shards of (b) and (c), concatenated in order, must be the bytes of (a). Reported per
variant: the whole process's wall time (start-up, cluster start and model loading included),
the extraction's own seconds (after the model is loaded, from the ``--json`` summary), docs/s,
and CPU milliseconds a document (the extracting process; for Dask, the workers' task time
plus the client's, the workers' part shown apart), with the machine's load average before each run. Numbers move with
the machine's other work: the load beside them says how much.

(This file is named after what it measures; it never imports Dask itself, which would find
this file first when run from benchmarks/: each run is a subprocess started in a temporary folder.)
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
NEWS = (SHARED / "corpus" / "dev2", SHARED / "corpus" / "dev")
WIKI = SHARED / "benchmarks" / "redocred" / "redocred_dev.jsonl"
EPOCH = "1767225600"  # 2026-01-01: one fixed prov:endedAtTime, so the outputs compare byte for byte


def build_corpus(folder: Path, limit: int | None) -> tuple[int, int]:
    """Distinct documents as .txt files: the news articles first, then the Wikipedia texts."""
    texts: list[str] = []
    for corpus in NEWS:
        texts += [p.read_text(encoding="utf-8") for p in sorted(corpus.glob("*.txt"))]
    with WIKI.open(encoding="utf-8") as f:
        texts += [json.loads(line)["text"] for line in f if line.strip()]
    if len(set(texts)) != len(texts):
        sys.exit("the corpus has repeated texts")
    texts = texts[:limit] if limit else texts
    if not texts:
        sys.exit(f"no documents in {NEWS} or {WIKI}")
    folder.mkdir(parents=True)
    for i, text in enumerate(texts):
        (folder / f"{i:05d}.txt").write_text(text, encoding="utf-8")
    return len(texts), sum(len(t.split()) for t in texts)


@dataclass
class Run:
    label: str
    docs: int
    wall: float        # the whole process: start-up, cluster, model loading, extraction
    seconds: float     # the extraction, after the model is loaded (the --json summary)
    cpu: float         # CPU seconds of the extraction: the process, or the Dask workers' tasks + the client
    worker_cpu: float  # of which the Dask workers' tasks (0 for one process)
    load: float        # 1-minute load average just before the run

    @property
    def docs_s(self) -> float:
        return self.docs / self.seconds

    @property
    def cpu_ms(self) -> float:
        return self.cpu * 1000 / self.docs


def measure(label: str, args: list[str], docs: int, cwd: Path) -> Run:
    cmd = [sys.executable, "-c", "import sys; from kgingest.cli import main; sys.argv[0] = 'kgingest'; main()",
           "extract", *args, "--quiet", "--json"]
    load = os.getloadavg()[0]
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH})
    wall = time.perf_counter() - start
    lines = proc.stderr.strip().splitlines()
    if proc.returncode != 0 or not lines:
        sys.exit(f"{label}: {' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr}")
    summary = json.loads(lines[-1])
    if summary["documents"] != docs:
        sys.exit(f"{label}: {summary['documents']} of {docs} documents done:\n{proc.stderr}")
    workers = summary.get("worker_cpu_seconds", 0.0)
    return Run(label, docs, wall, summary["seconds"], summary["cpu_seconds"] + workers, workers, load)


def shards(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.glob("part-*.nq")))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=0, help="only the first N documents (default: all)")
    ap.add_argument("--partition-size", type=int, default=32, help="documents a Dask task and shard (default 32)")
    ap.add_argument("--repeat", type=int, default=1, help="runs per variant; the fastest is kept (default 1)")
    ap.add_argument("--json", action="store_true", help="end with the figures as one JSON line")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="kgingest-dask-bench-") as tmp:
        work = Path(tmp)
        docs, words = build_corpus(work / "corpus", args.docs or None)
        print(f"corpus: {docs} distinct documents, {words:,} words; partitions of {args.partition_size}; "
              f"{os.cpu_count()} CPUs, load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)
        corpus = str(work / "corpus")
        part = ["--partition-size", str(args.partition_size)]
        variants = [("(a) one process", lambda i: [corpus, "-f", "nquads", "-o", str(work / f"one{i}.nq")]),
                    ("(b) --dask local:1", lambda i: [corpus, "--dask", "local:1", "-o", str(work / f"d1-{i}"), *part]),
                    ("(c) --dask local:2", lambda i: [corpus, "--dask", "local:2", "-o", str(work / f"d2-{i}"), *part])]
        best: dict[str, Run] = {}
        for i in range(args.repeat):
            for label, argv in variants:
                run = measure(label, argv(i), docs, work)
                print(f"  {label}: {run.seconds:.1f} s extracting, {run.wall:.1f} s wall, load {run.load:.1f}",
                      flush=True)
                if label not in best or run.seconds < best[label].seconds:
                    best[label] = run
        reference = (work / "one0.nq").read_bytes()
        same = all(shards(work / f"{d}-{i}") == reference for d in ("d1", "d2") for i in range(args.repeat))
        if not same:
            sys.exit("the Dask shards differ from the single-process N-Quads")

        print(f"\n{'':22} {'docs/s':>7} {'seconds':>8} {'wall s':>7} {'CPU ms/doc':>10} {'of which workers':>16} "
              f"{'load before':>11}")
        for r in best.values():
            print(f"{r.label:22} {r.docs_s:7.2f} {r.seconds:8.1f} {r.wall:7.1f} {r.cpu_ms:10.1f} "
                  f"{r.worker_cpu * 1000 / r.docs:16.1f} {r.load:11.1f}")
        a, b, c = best.values()
        print(f"\n2 workers / 1 worker (c)/(b): {c.docs_s / b.docs_s:.2f} by extraction time, "
              f"{b.wall / c.wall:.2f} by wall time; CPU a document (c)/(b) {c.cpu_ms / b.cpu_ms:.2f}")
        print(f"1 Dask worker / one process (b)/(a): {b.docs_s / a.docs_s:.2f}; CPU a document (b)/(a) "
              f"{b.cpu_ms / a.cpu_ms:.2f}")
        print(f"shards of (b) and (c) = (a)'s N-Quads, byte for byte ({len(reference):,} bytes); "
              f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
        if args.json:
            print(json.dumps({"docs": docs, "words": words, "cpus": os.cpu_count(),
                              "runs": [{**asdict(r), "docs_s": round(r.docs_s, 2), "cpu_ms": round(r.cpu_ms, 1)}
                                       for r in best.values()]}))


if __name__ == "__main__":
    main()
