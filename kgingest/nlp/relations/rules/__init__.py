"""The rule families, one a module; importing this package registers them all."""
from . import country, enumeration, event, group, judgement, learned, location, quote, role, seat, verb

__all__ = ["country", "enumeration", "event", "group", "judgement", "learned", "location", "quote", "role", "seat", "verb"]
