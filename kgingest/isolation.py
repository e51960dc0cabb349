"""The per-document isolation boundary: the one place kgingest catches every exception.

A batch of news is wild input meeting code with bugs and libraries with surprises (a missing
optional module, a parser that chokes). Foreseen problems are :class:`InputError`\\ s with
their own message; anything else that goes wrong while one document is read, extracted,
rendered or stored must cost that document and nothing more. Every stage wraps its work for
one document in :func:`isolate` (or :func:`isolate_each` for a reader that yields several
documents), which turns any exception into a :class:`DocumentError`: one line naming the
document, the stage, the exception's type and message, with the traceback kept aside for
``--debug`` (or ``KGINGEST_DEBUG=1``). Nowhere else in the library catches ``Exception``.

>>> error = isolate("feed.jsonl:3", "reading", lambda: {}["id"])
>>> str(error)
"feed.jsonl:3: reading failed (KeyError: 'id')"
>>> isolate("a.txt", "extraction", lambda: 42)
42
>>> one_line("evil\\nname\\x1b[2J.txt")
'evil\\\\nname\\\\x1b[2J.txt'
"""
from __future__ import annotations

import traceback
from collections.abc import Callable, Iterator
from typing import TypeVar

T = TypeVar("T")
DEBUG_ENV = "KGINGEST_DEBUG"  # set to 1: the CLI prints the tracebacks (as --debug)


class InputError(ValueError):
    """An input that cannot become a document; the message names the input and the problem.

    Defined here, below every stage, so the boundary can tell foreseen problems from bugs;
    everyone imports it from :mod:`kgingest.sources`.
    """


class DocumentError(RuntimeError):
    """One document failed for a reason nobody foresaw (a bug, a broken library); the others go on.

    Picklable, so that a worker process can send it back with its traceback.
    """

    def __init__(self, name: str, stage: str, kind: str, reason: str, trace: str = ""):
        super().__init__(f"{one_line(name)}: {stage} failed ({kind}: {one_line(reason)})")
        self.name, self.stage, self.kind, self.reason, self.trace = name, stage, kind, reason, trace

    def __reduce__(self) -> tuple[type[DocumentError], tuple[str, str, str, str, str]]:
        return type(self), (self.name, self.stage, self.kind, self.reason, self.trace)

    @classmethod
    def of(cls, name: str, stage: str, error: BaseException) -> DocumentError:
        trace = "".join(traceback.format_exception(type(error), error, error.__traceback__))
        return cls(name, stage, type(error).__name__, str(error), trace)


def isolate(name: str, stage: str, work: Callable[[], T], *,
            passthrough: tuple[type[BaseException], ...] = ()) -> T | InputError | DocumentError:
    """``work()``, or the error that stopped it for document ``name``: an InputError as raised,
    anything else as a DocumentError. ``passthrough`` exceptions are the caller's to handle
    (refused credentials stop a whole run). KeyboardInterrupt and SystemExit are not caught.
    """
    try:
        return work()
    except passthrough:
        raise
    except InputError as error:
        return error
    except Exception as error:  # noqa: BLE001 - the per-document isolation boundary (see the module)
        return DocumentError.of(name, stage, error)


_END = object()


def isolate_each(name: str, stage: str, items: Iterator[T]) -> Iterator[T | InputError | DocumentError]:
    """Every item of a reader, then, if the reader raised, that error as its last item.

    A raising generator is finished, so what it had not yet yielded is lost with it; what it
    had yielded stands.
    """
    while True:
        step: tuple[object] | InputError | DocumentError = isolate(name, stage, lambda: (next(items, _END),))
        if not isinstance(step, tuple):
            yield step
            return
        if step[0] is _END:
            return
        yield step[0]  # type: ignore[misc]


def one_line(text: str) -> str:
    """Text with control characters, line breaks and lone surrogates escaped, for one line of a
    terminal or log: a file name or an exception message cannot forge or hide lines.

    >>> one_line("caf\\u00e9 \\u2028 \\ud800 ok")
    'café \\\\u2028 \\\\ud800 ok'
    """
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii")
                   for ch in text)
