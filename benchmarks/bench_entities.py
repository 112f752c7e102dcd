"""Assertions and concepts of entity spans: quality on the gold spans, and speed.

* Negation of the typed LCT gold entities (``ent_lct_dev.jsonl``): P/R of the
  negated class on the dev part (tuned on) and the held-back part (only
  reported), split by trial id (``ctparse.evaluation.assertions``).
* Concept coverage of the typed entities of both gold corpora, per type
  (``ctparse.evaluation.concepts``).
* Speed on one core: entities per second for assertions (per criterion line,
  all its gold spans at once) and for concepts (one entity text at a time).

    python benchmarks/bench_entities.py [SHARED_DIR]
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path
from typing import Any

TARGET_RATE = 20_000  # entities per second on one core (issue 14)


def _lines(docs: list[dict[str, Any]]) -> list[tuple[str, list[tuple[int, int]]]]:
    """Each criterion line with the typed gold spans in it, offsets into the line."""
    by_line: dict[tuple[int, int, int], list[tuple[int, int]]] = {}
    texts = {}
    for index, doc in enumerate(docs):
        text = doc["text"]
        texts[index] = text
        for entity in doc["entities"]:
            if entity.get("type") is None:
                continue
            start = text.rfind("\n", 0, entity["start"]) + 1
            end = text.find("\n", entity["end"])
            end = len(text) if end < 0 else end
            by_line.setdefault((index, start, end), []).append(
                (entity["start"] - start, entity["end"] - start)
            )
    return [(texts[i][s:e], spans) for (i, s, e), spans in by_line.items()]


def _rate(work: Any, count: int, runs: int) -> float:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        timings.append(time.perf_counter() - start)
    return count / statistics.median(timings)


def run(shared: Path, *, runs: int = 3) -> dict[str, Any]:
    """Measure; print and return the figures."""
    from ctparse.evaluation.assertions import evaluate_negation, format_negation, read_docs
    from ctparse.evaluation.concepts import coverage, format_coverage
    from ctparse.nlp.assertions import lexicon as cue_lexicon
    from ctparse.nlp.assertions import qualify
    from ctparse.nlp.concepts import entry_of
    from ctparse.nlp.concepts import lexicon as concept_lexicon

    gold = shared / "gold" / "entities"
    lct = read_docs(gold / "ent_lct_dev.jsonl")
    chia = read_docs(gold / "ent_chia_dev.jsonl")
    negation = evaluate_negation(lct)
    print("negation of the typed LCT gold entities (gold spans):")
    print(format_negation(negation))
    covered = coverage([*lct, *chia])
    print("\nconcept coverage of the typed gold entities:")
    print(format_coverage(covered))

    cue_lexicon()
    concept_lexicon()
    lines = _lines([*lct, *chia])
    spans = sum(len(s) for _, s in lines)
    assertion_rate = _rate(lambda: [qualify(text, s) for text, s in lines], spans, runs)
    entities = [
        (e["text"], e["type"]) for doc in [*lct, *chia] for e in doc["entities"] if e.get("type")
    ]
    # Every entity text afresh (no cache), as a stream of new criteria would give them.
    concept_rate = _rate(lambda: [entry_of(t, k) for t, k in entities], len(entities), runs)
    print(
        f"\nassertions: {assertion_rate:,.0f} entities/s ({len(lines):,} criterion lines); "
        f"concepts: {concept_rate:,.0f} entities/s; target {TARGET_RATE:,} on one core"
    )
    return {
        "name": "entities",
        "negation": {part: s.to_dict() for part, s in negation.items()},
        "coverage": covered.rows(),
        "coverage_all": round(covered.share(None, None), 3),
        "assertion_entities_per_second": round(assertion_rate),
        "concept_entities_per_second": round(concept_rate),
        "target_entities_per_second": TARGET_RATE,
        "meets_target": min(assertion_rate, concept_rate) >= TARGET_RATE,
    }


if __name__ == "__main__":
    here = Path(__file__).resolve().parent
    run(Path(sys.argv[1]) if len(sys.argv) > 1 else here.parent.parent / "shared")
