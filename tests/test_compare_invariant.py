"""Every criterion of both sides is in exactly one row of a comparison, in every
format and in the summary: a property checked with Hypothesis over random pairs of
criteria lists drawn from the registry samples and the dev gold texts."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
from functools import cache

import pytest
from conftest import GOLD, SAMPLES, need_shared
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ctparse.align import leaves
from ctparse.api import compare_criteria, criteria, read_studies, text_study
from ctparse.report import write
from ctparse.report.html import render_html
from ctparse.schema import Criterion, Eligibility, Source, Study

#: Trials of the dev gold whose criteria join the pool (the first ones in the file).
GOLD_TRIALS = 60


@cache
def pool() -> tuple[Criterion, ...]:
    """Atomic criteria of the ten sample studies and of dev gold trials, with their
    structured age limits, as the pipeline gives them."""
    found: list[Criterion] = []
    page = need_shared(SAMPLES / "api_v2_studies_page.json")
    for study in read_studies(page):
        found += leaves(criteria(study))
    with need_shared(GOLD / "lct_dev_segmentation.jsonl").open(encoding="utf-8") as stream:
        for number, line in enumerate(stream):
            if number >= GOLD_TRIALS:
                break
            found += leaves(criteria(text_study(json.loads(line)["text"])))
    return tuple(found)


def side(name: str, draws: list[int]) -> tuple[Criterion, ...]:
    """Criteria of the pool, renamed so that ids are unique on one side (and ``age``
    stays the one structured criterion)."""
    out, ages = [], 0
    for n, index in enumerate(draws, start=1):
        criterion = pool()[index]
        if criterion.id == "age":
            if ages:
                continue
            ages += 1
            out.append(criterion)
            continue
        out.append(dataclasses.replace(criterion, id=f"{name}{n}", parent=None))
    return tuple(out)


def study(ref: str) -> Study:
    return Study(nct_id=None, local_id=ref, source=Source("plain_text", ref),
                 eligibility=Eligibility(criteria_text="criteria"))  # fmt: skip


def ids_in(text: str, prefix: str) -> list[str]:
    """Criterion ids shown as "[a3]" (table, markdown) in the criteria part of a report."""
    return re.findall(rf"\[({prefix}\d+|age)\]", text)


draws = st.lists(st.integers(min_value=0, max_value=10_000), min_size=0, max_size=14)


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(draws_a=draws, draws_b=draws)
def test_every_criterion_is_in_exactly_one_row_in_every_format(
    draws_a: list[int], draws_b: list[int]
) -> None:
    size = len(pool())
    criteria_a = side("a", [d % size for d in draws_a])
    criteria_b = side("b", [d % size for d in draws_b])
    comparison, _, _ = compare_criteria(study("A"), study("B"), criteria_a, criteria_b)
    ids_a = [c.id for c in criteria_a]
    ids_b = [c.id for c in criteria_b]

    # JSON: each id in the a_ids (b_ids) of exactly one row; the shown one first.
    data = json.loads(comparison.to_json())
    rows_a = [i for p in data["pairs"] for i in p["a_ids"]]
    rows_b = [i for p in data["pairs"] for i in p["b_ids"]]
    assert sorted(rows_a) == sorted(ids_a)
    assert sorted(rows_b) == sorted(ids_b)
    for p in data["pairs"]:
        assert p["a"] == (p["a_ids"][0] if p["a_ids"] else None)
        assert p["b"] == (p["b_ids"][0] if p["b_ids"] else None)
        # An unknown variable is never named "other" in a sentence ("requires
        # other 150–15 mL"); a criterion's own words ("excludes other clinical
        # trials") are quoted in brackets and may say it.
        detail = re.sub(r"\([^()]*\)", "", p["detail"])
        assert not re.search(r"\b(?:requires|excludes|limit on|admits|needs) other\b", detail)
    # The summary counts every row, and says how many criteria each side has.
    summary = data["summary"]
    verdicts = ("same", "a_stricter", "b_stricter", "different", "only_a", "only_b")
    assert sum(summary[v] for v in verdicts) == len(data["pairs"])
    assert (summary["a_criteria"], summary["b_criteria"]) == (len(ids_a), len(ids_b))

    # CSV: the a_ids/b_ids columns of the criterion rows.
    buffer = io.StringIO()
    write("csv", comparison, stream=buffer)
    rows = [r for r in csv.DictReader(io.StringIO(buffer.getvalue())) if r["level"] == "criterion"]
    assert sorted(i for r in rows for i in r["a_ids"].split("; ") if i) == sorted(ids_a)
    assert sorted(i for r in rows for i in r["b_ids"].split("; ") if i) == sorted(ids_b)

    # Markdown and the terminal table: each id shown once in the criteria table.
    for fmt in ("markdown", "table"):
        buffer = io.StringIO()
        write(fmt, comparison, stream=buffer)
        text = buffer.getvalue()
        part = text.split("Eligibility criteria", 1)[1]
        shown = ids_in(part.replace("\\[", "[").replace("\\]", "]"), "[ab]")
        assert sorted(shown) == sorted(ids_a + ids_b), fmt

    # HTML: each id in one criterion cell.
    page = render_html(comparison)
    table = page.split('<table id="criteria"', 1)[1].split("</table>", 1)[0]
    shown = re.findall(r'<span class="cid">([^<]+)</span>', table)
    assert sorted(shown) == sorted(ids_a + ids_b)
