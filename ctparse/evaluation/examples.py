"""Every example of every rule file, run and checked: the rules test themselves.

An example is ``"text ⇒ expected"`` (or an object ``{"text", "expect",
"section"}`` where the section matters): the text goes through the stage its
file's ``check`` names (``models/manifest.json``) and what comes out, rendered
as one line, must be ``expected``. Lexicon files whose examples name their
entry (drugs, endpoints, acronyms, concepts, assertion cues) check that the
example gives that entry. Beside the results, every phrase of a ``phrases``
field must occur in an example of its entry and every top-level alternative of
a ``patterns`` field must match one, so that a phrase nobody exercises is
reported instead of left to rot.

    ctparse.evaluation.examples.check_models()    # [] when every example holds

The renderings (``render_limits`` and the others) are written for people:
``"Hemoglobin not less than 9 g/dL ⇒ hemoglobin >= 9 g/dL = 90 g/L, eligible
[90, inf)"`` (the words that name a variable are shown when they differ from its
id: ``anc (absolute neutrophil count) >= …``). ``make mutate`` runs this check against mutated rule folders.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..resources import FileSpec, manifest, models_dir, read_located, using_models, validate_models
from ..schema import Criterion, Range, Section, Threshold, Window
from ..text.patterns import alternatives

ARROW = " ⇒ "


@dataclass(frozen=True)
class Failure:
    """One example whose result is not what it says, or a phrase no example uses."""

    where: str  # file:line
    text: str
    expected: str
    got: str

    def __str__(self) -> str:
        return (
            f"{self.where}: {self.text!r}\n    expected: {self.expected}\n    got:      {self.got}"
        )


@dataclass(frozen=True)
class Example:
    text: str
    expected: str | None  # None: the example names its entry (lexicons)
    section: str | None = None
    raw: Any = None


def parse_example(raw: Any) -> Example:
    """``"text ⇒ expected"``, ``{"text", "expect", "section"}`` or a lexicon example."""
    if isinstance(raw, str):
        text, arrow, expected = raw.rpartition(ARROW)
        if not arrow:
            return Example(raw, None, raw=raw)
        return Example(text, expected, raw=raw)
    text = str(raw.get("text", ""))
    expect = raw.get("expect")
    return Example(text, None if expect is None else str(expect), raw.get("section"), raw)


# --------------------------------------------------------------- renderings


def _num(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:.6g}"


def render_range(eligible: Range | None) -> str:
    """``[1.5, inf)``, ``(-inf, 40]``, ``none``."""
    return "none" if eligible is None else eligible.interval()


def render_threshold(t: Threshold) -> str:
    """``hemoglobin (Hb) >= 9 g/dL = 90 g/L, eligible [90, inf)``: the variable (and the
    words that named it, when they are not its id), the limit as written, its value
    in the canonical unit, the eligible range and any condition; a comparator read
    into a mirror's "=" adds ``, comparator inferred``, an implausible value
    ``, suspect implausible (probably g/dL: 20 g/L)``."""
    if t.values is not None:
        value = "{" + ", ".join(_num(v) for v in t.values) + "}"
    elif t.value_max is not None:
        value = f"{_num(t.value)}-{_num(t.value_max)}"
    else:
        value = _num(t.value)
    name = (
        f"{t.variable} ({t.entity})" if t.entity and t.entity.lower() != t.variable else t.variable
    )
    parts = [name, t.comparator, value]
    if t.unit:
        parts.append(t.unit)
    if t.relative_to == "percentile":
        parts.append("percentile")  # "the 99th percentile": a rank, no multiple
    elif t.relative_to:
        parts.append(f"x {t.relative_to}")
    text = " ".join(parts)
    n = t.normalized
    if t.relative_to == "percentile":
        pass
    elif n is None:
        text += " = ?"
    elif t.values is None and n.unit and (n.unit != t.unit or n.value != t.value):
        high = f"-{_num(n.value_max)}" if n.value_max is not None else ""
        text += f" = {_num(n.value)}{high} {n.unit}"
    if t.eligible is None and t.eligible_values:
        # A set of grades with a gap ("ECOG 2" excluded): no range can say it.
        text += ", eligible {" + ", ".join(_num(v) for v in t.eligible_values) + "}"
    else:
        text += f", eligible {render_range(t.eligible)}"
    if t.condition:
        text += f", if {t.condition}"
    if t.comparator_inferred:
        text += ", comparator inferred"
    if t.suspect is not None:
        meant = t.suspect.normalized
        probably = (
            f" (probably {t.suspect.unit}: {_num(meant.value)} {meant.unit})"
            if t.suspect.unit and meant is not None
            else ""
        )
        text += f", suspect {t.suspect.reason}{probably}"
    return text


def render_window(w: Window) -> str:
    """``chemotherapy: <= 4 week before first_dose, excluded, eligible (28, inf) days``; an
    anchor named in the text shows its words (``after prior_therapy (any HER2-targeted
    therapy)``), a subgroup its condition (``, if for part A``)."""
    value = _num(w.value) + (f"-{_num(w.value_max)}" if w.value_max is not None else "")
    anchor = f"{w.anchor} ({w.anchor_text})" if w.anchor and w.anchor_text else w.anchor
    where = " ".join(p for p in (w.direction, anchor) if p)
    text = f"{w.event or '?'}: {w.comparator} {value} {w.unit}" + (f" {where}" if where else "")
    text += f", {w.requirement or 'no requirement'}, eligible {render_range(w.eligible)} days"
    return text + (f", if {w.condition}" if w.condition else "")


def render_limits(criteria: Iterable[Criterion]) -> str:
    """Every threshold and window of the criteria, in text order, ``; ``-joined."""
    items: list[tuple[int, str]] = []
    for criterion in criteria:
        items += [(t.start or 0, render_threshold(t)) for t in criterion.thresholds]
        items += [(w.start or 0, render_window(w)) for w in criterion.windows]
    return "; ".join(text for _, text in sorted(items, key=lambda item: item[0])) or "nothing"


# ------------------------------------------------------------------ checks


def _criteria(example: Example) -> tuple[Criterion, ...]:
    """The example through the rule stages (the examples are the rules'; the trained
    entity recognizer has its own evaluation)."""
    from ..nlp import load
    from ..nlp.study import text_criteria

    section: Section | None = None
    if example.section == "inclusion":
        section = "inclusion"
    elif example.section == "exclusion":
        section = "exclusion"
    return text_criteria(example.text, section=section, nlp=load(entities=False)).criteria


def _limits(entry: dict[str, Any], example: Example) -> str:
    return render_limits(_criteria(example))


def _status(entry: dict[str, Any], example: Example) -> str:
    return ", ".join(dict.fromkeys(c.status for c in _criteria(example))) or "nothing"


def _sections(entry: dict[str, Any], example: Example) -> str:
    from ..nlp.sections import find_sections

    found = find_sections(example.text)
    return "; ".join(f"{s.section}: {example.text[s.start : s.end]}" for s in found) or "nothing"


def _segments(entry: dict[str, Any], example: Example) -> str:
    from ..align import leaves

    return " | ".join(c.text for c in leaves(_criteria(example))) or "nothing"


def _category(entry: dict[str, Any], example: Example) -> str:
    from ..nlp.categorize import categorize

    return categorize(example.text)


def _events(entry: dict[str, Any], example: Example) -> str:
    return " | ".join(w.event or "?" for c in _criteria(example) for w in c.windows) or "nothing"


def _expanded(entry: dict[str, Any], example: Example) -> str:
    from ..align.matching import expand

    expanded = expand(example.text)
    return entry["id"] if entry["expansion"].lower() in expanded.lower() else expanded


def _drugs(entry: dict[str, Any], example: Example) -> str:
    from ..align.study import drugs_in

    found = drugs_in(example.text)
    return entry["id"] if entry["id"] in found else ", ".join(found) or "nothing"


def _endpoint(entry: dict[str, Any], example: Example) -> str:
    from ..align.study import endpoint_of

    return endpoint_of(example.text) or "nothing"


def _concept(entry: dict[str, Any], example: Example) -> str:
    """The entry the example names as a whole (``asthma``), else the one its last
    words name, said so (``asthma, by its last words``): an example with no
    expectation must be one of its entry's names, so dropping the name "bronchial
    asthma" fails the example "bronchial asthma" although "asthma" still ends it."""
    from ..nlp.concepts import entry_named, entry_of

    named = entry_named(example.text, entry["type"])
    if named is not None:
        return named.id
    found = entry_of(example.text, entry["type"])
    return f"{found.id}, by its last words" if found is not None else "nothing"


def _assertion(entry: dict[str, Any], example: Example) -> str:
    from ..nlp.assertions import qualify, requirement_of

    raw = example.raw
    text, entity = raw["text"], raw["entity"]
    start = text.find(entity)
    qualifiers = qualify(text, [(start, start + len(entity))], [raw.get("type")])[0]
    if "requirement" in raw:
        return f"{qualifiers.assertion}, {requirement_of(raw['section'], qualifiers)}"
    return qualifiers.assertion


def _assertion_expected(entry: dict[str, Any], example: Example) -> str:
    raw = example.raw
    if "requirement" in raw:
        return f"{raw['assertion']}, {raw['requirement']}"
    return str(raw["assertion"])


def _qualifiers(entry: dict[str, Any], example: Example) -> str:
    from ..nlp.qualifiers import mentions, qualifiers

    found = mentions(example.text)
    said = [
        f"{m.entry.id}: {', '.join(q)}"
        for m, q in zip(found, qualifiers(example.text, found), strict=True)
        if q
    ]
    return "; ".join(said) or "nothing"


Check = Callable[[dict[str, Any], Example], str]
#: check name -> (run the example, what it must give when the example states nothing)
CHECKS: dict[str, tuple[Check, Check | None]] = {
    "limits": (_limits, None),
    "status": (_status, None),
    "sections": (_sections, None),
    "criteria": (_segments, None),
    "category": (_category, None),
    "events": (_events, None),
    "expanded": (_expanded, lambda entry, example: entry["id"]),
    "drugs": (_drugs, lambda entry, example: entry["id"]),
    "endpoint": (_endpoint, lambda entry, example: entry["id"]),
    "concept": (_concept, lambda entry, example: entry["id"]),
    "assertion": (_assertion, _assertion_expected),
    "qualifiers": (_qualifiers, None),
}


def _fold(text: str, *, hyphens: bool = False, case: bool = False) -> str:
    text = text if case else text.lower()
    return re.sub(r"[\s\-]+" if hyphens else r"\s+", " ", text).strip()


def _occurrences(
    key: str, text: str, *, suffix: bool = False, ignore_case: bool = True
) -> list[tuple[int, int]]:
    edge_l = r"(?<![A-Za-z0-9])" if key[0].isalnum() else ""
    if suffix:
        edge_l = r"(?<=[A-Za-z])"
    edge_r = r"(?![A-Za-z0-9])" if key[-1].isalnum() else ""
    pattern = edge_l + re.escape(key).replace(r"\ ", r"\s+") + edge_r
    flags = re.IGNORECASE if ignore_case else 0
    return [m.span() for m in re.finditer(pattern, text, flags)]


def _uses(
    phrase: str,
    texts: list[str],
    *,
    suffix: bool = False,
    hyphens: bool = False,
    case: bool = False,
    longer: Iterable[str] = (),
) -> bool:
    """Whether a phrase occurs (as words, runs of space aside, case too unless
    ``case``; hyphens too where the file's matcher reads them as spaces) in one of
    the texts (``suffix``: as the ending of a word), somewhere no ``longer`` phrase
    of its entry covers: "maximum" is not exercised by "a maximum of 2", where the
    phrase "a maximum of" is what matches."""
    key = _fold(phrase, hyphens=hyphens, case=case)
    if not key:
        return True
    others = [
        k
        for k in (_fold(o, hyphens=hyphens, case=case) for o in longer)
        if len(k) > len(key) and k.lower().find(key.lower()) >= 0
    ]
    for text in texts:
        folded = _fold(text, hyphens=hyphens, case=case)
        covers = [span for o in others for span in _occurrences(o, folded)]
        for start, end in _occurrences(key, folded, suffix=suffix, ignore_case=not case):
            if not any(s <= start and end <= e for s, e in covers):
                return True
    return False


def _named_by(phrase: str, texts: list[str], *, abbreviation: bool) -> bool:
    """Whether one of the texts is the phrase as a whole (a name: but for case,
    plural, hyphens and spaces; an abbreviation: as written, or its plural), alone
    or beside a parenthesis ("HIV (human immunodeficiency virus)"). A concept's
    name is exercised by an example that is that name, not by one that contains
    it ("murmur" is not exercised by "heart murmur", which another name matches)."""
    from ..nlp.concepts import bracketed, key

    written = [part.strip() for text in texts for part in (text, *(bracketed(text.strip()) or ()))]
    if abbreviation:
        return phrase in written or f"{phrase}s" in written
    return key(phrase) in {key(part) for part in written}


def check_file(spec: FileSpec, path: Path) -> list[Failure]:
    """The failures of one rule file's examples and phrase coverage."""
    run, implicit = CHECKS[spec.check]
    failures: list[Failure] = []
    for entry in read_located(path):
        data = entry.data
        examples = [parse_example(raw) for raw in data.get("examples") or ()]
        for example in examples:
            expected = example.expected
            if expected is None:
                if implicit is None:
                    failures.append(
                        Failure(entry.where, example.text, "text ⇒ expected", "no expected result")
                    )
                    continue
                expected = implicit(data, example)
            try:
                got = run(data, example)
            except Exception as exc:  # an example that crashes a stage is a failure, not a crash
                got = f"{type(exc).__name__}: {exc}"
            if got != expected:
                failures.append(Failure(entry.where, example.text, expected, got))
        if data.get("scale"):
            failures += _scale_probes(entry.where, data)
        texts = [example.text for example in examples]
        # A coordination rule of word endings ("-ed", "-ly") is used by a word ending so.
        suffix = data.get("kind") == "verb_suffix"
        phrases = [
            (field, phrase)
            for field in spec.phrases
            for phrase in (
                [data[field]] if isinstance(data.get(field), str) else data.get(field) or ()
            )
        ]
        for field, phrase in phrases:
            if spec.check == "concept":
                used = _named_by(phrase, texts, abbreviation=field == "abbreviations")
            else:
                used = _uses(
                    phrase,
                    texts,
                    suffix=suffix,
                    hyphens=spec.fold_hyphens,
                    case=field in spec.as_written,
                    longer=[p for _, p in phrases],
                )
            if not used:
                failures.append(
                    Failure(entry.where, phrase, f"an example using {field} {phrase!r}", "none")
                )
        for field in spec.patterns:
            for alternative in alternatives(data.get(field) or ""):
                # Anchors belong to where the rule is applied (a sentence's start, the
                # words before a limit), not to the example as a whole.
                core = alternative.removeprefix("^").removesuffix("$")
                regex = re.compile(core, re.IGNORECASE if spec.ignore_case else 0)
                if not any(regex.search(text) for text in texts):
                    failures.append(
                        Failure(
                            entry.where,
                            alternative,
                            f"an example matching {field} alternative {alternative!r}",
                            "none",
                        )
                    )
    return failures


def _scale_probes(where: str, data: dict[str, Any]) -> list[Failure]:
    """A scale is read to both ends and no further: "<name> >= <top>" and
    "<name> <= <bottom>" are one limit on the variable (for an ordinal scale with
    the end as the one grade a patient may have), and a value one step past the
    top is no limit on it. The written examples sit inside the scale, so a wrong
    end would read right in every one of them."""
    high = data["scale"][1]
    step = data.get("step") or 1
    low, top = data.get("living") or data["scale"]
    name = data.get("name") or data["id"]
    from ..nlp.study import text_criteria

    failures = []
    for text, wanted in (
        (f"{name} >= {_num(top)}", (float(top),)),
        (f"{name} <= {_num(low)}", (float(low),)),
        (f"{name} <= {_num(high + step)}", None),
    ):
        found = [
            t
            for c in text_criteria(text, section="inclusion").criteria
            for t in c.thresholds
            if t.variable == data["id"]
        ]
        values = found[0].eligible_values if len(found) == 1 else None
        one = len(found) == 1 and values in (None, wanted)
        right = not found if wanted is None else one
        if not right:
            failures.append(
                Failure(
                    where,
                    text,
                    f"scale {data['scale']}: "
                    + ("no limit" if wanted is None else f"one limit, eligible values {wanted}"),
                    f"{len(found)} limits, eligible values {values}",
                )
            )
    return failures


def check_models(directory: Path | None = None) -> list[Failure]:
    """Every example of every rule file in ``directory`` (default: the shipped rules)."""
    folder = (directory or models_dir()).resolve()
    with using_models(folder):
        validate_models(folder)
        specs = manifest(folder)
        return list(
            itertools.chain.from_iterable(
                check_file(specs[name], folder / name) for name in sorted(specs)
            )
        )
