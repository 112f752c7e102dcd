"""CT.gov CSV export (the website's "Download" and the API's ``format=csv``).

Two layouts are read:

* a CSV file whose header row names the columns (``NCT Number``, ``Study
  Title``, …) followed by one row per study;
* one study's row with the fields joined by newlines and no header (seed
  ``000_b18e679de2996d7e.txt``): title, brief summary, conditions,
  interventions, primary outcomes, secondary outcomes, then free text. The
  interventions line (``DRUG: X|DRUG: Y``) anchors the positions.

Neither carries eligibility criteria, so ``criteria_text`` is null. A record
without an NCT id gets a ``local-…`` id derived from its content.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping

from ..errors import ReadError
from ..records import is_nct_id
from ..schema import Design, Eligibility, Enrollment, Intervention, Location, Outcome, Source, Study
from . import normalize as norm

FORMAT = "csv_export"

# Every column the registry exports (website download and API format=csv).
COLUMNS = (
    "NCT Number",
    "Study Title",
    "Study URL",
    "Acronym",
    "Study Status",
    "Brief Summary",
    "Study Results",
    "Conditions",
    "Interventions",
    "Primary Outcome Measures",
    "Secondary Outcome Measures",
    "Other Outcome Measures",
    "Sponsor",
    "Collaborators",
    "Sex",
    "Age",
    "Phases",
    "Enrollment",
    "Funder Type",
    "Study Type",
    "Study Design",
    "Other IDs",
    "Start Date",
    "Primary Completion Date",
    "Completion Date",
    "First Posted",
    "Results First Posted",
    "Last Update Posted",
    "Locations",
    "Study Documents",
)
_KNOWN = {c.lower() for c in COLUMNS}

_INTERVENTION_TYPES = (
    "DRUG",
    "DEVICE",
    "BIOLOGICAL",
    "PROCEDURE",
    "RADIATION",
    "BEHAVIORAL",
    "GENETIC",
    "DIETARY_SUPPLEMENT",
    "COMBINATION_PRODUCT",
    "DIAGNOSTIC_TEST",
    "OTHER",
)
_INTERVENTION = re.compile(rf"^(?:{'|'.join(_INTERVENTION_TYPES)}): \S")


# ---------------------------------------------------------------- detection


def header_columns(text: str) -> list[str] | None:
    """The header cells when the first line parses as a CSV row of 3+ cells."""
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    try:
        cells = next(csv.reader([first]))
    except (csv.Error, StopIteration):
        return None
    cells = [c.strip() for c in cells]
    return cells if len(cells) >= 3 else None


def has_known_header(text: str) -> bool:
    """True when the header names the study (``NCT Number``/``Study Title``)
    and every column is one the registry exports."""
    cells = header_columns(text)
    if not cells:
        return False
    lowered = {c.lower() for c in cells}
    return bool(lowered & {"nct number", "study title"}) and lowered <= _KNOWN


def unknown_header_message(text: str) -> str:
    cells = header_columns(text) or []
    unknown = [c for c in cells if c.lower() not in _KNOWN][:4]
    listed = ", ".join(repr(c) for c in unknown) if unknown else "no 'NCT Number' or 'Study Title'"
    return f"CSV header is not a ClinicalTrials.gov export (unknown column(s) {listed})"


def is_interventions_line(line: str) -> bool:
    return all(_INTERVENTION.match(part.strip()) for part in line.split("|") if part.strip())


def looks_like_row(text: str) -> bool:
    """True for the newline-joined single-row layout of seed 000."""
    lines = [line for line in text.split("\n") if line.strip()]
    return 3 <= len(lines) <= 40 and any(is_interventions_line(line) for line in lines[1:6])


# -------------------------------------------------------------- cell parsers


def _split(cell: str | None) -> tuple[str, ...]:
    if not cell:
        return ()
    return tuple(s for s in (norm.squash(part) for part in cell.split("|")) if s)


def interventions(cell: str | None) -> tuple[Intervention, ...]:
    """``DRUG: Camrelizumab|DRUG: Irinotecan`` → Interventions."""
    result = []
    for part in _split(cell):
        kind, sep, name = part.partition(": ")
        if sep and kind.replace("_", "").isalpha() and kind.upper() == kind:
            result.append(Intervention(type=norm.enum(kind), name=norm.squash(name)))
        else:
            result.append(Intervention(type=None, name=part))
    return tuple(result)


def outcomes(cell: str | None, *, kind: str) -> tuple[Outcome, ...]:
    """``measure, description, time frame|…``: the time frame is split off the
    last comma, the measure off the first one."""
    result = []
    for part in _split(cell):
        head, sep, time_frame = part.rpartition(", ")
        if not sep:
            result.append(Outcome(kind=kind, measure=part))
            continue
        measure, sep2, description = head.partition(", ")
        result.append(
            Outcome(
                kind=kind,
                measure=norm.squash(measure),
                description=norm.squash(description) if sep2 else None,
                time_frame=norm.squash(time_frame),
            )
        )
    return tuple(result)


def _design(cell: str | None) -> dict[str, str]:
    """``Allocation: RANDOMIZED|Intervention Model: PARALLEL|…`` → dict."""
    result = {}
    for part in _split(cell):
        key, sep, value = part.partition(":")
        if sep:
            result[key.strip().lower()] = value.strip()
    return result


def _ages(cell: str | None) -> tuple[str | None, str | None]:
    """``18 Years to 80 Years   (Adult, Older Adult)`` / ``18 Years and older``."""
    if not cell:
        return None, None
    text = re.sub(r"\(.*?\)", "", cell).strip()
    match = re.match(r"(.+?)\s+to\s+(.+)$", text, re.I)
    if match:
        return norm.age(match.group(1)), norm.age(match.group(2))
    match = re.match(r"(.+?)\s+and\s+older$", text, re.I)
    if match:
        return norm.age(match.group(1)), None
    match = re.match(r"up\s+to\s+(.+)$", text, re.I)
    if match:
        return None, norm.age(match.group(1))
    return None, None


def _locations(cell: str | None) -> tuple[Location, ...]:
    """``Facility, City, [State, ][ZIP, ]Country|…``. Facility names may hold
    commas too, so the place is read from the end: country last, a ZIP (has a
    digit) dropped, then state and city when enough parts are left."""
    result = []
    for part in _split(cell):
        pieces = [p.strip() for p in part.split(", ") if p.strip()]
        country = pieces.pop() if len(pieces) > 1 else None
        if len(pieces) > 1 and re.search(r"\d", pieces[-1]):
            pieces.pop()
        city = None
        if len(pieces) >= 3:
            city = pieces[-2]
            pieces = pieces[:-2]
        elif len(pieces) == 2:
            city = pieces.pop()
        result.append(Location(facility=", ".join(pieces) or None, city=city, country=country))
    return tuple(result)


def _enrollment(cell: str | None) -> Enrollment:
    if not cell or not cell.strip():
        return Enrollment()
    match = re.match(r"\s*(\d+)\s*(?:\((\w+)\))?", cell)
    if not match:
        return Enrollment()
    return Enrollment(count=int(match.group(1)), type=norm.enrollment_type(match.group(2)))


# ------------------------------------------------------------------ studies


def study_from_row(row: Mapping[str, str | None], *, source: Source, local_id: str | None) -> Study:
    """One export row (column name → cell) → Study."""

    def cell(name: str) -> str | None:
        return norm.clean(row.get(name))

    design = _design(cell("Study Design"))
    minimum_age, maximum_age = _ages(cell("Age"))
    nct_id = cell("NCT Number")
    return Study(
        nct_id=nct_id.upper() if nct_id else None,
        local_id=None if nct_id else local_id,
        source=source,
        brief_title=norm.squash(cell("Study Title")),
        acronym=cell("Acronym"),
        overall_status=norm.status(cell("Study Status")),
        phases=norm.phases(cell("Phases")),
        study_type=norm.study_type(cell("Study Type")),
        design=Design(
            allocation=norm.allocation(design.get("allocation")),
            intervention_model=norm.intervention_model(design.get("intervention model")),
            masking=norm.masking(design.get("masking")),
            primary_purpose=norm.enum(design.get("primary purpose")),
        ),
        enrollment=_enrollment(cell("Enrollment")),
        start_date=norm.iso_date(cell("Start Date")),
        primary_completion_date=norm.iso_date(cell("Primary Completion Date")),
        completion_date=norm.iso_date(cell("Completion Date")),
        sponsor=norm.squash(cell("Sponsor")),
        collaborators=_split(cell("Collaborators")),
        conditions=_split(cell("Conditions")),
        interventions=interventions(cell("Interventions")),
        outcomes=(
            outcomes(cell("Primary Outcome Measures"), kind="primary")
            + outcomes(cell("Secondary Outcome Measures"), kind="secondary")
            + outcomes(cell("Other Outcome Measures"), kind="other")
        ),
        eligibility=Eligibility(
            criteria_text=None,
            sex=norm.sex(cell("Sex")),
            minimum_age=minimum_age,
            maximum_age=maximum_age,
        ),
        locations=_locations(cell("Locations")),
        last_update_posted=norm.iso_date(cell("Last Update Posted")),
    )


def read_table(text: str, *, location: str) -> list[Study]:
    """A CSV export with its header row → one Study per row.

    Raises:
        ReadError: a header the registry does not write, or a broken row: more
            or fewer cells than the header, or a quote left open (its cell runs
            over the following rows, or to the end of the file), named by the
            line it starts on.
    """
    if not has_known_header(text):
        raise ReadError(location, unknown_header_message(text))
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")), strict=True)
    studies = []
    line = 1
    try:
        header = [name.strip() for name in next(reader)]
        for cells in reader:
            first, line = line + 1, reader.line_num
            where = f"{location}:{first}"
            if not any(cell.strip() for cell in cells):
                continue
            _check_row(cells, header, where, first)
            row = dict(zip(header, cells, strict=True))
            studies.append(
                study_from_row(
                    row,
                    source=Source(FORMAT, location),
                    local_id=norm.local_id(",".join(cells)),
                )
            )
    except csv.Error as exc:
        problem = str(exc)
        if "unexpected end of data" in problem:
            problem = "a quote on this line is not closed: its cell runs to the end of the file"
        raise ReadError(f"{location}:{line + 1}", f"malformed CSV ({problem})") from exc
    if not studies:
        raise ReadError(location, "CSV export has a header but no study rows")
    return studies


# A physical line that starts the way an export row does: an NCT id, then a comma.
_ROW_START = re.compile(r'\n"?NCT\d{8}"?,')


def _check_row(cells: list[str], header: list[str], where: str, first: int) -> None:
    """Refuse a row that the registry cannot have written (see :func:`read_table`)."""
    for index, cell in enumerate(cells):
        swallowed = _ROW_START.search(cell)
        if swallowed:
            offset = cell.count("\n", 0, swallowed.start()) + 1
            column = header[index] if index < len(header) else f"cell {index + 1}"
            raise ReadError(
                where,
                f"a quote in column {column!r} is not closed: its cell runs into the next "
                f"row (line {first + offset})",
            )
    if len(cells) > len(header):
        raise ReadError(where, "row has more cells than the header")
    if len(cells) < len(header):
        raise ReadError(
            where,
            f"row has {len(cells)} of the header's {len(header)} cells "
            "(a quote left open, or a truncated row)",
        )


def read_row(text: str, *, location: str) -> list[Study]:
    """The newline-joined single row of seed 000 → ``[Study]``."""
    lines = [line.strip() for line in text.lstrip("\ufeff").split("\n")]
    lines = [line for line in lines if line]
    anchor = next((i for i, line in enumerate(lines) if i > 0 and is_interventions_line(line)), 0)
    if not anchor:
        raise ReadError(location, "no interventions line (DRUG: …) in a one-row CSV export")
    row: dict[str, str | None] = {"Study Title": lines[0]}
    if is_nct_id(lines[0]):
        row = {"NCT Number": lines[0], "Study Title": lines[1]}
    row["Conditions"] = lines[anchor - 1] if anchor >= 2 else None
    row["Interventions"] = lines[anchor]
    after = lines[anchor + 1 :]
    row["Primary Outcome Measures"] = after[0] if after else None
    row["Secondary Outcome Measures"] = after[1] if len(after) > 1 else None
    return [study_from_row(row, source=Source(FORMAT, location), local_id=norm.local_id(text))]
