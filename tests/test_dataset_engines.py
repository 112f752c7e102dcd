"""A build killed with SIGKILL resumes with nothing lost or duplicated, and
the Dask engine on a real LocalCluster gives the local engine's tables."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from dataset_helpers import archive, assert_same_tables, tables

from ctparse.dataset import build as builder
from ctparse.dataset import store
from ctparse.dataset.sources import classify

STUDIES = 600  # 12 partitions of ~50 studies: a build lasts long enough to be killed in


@pytest.fixture(scope="module")
def bulk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("engines") / "ctg-studies.json.zip"
    archive(path, STUDIES, seed=11)
    return path


@pytest.fixture(scope="module")
def reference(bulk: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("reference") / "trials"
    builder.build(directory, classify((str(bulk),)), options=builder.Options(workers=2))
    return directory


def _build_command(bulk: Path, directory: Path, workers: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "ctparse",
        "dataset",
        "build",
        str(bulk),
        "-o",
        str(directory),
        "--workers",
        str(workers),
        "--quiet",
    ]


def _committed(directory: Path) -> int:
    folder = directory / store.STATE
    return len(list(folder.glob("*.json"))) if folder.is_dir() else 0


@pytest.mark.slow
@pytest.mark.parametrize("workers, kill_after", [(1, 2), (2, 5)])
def test_a_build_killed_mid_run_resumes_to_the_uninterrupted_tables(
    bulk: Path, reference: Path, tmp_path: Path, workers: int, kill_after: int
) -> None:
    directory = tmp_path / "trials"
    child = subprocess.Popen(
        _build_command(bulk, directory, workers),
        start_new_session=True,  # its own process group: the kill takes the workers too
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 120
    while (
        _committed(directory) < kill_after and child.poll() is None and time.monotonic() < deadline
    ):
        time.sleep(0.01)
    os.killpg(child.pid, signal.SIGKILL)
    child.wait()
    assert child.returncode == -signal.SIGKILL, child.stderr.read() if child.stderr else ""
    committed = _committed(directory)
    assert kill_after <= committed < len(store.load_manifest(reference)["partitions"])
    assert not (directory / store.MANIFEST).exists()  # killed before the dataset committed

    resumed = subprocess.run(
        _build_command(bulk, directory, workers)[:-1], capture_output=True, text=True
    )
    assert resumed.returncode == 0, resumed.stderr
    done = int(resumed.stderr.split("parsed ")[1].split(" ")[0].replace(",", ""))
    assert 0 < done < STUDIES  # the partitions committed before the kill were not parsed again
    assert_same_tables(directory, reference)
    leftovers = [p for p in directory.rglob("*") if p.name.endswith(".tmp")]
    assert leftovers == []
    referenced = {n for files in store.load_manifest(directory)["tables"].values() for n in files}
    on_disk = {
        str(p.relative_to(directory))
        for t in tables(directory)
        for p in (directory / t).glob("*.parquet")
    }
    assert on_disk == referenced  # no part of the killed run is left over


def _changed_states(directory: Path, before: dict[str, str]) -> int:
    """How many partitions committed a state other than the one in ``before``."""
    changed = 0
    for name, gen in before.items():
        state = store.load_state(directory, name)
        changed += state is not None and state["gen"] != gen
    return changed


@pytest.mark.slow
def test_an_update_killed_mid_run_leaves_the_last_snapshot_and_resumes_to_a_fresh_build(
    bulk: Path, reference: Path, tmp_path: Path
) -> None:
    import shutil

    from dataset_helpers import lines, synthetic_bulk

    directory = tmp_path / "trials"
    shutil.copytree(reference, directory)
    changed = tmp_path / "ctg-studies-next.json.zip"
    ids = synthetic_bulk.change_archive(bulk, changed, fraction=0.08, lines=lines(), seed=4)
    before = store.load_manifest(directory)["partitions"]
    command = [sys.executable, "-m", "ctparse", "dataset", "update", str(directory)]
    command += [str(changed), "--workers", "2"]
    child = subprocess.Popen(
        command, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 120
    while (
        _changed_states(directory, before) < 2
        and child.poll() is None
        and time.monotonic() < deadline
    ):
        time.sleep(0.01)
    os.killpg(child.pid, signal.SIGKILL)
    child.wait()
    assert child.returncode == -signal.SIGKILL, child.stderr.read() if child.stderr else ""
    assert 2 <= _changed_states(directory, before) < len(before)
    # Readers still see the last committed dataset, whole.
    assert store.load_manifest(directory)["partitions"] == before
    assert_same_tables(directory, reference)

    resumed = subprocess.run(command, capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr
    done = int(resumed.stderr.split("parsed ")[1].split(" ")[0].replace(",", ""))
    assert 0 < done < len(ids)  # what the killed run committed is not parsed again
    manifest = store.load_manifest(directory)
    assert manifest["deltas"]  # a few studies per partition: deltas, not rewrites
    fresh = tmp_path / "fresh"
    builder.build(fresh, classify((str(changed),)), options=builder.Options(workers=2))
    assert_same_tables(directory, fresh)
    named = {n for files in manifest["deltas"].values() for n in files} | set(manifest["replaced"])
    on_disk = {str(p.relative_to(directory)) for p in (directory / store.DELTA).rglob("*.parquet")}
    assert on_disk == named  # no delta of the killed run is left over


@pytest.mark.slow
def test_dask_local_cluster_gives_the_local_tables_row_for_row(
    bulk: Path, reference: Path, tmp_path: Path
) -> None:
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        directory = tmp_path / "trials"
        summary = builder.build(
            directory,
            classify((str(bulk),)),
            options=builder.Options(engine="dask", scheduler=cluster.scheduler_address, retries=1),
        )
    assert summary.parsed == STUDIES
    assert len({r.worker for r in summary.results}) == 2  # both Dask workers took partitions
    assert_same_tables(directory, reference)


def test_dask_engine_names_an_unreachable_scheduler(bulk: Path, tmp_path: Path, capsys) -> None:
    pytest.importorskip("distributed")
    from ctparse.cli import main

    with pytest.raises(SystemExit) as stop:
        main(
            [
                "dataset",
                "build",
                str(bulk),
                "-o",
                str(tmp_path / "x"),
                "--engine",
                "dask",
                "--scheduler",
                "tcp://127.0.0.1:9",
                "-q",
            ]
        )
    err = capsys.readouterr().err
    assert stop.value.code == 2 and err.startswith(
        "ctparse: error: tcp://127.0.0.1:9: cannot reach"
    )
    assert err.count("\n") == 1


@pytest.mark.slow
def test_a_worker_killed_by_the_system_is_one_error_line_not_a_traceback(
    bulk: Path, tmp_path: Path
) -> None:
    from ctparse.dataset import engine_local
    from ctparse.errors import CtparseError

    directory = tmp_path / "trials"
    with engine_local.Workers(2, entities=False) as workers:
        workers._started()
        assert workers._pool is not None
        victim = next(iter(workers._pool._processes.values()))
        os.kill(victim.pid, signal.SIGKILL)  # what the kernel's OOM killer does
        victim.join(10)
        job = engine_local.Job(str(directory), "NCT000", "0", builder.versions(False), {}, False)
        with pytest.raises(CtparseError, match="worker process stopped unexpectedly"):
            workers.run([job], on_progress=lambda n: None, on_result=lambda r: None)
