"""The rule families, one a module; importing this package registers them all."""
from . import career, enumeration, event, group, judgement, learned, location, quote, role, verb

__all__ = ["career", "enumeration", "event", "group", "judgement", "learned", "location", "quote", "role", "verb"]
