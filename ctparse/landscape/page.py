"""The landscape page's inline style and script (:mod:`ctparse.landscape.html`).

The script is the page's only code: a click (or Enter) on anything with a
``data-bucket`` lists the trials behind that figure, read from the page's
JSON data block; a complement bucket (``{"rest": [...]}``) is every compared
trial outside the buckets it names. The Content-Security-Policy pins the
script by its hash, so it must stay byte for byte what this module says.
"""

from __future__ import annotations

SCRIPT = """
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("landscape-data").textContent);
  var panel = document.getElementById("trials");
  var list = document.getElementById("trials-list");
  function members(id) {
    var bucket = data.buckets[id];
    if (Array.isArray(bucket)) { return bucket; }
    var skip = {};
    bucket.rest.forEach(function (other) {
      data.buckets[other].forEach(function (i) { skip[i] = true; });
    });
    var out = [];
    for (var i = 0; i < data.trials.length; i += 1) { if (!skip[i]) { out.push(i); } }
    return out;
  }
  function show(id) {
    var ids = members(id);
    document.getElementById("trials-title").textContent = data.labels[id] || "";
    document.getElementById("trials-count").textContent =
      ids.length + (ids.length === 1 ? " trial" : " trials");
    list.textContent = "";
    ids.forEach(function (i) {
      var name = data.trials[i];
      var item = document.createElement("li");
      if (/^NCT[0-9]{8}$/.test(name)) {
        var link = document.createElement("a");
        link.href = "https://clinicaltrials.gov/study/" + name;
        link.rel = "noopener noreferrer";
        link.textContent = name;
        item.appendChild(link);
      } else {
        item.textContent = name;
      }
      list.appendChild(item);
    });
    panel.hidden = false;
    panel.setAttribute("data-shown", id);
    panel.focus();
  }
  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-bucket]");
    if (target) { show(target.getAttribute("data-bucket")); }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { panel.hidden = true; return; }
    var target = event.target.closest && event.target.closest("[data-bucket]");
    if (target && (event.key === "Enter" || event.key === " ")) {
      event.preventDefault();
      show(target.getAttribute("data-bucket"));
    }
  });
  document.getElementById("trials-close").addEventListener("click", function () {
    panel.hidden = true;
  });
})();
""".strip()

COLOURS = {
    "stricter": "#c25e00",
    "same": "#4a5568",
    "looser": "#1e6fb4",
    "other": "#8e24aa",
    "contradictory": "#9e9e9e",
    "neutral": "#5f7fa6",
    "excluded": "#c62828",
    "required": "#2e7d32",
    "allowed": "#e0a800",
    "both": "#8e24aa",
    "mentioned": "#78909c",
    "none": "#e3e7ed",
}

STYLE = (
    """
:root { --ink: #1d2430; --muted: #5b6575; --line: #d9dee6; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       color: var(--ink); background: #f7f8fa; }
main { max-width: 1500px; margin: 0 auto; padding: 20px 24px 60px; }
h1 { font-size: 20px; margin: 0 0 6px; }
h2 { font-size: 17px; margin: 30px 0 10px; }
h3 { font-size: 14px; margin: 0 0 4px; }
p { margin: 4px 0; }
.lead { color: var(--muted); }
.notes { margin: 10px 0; padding: 8px 12px; border-left: 4px solid #e0a800; background: #fff8e1; }
nav a { margin-right: 14px; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(420px, 1fr)); gap: 14px; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px;
        break-inside: avoid; }
.card .ref { font-weight: 600; }
.card .muted, .muted { color: var(--muted); }
.plots { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 6px; }
figure { margin: 0; }
figcaption { color: var(--muted); font-size: 12px; }
svg.plot { max-width: 100%; height: auto; overflow: visible; }
svg text { font: 11px system-ui, sans-serif; fill: var(--ink); }
svg .tick { fill: var(--muted); font-size: 10px; }
svg .axis-title { fill: var(--muted); font-size: 11px; }
svg .grid { stroke: #eef1f5; }
svg .axis { stroke: #8a94a6; }
svg .hit { fill: transparent; stroke: none; }
svg [data-bucket] { cursor: pointer; }
svg [data-bucket]:hover rect:not(.hit), svg [data-bucket]:focus rect:not(.hit) { opacity: .75; }
svg .bar.ref rect:not(.hit) { stroke: var(--ink); stroke-width: 2; }
svg .ref-mark { font-weight: 700; font-size: 11px; }
svg .ref-line { stroke: var(--ink); stroke-width: 2; stroke-dasharray: 4 3; }
svg .cdf { fill: none; stroke: #1e6fb4; stroke-width: 2; }
svg .step circle { fill: #1e6fb4; }
svg .step circle.hit { fill: transparent; }
svg.stacked { display: block; width: 100%; max-width: 420px; }
svg.stacked .count { fill: #fff; font-weight: 600; }
svg.stacked .segment.none .count, svg.stacked .segment.allowed .count { fill: var(--ink); }
.legend { display: flex; flex-wrap: wrap; gap: 4px 12px; font-size: 12px; margin: 4px 0; }
.legend i { display: inline-block; width: 10px; height: 10px; margin-right: 4px; border-radius: 2px; }
button.n { font: inherit; border: 0; background: none; padding: 0 2px; color: #1e50b4;
           text-decoration: underline dotted; cursor: pointer; }
table { width: 100%; border-collapse: collapse; background: #fff; border: 1px solid var(--line);
        margin-top: 8px; }
th, td { text-align: left; vertical-align: top; padding: 5px 7px; border-bottom: 1px solid var(--line); }
th { background: #eef1f5; }
td.num, th.num { text-align: right; }
td.num { white-space: nowrap; }
th { font-size: 12px; overflow-wrap: anywhere; }
td { overflow-wrap: anywhere; }
td .cid { color: var(--muted); font-family: ui-monospace, monospace; font-size: 12px; }
.concepts .row { display: grid; grid-template-columns: minmax(180px, 260px) 140px 1fr; gap: 10px;
                 align-items: center; padding: 4px 0; border-bottom: 1px solid var(--line); }
#trials { position: fixed; right: 16px; top: 16px; bottom: 16px; width: min(360px, 90vw);
          overflow: auto; background: #fff; border: 1px solid var(--ink); border-radius: 8px;
          padding: 12px 14px; box-shadow: 0 6px 24px rgba(0,0,0,.25); z-index: 10; }
#trials ol { padding-left: 22px; font-family: ui-monospace, monospace; }
footer { margin-top: 30px; color: var(--muted); font-size: 12px; }
@media print {
  body { background: #fff; }
  #trials, nav { display: none !important; }
  .card, table, .concepts .row { break-inside: avoid; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  button.n { color: var(--ink); text-decoration: none; }
  table { font-size: 11px; }
  th, td { padding: 3px 4px; }
}
"""
    + "".join(
        f"svg .{k} rect:not(.hit) {{ fill: {v}; }}\n.legend i.{k} {{ background: {v}; }}\n"
        for k, v in COLOURS.items()
    )
).strip()
