"""Speed and memory of the pipeline, on real text used once.

* **Throughput**: every distinct real eligibility text we have — the development
  gold of LCT (491 trials) and Chia (1,024 documents), the two seed records and
  the API/legacy samples — each parsed once, in a fresh process per run (so no
  string or cache is warm from an earlier run), median of 3 runs, on one core
  (CPU time of the process) and with ``nlp.pipe(n_process=2)`` (wall time):
  the rule pipeline (``--no-entities``), the entity stage alone (the recognizer
  on every atomic criterion), and the whole pipeline with entities.
* **Memory**: 100,000 distinct synthetic documents (real criterion lines of the
  gold recombined with their numbers varied, ``benchmarks/synthetic_bulk.py``)
  streamed through ``ctparse.nlp.study.texts_criteria`` (memory zones per batch):
  the resident set and the vocabulary's string count after 1k, 10k, 50k and 100k.
* **Start-up**: wall time of ``ctparse thresholds "ECOG 0-1" --no-entities`` and
  of ``import ctparse.cli`` (median of 5).

The issue's reference points are printed beside the figures: the rule pipeline
needed 7.9 CPU-seconds for 2,327 texts (29k registrant lines) before, about
3,700 lines per CPU-second; the Go rule parser of Clinical-Trial-Parser 1.4 s.

    python benchmarks/run.py --only extraction
"""

from __future__ import annotations

import json
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
RUNS = 3
#: The issue's figures before this work and for the Go rule parser.
BEFORE_LINES_PER_CPU_S = 29_000 / 7.9
GO_RATIO = 7.9 / 1.4


def real_texts(shared: Path) -> list[str]:
    """Every distinct real eligibility text: gold (LCT, Chia), seeds, samples."""
    sys.path.insert(0, str(ROOT))
    from ctparse.readers import read_studies

    texts: list[str] = []
    for name in ("gold/lct_dev_segmentation.jsonl", "gold/entities/ent_chia_dev.jsonl"):
        path = shared / name
        if path.is_file():
            with path.open(encoding="utf-8") as stream:
                texts += [json.loads(line)["text"] for line in stream if line.strip()]
    for folder in (shared / "seeds", shared / "reference" / "ctgov-samples"):
        for path in sorted(folder.glob("*")):
            if path.suffix in (".json", ".xml", ".txt"):
                for study in read_studies(path.read_bytes(), location=str(path)):
                    if study.eligibility.criteria_text:
                        texts.append(study.eligibility.criteria_text)
    return list(dict.fromkeys(t for t in texts if t.strip()))


def _child(mode: str, shared: str) -> dict[str, Any]:
    """One run in this (fresh) process; prints nothing, returns figures."""
    texts = real_texts(Path(shared))
    from ctparse.nlp import load
    from ctparse.nlp.study import texts_criteria

    nlp = load(entities=mode != "rules")
    list(texts_criteria(texts[:5], nlp=load(entities=False)))  # rules compiled, not timed
    if mode == "entities-alone":
        from ctparse.nlp.recognizer import load_model, recognize

        load_model()
        criteria = [
            c.text for group in texts_criteria(texts, nlp=load(entities=False)) for c in group
        ]
        started = time.process_time()
        recognize(criteria)
        seconds = time.process_time() - started
        return {"criteria": len(criteria), "seconds": seconds, "lines": 0}
    if mode != "rules":
        from ctparse.nlp.recognizer import load_model

        load_model()
    lines = sum(len([x for x in t.splitlines() if x.strip()]) for t in texts)
    workers = 2 if mode.endswith("2") else 1
    clock = time.perf_counter if workers > 1 else time.process_time
    started = clock()
    criteria = sum(len(c) for c in texts_criteria(texts, nlp=nlp, n_process=workers))
    seconds = clock() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "criteria": criteria,
        "seconds": seconds,
        "lines": lines,
        "texts": len(texts),
        "peak_mb": peak,
    }


def _run_child(mode: str, shared: Path) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(shared)],
        capture_output=True, text=True, check=True, cwd=ROOT,
    )  # fmt: skip
    return json.loads(out.stdout)


def _throughput(mode: str, shared: Path) -> dict[str, Any]:
    runs = [_run_child(mode, shared) for _ in range(RUNS)]
    rates = [r["criteria"] / r["seconds"] for r in runs]
    best = runs[rates.index(statistics.median(rates))]
    return {
        "criteria": best["criteria"],
        "criteria_per_s": round(statistics.median(rates)),
        "seconds_median": round(statistics.median(r["seconds"] for r in runs), 3),
        "lines_per_s": round(best["lines"] / best["seconds"]) if best["lines"] else None,
        "peak_mb": round(best.get("peak_mb", 0), 1),
        "runs": RUNS,
    }


def _memory(shared: Path) -> list[dict[str, Any]]:
    sys.path.insert(0, str(HERE))
    import random

    import synthetic_bulk

    from ctparse.nlp import load
    from ctparse.nlp.study import texts_criteria

    lines = synthetic_bulk.gold_lines(shared)
    rng = random.Random(20261201)

    def documents(n: int):
        for _ in range(n):
            yield synthetic_bulk.criteria_text(rng, lines)

    nlp = load(entities=False)
    marks = {1_000, 10_000, 50_000, 100_000}
    samples = []
    for done, _ in enumerate(texts_criteria(documents(100_000), nlp=nlp), start=1):
        if done in marks:
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            samples.append(
                {"documents": done, "peak_rss_mb": round(rss, 1), "strings": len(nlp.vocab.strings)}
            )
    return samples


def _startup() -> dict[str, float]:
    ctparse = [str(Path(sys.executable).with_name("ctparse"))]
    commands = {
        "thresholds_no_entities_s": [*ctparse, "thresholds", "ECOG 0-1", "--no-entities", "--format", "json"],
        "import_cli_s": [sys.executable, "-c", "import ctparse.cli"],
    }  # fmt: skip
    figures = {}
    for name, command in commands.items():
        times = []
        for _ in range(5):
            started = time.perf_counter()
            subprocess.run(command, capture_output=True, check=True, cwd=ROOT, env={**os.environ})
            times.append(time.perf_counter() - started)
        figures[name] = round(statistics.median(times), 3)
    return figures


def run(shared: Path) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    for mode in ("rules", "rules-2", "entities-alone", "all", "all-2"):
        figures[mode] = _throughput(mode, shared)
        f = figures[mode]
        print(f"{mode:<15} {f['criteria_per_s']:>7,} criteria/s  ({f['criteria']:,} criteria, "
              f"median of {RUNS}; peak {f['peak_mb']} MB)", flush=True)  # fmt: skip
    rules = figures["rules"]
    if rules["lines_per_s"]:
        ratio = rules["lines_per_s"] / BEFORE_LINES_PER_CPU_S
        figures["rules"]["vs_before"] = round(ratio, 2)
        figures["rules"]["vs_go_parser"] = round(ratio / GO_RATIO, 2)
        print(f"rules: {rules['lines_per_s']:,} registrant lines per CPU-second = {ratio:.2f}× before "
              f"(3,671/s); the Go parser was {GO_RATIO:.1f}× before, so {ratio / GO_RATIO:.2f}× the Go parser")  # fmt: skip
    figures["memory"] = _memory(shared)
    for sample in figures["memory"]:
        print(f"memory after {sample['documents']:>7,} distinct documents: peak RSS "
              f"{sample['peak_rss_mb']} MB, {sample['strings']:,} strings")  # fmt: skip
    figures["startup"] = _startup()
    print("start-up: " + ", ".join(f"{k} {v} s" for k, v in figures["startup"].items()))
    return figures


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        print(json.dumps(_child(sys.argv[2], sys.argv[3])))
    else:
        run(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared")
