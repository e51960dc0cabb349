"""The proposer registry: names (versioned, as spaCy names its registered functions) ->
proposers. Other packages add theirs with ``@proposers.register("their.name.v1")`` or
through the ``kgingest_proposers`` entry-point group."""
from __future__ import annotations

import catalogue

proposers = catalogue.create("kgingest", "proposers", entry_points=True)
