"""Criteria datasets at registry scale: Parquet tables and DuckDB views.

Two commands, build then query::

    ctparse dataset build ctg-studies.json.zip -o trials/
    ctparse dataset query trials/ "SELECT variable, count(*) FROM thresholds GROUP BY 1"

From Python (pandas)::

    import ctparse.dataset
    ds = ctparse.dataset.open("trials/")
    ds.criteria                   # a pandas DataFrame of the criteria table
    ds.sql("SELECT * FROM thresholds WHERE variable = 'anc'")

The package, stage by stage (I/O only in ``sources``, ``store``, the
engines and ``query``; the rest are functions of values):

    sources.py        SOURCE arguments → the inputs in them (corpus, ZIP, ids, search, files)
    plan.py           inputs → partitions by study id, duplicates resolved, what changed
    parse.py          the one door to the NLP: parse_studies(studies, nlp=...)
    rows.py           (Study, StudyCriteria) → tidy rows per table
    tables.py         every table and column: types, units, meanings (schema.json, docs)
    partition.py      one partition: read, parse, merge with what is kept, write, commit
    engine_local.py   partitions in worker processes (--workers N)
    engine_dask.py    partitions as tasks on a Dask cluster (--engine dask)
    store.py          the directory: atomic part files, states, manifest, DuckDB file
    build.py          build / update: plan, run, commit
    query.py          SQL and the info overview
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["SCHEMA_VERSION", "TABLES", "Dataset", "open"]


class Dataset:
    """A built dataset, read through pandas. Tables load on first access.

    ``ds.criteria`` (or ``ds["criteria"]``) is a DataFrame of the whole
    table; :meth:`sql` runs DuckDB SQL over the views and returns a DataFrame.
    """

    def __init__(self, directory: str | Path) -> None:
        from . import store

        self.directory = Path(directory)
        self.manifest = store.load_manifest(self.directory)
        self._frames: dict[str, pd.DataFrame] = {}

    @property
    def tables(self) -> tuple[str, ...]:
        from .tables import TABLES

        return tuple(TABLES)

    def table(self, name: str) -> pd.DataFrame:
        """One table as a DataFrame, rows in the table's sort order."""
        from .tables import TABLES

        if name not in TABLES:
            raise KeyError(f"no table {name!r}; tables: {', '.join(TABLES)}")
        if name not in self._frames:
            from . import store

            rows = store.read_table(self.directory, self.manifest, name)
            self._frames[name] = rows.to_pandas()
        return self._frames[name]

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.table(name)

    def __getattr__(self, name: str) -> Any:
        from .tables import TABLES

        if name in TABLES:
            return self.table(name)
        raise AttributeError(name)

    def sql(self, query: str) -> pd.DataFrame:
        """DuckDB SQL over the dataset's views, as a DataFrame."""
        from .query import connect, execute

        connection = connect(self.directory)
        try:
            _, result = execute(connection, query)
            frame: pd.DataFrame = result.df()
            return frame
        finally:
            connection.close()

    def info(self) -> dict[str, Any]:
        """What ``ctparse dataset info`` prints, as a dict."""
        from .query import info

        return info(self.directory)

    def __repr__(self) -> str:
        rows = self.manifest.get("rows", {})
        return f"Dataset({str(self.directory)!r}, studies={rows.get('studies', 0)}, criteria={rows.get('criteria', 0)})"


def __getattr__(name: str) -> Any:
    # SCHEMA_VERSION and TABLES load on use, so that `python -m ctparse.dataset.tables` runs clean.
    if name in ("SCHEMA_VERSION", "TABLES"):
        from . import tables

        return getattr(tables, name)
    raise AttributeError(f"module 'ctparse.dataset' has no attribute {name!r}")


def open(directory: str | Path) -> Dataset:
    """The dataset built in ``directory``.

    Raises:
        DatasetError: no built dataset there.
    """
    return Dataset(directory)
