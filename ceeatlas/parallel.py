"""Run independent build steps at the same time, one per core.

The static outputs of a large build (Find rulings files, open data, feeds) are pure Python and
CPU-bound, so threads would take turns; forked processes share the loaded data without copying
or pickling it. Where fork is missing (Windows), or with CEEATLAS_SERIAL=1, the jobs run one
after the other in this process.
"""

from __future__ import annotations

import multiprocessing
import os
import traceback
from collections.abc import Callable
from typing import Any


class ParallelJobError(RuntimeError):
    """A job run in a child process failed; the message carries its traceback."""


def _can_fork() -> bool:
    return hasattr(os, "fork") and os.environ.get("CEEATLAS_SERIAL") != "1" and (os.cpu_count() or 1) > 1


class Background:
    """Jobs started now in forked processes (one each), collected later with results().
    Where forking is not possible or useful, the jobs run when results() is called."""

    def __init__(self, jobs: list[Callable[[], Any]]):
        self._jobs = jobs
        self._children = []
        if _can_fork():
            context = multiprocessing.get_context("fork")
            for job in jobs:
                receiver, sender = context.Pipe(duplex=False)
                child = context.Process(target=_child, args=(job, sender), daemon=True)
                child.start()
                sender.close()
                self._children.append((child, receiver))

    def results(self) -> list[Any]:
        """Wait for every job; their results in order, or ParallelJobError if any failed."""
        if not self._children:
            return [job() for job in self._jobs]
        outcomes = [_outcome(child, receiver) for child, receiver in self._children]
        failures = [value for ok, value in outcomes if not ok]
        if failures:
            raise ParallelJobError("\n".join(failures))
        return [value for _, value in outcomes]

    def join(self) -> None:
        """Wait for the processes without collecting results (a build that failed midway)."""
        for child, _ in self._children:
            child.join()


def _outcome(child, receiver) -> tuple[bool, Any]:
    try:
        outcome = receiver.recv()
    except EOFError:
        outcome = (False, f"a build job ended without a result (exit code {child.exitcode})")
    child.join()
    return outcome


def _child(job: Callable[[], Any], sender) -> None:
    try:
        result = (True, job())
    except BaseException:  # report everything, including KeyboardInterrupt, to the parent
        result = (False, traceback.format_exc())
    sender.send(result)
    sender.close()
