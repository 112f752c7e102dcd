"""Planning a run: which partition every input goes to, and what changed.

A dataset is split into **partitions** by study id: ``NCT059`` holds the
studies NCT05900000–NCT05999999 (the registry's ~598,000 studies make about
70 such partitions of ~8,500 studies), ``local-8`` the records without an
NCT id whose local id starts with ``8``. A partition is the unit of work
(one task for a worker process or a Dask worker) and of output (one part
file per table). Because the partition follows from the study id, the same
study from two inputs always meets itself in one partition, where the
duplicate is resolved: the input of the earliest SOURCE wins (then the
smaller input name) and the other becomes an ``errors`` row.

Planning streams the sources (:func:`ctparse.dataset.sources.enumerate_source`)
into one spool file per partition under ``DIR/_plan/``, then
:func:`finalize` turns each spool into a :class:`PartitionPlan`: its units
(study, input, fingerprint, how to read it) and its error items, sorted, and
a ``gen``: a digest of all that plus the versions, which names the
partition's part files. A partition whose committed ``gen`` equals the
planned one is already done: nothing is read or written for it.
Memory is one partition's plan at a time.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

from .sources import NCT_ID, Claim

SPOOL = "spool"
_SPOOLED = ".marshal"
_SPOOL_BLOCK = 512  # claims of a partition written as one marshal record
SPOOL_HELD = 150_000  # claims held in memory (~55 MB) before the spool spills to disk


def partition_of(study: str | None, input: str) -> str:
    """``NCT059`` for NCT05912345; ``local-8`` for local-8446…; an input
    without a known study goes by a digest of its name."""
    if study and NCT_ID.match(study):
        return study[:6].upper()
    if study and study.startswith("local-") and len(study) > 6:
        return f"local-{study[6]}"
    return f"local-{hashlib.sha1(input.encode('utf-8')).hexdigest()[0]}"


class Unit(NamedTuple):  # a tuple: the plan of the registry holds ~600,000
    """One study to parse: from which input, read how."""

    study: str
    input: str
    fingerprint: str
    locator: list[Any]
    named: bool


class ErrorItem(NamedTuple):
    """An input that failed before parsing (or lost to a duplicate)."""

    input: str
    study: str | None
    stage: str
    reason: str
    fingerprint: str


@dataclass(frozen=True)
class PartitionPlan:
    name: str
    units: tuple[Unit, ...]
    errors: tuple[ErrorItem, ...]
    gen: str

    def to_json(self) -> str:
        return json.dumps(
            {
                "name": self.name,
                "gen": self.gen,
                "units": [
                    [u.study, u.input, u.fingerprint, u.locator, u.named] for u in self.units
                ],
                "errors": [
                    [e.input, e.study, e.stage, e.reason, e.fingerprint] for e in self.errors
                ],
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str) -> PartitionPlan:
        data = json.loads(text)
        return cls(
            name=data["name"],
            gen=data["gen"],
            units=tuple(Unit(s, i, f, loc, bool(n)) for s, i, f, loc, n in data["units"]),
            errors=tuple(ErrorItem(*e) for e in data["errors"]),
        )


class Spool:
    """Claims grouped by partition, held in memory up to :data:`SPOOL_HELD`
    claims (~55 MB) and spilled beyond it to one file per partition as
    :mod:`marshal` blocks, so that memory stays bounded for any input (the
    registry's ~600,000 claims spill; 100,000 do not). Only this run writes
    and reads the files back."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder / SPOOL
        self.folder.mkdir(parents=True, exist_ok=True)
        self._files: dict[str, BinaryIO] = {}
        self.pending: dict[str, list[tuple[Any, ...]]] = {}
        self._held = 0
        self.claims = 0

    def add(self, source_index: int, claim: Claim) -> None:
        partition = partition_of(claim.study, claim.input)
        pending = self.pending.get(partition)
        if pending is None:
            pending = self.pending[partition] = []
        pending.append(
            (
                source_index,
                claim.study,
                claim.input,
                claim.fingerprint,
                claim.locator,
                claim.named,
                list(claim.error) if claim.error else None,
            )
        )
        self.claims += 1
        self._held += 1
        if self._held >= SPOOL_HELD:
            self._spill()

    def _spill(self) -> None:
        for partition, lines in self.pending.items():
            stream = self._files.get(partition)
            if stream is None:
                stream = self._files[partition] = open(  # noqa: SIM115 - closed in close()
                    self.folder / f"{partition}{_SPOOLED}", "ab"
                )
            for at in range(0, len(lines), _SPOOL_BLOCK):
                marshal.dump(lines[at : at + _SPOOL_BLOCK], stream)
        self.pending = {}
        self._held = 0

    def close(self) -> None:
        """Close the spilled files (the claims held stay for :func:`finalize`)."""
        for stream in self._files.values():
            stream.close()
        self._files.clear()


def _resolve(name: str, lines: list[list[Any]], versions: tuple[Any, ...]) -> PartitionPlan:
    units: dict[str, tuple[int, Unit]] = {}
    errors: list[ErrorItem] = []
    losers: list[tuple[int, Unit]] = []
    for source_index, study, input, fingerprint, locator, named, error in sorted(
        lines, key=lambda line: (line[0], line[2], line[1] or "")
    ):
        if error is not None:
            errors.append(ErrorItem(input, study, error[0], error[1], fingerprint))
            continue
        unit = Unit(study, input, fingerprint, locator, bool(named))
        if study in units:
            losers.append((source_index, unit))
        else:
            units[study] = (source_index, unit)
    for _, unit in losers:
        winner = units[unit.study][1]
        if winner.input == unit.input:
            continue  # the same input named twice (a folder and a file in it)
        errors.append(
            ErrorItem(
                unit.input,
                unit.study,
                "duplicate",
                f"{unit.study} is also read from {winner.input}; that copy is kept",
                f"{unit.fingerprint}|{winner.input}",
            )
        )
    kept = tuple(unit for _, (_, unit) in sorted(units.items()))
    errors_sorted = tuple(
        sorted(set(errors), key=lambda e: (e.input, e.study or "", e.stage, e.reason))
    )
    digest = hashlib.sha256()
    digest.update(json.dumps(list(versions)).encode())
    digest.update(json.dumps([[u.study, u.input, u.fingerprint] for u in kept]).encode())
    for e in errors_sorted:
        digest.update(json.dumps([e.input, e.study, e.stage, e.reason, e.fingerprint]).encode())
    return PartitionPlan(name, kept, errors_sorted, digest.hexdigest()[:16])


def finalize(
    folder: Path, versions: tuple[Any, ...], spool: Spool | None = None
) -> Iterator[PartitionPlan]:
    """Turn every partition's claims (spilled under ``folder`` and held by
    ``spool``) into ``<partition>.json``; yield each plan, in partition order."""
    spilled = folder / SPOOL
    held = spool.pending if spool is not None else {}
    names = {p.stem for p in spilled.glob(f"*{_SPOOLED}")} if spilled.is_dir() else set()
    for name in sorted(names | set(held)):
        path = spilled / f"{name}{_SPOOLED}"
        lines: list[Any] = []
        if name in names:
            with open(path, "rb") as stream:
                while True:
                    try:
                        lines += marshal.load(stream)
                    except EOFError:
                        break
            os.unlink(path)
        lines += held.pop(name, [])
        plan = _resolve(name, lines, versions)
        target = folder / f"{name}.json"
        target.write_text(plan.to_json(), encoding="utf-8")
        yield plan


def load_plan(folder: Path, name: str) -> PartitionPlan:
    return PartitionPlan.from_json((folder / f"{name}.json").read_text(encoding="utf-8"))
