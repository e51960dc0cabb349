"""``kgingest eval`` scores exactly as the reference scorer shared/eval/score.py does.

Test data: hand-written gold annotations and graphs below (each case names the rule it
checks), and three articles of the dev corpus (shared/corpus/dev, see its README.md) for
the end-to-end comparison with score.py.
"""
from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph

from kgingest.tools import evaluate
from kgingest.cli import main

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SCORE_PY = SHARED / "eval" / "score.py"
DEV = SHARED / "corpus" / "dev"
SUBSET = ["securityweek-huawei-kudlow", "dev-white-house-tariff-adviser", "dev-pr-solvane-appointments"]
needs_shared = pytest.mark.skipif(not SCORE_PY.is_file(), reason=f"no reference scorer at {SCORE_PY}")


@pytest.fixture(scope="module")
def reference():
    spec = importlib.util.spec_from_file_location("reference_score", SCORE_PY)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GOLD = {
    "entities": [
        {"name": "Ann Lee", "type": "Person", "aliases": ["Lee"]},
        {"name": "Bo Chen", "type": "Person"},
        {"name": "Acme Corp", "type": "Company", "aliases": ["Acme"]},
        {"name": "Senate", "type": "Legislature"},
        {"name": "United States", "type": "Country", "aliases": ["US", "the U.S."]},
        {"name": "Entity List", "type": "SanctionsList"},
    ],
    "relations": [
        {"s": "Ann Lee", "p": "worksFor", "o": "Acme Corp"},
        {"s": "Ann Lee", "p": "meetsWith", "o": "Bo Chen"},
        {"s": "Acme Corp", "p": "listedOn", "o": "Entity List"},
        {"s": "Bo Chen", "p": "memberOf", "o": "Senate"},
    ],
    "optional": [{"s": "Acme Corp", "p": "basedIn", "o": "United States"}],
}
HEAD = """@prefix kg: <https://w3id.org/kgingest/ontology#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> . @prefix schema: <http://schema.org/> .
"""
CASES = {
    "empty": "",
    "all right": """
        <urn:ann> a kg:Person ; rdfs:label "Ann Lee" ; kg:worksFor <urn:acme> ; kg:meetsWith <urn:bo> .
        <urn:bo> a kg:Person ; rdfs:label "Bo Chen" ; kg:memberOf <urn:senate> .
        <urn:acme> a kg:Company ; rdfs:label "Acme Corp" ; kg:listedOn <urn:list> .
        <urn:senate> a kg:Legislature ; rdfs:label "Senate" .
        <urn:list> a kg:SanctionsList ; rdfs:label "Entity List" .""",
    "symmetric meetsWith, reversed": """
        <urn:bo> a kg:Person ; rdfs:label "Bo Chen" ; kg:meetsWith <urn:ann> .
        <urn:ann> a kg:Person ; rdfs:label "Ann Lee" .""",
    "aliases, case, 'the' and 's": """
        <urn:ann> a kg:Person ; rdfs:label "LEE" ; kg:worksFor <urn:acme> .
        <urn:acme> a kg:Company ; skos:altLabel "acme's" ; kg:basedIn <urn:us> .
        <urn:us> a kg:Country ; schema:name "The U.S." .""",
    "optional ignored, others false": """
        <urn:acme> a kg:Company ; rdfs:label "Acme" ; kg:basedIn <urn:us> , <urn:mars> ; kg:headOf <urn:acme> .
        <urn:us> a kg:Place ; rdfs:label "United States" .
        <urn:mars> a kg:Place ; rdfs:label "Mars" .""",
    "unknown nodes, literals, blank nodes, other properties": """
        <urn:x> kg:advises <urn:y> ; kg:criticizes "Ann Lee" ; kg:owns <urn:acme> .
        <urn:ann> rdfs:label "Ann Lee" ; a kg:Organization ; kg:criticizes [ rdfs:label "Bo Chen" ] .""",
    "split entity, lenient typing": """
        <urn:a1> a kg:Person ; rdfs:label "Ann Lee" .
        <urn:a2> a kg:Organization ; rdfs:label "Lee" .
        <urn:acme> a kg:Organization ; rdfs:label "Acme Corp" .
        <urn:us> a kg:Place , kg:Agent ; rdfs:label "US" .""",
    "exact name wins over alias": """
        <urn:n> a kg:Person ; rdfs:label "Lee" , "Bo Chen" ; kg:memberOf <urn:senate> .
        <urn:senate> a kg:Organization ; rdfs:label "Senate" .""",
}


@needs_shared
@pytest.mark.parametrize("case", CASES)
def test_score_doc_agrees_with_score_py(reference, case):
    g = Graph().parse(data=HEAD + CASES[case], format="turtle")
    ours = evaluate.score_doc(g, GOLD)
    theirs = reference.score_doc(g, GOLD)
    assert (ours.found, ours.false, ours.missed, ours.wanted) == (
        theirs["found"], theirs["false"], theirs["missed"], theirs["wanted"])
    t = theirs["typing"]
    assert (ours.typing.strict, ours.typing.lenient, ours.typing.named, ours.typing.gold, ours.typing.split,
            ours.typing.wrong) == (t["strict"], t["lenient"], t["named"], t["gold"], t["split"], t["wrong"])


def test_scoring_rules():
    """The rules spelled out, independent of the reference scorer."""
    g = Graph().parse(data=HEAD + CASES["optional ignored, others false"], format="turtle")
    s = evaluate.score_doc(g, GOLD)
    assert s.found == set()
    assert s.false == {("Acme Corp", "basedIn", "?urn:mars"), ("Acme Corp", "headOf", "Acme Corp")}
    g = Graph().parse(data=HEAD + CASES["symmetric meetsWith, reversed"], format="turtle")
    assert evaluate.score_doc(g, GOLD).found == {("Ann Lee", "meetsWith", "Bo Chen")}
    g = Graph().parse(data=HEAD + CASES["split entity, lenient typing"], format="turtle")
    typing = evaluate.score_doc(g, GOLD).typing
    assert (typing.strict, typing.lenient, typing.split) == (1, 3, 1)


def write_corpus(folder: Path, names: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        for suffix in (".txt", ".gold.json"):
            shutil.copy(DEV / f"{name}{suffix}", folder / f"{name}{suffix}")
    return folder


def test_corpus_errors(tmp_path):
    with pytest.raises(evaluate.CorpusError, match="no \\*.gold.json"):
        evaluate.read_corpus(tmp_path)
    (tmp_path / "a.gold.json").write_text("{}")
    with pytest.raises(evaluate.CorpusError, match="no a.txt beside it"):
        evaluate.read_corpus(tmp_path)
    (tmp_path / "a.txt").write_text("Text.")
    with pytest.raises(evaluate.CorpusError, match="no 'entities' or 'relations' list"):
        evaluate.read_corpus(tmp_path)
    (tmp_path / "a.gold.json").write_text("{oops")
    with pytest.raises(evaluate.CorpusError, match="not JSON"):
        evaluate.read_corpus(tmp_path)
    result = CliRunner().invoke(main, ["eval", str(tmp_path)])
    assert result.exit_code == 1 and "not JSON" in result.output


@pytest.mark.slow
@needs_shared
def test_kgingest_eval_agrees_with_score_py(tmp_path):
    """Every number of score.py --json (time aside) on three dev articles."""
    corpus = write_corpus(tmp_path / "corpus", SUBSET)
    cli = Path(sys.executable).parent / "kgingest"
    ref = subprocess.run(
        [sys.executable, str(SCORE_PY), str(corpus), "--json",
         "--cmd", f"{cli} extract {{input}} -o {{output}} --format turtle"],
        capture_output=True, text=True)
    assert ref.returncode == 0, f"score.py failed:\n{ref.stderr[-3000:]}"
    theirs = json.loads(ref.stdout)
    result = CliRunner().invoke(main, ["eval", str(corpus), "--json"])
    assert result.exit_code == 0, result.output
    ours = json.loads(result.output)
    theirs.pop("seconds")
    ours.pop("seconds")
    assert ours == theirs
    assert ours["documents"] == len(SUBSET) and ours["entities_gold"] > 0

    table = CliRunner().invoke(main, ["eval", str(corpus), "-v"])
    assert table.exit_code == 0
    assert "all relations" in table.output and "entity typing" in table.output
    for name in SUBSET:
        assert name in table.output
