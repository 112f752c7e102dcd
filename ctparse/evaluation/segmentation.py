"""Line-level precision/recall of segmentation against a gold file.

The gold format is ``../shared/gold/lct_dev_segmentation.jsonl``: one record
per trial with the whole ``text``, its ``headers`` and its ``criteria`` (the
registrant's lines, offsets into ``text``, with a ``section``).

Scoring:

* The **predictions** are the criteria ``segment`` returns, except a unit that
  spans its own pieces (the pieces stand for it): a piece counts toward the
  gold line that contains it, so splitting a packed line further is never
  penalized.
* A prediction is **assigned** to the gold line whose span contains it
  (``gold.start <= start and end <= gold.end``); one that lies in no gold line
  (it crosses a line boundary, or sits in a header or in text the gold leaves
  out) is **unassigned**.
* A gold line is **found** when at least one prediction is assigned to it and
  no unassigned prediction overlaps it.
* ``precision = found / (gold lines with an assigned prediction + unassigned
  predictions)``; ``recall = found / gold lines``.
* **Section accuracy**: over found lines that the gold gives a section, the
  share whose predictions all carry that section. Lines whose gold section is
  ``null`` (no header annotated before them) are scored apart as **unknown
  agreement** (predicted ``unknown`` too): in the LCT files most of them sit
  under a header the annotation missed ("Inclusion", "Inclution Criteria:",
  "Inclusion Criteria (PTA group)"), where ``inclusion`` is the right answer.
  ``section_accuracy_all`` counts every found line, ``null`` as ``unknown``.

The same is computed after replacing every newline by a space (``flattened``),
which keeps the offsets and removes all line structure, as registry mirrors do.

``collapsed`` is the harder case of a mirror joining the lines of a record
whose registrant used no sentence punctuation: over the trials none of whose
gold lines ends in ".", ";", "!" or "?", every newline with the indentation
around it becomes one space ("Age 18 to 65 years - Diagnosis of type 2
diabetes …"), and the gold offsets are mapped onto the collapsed text. It is
computed from the gold file each time (:func:`collapse`); no derived copy is
written anywhere.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import GoldError
from ..schema import Criterion
from .gold import gold_lines

MODES = ("as written", "flattened", "collapsed")
#: Line ends that make a record no collapsed-text case: its lines end like sentences.
_SENTENCE_END = ".;!?"


@dataclass
class Score:
    """Counts of one mode; precision/recall/F1 and section accuracy derived."""

    gold: int = 0
    predicted: int = 0
    found: int = 0
    section_right: int = 0
    section_scored: int = 0
    unknown_found: int = 0
    unknown_agree: int = 0

    @property
    def precision(self) -> float:
        return self.found / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def section_accuracy(self) -> float:
        return self.section_right / self.section_scored if self.section_scored else 0.0

    @property
    def section_accuracy_all(self) -> float:
        right = self.section_right + self.unknown_agree
        return right / self.found if self.found else 0.0

    @property
    def unknown_agreement(self) -> float:
        return self.unknown_agree / self.unknown_found if self.unknown_found else 0.0

    def add(self, other: Score) -> None:
        self.gold += other.gold
        self.predicted += other.predicted
        self.found += other.found
        self.section_right += other.section_right
        self.section_scored += other.section_scored
        self.unknown_found += other.unknown_found
        self.unknown_agree += other.unknown_agree

    def as_dict(self) -> dict[str, Any]:
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "section_accuracy": round(self.section_accuracy, 4),
            "section_accuracy_all": round(self.section_accuracy_all, 4),
            "unknown_agreement": round(self.unknown_agreement, 4),
            "gold_lines": self.gold,
            "predicted": self.predicted,
            "found": self.found,
        }


@dataclass
class SegmentationReport:
    """``evaluate()`` result: one Score per mode, and the trials with misses."""

    gold_path: str
    documents: int = 0
    collapsed_documents: int = 0
    scores: dict[str, Score] = field(default_factory=lambda: {m: Score() for m in MODES})
    misses: list[dict[str, Any]] = field(default_factory=list)

    def rows(self) -> list[dict[str, Any]]:
        """One flat row per mode."""
        return [{"task": "segmentation", "mode": m, **s.as_dict()} for m, s in self.scores.items()]

    def to_dict(self) -> dict[str, Any]:
        return {
            "task": "segmentation",
            "gold": self.gold_path,
            "documents": self.documents,
            "collapsed_documents": self.collapsed_documents,
            "scores": {m: s.as_dict() for m, s in self.scores.items()},
        }

    def format_text(self) -> str:
        lines = [f"gold: {self.gold_path} ({self.documents} trials)"]
        lines.append(
            f"  {'mode':<12} {'P':>6} {'R':>6} {'F1':>6} {'section':>8} {'sect.all':>8}"
            f" {'unknown':>8} {'found':>6} {'pred':>6} {'gold':>6}"
        )
        for mode, s in self.scores.items():
            lines.append(
                f"  {mode:<12} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f}"
                f" {s.section_accuracy:8.3f} {s.section_accuracy_all:8.3f}"
                f" {s.unknown_agreement:8.3f} {s.found:6d} {s.predicted:6d} {s.gold:6d}"
            )
        lines.append(
            "  section: lines with a gold section; sect.all: every found line (gold null"
            " = unknown); unknown: agreement on gold-null lines"
        )
        collapsed = self.scores.get("collapsed")
        if collapsed is not None:
            lines.append(
                f"  collapsed: the {self.collapsed_documents} trials whose lines lack end"
                " punctuation, newlines collapsed to one space"
            )
        return "\n".join(lines)


def read_gold(path: Path) -> list[dict[str, Any]]:
    """The records of a segmentation gold file, checked.

    Raises:
        GoldError: unreadable file, invalid JSON, or a record without a text,
            with offsets outside it or with an unknown section.
    """
    records = []
    for where, record in gold_lines(path):
        _check(record, where)
        records.append(record)
    if not records:
        raise GoldError(str(path), "no gold records")
    return records


def _check(record: Any, where: str) -> None:
    if not isinstance(record, dict):
        raise GoldError(where, "a record must be a JSON object")
    text = record.get("text")
    if not isinstance(text, str):
        raise GoldError(where, "record has no 'text' string (is this a segmentation gold file?)")
    criteria = record.get("criteria")
    if not isinstance(criteria, list):
        raise GoldError(where, "record has no 'criteria' list")
    for index, item in enumerate(criteria):
        if not isinstance(item, dict):
            raise GoldError(where, f"criteria[{index}] is not an object")
        start, end = item.get("start"), item.get("end")
        if (
            not isinstance(start, int)
            or not isinstance(end, int)
            or isinstance(start, bool)
            or isinstance(end, bool)
            or not 0 <= start <= end <= len(text)
        ):
            raise GoldError(where, f"criteria[{index}] has no valid start/end inside the text")
        if item.get("section") not in ("inclusion", "exclusion", "unknown", None):
            raise GoldError(where, f"criteria[{index}] has an unknown section {item['section']!r}")


def score_document(record: dict[str, Any], criteria: Sequence[Criterion]) -> Score:
    """Score the predicted ``criteria`` of one gold record."""
    gold = sorted(record["criteria"], key=lambda g: (g["start"], g["end"]))
    starts = [g["start"] for g in gold]
    predictions = _scored(criteria)
    assigned: dict[int, list[Criterion]] = {}
    unassigned: list[Criterion] = []
    for criterion in predictions:
        assert criterion.start is not None and criterion.end is not None
        index = bisect.bisect_right(starts, criterion.start) - 1
        # a line may be nested in no other; look back a little for overlaps
        home = None
        for candidate in range(index, max(-1, index - 3), -1):
            g = gold[candidate]
            if g["start"] <= criterion.start and criterion.end <= g["end"]:
                home = candidate
                break
        if home is None:
            unassigned.append(criterion)
        else:
            assigned.setdefault(home, []).append(criterion)
    score = Score(gold=len(gold), predicted=len(assigned) + len(unassigned))
    for index, items in assigned.items():
        g = gold[index]
        if any(u.start < g["end"] and g["start"] < u.end for u in unassigned):
            continue
        score.found += 1
        section = g.get("section") or "unknown"
        right = all(c.section == section for c in items)
        if section == "unknown":
            score.unknown_found += 1
            score.unknown_agree += right
        else:
            score.section_scored += 1
            score.section_right += right
    return score


def _scored(criteria: Sequence[Criterion]) -> list[Criterion]:
    """Criteria minus the units that span their own pieces."""
    by_id = {c.id: c for c in criteria}
    containers = set()
    for c in criteria:
        parent = by_id.get(c.parent) if c.parent else None
        if (
            parent is not None
            and parent.start is not None
            and parent.end is not None
            and c.start is not None
            and c.end is not None
            and parent.start <= c.start
            and c.end <= parent.end
        ):
            containers.add(parent.id)
    return [c for c in criteria if c.id not in containers and c.start is not None]


def evaluate(
    path: Path | str,
    *,
    segmenter: Callable[[list[str]], list[list[Criterion]]] | None = None,
) -> SegmentationReport:
    """Score segmentation on a gold file, as written and flattened.

    Args:
        path: the gold JSONL file.
        segmenter: texts → criteria per text; by default the ctparse pipeline
            up to the segmenter, run with ``nlp.pipe``.
    """
    path = Path(path)
    records = read_gold(path)
    run = segmenter or _pipeline_segmenter()
    report = SegmentationReport(gold_path=str(path), documents=len(records))
    collapsed = [collapse(r) for r in records if unpunctuated(r)]
    report.collapsed_documents = len(collapsed)
    for mode in MODES:
        scored = collapsed if mode == "collapsed" else records
        texts = [r["text"].replace("\n", " ") if mode == "flattened" else r["text"] for r in scored]
        for record, criteria in zip(scored, run(texts), strict=True):
            score = score_document(record, criteria)
            report.scores[mode].add(score)
            if mode == MODES[0] and score.found < score.gold:
                report.misses.append({"trial_id": record.get("trial_id"), **score.as_dict()})
    return report


def unpunctuated(record: dict[str, Any]) -> bool:
    """Whether no gold line of the record ends in sentence punctuation."""
    text = record["text"]
    lines = [text[c["start"] : c["end"]].rstrip() for c in record["criteria"]]
    return bool(lines) and not any(line and line[-1] in _SENTENCE_END for line in lines)


def collapse(record: dict[str, Any]) -> dict[str, Any]:
    """The record with every newline (and the whitespace around it) collapsed to one
    space, its gold offsets mapped onto the new text.

    >>> r = {"text": "A:\\n  - x y\\n  - z", "criteria": [{"start": 5, "end": 10}, {"start": 13, "end": 16}]}
    >>> c = collapse(r)
    >>> c["text"], [c["text"][g["start"] : g["end"]] for g in c["criteria"]]
    ('A: - x y - z', ['- x y', '- z'])
    """
    text = record["text"]
    out: list[str] = []
    where = [0] * (len(text) + 1)  # old offset -> new offset
    i = 0
    while i < len(text):
        if text[i].isspace():
            j = i
            while j < len(text) and text[j].isspace():
                j += 1
            if "\n" in text[i:j]:
                for k in range(i, j):
                    where[k] = len(out)
                if out and j < len(text):
                    out.append(" ")
                i = j
                continue
        where[i] = len(out)
        out.append(text[i])
        i += 1
    where[len(text)] = len(out)

    def moved(item: dict[str, Any]) -> dict[str, Any]:
        start, end = item["start"], item["end"]
        new_end = where[end - 1] + 1 if end > start else where[start]
        return {**item, "start": where[start], "end": new_end}

    return {
        **record,
        "text": "".join(out),
        "criteria": [moved(c) for c in record["criteria"]],
        "headers": [moved(h) for h in record.get("headers") or ()],
    }


def _pipeline_segmenter() -> Callable[[list[str]], list[list[Criterion]]]:
    from ..nlp import load

    nlp = load(components=("ctparse_sections", "ctparse_segmenter"))

    def run(texts: list[str]) -> list[list[Criterion]]:
        return [list(doc._.criteria) for doc in nlp.pipe(texts, batch_size=256)]

    return run
