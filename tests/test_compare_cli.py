"""``ctparse compare`` as a user runs it on the two ESCC seeds, offline: every
format says up front that seed 000 has no criteria, the study-level comparison
is complete, ``-o`` writes atomically, bad REFs fail in one line, and the JSON
matches a golden file.

Regenerate the golden file after an intended change with
``CTPARSE_REGEN_GOLDEN=1 .venv/bin/python -m pytest tests/test_compare_cli.py``
and review the diff.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re

import pytest
from conftest import ROOT, SAMPLES, need_shared

from ctparse.cli import main

SEED_004 = "NCT05990231"
SEED_000 = "local-8446462a6559f0be"
GOLDEN = ROOT / "tests" / "golden" / "compare" / "escc.json"
NO_CRITERIA = "has no eligibility criteria in its record"


def run(capsys, *args: str):
    try:
        main(list(args))
        code = 0
    except SystemExit as exc:
        code = exc.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def compare(capsys, fmt: str, *extra: str) -> str:
    code, out, err = run(capsys, "compare", SEED_004, SEED_000, "--offline", "-f", fmt, *extra)
    assert code == 0, err
    return out


@pytest.fixture(scope="module")
def escc(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The JSON comparison of the seeds (computed once for the module, with
    the same isolation as conftest's per-test fixture)."""
    import contextlib

    buffer = io.StringIO()
    with pytest.MonkeyPatch.context() as env, contextlib.redirect_stdout(buffer):
        env.setenv("CTPARSE_CORPUS", str(tmp_path_factory.mktemp("corpus-cache")))
        env.setenv("CTPARSE_API_URL", "http://127.0.0.1:9/api/v2")
        main(["compare", SEED_004, SEED_000, "--offline", "-f", "json"])
    return json.loads(buffer.getvalue())


def test_json_has_the_design_shape(escc) -> None:
    assert escc["a"]["nct_id"] == SEED_004 and escc["b"]["nct_id"] is None
    assert escc["b"]["local_id"] == SEED_000
    assert escc["a"]["has_criteria"] is True and escc["b"]["has_criteria"] is False
    assert set(escc["summary"]) >= {
        "same", "a_stricter", "b_stricter", "different", "only_a", "only_b"
    }  # fmt: skip
    for pair in escc["pairs"]:
        assert {"a", "b", "variable", "verdict", "detail"} <= set(pair)


def test_every_criterion_of_a_is_only_a_and_says_why(escc) -> None:
    pairs = escc["pairs"]
    assert len(pairs) >= 40  # seed 004 has dozens of criteria
    assert {p["verdict"] for p in pairs} == {"only_a"}
    assert all(p["b"] is None for p in pairs)
    assert all("not in B's record" in p["detail"] for p in pairs)
    assert escc["summary"]["only_a"] == len(pairs)


def test_study_level_comparison_is_complete(escc) -> None:
    rows = {row["field"]: row for row in escc["study"]}
    assert rows["phases"]["verdict"] == "only_a"  # the CSV row has no phase column
    assert rows["conditions"]["verdict"] == "different"
    assert rows["conditions"]["detail"] == (
        "B adds: Stage IV; Esophageal/Esophagus taken as the same word"
    )
    interventions = rows["interventions"]
    assert interventions["a"] == ["cadonilimab", "anlotinib"]
    assert set(interventions["b"]) == {
        "camrelizumab", "irinotecan", "paclitaxel", "nab-paclitaxel", "docetaxel", "anlotinib"
    }  # fmt: skip
    assert "shared: anlotinib (multi-target VEGFR TKI)" in interventions["detail"]
    assert "cadonilimab (anti-PD-1/CTLA-4 bispecific)" in interventions["detail"]
    assert "camrelizumab (anti-PD-1)" in interventions["detail"]
    for endpoint in ("Objective response rate", "Disease control rate", "Overall survival"):
        assert rows[f"outcome: {endpoint}"]["verdict"] == "same"  # 2 years = up to 24 months
    assert rows["outcome: Adverse events"]["verdict"] == "only_a"


@pytest.mark.parametrize("fmt", ["table", "markdown", "csv", "html", "json"])
def test_every_format_says_up_front_that_b_has_no_criteria(capsys, fmt: str) -> None:
    out = compare(capsys, fmt)
    head = out[:3000] if fmt != "html" else out.split('<table id="study"')[0]
    assert NO_CRITERIA in head


def test_csv_is_long_format(capsys) -> None:
    rows = list(csv.DictReader(io.StringIO(compare(capsys, "csv"))))
    assert rows[0]["level"] == "note" and NO_CRITERIA in rows[0]["detail"]
    levels = {row["level"] for row in rows}
    assert levels == {"note", "study", "criterion"}
    assert any(r["field"] == "interventions" and r["verdict"] == "different" for r in rows)


def test_table_shows_verdicts_side_by_side(capsys) -> None:
    out = compare(capsys, "table")
    assert "Study design" in out and "Eligibility criteria" in out
    assert "only A" in out and "cadonilimab" in out


def test_output_file_format_follows_the_suffix(capsys, tmp_path) -> None:
    target = tmp_path / "reports" / "escc.html"
    code, out, err = run(capsys, "compare", SEED_004, SEED_000, "--offline", "-o", str(target))
    assert code == 0, err
    assert out == ""
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "http://" not in page and "https://" not in page  # no external assets


def test_bad_ref_fails_in_one_line_and_writes_nothing(capsys, tmp_path) -> None:
    target = tmp_path / "out.json"
    code, _, err = run(capsys, "compare", SEED_004, "NCT99999999", "--offline", "-o", str(target))
    assert code == 2
    assert err.startswith("ctparse: error: NCT99999999") and err.count("\n") == 1
    assert not target.exists() and list(tmp_path.iterdir()) == []


def test_a_ref_with_several_studies_is_refused(capsys) -> None:
    page = need_shared(SAMPLES / "api_v2_studies_page.json")
    code, _, err = run(capsys, "compare", str(page), SEED_004, "--offline", "-f", "json")
    assert code == 2
    assert "compare needs exactly one" in err


def test_golden_comparison_json(escc) -> None:
    text = json.dumps(escc, sort_keys=True, ensure_ascii=False, indent=2) + "\n"
    if os.environ.get("CTPARSE_REGEN_GOLDEN") == "1":
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(text, encoding="utf-8")
    assert GOLDEN.is_file(), f"{GOLDEN} missing; run with CTPARSE_REGEN_GOLDEN=1"
    assert text == GOLDEN.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("name", "start"),
    [
        ("escc.markdown", "# NCT05990231 vs"),
        ("escc.md", "# NCT05990231 vs"),
        ("escc.HTM", "<!DOCTYPE html>"),
        ("escc.csv", "level,field,"),
        ("escc.jsonl", '{"a": {'),
        ("escc.json", "{\n"),
    ],
)
def test_every_known_suffix_picks_its_format(capsys, tmp_path, name: str, start: str) -> None:
    target = tmp_path / name
    code, _, err = run(capsys, "compare", SEED_004, SEED_000, "--offline", "-o", str(target))
    assert code == 0, err
    text = target.read_text(encoding="utf-8")
    assert text.startswith(start)
    if name.endswith(".jsonl"):
        assert text.count("\n") == 1


@pytest.mark.parametrize("name", ["escc.txt", "escc"])
def test_an_unknown_suffix_is_an_error_not_json(capsys, tmp_path, name: str) -> None:
    target = tmp_path / name
    code, out, err = run(capsys, "compare", SEED_004, SEED_000, "--offline", "-o", str(target))
    assert code == 2 and out == ""
    assert err.startswith("ctparse: error: ") and err.count("\n") == 1
    assert "cannot tell the output format" in err and "--format" in err
    assert list(tmp_path.iterdir()) == []
    # With --format the same file name is fine.
    code, _, err = run(
        capsys, "compare", SEED_004, SEED_000, "--offline", "-o", str(target), "-f", "markdown"
    )
    assert code == 0, err
    assert target.read_text(encoding="utf-8").startswith("# NCT05990231 vs")


def test_help_separates_the_verdicts_from_the_examples(capsys) -> None:
    code, out, _ = run(capsys, "compare", "--help")
    assert code == 0
    assert "only A, only B.\n\n  A REF is" in out and "\n\n  Examples:\n" in out


def test_self_comparison_is_all_same(capsys) -> None:
    code, out, err = run(capsys, "compare", SEED_004, SEED_004, "--offline", "-f", "json")
    assert code == 0, err
    data = json.loads(out)
    assert {p["verdict"] for p in data["pairs"]} == {"same"}
    assert {r["verdict"] for r in data["study"]} == {"same"}


def test_another_trial_pairs_what_says_the_same(capsys) -> None:
    other = need_shared(SAMPLES / "api_v2_study_NCT05894239.json")
    code, out, err = run(capsys, "compare", SEED_004, str(other), "--offline", "-f", "json")
    assert code == 0, err
    paired = {(p["a"], p["b"]): p for p in json.loads(out)["pairs"] if p["a"] and p["b"]}
    bowel = paired[("exc-23", "exc-3")]  # "Active or past history of confirmed IBD …"
    assert bowel["verdict"] == "same", bowel["detail"]
    assert paired[("inc-3", "inc-1")]["verdict"] == "same"  # ECOG 0 or 1, both
    assert paired[("inc-2", "age")]["verdict"] == "a_stricter"  # 18–80 vs ≥ 18
    lung = paired[("exc-14", "exc-8")]  # steroid-requiring pneumonitis vs any lung disease
    assert lung["verdict"] == "different" and "A excludes" in lung["detail"]


COLLAPSED = "No column for B (local-8446462a6559f0be): its record has no eligibility criteria."


def test_markdown_leaves_out_the_empty_b_column(capsys) -> None:
    out = compare(capsys, "markdown")
    criteria = out.split("## Eligibility criteria", 1)[1]
    assert COLLAPSED in criteria
    assert "| verdict | variable | A | detail |\n|---|---|---|---|\n" in criteria
    rows = [line for line in criteria.splitlines() if line.startswith("| only A")]
    assert rows and all(line.count(" | ") == 3 for line in rows)


def test_table_leaves_out_the_empty_b_column(capsys) -> None:
    out = compare(capsys, "table")
    criteria = out.split("Eligibility criteria:", 1)[1]
    assert COLLAPSED in " ".join(out.split())
    header = next(line for line in criteria.splitlines() if "┃ verdict" in line)
    assert [c.strip() for c in header.strip("┃ ").split("┃")] == [
        "verdict", "variable", "A", "detail"
    ]  # fmt: skip


def test_html_leaves_out_the_empty_b_column(capsys) -> None:
    out = compare(capsys, "html")
    criteria = out.split('<table id="criteria"', 1)[1].split("</table>", 1)[0]
    assert '<th class="side-col">A · NCT05990231</th>' in criteria
    assert not re.search(r"<th[^>]*>B · ", criteria)
    rows = [r for r in criteria.split("</tr>") if "data-verdict" in r]
    assert rows and all(row.count("<td") == 4 for row in rows)  # verdict, variable, A, detail
    assert COLLAPSED in out


def test_json_and_csv_keep_both_sides(capsys, escc) -> None:
    assert all("b" in p and p["b_text"] is None for p in escc["pairs"])
    rows = list(csv.DictReader(io.StringIO(compare(capsys, "csv"))))
    assert all("b_id" in r and "b" in r for r in rows)


def test_the_comparison_is_the_same_whatever_the_hash_seed(tmp_path) -> None:
    """Sums over sets of concepts once depended on the set's order, which changes with
    Python's hash seed: NCT05990231 against itself gave exc-31 the basis "text" under
    one seed and "concepts" under another."""
    import subprocess
    import sys

    outputs = []
    for seed in ("1", "4"):
        out = tmp_path / f"seed{seed}.json"
        subprocess.run(
            [sys.executable, "-m", "ctparse", "compare", "NCT05990231", "NCT05990231",
             "--offline", "-f", "json", "-o", str(out)],
            env={**os.environ, "PYTHONHASHSEED": seed}, cwd=ROOT, check=True,
            capture_output=True,
        )  # fmt: skip
        outputs.append(out.read_text(encoding="utf-8"))
    assert outputs[0] == outputs[1]


@pytest.mark.parametrize("fmt", ["markdown", "table"])
def test_study_design_says_registry_enums_in_words(capsys, fmt: str) -> None:
    """Markdown printed the registry's enums (INTERVENTIONAL, SINGLE_GROUP) where the
    table said words."""
    out = compare(capsys, fmt)
    design = out.split("Eligibility criteria", 1)[0]
    assert "Interventional" in design and "Single group" in design
    assert "INTERVENTIONAL" not in design and "SINGLE_GROUP" not in design
