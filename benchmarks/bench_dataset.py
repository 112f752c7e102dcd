"""`ctparse dataset` at scale: a synthetic registry archive built and updated.

The workload is a synthetic bulk ZIP (``benchmarks/synthetic_bulk.py``) of
100,000 studies whose criteria are real, distinct texts (dev gold lines
recombined, numbers varied), spread over the registry's id ranges. It is
built with 1 worker, with 2 workers and on a Dask ``LocalCluster`` of 2
workers, each in a fresh process; then 1 % of the studies change and
``dataset update`` runs. Figures: studies/s, criteria/s, peak RSS of the
main process and of every worker, where the time goes (reading, parsing,
making rows, writing parts, planning, committing), output size, the
1-vs-2-worker ratio, update vs full build, and the extrapolation to the
whole registry (598,000 studies, 7.4 M criteria). A 20,000-study build
beside the 100,000 one shows whether memory grows with the input.

    python benchmarks/run.py --only dataset   # STUDIES=20000: a quick run; ENTITIES=0: --no-entities
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
STUDIES = int(os.environ.get("STUDIES", "100000"))
ENTITIES = os.environ.get("ENTITIES", "1") != "0"  # ENTITIES=0: --no-entities
REGISTRY_STUDIES = 598_000
REGISTRY_CRITERIA = 7_400_000


def _one(args: dict[str, Any]) -> dict[str, Any]:
    """In a fresh process: one build or update; its figures."""
    import resource

    from ctparse.dataset import build as builder
    from ctparse.dataset.sources import classify

    options = builder.Options(
        workers=args.get("workers"),
        engine=args.get("engine", "local"),
        scheduler=args.get("scheduler"),
        entities=ENTITIES,
    )
    directory = Path(args["directory"])
    sources = classify(tuple(args["sources"]))
    started = time.perf_counter()
    if args["action"] == "update":
        summary = builder.update(directory, sources, options=options)
    else:
        summary = builder.build(directory, sources, options=options)
    wall = time.perf_counter() - started
    phases: dict[str, float] = {}
    workers: dict[str, float] = {}
    for result in summary.results:
        for phase, seconds in result.seconds.items():
            phases[phase] = phases.get(phase, 0.0) + seconds
        workers[result.worker] = max(workers.get(result.worker, 0.0), result.peak_rss_mb)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    main_cpu = usage.ru_utime + usage.ru_stime + _forkserver_cpu()
    worker_cpu = sum(r.cpu_seconds for r in summary.results)
    if len({r.worker for r in summary.results}) == 1 and args.get("workers") == 1:
        main_cpu -= worker_cpu  # one worker runs in the main process: count it once
    return {
        **summary.to_dict(),
        "load_average": os.getloadavg(),
        "main_cpu_seconds": round(main_cpu, 1),
        "cpu_seconds": round(main_cpu + worker_cpu, 1),
        "criteria_per_cpu_second": round(summary.criteria / (main_cpu + worker_cpu))
        if args["action"] == "build"
        else None,
        "wall_seconds": round(wall, 1),
        "studies_per_s": round(summary.parsed / wall) if wall else None,
        "criteria_per_s": round(summary.criteria / wall) if args["action"] == "build" else None,
        "worker_seconds": {k: round(v, 1) for k, v in sorted(phases.items())},
        "worker_cpu_seconds": round(worker_cpu, 1),
        "peak_rss_mb_main": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "peak_rss_mb_workers": {k: v for k, v in sorted(workers.items())},
    }


def _forkserver_cpu() -> float:
    """CPU seconds of the fork server the local engine started (it imports the
    heavy modules once for all workers), which no rusage of ours counts."""
    from multiprocessing import forkserver

    pid = getattr(forkserver._forkserver, "_forkserver_pid", None)
    if not pid:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _run_child(args: dict[str, Any]) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--one", json.dumps(args)],
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-2000:])
    figures: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return figures


def _size(directory: Path) -> dict[str, float]:
    sizes: dict[str, float] = {}
    for path in directory.rglob("*.parquet"):
        table = path.parent.name
        sizes[table] = sizes.get(table, 0) + path.stat().st_size
    return {k: round(v / 1e6, 1) for k, v in sorted(sizes.items())} | {
        "total_mb": round(sum(sizes.values()) / 1e6, 1)
    }


def _print(label: str, f: dict[str, Any]) -> None:
    seconds = f["worker_seconds"]
    print(
        f"{label}: {f['studies']:,} studies, {f['criteria']:,} criteria in {f['wall_seconds']} s "
        f"({f['studies_per_s']:,} studies/s, {f.get('criteria_per_s') or 0:,} criteria/s); "
        f"peak RSS main {f['peak_rss_mb_main']} MB, workers {list(f['peak_rss_mb_workers'].values())} MB; "
        f"plan {f['plan_seconds']} s, commit {f['commit_seconds']} s; worker time {seconds}; "
        f"CPU {f['cpu_seconds']} s (workers {f['worker_cpu_seconds']} s); load {f['load_average']}",
        flush=True,
    )


def run(shared: Path) -> dict[str, Any]:
    sys.path.insert(0, str(HERE))
    import synthetic_bulk

    figures: dict[str, Any] = {"studies": STUDIES, "load_average_before": os.getloadavg()}
    lines = synthetic_bulk.gold_lines(shared)
    with tempfile.TemporaryDirectory(prefix="ctparse-bench-") as tmp:
        folder = Path(tmp)
        bulk = folder / "ctg-studies.json.zip"
        started = time.perf_counter()
        synthetic_bulk.write_archive(bulk, STUDIES, lines=lines)
        figures["archive"] = {
            "mb": round(bulk.stat().st_size / 1e6, 1),
            "seconds": round(time.perf_counter() - started, 1),
        }
        print(f"synthetic archive: {STUDIES:,} studies, {figures['archive']['mb']} MB", flush=True)

        small = folder / "small.zip"
        synthetic_bulk.write_archive(small, STUDIES // 5, lines=lines, seed=9)
        figures["small_2_workers"] = _run_child(
            {
                "action": "build",
                "directory": str(folder / "small"),
                "sources": [str(small)],
                "workers": 2,
            }
        )
        _print(f"build {STUDIES // 5:,}, 2 workers", figures["small_2_workers"])

        for workers in (1, 2):
            key = f"build_{workers}_worker{'s' if workers > 1 else ''}"
            figures[key] = _run_child(
                {
                    "action": "build",
                    "directory": str(folder / key),
                    "sources": [str(bulk)],
                    "workers": workers,
                }
            )
            _print(f"build, {workers} worker(s)", figures[key])
        figures["output_mb"] = _size(folder / "build_2_workers")
        print(f"output: {figures['output_mb']}", flush=True)

        from distributed import LocalCluster

        with LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster:
            figures["build_dask_2_workers"] = _run_child(
                {
                    "action": "build",
                    "directory": str(folder / "dask"),
                    "sources": [str(bulk)],
                    "engine": "dask",
                    "scheduler": cluster.scheduler_address,
                }
            )
        _print("build, Dask LocalCluster of 2", figures["build_dask_2_workers"])

        changed = folder / "ctg-studies-next.json.zip"
        ids = synthetic_bulk.change_archive(bulk, changed, fraction=0.01, lines=lines)
        figures["update_1_percent"] = _run_child(
            {
                "action": "update",
                "directory": str(folder / "build_2_workers"),
                "sources": [str(changed)],
                "workers": 2,
            }
        )
        figures["update_1_percent"]["changed"] = len(ids)
        _print(f"update after {len(ids):,} changed", figures["update_1_percent"])

    one, two = figures["build_1_worker"], figures["build_2_workers"]
    figures["speedup_2_vs_1"] = round(one["wall_seconds"] / two["wall_seconds"], 2)
    figures["update_vs_full"] = round(
        figures["update_1_percent"]["wall_seconds"] / two["wall_seconds"], 4
    )
    figures["update_vs_full_cpu"] = round(
        figures["update_1_percent"]["cpu_seconds"] / two["cpu_seconds"], 4
    )
    figures["cpu_2_vs_1"] = round(two["cpu_seconds"] / one["cpu_seconds"], 3)
    # On an idle machine 2 workers take the CPU time of 2 workers in parallel,
    # plus the main process's planning and commit, which are serial:
    serial = two["plan_seconds"] + two["commit_seconds"]
    idle_two = serial + two["worker_cpu_seconds"] / 2
    figures["speedup_2_vs_1_idle_estimate"] = round(one["cpu_seconds"] / idle_two, 2)
    figures["registry_minutes_2_workers_idle_estimate"] = round(
        REGISTRY_CRITERIA * idle_two / two["criteria"] / 60, 1
    )
    per_criterion = two["wall_seconds"] / two["criteria"]
    figures["registry_minutes_2_workers"] = round(REGISTRY_CRITERIA * per_criterion / 60, 1)
    figures["registry_minutes_1_worker"] = round(
        REGISTRY_CRITERIA * one["wall_seconds"] / one["criteria"] / 60, 1
    )
    parse = sum(two["worker_seconds"].get(k, 0) for k in ("parse", "load"))
    io = sum(two["worker_seconds"].get(k, 0) for k in ("read", "rows", "write"))
    figures["dataset_layer_share_of_worker_time"] = round(io / (io + parse), 3)
    figures["load_average_after"] = os.getloadavg()
    print(
        f"CPU time: {one['criteria_per_cpu_second']:,} criteria per CPU-second with 1 worker, "
        f"{two['criteria_per_cpu_second']:,} with 2; update of 1 % = {figures['update_vs_full_cpu']:.1%} of a full "
        f"build's CPU; on an idle machine 2 workers would be {figures['speedup_2_vs_1_idle_estimate']}x one and the "
        f"registry {figures['registry_minutes_2_workers_idle_estimate']} min",
        flush=True,
    )
    print(
        f"2 workers vs 1: {figures['speedup_2_vs_1']}x; update of 1 % = {figures['update_vs_full']:.1%} of a full build; "
        f"whole registry (7.4 M criteria): {figures['registry_minutes_2_workers']} min on 2 workers "
        f"({figures['registry_minutes_1_worker']} min on 1); reading + rows + writing = "
        f"{figures['dataset_layer_share_of_worker_time']:.1%} of worker time; load average "
        f"{figures['load_average_before']} -> {figures['load_average_after']}",
        flush=True,
    )
    return figures


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--one":
        print(json.dumps(_one(json.loads(sys.argv[2]))))
    else:
        print(
            json.dumps(
                run(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parent.parent / "shared"),
                indent=2,
            )
        )
