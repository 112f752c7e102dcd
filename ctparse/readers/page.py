"""The registry "full info" page, as plain text (seed ``004_a803df08c1dbcb20``)
or as HTML.

The page opens with a summary block (title, status, a flattened copy of the
eligibility text, sites, arms, outcomes), then ``Full Information`` with
``First Posted``/``Last Updated`` and twelve numbered sections,
``1. Study Identification`` … ``12. IPD Sharing Statement``. Inside a section
every fact is a label line (``Brief Title``, ``Study Phase``, ``Time Frame``)
followed by its value on the next line(s).

The reader turns the page into a stream of ``(section, label, value)`` and
builds the Study from it; the HTML reader first renders the HTML to the same
lines (one per block element), so both share one parser. The criteria text is
kept exactly as the page has it: the mirror already flattened it to plain
prose, and offsets must index it unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..errors import ReadError
from ..records import find_nct_id
from ..schema import (
    Arm,
    Design,
    Eligibility,
    Enrollment,
    Intervention,
    Location,
    Outcome,
    Source,
    Study,
)
from . import normalize as norm

TEXT_FORMAT = "page_text"
HTML_FORMAT = "page_html"

_SECTION = re.compile(
    r"^\s*(\d{1,2})\.\s+(Study Identification|Study Status|Sponsor/Collaborators|Oversight|"
    r"Study Description|Conditions and Keywords|Study Design|"
    r"Arms, Groups,? and Interventions|Outcome Measures|Eligibility|Contacts and Locations|"
    r"IPD Sharing Statement|References)\s*$",
    re.I,
)
_FULL_INFO = re.compile(r"^\s*Full Information\s*$", re.I)

# Lines that name a fact inside the numbered sections. A value never repeats
# one of these on its own line in practice; "Sponsor" is not one (it is also
# the value of "Responsible Party"), it is only a label in the header block.
LABELS = frozenset(
    {
        # 1. Study Identification
        "Unique Protocol Identification Number",
        "NCT Number",
        "NCT ID",
        "Brief Title",
        "Official Title",
        "Acronym",
        "Study Type",
        "Secondary IDs",
        "Other Study ID Numbers",
        # 2. Study Status
        "Record Verification Date",
        "Overall Recruitment Status",
        "Why Stopped",
        "Study Start Date",
        "Primary Completion Date",
        "Study Completion Date",
        "First Submitted",
        "Last Update Posted",
        # 3. Sponsor/Collaborators
        "Responsible Party, by Official Title",
        "Name of the Sponsor",
        "Collaborators",
        "Name of the Collaborator",
        "Investigator Name",
        "Investigator Title",
        "Investigator Affiliation",
        # 4. Oversight
        "Studies a U.S. FDA-regulated Drug Product",
        "Studies a U.S. FDA-regulated Device Product",
        "Data Monitoring Committee",
        "Product Manufactured in and Exported from the U.S.",
        # 5. Study Description
        "Brief Summary",
        "Detailed Description",
        # 6. Conditions and Keywords
        "Primary Disease or Condition Being Studied in the Trial, or the Focus of the Study",
        "Keywords",
        # 7. Study Design
        "Primary Purpose",
        "Study Phase",
        "Interventional Study Model",
        "Model Description",
        "Masking",
        "Masking Description",
        "Allocation",
        "Enrollment",
        "Observational Study Model",
        "Time Perspective",
        # 8. Arms, Groups, and Interventions (+ outcome measures as this page nests them)
        "Arm Title",
        "Arm Type",
        "Arm Description",
        "Intervention Type",
        "Intervention Name(s)",
        "Intervention Description",
        "Other Intervention Name(s)",
        "Primary Outcome Measure Information:",
        "Secondary Outcome Measure Information:",
        "Other Pre-specified Outcome Measures:",
        "Title",
        "Description",
        "Time Frame",
        # 10. Eligibility
        "Sex",
        "Gender Based",
        "Minimum Age & Unit of Time",
        "Maximum Age & Unit of Time",
        "Accepts Healthy Volunteers",
        "Eligibility Criteria",
        "Central Contact Person:",
        "Central Contact Backup:",
        "First Name & Middle Initial & Last Name or Official Title & Degree",
        "First Name & Middle Initial & Last Name & Degree",
        "Phone",
        "Phone Ext.",
        "Email",
        "Overall Study Officials:",
        "Organizational Affiliation",
        "Official's Role",
        "Facility Information:",
        "Facility Name",
        "City",
        "State/Province",
        "ZIP/Postal Code",
        "Country",
        "Individual Site Status",
        "Facility Contact:",
        # 12. IPD Sharing Statement
        "Plan to Share IPD",
        "IPD Sharing Plan Description",
    }
)
_HEADER_LABELS = frozenset({"First Posted", "Last Updated", "Sponsor"})
_LABELS_LOWER = {label.lower(): label for label in LABELS}
_HEADER_LOWER = {label.lower(): label for label in _HEADER_LABELS}


@dataclass(frozen=True)
class Fact:
    """One labelled value of the page. ``section`` is 0 for the block between
    ``Full Information`` and section 1."""

    section: int
    label: str
    lines: tuple[str, ...]

    @property
    def value(self) -> str | None:
        return norm.squash(" ".join(self.lines))


def has_layout(text: str) -> bool:
    """True when the text has the numbered full-info sections."""
    return any(_SECTION.match(line) for line in text.splitlines()) and any(
        line.strip().lower() in _LABELS_LOWER for line in text.splitlines()
    )


def facts(text: str) -> list[Fact]:
    """The page as ``(section, label, value lines)`` in page order."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    start = next((i for i, line in enumerate(lines) if _FULL_INFO.match(line)), None)
    if start is None:
        start = next(i for i, line in enumerate(lines) if _SECTION.match(line))
    section = 0
    result: list[Fact] = []
    label: str | None = None
    values: list[str] = []

    def flush() -> None:
        if label is not None:
            result.append(Fact(section, label, tuple(values)))

    for line in lines[start:]:
        stripped = line.strip()
        heading = _SECTION.match(stripped)
        key = stripped.lower()
        known = _HEADER_LOWER.get(key) if section == 0 else _LABELS_LOWER.get(key)
        if heading or known:
            flush()
            values = []
            label = known
            if heading:
                section = int(heading.group(1))
                label = None
        elif label is not None and stripped:
            values.append(stripped)
    flush()
    return result


def _first(items: list[Fact], *labels: str, section: int | None = None) -> Fact | None:
    for fact in items:
        if fact.label in labels and (section is None or fact.section == section):
            return fact
    return None


def _value(items: list[Fact], *labels: str, section: int | None = None) -> str | None:
    fact = _first(items, *labels, section=section)
    return fact.value if fact else None


def _arms_and_interventions(
    items: list[Fact],
) -> tuple[tuple[Arm, ...], tuple[Intervention, ...]]:
    """Section 8: an ``Arm Title`` opens an arm; the interventions listed
    after it belong to it."""
    arms: list[dict[str, Any]] = []
    interventions: list[dict[str, Any]] = []
    for fact in items:
        if fact.label == "Arm Title":
            arms.append({"label": fact.value, "interventions": []})
        elif fact.label == "Arm Type" and arms:
            arms[-1]["type"] = norm.enum(fact.value)
        elif fact.label == "Arm Description" and arms:
            arms[-1]["description"] = norm.clean("\n".join(fact.lines))
        elif fact.label == "Intervention Type":
            interventions.append({"type": norm.enum(fact.value)})
        elif fact.label == "Intervention Name(s)" and interventions:
            interventions[-1]["name"] = fact.value
            if arms and fact.value:
                arms[-1]["interventions"].append(fact.value)
        elif fact.label == "Intervention Description" and interventions:
            interventions[-1]["description"] = norm.clean("\n".join(fact.lines))
    unique: dict[tuple[Any, Any], Intervention] = {}
    for item in interventions:
        intervention = Intervention(
            type=item.get("type"), name=item.get("name"), description=item.get("description")
        )
        unique.setdefault((intervention.type, intervention.name), intervention)
    return (
        tuple(
            Arm(
                label=arm["label"],
                type=arm.get("type"),
                description=arm.get("description"),
                interventions=tuple(dict.fromkeys(arm["interventions"])),
            )
            for arm in arms
        ),
        tuple(unique.values()),
    )


_OUTCOME_KINDS = {
    "Primary Outcome Measure Information:": "primary",
    "Secondary Outcome Measure Information:": "secondary",
    "Other Pre-specified Outcome Measures:": "other",
}


def _outcomes(items: list[Fact]) -> tuple[Outcome, ...]:
    kind: str | None = None
    outcomes: list[dict[str, Any]] = []
    for fact in items:
        if fact.label in _OUTCOME_KINDS:
            kind = _OUTCOME_KINDS[fact.label]
        elif kind and fact.label == "Title":
            outcomes.append({"kind": kind, "measure": fact.value})
        elif kind and outcomes and fact.label == "Description":
            outcomes[-1]["description"] = fact.value
        elif kind and outcomes and fact.label == "Time Frame":
            outcomes[-1]["time_frame"] = fact.value
    return tuple(Outcome(**outcome) for outcome in outcomes)


def _locations(items: list[Fact]) -> tuple[Location, ...]:
    places: list[dict[str, Any]] = []
    for fact in items:
        if fact.label == "Facility Name":
            places.append({"facility": fact.value})
        elif fact.label == "City" and places:
            places[-1]["city"] = fact.value
        elif fact.label == "Country" and places:
            places[-1]["country"] = fact.value
    return tuple(Location(**place) for place in places)


def _enrollment(text: str | None) -> Enrollment:
    match = re.match(r"\s*(\d+)\s*(?:\((\w+)\))?", text or "")
    if not match:
        return Enrollment()
    return Enrollment(count=int(match.group(1)), type=norm.enrollment_type(match.group(2)))


def _keywords(fact: Fact | None) -> tuple[str, ...]:
    if fact is None:
        return ()
    words = (w.strip() for line in fact.lines for w in line.split(", "))
    return tuple(dict.fromkeys(w for w in words if w))


def _lines(fact: Fact | None) -> tuple[str, ...]:
    if fact is None:
        return ()
    return tuple(dict.fromkeys(v for v in (norm.squash(line) for line in fact.lines) if v))


def _criteria(fact: Fact | None) -> str | None:
    """The criteria exactly as the page has them (one paragraph in a text
    page; one line per paragraph or list item in HTML)."""
    if fact is None:
        return None
    return "\n".join(fact.lines).strip() or None


def read_text(text: str, *, location: str, fmt: str = TEXT_FORMAT) -> list[Study]:
    """A full-info page as text → ``[Study]``.

    Raises:
        ReadError: the numbered sections are missing.
    """
    if not has_layout(text):
        raise ReadError(location, "no '1. Study Identification' section of a full-info page")
    items = facts(text)
    nct_id = _value(items, "Unique Protocol Identification Number", "NCT Number", "NCT ID")
    found_id = find_nct_id(nct_id)
    criteria = _first(items, "Eligibility Criteria")
    sex_text = _value(items, "Sex")
    arms, interventions = _arms_and_interventions(items)
    collaborators = _first(items, "Collaborators", "Name of the Collaborator")
    study = Study(
        nct_id=found_id,
        source=Source(fmt, location),
        brief_title=_value(items, "Brief Title"),
        official_title=_value(items, "Official Title"),
        acronym=_value(items, "Acronym"),
        overall_status=norm.status(_value(items, "Overall Recruitment Status")),
        phases=norm.phases(_value(items, "Study Phase")),
        study_type=norm.study_type(_value(items, "Study Type")),
        design=Design(
            allocation=norm.allocation(_value(items, "Allocation")),
            intervention_model=norm.intervention_model(_value(items, "Interventional Study Model")),
            masking=norm.masking(_value(items, "Masking")),
            primary_purpose=norm.enum(_value(items, "Primary Purpose")),
        ),
        enrollment=_enrollment(_value(items, "Enrollment")),
        start_date=norm.iso_date(_value(items, "Study Start Date")),
        primary_completion_date=norm.iso_date(_value(items, "Primary Completion Date")),
        completion_date=norm.iso_date(_value(items, "Study Completion Date")),
        sponsor=_value(items, "Name of the Sponsor") or _value(items, "Sponsor", section=0),
        collaborators=_lines(collaborators),
        conditions=_lines(
            _first(
                items,
                "Primary Disease or Condition Being Studied in the Trial, or the Focus of the Study",
            )
        ),
        keywords=_keywords(_first(items, "Keywords")),
        arms=arms,
        interventions=interventions,
        outcomes=_outcomes(items),
        eligibility=Eligibility(
            criteria_text=_criteria(criteria),
            sex=norm.sex(sex_text.split()[0] if sex_text else None),
            minimum_age=norm.age(_value(items, "Minimum Age & Unit of Time")),
            maximum_age=norm.age(_value(items, "Maximum Age & Unit of Time")),
            healthy_volunteers=norm.yes_no(_value(items, "Accepts Healthy Volunteers")),
        ),
        locations=_locations(items),
        last_update_posted=norm.iso_date(
            _value(items, "Last Updated", section=0) or _value(items, "Last Update Posted")
        ),
    )
    return [study]


# ------------------------------------------------------------------- HTML

_BLOCKS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "dd",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "html",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    ]
)
_SKIP = frozenset({"script", "style", "noscript", "template", "head"})


def looks_like_html(data: bytes) -> bool:
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype html", b"<html", b"<body", b"<div", b"<section"))


def html_lines(html: bytes | str) -> str:
    """Render HTML to text, one line per block element; ``<li>`` gets ``* ``,
    ``<sup>`` a ``^``."""
    from bs4 import BeautifulSoup, NavigableString, Tag
    from bs4.element import Comment, Doctype

    soup = BeautifulSoup(html, "lxml")
    lines: list[str] = []
    current: list[str] = []

    def end_line() -> None:
        text = " ".join("".join(current).split())
        if text:
            lines.append(text)
        current.clear()

    def walk(node: Tag) -> None:
        for child in node.children:
            if isinstance(child, Comment | Doctype):
                continue
            if isinstance(child, NavigableString):
                current.append(str(child))
            elif isinstance(child, Tag):
                name = child.name.lower()
                if name in _SKIP:
                    continue
                if name == "br":
                    end_line()
                    continue
                if name == "sup":  # 10<sup>9</sup>/L must not become 109/L
                    current.append("^")
                if name in _BLOCKS:
                    end_line()
                    if name == "li":
                        current.append("* ")
                    walk(child)
                    end_line()
                else:
                    walk(child)

    walk(soup)
    end_line()
    return "\n".join(lines)


def read_html(data: bytes, *, location: str) -> list[Study]:
    """A full-info page as HTML → ``[Study]``.

    Raises:
        ReadError: the HTML is not a full-info page.
    """
    text = html_lines(data)
    if not has_layout(text):
        raise ReadError(
            location, "HTML is not a registry full-info page (no '1. Study Identification')"
        )
    return read_text(text, location=location, fmt=HTML_FORMAT)
