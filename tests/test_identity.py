"""One identity rule (issue 13, item 2): a document is its identity (a file's ``file:`` URI, a
record's ``id`` else ``url``, ``stdin``); the first input of a run with an identity wins and a
later one is an error of that later input; a record cannot take a file's or stdin's
identity; ``delete`` goes by identity, never by a URL a page claims as its canonical link.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from conftest import FIXED_TIME
from kgingest.cli import main
from kgingest.ingest import delete, ingest
from kgingest.sources import InputError, read_all, scan
from kgingest.store import EmbeddedStore
from test_store import DOC, FakeExtractor, quads


def write_feed(path: Path, *records: dict[str, str]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def messages(items: list[object]) -> list[str]:
    return [str(x) if isinstance(x, InputError) else f"{x.name} = {x.id}" for x in items]  # type: ignore[attr-defined]


def test_a_second_record_with_an_id_is_an_error_of_the_later_one(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    write_feed(tmp_path / "feed.jsonl", {"id": "a", "text": "First A."}, {"id": "b", "text": "B."},
               {"id": "a", "text": "Second A."}, {"url": "https://x.example/1", "text": "U."},
               {"id": "https://x.example/1", "text": "Claims the URL."})
    assert messages(list(scan(["feed.jsonl"]))) == [
        "feed.jsonl:1 = a", "feed.jsonl:2 = b",
        "feed.jsonl:3: duplicate document id 'a' (an earlier input of this run has it); skipped",
        "feed.jsonl:4 = https://x.example/1",
        "feed.jsonl:5: duplicate document id 'https://x.example/1' (an earlier input of this run has it); skipped"]


def test_a_file_named_twice_is_one_document(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "news").mkdir()
    (tmp_path / "news" / "a.txt").write_text("A.")
    uri = (tmp_path / "news" / "a.txt").as_uri()
    assert messages(list(scan(["news", "news/a.txt"]))) == [
        f"news/a.txt = {uri}", f"news/a.txt: duplicate document id '{uri}' (an earlier input of this run has it); skipped"]


def test_ingest_of_a_feed_with_a_duplicate_is_idempotent(tmp_path: Path) -> None:
    """Before: "added 2", one graph stored, and every later run "replaced" it with the other record."""
    feed = write_feed(tmp_path / "feed.jsonl", {"id": "a", "text": "First A."}, {"id": "a", "text": "Second A."})
    sink, extractor = EmbeddedStore(None), FakeExtractor()
    where = f"{feed}:2"
    runs = [ingest(scan([str(feed)]), sink, extractor) for _ in range(3)]
    assert [(s.added, s.replaced, s.unchanged, s.failed) for s in runs] == [(1, 0, 0, 1), (0, 0, 1, 1), (0, 0, 1, 1)]
    assert runs[2].failures == [{"document": where,
                                 "error": "duplicate document id 'a' (an earlier input of this run has it); skipped"}]
    assert extractor.extracted == ["a"]
    assert any('First A.' in q for q in quads(sink, "a")) and not any("Second A." in q for q in quads(sink, "a"))
    # Across runs the id is the document, from whichever feed it comes: a new text replaces it.
    later = write_feed(tmp_path / "later.jsonl", {"id": "a", "text": "Third A."})
    summary = ingest(scan([str(later)]), sink, extractor)
    assert (summary.added, summary.replaced, summary.failed) == (0, 1, 0)
    assert any("Third A." in q for q in quads(sink, "a")) and not any("First A." in q for q in quads(sink, "a"))


def test_a_record_cannot_take_the_identity_of_a_file_or_of_stdin(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("The file's own text.")
    uri = article.as_uri()
    feed = write_feed(tmp_path / "feed.jsonl", {"id": uri, "text": "Not the file."}, {"id": "stdin", "text": "S."},
                      {"url": "FILE:///etc/passwd", "text": "No id."}, {"id": "ok", "url": uri, "text": "Fine."})
    assert messages(list(read_all([str(feed)]))) == [
        f"{feed}:1: 'id' '{uri}' is the identity of a file; a record needs an id of its own",
        f"{feed}:2: 'id' 'stdin' is the identity of standard input; a record needs an id of its own",
        f"{feed}:3: 'url' 'FILE:///etc/passwd' is the identity of a file; a record needs an id of its own",
        f"{feed}:4 = ok"]
    # Before: the record replaced the file's graph, "replaced" in the second run.
    sink, extractor = EmbeddedStore(None), FakeExtractor()
    first = ingest(scan([str(article)]), sink, extractor)
    stored = sink.content_keys()
    second = ingest(scan([str(feed)]), sink, extractor)
    assert (first.added, second.added, second.replaced, second.failed) == (1, 1, 0, 3)
    assert sink.content_keys() == {**stored, DOC + "ok": hashlib.sha256(b"Fine.").hexdigest()}


HTML = """<html><head><title>Canonical page</title>
<link rel="canonical" href="https://news.example/story"></head>
<body><article><h1>Canonical page</h1><p>Larry Kudlow met Donald Trump in Washington on Monday to talk
about tariffs on steel and aluminium imports from China and Canada.</p></article></body></html>"""


@pytest.mark.slow
def test_delete_by_url_deletes_the_document_with_that_identity_not_a_page_claiming_it(tmp_path: Path,
                                                                                      extractor) -> None:
    """Before: ``delete https://news.example/story`` also dropped page.html, whose canonical link claims it."""
    page = tmp_path / "page.html"
    page.write_text(HTML)
    feed = write_feed(tmp_path / "feed.jsonl", {"id": "https://news.example/story", "text": "Ann Lee visited Sydney."})
    other = tmp_path / "other.html"
    other.write_text(HTML.replace("news.example/story", "news.example/elsewhere"))
    with EmbeddedStore(tmp_path / "store") as sink:
        summary = ingest(scan([str(page), str(feed), str(other)]), sink, extractor)
        assert (summary.added, summary.failed) == (3, 0)
        page_graph = quads_of(sink, page.as_uri())
        events: list[tuple[str, str, str]] = []
        gone = delete(["https://news.example/story", "https://news.example/elsewhere"], sink,
                      report=lambda *event: events.append(event))
        assert (gone.deleted, gone.failed) == (1, 1)
        assert gone.failures == [{"document": "https://news.example/elsewhere", "error":
                                  f"no such document in the store (it is the source URL of {other.as_uri()}: "
                                  "delete by id or path)"}]
        assert quads_of(sink, page.as_uri()) == page_graph and quads_of(sink, other.as_uri())
        assert quads_of(sink, "https://news.example/story") == set()


def quads_of(sink: EmbeddedStore, doc_id: str) -> set[str]:
    rows = sink.query(f"""SELECT ?s ?p ?o WHERE {{ GRAPH ?g {{ ?g <http://purl.org/dc/terms/identifier> "{doc_id}" .
        ?s ?p ?o }} }}""")
    assert isinstance(rows, ox.QuerySolutions)
    return {f"{r['s']} {r['p']} {r['o']}" for r in rows}


@pytest.mark.slow
def test_extract_writes_one_graph_per_identity_and_names_the_duplicate(tmp_path: Path, extractor,
                                                                       monkeypatch) -> None:
    """Before: both records went into one merged graph, and the exit code was 0."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(FIXED_TIME.timestamp())))
    write_feed(tmp_path / "feed.jsonl", {"id": "a", "text": "Larry Kudlow met Donald Trump."},
               {"id": "a", "text": "Ann Lee visited Sydney."})
    result = CliRunner().invoke(main, ["extract", "feed.jsonl", "-f", "nquads", "-q"], catch_exceptions=False)
    assert result.exit_code == 1
    assert result.stderr == "kgingest: feed.jsonl:2: duplicate document id 'a' (an earlier input of this run has it); skipped\n"
    assert "Larry Kudlow" in result.stdout and "Ann Lee" not in result.stdout
