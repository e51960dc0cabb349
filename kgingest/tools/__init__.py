"""Tools over finished graphs: :mod:`.validate` (SHACL), :mod:`.evaluate` (scores against gold
annotations) and :mod:`.show` (pictures). They take graphs or a store; only ``evaluate`` and
``show`` of raw articles run the pipeline, imported when they do."""
