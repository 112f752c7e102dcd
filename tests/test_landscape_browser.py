"""The landscape report in a real headless Chromium (Debian's chromium +
chromium-driver through Selenium): it loads without console errors, its SVG
plots render, the numbers the plots show equal the tables', a click opens the
trials behind a figure, and registry text holding markup shows as text.

Skipped, saying why, when chromium, chromedriver or selenium is missing.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import chromium
from landscape_helpers import REF, build, write_trials

from ctparse.landscape import landscape
from ctparse.landscape.html import render_html

pytestmark = pytest.mark.browser

EVIL = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">'


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    yield from chromium()


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("browser-trials")
    write_trials(folder)
    dataset = build(folder, tmp_path_factory.mktemp("browser-dataset") / "ds")
    ref = REF + f"- Hostile record text {EVIL} & </td>\n"
    path = tmp_path_factory.mktemp("browser-report") / "landscape.html"
    path.write_text(render_html(landscape(ref, dataset)), encoding="utf-8")
    return path


@pytest.fixture
def page(browser, report: Path):
    browser.get_log("browser")  # drop what an earlier page left
    browser.get(report.as_uri())
    return browser


def texts(elements) -> list[str]:
    return [el.text.strip() for el in elements]


def test_loads_without_console_errors_and_runs_no_registry_markup(page) -> None:
    from selenium.webdriver.common.by import By

    assert page.execute_script("return document.readyState") == "complete"
    problems = [e for e in page.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]
    assert problems == []
    assert page.execute_script("return window.__pwned === undefined")
    assert (
        "Hostile record text <script>window.__pwned = 1</script>"
        in page.find_element(By.ID, "criteria").text
    )
    assert len(page.find_elements(By.CSS_SELECTOR, "script")) == 2  # ours and its data
    assert page.find_elements(By.CSS_SELECTOR, "img") == []


def test_every_plot_renders(page) -> None:
    from selenium.webdriver.common.by import By

    plots = page.find_elements(By.CSS_SELECTOR, "svg.plot")
    # 4 cards (ANC, ECOG, AST, chemotherapy) with a verdict bar and one bound plot
    # each, 1 concept bar, 2 "missing in REF" bars
    assert len(plots) == 4 * 2 + 1 + 2
    for plot in plots:
        box = page.execute_script(
            "var r = arguments[0].getBoundingClientRect(); return [r.width, r.height];", plot
        )
        assert box[0] > 0 and box[1] > 0
    for bar in page.find_elements(By.CSS_SELECTOR, "svg [data-bucket] rect:not(.hit)"):
        box = page.execute_script(
            "var r = arguments[0].getBoundingClientRect(); return [r.width, r.height];", bar
        )
        assert box[0] > 0 and box[1] >= 0


def test_the_plots_numbers_equal_the_tables(page) -> None:
    from selenium.webdriver.common.by import By

    cards = page.find_elements(By.CSS_SELECTOR, "article.item")
    assert [c.get_attribute("data-key") for c in cards] == [
        "anc", "ecog", "ast@ULN", "chemotherapy@before"
    ]  # fmt: skip
    for card in cards:
        key = card.get_attribute("data-key")
        table = "limits-table" if card.get_attribute("data-kind") == "limit" else "windows-table"
        row = page.find_element(By.CSS_SELECTOR, f'#{table} tr[data-key="{key}"]')
        # the stricter / same / looser bar says what the table's cells say
        for label in card.find_elements(By.CSS_SELECTOR, ".verdicts svg text.count"):
            verdict = label.get_attribute("data-key")
            cell = row.find_element(By.CSS_SELECTOR, f'td[data-verdict="{verdict}"]')
            assert label.text == cell.text, (key, verdict)
        # the bars of the bounds add up to the trials setting that bound, and the
        # caption's percentile is the table's
        for figure in card.find_elements(By.CSS_SELECTOR, "figure.side"):
            counts = [int(t.text) for t in figure.find_elements(By.CSS_SELECTOR, "text.count")]
            if "ecdf" not in figure.find_element(By.CSS_SELECTOR, "svg").get_attribute("class"):
                assert sum(counts) == int(figure.get_attribute("data-trials"))
            side = "minimum" if figure.get_attribute("data-side") == "lower" else "maximum"
            percentile = figure.get_attribute("data-percentile")
            cell = row.find_element(By.CSS_SELECTOR, 'td[data-role="percentile"]').text
            assert f"{side} {percentile}" in cell
            assert (
                f"percentile {percentile}"
                in figure.find_element(By.CSS_SELECTOR, "figcaption").text
            )
        trials = card.find_element(By.CSS_SELECTOR, 'button[data-role="limited"]').text
        assert trials == row.find_element(By.CSS_SELECTOR, 'button[data-role="limited"]').text
    anc = page.find_element(By.CSS_SELECTOR, 'article[data-key="anc"]')
    assert texts(anc.find_elements(By.CSS_SELECTOR, "figure.side svg text.count")) == [
        "5",
        "5",
        "2",
    ]
    assert texts(anc.find_elements(By.CSS_SELECTOR, ".verdicts svg text.count")) == ["3", "4", "5"]
    # concepts: the stacked bar's labels are the table's cells
    for row in page.find_elements(By.CSS_SELECTOR, ".concepts .row"):
        key = row.get_attribute("data-key")
        cells = page.find_element(By.CSS_SELECTOR, f'#concepts-table tr[data-key="{key}"]')
        for label in row.find_elements(By.CSS_SELECTOR, "svg text.count"):
            stance = label.get_attribute("data-key")
            assert (
                label.text
                == cells.find_element(By.CSS_SELECTOR, f'td[data-stance="{stance}"]').text
            )
    brain = page.find_element(By.CSS_SELECTOR, '.concepts .row[data-key="brain_metastases"]')
    assert texts(brain.find_elements(By.CSS_SELECTOR, "svg text.count")) == ["10", "3", "7"]
    for row in page.find_elements(By.CSS_SELECTOR, "#missing-table tbody tr"):
        label = row.find_element(By.CSS_SELECTOR, 'svg text.count[data-key="have"]').text
        assert label == row.find_element(By.CSS_SELECTOR, 'button[data-role="trials"]').text


def test_a_click_opens_the_trials_behind_a_figure(page) -> None:
    from selenium.webdriver.common.by import By

    panel = page.find_element(By.ID, "trials")
    assert not panel.is_displayed()
    bar = page.find_element(
        By.CSS_SELECTOR, 'article[data-key="anc"] .verdicts g.segment[data-key="stricter"]'
    )
    page.execute_script("arguments[0].scrollIntoView({block: 'center'})", bar)
    bar.click()
    assert panel.is_displayed()
    assert page.find_element(By.ID, "trials-count").text == "3 trials"
    assert len(page.find_elements(By.CSS_SELECTOR, "#trials-list li")) == 3
    assert "stricter" in page.find_element(By.ID, "trials-title").text
    # a complement: the trials without an ANC limit, 20 - 12
    page.find_element(By.ID, "trials-close").click()
    none = page.find_element(
        By.CSS_SELECTOR, '#limits-table tr[data-key="anc"] button[data-role="none"]'
    )
    assert none.text == "8"
    page.execute_script("arguments[0].scrollIntoView({block: 'center'})", none)
    none.click()
    assert page.find_element(By.ID, "trials-count").text == "8 trials"
    listed = set(texts(page.find_elements(By.CSS_SELECTOR, "#trials-list li")))
    page.find_element(By.ID, "trials-close").click()
    limited = page.find_element(
        By.CSS_SELECTOR, '#limits-table tr[data-key="anc"] button[data-role="limited"]'
    )
    page.execute_script("arguments[0].scrollIntoView({block: 'center'})", limited)
    limited.click()
    assert page.find_element(By.ID, "trials-count").text == "12 trials"
    assert not listed & set(texts(page.find_elements(By.CSS_SELECTOR, "#trials-list li")))


def test_many_distinct_bounds_draw_an_empirical_cdf(browser, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    from ctparse.landscape.model import CriterionRow, ItemLink, Landscape, LimitItem, Side, Value
    from ctparse.landscape.ranges import Interval

    ids = tuple(f"NCT{n:08d}" for n in range(1, 21))
    age = LimitItem(
        kind="limit", key="age", target="age", scale="", name="age", unit="years",
        ref=Interval(lower=21), ref_text="≥ 21 years", ref_criteria=("inc-1",), compared=20,
        limited=ids,
        verdicts={"stricter": ids[4:], "same": ids[3:4], "looser": ids[:3], "other": (),
                  "contradictory": ()},
        mentions=(),
        lower=Side("lower", 21.0, 17.5, tuple(Value(18.0 + i, (ids[i],)) for i in range(20))),
    )  # fmt: skip
    result = Landscape(
        ref="NCT99999999", title="Ages", source="api_v2_json", has_criteria=True, dataset="d",
        where=None, min_share=0.5, studies=20, chosen=20, without_criteria=0,
        ref_in_dataset=False, trials=ids,
        criteria=(CriterionRow("inc-1", "inclusion", "Age ≥ 21 years", (ItemLink("limit", "age"),)),),
        limits=(age,),
    )  # fmt: skip
    path = tmp_path / "ecdf.html"
    path.write_text(render_html(result), encoding="utf-8")
    browser.get_log("browser")
    browser.get(path.as_uri())
    assert [e for e in browser.get_log("browser") if e["level"] in ("SEVERE", "WARNING")] == []
    (plot,) = browser.find_elements(By.CSS_SELECTOR, "figure.side svg.ecdf")
    box = browser.execute_script("return arguments[0].getBoundingClientRect().width", plot)
    assert box > 0
    assert plot.find_element(By.CSS_SELECTOR, "text.total").text == "20 trials"
    assert "REF: percentile 18" in plot.find_element(By.CSS_SELECTOR, "text.ref-mark").text
    row = browser.find_element(By.CSS_SELECTOR, '#limits-table tr[data-key="age"]')
    assert row.find_element(By.CSS_SELECTOR, 'td[data-role="percentile"]').text == "minimum 18"
    steps = plot.find_elements(By.CSS_SELECTOR, "g.step[data-bucket]")
    assert len(steps) == 20
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", plot)
    browser.execute_script(
        "arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true}))", steps[5]
    )
    assert browser.find_element(By.ID, "trials-count").text == "1 trial"
    assert texts(browser.find_elements(By.CSS_SELECTOR, "#trials-list li")) == ["NCT00000006"]
