"""Outputs for curators in every command: the format from the -o suffix, one
JSON shape, tidy CSV, streamed output, and every write failure as one line
with exit code 2 and nothing half-written."""

from __future__ import annotations

import csv
import io
import json
import random
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CORPUS
from dataset_helpers import lines, synthetic_bulk
from helpers import run

SEED_004 = str(CORPUS / "NCT05990231.page.txt")
SEED_000 = str(CORPUS / "local-8446462a6559f0be.csv.txt")


def one_line(err: str) -> bool:
    return err.startswith("ctparse: error: ") and err.count("\n") == 1 and "Traceback" not in err


COMMANDS = [
    ("show", SEED_004),
    ("criteria", SEED_004),
    ("thresholds", SEED_004),
]


def test_thresholds_to_a_csv_file_is_csv_not_json(tmp_path: Path, capsys) -> None:
    target = tmp_path / "t.csv"
    code, out, err = run(capsys, "thresholds", "--offline", SEED_004, "-o", str(target))
    assert (code, out) == (0, ""), err
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    ecog = next(r for r in rows if r["variable"] == "ecog")
    # tidy: one value per column, the eligible range as bounds and flags
    assert (ecog["eligible_lower"], ecog["eligible_upper"], ecog["eligible_upper_inclusive"]) == (
        "0",
        "1",
        "true",
    )
    anc = next(r for r in rows if r["variable"] == "anc")
    assert anc["normalized_unit"] == "10^9/L" and float(anc["normalized_value"]) == 1.5
    window = next(r for r in rows if r["kind"] == "window")
    assert window["days"] and window["direction"] in ("before", "after", "")


@pytest.mark.parametrize(
    "suffix, fmt", [(".json", "json"), (".jsonl", "jsonl"), (".md", "markdown")]
)
@pytest.mark.parametrize("command, ref", COMMANDS)
def test_every_command_takes_the_format_from_the_suffix(
    command, ref, suffix, fmt, tmp_path, capsys
) -> None:
    target = tmp_path / f"out{suffix}"
    code, _, err = run(capsys, command, "--offline", ref, "-o", str(target))
    assert code == 0, err
    text = target.read_text(encoding="utf-8")
    if fmt == "json":
        assert isinstance(json.loads(text), list)
    elif fmt == "jsonl":
        assert all(json.loads(line) for line in text.splitlines())
    else:
        assert text.lstrip().startswith(("|", "###"))


@pytest.mark.parametrize(
    "args",
    [
        ["show", "--offline", SEED_004],
        ["criteria", "--offline", SEED_004],
        ["thresholds", "--offline", SEED_004],
        ["compare", "--offline", SEED_004, SEED_000],
        ["eval", "--gold", "gold.jsonl"],
    ],
)
def test_an_unknown_suffix_is_refused_before_any_work(args, tmp_path: Path, capsys) -> None:
    target = tmp_path / "out.xlsx"
    code, out, err = run(capsys, *args, "-o", str(target))
    assert (code, out) == (2, "") and one_line(err)
    assert "cannot tell the output format from the suffix '.xlsx'" in err
    assert not target.exists()


@pytest.mark.parametrize("command, ref", [*COMMANDS, ("compare", SEED_004)])
def test_a_parent_that_is_a_file_is_one_line(command, ref, tmp_path: Path, capsys) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    extra = [SEED_000] if command == "compare" else []
    code, out, err = run(capsys, command, "--offline", ref, *extra, "-o", str(blocker / "out.json"))
    assert (code, out) == (2, "") and one_line(err)
    assert f"{blocker} is a file, not a folder" in err


@pytest.mark.parametrize("command, ref", COMMANDS)
def test_an_unwritable_folder_is_one_line(command, ref, capsys) -> None:
    code, out, err = run(capsys, command, "--offline", ref, "-o", "/proc/ctparse-out.json")
    assert (code, out) == (2, "") and one_line(err)
    assert err.startswith("ctparse: error: /proc/ctparse-out.json: cannot write in /proc")


@pytest.mark.parametrize("command, ref", COMMANDS)
def test_dev_full_is_one_line(command, ref, capsys) -> None:
    code, _, err = run(capsys, command, "--offline", ref, "-f", "json", "-o", "/dev/full")
    assert code == 2 and one_line(err) and "No space left on device" in err


def test_stdout_on_a_full_device_is_one_line_without_traceback() -> None:
    with open("/dev/full", "w") as full:
        child = subprocess.run(
            [sys.executable, "-m", "ctparse", "thresholds", "--offline", SEED_004, "-f", "csv"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
        )
    assert child.returncode == 2
    assert (
        child.stderr == "ctparse: error: standard output: cannot write (No space left on device)\n"
    )


def test_a_disk_that_fills_up_leaves_no_file(tmp_path: Path) -> None:
    """A file-size limit makes the write fail half-way, as a full disk does."""
    target = tmp_path / "criteria.json"
    code = (
        "import resource, sys\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))\n"
        "from ctparse.cli import main\n"
        "main(sys.argv[1:])\n"
    )
    child = subprocess.run(
        [sys.executable, "-c", code, "criteria", "--offline", SEED_004, "-o", str(target)],
        capture_output=True,
        text=True,
    )
    assert child.returncode == 2, child.stderr
    assert child.stderr.startswith(f"ctparse: error: {target}: cannot write (File too large)")
    assert child.stderr.count("\n") == 1
    assert list(tmp_path.iterdir()) == []  # no file, no temporary file


@pytest.fixture(scope="module")
def texts(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """400 distinct criteria text files."""
    folder = tmp_path_factory.mktemp("texts")
    rng = random.Random(3)
    gold = lines()  # read the gold file once
    paths = []
    for n in range(400):
        path = folder / f"trial-{n:03d}.txt"
        path.write_text(synthetic_bulk.criteria_text(rng, gold).replace("\\", ""), encoding="utf-8")
        paths.append(str(path))
    return paths


def test_two_workers_write_what_one_writes(texts: list[str], capsys) -> None:
    outputs = []
    for workers in ("1", "2"):
        code, out, err = run(capsys, "criteria", *texts[:120], "-f", "jsonl", "--workers", workers)
        assert code == 0, err
        outputs.append(out)
    assert outputs[0] == outputs[1]
    assert [json.loads(line)["ref"] for line in outputs[0].splitlines()] == texts[:120]


def test_jsonl_streams_while_the_run_goes_on(texts: list[str]) -> None:
    child = subprocess.Popen(
        [sys.executable, "-m", "ctparse", "thresholds", *texts, "-f", "jsonl"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert child.stdout is not None
    first = child.stdout.readline()
    running = child.poll() is None
    rest = child.stdout.read()
    child.wait()
    assert child.returncode == 0
    assert json.loads(first)["ref"] == texts[0]
    assert running, "the first rows came only when the whole run was over"
    assert len(rest.splitlines()) > 1000


def test_the_thresholds_table_says_a_windows_eligible_days(capsys) -> None:
    """The table's eligible column was empty for windows although the JSON has it."""
    code, out, _ = run(
        capsys, "thresholds", "Exclusion Criteria: Chemotherapy within 4 weeks before the first dose",
        "--no-entities", "-f", "table",
    )  # fmt: skip
    assert code == 0
    assert "(28, inf) days" in out
