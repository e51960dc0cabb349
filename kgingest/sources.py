"""Inputs: files and streams in, :class:`Document` objects out.

A document's identity is its id, URL or path, never its content: re-reading a changed
file gives the same document with a new text.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator


class InputError(ValueError):
    """An input that cannot become a document; the message names the input and the problem."""


@dataclass(frozen=True)
class Document:
    id: str
    text: str
    url: str | None = None
    path: str | None = None
    title: str | None = None
    author: str | None = None
    published: str | None = None
    meta: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def source(self) -> str:
        """Where the document came from: its URL, else its file URI, else its id."""
        return self.url or (Path(self.path).resolve().as_uri() if self.path else self.id)


def decode(data: bytes, name: str) -> str:
    """UTF-8 text of a file, or an InputError saying why it is not text."""
    if not data.strip():
        raise InputError(f"{name}: empty input")
    if b"\x00" in data[:8192]:
        raise InputError(f"{name}: binary file, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError(f"{name}: not UTF-8 text (byte {e.start}: {data[e.start:e.start + 1]!r})") from None
    return text.replace("\r\n", "\n")


def read_text(path: str) -> Document:
    """A plain-text article from a file, or from standard input for ``-``."""
    if path == "-":
        return Document(id="stdin", text=decode(sys.stdin.buffer.read(), "<stdin>"))
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory") from None
    except OSError as e:
        raise InputError(f"{path}: cannot read ({e.strerror})") from None
    return Document(id=p.resolve().as_uri(), text=decode(data, path), path=str(p))


def read_all(paths: list[str]) -> Iterator[Document | InputError]:
    """Every input as a Document, or as the InputError that stopped it (the batch goes on)."""
    for path in paths:
        try:
            yield read_text(path)
        except InputError as e:
            yield e
