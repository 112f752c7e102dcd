"""The dataset's tables: every column with its type, unit and meaning.

This module is the one description of the schema. ``schema.json`` in a
dataset directory, the Arrow schemas the part files are written with, and
``docs/dataset-schema.md`` are all generated from :data:`TABLES`, so they
cannot drift apart (``tests/test_dataset_schema.py`` checks the page).

Keys: ``study_id`` (the NCT id, else the local id of a record without one)
joins every table; ``criterion_id`` (``inc-3``, ``exc-2.1``) is unique within
a study; the ``*_index`` columns number the rows of one study or criterion in
the order ctparse found them. Rows are sorted by each table's ``sort`` key, so
two builds of the same input give identical tables.

Column names follow the JSON fields of DESIGN.md; nested objects are
flattened (``normalized.value`` → ``normalized_value``, ``eligible.lower`` →
``eligible_lower``). ``end`` and ``group`` are SQL keywords: quote them in
queries (``"end"``, ``"group"``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pyarrow as pa

#: Bumped whenever a column is added, removed, renamed or changes meaning;
#: ``ctparse dataset update`` then re-parses everything.
SCHEMA_VERSION = 3

TYPES = ("string", "int32", "int64", "float64", "bool", "date32", "list<float64>")


@dataclass(frozen=True)
class Column:
    """One column: Arrow type name, unit (or None) and meaning."""

    name: str
    type: str
    description: str
    unit: str | None = None


@dataclass(frozen=True)
class Table:
    """One table: its columns, key, sort order and what one row is."""

    name: str
    row: str
    key: tuple[str, ...]
    sort: tuple[str, ...]
    columns: tuple[Column, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


def _c(name: str, type: str, description: str, unit: str | None = None) -> Column:
    return Column(name, type, description, unit)


_STUDY_ID = _c("study_id", "string", "The study's key: its NCT id, else its local id (`local-…`).")
_NCT_ID = _c("nct_id", "string", "The NCT id; null for a record without one.")
_CRITERION_ID = _c(
    "criterion_id",
    "string",
    "The criterion's id, unique within the study: `inc-N`, `exc-N`, `unk-N`, "
    "`inc-N.K` for a piece of a packed line, `age` for the structured minimum/maximum ages.",
)
_CRITERION_INDEX = _c(
    "criterion_index", "int32", "Position of the criterion in its study (0-based)."
)
_SECTION = _c(
    "section", "string", "`inclusion`, `exclusion` or `unknown` (text before any header)."
)
_START = _c(
    "start",
    "int32",
    "Offset of the first character in the study's `criteria_text`; null for a structured field.",
    "characters",
)
_END = _c(
    "end",
    "int32",
    'Offset after the last character in `criteria_text` (quote it in SQL: `"end"`).',
    "characters",
)
_PROVENANCE = (
    _c("ctparse_version", "string", "The ctparse version that parsed the record."),
    _c(
        "rules_version",
        "string",
        "Digest of the rule files under `models/` and the pipeline's components: "
        "changes whenever the extraction rules change.",
    ),
)


def _eligible(unit: str | None) -> tuple[Column, ...]:
    what = "the normalized unit" if unit is None else unit
    return (
        _c(
            "eligible_lower",
            "float64",
            f"Lowest value a patient may have, in {what}; null: none.",
            unit,
        ),
        _c("eligible_lower_inclusive", "bool", "Whether `eligible_lower` itself is eligible."),
        _c(
            "eligible_upper",
            "float64",
            f"Highest value a patient may have, in {what}; null: none.",
            unit,
        ),
        _c("eligible_upper_inclusive", "bool", "Whether `eligible_upper` itself is eligible."),
    )


STUDIES = Table(
    "studies",
    "one registry record",
    key=("study_id",),
    sort=("study_id",),
    columns=(
        _STUDY_ID,
        _NCT_ID,
        _c("local_id", "string", "Content-derived id of a record without an NCT id."),
        _c(
            "input",
            "string",
            "Where the record was read from: the archive member, the file path, or the NCT id.",
        ),
        _c(
            "source_format",
            "string",
            "`api_v2_json`, `legacy_xml`, `csv_export`, `page_text`, `page_html` or `plain_text`.",
        ),
        _c("last_update", "date32", "The registry's last update posted date of the record."),
        _c("brief_title", "string", "Brief title."),
        _c("official_title", "string", "Official title."),
        _c("acronym", "string", "Acronym."),
        _c(
            "overall_status", "string", "Overall recruitment status (`RECRUITING`, `COMPLETED`, …)."
        ),
        _c("phase", "string", "Phases joined by `/` (`PHASE1/PHASE2`); `NA` or null where none."),
        _c("study_type", "string", "`INTERVENTIONAL`, `OBSERVATIONAL` or `EXPANDED_ACCESS`."),
        _c("allocation", "string", "`RANDOMIZED`, `NON_RANDOMIZED` or `NA`."),
        _c("intervention_model", "string", "`SINGLE_GROUP`, `PARALLEL`, `CROSSOVER`, …"),
        _c("masking", "string", "`NONE`, `SINGLE`, `DOUBLE`, `TRIPLE`, `QUADRUPLE`."),
        _c("primary_purpose", "string", "`TREATMENT`, `PREVENTION`, `DIAGNOSTIC`, …"),
        _c("enrollment", "int64", "Planned or actual enrollment.", "participants"),
        _c("enrollment_type", "string", "`ESTIMATED` or `ACTUAL`."),
        _c("start_date", "string", "Study start, ISO (`YYYY-MM-DD` or `YYYY-MM`)."),
        _c("primary_completion_date", "string", "Primary completion, ISO."),
        _c("completion_date", "string", "Study completion, ISO."),
        _c("sponsor", "string", "Lead sponsor."),
        _c("sex", "string", "`ALL`, `FEMALE` or `MALE`."),
        _c("minimum_age", "string", "Minimum age as the registry writes it (`18 Years`)."),
        _c(
            "minimum_age_years",
            "float64",
            "Minimum age in years (a month is 1/12 year, a week 7/365).",
            "years",
        ),
        _c("maximum_age", "string", "Maximum age as the registry writes it."),
        _c("maximum_age_years", "float64", "Maximum age in years.", "years"),
        _c("healthy_volunteers", "bool", "Whether healthy volunteers are accepted."),
        _c(
            "criteria_text",
            "string",
            "The eligibility criteria text (markdown escapes removed): every offset indexes it.",
        ),
        _c("n_criteria", "int32", "Criteria of the study (rows in `criteria`).", "criteria"),
        _c(
            "n_thresholds", "int32", "Thresholds of the study (rows in `thresholds`).", "thresholds"
        ),
        _c("n_windows", "int32", "Time windows of the study (rows in `windows`).", "windows"),
        *_PROVENANCE,
    ),
)

CRITERIA = Table(
    "criteria",
    "one atomic criterion",
    key=("study_id", "criterion_id"),
    sort=("study_id", "criterion_index"),
    columns=(
        _STUDY_ID,
        _NCT_ID,
        _CRITERION_ID,
        _CRITERION_INDEX,
        _SECTION,
        _c("parent", "string", "The lead-in or packed line this criterion was split from."),
        _c("category", "string", "`demographics`, `laboratory`, `prior therapy`, … (`other`)."),
        _c(
            "status",
            "string",
            "`parsed` (every limit read), `partial` (some) or `unparsed` (no limit found).",
        ),
        _c("text", "string", "The criterion as written (`criteria_text[start:end]`)."),
        _START,
        _END,
        _c("n_thresholds", "int32", "Rows of this criterion in `thresholds`.", "thresholds"),
        _c("n_windows", "int32", "Rows of this criterion in `windows`.", "windows"),
        _c("n_entities", "int32", "Rows of this criterion in `entities`.", "entities"),
        *_PROVENANCE,
    ),
)

THRESHOLDS = Table(
    "thresholds",
    "one numeric or ordinal limit on one variable",
    key=("study_id", "criterion_id", "threshold_index"),
    sort=("study_id", "criterion_index", "threshold_index"),
    columns=(
        _STUDY_ID,
        _NCT_ID,
        _CRITERION_ID,
        _CRITERION_INDEX,
        _c("threshold_index", "int32", "Position of the threshold in its criterion (0-based)."),
        _SECTION,
        _c(
            "variable",
            "string",
            "Canonical variable (`anc`, `ecog`, `crcl`, …; models/variables.jsonl).",
        ),
        _c("entity", "string", "The words the limit is on, as written (`neutrophils`)."),
        _c("entity_id", "string", "Id of the entity (in `entities`) it constrains, when found."),
        _c("comparator", "string", "As written: `<`, `<=`, `>`, `>=`, `=`, `between`, `in`, `+-`."),
        _c("value", "float64", "The value as written, in `unit`.", "`unit`"),
        _c("value_max", "float64", "Upper value of a range (`between`), in `unit`.", "`unit`"),
        _c("values", "list<float64>", "The allowed values of an ordinal scale (`in`: ECOG 0, 1)."),
        _c("unit", "string", "The unit as written (`/mm3`, `mg/dL`); null for none."),
        _c(
            "relative_to",
            "string",
            "`ULN` or `LLN` when the value is a multiple of a normal limit.",
        ),
        _c(
            "normalized_value",
            "float64",
            "`value` in the variable's canonical unit (`normalized_unit`).",
            "`normalized_unit`",
        ),
        _c(
            "normalized_value_max",
            "float64",
            "`value_max` in the canonical unit.",
            "`normalized_unit`",
        ),
        _c(
            "normalized_unit",
            "string",
            "Canonical unit (`10^9/L`, `g/L`, `umol/L`, `mL/min`, `years`, …); "
            "with `relative_to` the multiplier has none.",
        ),
        *_eligible(None),
        _c(
            "eligible_values",
            "list<float64>",
            "For an ordinal scale, the grades a patient may have (exclusion ECOG 2-4: 0, 1).",
        ),
        _c(
            "comparator_inferred",
            "bool",
            "The comparator is read into a lost `=` in the variable's direction "
            "(`ANC = 1.5 × 10^9/L` in an inclusion list: `>=`), not as written.",
        ),
        _c(
            "suspect",
            "string",
            "`implausible` when the normalized value is outside the variable's plausible "
            "range; null otherwise.",
        ),
        _c(
            "suspect_unit",
            "string",
            "For a suspect limit, the unit that gives a plausible reading (`g/dL` for "
            '"Albumin < 2.0 mg/dl"); null when none does.',
        ),
        _c(
            "requirement",
            "string",
            "`required` (a patient must be in the stated range), `excluded` (must not be: "
            "`eligible_*` is the complement), `allowed` (the sentence grants it: "
            '"… enrollment is allowed"); null for a subgroup named under an obligation.',
        ),
        _c("condition", "string", "A condition the limit applies under (`if liver metastases`)."),
        _c(
            "group",
            "string",
            'Shared by alternatives ("creatinine ≤ 1.5 mg/dL or CrCl ≥ 60 mL/min"); quote it in SQL.',
        ),
        _c("source", "string", "`text`, or `structured` for the minimum/maximum age fields."),
        _START,
        _END,
        *_PROVENANCE,
    ),
)

WINDOWS = Table(
    "windows",
    "one time constraint",
    key=("study_id", "criterion_id", "window_index"),
    sort=("study_id", "criterion_index", "window_index"),
    columns=(
        _STUDY_ID,
        _NCT_ID,
        _CRITERION_ID,
        _CRITERION_INDEX,
        _c("window_index", "int32", "Position of the window in its criterion (0-based)."),
        _SECTION,
        _c("event", "string", "What must (not) have happened (`systemic anti-tumor therapy`)."),
        _c("comparator", "string", "As written: `<`, `<=`, `>`, `>=`, `=`, `between`, `+-`."),
        _c("value", "float64", "The period as written, in `unit`.", "`unit`"),
        _c("value_max", "float64", "Upper bound of a range of periods, in `unit`.", "`unit`"),
        _c("unit", "string", "`day`, `week`, `month`, `year`, `calendar_year`, …"),
        _c("days", "float64", "The period in days (week 7, month 30, year 365).", "days"),
        _c("days_max", "float64", "Upper bound of a range in days.", "days"),
        _c("direction", "string", "`before` or `after` the anchor."),
        _c("anchor", "string", "`first_dose`, `enrollment`, `randomization`, `screening`, …"),
        _c(
            "requirement",
            "string",
            "`required`, `excluded` or `allowed`: what is asked of the event.",
        ),
        *_eligible("days"),
        _c("entity_id", "string", "Id of the entity (in `entities`) the window constrains."),
        _START,
        _END,
        *_PROVENANCE,
    ),
)

ENTITIES = Table(
    "entities",
    "one condition, drug, procedure, measurement, … a criterion is about",
    key=("study_id", "entity_id"),
    sort=("study_id", "criterion_index", "entity_index"),
    columns=(
        _STUDY_ID,
        _NCT_ID,
        _CRITERION_ID,
        _CRITERION_INDEX,
        _c("entity_index", "int32", "Position of the entity in its criterion (0-based)."),
        _c("entity_id", "string", "`<criterion id>/e<N>`."),
        _c("type", "string", "`condition`, `drug`, `procedure`, `measurement`, `device`, …"),
        _c("text", "string", "The entity as written."),
        _START,
        _END,
        _c("concept_id", "string", "Concept id in the concept lexicon."),
        _c("concept_name", "string", "Concept name."),
        _c("concept_mesh", "string", "MeSH descriptor id, where known."),
        _c(
            "assertion",
            "string",
            "`present`, `negated`, `historical`, `hypothetical`, `possible`, `family`.",
        ),
        _c("requirement", "string", "`required`, `excluded` or `allowed`."),
        _c(
            "qualifiers",
            "string",
            "Words that narrow it, `; `-separated (`active; uncontrolled`); "
            "models/qualifiers.jsonl.",
        ),
        _c(
            "source",
            "string",
            "`model` (the trained recognizer) or `lexicon` (a concept-lexicon mention, "
            "kept where both found something).",
        ),
        *_PROVENANCE,
    ),
)

CONDITIONS = Table(
    "conditions",
    "one condition a study lists",
    key=("study_id", "condition_index"),
    sort=("study_id", "condition_index"),
    columns=(
        _STUDY_ID,
        _NCT_ID,
        _c("condition_index", "int32", "Position in the record's list (0-based)."),
        _c("condition", "string", "The condition as the registry lists it."),
        *_PROVENANCE,
    ),
)

INTERVENTIONS = Table(
    "interventions",
    "one intervention a study lists",
    key=("study_id", "intervention_index"),
    sort=("study_id", "intervention_index"),
    columns=(
        _STUDY_ID,
        _NCT_ID,
        _c("intervention_index", "int32", "Position in the record's list (0-based)."),
        _c("type", "string", "`DRUG`, `BIOLOGICAL`, `DEVICE`, `PROCEDURE`, …"),
        _c("name", "string", "The intervention's name."),
        _c("description", "string", "Its description."),
        *_PROVENANCE,
    ),
)

OUTCOMES = Table(
    "outcomes",
    "one outcome measure",
    key=("study_id", "outcome_index"),
    sort=("study_id", "outcome_index"),
    columns=(
        _STUDY_ID,
        _NCT_ID,
        _c("outcome_index", "int32", "Position in the record's list (0-based)."),
        _c("kind", "string", "`primary`, `secondary` or `other`."),
        _c("measure", "string", "The measure."),
        _c("description", "string", "Its description."),
        _c("time_frame", "string", "Its time frame, as written."),
        *_PROVENANCE,
    ),
)

ERRORS = Table(
    "errors",
    "one input that could not be read or parsed (the run went on)",
    key=("input", "study_id", "stage"),
    sort=("input", "study_id", "stage", "reason"),
    columns=(
        _c("input", "string", "The archive member, file, or NCT id at fault."),
        _c("study_id", "string", "The study it concerns, when known."),
        _c(
            "stage",
            "string",
            "`fetch` (not in the registry), `read` (not a readable record), "
            "`parse` (the pipeline failed on it) or `duplicate` (another input has the same study).",
        ),
        _c("reason", "string", "What is wrong, in one line."),
        *_PROVENANCE,
    ),
)

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        STUDIES,
        CRITERIA,
        THRESHOLDS,
        WINDOWS,
        ENTITIES,
        CONDITIONS,
        INTERVENTIONS,
        OUTCOMES,
        ERRORS,
    )
}


def _arrow_type(name: str) -> pa.DataType:
    import pyarrow as pa

    return {
        "string": pa.string(),
        "int32": pa.int32(),
        "int64": pa.int64(),
        "float64": pa.float64(),
        "bool": pa.bool_(),
        "date32": pa.date32(),
        "list<float64>": pa.list_(pa.float64()),
    }[name]


@cache
def arrow_schema(table: str) -> pa.Schema:
    """The Arrow schema a table's part files are written with."""
    import pyarrow as pa

    spec = TABLES[table]
    return pa.schema([pa.field(c.name, _arrow_type(c.type)) for c in spec.columns])


def schema_document() -> dict[str, Any]:
    """The content of ``schema.json``: version, and per table its key, sort and columns."""
    return {
        "schema_version": SCHEMA_VERSION,
        "tables": {
            t.name: {
                "row": t.row,
                "key": list(t.key),
                "sort": list(t.sort),
                "columns": [
                    {"name": c.name, "type": c.type, "unit": c.unit, "description": c.description}
                    for c in t.columns
                ],
            }
            for t in TABLES.values()
        },
    }


def schema_markdown() -> str:
    """``docs/dataset-schema.md``: every table and column, generated from :data:`TABLES`."""
    lines = [
        "# Dataset schema",
        "",
        f"Schema version **{SCHEMA_VERSION}** (`schema.json` in every dataset directory says the",
        "same in machine-readable form). Generated from `ctparse/dataset/tables.py` by",
        "`python -m ctparse.dataset.tables > docs/dataset-schema.md`; a test keeps it current.",
        "",
        "Every table is a set of Parquet part files under `DIR/<table>/` (one per partition",
        "of the input, zstd-compressed), with a view of the same name in `DIR/ctparse.duckdb`.",
        "After a `dataset update`, the re-parsed studies' rows are in delta parts under",
        "`DIR/_delta/<table>/` and the studies they replace in `DIR/_delta/replaced/`; the views",
        "and `ctparse.dataset.open()` combine them, and `dataset update --compact` folds them",
        "into the base parts.",
        "`study_id` joins every table; rows are sorted by the table's sort key, so two builds",
        "of the same input are identical row for row. Offsets (`start`, `end`) count",
        "characters of the study's `criteria_text`. A unit in backquotes names the column",
        'that holds the unit. `end` and `group` are SQL keywords: quote them (`"end"`).',
        "",
    ]
    for t in TABLES.values():
        lines += [
            f"## `{t.name}`",
            "",
            f"One row: {t.row}. Key: {', '.join(f'`{k}`' for k in t.key)}. "
            f"Sorted by {', '.join(f'`{k}`' for k in t.sort)}.",
            "",
            "| column | type | unit | meaning |",
            "|---|---|---|---|",
        ]
        for c in t.columns:
            description = c.description.replace("|", "\\|")
            lines.append(f"| `{c.name}` | {c.type} | {c.unit or ''} | {description} |")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover - regenerates the documentation page
    print(schema_markdown(), end="")
