"""The rule families, one a module; importing this package registers them all."""
from . import affiliation, career, enumeration, event, group, judgement, learned, location, quote, role, seat, verb

__all__ = [
    "affiliation", "career", "enumeration", "event", "group", "judgement", "learned", "location", "quote", "role", "seat", "verb",
]
