"""`ctparse dataset query` and `info`, the schema page, and the progress bar."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from dataset_helpers import archive

from ctparse.cli import main
from ctparse.dataset import build as builder
from ctparse.dataset.sources import classify
from ctparse.dataset.tables import TABLES, schema_markdown

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def trials(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("query")
    bulk = folder / "ctg-studies.json.zip"
    archive(bulk, 60, seed=2)
    directory = folder / "trials"
    builder.build(directory, classify((str(bulk),)), options=builder.Options(workers=1))
    return directory


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        main(args)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_the_schema_page_documents_every_column() -> None:
    page = (ROOT / "docs" / "dataset-schema.md").read_text(encoding="utf-8")
    assert page == schema_markdown(), (
        "regenerate: python -m ctparse.dataset.tables > docs/dataset-schema.md"
    )
    for table in TABLES.values():
        for column in table.columns:
            assert f"| `{column.name}` | {column.type} |" in page


def test_query_json_is_a_list_whatever_the_number_of_rows(trials: Path, capsys) -> None:
    for limit, expected in ((0, 0), (1, 1), (3, 3)):
        code, out, _ = run(
            [
                "dataset",
                "query",
                str(trials),
                f"SELECT study_id, last_update FROM studies ORDER BY 1 LIMIT {limit}",
                "-f",
                "json",
            ],
            capsys,
        )
        rows = json.loads(out)
        assert code == 0 and isinstance(rows, list) and len(rows) == expected
    assert rows[0]["last_update"] == "2025-01-15"  # dates as ISO strings


def test_query_csv_from_the_suffix_is_tidy(trials: Path, tmp_path: Path, capsys) -> None:
    target = tmp_path / "ecog.csv"
    code, out, _ = run(
        [
            "dataset",
            "query",
            str(trials),
            "SELECT study_id, comparator, eligible_lower, eligible_upper FROM thresholds WHERE variable = 'age' ORDER BY 1",
            "-o",
            str(target),
        ],
        capsys,
    )
    assert code == 0 and out == ""
    rows = list(csv.DictReader(io.StringIO(target.read_text())))
    assert rows and set(rows[0]) == {"study_id", "comparator", "eligible_lower", "eligible_upper"}
    assert all(r["eligible_lower"] == "" or float(r["eligible_lower"]) >= 0 for r in rows)


def test_bad_sql_is_one_line_and_no_file(trials: Path, tmp_path: Path, capsys) -> None:
    target = tmp_path / "out.json"
    code, out, err = run(
        ["dataset", "query", str(trials), "SELECT nope FROM criteria", "-o", str(target)], capsys
    )
    assert (
        (code, out) == (2, "")
        and err.startswith("ctparse: error: SQL: Binder Error")
        and err.count("\n") == 1
    )
    assert not target.exists()
    code, _, err = run(
        ["dataset", "query", str(trials), "SELECT 1", "-o", str(tmp_path / "x.parquet")], capsys
    )
    assert code == 2 and "cannot tell the output format from the suffix '.parquet'" in err


def test_info_counts_rows_status_variables_phases(trials: Path, capsys) -> None:
    code, out, _ = run(["dataset", "info", str(trials), "-f", "json"], capsys)
    facts = json.loads(out)
    assert code == 0 and facts["rows"]["studies"] == 60 and set(facts["rows"]) == set(TABLES)
    shares = facts["criteria_status"]
    assert abs(sum(s["share"] for s in shares.values()) - 1) < 0.01
    assert sum(s["criteria"] for s in shares.values()) == facts["rows"]["criteria"]
    assert facts["top_variables"][0]["variable"] == "age"
    assert sum(p["studies"] for p in facts["studies_by_phase"]) == 60
    code, out, _ = run(["dataset", "info", str(trials), "-f", "table"], capsys)
    assert "criteria by parse status" in out and "studies by phase" in out


def test_a_build_on_a_terminal_shows_rate_eta_and_a_summary(tmp_path: Path) -> None:
    """The real command with its stderr on a pseudo-terminal."""
    import pty

    bulk = tmp_path / "b.zip"
    archive(bulk, 40, seed=4)
    leader, follower = pty.openpty()
    env = {**os.environ, "COLUMNS": "160"}
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ctparse",
            "dataset",
            "build",
            str(bulk),
            "-o",
            str(tmp_path / "t"),
            "--workers",
            "1",
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=follower,
        env=env,
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    child.wait()
    os.close(leader)
    screen = b"".join(chunks).decode("utf-8", "replace")
    assert child.returncode == 0, screen
    assert "studies/s" in screen and "ETA" in screen and "parsing" in screen
    assert "ctparse: 40 studies, " in screen and " 0 errors, " in screen
