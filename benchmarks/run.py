"""`make bench`: run every benchmark and print its figures (nothing is asserted).

Each ``benchmarks/bench_<area>.py`` exposes ``run(shared: Path) -> dict`` that
prints its own figures and returns them; this runner calls them in order,
prints a summary and saves all figures to ``.bench/results.json``.

    python benchmarks/run.py --shared ../shared [--only segmentation,extraction]
"""

from __future__ import annotations

import argparse
import importlib
import json
import platform
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
AREAS = ("registry", "segmentation", "extraction", "compare")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=HERE.parent.parent / "shared")
    parser.add_argument("--only", default="", help="comma-separated areas: " + ",".join(AREAS))
    args = parser.parse_args(argv)
    wanted = [a for a in args.only.split(",") if a] or list(AREAS)
    unknown = sorted(set(wanted) - set(AREAS))
    if unknown:
        parser.error(f"unknown area(s): {', '.join(unknown)}")

    sys.path.insert(0, str(HERE))
    results: dict[str, object] = {
        "machine": {"python": platform.python_version(), "platform": platform.platform()},
    }
    for area in wanted:
        print(f"\n=== {area} ===", flush=True)
        try:
            module = importlib.import_module(f"bench_{area}")
        except ModuleNotFoundError as exc:
            print(f"(skipped: {exc})")
            continue
        started = time.perf_counter()
        results[area] = module.run(args.shared.resolve())
        print(f"({area} benchmark took {time.perf_counter() - started:.1f} s)", flush=True)

    out = HERE.parent / ".bench" / "results.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2, sort_keys=True, default=str) + "\n")
    print(f"\nall figures saved to {out.relative_to(HERE.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
