"""The trained entity recognizer (models/entities) and its scorer."""

from __future__ import annotations

import json

import pytest
from conftest import GOLD, need_shared
from helpers import run

from ctparse.evaluation.entities import (
    GoldDocument,
    evaluate,
    longest_first,
    read_gold,
    score,
    select,
    split_ids,
)
from ctparse.nlp.recognizer import CORE_TYPES, lines, load_model, model_path, recognize

ENTITIES = GOLD / "entities"


def found(text: str) -> set[tuple[str, str]]:
    (spans,) = recognize([text])
    return {(text[start:end], label) for start, end, label in spans}


# ------------------------------------------------------------- the model


def test_shipped_model_loads_once_and_knows_the_core_types():
    nlp = load_model()
    assert load_model() is nlp
    assert set(CORE_TYPES) <= set(nlp.get_pipe("ner").labels)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "History of myocarditis, cardiomyopathy or malignant arrhythmia",
            {
                ("myocarditis", "condition"),
                ("cardiomyopathy", "condition"),
                ("malignant arrhythmia", "condition"),
            },
        ),
        ("Prior treatment with pembrolizumab", {("pembrolizumab", "drug")}),
        ("Radiotherapy within 14 days", {("Radiotherapy", "procedure")}),
        ("Hemoglobin ≥ 9 g/dL", {("Hemoglobin", "measurement")}),
        (
            "Known HIV infection or active hepatitis B",
            {("HIV infection", "condition"), ("hepatitis B", "condition")},
        ),
        (
            "Prior treatment with cisplatin or carboplatin",
            {("cisplatin", "drug"), ("carboplatin", "drug")},
        ),
        ("Platelets ≥ 100,000/mm3", {("Platelets", "measurement")}),
        ("Major surgery within 4 weeks before enrollment", {("Major surgery", "procedure")}),
        (
            "Prior chemotherapy with docetaxel",
            {("chemotherapy", "procedure"), ("docetaxel", "drug")},
        ),
        ("Serum creatinine ≤ 1.5 mg/dL", {("Serum creatinine", "measurement")}),
    ],
    ids=[
        "conditions in a list",
        "a drug after 'treatment with'",
        "a procedure with a window",
        "a lab with a threshold",
        "an infection",
        "two drugs joined by or",
        "a cell count",
        "surgery",
        "a procedure and a drug",
        "a lab with its specimen",
    ],
)
def test_what_a_user_cares_about_is_found(text, expected):
    assert expected <= found(text)


def test_a_comparator_glued_to_a_lab_name_is_split_off():
    # The tokenizer splits "BMI>35", so the measurement is "BMI", not "BMI>35".
    assert ("BMI", "measurement") in found("BMI>35 kg/m2")


def test_offsets_index_the_whole_text_across_lines_and_crlf():
    text = (
        "Inclusion Criteria:\r\n  - Prior treatment with pembrolizumab\r\n\r\nHemoglobin ≥ 9 g/dL"
    )
    (spans,) = recognize([text])
    shown = {(text[s:e], label) for s, e, label in spans}
    assert ("pembrolizumab", "drug") in shown
    assert ("Hemoglobin", "measurement") in shown
    assert spans == sorted(spans)


def test_a_batch_keeps_its_order_and_blank_texts_have_no_entities():
    texts = ["Prior treatment with pembrolizumab", "", "   \n ", "Hemoglobin ≥ 9 g/dL"]
    result = recognize(texts)
    assert len(result) == 4
    assert result[1] == [] and result[2] == []
    assert "drug" in {label for *_, label in result[0]}
    assert {label for *_, label in result[3]} == {"measurement"}


def test_lines_are_stripped_and_keep_their_offsets():
    text = "a\r\n  b c \n\n\rd"
    assert list(lines(text)) == [(0, "a"), (5, "b c"), (12, "d")]
    for offset, line in lines(text):
        assert text[offset : offset + len(line)] == line


def test_the_model_folder_is_small_and_has_its_split():
    folder = model_path()
    size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    assert size < 25 * 2**20
    ids = split_ids()
    assert set(ids) == {"lct", "chia"}
    for parts in ids.values():
        assert not parts["test"] & parts["train"]
        assert not parts["test"] & parts["dev"]
        assert len(parts["test"]) > 40


# ------------------------------------------------------------- the scorer


def _doc(spans, *, trial="NCT00000001", corpus="lct"):
    return GoldDocument(
        doc_id=trial, trial_id=trial, corpus=corpus, text="x" * 100, spans=tuple(spans)
    )


def test_strict_and_relaxed_scores_of_a_hand_made_pair():
    gold = [
        _doc([(0, 10, "condition"), (20, 25, "drug"), (30, 40, "condition")]),
        _doc([(0, 5, "measurement")], trial="NCT00000002"),
    ]
    predicted = [
        # exact condition; drug one character short (relaxed only); a condition
        # where the gold has none (wrong both ways); the gold condition 30-40 missed
        [(0, 10, "condition"), (20, 24, "drug"), (50, 55, "condition")],
        # right span, wrong type: wrong both ways, and the measurement is missed
        [(0, 5, "procedure")],
    ]
    report = score(gold, predicted, types=CORE_TYPES)
    strict, relaxed = report.score_of("strict"), report.score_of("relaxed")
    # strict: 1 right of 4 predicted, 1 found of 4 gold
    assert (strict.right, strict.predicted, strict.found, strict.gold) == (1, 4, 1, 4)
    assert strict.precision == pytest.approx(0.25)
    assert strict.recall == pytest.approx(0.25)
    assert strict.f1 == pytest.approx(0.25)
    # relaxed: the short drug counts too: P 2/4, R 2/4
    assert (relaxed.right, relaxed.found) == (2, 2)
    assert relaxed.f1 == pytest.approx(0.5)
    condition = report.score_of("strict", "condition")
    # condition: 1 right of 2 predicted, 1 found of 2 gold
    assert (condition.precision, condition.recall) == (0.5, 0.5)
    drug = report.score_of("relaxed", "drug")
    assert (drug.precision, drug.recall, drug.f1) == (1.0, 1.0, 1.0)
    assert report.score_of("strict", "procedure").precision == 0.0
    assert report.score_of("strict", "measurement").recall == 0.0


def test_relaxed_counts_each_side_one_long_prediction_finds_two_gold_spans():
    gold = [_doc([(0, 7, "condition"), (11, 20, "condition")])]
    predicted = [[(0, 20, "condition")]]
    relaxed = score(gold, predicted).score_of("relaxed")
    assert (relaxed.precision, relaxed.recall) == (1.0, 1.0)
    assert score(gold, predicted).score_of("strict").f1 == 0.0


def test_a_prediction_list_per_document_is_required():
    with pytest.raises(ValueError):
        score([_doc([])], [])


def test_longest_of_nested_gold_spans_is_kept():
    spans = [(0, 30, "condition"), (15, 30, "condition"), (40, 45, "drug"), (42, 50, "drug")]
    assert longest_first(spans) == ((0, 30, "condition"), (42, 50, "drug"))


def test_only_the_documents_of_the_asked_split_are_scored():
    ids = {"lct": {"train": {"NCT1"}, "dev": {"NCT2"}, "test": {"NCT3"}}}
    documents = [_doc([], trial=t) for t in ("NCT1", "NCT2", "NCT3")]
    chosen, note = select(documents, "test", ids)
    assert [d.trial_id for d in chosen] == ["NCT3"] and note is None
    other = [_doc([], trial="NCT9", corpus="other")]
    chosen, note = select(other, "test", ids)
    assert chosen == other and note


def test_gold_reader_keeps_typed_spans_and_device_on_request(tmp_path):
    record = {
        "corpus": "chia",
        "doc_id": "NCT1_inc",
        "trial_id": "NCT1",
        "text": "Pacemaker and diabetes",
        "entities": [
            {"label": "Device", "type": None, "start": 0, "end": 9},
            {"label": "Condition", "type": "condition", "start": 14, "end": 22},
            {"label": "Qualifier", "type": None, "start": 14, "end": 22},
        ],
    }
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps(record) + "\n")
    (document,) = read_gold(path)
    assert document.spans == ((14, 22, "condition"),)
    (document,) = read_gold(path, types=(*CORE_TYPES, "device"))
    assert document.spans == ((0, 9, "device"), (14, 22, "condition"))


# ------------------------------------------------------------- held-out figures


@pytest.mark.parametrize(
    ("corpus", "mode", "floor"),
    [
        # The model card's figures (LCT 0.635 / 0.737, Chia 0.645 / 0.764), less ~0.02.
        ("lct", "strict", 0.61),
        ("lct", "relaxed", 0.71),
        ("chia", "strict", 0.62),
        ("chia", "relaxed", 0.74),
    ],
)
def test_held_out_figures_do_not_fall(corpus, mode, floor):
    path = need_shared(ENTITIES / f"ent_{corpus}_dev.jsonl")
    report = evaluate(path, split="test")
    assert report.documents > 40
    assert report.score_of(mode).f1 >= floor


# ------------------------------------------------------------- ctparse eval


def test_eval_recognizes_entity_gold_and_scores_another_corpus_whole(capsys, tmp_path):
    text = "Prior treatment with pembrolizumab"
    record = {
        "corpus": "mine",
        "doc_id": "d1",
        "trial_id": "NCT1",
        "text": text,
        "entities": [{"label": "Drug", "type": "drug", "start": 21, "end": 34}],
    }
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps(record) + "\n", encoding="utf-8")
    code, out, _ = run(capsys, "eval", "--gold", str(gold), "--format", "json")
    assert code == 0
    report = json.loads(out)
    assert report["task"] == "entities" and report["documents"] == 1
    assert report["scores"]["strict"]["drug"]["f1"] == 1.0
    assert report["note"]


def test_malformed_entity_gold_is_one_line_and_exit_2(capsys, tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"text": "abc", "entities": [{"start": 0, "end": 9}]}\n', encoding="utf-8")
    code, out, err = run(capsys, "eval", "--task", "entities", "--gold", str(gold))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and str(gold) in err


# ------------------------------------------------------------- BLAS threads


def blas_threads() -> list[int]:
    from threadpoolctl import threadpool_info

    return [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]


def test_the_recognizer_runs_blas_on_one_thread_and_gives_the_threads_back():
    import numpy  # noqa: F401  (the BLAS pool the recognizer uses)

    from ctparse.nlp.recognizer import one_blas_thread

    before = blas_threads()
    for _ in range(2):  # the cached view of the pools limits every time, not only the first
        with one_blas_thread():
            assert blas_threads() and set(blas_threads()) == {1}
        assert blas_threads() == before


def test_the_loaded_thread_pools_are_looked_up_once_per_process(monkeypatch):
    import threadpoolctl

    from ctparse.nlp import recognizer

    made = []
    real = threadpoolctl.ThreadpoolController

    def counting() -> object:
        made.append(1)
        return real()

    monkeypatch.setattr(threadpoolctl, "ThreadpoolController", counting)
    recognizer._blas_controller.cache_clear()
    try:
        recognize(["Prior pembrolizumab", "Active hepatitis B"])
        recognize(["Prior nivolumab"])
        assert len(made) == 1
    finally:
        recognizer._blas_controller.cache_clear()
