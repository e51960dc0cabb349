"""Words of blame: the negative entries of VADER's sentiment lexicon (Hutto & Gilbert,
2014, shipped with the ``vaderSentiment`` package), plus the ontology's own
``kg:blameWord`` list for the accusations a sentiment lexicon leaves out ("misled")."""
from __future__ import annotations

from functools import lru_cache
from importlib.resources import files

from ...ontology import Ontology, per_ontology

# a mean rating of -1 or less on VADER's -4..4 scale: "stinks", "lost", "mockery", not "hard"
THRESHOLD = -1.0


@lru_cache(maxsize=1)
def vader_negative() -> frozenset[str]:
    """The lexicon's words rated at or below THRESHOLD (its emoticons and slang left out)."""
    text = files("vaderSentiment").joinpath("vader_lexicon.txt").read_text(encoding="utf-8")
    out = set()
    for line in text.splitlines():
        word, _, rest = line.partition("\t")
        if word.isalpha() and word.islower() and rest and float(rest.split("\t")[0]) <= THRESHOLD:
            out.add(word)
    return frozenset(out)


def _blame(onto: Ontology) -> frozenset[str]:
    return vader_negative() | onto.words("blameWord")


blame_words = per_ontology(_blame)
