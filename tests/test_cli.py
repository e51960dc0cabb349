"""The `kgingest extract` command: output, formats, exit codes, one clear line per bad input."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph
from rdflib.namespace import RDFS

from conftest import SAMPLE
from kgingest import __version__
from kgingest.cli import main
from kgingest.rdf.emit import document_iri

DATA = Path(__file__).resolve().parent / "data"

pytestmark = pytest.mark.slow

GOOD = "Ada Voss met Karl Ebert in Berlin on Monday.\n"


def run(*args: str, stdin: bytes | None = None):
    return CliRunner().invoke(main, list(args), input=stdin, catch_exceptions=False)


def labels(turtle: str) -> set[str]:
    return {str(o) for o in Graph().parse(data=turtle, format="turtle").objects(None, RDFS.label)}


def test_version():
    result = run("--version")
    assert result.exit_code == 0 and result.output.strip() == f"kgingest, version {__version__}"


def test_sample_to_stdout_as_turtle():
    result = run("extract", str(SAMPLE))
    assert result.exit_code == 0, result.stderr
    assert {"Larry Kudlow", "Donald Trump", "Huawei", "Entity List"} <= labels(result.stdout)


def test_output_file_and_format(tmp_path: Path):
    src, out = tmp_path / "a.txt", tmp_path / "out.nq"
    src.write_text(GOOD, encoding="utf-8")
    result = run("extract", str(src), "-o", str(out), "--format", "nquads")
    assert result.exit_code == 0
    assert out.read_text(encoding="utf-8").count("\n") > 10
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []   # no temp file left


def test_stdin():
    result = run("extract", "-", stdin=GOOD.encode())
    assert result.exit_code == 0 and {"Ada Voss", "Karl Ebert"} <= labels(result.stdout)


@pytest.mark.parametrize("name, content, problem", [
    ("missing.txt", None, "no such file"),
    ("empty.txt", b"  \n", "empty"),
    ("binary.txt", b"\x00\x01\x02\x03PK\x00\x00" * 16, "binary"),
])
def test_bad_input_is_one_line_and_the_rest_is_written(tmp_path: Path, name, content, problem):
    good, bad, out = tmp_path / "good.txt", tmp_path / name, tmp_path / "out.ttl"
    good.write_text(GOOD, encoding="utf-8")
    if content is not None:
        bad.write_bytes(content)
    result = run("extract", str(bad), str(good), "-o", str(out), "--quiet")
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if str(bad) in line]
    assert len(lines) == 1 and problem in lines[0].lower()
    assert {"Ada Voss", "Karl Ebert"} <= labels(out.read_text(encoding="utf-8"))


def test_usage_errors_exit_2():
    assert run("extract").exit_code == 2
    assert run("extract", "x.txt", "--format", "yaml").exit_code == 2


def test_unknown_model_exits_2(tmp_path: Path):
    src = tmp_path / "a.txt"
    src.write_text(GOOD, encoding="utf-8")
    result = run("extract", str(src), "--model", "no_such_pipeline_xx")
    assert result.exit_code == 2 and "no_such_pipeline_xx" in result.stderr and "not installed" in result.stderr


def test_every_input_kind_of_the_readme_through_the_installed_script(tmp_path: Path):
    """What a user runs after the README's install: the console script, in its own process,
    on text, HTML, JSON Lines (a 'text' and an 'html' record), a folder and stdin at once."""
    script = Path(sys.executable).parent / "kgingest"
    assert script.is_file(), f"no console script at {script}: install as the README says"
    folder = tmp_path / "news"
    (folder / "2024").mkdir(parents=True)
    (folder / "a.txt").write_text(GOOD, encoding="utf-8")
    shutil.copy(DATA / "html" / "geneva-talks-malformed.html", folder / "2024" / "b.html")
    html = DATA / "html" / "cirrova-fine.html"
    feed = DATA / "feed.jsonl"
    assert [sorted(k for k in ("text", "html") if k in json.loads(line))
            for line in feed.read_text(encoding="utf-8").splitlines()] == [["text"], ["text"], ["html"]]
    proc = subprocess.run([str(script), "extract", str(SAMPLE), str(html), str(feed), str(folder), "-",
                           "-f", "nquads", "--json"], input=b"Atlassian named David Cross as its new CISO.\n",
                          capture_output=True, env={**os.environ, "SOURCE_DATE_EPOCH": "1767225600"}, timeout=300)
    stderr = proc.stderr.decode()
    assert proc.returncode == 0, stderr
    assert json.loads(stderr.splitlines()[-1])["documents"] == 8
    assert json.loads(stderr.splitlines()[-1])["failed"] == 0
    named = {line.rsplit(" ", 2)[1][1:-1] for line in proc.stdout.decode().splitlines() if line}
    ids = [Path(p).resolve().as_uri() for p in (SAMPLE, html, folder / "2024" / "b.html", folder / "a.txt")]
    ids += ["solvane-2024-001", "https://seoul-wire.example/2024/chip-row", "bundestag-rheinhagen", "stdin"]
    assert named == {str(document_iri(i)) for i in ids}


def test_a_name_with_control_characters_cannot_forge_a_line(tmp_path: Path):
    good, bad = tmp_path / "good.txt", tmp_path / "evil\nkgingest: 0 failed\x1b[2J.txt"
    good.write_text(GOOD, encoding="utf-8")
    bad.write_bytes(b"")
    result = run("extract", str(tmp_path), "-o", str(tmp_path / "out.ttl"), "--quiet")
    assert result.exit_code == 1
    assert result.stderr == f"kgingest: {tmp_path}/evil\\nkgingest: 0 failed\\x1b[2J.txt: empty file\n"
