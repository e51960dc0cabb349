"""How a batch run is going: counts, a live status line on a terminal, a summary at the end.

>>> t = Tally()
>>> t.documents, t.triples, t.failed = 3, 1500, 1
>>> t.line(elapsed=2.0)
'3 documents, 1,500 triples, 1 failed, in 2.0 s (1.5 docs/s)'
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from typing import TextIO

from .results import Rendered, Result


@dataclass
class Tally:
    documents: int = 0
    triples: int = 0
    entities: int = 0
    relations: int = 0
    failed: int = 0
    started: float = field(default_factory=time.monotonic)
    cpu_started: float = field(default_factory=lambda: _cpu_seconds())

    def count(self, result: Result) -> None:
        if isinstance(result, Rendered):
            self.documents += 1
            self.triples += result.triples
            self.entities += result.entities
            self.relations += result.relations
        else:
            self.failed += 1

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def line(self, elapsed: float | None = None) -> str:
        """The human summary: documents written, triples, failures, time and rate."""
        seconds = self.elapsed() if elapsed is None else elapsed
        rate = self.documents / seconds if seconds > 0 else 0.0
        return (f"{self.documents:,} documents, {self.triples:,} triples, {self.failed:,} failed, "
                f"in {seconds:,.1f} s ({rate:,.1f} docs/s)")

    def as_dict(self, **extra: object) -> dict[str, object]:
        """The machine summary (``--json``)."""
        seconds = self.elapsed()
        return {"documents": self.documents, "failed": self.failed, "triples": self.triples,
                "entities": self.entities, "relations": self.relations, "seconds": round(seconds, 3),
                "cpu_seconds": round(_cpu_seconds() - self.cpu_started, 3),
                "docs_per_second": round(self.documents / seconds, 2) if seconds > 0 else 0.0, **extra}


def _cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the worker processes)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


class Status:
    """One status line on a terminal's stderr, redrawn at most five times a second.

    Messages (errors, notes) are printed above it, so they stay readable. With ``live``
    off (not a terminal, or --quiet) only the messages are printed.
    """

    def __init__(self, stream: TextIO, live: bool):
        self.stream = stream
        self.live = live
        self._drawn = 0.0
        self._shown = False

    def update(self, tally: Tally, force: bool = False) -> None:
        now = time.monotonic()
        if not self.live or (not force and now - self._drawn < 0.2):
            return
        seconds = tally.elapsed()
        rate = tally.documents / seconds if seconds > 0 else 0.0
        minutes, secs = divmod(int(seconds), 60)
        self.stream.write(f"\r\x1b[K{tally.documents:,} docs | {tally.triples:,} triples | "
                          f"{tally.failed:,} errors | {rate:,.1f} docs/s | {minutes}:{secs:02d}")
        self.stream.flush()
        self._drawn = now
        self._shown = True

    def message(self, text: str) -> None:
        if self._shown:
            self.stream.write("\r\x1b[K")
            self._shown = False
            self._drawn = 0.0
        self.stream.write(text + "\n")
        self.stream.flush()

    def close(self) -> None:
        if self._shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self._shown = False
