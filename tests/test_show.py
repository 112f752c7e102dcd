"""``ctparse show`` as a user runs it: the two seed trials, every output
format, several REFs, stdin, and one golden JSON per shipped corpus record.

Regenerate the golden files after an intended change with
``CTPARSE_REGEN_GOLDEN=1 .venv/bin/python -m pytest tests/test_show.py``
and review the diff.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys

import pytest
from conftest import CORPUS, FIXTURES, ROOT

from ctparse.cli import main

GOLDEN = ROOT / "tests" / "golden" / "show"
SEED_000 = "local-8446462a6559f0be"
SEED_000_FILE = CORPUS / f"{SEED_000}.csv.txt"


def run(capsys, *args: str, stdin: bytes | None = None, monkeypatch=None):
    """Run the console entry point; return (exit code, stdout, stderr)."""
    if stdin is not None:
        assert monkeypatch is not None
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
    try:
        main(list(args))
        code = 0
    except SystemExit as exc:
        code = exc.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def show_json(capsys, *refs: str):
    """The study objects (json is a list whatever the count); one REF: its one object."""
    code, out, err = run(capsys, "show", "--offline", "--format", "json", *refs)
    assert code == 0, err
    studies = json.loads(out)
    assert isinstance(studies, list)
    if len(refs) == 1:
        assert len(studies) == 1
        return studies[0]
    return studies


# ---------------------------------------------------------------- seed 004


def test_seed_004_by_nct_id_offline(capsys):
    study = show_json(capsys, "NCT05990231")
    assert study["nct_id"] == "NCT05990231"
    assert study["source"]["format"] == "page_text"
    assert study["phases"] == ["PHASE2"]
    assert study["enrollment"] == {"count": 35, "type": "ESTIMATED"}
    assert study["study_type"] == "INTERVENTIONAL"
    assert study["design"] == {
        "allocation": "NA",
        "intervention_model": "SINGLE_GROUP",
        "masking": "NONE",
        "primary_purpose": "TREATMENT",
    }
    assert study["overall_status"] == "RECRUITING"
    assert study["sponsor"] == "Second Affiliated Hospital, School of Medicine, Zhejiang University"
    assert study["conditions"] == ["Esophageal Squamous Cell Carcinoma"]
    assert "Cadonilimab" in study["keywords"]
    assert (study["start_date"], study["primary_completion_date"], study["completion_date"]) == (
        "2023-09-01",
        "2025-08-01",
        "2025-08-01",
    )
    assert study["last_update_posted"] == "2023-09-07"
    assert len(study["arms"]) == 1 and study["arms"][0]["type"] == "EXPERIMENTAL"
    outcomes = study["outcomes"]
    assert [o["kind"] for o in outcomes] == ["primary"] + ["secondary"] * 5
    assert {o["time_frame"] for o in outcomes} == {"2 years"}
    eligibility = study["eligibility"]
    assert eligibility["sex"] == "ALL"
    assert (eligibility["minimum_age"], eligibility["maximum_age"]) == ("18 Years", "80 Years")
    assert eligibility["healthy_volunteers"] is False
    assert eligibility["criteria_text"].startswith("Inclusion Criteria: Voluntarily sign")
    assert "Exclusion Criteria:" in eligibility["criteria_text"]
    assert eligibility["criteria_text"].endswith("in the 3 months prior to screening), etc.")
    assert study["locations"] == [
        {
            "facility": "2nd Affiliated Hospital, School of Medicine, Zhejiang University, China",
            "city": "Hangzhou",
            "country": "China",
        }
    ]


def test_nct_id_is_case_insensitive(capsys):
    assert show_json(capsys, "nct05990231")["nct_id"] == "NCT05990231"


# ---------------------------------------------------------------- seed 000


@pytest.mark.parametrize("ref", [SEED_000, str(SEED_000_FILE)])
def test_seed_000_by_local_id_and_by_path(capsys, ref):
    study = show_json(capsys, ref)
    assert study["nct_id"] is None
    assert study["local_id"] == SEED_000
    assert [(i["type"], i["name"]) for i in study["interventions"]] == [
        ("DRUG", "Camrelizumab"),
        ("DRUG", "Irinotecan"),
        ("DRUG", "Paclitaxel"),
        ("DRUG", "Paclitaxel-albumin"),
        ("DRUG", "Docetaxel"),
        ("DRUG", "Anlotinib"),
    ]
    assert [o["kind"] for o in study["outcomes"]] == ["primary"] + ["secondary"] * 4
    assert {o["time_frame"] for o in study["outcomes"]} == {"Up to 24 month"}
    assert study["outcomes"][0]["measure"] == "Objective response rate (ORR)"
    assert "(PR: ≥30% decrease" in study["outcomes"][0]["description"]
    assert study["eligibility"]["criteria_text"] is None
    assert study["conditions"] == ["Stage IV Esophagus Squamous Cell Carcinoma"]


def test_shipped_file_name_matches_the_content_derived_id():
    from ctparse.readers import read_studies

    for path in CORPUS.iterdir():
        if path.name == "README.md":
            continue
        (study,) = read_studies(path.read_bytes(), location=str(path))
        assert path.name.split(".")[0] == study.ref


# ---------------------------------------------------------------- formats


def test_several_refs_give_a_json_list_in_argument_order(capsys):
    studies = show_json(capsys, "NCT05990231", SEED_000)
    assert [s["nct_id"] for s in studies] == ["NCT05990231", None]
    assert studies[1]["local_id"] == SEED_000


def test_json_is_a_list_whatever_the_number_of_studies(capsys):
    page = str(FIXTURES / "records" / "api_page.json")
    code, out, _ = run(capsys, "show", "--offline", "-f", "json", page)
    assert code == 0 and [s["nct_id"] for s in json.loads(out)] == ["NCT09000001", "NCT09000002"]
    code, out, _ = run(capsys, "show", "--offline", "-f", "json", "NCT05990231")
    assert code == 0 and [s["nct_id"] for s in json.loads(out)] == ["NCT05990231"]


def test_jsonl_is_one_object_per_line(capsys):
    code, out, _ = run(capsys, "show", "--offline", "-f", "jsonl", "NCT05990231", SEED_000)
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 2
    assert [json.loads(line)["brief_title"][:11] for line in lines] == [
        "Cadonilimab",
        "Phase II Cl",
    ]


def test_csv_is_one_row_per_study(capsys):
    code, out, _ = run(capsys, "show", "--offline", "-f", "csv", "NCT05990231", SEED_000)
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["ref"] for r in rows] == ["NCT05990231", SEED_000]
    # tidy: the columns of the dataset's studies table, one value per cell
    assert rows[0]["study_id"] == "NCT05990231" and rows[0]["phase"] == "PHASE2"
    assert rows[0]["enrollment"] == "35" and rows[0]["enrollment_type"] == "ESTIMATED"
    assert rows[0]["minimum_age_years"] == "18" and rows[0]["healthy_volunteers"] == "false"
    assert rows[1]["study_id"] == SEED_000 and rows[1]["criteria_text"] == ""


def test_table_is_a_readable_summary(capsys):
    code, out, _ = run(capsys, "show", "--offline", "-f", "table", "NCT05990231", SEED_000)
    assert code == 0
    assert "NCT05990231 — Cadonilimab" in out
    assert "35 (ESTIMATED)" in out
    assert "PHASE2" in out
    assert "1 primary, 5 secondary" in out
    assert "1 primary, 4 secondary" in out
    assert "Hangzhou" in out
    assert "not in this record" in out  # seed 000 says there are no criteria


def test_markdown_has_one_field_table_per_study(capsys):
    code, out, _ = run(capsys, "show", "--offline", "-f", "markdown", "NCT05990231", SEED_000)
    assert code == 0
    assert out.count("| field | value |") == 2
    assert "### NCT05990231 — Cadonilimab" in out
    assert "| enrollment | 35 (ESTIMATED) |" in out


def test_output_file_gets_the_same_json(capsys, tmp_path):
    target = tmp_path / "out" / "study.json"
    code, out, _ = run(capsys, "show", "--offline", "-f", "json", "-o", str(target), "NCT05990231")
    assert code == 0 and out == ""
    assert json.loads(target.read_text())[0]["nct_id"] == "NCT05990231"


def test_stdin(capsys, monkeypatch):
    data = (CORPUS / "NCT05990231.page.txt").read_bytes()
    code, out, err = run(capsys, "show", "-f", "json", "-", stdin=data, monkeypatch=monkeypatch)
    assert code == 0, err
    (study,) = json.loads(out)
    assert study["nct_id"] == "NCT05990231"
    assert study["source"]["location"] == "-"


def test_a_record_in_the_cache_wins_over_the_shipped_one(capsys, tmp_path):
    record = json.loads((FIXTURES / "records" / "api_study.json").read_text())
    record["protocolSection"]["identificationModule"]["nctId"] = "NCT05990231"
    record["protocolSection"]["identificationModule"]["briefTitle"] = "Fresher copy"
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "NCT05990231.json").write_text(json.dumps(record))
    code, out, err = run(capsys, "show", "--offline", "--corpus", str(cache), "NCT05990231")
    assert code == 0, err
    assert json.loads(out)[0]["brief_title"] == "Fresher copy"


# ----------------------------------------------------------------- golden


def _records():
    return sorted(p for p in CORPUS.iterdir() if p.is_file() and p.name != "README.md")


@pytest.mark.parametrize("path", _records(), ids=lambda p: p.name)
def test_golden_show_json(capsys, path):
    record_id = path.name.split(".")[0]
    study = show_json(capsys, record_id)
    # The corpus path differs per checkout; the golden file names it relatively.
    study["source"]["location"] = f"corpus/{path.name}"
    text = json.dumps(study, sort_keys=True, ensure_ascii=False, indent=2) + "\n"
    golden = GOLDEN / f"{record_id}.json"
    if os.environ.get("CTPARSE_REGEN_GOLDEN") == "1":
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert golden.is_file(), f"{golden} missing; run with CTPARSE_REGEN_GOLDEN=1"
    assert text == golden.read_text(encoding="utf-8")


def test_every_golden_file_has_a_corpus_record():
    ids = {p.name.split(".")[0] for p in _records()}
    assert {p.stem for p in GOLDEN.glob("*.json")} == ids
