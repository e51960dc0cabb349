"""The languages kgingest reads, one module each (dependency labels and function words)."""
from __future__ import annotations

from types import ModuleType

from . import en

LANGUAGES: dict[str, ModuleType] = {"en": en}


class UnsupportedLanguage(ValueError):
    """A spaCy pipeline for a language kgingest has no rules for."""


def check(lang: str | None, what: str) -> ModuleType:
    """The language module for ``lang``; an UnsupportedLanguage naming ``what`` otherwise.

    >>> check("en", "pipeline").__name__
    'kgingest.nlp.lang.en'
    """
    module = LANGUAGES.get(lang or "")
    if module is None:
        raise UnsupportedLanguage(f"{what} is for language {lang!r}; kgingest reads only "
                                  f"{', '.join(sorted(LANGUAGES))}")
    return module
