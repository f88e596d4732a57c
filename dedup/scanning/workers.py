"""Worker processes of a scan: forked, quiet on Ctrl-C, and never outliving the scan that made them."""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor

_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
_PARENT_POLL_S = 1.0


def worker_pool(processes: int) -> ProcessPoolExecutor:
    """Fork a pool of workers (all forked on return) that die with this process and leave Ctrl-C to it.

    Fork: workers start in milliseconds with the word tables already loaded. A scan killed with
    SIGKILL or SIGTERM would otherwise leave its workers alive (about 190 MB each), holding the
    index and --out open; Ctrl-C reaches the whole process group, and each worker would print its
    own KeyboardInterrupt traceback while the scan itself shuts the pool down (issue 13).
    """
    pool = ProcessPoolExecutor(
        processes,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_start_worker,
        initargs=(os.getpid(),),
    )
    # Fork every worker now, while the caller knows which threads run: a fork taken while a
    # fetching thread holds a lock (the import lock, say) copies the lock held into the child.
    pool.submit(os.getpid).result()
    return pool


def _start_worker(parent_pid: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with(parent_pid)


def _die_with(parent_pid: int) -> None:
    """Have the kernel kill this process when its parent dies (Linux), or watch the parent (elsewhere)."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0:
            if os.getppid() != parent_pid:
                os._exit(1)  # the parent died before the request took hold
            return
    threading.Thread(target=_watch_parent, args=(parent_pid,), daemon=True, name="parent-watch").start()


def _watch_parent(parent_pid: int) -> None:
    while os.getppid() == parent_pid:
        time.sleep(_PARENT_POLL_S)
    os._exit(1)
