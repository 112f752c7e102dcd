"""The local engine: partitions in worker processes on this machine.

``--workers N`` (default: every core) starts N processes from a fork server;
each loads the pipeline once (on its first partition) and then takes one
partition after another, writing that partition's part files itself, so no
rows travel between processes: the main process plans, hands out
partitions and draws the progress bar from the workers' small
"N studies done" messages. With one worker everything runs in this process.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any

from .partition import Job, Result, run_job

_progress_queue: Any = None


def default_workers() -> int:
    """Every core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def _init(progress: Any) -> None:
    global _progress_queue
    _progress_queue = progress


def _report(partition: str) -> Callable[[int], None]:
    def progress(done: int) -> None:
        if _progress_queue is not None:
            _progress_queue.put((partition, done))

    return progress


def _work(job: Job) -> Result:
    return run_job(job, _report(job.partition))


def run(
    jobs: Iterable[Job],
    *,
    workers: int,
    on_progress: Callable[[int], None],
    on_result: Callable[[Result], None],
) -> None:
    """Run every job; ``on_progress(studies)`` as workers report, ``on_result`` per partition.

    Raises:
        whatever a job raised (the partitions finished before it stay committed).
    """
    jobs = list(jobs)
    if workers <= 1 or len(jobs) <= 1:
        for job in jobs:
            on_result(run_job(job, on_progress))
        return
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["ctparse.dataset.partition", "ctparse.dataset.sources"])
    progress = context.Queue()
    pending: set[Future[Result]] = set()
    with ProcessPoolExecutor(
        max_workers=min(workers, len(jobs)),
        mp_context=context,
        initializer=_init,
        initargs=(progress,),
    ) as pool:
        try:
            pending = {pool.submit(_work, job) for job in jobs}
            while pending:
                done, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
                _drain(progress, on_progress)
                for future in done:
                    on_result(future.result())
            _drain(progress, on_progress)
        except BaseException:
            for future in pending:
                future.cancel()
            raise


def _drain(progress: Any, on_progress: Callable[[int], None]) -> None:
    while True:
        try:
            _, done = progress.get_nowait()
        except queue.Empty:
            return
        on_progress(done)
