"""The spaCy pipeline is the contract: stages declare and check what they assign and
require, values serialize with spaCy's own tools, a saved pipeline carries its rules."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import spacy
from conftest import SEEDS
from spacy.tokens import Doc, DocBin

from ctparse.errors import PipelineError, ResourceError
from ctparse.nlp import PIPELINE, load

TEXTS = [
    "Inclusion Criteria:\n* ECOG 0-1\n* Age >= 18 years\n* Hemoglobin not less than 9 g/dL\n"
    "Exclusion Criteria:\n- Chemotherapy within 4 weeks before the first dose\n"
    "- neutrophils ≥ 1,500/mm3, platelet count ≥ 100,000/mm3",
    "Exclusion Criteria:\n1. ECOG 2-4\n2. Pregnant or breastfeeding women.",
    "Age = 18 years",
]


def _criteria(docs) -> list[list[dict]]:
    return [[c.to_dict() for c in doc._.criteria] for doc in docs]


def test_every_stage_declares_what_it_assigns_and_requires() -> None:
    nlp = load()
    assert tuple(nlp.pipe_names) == PIPELINE
    analysis = nlp.analyze_pipes()
    assert all(problems == [] for problems in analysis["problems"].values())
    assert analysis["summary"]["ctparse_windows"]["requires"] == [
        "doc._.criteria",
        "doc._.thresholds",
    ]


@pytest.mark.parametrize("missing", [s for s in PIPELINE[:-1] if s != "ctparse_entities"])
def test_a_pipeline_missing_a_stage_fails_loudly(missing: str) -> None:
    nlp = spacy.blank("en")
    for name in PIPELINE:
        if name != missing:
            nlp.add_pipe(name)
    assert any(nlp.analyze_pipes()["problems"].values())
    with pytest.raises(PipelineError, match="no earlier component assigned"):
        nlp("Inclusion Criteria:\n* Age >= 18 years")


def test_the_windows_prefix_that_read_age_as_a_window_is_refused() -> None:
    nlp = spacy.blank("en")
    for name in ("ctparse_sections", "ctparse_segmenter", "ctparse_windows"):
        nlp.add_pipe(name)
    with pytest.raises(PipelineError, match=r"ctparse_windows: needs doc\._\.thresholds"):
        nlp("Age >= 18 years")


def test_the_entity_stage_may_be_left_out() -> None:
    nlp = load(entities=False)
    assert "ctparse_entities" not in nlp.pipe_names
    (criterion,) = nlp("History of myocarditis")._.criteria
    assert (criterion.entities, criterion.status) == ((), "unparsed")
    (criterion,) = load()("History of myocarditis")._.criteria
    assert [e.concept.id for e in criterion.entities if e.concept] == ["myocarditis"]
    assert criterion.status == "parsed"


def test_the_status_stage_is_what_sets_the_status() -> None:
    nlp = spacy.blank("en")
    for name in PIPELINE[:-1]:
        nlp.add_pipe(name)
    doc = nlp("Age >= 18 years")
    assert [c.status for c in doc._.criteria] == ["unparsed"]  # not set yet
    assert [c.status for c in load()("Age >= 18 years")._.criteria] == ["parsed"]


def test_doc_to_bytes_and_docbin_round_trip_the_criteria() -> None:
    nlp = load()
    docs = list(nlp.pipe(TEXTS))
    again = [Doc(nlp.vocab).from_bytes(doc.to_bytes()) for doc in docs]
    assert _criteria(again) == _criteria(docs)
    assert again[0]._.criteria == docs[0]._.criteria  # the same frozen values, tuples and all
    stored = DocBin(store_user_data=True, docs=docs).to_bytes()
    assert _criteria(DocBin().from_bytes(stored).get_docs(nlp.vocab)) == _criteria(docs)


def test_nlp_pipe_in_two_processes_gives_identical_output() -> None:
    nlp = load()
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))] + TEXTS * 3
    assert _criteria(nlp.pipe(texts, n_process=2, batch_size=2)) == _criteria(nlp.pipe(texts))


def _load_in_a_fresh_process(folder: Path, texts: list[str]) -> list[list[dict]]:
    code = (
        "import json, sys, spacy\n"
        f"nlp = spacy.load({str(folder)!r})\n"
        "texts = json.load(sys.stdin)\n"
        "print(json.dumps([[c.to_dict() for c in d._.criteria] for d in nlp.pipe(texts)]))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": "/usr/bin:/bin", "HOME": str(folder), "CTPARSE_OFFLINE": "1"},
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout)


def test_to_disk_then_spacy_load_in_a_fresh_process_gives_identical_output(tmp_path) -> None:
    nlp = load()
    nlp.to_disk(tmp_path / "pipeline")
    expected = json.loads(json.dumps(_criteria(nlp.pipe(TEXTS))))
    assert _load_in_a_fresh_process(tmp_path / "pipeline", TEXTS) == expected


def test_the_rules_travel_with_a_saved_pipeline(tmp_path) -> None:
    """spacy.load reads the rules saved with the pipeline, not the shipped ones."""
    folder = tmp_path / "pipeline"
    load().to_disk(folder)
    for comparators in folder.glob("*/comparators.jsonl"):
        text = comparators.read_text(encoding="utf-8").replace('"not less than", ', "")
        comparators.write_text(text, encoding="utf-8")
    (criteria,) = _load_in_a_fresh_process(folder, ["Hemoglobin not less than 9 g/dL"])
    # the shipped rules read ">="; the saved, edited ones no longer know the phrase
    assert [t["comparator"] for t in criteria[0]["thresholds"]] != [">="]


def test_a_bad_rule_in_a_saved_pipeline_fails_when_it_loads(tmp_path) -> None:
    folder = tmp_path / "pipeline"
    load().to_disk(folder)
    variables = folder / "ctparse_thresholds" / "variables.jsonl"
    variables.write_text(
        variables.read_text(encoding="utf-8").replace('"unit": "g/L"', '"unit": "g/LL"'),
        encoding="utf-8",
    )
    with pytest.raises(ResourceError, match=r"variables.jsonl:\d+: 'unit': 'g/LL'"):
        spacy.load(folder)
