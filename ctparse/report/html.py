"""One self-contained HTML page for a :class:`~ctparse.schema.Comparison`.

No external assets: the styles and the small filter script are inline, and a
Content-Security-Policy allows nothing else (the script is pinned by its
hash). Every piece of registry text goes through :func:`html.escape`; the
comparison itself is embedded as JSON in a ``<script type="application/json">``
block with ``<``, ``>`` and ``&`` escaped, so that no ``</script>`` or
``<!--`` in a record can end the block.
"""

from __future__ import annotations

import base64
import hashlib
from collections import Counter
from typing import TextIO

from .._version import __version__
from ..schema import Comparison, Pair, StudyRef
from .escape import html as e
from .escape import script_json
from .summary import (
    LABELS,
    VERDICTS,
    collapsed_note,
    criteria_highlights,
    criteria_sides,
    highlights,
    ref_name,
    row_criteria,
    short,
    summary_text,
    value_text,
)

COLOURS = {  # background, accent
    "same": ("#e9f6ec", "#2e7d32"),
    "a_stricter": ("#fff1e0", "#c25e00"),
    "b_stricter": ("#f6e9f7", "#8e24aa"),
    "different": ("#fdeaea", "#c62828"),
    "only_a": ("#e6f6f8", "#00838f"),
    "only_b": ("#e8eefb", "#1e50b4"),
}

SCRIPT = """
(function () {
  "use strict";
  var buttons = document.querySelectorAll("button[data-filter]");
  var tables = ["criteria", "study"];
  function apply(verdict) {
    tables.forEach(function (name) {
      var visible = 0;
      document.querySelectorAll("#" + name + " tr[data-verdict]").forEach(function (row) {
        var keep = verdict === "all" || row.getAttribute("data-verdict") === verdict;
        row.hidden = !keep;
        if (keep) { visible += 1; }
      });
      document.getElementById("shown-" + name).textContent = String(visible);
    });
    document.querySelectorAll("#criteria tbody.group").forEach(function (group) {
      var shown = group.querySelectorAll("tr[data-verdict]:not([hidden])").length;
      group.querySelector(".group-count").textContent = String(shown);
      group.querySelector("tr.group-head").hidden = shown === 0;
    });
    buttons.forEach(function (button) {
      var on = button.getAttribute("data-filter") === verdict;
      button.setAttribute("aria-pressed", on ? "true" : "false");
    });
  }
  buttons.forEach(function (button) {
    button.addEventListener("click", function () {
      apply(button.getAttribute("data-filter"));
    });
  });
  apply("all");
})();
""".strip()

STYLE = (
    """
:root { --ink: #1d2430; --muted: #5b6575; --line: #d9dee6; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       color: var(--ink); background: #f7f8fa; }
main { max-width: 1500px; margin: 0 auto; padding: 20px 24px 60px; }
h1 { font-size: 20px; margin: 0 0 14px; }
h2 { font-size: 16px; margin: 28px 0 8px; }
.studies { display: grid; grid-template-columns: 1fr 1fr; gap: 14px; }
.study { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; }
.study h3 { margin: 0 0 4px; font-size: 15px; }
.study .side { display: inline-block; min-width: 22px; text-align: center; border-radius: 4px;
               background: var(--ink); color: #fff; margin-right: 6px; }
.study p { margin: 2px 0; color: var(--muted); }
.notes { margin: 14px 0 0; padding: 10px 14px; border-left: 4px solid #e0a800;
         background: #fff8e1; border-radius: 4px; }
.notes p { margin: 2px 0; }
.filter { position: sticky; top: 0; z-index: 2; display: flex; flex-wrap: wrap; gap: 6px;
          align-items: center; background: #f7f8fa; padding: 10px 0; border-bottom: 1px solid var(--line); }
.filter button { font: inherit; border: 1px solid var(--line); background: #fff; border-radius: 14px;
                 padding: 3px 11px; cursor: pointer; }
.filter button[aria-pressed="true"] { border-color: var(--ink); box-shadow: inset 0 0 0 1px var(--ink); }
.filter .count { color: var(--muted); margin-left: 8px; }
.filter .n { color: var(--muted); font-size: 12px; }
table { width: 100%; border-collapse: collapse; background: #fff; border: 1px solid var(--line); }
th, td { text-align: left; vertical-align: top; padding: 6px 8px; border-bottom: 1px solid var(--line); }
th { background: #eef1f5; position: sticky; top: 46px; z-index: 1; }
td.verdict { white-space: nowrap; }
#study th:nth-child(1) { width: 13%; }
#study th:nth-child(2), #study th:nth-child(3) { width: 26%; }
#criteria th.side-col { width: 30%; }
#criteria.one-side th.side-col { width: 45%; }
.collapsed { color: var(--muted); margin: 0 0 6px; }
.badge { display: inline-block; border-radius: 10px; padding: 1px 8px; color: #fff; font-size: 12px; }
.crit { position: relative; cursor: help; }
.crit .cid { color: var(--muted); font-family: ui-monospace, monospace; font-size: 12px; margin-right: 4px; }
.crit .item { display: block; }
.crit .item + .item { margin-top: 4px; padding-top: 4px; border-top: 1px dashed var(--line); }
.crit .source { display: none; margin-top: 6px; background: #1d2430; color: #fff; padding: 8px 10px;
                border-radius: 6px; white-space: pre-wrap; }
.crit:hover .source, .crit:focus .source { display: block; }
tr.group-head th { background: #dfe4eb; position: static; font-size: 13px; }
tr.group-head .group-count { color: var(--muted); font-weight: normal; margin-left: 6px; }
.glance li.criteria-diff { font-weight: 600; }
.source .meta { display: block; color: #b8c2d3; font-size: 12px; margin-bottom: 4px; }
.source .entities { display: block; margin-top: 8px; white-space: normal; }
.source .entity { display: block; font-size: 12px; }
.glance { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 4px 14px;
          margin-top: 14px; }
.glance h2 { margin: 8px 0 4px; }
.glance ul { margin: 4px 0 10px; padding-left: 20px; }
footer { margin-top: 30px; color: var(--muted); font-size: 12px; }
"""
    + "".join(
        f"tr.v-{v} td {{ background: {bg}; }}\n.badge.v-{v} {{ background: {fg}; }}\n"
        for v, (bg, fg) in COLOURS.items()
    )
).strip()


def _hash(source: str) -> str:
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


def _badge(verdict: str) -> str:
    return f'<span class="badge v-{e(verdict)}">{e(LABELS[verdict])}</span>'


def _study_card(side: str, ref: StudyRef) -> str:
    criteria = (
        "eligibility criteria in the record"
        if ref.has_criteria
        else ("no eligibility criteria in the record")
    )
    return (
        f'<section class="study"><h3><span class="side">{side}</span>{e(ref_name(ref))}</h3>'
        f"<p><strong>{e(ref.title or 'untitled')}</strong></p>"
        f"<p>source: {e(ref.source or 'unknown')} · {e(criteria)}</p></section>"
    )


def _criterion(pair: Pair, side: str) -> str:
    """The criteria of one side of a row; hovering one shows them as written, in the
    cell itself, so that nothing covers the next row."""
    items = row_criteria(pair, side)
    if not items:
        return "<td></td>"
    shown = "".join(
        f'<span class="item"><span class="cid">{e(cid)}</span>{e(short(text))}</span>'
        for cid, text in items
    )
    ids = ", ".join(cid for cid, _ in items)
    meta = f"{ids} · {pair.section or 'unknown'} criteria · as written in the record"
    written = "\n\n".join(text for _, text in items)
    entities = pair.a_entities if side == "a" else pair.b_entities
    listed = (
        '<span class="entities"><span class="meta">what it is about</span>'
        + "".join(f'<span class="entity">{e(line)}</span>' for line in entities)
        + "</span>"
        if entities
        else ""
    )
    return (
        f'<td class="crit" tabindex="0">{shown}'
        f'<span class="source" role="tooltip"><span class="meta">{e(meta)}</span>'
        f"{e(written)}{listed}</span></td>"
    )


#: The order of the groups of criteria rows (the categories of ctparse.nlp.categorize).
GROUPS = (
    "demographics",
    "performance status",
    "laboratory",
    "disease characteristics",
    "prior therapy",
    "comorbidity",
    "reproductive",
    "consent/compliance",
    "other",
)


def _grouped(pairs: tuple[Pair, ...]) -> list[tuple[str, list[Pair]]]:
    """Rows by category, in :data:`GROUPS` order (row order kept inside a group)."""
    groups: dict[str, list[Pair]] = {}
    for pair in pairs:
        groups.setdefault(pair.category or "other", []).append(pair)
    rank = {g: n for n, g in enumerate(GROUPS)}
    return sorted(groups.items(), key=lambda item: rank.get(item[0], len(GROUPS)))


def _chip(verdict: str, label: str, criteria: int, study: int, pressed: bool) -> str:
    """A filter button saying how many rows of each table it shows."""
    return (
        f'<button type="button" data-filter="{e(verdict)}" data-criteria="{criteria}" '
        f'data-study="{study}" aria-pressed="{"true" if pressed else "false"}">{label} '
        f'<span class="n">criteria {criteria} · study {study}</span></button>'
    )


def render_html(comparison: Comparison) -> str:
    """The page as a string."""
    a, b = comparison.a, comparison.b
    study_counts: Counter[str] = Counter(r.verdict for r in comparison.study)
    criteria_counts: Counter[str] = Counter(p.verdict for p in comparison.pairs)
    sides = criteria_sides(comparison)
    title = f"{ref_name(a)} vs {ref_name(b)} — ctparse comparison"
    csp = (
        "default-src 'none'; style-src 'unsafe-inline'; "
        f"script-src '{_hash(SCRIPT)}'; base-uri 'none'; form-action 'none'"
    )
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{e(csp)}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(title)}</title>",
        f"<style>\n{STYLE}\n</style></head><body><main>",
        f"<h1>{e(ref_name(a))} <small>vs</small> {e(ref_name(b))}</h1>",
        f'<div class="studies">{_study_card("A", a)}{_study_card("B", b)}</div>',
    ]
    if comparison.notes:
        out.append('<div class="notes" id="notes">')
        out.extend(f"<p><strong>Note:</strong> {e(note)}</p>" for note in comparison.notes)
        out.append("</div>")
    out.append('<section class="glance" id="glance"><h2>At a glance</h2><ul>')
    differences = set(criteria_highlights(comparison))
    out.extend(
        f'<li class="criteria-diff">{e(line)}</li>'
        if line in differences
        else f"<li>{e(line)}</li>"
        for line in highlights(comparison)
    )
    out.append("</ul></section>")
    n_criteria, n_study = len(comparison.pairs), len(comparison.study)
    out.append('<div class="filter" role="toolbar" aria-label="Filter by verdict">Show:')
    out.append(_chip("all", "all", n_criteria, n_study, True))
    for verdict in VERDICTS:
        out.append(
            _chip(
                verdict,
                _badge(verdict),
                criteria_counts.get(verdict, 0),
                study_counts.get(verdict, 0),
                False,
            )
        )
    out.append(
        f'<span class="count" id="shown" aria-live="polite">showing '
        f'<span id="shown-criteria">{n_criteria}</span> of {n_criteria} criterion rows and '
        f'<span id="shown-study">{n_study}</span> of {n_study} study rows</span></div>'
    )
    out.append('<h2>Study design</h2><table id="study"><thead><tr>')
    out.append(
        "<th>Field</th><th>A</th><th>B</th><th>Verdict</th><th>Detail</th></tr></thead><tbody>"
    )
    for row in comparison.study:
        out.append(
            f'<tr class="v-{e(row.verdict)}" data-verdict="{e(row.verdict)}">'
            f"<td>{e(row.field.replace('_', ' '))}</td><td>{e(value_text(row.a))}</td>"
            f'<td>{e(value_text(row.b))}</td><td class="verdict">{_badge(row.verdict)}</td>'
            f"<td>{e(row.detail or '')}</td></tr>"
        )
    out.append("</tbody></table>")
    out.append(f"<h2>Eligibility criteria <small>({e(summary_text(comparison))})</small></h2>")
    for side, ref in (("a", a), ("b", b)):
        if side not in sides:
            out.append(f'<p class="collapsed">{e(collapsed_note(side, ref))}</p>')
    one = ' class="one-side"' if len(sides) == 1 else ""
    out.append(f'<table id="criteria"{one}><thead><tr><th>Verdict</th><th>Variable</th>')
    for side, ref in (("a", a), ("b", b)):
        if side in sides:
            out.append(f'<th class="side-col">{side.upper()} · {e(ref_name(ref))}</th>')
    out.append("<th>Detail</th></tr></thead>")
    width = 3 + len(sides)
    for category, rows in _grouped(comparison.pairs):
        out.append(
            f'<tbody class="group" data-category="{e(category)}">'
            f'<tr class="group-head"><th colspan="{width}">{e(category.capitalize())}'
            f'<span class="group-count">{len(rows)}</span></th></tr>'
        )
        for pair in rows:
            out.append(
                f'<tr class="v-{e(pair.verdict)}" data-verdict="{e(pair.verdict)}">'
                f'<td class="verdict">{_badge(pair.verdict)}</td><td>{e(pair.variable or "")}</td>'
                + "".join(_criterion(pair, side) for side in sides)
                + f"<td>{e(pair.detail)}</td></tr>"
            )
        out.append("</tbody>")
    if not comparison.pairs:
        out.append(
            f'<tbody><tr><td colspan="{width}">Neither record has eligibility criteria.</td></tr>'
            "</tbody>"
        )
    out.append("</table>")
    out.append(
        f"<footer>Made by ctparse {e(__version__)}. Stricter = fewer patients eligible on that "
        "criterion. Rows are grouped by category; hover a criterion for its text as written."
        "</footer></main>"
    )
    out.append(
        '<script type="application/json" id="comparison-data">'
        f"{script_json(comparison.to_dict())}</script>"
    )
    out.append(f"<script>{SCRIPT}</script></body></html>")
    return "\n".join(out) + "\n"


def write_html(comparison: Comparison, stream: TextIO) -> None:
    """Write the page to an open text stream."""
    stream.write(render_html(comparison))
