"""A multinomial logistic regression over sparse string features, read from JSON.

The weights are package data (``kgingest/models/relations.json``), written by
``scripts/train_relations.py``. Scoring is a sparse dot product in pure Python: a pair
has a few dozen features, so a dict lookup each is cheaper than any array library call.

The file::

    {"format": 1, "classes": ["none", "worksFor", ...], "bias": [b0, b1, ...],
     "weights": {"feature": [[class index, weight], ...], ...},
     "thresholds": {"worksFor": 0.6, ...}, "default_properties": ["headOf", ...],
     "training": {...}}

``thresholds`` names every property the model may assert; ``default_properties`` (all of
them if absent) those the default proposer asserts.

>>> m = Model.from_json({"format": 1, "classes": ["none", "worksFor"], "bias": [0.0, -1.0],
...                      "weights": {"t=worksFor": [[1, 3.0]]}, "thresholds": {"worksFor": 0.5}})
>>> round(m.scores(["t=worksFor", "unknown"])["worksFor"], 4)
0.8808
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Iterable

FORMAT = 1
NONE = "none"


class ModelError(ValueError):
    """A weight file that is not a model of this format."""


@dataclass(frozen=True)
class Model:
    classes: tuple[str, ...]
    bias: tuple[float, ...]
    weights: dict[str, tuple[tuple[int, float], ...]]
    thresholds: dict[str, float]
    default: frozenset[str] = frozenset()     # the properties the default proposer asserts

    @classmethod
    def from_json(cls, data: dict[str, Any], source: str = "model") -> "Model":
        """Check and index a parsed weight file; a bad one raises :class:`ModelError`."""
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ModelError(f"{source}: not a relation model of format {FORMAT}")
        try:
            classes = tuple(str(c) for c in data["classes"])
            bias = tuple(float(b) for b in data["bias"])
            weights = {str(f): tuple((int(k), float(w)) for k, w in row) for f, row in data["weights"].items()}
            thresholds = {str(p): float(t) for p, t in data["thresholds"].items()}
            default = frozenset(str(p) for p in data.get("default_properties", thresholds))
        except (KeyError, TypeError, ValueError) as e:
            raise ModelError(f"{source}: malformed model ({e!r})") from None
        if NONE not in classes or len(bias) != len(classes):
            raise ModelError(f"{source}: classes must include {NONE!r} and match the bias")
        if any(not 0 <= k < len(classes) for row in weights.values() for k, _ in row):
            raise ModelError(f"{source}: a weight names a class index out of range")
        if set(thresholds) - set(classes):
            raise ModelError(f"{source}: a threshold names an unknown class")
        if default - set(thresholds):
            raise ModelError(f"{source}: a default property has no threshold")
        return cls(classes, bias, weights, thresholds, default)

    @classmethod
    def load(cls, path: str | Path) -> "Model":
        p = Path(path)
        try:
            data = json.loads(p.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as e:
            raise ModelError(f"{p}: cannot read ({e})") from None
        return cls.from_json(data, str(p))

    def scores(self, features: Iterable[str]) -> dict[str, float]:
        """Class -> probability (softmax of the summed weights of the known features)."""
        z = list(self.bias)
        get = self.weights.get
        for f in features:
            for k, w in get(f, ()):
                z[k] += w
        top = max(z)
        e = [math.exp(v - top) for v in z]
        total = sum(e)
        return {c: v / total for c, v in zip(self.classes, e)}


@cache
def bundled() -> Model:
    """The model shipped with kgingest, read once per process."""
    ref = resources.files("kgingest.models").joinpath("relations.json")
    return Model.from_json(json.loads(ref.read_text(encoding="utf-8")), "kgingest/models/relations.json")
