"""One self-contained HTML page for a :class:`~ctparse.landscape.model.Landscape`.

Per limit and time window a card: REF's range, a stacked bar of the trials
stricter / the same / looser, and per bound a plot of the trials' bounds
(:mod:`ctparse.landscape.svg`: bars of the distinct values, or the empirical
CDF when there are many) with REF marked; per concept a stacked bar of what
the trials do with it; the "missing in REF" list; and the tables of
:mod:`ctparse.landscape.text` with the same numbers. Every number and every
bar opens the list of the trials behind it (NCT ids link to the registry).

Like the comparison report (:mod:`ctparse.report.html`): no external asset,
a Content-Security-Policy that allows only the inline styles and the one
script pinned by its hash, every piece of registry text escaped by
:func:`ctparse.report.escape.html`, and the data the script reads embedded
as JSON with ``<``, ``>`` and ``&`` escaped (:func:`~ctparse.report.escape.script_json`).
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence
from typing import TextIO

from .._version import __version__
from ..report.escape import html as e
from ..report.escape import script_json
from . import svg
from .model import (
    REF_LABELS,
    SIDE_LABELS,
    STANCE_LABELS,
    VERDICT_LABELS,
    VERDICT_ORDER,
    ConceptItem,
    Landscape,
    LimitItem,
    Side,
    percent,
)
from .page import SCRIPT, STYLE
from .query import STANCES
from .text import header_lines, item_label, percentile_text

#: Bounds with more distinct values than this are drawn as an empirical CDF.
MAX_BARS = 12


def _hash(source: str) -> str:
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


class Buckets:
    """The trials behind each figure, as indices into the compared trials; a
    complement (``no limit``, ``say nothing``) as the buckets it leaves out."""

    def __init__(self, trials: Sequence[str]) -> None:
        self.index = {t: i for i, t in enumerate(trials)}
        self.members: dict[str, object] = {}
        self.labels: dict[str, str] = {}

    def add(self, label: str, ids: Sequence[str]) -> str:
        key = f"b{len(self.members)}"
        self.members[key] = [self.index[i] for i in ids if i in self.index]
        self.labels[key] = label
        return key

    def rest(self, label: str, others: Sequence[str]) -> str:
        key = f"b{len(self.members)}"
        self.members[key] = {"rest": list(others)}
        self.labels[key] = label
        return key


def trials(count: int) -> str:
    """``1 trial``, ``5 trials``."""
    return f"{count} trial" if count == 1 else f"{count} trials"


def _button(count: int, bucket: str | None, *, role: str = "") -> str:
    """A number that opens its trials."""
    if bucket is None or not count:
        return f'<span class="n" data-count="{count}" data-role="{e(role)}">{count}</span>'
    return (
        f'<button type="button" class="n" data-bucket="{e(bucket)}" data-count="{count}" '
        f'data-role="{e(role)}">{count}</button>'
    )


def _link(anchor: str, text: str, present: bool) -> str:
    """A link to a card or row of the page, or the plain text when there is none."""
    return f'<a href="#{e(anchor)}">{e(text)}</a>' if present else e(text)


def _short(value: float) -> str:
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.3g}"


def _scale_text(item: LimitItem) -> str:
    """What a unitless bound is on: an ordinal scale ("scale 0–5") or nothing."""
    from .facts import variables

    variable = variables().get(item.target) if item.kind == "limit" else None
    if variable is not None and variable.scale is not None and not item.scale:
        return f"scale {variable.scale[0]}–{variable.scale[1]}"
    return "no unit"


def _side_plot(item: LimitItem, side: Side, buckets: Buckets) -> str:
    unit = item.unit or _scale_text(item)
    what = SIDE_LABELS[side.side]
    label = f"{item.name}: {what} of {side.trials} trials ({unit})"
    values = {v.value: v.study_ids for v in side.values}
    if side.ref is not None and not any(abs(v - side.ref) < 1e-9 for v in values):
        values[side.ref] = ()
    categories = sorted(values)
    caption = f"{trials(side.trials)} set a {what}"
    if side.percentile is not None:
        caption += f"; REF at percentile {side.percentile:.0f}"
    x_title = f"{what} ({unit})"
    if len(categories) > MAX_BARS:
        points = [
            (
                v,
                len(values[v]),
                buckets.add(f"{item.name}: {what} {_short(v)} {unit}", values[v]),
                f"{_short(v)}: {len(values[v])} trials",
            )
            for v in categories
            if values[v]
        ]
        plot = svg.ecdf(
            points,
            ref=side.ref,
            ref_percentile=side.percentile,
            x_title=x_title,
            label=label,
            tick_text=_short,
        )
    else:
        bars = []
        for v in categories:
            ids = values[v]
            css = "neutral"
            if side.ref is not None:
                if abs(v - side.ref) < 1e-9:
                    css = "same"
                elif (v > side.ref) == (side.side == "lower"):
                    css = "stricter"
                else:
                    css = "looser"
            bucket = buckets.add(f"{item.name}: {what} {_short(v)} {unit}", ids) if ids else None
            bars.append(
                svg.Bar(
                    label=_short(v),
                    count=len(ids),
                    css=css,
                    bucket=bucket,
                    title=f"{what} {_short(v)} {unit}: {len(ids)} trials",
                    ref=side.ref is not None and abs(v - side.ref) < 1e-9,
                )
            )
        plot = svg.bars(bars, x_title=x_title, label=label)
    return (
        f'<figure class="side" data-side="{side.side}" data-trials="{side.trials}" '
        f'data-percentile="{"" if side.percentile is None else f"{side.percentile:.0f}"}">'
        f"{plot}<figcaption>{e(caption)}</figcaption></figure>"
    )


def _verdict_bar(item: LimitItem, buckets: dict[str, str]) -> str:
    segments = [
        svg.Segment(
            v,
            len(item.verdicts[v]),
            v,
            buckets.get(v),
            f"{VERDICT_LABELS[v]}: {len(item.verdicts[v])} trials",
        )
        for v in VERDICT_ORDER
        if v in item.verdicts
    ]
    total = sum(s.count for s in segments)
    if not total:
        return ""
    legend = "".join(
        f'<span><i class="{v}"></i>{e(VERDICT_LABELS[v])} {_button(len(item.verdicts[v]), buckets.get(v), role=v)}</span>'
        for v in VERDICT_ORDER
        if v in item.verdicts and (item.verdicts[v] or v in ("stricter", "same", "looser"))
    )
    plot = svg.stacked(segments, total=total, label=f"{item.name}: trials against REF")
    return f'<div class="verdicts">{plot}<div class="legend">{legend}</div></div>'


def _limit_card(item: LimitItem, buckets: Buckets) -> tuple[str, dict[str, str], str, str]:
    keys = {
        v: buckets.add(
            f"{item.name}: {VERDICT_LABELS[v]} than REF"
            if v in ("stricter", "looser")
            else f"{item.name}: {VERDICT_LABELS[v]}",
            ids,
        )
        for v, ids in item.verdicts.items()
    }
    limited = buckets.add(f"{item.name}: trials that limit it", item.limited)
    mentions = buckets.add(
        f"{item.name}: named only in conditional or granted limits", item.mentions
    )
    none = buckets.rest(f"{item.name}: no limit", [limited, mentions])
    plots = "".join(_side_plot(item, s, buckets) for s in item.sides)
    mention = (
        f" · {_button(len(item.mentions), mentions, role='mentions')} more only conditionally"
        if item.mentions
        else ""
    )
    return (
        (
            f'<article class="card item" id="{e(item.kind)}-{e(item.key)}" data-kind="{e(item.kind)}" '
            f'data-key="{e(item.key)}"><h3>{e(item_label(item))}</h3>'
            f'<p><span class="ref">REF: {e(item.ref_text)}</span> '
            f'<span class="muted">({e(", ".join(item.ref_criteria))})</span></p>'
            f"<p>{_button(len(item.limited), limited, role='limited')} of {item.compared} trials "
            f"limit it ({percent(len(item.limited), item.compared)}){mention} · no limit "
            f"{_button(item.none, none, role='none')}</p>"
            f'{_verdict_bar(item, keys)}<div class="plots">{plots}</div></article>'
        ),
        keys,
        limited,
        none,
    )


def _limits_table(
    items: Sequence[LimitItem], rows: dict[str, tuple[dict[str, str], str, str]], table_id: str
) -> str:
    head = "".join(f'<th class="num">{e(VERDICT_LABELS[v])}</th>' for v in VERDICT_ORDER)
    out = [
        f'<table id="{table_id}"><thead><tr><th>Item</th><th>Criteria</th><th>REF</th>'
        f'<th class="num">Trials</th><th class="num">Share</th><th>REF percentile</th>{head}'
        '<th class="num">No limit</th></tr></thead><tbody>'
    ]
    for item in items:
        keys, limited, none = rows[item.key]
        cells = "".join(
            f'<td class="num" data-verdict="{v}">'
            + (
                ""
                if v not in item.verdicts
                else _button(len(item.verdicts[v]), keys.get(v), role=v)
            )
            + "</td>"
            for v in VERDICT_ORDER
        )
        out.append(
            f'<tr id="row-{e(item.kind)}-{e(item.key)}" data-key="{e(item.key)}">'
            f"<td>{_link(f'{item.kind}-{item.key}', item_label(item), bool(item.limited or item.mentions))}</td>"
            f"<td>{e(', '.join(item.ref_criteria))}</td>"
            f"<td>{e(item.ref_text)}</td>"
            f'<td class="num">{_button(len(item.limited), limited, role="limited")}</td>'
            f'<td class="num">{percent(len(item.limited), item.compared)}</td>'
            f'<td data-role="percentile">{e(percentile_text(item))}</td>{cells}'
            f'<td class="num">{_button(item.none, none, role="none")}</td></tr>'
        )
    out.append("</tbody></table>")
    return "".join(out)


def _limits_section(
    title: str,
    section_id: str,
    items: Sequence[LimitItem],
    buckets: Buckets,
) -> str:
    if not items:
        return f'<section id="{section_id}"><h2>{e(title)}</h2><p class="muted">None in REF.</p></section>'
    cards, rows, alone = [], {}, []
    for item in items:
        card, keys, limited, none = _limit_card(item, buckets)
        rows[item.key] = (keys, limited, none)
        if item.limited or item.mentions:
            cards.append(card)
        else:
            alone.append(f"{item_label(item)} ({', '.join(item.ref_criteria)})")
    unmatched = (
        f'<p class="muted" id="{section_id}-unmatched">No compared trial has: {e("; ".join(alone))}</p>'
        if alone
        else ""
    )
    return (
        f'<section id="{section_id}"><h2>{e(title)}</h2><div class="cards">{"".join(cards)}</div>'
        f"{unmatched}{_limits_table(items, rows, section_id + '-table')}</section>"
    )


def _concepts_section(items: Sequence[ConceptItem], buckets: Buckets) -> str:
    order = (*STANCES, "none")
    legend = "".join(f'<span><i class="{s}"></i>{e(STANCE_LABELS[s])}</span>' for s in order)
    rows, table, alone = [], [], []
    for item in items:
        keys = {
            s: buckets.add(f"{item.name}: {STANCE_LABELS[s]}", item.stances.get(s, ()))
            for s in STANCES
        }
        keys["none"] = buckets.rest(f"{item.name}: say nothing", list(keys.values()))
        segments = [
            svg.Segment(s, item.count(s), s, keys[s], f"{STANCE_LABELS[s]}: {item.count(s)} trials")
            for s in order
        ]
        plot = svg.stacked(segments, total=item.compared, label=f"{item.name}: what the trials do")
        counts = " · ".join(
            f"{e(STANCE_LABELS[s])} {_button(item.count(s), keys[s], role=s)} "
            f"({percent(item.count(s), item.compared)})"
            for s in order
            if item.count(s)
        )
        if item.none == item.compared:
            alone.append(f"{item.name} ({', '.join(item.ref_criteria)})")
        else:
            rows.append(
                f'<div class="row" id="concept-{e(item.key)}" data-key="{e(item.key)}">'
                f'<div><strong>{e(item.name)}</strong> <span class="muted">({e(", ".join(item.ref_criteria))})</span></div>'
                f"<div>REF {e(REF_LABELS[item.ref_stance])}</div>"
                f'<div>{plot}<div class="legend">{counts}</div></div></div>'
            )
        cells = "".join(
            f'<td class="num" data-stance="{s}">{_button(item.count(s), keys[s], role=s)}</td>'
            for s in order
        )
        table.append(
            f'<tr id="row-concept-{e(item.key)}" data-key="{e(item.key)}"><td>{_link(f"concept-{item.key}", item.name, item.none < item.compared)}</td>'
            f"<td>{e(', '.join(item.ref_criteria))}</td><td>{e(REF_LABELS[item.ref_stance])}</td>{cells}</tr>"
        )
    head = "".join(f'<th class="num">{e(STANCE_LABELS[s])}</th>' for s in order)
    if not items:
        return '<section id="concepts"><h2>Concepts</h2><p class="muted">None in REF.</p></section>'
    return (
        f'<section id="concepts"><h2>Concepts</h2><div class="legend">{legend}</div>'
        f'<div class="concepts">{"".join(rows)}</div>'
        + (
            f'<p class="muted" id="concepts-unmatched">No compared trial names: {e("; ".join(alone))}</p>'
            if alone
            else ""
        )
        + f'<table id="concepts-table"><thead><tr><th>Concept</th><th>Criteria</th><th>REF</th>{head}'
        f"</tr></thead><tbody>{''.join(table)}</tbody></table></section>"
    )


def _missing_section(result: Landscape, buckets: Buckets) -> str:
    title = f"Missing in REF: what at least {result.min_share:.0%} of the compared trials have"
    if not result.missing:
        return f'<section id="missing"><h2>{e(title)}</h2><p class="muted">Nothing.</p></section>'
    out = [
        f'<section id="missing"><h2>{e(title)}</h2><table id="missing-table"><thead><tr>'
        '<th>Kind</th><th>Item</th><th class="num">Trials</th><th class="num">Share</th>'
        "<th>Share of trials</th><th>Detail</th></tr></thead><tbody>"
    ]
    for m in result.missing:
        key = buckets.add(f"{m.name}: trials that have it", m.study_ids)
        parts = [
            f"{e(name if m.kind != 'concept' else STANCE_LABELS[name])} "
            f"{_button(len(ids), buckets.add(f'{m.name}: {name}', ids), role=name)}"
            for name, ids in m.breakdown.items()
        ]
        bar = svg.stacked(
            [
                svg.Segment(
                    "have", len(m.study_ids), "stricter", key, f"{len(m.study_ids)} trials"
                ),
                svg.Segment("rest", m.compared - len(m.study_ids), "none", None, "the others"),
            ],
            total=m.compared,
            label=f"{m.name}: share of trials",
        )
        unit = f", {m.unit}" if m.unit else ""
        out.append(
            f'<tr data-key="{e(m.key)}" data-kind="{e(m.kind)}"><td>{e(m.kind)}</td>'
            f'<td>{e(m.name)} <span class="muted">({e(m.key)}{e(unit)})</span></td>'
            f'<td class="num">{_button(len(m.study_ids), key, role="trials")}</td>'
            f'<td class="num">{percent(len(m.study_ids), m.compared)}</td><td>{bar}</td>'
            f'<td>{e(m.summary)}<br><span class="muted">{" · ".join(parts)}</span></td></tr>'
        )
    out.append("</tbody></table></section>")
    return "".join(out)


def _criteria_section(result: Landscape) -> str:
    out = [
        '<section id="criteria"><h2>By criterion</h2><table id="criteria-table"><thead><tr>'
        "<th>Criterion</th><th>Item</th><th>REF</th></tr></thead><tbody>"
    ]
    for criterion in result.criteria:
        items = []
        for link in criterion.items:
            item = result.item(link)
            if item is None:
                continue
            anchor = f"row-{link.kind}-{link.key}"
            if isinstance(item, ConceptItem):
                ref = REF_LABELS[link.stance or item.ref_stance]
            else:
                ref = item.ref_text
            items.append(
                f'<li><a href="#{e(anchor)}">{e(item_label(item))}</a>: <strong>{e(ref)}</strong></li>'
            )
        listed = (
            f"<ul>{''.join(items)}</ul>"
            if items
            else '<span class="muted">nothing to compare</span>'
        )
        out.append(
            f'<tr id="c-{e(criterion.id)}"><td><span class="cid">{e(criterion.id)}</span> '
            f'{e(criterion.text)}</td><td colspan="2">{listed}</td></tr>'
        )
    out.append("</tbody></table></section>")
    return "".join(out)


def render_html(result: Landscape) -> str:
    """The page as a string."""
    buckets = Buckets(result.trials)
    body = [
        _limits_section("Limits", "limits", result.limits, buckets),
        _limits_section("Time windows", "windows", result.windows, buckets),
        _concepts_section(result.concepts, buckets),
        _missing_section(result, buckets),
        _criteria_section(result),
    ]
    title = f"{result.ref} among {result.compared} trials — ctparse landscape"
    csp = (
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; "
        f"script-src '{_hash(SCRIPT)}'; base-uri 'none'; form-action 'none'"
    )
    head, *rest = header_lines(result)
    data = {"trials": list(result.trials), "buckets": buckets.members, "labels": buckets.labels}
    notes = "".join(f"<p>{e(n)}</p>" for n in result.notes)
    return (
        "\n".join(
            [
                "<!DOCTYPE html>",
                '<html lang="en"><head><meta charset="utf-8">',
                f'<meta http-equiv="Content-Security-Policy" content="{e(csp)}">',
                '<meta name="viewport" content="width=device-width, initial-scale=1">',
                f"<title>{e(title)}</title>",
                f"<style>\n{STYLE}\n</style></head><body><main>",
                f"<h1>Landscape of {e(result.ref)}</h1>",
                f'<p class="lead">{e(result.title or "")}</p>',
                "".join(
                    f'<p class="lead">{e(line)}</p>'
                    for line in rest
                    if not line.startswith("Note:")
                ),
                f'<div class="notes" id="notes">{notes}</div>' if notes else "",
                '<nav><a href="#limits">Limits</a><a href="#windows">Time windows</a>'
                '<a href="#concepts">Concepts</a><a href="#missing">Missing in REF</a>'
                '<a href="#criteria">By criterion</a></nav>',
                *body,
                f"<footer>Made by ctparse {e(__version__)} from {e(head.split(maxsplit=1)[-1])}. "
                "Stricter = fewer patients eligible (a higher minimum, a lower maximum, a longer "
                "washout); bounds in canonical units; multiples of ULN/LLN are a scale of their own. "
                "Click a number or a bar for the trials behind it.</footer></main>",
                '<aside id="trials" role="dialog" aria-labelledby="trials-title" tabindex="-1" hidden>'
                '<button type="button" id="trials-close" aria-label="Close">✕ close</button>'
                '<h2 id="trials-title"></h2><p id="trials-count"></p><ol id="trials-list"></ol></aside>',
                f'<script type="application/json" id="landscape-data">{script_json(data)}</script>',
                f"<script>{SCRIPT}</script></body></html>",
            ]
        )
        + "\n"
    )


def write_html(result: Landscape, stream: TextIO) -> None:
    """Write the page to an open text stream."""
    stream.write(render_html(result))
