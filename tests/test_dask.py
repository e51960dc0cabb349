"""Extraction on a Dask cluster (kgingest.cluster, ``extract --dask``) against one process.

A real LocalCluster with 2 worker processes runs for the module; the CLI reaches it by its
tcp:// address, as it would a cluster on other machines. The shards, concatenated in order,
must be byte for byte the single-process ``extract -f nquads`` output (same graphs, same
triples, same timestamp), and a failing document must cost only itself.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import DEV, FIXED_TIME
from kgingest.cli import main
from kgingest.isolation import DocumentError
from kgingest.pipeline import Settings, run
from kgingest.results import Rendered
from kgingest.sources import Document, InputError, RawDocument, scan

distributed = pytest.importorskip("distributed")
cluster = pytest.importorskip("kgingest.cluster")

DATA = Path(__file__).resolve().parent / "data"
EPOCH = str(int(FIXED_TIME.timestamp()))
ARTICLES = ("dev-afp-geneva-trade-talks", "dev-wire-entity-list-korvex", "dev-pr-solvane-appointments")
needs_dev = pytest.mark.skipif(not DEV.is_dir(), reason="needs the dev corpus in ../shared")


class Faulty(RawDocument):
    """A document whose reading raises what nobody foresaw (pickled to the workers by reference:
    they import this module, since a spawned process gets its parent's sys.path)."""

    def parse(self, max_chars: int = 0) -> Document:
        raise RuntimeError("reader bug")


class Crash(RawDocument):
    def parse(self, max_chars: int = 0) -> Document:
        os._exit(3)  # what the OOM killer does to a worker


def graphs(nquads: str) -> dict[str, set[str]]:
    """N-Quads lines grouped by their graph."""
    out: dict[str, set[str]] = {}
    for line in nquads.splitlines():
        out.setdefault(line.rsplit(" ", 2)[1], set()).add(line)
    return out


def shards_text(folder: Path) -> str:
    return "".join(p.read_text(encoding="utf-8") for p in sorted(folder.glob("part-*.nq")))


def extract_cli(*args: str):
    return CliRunner().invoke(main, ["extract", *args], env={"SOURCE_DATE_EPOCH": EPOCH}, catch_exceptions=False)


@pytest.fixture(scope="module")
def client():
    """A LocalCluster of 2 single-threaded worker processes; a worker that dies is not retried
    elsewhere (allowed-failures 0), so the crash test fails fast."""
    import dask

    with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
        with cluster.connect("local:2") as c:
            assert len(c.nthreads()) == 2
            yield c


# --- no cluster needed -----------------------------------------------------------------------------

A = Rendered("a.txt", "https://w3id.org/kgingest/doc/a", "k",
             '<urn:x> <http://www.w3.org/2000/01/rdf-schema#label> "A \\"quoted\\"" .\n', 1, 0, 0)


def test_a_shard_on_an_fsspec_filesystem_appears_whole_or_not_at_all():
    import fsspec

    fs = fsspec.filesystem("memory")
    with cluster.open_shard("memory://run/part-00000.nq") as shard:
        shard.write(A)
        assert not fs.exists("/run/part-00000.nq")
    assert fs.cat("/run/part-00000.nq").decode() == (
        '<urn:x> <http://www.w3.org/2000/01/rdf-schema#label> "A \\"quoted\\"" <https://w3id.org/kgingest/doc/a> .\n')
    with pytest.raises(KeyError):
        with cluster.open_shard("memory://run/part-00001.nq") as shard:
            shard.write(A)
            raise KeyError("stop")
    assert sorted(fs.ls("/run", detail=False)) == ["/run/part-00000.nq"]  # no temporary left behind


def test_a_folder_holding_shards_is_refused(tmp_path):
    (tmp_path / "part-00000.nq").write_text("")
    result = extract_cli(str(DATA / "feed.jsonl"), "--dask", "local:1", "-o", str(tmp_path))
    assert result.exit_code == 2
    assert result.stderr == (f"kgingest: cannot write {tmp_path}: {tmp_path} already holds 1 shards (part-00000.nq, "
                             "...): remove them or choose another folder\n")


@pytest.mark.parametrize("args, message", [
    (["--dask", "local:0", "-o", "OUT"], "--dask local:N needs a number of workers of at least 1, not '0'"),
    (["--dask", "local:2"], "--dask writes N-Quads shards: give -o a folder or an fsspec URL"),
    (["--dask", "local:2", "-o", "OUT", "-f", "turtle"], "--dask writes N-Quads shards, not turtle"),
    (["--dask", "local:2", "-o", "OUT", "-j", "2"], "--workers is for one machine; with --dask the cluster's workers extract"),
])
def test_usage_errors(tmp_path, args, message):
    args = [str(tmp_path / "shards") if a == "OUT" else a for a in args]
    result = extract_cli(str(DATA / "feed.jsonl"), *args)
    assert result.exit_code == 2
    assert f"Error: {message}" in result.stderr


# --- on the cluster ------------------------------------------------------------------------------------

@pytest.mark.slow
@needs_dev
def test_the_cluster_writes_what_one_process_writes(client, extractor, tmp_path):
    """The Python API: documents, a raising reader, a document over the limit and a broken
    JSON Lines line, partitions of 2; the shards hold the single-process bytes, one named graph
    per document; every error comes back, in input order."""
    items: list = [Document(id=n, text=(DEV / f"{n}.txt").read_text(encoding="utf-8"), path=f"{n}.txt")
                   for n in ARTICLES]
    items.insert(1, Faulty(name="faulty.txt", id="faulty", content=b"x", format="text"))
    items.insert(3, Document(id="long", text="word " * 3000, path="long.txt"))
    items += list(scan([str(DATA / "feed.jsonl")]))
    items.insert(5, InputError("bad.txt: empty file"))
    settings = Settings(generated_at=FIXED_TIME, max_chars=10_000)
    extractor.max_chars = 10_000
    try:
        one = list(run(extractor, items, batch_size=2))
    finally:
        extractor.max_chars = extractor.settings.max_chars
    with cluster.loaded(client, settings) as pipeline:
        shards = list(cluster.run(pipeline, items, str(tmp_path / "shards"), batch_size=2, partition_size=2))

    assert [s.index for s in shards] == list(range(5))
    assert [s.url for s in shards] == [f"file://{tmp_path}/shards/part-{i:05d}.nq" for i in range(5)]
    assert sorted(p.name for p in (tmp_path / "shards").iterdir()) == [f"part-{i:05d}.nq" for i in range(5)]
    distributed_results = [r for s in shards for r in s.results]
    assert [type(r) for r in distributed_results] == [type(r) for r in one] == [
        Rendered, DocumentError, Rendered, InputError, Rendered, InputError, Rendered, Rendered, Rendered]
    assert [str(r) for r in distributed_results if not isinstance(r, Rendered)] == [
        "faulty.txt: reading failed (RuntimeError: reader bug)",
        "long.txt: 15,000 characters, over the limit of 10,000 (--max-chars raises it)",
        "bad.txt: empty file"]
    assert [str(r) for r in one if not isinstance(r, Rendered)] == [
        str(r) for r in distributed_results if not isinstance(r, Rendered)]
    good = [r for r in one if isinstance(r, Rendered)]
    assert [r for r in distributed_results if isinstance(r, Rendered)] == [
        Rendered(r.name, r.iri, r.content_key, "", r.triples, r.entities, r.relations, r.notes) for r in good]

    expected = "".join(r.nquads() for r in good)
    assert shards_text(tmp_path / "shards") == expected
    by_graph = graphs(expected)
    assert list(by_graph) == [f"<{r.iri}>" for r in good]
    assert [len(q) for q in by_graph.values()] == [r.triples for r in good]
    for s in shards:  # each document's graph whole in one shard
        text = Path(s.url.removeprefix("file://")).read_text(encoding="utf-8")
        assert graphs(text) == {g: by_graph[g] for g in graphs(text)}
    assert all(s.cpu_seconds > 0 for s in shards if any(isinstance(r, Rendered) for r in s.results))


@pytest.mark.slow
@needs_dev
def test_extract_on_a_running_cluster_by_its_address(client, tmp_path):
    """``kgingest extract --dask tcp://...``: same stderr lines, same exit code, same N-Quads."""
    box = tmp_path / "inbox"
    box.mkdir()
    for name in ARTICLES:
        shutil.copy(DEV / f"{name}.txt", box / f"{name}.txt")
    (box / "empty.txt").write_bytes(b"")
    feed = (DATA / "feed.jsonl").read_text(encoding="utf-8").splitlines()
    (box / "feed.jsonl").write_text("\n".join([feed[0], '{"id": "broken", "text": "no closing quote}', feed[2]]) + "\n",
                                    encoding="utf-8")
    one, shards = tmp_path / "one.nq", tmp_path / "shards"
    address = client.scheduler.address
    assert address.startswith("tcp://")
    single = extract_cli(str(box), "-f", "nquads", "-o", str(one))
    dask_run = extract_cli(str(box), "--dask", address, "-o", str(shards), "--partition-size", "2")
    assert single.exit_code == dask_run.exit_code == 1
    assert dask_run.stderr.splitlines()[:-1] == single.stderr.splitlines()[:-1] == [
        f"kgingest: {box / 'empty.txt'}: empty file",
        f"kgingest: {box / 'feed.jsonl'}:2: not valid JSON (Unterminated string starting at column 26)"]
    summary = dask_run.stderr.splitlines()[-1]
    assert summary.startswith(single.stderr.splitlines()[-1].split(" in ")[0] + " in ")
    assert summary.endswith(f" (4 shards in {shards})")
    assert shards_text(shards) == one.read_text(encoding="utf-8")
    assert len(graphs(one.read_text(encoding="utf-8"))) == 5

    again = extract_cli(str(box), "--dask", address, "-o", str(tmp_path / "json"), "--partition-size", "3",
                        "--json", "--quiet")
    stats = json.loads(again.stderr.splitlines()[-1])
    assert again.stderr.splitlines()[:-1] == single.stderr.splitlines()[:-1]
    assert {k: stats[k] for k in ("documents", "failed", "shards", "dask", "format")} == {
        "documents": 5, "failed": 2, "shards": 3, "dask": address, "format": "nquads"}
    assert stats["worker_cpu_seconds"] > 0
    assert shards_text(tmp_path / "json") == one.read_text(encoding="utf-8")


@pytest.mark.slow
def test_a_model_the_workers_lack_is_one_line(client, tmp_path):
    result = extract_cli(str(DATA / "feed.jsonl"), "--dask", client.scheduler.address, "-o", str(tmp_path / "s"),
                         "-m", "no_such_model")
    assert result.exit_code == 2
    assert result.stderr == ("kgingest: spaCy pipeline 'no_such_model' is not installed (pip install it; kgingest "
                             "never downloads models)\n")
    assert list((tmp_path / "s").iterdir()) == []


@pytest.mark.slow
def test_no_scheduler_at_the_address_is_one_line(tmp_path):
    import dask

    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        result = extract_cli(str(DATA / "feed.jsonl"), "--dask", "tcp://127.0.0.1:9", "-o", str(tmp_path / "s"))
    assert result.exit_code == 2
    assert result.stderr.startswith("kgingest: cannot reach the Dask cluster tcp://127.0.0.1:9: ")
    assert len(result.stderr.splitlines()) == 1


@pytest.mark.slow
def test_a_dead_worker_stops_the_run_with_a_clear_error(client, tmp_path):
    """Last in the module: it kills a worker (its nanny starts a new one)."""
    items = [Crash(name="crash.txt", id="crash", content=b"x", format="text")]
    with cluster.loaded(client, Settings(generated_at=FIXED_TIME)) as pipeline:
        with pytest.raises(cluster.ClusterError,
                           match="^the workers running the partition starting at crash.txt died"):
            list(cluster.run(pipeline, items, str(tmp_path / "shards")))
    assert list((tmp_path / "shards").iterdir()) == []
