"""What a killed or hostile run leaves behind (issue 13, item 5): staging graphs of a killed
Update-only write (hidden from the union, dropped by the next ingest), a killed ``extract -o``'s
temporary file (removed by the next writer), names with line breaks in error lines, and
control characters of stored text in ``query --format table``.
"""
from __future__ import annotations

import io
import signal
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kgingest.cli import main
from kgingest.ingest import ingest
from kgingest.rdf.outfile import write_bytes
from kgingest.store import EmbeddedStore, Sink, SparqlServer, ntriples, staging_iri
from kgingest.store.query_format import write_results
from test_secrets import run
from test_store import DOC, FakeExtractor, doc_graph
from test_store_servers import needs_oxigraph, needs_virtuoso, open_oxigraph, open_virtuoso

NIF = "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#"


class Killed(BaseException):
    """The client dying between two requests (what SIGKILL does to the server's state)."""


@pytest.mark.slow
@pytest.mark.server
@pytest.mark.parametrize("open_server", [
    pytest.param(open_oxigraph, id="oxigraph-server", marks=needs_oxigraph),
    pytest.param(open_virtuoso, id="virtuoso", marks=needs_virtuoso),
])
def test_a_killed_update_only_write_is_invisible_and_cleaned_by_the_next_run(
        open_server: Callable[..., Sink]) -> None:
    """Before: the staging graph's sentences showed in every query, until that very document
    was written again."""
    sink = open_server(graph_store="none")
    assert isinstance(sink, SparqlServer)
    sink.chunk_size = 4
    iri, stage = DOC + "test-killed-staging", staging_iri(DOC + "test-killed-staging")
    real_update, calls = sink.update, []

    def update(sparql: str) -> None:
        calls.append(sparql)
        if len(calls) == 3:  # the staging graph dropped, one chunk in: killed before the second
            raise Killed
        real_update(sparql)

    sink.update = update  # type: ignore[method-assign]
    with pytest.raises(Killed):
        sink.replace_ntriples(iri, ntriples(doc_graph("test-killed-staging", sentences=5)))
    sink.update = real_update  # type: ignore[method-assign]
    try:
        anchors = sink.query(f"SELECT ?s WHERE {{ ?s <{NIF}anchorOf> ?text FILTER(STRSTARTS(STR(?s), \"{iri}\")) }}")
        assert isinstance(anchors, ox.QuerySolutions) and list(anchors) == []
        assert sink.triple_count(stage) == 5  # the marker and four staged triples
        summary = ingest([], sink, FakeExtractor())  # the next run, whatever it holds
        assert (summary.added, summary.failed) == (0, 0)
        assert sink.triple_count(stage) == 0 and sink.triple_count(iri) == 0
        assert sink.notes == ["removed 1 staging graph left by a run that did not finish"]
    finally:
        sink.update(f"DROP SILENT GRAPH <{stage}>")


WRITER = textwrap.dedent("""
    import sys, time
    from kgingest.rdf.outfile import RdfWriter
    writer = RdfWriter(sys.argv[1], "nt")
    writer.write_raw(b"half")
    writer._out.flush()
    print("ready", flush=True)
    time.sleep(60)
""")


def start_writer(target: Path) -> subprocess.Popen[str]:
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(target)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline() == "ready\n"
    return proc


def test_a_killed_writers_temporary_file_goes_with_the_next_write(tmp_path: Path) -> None:
    """Before: every killed `extract -o out.nt` left a hidden .out.nt.XXXXXXXX.tmp for good."""
    target = tmp_path / "out.nt"
    killed = start_writer(target)
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    left = [p.name for p in tmp_path.iterdir()]
    assert len(left) == 1 and left[0].startswith(".out.nt.") and left[0].endswith(".tmp")
    live = start_writer(target)  # a run still writing: its file stays
    try:
        live_files = {p.name for p in tmp_path.iterdir()} - set(left)
        write_bytes(str(target), b"whole\n")
        assert {p.name for p in tmp_path.iterdir()} == {"out.nt"} | live_files
        assert target.read_bytes() == b"whole\n"
    finally:
        live.kill()
        live.wait()


def test_a_name_with_a_line_break_stays_on_its_error_line(tmp_path: Path) -> None:
    """Before: "no store at .../no" and "store: ingest something first" on two lines."""
    store = tmp_path / "no\nstore\x1b[2J"
    code, out, err = run("query", "ASK {}", "--store", str(store))
    assert (code, out) == (1, "")
    assert err == f"kgingest: no store at {tmp_path}/no\\nstore\\x1b[2J: ingest something first, or pass --store\n"


@pytest.mark.slow
def test_extract_names_an_unwritable_output_on_one_line(tmp_path: Path, extractor) -> None:
    article = tmp_path / "a.txt"
    article.write_text("Larry Kudlow met Donald Trump.")
    output = tmp_path / "no\nsuch" / "out.nt"
    result = CliRunner().invoke(main, ["extract", str(article), "-o", str(output)], catch_exceptions=False)
    assert result.exit_code == 2
    assert result.stderr == f"kgingest: cannot write {tmp_path}/no\\nsuch/out.nt: No such file or directory\n"


def test_tables_escape_control_characters_of_stored_text() -> None:
    """Before: ESC and NUL of a stored literal went to the terminal as they were."""
    with EmbeddedStore(None) as store:
        store.replace_ntriples(DOC + "a", f'<{DOC}a> <{NIF}anchorOf> "red\\u001B[31m alert\\u0000\\u0007" .\n')
        result = store.query(f"SELECT ?text WHERE {{ ?s <{NIF}anchorOf> ?text }}")
        out = io.BytesIO()
        write_results(result, out, "table")
    assert out.getvalue().decode() == ("text\n"
                                       "-------------------------\n"
                                       "red\\x1b[31m alert\\x00\\x07\n"
                                       "(1 row)\n")
