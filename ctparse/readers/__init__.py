"""Readers: registry records in any format → :class:`~ctparse.schema.Study`.

The format is recognised from the content, never only from a file name, so
records arrive through stdin just as well as from disk:

==================  =============================================  ===============
format              recognised by                                  module
==================  =============================================  ===============
``api_v2_json``     JSON with ``protocolSection`` or ``studies``   ``api_json``
``legacy_xml``      XML whose root is ``<clinical_study>``          ``legacy_xml``
``page_html``       HTML with the numbered full-info sections       ``page``
``page_text``       text with ``1. Study Identification`` …        ``page``
``csv_export``      CSV header ``NCT Number,Study Title,…``, or    ``csv_export``
                    one row joined by newlines (``DRUG: …`` line)
==================  =============================================  ===============

Anything else — empty, binary, not UTF-8, truncated JSON, JSON of another
shape, XML with entity declarations, a CSV with an unknown header — raises a
:class:`~ctparse.errors.ReadError` naming the input. :func:`read_record_or_text`
returns UTF-8 text that starts like no record format as text instead (plain
criteria text for ``ctparse criteria`` and ``ctparse thresholds``).
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json

from ..errors import ReadError
from ..schema import Study
from . import api_json, csv_export, legacy_xml, page
from . import normalize as norm

__all__ = ["FORMATS", "detect_format", "read_record_or_text", "read_studies"]

FORMATS = ("api_v2_json", "legacy_xml", "csv_export", "page_text", "page_html")
PLAIN_TEXT = "plain_text"  # UTF-8 text that is no record: criteria text at best


def _is_binary(data: bytes) -> bool:
    sample = data[:4096]
    if b"\x00" in sample:
        return True
    controls = sum(1 for byte in sample if byte < 32 and byte not in (9, 10, 12, 13))
    return controls > max(2, len(sample) // 100)


def decode(data: bytes, *, location: str) -> str:
    """The bytes as text (UTF-8, an optional BOM dropped).

    Raises:
        ReadError: empty, binary, or not UTF-8.
    """
    if not data.strip():
        raise ReadError(location, "empty input: no registry record in it")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ReadError(location, "not valid UTF-16 text") from exc
    if _is_binary(data):
        raise ReadError(location, "binary data, not a registry record")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReadError(
            location,
            f"not UTF-8 text (invalid byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "save the record as UTF-8",
        ) from exc


def detect_format(data: bytes, *, location: str = "-") -> str:
    """The format of ``data`` (one of :data:`FORMATS`).

    Raises:
        ReadError: the content is not any format ctparse reads.
    """
    fmt = _detect(data, location=location)[0]
    if fmt == PLAIN_TEXT:
        raise _not_a_record(location)
    return fmt


def _detect(data: bytes, *, location: str) -> tuple[str, str | None]:
    """(format, decoded text or None for XML which lxml decodes itself).

    The format is :data:`PLAIN_TEXT` for non-empty UTF-8 text that starts
    like no record (JSON, XML, HTML) and is no CSV export or full-info page.
    """
    if not data.strip():
        raise ReadError(location, "empty input: no registry record in it")
    if legacy_xml.looks_like(data) and not page.looks_like_html(data):
        return "legacy_xml", None
    text = decode(data, location=location)
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        return "api_v2_json", text
    if page.looks_like_html(data):
        return "page_html", text
    if stripped.startswith("<"):
        return "legacy_xml", None
    if page.has_layout(text):
        return "page_text", text
    if csv_export.has_known_header(text):
        return "csv_export", text
    if csv_export.looks_like_row(text):
        return "csv_export", text
    if _tabular(text):
        raise ReadError(location, csv_export.unknown_header_message(text))
    return PLAIN_TEXT, text


def _not_a_record(location: str) -> ReadError:
    return ReadError(
        location,
        "not a registry record ctparse can read (expected API v2 JSON, legacy XML, "
        "a CSV export or a full-info page)",
    )


def _tabular(text: str) -> bool:
    """True when the text reads as a CSV table: a header of 3+ cells and a
    first row of as many (criteria text may have commas in its first line,
    but not the same number in its next one)."""
    if not csv_export.header_columns(text):
        return False
    records = csv.reader(io.StringIO(text.lstrip("\ufeff")[:65536]))
    try:
        header = next(records)
        row = next(r for r in records if any(cell.strip() for cell in r))
    except (csv.Error, StopIteration):
        return False
    return len(row) == len(header)


def _unclosed(text: str) -> bool:
    """True when a JSON text ends inside a string or an open object/array."""
    depth = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "{[":
            depth += 1
        elif char in "}]":
            depth -= 1
    return in_string or depth > 0


def _read_json(text: str, *, location: str) -> list[Study]:
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        problem = "truncated JSON (it ends inside a value)" if _unclosed(text) else "malformed JSON"
        raise ReadError(
            location, f"{problem}: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        ) from exc
    return api_json.read_document(obj, location=location)


def read_studies(data: bytes, *, location: str) -> list[Study]:
    """Every study in ``data``, whatever registry format it is in.

    Args:
        data: the raw bytes of a file or of stdin.
        location: how to name the input in the Study's source and in errors
            (a path, ``-``, a URL).

    Raises:
        ReadError: unreadable, unknown or malformed content.
    """
    result = read_record_or_text(data, location=location)
    if isinstance(result, str):
        raise _not_a_record(location)
    return result


def read_record_or_text(data: bytes, *, location: str) -> list[Study] | str:
    """The studies in ``data`` when it is a registry record, else its text
    when it is plausible plain criteria text (non-empty UTF-8 text that is
    not JSON, XML, HTML, a CSV table or a full-info page).

    Raises:
        ReadError: anything else (empty, binary, not UTF-8, or a record
            format that is malformed or of the wrong shape).
    """
    fmt, text = _detect(data, location=location)
    if fmt == PLAIN_TEXT and text is not None:
        return text
    studies = _read(fmt, data, text, location=location)
    if len(studies) == 1 and studies[0].nct_id is None and studies[0].local_id is None:
        # A record without an NCT id still needs a stable id to be named by.
        content = text if text is not None else data.decode("utf-8", "replace")
        studies = [dataclasses.replace(studies[0], local_id=norm.local_id(content))]
    return studies


def _read(fmt: str, data: bytes, text: str | None, *, location: str) -> list[Study]:
    if fmt == "legacy_xml" or text is None:
        return legacy_xml.read(data, location=location)
    if fmt == "api_v2_json":
        return _read_json(text, location=location)
    if fmt == "page_html":
        return page.read_html(data, location=location)
    if fmt == "page_text":
        return page.read_text(text, location=location)
    if csv_export.has_known_header(text):
        return csv_export.read_table(text, location=location)
    return csv_export.read_row(text, location=location)
