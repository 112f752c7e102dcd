"""Streaming the all-studies ZIP: every study read, bombs and escapes refused."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from fakeserver import FakeRegistry, make_study

from ctparse.bulk import iter_bulk, mirror_bulk
from ctparse.cli import main
from ctparse.corpus import Corpus
from ctparse.errors import ReadError

ROOT = Path(__file__).resolve().parent.parent


def build_archive(path: Path, count: int, *, method: int = zipfile.ZIP_DEFLATED) -> Path:
    """``count`` small study records, named as in the registry's archive."""
    template = json.dumps(make_study(0), separators=(",", ":"))
    with zipfile.ZipFile(path, "w", method) as archive:
        for index in range(count):
            nct_id = f"NCT{10_000_000 + index:08d}"
            archive.writestr(
                f"ctg-studies.json/{nct_id}.json", template.replace("NCT10000000", nct_id)
            )
    return path


@pytest.fixture(scope="module")
def big_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # More than 65,535 members: the archive needs ZIP64 records, as the registry's does.
    return build_archive(tmp_path_factory.mktemp("bulk") / "ctg-studies.json.zip", 70_000)


def test_every_member_of_a_large_archive_is_read_once(big_archive: Path) -> None:
    seen: set[str] = set()
    with open(big_archive, "rb") as stream:
        for item in iter_bulk(stream):
            assert item.record is not None, item
            seen.add(item.record["protocolSection"]["identificationModule"]["nctId"])
    assert len(seen) == 70_000


def test_memory_stays_flat_while_streaming(big_archive: Path) -> None:
    code = (
        "import resource, sys\n"
        "from ctparse.bulk import iter_bulk\n"
        "with open(sys.argv[1], 'rb') as f:\n"
        "    n = sum(1 for item in iter_bulk(f) if item.record)\n"
        "peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "import os\n"
        "status = '/proc/self/status'  # ru_maxrss survives exec: it may be the parent's\n"
        "for line in open(status) if os.path.exists(status) else []:\n"
        "    if line.startswith('VmHWM:'):\n"
        "        peak = int(line.split()[1])\n"
        "print(n, peak)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(big_archive)], capture_output=True, text=True, check=True
    )
    count, max_rss_kib = map(int, out.stdout.split())
    assert count == 70_000
    assert max_rss_kib < 300 * 1024  # in practice ~ the interpreter's own 30-40 MB


def test_cli_stores_20000_studies_then_skips_them_all(tmp_path: Path, capsys) -> None:
    archive = build_archive(tmp_path / "all.zip", 20_000)
    corpus_dir = tmp_path / "corpus"
    main(["fetch", "--bulk", str(archive), "--corpus", str(corpus_dir)])
    err = capsys.readouterr().err
    assert "read 20000 studies" in err and "20000 new" in err
    assert len(list(corpus_dir.glob("NCT*.json"))) == 20_000
    with Corpus(corpus_dir) as corpus:
        assert len(corpus) == 20_000
    main(["fetch", "--bulk", str(archive), "--corpus", str(corpus_dir), "--offline"])
    assert "skipped 20000 already current" in capsys.readouterr().err


def test_bulk_from_a_url_is_streamed_through_a_temporary_file(tmp_path: Path, capsys) -> None:
    archive = build_archive(tmp_path / "all.zip", 500, method=zipfile.ZIP_STORED)
    corpus_dir = tmp_path / "corpus"
    with FakeRegistry() as fake:
        fake.files["/downloads/ctg-studies.json.zip"] = archive
        url = fake.base_url.replace("/api/v2", "/downloads/ctg-studies.json.zip")
        main(["fetch", "--bulk", url, "--corpus", str(corpus_dir)])
        assert fake.requests[0].headers["User-Agent"].startswith("ctparse/")
    assert "read 500 studies" in capsys.readouterr().err
    assert sorted(p.name for p in corpus_dir.iterdir() if not p.name.startswith("NCT")) == [
        "index.sqlite3"
    ]


def _patch_declared_size(path: Path, name: str, size: int) -> None:
    """Make the headers of ``name`` understate its size (a lying zip bomb)."""
    data = bytearray(path.read_bytes())
    encoded = name.encode()
    for signature, size_at in ((b"PK\x01\x02", 24), (b"PK\x03\x04", 22)):
        start = 0
        while (at := data.find(signature, start)) >= 0:
            name_at = at + (46 if signature == b"PK\x01\x02" else 30)
            if data[name_at : name_at + len(encoded)] == encoded:
                data[at + size_at : at + size_at + 4] = size.to_bytes(4, "little")
            start = at + 4
    path.write_bytes(bytes(data))


def test_bombs_and_path_escapes_are_refused(tmp_path: Path) -> None:
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("ctg-studies.json/NCT10000001.json", json.dumps(make_study(1)))
        z.writestr("../../escape.json", json.dumps(make_study(2)))
        z.writestr("/etc/absolute.json", json.dumps(make_study(3)))
        z.writestr("ratio.json", b" " * (20 * 1024 * 1024))  # 20 MB of spaces: ratio ~1000
        z.writestr("huge.json", b"0" * (70 * 1024 * 1024))  # over the 64 MiB member limit
        z.writestr("liar.json", b"[" * 100_000)
        z.writestr("folder/", b"")
        z.writestr("README.txt", b"not a study")
        z.writestr("broken.json", b'{"protocolSection": ')
        z.writestr("list.json", b"[1, 2]")
    _patch_declared_size(archive, "liar.json", 1000)
    corpus_dir = tmp_path / "corpus"
    with Corpus(corpus_dir) as corpus, open(archive, "rb") as stream:
        report = mirror_bulk(corpus, stream)
    reasons = dict(report.refused)
    assert report.new == 1 and report.ignored == 2 and report.refused_count == 7
    assert reasons["../../escape.json"].startswith("unsafe member path")
    assert reasons["/etc/absolute.json"].startswith("unsafe member path")
    assert "ratio" in reasons["ratio.json"]
    assert "member limit" in reasons["huge.json"]
    assert "more data than its header declares" in reasons["liar.json"]
    assert reasons["broken.json"] == "not JSON"
    assert reasons["list.json"] == "not an API v2 study record"
    assert sorted(p.name for p in tmp_path.rglob("*.json")) == ["NCT10000001.json"]


def test_not_a_zip_is_a_read_error(tmp_path: Path) -> None:
    path = tmp_path / "x.zip"
    path.write_bytes(b"this is not an archive" * 10)
    with open(path, "rb") as stream, pytest.raises(ReadError, match="not a readable ZIP"):
        list(iter_bulk(stream, source=str(path)))


def test_missing_archive_is_one_line_exit_2(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ctparse", "fetch", "--bulk", str(tmp_path / "nope.zip")],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"ctparse: error: {tmp_path / 'nope.zip'}: cannot open the archive "
        "(No such file or directory)"
    )
