"""Score a trained recognizer per corpus on one split part.

    python training/entities/score.py --model training/entities/output/model-best --split dev

Model selection uses ``--split dev`` only; ``--split test`` is for the figures
of the model card, once the model is chosen. ``--split-file`` defaults to the
one ``convert.py`` wrote (``corpus/split.json``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ctparse.evaluation.entities import CORE_TYPES, evaluate
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
    if args.json:
        args.json.write_text(json.dumps(reports, indent=1, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
