"""The rule families, one a module; importing this package registers them all."""
from . import event, group, judgement, learned, location, quote, role, verb

__all__ = ["event", "group", "judgement", "learned", "location", "quote", "role", "verb"]
