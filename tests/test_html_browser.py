"""The HTML comparison report in a real headless Chromium (Debian's chromium +
chromium-driver, driven by Selenium): it loads without console errors, the
verdict filter works, hovering shows a criterion's text, and registry text
containing markup is shown as text and runs nothing.

Skipped, saying why, when chromium, chromedriver or selenium is missing
(``make test`` installs them).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import chromium

from ctparse.align import align_criteria
from ctparse.report.html import render_html
from ctparse.schema import Comparison, Criterion, FieldDiff, StudyRef, Summary

pytestmark = pytest.mark.browser


EVIL = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2"> & </td>'


def criterion(cid: str, text: str, section: str = "exclusion") -> Criterion:
    return Criterion(id=cid, section=section, text=text, start=0, end=len(text))  # type: ignore[arg-type]


def comparison() -> Comparison:
    shared = "Known history of allogeneic organ transplantation."
    pairs = align_criteria(
        (
            criterion("exc-1", shared),
            criterion("exc-2", f"Hostile record text {EVIL}"),
            criterion("exc-3", "Pregnant or breastfeeding women."),
        ),
        (criterion("exc-7", shared), criterion("exc-8", "Active tuberculosis <!-- </script>")),
    )
    counts = {v: sum(p.verdict == v for p in pairs) for v in Summary.__dataclass_fields__}
    return Comparison(
        a=StudyRef(nct_id="NCT00000001", title=f"Title {EVIL}", source="api_v2_json"),
        b=StudyRef(nct_id=None, title="B </script><!--", local_id="local-1", has_criteria=True),
        study=(
            FieldDiff("phases", ["PHASE2"], ["PHASE2"], "same"),
            FieldDiff("sponsor", f"Sponsor {EVIL}", None, "only_a"),
        ),
        pairs=pairs,
        summary=Summary(**counts),
        notes=(f"A note with {EVIL}",),
    )


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    yield from chromium()


@pytest.fixture
def page(browser, tmp_path: Path):
    path = tmp_path / "comparison.html"
    path.write_text(render_html(comparison()), encoding="utf-8")
    browser.get_log("browser")  # drop anything left by an earlier page
    browser.get(path.as_uri())
    return browser


def visible_rows(driver, table: str) -> int:
    from selenium.webdriver.common.by import By

    rows = driver.find_elements(By.CSS_SELECTOR, f"#{table} tbody tr[data-verdict]")
    return sum(row.is_displayed() for row in rows)


def test_loads_without_console_errors_and_runs_no_registry_markup(page) -> None:
    from selenium.webdriver.common.by import By

    assert page.execute_script("return document.readyState") == "complete"
    problems = [e for e in page.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]
    assert problems == []
    assert page.execute_script("return window.__pwned === undefined")
    # The markup shows as text, where a reader can see it.
    assert "<script>window.__pwned = 1</script>" in page.find_element(By.ID, "notes").text
    assert "Hostile record text <script>" in page.find_element(By.ID, "criteria").text
    # One <script> of ours plus the JSON data block; no <img> from the record.
    assert len(page.find_elements(By.CSS_SELECTOR, "script")) == 2
    assert page.find_elements(By.CSS_SELECTOR, "img") == []
    data = page.execute_script(
        "return JSON.parse(document.getElementById('comparison-data').textContent)"
    )
    assert data["b"]["title"] == "B </script><!--"


def test_filter_by_verdict_shows_only_those_rows(page) -> None:
    from selenium.webdriver.common.by import By

    assert visible_rows(page, "criteria") == 4  # same, only A ×2, only B
    page.find_element(By.CSS_SELECTOR, 'button[data-filter="only_a"]').click()
    assert visible_rows(page, "criteria") == 2
    assert visible_rows(page, "study") == 1
    assert page.find_element(By.ID, "shown-criteria").text == "2"
    page.find_element(By.CSS_SELECTOR, 'button[data-filter="same"]').click()
    assert visible_rows(page, "criteria") == 1
    page.find_element(By.CSS_SELECTOR, 'button[data-filter="b_stricter"]').click()
    assert visible_rows(page, "criteria") == 0
    page.find_element(By.CSS_SELECTOR, 'button[data-filter="all"]').click()
    assert visible_rows(page, "criteria") == 4


def test_every_chip_count_and_the_status_line_match_the_visible_rows(page) -> None:
    from selenium.webdriver.common.by import By

    buttons = page.find_elements(By.CSS_SELECTOR, "button[data-filter]")
    assert [b.get_attribute("data-filter") for b in buttons] == [
        "all", "same", "a_stricter", "b_stricter", "different", "only_a", "only_b"
    ]  # fmt: skip
    seen = set()
    for button in buttons:
        button.click()
        criteria, study = visible_rows(page, "criteria"), visible_rows(page, "study")
        seen.add((criteria, study))
        # The chip says what clicking it shows, table by table ...
        assert button.get_attribute("data-criteria") == str(criteria)
        assert button.get_attribute("data-study") == str(study)
        assert f"criteria {criteria} · study {study}" in button.text
        # ... and so does the status line, for both tables.
        assert page.find_element(By.ID, "shown-criteria").text == str(criteria)
        assert page.find_element(By.ID, "shown-study").text == str(study)
        status = page.find_element(By.ID, "shown").text
        assert status == f"showing {criteria} of 4 criterion rows and {study} of 2 study rows"
    # "same": a criterion row and a study row; "only_a": two and one.
    assert {(1, 1), (2, 1), (4, 2), (0, 0)} <= seen


def test_an_empty_side_gets_no_criteria_column(browser, tmp_path: Path) -> None:
    import dataclasses

    from selenium.webdriver.common.by import By

    pairs = align_criteria(
        (criterion("inc-1", "Age 18 or older.", "inclusion"), criterion("exc-1", "Pregnancy.")),
        (),
        missing_b=True,
    )
    page_data = dataclasses.replace(
        comparison(),
        b=StudyRef(nct_id=None, title="CSV row", local_id="local-1", has_criteria=False),
        pairs=pairs,
        summary=Summary(only_a=2),
    )
    path = tmp_path / "one-side.html"
    path.write_text(render_html(page_data), encoding="utf-8")
    browser.get(path.as_uri())
    heads = [th.text for th in browser.find_elements(By.CSS_SELECTOR, "#criteria thead th")]
    assert heads == ["Verdict", "Variable", "A · NCT00000001", "Detail"]
    for row in browser.find_elements(By.CSS_SELECTOR, "#criteria tbody tr[data-verdict]"):
        cells = row.find_elements(By.CSS_SELECTOR, "td")
        assert len(cells) == 4 and all(c.text.strip() for c in cells[2:])
    note = browser.find_element(By.CSS_SELECTOR, "p.collapsed").text
    assert note == "No column for B (local-1): its record has no eligibility criteria."
    # The A column takes the room B would have had.
    width = browser.execute_script(
        "var t = document.getElementById('criteria');"
        "return t.querySelector('th.side-col').offsetWidth / t.offsetWidth;"
    )
    assert width > 0.4


def test_hover_shows_the_criterion_as_written(page) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    cell = page.find_element(By.CSS_SELECTOR, "#criteria td.crit")
    tooltip = cell.find_element(By.CSS_SELECTOR, ".source")
    assert not tooltip.is_displayed()
    ActionChains(page).move_to_element(cell).perform()
    WebDriverWait(page, 5).until(expected_conditions.visibility_of(tooltip))
    assert "Known history of allogeneic organ transplantation." in tooltip.text
    assert "exc-1" in tooltip.text


def grouped_page(browser, tmp_path: Path):
    """A real comparison of criteria texts: rows in categories, differences at a glance."""
    from ctparse.api import compare

    a = (
        "Inclusion Criteria:\n- ECOG performance status 0-1\n- Platelets >= 100,000/mm3\n"
        "Exclusion Criteria:\n- Pregnant or breastfeeding\n- Prior treatment with a PD-1 inhibitor"
    )
    b = (
        "Inclusion Criteria:\n- ECOG performance status 0-2\n- Platelet count >= 75 x 10^9/L\n"
        "Exclusion Criteria:\n- Women who are pregnant or nursing\n- Previous anti-PD-1 therapy\n"
        "- Radiation therapy within 2 weeks prior to first dose"
    )
    path = tmp_path / "grouped.html"
    path.write_text(render_html(compare(a, b)), encoding="utf-8")
    browser.get(path.as_uri())
    return browser


def test_hover_lists_what_a_criterion_is_about(browser, tmp_path: Path) -> None:
    """The entities of a criterion (type, text, concept, requirement) show on hover."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    page = grouped_page(browser, tmp_path)
    cells = [
        c
        for c in page.find_elements(By.CSS_SELECTOR, "#criteria td.crit")
        if "Previous anti-PD-1 therapy" in c.text
    ]
    assert len(cells) == 1
    tooltip = cells[0].find_element(By.CSS_SELECTOR, ".source")
    ActionChains(page).move_to_element(cells[0]).perform()
    WebDriverWait(page, 5).until(expected_conditions.visibility_of(tooltip))
    lines = [e.text for e in tooltip.find_elements(By.CSS_SELECTOR, ".entity")]
    assert "drug: anti-PD-1 therapy = PD-1 inhibitor · excluded · historical" in lines, lines


def test_rows_are_grouped_by_category_with_counts(browser, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    page = grouped_page(browser, tmp_path)
    groups = page.find_elements(By.CSS_SELECTOR, "#criteria tbody.group")
    names = [g.get_attribute("data-category") for g in groups]
    assert names[:2] == ["performance status", "laboratory"], names
    assert "reproductive" in names and "prior therapy" in names
    for group in groups:
        rows = group.find_elements(By.CSS_SELECTOR, "tr[data-verdict]")
        count = group.find_element(By.CSS_SELECTOR, ".group-count").text
        assert count == str(len(rows)) and rows
    # Filtering keeps the counts true and hides a group left empty.
    page.find_element(By.CSS_SELECTOR, 'button[data-filter="same"]').click()
    for group in groups:
        shown = [
            r for r in group.find_elements(By.CSS_SELECTOR, "tr[data-verdict]") if r.is_displayed()
        ]
        head = group.find_element(By.CSS_SELECTOR, "tr.group-head")
        count = group.find_element(By.CSS_SELECTOR, ".group-count").get_attribute("textContent")
        assert count == str(len(shown))
        assert head.is_displayed() == bool(shown)


def test_the_glance_box_names_the_confident_differences_limits_first(
    browser, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By

    page = grouped_page(browser, tmp_path)
    lines = [li.text for li in page.find_elements(By.CSS_SELECTOR, "#glance li.criteria-diff")]
    assert lines == ["A stricter on: ECOG; platelet count."], lines
    box = page.find_element(By.ID, "glance").text
    assert "inc-" not in box and "exc-" not in box  # named by what they are about, not ids


def test_hover_text_does_not_cover_the_next_row(browser, tmp_path: Path) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    page = grouped_page(browser, tmp_path)
    rows = [r for r in page.find_elements(By.CSS_SELECTOR, "#criteria tr[data-verdict]")]
    cell = rows[0].find_element(By.CSS_SELECTOR, "td.crit")
    ActionChains(page).move_to_element(cell).perform()
    tooltip = cell.find_element(By.CSS_SELECTOR, ".source")
    assert tooltip.is_displayed()
    bottom = tooltip.rect["y"] + tooltip.rect["height"]
    assert bottom <= rows[1].rect["y"] + 1  # the next row moves down instead
