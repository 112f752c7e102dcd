"""ClinicalTrials.gov API v2 JSON: one study object, or a list page
``{"studies": [...], "nextPageToken": ...}``.

The API already speaks the enums ctparse uses; this reader picks the modules
of ``protocolSection`` apart, removes markdown escapes from the criteria and
repairs mojibake the registry itself carries (``â‰¥`` in some records).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import ReadError
from ..schema import (
    Arm,
    Design,
    Eligibility,
    Enrollment,
    Intervention,
    Location,
    MeshTerm,
    Outcome,
    Source,
    Study,
)
from . import normalize as norm

FORMAT = "api_v2_json"


def is_study(obj: Any) -> bool:
    """True for one API v2 study object (it has ``protocolSection``)."""
    return isinstance(obj, dict) and isinstance(obj.get("protocolSection"), dict)


def is_page(obj: Any) -> bool:
    """True for a ``GET /studies`` page: ``{"studies": [...]}``."""
    return isinstance(obj, dict) and isinstance(obj.get("studies"), list)


def read_document(obj: Any, *, location: str) -> list[Study]:
    """Every study of a parsed API v2 document: one study, a list page, or a
    JSON array of studies.

    Raises:
        ReadError: the JSON is neither shape, or a page entry is not a study.
    """
    if is_study(obj):
        return [read_record(obj, source=Source(FORMAT, location))]
    if is_page(obj) or (isinstance(obj, list) and obj and all(map(is_study, obj))):
        records = obj["studies"] if isinstance(obj, dict) else obj
        studies = []
        for index, record in enumerate(records):
            if not is_study(record):
                raise ReadError(
                    location, f"studies[{index}] is not an API v2 study (no protocolSection)"
                )
            studies.append(read_record(record, source=Source(FORMAT, location)))
        return studies
    raise ReadError(location, f"JSON is not an API v2 study or list page ({_shape(obj)})")


def _shape(obj: Any) -> str:
    if isinstance(obj, dict):
        keys = ", ".join(sorted(map(str, obj))[:5]) or "no keys"
        return f"an object with {keys}"
    return f"a JSON {type(obj).__name__}".replace("dict", "object").replace("list", "array")


def _get(obj: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


def _str(value: Any) -> str | None:
    return norm.clean(value) if isinstance(value, str) else None


def _strs(values: Any) -> tuple[str, ...]:
    if not isinstance(values, list):
        return ()
    return tuple(s for s in (_str(v) for v in values) if s)


def _dicts(values: Any) -> list[dict[str, Any]]:
    return [v for v in values if isinstance(v, dict)] if isinstance(values, list) else []


def _count(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def _arm_intervention(name: str) -> str:
    """``Drug: Phesgo`` → ``Phesgo`` (the type is on the intervention itself)."""
    head, sep, tail = name.partition(": ")
    if sep and head.replace(" ", "").replace("/", "").isalpha() and len(head) <= 24:
        return tail.strip()
    return name


def read_record(record: dict[str, Any], *, source: Source) -> Study:
    """One API v2 study object → Study."""
    protocol = record.get("protocolSection") or {}
    ident = protocol.get("identificationModule") or {}
    status = protocol.get("statusModule") or {}
    sponsors = protocol.get("sponsorCollaboratorsModule") or {}
    design = protocol.get("designModule") or {}
    design_info = design.get("designInfo") or {}
    arms_module = protocol.get("armsInterventionsModule") or {}
    outcomes_module = protocol.get("outcomesModule") or {}
    eligibility = protocol.get("eligibilityModule") or {}
    contacts = protocol.get("contactsLocationsModule") or {}

    criteria = _str(eligibility.get("eligibilityCriteria"))
    outcomes: list[Outcome] = []
    for kind, key in (
        ("primary", "primaryOutcomes"),
        ("secondary", "secondaryOutcomes"),
        ("other", "otherOutcomes"),
    ):
        for item in _dicts(outcomes_module.get(key)):
            outcomes.append(
                Outcome(
                    kind=kind,
                    measure=_str(item.get("measure")),
                    description=_str(item.get("description")),
                    time_frame=_str(item.get("timeFrame")),
                )
            )
    enrollment = design.get("enrollmentInfo") or {}
    return Study(
        nct_id=_str(ident.get("nctId")),
        source=source,
        brief_title=_str(ident.get("briefTitle")),
        official_title=_str(ident.get("officialTitle")),
        acronym=_str(ident.get("acronym")),
        overall_status=norm.status(_str(status.get("overallStatus"))),
        phases=norm.phases("|".join(_strs(design.get("phases")))),
        study_type=norm.study_type(_str(design.get("studyType"))),
        design=Design(
            allocation=norm.allocation(_str(design_info.get("allocation"))),
            intervention_model=norm.intervention_model(_str(design_info.get("interventionModel"))),
            masking=norm.masking(_str(_get(design_info, "maskingInfo", "masking"))),
            primary_purpose=norm.enum(_str(design_info.get("primaryPurpose"))),
        ),
        enrollment=Enrollment(
            count=_count(enrollment.get("count")),
            type=norm.enrollment_type(_str(enrollment.get("type"))),
        ),
        start_date=norm.iso_date(_str(_get(status, "startDateStruct", "date"))),
        primary_completion_date=norm.iso_date(
            _str(_get(status, "primaryCompletionDateStruct", "date"))
        ),
        completion_date=norm.iso_date(_str(_get(status, "completionDateStruct", "date"))),
        sponsor=_str(_get(sponsors, "leadSponsor", "name")),
        collaborators=tuple(
            name
            for name in (_str(c.get("name")) for c in _dicts(sponsors.get("collaborators")))
            if name
        ),
        conditions=_strs(_get(protocol, "conditionsModule", "conditions")),
        keywords=_strs(_get(protocol, "conditionsModule", "keywords")),
        arms=tuple(
            Arm(
                label=_str(arm.get("label")),
                type=norm.enum(_str(arm.get("type"))),
                description=_str(arm.get("description")),
                interventions=tuple(
                    _arm_intervention(name) for name in _strs(arm.get("interventionNames"))
                ),
            )
            for arm in _dicts(arms_module.get("armGroups"))
        ),
        interventions=tuple(
            Intervention(
                type=norm.enum(_str(item.get("type"))),
                name=_str(item.get("name")),
                description=_str(item.get("description")),
            )
            for item in _dicts(arms_module.get("interventions"))
        ),
        outcomes=tuple(outcomes),
        eligibility=Eligibility(
            criteria_text=norm.unescape_markdown(criteria) if criteria else None,
            sex=norm.sex(_str(eligibility.get("sex"))),
            minimum_age=norm.age(_str(eligibility.get("minimumAge"))),
            maximum_age=norm.age(_str(eligibility.get("maximumAge"))),
            healthy_volunteers=(
                eligibility["healthyVolunteers"]
                if isinstance(eligibility.get("healthyVolunteers"), bool)
                else None
            ),
        ),
        locations=tuple(
            Location(
                facility=_str(loc.get("facility")),
                city=_str(loc.get("city")),
                country=_str(loc.get("country")),
            )
            for loc in _dicts(contacts.get("locations"))
        ),
        last_update_posted=norm.iso_date(_str(_get(status, "lastUpdatePostDateStruct", "date"))),
        mesh=mesh_terms(record),
    )


def mesh_terms(record: Mapping[str, Any]) -> tuple[MeshTerm, ...]:
    """The MeSH terms of an API v2 study record: ``meshes`` and ``ancestors`` of its
    ``conditionBrowseModule`` and ``interventionBrowseModule``, with the text the
    registry found a condition as (``browseLeaves[].asFound``; the intervention
    leaves' ``asFound`` is no reliable text and is not used)."""
    derived = record.get("derivedSection") or {}
    out: list[MeshTerm] = []
    for module_name in ("conditionBrowseModule", "interventionBrowseModule"):
        module = derived.get(module_name) or {}
        found_as: dict[str, str] = {}
        if module_name == "conditionBrowseModule":
            for leaf in module.get("browseLeaves") or ():
                if leaf.get("asFound") and leaf.get("name"):
                    found_as.setdefault(leaf["name"], leaf["asFound"])
        for group in ("meshes", "ancestors"):
            for mesh in module.get(group) or ():
                if mesh.get("id") and mesh.get("term"):
                    out.append(MeshTerm(mesh["id"], mesh["term"], found_as.get(mesh["term"])))
    return tuple(out)
