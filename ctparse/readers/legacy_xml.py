"""Legacy ClinicalTrials.gov XML (``<clinical_study>``), the format of the old
bulk download and of AACT-era tools.

Parsing is locked down: no entity resolution, no DTD loading, no network, no
huge trees. A document that declares entities in its DOCTYPE (the shape of
both the external-entity and the billion-laughs attacks) is refused before
anything is expanded.

The criteria ``textblock`` is hard-wrapped at about 80 columns with ``-  ``
bullets. It is dedented and each wrapped bullet is joined back onto one
line, and ``-`` bullets become ``* `` as in API v2 markdown, so that the
segmenter sees the same layout from every format.
"""

from __future__ import annotations

import re
import textwrap

from lxml import etree

from ..errors import ReadError
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

FORMAT = "legacy_xml"

_ENTITY_DECL = re.compile(rb"<!ENTITY", re.I)
_DOCTYPE = re.compile(rb"<!DOCTYPE", re.I)


def looks_like(data: bytes) -> bool:
    """True when the bytes start like an XML document (after a BOM/blanks)."""
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"<?xml") or head.startswith(b"<clinical_study")


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def parse(data: bytes, *, location: str) -> etree._Element:
    """Parse safely and return the ``clinical_study`` element.

    Raises:
        ReadError: entities declared, malformed XML, or another root element.
    """
    if _DOCTYPE.search(data[:65536]) and _ENTITY_DECL.search(data):
        raise ReadError(
            location,
            "XML declares entities in its DOCTYPE (external entity or entity "
            "expansion); refused for safety",
        )
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as exc:
        raise ReadError(location, f"malformed XML ({exc.msg})") from exc
    tree = root.getroottree()
    dtd = tree.docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise ReadError(location, "XML declares entities in its DOCTYPE; refused for safety")
    if root.tag != "clinical_study":
        raise ReadError(location, f"XML root is <{root.tag}>, not a legacy <clinical_study> record")
    return root


def _text(element: etree._Element | None, path: str) -> str | None:
    if element is None:
        return None
    found = element.find(path)
    if found is None:
        return None
    return norm.squash("".join(found.itertext()))


def _texts(element: etree._Element, path: str) -> tuple[str, ...]:
    values = (norm.squash("".join(e.itertext())) for e in element.findall(path))
    return tuple(v for v in values if v)


def _block(element: etree._Element | None, path: str) -> str | None:
    """A ``textblock`` with its indentation removed, line breaks kept."""
    if element is None:
        return None
    found = element.find(path)
    if found is None:
        return None
    text = "".join(found.itertext()).replace("\r\n", "\n").strip("\n")
    return norm.clean(textwrap.dedent(text))


_BULLET = re.compile(r"^(\s*)(-|\*|•|\d+[.)])(\s+)(.*)$")


def unwrap_criteria(text: str) -> str:
    """Join hard-wrapped lines back onto their bullet; ``-`` bullets → ``*``.

    Headings (``Inclusion Criteria:``) and blank lines are kept, so the
    result has the layout of API v2 markdown.
    """
    lines: list[str] = []
    continuing = False
    for raw in text.split("\n"):
        line = raw.rstrip()
        if not line.strip():
            lines.append("")
            continuing = False
            continue
        bullet = _BULLET.match(line)
        if bullet:
            indent, mark, _, body = bullet.groups()
            mark = "*" if mark in {"-", "•"} else mark
            nested = "  " * min(len(indent) // 4, 3) if len(indent) > 4 else ""
            lines.append(f"{nested}{mark} {body.strip()}")
            continuing = True
        elif continuing and raw.startswith(" "):
            lines[-1] = f"{lines[-1]} {line.strip()}"
        else:
            lines.append(line.strip())
            continuing = False
    # One blank line between blocks; no blank lines between bullets.
    out: list[str] = []
    for index, line in enumerate(lines):
        if not line:
            prev = out[-1] if out else ""
            nxt = next((n for n in lines[index + 1 :] if n), "")
            if not prev or not nxt or (_BULLET.match(prev) and _BULLET.match(nxt)):
                continue
            if out and out[-1] == "":
                continue
        out.append(line)
    return "\n".join(out).strip()


_DESIGN_PART = re.compile(r"([A-Za-z ]+):\s*([^:]+?)(?=,\s*[A-Za-z ]+:|$)")


def _design(text: str | None) -> dict[str, str]:
    """``Allocation:  Randomized, Masking:  Double Blind (Subject, …)`` → dict."""
    if not text:
        return {}
    return {key.strip().lower(): value.strip() for key, value in _DESIGN_PART.findall(text)}


def _download_date(root: etree._Element) -> str | None:
    text = _text(root, "required_header/download_date")
    if not text:
        return None
    match = re.search(r"\bon\s+(.+)$", text)
    return norm.iso_date(match.group(1)) if match else None


def _arms(root: etree._Element, members: dict[str, list[str]]) -> tuple[Arm, ...]:
    arms = []
    for arm in root.findall("arm_group"):
        label = _text(arm, "arm_group_label")
        arms.append(
            Arm(
                label=label,
                type=norm.enum(_text(arm, "arm_group_type")),
                description=_text(arm, "description"),
                interventions=tuple(members.get(label or "", ())),
            )
        )
    return tuple(arms)


def read_record(root: etree._Element, *, source: Source) -> Study:
    """A parsed ``clinical_study`` element → Study."""
    eligibility = root.find("eligibility")
    design = _design(_text(root, "study_design"))
    enrollment = root.find("enrollment")
    count_text = _text(root, "enrollment")
    criteria = _block(eligibility, "criteria/textblock")

    interventions = []
    arm_members: dict[str, list[str]] = {}
    for item in root.findall("intervention"):
        name = _text(item, "intervention_name")
        interventions.append(
            Intervention(
                type=norm.enum(_text(item, "intervention_type")),
                name=name,
                description=_text(item, "description"),
            )
        )
        for arm_label in _texts(item, "arm_group_label"):
            if name:
                arm_members.setdefault(arm_label, []).append(name)

    outcomes = [
        Outcome(
            kind=kind,
            measure=_text(item, "measure"),
            description=_text(item, "description"),
            time_frame=_text(item, "time_frame"),
        )
        for kind, tag in (
            ("primary", "primary_outcome"),
            ("secondary", "secondary_outcome"),
            ("other", "other_outcome"),
        )
        for item in root.findall(tag)
    ]
    keywords = tuple(k.rstrip(",;").strip() for k in _texts(root, "keyword"))
    return Study(
        nct_id=_text(root, "id_info/nct_id"),
        source=Source(source.format, source.location, source.retrieved or _download_date(root)),
        brief_title=_text(root, "brief_title"),
        official_title=_text(root, "official_title"),
        acronym=_text(root, "acronym"),
        overall_status=norm.status(_text(root, "overall_status")),
        phases=norm.phases(_text(root, "phase")),
        study_type=norm.study_type(_text(root, "study_type")),
        design=Design(
            allocation=norm.allocation(design.get("allocation")),
            intervention_model=norm.intervention_model(design.get("intervention model")),
            masking=norm.masking(design.get("masking")),
            primary_purpose=norm.enum(design.get("primary purpose")),
        ),
        enrollment=Enrollment(
            count=int(count_text) if count_text and count_text.isdigit() else None,
            type=norm.enrollment_type(enrollment.get("type") if enrollment is not None else None),
        ),
        start_date=norm.iso_date(_text(root, "start_date")),
        primary_completion_date=norm.iso_date(_text(root, "primary_completion_date")),
        completion_date=norm.iso_date(_text(root, "completion_date")),
        sponsor=_text(root, "sponsors/lead_sponsor/agency"),
        collaborators=_texts(root, "sponsors/collaborator/agency"),
        conditions=_texts(root, "condition"),
        keywords=tuple(k for k in keywords if k),
        arms=_arms(root, arm_members),
        interventions=tuple(interventions),
        outcomes=tuple(outcomes),
        eligibility=Eligibility(
            criteria_text=unwrap_criteria(criteria) if criteria else None,
            sex=norm.sex(_text(eligibility, "gender")),
            minimum_age=norm.age(_text(eligibility, "minimum_age")),
            maximum_age=norm.age(_text(eligibility, "maximum_age")),
            healthy_volunteers=norm.yes_no(_text(eligibility, "healthy_volunteers")),
        ),
        locations=tuple(
            Location(
                facility=_text(loc, "facility/name"),
                city=_text(loc, "facility/address/city"),
                country=_text(loc, "facility/address/country"),
            )
            for loc in root.findall("location")
        ),
        last_update_posted=norm.iso_date(
            _text(root, "last_update_posted") or _text(root, "lastchanged_date")
        ),
    )


def read(data: bytes, *, location: str) -> list[Study]:
    """Bytes of a legacy XML record → ``[Study]``."""
    return [read_record(parse(data, location=location), source=Source(FORMAT, location))]
