"""Writers: every command's output goes through :func:`write`.

One dispatcher picks the writer by what is written and in which format:

* a :class:`~ctparse.schema.Comparison` (``compare``): table, markdown, csv,
  json, jsonl, html — :mod:`ctparse.report.compare` and :mod:`ctparse.report.html`;
* rows and objects (``show``, ``criteria``, ``thresholds``, ``eval``, …): table,
  markdown, csv, json, jsonl — :mod:`ctparse.report.tabular`; long outputs are
  written as they come through a :class:`RowStream`.

Registry text is escaped by one escaper per format (:mod:`ctparse.report.escape`);
what a comparison says is worded once (:mod:`ctparse.report.summary`).
"""

from __future__ import annotations

from typing import Any, TextIO

from ..schema import Comparison
from .tabular import RowStream

__all__ = ["COMPARISON_FORMATS", "TABULAR_FORMATS", "RowStream", "write"]

TABULAR_FORMATS = ("table", "json", "jsonl", "csv", "markdown")
COMPARISON_FORMATS = ("table", "markdown", "json", "jsonl", "csv", "html")


def write(fmt: str, data: Comparison | None = None, *, stream: TextIO, **options: Any) -> None:
    """Write a comparison (``data``), or rows and objects (the ``objects``, ``rows``,
    ``columns``, ``title`` and ``single_json`` keywords of
    :func:`ctparse.report.tabular.write`), to ``stream`` in ``fmt``."""
    if isinstance(data, Comparison):
        from . import compare, html

        writers = {
            "json": lambda: stream.write(data.to_json() + "\n"),
            "jsonl": lambda: stream.write(data.to_json(indent=None) + "\n"),
            "csv": lambda: compare.write_csv(data, stream),
            "markdown": lambda: compare.write_markdown(data, stream),
            "table": lambda: compare.write_table(data, stream),
            "html": lambda: html.write_html(data, stream),
        }
        if fmt not in writers:
            raise ValueError(f"unknown format {fmt!r} for a comparison")
        writers[fmt]()
        return
    from .tabular import write as write_rows

    write_rows(fmt, stream=stream, **options)
