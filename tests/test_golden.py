"""Golden cases: each folder's input gives exactly its expected N-Quads (by isomorphism)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic
from rdflib.namespace import PROV

from kgingest.ontology import KG
from kgingest.sources import Document

# Provenance that names versions (of kgingest, the ontology files, the model) changes with
# every release or ontology edit, not with what was extracted: left out of the comparison.
VERSIONED = {KG.contentKey, KG.ontologyVersion, KG.extractorVersion, PROV.used}

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(p for p in GOLDEN.iterdir() if (p / "input.txt").exists())


def unversioned(graph):
    out = Graph()
    for t in graph:
        if t[1] not in VERSIONED:
            out.add(t)
    return out


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_golden(extractor, case: Path):
    doc = Document(id=f"golden:{case.name}", text=(case / "input.txt").read_text(encoding="utf-8"))
    x = next(extractor.extract([doc]))
    expected = case / "expected.nq"
    if os.environ.get("KGINGEST_REGENERATE_GOLDEN"):
        (rendered,) = extractor.render([doc])
        expected.write_text("".join(sorted(rendered.nquads().splitlines(keepends=True))), encoding="utf-8")
    want = Dataset().parse(expected, format="nquads").graph(x.graph.identifier)
    assert isomorphic(unversioned(want), unversioned(x.graph))
