#!/usr/bin/env python3
"""The quality table: every corpus scored in one run, so a change is judged on all of them.

    .venv/bin/python benchmarks/quality.py                   # dev, dev2, CoNLL04 dev, Re-DocRED dev
    .venv/bin/python benchmarks/quality.py --only dev2 conll04
    .venv/bin/python benchmarks/quality.py --redocred /tmp/heldout.jsonl --json

The news corpora (``corpus/dev``, ``corpus/dev2``) are scored by :mod:`kgingest.evaluate`,
which agrees fact for fact with ``shared/eval/score.py`` (``tests/test_evaluate.py``).
CoNLL04 and Re-DocRED are scored by the shared strict scorers themselves, imported from
``shared/eval`` and run in this process through kgingest's rdflib parser plugin, so the
figures are theirs, not a re-implementation's. Extraction runs once per document; the
spaCy pipeline is loaded once for the news corpora and once for the plugin.
"""
from __future__ import annotations

import argparse
import contextlib
import importlib.util
import io
import json
import sys
import time
from pathlib import Path
from types import ModuleType

from kgingest.tools.evaluate import PROPERTIES, evaluate, prf

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ("dev", "dev2", "conll04", "redocred")


def _scorer(shared: Path, name: str) -> ModuleType:
    """A shared scorer script, imported as a module (its ``main`` reads ``sys.argv``)."""
    path = shared / "eval" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"shared_{name}", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"{path}: cannot import")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _run_main(module: ModuleType, argv: list[str]) -> str:
    """Run a scorer's ``main`` with these arguments and return what it printed."""
    out, saved = io.StringIO(), sys.argv
    sys.argv = [module.__file__ or "scorer", *argv]
    try:
        with contextlib.redirect_stdout(out):
            module.main()
    finally:
        sys.argv = saved
    return out.getvalue()


def _row(tp: int, fp: int, fn: int) -> dict:
    p, r, f = prf(tp, fp, fn)
    return {"tp": tp, "fp": fp, "fn": fn, "P": round(p, 3), "R": round(r, 3), "F1": round(f, 3)}


def news(folder: Path) -> dict:
    """P/R/F1 per property and in all, typing and splits, on a gold-annotated news corpus."""
    ev = evaluate(folder)
    t = ev.totals()
    props = {p: _row(**t["per_property"][p]) for p in PROPERTIES}
    return {"properties": props, "all": _row(t["tp"], t["fp"], t["fn"]),
            "typing": f"strict {t['typing_strict']:.2f}, named {t['entities_named']}/{t['entities_gold']}",
            "split": t["entities_split"], "seconds": round(ev.seconds, 1)}


def conll04(shared: Path, path: Path) -> dict:
    """The strict CoNLL04 scorer: Work_For (worksFor or headOf) and OrgBased_In (basedIn)."""
    started = time.perf_counter()
    printed = _run_main(_scorer(shared, "conll04_score"), [str(path)])
    c = json.loads(printed.splitlines()[0])
    props = {
        "Work_For": _row(c.get("tp_Work_For", 0), c.get("fp_worksFor", 0) + c.get("fp_headOf", 0),
                         c.get("gold_Work_For", 0) - c.get("tp_Work_For", 0)),
        "OrgBased_In": _row(c.get("tp_OrgBased_In", 0), c.get("fp_basedIn", 0),
                            c.get("gold_OrgBased_In", 0) - c.get("tp_OrgBased_In", 0)),
    }
    typed = c["ent_tp"] / c["ent_gold"] if c["ent_gold"] else 0.0
    return {"properties": props, "all": _row(c["rel_tp"], c["rel_fp"], c["rel_gold"] - c["rel_tp"]),
            "typing": f"typed recall {typed:.2f}", "split": None,
            "seconds": round(time.perf_counter() - started, 1)}


def redocred(shared: Path, path: Path) -> dict:
    """The Re-DocRED scorer's headline figures (unmatched predictions left out, as it reports)."""
    r = json.loads(_run_main(_scorer(shared, "redocred_score"), [str(path), "--json"]))

    def row(x: dict) -> dict:
        return {"tp": x["tp"], "fp": x["fp"], "fn": x["gold"] - x["found"],
                "P": round(x["P"], 3), "R": round(x["R"], 3), "F1": round(x["F1"], 3)}

    return {"properties": {p: row(x) for p, x in r["properties"].items()}, "all": row(r["micro"]),
            "typing": f"typed recall {r['entities']['typed_recall']:.2f}", "split": None,
            "seconds": r["seconds"]}


def table(results: dict[str, dict]) -> str:
    """One plain-text table: a block per corpus, a line per property, then the totals."""
    lines = [f"{'corpus':<10}{'property':<13}{'P':>6}{'R':>6}{'F1':>6}{'tp':>6}{'fp':>6}{'fn':>6}"]
    for name, res in results.items():
        for prop, x in [*res["properties"].items(), ("all", res["all"])]:
            lines.append(f"{name:<10}{prop:<13}{x['P']:>6.2f}{x['R']:>6.2f}{x['F1']:>6.2f}"
                         f"{x['tp']:>6}{x['fp']:>6}{x['fn']:>6}")
        split = "" if res["split"] is None else f", split {res['split']}"
        lines.append(f"{name:<10}{'entities':<13}{res['typing']}{split}; {res['seconds']} s")
        lines.append("")
    lines.append(f"{'summary':<10}" + "  ".join(
        f"{n} P {r['all']['P']:.2f} R {r['all']['R']:.2f} F1 {r['all']['F1']:.2f}" for n, r in results.items()))
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared",
                    help="the shared folder with corpus/, benchmarks/ and eval/ (default: ../shared)")
    ap.add_argument("--only", nargs="+", choices=CORPORA, default=list(CORPORA))
    ap.add_argument("--conll04", type=Path, help="default: SHARED/benchmarks/conll04/conll04_dev.jsonl")
    ap.add_argument("--redocred", type=Path, help="default: SHARED/benchmarks/redocred/redocred_dev.jsonl")
    ap.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    args = ap.parse_args()
    shared = args.shared
    results: dict[str, dict] = {}
    for name in args.only:
        if name in ("dev", "dev2"):
            results[name] = news(shared / "corpus" / name)
        elif name == "conll04":
            results[name] = conll04(shared, args.conll04 or shared / "benchmarks/conll04/conll04_dev.jsonl")
        else:
            results[name] = redocred(shared, args.redocred or shared / "benchmarks/redocred/redocred_dev.jsonl")
    print(json.dumps(results, indent=1) if args.json else table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
