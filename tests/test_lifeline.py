"""Worker processes end with the process that started them, however it ends."""
from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kgingest.lifeline import uninterrupted

ORPHAN = textwrap.dedent("""
    import os, time
    from kgingest.lifeline import die_with_parent
    parent = os.getpid()
    child = os.fork()
    if child == 0:
        die_with_parent(parent)
        time.sleep(60)
        os._exit(0)
    print(child, flush=True)
    time.sleep(60)
""")


def running(pid: int) -> bool:
    """Alive and not a zombie (ended, not yet reaped by its new parent)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_a_worker_dies_when_its_parent_is_killed() -> None:
    proc = subprocess.Popen([sys.executable, "-c", ORPHAN], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    child = int(proc.stdout.readline())
    try:
        time.sleep(0.5)  # the child has called die_with_parent (if not, it sees its parent gone and exits)
        assert running(child)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        deadline = time.monotonic() + 5
        while running(child) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not running(child)
    finally:
        subprocess.run(["kill", "-9", str(child)], capture_output=True)


@pytest.fixture
def default_sigint() -> Iterator[None]:
    """Python's own SIGINT handler for the test (an earlier test in the process may have set another)."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


def test_an_interrupt_inside_uninterrupted_comes_after_the_step(default_sigint: None) -> None:
    """SIGINT during the step is held: the step finishes, then KeyboardInterrupt is raised."""
    done = []
    with pytest.raises(KeyboardInterrupt):
        with uninterrupted():
            signal.raise_signal(signal.SIGINT)
            done.append("written")
            done.append("counted")
    assert done == ["written", "counted"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_uninterrupted_restores_the_handlers_when_nothing_came() -> None:
    before = signal.getsignal(signal.SIGTERM)
    with uninterrupted():
        pass
    assert signal.getsignal(signal.SIGTERM) is before
