"""Criteria per second of the recognizer on one core.

    taskset -c 0 python training/entities/speed.py --model models/entities

Every non-blank line of the two gold corpora is one criterion, used once
(no repeats, so no cache helps); the lines go through ``recognize`` in one
call (``nlp.pipe`` batches). Prints lines, tokens, seconds, criteria/s and
the peak resident memory. Throughput is given per wall-clock second and per
CPU second of this process: on a shared machine the second one is the
figure that does not depend on what else runs.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
GOLD = HERE.parent.parent.parent / "shared/gold/entities"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=HERE.parent.parent / "models/entities")
    parser.add_argument("--gold", type=Path, default=GOLD)
    parser.add_argument("--batch-size", type=int, default=256)
    args = parser.parse_args(argv)
    # One thread for the matrix library, whatever the machine has.
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(name, "1")
    from ctparse.nlp.recognizer import lines, load_model, recognize

    criteria = []
    for name in ("ent_lct_dev.jsonl", "ent_chia_dev.jsonl"):
        with (args.gold / name).open(encoding="utf-8") as stream:
            for record in map(json.loads, stream):
                criteria.extend(line for _, line in lines(record["text"]))
    nlp = load_model(str(args.model))
    recognize(criteria[:200], nlp=nlp)  # warm up (first calls allocate)
    tokens = sum(len(doc) for doc in nlp.tokenizer.pipe(criteria))
    start, cpu_start = time.perf_counter(), time.process_time()
    found = recognize(criteria, nlp=nlp, batch_size=args.batch_size)
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{len(criteria)} criteria, {tokens} tokens ({tokens / len(criteria):.1f}/criterion),"
        f" {sum(map(len, found))} entities in {seconds:.2f} s ({cpu:.2f} s CPU):"
        f" {len(criteria) / seconds:,.0f} criteria/s wall, {len(criteria) / cpu:,.0f} per CPU"
        f" second, {tokens / cpu:,.0f} tokens per CPU second;"
        f" peak RSS {peak:.0f} MB; cpus {sorted(os.sched_getaffinity(0))}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
