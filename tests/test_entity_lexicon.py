"""The lexicon features of the entity recognizer (ctparse.nlp.entity_lexicon)."""

from __future__ import annotations

import numpy
import spacy

from ctparse.nlp.entity_lexicon import (
    EXTENSION,
    N_TAGS,
    TYPES,
    LexiconComponent,
    LexiconMatcher,
    Term,
    lexicon_multi_hash_embed,
    lexicon_terms,
)
from ctparse.nlp.recognizer import entity_tokenizer, load_model

TERMS = [
    Term("diabetes", "condition"),
    Term("type 2 diabetes", "condition"),
    Term("first-degree relative", "condition"),
    Term("pembrolizumab", "drug"),
    Term("disease", "broad"),
    Term("MS", "condition", exact=True),
    Term("HbA1c", "measurement", exact=True),
]


def test_leftmost_longest_matches_without_overlap():
    matcher = LexiconMatcher(TERMS)
    text = "Type 2 diabetes or diabetes insipidus"
    assert matcher.matches(text) == [(0, 15, "condition"), (19, 27, "condition")]


def test_names_fold_case_plurals_and_hyphens_abbreviations_do_not():
    matcher = LexiconMatcher(TERMS)
    assert matcher.matches("DISEASES") == [(0, 8, "broad")]
    assert matcher.matches("first degree relatives") == [(0, 22, "condition")]
    assert matcher.matches("MS or HbA1c") == [(0, 2, "condition"), (6, 11, "measurement")]
    assert matcher.matches("ms or hba1c") == []


def test_a_term_inside_a_word_is_no_match():
    assert LexiconMatcher(TERMS).matches("prediabetes, pembrolizumabs") == [(13, 27, "drug")]


def test_tags_are_bio_codes_per_token():
    nlp = entity_tokenizer(spacy.blank("en"))
    doc = nlp.make_doc("Known type 2 diabetes on pembrolizumab")
    tags = LexiconMatcher(TERMS).tags(doc)
    condition, drug = TYPES.index("condition"), TYPES.index("drug")
    assert tags.tolist() == [
        0,
        1 + 2 * condition,
        2 + 2 * condition,
        2 + 2 * condition,
        0,
        1 + 2 * drug,
    ]
    assert tags.dtype == numpy.uint64 and int(tags.max()) < N_TAGS


def test_the_shipped_lexicon_gives_terms_of_every_type():
    terms = lexicon_terms()
    assert {t.type for t in terms} == set(TYPES)
    assert any(t.exact for t in terms) and len(terms) > 3000


def test_the_component_round_trips_its_terms_and_sets_the_extension(tmp_path):
    nlp = spacy.blank("en")
    component = LexiconComponent(nlp)
    component.matcher = LexiconMatcher(TERMS)
    component.to_disk(tmp_path / "lexicon")
    loaded = LexiconComponent(nlp).from_disk(tmp_path / "lexicon")
    assert loaded.matcher.terms == TERMS
    again = LexiconComponent(nlp).from_bytes(component.to_bytes())
    assert again.matcher.terms == TERMS
    doc = loaded(nlp.make_doc("HbA1c above 7"))
    assert doc._.get(EXTENSION).tolist()[0] == 1 + 2 * TYPES.index("measurement")


def test_the_embedding_takes_the_tags_as_one_more_column():
    nlp = entity_tokenizer(spacy.blank("en"))
    component = LexiconComponent(nlp)
    component.matcher = LexiconMatcher(TERMS)
    docs = [component(nlp.make_doc(t)) for t in ("type 2 diabetes", "no MS")]
    model = lexicon_multi_hash_embed(16, ["NORM", "SHAPE"], [100, 50], 4)
    model.initialize(X=docs)
    vectors = model.predict(docs)
    assert [v.shape for v in vectors] == [(3, 16), (2, 16)]


def test_the_shipped_model_runs_the_lexicon_before_its_tok2vec():
    nlp = load_model()
    names = nlp.pipe_names
    assert names.index("ctparse_lexicon") < names.index("tok2vec")
    assert nlp.get_pipe("ctparse_lexicon").matcher.terms


EDGES = [
    "PD-1, PD 1, PD - 1, PD\t1 and PD--1",  # a hyphen in an abbreviation: hyphen or spaces
    "HBV DNA; HBV-DNA; HBVDNA; hbv dna",
    "type  2\n diabetes, type-2 diabetes, Type 2 Diabetes's, type 2 diabeteses",
    "pembrolizumabs pembrolizumabes pembrolizumab_x pembrolizumab2 xpembrolizumab",
    "MS, MSs, ms, (MS), MS-related, HbA1c%",
    "diabetes-diabetes diseases disease- disease",
    "",
]


def _both(terms, texts):
    """(the tries' matches, the regexes' matches) of every text."""
    tries = LexiconMatcher(terms, compile_after=len(texts) + 1)
    regexes = LexiconMatcher(terms, compile_after=0)
    return [tries.matches(t) for t in texts], [regexes.matches(t) for t in texts]


def test_the_tries_find_what_the_regexes_find_on_written_edges() -> None:
    """The matcher starts with character tries (cheap to build) and compiles the
    regexes after many texts: the two must agree on every span."""
    terms = [*TERMS, Term("PD-1", "drug", True), Term("HBV-DNA", "measurement", True)]
    by_tries, by_regexes = _both(terms, EDGES)
    assert by_tries == by_regexes
    # "PD 1" matches the pattern of "PD-1", but an abbreviation is looked up as written
    assert by_tries[0] == [(0, 4, "drug")]
    # across a line break and with the plural "es"; a name's own hyphens became
    # spaces, which match no hyphen in the text (as the shipped model was trained)
    assert [EDGES[2][s:e] for s, e, _ in by_tries[2]] == [
        "type  2\n diabetes",
        "diabetes",
        "Type 2 Diabetes",
        "type 2 diabeteses",
    ]


def test_the_tries_find_what_the_regexes_find_on_real_criteria(gold) -> None:
    """Every line of the LCT dev texts, with the shipped model's lexicon terms."""
    import json

    component = load_model().get_pipe("ctparse_lexicon")
    texts = []
    with (gold / "lct_dev_segmentation.jsonl").open(encoding="utf-8") as stream:
        for line in stream:
            if line.strip():
                texts += [t for t in json.loads(line)["text"].splitlines() if t.strip()]
    by_tries, by_regexes = _both(component.matcher.terms, texts)
    assert len(texts) > 2000 and sum(map(len, by_tries)) > 5000
    assert by_tries == by_regexes


def test_the_matcher_compiles_its_regexes_after_enough_texts() -> None:
    matcher = LexiconMatcher(TERMS, compile_after=2)
    for _ in range(2):
        matcher.matches("type 2 diabetes")
    assert matcher._regexes is None
    assert matcher.matches("type 2 diabetes") == [(0, 15, "condition")]
    assert matcher._regexes is not None
