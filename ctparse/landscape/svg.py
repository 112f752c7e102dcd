"""Inline SVG plots for the landscape report: no library, no external asset.

Three shapes, each a function from numbers to an ``<svg>`` string:

* :func:`bars`: one bar per distinct bound (a histogram whose bins are the
  values registrants write: ANC 1, 1.5, 2 × 10^9/L), REF's value marked;
* :func:`ecdf`: the empirical CDF of the bounds when they are too many
  distinct values for bars (ages, washouts in days), REF's value marked;
* :func:`stacked`: one horizontal bar split into shares (what the trials do
  with a concept; stricter / same / looser).

Every figure a plot shows is a ``<text>`` with a ``data-count`` (so that a
test can read it back), and every bar that stands for trials carries the
``data-bucket`` that the page's script turns into the list of those trials.
Text goes through :func:`ctparse.report.escape.html`. Sizes are in a
``viewBox``: the plots scale with the page and print sharp.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..report.escape import html as e

BAR_WIDTH = 380
BAR_HEIGHT = 190
STACK_WIDTH = 420
STACK_HEIGHT = 26


@dataclass(frozen=True)
class Bar:
    """One bar: its tick label, how many trials, a style class, the bucket."""

    label: str
    count: int
    css: str
    bucket: str | None
    title: str
    ref: bool = False


@dataclass(frozen=True)
class Segment:
    """One share of a stacked bar."""

    key: str
    count: int
    css: str
    bucket: str | None
    title: str


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _open(width: int, height: int, label: str, css: str) -> str:
    return (
        f'<svg class="{css}" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{e(label)}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{e(label)}</title>"
    )


def bars(
    items: Sequence[Bar],
    *,
    x_title: str,
    y_title: str = "trials",
    label: str,
) -> str:
    """A bar chart on a categorical axis (one slot per bar, in order)."""
    left, right, top, bottom = 40, 10, 22, 48
    width, height = BAR_WIDTH, BAR_HEIGHT
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max([b.count for b in items] + [1])
    slot = plot_w / max(len(items), 1)
    out = [_open(width, height, label, "plot bars")]
    # y axis: 0, the peak, and a middle tick when it is a whole number
    ticks = sorted({0, peak, peak // 2} if peak >= 4 else {0, peak})
    for tick in ticks:
        y = top + plot_h - plot_h * tick / peak
        out.append(
            f'<line class="grid" x1="{left}" y1="{_num(y)}" x2="{width - right}" y2="{_num(y)}"/>'
            f'<text class="tick" x="{left - 5}" y="{_num(y + 3.5)}" text-anchor="end">{tick}</text>'
        )
    out.append(
        f'<text class="axis-title" transform="translate(11 {top + plot_h / 2:.1f}) rotate(-90)" '
        f'text-anchor="middle">{e(y_title)}</text>'
    )
    bar_w = max(min(slot * 0.7, 42), 3)
    for index, bar in enumerate(items):
        x = left + slot * index + (slot - bar_w) / 2
        h = plot_h * bar.count / peak
        y = top + plot_h - h
        cx = x + bar_w / 2
        attrs = f' data-bucket="{e(bar.bucket)}" tabindex="0"' if bar.bucket and bar.count else ""
        ref_class = " ref" if bar.ref else ""
        out.append(
            f'<g class="bar {e(bar.css)}{ref_class}"{attrs}><title>{e(bar.title)}</title>'
            f'<rect x="{_num(x)}" y="{_num(y)}" width="{_num(bar_w)}" height="{_num(max(h, 0))}"/>'
            f'<rect class="hit" x="{_num(left + slot * index)}" y="{top}" width="{_num(slot)}" '
            f'height="{plot_h}"/>'
            f'<text class="count" data-count="{bar.count}" x="{_num(cx)}" y="{_num(y - 4)}" '
            f'text-anchor="middle">{bar.count}</text>'
            f'<text class="tick" x="{_num(cx)}" y="{top + plot_h + 13}" '
            f'text-anchor="middle">{e(bar.label)}</text></g>'
        )
        if bar.ref:
            out.append(
                f'<text class="ref-mark" x="{_num(cx)}" y="{top + plot_h + 26}" '
                f'text-anchor="middle">▲ REF</text>'
            )
    out.append(
        f'<line class="axis" x1="{left}" y1="{top + plot_h}" x2="{width - right}" '
        f'y2="{top + plot_h}"/>'
        f'<text class="axis-title" x="{left + plot_w / 2:.1f}" y="{height - 5}" '
        f'text-anchor="middle">{e(x_title)}</text></svg>'
    )
    return "".join(out)


def _ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values spanning [low, high]."""
    if high <= low:
        return [low]
    raw = (high - low) / (count - 1)
    magnitude = 10.0 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw * (1 - 1e-9))
    first = (low // step) * step
    ticks = []
    value = first
    while value <= high + step * 1e-9:
        if value >= low - step * 1e-9:
            ticks.append(round(value, 10))
        value += step
    return ticks or [low, high]


def ecdf(
    points: Sequence[tuple[float, int, str | None, str]],
    *,
    ref: float | None,
    ref_percentile: float | None,
    x_title: str,
    label: str,
    tick_text: Callable[[float], str] = _num,
) -> str:
    """The empirical CDF of ``points`` (value, trials with it, bucket, title),
    in percent of the trials, REF's value as a dashed line."""
    left, right, top, bottom = 40, 14, 22, 48
    width, height = BAR_WIDTH, BAR_HEIGHT
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [p[0] for p in points] + ([ref] if ref is not None else [])
    low, high = min(values), max(values)
    if high == low:
        low, high = low - 1, high + 1
    total = sum(p[1] for p in points) or 1

    def x_of(v: float) -> float:
        return left + plot_w * (v - low) / (high - low)

    def y_of(share: float) -> float:
        return top + plot_h - plot_h * share

    out = [_open(width, height, label, "plot ecdf")]
    for percent in (0, 50, 100):
        y = y_of(percent / 100)
        out.append(
            f'<line class="grid" x1="{left}" y1="{_num(y)}" x2="{width - right}" y2="{_num(y)}"/>'
            f'<text class="tick" x="{left - 5}" y="{_num(y + 3.5)}" text-anchor="end">{percent}</text>'
        )
    out.append(
        f'<text class="axis-title" transform="translate(11 {top + plot_h / 2:.1f}) rotate(-90)" '
        f'text-anchor="middle">% of trials ≤ x</text>'
    )
    for tick in _ticks(low, high):
        out.append(
            f'<text class="tick" x="{_num(x_of(tick))}" y="{top + plot_h + 13}" '
            f'text-anchor="middle">{e(tick_text(tick))}</text>'
        )
    path, seen = [f"M{_num(left)},{_num(y_of(0))}"], 0
    dots = []
    for value, count, bucket, title in points:
        x = x_of(value)
        path.append(f"H{_num(x)}")
        seen += count
        path.append(f"V{_num(y_of(seen / total))}")
        attrs = f' data-bucket="{e(bucket)}" tabindex="0"' if bucket else ""
        dots.append(
            f'<g class="step"{attrs}><title>{e(title)}</title>'
            f'<circle cx="{_num(x)}" cy="{_num(y_of(seen / total))}" r="3.5"/>'
            f'<circle class="hit" cx="{_num(x)}" cy="{_num(y_of(seen / total))}" r="8"/></g>'
        )
    path.append(f"H{_num(width - right)}")
    out.append(f'<path class="cdf" d="{" ".join(path)}"/>')
    out.extend(dots)
    if ref is not None:
        x = x_of(ref)
        text = "REF" if ref_percentile is None else f"REF: percentile {ref_percentile:.0f}"
        anchor = "end" if x > left + plot_w * 0.6 else "start"
        dx = -4 if anchor == "end" else 4
        out.append(
            f'<line class="ref-line" x1="{_num(x)}" y1="{top - 6}" x2="{_num(x)}" '
            f'y2="{top + plot_h}"/>'
            f'<text class="ref-mark" data-percentile="{"" if ref_percentile is None else f"{ref_percentile:.0f}"}" '
            f'x="{_num(x + dx)}" y="{top - 8}" text-anchor="{anchor}">{e(text)}</text>'
        )
    out.append(
        f'<line class="axis" x1="{left}" y1="{top + plot_h}" x2="{width - right}" '
        f'y2="{top + plot_h}"/>'
        f'<text class="axis-title" x="{left + plot_w / 2:.1f}" y="{height - 5}" '
        f'text-anchor="middle">{e(x_title)}</text>'
        f'<text class="count total" data-count="{total}" x="{width - right}" y="{top - 8}" '
        f'text-anchor="end">{total} trials</text></svg>'
    )
    return "".join(out)


def stacked(segments: Sequence[Segment], *, total: int, label: str) -> str:
    """One bar of ``total`` split into segments; a segment's count is written
    on it when it is wide enough to hold the number."""
    width, height = STACK_WIDTH, STACK_HEIGHT
    out = [_open(width, height, label, "plot stacked")]
    x = 0.0
    for segment in segments:
        if not segment.count:
            continue
        w = width * segment.count / total if total else 0
        attrs = f' data-bucket="{e(segment.bucket)}" tabindex="0"' if segment.bucket else ""
        out.append(
            f'<g class="segment {e(segment.css)}" data-key="{e(segment.key)}"{attrs}>'
            f"<title>{e(segment.title)}</title>"
            f'<rect x="{_num(x)}" y="0" width="{_num(max(w, 0.8))}" height="{height}"/>'
        )
        text = str(segment.count)
        if w >= 7 * len(text) + 6:
            out.append(
                f'<text class="count" data-key="{e(segment.key)}" data-count="{segment.count}" '
                f'x="{_num(x + w / 2)}" y="{height / 2 + 4:.1f}" text-anchor="middle">{text}</text>'
            )
        out.append("</g>")
        x += w
    out.append("</svg>")
    return "".join(out)
