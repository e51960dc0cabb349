"""The package's layers import one way, and the light commands load no model.

Layers, bottom to top (a module may import its own layer and the ones below, never above):

  0  vocab, defaults, isolation, results,     names, defaults, errors, the result type,
     lifeline                                 workers that die with their parent
  1  ontology, sources, rdf.ntriples          the ontology as data, documents in, N-Triples out
  2  nlp, store                               the spaCy side; where graphs go
  3  rdf (emit, outfile)                      entities and relations -> triples -> files
  4  pipeline, progress, ingest, cluster      documents through the stages, into a store, on a Dask cluster
  5  tools, plugins, serve                    validate, evaluate, show; the rdflib parser; the SPARQL endpoint
  6  cli                                      the command line

The import graph is read with ``ast`` from the sources (imports inside functions count for
the direction, since they are the lazy way down; only module-level imports can form an
import-time cycle). What each layer loads at run time is checked in a fresh interpreter.
"""
from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

import kgingest

PACKAGE = Path(kgingest.__file__).parent
HEAVY = ("spacy", "rdflib", "pyoxigraph", "distributed")  # Dask: only kgingest.cluster, for extract --dask

LAYERS: dict[str, int] = {
    "kgingest.vocab": 0, "kgingest.defaults": 0, "kgingest.isolation": 0, "kgingest.results": 0,
    "kgingest.lifeline": 0,
    "kgingest.ontology": 1, "kgingest.sources": 1, "kgingest.rdf.ntriples": 1, "kgingest.rdf": 1,
    "kgingest.nlp": 2, "kgingest.store": 2,
    "kgingest.rdf.emit": 3, "kgingest.rdf.outfile": 3,
    "kgingest.pipeline": 4, "kgingest.progress": 4, "kgingest.ingest": 4, "kgingest.loading": 4,
    "kgingest.cluster": 4,
    "kgingest.tools": 5, "kgingest.plugins": 5, "kgingest.serve": 5,
    "kgingest.models": 0,
    "kgingest.cli": 6,
}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer(module: str) -> int:
    """The layer of a module: its own entry, else its nearest package's."""
    name = module
    while name not in LAYERS:
        if "." not in name:
            raise KeyError(f"{module} is in no layer: add it to LAYERS")
        name = name.rsplit(".", 1)[0]
    return LAYERS[name]


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def resolve(name: str) -> str:
    """The module an imported name lives in: ``kgingest.nlp.DEFAULT_MODEL`` -> ``kgingest.nlp``."""
    while name not in MODULES and "." in name:
        name = name.rsplit(".", 1)[0]
    return name


def imports(module: str, *, top_level_only: bool) -> set[str]:
    """The kgingest modules ``module`` imports (relative imports resolved), read with ast."""
    path = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.If) and top_level_only:
            continue  # `if TYPE_CHECKING:` blocks are not run
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module or ""
            names = [f"{prefix}.{a.name}" for a in node.names]
        else:
            continue
        found.update(resolve(n) for n in names if n.split(".")[0] == "kgingest")
    found.discard(module)
    return found


def test_every_module_is_in_a_layer() -> None:
    assert {m: layer(m) for m in MODULES if m != "kgingest"}


@pytest.mark.parametrize("module", [m for m in MODULES if m != "kgingest"])
def test_imports_point_down(module: str) -> None:
    """No module imports a layer above its own (the package root only carries __version__ and
    the convenience ``extract_text``, which runs the pipeline lazily; it is exempt)."""
    upward = sorted(f"{t} (layer {layer(t)})" for t in imports(module, top_level_only=False)
                    if t != "kgingest" and layer(t) > layer(module))
    assert upward == [], f"{module} (layer {layer(module)}) imports upward: {upward}"


def test_no_import_cycle() -> None:
    graph = {m: imports(m, top_level_only=True) for m in MODULES}
    done: set[str] = set()

    def visit(node: str, path: list[str]) -> None:
        if node in path:
            cycle = path[path.index(node):] + [node]
            pytest.fail("import cycle: " + " -> ".join(cycle))
        if node in done:
            return
        for target in sorted(graph.get(node, ())):
            visit(target, path + [node])
        done.add(node)

    for module in sorted(graph):
        visit(module, [])


def loaded_after(code: str) -> dict[str, list[str]]:
    """The kgingest modules and heavy libraries a fresh interpreter holds after running ``code``."""
    probe = (f"import sys\n{code}\nimport json\n"
             "print(json.dumps({'kgingest': sorted(m for m in sys.modules if m.startswith('kgingest')),"
             f" 'heavy': sorted(m for m in {HEAVY!r} if m in sys.modules)}}))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


@pytest.mark.parametrize("module, heavy", [
    ("kgingest.vocab", []),
    ("kgingest.defaults", []),
    ("kgingest.results", []),
    ("kgingest.sources", []),
    ("kgingest.ontology", ["rdflib"]),
    ("kgingest.rdf.ntriples", ["rdflib"]),
    ("kgingest.rdf.outfile", []),
    ("kgingest.store", ["pyoxigraph", "rdflib"]),
    ("kgingest.store.query_format", ["pyoxigraph", "rdflib"]),  # the package loads its sinks
    ("kgingest.ingest", ["pyoxigraph", "rdflib"]),
    ("kgingest.progress", []),
    ("kgingest.tools.validate", ["rdflib"]),
    ("kgingest.tools.show", ["rdflib"]),
    ("kgingest.tools.evaluate", ["rdflib"]),
    ("kgingest.cli", []),
    ("kgingest.nlp", ["rdflib", "spacy"]),
    ("kgingest.pipeline", ["rdflib", "spacy"]),
    ("kgingest.cluster", ["distributed", "rdflib", "spacy"]),
])
def test_what_each_layer_loads(module: str, heavy: list[str]) -> None:
    loaded = loaded_after(f"import {module}")
    assert loaded["heavy"] == heavy
    above = sorted(m for m in loaded["kgingest"] if m != "kgingest" and layer(m) > layer(module))
    assert above == []


@pytest.mark.parametrize("argv", [["--help"], ["query", "--help"], ["extract", "--help"], ["ingest", "--help"],
                                  ["delete", "--help"], ["validate", "--help"], ["show", "--help"]])
def test_help_loads_no_library(argv: list[str]) -> None:
    code = ("from kgingest.cli import main\n"
            f"try:\n    main({argv!r})\nexcept SystemExit as e:\n    assert e.code == 0, e.code")
    assert loaded_after(code)["heavy"] == []


def test_query_and_delete_load_no_model(tmp_path: Path) -> None:
    """`kgingest query 'ASK {}'` and `delete` on a store: pyoxigraph and rdflib, never spaCy."""
    store = str(tmp_path / "s")
    for argv in (["query", "ASK {}", "--store", store], ["delete", "nothing", "--store", store, "-q"],
                 ["validate", "--store", store], ["show", "--store", store, "-o", str(tmp_path / "x.svg")]):
        code = ("from kgingest.cli import main\n"
                f"try:\n    main({argv!r})\nexcept SystemExit as e:\n    print(e.code)")
        loaded = loaded_after(code)
        assert "spacy" not in loaded["heavy"], argv
        assert "kgingest.pipeline" not in loaded["kgingest"], argv
