"""Copy a trained pipeline into ``models/entities`` with its split and metadata.

    python training/entities/ship.py training/entities/output/model-best

Writes ``models/entities`` anew (keeping ``MODEL_CARD.md``): the spaCy model
folder, ``split.json`` (the trial ids of train/dev/test, from ``convert.py``)
and the name, version, description, licence and sources in ``meta.json``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent

META = {
    "name": "ctparse_entities",
    "version": "0.1.0",
    "description": "Conditions, drugs, procedures and measurements in clinical-trial"
    " eligibility criteria (CNN tok2vec + ner on spacy.blank('en')). See MODEL_CARD.md.",
    "license": "MIT AND CC-BY-4.0",
    "sources": [
        {
            "name": "Leaf Clinical Trials corpus (LCT)",
            "url": "https://doi.org/10.1038/s41597-022-01521-0",
            "license": "MIT",
            "author": "Dobbins et al., Sci Data 9:490 (2022)",
        },
        {
            "name": "Chia",
            "url": "https://doi.org/10.1038/s41597-020-00620-0",
            "license": "CC BY 4.0",
            "author": "Kury et al., Sci Data 7:281 (2020)",
        },
    ],
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", type=Path)
    parser.add_argument("--split", type=Path, default=HERE / "corpus/split.json")
    parser.add_argument("--to", type=Path, default=ROOT / "models/entities")
    args = parser.parse_args(argv)
    staging = args.to.with_name(args.to.name + ".new")
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(args.model, staging)
    shutil.copy(args.split, staging / "split.json")
    card = args.to / "MODEL_CARD.md"
    if card.is_file():
        shutil.copy(card, staging / card.name)
    meta_path = staging / "meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta.update(META)
    meta_path.write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    shutil.rmtree(args.to, ignore_errors=True)
    staging.rename(args.to)
    print(f"wrote {args.to}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
