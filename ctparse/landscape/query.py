"""The compared trials, read from a dataset by DuckDB: the heavy lifting.

:class:`Compared` opens a dataset built by ``ctparse dataset build`` and,
in one pass over its Parquet tables, reduces every compared study to what a
landscape needs (:meth:`Compared.prepare`):

* ``lim``: per study and (variable, scale) its effective eligible range,
  the intersection of its limits (the same rules as
  :func:`ctparse.landscape.ranges.effective` and ``snap``);
* ``win``: per study and (event, direction) the same for its time windows;
* ``stance``: per study and concept what its criteria ask of it
  (excluded, required, allowed, both, mentioned).

The rest are small queries over those temporary tables.

``--where`` is one SQL expression over the ``studies`` view. It is parsed
first (it must be the WHERE clause of one plain SELECT: no second statement,
no set operation, no CTE), and the connection cannot touch any file but the
dataset's own part files (``enable_external_access`` off, the parts as
``allowed_paths``, the configuration locked), so an expression can neither
write nor attach nor read anything else.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..dataset import store
from ..dataset.query import QueryError
from ..errors import CtparseError
from .facts import UNCOMPARED, VariableInfo

#: Concept stances, in the order reports show them.
STANCES = ("excluded", "required", "allowed", "both", "mentioned")


class WhereError(CtparseError):
    """A ``--where`` that is not one SQL expression over the studies view."""


@dataclass(frozen=True)
class StudyRange:
    """One study's effective range on one variable or window target."""

    study_id: str
    limits: int  # limits that define the range (0: only conditional, granted or unplaceable)
    lower: float | None
    lower_inclusive: bool
    upper: float | None
    upper_inclusive: bool


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _literal_list(values: Iterable[str]) -> str:
    items = [_quote(v) for v in values]
    return "[" + ", ".join(items) + "]::VARCHAR[]" if items else "[]::VARCHAR[]"


def _select(where: str | None) -> str:
    """The statement ``--where`` must be the WHERE clause of."""
    condition = where if where is not None and where.strip() else "true"
    return f"SELECT study_id FROM studies WHERE (\n{condition}\n)"


class Compared:
    """The studies of a dataset that REF is compared with (a DuckDB connection).

    Raises:
        DatasetError: ``directory`` is missing or holds no built dataset.
    """

    def __init__(self, directory: Path) -> None:
        import duckdb

        if not directory.exists():
            raise store.DatasetError(str(directory), "no such folder")
        if not directory.is_dir():
            raise store.DatasetError(str(directory), "is a file, not a dataset folder")
        self.directory = directory
        self.manifest = store.load_manifest(directory)
        root = directory.resolve()
        self.connection = duckdb.connect(":memory:")
        store.create_views(self.connection, root, self.manifest)
        files = store.dataset_files(root, self.manifest)
        self.connection.execute(f"SET allowed_paths = {_literal_list(files)}")
        self.connection.execute("SET enable_external_access = false")
        self.connection.execute("SET lock_configuration = true")
        self.columns = {
            table: {row[0] for row in self.connection.execute(f'DESCRIBE "{table}"').fetchall()}
            for table in ("thresholds", "windows", "entities", "studies")
        }
        self.where: str | None = None
        self.compared = 0
        self.ref_in_dataset = False
        self.exclude: str | None = None

    def close(self) -> None:
        self.connection.close()

    # ---------------------------------------------------------------- --where

    def check_where(self, where: str | None) -> None:
        """Refuse anything but one expression over the ``studies`` view.

        Raises:
            WhereError: a second statement, a set operation, a CTE, a clause
                after the expression, or a syntax error DuckDB reports.
        """
        if where is None:
            return
        if not where.strip():
            raise WhereError("--where", "is empty; give an SQL expression over the studies view")
        text = self.connection.execute("SELECT json_serialize_sql(?)", [_select(where)]).fetchone()
        tree: dict[str, Any] = json.loads(text[0]) if text else {"error": True}
        if tree.get("error"):
            message = " ".join(str(tree.get("error_message", "not valid SQL")).split())
            raise WhereError("--where", message)
        statements = tree.get("statements") or []
        node = statements[0].get("node", {}) if len(statements) == 1 else {}
        table = node.get("from_table") or {}
        plain = (
            node.get("type") == "SELECT_NODE"
            and not (node.get("cte_map") or {}).get("map")
            and not node.get("modifiers")
            and not node.get("group_expressions")
            and node.get("having") is None
            and node.get("qualify") is None
            and table.get("type") == "BASE_TABLE"
            and table.get("table_name") == "studies"
            and len(node.get("select_list") or []) == 1
        )
        if not plain:
            raise WhereError(
                "--where",
                "must be one SQL expression over the studies view "
                "(e.g. \"phase = 'PHASE2' AND overall_status = 'RECRUITING'\")",
            )
        self.where = where

    # ---------------------------------------------------------- the one pass

    def prepare(
        self, *, exclude: str | None, variables: Sequence[VariableInfo], broad: Iterable[str]
    ) -> None:
        """Reduce the compared studies to ``cmp``, ``lim``, ``win`` and ``stance``.

        Args:
            exclude: REF's own study id, left out of the compared trials.
            variables: every variable with its canonical unit and ordinal scale.
            broad: catch-all concept ids ("disease", "treatment"), left out.

        Raises:
            QueryError: DuckDB refused ``--where`` (an unknown column, a type error).
        """
        run = self._run
        self.exclude = exclude
        run(f"CREATE OR REPLACE TEMP TABLE chosen AS {_select(self.where)}", where="--where")
        run(
            "CREATE OR REPLACE TEMP TABLE cmp AS SELECT DISTINCT s.study_id FROM studies s "
            "JOIN chosen USING (study_id) WHERE s.criteria_text IS NOT NULL "
            f"AND trim(s.criteria_text) <> '' AND s.study_id <> {_quote(exclude or '')}"
        )
        values = (
            ", ".join(
                f"({_quote(v.id)}, {_quote(v.unit) if v.unit else 'NULL'}, "
                f"{v.scale[0] if v.scale else 'NULL'}, {v.scale[1] if v.scale else 'NULL'})"
                for v in variables
            )
            or "(NULL, NULL, NULL, NULL)"
        )
        run(
            "CREATE OR REPLACE TEMP TABLE vars AS SELECT * FROM (VALUES "
            f"{values}) v(variable, unit, smin, smax)"
        )
        broad_list = _literal_list(sorted(set(broad)))
        requirement = (
            "t.requirement" if "requirement" in self.columns["thresholds"] else "NULL::VARCHAR"
        )
        run(
            _LIMITS.format(
                requirement=requirement,
                uncompared=", ".join(f"'{v}'" for v in UNCOMPARED),
            )
        )
        run(_WINDOWS.format(broad=broad_list))
        run(_STANCE.format(broad=broad_list))
        self.compared = int(run("SELECT count(*) FROM cmp").fetchone()[0])
        self.ref_in_dataset = bool(
            exclude
            and run(f"SELECT count(*) FROM studies WHERE study_id = {_quote(exclude)}").fetchone()[
                0
            ]
        )

    def _run(self, sql: str, *, where: str = "dataset") -> Any:
        import duckdb

        try:
            return self.connection.execute(sql)
        except duckdb.Error as exc:
            raise QueryError(where, " ".join(str(exc).split())) from exc

    # ------------------------------------------------------------ the figures

    def studies(self) -> int:
        """Studies in the dataset (before ``--where``)."""
        return int(self._run("SELECT count(*) FROM studies").fetchone()[0])

    def chosen(self) -> tuple[int, int]:
        """(studies ``--where`` keeps, of those the ones without criteria text
        other than REF)."""
        row = self._run(
            "SELECT count(*), count(*) FILTER (WHERE (s.criteria_text IS NULL "
            "OR trim(s.criteria_text) = '') AND s.study_id <> "
            f"{_quote(self.exclude or '')}) FROM studies s JOIN chosen USING (study_id)"
        ).fetchone()
        return int(row[0]), int(row[1])

    def compared_ids(self) -> list[str]:
        return [r[0] for r in self._run("SELECT study_id FROM cmp ORDER BY study_id").fetchall()]

    def ranges(
        self, table: str, keys: Iterable[tuple[str, str]]
    ) -> dict[tuple[str, str], list[StudyRange]]:
        """The study ranges of ``lim`` or ``win`` for these (target, scale) keys."""
        wanted = sorted(set(keys))
        result: dict[tuple[str, str], list[StudyRange]] = {k: [] for k in wanted}
        if not wanted:
            return result
        joined = _literal_list(f"{a}\x1f{b}" for a, b in wanted)
        rows = self._run(
            f"SELECT target, scale, study_id, limits, lo, lo_inc, hi, hi_inc FROM {table} "
            f"WHERE target || chr(31) || scale IN (SELECT unnest({joined})) "
            "ORDER BY target, scale, study_id"
        ).fetchall()
        for target, scale, study, limits, lo, lo_inc, hi, hi_inc in rows:
            result[(target, scale)].append(
                StudyRange(study, int(limits), lo, bool(lo_inc), hi, bool(hi_inc))
            )
        return result

    def stances(self, concepts: Iterable[str]) -> dict[str, dict[str, list[str]]]:
        """For each concept id, the compared studies per stance."""
        wanted = sorted(set(concepts))
        result: dict[str, dict[str, list[str]]] = {c: {} for c in wanted}
        if not wanted:
            return result
        rows = self._run(
            "SELECT concept_id, stance, list(study_id ORDER BY study_id) FROM stance "
            f"WHERE concept_id IN (SELECT unnest({_literal_list(wanted)})) GROUP BY ALL"
        ).fetchall()
        for concept, stance, ids in rows:
            result[concept][stance] = list(ids)
        return result

    def common(self, table: str, *, at_least: int) -> list[tuple[str, str, str, int]]:
        """(target, scale, name, studies) of ``lim``/``win`` keys limited by at
        least ``at_least`` compared studies (those with a placeable limit)."""
        return [
            (t, s, n, int(c))
            for t, s, n, c in self._run(
                f"SELECT target, scale, min(name), count(*) AS n FROM {table} WHERE limits > 0 "
                f"GROUP BY target, scale HAVING n >= {int(at_least)} ORDER BY n DESC, target, scale"
            ).fetchall()
        ]

    def common_concepts(self, *, at_least: int) -> list[tuple[str, str, str, int]]:
        """(concept id, name, type, studies) of concepts at least ``at_least``
        compared studies name."""
        return [
            (c, n, t, int(k))
            for c, n, t, k in self._run(
                "SELECT concept_id, min(name), min(type), count(*) AS n FROM stance "
                f"GROUP BY concept_id HAVING n >= {int(at_least)} ORDER BY n DESC, concept_id"
            ).fetchall()
        ]

    def names(self, concepts: Iterable[str]) -> dict[str, str]:
        wanted = sorted(set(concepts))
        if not wanted:
            return {}
        return dict(
            self._run(
                "SELECT concept_id, min(name) FROM stance "
                f"WHERE concept_id IN (SELECT unnest({_literal_list(wanted)})) GROUP BY 1"
            ).fetchall()
        )


# A limit's scale: its ULN/LLN multiple, else its unit when that is not the
# variable's canonical one (a limit that did not convert), else '' (canonical).
# Conditional limits, grants and limits without a bound are set aside: they
# name the variable but do not bound what the study admits. Ordinal scales
# snap to whole grades inside the scale (ranges.snap).
_LIMITS = """
CREATE OR REPLACE TEMP TABLE lim AS
WITH r AS (
  SELECT t.study_id, t.variable AS target, t.variable AS name,
    CASE WHEN t.relative_to IS NOT NULL THEN t.relative_to
         WHEN v.unit IS NOT NULL AND t.normalized_unit IS NOT NULL
              AND t.normalized_unit <> v.unit THEN t.normalized_unit
         ELSE '' END AS scale,
    (t.condition IS NOT NULL OR coalesce({requirement}, '') = 'allowed'
     OR (t.eligible_lower IS NULL AND t.eligible_upper IS NULL)) AS aside,
    t.eligible_lower AS lo, coalesce(t.eligible_lower_inclusive, true) AS lo_inc,
    t.eligible_upper AS hi, coalesce(t.eligible_upper_inclusive, true) AS hi_inc,
    CASE WHEN t.relative_to IS NULL THEN v.smin END AS smin,
    CASE WHEN t.relative_to IS NULL THEN v.smax END AS smax
  FROM thresholds t JOIN cmp USING (study_id) LEFT JOIN vars v ON v.variable = t.variable
  WHERE t.variable IS NOT NULL AND t.variable NOT IN ({uncompared})
), s AS (
  SELECT study_id, target, name, scale, aside,
    CASE WHEN smin IS NULL THEN lo WHEN lo IS NULL THEN NULL
         WHEN lo_inc THEN ceil(lo - 1e-9) ELSE floor(lo + 1e-9) + 1 END AS lo1,
    CASE WHEN smin IS NULL THEN lo_inc ELSE true END AS lo_inc,
    CASE WHEN smax IS NULL THEN hi WHEN hi IS NULL THEN NULL
         WHEN hi_inc THEN floor(hi + 1e-9) ELSE ceil(hi - 1e-9) - 1 END AS hi1,
    CASE WHEN smax IS NULL THEN hi_inc ELSE true END AS hi_inc,
    smin, smax
  FROM r
), b AS (
  SELECT study_id, target, name, scale, aside, lo_inc, hi_inc,
    CASE WHEN smin IS NOT NULL AND lo1 <= smin THEN NULL ELSE round(lo1, 9) END AS lo,
    CASE WHEN smax IS NOT NULL AND hi1 >= smax THEN NULL ELSE round(hi1, 9) END AS hi
  FROM s
), k AS (
  SELECT study_id, target, scale, min(name) AS name,
    count(*) FILTER (WHERE NOT aside) AS limits,
    max(CASE WHEN NOT aside AND lo IS NOT NULL THEN {{'v': lo, 'x': NOT lo_inc}} END) AS lk,
    min(CASE WHEN NOT aside AND hi IS NOT NULL THEN {{'v': hi, 'i': hi_inc}} END) AS hk
  FROM b GROUP BY study_id, target, scale
)
SELECT study_id, target, scale, name, limits,
  lk.v AS lo, coalesce(NOT lk.x, true) AS lo_inc, hk.v AS hi, coalesce(hk.i, true) AS hi_inc
FROM k
"""

# A window's target: the concept of the entity it constrains, else its event
# as written (lower case, spaces collapsed), per direction (before/after).
_WINDOWS = """
CREATE OR REPLACE TEMP TABLE win AS
WITH r AS (
  SELECT w.study_id,
    coalesce(e.concept_id,
             'event:' || regexp_replace(lower(trim(w.event)), '\\s+', ' ', 'g')) AS target,
    coalesce(e.concept_name, regexp_replace(lower(trim(w.event)), '\\s+', ' ', 'g')) AS name,
    coalesce(w.direction, '') AS scale,
    (coalesce(w.requirement, '') = 'allowed'
     OR (w.eligible_lower IS NULL AND w.eligible_upper IS NULL)) AS aside,
    round(w.eligible_lower, 9) AS lo, coalesce(w.eligible_lower_inclusive, true) AS lo_inc,
    round(w.eligible_upper, 9) AS hi, coalesce(w.eligible_upper_inclusive, true) AS hi_inc
  FROM windows w JOIN cmp USING (study_id)
  LEFT JOIN (SELECT study_id, entity_id, concept_id, concept_name FROM entities
             WHERE concept_id IS NOT NULL AND NOT list_contains({broad}, concept_id)) e
    ON e.study_id = w.study_id AND e.entity_id = w.entity_id
  WHERE e.concept_id IS NOT NULL OR (w.event IS NOT NULL AND trim(w.event) <> '')
), k AS (
  SELECT study_id, target, scale, min(name) AS name,
    count(*) FILTER (WHERE NOT aside) AS limits,
    max(CASE WHEN NOT aside AND lo IS NOT NULL THEN {{'v': lo, 'x': NOT lo_inc}} END) AS lk,
    min(CASE WHEN NOT aside AND hi IS NOT NULL THEN {{'v': hi, 'i': hi_inc}} END) AS hk
  FROM r GROUP BY study_id, target, scale
)
SELECT study_id, target, scale, name, limits,
  lk.v AS lo, coalesce(NOT lk.x, true) AS lo_inc, hk.v AS hi, coalesce(hk.i, true) AS hi_inc
FROM k
"""

# What a study asks of a concept, over all its mentions (family history aside):
# any grant makes it "allowed" (excluded or not otherwise: allowed with conditions),
# both requirements "both", else the one it has; no requirement at all "mentioned".
_STANCE = """
CREATE OR REPLACE TEMP TABLE stance AS
SELECT study_id, concept_id, name, type,
  CASE WHEN al THEN 'allowed' WHEN ex AND rq THEN 'both' WHEN ex THEN 'excluded'
       WHEN rq THEN 'required' ELSE 'mentioned' END AS stance
FROM (
  SELECT e.study_id, e.concept_id, min(e.concept_name) AS name, min(e.type) AS type,
    bool_or(e.requirement = 'excluded') AS ex, bool_or(e.requirement = 'required') AS rq,
    bool_or(e.requirement = 'allowed') AS al
  FROM entities e JOIN cmp USING (study_id)
  WHERE e.concept_id IS NOT NULL AND coalesce(e.assertion, '') <> 'family'
    AND NOT list_contains({broad}, e.concept_id)
  GROUP BY e.study_id, e.concept_id
)
"""
