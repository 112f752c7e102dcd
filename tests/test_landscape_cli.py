"""``ctparse landscape`` on the command line: every format, -o by suffix, and
bad input as one ``ctparse: error:`` line, exit code 2, nothing written.
``--where`` can neither write, attach nor read a file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import run
from landscape_helpers import REF, build, write_trials


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cli-trials")
    write_trials(folder)
    return build(folder, tmp_path_factory.mktemp("cli-dataset") / "ds")


def error(capsys, *args: str) -> str:
    code, out, err = run(capsys, *args)
    assert code == 2, (out, err)
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("ctparse: error: "), err
    assert "Traceback" not in err
    return lines[0]


@pytest.fixture
def ref_file(tmp_path: Path) -> Path:
    path = tmp_path / "ref.txt"
    path.write_text(REF, encoding="utf-8")
    return path


def test_json_to_stdout_and_every_format_by_suffix(
    capsys, dataset: Path, ref_file: Path, tmp_path: Path
) -> None:
    code, out, _ = run(capsys, "landscape", str(ref_file), "--against", str(dataset), "-f", "json")
    assert code == 0
    data = json.loads(out)
    assert data["dataset"]["compared"] == 20
    assert data["ref"]["id"] == str(ref_file)
    for suffix, marker in (
        (".md", "### Limits and time windows"),
        (".csv", "row,criterion_id,section"),
        (".html", "<!DOCTYPE html>"),
        (".json", '"limits"'),
        (".jsonl", '"limits"'),
    ):
        target = tmp_path / f"out{suffix}"
        code, out, err = run(
            capsys, "landscape", str(ref_file), "--against", str(dataset), "-o", str(target)
        )
        assert code == 0 and out == "", err
        assert marker in target.read_text(encoding="utf-8")
        assert f"wrote {target}" in err


def test_plain_criteria_text_as_ref(capsys, dataset: Path) -> None:
    code, out, _ = run(capsys, "landscape", "ECOG 0-1", "--against", str(dataset), "-f", "json")
    assert code == 0
    (ecog,) = json.loads(out)["limits"]
    assert ecog["key"] == "ecog" and ecog["verdicts"]["same"]["trials"] == 7


def test_min_share_and_where(capsys, dataset: Path, ref_file: Path) -> None:
    args = ["landscape", str(ref_file), "--against", str(dataset), "-f", "json"]
    code, out, _ = run(capsys, *args, "--min-share", "0.9")
    assert code == 0
    assert [m["key"] for m in json.loads(out)["missing"]] == ["age"]  # 100 %; hepatitis B 85 %
    code, out, _ = run(capsys, *args, "--where", "criteria_text NOT LIKE '%ECOG%'")
    assert code == 0
    data = json.loads(out)
    assert data["dataset"]["compared"] == 5  # t16-t20
    assert next(i for i in data["limits"] if i["key"] == "ecog")["limited"]["trials"] == 0


def test_a_missing_dataset_folder(capsys, ref_file: Path, tmp_path: Path) -> None:
    line = error(capsys, "landscape", str(ref_file), "--against", str(tmp_path / "nowhere"))
    assert "nowhere: no such folder" in line


def test_a_folder_that_is_no_dataset(capsys, ref_file: Path, tmp_path: Path) -> None:
    line = error(capsys, "landscape", str(ref_file), "--against", str(tmp_path))
    assert "no ctparse dataset here" in line


def test_a_file_given_as_dataset(capsys, ref_file: Path) -> None:
    line = error(capsys, "landscape", str(ref_file), "--against", str(ref_file))
    assert "is a file, not a dataset folder" in line


@pytest.mark.parametrize(
    ("where", "words"),
    [
        ("no_such_column = 1", "no_such_column"),
        ("phase = ", "syntax error"),
        ("1=1); DROP TABLE studies; --", "syntax error"),
        ("true) UNION (SELECT 'x' WHERE true", "one SQL expression"),
        ("true) ORDER BY (study_id", "one SQL expression"),
        ("true) LIMIT (1", "one SQL expression"),
        ("", "is empty"),
        ("criteria_text IN (SELECT * FROM read_text('/etc/passwd'))", "disabled by configuration"),
    ],
)
def test_where_duckdb_rejects_is_one_error_line(
    capsys, dataset: Path, ref_file: Path, tmp_path: Path, where: str, words: str
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    target = out / "landscape.html"
    line = error(
        capsys, "landscape", str(ref_file), "--against", str(dataset), "--where", where,
        "-o", str(target),
    )  # fmt: skip
    assert "--where" in line and words in line, line
    assert list(out.iterdir()) == []


def test_where_cannot_write_or_attach_files(dataset: Path, tmp_path: Path) -> None:
    from ctparse.errors import CtparseError
    from ctparse.landscape.facts import broad_concepts, variables
    from ctparse.landscape.query import Compared

    written = tmp_path / "leak.csv"
    attempts = [
        f"true); COPY studies TO '{written}'; SELECT 1 WHERE (true",
        f"true); ATTACH '{tmp_path / 'x.db'}' AS x; SELECT 1 WHERE (true",
        "true); SET enable_external_access = true; SELECT 1 WHERE (true",
    ]
    for where in attempts:
        compared = Compared(dataset)
        try:
            with pytest.raises(CtparseError):
                compared.check_where(where)
                compared.prepare(
                    exclude=None, variables=list(variables().values()), broad=broad_concepts()
                )
            # and even SQL run on the connection itself cannot touch files
            for statement in (f"COPY studies TO '{written}'", f"ATTACH '{tmp_path / 'y.db'}'"):
                with pytest.raises(Exception, match="disabled by configuration"):
                    compared.connection.execute(statement)
            with pytest.raises(Exception, match="locked"):
                compared.connection.execute("SET enable_external_access = true")
        finally:
            compared.close()
    assert list(tmp_path.iterdir()) == []


def test_an_unwritable_output(capsys, dataset: Path, ref_file: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    line = error(
        capsys, "landscape", str(ref_file), "--against", str(dataset), "-o", str(blocker / "x.html")
    )
    assert "is a file, not a folder" in line
    line = error(capsys, "landscape", str(ref_file), "--against", str(dataset), "-o", "out.pdf")
    assert "cannot tell the output format" in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file", "ref.txt"]


def test_a_bad_ref(capsys, dataset: Path, tmp_path: Path) -> None:
    line = error(capsys, "landscape", str(tmp_path / "missing.json"), "--against", str(dataset))
    assert "missing.json" in line
    line = error(capsys, "landscape", "NCT123", "--against", str(dataset))
    assert "NCT123" in line
