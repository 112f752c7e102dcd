"""``ctparse dataset build | update | query | info``: criteria datasets.

Thin commands over :mod:`ctparse.dataset`: ``build`` and ``update`` draw a
progress bar (planning, then parsing, with rate and ETA) on stderr and end
with one summary line; ``query`` runs DuckDB SQL over the tables and writes
the rows as they come; ``info`` gives an overview.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ..report import TABULAR_FORMATS as FORMATS
from ..report import RowStream, write
from .options import format_option, open_output, output_option, resolve_format
from .progress import bar_enabled, echo, human_count, plural, progress_bar, summary_line

BUILD_HELP = """Build Parquet tables of criteria, thresholds and windows from SOURCE...

\b
SOURCE is any of
  corpus                      every record of the corpus (shipped + --corpus DIR)
  ctg-studies.json.zip        the registry's bulk archive, a path or an http(s) URL
  NCT05990231 NCT05894239     NCT ids (from the corpus, else fetched)
  records/  trial.json        a folder (recursively) or a file: records in any
                              format, or plain criteria text files
and --query Q adds every study of a registry search.

\b
DIR gets one folder of Parquet part files per table (studies, criteria,
thresholds, windows, entities, conditions, interventions, outcomes, errors),
schema.json, manifest.json and ctparse.duckdb (a DuckDB database with a view
per table). Running the same build again resumes an interrupted one and
re-parses only what changed. A record that cannot be read or parsed is a row
of `errors`; the run goes on.

\b
Examples:
  ctparse dataset build ctg-studies.json.zip -o trials/
  ctparse dataset build corpus --query "esophageal cancer" -o escc/ --workers 2
  ctparse dataset build big.zip -o trials/ --engine dask --scheduler tcp://scheduler.example.org:8786
  ctparse dataset query trials/ "SELECT variable, count(*) FROM thresholds GROUP BY 1"
"""


def _run_options(func: Any) -> Any:
    """--workers, --engine, --scheduler, --retries, --corpus, --base-url, --offline, --quiet."""
    decorators = [
        click.option(
            "--workers",
            "-j",
            type=click.IntRange(min=1),
            default=None,
            help="Worker processes (default: every core); each loads the pipeline once.",
        ),
        click.option(
            "--engine",
            type=click.Choice(("local", "dask")),
            default="local",
            show_default=True,
            help="Run the partitions here, or on a Dask cluster (pip install 'ctparse-trials[dask]').",
        ),
        click.option(
            "--scheduler",
            metavar="ADDRESS",
            help="With --engine dask: the scheduler (tcp://host:8786).",
        ),
        click.option(
            "--retries",
            type=click.IntRange(min=0),
            default=2,
            show_default=True,
            help="With --engine dask: how often a failed partition task is retried.",
        ),
        click.option(
            "--query",
            "queries",
            multiple=True,
            metavar="Q",
            help="Add every study of a registry search.",
        ),
        click.option(
            "--max",
            "max_studies",
            type=click.IntRange(min=1),
            help="Stop each --query after N studies.",
        ),
        click.option("--quiet", "-q", is_flag=True, help="No progress bar and no summary line."),
        click.option(
            "--no-entities/--entities",
            "no_entities",
            default=None,
            help="Leave out (or run) the trained entity stage: the entities table stays "
            "empty and the rules run at full speed. Default: with entities for build, "
            "as the dataset was built for update.",
        ),
        click.option(
            "--rate",
            type=click.FloatRange(min=0.1),
            default=50.0,
            show_default=True,
            help="Registry requests per minute at most (NCT ids, --query).",
        ),
        click.option("--backoff", type=click.FloatRange(min=0.0), default=1.0, hidden=True),
        click.option(
            "--offline",
            is_flag=True,
            envvar="CTPARSE_OFFLINE",
            help="Never use the network (ids missing from the corpus become errors).",
        ),
        click.option(
            "--base-url",
            envvar="CTPARSE_API_URL",
            default=None,
            metavar="URL",
            help="Registry API base URL.",
        ),
        click.option(
            "--corpus",
            envvar="CTPARSE_CORPUS",
            type=click.Path(file_okay=False, path_type=Path),
            default=None,
            metavar="DIR",
            help="Corpus (cache) directory.",
        ),
    ]
    for decorator in reversed(decorators):
        func = decorator(func)
    return func


def _options(kwargs: dict[str, Any]) -> Any:
    from ..dataset.build import Options

    if kwargs["engine"] == "dask" and not kwargs["scheduler"]:
        raise click.UsageError(
            "--engine dask needs --scheduler ADDRESS (e.g. tcp://127.0.0.1:8786)"
        )
    if kwargs["scheduler"] and kwargs["engine"] != "dask":
        raise click.UsageError("--scheduler is for --engine dask; add --engine dask")
    return Options(
        workers=kwargs["workers"],
        engine=kwargs["engine"],
        scheduler=kwargs["scheduler"],
        retries=kwargs["retries"],
        corpus_dir=kwargs["corpus"],
        base_url=kwargs["base_url"],
        offline=bool(kwargs["offline"]),
        rate=kwargs["rate"],
        backoff=kwargs["backoff"],
        entities=None if kwargs.get("no_entities") is None else not kwargs["no_entities"],
        compact=bool(kwargs.get("compact")),
    )


def _run(action: str, directory: Path, sources: Any, kwargs: dict[str, Any]) -> None:
    from ..dataset import build as builder

    options = _options(kwargs)
    quiet = bool(kwargs["quiet"])
    with progress_bar(enabled=bar_enabled(quiet)) as bar:
        progress = builder.Progress(
            say=bar.say, planned=bar.planned, start=bar.start, advance=bar.advance
        )
        if action == "build":
            summary = builder.build(directory, sources, options=options, progress=progress)
        else:
            summary = builder.update(directory, sources, options=options, progress=progress)
    parts = [
        f"parsed {plural(summary.parsed, 'study', 'studies')} in "
        f"{summary.partitions_run} of {plural(summary.partitions, 'partition')}"
    ]
    if summary.partitions_removed:
        parts.append(f"removed {plural(summary.partitions_removed, 'partition')}")
    parts.append(str(directory))
    echo(
        summary_line(
            studies=summary.studies,
            criteria=summary.criteria,
            errors=summary.errors,
            seconds=summary.seconds,
            extra="; ".join(parts),
        ),
        quiet=quiet,
    )


@click.group("dataset", short_help="Build, update and query Parquet/DuckDB criteria datasets.")
def dataset() -> None:
    """Criteria datasets: Parquet tables with DuckDB views, built from the
    registry's bulk archive, the corpus, NCT ids, a search, or files.

    \b
      ctparse dataset build SOURCE... -o DIR     build (or resume, or refresh)
      ctparse dataset update DIR [SOURCE...]     re-parse only what changed
      ctparse dataset query DIR "SQL"            DuckDB SQL over the tables
      ctparse dataset info DIR                   rows, parse status, top variables
    """


@dataset.command("build", help=BUILD_HELP, short_help="Build tables from SOURCE... into DIR.")
@click.argument("sources", nargs=-1, metavar="SOURCE...")
@click.option(
    "--output",
    "-o",
    "directory",
    required=True,
    type=click.Path(path_type=Path),
    metavar="DIR",
    help="The dataset directory (created; an existing dataset of the same sources is resumed).",
)
@_run_options
def build(sources: tuple[str, ...], directory: Path, **kwargs: Any) -> None:
    from ..dataset.sources import classify

    if not sources and not kwargs["queries"]:
        raise click.UsageError("give at least one SOURCE (or --query Q)")
    classified = classify(sources, queries=kwargs["queries"], max=kwargs["max_studies"])
    _run("build", directory, classified, kwargs)


@dataset.command("update", short_help="Re-parse what changed since the last build.")
@click.argument("directory", type=click.Path(path_type=Path), metavar="DIR")
@click.argument("sources", nargs=-1, metavar="[SOURCE...]")
@click.option(
    "--compact",
    is_flag=True,
    help="Fold the delta parts of earlier updates into the base parts (then "
    "DIR/<table>/*.parquet alone holds the current rows).",
)
@_run_options
def update(directory: Path, sources: tuple[str, ...], compact: bool, **kwargs: Any) -> None:
    """Bring DIR up to date: read its sources again (or new SOURCE...), and
    re-parse only the records whose input changed (an archive member's CRC
    and size, a file's size and time, the registry's last update) or whose
    ctparse version or rules changed. Their rows go to small delta parts of the partitions they are
    in (DIR/_delta/); the DuckDB views and ctparse.dataset.open() show the
    current rows. A partition folds its deltas into its base parts when
    they replace a tenth of its studies, or with --compact. Registry
    sources (NCT ids, --query) ask the registry what changed.

    \b
    Examples:
      ctparse dataset update trials/
      ctparse dataset update trials/ ctg-studies-2025-06-02.json.zip
      ctparse dataset update trials/ --compact
    """
    from ..dataset.sources import classify

    new = (
        classify(sources, queries=kwargs["queries"], max=kwargs["max_studies"])
        if (sources or kwargs["queries"])
        else None
    )
    _run("update", directory, new, {**kwargs, "compact": compact})


@dataset.command("query")
@click.argument("directory", type=click.Path(path_type=Path), metavar="DIR")
@click.argument("sql", metavar="SQL")
@format_option()
@output_option
def query(directory: Path, sql: str, fmt: str | None, output: Path | None) -> None:
    """Run DuckDB SQL over the dataset's tables (one view per table).

    \b
    Examples:
      ctparse dataset query trials/ "SELECT count(*) FROM criteria WHERE status = 'parsed'"
      ctparse dataset query trials/ "SELECT * FROM thresholds WHERE variable = 'anc'" -o anc.csv
    """
    from ..dataset.query import rows

    fmt = resolve_format(fmt, output, formats=FORMATS)
    columns, iterate = rows(directory, sql)
    with open_output(output) as stream:
        writer = RowStream(fmt, stream, columns=columns)
        for row in iterate:
            writer.add(row)
        writer.close()


@dataset.command("info")
@click.argument("directory", type=click.Path(path_type=Path), metavar="DIR")
@click.option(
    "--top",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    help="How many variables to list.",
)
@format_option()
@output_option
def info(directory: Path, top: int, fmt: str | None, output: Path | None) -> None:
    """Rows per table, share of criteria parsed / partial / unparsed, the
    top variables, and studies by phase and by status."""
    from ..dataset.query import info as overview

    fmt = resolve_format(fmt, output, formats=FORMATS)
    facts = overview(directory, top=top)
    with open_output(output) as stream:
        if fmt in ("json", "jsonl"):
            write(fmt, objects=[facts], rows=[], columns=[], stream=stream, single_json=True)
            return
        sections = _info_sections(facts)
        if fmt == "csv":
            flat = [{"section": name, **row} for name, rows, _ in sections for row in rows]
            write(
                "csv",
                objects=[],
                rows=flat,
                columns=["section", "item", "count", "share"],
                stream=stream,
            )
            return
        stream.write(_info_header(facts) + "\n\n")
        for index, (name, section_rows, columns) in enumerate(sections):
            if index:
                stream.write("\n")
            write(fmt, objects=[], rows=section_rows, columns=columns, stream=stream, title=name)


def _info_header(facts: dict[str, Any]) -> str:
    sources = "; ".join(_describe(s) for s in facts["sources"])
    entities = "" if facts.get("entity_stage") else "; built --no-entities (no entities table)"
    pending = facts.get("partitions_with_deltas") or 0
    deltas = (
        f"\n{pending} partitions hold updates in delta parts (DIR/_delta/): read through the "
        "views, or run `ctparse dataset update DIR --compact` before reading the Parquet files"
        if pending
        else ""
    )
    return (
        f"{facts['directory']}: {facts['partitions']} partitions from {sources}\n"
        f"ctparse {facts['ctparse_version']}, rules {facts['rules_version']}, "
        f"schema {facts['schema_version']}, updated {facts['updated']}{entities}{deltas}"
    )


def _describe(source: dict[str, Any]) -> str:
    from ..dataset.sources import Source

    return Source.from_dict(source).describe()


def _info_sections(facts: dict[str, Any]) -> list[tuple[str, list[dict[str, Any]], list[str]]]:
    rows_per_table = [{"item": t, "count": human_count(n)} for t, n in facts["rows"].items()]
    status = [
        {"item": s, "count": human_count(v["criteria"]), "share": f"{v['share']:.1%}"}
        for s, v in facts["criteria_status"].items()
    ]
    variables = [
        {
            "item": v["variable"],
            "count": human_count(v["thresholds"]),
            "studies": f"{v['studies']:,}",
        }
        for v in facts["top_variables"]
    ]
    phases = [
        {"item": p["phase"], "count": human_count(p["studies"])} for p in facts["studies_by_phase"]
    ]
    statuses = [
        {"item": p["overall_status"], "count": human_count(p["studies"])}
        for p in facts["studies_by_status"]
    ]
    return [
        ("rows per table", rows_per_table, ["item", "count"]),
        ("criteria by parse status", status, ["item", "count", "share"]),
        ("top variables (thresholds, studies)", variables, ["item", "count", "studies"]),
        ("studies by phase", phases, ["item", "count"]),
        ("studies by status", statuses, ["item", "count"]),
    ]
