"""The `kgingest extract` command: output, formats, exit codes, one clear line per bad input."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph
from rdflib.namespace import RDFS

from conftest import SAMPLE
from kgingest import __version__
from kgingest.cli import main

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
