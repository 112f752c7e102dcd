"""Rule files: they parse, ids are unique, and every example sentence does what
its rule says (STYLE.md: every rule id has an example a test runs)."""

from __future__ import annotations

import json
import re

import pytest

from ctparse.errors import ResourceError
from ctparse.nlp.extract import extract_thresholds
from ctparse.nlp.polarity import Cues
from ctparse.nlp.rules import rules
from ctparse.nlp.units import to_canonical
from ctparse.nlp.windows import extract_windows
from ctparse.resources import load_rules, models_dir
from ctparse.schema import Criterion

FILES = (
    "variables.jsonl",
    "units.jsonl",
    "conversions.jsonl",
    "comparators.jsonl",
    "anchors.jsonl",
    "noise.jsonl",
    "polarity.jsonl",
)


def _entries(name: str) -> list[dict]:
    return load_rules(name)


def _criterion(text: str, section: str = "inclusion") -> Criterion:
    return Criterion(id="t", section=section, text=text, start=0, end=len(text))  # type: ignore[arg-type]


def _cases(name: str) -> list[tuple[str, str]]:
    return [(e["id"], example) for e in _entries(name) for example in e["examples"]]


@pytest.mark.parametrize("name", sorted(FILES))
def test_rule_file_parses_with_unique_ids_and_examples(name: str) -> None:
    entries = _entries(name)
    assert entries
    assert all(e["examples"] for e in entries), "every rule has an example sentence"


def test_unknown_key_is_rejected(tmp_path) -> None:
    (tmp_path / "variables.jsonl").write_text(
        json.dumps({"id": "x", "name": "x", "synonyms": [], "examples": ["x"], "colour": 1}) + "\n"
    )
    with pytest.raises(ResourceError, match="unknown key"):
        load_rules("variables.jsonl", directory=tmp_path)


def test_lexicon_covers_the_design_variables_and_more_than_80() -> None:
    design = [
        "age",
        "ecog",
        "karnofsky",
        "life_expectancy",
        "anc",
        "wbc",
        "platelets",
        "hemoglobin",
        "lymphocytes",
        "bilirubin_total",
        "ast",
        "alt",
        "alp",
        "albumin",
        "creatinine",
        "crcl",
        "egfr",
        "inr",
        "aptt",
        "lvef",
        "qtc",
        "sbp",
        "dbp",
        "bmi",
        "hba1c",
        "glucose",
        "hbv_dna",
        "weight_loss",
    ]
    variables = rules().variables
    assert set(design) <= set(variables)
    assert len(variables) >= 80


def test_models_ship_inside_the_package_dir() -> None:
    assert (models_dir() / "variables.jsonl").is_file()


@pytest.mark.parametrize(("variable", "example"), _cases("variables.jsonl"))
def test_variable_example_yields_that_variable(variable: str, example: str) -> None:
    found = {t.variable for t in extract_thresholds(_criterion(example))}
    assert variable in found, f"{example!r} gave {found}"


@pytest.mark.parametrize(("unit", "example"), _cases("units.jsonl"))
def test_unit_example_is_read_as_that_unit(unit: str, example: str) -> None:
    criterion = _criterion(example)
    thresholds = extract_thresholds(criterion)
    written = [t.unit for t in thresholds]
    r = rules()
    ids = {r.unit_for(w) for w in written if w} | {
        f"10^{m.group(1)}/L" for w in written if w for m in [re.search(r"10\^(\d+)", w)] if m
    }
    windows = extract_windows(criterion)
    ids |= {w.unit for w in windows}
    if unit in ("/L", "10^9/L"):
        assert any(i and i.startswith("10^") for i in ids), f"{example!r}: {written}"
    else:
        assert unit in ids, f"{example!r}: {written}"


@pytest.mark.parametrize(("conversion", "example"), _cases("conversions.jsonl"))
def test_conversion_example_normalizes_with_its_factor(conversion: str, example: str) -> None:
    entry = next(e for e in _entries("conversions.jsonl") if e["id"] == conversion)
    criterion = _criterion(example)
    if entry["to"] == "days":
        windows = extract_windows(criterion)
        thresholds = extract_thresholds(criterion)
        days = [w.days for w in windows] + [
            t.normalized.value for t in thresholds if t.normalized and t.normalized.unit == "days"
        ]
        assert days, example
        return
    thresholds = [
        t
        for t in extract_thresholds(criterion)
        if t.normalized and t.normalized.unit == entry["to"]
    ]
    assert thresholds, f"{example!r} has no threshold in {entry['to']}"
    t = thresholds[0]
    if entry["variable"] != "*":
        assert t.variable == entry["variable"]
    expected = to_canonical(t.variable, t.value or 0, entry["from"])
    assert expected is not None
    assert t.normalized is not None and t.normalized.value == pytest.approx(expected[0])


@pytest.mark.parametrize(("rule", "example"), _cases("comparators.jsonl"))
def test_comparator_example_gives_its_operator(rule: str, example: str) -> None:
    entry = next(e for e in _entries("comparators.jsonl") if e["id"] == rule)
    if entry["kind"] == "calendar":
        windows = [w for w in extract_windows(_criterion(example)) if w.unit == "calendar_year"]
        assert windows, example
        two_years = len(re.findall(r"\b(?:19|20)\d\d\b", example)) == 2
        assert windows[0].comparator == ("between" if two_years else entry["op"])
        return
    thresholds = extract_thresholds(_criterion(example))
    assert thresholds, example
    if entry["kind"] == "relative":
        assert any(t.relative_to == entry["op"] for t in thresholds)
    elif entry["kind"] == "condition":
        assert any(t.condition for t in thresholds)
    elif entry["kind"] == "qualifier":
        assert any(t.condition == entry["op"] for t in thresholds), [
            t.condition for t in thresholds
        ]
    elif entry["kind"] == "filler":
        assert any(t.comparator in (">", ">=", "<", "<=") and t.unit for t in thresholds)
    elif entry["kind"] == "range":
        assert any(t.comparator in ("between", "in") for t in thresholds)
    else:
        assert any(t.comparator == entry["op"] for t in thresholds), [
            t.comparator for t in thresholds
        ]


@pytest.mark.parametrize(("rule", "example"), _cases("anchors.jsonl"))
def test_anchor_example_gives_its_window(rule: str, example: str) -> None:
    entry = next(e for e in _entries("anchors.jsonl") if e["id"] == rule)
    windows = extract_windows(_criterion(example))
    assert windows, example
    if entry["kind"] == "anchor":
        assert any(w.anchor == entry["anchor"] for w in windows)
    elif entry["kind"] in ("before", "lookback"):
        assert any(w.direction == "before" for w in windows)
    else:
        assert any(w.direction == "after" for w in windows)


@pytest.mark.parametrize(("rule", "example"), _cases("noise.jsonl"))
def test_noise_example_matches(rule: str, example: str) -> None:
    entry = next(e for e in _entries("noise.jsonl") if e["id"] == rule)
    assert re.search(entry["pattern"], example)


# What each kind of polarity rule does to the limits of its example (exclude rules run
# in the inclusion section, every other kind in the exclusion section).
_POLARITY_SIGNS = {
    "permit": {1},
    "exclude": {-1},
    "allowed_level": {1},
    "negation": {1, -1},
    "subgroup": {0},
    "obligation": {0, 1},
}


@pytest.mark.parametrize(("rule", "example"), _cases("polarity.jsonl"))
def test_polarity_example_gets_its_rule(rule: str, example: str) -> None:
    entry = next(e for e in _entries("polarity.jsonl") if e["id"] == rule)
    exclusion = entry["kind"] != "exclude"
    thresholds = extract_thresholds(_criterion(example, "exclusion" if exclusion else "inclusion"))
    assert thresholds, example
    cues = Cues(example)
    decisions = [
        cues.decide(t.start or 0, t.end or 0, exclusion=exclusion, variable=t.variable)
        for t in thresholds
    ]
    applied = [d for d in decisions if rule in d.rules]
    assert applied, f"{example!r}: {decisions}"
    assert {d.sign for d in applied} <= _POLARITY_SIGNS[entry["kind"]], applied
