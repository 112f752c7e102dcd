"""`ctparse compare` wall time, start-up included, and where import time goes.

Runs the command as a user would (a fresh Python process each time) on the two
corpus studies, offline, and reports the median of several runs against the
2 s target; then one ``python -X importtime`` run lists the slowest imports.

    python benchmarks/run.py --only compare
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = 7
TARGET_S = 2.0
PAIRS = {
    # The ESCC seeds: criteria on one side only (seed 000 is a CSV row).
    "escc_seeds": ("NCT05990231", "local-8446462a6559f0be"),
    # Criteria on both sides: every pass of the alignment runs.
    "self": ("NCT05990231", "NCT05990231"),
}


def _command(a: str, b: str, fmt: str = "json") -> list[str]:
    return [sys.executable, "-m", "ctparse", "compare", a, b, "--offline", "-f", fmt]


def _env(cache: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(CTPARSE_CORPUS=cache, CTPARSE_API_URL="http://127.0.0.1:9/api/v2")
    return env


def _time(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, env=env, cwd=ROOT, capture_output=True)
    return time.perf_counter() - started


def _cpu(command: list[str], env: dict[str, str]) -> float:
    """User + system CPU seconds of one run: unlike wall time, barely moved by
    other processes competing for the machine."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, check=True, env=env, cwd=ROOT, capture_output=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _import_hot_spots(command: list[str], env: dict[str, str], top: int = 12) -> list[dict]:
    """The slowest imports (cumulative microseconds) of one run."""
    result = subprocess.run(
        [command[0], "-X", "importtime", *command[1:]],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    rows = []
    for line in result.stderr.splitlines():
        # "import time:  self [us] | cumulative | <2 spaces per level>module"
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        self_us, cumulative_us, name = line.removeprefix("import time:").split("|")
        depth = (len(name) - len(name.lstrip()) - 1) // 2
        rows.append(
            {
                "module": name.strip(),
                "cumulative_ms": int(cumulative_us) / 1000,
                "self_ms": int(self_us) / 1000,
                "depth": depth,
            }
        )
    total = sum(r["self_ms"] for r in rows)
    top_level = sorted((r for r in rows if r["depth"] == 0), key=lambda r: -r["cumulative_ms"])
    print(f"  imports: {total:.0f} ms in all; slowest top-level imports:")
    for row in top_level[:top]:
        print(f"    {row['cumulative_ms']:8.1f} ms  {row['module']}")
    return [
        {"module": r["module"], "cumulative_ms": r["cumulative_ms"]} for r in top_level[:top]
    ] + [{"module": "(all imports)", "cumulative_ms": round(total, 1)}]


def run(shared: Path) -> dict:
    """Median wall time of `ctparse compare` per pair; import hot spots."""
    figures: dict[str, object] = {"runs": RUNS, "target_s": TARGET_S}
    with tempfile.TemporaryDirectory(prefix="ctparse-bench-") as cache:
        env = _env(cache)
        for name, (a, b) in PAIRS.items():
            command = _command(a, b)
            _time(command, env)  # warm the OS file cache; not counted
            times = [_time(command, env) for _ in range(RUNS)]
            median = statistics.median(times)
            cpu = statistics.median(_cpu(command, env) for _ in range(3))
            load = os.getloadavg()[0]
            verdict = "ok" if median < TARGET_S else "SLOWER THAN TARGET"
            print(
                f"  compare {a} {b}: median {median:.2f} s "
                f"(min {min(times):.2f}, max {max(times):.2f}; target < {TARGET_S} s: {verdict}); "
                f"CPU {cpu:.2f} s; load average {load:.1f} on {os.cpu_count()} CPUs"
            )
            figures[name] = {
                "median_s": round(median, 3),
                "min_s": round(min(times), 3),
                "max_s": round(max(times), 3),
                "cpu_s": round(cpu, 3),
                "load_average": round(load, 2),
            }
        html_command = _command(*PAIRS["escc_seeds"], fmt="html")
        figures["escc_seeds_html_s"] = round(
            statistics.median(_time(html_command, env) for _ in range(3)), 3
        )
        print(f"  same, --format html: median {figures['escc_seeds_html_s']:.2f} s")
        figures["import_hot_spots"] = _import_hot_spots(_command(*PAIRS["escc_seeds"]), env)
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import ctparse.cli"], check=True, env=env)
        figures["import_cli_s"] = round(time.perf_counter() - started, 3)
        print(f"  python -c 'import ctparse.cli': {figures['import_cli_s']:.2f} s")
    return figures


if __name__ == "__main__":
    run(ROOT.parent / "shared")
