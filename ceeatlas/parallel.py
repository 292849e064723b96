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


def run_concurrently(jobs: list[Callable[[], Any]]) -> list[Any]:
    """Run every job and return their results in order. The first job runs here, the others in
    forked children (at most one per core beyond this one); results must be picklable."""
    workers = min(len(jobs) - 1, (os.cpu_count() or 1) - 1)
    if workers < 1 or not hasattr(os, "fork") or os.environ.get("CEEATLAS_SERIAL") == "1":
        return [job() for job in jobs]
    context = multiprocessing.get_context("fork")
    # With fewer cores than jobs, this process takes the jobs left over after the children's.
    here, away = jobs[: len(jobs) - workers], jobs[len(jobs) - workers :]
    children = []
    for job in away:
        receiver, sender = context.Pipe(duplex=False)
        child = context.Process(target=_child, args=(job, sender), daemon=True)
        child.start()
        sender.close()
        children.append((child, receiver))
    try:
        results = [job() for job in here]
    finally:
        # Wait for the children even when a job here failed, so none outlives the build.
        outcomes = [_outcome(child, receiver) for child, receiver in children]
    failures = [value for ok, value in outcomes if not ok]
    if failures:
        raise ParallelJobError("\n".join(failures))
    return results + [value for _, value in outcomes]


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
