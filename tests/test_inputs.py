"""How command-line arguments become studies or criteria text
(``ctparse.refs.load_inputs``), the same way in every subcommand.

``criteria`` and ``thresholds`` accept plain criteria text (an argument, a
text file, stdin); ``show`` and ``compare`` accept records only. An argument
too long to be a file name is never a traceback.
"""

from __future__ import annotations

import io
import json
import sys
import time

import pytest
from conftest import CORPUS, FIXTURES
from test_bad_input import FILES, assert_one_line_error

from ctparse import refs
from ctparse.cli import main
from ctparse.errors import (
    BadReferenceError,
    MissingInputError,
    ReadError,
    shorten,
)
from ctparse.schema import Study

API_STUDY = FIXTURES / "records" / "api_study.json"
SEED_000 = CORPUS / "local-8446462a6559f0be.csv.txt"
LONG_TEXT = "x " * 10000
LONG_NAME = "a" * 300
TEXT_COMMANDS = ("criteria", "thresholds")


def run(capsys, monkeypatch, *args: str, stdin: bytes | None = None) -> tuple[int, str, str]:
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
    try:
        main(list(args))
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# ------------------------------------------------------ 1. long arguments


@pytest.mark.parametrize("argument", [LONG_NAME, LONG_TEXT, "a\x00b.json"])
def test_probing_an_impossible_file_name_never_raises(argument: str) -> None:
    for allow_text in (False, True):
        if allow_text and not refs.looks_like_path(argument):
            (text,) = refs.load_inputs(argument, allow_text=True, offline=True)
            assert isinstance(text, refs.CriteriaText) and text.text == argument
            continue
        with pytest.raises(MissingInputError, match="no such file"):
            refs.load_inputs(argument, allow_text=allow_text, offline=True)


@pytest.mark.parametrize("argument", [LONG_NAME, LONG_TEXT])
def test_show_names_a_long_argument_in_one_short_line(capsys, monkeypatch, tmp_path, argument):
    target = tmp_path / "out.json"
    code, out, err = run(capsys, monkeypatch, "show", "--offline", "-o", str(target), argument)
    assert code == 2 and out == ""
    assert_one_line_error(err, argument[:60].strip() + "…")
    assert len(err) < 200
    assert not target.exists()


@pytest.mark.parametrize("position", [0, 1])
def test_compare_names_a_long_argument_in_one_short_line(capsys, monkeypatch, position):
    pair = ["NCT05990231", "NCT05990231"]
    pair[position] = LONG_NAME
    code, out, err = run(capsys, monkeypatch, "compare", "--offline", "-f", "json", *pair)
    assert code == 2 and out == ""
    assert_one_line_error(err, "a" * 60 + "…")
    assert "Traceback" not in err


@pytest.mark.parametrize("command", TEXT_COMMANDS)
def test_a_20000_character_line_is_criteria_text(capsys, monkeypatch, command) -> None:
    line = "ECOG 0-1, ANC >= 1500/mm3 and age >= 18 years; " * 430
    assert len(line) > 20000 and "\n" not in line
    started = time.monotonic()
    code, out, err = run(capsys, monkeypatch, command, "--offline", "-f", "json", line)
    assert time.monotonic() - started < 60
    assert code == 0, err
    result = json.loads(out)
    if command == "criteria":
        assert result[0]["ref"] == "text" and result[0]["criteria"]
    else:
        assert {row["variable"] for row in result} >= {"ecog", "anc", "age"}


@pytest.mark.parametrize("command", TEXT_COMMANDS)
def test_long_filler_text_is_no_traceback(capsys, monkeypatch, command) -> None:
    code, out, err = run(capsys, monkeypatch, command, "--offline", "-f", "json", LONG_TEXT)
    assert code == 0, err
    json.loads(out)


def test_one_line_cuts_only_a_very_long_input() -> None:
    assert MissingInputError(LONG_NAME, "no such file").one_line() == ("a" * 60 + "…: no such file")
    path = "/tmp/" + "d" * 100 + "/record.json"  # a long path is still shown whole
    assert MissingInputError(path, "no such file").one_line() == f"{path}: no such file"
    assert shorten("a  b\nc", limit=3) == "a b…"


# ------------------- 2. criteria refuses files it cannot read, like show


REFUSED = sorted(name for name in FILES if name != "prose.txt")


@pytest.mark.parametrize("command", TEXT_COMMANDS)
@pytest.mark.parametrize("name", REFUSED)
def test_unreadable_file_is_refused_exactly_like_show(capsys, monkeypatch, tmp_path, command, name):
    content, words = FILES[name]
    path = tmp_path / name
    path.write_bytes(content)
    target = tmp_path / "out.json"
    code, out, err = run(capsys, monkeypatch, "show", "--offline", str(path))
    assert code == 2
    shown = err
    code, out, err = run(capsys, monkeypatch, command, "--offline", "-o", str(target), str(path))
    assert code == 2 and out == ""
    assert err == shown
    assert_one_line_error(err, str(path))
    assert words in err
    assert [p.name for p in tmp_path.iterdir()] == [name]  # no output, no temporary file


@pytest.mark.parametrize("command", TEXT_COMMANDS)
def test_unreadable_stdin_is_refused_like_show(capsys, monkeypatch, command) -> None:
    xml, words = FILES["external_entity.xml"]
    code, out, err = run(capsys, monkeypatch, command, "--offline", "-", stdin=xml)
    assert code == 2 and out == ""
    assert_one_line_error(err, "-")
    assert words in err


@pytest.mark.parametrize("command", TEXT_COMMANDS)
def test_empty_text_file_is_an_error(capsys, monkeypatch, tmp_path, command) -> None:
    path = tmp_path / "criteria.txt"
    path.write_text("\n  \n", encoding="utf-8")
    code, out, err = run(capsys, monkeypatch, command, "--offline", str(path))
    assert code == 2 and out == ""
    assert_one_line_error(err, str(path))
    assert "empty input" in err


def test_text_with_commas_in_its_first_line_is_no_csv(tmp_path) -> None:
    path = tmp_path / "criteria.txt"
    path.write_text("Age 18-75, either sex, ECOG 0-1\nAdequate organ function\n", encoding="utf-8")
    (item,) = refs.load_inputs(str(path), allow_text=True)
    assert isinstance(item, refs.CriteriaText) and item.location == str(path)
    with pytest.raises(ReadError, match="not a registry record"):
        refs.load_studies(str(path))


# ---------------- 3. criteria and thresholds accept the same inputs


def _refs_of(command: str, out: str) -> list[str]:
    result = json.loads(out)
    objects = [result] if isinstance(result, dict) else result
    if command == "criteria":
        assert all(obj["criteria"] for obj in objects)
    return sorted({obj["ref"] for obj in objects})


@pytest.mark.parametrize("command", TEXT_COMMANDS)
def test_criteria_text_on_stdin(capsys, monkeypatch, command) -> None:
    code, out, err = run(capsys, monkeypatch, command, "-f", "json", "-", stdin=b"ECOG 0-1\n")
    assert code == 0, err
    assert _refs_of(command, out) == ["-"]


@pytest.mark.parametrize("command", TEXT_COMMANDS)
def test_a_record_on_stdin(capsys, monkeypatch, command) -> None:
    data = API_STUDY.read_bytes()
    code, out, err = run(capsys, monkeypatch, command, "-f", "json", "-", stdin=data)
    assert code == 0, err
    assert _refs_of(command, out) == ["NCT09000001"]


@pytest.mark.parametrize("command", TEXT_COMMANDS)
def test_plain_text_file(capsys, monkeypatch, tmp_path, command) -> None:
    path = tmp_path / "plain.txt"
    path.write_text("ECOG 0-1\n", encoding="utf-8")
    code, out, err = run(capsys, monkeypatch, command, "-f", "json", str(path))
    assert code == 0, err
    assert _refs_of(command, out) == [str(path)]


@pytest.mark.parametrize("command", TEXT_COMMANDS)
def test_text_argument(capsys, monkeypatch, command) -> None:
    code, out, err = run(capsys, monkeypatch, command, "-f", "json", "ECOG 0-1")
    assert code == 0, err
    assert _refs_of(command, out) == ["text"]


@pytest.mark.parametrize("command", TEXT_COMMANDS)
def test_nct_id_from_the_corpus(capsys, monkeypatch, command) -> None:
    code, out, err = run(capsys, monkeypatch, command, "--offline", "-f", "json", "NCT05990231")
    assert code == 0, err
    assert _refs_of(command, out) == ["NCT05990231"]


@pytest.mark.parametrize("command", [*TEXT_COMMANDS, "show"])
@pytest.mark.parametrize(
    ("argument", "words"),
    [
        ("missing.json", "no such file"),
        ("no/such/dir", "no such file"),
        ("NOTES.MD", "no such file"),
        ("NCT123", "not an NCT id"),
        ("local-xyz", "not a local id"),
    ],
)
def test_a_missing_path_is_an_error_everywhere(
    capsys, monkeypatch, tmp_path, command, argument, words
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, monkeypatch, command, "--offline", "-o", "out.json", argument)
    assert code == 2 and out == ""
    assert_one_line_error(err, argument)
    assert words in err
    assert list(tmp_path.iterdir()) == []


def test_show_takes_no_criteria_text(capsys, monkeypatch, tmp_path) -> None:
    path = tmp_path / "plain.txt"
    path.write_text("ECOG 0-1\n", encoding="utf-8")
    for argument, words in ((str(path), "not a registry record"), ("ECOG 0-1", "no such file")):
        code, out, err = run(capsys, monkeypatch, "show", "--offline", argument)
        assert code == 2 and out == ""
        assert_one_line_error(err, argument)
        assert words in err


def test_compare_takes_criteria_text_as_a_file_or_a_string(capsys, monkeypatch, tmp_path) -> None:
    path = tmp_path / "plain.txt"
    path.write_text("Exclusion Criteria:\n- ECOG performance status 2, 3 or 4\n", encoding="utf-8")
    code, out, err = run(
        capsys, monkeypatch, "compare", "--offline", "-f", "json", "Inclusion: ECOG 0-1", str(path)
    )
    assert code == 0, err
    (row,) = json.loads(out)["pairs"]
    assert (row["variable"], row["verdict"]) == ("ecog", "same"), row["detail"]
    # One word is no criteria text: a mistyped file name says so.
    code, out, err = run(capsys, monkeypatch, "compare", "--offline", "trialA", str(path))
    assert code == 2 and out == "" and "no such file" in err


@pytest.mark.parametrize(
    ("argument", "path_like"),
    [
        ("missing.json", True),
        ("trial.XML", True),
        ("data/record", True),
        ("ECOG 0-1", False),
        ("ANC ≥ 1.5 × 10^9/L", False),
        ("ANC>=1500/mm3", False),
        ("creatinine<1.5mg/dL", False),
        ("pregnancy", False),
        ("my notes.txt", False),
    ],
)
def test_looks_like_path(argument: str, path_like: bool) -> None:
    assert refs.looks_like_path(argument) is path_like


def test_load_inputs_kinds(tmp_path) -> None:
    (study,) = refs.load_inputs(str(API_STUDY), allow_text=True)
    assert isinstance(study, Study) and study.nct_id == "NCT09000001"
    (text,) = refs.load_inputs("local-regional therapy within 4 weeks", allow_text=True)
    assert isinstance(text, refs.CriteriaText) and text.ref == "text"
    with pytest.raises(BadReferenceError):
        refs.load_inputs("   ", allow_text=True)
    with pytest.raises(MissingInputError, match="directory"):
        refs.load_inputs(str(tmp_path), allow_text=True)


# ------------------ 4./5. telling studies apart; the same note everywhere


def test_criteria_json_tells_inputs_without_nct_id_apart(capsys, monkeypatch, tmp_path):
    path = tmp_path / "plain.txt"
    path.write_text("Platelets >= 100,000/mm3\n", encoding="utf-8")
    code, out, err = run(
        capsys, monkeypatch, "criteria", "--offline", "-f", "json", str(SEED_000), str(path), "x"
    )
    assert code == 0, err
    result = json.loads(out)
    assert [obj["nct_id"] for obj in result] == [None, None, None]
    assert [obj["ref"] for obj in result] == ["local-8446462a6559f0be", str(path), "text"]


def test_no_criteria_note_is_worded_the_same(capsys, monkeypatch) -> None:
    notes = []
    for command in TEXT_COMMANDS:
        code, _, err = run(capsys, monkeypatch, command, "--offline", "-f", "json", str(SEED_000))
        assert code == 0
        notes.append(err)
    assert notes[0] == notes[1]
    assert notes[0] == f"ctparse: local-8446462a6559f0be: {refs.NO_CRITERIA_TEXT}" + (
        " (a CSV export carries none)\n"
    )
