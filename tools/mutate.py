"""`make mutate`: does the suite notice when the rules under models/ are wrong?

Each mutation changes one thing in a copy of ``models/``: drops a phrase (or form,
synonym, abbreviation), changes a conversion factor, swaps a comparator's operator
or kind, changes a variable's canonical unit or ordinal scale, an anchor's id, a
polarity rule's kind, a category, a section or a bullet's tightness. A mutation is
*caught* when the rules refuse to load (the manifest), when an example of the rule
files no longer gives its result (``ctparse.evaluation.examples``), or, with
``--suite``, when the pytest suite run against the mutated rules fails. It
*survives* otherwise. The figure is caught / all, per operator, with the survivors
listed so they can be read and either fixed (an example to add) or accepted.

    python tools/mutate.py [--sample N] [--seed S] [--suite] [--out .bench/mutations.json]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ctparse.errors import ResourceError  # noqa: E402
from ctparse.evaluation.examples import check_file, check_models  # noqa: E402
from ctparse.resources import (  # noqa: E402
    forget,
    manifest,
    shipped_models_dir,
    using_models,
    validate_models,
)

Change = Callable[[list[dict[str, Any]]], list[dict[str, Any]]]


@dataclass(frozen=True)
class Mutation:
    operator: str
    file: str
    description: str
    change: Change


def _entries(folder: Path, name: str) -> list[dict[str, Any]]:
    return [
        json.loads(line)
        for line in (folder / name).read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]


def _on(entry_id: str, edit: Callable[[dict[str, Any]], dict[str, Any]]) -> Change:
    def change(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [edit(dict(e)) if e.get("id") == entry_id else e for e in entries]

    return change


def _drop(field: str, phrase: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    def edit(entry: dict[str, Any]) -> dict[str, Any]:
        value = entry[field]
        entry[field] = [p for p in value if p != phrase] if isinstance(value, list) else ""
        return entry

    return edit


def _set(field: str, value: Any) -> Callable[[dict[str, Any]], dict[str, Any]]:
    def edit(entry: dict[str, Any]) -> dict[str, Any]:
        entry[field] = value
        return entry

    return edit


_OPPOSITE = {">=": "<=", "<=": ">=", ">": "<", "<": ">", "=": ">=", "between": "in", "in": "between",
             "ULN": "LLN", "LLN": "ULN", "+-": "=", "if": "skip", "skip": "if",
             "for men": "for women", "for women": "for men", "percentile": "ULN",
             "cohort": "if", "inclusive": "exclusive", "exclusive": "inclusive"}  # fmt: skip
_OTHER_KIND = {"prefix": "suffix", "suffix": "prefix", "range": "list", "list": "range",
               "relative": "filler", "condition": "filler", "filler": "condition",
               "qualifier": "condition", "calendar": "prefix", "cohort": "condition", "bound": "filler"}  # fmt: skip


def mutations(folder: Path) -> Iterator[Mutation]:
    """Every mutation of the rule files in ``folder``."""
    specs = manifest(folder)
    for name, spec in sorted(specs.items()):
        for entry in _entries(folder, name):
            for field in spec.phrases:
                value = entry.get(field)
                for phrase in [value] if isinstance(value, str) else value or ():
                    yield Mutation("drop a phrase", name, f"{entry['id']}: drop {field} {phrase!r}",
                                   _on(entry["id"], _drop(field, phrase)))  # fmt: skip
    units = _entries(folder, "units.jsonl")
    quantity = {u["id"]: u["quantity"] for u in units}
    for entry in _entries(folder, "conversions.jsonl"):
        for times in (10, 0.5):
            yield Mutation("change a factor", "conversions.jsonl",
                           f"{entry['id']}: factor × {times}",
                           _on(entry["id"], _set("factor", entry["factor"] * times)))  # fmt: skip
    for entry in _entries(folder, "comparators.jsonl"):
        yield Mutation("swap a comparator's operator", "comparators.jsonl",
                       f"{entry['id']}: op {entry['op']} -> {_OPPOSITE[entry['op']]}",
                       _on(entry["id"], _set("op", _OPPOSITE[entry["op"]])))  # fmt: skip
        yield Mutation("swap a comparator's kind", "comparators.jsonl",
                       f"{entry['id']}: kind {entry['kind']} -> {_OTHER_KIND[entry['kind']]}",
                       _on(entry["id"], _set("kind", _OTHER_KIND[entry["kind"]])))  # fmt: skip
    for entry in _entries(folder, "variables.jsonl"):
        unit = entry.get("unit")
        others = sorted(
            u for u, q in quantity.items() if unit in quantity and q == quantity[unit] and u != unit
        )
        if others:
            yield Mutation("change a canonical unit", "variables.jsonl",
                           f"{entry['id']}: unit {unit} -> {others[0]}",
                           _on(entry["id"], _set("unit", others[0])))  # fmt: skip
        if entry.get("scale"):
            low, high = entry["scale"]
            yield Mutation("change an ordinal scale", "variables.jsonl",
                           f"{entry['id']}: scale [{low}, {high}] -> [{low}, {high - 1}]",
                           _on(entry["id"], _set("scale", [low, high - 1])))  # fmt: skip
    anchor_ids = sorted({e["anchor"] for e in _entries(folder, "anchors.jsonl") if e.get("anchor")})
    for entry in _entries(folder, "anchors.jsonl"):
        if entry.get("anchor"):
            other = anchor_ids[(anchor_ids.index(entry["anchor"]) + 1) % len(anchor_ids)]
            yield Mutation("change an anchor", "anchors.jsonl", f"{entry['id']}: anchor -> {other}",
                           _on(entry["id"], _set("anchor", other)))  # fmt: skip
    flip = {"permit": "exclude", "exclude": "permit"}
    for entry in _entries(folder, "polarity.jsonl"):
        if entry["kind"] in flip:
            yield Mutation("flip a polarity rule", "polarity.jsonl",
                           f"{entry['id']}: kind -> {flip[entry['kind']]}",
                           _on(entry["id"], _set("kind", flip[entry["kind"]])))  # fmt: skip
    categories = sorted({e["category"] for e in _entries(folder, "categories.jsonl")})
    for entry in _entries(folder, "categories.jsonl"):
        other = categories[(categories.index(entry["category"]) + 1) % len(categories)]
        yield Mutation("change a category", "categories.jsonl", f"{entry['id']}: -> {other}",
                       _on(entry["id"], _set("category", other)))  # fmt: skip
    other_section = {"inclusion": "exclusion", "exclusion": "inclusion", "unknown": "inclusion"}
    for entry in _entries(folder, "sections.jsonl"):
        yield Mutation("change a section", "sections.jsonl",
                       f"{entry['id']}: -> {other_section[entry['section']]}",
                       _on(entry["id"], _set("section", other_section[entry["section"]])))  # fmt: skip
    for entry in _entries(folder, "bullets.jsonl"):
        yield Mutation("flip a bullet's tightness", "bullets.jsonl", f"{entry['id']}: tight flipped",
                       _on(entry["id"], _set("tight", not entry["tight"])))  # fmt: skip


def _write(folder: Path, name: str, entries: list[dict[str, Any]]) -> None:
    lines = [json.dumps(e, ensure_ascii=False) for e in entries]
    (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")


def verdict(mutation: Mutation, source: Path, work: Path, *, suite: bool) -> str:
    """``refused``, ``example``, ``suite`` (how it was caught) or ``survived``."""
    if work.exists():
        forget(work)
        shutil.rmtree(work)
    shutil.copytree(source, work)
    _write(work, mutation.file, mutation.change(_entries(source, mutation.file)))
    try:
        validate_models(work)
    except ResourceError:
        return "refused"
    with using_models(work):
        try:
            if check_file(manifest(work)[mutation.file], work / mutation.file):
                return "example"
            if check_models(work):
                return "example"
        except ResourceError:
            return "refused"
    if not suite:
        return "survived"
    env = {**__import__("os").environ, "CTPARSE_MODELS": str(work)}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", str(ROOT / "tests")],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    return "suite" if run.returncode != 0 else "survived"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=600, help="phrase drops to sample (0: all)")
    parser.add_argument("--seed", type=int, default=20261201)
    parser.add_argument(
        "--suite", action="store_true", help="run pytest on what survives the examples"
    )
    parser.add_argument("--out", type=Path, default=ROOT / ".bench" / "mutations.json")
    args = parser.parse_args(argv)
    source = shipped_models_dir()
    every = list(mutations(source))
    drops = [m for m in every if m.operator == "drop a phrase"]
    rest = [m for m in every if m.operator != "drop a phrase"]
    rng = random.Random(args.seed)
    if args.sample and len(drops) > args.sample:
        drops = rng.sample(drops, args.sample)
    chosen = rest + sorted(drops, key=lambda m: (m.file, m.description))
    print(f"{len(every)} mutations possible; running {len(chosen)} "
          f"(all {len(rest)} non-phrase ones, {len(drops)} phrase drops sampled with seed {args.seed})")  # fmt: skip
    started = time.perf_counter()
    results: list[dict[str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "models"
        for number, mutation in enumerate(chosen, start=1):
            how = verdict(mutation, source, work, suite=args.suite)
            results.append({"operator": mutation.operator, "file": mutation.file,
                            "mutation": mutation.description, "result": how})  # fmt: skip
            if number % 50 == 0:
                print(
                    f"  {number}/{len(chosen)} in {time.perf_counter() - started:.0f} s", flush=True
                )
    by_operator: dict[str, Counter[str]] = {}
    for r in results:
        by_operator.setdefault(r["operator"], Counter())[r["result"]] += 1
    print()
    for operator, counts in sorted(by_operator.items()):
        total = sum(counts.values())
        caught = total - counts["survived"]
        print(
            f"{operator:<32} {caught:>5}/{total:<5} caught ({caught / total:.1%})  {dict(counts)}"
        )
    total = len(results)
    caught = sum(r["result"] != "survived" for r in results)
    print(
        f"\nall: {caught}/{total} caught ({caught / total:.1%}) in {time.perf_counter() - started:.0f} s"
    )
    survivors = [r for r in results if r["result"] == "survived"]
    if survivors:
        print("\nsurvivors:")
        for r in survivors:
            print(f"  {r['file']}: {r['mutation']}")
    args.out.parent.mkdir(exist_ok=True)
    args.out.write_text(
        json.dumps({"caught": caught, "total": total, "results": results}, indent=2) + "\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
