"""Precision/recall of entity recognition against span gold (LCT, Chia).

The gold format is ``../shared/gold/entities/ent_*_dev.jsonl``: one document
per record with its ``text`` and ``entities`` (``type``, ``start``, ``end``:
character offsets into the text, the envelope for a discontinuous span).
Only entities whose ``type`` is among the scored types count
(condition, drug, procedure, measurement; ``device`` is Chia's ``Device``
label).

Scoring (per document, then summed), for each type and micro-averaged:

* **strict**: a prediction is right when a gold span of the same type has the
  same start and end; precision = right predictions / predictions, recall =
  matched gold spans / gold spans.
* **relaxed**: a prediction is right when it overlaps a gold span of the same
  type; a gold span is found when a prediction of its type overlaps it.
  Precision and recall are counted on each side (several short predictions
  inside one gold span are each right, and one long prediction can find
  several gold spans).

``nested="all"`` (the default) scores every gold span, also those nested in
or overlapping another one (Chia has them; a flat recognizer cannot find
both strictly); ``nested="longest"`` keeps the longest of overlapping gold
spans, as the training data does (``training/entities/convert.py``).

The recognizer was trained on some of these documents. ``split`` selects the
documents of one part of the split shipped beside the model
(``models/entities/split.json``, trial ids per corpus): ``test`` (the
default, never seen in training or model selection), ``dev``, ``train`` or
``all``. A gold file of another corpus is scored whole.

:func:`score` is a pure function of gold documents and predicted spans;
:func:`read_gold` and :func:`evaluate` read files.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import GoldError
from .gold import gold_lines

CORE_TYPES = ("condition", "drug", "procedure", "measurement")
MODES = ("strict", "relaxed")
SPLITS = ("test", "dev", "train", "all")
MICRO = "micro"

Span = tuple[int, int, str]


@dataclass(frozen=True)
class GoldDocument:
    """One gold document: its text and the scored entity spans, sorted."""

    doc_id: str
    trial_id: str | None
    corpus: str | None
    text: str
    spans: tuple[Span, ...]


@dataclass
class Score:
    """Counts for one type and mode; precision/recall/F1 derived."""

    gold: int = 0
    predicted: int = 0
    right: int = 0  # predictions that match
    found: int = 0  # gold spans that are matched

    @property
    def precision(self) -> float:
        return self.right / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: Score) -> None:
        self.gold += other.gold
        self.predicted += other.predicted
        self.right += other.right
        self.found += other.found

    def as_dict(self) -> dict[str, Any]:
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "gold": self.gold,
            "predicted": self.predicted,
            "right": self.right,
            "found": self.found,
        }


@dataclass
class EntityReport:
    """Scores per mode and type (``micro`` over all types)."""

    gold_path: str
    types: tuple[str, ...] = CORE_TYPES
    split: str = "all"
    documents: int = 0
    nested: str = "all"
    scores: dict[str, dict[str, Score]] = field(default_factory=dict)
    note: str | None = None

    def score_of(self, mode: str, label: str = MICRO) -> Score:
        return self.scores[mode][label]

    def rows(self) -> list[dict[str, Any]]:
        """One flat row per mode and type."""
        return [
            {"task": "entities", "mode": mode, "type": label, **score.as_dict()}
            for mode, by_type in self.scores.items()
            for label, score in by_type.items()
        ]

    def to_dict(self) -> dict[str, Any]:
        return {
            "task": "entities",
            "gold": self.gold_path,
            "split": self.split,
            "nested": self.nested,
            "documents": self.documents,
            "note": self.note,
            "scores": {
                mode: {label: s.as_dict() for label, s in by_type.items()}
                for mode, by_type in self.scores.items()
            },
        }

    def format_text(self) -> str:
        lines = [
            f"gold: {self.gold_path} ({self.documents} documents, split {self.split},"
            f" nested gold: {self.nested})"
        ]
        if self.note:
            lines.append(f"  {self.note}")
        lines.append(
            f"  {'type':<12} {'strict P':>8} {'R':>6} {'F1':>6}   {'relaxed P':>9} {'R':>6}"
            f" {'F1':>6} {'gold':>6} {'pred':>6}"
        )
        for label in (*self.types, MICRO):
            s, r = self.scores["strict"][label], self.scores["relaxed"][label]
            lines.append(
                f"  {label:<12} {s.precision:8.3f} {s.recall:6.3f} {s.f1:6.3f}"
                f"   {r.precision:9.3f} {r.recall:6.3f} {r.f1:6.3f} {s.gold:6d} {s.predicted:6d}"
            )
        return "\n".join(lines)


# ---------------------------------------------------------------- scoring


def _overlaps(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def score_document(
    gold: Sequence[Span], predicted: Sequence[Span], *, types: Sequence[str] = CORE_TYPES
) -> dict[str, dict[str, Score]]:
    """Strict and relaxed counts per type for one document."""
    result: dict[str, dict[str, Score]] = {m: {} for m in MODES}
    for label in types:
        g = [s for s in gold if s[2] == label]
        p = [s for s in set(predicted) if s[2] == label]
        exact = set(g) & set(p)
        result["strict"][label] = Score(
            gold=len(g),
            predicted=len(p),
            right=len(exact),
            found=sum(1 for s in g if s in exact),
        )
        result["relaxed"][label] = Score(
            gold=len(g),
            predicted=len(p),
            right=sum(1 for s in p if any(_overlaps(s, t) for t in g)),
            found=sum(1 for s in g if any(_overlaps(s, t) for t in p)),
        )
    return result


def score(
    gold: Sequence[GoldDocument],
    predicted: Sequence[Sequence[Span]],
    *,
    types: Sequence[str] = CORE_TYPES,
    gold_path: str = "",
    split: str = "all",
    nested: str = "all",
) -> EntityReport:
    """Score predicted spans (one list per gold document, same order)."""
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold documents but {len(predicted)} predictions")
    report = EntityReport(
        gold_path=gold_path, types=tuple(types), split=split, documents=len(gold), nested=nested
    )
    report.scores = {m: {label: Score() for label in (*types, MICRO)} for m in MODES}
    for document, spans in zip(gold, predicted, strict=True):
        for mode, by_type in score_document(document.spans, spans, types=types).items():
            for label, counts in by_type.items():
                report.scores[mode][label].add(counts)
                report.scores[mode][MICRO].add(counts)
    return report


# ---------------------------------------------------------------- reading


def longest_first(spans: Sequence[Span]) -> tuple[Span, ...]:
    """Of overlapping spans keep the longest (ties: the earlier), sorted."""
    kept: list[Span] = []
    for span in sorted(spans, key=lambda s: (-(s[1] - s[0]), s[0], s[2])):
        if not any(_overlaps(span, k) for k in kept):
            kept.append(span)
    return tuple(sorted(kept))


def _type(entity: dict[str, Any], types: Sequence[str]) -> str | None:
    label = entity.get("type")
    if label is None and entity.get("label") == "Device":
        label = "device"
    return label if label in types else None


def read_gold(
    path: Path | str, *, types: Sequence[str] = CORE_TYPES, nested: str = "all"
) -> list[GoldDocument]:
    """The documents of an entity gold file, with their scored spans.

    Raises:
        GoldError: unreadable file, invalid JSON, or a record without a text
            or with entity offsets outside it.
    """
    if nested not in ("all", "longest"):
        raise ValueError(f"nested must be 'all' or 'longest', not {nested!r}")
    path = Path(path)
    documents = []
    for where, record in gold_lines(path):
        documents.append(_document(record, where, types=types, nested=nested))
    if not documents:
        raise GoldError(str(path), "no gold records")
    return documents


def _document(record: Any, where: str, *, types: Sequence[str], nested: str) -> GoldDocument:
    if not isinstance(record, dict):
        raise GoldError(where, "a record must be a JSON object")
    text = record.get("text")
    entities = record.get("entities")
    if not isinstance(text, str) or not isinstance(entities, list):
        raise GoldError(where, "record has no 'text' and 'entities' (is this entity gold?)")
    spans = []
    for index, entity in enumerate(entities):
        if not isinstance(entity, dict):
            raise GoldError(where, f"entities[{index}] is not an object")
        start, end = entity.get("start"), entity.get("end")
        if (
            not isinstance(start, int)
            or not isinstance(end, int)
            or isinstance(start, bool)
            or isinstance(end, bool)
            or not 0 <= start < end <= len(text)
        ):
            raise GoldError(where, f"entities[{index}] has no valid start/end inside the text")
        label = _type(entity, types)
        if label is not None:
            spans.append((start, end, label))
    unique = tuple(sorted(set(spans)))
    return GoldDocument(
        doc_id=str(record.get("doc_id") or record.get("trial_id") or where),
        trial_id=record.get("trial_id"),
        corpus=record.get("corpus"),
        text=text,
        spans=longest_first(unique) if nested == "longest" else unique,
    )


def split_ids(path: Path | str | None = None) -> dict[str, dict[str, set[str]]]:
    """corpus → split → trial ids, from ``split.json`` beside the model."""
    if path is None:
        from ..nlp.recognizer import model_path

        path = model_path() / "split.json"
    try:
        record = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise GoldError(str(path), f"cannot read the split of the entity model ({exc})") from exc
    return {
        corpus: {part: set(ids) for part, ids in parts.items()}
        for corpus, parts in record["corpora"].items()
    }


def select(
    documents: Sequence[GoldDocument], split: str, ids: dict[str, dict[str, set[str]]]
) -> tuple[list[GoldDocument], str | None]:
    """The documents of one split part, and a note when the corpus has no split."""
    if split not in SPLITS:
        raise ValueError(f"split must be one of {', '.join(SPLITS)}, not {split!r}")
    if split == "all":
        return list(documents), None
    chosen = [
        d
        for d in documents
        if d.corpus in ids and d.trial_id is not None and d.trial_id in ids[d.corpus][split]
    ]
    if any(d.corpus in ids for d in documents):
        return chosen, None
    return list(documents), "the recognizer was not trained on this corpus: every document scored"


def evaluate(
    path: Path | str,
    *,
    recognizer: Callable[[list[str]], list[list[Span]]] | None = None,
    split: str = "test",
    split_file: Path | str | None = None,
    types: Sequence[str] = CORE_TYPES,
    nested: str = "all",
) -> EntityReport:
    """Score the recognizer on a gold file (see the module docstring).

    Args:
        path: the gold JSONL file.
        recognizer: texts → spans per text; by default the shipped model
            (``ctparse.nlp.recognizer.recognize``).
        split: which documents of a training corpus to score.
        split_file: the split record; by default the one beside the model.
    """
    documents = read_gold(path, types=types, nested=nested)
    note = None
    if split != "all":
        documents, note = select(documents, split, split_ids(split_file))
    if recognizer is None:
        from ..nlp.recognizer import recognize

        def recognizer(texts: list[str]) -> list[list[Span]]:
            return recognize(texts, labels=types)

    predicted = recognizer([d.text for d in documents])
    report = score(
        documents, predicted, types=types, gold_path=str(path), split=split, nested=nested
    )
    report.note = note
    return report
