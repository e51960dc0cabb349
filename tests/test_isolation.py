"""The per-document isolation boundary (kgingest.isolation), without spaCy."""
from __future__ import annotations

import pickle

import pytest

from kgingest.isolation import DocumentError, InputError, isolate, isolate_each, one_line


def test_any_exception_becomes_one_line_naming_the_document_stage_type_and_message():
    error = isolate("feed.jsonl:3", "reading", lambda: {}["id"])
    assert isinstance(error, DocumentError)
    assert str(error) == "feed.jsonl:3: reading failed (KeyError: 'id')"
    assert (error.name, error.stage, error.kind, error.reason) == ("feed.jsonl:3", "reading", "KeyError", "'id'")
    assert error.trace.startswith("Traceback (most recent call last):") and error.trace.endswith("KeyError: 'id'\n")


def test_names_and_messages_cannot_break_the_line():
    def fail():
        raise ImportError("module gone.\nInstall it.")

    error = isolate("evil\n\x1b[2Jname\u2028.txt", "reading", fail)
    assert str(error) == "evil\\n\\x1b[2Jname\\u2028.txt: reading failed (ImportError: module gone.\\nInstall it.)"
    assert one_line("Genève \ud800 ok\ttab") == "Genève \\ud800 ok\\ttab"


def test_an_input_error_stays_itself_and_passthrough_is_the_callers():
    refused = InputError("a.txt: empty file")

    def raise_(e: BaseException):
        raise e

    assert isolate("a.txt", "reading", lambda: raise_(refused)) is refused
    with pytest.raises(PermissionError):
        isolate("a.txt", "storing", lambda: raise_(PermissionError("refused")), passthrough=(PermissionError,))
    with pytest.raises(KeyboardInterrupt):
        isolate("a.txt", "reading", lambda: raise_(KeyboardInterrupt()))


def test_a_document_error_crosses_process_boundaries_whole():
    error = isolate("b.html", "extraction", lambda: 1 / 0)
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is DocumentError and str(copy) == str(error) == "b.html: extraction failed " \
        "(ZeroDivisionError: division by zero)"
    assert copy.trace == error.trace != ""


def test_a_reader_that_raises_keeps_what_it_yielded_and_ends_with_its_error():
    def reader():
        yield 1
        yield InputError("feed.jsonl:2: not valid JSON")
        raise OSError("device gone")

    items = list(isolate_each("feed.jsonl", "reading", reader()))
    assert items[:2] == [1, items[1]] and str(items[1]) == "feed.jsonl:2: not valid JSON"
    assert [str(e) for e in items[2:]] == ["feed.jsonl: reading failed (OSError: device gone)"]
