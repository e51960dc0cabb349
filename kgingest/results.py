r"""What a run yields per document: a :class:`Rendered` graph or the error that cost it.

Light on purpose (no spaCy, no rdflib): the writers, the progress line and the store read
results without loading the model.

>>> r = Rendered("a.txt", "urn:d", "k", "<urn:a> <urn:b> <urn:c> .\n", 1, 0, 0)
>>> r.nquads()
'<urn:a> <urn:b> <urn:c> <urn:d> .\n'
"""
from __future__ import annotations

from dataclasses import dataclass

from .isolation import DocumentError, InputError


class WorkerError(RuntimeError):
    """A worker process died (killed, out of memory): the run cannot go on."""


@dataclass(frozen=True)
class Rendered:
    """One document's triples as N-Triples text: small, picklable, ready for any sink.

    The lines are sorted, so the same document gives the same bytes in any process.
    """

    name: str
    iri: str
    content_key: str
    ntriples: str
    triples: int
    entities: int
    relations: int
    notes: tuple[str, ...] = ()

    def nquads(self) -> str:
        """The same triples as N-Quads in the document's named graph."""
        tail = f" <{self.iri}> .\n"
        return "".join(line + tail for line in self.ntriples.split(" .\n") if line)


Result = Rendered | InputError | DocumentError
