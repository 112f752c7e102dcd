"""Bad input: one line on stderr naming the input, exit code 2, no traceback,
and no output file left behind."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import FIXTURES, ROOT

from ctparse.cli import main

API_STUDY = (FIXTURES / "records" / "api_study.json").read_bytes()

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE clinical_study [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<clinical_study><brief_title>&xxe;</brief_title></clinical_study>
"""

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<clinical_study><brief_title>&lol9;</brief_title></clinical_study>
"""

# name -> (file content, words the message must contain)
FILES = {
    "empty.json": (b"", "empty"),
    "blank.txt": (b"  \n\n", "empty"),
    "garbage.bin": (bytes(range(256)) * 8, "binary"),
    "truncated.json": (API_STUDY[: len(API_STUDY) // 2], "truncated JSON"),
    "malformed.json": (b'{"protocolSection": {}}}', "malformed JSON"),
    "other_shape.json": (b'{"results": [{"id": 1}]}', "not an API v2 study"),
    "array.json": (b"[1, 2, 3]", "not an API v2 study"),
    "page_of_junk.json": (b'{"studies": [{"id": 1}]}', "studies[0] is not an API v2 study"),
    "external_entity.xml": (XXE, "entities"),
    "billion_laughs.xml": (BILLION_LAUGHS, "entities"),
    "other_root.xml": (b"<?xml version='1.0'?><rss><channel/></rss>", "not a legacy"),
    "broken.xml": (b"<?xml version='1.0'?><clinical_study><brief_title>", "malformed XML"),
    "unknown_header.csv": (b"id,name,score\n1,a,2\n2,b,3\n", "unknown column"),
    "latin1.txt": ("Étude clinique, phase 2\n".encode("latin-1"), "not UTF-8"),
    "prose.txt": (b"Just some notes about a trial.\n", "not a registry record"),
    "not_a_page.html": (b"<html><body><p>Hello</p></body></html>", "not a registry full-info page"),
    # Inputs that look valid but are not: a broken quote, fields of the wrong type.
    "quote_never_closed.csv": (
        b'NCT Number,Study Title,Conditions\nNCT01234567,"A study of X,Cancer\n'
        b"NCT07654321,Another study,Diabetes\n",
        ":2: malformed CSV (a quote on this line is not closed",
    ),
    "quote_swallows_next_row.csv": (
        b'NCT Number,Study Title,Conditions\nNCT01234567,"Title,Cancer\n'
        b'NCT07654321,Other",Diabetes\n',
        ":2: a quote in column 'Study Title' is not closed: its cell runs into the next row (line 3)",
    ),
    "short_row.csv": (
        b"NCT Number,Study Title,Conditions\nNCT01234567,A study\n",
        ":2: row has 2 of the header's 3 cells",
    ),
    "integer_nct_id.json": (
        b'{"protocolSection": {"identificationModule": {"nctId": 5990231}}}',
        "protocolSection.identificationModule.nctId must be a string, got an integer (5990231)",
    ),
    "criteria_as_number.json": (
        b'{"protocolSection": {"eligibilityModule": {"eligibilityCriteria": 42}}}',
        "eligibilityModule.eligibilityCriteria must be a string, got an integer (42)",
    ),
    "age_in_words.json": (
        b'{"protocolSection": {"eligibilityModule": {"minimumAge": "eighteen"}}}',
        "eligibilityModule.minimumAge must be an age such as '18 Years', got a string ('eighteen')",
    ),
    "page_with_bad_field.json": (
        b'{"studies": [{"protocolSection": {"designModule": {"phases": "PHASE2"}}}]}',
        "studies[0].protocolSection.designModule.phases must be an array of strings",
    ),
}


def run(capsys, *args: str):
    try:
        main(list(args))
        code = 0
    except SystemExit as exc:
        code = exc.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_one_line_error(err: str, name: str) -> None:
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("ctparse: error: "), err
    assert name in lines[0], err
    assert "Traceback" not in err


@pytest.mark.parametrize("name", sorted(FILES))
def test_bad_file_is_refused_with_one_line(capsys, tmp_path, name):
    content, words = FILES[name]
    path = tmp_path / name
    path.write_bytes(content)
    target = tmp_path / "out.json"
    code, out, err = run(capsys, "show", "--offline", "-f", "json", "-o", str(target), str(path))
    assert code == 2
    assert out == ""
    assert_one_line_error(err, str(path))
    assert words in err
    assert not target.exists()
    assert [p.name for p in tmp_path.iterdir()] == [name]  # no temporary file left either


@pytest.mark.parametrize(
    ("ref", "words"),
    [
        ("NCT123", "not an NCT id"),
        ("nct0599023x", "not an NCT id"),
        ("local-xyz", "not a local id"),
        ("local-0000000000000000", "no record with this local id"),
        ("NCT00000001", "--offline forbids fetching"),
        ("no/such/record.json", "no such file"),
    ],
)
def test_bad_reference_is_refused_with_one_line(capsys, tmp_path, ref, words):
    target = tmp_path / "out.json"
    code, out, err = run(capsys, "show", "--offline", "-o", str(target), ref)
    assert code == 2 and out == ""
    assert_one_line_error(err, ref)
    assert words in err
    assert not target.exists()


def test_a_bad_ref_after_a_good_one_writes_nothing(capsys, tmp_path):
    target = tmp_path / "out.json"
    code, out, err = run(capsys, "show", "--offline", "-o", str(target), "NCT05990231", "NCT123")
    assert code == 2 and out == ""
    assert_one_line_error(err, "NCT123")
    assert not target.exists()


def test_a_directory_is_not_a_record(capsys, tmp_path):
    code, _, err = run(capsys, "show", str(tmp_path))
    assert code == 2
    assert_one_line_error(err, str(tmp_path))
    assert "directory" in err


def test_billion_laughs_is_refused_before_expansion():
    from ctparse.errors import ReadError
    from ctparse.readers import read_studies

    with pytest.raises(ReadError, match="entities") as caught:
        read_studies(BILLION_LAUGHS, location="lol.xml")
    assert caught.value.input == "lol.xml"


def test_external_entity_never_reaches_the_file_system():
    from ctparse.errors import ReadError
    from ctparse.readers import legacy_xml

    # Even past the DOCTYPE check, the parser itself does not resolve entities.
    root = legacy_xml.etree.fromstring(XXE, parser=legacy_xml._parser())
    assert "root:" not in "".join(root.itertext())
    with pytest.raises(ReadError):
        legacy_xml.parse(XXE, location="x.xml")


def test_empty_stdin_via_the_console_script(tmp_path):
    """The real process: exit 2, one line, no traceback."""
    target = tmp_path / "out.json"
    result = subprocess.run(
        [sys.executable, "-m", "ctparse", "show", "-o", str(target), "-"],
        input=b"",
        capture_output=True,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stdout == b""
    assert result.stderr.decode().splitlines() == [
        "ctparse: error: -: empty input: no registry record in it"
    ]
    assert not target.exists()


def test_a_valid_multiline_csv_cell_is_still_read(tmp_path):
    """A quoted cell may hold line breaks (brief summaries do); only a cell that
    swallows the next row is refused."""
    from ctparse.readers import read_studies

    data = b'NCT Number,Study Title,Conditions\nNCT01234567,"A study\nof X",Cancer\n'
    (study,) = read_studies(data, location="ok.csv")
    assert study.nct_id == "NCT01234567"
    assert study.brief_title == "A study of X"
    assert study.conditions == ("Cancer",)


def test_a_wrongly_typed_field_is_refused_not_turned_into_nothing():
    """An integer nctId would have become a record without an id (and a local id)."""
    from ctparse.errors import ReadError
    from ctparse.readers import read_studies

    with pytest.raises(ReadError) as caught:
        read_studies(b'{"protocolSection": {"identificationModule": {"nctId": 1}}}', location="x")
    assert caught.value.input == "x"
    assert "nctId must be a string" in caught.value.message
