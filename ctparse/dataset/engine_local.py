"""The local engine: partitions in worker processes on this machine.

``--workers N`` (default: every core) starts N processes from a fork server
when the run begins, so that they load the pipeline while the main process
plans (:class:`Workers`); each then takes one partition after another, writing that partition's part files itself, so no
rows travel between processes: the main process plans, hands out
partitions and draws the progress bar from the workers' small
"N studies done" messages. With one worker everything runs in this process.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from ..errors import CtparseError
from . import preload
from .partition import Job, Result, run_job

_progress_queue: Any = None
_PRELOAD = (
    "ctparse.dataset.partition",
    "ctparse.dataset.sources",
    "pyarrow.compute",
    "pyarrow.parquet",
    "ctparse.dataset.preload",  # the pipeline itself
)
_cpu_counted = 0.0  # this worker's CPU time accounted to the results so far


def default_workers() -> int:
    """Every core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def _init(progress: Any, entities: bool) -> None:
    global _progress_queue
    _progress_queue = progress
    from .parse import worker_nlp

    # A pipeline that fails to load fails again, with its own message, in the first job.
    with contextlib.suppress(Exception):
        worker_nlp(entities)
        import pyarrow.compute
        import pyarrow.parquet  # noqa: F401 - the rows and parts of every job


def _ready() -> int:
    return os.getpid()


def _report(partition: str) -> Callable[[int], None]:
    def progress(done: int) -> None:
        if _progress_queue is not None:
            _progress_queue.put((partition, done))

    return progress


def _work(job: Job) -> Result:
    global _cpu_counted
    result = run_job(job, _report(job.partition))
    # The process's CPU time since the last job: the first job also carries the
    # start-up and the pipeline's loading, so that CPU figures count them once.
    spent = time.process_time()
    result.cpu_seconds, _cpu_counted = round(spent - _cpu_counted, 3), spent
    return result


@contextlib.contextmanager
def _environment(name: str, value: str) -> Iterator[None]:
    """``name=value`` in this process's environment for the block."""
    before = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = before


class Workers:
    """``count`` worker processes, started on entering: each loads the
    pipeline (``entities`` or not) in the background while the caller plans.

        with Workers(2, entities=True) as workers:
            jobs = plan()
            workers.run(jobs, on_progress=..., on_result=...)
    """

    def __init__(self, count: int, *, entities: bool) -> None:
        self.count = count
        self.entities = entities
        self._pool: ProcessPoolExecutor | None = None
        self._progress: Any = None
        self._starting: threading.Thread | None = None
        self._environment: contextlib.AbstractContextManager[None] | None = None

    def __enter__(self) -> Workers:
        context = multiprocessing.get_context("forkserver")
        # The fork server imports the heavy modules once; every worker forks with them.
        context.set_forkserver_preload(list(_PRELOAD))
        self._progress = context.Queue()
        pool = self._pool = ProcessPoolExecutor(
            max_workers=self.count,
            mp_context=context,
            initializer=_init,
            initargs=(self._progress, self.entities),
        )

        # One submission per process starts them all; from a thread, since the
        # first waits for the fork server's imports and the caller has planning to do.
        # A fork server started now loads this pipeline (ctparse.dataset.preload);
        # one started earlier has what it has, and _init loads the rest.
        self._environment = _environment(
            preload.PIPELINE_ENV, "entities" if self.entities else "rules"
        )
        self._environment.__enter__()
        self._starting = threading.Thread(
            target=lambda: [pool.submit(_ready) for _ in range(self.count)], daemon=True
        )
        self._starting.start()
        return self

    def _started(self) -> None:
        """Wait until every worker process has started (and the fork server with them)."""
        if self._starting is not None:
            self._starting.join()
        if self._environment is not None:
            self._environment.__exit__(None, None, None)
            self._environment = None

    def __exit__(self, *exc: object) -> None:
        self._started()
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def run(
        self,
        jobs: Iterable[Job],
        *,
        on_progress: Callable[[int], None],
        on_result: Callable[[Result], None],
    ) -> None:
        """Run every job; ``on_progress(studies)`` as workers report, ``on_result`` per partition.

        Raises:
            whatever a job raised (the partitions finished before it stay committed).
        """
        assert self._pool is not None, "use Workers as a context manager"
        self._started()
        pending: set[Future[Result]] = set()
        try:
            pending = {self._pool.submit(_work, job) for job in jobs}
            while pending:
                done, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
                _drain(self._progress, on_progress)
                for future in done:
                    on_result(future.result())
            _drain(self._progress, on_progress)
        except BrokenProcessPool as exc:
            for future in pending:
                future.cancel()
            raise CtparseError(
                "--workers",
                "a worker process stopped unexpectedly (out of memory, or killed); "
                "the partitions finished before are kept: run the same command to resume",
            ) from exc
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
