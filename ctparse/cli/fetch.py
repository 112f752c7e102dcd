"""``ctparse fetch``: download registry records into the corpus (the cache).

A thin command over :mod:`ctparse.mirror` (ids, searches, resolving) and
:mod:`ctparse.bulk` (the all-studies archive). Progress and the summary go
to stderr; with ``--format`` the stored records (or, for ``--resolve``, the
candidates) are written to stdout as data.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click

from ..errors import CtparseError, OfflineError, StudyNotFoundError
from ..report import write
from .options import (
    Settings,
    format_option,
    open_output,
    output_option,
    resolve_format,
    settings_from,
    source_options,
)

HELP = """Download registry records into the corpus (the local cache).

\b
One or more studies (batched, 200 ids per request):
    ctparse fetch NCT05990231 NCT05894239
Every study of a search (1,000 per request):
    ctparse fetch --query "esophageal squamous cell carcinoma"
    ctparse fetch --condition "esophageal cancer" --intervention camrelizumab --max 200
Only what changed since a date (keeps a mirror fresh):
    ctparse fetch --query "esophageal squamous cell carcinoma" --since 2025-01-01
The whole registry (~590,000 studies): its all-studies JSON ZIP (from the
registry's download page; a path or an http(s) URL), then every so often
only what changed since the archive's date:
    ctparse fetch --bulk ctg-studies.json.zip
    ctparse fetch --since 2025-06-01
The registry record of a file that has no NCT id (e.g. a CSV export row):
    ctparse fetch --resolve corpus/local-8446462a6559f0be.csv.txt [--accept]

\b
Records are stored raw, one JSON file per NCT id, in --corpus DIR (default
$CTPARSE_CORPUS, else the user cache directory). A study already stored with
the same last-update date is neither downloaded again nor rewritten. An
interrupted search (Ctrl-C, a lost connection) resumes where it stopped when
the same command is run again; --restart begins it anew. At most --rate
requests per minute leave ctparse (default 50, what the registry tolerates);
HTTP 429/5xx, timeouts and broken answers are retried with back-off.
Afterwards show, criteria and compare read the corpus, also with --offline.
"""

COLUMNS = ("nct_id", "status", "path")
CANDIDATE_COLUMNS = (
    "rank",
    "nct_id",
    "score",
    "title_score",
    "intervention_score",
    "brief_title",
    "last_update",
)
_DATE = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")


def _date(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    if not _DATE.match(value):
        raise click.BadParameter("use YYYY-MM-DD (or YYYY-MM)", ctx=ctx, param=param)
    with contextlib.suppress(ValueError):
        dt.date.fromisoformat(value if len(value) == 10 else f"{value}-01")
        return value
    raise click.BadParameter(f"{value} is not a date", ctx=ctx, param=param)


@contextlib.contextmanager
def _progress(enabled: bool, description: str) -> Iterator[Callable[[int, int | None], None]]:
    """A rich progress bar on stderr, or a no-op."""
    if not enabled:
        yield lambda done, total: None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(description, total=None)

        def update(done: int, total: int | None) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def _say(settings: Settings, message: str) -> None:
    if not settings.quiet:
        click.echo(f"ctparse: {message}", err=True)


def _plural(count: int, word: str, words: str | None = None) -> str:
    return f"{count} {word if count == 1 else (words or word + 's')}"


@click.command("fetch", help=HELP, short_help="Download records into the corpus (cache).")
@click.argument("nct_ids", nargs=-1, metavar="[NCT...]")
@click.option("--query", metavar="Q", help="Search the registry (free text, Essie syntax).")
@click.option("--condition", "cond", metavar="Q", help="Search by condition (query.cond).")
@click.option("--intervention", "intr", metavar="Q", help="Search by intervention (query.intr).")
@click.option("--title", "titles", metavar="Q", help="Search titles and acronyms.")
@click.option(
    "--since",
    metavar="DATE",
    callback=_date,
    help="Only studies updated on or after DATE (YYYY-MM-DD); alone: the whole registry.",
)
@click.option(
    "--max", "max_studies", type=click.IntRange(min=1), help="Stop a search after N studies."
)
@click.option("--restart", is_flag=True, help="Forget an interrupted search and begin again.")
@click.option(
    "--resolve",
    "resolve_ref",
    metavar="REF",
    help="Find registry candidates for a record without an NCT id; print them ranked.",
)
@click.option(
    "--accept", is_flag=True, help="With --resolve: store the best candidate and link it."
)
@click.option(
    "--threshold",
    type=click.FloatRange(0, 1),
    default=0.6,
    show_default=True,
    help="With --accept: the lowest similarity score accepted.",
)
@click.option(
    "--bulk",
    metavar="PATH_OR_URL",
    help="Read the registry's all-studies ZIP (one study JSON per member), streamed.",
)
@click.option(
    "--rate",
    type=click.FloatRange(min=0.1),
    default=50.0,
    show_default=True,
    help="Requests per minute at most.",
)
@click.option(
    "--page-size",
    type=click.IntRange(1, 1000),
    default=1000,
    show_default=True,
    help="Studies per search request.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=60.0,
    show_default=True,
    help="Seconds to wait for an answer before retrying.",
)
@click.option("--backoff", type=click.FloatRange(min=0.0), default=1.0, hidden=True)
@format_option(formats=("table", "json", "jsonl", "csv", "markdown"))
@output_option
@source_options
def fetch(nct_ids: tuple[str, ...], **options: Any) -> None:
    settings = settings_from(**options)
    if options["output"] is not None:
        resolve_format(options["fmt"], options["output"])  # a bad -o suffix fails first
    searching = any(options[k] for k in ("query", "cond", "intr", "titles", "since"))
    modes = [bool(nct_ids), searching, bool(options["resolve_ref"]), bool(options["bulk"])]
    if sum(modes) != 1:
        raise click.UsageError(
            "give NCT ids, or a search (--query/--condition/--intervention/--title/--since), "
            "or --resolve REF, or --bulk PATH_OR_URL: exactly one of them"
        )
    if options["accept"] and not options["resolve_ref"]:
        raise click.UsageError("--accept goes with --resolve")

    from ..corpus import Corpus, sweep_partial
    from ..registry import Registry

    corpus_dir = settings.corpus or None
    with Corpus(corpus_dir) as corpus:
        sweep_partial(corpus.directory)
        registry = Registry(
            settings.base_url,
            rate=options["rate"],
            timeout=(min(10.0, options["timeout"]), options["timeout"]),
            backoff=options["backoff"],
        )
        bar = not settings.quiet and sys.stderr.isatty()
        try:
            if nct_ids:
                _fetch_ids(list(nct_ids), registry, corpus, settings, bar, options)
            elif searching:
                _fetch_search(registry, corpus, settings, bar, options)
            elif options["resolve_ref"]:
                _resolve(options["resolve_ref"], registry, corpus, settings, options)
            else:
                _fetch_bulk(options["bulk"], registry, corpus, settings, bar, options)
        except KeyboardInterrupt:
            corpus.flush()
            if searching:
                _say(settings, "interrupted; run the same command again to resume")
            raise


def _write_rows(options: dict[str, Any], rows: list[dict[str, Any]], columns: tuple) -> None:
    fmt = resolve_format(options["fmt"], options["output"])
    with open_output(options["output"]) as stream:
        write(fmt, objects=rows, rows=rows, columns=columns, stream=stream)


def _stored_rows(report: Any) -> list[dict[str, Any]]:
    return [
        {"nct_id": nct_id, "status": stored.status, "path": str(stored.path)}
        for nct_id, stored in sorted(report.stored.items())
    ]


def _summary(report: Any, registry: Any, corpus: Any, *, what: str = "") -> str:
    fetched = report.new + report.updated
    parts = [f"fetched {_plural(fetched, 'study', 'studies')}{what}"]
    parts[0] += f" ({report.new} new, {report.updated} updated)"
    parts.append(f"skipped {report.current} already current")
    if getattr(report, "duplicates", 0):
        parts.append(f"{report.duplicates} returned twice by the registry")
    if report.refused:
        parts.append(f"refused {len(report.refused)}")
    if getattr(report, "not_found", None):
        parts.append(f"{len(report.not_found)} not found")
    stats = registry.stats
    parts.append(
        f"{_plural(stats.requests, 'request')}, {_plural(stats.retries, 'retry', 'retries')}"
    )
    return "; ".join(parts) + f"; corpus {corpus.directory}"


def _fetch_ids(
    nct_ids: list[str],
    registry: Any,
    corpus: Any,
    settings: Settings,
    bar: bool,
    options: dict[str, Any],
) -> None:
    from ..mirror import mirror_ids
    from ..records import NCT_ID, normalize_nct_id

    wanted = [normalize_nct_id(i) for i in nct_ids]
    bad = [i for i in wanted if not NCT_ID.match(i)]
    if bad:
        raise StudyNotFoundError(", ".join(bad), "not an NCT id (NCT followed by 8 digits)")
    if settings.offline:
        missing = corpus.missing(wanted)
        if missing:
            raise OfflineError(
                ", ".join(missing), f"not in the corpus ({corpus.directory}) and --offline is set"
            )
        _say(settings, f"all {_plural(len(set(wanted)), 'record')} already in the corpus")
        return
    with _progress(bar, "fetching") as update:
        report = mirror_ids(
            registry,
            corpus,
            wanted,
            on_progress=lambda r: update(r.done, r.total),
        )
    if options["fmt"] or options["output"]:
        _write_rows(options, _stored_rows(report), COLUMNS)
    _say(settings, _summary(report, registry, corpus))
    if report.not_found:
        raise StudyNotFoundError(", ".join(report.not_found), "no such study in the registry")


def _fetch_search(
    registry: Any, corpus: Any, settings: Settings, bar: bool, options: dict[str, Any]
) -> None:
    from ..mirror import mirror_search
    from ..registry import search_params

    if settings.offline:
        raise OfflineError("--query", "a search needs the registry and --offline is set")
    params = search_params(
        query=options["query"],
        cond=options["cond"],
        intr=options["intr"],
        titles=options["titles"],
        since=options["since"],
        page_size=min(options["page_size"], options["max_studies"] or 1000),
    )
    limit = options["max_studies"]
    keep = bool(options["fmt"] or options["output"])
    with _progress(bar, "searching") as update:

        def on_page(report: Any) -> None:
            total = report.total if limit is None else min(limit, report.total or limit)
            update(report.seen, total)

        report = mirror_search(
            registry,
            corpus,
            params,
            limit=limit,
            restart=options["restart"],
            keep=keep,
            on_page=on_page,
        )
    if keep:
        _write_rows(options, _stored_rows(report), COLUMNS)
    what = f" of {report.total} matching" if report.total is not None else ""
    if report.resumed:
        what += ", resumed an interrupted search"
    if report.restarted:
        what += " (its page token had expired: started again)"
    _say(settings, _summary(report, registry, corpus, what=what))


def _resolve(
    ref: str, registry: Any, corpus: Any, settings: Settings, options: dict[str, Any]
) -> None:
    from ..mirror import mirror_ids, resolve_candidates
    from ..refs import load_studies

    studies = load_studies(ref, corpus_dir=settings.corpus, offline=True)
    if len(studies) != 1:
        raise CtparseError(ref, f"holds {len(studies)} studies; resolve one record at a time")
    study = studies[0]
    if study.nct_id:
        _say(settings, f"{ref} already names {study.nct_id}; nothing to resolve")
        return
    title = study.brief_title or study.official_title
    if not title:
        raise CtparseError(ref, "has no title to search the registry by")
    if settings.offline:
        raise OfflineError(ref, "--resolve searches the registry and --offline is set")
    interventions = [i.name for i in study.interventions if i.name]
    candidates = resolve_candidates(registry, title=title, interventions=interventions)
    rows = [{"rank": n, **c.to_row()} for n, c in enumerate(candidates, start=1)]
    _write_rows(options, rows, CANDIDATE_COLUMNS)
    if not candidates:
        raise CtparseError(ref, "no registry study matches its title or interventions")
    if not options["accept"]:
        _say(settings, "run again with --accept to store the best candidate and link it")
        return
    best = candidates[0]
    if best.score < options["threshold"]:
        raise CtparseError(
            ref,
            f"the best candidate {best.nct_id} scores {best.score:.2f}, below --threshold "
            f"{options['threshold']:.2f}; nothing stored",
        )
    report = mirror_ids(registry, corpus, [best.nct_id])
    local_ids = {i for i in (study.local_id, Path(ref).name.split(".", 1)[0]) if i}
    for local_id in sorted(local_ids):
        if local_id != best.nct_id:
            corpus.link(local_id, best.nct_id)
    corpus.flush()
    stored = report.stored.get(best.nct_id)
    where = stored.path if stored else corpus.file_of(best.nct_id)
    _say(
        settings,
        f"linked {', '.join(sorted(local_ids))} to {best.nct_id} "
        f"(score {best.score:.2f}); stored {where}",
    )


def _fetch_bulk(
    location: str,
    registry: Any,
    corpus: Any,
    settings: Settings,
    bar: bool,
    options: dict[str, Any],
) -> None:
    from ..bulk import count_members, is_url, mirror_bulk, open_bulk

    if settings.offline and is_url(location):
        raise OfflineError(location, "downloading the archive needs the network; --offline is set")
    with _progress(bar, "downloading") as download:
        opened = open_bulk(
            location,
            download_dir=corpus.directory,
            session=registry.session,
            timeout=registry.timeout,
            on_bytes=download,
        )
        with opened as stream:
            total = count_members(stream, source=location)
            with _progress(bar, "reading archive") as update:

                def on_member(report: Any) -> None:
                    if report.members % 500 == 0 or report.members == total:
                        update(report.members, total)

                report = mirror_bulk(corpus, stream, source=location, on_member=on_member)
    for name, reason in report.refused[:5]:
        _say(settings, f"warning: {location}: member {name!r} refused: {reason}")
    parts = [
        f"read {_plural(report.read, 'study', 'studies')} from {location}",
        f"{report.new} new, {report.updated} updated",
        f"skipped {report.current} already current",
    ]
    if report.refused_count:
        parts.append(f"refused {_plural(report.refused_count, 'member')}")
    if report.ignored:
        parts.append(f"ignored {report.ignored} other members")
    _say(settings, "; ".join(parts) + f"; corpus {corpus.directory}")
