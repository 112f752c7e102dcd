"""Run criterion texts through the real pipeline, the way every user path does."""

from __future__ import annotations

import ctparse
from ctparse.nlp import load
from ctparse.nlp.study import text_criteria
from ctparse.schema import Criterion


def parse(text: str, section: str = "inclusion", start: int = 0) -> Criterion:
    """The rule pipeline's reading of one criterion ``text`` (in ``section``), as one
    Criterion: every threshold and window it found (each once), the status of its
    first criterion. ``start`` shifts the text (offsets then index it there). (The
    trained entity stage is left out: these are the rules' tests.)"""
    criteria = text_criteria(  # type: ignore[arg-type]
        " " * start + text, section=section, nlp=load(entities=False)
    ).criteria
    return Criterion(
        id="c",
        section=section,  # type: ignore[arg-type]
        text=text,
        start=start,
        end=start + len(text),
        thresholds=tuple(t for c in criteria for t in c.thresholds),
        windows=tuple(w for c in criteria for w in c.windows),
        status=criteria[0].status if criteria else "unparsed",
    )


def run(capsys, *args: str) -> tuple[int, str, str]:
    """``ctparse ARGS`` in this process: (exit code, stdout, stderr)."""
    from ctparse.cli import main

    try:
        main(list(args))
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def exclusion(*lines: str) -> str:
    """A plain-text exclusion section with one bullet per line."""
    return "Exclusion Criteria:\n" + "".join(f"- {line}\n" for line in lines)


def inclusion(*lines: str) -> str:
    """A plain-text inclusion section with one bullet per line."""
    return "Inclusion Criteria:\n" + "".join(f"- {line}\n" for line in lines)


def rows(a: str, b: str) -> list:
    """The rows of comparing two plain criteria texts."""
    return list(ctparse.compare(a, b).pairs)
