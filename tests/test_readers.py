"""Readers on small fixtures of our own, one per format (run on a bare clone)."""

from __future__ import annotations

import dataclasses
import json

import pytest
from conftest import FIXTURES

from ctparse.readers import detect_format, read_studies
from ctparse.readers import normalize as norm

RECORDS = FIXTURES / "records"


def read(name: str, *, location: str | None = None):
    path = RECORDS / name
    return read_studies(path.read_bytes(), location=location or str(path))


# ------------------------------------------------------------- detection


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("api_study.json", "api_v2_json"),
        ("api_page.json", "api_v2_json"),
        ("legacy_study.xml", "legacy_xml"),
        ("export.csv", "csv_export"),
        ("row_export.txt", "csv_export"),
        ("page.txt", "page_text"),
        ("page.html", "page_html"),
    ],
)
def test_format_is_detected_from_content_not_the_file_name(name, fmt):
    data = (RECORDS / name).read_bytes()
    assert detect_format(data) == fmt
    # The same bytes under a meaningless name, as from stdin, read the same.
    assert read_studies(data, location="-")[0].source.format == fmt


def test_a_utf8_bom_and_crlf_line_ends_do_not_change_the_study():
    data = (RECORDS / "page.txt").read_bytes()
    plain = read_studies(data, location="x")[0]
    windows = read_studies(b"\xef\xbb\xbf" + data.replace(b"\n", b"\r\n"), location="x")[0]
    assert windows == plain


# ------------------------------------------------------------ API v2 JSON


def test_api_study_fields_and_unescaped_criteria():
    (study,) = read("api_study.json")
    assert study.nct_id == "NCT09000001"
    assert study.source.format == "api_v2_json"
    assert study.phases == ("PHASE1", "PHASE2")
    assert study.design.allocation == "NON_RANDOMIZED"
    assert study.enrollment.count == 48 and study.enrollment.type == "ESTIMATED"
    assert study.primary_completion_date == "2026-06"
    assert study.last_update_posted == "2025-03-04"
    assert study.collaborators == ("Example University Hospital",)
    # Arms list intervention names without the "Drug: " prefix.
    assert study.arms[1].interventions == ("Fixture Drug A", "Fixture Antibody B")
    text = study.eligibility.criteria_text
    assert "Age >= 18 years" in text
    assert "ANC > 1.5 x 10^9/L [without growth factors]" in text
    assert "Bilirubin <= 1.5 * ULN & AST < 3 x ULN" in text
    assert "drug A | B" in text
    assert "\\" not in text
    assert study.eligibility.maximum_age is None  # absent = no limit, not invented


def test_api_mojibake_is_repaired():
    (study,) = read("api_study.json")
    assert study.outcomes[1].description == "PR: ≥30% decrease per RECIST 1.1"


def test_api_list_page_yields_every_study():
    studies = read("api_page.json")
    assert [s.nct_id for s in studies] == ["NCT09000001", "NCT09000002"]
    second = studies[1]
    assert second.study_type == "OBSERVATIONAL"
    assert second.eligibility.sex == "FEMALE"
    assert second.eligibility.healthy_volunteers is True
    assert second.eligibility.criteria_text is None


# ------------------------------------------------------------- legacy XML


def test_legacy_xml_is_normalized_to_api_enums():
    (study,) = read("legacy_study.xml")
    assert study.nct_id == "NCT09000003"
    assert study.overall_status == "ACTIVE_NOT_RECRUITING"
    assert study.phases == ("PHASE3",)
    assert study.design.masking == "DOUBLE"
    assert study.design.primary_purpose == "SUPPORTIVE_CARE"
    assert study.enrollment.type == "ESTIMATED"  # "Anticipated"
    assert study.eligibility.sex == "ALL"  # "Both"
    assert study.eligibility.maximum_age is None  # "N/A"
    assert study.start_date == "2012-01"
    assert study.primary_completion_date == "2014-06-14"
    assert study.last_update_posted == "2014-05-20"
    assert study.source.retrieved == "2015-03-03"
    assert study.keywords == ("fixture", "drug C")
    assert study.arms[1].type == "PLACEBO_COMPARATOR"
    assert study.arms[0].interventions == ("Drug C",)
    assert study.interventions[1].type == "DIETARY_SUPPLEMENT"


def test_legacy_criteria_are_unwrapped_into_bullets():
    (study,) = read("legacy_study.xml")
    assert study.eligibility.criteria_text == (
        "Inclusion Criteria:\n\n"
        "* Men and women aged 18 to 70 years with a platelet count >= 100,000/mm3 and "
        "creatinine clearance > 60 mL/min at screening.\n"
        "* ECOG performance status <= 2\n\n"
        "Exclusion Criteria:\n\n"
        "* Pregnancy or breast feeding\n"
        "* Myocardial infarction within 6 months before randomization"
    )


# -------------------------------------------------------------- CSV export


def test_csv_export_with_header_gives_one_study_per_row():
    first, second = read("export.csv")
    assert first.nct_id == "NCT09000004" and first.local_id is None
    assert first.interventions[1].type == "RADIATION"
    assert first.eligibility.minimum_age == "18 Years"
    assert first.eligibility.maximum_age == "75 Years"
    assert first.eligibility.criteria_text is None
    assert first.design.intervention_model == "SINGLE_GROUP"
    assert first.enrollment.count == 60 and first.enrollment.type is None
    assert first.locations[0].city == "Hangzhou"
    assert first.locations[0].country == "China"
    assert [o.time_frame for o in first.outcomes] == ["3 years", "2 years", "90 days"]
    assert second.eligibility.maximum_age is None  # "18 Years and older"
    assert second.design.masking == "DOUBLE"
    assert [loc.city for loc in second.locations] == ["Paris", "Boston"]


def test_csv_single_row_layout_splits_time_frame_off_the_last_comma():
    (study,) = read("row_export.txt")
    assert study.nct_id is None
    assert study.local_id == norm.local_id((RECORDS / "row_export.txt").read_text())
    assert [i.name for i in study.interventions] == ["Drug F", "Radiotherapy", "Cisplatin"]
    primary = study.outcomes[0]
    assert primary.measure == "Pathological complete response (pCR)"
    assert primary.description == "pCR is the absence of residual tumour (ypT0N0), at surgery"
    assert primary.time_frame == "Up to 6 months"
    assert study.outcomes[2].description == "Grade ≥3 per CTCAE 5.0"  # mojibake repaired
    assert study.conditions == ("Esophageal Cancer", "Squamous Cell Carcinoma")


def test_local_id_survives_resaving_the_file():
    text = (RECORDS / "row_export.txt").read_text()
    assert norm.local_id(text) == norm.local_id("\ufeff" + text.replace("\n", "\r\n") + "\n\n")
    assert norm.local_id(text) != norm.local_id(text.replace("Drug F", "Drug Z"))


# ------------------------------------------------------------ full-info page


def test_page_text_fields():
    (study,) = read("page.txt")
    assert study.nct_id == "NCT09000006"
    assert study.phases == ("PHASE1", "PHASE2")
    assert study.design == type(study.design)("RANDOMIZED", "PARALLEL", "SINGLE", "TREATMENT")
    assert study.start_date == "2024-03"
    assert study.last_update_posted == "2024-02-29"
    assert study.collaborators == ("Example Cancer Hospital", "Another Example Institute")
    assert [a.interventions for a in study.arms] == [("Drug G", "Radiotherapy"), ("Radiotherapy",)]
    assert [i.name for i in study.interventions] == ["Drug G", "Radiotherapy"]  # de-duplicated
    assert [(o.kind, o.time_frame) for o in study.outcomes] == [
        ("primary", "6 months"),
        ("secondary", "3 years"),
        ("secondary", "1 year"),
    ]
    assert [(loc.city, loc.country) for loc in study.locations] == [
        ("Hangzhou", "China"),
        ("Shanghai", "China"),
    ]
    assert study.eligibility.criteria_text == (
        "Inclusion Criteria: Age 18-75 years. ECOG 0-1. Neutrophils ≥1.5×10^9/L. "
        "Exclusion Criteria: Prior radiotherapy to the chest."
    )


def test_page_html_reads_like_the_text_page():
    (text_study,) = read("page.txt")
    (html_study,) = read("page.html")
    assert html_study.source.format == "page_html"
    ignore = {"source", "eligibility"}
    for field in dataclasses.fields(text_study):
        if field.name not in ignore:
            assert getattr(html_study, field.name) == getattr(text_study, field.name), field.name
    eligibility = html_study.eligibility
    assert (eligibility.sex, eligibility.minimum_age, eligibility.maximum_age) == (
        "ALL",
        "18 Years",
        "75 Years",
    )
    # The HTML keeps its list: one bullet per criterion, 10<sup>9</sup> as 10^9.
    assert eligibility.criteria_text.splitlines() == [
        "Inclusion Criteria:",
        "* Age 18-75 years.",
        "* ECOG 0-1.",
        "* Neutrophils ≥1.5×10^9/L.",
        "Exclusion Criteria:",
        "* Prior radiotherapy to the chest.",
    ]


def test_html_scripts_and_styles_are_not_read_as_content():
    html = (RECORDS / "page.html").read_text()
    (study,) = read_studies(html.encode(), location="x.html")
    assert study.brief_title == "Fixture Drug G Plus Radiotherapy in Resectable ESCC"


# -------------------------------------------------------------- normalize


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Phase 2", ("PHASE2",)),
        ("Phase 1/Phase 2", ("PHASE1", "PHASE2")),
        ("PHASE2|PHASE3", ("PHASE2", "PHASE3")),
        ("Early Phase 1", ("EARLY_PHASE1",)),
        ("N/A", ("NA",)),
        ("Not Applicable", ("NA",)),
        ("", ()),
    ],
)
def test_phases(text, expected):
    assert norm.phases(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("September 1, 2023 (Anticipated)", "2023-09-01"),
        ("August 2023", "2023-08"),
        ("Sept. 3, 2021", "2021-09-03"),
        ("2023-09", "2023-09"),
        ("someday", "someday"),
        (None, None),
    ],
)
def test_iso_date(text, expected):
    assert norm.iso_date(text) == expected


@pytest.mark.parametrize(
    ("func", "text", "expected"),
    [
        (norm.intervention_model, "Single Group Assignment", "SINGLE_GROUP"),
        (norm.masking, "None (Open Label)", "NONE"),
        (norm.masking, "Double Blind (Subject, Caregiver)", "DOUBLE"),
        (norm.allocation, "N/A", "NA"),
        (norm.allocation, "Non-Randomized", "NON_RANDOMIZED"),
        (norm.status, "Active, not recruiting", "ACTIVE_NOT_RECRUITING"),
        (norm.status, "Unknown status", "UNKNOWN"),
        (norm.sex, "Both", "ALL"),
        (norm.enrollment_type, "Anticipated", "ESTIMATED"),
        (norm.enum, "Dietary Supplement", "DIETARY_SUPPLEMENT"),
        (norm.study_type, "Observational [Patient Registry]", "OBSERVATIONAL"),
        (norm.age, "18 years", "18 Years"),
        (norm.age, "N/A", None),
    ],
)
def test_registry_words_become_api_enums(func, text, expected):
    assert func(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (r"ANC \>= 1500/mm3", "ANC >= 1500/mm3"),
        (r"\[ULN\] \| \& \< \_x\_ \*", "[ULN] | & < _x_ *"),
        (r"C:\Users\x and \n", r"C:\Users\x and \n"),  # not escapes: kept
    ],
)
def test_unescape_markdown(text, expected):
    assert norm.unescape_markdown(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("PR: â‰¥30%", "PR: ≥30%"),
        ("ECOG â‰¤ 2", "ECOG ≤ 2"),
        ("cafÃ©", "café"),
        ("Âge du patient", "Âge du patient"),  # real accents are left alone
        ("Ça va, déjà vu", "Ça va, déjà vu"),
    ],
)
def test_repair_mojibake(text, expected):
    assert norm.repair_mojibake(text) == expected


def test_a_record_without_nct_id_gets_a_content_derived_local_id():
    record = (RECORDS / "api_study.json").read_text().replace('"nctId": "NCT09000001",', "")
    (study,) = read_studies(record.encode(), location="no-id.json")
    assert study.nct_id is None
    assert study.local_id == norm.local_id(record)
    assert study.ref == study.local_id


def test_a_json_array_of_studies_is_read_like_a_page():
    page = (RECORDS / "api_page.json").read_text()
    studies = json.loads(page)["studies"]
    read_back = read_studies(json.dumps(studies).encode(), location="array.json")
    assert [s.nct_id for s in read_back] == ["NCT09000001", "NCT09000002"]


def test_a_doctype_without_entities_is_read_without_loading_the_dtd():
    xml = (RECORDS / "legacy_study.xml").read_bytes()
    with_doctype = xml.replace(
        b"<clinical_study ",
        b'<!DOCTYPE clinical_study SYSTEM "http://127.0.0.1:9/public.dtd">\n<clinical_study ',
        1,
    )
    (study,) = read_studies(with_doctype, location="doctype.xml")
    assert study.nct_id == "NCT09000003"
