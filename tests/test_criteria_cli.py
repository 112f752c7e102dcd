"""``ctparse criteria``: formats, the DESIGN.md JSON shape, one object per REF
in jsonl, --summary, a record without criteria, and a golden file for seed 004.

The golden file pins segmentation only (ids, sections, offsets, parents,
categories); thresholds have their own golden file. Regenerate it after an
intended change with
``CTPARSE_REGEN_GOLDEN=1 .venv/bin/python -m pytest tests/test_criteria_cli.py``
and review the diff.
"""

from __future__ import annotations

import csv
import io
import json
import os

import pytest
from conftest import CORPUS, ROOT, SAMPLES, need_shared
from helpers import run

GOLDEN = ROOT / "tests" / "golden" / "criteria"
SEED_004 = CORPUS / "NCT05990231.page.txt"
SEED_000 = CORPUS / "local-8446462a6559f0be.csv.txt"
SEGMENTATION_FIELDS = ("id", "section", "text", "start", "end", "parent", "category")


def criteria_json(capsys, *refs: str) -> dict:
    """The one study object of a single REF (json is a list whatever the count)."""
    code, out, err = run(capsys, "criteria", "--offline", "--format", "json", *refs)
    assert code == 0, err
    result = json.loads(out)
    assert isinstance(result, list) and len(result) == 1
    return result[0]


def test_json_shape_is_the_design_contract(capsys) -> None:
    result = criteria_json(capsys, str(SEED_004))
    assert set(result) == {"nct_id", "ref", "criteria"}
    assert result["nct_id"] == result["ref"] == "NCT05990231"
    first = result["criteria"][0]
    assert {"id", "section", "text", "start", "end", "parent", "category", "thresholds"} <= set(
        first
    )
    assert {"windows", "status"} <= set(first)


def test_offsets_index_the_criteria_text(capsys) -> None:
    from ctparse.refs import load_studies

    (study,) = load_studies(str(SEED_004), offline=True)
    text = study.eligibility.criteria_text
    for c in criteria_json(capsys, str(SEED_004))["criteria"]:
        if c["start"] is not None:
            assert text[c["start"] : c["end"]] == c["text"]


def test_jsonl_has_one_object_per_ref(capsys) -> None:
    code, out, _ = run(capsys, "criteria", "--offline", "-f", "jsonl", str(SEED_004), str(SEED_000))
    assert code == 0
    lines = [json.loads(line) for line in out.splitlines()]
    assert [obj["nct_id"] for obj in lines] == ["NCT05990231", None]
    # A record without an NCT id is still told apart by its ref.
    assert [obj["ref"] for obj in lines] == ["NCT05990231", "local-8446462a6559f0be"]


def test_record_without_criteria_says_so_and_is_no_error(capsys) -> None:
    code, out, err = run(capsys, "criteria", "--offline", "-f", "json", str(SEED_000))
    assert code == 0
    assert json.loads(out) == [{"criteria": [], "nct_id": None, "ref": "local-8446462a6559f0be"}]
    assert "no eligibility criteria text" in err


def test_csv_has_one_row_per_criterion(capsys) -> None:
    code, out, _ = run(capsys, "criteria", "--offline", "-f", "csv", str(SEED_004))
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows[0]["criterion_id"] == "inc-1" and rows[0]["section"] == "inclusion"
    assert {"start", "end", "parent", "category", "n_thresholds", "n_windows"} <= set(rows[0])


@pytest.mark.parametrize("fmt", ["table", "markdown"])
def test_human_formats_list_every_criterion(capsys, fmt: str) -> None:
    code, out, _ = run(capsys, "criteria", "--offline", "-f", fmt, str(SEED_004))
    assert code == 0
    assert "exc-38" in out and "inc-1" in out


def test_summary_counts_sections_and_statuses_on_stderr(capsys) -> None:
    code, out, err = run(capsys, "criteria", "--offline", "-f", "json", "--summary", str(SEED_004))
    assert code == 0
    json.loads(out)  # stdout stays pure data
    assert "NCT05990231:" in err and "inclusion" in err and "exclusion" in err
    assert "status:" in err


def test_api_and_legacy_samples(capsys, samples) -> None:
    for name in ("api_v2_study_NCT05894239.json", "legacy_NCT01101477.xml"):
        result = criteria_json(capsys, str(SAMPLES / name))
        sections = {c["section"] for c in result["criteria"] if c["start"] is not None}
        assert sections == {"inclusion", "exclusion"}


def test_one_study_of_a_multi_study_file(capsys, samples) -> None:
    """ "page.json#NCT…" names one study of a list page, as it does for ``compare``."""
    page = SAMPLES / "api_v2_studies_page.json"
    code, out, err = run(capsys, "criteria", "--offline", "-f", "json", f"{page}#NCT04175379")
    assert code == 0, err
    (study,) = json.loads(out)
    assert study["nct_id"] == "NCT04175379" and study["criteria"]
    code, out, err = run(capsys, "criteria", "--offline", f"{page}#NCT99999999")
    assert code == 2 and out == "" and "no study NCT99999999" in err


def test_bad_ref_is_one_line_and_exit_2(capsys) -> None:
    code, out, err = run(capsys, "criteria", "--offline", "no-such-file.json")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("ctparse: error:")


def test_golden_seed_004_criteria(capsys) -> None:
    result = criteria_json(capsys, str(SEED_004))
    pinned = {
        "nct_id": result["nct_id"],
        "criteria": [{k: c[k] for k in SEGMENTATION_FIELDS} for c in result["criteria"]],
    }
    text = json.dumps(pinned, sort_keys=True, ensure_ascii=False, indent=2) + "\n"
    golden = GOLDEN / "NCT05990231.json"
    if os.environ.get("CTPARSE_REGEN_GOLDEN") == "1":
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert golden.is_file(), f"{golden} missing; run with CTPARSE_REGEN_GOLDEN=1"
    assert text == golden.read_text(encoding="utf-8")


def test_shared_seed_file_reads_like_the_corpus_copy(capsys) -> None:
    seed = need_shared(ROOT.parent / "shared" / "seeds" / "004_a803df08c1dbcb20.txt")
    a = criteria_json(capsys, str(seed))["criteria"]
    b = criteria_json(capsys, str(SEED_004))["criteria"]
    assert [c["text"] for c in a] == [c["text"] for c in b]


def test_plain_text_file_is_read_as_criteria_text(capsys, tmp_path) -> None:
    path = tmp_path / "criteria.txt"
    text = "Inclusion Criteria:\n  -  Age ≥ 18\nExclusion Criteria:\n  -  Pregnancy\n"
    path.write_text(text, encoding="utf-8")
    result = criteria_json(capsys, str(path))
    assert [(c["id"], c["text"]) for c in result["criteria"]] == [
        ("inc-1", "Age ≥ 18"),
        ("exc-1", "Pregnancy"),
    ]
    assert all(text[c["start"] : c["end"]] == c["text"] for c in result["criteria"])
