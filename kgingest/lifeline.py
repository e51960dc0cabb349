"""Worker processes that end with the process that started them.

A forked worker outlives a parent killed with SIGKILL (or any signal it does not handle):
the kernel hands it to init and it keeps working on a run nobody will finish. On Linux
the worker asks the kernel for SIGKILL when its parent goes (``PR_SET_PDEATHSIG``), which
holds however the parent ends. Elsewhere kgingest spawns workers instead of forking them:
they inherit no lock, and this module does nothing for them.

A run that ends on a signal ends between two documents, never inside one's write and its
count: :func:`uninterrupted` holds SIGINT and SIGTERM back for that step.
"""
from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def die_with_parent(parent: int) -> None:
    """Have the kernel kill this process when ``parent`` (the pid that forked it) ends.

    Called first thing in the child. ``parent`` comes from the parent itself: if it ended
    between the fork and this call, this process has already been reparented and exits now.
    The death signal is tied to the parent's thread that forked: fork workers from the
    thread that outlives them (kgingest forks from the thread that runs the whole run).
    """
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"prctl(PR_SET_PDEATHSIG) failed: {os.strerror(error)}")
    if os.getppid() != parent:
        os._exit(1)


@contextmanager
def uninterrupted() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back while the body runs; one that came is handled right after.

    A document's write and the summary's count of it are one step: an interrupt between them
    would leave a stored graph the summary does not report. Python runs signal handlers in
    the main thread whichever thread the signal reached, so swapping the handlers there holds
    them all (a thread's signal mask would not: the executor's threads would still take it).
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held: list[tuple[signal.Signals, FrameType | None]] = []

    def hold(signum: int, frame: FrameType | None) -> None:
        held.append((signal.Signals(signum), frame))

    previous = {signum: signal.signal(signum, hold) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for kind, handler in previous.items():
            signal.signal(kind, handler)
        if held:
            signum, frame = held[0]
            handler = previous[signum]
            if callable(handler):
                handler(signum, frame)
            elif handler == signal.SIG_DFL:
                signal.raise_signal(signum)
