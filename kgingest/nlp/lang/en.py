"""English: the dependency labels (ClearNLP, as spaCy's English pipelines use them) and
the function words the relation rules read. A second language is a copy of this module
with its own labels and words, named in :data:`kgingest.nlp.lang.LANGUAGES`.

Content words (trigger verbs, role nouns, negation and hedge words) are not here: they
are language-tagged data in the ontology.
"""
from __future__ import annotations

PERSONAL_PRONOUNS = frozenset({"he", "she", "him", "her", "his", "hers", "himself", "herself"})
THING_PRONOUNS = frozenset({"it", "its", "itself"})
RELATIVE_PRONOUNS = frozenset({"who", "which", "that"})
DEMONSTRATIVES = frozenset({"the", "this", "that"})      # "the company", "this ministry": a description

SUBJ = frozenset({"nsubj", "nsubjpass", "csubj"})
OBJ = frozenset({"dobj", "obj"})

# How far up the tree a word of the clause above still reaches (see guards.blocked).
NOUN_LINKS = frozenset({"dobj", "appos", "attr", "oprd", "compound", "nsubj", "nsubjpass", "amod", "poss",
                        "pobj", "prep"})
NEGATION_PASSES = frozenset({"ccomp", "xcomp"}) | NOUN_LINKS
BLOCKING_PASSES = NEGATION_PASSES | {"pcomp", "acl", "relcl"}
HEDGE_PASSES = NEGATION_PASSES | {"conj", "advcl", "pcomp"}

# Enumerations (relations.rules.enumeration): words that join an item to the one before it
# ("and", "as well as", "along with"), that make a name a modifier ("Dubai-based X"), that
# say a list is not the object ("moved from A to B", "on A rather than B"), and the verbs
# that present the items ("the new entries are", "the additions include").
ENUMERATION_JOINERS = frozenset({"and", "or", "plus", "also", "as", "well", "along", "together", "with"})
NAME_MODIFIER_WORDS = frozenset({"-", "based", "registered", "headquartered"})
NOT_THE_OBJECT = frozenset({"from", "off", "than", "instead"})
PRESENTING_VERBS = frozenset({"be", "include", "comprise"})
DASHES = frozenset({"—", "–", "--"})
ELLIPSIS_OPENER = "so"      # "So were X and Y": the predicate of the sentence before
BRIDGE_OPENER = "among"     # "Among the smaller firms is X": a group named before
COMPANION_WORDS = frozenset({"along", "together"})     # "X, along with Y, was added": Y shares X's role
# Quotations and who says them (relations/speech.py, rules/quote.py)
OPENING_QUOTES = frozenset({"“", "‘"})
CLOSING_QUOTES = frozenset({"”", "’"})
STRAIGHT_QUOTES = frozenset({'"'})
ATTRIBUTION_WORDS = frozenset({"according"})      # "according to X"
FIRST_PERSON = frozenset({"i", "we", "me", "us"})   # the speaker: never the target of their own blame
PERSON_RELATIVES = frozenset({"whom", "who"})       # "X, whom Y accused of ..."
