"""Segmentation speed: criteria per second over the gold texts, and peak memory.

The dev gold texts (``../shared/gold/lct_dev_segmentation.jsonl``) are
repeated until they hold at least 100,000 criteria and run through the
pipeline up to the segmenter (``spacy.blank("en")`` tokenizer +
``ctparse_sections`` + ``ctparse_segmenter``) with ``nlp.pipe`` on one core.
The figure is the median of ``runs`` timed passes after a full warm pass;
peak memory is the process's maximum resident set size, and its growth over
the timed passes shows that memory stays flat (docs are streamed, not kept).

    python benchmarks/bench_segmentation.py [SHARED_DIR]
"""

from __future__ import annotations

import json
import resource
import statistics
import sys
import time
from pathlib import Path
from typing import Any

TARGET_CRITERIA = 100_000
TARGET_RATE = 10_000  # criteria per second (issue 4)


def run(shared: Path, *, runs: int = 3) -> dict[str, Any]:
    """Time segmentation; return the figures as a dict."""
    from ctparse.nlp import load

    gold = shared / "gold" / "lct_dev_segmentation.jsonl"
    texts = [json.loads(line)["text"] for line in gold.read_text(encoding="utf-8").splitlines()]
    nlp = load(components=("ctparse_sections", "ctparse_segmenter"))
    per_pass = sum(len(doc._.criteria) for doc in nlp.pipe(texts))  # warm-up, and the count
    repeat = -(-TARGET_CRITERIA // per_pass)
    corpus = texts * repeat
    sum(len(doc._.criteria) for doc in nlp.pipe(corpus, batch_size=256))  # a full warm pass
    warm_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    timings = []
    criteria = 0
    for _ in range(runs):
        start = time.perf_counter()
        criteria = sum(len(doc._.criteria) for doc in nlp.pipe(corpus, batch_size=256))
        timings.append(time.perf_counter() - start)
    seconds = statistics.median(timings)
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    rate = criteria / seconds
    result = {
        "name": "segmentation",
        "texts": len(corpus),
        "characters": sum(map(len, corpus)),
        "criteria": criteria,
        "runs": runs,
        "seconds_median": round(seconds, 3),
        "criteria_per_second": round(rate),
        "target_criteria_per_second": TARGET_RATE,
        "meets_target": rate >= TARGET_RATE,
        "peak_memory_mb": round(peak_kb / 1024, 1),
        # growth of the peak over the timed passes: ~0 when docs are streamed
        "memory_growth_mb": round((peak_kb - warm_kb) / 1024, 1),
    }
    print(
        f"segmentation: {result['criteria']:,} criteria in {result['seconds_median']} s"
        f" (median of {result['runs']}) = {result['criteria_per_second']:,} criteria/s"
        f" (target {TARGET_RATE:,}); peak memory {result['peak_memory_mb']} MB"
        f" (+{result['memory_growth_mb']} MB over the timed passes)"
    )
    return result


def main(argv: list[str]) -> int:
    shared = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parents[2] / "shared"
    return 0 if run(shared)["meets_target"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
