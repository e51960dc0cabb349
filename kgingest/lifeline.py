"""Worker processes that end with the process that started them.

A forked worker outlives a parent killed with SIGKILL (or any signal it does not handle):
the kernel hands it to init and it keeps working on a run nobody will finish. On Linux
the worker asks the kernel for SIGKILL when its parent goes (``PR_SET_PDEATHSIG``), which
holds however the parent ends. Elsewhere kgingest spawns workers instead of forking them:
they inherit no lock, and this module does nothing for them.
"""
from __future__ import annotations

import ctypes
import os
import signal
import sys

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
