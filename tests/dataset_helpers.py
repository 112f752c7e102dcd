"""Helpers for the dataset tests: synthetic archives and table comparison."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import synthetic_bulk  # noqa: E402  (benchmarks/ is no package)

SHARED = (ROOT.parent / "shared").resolve()


def lines() -> synthetic_bulk.Lines:
    """Gold criterion lines when ../shared is here, else the shipped corpus's."""
    return synthetic_bulk.gold_lines(SHARED if (SHARED / "gold").is_dir() else None)


def archive(path: Path, count: int, *, seed: int = 0, id_space: int = 1_200_000) -> list[str]:
    """A synthetic bulk ZIP of ``count`` studies over ~id_space/100,000 partitions."""
    return synthetic_bulk.write_archive(path, count, lines=lines(), seed=seed, id_space=id_space)


def tables(directory: Path) -> dict[str, Any]:
    """Every table of a built dataset as one Arrow table: what readers see."""
    from ctparse.dataset import store
    from ctparse.dataset.tables import TABLES

    manifest = store.load_manifest(directory)
    return {name: store.read_table(directory, manifest, name) for name in TABLES}


def assert_same_tables(a: Path, b: Path) -> None:
    """Row for row, column for column."""
    left, right = tables(a), tables(b)
    for name in left:
        assert left[name].num_rows == right[name].num_rows, name
        assert left[name].equals(right[name]), f"table {name} differs"
