"""Score a trained recognizer per corpus on one split part.

    python training/entities/score.py --model training/entities/output/model-best --split dev

Model selection uses ``--split dev`` only; ``--split test`` is for the figures
of the model card, once the model is chosen. ``--split-file`` defaults to the
one ``convert.py`` wrote (``corpus/split.json``).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

from ctparse.evaluation.entities import (
    CORE_TYPES,
    GoldDocument,
    Span,
    evaluate,
    read_gold,
    score,
    select,
    split_ids,
)
from ctparse.nlp.recognizer import load_model, recognize

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
GOLD = ROOT.parent / "shared/gold/entities"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--split", default="dev")
    parser.add_argument("--split-file", type=Path, default=HERE / "corpus/split.json")
    parser.add_argument("--gold", type=Path, default=GOLD)
    parser.add_argument("--device", action="store_true", help="score device too")
    parser.add_argument("--nested", default="all", choices=("all", "longest"))
    parser.add_argument("--json", type=Path, help="also write the reports here")
    parser.add_argument(
        "--bootstrap", type=int, default=0, help="draws for 95%% intervals (over documents)"
    )
    args = parser.parse_args(argv)
    nlp = load_model(str(args.model))
    types = (*CORE_TYPES, "device") if args.device else CORE_TYPES
    reports = {}
    for corpus in ("lct", "chia"):
        report = evaluate(
            args.gold / f"ent_{corpus}_dev.jsonl",
            recognizer=lambda texts: recognize(texts, nlp=nlp, labels=types),
            split=args.split,
            split_file=args.split_file,
            types=types,
            nested=args.nested,
        )
        print(report.format_text())
        reports[corpus] = report.to_dict()
        if args.bootstrap:
            documents = read_gold(args.gold / f"ent_{corpus}_dev.jsonl", types=types)
            documents, _ = select(documents, args.split, split_ids(args.split_file))
            predicted = recognize([d.text for d in documents], nlp=nlp, labels=types)
            intervals = bootstrap(documents, predicted, types, args.bootstrap)
            for line in intervals:
                print(f"  95% interval {line}")
    if args.json:
        args.json.write_text(json.dumps(reports, indent=1, sort_keys=True) + "\n")
    return 0


def bootstrap(
    documents: list[GoldDocument], predicted: list[list[Span]], types: tuple[str, ...], draws: int
) -> list[str]:
    """2.5 and 97.5 percentiles of F1 over documents drawn with replacement (seed 14)."""
    rng = random.Random(14)
    pairs = list(zip(documents, predicted, strict=True))
    samples: dict[tuple[str, str], list[float]] = {}
    for _ in range(draws):
        drawn = [rng.choice(pairs) for _ in pairs]
        report = score([d for d, _ in drawn], [p for _, p in drawn], types=types)
        for mode in ("strict", "relaxed"):
            for label in (*types, "micro"):
                samples.setdefault((mode, label), []).append(report.score_of(mode, label).f1)
    lines = []
    for (mode, label), values in samples.items():
        values.sort()
        low, high = values[int(0.025 * draws)], values[min(draws - 1, int(0.975 * draws))]
        lines.append(f"{mode:<8} {label:<12} {low:.2f}-{high:.2f}")
    return lines


if __name__ == "__main__":
    sys.exit(main())
