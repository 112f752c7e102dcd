"""A synthetic registry bulk ZIP whose criteria are real, distinct texts.

Every study's eligibility text is a new combination of criterion lines of
the development gold (``../shared/gold/lct_dev_segmentation.jsonl``; the
shipped corpus when it is absent), with the numbers varied (``ANC ≥ 1.5``
becomes ``ANC ≥ 2``, ``within 4 weeks`` becomes ``within 6 weeks``), so that
no two documents repeat and every number still sits where a registrant put
one. Studies are API v2 JSON records laid out as in the registry's archive
(one JSON per study, in folders by NCT id range), with titles, phases,
statuses, conditions, interventions and outcomes drawn from small lists.

    python benchmarks/synthetic_bulk.py --studies 100000 -o /tmp/ctg-synthetic.zip
    python benchmarks/synthetic_bulk.py --change 0.01 --from /tmp/ctg-synthetic.zip -o /tmp/changed.zip

Used by ``benchmarks/bench_dataset.py`` and by the dataset tests (small archives).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import random
import re
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
_NUMBER = re.compile(r"(?<![\w^.,/])\d+(?:\.\d+)?(?![\w^]|\.\d)")
_BULLET = re.compile(r"^\s*(?:[-*•·]|\(?\d{1,2}[.)]|\(?[a-zA-Z][.)])\s+")
_HEADER = re.compile(r"(inclusion|exclusion)\s+criteria", re.IGNORECASE)

PHASES = (["PHASE1"], ["PHASE2"], ["PHASE3"], ["PHASE1", "PHASE2"], ["PHASE4"], ["NA"], [])
STATUSES = ("RECRUITING", "COMPLETED", "ACTIVE_NOT_RECRUITING", "NOT_YET_RECRUITING", "TERMINATED")
CONDITIONS = (
    "Breast Cancer",
    "Non-small Cell Lung Cancer",
    "Type 2 Diabetes",
    "Hypertension",
    "Esophageal Squamous Cell Carcinoma",
    "Multiple Myeloma",
    "Asthma",
    "Heart Failure",
)
DRUGS = (
    "Pembrolizumab",
    "Metformin",
    "Paclitaxel",
    "Placebo",
    "Camrelizumab",
    "Lenalidomide",
    "Semaglutide",
    "Amlodipine",
    "Anlotinib",
    "Dexamethasone",
)


@dataclass(frozen=True)
class Lines:
    """Criterion lines by section, without their bullets."""

    inclusion: tuple[str, ...]
    exclusion: tuple[str, ...]


def gold_lines(shared: Path | None) -> Lines:
    """The registrants' criterion lines of the dev gold, else of the shipped corpus."""
    path = shared / "gold" / "lct_dev_segmentation.jsonl" if shared else None
    inclusion: list[str] = []
    exclusion: list[str] = []
    if path is not None and path.is_file():
        with path.open(encoding="utf-8") as stream:
            for line in stream:
                if not line.strip():
                    continue
                record = json.loads(line)
                for c in record["criteria"]:
                    text = " ".join(record["text"][c["start"] : c["end"]].split())
                    text = _BULLET.sub("", text)
                    if len(text) < 8:
                        continue
                    (exclusion if c.get("section") == "exclusion" else inclusion).append(text)
    else:
        text = (HERE.parent / "corpus" / "NCT05990231.page.txt").read_text(encoding="utf-8")
        sentences = [
            s.strip() for s in re.split(r"(?<=[.;])\s+", text) if 20 < len(s.strip()) < 300
        ]
        half = len(sentences) // 2
        inclusion, exclusion = sentences[:half], sentences[half:]
    return Lines(tuple(dict.fromkeys(inclusion)), tuple(dict.fromkeys(exclusion)))


def vary(line: str, rng: random.Random) -> str:
    """The line with about half of its standalone numbers changed a little."""

    def change(match: re.Match[str]) -> str:
        if rng.random() < 0.5:
            return match.group(0)
        text = match.group(0)
        if "." in text:
            value = float(text) * rng.choice((0.5, 0.8, 1.2, 1.5, 2.0))
            return f"{value:.1f}"
        value = int(text)
        return str(max(0, value + rng.choice((-2, -1, 1, 2, 3)) * max(1, value // 10)))

    return _NUMBER.sub(change, line)


def criteria_text(rng: random.Random, lines: Lines) -> str:
    inclusion = [vary(x, rng) for x in rng.sample(lines.inclusion, rng.randint(3, 9))]
    exclusion = [vary(x, rng) for x in rng.sample(lines.exclusion, rng.randint(3, 9))]
    return (
        (
            "Inclusion Criteria:\n\n"
            + "".join(f"* {x}\n" for x in inclusion)
            + "\nExclusion Criteria:\n\n"
            + "".join(f"* {x}\n" for x in exclusion)
        )
        .replace(">", "\\>")
        .replace("<", "\\<")
    )


def record(nct_id: str, text: str, rng: random.Random, *, last_update: str) -> dict:
    """An API v2 study record (the shape of the registry's archive members)."""
    condition = rng.choice(CONDITIONS)
    drugs = rng.sample(DRUGS, 2)
    minimum = rng.choice((18, 18, 18, 12, 40, 65))
    return {
        "protocolSection": {
            "identificationModule": {
                "nctId": nct_id,
                "briefTitle": f"{drugs[0]} and {drugs[1]} in {condition} ({nct_id[-5:]})",
                "officialTitle": f"A Study of {drugs[0]} Plus {drugs[1]} in Patients With {condition}",
            },
            "statusModule": {
                "overallStatus": rng.choice(STATUSES),
                "lastUpdatePostDateStruct": {"date": last_update, "type": "ACTUAL"},
                "startDateStruct": {"date": f"20{rng.randint(10, 24)}-0{rng.randint(1, 9)}"},
            },
            "sponsorCollaboratorsModule": {
                "leadSponsor": {"name": f"Sponsor {rng.randint(1, 400)}"}
            },
            "conditionsModule": {"conditions": [condition]},
            "designModule": {
                "studyType": "INTERVENTIONAL",
                "phases": rng.choice(PHASES),
                "designInfo": {"allocation": "RANDOMIZED", "primaryPurpose": "TREATMENT"},
                "enrollmentInfo": {"count": rng.randint(10, 900), "type": "ESTIMATED"},
            },
            "armsInterventionsModule": {
                "interventions": [{"type": "DRUG", "name": name} for name in drugs]
            },
            "outcomesModule": {
                "primaryOutcomes": [{"measure": "Overall survival", "timeFrame": "2 years"}],
                "secondaryOutcomes": [{"measure": "Adverse events", "timeFrame": "1 year"}],
            },
            "eligibilityModule": {
                "eligibilityCriteria": text,
                "sex": "ALL",
                "minimumAge": f"{minimum} Years",
                "healthyVolunteers": False,
            },
        },
        "hasResults": False,
    }


def member_name(nct_id: str) -> str:
    """``ctg-studies.json/NCT059xxxxx/NCT05912345.json``: folders by 100,000-id range."""
    return f"ctg-studies.json/{nct_id[:6]}xxxxx/{nct_id}.json"


def write_archive(
    path: Path,
    count: int,
    *,
    lines: Lines,
    seed: int = 0,
    id_space: int = 7_000_000,
    last_update: str = "2025-01-15",
) -> list[str]:
    """Write ``count`` distinct studies to a ZIP; their NCT ids, sorted.

    Ids are drawn from NCT00000000–NCT0<id_space> (the registry's spread:
    ~70 id ranges of 100,000 for 7 million).
    """
    rng = random.Random(seed)
    ids = sorted(f"NCT{n:08d}" for n in rng.sample(range(id_space), count))
    seen: set[bytes] = set()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for nct_id in ids:
            while True:
                text = criteria_text(rng, lines)
                digest = hashlib.sha1(text.encode("utf-8")).digest()[:10]
                if digest not in seen:
                    seen.add(digest)
                    break
            data = json.dumps(
                record(nct_id, text, rng, last_update=last_update), separators=(",", ":")
            )
            archive.writestr(member_name(nct_id), data)
    return ids


def change_archive(
    source: Path, target: Path, *, fraction: float, lines: Lines, seed: int = 1
) -> list[str]:
    """Copy an archive with ``fraction`` of its studies changed (new criteria
    text, a later last-update date); the changed NCT ids."""
    rng = random.Random(seed)
    changed: list[str] = []
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info)
            if not info.is_dir() and rng.random() < fraction:
                study = json.loads(data)
                protocol = study["protocolSection"]
                protocol["eligibilityModule"]["eligibilityCriteria"] = criteria_text(rng, lines)
                day = dt.date.fromisoformat(
                    protocol["statusModule"]["lastUpdatePostDateStruct"]["date"]
                )
                protocol["statusModule"]["lastUpdatePostDateStruct"]["date"] = (
                    day + dt.timedelta(days=30)
                ).isoformat()
                data = json.dumps(study, separators=(",", ":")).encode("utf-8")
                changed.append(protocol["identificationModule"]["nctId"])
            new.writestr(info.filename, data)
    return sorted(changed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--studies", type=int, default=100_000, help="studies to write")
    parser.add_argument(
        "--shared",
        type=Path,
        default=HERE.parent.parent / "shared",
        help="the shared folder whose dev gold lines are recombined",
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed (same seed, same archive)")
    parser.add_argument(
        "--change", type=float, help="with --from: the fraction of studies to change"
    )
    parser.add_argument("--from", dest="source", type=Path, help="the archive to copy with changes")
    parser.add_argument("-o", "--output", type=Path, required=True)
    args = parser.parse_args(argv)
    if (args.change is None) != (args.source is None):
        parser.error("--change and --from go together: --from ARCHIVE --change FRACTION")
    if args.source is not None and args.source.resolve() == args.output.resolve():
        parser.error("--from and -o name the same file; write the changed copy elsewhere")
    lines = gold_lines(args.shared)
    if args.change is not None:
        changed = change_archive(
            args.source, args.output, fraction=args.change, lines=lines, seed=args.seed
        )
        print(f"wrote {args.output}: {len(changed)} studies changed")
    else:
        ids = write_archive(args.output, args.studies, lines=lines, seed=args.seed)
        print(f"wrote {args.output}: {len(ids)} studies")
    return 0


if __name__ == "__main__":
    sys.exit(main())
