"""The dictionary tagger over the concept lexicon and the qualifiers of what it finds:
what compare pairs criteria by until the entity recognizer lands."""

from __future__ import annotations

import doctest

import pytest

from ctparse.nlp import entity_facts
from ctparse.nlp import mentions as mentions_module
from ctparse.nlp import qualifiers as qualifiers_module
from ctparse.nlp.entity_facts import tag_entities
from ctparse.nlp.mentions import mentions
from ctparse.nlp.qualifiers import qualifiers
from ctparse.schema import Criterion


@pytest.mark.parametrize(
    ("text", "concepts"),
    [
        ("Radiotherapy within 14 days", ["radiotherapy"]),
        ("Radiation therapy within 2 weeks", ["radiotherapy"]),
        ("Pregnant or breastfeeding", ["pregnancy", "breastfeeding"]),
        ("Women who are pregnant or nursing", ["pregnancy", "breastfeeding"]),
        ("Previous anti-PD-1 therapy", ["pd1_inhibitor"]),
        ("Prior treatment with a PD-1 inhibitor", ["pd1_inhibitor"]),
        ("HBV or HCV infection", ["hepatitis_b", "hepatitis_c"]),
    ],
)
def test_synonyms_and_abbreviations_name_one_concept(text: str, concepts: list[str]) -> None:
    assert [m.entry.id for m in mentions(text)] == concepts


def test_a_hanging_prefix_takes_the_rest_of_the_next_word() -> None:
    found = mentions("Patients with uni- or bipolar depression")
    assert [(m.text, m.entry.id) for m in found] == [
        ("uni", "major_depression"),
        ("bipolar depression", "bipolar_disorder"),
    ]
    assert [m.entry.id for m in mentions("hypo- or hyperthyroidism")] == [
        "hypothyroidism",
        "hyperthyroidism",
    ]
    # A letter is no prefix, and a word without one shares nothing.
    assert [m.entry.id for m in mentions("B- or T-cell lymphoma")] == ["lymphoma"]
    assert [m.entry.id for m in mentions("uni- or bipolar")] == []


def test_a_classification_cited_by_its_version_names_nothing() -> None:
    assert [m.entry.id for m in mentions("depression diagnosed according to ICD-10")] == [
        "depression"
    ]
    assert [m.entry.id for m in mentions("an ICD or a pacemaker")] == ["icd", "pacemaker"]
    assert [m.entry.id for m in mentions("carcinoma coded by ICD-O-3")] == ["cancer"]


def test_a_shared_head_or_letter_is_lent_to_a_conjunct() -> None:
    assert [m.name for m in mentions("hepatitis B or C")] == ["hepatitis B", "hepatitis C"]
    assert [m.name for m in mentions("breast or ovarian cancer")] == [
        "breast cancer",
        "ovarian cancer",
    ]
    # A conjunct that makes the same concept with the rest of the mention is a
    # kind of it, not a concept of its own ("urine test" here is no urinalysis).
    found = mentions("urine or serum pregnancy test")
    assert [(m.text, m.entry.id) for m in found] == [("serum pregnancy test", "pregnancy_test")]
    # A negative test is its own concept, read as pregnancy excluded.
    (negative,) = mentions("Negative urine or serum pregnancy test")
    assert negative.entry.id == "negative_pregnancy_test"
    assert [m.name for m in mentions("chronic or active hepatitis B")] == ["active hepatitis B"]


def test_abbreviations_are_case_sensitive_and_restated_ones_hidden() -> None:
    assert [m.entry.id for m in mentions("MS")] == ["multiple_sclerosis"]
    assert mentions("ms") == ()
    (found,) = mentions("central nervous system (CNS) metastases")
    assert found.text == "central nervous system (CNS) metastases"


def test_catch_all_concepts_only_when_asked() -> None:
    assert mentions("any disease") == ()
    assert [m.entry.id for m in mentions("any disease", broad=True)] == ["disease"]


def test_qualifiers_narrow_and_spread_over_a_coordination() -> None:
    text = "Known active infections such as hepatitis B or HIV"
    assert qualifiers(text, mentions(text)) == [("active",), ("active",), ("active",)]
    text = "moderate or severe mitral valve stenosis"
    assert qualifiers(text, mentions(text)) == [("moderate", "severe")]


def test_tagged_entities_carry_requirement_assertion_and_offsets() -> None:
    text = "No prior anti-PD-1 therapy"
    criterion = Criterion(id="inc-4", section="inclusion", text=text, start=100, end=126)
    (tagged,) = tag_entities([criterion])
    (entity,) = tagged.entities
    assert (entity.concept.id, entity.requirement, entity.start, entity.end) == (
        "pd1_inhibitor",
        "excluded",
        109,
        126,
    )
    assert entity.id == "inc-4/e1"


def test_entities_of_the_recognizer_are_kept() -> None:
    text = "Active hepatitis B"
    criterion = Criterion(id="exc-1", section="exclusion", text=text, start=0, end=18)
    (given,) = tag_entities([criterion])
    (again,) = tag_entities([given])
    assert again is given


def test_module_examples_hold() -> None:
    for module in (mentions_module, qualifiers_module, entity_facts):
        assert doctest.testmod(module).failed == 0, module.__name__


@pytest.mark.parametrize(
    ("text", "named"),
    [
        # the prefix denies the first word: the thing named is the rest
        ("diseases caused by non-malignant tumors", [("non-malignant tumors", "neoplasm")]),
        ("non metastatic breast cancer", [("non metastatic breast cancer", "breast_cancer")]),
        # a name of its own wins, and a one-word name is denied (negation's business)
        ("non-small cell lung cancer", [("non-small cell lung cancer", "nsclc")]),
        ("Non-smokers", [("smokers", "smoking")]),
        # "non" not attached to the name: nothing changes
        ("non; malignant tumors", [("malignant tumors", "cancer")]),
    ],
)
def test_non_before_a_name_denies_its_first_word(text: str, named: list[tuple[str, str]]) -> None:
    assert [(m.text, m.entry.id) for m in mentions(text)] == named


def test_a_test_result_is_the_test() -> None:
    """ "the serum pregnancy result will prevail" is about the test, not a pregnancy."""
    assert [m.entry.id for m in mentions("the serum pregnancy result will prevail")] == [
        "pregnancy_test"
    ]


@pytest.mark.parametrize(
    ("text", "named"),
    [
        # A list of organ words before one head noun: each names its disease.
        (
            "History of cardiac, renal or hepatic disease",
            ["heart_disease", "kidney_disease", "liver_disease"],
        ),
        (
            "significant pulmonary, neurological, or psychiatric illness",
            ["pulmonary_disease", "neurological_disease", "psychiatric_disorder"],
        ),
        # The word next to the head names nothing: the list still shares the head.
        (
            "gastrointestinal, endocrine or vestibular disorders",
            ["gi_disease", "endocrine_disease"],
        ),
        # "X system" is the organ system X.
        (
            "endocrine system or nervous system disorders",
            ["endocrine_disease", "neurological_disease"],
        ),
        # The head first: "diseases of the X, Y or Z", past a bracketed aside.
        (
            "Disorders of the skin, eye or thyroid",
            ["skin_disease", "eye_disease", "thyroid_disease"],
        ),
        (
            "diseases of the kidney (e.g. nephritis), liver or lung",
            ["kidney_disease", "glomerulonephritis", "liver_disease", "pulmonary_disease"],
        ),
        # Events share their head too.
        (
            "recent cardiac or thromboembolic events",
            ["cardiovascular_event", "thrombosis"],
        ),
        # Conjuncts that are diseases already borrow nothing.
        ("Diabetes, hypertension or renal disease", ["diabetes", "hypertension", "kidney_disease"]),
        # "non-" denies the word: a non-cardiac disease is no heart disease.
        ("non-cardiac or non-renal disease", []),
        # Cancers share theirs, past a conjunct the lexicon does not know, and a
        # cancer head is never lent as a disease ("liver" is no liver disease here).
        (
            "ovarian, primary peritoneal, or fallopian tube cancer",
            ["ovarian_cancer", "cancer"],
        ),
        ("malignancy of the liver or kidney", ["cancer", "hcc", "renal_cell_carcinoma"]),
        ("gastric or esophageal adenocarcinoma", ["gastric_cancer", "esophageal_cancer"]),
        # Examples after the head share it ("illnesses (e.g., cardiac, renal …)"), and a
        # plural in -sses is the singular ("illnesses" is "illness", not "illnesse").
        (
            "major illnesses (e.g., cardiac, respiratory or renal)",
            ["heart_disease", "pulmonary_disease", "kidney_disease"],
        ),
        (
            "cardiac, renal or hepatic illnesses",
            ["heart_disease", "kidney_disease", "liver_disease"],
        ),
        ("serious diseases such as diabetes or asthma", ["diabetes", "asthma"]),
        # A cancer head that is a word of a named cancer is not lent: the organs after
        # it say where that cancer grows, not other cancers.
        ("Urothelial carcinoma of the renal pelvis, ureter or bladder", ["bladder_cancer"]),
        ("carcinoma in situ of the cervix or breast", ["carcinoma_in_situ"]),
        ("squamous cell carcinoma of the esophagus or lung", ["escc", "lung_cancer"]),
    ],
)
def test_a_list_of_organ_words_shares_its_head_noun(text: str, named: list[str]) -> None:
    assert [m.entry.id for m in mentions(text)] == named


def test_a_lent_head_names_the_conjunct_where_it_is_written() -> None:
    text = "History of cardiac, renal or hepatic disease"
    found = [(text[m.start : m.end], m.name) for m in mentions(text)]
    assert found == [
        ("cardiac", "cardiac disease"),
        ("renal", "renal disease"),
        ("hepatic disease", "hepatic disease"),
    ]


@pytest.mark.parametrize(
    ("text", "named"),
    [
        # The organ names the cancer whichever word names the tumour.
        ("breast adenocarcinoma", "breast_cancer"),
        ("lung adenocarcinoma", "lung_cancer"),
        ("adenocarcinoma of the prostate", "prostate_cancer"),
        ("epithelial carcinoma of the ovary", "ovarian_cancer"),
        # A cell type takes no "adenocarcinoma": the bare histology stays.
        ("basal cell adenocarcinoma", "adenocarcinoma"),
        ("adenocarcinoma", "adenocarcinoma"),
        # A name of stage words only ("metastatic cancer") lends no spelling that
        # would hide the organ after it.
        ("Metastatic adenocarcinoma of the pancreas", "pancreatic_cancer"),
    ],
)
def test_a_cancer_is_named_by_its_organ_and_any_word_for_the_tumour(text: str, named: str) -> None:
    assert [m.entry.id for m in mentions(text)] == [named]


@pytest.mark.parametrize("text", ["defined as a weekly average", "as a rule"])
def test_function_words_written_apart_spell_no_name(text: str) -> None:
    # "as a" folds to the key of "ASA", which only the acronym written as one names
    assert [m.entry.id for m in mentions(text)] == []
    assert [m.entry.id for m in mentions("ASA I-II")] == ["asa"]
