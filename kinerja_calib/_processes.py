"""Process lifetime for the report batch: signals, child processes, dying with the parent.

Kept apart from :mod:`kinerja_calib.reports` (which uses it): nothing here knows about
notebooks or reports.

* :func:`tangkap_sinyal` turns SIGINT, SIGTERM and SIGHUP into :class:`Dihentikan` in the
  main thread, so ``finally`` blocks and context managers clean up (no handler can run on
  SIGKILL: see :func:`mati_bersama`).
* :func:`keturunan` / :func:`bunuh` find and kill every process a worker started (its
  kernels are in their own session, so a process-group kill would miss them).
* :func:`mati_bersama` makes a worker die with its parent, even when the parent is killed
  with SIGKILL (``prctl(PR_SET_PDEATHSIG)`` on Linux).
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Iterable
from contextlib import contextmanager, suppress
from pathlib import Path

__all__ = ["Dihentikan", "bunuh", "hidup", "keturunan", "mati_bersama", "tangkap_sinyal"]


class Dihentikan(KeyboardInterrupt):
    """A batch run stopped by a signal (SIGINT, SIGTERM or SIGHUP), after its clean-up.

    A :class:`KeyboardInterrupt`, so code that handles Ctrl-C handles it too; ``signum``
    says which signal (the CLI exits with ``128 + signum``).
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def nama(self) -> str:
        return signal.Signals(self.signum).name


@contextmanager
def tangkap_sinyal():
    """Turn SIGINT/SIGTERM/SIGHUP into :class:`Dihentikan` (main thread only).

    A second signal while the clean-up runs is ignored, so the clean-up finishes; the
    previous handlers are restored afterwards.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    hit: list[int] = []

    def handler(signum, frame):
        if hit:
            return
        hit.append(signum)
        raise Dihentikan(signum)

    old = {}
    try:
        for name in ("SIGINT", "SIGTERM", "SIGHUP"):
            if hasattr(signal, name):
                sig = getattr(signal, name)
                old[sig] = signal.signal(sig, handler)
        yield
    finally:
        for sig, h in old.items():
            signal.signal(sig, h)


def hidup(pid: int) -> bool:
    """Whether process ``pid`` exists and is not a zombie."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    with suppress(OSError, IndexError):
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    return True


def keturunan(pids: Iterable[int]) -> list[int]:
    """Every descendant process of ``pids`` (kernels started by the workers), deepest last."""
    pids = set(pids)
    try:
        import psutil
    except ImportError:
        psutil = None
    if psutil is not None:
        found = []
        for pid in pids:
            with suppress(psutil.Error):
                found += [c.pid for c in psutil.Process(pid).children(recursive=True)]
        return found
    parent: dict[int, int] = {}
    with suppress(OSError):
        for d in os.listdir("/proc"):
            if d.isdigit():
                with suppress(OSError, ValueError, IndexError):
                    stat = Path(f"/proc/{d}/stat").read_text()
                    parent[int(d)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = [], set(pids)
    while frontier:
        frontier = {c for c, p in parent.items() if p in frontier} - set(found) - pids
        found += sorted(frontier)
    return found


def bunuh(pids: Iterable[int]) -> None:
    """SIGKILL worker processes and everything they started (kernels).

    The workers are stopped first (SIGSTOP), so none can start a kernel between the listing
    of their children and the kill.
    """
    pids = [p for p in pids if p and p != os.getpid()]
    for pid in pids:
        with suppress(OSError):
            os.kill(pid, signal.SIGSTOP)
    for pid in [*keturunan(pids), *pids]:
        with suppress(OSError):
            os.kill(pid, signal.SIGKILL)


#: Environment variable naming the pid a child process must die with (set by the parent).
ENV_INDUK = "KINERJA_CALIB_INDUK_PID"


def mati_bersama(induk: int, sinyal: int = signal.SIGKILL) -> None:
    """Make this process die with the parent ``induk``, even when it is killed with SIGKILL.

    Linux: ``prctl(PR_SET_PDEATHSIG, sinyal)`` (SIGKILL for report workers; the workshop
    server asks for SIGTERM so it can stop its kernels); elsewhere a daemon thread watching
    the parent. The kernels a worker starts die with it (ipykernel's parent poller).
    """
    armed = False
    if sys.platform.startswith("linux"):
        with suppress(Exception):
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            armed = libc.prctl(1, int(sinyal), 0, 0, 0) == 0  # 1 = PR_SET_PDEATHSIG
    if os.getppid() != induk:  # the parent died before the signal was armed
        os._exit(1)
    if not armed:

        def watch() -> None:
            while os.getppid() == induk:
                time.sleep(1.0)
            os._exit(1)

        threading.Thread(target=watch, daemon=True, name="induk").start()
