"""Streaming the registry's all-studies ZIP archive, member by member.

The registry offers every study (~590,000) as one ZIP of per-study JSON files.
:func:`iter_bulk` reads such an archive from a seekable binary file one member
at a time: nothing is extracted to disk, the archive is never held in memory,
and even the central directory is walked entry by entry. (``zipfile.ZipFile``
loads the whole central directory as objects up front: about 130 MB for
200,000 members, too much for the whole registry.)

Guards: a member larger than ``max_member_size``, or compressed more than
``max_ratio`` times (a zip bomb), or whose decompressed bytes exceed what its
header declares, is refused; member names are never used as paths (the file
name in the corpus comes from the record's own NCT id), and a name that tries
to climb out of the archive (``../``, absolute) is refused outright.

:func:`mirror_bulk` stores the records into the corpus; :func:`open_bulk`
turns a PATH or URL into a seekable file (a URL is downloaded, streamed, to a
temporary file beside the corpus and removed afterwards).
"""

from __future__ import annotations

import contextlib
import json
import os
import struct
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from .corpus import Corpus
from .errors import MissingInputError, ReadError, RegistryError

MAX_MEMBER_SIZE = 64 * 1024 * 1024
MAX_RATIO = 200.0
#: members smaller than this are never refused for their compression ratio
RATIO_FLOOR = 1024 * 1024
CHUNK = 256 * 1024
COMMIT_EVERY = 2000

_EOCD = struct.Struct("<4s4H2LH")
_EOCD64_LOCATOR = struct.Struct("<4sLQL")
_EOCD64 = struct.Struct("<4sQ2H2L4Q")
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_DIRECTORY_BLOCK = 1 << 20  # bytes of the central directory read at a time
_LOCAL = struct.Struct("<4s2B4HL2L2H")


@dataclass(frozen=True)
class Member:
    """One entry of the central directory."""

    name: str
    method: int
    flags: int
    crc: int
    compressed_size: int
    size: int
    header_offset: int


@dataclass(frozen=True)
class Item:
    """One member as read: its record, or why it was refused or ignored."""

    name: str
    record: dict[str, Any] | None = None
    data: bytes | None = None  # the member's bytes, as in the archive
    refused: str | None = None  # a reason; None when the record was read
    ignored: bool = False  # not a study file (a directory, a README)


def _bad(source: str, message: str) -> ReadError:
    return ReadError(source, f"not a readable ZIP archive: {message}")


def _directory(stream: IO[bytes], source: str) -> tuple[int, int, int]:
    """(entries, central directory offset, bytes prepended to the archive)."""
    stream.seek(0, os.SEEK_END)
    size = stream.tell()
    tail = min(size, _EOCD.size + 65535)
    stream.seek(size - tail)
    data = stream.read(tail)
    at = data.rfind(b"PK\x05\x06")
    if at < 0 or len(data) - at < _EOCD.size:
        raise _bad(source, "no end of central directory")
    eocd_pos = size - tail + at
    _, _, _, _, entries, cd_size, cd_offset, _ = _EOCD.unpack_from(data, at)
    end = eocd_pos
    locator_at = at - _EOCD64_LOCATOR.size
    if locator_at >= 0 and data[locator_at : locator_at + 4] == b"PK\x06\x07":
        _, _, _eocd64_offset, _ = _EOCD64_LOCATOR.unpack_from(data, locator_at)
        end = eocd_pos - _EOCD64_LOCATOR.size - _EOCD64.size
        stream.seek(end)
        record = stream.read(_EOCD64.size)
        if len(record) != _EOCD64.size or record[:4] != b"PK\x06\x06":
            raise _bad(source, "broken ZIP64 end of central directory")
        (_, _, _, _, _, _, _, entries, cd_size, cd_offset) = _EOCD64.unpack(record)
    prepended = end - cd_size - cd_offset
    if prepended < 0:
        raise _bad(source, "central directory out of range")
    return entries, cd_offset + prepended, prepended


def iter_members(stream: IO[bytes], *, source: str = "archive") -> Iterator[Member]:
    """The central directory, one entry at a time (flat memory).

    Uses its own read position: the caller may read members from ``stream``
    between two entries.
    """
    entries, offset, prepended = _directory(stream, source)
    buffer, start = b"", offset  # the directory is read in blocks: buffer holds bytes from start

    def take(at: int, length: int) -> bytes:
        nonlocal buffer, start
        if at + length > start + len(buffer):
            stream.seek(at)
            buffer, start = stream.read(max(length, _DIRECTORY_BLOCK)), at
        return buffer[at - start : at - start + length]

    for _ in range(entries):
        header = take(offset, _CENTRAL.size)
        if len(header) != _CENTRAL.size or header[:4] != b"PK\x01\x02":
            raise _bad(source, f"broken central directory entry at byte {offset}")
        fields = _CENTRAL.unpack(header)
        flags, method, crc = fields[5], fields[6], fields[9]
        compressed, size = fields[10], fields[11]
        name_len, extra_len, comment_len = fields[12], fields[13], fields[14]
        header_offset = fields[18]
        tail = take(offset + _CENTRAL.size, name_len + extra_len)
        raw_name, extra = tail[:name_len], tail[name_len:]
        offset += _CENTRAL.size + name_len + extra_len + comment_len
        if 0xFFFFFFFF in (compressed, size, header_offset):
            size, compressed, header_offset = _zip64_extra(extra, size, compressed, header_offset)
        name = raw_name.decode("utf-8" if flags & 0x800 else "cp437", errors="replace")
        yield Member(name, method, flags, crc, compressed, size, header_offset + prepended)


def _zip64_extra(extra: bytes, size: int, compressed: int, offset: int) -> tuple[int, int, int]:
    at = 0
    while at + 4 <= len(extra):
        kind, length = struct.unpack_from("<2H", extra, at)
        if kind == 1:
            values = list(struct.unpack_from(f"<{length // 8}Q", extra, at + 4))
            if size == 0xFFFFFFFF and values:
                size = values.pop(0)
            if compressed == 0xFFFFFFFF and values:
                compressed = values.pop(0)
            if offset == 0xFFFFFFFF and values:
                offset = values.pop(0)
            break
        at += 4 + length
    return size, compressed, offset


def _unsafe_name(name: str) -> bool:
    parts = name.replace("\\", "/").split("/")
    return name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":") or ".." in parts


def read_member(
    stream: IO[bytes],
    member: Member,
    *,
    max_member_size: int = MAX_MEMBER_SIZE,
    max_ratio: float = MAX_RATIO,
) -> bytes:
    """The decompressed bytes of one member, within the zip-bomb limits.

    Raises:
        ValueError: the member is refused; the message says why.
    """
    if member.flags & 0x1:
        raise ValueError("encrypted member")
    if member.method not in (0, 8):
        raise ValueError(f"unsupported compression method {member.method}")
    if member.size > max_member_size:
        raise ValueError(f"{member.size} bytes, over the {max_member_size}-byte member limit")
    if member.size > RATIO_FLOOR and member.size > max_ratio * max(member.compressed_size, 1):
        raise ValueError(f"compression ratio over {max_ratio:.0f} (a zip bomb?)")
    stream.seek(member.header_offset)
    header = stream.read(_LOCAL.size)
    if len(header) != _LOCAL.size or header[:4] != b"PK\x03\x04":
        raise ValueError("broken local header")
    name_len, extra_len = _LOCAL.unpack(header)[10:12]
    stream.seek(member.header_offset + _LOCAL.size + name_len + extra_len)
    limit = member.size  # never produce more than the header declares
    out = bytearray()
    remaining = member.compressed_size
    inflater = zlib.decompressobj(-15) if member.method == 8 else None
    pending = b""
    while True:
        if not pending:
            if remaining <= 0:
                break
            pending = stream.read(min(CHUNK, remaining))
            if not pending:
                raise ValueError("archive ends inside the member")
            remaining -= len(pending)
        if inflater is None:
            out += pending
            pending = b""
        else:
            try:
                out += inflater.decompress(pending, limit + 1 - len(out))
            except zlib.error as exc:
                raise ValueError(f"corrupt compressed data ({exc})") from exc
            pending = inflater.unconsumed_tail
        if len(out) > limit:
            raise ValueError("more data than its header declares (a zip bomb?)")
        if inflater is not None and inflater.eof:
            break
    if len(out) != member.size:
        raise ValueError(f"{len(out)} bytes where its header declares {member.size}")
    if zlib.crc32(out) != member.crc:
        raise ValueError("CRC mismatch")
    return bytes(out)


def iter_bulk(
    stream: IO[bytes],
    *,
    source: str = "archive",
    max_member_size: int = MAX_MEMBER_SIZE,
    max_ratio: float = MAX_RATIO,
) -> Iterator[Item]:
    """Every member of a bulk archive, read and decoded one at a time.

    Args:
        stream: the archive, opened binary and seekable.
        source: names the archive in errors.

    Raises:
        ReadError: the file is not a ZIP archive (a bad member is an
            :class:`Item` with ``refused`` set, not an error).
    """
    entries = iter_members(stream, source=source)
    # The directory and the members are read through one file object; the
    # directory walk seeks back to its own offset for every entry.
    for member in entries:
        if member.name.endswith("/"):
            yield Item(member.name, ignored=True)
            continue
        if _unsafe_name(member.name):
            yield Item(member.name, refused="unsafe member path (outside the archive)")
            continue
        if not member.name.lower().endswith(".json"):
            yield Item(member.name, ignored=True)
            continue
        try:
            data = read_member(stream, member, max_member_size=max_member_size, max_ratio=max_ratio)
        except (ValueError, zlib.error) as exc:
            yield Item(member.name, refused=str(exc))
            continue
        try:
            record = json.loads(data)
        except ValueError:
            yield Item(member.name, refused="not JSON")
            continue
        if not isinstance(record, dict) or "protocolSection" not in record:
            yield Item(member.name, refused="not an API v2 study record")
            continue
        yield Item(member.name, record=record, data=data)


def count_members(stream: IO[bytes], *, source: str = "archive") -> int:
    """How many entries the archive's central directory lists."""
    return _directory(stream, source)[0]


@dataclass
class BulkReport:
    """What :func:`mirror_bulk` did."""

    members: int = 0
    new: int = 0
    updated: int = 0
    current: int = 0
    ignored: int = 0
    refused: list[tuple[str, str]] = field(default_factory=list)
    refused_count: int = 0

    @property
    def read(self) -> int:
        return self.new + self.updated + self.current


def mirror_bulk(
    corpus: Corpus,
    stream: IO[bytes],
    *,
    source: str = "archive",
    max_member_size: int = MAX_MEMBER_SIZE,
    max_ratio: float = MAX_RATIO,
    on_member: Callable[[BulkReport], None] | None = None,
) -> BulkReport:
    """Store every study of a bulk archive into the corpus.

    A record already stored with the same lastUpdatePostDate is not
    rewritten. Refused members are counted (the first 100 reasons are kept).
    """
    report = BulkReport()
    for item in iter_bulk(
        stream, source=source, max_member_size=max_member_size, max_ratio=max_ratio
    ):
        report.members += 1
        refusal = item.refused
        if item.ignored:
            report.ignored += 1
        elif item.record is not None:
            try:
                stored = corpus.store(item.record, raw=item.data)
            except ReadError as exc:
                refusal = exc.message
            else:
                setattr(report, stored.status, getattr(report, stored.status) + 1)
        if refusal is not None:
            report.refused_count += 1
            if len(report.refused) < 100:
                report.refused.append((item.name, refusal))
        if report.members % COMMIT_EVERY == 0:
            corpus.flush()
        if on_member is not None:
            on_member(report)
    corpus.flush()
    return report


def is_url(location: str) -> bool:
    return location.startswith(("http://", "https://"))


@contextlib.contextmanager
def open_bulk(
    location: str,
    *,
    download_dir: Path,
    session: Any = None,
    timeout: tuple[float, float] = (10.0, 60.0),
    on_bytes: Callable[[int, int | None], None] | None = None,
) -> Iterator[IO[bytes]]:
    """A seekable binary file for a bulk archive PATH or URL.

    A URL is downloaded in chunks (never whole in memory) to a temporary file
    in ``download_dir`` (``.bulk-<pid>.zip.<pid>.tmp``: removed afterwards, and
    swept by a later run if this process dies).

    Args:
        on_bytes: called with (bytes so far, total or None) while downloading.
    """
    with bulk_path(
        location, download_dir=download_dir, session=session, timeout=timeout, on_bytes=on_bytes
    ) as path:
        try:
            stream = open(path, "rb")  # noqa: SIM115 - closed below
        except OSError as exc:
            raise MissingInputError(location, f"cannot open the archive ({exc.strerror})") from exc
        with stream:
            yield stream


@contextlib.contextmanager
def bulk_path(
    location: str,
    *,
    download_dir: Path,
    session: Any = None,
    timeout: tuple[float, float] = (10.0, 60.0),
    on_bytes: Callable[[int, int | None], None] | None = None,
) -> Iterator[Path]:
    """The path of a bulk archive PATH, or of URL downloaded for the time of
    the ``with`` block (see :func:`open_bulk`); other processes may open it
    meanwhile."""
    if not is_url(location):
        yield Path(location).expanduser()
        return
    import requests

    from .registry import USER_AGENT

    client = session or requests.Session()
    download_dir.mkdir(parents=True, exist_ok=True)
    tmp = download_dir / f".bulk-{os.getpid()}.zip.{os.getpid()}.tmp"
    try:
        try:
            with client.get(
                location, stream=True, timeout=timeout, headers={"User-Agent": USER_AGENT}
            ) as response:
                if response.status_code != 200:
                    raise RegistryError(
                        location, f"HTTP {response.status_code}", status=response.status_code
                    )
                total = response.headers.get("Content-Length")
                expected = int(total) if total and total.isdigit() else None
                done = 0
                with open(tmp, "wb") as out:
                    for chunk in response.iter_content(1024 * 1024):
                        out.write(chunk)
                        done += len(chunk)
                        if on_bytes is not None:
                            on_bytes(done, expected)
        except requests.RequestException as exc:
            raise RegistryError(location, f"download failed ({type(exc).__name__})") from exc
        if expected is not None and done != expected:
            raise RegistryError(location, f"download truncated at {done} of {expected} bytes")
        yield tmp
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
