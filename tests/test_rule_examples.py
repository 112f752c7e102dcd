"""Every rule file under models/ has a spec in the manifest, and every example of every
file gives the result it states (ctparse.evaluation.examples): a phrase dropped, a factor
changed, a comparator's kind swapped or a canonical unit changed shows here."""

from __future__ import annotations

import json
import shutil

import pytest

from ctparse.errors import ResourceError
from ctparse.evaluation.examples import check_file, check_models, parse_example
from ctparse.resources import manifest, models_dir, validate_models

FILES = sorted(p.name for p in models_dir().glob("*.jsonl"))


def test_every_rule_file_has_a_spec_and_every_spec_a_file() -> None:
    specs = manifest()
    assert sorted(specs) == FILES
    assert all(spec.check for spec in specs.values())


@pytest.mark.parametrize("name", FILES)
def test_every_example_gives_its_result_and_every_phrase_has_one(name: str) -> None:
    failures = check_file(manifest()[name], models_dir() / name)
    assert not failures, "\n".join(map(str, failures[:20]))


def test_examples_state_their_result() -> None:
    example = parse_example("Hemoglobin not less than 9 g/dL ⇒ hemoglobin >= 9 g/dL")
    assert (example.text, example.expected) == (
        "Hemoglobin not less than 9 g/dL",
        "hemoglobin >= 9 g/dL",
    )


def _copy(tmp_path):
    folder = tmp_path / "models"
    shutil.copytree(models_dir(), folder)
    return folder


def _rewrite(path, change) -> None:
    lines = path.read_text(encoding="utf-8").split("\n")
    out = []
    for line in lines:
        if line.strip() and not line.startswith("#"):
            line = json.dumps(change(json.loads(line)), ensure_ascii=False)
        out.append(line)
    path.write_text("\n".join(out), encoding="utf-8")


def test_a_phrase_deleted_is_caught(tmp_path) -> None:
    """The mutation that survived before: 'not less than' gone from comparators.jsonl."""
    folder = _copy(tmp_path)

    def drop(entry):
        if entry["id"] == "ge_words":
            entry["phrases"] = [p for p in entry["phrases"] if p != "not less than"]
        return entry

    _rewrite(folder / "comparators.jsonl", drop)
    failures = check_models(folder)
    assert any("not less than" in f.text for f in failures), failures[:3]


def test_a_factor_changed_tenfold_is_caught(tmp_path) -> None:
    folder = _copy(tmp_path)

    def tenfold(entry):
        if entry["variable"] == "calcium":
            entry["factor"] = entry["factor"] * 10
        return entry

    _rewrite(folder / "conversions.jsonl", tenfold)
    assert any("alcium" in f.text for f in check_models(folder))


def test_an_unknown_file_without_a_spec_is_refused(tmp_path) -> None:
    folder = _copy(tmp_path)
    (folder / "synonyms.jsonl").write_text('{"id": "x", "examples": ["x"]}\n', encoding="utf-8")
    with pytest.raises(ResourceError, match=r"synonyms\.jsonl: no spec for this file"):
        validate_models(folder)


@pytest.mark.parametrize(
    ("file", "change", "message"),
    [
        (
            "variables.jsonl",
            lambda e: {**e, "unit": "g/LL"} if e["id"] == "hemoglobin" else e,
            r"variables.jsonl:\d+: 'unit': 'g/LL' is no id in units.jsonl",
        ),
        (
            "conversions.jsonl",
            lambda e: {**e, "variable": "hemoglobine"} if e["variable"] == "hemoglobin" else e,
            r"conversions.jsonl:\d+: 'variable': 'hemoglobine' is no id in variables.jsonl",
        ),
        (
            "comparators.jsonl",
            lambda e: {**e, "kind": "prefx"} if e["id"] == "ge_words" else e,
            r"comparators.jsonl:\d+: key 'kind': 'prefx' is not one of",
        ),
        (
            "anchors.jsonl",
            lambda e: {**e, "anchor": "first_doze"} if e.get("anchor") == "first_dose" else e,
            r"anchors.jsonl:\d+: key 'anchor': 'first_doze' is not one of",
        ),
        (
            "conversions.jsonl",
            lambda e: {**e, "factor": 0} if e["id"] == "count_per_mm3" else e,
            r"conversions.jsonl:\d+: key 'factor' must be > 0",
        ),
        (
            "noise.jsonl",
            lambda e: {**e, "pattern": "(unclosed"} if e["id"] == "version" else e,
            r"noise.jsonl:\d+: key 'pattern' is no valid regex",
        ),
    ],
    ids=[
        "unit_not_in_units",
        "conversion_of_no_variable",
        "comparator_kind",
        "anchor_id",
        "factor_zero",
        "regex",
    ],
)
def test_a_bad_rule_is_refused_when_the_pipeline_loads_naming_file_and_line(
    tmp_path, file, change, message
) -> None:
    folder = _copy(tmp_path)
    _rewrite(folder / file, change)
    with pytest.raises(ResourceError, match=message):
        validate_models(folder)
