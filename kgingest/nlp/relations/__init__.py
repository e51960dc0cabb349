"""Relations between entities: proposers suggest :class:`Candidate` facts, :func:`admit`
keeps those the ontology allows and the text asserts.

Rule families (``kgingest.role.v1``, ``.verb.v1``, ``.event.v1``, ``.judgement.v1``,
``.location.v1``, ``.group.v1``; see :mod:`.rules`) are proposers registered by name in
:data:`proposers`; a new one is a module that registers a function
``(doc, entities, onto) -> Iterable[Candidate]`` and is named in :func:`find`'s
``proposers`` or in the ``kgingest_relations`` component's config.
"""
from . import rules  # noqa: F401  - registers the bundled rule families
from .base import DEFAULT_PROPOSERS, Proposer, admit, find, resolve
from .candidate import Candidate, Relation
from .context import Context, Triggers, triggers
from .document import context
from .guards import blocked, former
from .registry import proposers

__all__ = ["DEFAULT_PROPOSERS", "Candidate", "Context", "Proposer", "Relation", "Triggers", "admit", "blocked",
           "context", "find", "former", "proposers", "resolve", "triggers"]
