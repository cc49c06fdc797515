"""The answers of a whole document rendered in order, a batch at a time: in worker processes
when there are many and the machine has three cores or more, else here.

Rendering is pure and CPU-bound, so the workers only get answers and give back HTML; they
share the document's highlighting budget through shared memory, set aside and returned under
a lock, so all of them together never lex for longer than one process rendering alone may.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Sequence

import billiard

from prepdeck.core.markdown import BatchRenderer, HighlightBudget, warm_lexers

PARALLEL_FROM = 1_000  # answers; a smaller document renders sooner than workers start
MAX_PROCESSES = 4
CHUNK = 50  # answers handed to a worker at a time


def rendered_batches(answers: Sequence[str], seconds: float, size: int) -> Iterator[list[str]]:
    """The HTML of `answers`, `size` at a time and in order; all of them share `seconds` of
    highlighting (see `prepdeck.core.markdown`)."""
    processes = worker_processes(len(answers))
    if processes < 2:
        render = BatchRenderer(HighlightBudget(seconds))
        for offset in range(0, len(answers), size):
            yield [render(text) for text in answers[offset : offset + size]]
        return
    # billiard rather than multiprocessing: a Celery worker's child is a daemonic process, and
    # multiprocessing refuses to start processes from one.
    warm_lexers()  # once per process, so that no worker compiles them again
    context = billiard.get_context("fork")
    budget = context.Value("d", seconds)
    chunks = (answers[offset : offset + CHUNK] for offset in range(0, len(answers), CHUNK))
    with context.Pool(processes, _start_worker, (budget,)) as pool:
        batch: list[str] = []
        for html in pool.imap(_render_chunk, chunks):
            batch += html
            while len(batch) >= size:
                yield batch[:size]
                batch = batch[size:]
        if batch:
            yield batch


def worker_processes(answers: int) -> int:
    """How many processes render `answers` answers: 1 means here, without workers."""
    # Under gevent the pool's threads would be greenlets, blocked by the rendering.
    if answers < PARALLEL_FROM or not hasattr(os, "fork") or _gevent_patched():
        return 1
    # One core stays with the importing process and the database, which take the rows while
    # the next batch renders: on two cores, workers only contend with them (docs/performance.md).
    processes = min(len(os.sched_getaffinity(0)) - 1, MAX_PROCESSES)
    return processes if processes >= 2 else 1


def _gevent_patched() -> bool:
    monkey = sys.modules.get("gevent.monkey")
    return monkey is not None and monkey.is_module_patched("threading")


class SharedBudget(HighlightBudget):
    """A `HighlightBudget` in shared memory, for renderings in several processes at once."""

    def __init__(self, value) -> None:
        self._value = value

    @property
    def left(self) -> float:
        return self._value.value

    @left.setter
    def left(self, seconds: float) -> None:
        self._value.value = seconds

    def take(self, most: float) -> float:
        with self._value.get_lock():
            return super().take(most)

    def give_back(self, seconds: float) -> None:
        with self._value.get_lock():
            super().give_back(seconds)

    def charge(self, seconds: float) -> None:
        with self._value.get_lock():
            super().charge(seconds)


_render: BatchRenderer | None = None  # in a worker process


def _start_worker(budget) -> None:
    global _render
    _render = BatchRenderer(SharedBudget(budget))


def _render_chunk(answers: list[str]) -> list[str]:
    return [_render(text) for text in answers]
