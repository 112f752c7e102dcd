"""Options shared by the subcommands, and the output sink.

``--format`` defaults to the format of ``-o FILE``'s suffix (``.json``,
``.jsonl``, ``.csv``, ``.md``, ``.html`` where the command writes HTML; any other suffix is an error), else
``table`` on a terminal and ``json`` otherwise. ``--output FILE`` is written
atomically (temporary file + rename), so a failing command never leaves a
half-written file behind; a device (``/dev/stdout``, ``/dev/full``) is
written directly. Every failure to write (a parent that is a file, no
permission, a full disk) is an :class:`~ctparse.errors.OutputError`: one
``ctparse: error:`` line and exit code 2.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

import click

from ..errors import OutputError
from ..report import TABULAR_FORMATS as FORMATS

if TYPE_CHECKING:
    from spacy.language import Language

    from ..refs import CriteriaText
    from ..schema import Study

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Settings:
    """Where records come from: corpus directory, registry URL, network use."""

    corpus: Path | None = None
    base_url: str | None = None
    offline: bool = False
    quiet: bool = False
    entities: bool = True  # run the trained entity stage (--no-entities: rules only)

    def nlp(self) -> Language:
        """The pipeline these settings ask for."""
        from ..nlp import load

        return load(entities=self.entities)

    def studies(self, ref: str) -> list[Study]:
        """The studies ``ref`` names, read with these settings."""
        from ..refs import load_studies

        return load_studies(
            ref, corpus_dir=self.corpus, base_url=self.base_url, offline=self.offline
        )

    def inputs(self, argument: str) -> list[Study | CriteriaText]:
        """The studies an argument names, or the criteria text it is."""
        from ..refs import load_inputs

        return load_inputs(
            argument,
            allow_text=True,
            corpus_dir=self.corpus,
            base_url=self.base_url,
            offline=self.offline,
        )


def format_option(*, formats: tuple[str, ...] = FORMATS) -> Callable[[F], F]:
    return click.option(
        "--format",
        "-f",
        "fmt",
        type=click.Choice(formats),
        default=None,
        help="Output format (default: table on a terminal, json otherwise).",
    )


def output_option(func: F) -> F:
    return click.option(
        "--output",
        "-o",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="Write to this file (atomically) instead of stdout.",
    )(func)


def source_options(func: F) -> F:
    """--corpus, --base-url, --offline, --quiet."""
    func = click.option(
        "--quiet", "-q", is_flag=True, help="No progress or informational messages."
    )(func)
    func = click.option(
        "--offline",
        is_flag=True,
        envvar="CTPARSE_OFFLINE",
        help="Never use the network; fail naming any record missing from the corpus.",
    )(func)
    func = click.option(
        "--base-url",
        envvar="CTPARSE_API_URL",
        default=None,
        metavar="URL",
        help="Registry API base URL [env CTPARSE_API_URL; default the public API v2].",
    )(func)
    func = click.option(
        "--corpus",
        envvar="CTPARSE_CORPUS",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        metavar="DIR",
        help="Corpus (cache) directory [env CTPARSE_CORPUS; default the user cache dir].",
    )(func)
    return func


def entities_option(func: F) -> F:
    """--no-entities: the rule stages only (no trained entity recognizer)."""
    return click.option(
        "--no-entities",
        is_flag=True,
        help="Skip the trained entity recognizer (rules only; faster, criteria carry no entities).",
    )(func)


def workers_option(func: F) -> F:
    """--workers/-j N: parse in N processes (spaCy's ``nlp.pipe(n_process=N)``)."""
    return click.option(
        "--workers",
        "-j",
        type=click.IntRange(min=1),
        default=1,
        show_default=True,
        help="Processes to parse in (spaCy's nlp.pipe n_process; each loads the pipeline once).",
    )(func)


def settings_from(**kwargs: Any) -> Settings:
    return Settings(
        corpus=kwargs.get("corpus"),
        base_url=kwargs.get("base_url"),
        offline=bool(kwargs.get("offline")),
        quiet=bool(kwargs.get("quiet")),
        entities=not kwargs.get("no_entities"),
    )


#: ``-o FILE`` suffix -> format, for every command.
SUFFIXES = {
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
}


def resolve_format(
    fmt: str | None, output: Path | None, *, formats: tuple[str, ...] = FORMATS
) -> str:
    """``--format``, else the format of ``-o FILE``'s suffix, else ``table``
    on a terminal and ``json`` otherwise.

    Raises:
        OutputError: ``-o FILE`` has a suffix that names no format of this
            command (checked before any input is read).
    """
    if fmt:
        return fmt
    if output is not None and not _is_device(output):
        suffix = output.suffix.lower()
        chosen = SUFFIXES.get(suffix)
        if chosen not in formats:
            known = " ".join(s for s, f in SUFFIXES.items() if f in formats)
            raise OutputError(
                str(output),
                f"cannot tell the output format from the suffix {suffix or '(none)'!r}; "
                f"use one of {known} or add --format",
            )
        return str(chosen)
    if output is None and sys.stdout.isatty():
        return "table"
    return "json"


def _is_device(path: Path) -> bool:
    """An existing path that is no regular file (``/dev/full``, a FIFO)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def _why(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def open_output(path: Path | None) -> Iterator[TextIO]:
    """Yield stdout, or a temporary file renamed onto ``path`` on success only.

    Raises:
        OutputError: ``path`` (or stdout) cannot be written; no file is left.
    """
    if path is None:
        try:
            yield sys.stdout
            sys.stdout.flush()
        except BrokenPipeError:
            raise
        except OSError as exc:
            _drop_stdout()
            raise OutputError("standard output", f"cannot write ({_why(exc)})") from exc
        return
    if _is_device(path):
        try:
            with open(path, "w", encoding="utf-8", newline="") as stream:
                yield stream
        except OSError as exc:
            raise OutputError(str(path), f"cannot write ({_why(exc)})") from exc
        return
    if path.is_dir():
        raise OutputError(str(path), "is a folder; give a file name")
    directory = path.absolute().parent
    for parent in (directory, *directory.parents):
        if parent.exists():
            if not parent.is_dir():
                raise OutputError(str(path), f"cannot write: {parent} is a file, not a folder")
            break
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise OutputError(str(path), f"cannot write in {directory} ({_why(exc)})") from exc
    try:
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as stream:
                yield stream
            # mkstemp makes the file 0600; give it the mode a plain open() would.
            os.chmod(tmp_name, 0o666 & ~_umask())
            os.replace(tmp_name, path)
        except OSError as exc:
            if exc.errno == errno.EPIPE:
                raise
            raise OutputError(str(path), f"cannot write ({_why(exc)})") from exc
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise


def _drop_stdout() -> None:
    """Point stdout at /dev/null so that the interpreter's final flush of
    what could not be written raises nothing more."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
