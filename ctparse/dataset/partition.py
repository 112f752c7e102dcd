"""One partition's work, wherever it runs: read, parse, write, commit.

:func:`run_job` is what a worker process (local engine) or a Dask worker
executes. Given the partition's plan (``DIR/_plan/<partition>.json``) and
its committed state, it

1. decides what to parse: everything when the partition is new or the
   versions changed, else only the units (studies) whose input or
   fingerprint changed;
2. reads those studies (:class:`ctparse.dataset.sources.Reader`) and parses
   them in batches through :func:`ctparse.dataset.parse.parse_studies`; a
   study that cannot be read or parsed becomes an ``errors`` row and the
   partition goes on;
3. writes the new rows: a new partition gets its base parts; where a few
   studies changed, their rows go to small delta parts beside the committed
   base parts, with the list of studies they replace (the base parts stay
   as they are); where many changed (or on ``--compact``), the deltas are
   folded into new base parts. Every table is sorted by its sort key, so
   readers see the rows a full build gives;
4. commits by writing the state file, last.

Rows are converted to Arrow every :data:`CHUNK` studies, so a worker holds a
partition as compact Arrow columns, not as Python objects.
"""

from __future__ import annotations

import os
import resource
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import CtparseError
from . import store
from .plan import PartitionPlan, Unit, load_plan
from .rows import Row, empty_rows, error_row, study_rows
from .tables import TABLES, arrow_schema

if TYPE_CHECKING:
    import pyarrow as pa

BATCH = 128  # studies per nlp.pipe batch and memory zone
CHUNK = 500  # studies between two conversions of rows to Arrow (bounds the Python objects held)
_PARSE_LOCK = threading.Lock()  # one pipeline per process: Dask threads take turns


@dataclass(frozen=True)
class Job:
    """What a worker needs to do one partition (small and picklable)."""

    directory: str
    partition: str
    gen: str
    versions: tuple[str, str, int]  # ctparse version, rules version, schema version
    archives: dict[str, str] = field(default_factory=dict)  # zip location -> local path
    entities: bool = True  # run the entity stage (False: --no-entities)
    compact: bool = False  # fold the partition's deltas into new base parts


@dataclass
class Result:
    """What a worker did for one partition."""

    partition: str
    gen: str
    files: dict[str, str]
    counts: dict[str, int]
    parsed: int = 0  # studies read and parsed in this run
    kept: int = 0  # studies whose rows were kept from the committed parts
    seconds: dict[str, float] = field(default_factory=dict)
    peak_rss_mb: float = 0.0
    cpu_seconds: float = 0.0  # CPU time of the worker process spent on this partition
    worker: str = ""
    deltas: dict[str, str] = field(default_factory=dict)  # table -> delta part (see store)
    replaced: str | None = None  # the list of studies whose base rows the deltas replace


@dataclass
class _Written:
    """A partition's committed parts after this run."""

    files: dict[str, str] = field(default_factory=dict)  # table -> base part
    deltas: dict[str, str] = field(default_factory=dict)
    replaced: str | None = None
    counts: dict[str, int] = field(default_factory=dict)
    # The base parts' rows per study: {"ids": [study ids], "rows": {table: [rows
    # of each]}}, so that counting what the deltas hide needs no read of the base parts.
    base_rows: dict[str, Any] = field(default_factory=dict)


def _rows_per_study(tables: dict[str, pa.Table]) -> dict[str, Any]:
    import pyarrow.compute as pc

    per: dict[str, dict[str, int]] = {}
    for name, table in tables.items():
        counted = pc.value_counts(table["study_id"])
        per[name] = dict(
            zip(
                counted.field("values").to_pylist(),
                counted.field("counts").to_pylist(),
                strict=True,
            )
        )
    ids = sorted({s for counts in per.values() for s in counts})
    return {
        "ids": ids,
        "rows": {name: [counts.get(s, 0) for s in ids] for name, counts in sorted(per.items())},
    }


def _committed_rows(directory: Path, state: dict[str, Any]) -> dict[str, Any]:
    """:func:`_rows_per_study` of a partition's committed base parts, read back
    (for a state written before it recorded them)."""
    import pyarrow.parquet as pq

    return _rows_per_study(
        {
            name: pq.read_table(directory / state["files"][name], columns=["study_id"])
            for name in store.DELTA_TABLES
        }
    )


def _hidden(base_rows: dict[str, Any], table: str, replaced: set[str]) -> int:
    """How many base rows of ``table`` the replaced studies had."""
    rows = base_rows["rows"][table]
    return sum(n for s, n in zip(base_rows["ids"], rows, strict=True) if s in replaced)


def _versions_of_worker(entities: bool = True) -> tuple[str, str, int]:
    from .._version import __version__
    from .parse import components, rules_version
    from .tables import SCHEMA_VERSION

    return (__version__, rules_version(components(entities)), SCHEMA_VERSION)


def _to_arrow(table: str, rows: list[Row]) -> pa.Table:
    import pyarrow as pa

    schema = arrow_schema(table)
    if not rows:
        return schema.empty_table()
    columns = list(zip(*rows, strict=True))
    arrays = [pa.array(values, type=f.type) for values, f in zip(columns, schema, strict=True)]
    return pa.Table.from_arrays(arrays, schema=schema)


class _Tables:
    """Rows per table, turned into Arrow chunks as they accumulate."""

    def __init__(self) -> None:
        self.rows = empty_rows()
        self.chunks: dict[str, list[pa.Table]] = {name: [] for name in TABLES}

    def flush(self) -> None:
        for name, rows in self.rows.items():
            if rows:
                self.chunks[name].append(_to_arrow(name, rows))
                rows.clear()

    def table(self, name: str) -> pa.Table:
        import pyarrow as pa

        self.flush()
        chunks = self.chunks[name]
        return pa.concat_tables(chunks) if chunks else arrow_schema(name).empty_table()


def _committed(directory: Path, state: dict[str, Any], table: str) -> pa.Table:
    """The committed part of ``table`` in a partition's state."""
    import pyarrow.parquet as pq

    return pq.read_table(directory / state["files"][table], schema=arrow_schema(table))


def _rows_of(table: pa.Table, studies: set[str], *, keep: bool) -> pa.Table:
    """The rows whose study is in ``studies`` (``keep``) or is not."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not studies or table.num_rows == 0:
        return table if not keep else table.slice(0, 0)
    mask = pc.is_in(table["study_id"], value_set=pa.array(sorted(studies), pa.string()))
    return table.filter(mask if keep else pc.invert(mask))


def _sorted(table: pa.Table, name: str) -> pa.Table:
    # Nulls sort last (Arrow's default), as DuckDB's ORDER BY puts them.
    return table.sort_by([(k, "ascending") for k in TABLES[name].sort])


def _parse(
    batch: list[tuple[Unit, Any]],
    tables: _Tables,
    unit_errors: list[list[Any]],
    provenance: tuple[str, str],
    seconds: dict[str, float],
    entities: bool = True,
) -> None:
    """Parse a batch; a failing batch is retried study by study to find the culprit."""
    from .parse import parse_studies, worker_nlp

    if not batch:
        return
    tick = time.perf_counter()
    nlp = worker_nlp(entities)
    seconds["load"] += time.perf_counter() - tick
    tick = time.perf_counter()
    with _PARSE_LOCK:
        try:
            results = list(parse_studies([study for _, study in batch], nlp=nlp))
        except Exception:  # the pipeline's own failure: isolate the study below
            results = []
            for unit, study in batch:
                try:
                    results += list(parse_studies([study], nlp=nlp))
                except Exception as exc:
                    reason = f"the pipeline failed: {type(exc).__name__}: {exc}"
                    unit_errors.append([unit.input, unit.study, "parse", " ".join(reason.split())])
    seconds["parse"] += time.perf_counter() - tick
    tick = time.perf_counter()
    inputs = {unit.study: unit.input for unit, _ in batch}
    from .rows import study_id

    for study, result in results:
        study_rows(
            study, result, input=inputs[study_id(study)], provenance=provenance, into=tables.rows
        )
    seconds["rows"] += time.perf_counter() - tick


def _parts(state: dict[str, Any]) -> list[str]:
    """Every part file a committed partition state names."""
    names = [*state.get("files", {}).values(), *(state.get("deltas") or {}).values()]
    return names + ([state["replaced"]] if state.get("replaced") else [])


def _read(directory: Path, name: str | None, table: str) -> pa.Table:
    import pyarrow.parquet as pq

    schema = store.replaced_schema() if table == store.REPLACED else arrow_schema(table)
    if name is None:
        return schema.empty_table()
    return pq.read_table(directory / name, schema=schema)


def _write(
    job: Job,
    directory: Path,
    state: dict[str, Any] | None,
    tables: _Tables,
    drop: set[str],
    studies: int,
) -> _Written:
    """Write what changed of the partition's tables; what it consists of now.

    ``state`` is the committed state to build on (None: write everything);
    ``drop`` the studies whose committed rows are gone or re-parsed. A few
    changed studies go to delta parts, the base parts stay (see
    :mod:`ctparse.dataset.store`); many, or ``job.compact``, fold the deltas
    into new base parts.
    """
    import pyarrow as pa

    written = _Written()
    old_deltas: dict[str, str] = dict(state.get("deltas") or {}) if state else {}
    old_replaced = (
        set(_read(directory, state.get("replaced"), store.REPLACED)["study_id"].to_pylist())
        if state
        else set()
    )
    replaced = old_replaced | drop
    if state is None:
        mode = "fresh"
    elif not drop and not (job.compact and (old_deltas or old_replaced)):
        mode = "same"
    elif job.compact or len(replaced) > store.COMPACT_SHARE * max(1, studies):
        mode = "compact"
    else:
        mode = "delta"

    def put(name: str, table: pa.Table) -> str:
        delta = name.startswith(f"{store.DELTA}/")
        store.write_part(directory / name, table, compression="snappy" if delta else "zstd")
        return name

    bases: dict[str, pa.Table] = {}  # the base parts written in this run
    base_rows: dict[str, Any] = dict(state.get("base_rows") or {}) if state else {}
    for name in TABLES:
        new = _sorted(tables.table(name), name)
        base = state["files"][name] if state else None
        if name == "errors" or mode == "fresh":
            if base is not None and _read(directory, base, name).equals(new):
                written.files[name] = base  # the same rows: the part stays as it is
            else:
                written.files[name] = put(store.part_name(name, job.partition, job.gen), new)
            if name != "errors":
                bases[name] = new
            written.counts[name] = new.num_rows
            continue
        assert state is not None and base is not None
        delta = old_deltas.get(name)
        if mode == "same":
            written.files[name] = base
            if delta:
                written.deltas[name] = delta
            written.counts[name] = int(state["counts"][name])
            continue
        old_delta = _read(directory, delta, name)
        kept_delta = _rows_of(old_delta, drop, keep=False)
        if mode == "compact":
            old = _read(directory, base, name)
            rows = _sorted(
                pa.concat_tables([_rows_of(old, replaced, keep=False), kept_delta, new]), name
            )
            written.files[name] = (
                base
                if rows.equals(old)
                else put(store.part_name(name, job.partition, job.gen), rows)
            )
            bases[name] = rows
            written.counts[name] = rows.num_rows
            continue
        rows = _sorted(pa.concat_tables([kept_delta, new]), name)
        written.files[name] = base
        if delta and rows.equals(old_delta):
            written.deltas[name] = delta
        elif rows.num_rows:
            written.deltas[name] = put(store.delta_name(name, job.partition, job.gen), rows)
        base_rows = base_rows or _committed_rows(directory, state)
        visible = sum(base_rows["rows"][name]) - _hidden(base_rows, name, replaced)
        written.counts[name] = visible + rows.num_rows
    written.base_rows = _rows_per_study(bases) if mode in ("fresh", "compact") else base_rows
    if mode == "same":
        written.replaced = state.get("replaced") if state else None
    elif mode == "delta":
        written.replaced = (
            state.get("replaced")
            if state and replaced == old_replaced
            else put(
                store.delta_name(store.REPLACED, job.partition, job.gen),
                pa.table({"study_id": sorted(replaced)}, schema=store.replaced_schema()),
            )
        )
    return written


def run_job(job: Job, progress: Callable[[int], None] | None = None) -> Result:
    """Do one partition (see the module docstring) and commit it.

    Args:
        progress: called with the number of studies just done.

    Raises:
        CtparseError: this worker runs another ctparse or other rules than the build.
        OSError: the part files cannot be written (disk full, permissions).
    """
    from .sources import Reader

    started = time.perf_counter()
    cpu_started = time.process_time()
    mine = _versions_of_worker(job.entities)
    if tuple(job.versions) != mine:
        raise CtparseError(
            socket.gethostname(),
            f"this worker runs ctparse {mine[0]} with rules {mine[1]} (schema {mine[2]}); "
            f"the build uses {job.versions[0]} with rules {job.versions[1]} (schema {job.versions[2]})",
        )
    directory = Path(job.directory)
    plan: PartitionPlan = load_plan(directory / store.PLAN, job.partition)
    state = store.load_state(directory, job.partition)
    provenance = (job.versions[0], job.versions[1])
    reuse = (
        state is not None
        and state.get("versions") == list(job.versions)
        and all((directory / f).is_file() for f in _parts(state))
    )
    old_units: dict[str, list[str]] = state.get("units", {}) if reuse and state else {}
    new_units = {u.study: [u.input, u.fingerprint] for u in plan.units}
    todo = [u for u in plan.units if old_units.get(u.study) != [u.input, u.fingerprint]]
    drop = {u.study for u in todo} | (set(old_units) - set(new_units))
    unit_errors: list[list[Any]] = [
        e for e in (state.get("unit_errors", []) if reuse and state else []) if e[1] not in drop
    ]
    seconds = {"read": 0.0, "load": 0.0, "parse": 0.0, "rows": 0.0, "write": 0.0}
    tables = _Tables()
    with Reader(job.archives) as reader:
        batch: list[tuple[Unit, Any]] = []
        since_flush = 0
        for index, unit in enumerate(todo):
            tick = time.perf_counter()
            try:
                batch.append(
                    (unit, reader.read(unit.study, unit.locator, unit.input, named=unit.named))
                )
            except CtparseError as exc:
                unit_errors.append([unit.input, unit.study, "read", exc.message])
            seconds["read"] += time.perf_counter() - tick
            if len(batch) >= BATCH or index == len(todo) - 1:
                _parse(batch, tables, unit_errors, provenance, seconds, job.entities)
                since_flush += len(batch)
                if progress is not None:
                    progress(len(batch))
                batch = []
                if since_flush >= CHUNK:
                    tick = time.perf_counter()
                    tables.flush()
                    seconds["rows"] += time.perf_counter() - tick
                    since_flush = 0
    tick = time.perf_counter()
    tables.flush()
    seconds["rows"] += time.perf_counter() - tick
    tick = time.perf_counter()
    for item in plan.errors:
        tables.rows["errors"].append(
            error_row(item.input, item.study, item.stage, item.reason, provenance)
        )
    for input, study, stage, reason in unit_errors:
        tables.rows["errors"].append(error_row(input, study, stage, reason, provenance))
    written = _write(job, directory, state if reuse else None, tables, drop, len(new_units))
    store.save_state(
        directory,
        job.partition,
        {
            "partition": job.partition,
            "gen": job.gen,
            "versions": list(job.versions),
            "units": new_units,
            "unit_errors": sorted(unit_errors, key=lambda e: [str(x) for x in e]),
            "files": written.files,
            "deltas": written.deltas,
            "replaced": written.replaced,
            "base_rows": written.base_rows,
            "counts": written.counts,
            "committed": store.now(),
        },
    )
    seconds["write"] = time.perf_counter() - tick
    seconds["total"] = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    return Result(
        partition=job.partition,
        gen=job.gen,
        files=written.files,
        counts=written.counts,
        deltas=written.deltas,
        replaced=written.replaced,
        parsed=len(todo),
        kept=len(plan.units) - len(todo),
        seconds=seconds,
        peak_rss_mb=round(peak, 1),
        cpu_seconds=round(time.process_time() - cpu_started, 3),
        worker=f"{socket.gethostname()}:{os.getpid()}",
    )
