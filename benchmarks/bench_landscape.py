"""`ctparse landscape` against 10,000 studies: wall time as a user waits for it.

The compared trials are a synthetic registry archive
(``benchmarks/synthetic_bulk.py``: 10,000 distinct studies of recombined dev
gold lines) built once into a dataset under ``.bench/`` (``dataset build``
runs again each time and re-parses nothing while the rules are unchanged).
REF is seed 004 (the ESCC trial's full-info page), parsed each run: every
timing is a fresh ``python -m ctparse landscape`` process, start-up, REF's
parse with the entity stage, the DuckDB pass over the Parquet tables and the
writing included. Median of 3 runs after one warm-up, against the 3 s target;
then where the time goes, in one process.

    python benchmarks/run.py --only landscape         # LANDSCAPE_STUDIES=2000 for a quick run
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
STUDIES = int(os.environ.get("LANDSCAPE_STUDIES", "10000"))
RUNS = 3
TARGET_S = 3.0
SEED = "004_a803df08c1dbcb20.txt"


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(CTPARSE_API_URL="http://127.0.0.1:9/api/v2", CTPARSE_OFFLINE="1")
    return env


def _dataset(shared: Path) -> tuple[Path, float]:
    """The 10,000-study dataset (built once, then brought up to date)."""
    sys.path.insert(0, str(HERE))
    import synthetic_bulk

    cache = ROOT / ".bench" / f"landscape-{STUDIES}"
    archive = cache.with_name(cache.name + ".zip")
    cache.parent.mkdir(exist_ok=True)
    if not archive.is_file():
        lines = synthetic_bulk.gold_lines(shared if (shared / "gold").is_dir() else None)
        synthetic_bulk.write_archive(archive, STUDIES, lines=lines, seed=4)
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "ctparse",
            "dataset",
            "build",
            str(archive),
            "-o",
            str(cache),
            "--quiet",
        ],
        check=True,
        env=_env(),
        cwd=ROOT,
    )
    return cache, time.perf_counter() - started


def _timed(command: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, check=True, env=_env(), cwd=ROOT, capture_output=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _phases(ref: Path, dataset: Path) -> dict[str, float]:
    """Where the time goes, in a fresh process (printed as JSON)."""
    script = f"""
import io, json, time
t0 = time.perf_counter()
import ctparse.cli
from pathlib import Path
from ctparse.landscape import landscape, write
from ctparse.landscape.facts import broad_concepts, variables
from ctparse.landscape.query import Compared
from ctparse.refs import load_studies
t1 = time.perf_counter()
compared = Compared(Path({str(dataset)!r}))
t2 = time.perf_counter()
compared.prepare(exclude=None, variables=list(variables().values()), broad=broad_concepts())
t3 = time.perf_counter()
study = load_studies({str(ref)!r})[0]
t4 = time.perf_counter()
result = landscape(study, compared)
t5 = time.perf_counter()
write("json", result, io.StringIO())
t6 = time.perf_counter()
write("html", result, io.StringIO())
t7 = time.perf_counter()
print(json.dumps({{"import_s": t1 - t0, "open_dataset_s": t2 - t1, "duckdb_pass_s": t3 - t2,
                  "read_ref_s": t4 - t3, "landscape_s": t5 - t4, "write_json_s": t6 - t5,
                  "write_html_s": t7 - t6}}))
"""
    out = subprocess.run(
        [sys.executable, "-c", script],
        check=True,
        env=_env(),
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    import json

    return {k: round(v, 3) for k, v in json.loads(out.stdout.strip().splitlines()[-1]).items()}


def run(shared: Path) -> dict[str, Any]:
    ref = shared / "seeds" / SEED
    dataset, build_s = _dataset(shared)
    import ctparse.dataset

    rows = ctparse.dataset.open(dataset).manifest.get("rows", {})
    print(
        f"  dataset: {rows.get('studies', 0):,} studies, {rows.get('thresholds', 0):,} thresholds, "
        f"{rows.get('windows', 0):,} windows, {rows.get('entities', 0):,} entities "
        f"(build/update {build_s:.1f} s)"
    )
    figures: dict[str, Any] = {"studies": rows.get("studies"), "rows": rows, "target_s": TARGET_S}
    out = ROOT / ".bench" / "landscape-out"
    out.mkdir(exist_ok=True)
    for fmt in ("json", "html", "table"):
        target = out / f"landscape.{'md' if fmt == 'table' else fmt}"
        command = [sys.executable, "-m", "ctparse", "landscape", str(ref), "--against", str(dataset),
                   "-f", fmt, "-o", str(target), "-q"]  # fmt: skip
        _timed(command)  # warm the OS file cache; not counted
        runs = [_timed(command) for _ in range(RUNS)]
        walls = [w for w, _ in runs]
        median = statistics.median(walls)
        cpu = statistics.median(c for _, c in runs)
        load = os.getloadavg()[0]
        verdict = "ok" if median <= TARGET_S else "SLOWER THAN TARGET"
        print(
            f"  landscape seed 004 vs {rows.get('studies', 0):,} studies, {fmt}: median {median:.2f} s "
            f"(runs {', '.join(f'{w:.2f}' for w in walls)}; target ≤ {TARGET_S} s: {verdict}); "
            f"CPU {cpu:.2f} s; load average {load:.1f} on {os.cpu_count()} CPUs"
        )
        figures[fmt] = {
            "median_s": round(median, 3),
            "runs_s": [round(w, 3) for w in walls],
            "cpu_s": round(cpu, 3),
            "load_average": round(load, 2),
            "output_bytes": target.stat().st_size,
        }
    phases = _phases(ref, dataset)
    print(
        "  where the time goes (one process): "
        + ", ".join(f"{k} {v:.2f}" for k, v in phases.items())
    )
    print(
        "  (landscape_s is REF's pipeline load and parse; its DuckDB pass runs in a thread beside it)"
    )
    figures["phases"] = phases
    return figures


if __name__ == "__main__":
    run(ROOT.parent / "shared")
