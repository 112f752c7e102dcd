"""The dataset directory on disk: part files, partition states, the manifest.

    DIR/
      manifest.json         the committed dataset: sources, versions, and per table
                            the part files that make it (readers go by this file)
      schema.json           the schema (ctparse.dataset.tables), versioned
      ctparse.duckdb        a DuckDB database with one view per table over the parts
      studies/NCT059.<gen>.parquet  …  one base part file per table and partition
      _delta/<table>/NCT059.<gen>.parquet   the rows of the studies an update re-parsed
      _delta/replaced/NCT059.<gen>.parquet  the studies whose base rows those replace
      _schema/<table>.parquet       a zero-row file per table (views of empty tables)
      _state/NCT059.json    the committed state of one partition (its gen, units,
                            fingerprints, errors, counts)
      _plan/ _run.json _download/   only while a run is in progress
      .lock                 held by the running build or update

Every file is written to a temporary name in its folder and renamed into
place. A partition commits when its state file lands (after its parts); the
dataset commits when ``manifest.json`` and ``ctparse.duckdb`` land. Part
files carry their partition's ``gen`` in the name, so a run never
overwrites a committed part: a reader of the previous manifest sees a
complete snapshot until the next one commits, and a run killed at any
moment (SIGKILL) leaves committed partitions intact and only temporary
files behind, which the next run deletes. Old parts go after the manifest
that stops naming them.

An update that re-parses a few studies of a partition does not rewrite its
base parts: it writes the new rows as a small **delta** part per table and
lists the studies they replace. Readers go by :func:`read_table` and
:func:`create_views`, which hide the replaced base rows and add the
deltas; the result is the one a full build gives, row for row. A partition
folds its deltas into new base parts (compacts) when they replace more than
:data:`COMPACT_SHARE` of its studies, or on ``dataset update --compact``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import CtparseError
from .tables import TABLES, arrow_schema, schema_document

if TYPE_CHECKING:
    import pyarrow as pa

MANIFEST = "manifest.json"
SCHEMA = "schema.json"
DATABASE = "ctparse.duckdb"
STATE = "_state"
PLAN = "_plan"
RUN = "_run.json"
DOWNLOAD = "_download"
EMPTY = "_schema"
DELTA = "_delta"
REPLACED = "replaced"  # under DELTA: the studies whose base rows the deltas replace
COMPACT_SHARE = 0.1  # a partition compacts when its deltas replace more of its studies
#: The tables an update writes deltas for; ``errors`` is small and always rewritten whole.
DELTA_TABLES = tuple(t for t in TABLES if t != "errors")
LOCK = ".lock"
FORMAT = "ctparse-dataset"


class DatasetError(CtparseError):
    """A dataset directory that cannot be used (not a dataset, locked, unwritable)."""


def now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _tmp(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def write_bytes(path: Path, data: bytes) -> None:
    """``data`` to ``path`` through a temporary file and a rename."""
    tmp = _tmp(path)
    try:
        with open(tmp, "wb") as stream:
            stream.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def write_json(path: Path, value: Any) -> None:
    text = json.dumps(value, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    write_bytes(path, text.encode("utf-8"))


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def write_part(path: Path, table: pa.Table, *, compression: str = "zstd") -> None:
    """One Parquet part file, written atomically.

    Base parts are zstd-compressed (the smallest files); delta parts, a few rows
    each and folded into base parts by compaction, use snappy, which writes a
    small file in two thirds of zstd's time.
    """
    import pyarrow.parquet as pq

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _tmp(path)
    try:
        pq.write_table(table, tmp, compression=compression, row_group_size=64 * 1024)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def part_name(table: str, partition: str, gen: str) -> str:
    """The base part file of a table and partition, relative to DIR."""
    return f"{table}/{partition}.{gen}.parquet"


def delta_name(table: str, partition: str, gen: str) -> str:
    """The delta part of a table and partition (``table`` may be :data:`REPLACED`)."""
    return f"{DELTA}/{table}/{partition}.{gen}.parquet"


def replaced_schema() -> pa.Schema:
    import pyarrow as pa

    return pa.schema([pa.field("study_id", pa.string(), nullable=False)])


# ------------------------------------------------------------ the directory


def is_dataset(directory: Path) -> bool:
    return (directory / MANIFEST).is_file() or (directory / RUN).is_file()


def check_directory(directory: Path) -> None:
    """Refuse a DIR that is a file, or a folder with other things in it.

    Raises:
        DatasetError: naming DIR.
    """
    if directory.exists() and not directory.is_dir():
        raise DatasetError(str(directory), "is a file, not a dataset directory")
    if directory.is_dir() and not is_dataset(directory):
        with os.scandir(directory) as entries:
            if any(not e.name.startswith(".") for e in entries):
                raise DatasetError(
                    str(directory),
                    "is a folder that holds no ctparse dataset and is not empty; "
                    "choose a new or empty folder",
                )


@contextlib.contextmanager
def locked(directory: Path) -> Iterator[None]:
    """Hold ``DIR/.lock`` for a run; a second run on the same DIR is refused."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        stream = open(directory / LOCK, "a+")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise DatasetError(str(directory), f"cannot write here ({exc.strerror})") from exc
    with stream:
        try:
            fcntl.flock(stream, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno in (errno.EWOULDBLOCK, errno.EACCES):
                raise DatasetError(
                    str(directory), "another ctparse build or update is running on it"
                ) from exc
            raise
        yield


def sweep_temporary(directory: Path) -> int:
    """Delete the temporary files a killed run left (the lock is held, so
    no writer of this dataset is alive)."""
    removed = 0
    folders = [
        directory,
        directory / STATE,
        directory / EMPTY,
        *(directory / t for t in TABLES),
        *(directory / DELTA / t for t in (*TABLES, REPLACED)),
    ]
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in folder.iterdir():
            if path.name.startswith(".") and path.name.endswith(".tmp"):
                with contextlib.suppress(OSError):
                    path.unlink()
                    removed += 1
    for leftover in (PLAN, DOWNLOAD):
        shutil.rmtree(directory / leftover, ignore_errors=True)
    return removed


def forget_empty_start(directory: Path, *, remove_folder: bool) -> None:
    """After a run that failed before committing anything (no manifest, no
    partition): remove what it wrote, so that nothing is left half-written and
    the next build may use DIR for any sources; the folder too when the run
    made it. A run that committed partitions keeps everything: it resumes."""
    if not directory.is_dir() or (directory / MANIFEST).exists():
        return
    if committed_partitions(directory):
        return
    if remove_folder:
        shutil.rmtree(directory, ignore_errors=True)
        return
    for entry in list(directory.iterdir()):
        with contextlib.suppress(OSError):
            if entry.is_dir():
                shutil.rmtree(entry)
            else:
                entry.unlink()


def load_state(directory: Path, partition: str) -> dict[str, Any] | None:
    path = directory / STATE / f"{partition}.json"
    if not path.is_file():
        return None
    try:
        state = read_json(path)
    except (OSError, ValueError):
        return None  # a torn state cannot be: it is renamed into place; treat as absent
    return state if isinstance(state, dict) else None


def save_state(directory: Path, partition: str, state: dict[str, Any]) -> None:
    (directory / STATE).mkdir(parents=True, exist_ok=True)
    text = json.dumps(state, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    write_bytes(directory / STATE / f"{partition}.json", text.encode("utf-8"))


def committed_partitions(directory: Path) -> list[str]:
    folder = directory / STATE
    if not folder.is_dir():
        return []
    return sorted(p.stem for p in folder.glob("*.json"))


def load_manifest(directory: Path) -> dict[str, Any]:
    """The committed manifest of DIR.

    Raises:
        DatasetError: DIR holds no built dataset.
    """
    path = directory / MANIFEST
    if not path.is_file():
        hint = (
            " (a build was interrupted: run the same build again, or `ctparse dataset update` on it)"
            if (directory / RUN).is_file()
            else ""
        )
        raise DatasetError(str(directory), f"no ctparse dataset here (no {MANIFEST}){hint}")
    try:
        manifest = read_json(path)
    except (OSError, ValueError) as exc:
        raise DatasetError(str(path), f"unreadable manifest ({exc})") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise DatasetError(str(path), "not a ctparse dataset manifest")
    return manifest


def write_empty_parts(directory: Path) -> None:
    """The zero-row file of every table (what a view of an empty table reads)."""
    for name in TABLES:
        path = directory / EMPTY / f"{name}.parquet"
        if not path.is_file():
            write_part(path, arrow_schema(name).empty_table())
    path = directory / EMPTY / f"{REPLACED}.parquet"
    if not path.is_file():
        write_part(path, replaced_schema().empty_table())


def table_files(directory: Path, manifest: dict[str, Any], table: str) -> list[str]:
    """Absolute paths of a table's base parts (its zero-row file first)."""
    files = [str(directory / EMPTY / f"{table}.parquet")]
    files += [str(directory / name) for name in manifest.get("tables", {}).get(table, [])]
    return files


def delta_files(directory: Path, manifest: dict[str, Any], table: str) -> list[str]:
    """Absolute paths of a table's delta parts, or of the replaced lists (:data:`REPLACED`)."""
    names = (
        manifest.get(REPLACED, [])
        if table == REPLACED
        else manifest.get("deltas", {}).get(table, [])
    )
    return [str(directory / name) for name in names]


def dataset_files(directory: Path, manifest: dict[str, Any]) -> list[str]:
    """Every file a reader of the dataset opens (for DuckDB's ``allowed_paths``)."""
    files = [
        str(directory / EMPTY / f"{REPLACED}.parquet"),
        *delta_files(directory, manifest, REPLACED),
    ]
    for table in TABLES:
        files += table_files(directory, manifest, table) + delta_files(directory, manifest, table)
    return sorted(set(files))


def read_table(directory: Path, manifest: dict[str, Any], table: str) -> pa.Table:
    """A table's current rows, in its sort order: the base parts without the
    rows the deltas replace, plus the deltas."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    schema = arrow_schema(table)
    parts = [pq.read_table(f, schema=schema) for f in table_files(directory, manifest, table)]
    base = pa.concat_tables(parts)
    replaced = delta_files(directory, manifest, REPLACED) if table in DELTA_TABLES else []
    deltas = delta_files(directory, manifest, table)
    if not replaced and not deltas:
        return base
    if replaced:
        ids = pa.concat_arrays(
            [
                pq.read_table(f, schema=replaced_schema())["study_id"].combine_chunks()
                for f in replaced
            ]
        )
        base = base.filter(pc.invert(pc.is_in(base["study_id"], value_set=ids)))
    merged = pa.concat_tables([base, *(pq.read_table(f, schema=schema) for f in deltas)])
    return merged.sort_by([(k, "ascending") for k in TABLES[table].sort])


def _sql_files(files: list[str]) -> str:
    return "[" + ", ".join("'" + f.replace("'", "''") + "'" for f in files) + "]"


def create_views(connection: Any, directory: Path, manifest: dict[str, Any]) -> None:
    """One view per table over its parts, in a DuckDB connection (with
    deltas: the base rows they replace left out, the deltas added)."""
    replaced = delta_files(directory, manifest, REPLACED)
    for table in TABLES:
        query = f"SELECT * FROM read_parquet({_sql_files(table_files(directory, manifest, table))})"
        if replaced and table in DELTA_TABLES:
            ids = f"SELECT study_id FROM read_parquet({_sql_files(replaced)})"
            query += f" WHERE study_id IS NULL OR study_id NOT IN ({ids})"
        deltas = delta_files(directory, manifest, table)
        if deltas:
            empty = str(directory / EMPTY / f"{table}.parquet")
            query += f" UNION ALL SELECT * FROM read_parquet({_sql_files([empty, *deltas])})"
        connection.execute(f'CREATE OR REPLACE VIEW "{table}" AS {query}')


def write_database(directory: Path, manifest: dict[str, Any]) -> None:
    """``ctparse.duckdb``: views over the manifest's parts (absolute paths)."""
    import duckdb

    path = directory / DATABASE
    tmp = _tmp(path)
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    try:
        connection = duckdb.connect(str(tmp))
        try:
            create_views(connection, directory.resolve(), manifest)
            connection.execute("CHECKPOINT")
        finally:
            connection.close()
        os.replace(tmp, path)
    except BaseException:
        for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
            with contextlib.suppress(OSError):
                leftover.unlink()
        raise


def commit(directory: Path, manifest: dict[str, Any]) -> None:
    """Commit a run: schema, manifest, database; then drop what nothing names."""
    write_empty_parts(directory)
    write_json(directory / SCHEMA, schema_document())
    write_json(directory / MANIFEST, manifest)
    write_database(directory, manifest)
    keep = {name for files in manifest["tables"].values() for name in files}
    keep |= {name for files in manifest.get("deltas", {}).values() for name in files}
    keep |= set(manifest.get(REPLACED, []))
    folders = [*TABLES, *(f"{DELTA}/{t}" for t in (*TABLES, REPLACED))]
    for relative in folders:
        folder = directory / relative
        if not folder.is_dir():
            continue
        for path in folder.glob("*.parquet"):
            if f"{relative}/{path.name}" not in keep:
                with contextlib.suppress(OSError):
                    path.unlink()
    wanted = set(manifest["partitions"])
    for partition in committed_partitions(directory):
        if partition not in wanted:
            with contextlib.suppress(OSError):
                (directory / STATE / f"{partition}.json").unlink()
    for leftover in (PLAN, DOWNLOAD):
        shutil.rmtree(directory / leftover, ignore_errors=True)
    with contextlib.suppress(FileNotFoundError):
        (directory / RUN).unlink()
