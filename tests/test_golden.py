"""Golden cases: each folder's input gives exactly its expected N-Quads (by isomorphism)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from rdflib import Dataset
from rdflib.compare import isomorphic

from kgingest.cli import serialize
from kgingest.sources import Document

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(p for p in GOLDEN.iterdir() if (p / "input.txt").exists())


def expected_graph(path: Path, name: str):
    return Dataset().parse(path, format="nquads").graph(name)


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_golden(extractor, case: Path):
    doc = Document(id=f"golden:{case.name}", text=(case / "input.txt").read_text(encoding="utf-8"))
    x = next(extractor.extract([doc]))
    expected = case / "expected.nq"
    if os.environ.get("KGINGEST_REGENERATE_GOLDEN"):
        expected.write_bytes(serialize([x.graph], "nquads"))
    assert isomorphic(expected_graph(expected, x.graph.identifier), x.graph)
