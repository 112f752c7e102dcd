"""The ``ctparse`` command line: thin commands over library functions.

Each subcommand lives in its own module and is imported only when it runs,
which keeps start-up fast. Errors become one line on stderr and exit code 2.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

from .._version import __version__
from ..errors import CtparseError

# name -> "module:attribute" (modules under ctparse.cli)
COMMANDS = {
    "show": "show:show",
    "criteria": "criteria:criteria",
    "thresholds": "thresholds:thresholds",
    "entities": "entities:entities",
    "compare": "compare:compare",
    "landscape": "landscape:landscape",
    "fetch": "fetch:fetch",
    "eval": "evaluate:evaluate",
    "dataset": "dataset:dataset",
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attribute = target.split(":")
        try:
            module = importlib.import_module(f"{__name__}.{module_name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"{__name__}.{module_name}":
                return None  # not built yet
            raise
        command: click.Command = getattr(module, attribute)
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ctparse")
def cli() -> None:
    """Parse and compare ClinicalTrials.gov records.

    \b
    REF is an NCT id (NCT05990231), a path to a record in any registry
    format (API v2 JSON, legacy XML, CSV export, full-info page as text or
    HTML), or - for standard input. Data goes to stdout, messages to stderr.
    """


def fail(message: str) -> None:
    """Print one error line and exit 2."""
    click.echo(f"ctparse: error: {message}", err=True)
    sys.exit(2)


def main(argv: list[str] | None = None) -> Any:
    """Console-script entry point."""
    try:
        return cli.main(args=argv, prog_name="ctparse", standalone_mode=False)
    except CtparseError as exc:
        fail(exc.one_line())
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.UsageError as exc:
        # A wrong option or argument: one line, like every other error.
        command = exc.ctx.command_path if exc.ctx is not None else "ctparse"
        fail(f"{' '.join(exc.format_message().split())} (see `{command} --help`)")
    except click.ClickException as exc:
        exc.show()
        sys.exit(2)
    except (click.exceptions.Abort, KeyboardInterrupt):
        # click turns Ctrl-C into Abort; both mean the user stopped us.
        click.echo("ctparse: interrupted", err=True)
        sys.exit(130)
    except BrokenPipeError:
        # `ctparse ... | head`: the reader left; not an error worth a traceback.
        sys.stderr.close()
        sys.exit(0)
