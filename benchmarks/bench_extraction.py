"""Extraction speed and memory: segmentation + thresholds + windows + normalization.

The workload is every eligibility text of ``gold/lct_dev_segmentation.jsonl``
(491 trials, ~4,500 registrant lines), repeated to about 40,000 criteria, run
through the ctparse spaCy pipeline (``ctparse.nlp.load()``: sections,
segmenter, thresholds, windows) on one core and in 2 worker processes
(``--workers 2`` in the CLI). Each figure is the median of 3 runs; peak memory
is the largest resident set of the process and of any worker.

    python benchmarks/run.py --only extraction
"""

from __future__ import annotations

import json
import resource
import statistics
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

RUNS = 3
TARGET_CRITERIA = 40_000


def _texts(shared: Path) -> list[str]:
    path = shared / "gold" / "lct_dev_segmentation.jsonl"
    texts = []
    with path.open(encoding="utf-8") as stream:
        for line in stream:
            if line.strip():
                texts.append(json.loads(line)["text"])
    return texts


def _count(texts: list[str]) -> tuple[int, int, int]:
    """(criteria, thresholds + windows, partial) for one pass over ``texts``."""
    from ctparse.nlp import load

    nlp = load()
    criteria = limits = partial = 0
    for doc in nlp.pipe(texts):
        for criterion in doc._.criteria:
            criteria += 1
            limits += len(criterion.thresholds) + len(criterion.windows)
            partial += criterion.status == "partial"
    return criteria, limits, partial


def _chunk(texts: list[str]) -> int:
    return _count(texts)[0]


def _peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024.0


def run(shared: Path) -> dict[str, Any]:
    base = _texts(shared)
    per_pass, limits, partial = _count(base)  # also warms the pipeline and rule caches
    repeat = max(1, TARGET_CRITERIA // max(per_pass, 1))
    texts = base * repeat
    total = per_pass * repeat

    single = []
    for _ in range(RUNS):
        started = time.perf_counter()
        _count(texts)
        single.append(total / (time.perf_counter() - started))

    chunks = [texts[i : i + 200] for i in range(0, len(texts), 200)]
    double = []
    with ProcessPoolExecutor(max_workers=2) as pool:
        list(pool.map(_chunk, chunks[:4]))  # start both workers, load the pipeline
        for _ in range(RUNS):
            started = time.perf_counter()
            done = sum(pool.map(_chunk, chunks))
            double.append(done / (time.perf_counter() - started))

    figures = {
        "criteria_per_pass": per_pass,
        "limits_per_pass": limits,
        "partial_per_pass": partial,
        "criteria_timed": total,
        "criteria_per_s_1_core": round(statistics.median(single)),
        "criteria_per_s_2_workers": round(statistics.median(double)),
        "runs": RUNS,
        "peak_rss_mb": round(_peak_mb(), 1),
    }
    print(
        f"segmentation + extraction: {figures['criteria_per_s_1_core']:,} criteria/s on one core, "
        f"{figures['criteria_per_s_2_workers']:,} criteria/s with 2 workers "
        f"(median of {RUNS}, {total:,} criteria); peak RSS {figures['peak_rss_mb']} MB"
    )
    print(f"per pass: {per_pass:,} criteria, {limits:,} thresholds + windows, {partial:,} partial")
    return figures


if __name__ == "__main__":
    import sys

    run(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "shared")
