"""Criterion links and verdicts of ``ctparse compare`` against hand-judged pairs.

The gold format and the judging rules are in ``tests/gold/COMPARE_JUDGING.md``:
one record per pair of trials, each trial named by its source file under the
shared folder (``../shared``) and its id, criteria as ``[start, end]`` spans
into its eligibility text (``"age"``: the structured age limits), grouped into
links with a verdict; the rest alone.

Scoring:

* a gold link of ``m`` criteria of A and ``n`` of B stands for ``m × n``
  criterion pairs; a row of the comparison likewise for every criterion of A
  in it with every criterion of B in it;
* a ctparse criterion stands for the gold criterion its span overlaps most
  (pieces of a line for the line; the structured age for ``"age"``);
* **precision**: predicted pairs that are gold pairs / predicted pairs;
  **recall**: gold pairs predicted / gold pairs; **verdict accuracy**: over
  the right pairs, the share whose row has the gold verdict.

Figures are given per half (``dev``, tuned on; ``held-back``, only reported
on) and per pair, with the wrong and missed links named for inspection.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import GoldError
from ..schema import Comparison, Criterion, Study
from .gold import gold_lines

Unit = tuple[int, int] | str  # a span, or "age"
VERDICTS = ("same", "a_stricter", "b_stricter", "different")


@dataclass
class Score:
    """Link and verdict counts of a set of pairs."""

    pairs: int = 0
    gold: int = 0
    predicted: int = 0
    right: int = 0
    verdict_right: int = 0

    @property
    def precision(self) -> float:
        return self.right / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.right / self.gold if self.gold else 1.0

    @property
    def verdict_accuracy(self) -> float:
        return self.verdict_right / self.right if self.right else 0.0

    def add(self, other: Score) -> None:
        self.pairs += other.pairs
        self.gold += other.gold
        self.predicted += other.predicted
        self.right += other.right
        self.verdict_right += other.verdict_right

    def as_dict(self) -> dict[str, Any]:
        return {
            "pairs": self.pairs,
            "link_precision": round(self.precision, 4),
            "link_recall": round(self.recall, 4),
            "verdict_accuracy": round(self.verdict_accuracy, 4),
            "gold_links": self.gold,
            "predicted_links": self.predicted,
            "right_links": self.right,
            "right_verdicts": self.verdict_right,
        }


@dataclass
class PairResult:
    """One pair of trials scored, with what went wrong in words."""

    pair: str
    half: str
    score: Score
    wrong: list[str] = field(default_factory=list)  # predicted links not in the gold
    missed: list[str] = field(default_factory=list)  # gold links not predicted
    verdicts: list[str] = field(default_factory=list)  # right links, wrong verdict


@dataclass
class CompareReport:
    """``evaluate()`` result: one Score per half, and every pair's result."""

    gold_path: str
    halves: dict[str, Score] = field(default_factory=dict)
    results: list[PairResult] = field(default_factory=list)

    def rows(self) -> list[dict[str, Any]]:
        """One row per half, then one per pair."""
        rows = [
            {"task": "compare", "half": h, "pair": "all", **s.as_dict()}
            for h, s in self.halves.items()
        ]
        rows += [
            {"task": "compare", "half": r.half, "pair": r.pair, **r.score.as_dict()}
            for r in self.results
        ]
        return rows

    def to_dict(self) -> dict[str, Any]:
        return {
            "task": "compare",
            "gold": self.gold_path,
            "halves": {h: s.as_dict() for h, s in self.halves.items()},
            "pairs": [
                {
                    "pair": r.pair,
                    "half": r.half,
                    **r.score.as_dict(),
                    "wrong": r.wrong,
                    "missed": r.missed,
                    "wrong_verdicts": r.verdicts,
                }
                for r in self.results
            ],
        }

    def format_text(self) -> str:
        lines = [f"gold: {self.gold_path}"]
        lines.append(
            f"  {'half':<10} {'pairs':>5} {'P':>6} {'R':>6} {'verdict':>8} {'gold':>5} {'pred':>5}"
        )
        for half, s in self.halves.items():
            lines.append(
                f"  {half:<10} {s.pairs:5d} {s.precision:6.3f} {s.recall:6.3f}"
                f" {s.verdict_accuracy:8.3f} {s.gold:5d} {s.predicted:5d}"
            )
        for r in self.results:
            s = r.score
            lines.append(
                f"  {r.pair:<5} {r.half:<10} P {s.precision:.3f} R {s.recall:.3f} "
                f"verdict {s.verdict_right}/{s.right}"
            )
            lines.extend(f"      wrong link   {w}" for w in r.wrong)
            lines.extend(f"      missed link  {m}" for m in r.missed)
            lines.extend(f"      verdict      {v}" for v in r.verdicts)
        return "\n".join(lines)


# ------------------------------------------------------------------ gold


def _unit(raw: Any, where: str) -> Unit:
    if raw == "age":
        return "age"
    if (
        isinstance(raw, list)
        and len(raw) == 2
        and all(isinstance(x, int) for x in raw)
        and 0 <= raw[0] < raw[1]
    ):
        return (raw[0], raw[1])
    raise GoldError(where, f'a criterion is [start, end] or "age", not {raw!r}')


def read_gold(path: Path) -> list[dict[str, Any]]:
    """The pair records of a compare gold file (checked for shape)."""
    records = []
    for where, record in gold_lines(path):
        for key in ("pair", "half", "a", "b", "links"):
            if key not in record:
                raise GoldError(where, f"no {key!r}: not a compare gold record")
        for link in record["links"]:
            if link.get("verdict") not in VERDICTS:
                raise GoldError(where, f"verdict {link.get('verdict')!r} is none of {VERDICTS}")
            link["a"] = [_unit(u, where) for u in link["a"]]
            link["b"] = [_unit(u, where) for u in link["b"]]
        for side in ("a", "b"):
            record[f"alone_{side}"] = [_unit(u, where) for u in record.get(f"alone_{side}", [])]
        records.append(record)
    if not records:
        raise GoldError(str(path), "no pairs in the gold file")
    return records


def load_side(side: dict[str, Any], shared: Path, where: str) -> Study:
    """The study a gold record names (by file under ``shared`` and trial id),
    checked against the SHA-1 of the text the judging was done on."""
    from ..readers import read_studies
    from ..refs import CriteriaText

    path = shared / side["file"]
    if not path.is_file():
        raise GoldError(where, f"{path} does not exist (point --shared at the shared folder)")
    trial = side["trial"]
    if path.suffix == ".jsonl":  # the LCT gold: one trial per line, its criteria text
        text = None
        with path.open(encoding="utf-8") as stream:
            for line in stream:
                record = json.loads(line)
                if record.get("trial_id") == trial:
                    text = record["text"]
                    break
        if text is None:
            raise GoldError(where, f"no trial {trial} in {path}")
        study = CriteriaText(text, location=trial).as_study()
    else:
        found = [
            s for s in read_studies(path.read_bytes(), location=str(path)) if s.nct_id == trial
        ]
        if not found:
            raise GoldError(where, f"no study {trial} in {path}")
        study = found[0]
    text = study.eligibility.criteria_text or ""
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]
    if side.get("sha1") and side["sha1"] != digest:
        raise GoldError(where, f"the text of {trial} is not the one judged (sha1 {digest})")
    return study


# ----------------------------------------------------------------- score


def _stands_for(criterion: Criterion, units: list[Unit]) -> Unit | None:
    """The gold criterion a ctparse criterion stands for: the one it overlaps most."""
    if criterion.start is None or criterion.end is None:
        return "age" if criterion.id == "age" and "age" in units else None
    best, most = None, 0
    for unit in units:
        if unit == "age":
            continue
        assert isinstance(unit, tuple)
        overlap = min(unit[1], criterion.end) - max(unit[0], criterion.start)
        if overlap > most:
            best, most = unit, overlap
    return best


def _name(unit: Unit | None, text: str) -> str:
    if unit is None:
        return "(no gold criterion)"
    if unit == "age":
        return "[age]"
    assert isinstance(unit, tuple)
    shown = " ".join(text[unit[0] : unit[1]].split())
    return f"[{unit[0]}-{unit[1]}] {shown[:60]}"


def _together(first: str | None, verdict: str) -> str:
    """The verdict on a gold criterion that ctparse read as pieces in several rows
    ("Males and Females | age 18 to 45 years": same on sex, B stricter on age): the
    conjunction of the pieces, so B stricter."""
    if first is None or first == verdict or verdict == "same":
        return first or verdict
    if first == "same":
        return verdict
    return "different"


def score_pair(
    record: dict[str, Any],
    comparison: Comparison,
    criteria_a: Iterable[Criterion],
    criteria_b: Iterable[Criterion],
    *,
    texts: tuple[str, str] = ("", ""),
) -> PairResult:
    """Score one comparison against its gold record."""
    units_a = [u for link in record["links"] for u in link["a"]] + record["alone_a"]
    units_b = [u for link in record["links"] for u in link["b"]] + record["alone_b"]
    of_a = {c.id: _stands_for(c, units_a) for c in criteria_a}
    of_b = {c.id: _stands_for(c, units_b) for c in criteria_b}
    gold: dict[tuple[Unit, Unit], str] = {}
    for link in record["links"]:
        for ua in link["a"]:
            for ub in link["b"]:
                gold[(ua, ub)] = link["verdict"]
    predicted: dict[tuple[Unit | None, Unit | None], str] = {}
    for row in comparison.pairs:
        ids_a = row.a_ids or ((row.a,) if row.a else ())
        ids_b = row.b_ids or ((row.b,) if row.b else ())
        for ia in ids_a:
            for ib in ids_b:
                key = (of_a.get(ia), of_b.get(ib))
                predicted[key] = _together(predicted.get(key), row.verdict)
    result = PairResult(record["pair"], record["half"], Score(pairs=1))
    result.score.gold = len(gold)
    result.score.predicted = len(predicted)
    text_a, text_b = texts
    for key, verdict in predicted.items():
        ua, ub = key
        label = f"{_name(ua, text_a)} ~ {_name(ub, text_b)}"
        if key not in gold:
            result.wrong.append(f"{label} ({verdict})")
            continue
        result.score.right += 1
        if verdict == gold[key]:
            result.score.verdict_right += 1
        else:
            result.verdicts.append(f"{label}: {verdict}, gold {gold[key]}")
    for key, verdict in gold.items():
        if key not in predicted:
            result.missed.append(f"{_name(key[0], text_a)} ~ {_name(key[1], text_b)} ({verdict})")
    return result


def evaluate(path: Path | str, *, shared: Path | str | None = None) -> CompareReport:
    """Compare every pair of a gold file and score the links and verdicts.

    Args:
        path: the gold JSONL (``tests/gold/compare_pairs.jsonl``).
        shared: the folder the gold's files are under (default ``../shared``
            of the working directory).
    """
    from ..align import align_tagged
    from ..nlp.study import study_criteria

    path = Path(path)
    folder = Path(shared) if shared is not None else Path("../shared")
    report = CompareReport(str(path))
    for number, record in enumerate(read_gold(path), start=1):
        where = f"{path}:{number}"
        study_a = load_side(record["a"], folder, where)
        study_b = load_side(record["b"], folder, where)
        criteria_a = study_criteria(study_a).criteria
        criteria_b = study_criteria(study_b).criteria
        comparison, tagged_a, tagged_b = align_tagged(study_a, study_b, criteria_a, criteria_b)
        result = score_pair(
            record,
            comparison,
            tagged_a,
            tagged_b,
            texts=(
                study_a.eligibility.criteria_text or "",
                study_b.eligibility.criteria_text or "",
            ),
        )
        report.results.append(result)
        report.halves.setdefault(record["half"], Score()).add(result.score)
    total = Score()
    for score in report.halves.values():
        total.add(score)
    report.halves["all"] = total
    return report
