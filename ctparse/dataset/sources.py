"""What a dataset is built from: SOURCE arguments, and the records in them.

A SOURCE is one of

* ``corpus``: every record of the corpus (the shipped records and the cache
  directory, ``--corpus`` / ``$CTPARSE_CORPUS``; the cache wins);
* a bulk ZIP of the registry (``ctg-studies.json.zip``), a path or an
  http(s) URL, streamed member by member (:mod:`ctparse.bulk`);
* NCT ids (looked up in the corpus, fetched from the registry when missing);
* ``--query Q``: every study of a registry search (saved into the corpus);
* a folder (walked recursively) or a file: registry records in any format
  or plain criteria text files.

:func:`classify` turns the arguments into :class:`Source` values (what the
dataset's manifest records, so that ``dataset update`` reads the same
sources again). :func:`enumerate_source` lists a source's inputs as
:class:`Claim` values without reading them wherever a name tells the
record's id (archive members ``NCT….json``, corpus files, which the corpus
names by their records); the files of a folder are read once to learn
their studies' ids. :func:`read_unit` reads one claimed
study back, in a worker.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

from ..errors import BadReferenceError, MissingInputError, OfflineError, ReadError
from ..schema import Eligibility, Study
from ..schema import Source as RecordSource
from .rows import study_id

NCT_ID = re.compile(r"^NCT\d{8}$", re.IGNORECASE)
_NAMED = re.compile(r"^(NCT\d{8}|local-[0-9a-f]{16})(\.[^/\\]*)?$", re.IGNORECASE)
#: A member as the registry's bulk archive names it: ``ctg-studies.json/NCT059xxxxx/NCT05912345.json``
#: (folders by id range, whatever the width of the range). Such a name is safe (no
#: component is ``..``) and names its study, so the claim needs no further look.
_REGISTRY_MEMBER = re.compile(r"(?!\.)[\w.-]+/NCT\d+x+/(NCT\d{8})\.json\Z")
_NCT_LIKE = re.compile(r"^NCT[\W_]*\d*$", re.IGNORECASE)
CORPUS = "corpus"
ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"  # an archive with no members: its end record alone


@dataclass(frozen=True)
class Source:
    """One SOURCE, as recorded in the manifest.

    ``kind`` is ``corpus``, ``zip`` (``location`` a path or URL), ``path``
    (a file or folder), ``ids`` or ``query`` (``query`` and ``max``).
    """

    kind: str
    location: str | None = None
    ids: tuple[str, ...] = ()
    query: str | None = None
    max: int | None = None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["ids"] = list(self.ids)
        return {k: v for k, v in data.items() if v not in (None, [])}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Source:
        return cls(
            kind=str(data["kind"]),
            location=data.get("location"),
            ids=tuple(data.get("ids") or ()),
            query=data.get("query"),
            max=data.get("max"),
        )

    def describe(self) -> str:
        if self.kind == "ids":
            shown = ", ".join(self.ids[:3]) + (", …" if len(self.ids) > 3 else "")
            return f"{len(self.ids)} NCT id{'s' if len(self.ids) != 1 else ''} ({shown})"
        if self.kind == "query":
            return f"query {self.query!r}" + (f" (max {self.max})" if self.max else "")
        if self.kind == CORPUS:
            return f"the corpus ({self.location})" if self.location else "the corpus"
        return str(self.location)


def _is_url(text: str) -> bool:
    return text.startswith(("http://", "https://"))


def _is_zip(path: Path) -> bool:
    try:
        with open(path, "rb") as stream:
            return stream.read(4) in (ZIP_MAGIC, EMPTY_ZIP_MAGIC)
    except OSError:
        return False


def classify(
    arguments: tuple[str, ...], *, queries: tuple[str, ...] = (), max: int | None = None
) -> list[Source]:
    """SOURCE arguments (and ``--query`` options) as sources, in order.

    NCT ids among the arguments form one ``ids`` source, where the first id stood.

    Raises:
        BadReferenceError: a malformed NCT id.
        MissingInputError: a path that does not exist.
    """
    sources: list[Source] = []
    ids: list[str] = []
    ids_at: int | None = None
    for argument in arguments:
        if argument == CORPUS:  # the keyword; a folder named corpus is ./corpus
            sources.append(Source(CORPUS))
        elif NCT_ID.match(argument):
            ids.append(argument.upper())
            if ids_at is None:
                ids_at = len(sources)
                sources.append(Source("ids"))  # placeholder, filled below
        elif _is_url(argument):
            sources.append(Source("zip", location=argument))
        elif os.path.isdir(argument):
            sources.append(Source("path", location=str(Path(argument).resolve())))
        elif os.path.isfile(argument):
            path = Path(argument).resolve()
            kind = "zip" if _is_zip(path) else "path"
            sources.append(Source(kind, location=str(path)))
        elif _NCT_LIKE.match(argument):
            raise BadReferenceError(argument, "not an NCT id (NCT and 8 digits, e.g. NCT05990231)")
        else:
            raise MissingInputError(
                argument,
                "no such file or folder (a SOURCE is `corpus`, a bulk ZIP path or URL, "
                "NCT ids, a folder or a file; searches go in --query)",
            )
    if ids_at is not None:
        sources[ids_at] = Source("ids", ids=tuple(dict.fromkeys(ids)))
    sources += [Source("query", query=q, max=max) for q in queries]
    return sources


# ------------------------------------------------------------ enumeration


@dataclass(frozen=True)
class Claim:
    """One input and the study it holds (``study`` None: unknown, for an error).

    ``locator`` says how a worker reads it back: ``["f", path]`` for a file,
    ``["z", archive, offset, compressed, size, crc, method, flags]`` for an
    archive member. ``error`` is set when the input failed at planning
    (``[stage, reason]``).
    """

    study: str | None
    input: str
    fingerprint: str
    locator: list[Any] = field(default_factory=list)
    named: bool = False  # the id comes from the input's name, not from its content
    error: tuple[str, str] | None = None


@dataclass
class Context:
    """What enumerating sources needs: where the corpus and registry are."""

    corpus_dir: Path | None = None
    base_url: str | None = None
    offline: bool = False
    refresh: bool = False  # ask the registry whether stored records changed (update)
    rate: float = 50.0  # registry requests per minute
    backoff: float = 1.0  # first retry back-off, seconds
    archives: dict[str, str] = field(default_factory=dict)  # zip location -> local path
    ignored: int = 0
    say: Callable[[str], None] = lambda message: None


def _file_fingerprint(path: Path) -> str:
    info = path.stat()
    return f"f:{info.st_size}:{info.st_mtime_ns}"


def named_id(name: str) -> str | None:
    """The record id a file or member name gives (``NCT05990231.json``,
    ``local-8446462a6559f0be.csv.txt``), else None."""
    match = _NAMED.match(name.replace("\\", "/").rsplit("/", 1)[-1])
    if not match:
        return None
    found = match.group(1)
    return found.upper() if found.lower().startswith("nct") else found.lower()


def read_file_studies(path: Path, *, location: str) -> list[Study]:
    """The studies of a record file, or a plain-text study for a criteria text file.

    Raises:
        ReadError, MissingInputError: unreadable, or neither a record nor text.
    """
    from ..readers import normalize, read_record_or_text

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise MissingInputError(location, f"cannot read ({exc.strerror})") from exc
    result = read_record_or_text(data, location=location)
    if isinstance(result, str):
        return [
            Study(
                nct_id=None,
                source=RecordSource(format="plain_text", location=location),
                eligibility=Eligibility(criteria_text=result),
                local_id=normalize.local_id(result),
            )
        ]
    return result


def read_bytes_studies(data: bytes, *, location: str) -> list[Study]:
    """The studies of an archive member's bytes (API v2 JSON)."""
    from ..readers import read_studies

    return read_studies(data, location=location)


def _file_claims(path: Path, *, input: str, named: str | None) -> Iterator[Claim]:
    try:
        fingerprint = _file_fingerprint(path)
    except OSError as exc:
        yield Claim(named, input, "missing", error=("read", f"cannot read ({exc.strerror})"))
        return
    if named is not None:
        yield Claim(named, input, fingerprint, ["f", str(path)], named=True)
        return
    try:
        studies = read_file_studies(path, location=input)
    except (ReadError, MissingInputError) as exc:
        yield Claim(None, input, fingerprint, error=("read", exc.message))
        return
    for key in dict.fromkeys(study_id(s) for s in studies):
        yield Claim(key, input, fingerprint, ["f", str(path)])


#: Files of a folder that are documentation, not records or criteria.
_NOT_INPUTS = re.compile(r"^(readme|license|licence|changelog|copying)(\..*)?$", re.IGNORECASE)


def _walk(folder: Path) -> Iterator[Path]:
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith(".") and not _NOT_INPUTS.match(name):
                yield Path(root) / name


def _path_claims(source: Source) -> Iterator[Claim]:
    location = Path(str(source.location))
    paths = _walk(location) if location.is_dir() else iter([location])
    for path in paths:
        # A folder's file names are not trusted to name their records (a
        # criteria text saved as NCT….txt has no NCT id): each file is read.
        yield from _file_claims(path, input=str(path), named=None)


def _corpus_claims(corpus_dir: Path | None) -> Iterator[Claim]:
    """The corpus: the cache directory's records, then the shipped ones it lacks.

    Streams the cache (the whole registry is ~598,000 files): only the names,
    sorted, are held, so that of two files of one id the ``.json`` (fetched)
    one, which sorts first, wins.
    """
    from ..corpus import default_corpus_dir
    from ..resources import shipped_corpus_dir

    def records(directory: Path) -> Iterator[tuple[str, Path]]:
        if not directory.is_dir():
            return
        with os.scandir(directory) as entries:
            names = sorted(e.name for e in entries if e.is_file())
        last = None
        for name in names:
            record_id = named_id(name)
            if record_id is not None and record_id != last:
                last = record_id
                yield record_id, directory / name

    shipped = dict(records(shipped_corpus_dir()))  # a few records
    cache = corpus_dir or default_corpus_dir()
    if cache.resolve() != shipped_corpus_dir().resolve():
        for record_id, path in records(cache):
            shipped.pop(record_id, None)
            yield from _file_claims(path, input=str(path), named=record_id)
    for record_id, path in sorted(shipped.items()):
        yield from _file_claims(path, input=str(path), named=record_id)


def _corpus_ids(ids: list[str], context: Context, *, fetch_current: bool) -> Iterator[Claim]:
    """Claims for NCT ids in the corpus, fetching the missing ones (or, with
    ``fetch_current``, those the registry has updated)."""
    from ..corpus import Corpus, find_record

    wanted = list(dict.fromkeys(i.upper() for i in ids))
    missing = [i for i in wanted if find_record(i, corpus_dir=context.corpus_dir) is None]
    not_found: set[str] = set()
    if context.offline:
        not_found = set(missing)
        reason = "not in the corpus and --offline forbids fetching"
    elif missing or (fetch_current and wanted):
        from ..mirror import mirror_ids

        asked = wanted if fetch_current else missing
        context.say(f"asking the registry about {len(asked):,} NCT id(s)")
        with Corpus(context.corpus_dir) as corpus:
            report = mirror_ids(_registry(context), corpus, asked, check_current=True)
        not_found = set(report.not_found)
        reason = "no such study in the registry"
    for nct_id in wanted:
        path = None if nct_id in not_found else find_record(nct_id, corpus_dir=context.corpus_dir)
        if path is None:
            why = reason if nct_id in not_found else "not found in the corpus"
            yield Claim(nct_id, nct_id, f"missing:{why}", error=("fetch", why))
            continue
        yield from _file_claims(path, input=str(path), named=named_id(path.name))


def _registry(context: Context) -> Any:
    from ..registry import Registry

    return Registry(context.base_url, rate=context.rate, backoff=context.backoff)


def _query_ids(source: Source, context: Context) -> list[str]:
    from ..corpus import Corpus
    from ..mirror import mirror_search, search_key
    from ..registry import search_params

    if context.offline:
        raise OfflineError(
            f"--query {source.query}", "a search needs the registry and --offline is set"
        )
    params = search_params(query=source.query, page_size=min(1000, source.max or 1000))
    with Corpus(context.corpus_dir) as corpus:
        # Ids an interrupted search already saved (its state keeps them until it completes).
        _, seen = corpus.search_state(search_key(params)).load()
        context.say(f"searching the registry for {source.query!r}")
        report = mirror_search(
            _registry(context),
            corpus,
            params,
            limit=source.max,
            restart=context.refresh,
            keep=True,
        )
    found = set(report.stored) | (set() if context.refresh else seen)
    return sorted(found)


def _locator(location: str, member: Any) -> list[Any]:
    """How a worker reads an archive member back (``Reader``)."""
    return [
        "z",
        location,
        member.header_offset,
        member.compressed_size,
        member.size,
        member.crc,
        member.method,
        member.flags,
    ]


def _zip_claims(source: Source, context: Context) -> Iterator[Claim]:
    from ..bulk import _unsafe_name, iter_members, read_member

    location = str(source.location)
    path = Path(context.archives.get(location, location))
    try:
        stream: IO[bytes] = open(path, "rb")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise MissingInputError(location, f"cannot open the archive ({exc.strerror})") from exc
    with stream:
        for member in iter_members(stream, source=location):
            name = member.name
            fingerprint = f"z:{member.crc:08x}:{member.size}"
            registry = _REGISTRY_MEMBER.match(name)
            if registry is not None:  # the bulk archive's own layout: safe, and named
                locator = _locator(location, member)
                yield Claim(registry.group(1), name, fingerprint, locator, named=True)
                continue
            if name.endswith("/"):
                continue
            if _unsafe_name(name):
                yield Claim(
                    None,
                    name,
                    fingerprint,
                    error=("read", "unsafe member path (outside the archive)"),
                )
                continue
            if not name.lower().endswith(".json"):
                context.ignored += 1
                continue
            locator = _locator(location, member)
            record_id = named_id(name)
            if record_id is not None:
                yield Claim(record_id, name, fingerprint, locator, named=True)
                continue
            try:
                studies = read_bytes_studies(read_member(stream, member), location=name)
            except (ValueError, ReadError) as exc:
                reason = exc.message if isinstance(exc, ReadError) else str(exc)
                yield Claim(None, name, fingerprint, error=("read", reason))
                continue
            for key in dict.fromkeys(study_id(s) for s in studies):
                yield Claim(key, name, fingerprint, locator)


def enumerate_source(source: Source, context: Context) -> Iterator[Claim]:
    """Every input of one source, as claims (see the module docstring)."""
    if source.kind == CORPUS:
        yield from _corpus_claims(Path(source.location) if source.location else context.corpus_dir)
    elif source.kind == "zip":
        yield from _zip_claims(source, context)
    elif source.kind == "path":
        yield from _path_claims(source)
    elif source.kind == "ids":
        yield from _corpus_ids(list(source.ids), context, fetch_current=context.refresh)
    elif source.kind == "query":
        ids = _query_ids(source, context)
        yield from _corpus_ids(ids, context, fetch_current=False)
    else:  # pragma: no cover - classify() makes only the kinds above
        raise ValueError(f"unknown source kind {source.kind!r}")


# ---------------------------------------------------------------- reading


class Reader:
    """Reads claimed studies back in a worker; keeps archives open and the
    studies of the last multi-study file."""

    def __init__(self, archives: dict[str, str]) -> None:
        self.archives = archives
        self._streams: dict[str, IO[bytes]] = {}
        self._last: tuple[str, list[Study]] | None = None

    def close(self) -> None:
        for stream in self._streams.values():
            stream.close()
        self._streams.clear()

    def __enter__(self) -> Reader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _member(self, locator: list[Any], name: str) -> list[Study]:
        from ..bulk import Member, read_member

        _, location, offset, compressed, size, crc, method, flags = locator
        stream = self._streams.get(location)
        if stream is None:
            path = self.archives.get(location, location)
            try:
                stream = self._streams[location] = open(path, "rb")  # noqa: SIM115
            except OSError as exc:
                raise MissingInputError(
                    location, f"cannot open the archive ({exc.strerror})"
                ) from exc
        member = Member(name, method, flags, crc, compressed, size, offset)
        try:
            data = read_member(stream, member)
        except ValueError as exc:
            raise ReadError(name, str(exc)) from exc
        return read_bytes_studies(data, location=name)

    def studies(self, locator: list[Any], input: str) -> list[Study]:
        if self._last is not None and self._last[0] == input:
            return self._last[1]
        if locator[0] == "z":
            studies = self._member(locator, input)
        else:
            studies = read_file_studies(Path(locator[1]), location=input)
        self._last = (input, studies)
        return studies

    def read(self, key: str, locator: list[Any], input: str, *, named: bool) -> Study:
        """The study ``key`` of an input.

        Raises:
            ReadError, MissingInputError: unreadable, or ``key`` is not in it.
        """
        import dataclasses

        studies = self.studies(locator, input)
        for study in studies:
            found = study_id(study)
            if found == key:
                return study
            if named and key.startswith("local-") and study.nct_id is None:
                # A corpus file named by its local id: the name is the id (as `ctparse show`).
                return dataclasses.replace(study, local_id=key)
        held = ", ".join(sorted({study_id(s) for s in studies})[:3]) or "no study"
        raise ReadError(input, f"its name says {key} but it holds {held}")
