"""Memory of a process and of its children while a block runs, sampled from /proc (Linux).

RSS counts a page once in every process that maps it, so forked workers, which share most of
their pages with the process that forked them, would be counted two or three times; PSS
divides each shared page between the processes that share it, so the sum of PSS over the
processes is the memory they take together.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

INTERVAL = 0.02  # seconds between samples


@dataclass
class MemoryPeak:
    pss_mb: float = 0.0  # the largest sum over the process and its children
    rss_mb: float = 0.0  # the largest sum of their RSS (shared pages counted once per process)
    processes: int = 1  # the most processes seen at once


@contextmanager
def sampled(pid: int | None = None) -> Iterator[MemoryPeak]:
    """Sample the memory of `pid` (this process) and its children until the block ends."""
    peak, stop = MemoryPeak(), threading.Event()
    root = pid or os.getpid()

    def sample() -> None:
        while True:
            pids = [root, *_children(root)]
            sizes = [size for size in map(_sizes, pids) if size is not None]
            peak.pss_mb = max(peak.pss_mb, sum(pss for pss, _ in sizes) / 1024)
            peak.rss_mb = max(peak.rss_mb, sum(rss for _, rss in sizes) / 1024)
            peak.processes = max(peak.processes, len(sizes))
            if stop.wait(INTERVAL):
                return

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield peak
    finally:
        stop.set()
        thread.join()


def _children(parent: int) -> list[int]:
    found = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/stat", encoding="ascii", errors="replace") as f:
                    # pid (comm) state ppid ...: comm may hold spaces, so split after ")"
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == parent:
                        found.append(int(entry.name))
            except (OSError, ValueError, IndexError):
                continue
    return found


def _sizes(pid: int) -> tuple[int, int] | None:
    """(PSS, RSS) in kB, or None if the process is gone."""
    values = {}
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as rollup:
            for line in rollup:
                name, _, rest = line.partition(":")
                if name in ("Pss", "Rss"):
                    values[name] = int(rest.split()[0])
    except (OSError, ValueError):
        return None
    return (values["Pss"], values["Rss"]) if len(values) == 2 else None
