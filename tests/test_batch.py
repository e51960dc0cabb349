"""Batches: the runner, workers, output files, progress, and ``kgingest extract`` on real inputs.

The central test feeds a folder of bad inputs mixed with good articles and checks that every
good article's triples arrive exactly as when it is processed alone. Tests that load the
spaCy pipeline are marked slow; they share the session's extractor (tests/conftest.py).
"""
from __future__ import annotations

import io
import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Dataset, Graph, Literal
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS

from conftest import DEV, FIXED_TIME, SAMPLE, make_unreadable
from kgingest.nlp import entities
from kgingest.cli import main
from kgingest.rdf.outfile import RdfWriter
from kgingest.isolation import DocumentError
from kgingest.pipeline import Rendered, WorkerError, run
from kgingest.progress import Status, Tally
from kgingest.sources import Document, InputError, RawDocument, scan

DATA = Path(__file__).resolve().parent / "data"
EPOCH = str(int(FIXED_TIME.timestamp()))
needs_dev = pytest.mark.skipif(not DEV.is_dir(), reason="needs the dev corpus in ../shared")


def extract_cli(*args: str, input: str | bytes | None = None):
    """``kgingest extract ARGS`` in this process (the pipeline stays loaded), with a fixed run time."""
    return CliRunner().invoke(main, ["extract", *args], input=input, env={"SOURCE_DATE_EPOCH": EPOCH},
                              catch_exceptions=False)


def graphs(nquads: str) -> dict[str, set[str]]:
    """N-Quads lines grouped by their graph."""
    out: dict[str, set[str]] = {}
    for line in nquads.splitlines():
        if line.strip():
            out.setdefault(line.rsplit(" ", 2)[1], set()).add(line)
    return out


def rendered(name: str, iri: str, lines: list[str]) -> Rendered:
    nt = "".join(sorted(line + "\n" for line in lines))
    return Rendered(name, iri, "key", nt, len(lines), 0, 0)


# --- output files (no model) -----------------------------------------------------------------

A = rendered("a.txt", "https://w3id.org/kgingest/doc/a", [
    '<https://w3id.org/kgingest/id/person/ana> <http://www.w3.org/2000/01/rdf-schema#label> "Ana \\"A\\"\\u2028x" .',
    "<https://w3id.org/kgingest/id/person/ana> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
    "<https://w3id.org/kgingest/ontology#Person> ."])
B = rendered("b.txt", "https://w3id.org/kgingest/doc/b", [
    "<https://w3id.org/kgingest/id/person/ana> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
    "<https://w3id.org/kgingest/ontology#Person> ."])


def test_nquads_are_streamed_into_named_graphs(tmp_path):
    out = tmp_path / "out.nq"
    with RdfWriter(str(out), "nquads") as w:
        w.write(A)
        assert not out.exists()  # in place only when complete
        w.write(B)
    quads = graphs(out.read_text(encoding="utf-8"))
    assert {g: len(q) for g, q in quads.items()} == {f"<{A.iri}>": 2, f"<{B.iri}>": 1}
    g = Graph()
    g.parse(data="".join(q.rsplit(" ", 2)[0] + " .\n" for q in quads[f"<{A.iri}>"]), format="nt")
    assert Literal('Ana "A"\u2028x') in set(g.objects())
    assert oct(out.stat().st_mode & 0o777) != oct(0o600)


@pytest.mark.parametrize("fmt", ["turtle", "nt", "trig", "json-ld", "xml"])
def test_every_format_holds_the_same_triples(tmp_path, fmt):
    out = tmp_path / "out"
    with RdfWriter(str(out), fmt) as w:
        w.write(A)
        w.write(B)
    got = Graph()
    if fmt in ("trig", "json-ld"):  # named graphs: one per document
        ds = Dataset()
        ds.parse(out, format=fmt)
        assert {str(c) for _, _, _, c in ds.quads()} == {A.iri, B.iri}
        for s, p, o, _ in ds.quads():
            got.add((s, p, o))
    else:
        got.parse(out, format=fmt)
    want = Graph()
    want.parse(data=A.ntriples + B.ntriples, format="nt")
    assert isomorphic(got, want)


def test_a_failed_run_leaves_the_old_output_untouched(tmp_path):
    out = tmp_path / "out.nq"
    out.write_text("old\n", encoding="utf-8")
    with pytest.raises(WorkerError):
        with RdfWriter(str(out), "nquads") as w:
            w.write(A)
            raise WorkerError("a worker process died")
    assert out.read_text(encoding="utf-8") == "old\n"
    assert list(tmp_path.iterdir()) == [out]


def test_progress_line_redraws_and_keeps_messages_readable():
    stream = io.StringIO()
    status, tally = Status(stream, live=True), Tally()
    tally.count(A)
    tally.count(InputError("x.txt: empty file"))
    status.update(tally, force=True)
    status.message("kgingest: x.txt: empty file")
    status.close()
    text = stream.getvalue()
    assert text.startswith("\r\x1b[K1 docs | 2 triples | 1 errors | ")
    assert "\r\x1b[Kkgingest: x.txt: empty file\n" in text
    quiet = io.StringIO()
    Status(quiet, live=False).update(tally, force=True)
    assert quiet.getvalue() == ""
    assert tally.as_dict()["failed"] == 1 and tally.line().startswith("1 documents, 2 triples, 1 failed, in ")


def test_output_folder_must_exist(tmp_path):
    result = extract_cli(str(DATA / "feed.jsonl"), "-o", str(tmp_path / "no" / "out.nq"))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"kgingest: cannot write {tmp_path / 'no' / 'out.nq'}: No such file")


# --- the runner ------------------------------------------------------------------------------

def docs(*names: str) -> list[Document]:
    return [Document(id=n, text=(DEV / f"{n}.txt").read_text(encoding="utf-8"), path=str(DEV / f"{n}.txt"))
            for n in names]


@pytest.mark.slow
@needs_dev
def test_run_gives_the_extract_api_triples(extractor):
    [doc] = docs("dev-afp-geneva-trade-talks")
    [x] = extractor.extract([doc])
    [r] = run(extractor, [doc])
    assert isinstance(r, Rendered) and r.iri == x.iri and r.content_key == x.content_key
    assert r.triples == len(x.graph) and r.entities == len(x.entities.items) and r.relations == len(x.relations)
    g = Graph()
    g.parse(data=r.ntriples, format="nt")
    assert isomorphic(g, x.graph)
    assert r.ntriples.splitlines() == sorted(r.ntriples.splitlines())


@pytest.mark.slow
@needs_dev
def test_two_workers_give_the_same_results_in_the_same_order(extractor):
    items: list = docs("dev-afp-geneva-trade-talks", "dev-wire-entity-list-korvex", "dev-pr-solvane-appointments")
    items.insert(1, InputError("bad.txt: empty file"))
    items += list(scan([str(DATA / "feed.jsonl"), str(DATA / "html")]))
    one = list(run(extractor, items, workers=1, batch_size=2))
    two = list(run(extractor, items, workers=2, batch_size=2))
    assert [type(r) for r in one] == [Rendered, InputError] + [Rendered] * 7
    assert [r for r in one if isinstance(r, Rendered)] == [r for r in two if isinstance(r, Rendered)]
    assert [str(r) for r in one if not isinstance(r, Rendered)] == [str(r) for r in two if not isinstance(r, Rendered)]


class _Crash(RawDocument):
    def parse(self, max_chars: int = 0) -> Document:
        os._exit(3)  # what the OOM killer does to a worker


@pytest.mark.slow
def test_a_dead_worker_stops_the_run_with_a_clear_error(extractor):
    items = [_Crash(name="crash.txt", id="crash", content=b"x", format="text")]
    with pytest.raises(WorkerError, match="a worker process died"):
        list(run(extractor, items, workers=2))


@pytest.mark.slow
@needs_dev
def test_a_failing_stage_costs_one_document(extractor, monkeypatch):
    find = entities.find

    def flaky(doc, onto):
        if "BOOM" in doc.text:
            raise IndexError("list index out of range")
        return find(doc, onto)

    monkeypatch.setattr(entities, "find", flaky)
    good = docs("dev-afp-geneva-trade-talks")[0]
    bad = Document(id="bad", text="BOOM went the parser.", path="bad.txt")
    results = extractor.render([good, bad, good])
    assert [type(r) for r in results] == [Rendered, DocumentError, Rendered]
    assert str(results[1]) == "bad.txt: extraction failed (IndexError: list index out of range)"
    assert results[0] == results[2]


@pytest.mark.slow
@needs_dev
def test_a_failing_batch_is_retried_one_document_at_a_time(extractor, monkeypatch):
    def broken_pipe(*args, **kwargs):
        raise ValueError("batch failed")

    monkeypatch.setattr(extractor.nlp, "pipe", broken_pipe)
    [good] = docs("dev-afp-geneva-trade-talks")
    [r] = extractor.render([good])
    monkeypatch.undo()
    assert r == extractor.render([good])[0]


def novel_documents(tag: str, n: int = 40) -> list[Document]:
    return [Document(id=f"{tag}{i}", text=f"Zorblat{tag}{i}xq Quennifer{tag}{i} met Plovdak{tag}{i} officials in "
                     f"Vrelstad{tag}{i} on Monday.") for i in range(n)]


@pytest.mark.slow
def test_memory_does_not_grow_with_new_words_once_the_vocabulary_budget_is_used(extractor, monkeypatch):
    extractor.render([Document(id="warm", text="Warm up Acme Corp in Paris.")])
    before = len(extractor.nlp.vocab.strings)
    monkeypatch.setattr(extractor, "vocab_limit", before)
    results = extractor.render(novel_documents("a"))
    assert all(isinstance(r, Rendered) for r in results)
    assert len(extractor.nlp.vocab.strings) == before
    assert extractor.nlp.meta["name"]  # label strings survived the memory zones


@pytest.mark.slow
def test_the_vocabulary_keeps_the_first_words_up_to_its_budget(extractor, monkeypatch):
    start = len(extractor.nlp.vocab.strings)
    monkeypatch.setattr(extractor, "vocab_limit", start + 1)
    first = extractor.render(novel_documents("b", 2))      # under budget: its words are kept
    kept = len(extractor.nlp.vocab.strings)
    assert kept > start and "Quenniferb0" in extractor.nlp.vocab.strings
    second = extractor.render(novel_documents("c", 2))     # over budget: a memory zone
    assert len(extractor.nlp.vocab.strings) == kept and "Quenniferc0" not in extractor.nlp.vocab.strings
    assert all(isinstance(r, Rendered) for r in first + second)


@pytest.mark.slow
def test_documents_over_the_limit_are_refused_per_document(extractor):
    results = extractor.render([Document(id="long", text="word " * 300_000, path="long.txt"),
                                Document(id="short", text="Acme Corp hired Ana Ruiz.")])
    assert str(results[0]) == "long.txt: 1,500,000 characters, over the limit of 1,000,000 (--max-chars raises it)"
    assert isinstance(results[1], Rendered)


# --- kgingest extract on real inputs --------------------------------------------------------------

@pytest.fixture
def inbox(tmp_path, monkeypatch):
    """Good articles of every kind mixed with every kind of bad input. Returns (folder, good, bad) names."""
    box = tmp_path / "inbox"
    (box / "wire").mkdir(parents=True)
    good, bad = [], []

    def put(name: str, data: bytes, ok: bool) -> Path:
        path = box / name
        path.write_bytes(data)
        (good if ok else bad).append(str(path))
        return path

    for name in ("dev-afp-geneva-trade-talks", "dev-wire-entity-list-korvex"):
        put(f"wire/{name}.txt", (DEV / f"{name}.txt").read_bytes(), True)
    put("cirrova-fine.html", (DATA / "html" / "cirrova-fine.html").read_bytes(), True)
    put("geneva-talks-malformed.html", (DATA / "html" / "geneva-talks-malformed.html").read_bytes(), True)
    latin = (DEV / "dev-bundestag-rheinhagen-rescue.txt").read_text(encoding="utf-8").translate(
        {0x20AC: "EUR ", 0x2014: "-", 0x2013: "-", 0x2018: "'", 0x2019: "'", 0x201C: '"', 0x201D: '"'})
    put("wire/latin1.txt", latin.encode("latin-1", errors="replace"), True)
    feed = (DATA / "feed.jsonl").read_text(encoding="utf-8").splitlines()
    put("feed.jsonl", "\n".join([feed[0], '{"id": "broken", "text": "no closing quote}', feed[2]]).encode() + b"\n", True)
    good[-1:] = [f"{box / 'feed.jsonl'}:1", f"{box / 'feed.jsonl'}:3"]
    bad.append(f"{box / 'feed.jsonl'}:2")

    put("empty.txt", b"", False)
    put("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + os.urandom(2000), False)
    put("nothing.html", b"<html><head><title>Home</title></head><body><div></div></body></html>", False)
    huge = box / "wire" / "huge.txt"
    with huge.open("wb") as f:
        f.truncate(50 * 1024 * 1024)  # sparse: refused by its size before it is read
    bad.append(str(huge))
    locked = put("locked.txt", (DEV / "dev-profile-tanabe-kaneshiro.txt").read_bytes(), False)
    make_unreadable(locked, monkeypatch)
    (box / "wire" / "again").symlink_to("..", target_is_directory=True)
    bad.append(str(box / "wire" / "again"))
    (box / "self.txt").symlink_to("self.txt")
    bad.append(str(box / "self.txt"))
    return box, good, bad


@pytest.mark.slow
@needs_dev
def test_bad_inputs_never_cost_a_good_document(inbox, tmp_path):
    box, good, bad = inbox
    out = tmp_path / "all.nq"
    result = extract_cli(str(box), "-f", "nquads", "-o", str(out))
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    # one line per bad input, naming it; a note for the Latin-1 file; the summary counts both
    for name in bad:
        assert len([ln for ln in lines if ln.startswith(f"kgingest: {name}: ")]) == 1, (name, lines)
    assert f"kgingest: note: {box / 'wire' / 'latin1.txt'}: not UTF-8; read as cp1252" in lines
    assert lines[-1].startswith(f"kgingest: {len(good)} documents, ") and f", {len(bad)} failed, in " in lines[-1]
    assert len(lines) == len(bad) + 2
    batch = graphs(out.read_text(encoding="utf-8"))
    assert len(batch) == len(good)

    # each good article alone: a file by itself; a JSON Lines record as the only line of its file
    alone: dict[str, set[str]] = {}
    feed = (box / "feed.jsonl").read_text(encoding="utf-8").splitlines()
    for name in good:
        single = tmp_path / "one.nq"
        if ".jsonl:" in name:
            (box / "feed.jsonl").write_text(feed[int(name.rsplit(":", 1)[1]) - 1] + "\n", encoding="utf-8")
            name = str(box / "feed.jsonl")
        r = extract_cli(name, "-f", "nquads", "-o", str(single), "-q")
        assert r.exit_code == 0, r.stderr
        [(graph, quads)] = graphs(single.read_text(encoding="utf-8")).items()
        alone[graph] = quads
    assert batch == alone


@pytest.mark.slow
@needs_dev
def test_two_workers_write_the_same_bytes(inbox, tmp_path):
    box, good, bad = inbox
    one, two = tmp_path / "one.nq", tmp_path / "two.nq"
    r1 = extract_cli(str(box), "-f", "nquads", "-o", str(one), "--batch-size", "2", "--json")
    r2 = extract_cli(str(box), "-f", "nquads", "-o", str(two), "--batch-size", "2", "--json", "-j", "2")
    assert r1.exit_code == r2.exit_code == 1
    assert one.read_bytes() == two.read_bytes()
    s1, s2 = json.loads(r1.stderr.splitlines()[-1]), json.loads(r2.stderr.splitlines()[-1])
    assert (s1["documents"], s1["failed"]) == (s2["documents"], s2["failed"]) == (len(good), len(bad))
    assert s2["workers"] == 2 and s1["triples"] == s2["triples"] > 0
    assert r1.stderr.splitlines()[:-1] == r2.stderr.splitlines()[:-1]


@pytest.mark.slow
def test_html_provenance_reaches_the_graph(tmp_path):
    out = tmp_path / "page.ttl"
    result = extract_cli(str(DATA / "html" / "cirrova-fine.html"), "-o", str(out), "--quiet")
    assert result.exit_code == 0 and result.stderr == ""
    g = Graph()
    g.parse(out, format="turtle")
    [doc] = g.subjects(DCTERMS.identifier, Literal((DATA / "html" / "cirrova-fine.html").resolve().as_uri()))
    assert g.value(doc, DCTERMS.source) == Literal("https://brussels-ledger.example/2024/09/19/eu-fines-cirrova")
    assert g.value(doc, DCTERMS.title) == Literal("EU fines US cloud giant Cirrova €1.4bn for locking in business customers")
    assert g.value(doc, DCTERMS.creator) == Literal("Marta Kowalczyk")
    assert g.value(doc, DCTERMS.issued) == Literal("2024-09-19")


@pytest.mark.slow
def test_stdin_text_and_json_lines(tmp_path):
    text = extract_cli("-", "-f", "nquads", "-q", input="Atlassian named David Cross as its new CISO.\n")
    assert text.exit_code == 0 and len(graphs(text.stdout)) == 1
    feed = (DATA / "feed.jsonl").read_text(encoding="utf-8")
    lines = extract_cli("-", "-f", "nquads", "--input-format", "jsonl", "--json", input=feed + "{oops\n")
    assert lines.exit_code == 1 and len(graphs(lines.stdout)) == 3
    assert lines.stderr.splitlines()[0].startswith("kgingest: <stdin>:4: not valid JSON")
    assert json.loads(lines.stderr.splitlines()[-1])["failed"] == 1


@pytest.mark.slow
@needs_dev
def test_turtle_output_is_the_union_of_the_quads(tmp_path):
    folder = tmp_path / "two"
    folder.mkdir()
    for name in ("dev-afp-geneva-trade-talks", "dev-white-house-tariff-adviser"):
        shutil.copy(DEV / f"{name}.txt", folder)
    assert extract_cli(str(folder), "-o", str(tmp_path / "o.ttl"), "-q").exit_code == 0
    assert extract_cli(str(folder), "-o", str(tmp_path / "o.nq"), "-f", "nquads", "-q").exit_code == 0
    ttl, ds = Graph(), Dataset()
    ttl.parse(tmp_path / "o.ttl", format="turtle")
    ds.parse(tmp_path / "o.nq", format="nquads")
    union = Graph()
    for s, p, o, _ in ds.quads():
        union.add((s, p, o))
    assert isomorphic(ttl, union)


# --- faults nobody foresaw: one document's error, the run goes on ------------------------------------

def ingest_cli(*args: str):
    return CliRunner().invoke(main, ["ingest", *args], env={"SOURCE_DATE_EPOCH": EPOCH}, catch_exceptions=False)


@pytest.fixture
def faulty(tmp_path, monkeypatch):
    """Good .txt files and a good JSON Lines record beside an .html whose reader raises ImportError
    (lxml_html_clean missing), records with a lone surrogate in 'id' and in 'text', and a file
    whose reading raises. Returns (folder, the failure lines expected, without the prefix)."""
    box = tmp_path / "box"
    box.mkdir()
    shutil.copy(SAMPLE, box / SAMPLE.name)
    (box / "wire.txt").write_text("Atlassian named David Cross as its new CISO. Cross met Ann Lee in Sydney.\n",
                                  encoding="utf-8")
    shutil.copy(DATA / "html" / "cirrova-fine.html", box / "cirrova-fine.html")
    (box / "feed.jsonl").write_text("\n".join([
        (DATA / "feed.jsonl").read_text(encoding="utf-8").splitlines()[0],
        '{"id": "surrogate-\\ud800", "text": "Acme Corp hired Ana Ruiz."}',
        '{"id": "surrogate-text", "text": "Acme Corp hired \\udc00 Ana Ruiz."}']) + "\n", encoding="utf-8")
    shutil.copy(SAMPLE, box / "raises.txt")
    real = Path.read_bytes

    def read_bytes(self):
        if self.name == "raises.txt":
            raise RuntimeError("reader bug")
        return real(self)

    def no_cleaner(*args, **kwargs):
        raise ImportError("lxml.html.clean module is now a separate project lxml_html_clean.")

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    monkeypatch.setattr("kgingest.sources.html_text", no_cleaner)
    failures = [
        f"{box / 'cirrova-fine.html'}: reading failed (ImportError: lxml.html.clean module is now a separate "
        "project lxml_html_clean.)",
        f"{box / 'feed.jsonl'}:2: 'id' holds a lone surrogate ('\\ud800' at character 11), not text",
        f"{box / 'feed.jsonl'}:3: 'text' holds a lone surrogate ('\\udc00' at character 17), not text",
        f"{box / 'raises.txt'}: reading failed (RuntimeError: reader bug)"]
    return box, failures


def _only_good(box: Path) -> None:
    """The faulty folder without its bad inputs: the good record stays line 1 of the feed."""
    for name in ("cirrova-fine.html", "raises.txt"):
        (box / name).unlink()
    feed = box / "feed.jsonl"
    feed.write_text(feed.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")


@pytest.mark.slow
@pytest.mark.parametrize("workers", ["1", "2"])
def test_unforeseen_faults_cost_only_their_documents_in_extract(faulty, tmp_path, workers):
    box, failures = faulty
    mixed, clean = tmp_path / "mixed.nq", tmp_path / "clean.nq"
    result = extract_cli(str(box), "-f", "nquads", "-o", str(mixed), "-j", workers, "--batch-size", "2")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert sorted(lines[:-1]) == [f"kgingest: {f}" for f in failures]
    assert lines[-1].startswith("kgingest: 3 documents, ") and ", 4 failed, in " in lines[-1]
    _only_good(box)
    alone = extract_cli(str(box), "-f", "nquads", "-o", str(clean), "-q")
    assert alone.exit_code == 0, alone.stderr
    assert len(graphs(clean.read_text(encoding="utf-8"))) == 3
    assert mixed.read_bytes() == clean.read_bytes()


@pytest.mark.slow
def test_debug_adds_the_traceback_and_only_then(faulty, tmp_path):
    box, failures = faulty
    plain = extract_cli(str(box / "raises.txt"), "-o", str(tmp_path / "a.ttl"), "-q")
    debug = CliRunner().invoke(main, ["extract", str(box / "raises.txt"), "-o", str(tmp_path / "b.ttl"), "-q"],
                               env={"KGINGEST_DEBUG": "1"}, catch_exceptions=False)
    assert plain.exit_code == debug.exit_code == 1
    assert plain.stderr == f"kgingest: {failures[-1]}\n"
    assert debug.stderr.startswith(f"kgingest: {failures[-1]}\nTraceback (most recent call last):\n")
    assert debug.stderr.endswith('raise RuntimeError("reader bug")\nRuntimeError: reader bug\n')


@pytest.mark.slow
def test_unforeseen_faults_cost_only_their_documents_in_ingest(faulty, tmp_path):
    from kgingest.store import EmbeddedStore

    box, failures = faulty
    store = tmp_path / "store"
    result = ingest_cli(str(box), "--store", str(store), "-q", "-j", "2")
    assert result.exit_code == 1
    assert sorted(result.stderr.splitlines()) == [f"failed    {f}" for f in failures]
    assert result.stdout.startswith("added 3, replaced 0, unchanged 0, deleted 0, failed 4, triples ")
    _only_good(box)
    out = tmp_path / "clean.nq"
    assert extract_cli(str(box), "-f", "nquads", "-o", str(out), "-q").exit_code == 0
    expected = {graph[1:-1]: len(quads) for graph, quads in graphs(out.read_text(encoding="utf-8")).items()}
    with EmbeddedStore(store, read_only=True) as sink:
        assert set(sink.content_keys()) == set(expected)
        assert {iri: sink.triple_count(iri) for iri in expected} == expected
    again = ingest_cli(str(box), "--store", str(store))
    assert again.exit_code == 0 and again.stdout.startswith("added 0, replaced 0, unchanged 3, ")
