"""``ctparse fetch`` as a user runs it, against a local fake registry.

In-process runs use ``ctparse.cli.main``; the interruption tests run the real
command in a subprocess and kill it midway.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fakeserver import FakeRegistry, Fault, make_studies, nct_id_of

from ctparse.cli import main
from ctparse.corpus import Corpus, linked_nct_id

ROOT = Path(__file__).resolve().parent.parent
FAST = ["--rate", "100000", "--backoff", "0.001"]


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        main(args)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def corpus_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "corpus"
    monkeypatch.setenv("CTPARSE_CORPUS", str(folder))
    return folder


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch):
    studies = make_studies(1200)
    with FakeRegistry(studies, aliases={"NCT09999999": nct_id_of(studies[5])}) as fake:
        monkeypatch.setenv("CTPARSE_API_URL", fake.base_url)
        yield fake


def stored_ids(folder: Path) -> list[str]:
    return sorted(p.stem for p in folder.glob("NCT*.json"))


def leftovers(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.name.endswith(".tmp")]


def test_help_teaches_mirroring(capsys) -> None:
    code, out, _ = run(["fetch", "--help"], capsys)
    assert code == 0
    for needle in ("--query", "--since", "--bulk", "--resolve", "resume", "--corpus", "--offline"):
        assert needle in out


def test_fetch_ids_then_nothing_twice(server, corpus_dir, capsys) -> None:
    ids = ["NCT10000001", "nct10000002", "NCT09999999"]
    code, _, err = run(["fetch", *ids, *FAST], capsys)
    assert code == 0, err
    assert stored_ids(corpus_dir) == ["NCT10000001", "NCT10000002", "NCT10000005"]
    assert "fetched 3 studies (3 new, 0 updated)" in err
    before = {p: p.stat().st_mtime_ns for p in corpus_dir.glob("*.json")}
    server.requests.clear()
    code, out, err = run(["fetch", *ids, *FAST, "--format", "json"], capsys)
    assert code == 0 and "skipped 3 already current" in err
    assert {p: p.stat().st_mtime_ns for p in corpus_dir.glob("*.json")} == before
    # one light request (ids + last-update date only), no full record again
    assert len(server.requests) == 1
    assert server.requests[0].params["fields"] == "NCTId|LastUpdatePostDate"
    assert {row["status"] for row in json.loads(out)} == {"current"}


def test_unknown_id_is_named_and_exit_2(server, corpus_dir, capsys) -> None:
    code, _, err = run(["fetch", "NCT10000001", "NCT00000042", *FAST], capsys)
    assert code == 2
    assert "ctparse: error: NCT00000042: no such study" in err
    assert stored_ids(corpus_dir) == ["NCT10000001"]


def test_offline_names_the_missing_records(server, corpus_dir, capsys) -> None:
    run(["fetch", "NCT10000001", *FAST], capsys)
    code, _, err = run(["fetch", "NCT10000001", "NCT10000003", "NCT10000004", "--offline"], capsys)
    assert code == 2
    assert err.strip().splitlines()[-1] == (
        f"ctparse: error: NCT10000003, NCT10000004: not in the corpus ({corpus_dir}) "
        "and --offline is set"
    )
    assert len(server.requests) == 1


def test_search_with_faults_gets_every_study_once(server, corpus_dir, capsys) -> None:
    server.faults.extend(
        [
            Fault("status", status=429, headers={"Retry-After": "0"}),
            Fault("status", status=503),
            Fault("truncate"),
            Fault("garbage"),
        ]
    )
    code, _, err = run(["fetch", "--query", "study", "--page-size", "500", *FAST], capsys)
    assert code == 0, err
    assert stored_ids(corpus_dir) == sorted(nct_id_of(s) for s in server.studies)
    assert "fetched 1200 studies of 1200 matching (1200 new, 0 updated)" in err
    assert "4 retries" in err and not leftovers(corpus_dir)
    assert not list((corpus_dir / "searches").iterdir())  # finished: no state left
    with Corpus(corpus_dir) as corpus:
        assert len(corpus) == 1200


def test_since_and_max(server, corpus_dir, capsys) -> None:
    code, _, err = run(["fetch", "--since", "2024-01-01", "--max", "30", *FAST], capsys)
    assert code == 0, err
    assert len(stored_ids(corpus_dir)) == 30
    params = server.requests[0].params
    assert params["filter.advanced"] == "AREA[LastUpdatePostDate]RANGE[2024-01-01,MAX]"
    assert params["pageSize"] == "30" and len(server.requests) == 1
    code, _, err = run(["fetch", "--since", "2024-13-01"], capsys)
    assert code == 2 and "not a date" in err


def test_an_expired_page_token_starts_the_search_again(server, corpus_dir, capsys) -> None:
    from ctparse.mirror import search_key
    from ctparse.registry import search_params

    params = search_params(query="study", page_size=400)
    state = Corpus(corpus_dir).search_state(search_key(params))
    state.save(
        {
            "params": {k: v for k, v in params.items() if k != "pageSize"},
            "next_page_token": "expired",
            "total": 1200,
        }
    )
    code, _, err = run(["fetch", "--query", "study", "--page-size", "400", *FAST], capsys)
    assert code == 0, err
    assert "page token had expired" in err
    assert len(stored_ids(corpus_dir)) == 1200


def _spawn(args: list[str], corpus_dir: Path, base_url: str) -> subprocess.Popen[str]:
    env = {**os.environ, "CTPARSE_CORPUS": str(corpus_dir), "CTPARSE_API_URL": base_url}
    return subprocess.Popen(
        [sys.executable, "-m", "ctparse", "fetch", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for(condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.02)


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT])
def test_a_killed_search_resumes_losing_and_repeating_nothing(corpus_dir, sig) -> None:
    studies = make_studies(2000)
    with FakeRegistry(studies, delay=0.03) as fake:
        args = ["--query", "study", "--page-size", "40", *FAST]
        child = _spawn(args, corpus_dir, fake.base_url)
        _wait_for(lambda: len(list(corpus_dir.glob("NCT*.json"))) >= 400)
        child.send_signal(sig)
        _, err = child.communicate(timeout=30)
        if sig == signal.SIGINT:
            # Ctrl-C: "ctparse: interrupted", exit 130 (the shell's convention)
            assert child.returncode == 130
            assert "run the same command again to resume" in err
        else:
            assert child.returncode == -signal.SIGKILL
        stored_before = len(stored_ids(corpus_dir))
        assert 400 <= stored_before < 2000
        pages_before = fake.count("/studies")
        fake.requests.clear()

        child = _spawn(args, corpus_dir, fake.base_url)
        _, err = child.communicate(timeout=60)
        assert child.returncode == 0, err
        # resumed at the saved token, not from the first page
        assert "pageToken" in fake.requests[0].params
        assert pages_before + fake.count("/studies") <= 50 + 2
    ids = stored_ids(corpus_dir)
    assert ids == sorted(nct_id_of(s) for s in studies)  # nothing lost, one file per study
    for path in corpus_dir.glob("NCT*.json"):
        assert nct_id_of(json.loads(path.read_text(encoding="utf-8"))) == path.stem
    assert not leftovers(corpus_dir)  # no partial file
    assert "resumed an interrupted search" in err
    new = int(err.split("(")[1].split(" new")[0])
    current = int(err.split("skipped ")[1].split(" already")[0])
    assert new == 2000 - stored_before and current <= 40  # at most one page re-seen
    assert not list((corpus_dir / "searches").iterdir())


def test_resolve_ranks_and_accepts_the_seed_000_study(corpus_dir, capsys, monkeypatch) -> None:
    seed = next((ROOT / "corpus").glob("local-*.csv.txt"))
    match = make_studies(1, start=4242)[0]
    ident = match["protocolSection"]["identificationModule"]
    ident["briefTitle"] = (
        "Camrelizumab Combined With Chemotherapy or Anlotinib in Advanced Esophageal "
        "Squamous Cell Cancer"
    )
    ident["officialTitle"] = (
        "Phase II Clinical Study of Camrelizumab Combined With Chemotherapy or Anlotinib in "
        "Advanced Esophageal Squamous Cell Cancer Previously Treated With Immunotherapy"
    )
    match["protocolSection"]["armsInterventionsModule"]["interventions"] = [
        {"type": "DRUG", "name": n}
        for n in ("Camrelizumab", "Irinotecan", "Paclitaxel", "Docetaxel", "Anlotinib")
    ]
    with FakeRegistry([*make_studies(300), match]) as fake:
        monkeypatch.setenv("CTPARSE_API_URL", fake.base_url)
        code, out, err = run(["fetch", "--resolve", str(seed), "--format", "json", *FAST], capsys)
        assert code == 0, err
        ranked = json.loads(out)
        assert ranked[0]["nct_id"] == "NCT10004242" and ranked[0]["score"] >= 0.6
        assert all(r["score"] <= ranked[0]["score"] for r in ranked)
        assert "--accept" in err and not stored_ids(corpus_dir)

        code, out, err = run(
            ["fetch", "--resolve", str(seed), "--accept", "-f", "csv", *FAST], capsys
        )
        assert code == 0, err
        assert stored_ids(corpus_dir) == ["NCT10004242"]
        local_id = seed.name.split(".")[0]
        assert f"linked {local_id} to NCT10004242" in err
        assert linked_nct_id(local_id, corpus_dir=corpus_dir) == "NCT10004242"

        code, _, err = run(
            ["fetch", "--resolve", str(seed), "--accept", "--threshold", "1", *FAST], capsys
        )
        assert code == 2 and "below --threshold 1.00" in err


def test_resolve_offline_says_it_needs_the_registry(corpus_dir, capsys) -> None:
    seed = next((ROOT / "corpus").glob("local-*.csv.txt"))
    code, _, err = run(["fetch", "--resolve", str(seed), "--offline"], capsys)
    assert code == 2 and "--offline" in err


def test_modes_are_exclusive(capsys) -> None:
    code, _, err = run(["fetch", "NCT10000001", "--query", "x"], capsys)
    assert code == 2 and "exactly one" in err
    code, _, err = run(["fetch"], capsys)
    assert code == 2
