"""Readers on the real registry samples and seeds in ../shared.

These skip, saying why, where ../shared is absent (a user's clone); the
shipped corpus copies of the seeds are tested in test_show.py either way.
"""

from __future__ import annotations

import json

import pytest
from conftest import SAMPLES, SEEDS, need_shared

from ctparse.readers import read_studies


def read(path):
    need_shared(path)
    return read_studies(path.read_bytes(), location=str(path))


def test_api_study_inavo122():
    (study,) = read(SAMPLES / "api_v2_study_NCT05894239.json")
    assert study.nct_id == "NCT05894239"
    assert study.acronym == "INAVO122"
    assert study.phases == ("PHASE3",)
    assert study.enrollment.count == 230 and study.enrollment.type == "ESTIMATED"
    assert study.design.masking == "DOUBLE"
    assert len(study.arms) == 3
    assert study.last_update_posted == "2025-08-03"
    text = study.eligibility.criteria_text
    assert "ECOG) Performance Status 0 or 1" in text
    assert "LVEF (left ventricular ejection fraction) of at least 50%" in text
    assert "recurrence of >= 6 months" in text
    assert "\\>" not in text and "\\<" not in text


def test_api_page_yields_all_ten_studies_without_escapes():
    path = need_shared(SAMPLES / "api_v2_studies_page.json")
    raw = json.loads(path.read_text())
    studies = read(path)
    assert [s.nct_id for s in studies] == [
        s["protocolSection"]["identificationModule"]["nctId"] for s in raw["studies"]
    ]
    assert len(studies) == 10
    for study in studies:
        text = study.eligibility.criteria_text or ""
        for escape in ("\\>", "\\<", "\\[", "\\]", "\\|", "\\&", "\\*", "\\~"):
            assert escape not in text, (study.nct_id, escape)
        assert "â‰" not in text, study.nct_id
    by_id = {s.nct_id: s for s in studies}
    assert "sCDAI score >175" in by_id["NCT03058679"].eligibility.criteria_text
    assert "Age ≥18" in by_id["NCT03058679"].eligibility.criteria_text  # mojibake repaired
    assert by_id["NCT00517179"].eligibility.sex == "MALE"
    assert by_id["NCT05600179"].study_type == "OBSERVATIONAL"
    assert by_id["NCT05600179"].eligibility.healthy_volunteers is True


def test_legacy_xml_nct00000102():
    (study,) = read(SAMPLES / "legacy_NCT00000102.xml")
    assert study.nct_id == "NCT00000102"
    assert study.phases == ("PHASE1", "PHASE2")
    assert study.overall_status == "COMPLETED"
    assert study.design.intervention_model == "PARALLEL"
    assert study.eligibility.sex == "ALL"
    assert (study.eligibility.minimum_age, study.eligibility.maximum_age) == (
        "14 Years",
        "35 Years",
    )
    assert study.eligibility.healthy_volunteers is False
    assert study.eligibility.criteria_text.splitlines() == [
        "Inclusion Criteria:",
        "",
        "* diagnosed with Congenital Adrenal Hyperplasia (CAH)",
        "* normal ECG during baseline evaluation",
        "",
        "Exclusion Criteria:",
        "",
        "* history of liver disease, or elevated liver function tests",
        "* history of cardiovascular disease",
    ]
    assert study.locations[0].city == "Charleston"
    assert study.source.retrieved == "2013-01-31"


def test_legacy_xml_nct01101477_with_results_section():
    (study,) = read(SAMPLES / "legacy_NCT01101477.xml")
    assert study.nct_id == "NCT01101477"
    assert study.phases == ("NA",)
    assert study.enrollment.count == 144 and study.enrollment.type == "ACTUAL"
    assert study.overall_status == "TERMINATED"
    assert len(study.arms) == 3 and all(a.type == "ACTIVE_COMPARATOR" for a in study.arms)
    assert [o.kind for o in study.outcomes].count("primary") == 2
    assert "* Mallampati score 4 or 5." in study.eligibility.criteria_text.splitlines()
    assert study.last_update_posted == "2011-11-05"


def test_seed_004_page_text():
    (study,) = read(SEEDS / "004_a803df08c1dbcb20.txt")
    assert study.nct_id == "NCT05990231"
    assert study.phases == ("PHASE2",)
    assert (study.enrollment.count, study.enrollment.type) == (35, "ESTIMATED")
    text = (SEEDS / "004_a803df08c1dbcb20.txt").read_text()
    # The criteria are kept exactly as the page has them.
    assert study.eligibility.criteria_text in text
    assert study.eligibility.criteria_text.startswith("Inclusion Criteria: Voluntarily sign")
    assert study.eligibility.criteria_text.endswith(
        "(known weight loss exceeding 10% in the 3 months prior to screening), etc."
    )


def test_seed_000_csv_row():
    (study,) = read(SEEDS / "000_b18e679de2996d7e.txt")
    assert study.nct_id is None
    assert study.local_id == "local-8446462a6559f0be"
    assert [i.type for i in study.interventions] == ["DRUG"] * 6
    assert [o.kind for o in study.outcomes] == ["primary"] + ["secondary"] * 4
    assert {o.time_frame for o in study.outcomes} == {"Up to 24 month"}
    assert "PR: ≥30% decrease" in study.outcomes[0].description
    assert study.eligibility.criteria_text is None


@pytest.mark.parametrize("name", ["000_b18e679de2996d7e.txt", "004_a803df08c1dbcb20.txt"])
def test_shipped_corpus_copy_matches_the_seed(name):
    from conftest import CORPUS

    seed = need_shared(SEEDS / name).read_bytes()
    assert any(path.read_bytes() == seed for path in CORPUS.iterdir()), name
