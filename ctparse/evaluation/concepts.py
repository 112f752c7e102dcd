"""Concept coverage of gold entity spans: the share of typed entities that get a concept.

The gold files are ``../shared/gold/entities/ent_lct_dev.jsonl`` and
``ent_chia_dev.jsonl`` (read with :func:`ctparse.evaluation.assertions.read_docs`).
Each typed entity's text is given to :func:`ctparse.nlp.concepts.entry_of` with
its type. Coverage is counted per corpus and type, with and without the broad
catch-all concepts ("disease", "treatment", "medication", …), which name an
entity correctly but say little about it.

Precision is measured by hand: :func:`sample` draws entities that got a
concept (fixed seed), and ``docs/concepts-precision-sample.tsv`` holds the
judgments (correct, broader: a more general concept than the entity names,
wrong).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..nlp.concepts import entry_of

TYPES = ("condition", "drug", "procedure", "measurement")
JUDGMENTS = ("correct", "broader", "wrong")


@dataclass
class Coverage:
    """Typed entities per (corpus, type): all, with a concept, with a specific one."""

    total: dict[tuple[str, str], int] = field(default_factory=dict)
    mapped: dict[tuple[str, str], int] = field(default_factory=dict)
    specific: dict[tuple[str, str], int] = field(default_factory=dict)  # not a broad concept

    def share(self, corpus: str | None, kind: str | None, *, specific: bool = False) -> float:
        """The covered share over one corpus and type (None: all of them)."""
        counts = self.specific if specific else self.mapped
        keys = [k for k in self.total if corpus in (None, k[0]) and kind in (None, k[1])]
        total = sum(self.total[k] for k in keys)
        return sum(counts.get(k, 0) for k in keys) / total if total else 0.0

    def rows(self) -> list[dict[str, Any]]:
        out = []
        for corpus in sorted({k[0] for k in self.total}):
            for kind in TYPES:
                if (corpus, kind) not in self.total:
                    continue
                out.append(
                    {
                        "corpus": corpus,
                        "type": kind,
                        "entities": self.total[(corpus, kind)],
                        "coverage": round(self.share(corpus, kind), 3),
                        "specific": round(self.share(corpus, kind, specific=True), 3),
                    }
                )
        return out


def coverage(docs: Sequence[dict[str, Any]]) -> Coverage:
    """Concept coverage of the typed entities of gold documents."""
    result = Coverage()
    cache: dict[tuple[str, str], tuple[bool, bool]] = {}
    for doc in docs:
        corpus = str(doc.get("corpus") or "")
        for entity in doc["entities"]:
            kind = entity.get("type")
            if kind is None:
                continue
            k = (corpus, kind)
            seen = (entity["text"], kind)
            if seen not in cache:
                entry = entry_of(entity["text"], kind)
                cache[seen] = (entry is not None, entry is not None and not entry.broad)
            mapped, specific = cache[seen]
            result.total[k] = result.total.get(k, 0) + 1
            result.mapped[k] = result.mapped.get(k, 0) + mapped
            result.specific[k] = result.specific.get(k, 0) + specific
    return result


def format_coverage(result: Coverage) -> str:
    """A small text table of :func:`coverage`."""
    lines = [f"{'corpus':<6} {'type':<12} {'entities':>8} {'coverage':>9} {'specific':>9}"]
    for row in result.rows():
        lines.append(
            f"{row['corpus']:<6} {row['type']:<12} {row['entities']:>8} "
            f"{row['coverage']:>9.3f} {row['specific']:>9.3f}"
        )
    lines.append(
        f"{'all':<6} {'':<12} {sum(result.total.values()):>8} "
        f"{result.share(None, None):>9.3f} {result.share(None, None, specific=True):>9.3f}"
    )
    return "\n".join(lines)


def sample(docs: Sequence[dict[str, Any]], n: int = 100, *, seed: int = 14) -> list[dict[str, str]]:
    """``n`` typed entities that got a concept, drawn with a fixed seed (for judging by hand)."""
    mapped = []
    for doc in docs:
        for entity in doc["entities"]:
            kind = entity.get("type")
            if kind is None:
                continue
            entry = entry_of(entity["text"], kind)
            if entry is not None:
                mapped.append(
                    {
                        "corpus": str(doc.get("corpus") or ""),
                        "type": kind,
                        "text": " ".join(entity["text"].split()),
                        "concept": entry.id,
                        "name": entry.name,
                    }
                )
    return random.Random(seed).sample(mapped, min(n, len(mapped)))


def precision(judgments: Sequence[str]) -> dict[str, float]:
    """Precision over judged concepts: strict (correct) and lenient (correct or broader)."""
    total = len(judgments)
    correct = sum(j == "correct" for j in judgments)
    broader = sum(j == "broader" for j in judgments)
    return {
        "judged": total,
        "strict": correct / total if total else 0.0,
        "lenient": (correct + broader) / total if total else 0.0,
    }
