"""The rule families, one a module; importing this package registers them all."""
from . import (
    affiliation, career, country, enumeration, event, group, judgement, learned, location, partisan, placement, quote,
    role, roster, seat, verb,
)

__all__ = [
    "affiliation", "career", "country", "enumeration", "event", "group", "judgement", "learned", "location",
    "partisan", "placement", "quote", "role", "roster", "seat", "verb",
]
