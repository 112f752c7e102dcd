"""``dataset build`` and ``dataset update``: plan, run the partitions, commit.

    summary = build(Path("trials"), classify(("ctg-studies.json.zip",)), options=Options())
    summary = update(Path("trials"), options=Options())

Both are one function, :func:`run`: plan every source into partitions
(:mod:`ctparse.dataset.plan`), hand the partitions whose planned ``gen``
differs from their committed one to an engine (local processes or Dask),
then commit the manifest and the DuckDB file. A partition that is already
current costs nothing; one where a few studies changed re-parses those and
rewrites its parts; a killed run resumes by running again, since every
partition it finished is committed. Nothing here prints: progress goes to
the :class:`Progress` callbacks and the outcome comes back as a
:class:`Summary`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._version import __version__
from . import store
from .parse import components, has_entity_stage, rules_version
from .partition import Job, Result
from .plan import PartitionPlan, Spool, finalize
from .sources import Context, Source, enumerate_source
from .tables import SCHEMA_VERSION


@dataclass(frozen=True)
class Options:
    """How to run: engine, workers, registry access."""

    workers: int | None = None  # None: every core
    engine: str = "local"  # local | dask
    scheduler: str | None = None
    retries: int = 2
    corpus_dir: Path | None = None
    base_url: str | None = None
    offline: bool = False
    rate: float = 50.0  # registry requests per minute
    backoff: float = 1.0  # first registry retry back-off, seconds
    entities: bool | None = None  # the entity stage; None: build with it, update as built
    compact: bool = False  # fold every partition's delta parts into its base parts


@dataclass
class Progress:
    """Callbacks for the CLI's progress display (all optional)."""

    say: Callable[[str], None] = lambda message: None
    planned: Callable[[int], None] = lambda claims: None  # claims so far
    start: Callable[[int], None] = lambda total: None  # studies to parse
    advance: Callable[[int], None] = lambda studies: None


@dataclass
class Summary:
    """What a run did, and what the dataset holds now."""

    directory: Path
    studies: int = 0
    criteria: int = 0
    thresholds: int = 0
    windows: int = 0
    entities: int = 0
    errors: int = 0
    parsed: int = 0  # studies parsed in this run
    partitions: int = 0
    partitions_run: int = 0
    partitions_removed: int = 0
    seconds: float = 0.0
    plan_seconds: float = 0.0  # reading the sources' directories, spooling, finalizing the plans
    commit_seconds: float = 0.0  # manifest, schema, DuckDB file, sweeping old parts
    results: list[Result] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "studies": self.studies,
            "criteria": self.criteria,
            "thresholds": self.thresholds,
            "windows": self.windows,
            "entities": self.entities,
            "errors": self.errors,
            "parsed": self.parsed,
            "partitions": self.partitions,
            "partitions_run": self.partitions_run,
            "partitions_removed": self.partitions_removed,
            "seconds": round(self.seconds, 2),
            "plan_seconds": round(self.plan_seconds, 2),
            "commit_seconds": round(self.commit_seconds, 2),
        }


def versions(entities: bool = True) -> tuple[str, str, int]:
    """(ctparse version, rules version, schema version) of this ctparse, with or
    without the entity stage (the rules version covers the components)."""
    return (__version__, rules_version(components(entities)), SCHEMA_VERSION)


def recorded_sources(directory: Path) -> list[Source] | None:
    """The sources a dataset (or its interrupted first build) was made from."""
    for name in (store.MANIFEST, store.RUN):
        path = directory / name
        if path.is_file():
            with contextlib.suppress(OSError, ValueError, KeyError):
                return [Source.from_dict(s) for s in store.read_json(path)["sources"]]
    return None


def build(
    directory: Path, sources: list[Source], *, options: Options, progress: Progress | None = None
) -> Summary:
    """Build DIR from ``sources``; on a DIR built before from the same sources,
    bring it up to date (and resume an interrupted build).

    Raises:
        DatasetError: DIR is not usable, or holds a dataset of other sources.
    """
    store.check_directory(directory)
    sources = [_with_corpus(s, options) for s in sources]
    before = recorded_sources(directory)
    if before is not None and before != sources:
        shown = "; ".join(s.describe() for s in before)
        raise store.DatasetError(
            str(directory),
            f"holds a dataset built from other sources ({shown}); "
            "`ctparse dataset update DIR SOURCE...` replaces its sources",
        )
    if options.entities is None:
        options = dataclasses.replace(options, entities=True)
    return run(directory, sources, options=options, progress=progress, refresh=False)


def update(
    directory: Path,
    sources: list[Source] | None = None,
    *,
    options: Options,
    progress: Progress | None = None,
) -> Summary:
    """Bring DIR up to date with its sources (or with new ``sources``):
    re-parse only what changed. Registry sources are asked again.

    Raises:
        DatasetError: DIR holds no dataset.
    """
    recorded = recorded_sources(directory)
    if recorded is None:
        raise store.DatasetError(str(directory), "no ctparse dataset here to update")
    chosen = [_with_corpus(s, options) for s in sources] if sources else recorded
    if options.entities is None:  # as the dataset was built
        previous: dict[str, Any] = {}
        with contextlib.suppress(store.DatasetError):
            previous = store.load_manifest(directory)
        options = dataclasses.replace(options, entities=bool(previous.get("entity_stage", True)))
    return run(directory, chosen, options=options, progress=progress, refresh=True)


def _with_corpus(source: Source, options: Options) -> Source:
    """A ``corpus`` source names its cache directory, so that an update reads the same one."""
    if source.kind != "corpus" or source.location:
        return source
    from ..corpus import default_corpus_dir

    folder = options.corpus_dir or default_corpus_dir()
    return dataclasses.replace(source, location=str(Path(folder).expanduser().resolve()))


def run(
    directory: Path,
    sources: list[Source],
    *,
    options: Options,
    progress: Progress | None,
    refresh: bool,
) -> Summary:
    """Plan, run and commit (see the module docstring)."""
    from ..resources import models_dir, validate_models

    progress = progress or Progress()
    started = time.perf_counter()
    validate_models(models_dir())  # a bad rule fails here, in one line, not in every worker
    fresh = not directory.exists()
    with store.locked(directory):
        try:
            return _run(directory, sources, options, progress, refresh, started)
        except BaseException:
            # Only while we hold the lock: another run's files are never touched.
            store.forget_empty_start(directory, remove_folder=fresh)
            raise


def _run(
    directory: Path,
    sources: list[Source],
    options: Options,
    progress: Progress,
    refresh: bool,
    started: float,
) -> Summary:
    """Under the lock: sweep, plan, run the partitions, commit."""
    store.sweep_temporary(directory)
    store.write_json(
        directory / store.RUN,
        {"sources": [s.to_dict() for s in sources], "started": store.now()},
    )
    with contextlib.ExitStack() as stack:
        archives = _archives(directory, sources, options, progress, stack)
        context = Context(
            corpus_dir=options.corpus_dir,
            base_url=options.base_url,
            offline=options.offline,
            refresh=refresh,
            rate=options.rate,
            backoff=options.backoff,
            archives=archives,
            say=progress.say,
        )
        entities = options.entities is not False
        workers = _workers(options, entities, stack)  # loading while we plan
        tick = time.perf_counter()
        jobs, partitions, todo = _plan(
            directory, sources, context, progress, entities, options.compact
        )
        summary = Summary(directory, partitions=len(partitions))
        summary.plan_seconds = time.perf_counter() - tick
        progress.start(todo)
        results = _execute(jobs, options, progress, summary, workers)
        tick = time.perf_counter()
        manifest = _manifest(directory, sources, partitions, results, summary, entities)
        store.commit(directory, manifest)
        summary.commit_seconds = time.perf_counter() - tick
    summary.seconds = time.perf_counter() - started
    return summary


def _archives(
    directory: Path,
    sources: list[Source],
    options: Options,
    progress: Progress,
    stack: contextlib.ExitStack,
) -> dict[str, str]:
    """Local paths of the archives; URLs are downloaded for the run."""
    from ..bulk import bulk_path, is_url
    from ..errors import OfflineError

    archives: dict[str, str] = {}
    for source in sources:
        if source.kind != "zip" or not source.location:
            continue
        if is_url(source.location):
            if options.offline:
                raise OfflineError(
                    source.location, "downloading the archive needs the network; --offline is set"
                )
            progress.say(f"downloading {source.location}")
        path = stack.enter_context(
            bulk_path(source.location, download_dir=directory / store.DOWNLOAD)
        )
        archives[source.location] = str(path)
    return archives


def _plan(
    directory: Path,
    sources: list[Source],
    context: Context,
    progress: Progress,
    entities: bool,
    compact: bool = False,
) -> tuple[list[Job], dict[str, str], int]:
    """(jobs for the partitions to run, every partition's gen, studies to parse)."""
    folder = directory / store.PLAN
    spool = Spool(folder)
    try:
        for index, source in enumerate(sources):
            for claim in enumerate_source(source, context):
                spool.add(index, claim)
                if spool.claims % 5000 == 0:
                    progress.planned(spool.claims)
    finally:
        spool.close()
    progress.planned(spool.claims)
    wanted = versions(entities)
    sized: list[tuple[int, Job]] = []
    partitions: dict[str, str] = {}
    for plan in finalize(folder, wanted, spool):
        name, gen = plan.name, plan.gen
        partitions[name] = gen
        state = store.load_state(directory, name)
        deltas = state is not None and bool(state.get("deltas") or state.get("replaced"))
        if state is not None and state.get("gen") == gen and not (compact and deltas):
            continue
        job = Job(
            str(directory.resolve()), name, gen, wanted, dict(context.archives), entities, compact
        )
        sized.append((_to_parse(plan, state, wanted), job))
    # The largest partitions first, so that no worker is left with a big one at the end.
    sized.sort(key=lambda item: (-item[0], item[1].partition))
    return [job for _, job in sized], partitions, sum(size for size, _ in sized)


def _to_parse(
    plan: PartitionPlan, state: dict[str, Any] | None, wanted: tuple[str, str, int]
) -> int:
    if state is None or state.get("versions") != list(wanted):
        return len(plan.units)
    old = state.get("units", {})
    return sum(1 for u in plan.units if old.get(u.study) != [u.input, u.fingerprint])


def _workers(options: Options, entities: bool, stack: contextlib.ExitStack) -> Any:
    """The local engine's worker processes, started now (None: one worker, or Dask)."""
    if options.engine != "local":
        return None
    from . import engine_local

    count = options.workers or engine_local.default_workers()
    if count <= 1:
        return None
    return stack.enter_context(engine_local.Workers(count, entities=entities))


def _execute(
    jobs: list[Job],
    options: Options,
    progress: Progress,
    summary: Summary,
    workers: Any = None,
) -> dict[str, Result]:
    results: dict[str, Result] = {}

    def on_result(result: Result) -> None:
        results[result.partition] = result
        summary.results.append(result)

    if options.engine == "dask":
        from . import engine_dask

        if not options.scheduler:
            raise store.DatasetError("--engine dask", "needs --scheduler ADDRESS (tcp://host:8786)")

        def on_dask_result(result: Result) -> None:
            on_result(result)
            progress.advance(result.parsed)

        engine_dask.run(
            jobs, scheduler=options.scheduler, retries=options.retries, on_result=on_dask_result
        )
    else:
        if workers is not None:
            workers.run(jobs, on_progress=progress.advance, on_result=on_result)
        else:  # one worker: this process
            from .partition import run_job

            for job in jobs:
                on_result(run_job(job, progress.advance))
    summary.partitions_run = len(results)
    return results


def _manifest(
    directory: Path,
    sources: list[Source],
    partitions: dict[str, str],
    results: dict[str, Result],
    summary: Summary,
    entities: bool,
) -> dict[str, Any]:
    from .tables import TABLES

    tables: dict[str, list[str]] = {name: [] for name in TABLES}
    deltas: dict[str, list[str]] = {name: [] for name in store.DELTA_TABLES}
    replaced: list[str] = []
    totals: dict[str, int] = {name: 0 for name in TABLES}
    for name, gen in partitions.items():
        result = results.get(name)
        if result is not None:
            files, counts = result.files, result.counts
            more, listed = result.deltas, result.replaced
        else:
            state = store.load_state(directory, name)
            if state is None or state.get("gen") != gen:
                raise store.DatasetError(str(directory), f"partition {name} is not committed")
            files, counts = state["files"], state["counts"]
            more, listed = state.get("deltas") or {}, state.get("replaced")
        for table in TABLES:
            tables[table].append(files[table])
            totals[table] += int(counts.get(table, 0))
        for table, part in sorted(more.items()):
            deltas[table].append(part)
        if listed:
            replaced.append(listed)
    summary.studies = totals["studies"]
    summary.criteria = totals["criteria"]
    summary.thresholds = totals["thresholds"]
    summary.windows = totals["windows"]
    summary.entities = totals["entities"]
    summary.errors = totals["errors"]
    summary.parsed = sum(r.parsed for r in results.values())
    previous: dict[str, Any] = {}
    with contextlib.suppress(store.DatasetError):
        previous = store.load_manifest(directory)
    summary.partitions_removed = len(set(previous.get("partitions", {})) - set(partitions))
    ctparse_version, rules, schema_version = versions(entities)
    return {
        "format": store.FORMAT,
        "schema_version": schema_version,
        "ctparse_version": ctparse_version,
        "rules_version": rules,
        "components": list(components(entities)),
        "entity_stage": has_entity_stage(components(entities)),
        "sources": [s.to_dict() for s in sources],
        "created": previous.get("created") or store.now(),
        "updated": store.now(),
        "partitions": dict(sorted(partitions.items())),
        "tables": tables,
        "deltas": {table: files for table, files in deltas.items() if files},
        store.REPLACED: replaced,
        "rows": totals,
    }
