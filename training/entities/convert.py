"""Convert the LCT and Chia entity gold into spaCy training corpora.

    python training/entities/convert.py [--gold ../shared/gold/entities] [--out training/entities/corpus]

Reads ``ent_lct_dev.jsonl`` and ``ent_chia_dev.jsonl`` by path and writes,
under ``--out`` (git-ignored; never commit it, it is made from the gold):

* ``train.spacy``, ``dev.spacy``: one ``Doc`` per non-blank line of the train
  and dev trials of both corpora (``ctparse.nlp.recognizer.lines``, the unit
  the recognizer runs on), entities set on it; ``train-lct.spacy`` etc. per
  corpus;
* ``split.json``: which trial is in which split (a list of ids, no text);
* ``pretrain.jsonl``: the lines of the train trials as raw text, for
  ``spacy pretrain`` (the tok2vec's character objective).

The test trials are not converted at all: the model never sees them.

Rules, each measured on the dev split (see ``models/entities/MODEL_CARD.md``):

* **Types**: the gold's ``type`` (condition, drug, procedure, measurement);
  with ``--device``, Chia's ``Device`` label as ``device`` too.
* **Split**: per corpus, trials sorted by SHA-256 of ``"<seed>:<trial id>"``;
  the first 10 % are test, the next 10 % dev, the rest train. A trial's
  documents (Chia's ``_inc`` and ``_exc``) stay together. The seed is fixed.
* **Discontinuous spans** (Chia only): the envelope when the text between the
  fragments is short (at most ``--max-gap`` characters, no line end, as in
  "medical or psychiatric illness"); otherwise the tokens of the envelope
  are marked *missing* (neither entity nor outside), so the model learns
  nothing from them (``--discontinuous`` changes this).
* **Overlapping and nested spans** (Chia only; LCT has none among its typed
  spans): the longest span wins, ties go to the earlier one; a span that
  overlaps a kept one is dropped.
* **Spans that are not whole tokens** of the recognizer's tokenizer
  (``ctparse.nlp.recognizer.entity_tokenizer``; "post[operative]"): their
  tokens are marked missing.
* Spans that cross a line end (2 in Chia) are dropped.
* With ``--harmonize lct`` (not the default: measured, no better on dev), Chia's
  entities are trimmed to LCT's convention by rules counted on the LCT train
  lines: a trailing bracketed group is cut and marked missing, leading and
  trailing words LCT leaves out ("chronic", "acute", "major", … ``symptoms``)
  become outside.

CRLF line ends (Chia) are handled by the line splitter: offsets count every
character of the source text.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import spacy
from spacy.tokens import Doc, DocBin, Span

from ctparse.nlp.recognizer import entity_tokenizer, lines

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
FILES = {"lct": "ent_lct_dev.jsonl", "chia": "ent_chia_dev.jsonl"}
SEED = 14
TEST_SHARE = 0.10
DEV_SHARE = 0.10


def read(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as stream:
        return [json.loads(line) for line in stream if line.strip()]


def split_trials(trial_ids: set[str], *, seed: int = SEED) -> dict[str, str]:
    """trial id → ``train``/``dev``/``test``, deterministic for a seed."""

    def key(trial_id: str) -> str:
        return hashlib.sha256(f"{seed}:{trial_id}".encode()).hexdigest()

    ordered = sorted(trial_ids, key=key)
    n_test = round(len(ordered) * TEST_SHARE)
    n_dev = round(len(ordered) * DEV_SHARE)
    split = {}
    for position, trial_id in enumerate(ordered):
        split[trial_id] = (
            "test" if position < n_test else "dev" if position < n_test + n_dev else "train"
        )
    return split


def entity_type(entity: dict[str, Any], *, device: bool) -> str | None:
    if entity.get("type"):
        return str(entity["type"])
    if device and entity.get("label") == "Device":
        return "device"
    return None


def spans_of(
    document: dict[str, Any],
    *,
    device: bool,
    discontinuous: str,
    max_gap: int,
    stats: Counter[str],
) -> tuple[list[tuple[int, int, str]], list[tuple[int, int]]]:
    """The flat (start, end, type) spans of a document, and the missing regions."""
    text = document["text"]
    spans: list[tuple[int, int, str]] = []
    missing: list[tuple[int, int]] = []
    for entity in document["entities"]:
        label = entity_type(entity, device=device)
        if label is None:
            continue
        start, end = entity["start"], entity["end"]
        stats[f"{label}: gold"] += 1
        fragments = entity.get("fragments") or [[start, end]]
        if len(fragments) > 1:
            gaps = [text[a[1] : b[0]] for a, b in itertools.pairwise(fragments)]
            short = all(len(g) <= max_gap and "\n" not in g and "\r" not in g for g in gaps)
            if discontinuous == "drop" or (discontinuous == "missing" and not short):
                stats[f"{label}: discontinuous, {discontinuous}"] += 1
                if discontinuous == "missing":
                    missing.append((start, end))
                continue
            stats[f"{label}: discontinuous, envelope"] += 1
        if "\n" in text[start:end] or "\r" in text[start:end]:
            stats[f"{label}: crosses a line end, dropped"] += 1
            continue
        spans.append((start, end, label))
    spans.sort(key=lambda s: (-(s[1] - s[0]), s[0]))
    kept: list[tuple[int, int, str]] = []
    for span in spans:
        if any(span[0] < k[1] and k[0] < span[1] for k in kept):
            stats[f"{span[2]}: overlaps a longer span, dropped"] += 1
            continue
        kept.append(span)
    return sorted(kept), missing


def line_docs(
    nlp: spacy.Language,
    document: dict[str, Any],
    spans: list[tuple[int, int, str]],
    missing: list[tuple[int, int]],
    stats: Counter[str],
) -> list[Doc]:
    """One Doc per line, with its entities and missing regions set."""
    docs = []
    for offset, line in lines(document["text"]):
        end_of_line = offset + len(line)
        doc = nlp.make_doc(line)
        ents, unknown = [], []
        for start, end, label in spans:
            if start < offset or end > end_of_line:
                continue
            span = doc.char_span(start - offset, end - offset, label=label)
            if span is None:
                stats[f"{label}: not whole tokens, missing"] += 1
                span = doc.char_span(start - offset, end - offset, alignment_mode="expand")
                if span is not None:
                    unknown.append(span)
                continue
            ents.append(span)
            stats[f"{label}: kept"] += 1
        for start, end in missing:
            if start < end_of_line and offset < end:
                span = doc.char_span(
                    max(start, offset) - offset,
                    min(end, end_of_line) - offset,
                    alignment_mode="expand",
                )
                if span is not None:
                    unknown.append(span)
        unknown = [u for u in unknown if not any(u.start < e.end and e.start < u.end for e in ents)]
        doc.set_ents(ents, missing=_disjoint(unknown), default="outside")
        docs.append(doc)
    return docs


def edge_rules(
    docs: list[Doc], *, max_rate: float = 0.3, min_support: int = 8
) -> dict[str, dict[str, float]]:
    """Words that the entities of ``docs`` rarely begin (end) with, though they
    often stand right before (after) one: word -> the share of inclusions.

    Counted on a word's occurrences at the left (right) edge of an entity,
    inside it or just outside; a word qualifies with at least ``min_support``
    such occurrences, of which at most ``max_rate`` inside. Only words of
    letters (brackets are handled on their own by :func:`harmonize`).
    """
    inside: dict[str, Counter[str]] = {"left": Counter(), "right": Counter()}
    outside: dict[str, Counter[str]] = {"left": Counter(), "right": Counter()}
    for doc in docs:
        for ent in doc.ents:
            inside["left"][ent[0].lower_] += 1
            inside["right"][ent[-1].lower_] += 1
            if ent.start > 0 and doc[ent.start - 1].ent_iob_ == "O":
                outside["left"][doc[ent.start - 1].lower_] += 1
            if ent.end < len(doc) and doc[ent.end].ent_iob_ == "O":
                outside["right"][doc[ent.end].lower_] += 1
    rules: dict[str, dict[str, float]] = {}
    for edge in ("left", "right"):
        rules[edge] = {}
        for word in sorted(set(inside[edge]) | set(outside[edge])):
            n = inside[edge][word] + outside[edge][word]
            rate = inside[edge][word] / n if n else 0.0
            if word.isalpha() and n >= min_support and rate <= max_rate:
                rules[edge][word] = round(rate, 3)
    return rules


_CLOSING = {")": "(", "]": "["}


def harmonize(doc: Doc, rules: dict[str, dict[str, float]], stats: Counter[str]) -> Doc:
    """Trim ``doc``'s entities to the other corpus's convention (``rules`` of
    :func:`edge_rules`): a trailing bracketed group is cut off and marked
    missing ("Mini-Mental State Examination (MMSE)": LCT annotates the
    abbreviation on its own, if at all), then leading (trailing) words the
    other corpus leaves out become outside ("chronic kidney disease" ->
    "kidney disease"). An entity keeps at least one token."""
    missing = [token.i for token in doc if token.ent_iob == 0]
    ents = []
    for ent in doc.ents:
        start, end = ent.start, ent.end
        while end - start > 1 and doc[end - 1].text in _CLOSING:
            opening = next(
                (
                    i
                    for i in range(end - 2, start, -1)
                    if doc[i].text == _CLOSING[doc[end - 1].text]
                ),
                None,
            )
            if opening is None:
                break
            missing.extend(range(opening, end))
            end = opening
            stats[f"{ent.label_}: harmonized, bracketed group cut"] += 1
        while end - start > 1 and doc[start].lower_ in rules["left"]:
            start += 1
            stats[f"{ent.label_}: harmonized, leading word cut"] += 1
        while end - start > 1 and doc[end - 1].lower_ in rules["right"]:
            end -= 1
            stats[f"{ent.label_}: harmonized, trailing word cut"] += 1
        ents.append(Span(doc, start, end, label=ent.label_))
    missing_spans = [Span(doc, i, i + 1) for i in sorted(set(missing))]
    doc.set_ents(ents, missing=missing_spans, default="outside")
    return doc


def _disjoint(spans: list[Any]) -> list[Any]:
    kept: list[Any] = []
    for span in sorted(spans, key=lambda s: (s.start, -len(s))):
        if kept and span.start < kept[-1].end:
            continue
        kept.append(span)
    return kept


def convert(
    gold: Path,
    out: Path,
    *,
    corpora: tuple[str, ...] = ("lct", "chia"),
    device: bool = False,
    discontinuous: str = "missing",
    max_gap: int = 30,
    seed: int = SEED,
    harmonize_to: str | None = None,
) -> dict[str, Counter[str]]:
    """Write the corpora and the split under ``out``; return counts per corpus.

    With ``harmonize_to`` (a corpus converted first), the entities of the other
    corpus are trimmed to its convention (:func:`harmonize`), by rules counted
    on its train lines (:func:`edge_rules`, written to ``harmonize.json``).
    """
    nlp = entity_tokenizer(spacy.blank("en"))
    out.mkdir(parents=True, exist_ok=True)
    bins: dict[str, DocBin] = {}
    raw: list[str] = []
    split_ids: dict[str, dict[str, list[str]]] = {}
    report: dict[str, Counter[str]] = {}
    reference: list[Doc] = []  # the train lines of harmonize_to
    rules: dict[str, dict[str, float]] | None = None
    for corpus in ("lct", "chia"):
        if harmonize_to and corpus != harmonize_to and rules is None and reference:
            rules = edge_rules(reference)
            (out / "harmonize.json").write_text(
                json.dumps({"to": harmonize_to, **rules}, indent=1, sort_keys=True) + "\n"
            )
        documents = read(gold / FILES[corpus])
        split = split_trials({d["trial_id"] for d in documents}, seed=seed)
        split_ids[corpus] = {
            part: sorted(t for t, p in split.items() if p == part)
            for part in ("train", "dev", "test")
        }
        if corpus not in corpora:
            continue
        stats: Counter[str] = Counter()
        for document in documents:
            part = split[document["trial_id"]]
            if part == "test":
                continue
            spans, missing = spans_of(
                document, device=device, discontinuous=discontinuous, max_gap=max_gap, stats=stats
            )
            for doc in line_docs(nlp, document, spans, missing, stats):
                if corpus == harmonize_to and part == "train":
                    reference.append(doc)
                if rules is not None and corpus != harmonize_to:
                    doc = harmonize(doc, rules, stats)
                for name in (part, f"{part}-{corpus}"):
                    bins.setdefault(name, DocBin(store_user_data=False)).add(doc)
                if part == "train":
                    raw.append(json.dumps({"text": doc.text}, ensure_ascii=False))
                stats[f"{part} lines"] += 1
            stats[f"{part} documents"] += 1
        report[corpus] = stats
    for name, docbin in bins.items():
        docbin.to_disk(out / f"{name}.spacy")
    (out / "pretrain.jsonl").write_text("\n".join(raw) + "\n", encoding="utf-8")
    record = {
        "seed": seed,
        "rule": "per corpus, trials sorted by sha256('<seed>:<trial_id>'); "
        f"first {TEST_SHARE:.0%} test, next {DEV_SHARE:.0%} dev, rest train",
        "corpora": split_ids,
    }
    (out / "split.json").write_text(json.dumps(record, indent=1, sort_keys=True) + "\n")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=ROOT.parent / "shared/gold/entities")
    parser.add_argument("--out", type=Path, default=HERE / "corpus")
    parser.add_argument("--corpora", default="lct,chia", help="comma-separated: lct, chia")
    parser.add_argument("--device", action="store_true", help="train Chia's Device label too")
    parser.add_argument(
        "--discontinuous", choices=("missing", "envelope", "drop"), default="missing"
    )
    parser.add_argument("--max-gap", type=int, default=30)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument(
        "--harmonize",
        default="none",
        help="trim the other corpus's entities to this corpus's convention ('none': keep them)",
    )
    args = parser.parse_args(argv)
    report = convert(
        args.gold,
        args.out,
        corpora=tuple(args.corpora.split(",")),
        device=args.device,
        discontinuous=args.discontinuous,
        max_gap=args.max_gap,
        seed=args.seed,
        harmonize_to=None if args.harmonize == "none" else args.harmonize,
    )
    for corpus, stats in report.items():
        print(f"{corpus}:", file=sys.stderr)
        for key in sorted(stats):
            print(f"  {key:<48} {stats[key]:6d}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
