"""RDF output files: streamed where the format allows, and never half-written.

N-Quads and N-Triples go out document by document as the results arrive, so memory does
not grow with the corpus. Turtle, TriG, JSON-LD and RDF/XML need the whole graph and are
serialised at the end. Either way a file is written under a temporary name beside the
target and renamed into place when it is complete: a crash or Ctrl-C leaves the old file
(or none), never a partial one.

A run that is killed (SIGKILL, a power cut) cannot remove its temporary file: the next
writer of the same target removes it. Each temporary file is locked (flock) while its writer
lives, so a run never removes the file of another run still writing.

Streamed N-Triples repeat the triples two documents share (an entity's type and label);
loading them into any store removes the repeats. N-Quads have none: each document's
triples are in its own named graph.
"""
from __future__ import annotations

import os
import re
import sys
import tempfile
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, BinaryIO

from .. import vocab
from ..defaults import RDF_FORMATS
from ..results import Rendered

try:
    import fcntl
except ImportError:  # Windows: no flock; leftovers of killed runs stay
    fcntl = None  # type: ignore[assignment]

if TYPE_CHECKING:
    from rdflib import Graph

FORMATS = RDF_FORMATS
STREAMED = ("nquads", "nt")
QUAD_FORMATS = ("nquads", "trig", "json-ld")


class RdfWriter:
    """Writes Rendered documents to a file (or stdout for ``-``) in one RDF format.

    Use as a context manager: the file is put in place when the block ends normally and
    thrown away when it raises. Opening fails at once (OSError) if the file cannot be created.
    """

    @classmethod
    def raw(cls, path: str | None) -> "RdfWriter":
        """A writer of plain bytes (a picture, say) with the same all-or-nothing file handling."""
        return cls(path, "nt")

    def __init__(self, path: str | None, fmt: str):
        if fmt not in FORMATS:
            raise ValueError(f"unknown RDF format {fmt!r}; one of {', '.join(FORMATS)}")
        self.fmt = fmt
        self.target = None if path in (None, "-") else Path(path)
        self._tmp: Path | None = None
        self._out: BinaryIO
        if self.target is None:
            self._out = sys.stdout.buffer
        else:
            remove_leftovers(self.target)
            fd, tmp = _locked_temp(self.target)
            self._tmp = Path(tmp)
            os.chmod(fd, 0o666 & ~_umask())  # mkstemp makes 0600; give the file the usual mode
            self._out = os.fdopen(fd, "wb")
        self._graph: Graph | None = None
        if fmt not in STREAMED:  # rdflib only for the formats that need a whole graph
            from rdflib import Dataset, Graph

            self._graph = Dataset() if fmt in QUAD_FORMATS else Graph()

    def write_raw(self, data: bytes) -> None:
        self._out.write(data)

    def write(self, rendered: Rendered) -> None:
        if self._graph is None:
            data = rendered.nquads() if self.fmt == "nquads" else rendered.ntriples
            self._out.write(data.encode("utf-8"))
            if self.target is None:
                self._out.flush()
        elif self.fmt in QUAD_FORMATS:  # a Dataset: the document's own named graph
            from rdflib import Dataset, URIRef

            assert isinstance(self._graph, Dataset)
            self._graph.graph(URIRef(rendered.iri)).parse(data=rendered.ntriples, format="nt")
        else:
            self._graph.parse(data=rendered.ntriples, format="nt")

    def commit(self) -> None:
        """Finish the output and, for a file, move it into place."""
        if self._graph is not None:
            for prefix, ns in vocab.OUTPUT_PREFIXES.items():
                self._graph.bind(prefix, ns)
            self._out.write(self._graph.serialize(format=self.fmt, encoding="utf-8"))
        self._out.flush()
        if self._tmp is not None and self.target is not None:
            self._out.close()
            os.replace(self._tmp, self.target)
            self._tmp = None

    def abort(self) -> None:
        """Throw away a partly written file."""
        if self._tmp is not None:
            self._out.close()
            self._tmp.unlink(missing_ok=True)
            self._tmp = None

    def __enter__(self) -> "RdfWriter":
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 tb: TracebackType | None) -> None:
        if kind is None:
            self.commit()
        else:
            self.abort()


def _locked_temp(target: Path) -> tuple[int, str]:
    """A new temporary file beside ``target``, flock-ed for as long as this process holds it."""
    while True:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        if fcntl is None:
            return fd, tmp
        fcntl.flock(fd, fcntl.LOCK_EX)
        if os.fstat(fd).st_nlink:  # not removed by another run's clean-up before the lock
            return fd, tmp
        os.close(fd)


def remove_leftovers(target: Path) -> list[Path]:
    """Remove the temporary files of killed writers of ``target`` (``.NAME.XXXXXXXX.tmp``
    beside it that no live writer holds locked); the ones removed.

    Without flock (Windows) nothing is removed: the writer cannot tell a dead run from a live one.
    """
    if fcntl is None:
        return []
    pattern = re.compile(re.escape(f".{target.name}.") + r"[a-z0-9_]{8}\.tmp")
    try:
        names = [n for n in os.listdir(target.parent or ".") if pattern.fullmatch(n)]
    except OSError:
        return []
    removed = []
    for name in names:
        path = target.parent / name
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # a live writer holds it
            continue
        else:
            path.unlink(missing_ok=True)
            removed.append(path)
        finally:
            os.close(fd)
    return removed


def write_bytes(path: str | None, data: bytes) -> None:
    """Write a whole file at once, all or nothing (stdout for ``-``)."""
    with RdfWriter.raw(path) as out:
        out.write_raw(data)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
