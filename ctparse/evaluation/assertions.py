"""Negation of gold entity spans: precision and recall of the negated class.

The gold is ``../shared/gold/entities/ent_lct_dev.jsonl`` (Leaf Clinical Trials
corpus): one document per trial, whose typed entities (``type`` not null) carry
``negated`` (true when a Negation event of the annotation negates the entity).
ctparse's assertion scanner (:mod:`ctparse.nlp.assertions`) is run on each
document text with the gold spans, and an entity counts as predicted negated
when its assertion cues include a negation (whatever its one assertion label:
"no family history of X" is negated in LCT's sense too).

The documents are split by trial id into a part to tune on (``dev``) and a
part only reported on (``held``), by a keyed hash of the trial id: the split is
fixed by its seed and does not depend on the order or number of documents.

Known disagreements by design (counted as errors, not tuned away): LCT marks as
negated an entity of a sentence that says it is excluded ("Patients who have
received a bone marrow transplant will not be eligible") — ctparse reads that
as the criterion's *requirement* (excluded), the assertion stays present — and
"with or without X", which ctparse reads as optional (allowed), not negated.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import GoldError
from ..nlp.assertions import Scanner
from .gold import gold_lines

PARTS = ("dev", "held")
SEED = "ctparse-assertions-1"
HELD_SHARE = 0.3


def read_docs(path: Path) -> list[dict[str, Any]]:
    """The documents of a gold entities file (JSONL, one document per line).

    Raises:
        GoldError: the file is unreadable or a line is not a document with
            ``text`` and ``entities``.
    """
    docs = []
    for where, doc in gold_lines(path):
        if not isinstance(doc, dict) or "text" not in doc or "entities" not in doc:
            raise GoldError(where, "expected a document with text and entities")
        docs.append(doc)
    return docs


def part_of(trial_id: str, *, seed: str = SEED, held_share: float = HELD_SHARE) -> str:
    """``"dev"`` or ``"held"``: the part a trial belongs to (a keyed hash of its id)."""
    digest = hashlib.sha256(f"{seed}:{trial_id}".encode()).digest()
    return "held" if int.from_bytes(digest[:8], "big") / 2**64 < held_share else "dev"


def split(
    docs: Iterable[dict[str, Any]], *, seed: str = SEED, held_share: float = HELD_SHARE
) -> dict[str, list[dict[str, Any]]]:
    """The documents by part (dev, held), all documents of one trial in one part."""
    parts: dict[str, list[dict[str, Any]]] = {part: [] for part in PARTS}
    for doc in docs:
        trial = str(doc.get("trial_id") or doc.get("doc_id"))
        parts[part_of(trial, seed=seed, held_share=held_share)].append(doc)
    return parts


@dataclass(frozen=True)
class Miss:
    """One entity the scanner got wrong: its document, type, text and context."""

    doc_id: str
    type: str
    text: str
    gold: bool
    cues: tuple[str, ...]
    context: str


@dataclass
class NegationScore:
    """Counts of the negated class over typed gold entities; P/R/F1 derived."""

    entities: int = 0
    gold: int = 0
    predicted: int = 0
    correct: int = 0
    by_type: dict[str, list[int]] = field(
        default_factory=dict
    )  # type -> [gold, predicted, correct]
    misses: list[Miss] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.correct / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "entities": self.entities,
            "gold_negated": self.gold,
            "predicted_negated": self.predicted,
            "correct": self.correct,
            "precision": round(self.precision, 3),
            "recall": round(self.recall, 3),
            "f1": round(self.f1, 3),
            "by_type": {
                t: {"gold": g, "predicted": p, "correct": c}
                for t, (g, p, c) in sorted(self.by_type.items())
            },
        }


def _context(text: str, start: int, end: int, width: int = 70) -> str:
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    left = text[max(line_start, start - width) : start]
    right = text[end : min(line_end, end + width // 2)]
    return f"{left}[[{text[start:end]}]]{right}".strip()


def score_negation(docs: Sequence[dict[str, Any]]) -> NegationScore:
    """Precision/recall of the negated class on the typed entities of ``docs``, with
    the gold spans given to the scanner."""
    score = NegationScore()
    for doc in docs:
        text = doc["text"]
        scanner = Scanner(text)
        for entity in doc["entities"]:
            kind = entity.get("type")
            if kind is None:
                continue
            gold = bool(entity.get("negated"))
            qualifiers = scanner.qualify(entity["start"], entity["end"], kind)
            predicted = qualifiers.negated
            counts = score.by_type.setdefault(kind, [0, 0, 0])
            score.entities += 1
            score.gold += gold
            score.predicted += predicted
            score.correct += gold and predicted
            counts[0] += gold
            counts[1] += predicted
            counts[2] += gold and predicted
            if gold != predicted:
                score.misses.append(
                    Miss(
                        doc_id=str(doc.get("doc_id")),
                        type=kind,
                        text=entity["text"],
                        gold=gold,
                        cues=qualifiers.cues,
                        context=_context(text, entity["start"], entity["end"]),
                    )
                )
    return score


def evaluate_negation(
    docs: Sequence[dict[str, Any]], *, seed: str = SEED, held_share: float = HELD_SHARE
) -> dict[str, NegationScore]:
    """The negation scores of the dev part, the held-back part, and all documents."""
    parts = split(docs, seed=seed, held_share=held_share)
    return {
        "dev": score_negation(parts["dev"]),
        "held": score_negation(parts["held"]),
        "all": score_negation(docs),
    }


def format_negation(scores: dict[str, NegationScore]) -> str:
    """A small text table of :func:`evaluate_negation`'s scores."""
    rows = [
        f"{'part':<6} {'entities':>8} {'gold':>5} {'pred':>5} {'ok':>5} {'P':>6} {'R':>6} {'F1':>6}"
    ]
    labels = {"dev": "dev (tuned on)", "held": "held-back", "all": "all"}
    for part, s in scores.items():
        rows.append(
            f"{part:<6} {s.entities:>8} {s.gold:>5} {s.predicted:>5} {s.correct:>5} "
            f"{s.precision:>6.3f} {s.recall:>6.3f} {s.f1:>6.3f}  {labels.get(part, '')}"
        )
    return "\n".join(rows)
