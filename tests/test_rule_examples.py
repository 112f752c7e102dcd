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


# ------------------------------------------- phrases no example can tell apart


@pytest.mark.parametrize(
    ("file", "change", "message"),
    [
        (
            "concepts.jsonl",
            lambda e: (
                {**e, "synonyms": [*e["synonyms"], "Bronchial-Asthma"]}
                if e["id"] == "asthma"
                else e
            ),
            r"concepts.jsonl:\d+: 'Bronchial-Asthma' names asthma twice: 'bronchial asthma'",
        ),
        (
            "concepts.jsonl",
            lambda e: (
                {**e, "abbreviations": [*(e.get("abbreviations") or []), "NOACs"]}
                if e["id"] == "anticoagulants"
                else e
            ),
            r"concepts.jsonl:\d+: abbreviation 'NOACs' of anticoagulants: 'NOAC' matches its plural",
        ),
        (
            "concepts.jsonl",
            lambda e: (
                {**e, "abbreviations": [*(e.get("abbreviations") or []), "hbv"]}
                if e["id"] == "hepatitis_b"
                else e
            ),
            r"concepts.jsonl:\d+: abbreviation 'hbv' of hepatitis_b: the name 'HBV' matches it",
        ),
        (
            "variables.jsonl",
            lambda e: (
                {**e, "abbreviations": [*(e.get("abbreviations") or []), "NYHA"]}
                if e["id"] == "nyha"
                else e
            ),
            r"variables.jsonl:\d+: abbreviation 'NYHA': the synonym 'nyha' matches it already",
        ),
    ],
    ids=["synonym_folded", "abbreviation_plural", "abbreviation_a_name_matches", "variable"],
)
def test_a_name_given_twice_is_refused_naming_file_and_line(
    tmp_path, file, change, message
) -> None:
    """A second name that the matcher cannot tell from the first would survive its own
    deletion: it is refused when the rules load."""
    from ctparse.nlp.concepts import load_concepts
    from ctparse.nlp.rules import rules
    from ctparse.resources import forget, using_models

    folder = _copy(tmp_path)
    _rewrite(folder / file, change)
    with using_models(folder), pytest.raises(ResourceError, match=message):
        load_concepts(folder) if file == "concepts.jsonl" else rules()
    forget(folder)


def test_a_concept_example_must_be_a_name_not_end_in_one(tmp_path) -> None:
    """Dropping the synonym "bronchial asthma" leaves "asthma" ending the example
    "bronchial asthma": the example fails, since it no longer names its entry."""
    from ctparse.resources import forget, using_models

    folder = _copy(tmp_path)

    def drop(entry):
        if entry["id"] == "asthma":
            entry["synonyms"] = [s for s in entry["synonyms"] if s != "bronchial asthma"]
        return entry

    _rewrite(folder / "concepts.jsonl", drop)
    with using_models(folder):
        failures = check_file(manifest(folder)["concepts.jsonl"], folder / "concepts.jsonl")
    forget(folder)
    assert [(f.text, f.got) for f in failures] == [
        ("bronchial asthma", "asthma, by its last words")
    ]


def test_a_phrase_inside_a_longer_one_of_its_entry_is_not_exercised(tmp_path) -> None:
    """ "maximum" in "a maximum of 2" is matched by the phrase "a maximum of": an entry
    whose only example is that leaves "maximum" untested, and the check says so; a
    unit form differing only in case needs its own example."""
    from ctparse.evaluation.examples import _uses

    assert not _uses("maximum", ["ECOG a maximum of 2"], longer=["a maximum of", "maximum"])
    assert _uses("maximum", ["ECOG maximum 2"], longer=["a maximum of", "maximum"])
    assert not _uses("ml/min", ["CrCl ≥ 60 mL/min"], case=True, longer=["mL/min"])
    assert _uses("ml/min", ["CrCl ≥ 60 mL/min"], longer=["mL/min"])


def test_answers_cached_per_text_do_not_outlive_a_rewritten_folder(tmp_path) -> None:
    """``make mutate`` rewrites one folder in place: the mentions of a text must come
    from the rules now in it, not from the cache of the folder's last contents."""
    from ctparse.nlp.mentions import mentions
    from ctparse.resources import forget, using_models

    folder = _copy(tmp_path)
    with using_models(folder):
        assert [m.entry.id for m in mentions("Keytruda")] == ["pembrolizumab"]

    def drop(entry):
        if entry["id"] == "pembrolizumab":
            entry["synonyms"] = [s for s in entry["synonyms"] if s != "Keytruda"]
        return entry

    _rewrite(folder / "drugs.jsonl", drop)
    forget(folder)
    with using_models(folder):
        assert mentions("Keytruda") == ()
    forget(folder)
