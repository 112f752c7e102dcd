"""The Dask engine: the same partitions as tasks on a Dask cluster.

``ctparse dataset build … --engine dask --scheduler tcp://host:8786`` sends
one task per partition (:func:`ctparse.dataset.partition.run_job`) to the
cluster. Each worker process loads the pipeline once and keeps it for every
task it runs; a task reads its inputs, writes its partition's part files
and commits its state, exactly as a local worker does, so the tables are
the local engine's row for row. Task retries are explicit (``--retries``,
default 2): a task whose worker died runs again elsewhere, and since part
files are written under temporary names and renamed, a retried task leaves
nothing half-written.

Requirements: ``pip install 'ctparse-trials[dask]'``; every worker has the
same ctparse (a worker with another version or other rules refuses the
task); the dataset folder and the sources are on a file system that every
worker sees under the same path. Workers with one thread each are best
(``dask worker --nthreads 1``): the pipeline is used by one thread at a time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ..errors import CtparseError
from .partition import Job, Result, run_job

INSTALL_HINT = "the Dask engine needs `pip install 'ctparse-trials[dask]'`"


def _check_reachable(scheduler: str) -> None:
    """Fail at once on a refused TCP address (the client would retry until its timeout)."""
    import socket
    from urllib.parse import urlsplit

    if not scheduler.startswith("tcp://"):
        return  # tls://, inproc://, a scheduler file: left to the client
    parts = urlsplit(scheduler)
    if parts.hostname is None or parts.port is None:
        raise CtparseError(scheduler, "not a scheduler address (tcp://host:port)")
    try:
        socket.create_connection((parts.hostname, parts.port), timeout=10).close()
    except OSError as exc:
        raise CtparseError(
            scheduler, f"cannot reach the Dask scheduler ({exc.strerror or exc})"
        ) from exc


def run(
    jobs: Iterable[Job],
    *,
    scheduler: str,
    retries: int,
    on_result: Callable[[Result], None],
    timeout: float = 30.0,
) -> None:
    """Run every job on the cluster at ``scheduler``; ``on_result`` per partition.

    Raises:
        CtparseError: the extra is not installed, or the scheduler cannot be reached.
    """
    try:
        from distributed import Client, as_completed
    except ImportError as exc:
        raise CtparseError("--engine dask", INSTALL_HINT) from exc
    _check_reachable(scheduler)
    try:
        client = Client(scheduler, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise CtparseError(scheduler, f"cannot reach the Dask scheduler ({exc})") from exc
    try:
        futures = [
            client.submit(
                run_job,
                job,
                key=f"ctparse-partition-{job.partition}-{job.gen}",
                retries=retries,
                pure=False,
            )
            for job in jobs
        ]
        for future in as_completed(futures, loop=client.loop):
            on_result(future.result())
    finally:
        client.close()
