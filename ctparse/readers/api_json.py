"""ClinicalTrials.gov API v2 JSON: one study object, or a list page
``{"studies": [...], "nextPageToken": ...}``.

The API already speaks the enums ctparse uses; this reader picks the modules
of ``protocolSection`` apart, removes markdown escapes from the criteria and
repairs mojibake the registry itself carries (``â‰¥`` in some records).

A field of the wrong type is refused, never read as something else: an
integer ``nctId`` would otherwise become a record without an id, criteria
given as a number no criteria, and ``minimumAge: "eighteen"`` an age nobody
can compare. The :class:`~ctparse.errors.ReadError` names the field by its
path (``studies[3].protocolSection.identificationModule.nctId``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ..errors import ReadError
from ..records import is_nct_id
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
            studies.append(
                read_record(record, source=Source(FORMAT, location), path=f"studies[{index}]")
            )
        return studies
    raise ReadError(location, f"JSON is not an API v2 study or list page ({_shape(obj)})")


def _shape(obj: Any) -> str:
    if isinstance(obj, dict):
        keys = ", ".join(sorted(map(str, obj))[:5]) or "no keys"
        return f"an object with {keys}"
    return f"a JSON {type(obj).__name__}".replace("dict", "object").replace("list", "array")


_KIND = {
    bool: "a boolean",
    int: "an integer",
    float: "a number",
    str: "a string",
    list: "an array",
    dict: "an object",
}


class _Fields:
    """Typed access to the fields of one record: a value of the wrong type is a
    :class:`ReadError` naming the field's path, never ``None`` or a guess."""

    def __init__(self, location: str, path: str) -> None:
        self.location = location
        self.path = path

    def _wrong(self, where: str, value: Any, expected: str) -> ReadError:
        kind = _KIND.get(type(value), type(value).__name__)
        shown = repr(value) if isinstance(value, str | int | float) else kind
        field = f"{self.path}.{where}" if self.path else where
        return ReadError(self.location, f"{field} must be {expected}, got {kind} ({shown})")

    def get(self, obj: dict[str, Any], where: str, key: str) -> dict[str, Any]:
        """A module or sub-object (absent: empty)."""
        value = obj.get(key)
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self._wrong(f"{where}.{key}" if where else key, value, "an object")
        return value

    def text(self, obj: dict[str, Any], where: str, key: str) -> str | None:
        value = obj.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            raise self._wrong(f"{where}.{key}", value, "a string")
        return norm.clean(value)

    def strs(self, obj: dict[str, Any], where: str, key: str) -> tuple[str, ...]:
        values = obj.get(key)
        if values is None:
            return ()
        if not isinstance(values, list):
            raise self._wrong(f"{where}.{key}", values, "an array of strings")
        out = []
        for index, value in enumerate(values):
            if not isinstance(value, str):
                raise self._wrong(f"{where}.{key}[{index}]", value, "a string")
            cleaned = norm.clean(value)
            if cleaned:
                out.append(cleaned)
        return tuple(out)

    def dicts(self, obj: dict[str, Any], where: str, key: str) -> list[dict[str, Any]]:
        values = obj.get(key)
        if values is None:
            return []
        if not isinstance(values, list):
            raise self._wrong(f"{where}.{key}", values, "an array of objects")
        for index, value in enumerate(values):
            if not isinstance(value, dict):
                raise self._wrong(f"{where}.{key}[{index}]", value, "an object")
        return values

    def count(self, obj: dict[str, Any], where: str, key: str) -> int | None:
        value = obj.get(key)
        if value is None:
            return None
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return value
        if isinstance(value, str) and value.strip().isdigit():
            return int(value)
        raise self._wrong(f"{where}.{key}", value, "a whole number")

    def flag(self, obj: dict[str, Any], where: str, key: str) -> bool | None:
        value = obj.get(key)
        if value is None or isinstance(value, bool):
            return value
        raise self._wrong(f"{where}.{key}", value, "a boolean")

    def nct_id(self, obj: dict[str, Any], where: str) -> str | None:
        value = self.text(obj, where, "nctId")
        if value is not None and not is_nct_id(value):
            raise self._wrong(f"{where}.nctId", value, "an NCT id (NCT and 8 digits)")
        return value

    def age(self, obj: dict[str, Any], where: str, key: str) -> str | None:
        """ "18 Years" as the API writes it; "eighteen" is no age."""
        value = self.text(obj, where, key)
        if value is None:
            return None
        ages = norm.age(value)
        if ages is not None and not _API_AGE.match(ages):
            raise self._wrong(f"{where}.{key}", value, "an age such as '18 Years'")
        return ages


_API_AGE = re.compile(r"^\d+(?:\.\d+)? (?:Year|Month|Week|Day|Hour|Minute)s?$")


def _arm_intervention(name: str) -> str:
    """``Drug: Phesgo`` → ``Phesgo`` (the type is on the intervention itself)."""
    head, sep, tail = name.partition(": ")
    if sep and head.replace(" ", "").replace("/", "").isalpha() and len(head) <= 24:
        return tail.strip()
    return name


def read_record(record: dict[str, Any], *, source: Source, path: str = "") -> Study:
    """One API v2 study object → Study.

    Raises:
        ReadError: a field of the wrong type (named by its path in the record).
    """
    f = _Fields(source.location, path)
    p = "protocolSection"
    protocol = f.get(record, "", p)
    ident = f.get(protocol, p, "identificationModule")
    status = f.get(protocol, p, "statusModule")
    sponsors = f.get(protocol, p, "sponsorCollaboratorsModule")
    design = f.get(protocol, p, "designModule")
    design_info = f.get(design, f"{p}.designModule", "designInfo")
    arms_module = f.get(protocol, p, "armsInterventionsModule")
    outcomes_module = f.get(protocol, p, "outcomesModule")
    eligibility = f.get(protocol, p, "eligibilityModule")
    contacts = f.get(protocol, p, "contactsLocationsModule")
    conditions = f.get(protocol, p, "conditionsModule")
    i, s_, d, a = (
        f"{p}.identificationModule",
        f"{p}.statusModule",
        f"{p}.designModule",
        f"{p}.armsInterventionsModule",
    )
    e = f"{p}.eligibilityModule"

    def date(key: str) -> str | None:
        return norm.iso_date(f.text(f.get(status, s_, key), f"{s_}.{key}", "date"))

    criteria = f.text(eligibility, e, "eligibilityCriteria")
    outcomes: list[Outcome] = []
    for kind, key in (
        ("primary", "primaryOutcomes"),
        ("secondary", "secondaryOutcomes"),
        ("other", "otherOutcomes"),
    ):
        where = f"{p}.outcomesModule.{key}"
        for index, item in enumerate(f.dicts(outcomes_module, f"{p}.outcomesModule", key)):
            at = f"{where}[{index}]"
            outcomes.append(
                Outcome(
                    kind=kind,
                    measure=f.text(item, at, "measure"),
                    description=f.text(item, at, "description"),
                    time_frame=f.text(item, at, "timeFrame"),
                )
            )
    enrollment = f.get(design, d, "enrollmentInfo")
    masking = f.get(design_info, f"{d}.designInfo", "maskingInfo")
    lead = f.get(sponsors, f"{p}.sponsorCollaboratorsModule", "leadSponsor")
    collaborators = f.dicts(sponsors, f"{p}.sponsorCollaboratorsModule", "collaborators")
    arms = f.dicts(arms_module, a, "armGroups")
    interventions = f.dicts(arms_module, a, "interventions")
    locations = f.dicts(contacts, f"{p}.contactsLocationsModule", "locations")
    return Study(
        nct_id=f.nct_id(ident, i),
        source=source,
        brief_title=f.text(ident, i, "briefTitle"),
        official_title=f.text(ident, i, "officialTitle"),
        acronym=f.text(ident, i, "acronym"),
        overall_status=norm.status(f.text(status, s_, "overallStatus")),
        phases=norm.phases("|".join(f.strs(design, d, "phases"))),
        study_type=norm.study_type(f.text(design, d, "studyType")),
        design=Design(
            allocation=norm.allocation(f.text(design_info, f"{d}.designInfo", "allocation")),
            intervention_model=norm.intervention_model(
                f.text(design_info, f"{d}.designInfo", "interventionModel")
            ),
            masking=norm.masking(f.text(masking, f"{d}.designInfo.maskingInfo", "masking")),
            primary_purpose=norm.enum(f.text(design_info, f"{d}.designInfo", "primaryPurpose")),
        ),
        enrollment=Enrollment(
            count=f.count(enrollment, f"{d}.enrollmentInfo", "count"),
            type=norm.enrollment_type(f.text(enrollment, f"{d}.enrollmentInfo", "type")),
        ),
        start_date=date("startDateStruct"),
        primary_completion_date=date("primaryCompletionDateStruct"),
        completion_date=date("completionDateStruct"),
        sponsor=f.text(lead, f"{p}.sponsorCollaboratorsModule.leadSponsor", "name"),
        collaborators=tuple(
            name
            for index, c in enumerate(collaborators)
            if (name := f.text(c, f"{p}.sponsorCollaboratorsModule.collaborators[{index}]", "name"))
        ),
        conditions=f.strs(conditions, f"{p}.conditionsModule", "conditions"),
        keywords=f.strs(conditions, f"{p}.conditionsModule", "keywords"),
        arms=tuple(
            Arm(
                label=f.text(arm, f"{a}.armGroups[{index}]", "label"),
                type=norm.enum(f.text(arm, f"{a}.armGroups[{index}]", "type")),
                description=f.text(arm, f"{a}.armGroups[{index}]", "description"),
                interventions=tuple(
                    _arm_intervention(name)
                    for name in f.strs(arm, f"{a}.armGroups[{index}]", "interventionNames")
                ),
            )
            for index, arm in enumerate(arms)
        ),
        interventions=tuple(
            Intervention(
                type=norm.enum(f.text(item, f"{a}.interventions[{index}]", "type")),
                name=f.text(item, f"{a}.interventions[{index}]", "name"),
                description=f.text(item, f"{a}.interventions[{index}]", "description"),
            )
            for index, item in enumerate(interventions)
        ),
        outcomes=tuple(outcomes),
        eligibility=Eligibility(
            criteria_text=norm.unescape_markdown(criteria) if criteria else None,
            sex=norm.sex(f.text(eligibility, e, "sex")),
            minimum_age=f.age(eligibility, e, "minimumAge"),
            maximum_age=f.age(eligibility, e, "maximumAge"),
            healthy_volunteers=f.flag(eligibility, e, "healthyVolunteers"),
        ),
        locations=tuple(
            Location(
                facility=f.text(loc, f"{p}.contactsLocationsModule.locations[{index}]", "facility"),
                city=f.text(loc, f"{p}.contactsLocationsModule.locations[{index}]", "city"),
                country=f.text(loc, f"{p}.contactsLocationsModule.locations[{index}]", "country"),
            )
            for index, loc in enumerate(locations)
        ),
        last_update_posted=date("lastUpdatePostDateStruct"),
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
