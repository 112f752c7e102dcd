"""Precision/recall of threshold and window extraction against gold criteria.

The gold format is ``../shared/gold/lct_dev_criteria.jsonl``: one criterion
line per record with annotated ``constraints``. Thresholds are scored against
gold constraints of kind ``numeric`` and ``age``; windows against kind
``temporal`` with a value.

Matching rule (per criterion line, greedy, one-to-one, gold in text order):

* **value**: the predicted span overlaps the gold span (both as offsets in
  the line) and every gold number (``value``, ``value_max``, ``values``) is
  among the predicted numbers as written (``value``, ``value_max``,
  ``values``; relative tolerance 1e-6);
* **value + comparator**: also the same comparator, where ``range`` is
  ``between`` and a ``between a and b`` equals ``in`` over the same numbers
  (``ECOG 0-2``); when the gold comparator is implicit (no operator written:
  ``comparator_implicit`` or none) the value level decides;
* **value + comparator + entity**: also the entity: the gold entity (or an
  alias) names the predicted variable in the lexicon, or shares a content
  word with the predicted entity (thresholds) / event (windows).

A gold range written as two bounds ("Age ≥20 and ≤40 years") is one gold
item; ctparse keeps the two limits as written (``>= 20`` and ``<= 40``). The
pair matches the item at every level when both overlap its span, one is a
lower bound (``>``/``>=``) at ``value``, the other an upper bound
(``<``/``<=``) at ``value_max``, and they limit the same variable (and, at the
entity level, both pass the entity test); both predictions count as right and
the gold item once.

A gold item written as a systolic/diastolic pair ("BP >130/85 mmHg", both
numbers in its ``values``) is one item; ctparse gives one limit per half. Once
the item is matched, the other half (a prediction inside its span, with one of
its numbers and, at the higher levels, its comparator and entity) counts as
right too.

Recall per variable class follows the meaning of the gold entity: a gold item
counts for ECOG only when its entity, an alias or (for a bare abbreviation such
as "PS") its line speaks of performance status (ECOG, WHO, Zubrod,
"performance status"); "probing depth (PS) > 6 mm" is a dental measure.

The mirror case is reported apart, as ``windows (kinds reconciled)``: a gold
``temporal`` item that ctparse states at the same span, with the same value
and comparator, as a threshold on a variable DESIGN.md defines as one (age,
life expectancy, gestational age: "Adult patients (≥ 18 years)", "life
expectancy less than 12 months") is left out of that score's gold. The plain
``windows`` score counts every gold temporal item and stays the headline.

A prediction that overlaps no scored gold item but overlaps a gold
constraint of another kind (``duration``, ``dose``, ``minimum-count``, …, or
a numeric item when scoring windows and vice versa) is not counted: the
annotators read that number as something else, and it is neither right nor
wrong here. Every other unmatched prediction is a false positive.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..nlp.rules import rules
from ..nlp.study import texts_criteria
from ..schema import Criterion, Threshold, Window
from .gold import gold_lines

LEVELS = ("value", "value+comparator", "value+comparator+entity")
#: The windows score without gold "temporal" items that are thresholds by DESIGN.md.
RECONCILED = "windows (kinds reconciled)"
THRESHOLD_NOT_WINDOW = frozenset({"age", "life_expectancy", "gestational_age"})
CLASSES = {
    "anc": "ANC",
    "platelets": "platelets",
    "hemoglobin": "hemoglobin",
    "bilirubin": "bilirubin",
    "ast_alt": "AST/ALT",
    "creatinine_clearance": "creatinine/clearance",
    "ecog": "ECOG",
    "age": "age",
}
_STOP = frozenset(
    [
        "the",
        "of",
        "a",
        "an",
        "and",
        "or",
        "in",
        "with",
        "to",
        "for",
        "on",
        "at",
        "by",
        "from",
        "level",
        "levels",
        "score",
        "count",
        "value",
        "values",
        "serum",
        "blood",
        "total",
        "patients",
        "patient",
        "use",
    ]
)


@dataclass
class Score:
    """Counts for one level; precision/recall/F1 derived."""

    tp_pred: int = 0
    tp_gold: int = 0
    predicted: int = 0
    gold: int = 0

    @property
    def precision(self) -> float:
        return self.tp_pred / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.tp_gold / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class ThresholdReport:
    """``evaluate()`` result: scores per task and level, recall per class."""

    gold_path: str
    lines: int = 0
    scores: dict[str, dict[str, Score]] = field(default_factory=dict)
    class_recall: dict[str, tuple[int, int]] = field(default_factory=dict)  # class -> (hit, n)
    ecog_items: tuple[int, int] = (0, 0)  # (fully right, total)
    status: dict[str, int] = field(default_factory=dict)
    misses: list[dict[str, Any]] = field(default_factory=list)

    def rows(self) -> list[dict[str, Any]]:
        """Flat rows: one per task × level, then one per variable class."""
        out: list[dict[str, Any]] = []
        for task, levels in self.scores.items():
            for level, s in levels.items():
                out.append(
                    {
                        "task": task,
                        "level": level,
                        "precision": round(s.precision, 4),
                        "recall": round(s.recall, 4),
                        "f1": round(s.f1, 4),
                        "predicted": s.predicted,
                        "gold": s.gold,
                    }
                )
        for name, (hit, n) in self.class_recall.items():
            out.append(
                {
                    "task": "thresholds",
                    "level": f"class {name} (value+comparator)",
                    "precision": None,
                    "recall": round(hit / n, 4) if n else None,
                    "f1": None,
                    "predicted": None,
                    "gold": n,
                }
            )
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "task": "thresholds",
            "gold": self.gold_path,
            "lines": self.lines,
            "scores": {
                task: {
                    level: {
                        "precision": round(s.precision, 4),
                        "recall": round(s.recall, 4),
                        "f1": round(s.f1, 4),
                        "predicted": s.predicted,
                        "gold": s.gold,
                    }
                    for level, s in levels.items()
                }
                for task, levels in self.scores.items()
            },
            "class_recall": {
                name: {"recall": round(hit / n, 4) if n else None, "gold": n}
                for name, (hit, n) in self.class_recall.items()
            },
            "ecog": {"right": self.ecog_items[0], "total": self.ecog_items[1]},
            "status": dict(self.status),
        }

    def format_text(self) -> str:
        lines = [f"gold: {self.gold_path} ({self.lines} criterion lines)"]
        for task, levels in self.scores.items():
            lines.append(f"\n{task}")
            lines.append(f"  {'level':<26} {'P':>6} {'R':>6} {'F1':>6} {'pred':>6} {'gold':>6}")
            for level, s in levels.items():
                lines.append(
                    f"  {level:<26} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f}"
                    f" {s.predicted:6d} {s.gold:6d}"
                )
        lines.append("\nrecall per variable class (thresholds, value+comparator)")
        for name, (hit, n) in self.class_recall.items():
            recall = f"{hit / n:6.3f}" if n else "     -"
            lines.append(f"  {name:<22} {recall}  ({hit}/{n})")
        right, total = self.ecog_items
        lines.append(f"\nECOG items fully right: {right}/{total}")
        lines.append("status: " + ", ".join(f"{k} {v}" for k, v in sorted(self.status.items())))
        return "\n".join(lines)


def read_gold(path: Path) -> list[dict[str, Any]]:
    return [record for _, record in gold_lines(path)]


def evaluate(path: Path | str) -> ThresholdReport:
    """Score extraction on a gold criteria file (see the module docstring)."""
    path = Path(path)
    report = ThresholdReport(gold_path=str(path))
    report.scores = {
        "thresholds": {level: Score() for level in LEVELS},
        "windows": {level: Score() for level in LEVELS},
        RECONCILED: {level: Score() for level in LEVELS},
    }
    class_hits: Counter[str] = Counter()
    class_total: Counter[str] = Counter()
    ecog_right = ecog_total = 0
    status: Counter[str] = Counter()
    records = read_gold(path)
    predictions = texts_criteria(
        (record.get("text") or "" for record in records),
        sections=(record.get("section") for record in records),
    )
    for record, criteria in zip(records, predictions, strict=True):
        report.lines += 1
        criterion = _as_one(record, criteria)
        status[criterion.status] += 1
        offset = int(record.get("start") or 0)
        constraints = [_local(c, offset) for c in record.get("constraints", [])]
        gold_t = [c for c in constraints if c["kind"] in ("numeric", "age") and _numbers(c)]
        gold_w = [c for c in constraints if c["kind"] == "temporal" and _numbers(c)]
        stated_as_threshold = [
            t for t in criterion.thresholds if t.variable in THRESHOLD_NOT_WINDOW
        ]
        gold_w_reconciled = [g for g in gold_w if not _match([g], list(stated_as_threshold), 1)[1]]
        tasks: tuple[tuple[str, list[dict[str, Any]], list[Threshold | Window]], ...] = (
            ("thresholds", gold_t, list(criterion.thresholds)),
            ("windows", gold_w, list(criterion.windows)),
            (RECONCILED, gold_w_reconciled, list(criterion.windows)),
        )
        for task, gold, predicted in tasks:
            scored_ids = {id(c) for c in gold}
            others = [c for c in constraints if id(c) not in scored_ids and c.get("span")]
            preds = predicted
            for level_index, level in enumerate(LEVELS):
                score = report.scores[task][level]
                matched_pred, matched_gold = _match(gold, preds, level_index)
                counted = [
                    p
                    for i, p in enumerate(preds)
                    if i in matched_pred or not _overlaps_any(p, others) or _overlaps_any(p, gold)
                ]
                score.predicted += len(counted)
                score.gold += len(gold)
                score.tp_pred += len(matched_pred)
                score.tp_gold += len(matched_gold)
                if task == "thresholds" and level_index == 1:
                    for gi, g in enumerate(gold):
                        name = _gold_class(g, record.get("text") or "")
                        if name:
                            class_total[name] += 1
                            class_hits[name] += gi in matched_gold
                    if len(matched_gold) < len(gold) and len(report.misses) < 2000:
                        report.misses.append({"text": record.get("text"), "kind": task})
                if task == "thresholds" and level_index == 2:
                    for gi, g in enumerate(gold):
                        if _gold_class(g, record.get("text") or "") == "ECOG":
                            ecog_total += 1
                            ecog_right += gi in matched_gold
    report.class_recall = {name: (class_hits[name], class_total[name]) for name in CLASSES.values()}
    report.ecog_items = (ecog_right, ecog_total)
    report.status = dict(status)
    return report


def _as_one(record: dict[str, Any], criteria: tuple[Criterion, ...]) -> Criterion:
    """The pipeline's criteria of one gold line as one criterion: every limit
    found (each is reported once, on the piece it lies in), the line's status."""
    text = record.get("text") or ""
    section = record.get("section")
    return Criterion(
        id=str(record.get("criterion_id") or "c"),
        section=section if section in ("inclusion", "exclusion") else "unknown",
        text=text,
        start=0,
        end=len(text),
        thresholds=tuple(t for c in criteria for t in c.thresholds),
        windows=tuple(w for c in criteria for w in c.windows),
        status=criteria[0].status if criteria else "unparsed",
    )


def _local(constraint: dict[str, Any], offset: int) -> dict[str, Any]:
    out = dict(constraint)
    if constraint.get("span"):
        out["span"] = [constraint["span"][0] - offset, constraint["span"][1] - offset]
    return out


def _numbers(constraint: dict[str, Any]) -> list[float]:
    """The gold numbers that define the limit: the value, the upper bound of a
    range and the members of a set (the conversion also lists incidental
    numbers such as the 10 of "4/10" or the 109 of "× 109/L" in ``values``)."""
    comparator = constraint.get("comparator")
    values = [constraint.get("value")]
    if comparator in ("between", "range"):
        values.append(constraint.get("value_max"))
    if comparator == "in":
        values += list(constraint.get("values") or [])
    return [float(v) for v in values if v is not None]


def _pred_numbers(pred: Threshold | Window) -> list[float]:
    if isinstance(pred, Window):
        return [float(v) for v in (pred.value, pred.value_max) if v is not None]
    values = [pred.value, pred.value_max, *(pred.values or ())]
    return [float(v) for v in values if v is not None]


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _span(pred: Threshold | Window) -> tuple[int, int]:
    return (pred.start or 0, pred.end or 0)


def _overlaps_any(pred: Threshold | Window, constraints: list[dict[str, Any]]) -> bool:
    return any(_overlap(_span(pred), tuple(c["span"])) for c in constraints if c.get("span"))


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-6 * max(1.0, abs(a), abs(b))


def _comparator_ok(gold: dict[str, Any], pred: Threshold | Window) -> bool:
    written = gold.get("comparator")
    if written is None or gold.get("comparator_implicit"):
        return True
    g = "between" if written == "range" else written
    p = pred.comparator
    if g == p:
        return True
    return {g, p} <= {"between", "in"}


def _words(text: str | None) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", (text or "").lower()) if w not in _STOP}


def _entity_ok(gold: dict[str, Any], pred: Threshold | Window) -> bool:
    names = [gold.get("entity") or "", *(gold.get("entity_aliases") or [])]
    if isinstance(pred, Threshold):
        if gold.get("kind") == "age" and pred.variable == "age":
            return True  # the annotated word is "old", "years", "aged": the variable is age
        if pred.variable != "other" and any(_variable_of(n) == pred.variable for n in names):
            return True
        predicted = _words(pred.entity) | _words(pred.variable.replace("_", " "))
    else:
        predicted = _words(pred.event)
    return any(_words(n) & predicted for n in names)


def _variable_of(name: str) -> str | None:
    r = rules()
    for pattern in (r.variable_cs, r.variable_ci):
        m = pattern.search(name)
        if m:
            return r.variable_for(m.group())
    return None


_PERFORMANCE_STATUS = re.compile(
    r"(?i)\b(?:ECOG|Eastern\s+Coop|Zubrod|WHO|performance\s+(?:status|score|scale))"
)


def _performance_status(names: list[str], text: str) -> bool:
    if any(_PERFORMANCE_STATUS.search(n) for n in names):
        return True
    return len(names) == 1 and bool(_PERFORMANCE_STATUS.search(text))


def _gold_class(gold: dict[str, Any], text: str = "") -> str | None:
    """The variable class a gold item counts for, from the meaning of its entity.

    ECOG needs performance-status wording (ECOG, Zubrod, WHO, "performance status") in
    the entity, an alias or, for a bare abbreviation, the line: "probing depth (PS)" is
    a dental measure, not a performance status.
    """
    if gold.get("kind") == "age":
        return "age"
    variables = rules().variables
    names = [gold.get("entity") or "", *(gold.get("entity_aliases") or [])]
    for name in names:
        variable = _variable_of(name)
        if variable and variables[variable].cls:
            cls = variables[variable].cls or ""
            if cls == "ecog" and not _performance_status(names, text):
                return None
            return CLASSES.get(cls)
    return None


def _match(
    gold: list[dict[str, Any]], preds: list[Threshold | Window], level: int
) -> tuple[set[int], set[int]]:
    matched_pred: set[int] = set()
    matched_gold: set[int] = set()
    for gi, g in enumerate(gold):
        numbers = _numbers(g)
        for pi, p in enumerate(preds):
            if pi in matched_pred or not _overlap(_span(p), (g["span"][0], g["span"][1])):
                continue
            predicted = _pred_numbers(p)
            if not all(any(_same(n, q) for q in predicted) for n in numbers):
                continue
            if level >= 1 and not _comparator_ok(g, p):
                continue
            if level >= 2 and not _entity_ok(g, p):
                continue
            matched_pred.add(pi)
            matched_gold.add(gi)
            break
        else:
            pair = _bounds_pair(g, preds, matched_pred, level)
            if pair:
                matched_pred.update(pair)
                matched_gold.add(gi)
    for gi in matched_gold:
        matched_pred.update(_other_half(gold[gi], preds, matched_pred, level))
    return matched_pred, matched_gold


_SLASH_PAIR = re.compile(r"\d\s*/\s*\d")


def _other_half(
    gold: dict[str, Any], preds: list[Threshold | Window], taken: set[int], level: int
) -> list[int]:
    """The diastolic limit of a gold item written as a pair ("BP >130/85 mmHg" is one gold
    item whose ``values`` hold both numbers; ctparse gives systolic > 130 and diastolic > 85)."""
    if not _SLASH_PAIR.search(gold.get("span_text") or ""):
        return []
    written = [float(v) for v in gold.get("values") or ()]
    span = (gold["span"][0], gold["span"][1])
    out = []
    for pi, p in enumerate(preds):
        if pi in taken or not isinstance(p, Threshold) or not _overlap(_span(p), span):
            continue
        if p.value is None or not any(_same(p.value, w) for w in written):
            continue
        if level >= 1 and not _comparator_ok(gold, p):
            continue
        if level >= 2 and not _entity_ok(gold, p):
            continue
        out.append(pi)
    return out


_LOWER, _UPPER = (">", ">="), ("<", "<=")


def _bounds_pair(
    gold: dict[str, Any], preds: list[Threshold | Window], taken: set[int], level: int
) -> tuple[int, int] | None:
    """A gold range written as two bounds ("Age ≥20 and ≤40 years", "≥ 12 to < 18 years")
    matched by the two one-sided limits extracted from it: a lower bound at ``value`` and an
    upper bound at ``value_max``, on the same variable, both inside the gold span."""
    if gold.get("comparator") not in ("between", "range") or gold.get("value_max") is None:
        return None
    span = (gold["span"][0], gold["span"][1])
    low = high = None
    for pi, p in enumerate(preds):
        if pi in taken or not isinstance(p, Threshold) or not _overlap(_span(p), span):
            continue
        if level >= 2 and not _entity_ok(gold, p):
            continue
        if p.value is None or p.value_max is not None or p.values:
            continue
        if low is None and p.comparator in _LOWER and _same(p.value, float(gold["value"])):
            low = pi
        elif high is None and p.comparator in _UPPER and _same(p.value, float(gold["value_max"])):
            high = pi
    if low is None or high is None:
        return None
    lower, upper = preds[low], preds[high]
    if (
        isinstance(lower, Threshold)
        and isinstance(upper, Threshold)
        and (lower.variable != upper.variable)
    ):
        return None
    return low, high
