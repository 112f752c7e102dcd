"""Reading gold files: JSON Lines, one record per line, errors named by line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import GoldError


def gold_lines(path: Path) -> Iterator[tuple[str, Any]]:
    """``(where, record)`` for every non-blank line of a gold JSONL file, ``where``
    being ``path:line`` for the caller's own checks.

    Raises:
        GoldError: the file cannot be read (or is not UTF-8), or a line is not JSON.
    """
    try:
        content = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise GoldError(str(path), f"cannot read gold file ({reason})") from exc
    for number, line in enumerate(content.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise GoldError(where, f"invalid JSON ({exc.msg})") from exc
        yield where, record
