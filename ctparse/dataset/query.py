"""Asking a dataset questions: SQL through DuckDB, and the ``info`` overview.

:func:`connect` opens an in-memory DuckDB connection with one view per table
over the part files the manifest names (resolved from DIR, so a dataset
folder that was moved or copied still works; ``DIR/ctparse.duckdb`` holds
the same views with absolute paths for other DuckDB clients).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import CtparseError
from . import store
from .tables import TABLES


class QueryError(CtparseError):
    """A SQL statement DuckDB refused."""


def connect(directory: Path) -> Any:
    """A DuckDB connection with a view per table of the dataset in DIR.

    Raises:
        DatasetError: DIR holds no built dataset.
    """
    import duckdb

    manifest = store.load_manifest(directory)
    connection = duckdb.connect(":memory:")
    store.create_views(connection, directory.resolve(), manifest)
    return connection


def execute(connection: Any, sql: str, *, where: str = "SQL") -> tuple[list[str], Any]:
    """Run ``sql``; (column names, the DuckDB result).

    Raises:
        QueryError: DuckDB's message, on one line.
    """
    import duckdb

    try:
        statements = connection.extract_statements(sql)
    except duckdb.Error as exc:
        raise QueryError(where, " ".join(str(exc).split())) from exc
    if not statements:
        raise QueryError(where, "is empty; give one SQL statement, such as SELECT * FROM studies")
    if len(statements) > 1:
        raise QueryError(
            where, f"holds {len(statements)} statements; give one (only its result is printed)"
        )
    try:
        result = connection.execute(sql)
    except duckdb.Error as exc:
        raise QueryError(where, " ".join(str(exc).split())) from exc
    columns = [d[0] for d in result.description] if result.description else []
    return columns, result


def rows(
    directory: Path, sql: str, *, batch: int = 10_000
) -> tuple[list[str], Iterator[dict[str, Any]]]:
    """Column names and the rows of a query as dicts, fetched in batches."""
    connection = connect(directory)
    columns, result = execute(connection, sql)

    def iterate() -> Iterator[dict[str, Any]]:
        try:
            while True:
                chunk = result.fetchmany(batch)
                if not chunk:
                    return
                for values in chunk:
                    yield dict(zip(columns, values, strict=True))
        finally:
            connection.close()

    return columns, iterate()


def _scalar(connection: Any, sql: str) -> Any:
    return connection.execute(sql).fetchone()[0]


def info(directory: Path, *, top: int = 10) -> dict[str, Any]:
    """Rows per table, parse status of criteria, top variables, studies by
    phase and status, and the manifest's provenance."""
    manifest = store.load_manifest(directory)
    connection = connect(directory)
    try:
        rows_per_table = {
            t: int(_scalar(connection, f'SELECT count(*) FROM "{t}"')) for t in TABLES
        }
        statuses = dict(
            connection.execute(
                "SELECT status, count(*) FROM criteria GROUP BY status ORDER BY status"
            ).fetchall()
        )
        total = sum(statuses.values()) or 1
        status_share = {
            s: {"criteria": int(statuses.get(s, 0)), "share": round(statuses.get(s, 0) / total, 4)}
            for s in ("parsed", "partial", "unparsed")
        }
        variables = [
            {"variable": v, "thresholds": int(n), "studies": int(s)}
            for v, n, s in connection.execute(
                "SELECT variable, count(*) AS n, count(DISTINCT study_id) AS s FROM thresholds "
                "GROUP BY variable ORDER BY n DESC, variable LIMIT ?",
                [top],
            ).fetchall()
        ]
        phases = [
            {"phase": p, "studies": int(n)}
            for p, n in connection.execute(
                "SELECT coalesce(phase, '(none)') AS p, count(*) AS n FROM studies "
                "GROUP BY p ORDER BY n DESC, p"
            ).fetchall()
        ]
        status = [
            {"overall_status": p, "studies": int(n)}
            for p, n in connection.execute(
                "SELECT coalesce(overall_status, '(none)') AS p, count(*) AS n FROM studies "
                "GROUP BY p ORDER BY n DESC, p"
            ).fetchall()
        ]
        errors = [
            {"stage": stage, "errors": int(n)}
            for stage, n in connection.execute(
                "SELECT stage, count(*) FROM errors GROUP BY stage ORDER BY stage"
            ).fetchall()
        ]
    finally:
        connection.close()
    return {
        "directory": str(directory),
        "schema_version": manifest.get("schema_version"),
        "ctparse_version": manifest.get("ctparse_version"),
        "rules_version": manifest.get("rules_version"),
        "entity_stage": manifest.get("entity_stage"),
        "updated": manifest.get("updated"),
        "sources": manifest.get("sources", []),
        "partitions": len(manifest.get("partitions", {})),
        # Partitions whose updates wait in delta parts (`dataset update --compact` folds them).
        "partitions_with_deltas": len(
            {Path(name).name.split(".")[0] for name in manifest.get(store.REPLACED, [])}
            | {
                Path(name).name.split(".")[0]
                for files in manifest.get("deltas", {}).values()
                for name in files
            }
        ),
        "rows": rows_per_table,
        "criteria_status": status_share,
        "top_variables": variables,
        "studies_by_phase": phases,
        "studies_by_status": status,
        "errors_by_stage": errors,
    }
