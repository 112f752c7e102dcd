"""`make bench`: run every benchmark and print its figures (nothing is asserted).

Each ``benchmarks/bench_<area>.py`` exposes ``run(shared: Path) -> dict`` that
prints its own figures and returns them. This runner starts every benchmark in
a process of its own, so that one benchmark's peak memory is not another's,
then saves all figures to ``.bench/results.json``.

    python benchmarks/run.py --shared ../shared [--only segmentation,extraction]
"""

from __future__ import annotations

import argparse
import importlib
import json
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
AREAS = ("registry", "segmentation", "extraction", "compare", "entities", "dataset", "landscape")


def run_one(area: str, shared: Path, out: Path) -> None:
    """In the child process: run one benchmark and write its figures to ``out``."""
    sys.path.insert(0, str(HERE))
    module = importlib.import_module(f"bench_{area}")
    out.write_text(json.dumps(module.run(shared), default=str))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=HERE.parent.parent / "shared")
    parser.add_argument("--only", default="", help="comma-separated areas: " + ",".join(AREAS))
    parser.add_argument("--child", nargs=2, metavar=("AREA", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        run_one(args.child[0], args.shared.resolve(), Path(args.child[1]))
        return 0
    wanted = [a for a in args.only.split(",") if a] or list(AREAS)
    unknown = sorted(set(wanted) - set(AREAS))
    if unknown:
        parser.error(f"unknown area(s): {', '.join(unknown)}")
    if not (args.shared / "gold").is_dir():
        parser.error(f"{args.shared}/gold not found: pass --shared DIR (the shared material)")

    results: dict[str, object] = {
        "machine": {"python": platform.python_version(), "platform": platform.platform()},
    }
    failed = []
    for area in wanted:
        print(f"\n=== {area} ===", flush=True)
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "figures.json"
            started = time.perf_counter()
            child = subprocess.run(
                [sys.executable, __file__, "--shared", str(args.shared), "--child", area, str(out)],
                check=False,
            )
            took = time.perf_counter() - started
            if child.returncode != 0 or not out.is_file():
                print(f"({area} benchmark failed with exit code {child.returncode})")
                failed.append(area)
                continue
            results[area] = json.loads(out.read_text())
        print(f"({area} benchmark took {took:.1f} s)", flush=True)

    target = HERE.parent / ".bench" / "results.json"
    target.parent.mkdir(exist_ok=True)
    target.write_text(json.dumps(results, indent=2, sort_keys=True, default=str) + "\n")
    print(f"\nall figures saved to {target.relative_to(HERE.parent)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
