"""Writers for row-shaped output: table, json, jsonl, csv, markdown.

Every command that prints rows builds a list of flat dicts (one per row) plus
the objects it would print as JSON, and hands both to :func:`write`. Writers
take an open text stream; they never open files themselves.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TextIO

from ..schema import dumps
from .escape import cell, csv_cell, markdown, rich


def write_json(objects: Sequence[Any], stream: TextIO, *, single: bool = False) -> None:
    """JSON: one object when ``single`` and there is exactly one, else a list."""
    payload: Any = objects[0] if single and len(objects) == 1 else list(objects)
    stream.write(dumps(payload) + "\n")


def write_jsonl(objects: Iterable[Any], stream: TextIO) -> None:
    """One compact JSON object per line."""
    for obj in objects:
        stream.write(dumps(obj, indent=None) + "\n")


def write_csv(rows: Sequence[Mapping[str, Any]], columns: Sequence[str], stream: TextIO) -> None:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([csv_cell(row.get(c)) for c in columns])


def write_markdown(
    rows: Sequence[Mapping[str, Any]], columns: Sequence[str], stream: TextIO
) -> None:
    stream.write("| " + " | ".join(columns) + " |\n")
    stream.write("|" + "|".join("---" for _ in columns) + "|\n")
    for row in rows:
        stream.write(
            "| " + " | ".join(markdown(cell(row.get(c)), breaks=True) for c in columns) + " |\n"
        )


# Columns of free text: they take the width that is left and wrap; every
# other column keeps its content on one line.
WIDE_COLUMNS = frozenset(
    {"text", "detail", "title", "a", "b", "event", "description", "limits", "value"}
)
# Width for a table written to a pipe or file, where there is no terminal to ask.
PIPE_WIDTH = 160


def write_table(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    stream: TextIO,
    *,
    title: str | None = None,
    styles: Mapping[str, str] | None = None,
    row_style: str | None = None,
) -> None:
    """A rich table. Colours only when ``stream`` is a terminal.

    Args:
        styles: per-column rich style.
        row_style: name of a row key whose value is a rich style for that row.
    """
    from rich.console import Console
    from rich.table import Table

    console = Console(file=stream, soft_wrap=False)
    if not console.is_terminal:
        console = Console(file=stream, soft_wrap=False, width=PIPE_WIDTH)
    cells = [[cell(row.get(c)) for c in columns] for row in rows]
    # Keep short columns on one line only if they leave room for the text.
    natural = sum(
        max([len(column), *(len(line[i]) for line in cells)]) + 3
        for i, column in enumerate(columns)
        if column not in WIDE_COLUMNS
    )
    fits = natural + 24 * sum(c in WIDE_COLUMNS for c in columns) <= console.width
    table = Table(title=title, show_lines=False, highlight=False)
    for column in columns:
        wide = column in WIDE_COLUMNS or not fits
        table.add_column(
            column,
            style=(styles or {}).get(column),
            overflow="fold",
            no_wrap=not wide,
            ratio=1 if wide else None,
        )
    for row, line in zip(rows, cells, strict=True):
        style = str(row.get(row_style)) if row_style and row.get(row_style) else None
        table.add_row(*(rich(cell) for cell in line), style=style)
    console.print(table)


def write(
    fmt: str,
    *,
    objects: Sequence[Any],
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    stream: TextIO,
    title: str | None = None,
    single_json: bool = False,
) -> None:
    """Write ``objects`` (json/jsonl) or ``rows`` (table/csv/markdown) in ``fmt``."""
    if fmt == "json":
        write_json(objects, stream, single=single_json)
    elif fmt == "jsonl":
        write_jsonl(objects, stream)
    elif fmt == "csv":
        write_csv(rows, columns, stream)
    elif fmt == "markdown":
        if title:
            stream.write(f"### {markdown(title)}\n\n")
        write_markdown(rows, columns, stream)
    elif fmt == "table":
        write_table(rows, columns, stream, title=title)
    else:  # pragma: no cover - click validates choices
        raise ValueError(f"unknown format {fmt!r}")


class RowStream:
    """Rows written as they come, for long outputs.

    ``json`` is one array whatever the number of objects (written element by
    element), ``jsonl`` one object per line, ``csv`` a header then rows;
    ``table`` and ``markdown`` are drawn at :meth:`close` (they need every
    row to size their columns).
    """

    def __init__(
        self, fmt: str, stream: TextIO, *, columns: Sequence[str], title: str | None = None
    ) -> None:
        self.fmt = fmt
        self.stream = stream
        self.columns = list(columns)
        self.title = title
        self.count = 0
        self._rows: list[Mapping[str, Any]] = []
        self._csv = csv.writer(stream, lineterminator="\n") if fmt == "csv" else None
        self._started = False  # nothing is written before the first item (or close)

    def _start(self) -> None:
        if not self._started:
            self._started = True
            if self._csv is not None:
                self._csv.writerow(self.columns)
            elif self.fmt == "json":
                self.stream.write("[")

    def add(self, obj: Any) -> None:
        """One item that is both the JSON object and the row."""
        self.object(obj)
        self.row(obj)

    def object(self, obj: Any) -> None:
        """One JSON object (json, jsonl); ignored by the row formats."""
        if self.fmt == "json":
            self._start()
            text = dumps(obj, indent=2).replace("\n", "\n  ")
            self.stream.write(("," if self.count else "") + "\n  " + text)
            self.count += 1
        elif self.fmt == "jsonl":
            self.stream.write(dumps(obj, indent=None) + "\n")
            self.count += 1

    def row(self, row: Mapping[str, Any]) -> None:
        """One row (csv, table, markdown); ignored by the JSON formats."""
        if self._csv is not None:
            self._start()
            self._csv.writerow([csv_cell(row.get(c)) for c in self.columns])
            self.count += 1
        elif self.fmt in ("table", "markdown"):
            self._rows.append(row)
            self.count += 1

    def close(self) -> None:
        self._start()
        if self.fmt == "json":
            self.stream.write("\n]\n" if self.count else "]\n")
        elif self.fmt in ("table", "markdown"):
            write(
                self.fmt,
                objects=[],
                rows=self._rows,
                columns=self.columns,
                stream=self.stream,
                title=self.title,
            )


def render(fmt: str, **kwargs: Any) -> str:
    """Like :func:`write` but returns the text (handy in tests)."""
    buffer = io.StringIO()
    write(fmt, stream=buffer, **kwargs)
    return buffer.getvalue()
